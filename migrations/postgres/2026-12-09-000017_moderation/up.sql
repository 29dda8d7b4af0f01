-- Moderation (issue #21): what moderators decided about someone's content or account, the
-- statement of reasons that goes with it (Digital Services Act, article 17), and appeals.

-- A decision, its statement of reasons, and whether it was undone. Every row is in the public
-- moderation log (without the people concerned); the person affected reads the whole statement.
CREATE TABLE moderation_action (
    id BIGSERIAL PRIMARY KEY,
    -- hide_post, remove_post, lock_thread, ban_member, silence_account, suspend_account
    kind TEXT NOT NULL,
    -- who decided: a site moderator or admin, or a moderator of the group
    moderator_id BIGINT REFERENCES actor (id) ON DELETE SET NULL,
    -- whose content or account it is about
    target_actor_id BIGINT REFERENCES actor (id) ON DELETE CASCADE,
    post_id BIGINT REFERENCES post (id) ON DELETE SET NULL,
    -- the group whose moderators decided, or where the content was (NULL: the instance)
    group_id BIGINT REFERENCES actor (id) ON DELETE SET NULL,
    -- the report it answers, if any
    report_id BIGINT,
    -- illegal, terms, group_rules, harassment, spam, privacy or other
    ground TEXT NOT NULL,
    -- for illegal content: the law it breaks
    law TEXT,
    -- the facts and circumstances the decision rests on
    facts TEXT NOT NULL,
    -- when a temporary measure ends (NULL: until undone)
    ends_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    -- undone: restored content, a lifted suspension
    reversed_at TIMESTAMP,
    reversed_by BIGINT REFERENCES actor (id) ON DELETE SET NULL,
    reversal_reason TEXT
);
CREATE INDEX moderation_action_target_idx ON moderation_action (target_actor_id);
CREATE INDEX moderation_action_post_idx ON moderation_action (post_id);

-- The appeal of the person affected against a decision; the admins answer it.
CREATE TABLE moderation_appeal (
    id BIGSERIAL PRIMARY KEY,
    action_id BIGINT NOT NULL REFERENCES moderation_action (id) ON DELETE CASCADE,
    appellant_id BIGINT NOT NULL REFERENCES actor (id) ON DELETE CASCADE,
    text TEXT NOT NULL,
    -- open, upheld (the decision stands) or reversed (it was undone)
    state TEXT NOT NULL,
    answer TEXT,
    decided_by BIGINT REFERENCES actor (id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL,
    decided_at TIMESTAMP
);
-- One appeal per decision.
CREATE UNIQUE INDEX moderation_appeal_action_idx ON moderation_appeal (action_id);
CREATE INDEX moderation_appeal_state_idx ON moderation_appeal (state);

-- Hidden by a moderator: seen only by its author and moderators, in no list.
ALTER TABLE post ADD COLUMN hidden_at TIMESTAMP;
-- Removed by a moderator: deleted for everyone, its content kept so that it can be restored.
ALTER TABLE post ADD COLUMN removed_at TIMESTAMP;
-- Silenced: their posts are in no one's lists but their followers'. Suspended: their posts are
-- seen by moderators only (a local account also cannot sign in).
ALTER TABLE actor ADD COLUMN silenced_at TIMESTAMP;
ALTER TABLE actor ADD COLUMN suspended_at TIMESTAMP;
-- A verified organisation (the municipality's own, a care provider), and who verified it.
ALTER TABLE actor ADD COLUMN verified_at TIMESTAMP;
ALTER TABLE actor ADD COLUMN verified_by BIGINT REFERENCES actor (id) ON DELETE SET NULL;
