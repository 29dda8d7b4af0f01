-- Organisations and group invitations (issue #20).

-- What kind of organisation an organisation is: association, business, care_provider,
-- municipality or other (NULL for neighbourhoods and interest groups).
ALTER TABLE group_profile ADD COLUMN org_type TEXT;

-- A local organisation is an Organization actor; the ones made before were stored as groups.
UPDATE actor SET kind = 'organization'
WHERE local AND kind = 'group'
  AND id IN (SELECT actor_id FROM group_profile WHERE kind = 'organisation');
UPDATE group_profile SET org_type = 'other' WHERE kind = 'organisation';

-- An invitation of kind 'group' makes whoever uses it a member of this group.
ALTER TABLE invite ADD COLUMN group_id BIGINT REFERENCES actor (id) ON DELETE CASCADE;
CREATE INDEX invite_group_idx ON invite (group_id);
