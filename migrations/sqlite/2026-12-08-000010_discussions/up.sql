-- Discussions in groups (issue #20): a post may belong to a group (its `audience`), a thread
-- starter may be pinned or locked, Markdown keeps its source for editing, edits keep history,
-- and a group's relayed activities reach its members or only group-aware servers.

-- The group a post was written in (FEP-1b12 `audience`); NULL: not in a group.
ALTER TABLE post ADD COLUMN audience_id BIGINT REFERENCES actor (id) ON DELETE SET NULL;
-- A locked thread takes no new replies.
ALTER TABLE post ADD COLUMN locked BOOLEAN NOT NULL DEFAULT 0;
-- When a moderator pinned it to the top of its group (the group's `featured` collection).
ALTER TABLE post ADD COLUMN pinned_at TIMESTAMP;
-- What the author typed (Markdown), for editing; NULL: plain text or another server's post.
ALTER TABLE post ADD COLUMN source TEXT;
-- A group's threads, newest first: the group page and its API.
CREATE INDEX post_audience_idx ON post (audience_id, id);

-- Earlier versions of an edited post, for its history.
CREATE TABLE post_edit (
    id INTEGER PRIMARY KEY,
    post_id BIGINT NOT NULL REFERENCES post (id) ON DELETE CASCADE,
    name TEXT,
    content TEXT NOT NULL,
    summary TEXT,
    -- when this version was written (the post's published or an earlier edit)
    written_at TIMESTAMP NOT NULL
);
CREATE INDEX post_edit_post_idx ON post_edit (post_id, id);

-- Whom a group's relayed activity reaches besides `to_followers`: NULL (only that), `members`
-- (its remote members' servers only: members-only content) or `aware` (followers on group-aware
-- software and the members: replies, which would flood Mastodon timelines).
ALTER TABLE outbox_activity ADD COLUMN group_reach TEXT;
