DROP INDEX invite_group_idx;
ALTER TABLE invite DROP COLUMN group_id;
UPDATE actor SET kind = 'group' WHERE local AND kind = 'organization';
ALTER TABLE group_profile DROP COLUMN org_type;
