DROP INDEX post_in_reply_to_idx;
