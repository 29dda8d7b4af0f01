ALTER TABLE actor DROP COLUMN verified_by;
ALTER TABLE actor DROP COLUMN verified_at;
ALTER TABLE actor DROP COLUMN suspended_at;
ALTER TABLE actor DROP COLUMN silenced_at;
ALTER TABLE post DROP COLUMN removed_at;
ALTER TABLE post DROP COLUMN hidden_at;
DROP TABLE moderation_appeal;
DROP TABLE moderation_action;
