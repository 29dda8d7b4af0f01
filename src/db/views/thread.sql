-- The thread around one post ($1), in one statement: the posts above it up its in_reply_to
-- chain (at most $2, `depth` counting up from -1), and the replies below it, replies of
-- replies down to depth $3, each with the post it answers (at most $4 rows, nearest levels
-- first: both backends stop the recursion once the LIMIT is met). The depth bounds also end
-- chains that loop. Parameters appear first in numeric order, so the text binds by position on
-- SQLite (where `$N` is a named parameter numbered by first appearance) and on PostgreSQL.
WITH RECURSIVE up(id, in_reply_to, depth) AS (
    SELECT p.id, p.in_reply_to, 0 FROM post p WHERE p.id = $1
    UNION ALL
    SELECT p.id, p.in_reply_to, up.depth + 1
    FROM up JOIN post p ON p.ap_id = up.in_reply_to
    WHERE up.depth < $2
),
down(id, ap_id, parent_id, depth) AS (
    SELECT p.id, p.ap_id, CAST(NULL AS BIGINT), 0 FROM post p WHERE p.id = $1
    UNION ALL
    SELECT p.id, p.ap_id, down.id, down.depth + 1
    FROM down JOIN post p ON p.in_reply_to = down.ap_id
    WHERE down.depth < $3
)
SELECT id, CAST(NULL AS BIGINT) AS parent_id, -depth AS depth FROM up WHERE depth > 0
UNION ALL
SELECT id, parent_id, depth FROM (SELECT id, parent_id, depth FROM down WHERE depth > 0 LIMIT $4) AS below
