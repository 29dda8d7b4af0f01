-- One notification for each person of an audience (Notification::insert_for), each with the
-- channel they chose: their preference for the notice's subject ($8, a followed group, say),
-- else for the kind, else the kind's default ($6); 'off' writes nothing. Never to the actor
-- who caused it ($2). The audience's condition is appended: one person, the local followers of
-- an actor, or staff; the parameters appear first in numeric order, so the same text binds by
-- position on SQLite (where `$N` is a named parameter numbered by first appearance) and on
-- PostgreSQL. The moderation issue's blocks and mutes add their NOT EXISTS here (see
-- domain::notifications::silenced).
INSERT INTO notification (recipient_id, kind, from_actor_id, post_id, subject, group_key, channel, created_at)
SELECT u.actor_id, $1, $2, $3, $4, $5, COALESCE(ps.channel, pk.channel, $6), $7
FROM local_user u
LEFT JOIN notification_preference ps ON ps.local_user_id = u.id AND ps.kind = $1 AND ps.scope = $8
LEFT JOIN notification_preference pk ON pk.local_user_id = u.id AND pk.kind = $1 AND pk.scope = ''
WHERE u.status = 'active'
  AND ($2 IS NULL OR u.actor_id <> $2)
  AND COALESCE(ps.channel, pk.channel, $6) <> 'off'
