//! Who may see a post, tried from the wrong side: a stranger, a follower, the author, another
//! instance, on every route that takes a post id or URI.
