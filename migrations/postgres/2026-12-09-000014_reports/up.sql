-- Reports (issue #21): anyone tells the moderators about a post, a person or a group, here or
-- elsewhere; other servers' moderators do so with a `Flag`.

CREATE TABLE report (
    id BIGSERIAL PRIMARY KEY,
    -- what it is about: post, actor or group (later kinds add a value, not a table)
    subject_kind TEXT NOT NULL,
    -- the post it is about (subject_kind post)
    post_id BIGINT REFERENCES post (id) ON DELETE SET NULL,
    -- the actor it is about: the person or group, or the author of the post
    actor_id BIGINT REFERENCES actor (id) ON DELETE SET NULL,
    -- the local group whose moderators see it too (a post written in that group)
    group_id BIGINT REFERENCES actor (id) ON DELETE SET NULL,
    -- who reported it: a resident, or another server's actor; NULL for an anonymous visitor
    reporter_id BIGINT REFERENCES actor (id) ON DELETE SET NULL,
    -- an anonymous visitor's address to hear the outcome at
    contact_email TEXT,
    -- illegal, harassment, spam, privacy or other
    category TEXT NOT NULL,
    -- for illegal content: the law or ground it breaks (Digital Services Act, article 16)
    legal_ground TEXT,
    comment TEXT NOT NULL,
    -- sent on to the server that holds the reported content as a Flag
    forward BOOLEAN NOT NULL,
    -- the domain of the server a Flag came from
    origin_instance TEXT,
    -- the id of the Flag received or sent
    ap_id TEXT UNIQUE,
    -- open, resolved or dismissed
    state TEXT NOT NULL,
    assigned_to BIGINT REFERENCES actor (id) ON DELETE SET NULL,
    -- the outcome told to the reporter
    resolution TEXT,
    resolved_by BIGINT REFERENCES actor (id) ON DELETE SET NULL,
    -- the moderation action the resolution took (linked later)
    action_id BIGINT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    resolved_at TIMESTAMP
);
CREATE INDEX report_state_idx ON report (state, id);
CREATE INDEX report_group_idx ON report (group_id, state, id);

-- Further posts a report names (Mastodon's status_ids, a Flag's objects).
CREATE TABLE report_post (
    report_id BIGINT NOT NULL REFERENCES report (id) ON DELETE CASCADE,
    post_id BIGINT NOT NULL REFERENCES post (id) ON DELETE CASCADE,
    PRIMARY KEY (report_id, post_id)
);

-- Moderators' notes on a report: never shown to the reporter or the reported.
CREATE TABLE report_note (
    id BIGSERIAL PRIMARY KEY,
    report_id BIGINT NOT NULL REFERENCES report (id) ON DELETE CASCADE,
    author_id BIGINT REFERENCES actor (id) ON DELETE SET NULL,
    content TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX report_note_report_idx ON report_note (report_id, id);
