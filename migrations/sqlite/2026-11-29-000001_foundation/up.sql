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

CREATE TABLE person (
    id INTEGER PRIMARY KEY,
    username TEXT NOT NULL,
    display_name TEXT NOT NULL,
    summary TEXT NOT NULL,
    ap_id TEXT NOT NULL UNIQUE,
    local BOOLEAN NOT NULL,
    public_key TEXT,
    private_key TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE local_user (
    id INTEGER PRIMARY KEY,
    person_id BIGINT NOT NULL UNIQUE REFERENCES person (id) ON DELETE CASCADE,
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
    id INTEGER PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    local_user_id BIGINT NOT NULL REFERENCES local_user (id) ON DELETE CASCADE,
    user_agent TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL
);
CREATE INDEX session_local_user_idx ON session (local_user_id);

CREATE TABLE invite (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    created_by BIGINT NOT NULL REFERENCES local_user (id) ON DELETE CASCADE,
    max_uses INTEGER NOT NULL,
    uses INTEGER NOT NULL,
    expires_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
