-- A place on the map: a meeting place of a group now; the address of a social-map entry or an
-- event's venue later. Either coordinates, an address, or both.
CREATE TABLE place (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    street_address TEXT NOT NULL,
    postal_code TEXT NOT NULL,
    locality TEXT NOT NULL,
    latitude DOUBLE PRECISION,
    longitude DOUBLE PRECISION,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    CHECK ((latitude IS NULL) = (longitude IS NULL)),
    CHECK (latitude IS NULL OR (latitude BETWEEN -90 AND 90 AND longitude BETWEEN -180 AND 180))
);

-- Where a group meets (local groups) or says it is (remote groups' `location`).
ALTER TABLE actor ADD COLUMN place_id BIGINT REFERENCES place (id) ON DELETE SET NULL;
CREATE INDEX actor_place_id ON actor (place_id);
