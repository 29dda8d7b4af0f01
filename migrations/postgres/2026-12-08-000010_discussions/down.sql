ALTER TABLE outbox_activity DROP COLUMN group_reach;
DROP TABLE post_edit;
DROP INDEX post_audience_idx;
ALTER TABLE post DROP COLUMN source;
ALTER TABLE post DROP COLUMN pinned_at;
ALTER TABLE post DROP COLUMN locked;
ALTER TABLE post DROP COLUMN audience_id;
