//! Putting an outgoing activity in the queue, inside the transaction of the change it announces.

use crate::db::models::actor::ActorId;
use crate::db::models::outbox_activity::{NewOutboxActivity, OutboxActivity};
use crate::db::{DbConn, DbResult, now};

/// Stores an outgoing activity (its `id` and `type` are read from it; `@context` is the
/// caller's) for `actor`'s followers and/or `to_actors`, in the caller's transaction: it is sent
/// only once that commits, and not at all when it rolls back. Returns the stored row's id. Wake
/// the worker (`AppState::delivery_wake`) after the commit to send it at once.
pub async fn enqueue(
    conn: &mut DbConn,
    actor: ActorId,
    activity: &serde_json::Value,
    to_followers: bool,
    to_actors: &[ActorId],
) -> DbResult<i64> {
    let text = |field: &str| activity[field].as_str().unwrap_or_default().to_string();
    let (ap_id, kind) = (text("id"), text("type"));
    let payload = activity.to_string();
    let new = NewOutboxActivity {
        ap_id: &ap_id,
        actor_id: actor,
        kind: &kind,
        payload: &payload,
        to_followers,
        to_actors,
        group_reach: None,
        now: now(),
    };
    OutboxActivity::enqueue(conn, &new).await
}
