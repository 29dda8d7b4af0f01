//! A person's privacy: how long records are kept (`[privacy]`, applied by the hourly
//! housekeeping), the download of everything stored about them (`export`), and the deletion of
//! their account with their content removed or anonymised (`deletion`).

pub mod deletion;
pub mod export;

use chrono::{NaiveDateTime, TimeDelta};

use super::DomainResult;
use crate::db::models::actor::{Actor, ActorKind};
use crate::db::models::notification::Notification;
use crate::db::models::{outbox_activity, received_activity};
use crate::state::AppState;

/// What one round of retention removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Pruned {
    pub received_activities: usize,
    pub outbox_activities: usize,
    pub read_notifications: usize,
}

/// Removes what is older than its retention period (`[privacy]`), measured from `now`.
pub async fn prune(state: &AppState, now: NaiveDateTime) -> DomainResult<Pruned> {
    let privacy = &state.settings.privacy;
    let before = |days: i64| now - TimeDelta::days(days);
    let mut conn = state.pool.get().await?;
    Ok(Pruned {
        received_activities: received_activity::prune_received(&mut conn, before(privacy.received_activities_days))
            .await?,
        outbox_activities: outbox_activity::prune_outbox(&mut conn, before(privacy.outbox_activities_days)).await?,
        read_notifications: Notification::prune_read(&mut conn, before(privacy.read_notifications_days)).await?,
    })
}

/// Whether posts by `actor` are shown as by a former resident: a local person who deleted
/// their account and kept their posts. Their name, handle and profile are never shown.
pub fn is_former_resident(actor: &Actor) -> bool {
    actor.local && actor.deleted && actor.kind() == ActorKind::Person
}
