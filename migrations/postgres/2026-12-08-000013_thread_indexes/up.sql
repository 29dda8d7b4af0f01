-- A group's threads found without reading its replies or its other posts (the group page and
-- its threads API; see BENCHMARKS.md, "Issue #20's pages"): its newest thread starters, and
-- its pinned ones. With only post_audience_idx both read every reply newer than the 30th
-- thread, and the pinned ones every post of the group.
CREATE INDEX post_thread_idx ON post (audience_id, id) WHERE in_reply_to IS NULL;
CREATE INDEX post_pinned_idx ON post (audience_id, pinned_at) WHERE pinned_at IS NOT NULL;
