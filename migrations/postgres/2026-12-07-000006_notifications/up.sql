-- Notifications, the job queue, e-mail tokens and invitations (issue #19).

-- What concerns a local person: a mention, a reply, a follower, a like, a registration to
-- approve, and the kinds later features register (domain::notifications::kinds).
CREATE TABLE notification (
    id BIGSERIAL PRIMARY KEY,
    -- the local person's actor
    recipient_id BIGINT NOT NULL REFERENCES actor (id) ON DELETE CASCADE,
    -- a registered kind's stable name ("mention", "favourite", "follow", …)
    kind TEXT NOT NULL,
    -- who caused it, when someone did
    from_actor_id BIGINT REFERENCES actor (id) ON DELETE CASCADE,
    post_id BIGINT REFERENCES post (id) ON DELETE CASCADE,
    -- the ActivityPub id (or local path) of what it is about when that is not a post
    subject TEXT,
    -- notifications with the same key are shown together ("3 neighbours liked your post")
    group_key TEXT NOT NULL,
    -- how the person chose to hear of it: in_app, email, daily, weekly
    channel TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX notification_recipient_idx ON notification (recipient_id, id);
CREATE INDEX notification_group_idx ON notification (recipient_id, group_key, id);
CREATE INDEX notification_post_idx ON notification (post_id);

-- Where a person stopped reading a timeline (Mastodon's markers; "notifications" is the unread
-- count's mark).
CREATE TABLE marker (
    local_user_id BIGINT NOT NULL REFERENCES local_user (id) ON DELETE CASCADE,
    timeline TEXT NOT NULL,
    last_read_id BIGINT NOT NULL,
    version INTEGER NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (local_user_id, timeline)
);

-- How a person wants to hear of a kind, in general (scope '') or for one followed thing
-- (scope = its ActivityPub id): off, in_app, email, daily, weekly.
CREATE TABLE notification_preference (
    local_user_id BIGINT NOT NULL REFERENCES local_user (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    scope TEXT NOT NULL,
    channel TEXT NOT NULL,
    PRIMARY KEY (local_user_id, kind, scope)
);

-- Work that is not ActivityPub delivery: e-mail, digests, imports, refetches, cleanup.
-- Written in the transaction of its cause, claimed with a lease, deleted when done.
CREATE TABLE job (
    id BIGSERIAL PRIMARY KEY,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    -- a job with a key exists at most once (a person's digest of one period, say)
    unique_key TEXT UNIQUE,
    run_at TIMESTAMP NOT NULL,
    attempts INTEGER NOT NULL,
    last_error TEXT,
    lease_owner TEXT,
    lease_until TIMESTAMP,
    -- set when the job gave up (failed permanently or too often); kept for the operator
    failed_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX job_due_idx ON job (failed_at, run_at);

-- Single-use tokens sent by e-mail: address confirmation, password reset, e-mail change.
CREATE TABLE email_token (
    id BIGSERIAL PRIMARY KEY,
    local_user_id BIGINT NOT NULL REFERENCES local_user (id) ON DELETE CASCADE,
    purpose TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    -- the address being confirmed (registration, e-mail change)
    email TEXT,
    expires_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX email_token_user_idx ON email_token (local_user_id);

ALTER TABLE local_user ADD COLUMN email_confirmed_at TIMESTAMP;
-- Nobody was asked to confirm before: their addresses count as confirmed.
UPDATE local_user SET email_confirmed_at = created_at;

-- Up to when a person's digests covered what happened, per period (daily, weekly): the next
-- digest of that period covers exactly what came after.
CREATE TABLE digest (
    local_user_id BIGINT NOT NULL REFERENCES local_user (id) ON DELETE CASCADE,
    period TEXT NOT NULL,
    covered_until TIMESTAMP NOT NULL,
    PRIMARY KEY (local_user_id, period)
);

-- Invitations: by link (a code) or to an e-mail address, for the instance now and for groups
-- and events later (subject = their ActivityPub id); the invitee lands on `landing`.
ALTER TABLE invite ADD COLUMN email TEXT;
ALTER TABLE invite ADD COLUMN kind TEXT NOT NULL DEFAULT 'instance';
ALTER TABLE invite ADD COLUMN subject TEXT;
ALTER TABLE invite ADD COLUMN landing TEXT;
