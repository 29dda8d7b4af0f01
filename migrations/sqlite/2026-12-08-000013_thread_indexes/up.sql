-- A group's pinned threads, found without reading every post of the group (the group page and
-- its threads API read them first; before this index that was a scan of all the group's posts,
-- see BENCHMARKS.md, issue #20's pages in growth).
CREATE INDEX post_pinned_idx ON post (audience_id, pinned_at) WHERE pinned_at IS NOT NULL;
