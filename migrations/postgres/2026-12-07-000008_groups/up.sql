-- Groups, neighbourhoods and organisations (issue #20): what a group is beyond its actor, and
-- its members (membership is not following).

-- One row per group-like actor, local or remote: a neighbourhood, an interest group or an
-- organisation (an Organization actor).
CREATE TABLE group_profile (
    actor_id BIGINT PRIMARY KEY REFERENCES actor (id) ON DELETE CASCADE,
    -- neighbourhood, interest or organisation
    kind TEXT NOT NULL,
    -- who may join: open, approval (a moderator accepts) or invite (only the invited)
    openness TEXT NOT NULL,
    -- who sees its discussions: public, or members (then they go only to members' servers)
    content TEXT NOT NULL,
    -- who may start threads and reply: members, anyone or moderators
    posting TEXT NOT NULL,
    -- active, pending (waits for a site moderator's approval) or archived (read-only)
    status TEXT NOT NULL,
    -- the neighbourhood it belongs to
    neighbourhood_id BIGINT REFERENCES actor (id) ON DELETE SET NULL,
    -- a neighbourhood's boundary: a GeoJSON Polygon or MultiPolygon in WGS 84
    boundary TEXT,
    -- a neighbourhood's code where it was imported from (CBS: BU…)
    code TEXT,
    -- a remote group's members collection
    members_url TEXT,
    created_by BIGINT REFERENCES actor (id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX group_profile_kind_idx ON group_profile (kind, status);
CREATE INDEX group_profile_neighbourhood_idx ON group_profile (neighbourhood_id);

-- The groups that existed as bare actors become interest groups, open and public.
INSERT INTO group_profile (actor_id, kind, openness, content, posting, status, created_at, updated_at)
SELECT id, 'interest', 'open', 'public', 'members', 'active', published, updated_at
FROM actor WHERE kind = 'group' AND local;

-- A member of a group (local or remote person in a local or remote group).
CREATE TABLE membership (
    id BIGSERIAL PRIMARY KEY,
    group_id BIGINT NOT NULL REFERENCES actor (id) ON DELETE CASCADE,
    member_id BIGINT NOT NULL REFERENCES actor (id) ON DELETE CASCADE,
    -- administrator, moderator or member
    role TEXT NOT NULL,
    -- pending (asked to join, waits for a moderator), invited (waits for the invitee),
    -- accepted, or banned (may not join again)
    state TEXT NOT NULL,
    -- the id of the Join (or Invite) as sent or received: the answer is matched on it
    ap_id TEXT NOT NULL UNIQUE,
    -- who invited them
    invited_by BIGINT REFERENCES actor (id) ON DELETE SET NULL,
    -- what they wrote when asking to join
    message TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (group_id, member_id)
);
CREATE INDEX membership_member_idx ON membership (member_id, state);
CREATE INDEX membership_group_idx ON membership (group_id, state, role);

-- A resident's home neighbourhood: shown first on their home page.
ALTER TABLE local_user ADD COLUMN home_neighbourhood_id BIGINT REFERENCES actor (id) ON DELETE SET NULL;
