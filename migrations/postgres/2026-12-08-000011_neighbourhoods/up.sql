-- Neighbourhoods (issue #20): finding a neighbourhood by its import code, and counting the
-- residents who picked one as their home.
CREATE INDEX group_profile_code_idx ON group_profile (code);
CREATE INDEX local_user_home_neighbourhood_idx ON local_user (home_neighbourhood_id);
