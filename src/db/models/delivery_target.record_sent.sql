-- Deletes sent deliveries and releases the instances whose last delivery was among them (see
-- RecordSentPg in delivery_target.rs for the parameters). The update sees the deleted rows
-- still (one snapshot), so its EXISTS leaves them out by id.
WITH gone AS (DELETE FROM delivery WHERE id = ANY($1))
UPDATE delivery_target SET
    fail_count = 0,
    first_failure_at = NULL,
    last_success_at = $2,
    next_attempt_at = CASE
        WHEN EXISTS (
            SELECT 1 FROM delivery d
            WHERE d.instance_id = delivery_target.instance_id AND d.id <> ALL($1)
        ) THEN $2
        ELSE $3
    END,
    lease_owner = NULL,
    lease_until = NULL
WHERE instance_id = ANY($4) AND lease_owner = $5
