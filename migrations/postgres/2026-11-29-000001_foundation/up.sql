-- The instance itself: one row, made at first start.
CREATE TABLE site (
    id BIGINT PRIMARY KEY,
    secret TEXT NOT NULL,
    public_key TEXT NOT NULL,
    private_key TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);

-- Local persons and groups share one namespace (they share WebFinger); names are kept lowercase.
CREATE TABLE local_name (
    name TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);

-- Other servers, by host (with port when not the default).
CREATE TABLE instance (
    id BIGSERIAL PRIMARY KEY,
    domain TEXT NOT NULL UNIQUE,
    software TEXT,
    version TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- Every ActivityPub actor, local or remote: persons, groups, the instance itself, and remote
-- applications and services that follow us. Kind-specific data lives in tables keyed by actor.
CREATE TABLE actor (
    id BIGSERIAL PRIMARY KEY,
    ap_id TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    username TEXT NOT NULL,
    -- lowercase username: (name_key, domain) is what @name@domain finds
    name_key TEXT NOT NULL,
    domain TEXT NOT NULL,
    display_name TEXT NOT NULL,
    summary TEXT NOT NULL,
    url TEXT,
    icon_url TEXT,
    inbox_url TEXT NOT NULL,
    shared_inbox_url TEXT,
    outbox_url TEXT,
    followers_url TEXT,
    public_key TEXT,
    private_key TEXT,
    manually_approves_followers BOOLEAN NOT NULL,
    discoverable BOOLEAN NOT NULL,
    local BOOLEAN NOT NULL,
    deleted BOOLEAN NOT NULL,
    instance_id BIGINT REFERENCES instance (id),
    published TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    last_fetched_at TIMESTAMP
);
CREATE UNIQUE INDEX actor_name_key_domain_idx ON actor (name_key, domain);
CREATE INDEX actor_instance_idx ON actor (instance_id);

CREATE TABLE local_user (
    id BIGSERIAL PRIMARY KEY,
    actor_id BIGINT NOT NULL UNIQUE REFERENCES actor (id) ON DELETE CASCADE,
    email TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL,
    status TEXT NOT NULL,
    language TEXT,
    registration_reason TEXT,
    invite_id BIGINT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    last_login_at TIMESTAMP
);
CREATE INDEX local_user_status_idx ON local_user (status);

CREATE TABLE session (
    id BIGSERIAL PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    local_user_id BIGINT NOT NULL REFERENCES local_user (id) ON DELETE CASCADE,
    user_agent TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL
);
CREATE INDEX session_local_user_idx ON session (local_user_id);

CREATE TABLE invite (
    id BIGSERIAL PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    created_by BIGINT NOT NULL REFERENCES local_user (id) ON DELETE CASCADE,
    max_uses INTEGER NOT NULL,
    uses INTEGER NOT NULL,
    expires_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
