//! Expanding stored activities into one delivery per inbox.

use crate::db::models::actor::Actor;
use crate::db::models::delivery::{self as deliveries};
use crate::db::models::delivery_target as targets;
use crate::db::models::follow::Follow;
use crate::db::models::membership::Membership;
use crate::db::models::outbox_activity::{GroupReach, OutboxActivity};
use crate::db::{DbPool, now};
use crate::state::AppState;

/// A fan-out adding at least this many deliveries refreshes the queue's planner statistics
/// (PostgreSQL; see [`deliveries::analyze`]).
const ANALYZE_AFTER: usize = 1_000;

/// Software that shows a group's replies as its discussions (NodeInfo `software.name`): a
/// group's relayed replies go only to followers on these, so that Mastodon timelines are not
/// flooded (FEP-1b12). Members' servers get everything of their groups.
pub const GROUP_AWARE_SOFTWARE: &[&str] = &[
    "buurt",
    "lemmy",
    "mbin",
    "kbin",
    "piefed",
    "mobilizon",
    "friendica",
    "hubzilla",
    "streams",
    "nodebb",
    "discourse",
];

/// Expands stored activities into deliveries: the actor's remote followers (one row per shared
/// inbox) plus any explicitly addressed remote actors, and for a group's relayed activity its
/// members' servers ([`GroupReach`]). Replaying it changes nothing.
pub async fn fan_out(state: &AppState) -> anyhow::Result<usize> {
    let mut done = 0;
    let mut added = 0;
    loop {
        let mut tx = state.pool.begin().await?;
        let batch = OutboxActivity::unfanned(&mut tx, 20).await?;
        if batch.is_empty() {
            tx.rollback().await?;
            if added >= ANALYZE_AFTER && matches!(state.pool, DbPool::Pg(_)) {
                // Apart from the loop: ANALYZE waits for a vacuum of the same table.
                let pool = state.pool.clone();
                tokio::spawn(async move {
                    let analyzed = async { deliveries::analyze(&mut pool.get().await?).await };
                    if let Err(e) = analyzed.await {
                        tracing::warn!(error = %e, "refreshing the delivery queue's statistics failed");
                    }
                });
            }
            return Ok(done);
        }
        for activity in &batch {
            let mut inboxes: Vec<(String, i64)> = Vec::new();
            let reach = activity.group_reach();
            match reach {
                Some(GroupReach::Aware) => inboxes.extend(
                    Follow::remote_follower_inboxes_on(&mut tx, activity.actor_id, GROUP_AWARE_SOFTWARE).await?,
                ),
                _ if activity.to_followers => {
                    inboxes.extend(Follow::remote_follower_inboxes(&mut tx, activity.actor_id).await?)
                }
                _ => {}
            }
            if reach.is_some() {
                inboxes.extend(Membership::remote_member_inboxes(&mut tx, activity.actor_id).await?);
            }
            for target in activity.target_actors() {
                if let Some(actor) = Actor::by_id(&mut tx, target).await?
                    && !actor.local
                    && !state.federation_policy.refuses_actor(&actor.ap_id)
                    && let Some(instance) = actor.instance_id
                {
                    inboxes.push((actor.shared_inbox_url.clone().unwrap_or(actor.inbox_url.clone()), instance));
                }
            }
            inboxes.sort();
            inboxes.dedup();
            let instances: Vec<i64> = inboxes.iter().map(|(_, i)| *i).collect();
            let dead = targets::dead_among(&mut tx, &instances).await?;
            // Blocked servers (and, in allow-list mode, servers not allowed) get nothing.
            let policy = &state.federation_policy;
            inboxes.retain(|(_, i)| !dead.contains(i) && !policy.refuses_instance(*i));
            deliveries::add_deliveries(&mut tx, activity.id, &inboxes, now()).await?;
            added += inboxes.len();
            OutboxActivity::mark_fanned_out(&mut tx, activity.id).await?;
        }
        tx.commit().await?;
        done += batch.len();
    }
}
