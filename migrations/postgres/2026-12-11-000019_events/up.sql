-- Events (issue #22): activities residents find, share, put in their calendar and attend.
-- A local event is also an actor (kind 'event': inbox, followers, key) whose id is the event's;
-- an event from elsewhere (Mobilizon, Gancio, another Buurt) is kept by its ActivityPub id.

CREATE TABLE event (
    id BIGSERIAL PRIMARY KEY,
    ap_id TEXT NOT NULL UNIQUE,
    -- the event's own actor (a local event; NULL for one from elsewhere)
    actor_id BIGINT UNIQUE REFERENCES actor (id) ON DELETE CASCADE,
    local BOOLEAN NOT NULL,
    -- its page (remote events: where they live)
    url TEXT,
    -- who organises it: a person, a group or an organisation
    organiser_id BIGINT NOT NULL REFERENCES actor (id) ON DELETE CASCADE,
    -- the group it belongs to (the organiser when that is a group)
    group_id BIGINT REFERENCES actor (id) ON DELETE SET NULL,
    -- the resident who made it here (edits it with the group's moderators)
    created_by BIGINT REFERENCES actor (id) ON DELETE SET NULL,
    title TEXT NOT NULL,
    -- sanitized HTML, and the Markdown a local event was written in
    content TEXT NOT NULL,
    source TEXT NOT NULL,
    -- UTC; an all-day event starts at midnight of its first day in its time zone
    starts_at TIMESTAMP NOT NULL,
    ends_at TIMESTAMP,
    -- an IANA zone name
    timezone TEXT NOT NULL,
    all_day BOOLEAN NOT NULL,
    -- where it happens: a meeting place, or the address typed for it (a place of its own)
    place_id BIGINT REFERENCES place (id) ON DELETE SET NULL,
    -- an online event's link (hybrid: with a place)
    online_url TEXT,
    category TEXT NOT NULL,
    image_url TEXT,
    image_alt TEXT NOT NULL,
    -- seats; NULL is unlimited
    capacity BIGINT,
    -- free, approval, external or none
    join_mode TEXT NOT NULL,
    external_url TEXT,
    -- confirmed, tentative or cancelled
    status TEXT NOT NULL,
    -- keys such as wheelchair, hearing_loop, sign_language, comma-separated; and words
    accessibility TEXT NOT NULL,
    accessibility_note TEXT NOT NULL,
    -- empty is free
    price TEXT NOT NULL,
    -- people without an account may sign up with name and e-mail
    guests_allowed BOOLEAN NOT NULL,
    -- going, as counted here (local events) or as the event's server says (remote ones)
    participant_count BIGINT NOT NULL,
    published TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    CHECK (ends_at IS NULL OR ends_at >= starts_at)
);
CREATE INDEX event_starts_idx ON event (starts_at);
CREATE INDEX event_organiser_idx ON event (organiser_id, starts_at);
CREATE INDEX event_group_idx ON event (group_id, starts_at);
CREATE INDEX event_place_idx ON event (place_id, starts_at);

-- Who answered an event: a resident here, a person elsewhere (their Join), or a guest
-- without an account; our own residents' answers to events elsewhere too.
CREATE TABLE event_participant (
    id BIGSERIAL PRIMARY KEY,
    event_id BIGINT NOT NULL REFERENCES event (id) ON DELETE CASCADE,
    -- NULL for a guest
    actor_id BIGINT REFERENCES actor (id) ON DELETE CASCADE,
    guest_name TEXT,
    guest_email TEXT,
    -- going, maybe, not_going, waiting (going when a seat frees), pending (awaits the
    -- organiser, or the event's server), rejected, unconfirmed (a guest's e-mail not yet confirmed)
    state TEXT NOT NULL,
    message TEXT NOT NULL,
    -- the Join's id: ours for our residents, theirs for people elsewhere
    ap_id TEXT UNIQUE,
    -- the buurtverbinder who signed a resident up on their behalf
    assisted_by BIGINT REFERENCES actor (id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX event_participant_actor_idx ON event_participant (event_id, actor_id);
CREATE INDEX event_participant_state_idx ON event_participant (event_id, state, id);
CREATE INDEX event_participant_person_idx ON event_participant (actor_id, state);

-- A resident's own agenda as an iCalendar feed at a secret address: only the SHA-256 of its
-- token is kept; making a new one replaces (revokes) the old.
CREATE TABLE calendar_feed (
    local_user_id BIGINT PRIMARY KEY REFERENCES local_user (id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL
);
