-- Web push (RFC 8030, 8291, 8292) for the client API's push subscriptions.

-- The instance's VAPID key (RFC 8292), made at the first start unless push.vapid_private_key
-- is configured: the P-256 private key, base64url without padding.
ALTER TABLE site ADD COLUMN vapid_private_key TEXT;

-- A Mastodon-style push subscription: one per access token, made by the person's app.
CREATE TABLE push_subscription (
    id INTEGER PRIMARY KEY,
    oauth_token_id BIGINT NOT NULL UNIQUE REFERENCES oauth_token (id) ON DELETE CASCADE,
    -- the local person's actor (notifications are addressed to it)
    actor_id BIGINT NOT NULL REFERENCES actor (id) ON DELETE CASCADE,
    -- the push service's URL for this app on this device
    endpoint TEXT NOT NULL,
    -- the app's P-256 public key and authentication secret, base64url (RFC 8291)
    p256dh TEXT NOT NULL,
    auth TEXT NOT NULL,
    -- the Mastodon notification types the app wants, as a JSON object of booleans
    alerts TEXT NOT NULL,
    -- from whom: all, followed, follower or none
    policy TEXT NOT NULL,
    -- the access token, encrypted with a key derived from the instance secret: Mastodon's
    -- push payload carries it so that the app knows which account a message is for
    token_sealed TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX push_subscription_actor_idx ON push_subscription (actor_id);
