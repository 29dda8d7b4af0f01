DROP INDEX post_pinned_idx;
