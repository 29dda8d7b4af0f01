-- The replies below one post ($1), replies of replies down to depth $2, each with the post it
-- answers; at most $3 rows, nearest levels first (both backends stop the recursion once the
-- outer LIMIT is met). The depth bound also ends replies that loop.
WITH RECURSIVE down(id, ap_id, parent_id, depth) AS (
    SELECT p.id, p.ap_id, CAST(NULL AS BIGINT), 0 FROM post p WHERE p.id = $1
    UNION ALL
    SELECT p.id, p.ap_id, down.id, down.depth + 1
    FROM down JOIN post p ON p.in_reply_to = down.ap_id
    WHERE down.depth < $2
)
SELECT id, parent_id, depth FROM down WHERE depth > 0 LIMIT $3
