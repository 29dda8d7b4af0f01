-- The posts above one ($1) up its in_reply_to chain, nearest first, at most $2 of them. The
-- depth bound also ends a chain that loops. Parameters appear in numeric order, so the text
-- binds by position on SQLite too.
WITH RECURSIVE up(id, in_reply_to, depth) AS (
    SELECT p.id, p.in_reply_to, 0 FROM post p WHERE p.id = $1
    UNION ALL
    SELECT p.id, p.in_reply_to, up.depth + 1
    FROM up JOIN post p ON p.ap_id = up.in_reply_to
    WHERE up.depth < $2
)
SELECT id, depth FROM up WHERE depth > 0 ORDER BY depth
