-- A person's or group's header image (the avatar is icon_url).
ALTER TABLE actor ADD COLUMN image_url TEXT;

-- Images: uploads stored here (file_key, small_key) and attachments of remote posts, which are
-- only linked (remote_url). An attachment without a post is an upload not yet posted.
CREATE TABLE media (
    id INTEGER PRIMARY KEY,
    owner_id BIGINT NOT NULL REFERENCES actor (id) ON DELETE CASCADE,
    post_id BIGINT REFERENCES post (id) ON DELETE CASCADE,
    -- attachment, avatar, header or icon
    purpose TEXT NOT NULL,
    sort_order INTEGER NOT NULL,
    content_type TEXT NOT NULL,
    file_key TEXT,
    width INTEGER,
    height INTEGER,
    size BIGINT NOT NULL,
    small_key TEXT,
    small_width INTEGER,
    small_height INTEGER,
    small_size BIGINT,
    -- the alt text
    description TEXT NOT NULL,
    blurhash TEXT,
    -- Mastodon's focal point, "x,y" in -1..1
    focus TEXT,
    remote_url TEXT,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX media_post_idx ON media (post_id, sort_order);
CREATE INDEX media_owner_idx ON media (owner_id, purpose);
CREATE INDEX media_purpose_created_idx ON media (purpose, created_at);
