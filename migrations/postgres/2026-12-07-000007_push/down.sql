DROP TABLE push_subscription;
ALTER TABLE site DROP COLUMN vapid_private_key;
