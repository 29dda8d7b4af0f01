-- Instance settings an admin changed while the instance runs (/beheer/instellingen): each
-- overrides the configuration file's value of the same name until it is cleared.
CREATE TABLE site_setting (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    updated_by BIGINT REFERENCES actor (id) ON DELETE SET NULL,
    updated_at TIMESTAMP NOT NULL
);
