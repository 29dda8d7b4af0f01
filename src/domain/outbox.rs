//! Outgoing activities: their ids, and storing them in the caller's transaction for delivery
//! (the transactional outbox).

use serde::Serialize;

use super::{DomainError, DomainResult};
use crate::apub::protocol::{self, Activity};
use crate::db::models::actor::{Actor, ActorId};
use crate::db::models::outbox_activity::{GroupReach, NewOutboxActivity, OutboxActivity};
use crate::db::{DbConn, now};

/// A new, unique, dereferenceable activity id.
pub fn new_activity_id(base_url: &str, kind: &str) -> String {
    format!("{base_url}/activities/{}/{}", kind.to_ascii_lowercase(), crate::util::tokens::random_token(12))
}

/// Stores an outgoing activity (with `@context`) in the caller's transaction: to the actor's
/// followers when `to_followers`, and to `to_actors`.
pub async fn enqueue<O: Serialize>(
    conn: &mut DbConn,
    actor: &Actor,
    activity: &Activity<O>,
    to_followers: bool,
    to_actors: &[ActorId],
) -> DomainResult<()> {
    store(conn, actor, activity, to_followers, to_actors, None).await
}

/// Stores an activity a group sends about what was written in it (FEP-1b12), in the caller's
/// transaction: to its remote members' servers, and to its followers as `reach` says.
pub async fn enqueue_for_group<O: Serialize>(
    conn: &mut DbConn,
    group: &Actor,
    activity: &Activity<O>,
    reach: GroupReach,
) -> DomainResult<()> {
    store(conn, group, activity, reach == GroupReach::Everyone, &[], Some(reach)).await
}

async fn store<O: Serialize>(
    conn: &mut DbConn,
    actor: &Actor,
    activity: &Activity<O>,
    to_followers: bool,
    to_actors: &[ActorId],
    group_reach: Option<GroupReach>,
) -> DomainResult<()> {
    let mut json = serde_json::to_value(activity).map_err(|e| DomainError::Internal(e.to_string()))?;
    if let Some(map) = json.as_object_mut() {
        map.insert("@context".into(), protocol::context());
    }
    let payload = json.to_string();
    let new = NewOutboxActivity {
        ap_id: &activity.id,
        actor_id: actor.id,
        kind: activity.kind.as_str(),
        payload: &payload,
        to_followers,
        to_actors,
        group_reach,
        now: now(),
    };
    OutboxActivity::enqueue(conn, &new).await?;
    Ok(())
}
