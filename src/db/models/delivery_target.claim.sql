-- Claims due, unleased instances for a worker and reads the first deliveries of each (see
-- ClaimPg in delivery_target.rs for the parameters and why it is one statement).
WITH claimed AS (
    UPDATE delivery_target SET lease_owner = $1, lease_until = $2
    WHERE instance_id IN (
        SELECT instance_id FROM delivery_target
        WHERE state = $3 AND next_attempt_at <= $4 AND (lease_until IS NULL OR lease_until < $4)
        ORDER BY next_attempt_at LIMIT $5
        FOR UPDATE SKIP LOCKED
    )
    RETURNING instance_id
)
SELECT c.instance_id, p.id, p.activity_id, p.inbox_url, p.attempts, p.created_at,
    p.ap_id, p.actor_id, p.payload
FROM claimed c LEFT JOIN LATERAL (
    SELECT d.id, d.activity_id, d.inbox_url, d.attempts, d.created_at, a.ap_id, a.actor_id, a.payload
    FROM delivery d JOIN outbox_activity a ON a.id = d.activity_id
    WHERE d.instance_id = c.instance_id ORDER BY d.id LIMIT $6
) p ON true
ORDER BY c.instance_id, p.id
