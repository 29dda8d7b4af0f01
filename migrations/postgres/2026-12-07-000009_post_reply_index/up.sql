-- Replies are looked up by the post they answer: threads, reply counts on cards and post pages.
CREATE INDEX post_in_reply_to_idx ON post (in_reply_to);
