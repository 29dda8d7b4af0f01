DROP TRIGGER follow_count_update;
DROP TRIGGER follow_count_delete;
DROP TRIGGER follow_count_insert;
DROP TRIGGER post_count_update;
DROP TRIGGER post_count_delete;
DROP TRIGGER post_count_insert;
DROP TABLE actor_count;
DROP INDEX actor_local_kind_idx;
