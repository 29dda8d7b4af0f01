DROP INDEX actor_place_id;
ALTER TABLE actor DROP COLUMN place_id;
DROP TABLE place;
