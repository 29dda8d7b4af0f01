-- Who follows whom. `ap_id` is the id of the Follow activity, echoed in Accept/Reject/Undo.
CREATE TABLE follow (
    id BIGSERIAL PRIMARY KEY,
    ap_id TEXT NOT NULL UNIQUE,
    follower_id BIGINT NOT NULL REFERENCES actor (id) ON DELETE CASCADE,
    target_id BIGINT NOT NULL REFERENCES actor (id) ON DELETE CASCADE,
    accepted BOOLEAN NOT NULL,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (follower_id, target_id)
);
CREATE INDEX follow_target_idx ON follow (target_id);

-- Notes and articles, local and remote.
CREATE TABLE post (
    id BIGSERIAL PRIMARY KEY,
    ap_id TEXT NOT NULL UNIQUE,
    author_id BIGINT NOT NULL REFERENCES actor (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    name TEXT,
    content TEXT NOT NULL,
    summary TEXT,
    sensitive BOOLEAN NOT NULL,
    language TEXT,
    in_reply_to TEXT,
    url TEXT,
    visibility TEXT NOT NULL,
    local BOOLEAN NOT NULL,
    deleted BOOLEAN NOT NULL,
    published TIMESTAMP NOT NULL,
    updated_at TIMESTAMP
);
CREATE INDEX post_author_idx ON post (author_id, id);
CREATE INDEX post_local_idx ON post (local, id);

-- Likes (favourites) and announces (boosts) of posts.
CREATE TABLE post_like (
    id BIGSERIAL PRIMARY KEY,
    ap_id TEXT NOT NULL UNIQUE,
    actor_id BIGINT NOT NULL REFERENCES actor (id) ON DELETE CASCADE,
    post_id BIGINT NOT NULL REFERENCES post (id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (actor_id, post_id)
);
CREATE INDEX post_like_post_idx ON post_like (post_id);

CREATE TABLE announce (
    id BIGSERIAL PRIMARY KEY,
    ap_id TEXT NOT NULL UNIQUE,
    actor_id BIGINT NOT NULL REFERENCES actor (id) ON DELETE CASCADE,
    post_id BIGINT NOT NULL REFERENCES post (id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (actor_id, post_id)
);
CREATE INDEX announce_post_idx ON announce (post_id);

-- The transactional outbox: each activity we send, written with the change that caused it.
CREATE TABLE outbox_activity (
    id BIGSERIAL PRIMARY KEY,
    ap_id TEXT NOT NULL UNIQUE,
    actor_id BIGINT NOT NULL REFERENCES actor (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    -- deliver to the actor's followers
    to_followers BOOLEAN NOT NULL,
    -- and to these actors (JSON array of actor ids), e.g. the target of a Follow
    to_actors TEXT NOT NULL,
    fanned_out BOOLEAN NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX outbox_activity_fanned_out_idx ON outbox_activity (fanned_out, id);

-- One row per (activity, inbox) still to deliver; deleted once delivered.
CREATE TABLE delivery (
    id BIGSERIAL PRIMARY KEY,
    activity_id BIGINT NOT NULL REFERENCES outbox_activity (id) ON DELETE CASCADE,
    instance_id BIGINT NOT NULL REFERENCES instance (id) ON DELETE CASCADE,
    inbox_url TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (activity_id, inbox_url)
);
CREATE INDEX delivery_instance_idx ON delivery (instance_id, id);

-- Per remote instance: backoff, liveness and the lease of the worker that sends to it.
CREATE TABLE delivery_target (
    instance_id BIGINT PRIMARY KEY REFERENCES instance (id) ON DELETE CASCADE,
    state TEXT NOT NULL,
    next_attempt_at TIMESTAMP NOT NULL,
    fail_count INTEGER NOT NULL,
    first_failure_at TIMESTAMP,
    last_success_at TIMESTAMP,
    lease_owner TEXT,
    lease_until TIMESTAMP
);
CREATE INDEX delivery_target_due_idx ON delivery_target (state, next_attempt_at);

-- Ids of activities already processed, written with their effects (deduplication).
CREATE TABLE received_activity (
    ap_id TEXT PRIMARY KEY,
    received_at TIMESTAMP NOT NULL
);
CREATE INDEX received_activity_received_at_idx ON received_activity (received_at);

-- Client API: registered apps, access tokens (hashed), authorization codes (hashed).
CREATE TABLE oauth_app (
    id BIGSERIAL PRIMARY KEY,
    client_id TEXT NOT NULL UNIQUE,
    client_secret TEXT NOT NULL,
    name TEXT NOT NULL,
    website TEXT,
    redirect_uris TEXT NOT NULL,
    scopes TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE oauth_token (
    id BIGSERIAL PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    app_id BIGINT REFERENCES oauth_app (id) ON DELETE CASCADE,
    local_user_id BIGINT REFERENCES local_user (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    scopes TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    last_used_at TIMESTAMP
);
CREATE INDEX oauth_token_local_user_idx ON oauth_token (local_user_id);

CREATE TABLE oauth_code (
    code_hash TEXT PRIMARY KEY,
    app_id BIGINT NOT NULL REFERENCES oauth_app (id) ON DELETE CASCADE,
    local_user_id BIGINT NOT NULL REFERENCES local_user (id) ON DELETE CASCADE,
    redirect_uri TEXT NOT NULL,
    scopes TEXT NOT NULL,
    code_challenge TEXT,
    expires_at TIMESTAMP NOT NULL
);
