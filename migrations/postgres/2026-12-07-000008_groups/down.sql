ALTER TABLE local_user DROP COLUMN home_neighbourhood_id;
DROP TABLE membership;
DROP TABLE group_profile;
