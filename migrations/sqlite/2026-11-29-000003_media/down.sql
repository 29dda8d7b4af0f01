DROP TABLE media;
ALTER TABLE actor DROP COLUMN image_url;
