-- People's own controls (issue #21): a person blocks or mutes an actor (a person, a group, an
-- organisation), blocks a whole domain for themselves, or hides one post. Each holds for that
-- person only; an instance-wide block is the admins' and lives elsewhere.

-- `actor_id` blocks `target_id`. Either side may be local or remote: a remote actor's Block of
-- one of our people is stored here too, so that one rule reads both directions.
CREATE TABLE actor_block (
    id INTEGER PRIMARY KEY,
    actor_id BIGINT NOT NULL REFERENCES actor (id) ON DELETE CASCADE,
    target_id BIGINT NOT NULL REFERENCES actor (id) ON DELETE CASCADE,
    -- the id of the Block as sent or received: its Undo names it
    ap_id TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (actor_id, target_id)
);
CREATE INDEX actor_block_target_idx ON actor_block (target_id, actor_id);

-- `actor_id` mutes `target_id`: hidden from timelines, and from notifications when
-- `notifications`; until `expires_at` when set.
CREATE TABLE actor_mute (
    id INTEGER PRIMARY KEY,
    actor_id BIGINT NOT NULL REFERENCES actor (id) ON DELETE CASCADE,
    target_id BIGINT NOT NULL REFERENCES actor (id) ON DELETE CASCADE,
    notifications BOOLEAN NOT NULL,
    expires_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (actor_id, target_id)
);

-- `actor_id` (a local person) blocks everyone of `domain` for themselves.
CREATE TABLE domain_block_personal (
    id INTEGER PRIMARY KEY,
    actor_id BIGINT NOT NULL REFERENCES actor (id) ON DELETE CASCADE,
    domain TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (actor_id, domain)
);

-- `actor_id` (a local person) hid `post_id` from their own lists.
CREATE TABLE hidden_post (
    id INTEGER PRIMARY KEY,
    actor_id BIGINT NOT NULL REFERENCES actor (id) ON DELETE CASCADE,
    post_id BIGINT NOT NULL REFERENCES post (id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (actor_id, post_id)
);
