DROP INDEX post_pinned_idx;
DROP INDEX post_thread_idx;
