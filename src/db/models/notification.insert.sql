-- One notification for each person of an audience (Notification::insert_for), each with the
-- channel they chose: their preference for the notice's subject ($8, a followed group, say),
-- else for the kind, else the kind's default ($6); 'off' writes nothing. Never to the actor
-- who caused it ($2). The audience's condition is appended: one person, the local followers of
-- an actor, or staff; the parameters appear first in numeric order, so the same text binds by
-- position on SQLite (where `$N` is a named parameter numbered by first appearance) and on
-- PostgreSQL. Nobody hears from an actor they block, who blocks them, whose domain they block,
-- or whom they mute with notifications until the mute ends ($7 is now); see
-- domain::notifications::silenced.
INSERT INTO notification (recipient_id, kind, from_actor_id, post_id, subject, group_key, channel, created_at)
SELECT u.actor_id, $1, $2, $3, $4, $5, COALESCE(ps.channel, pk.channel, $6), $7
FROM local_user u
LEFT JOIN notification_preference ps ON ps.local_user_id = u.id AND ps.kind = $1 AND ps.scope = $8
LEFT JOIN notification_preference pk ON pk.local_user_id = u.id AND pk.kind = $1 AND pk.scope = ''
WHERE u.status = 'active'
  AND ($2 IS NULL OR u.actor_id <> $2)
  AND COALESCE(ps.channel, pk.channel, $6) <> 'off'
  AND ($2 IS NULL OR NOT EXISTS (
        SELECT 1 FROM actor_block b
        WHERE (b.actor_id = u.actor_id AND b.target_id = $2) OR (b.actor_id = $2 AND b.target_id = u.actor_id)))
  AND ($2 IS NULL OR NOT EXISTS (
        SELECT 1 FROM actor_mute m
        WHERE m.actor_id = u.actor_id AND m.target_id = $2 AND m.notifications
          AND (m.expires_at IS NULL OR m.expires_at > $7)))
  AND ($2 IS NULL OR NOT EXISTS (
        SELECT 1 FROM domain_block_personal d JOIN actor a ON a.domain = d.domain
        WHERE d.actor_id = u.actor_id AND a.id = $2))
