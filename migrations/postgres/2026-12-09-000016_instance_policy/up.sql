-- What staff decided about another server (Mastodon's domain block fields): severity 'none',
-- 'silence' (limited: seen only by its followers) or 'suspend' (blocked: nothing exchanged, its
-- content hidden); whether its media are fetched and its reports taken; comments for the public
-- list and for staff; whether the public list shows the domain obfuscated; and, for allow-list
-- mode, whether it is allowed.
ALTER TABLE instance ADD COLUMN severity TEXT NOT NULL DEFAULT 'none';
ALTER TABLE instance ADD COLUMN reject_media BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE instance ADD COLUMN reject_reports BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE instance ADD COLUMN public_comment TEXT NOT NULL DEFAULT '';
ALTER TABLE instance ADD COLUMN private_comment TEXT NOT NULL DEFAULT '';
ALTER TABLE instance ADD COLUMN obfuscate BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE instance ADD COLUMN allowed BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE instance ADD COLUMN policy_updated_at TIMESTAMP;

-- A remote actor staff blocked for the whole instance: nothing is taken from or sent to it,
-- and what it wrote is hidden.
CREATE TABLE remote_actor_block (
    actor_id BIGINT PRIMARY KEY REFERENCES actor (id) ON DELETE CASCADE,
    comment TEXT NOT NULL,
    created_by BIGINT REFERENCES actor (id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL
);

-- The few instances with a policy, read by timelines and at start-up.
CREATE INDEX instance_severity_idx ON instance (severity) WHERE severity <> 'none';
