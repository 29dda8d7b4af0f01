//! `outbox_activity`: the transactional outbox. Outgoing activities, stored in the transaction of
//! the change they announce, until the worker has expanded them into deliveries and sent them.

use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use super::actor::ActorId;
use crate::db::schema::{delivery, outbox_activity};
use crate::db::{DbConn, DbResult};
use crate::dispatch;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = outbox_activity)]
pub struct OutboxActivity {
    pub id: i64,
    pub ap_id: String,
    pub actor_id: ActorId,
    pub kind: String,
    pub payload: String,
    pub to_followers: bool,
    /// JSON array of actor ids.
    pub to_actors: String,
    pub fanned_out: bool,
    pub created_at: chrono::NaiveDateTime,
    /// Whom a group's relayed activity reaches besides its followers ([`GroupReach`]).
    pub group_reach: Option<String>,
}

/// Whom a group's relayed activity reaches (FEP-1b12), besides `to_followers`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupReach {
    /// Its remote members' servers only (members-only content).
    Members,
    /// Its remote members' servers and its followers on group-aware software (replies, which
    /// would flood Mastodon timelines).
    Aware,
    /// Its remote members' servers and all its followers (thread starters).
    Everyone,
}

impl GroupReach {
    pub fn as_str(self) -> &'static str {
        match self {
            GroupReach::Members => "members",
            GroupReach::Aware => "aware",
            GroupReach::Everyone => "everyone",
        }
    }

    pub fn parse(s: &str) -> Option<GroupReach> {
        [GroupReach::Members, GroupReach::Aware, GroupReach::Everyone].into_iter().find(|r| r.as_str() == s)
    }
}

/// An activity to store in the outbox.
#[derive(Debug, Clone, Copy)]
pub struct NewOutboxActivity<'a> {
    pub ap_id: &'a str,
    pub actor_id: ActorId,
    pub kind: &'a str,
    /// The JSON sent, with `@context`.
    pub payload: &'a str,
    /// Deliver to the actor's followers.
    pub to_followers: bool,
    /// And to these actors (remote ones get it).
    pub to_actors: &'a [ActorId],
    /// A group's relayed activity: whom else it reaches.
    pub group_reach: Option<GroupReach>,
    pub now: chrono::NaiveDateTime,
}

impl OutboxActivity {
    /// Stores an activity to send; call it inside the transaction of the change it announces.
    pub async fn enqueue(conn: &mut DbConn, new: &NewOutboxActivity<'_>) -> DbResult<i64> {
        let NewOutboxActivity { ap_id, actor_id, kind, payload, to_followers, to_actors, group_reach, now } = *new;
        let targets =
            serde_json::to_string(&to_actors.iter().map(|a| a.0).collect::<Vec<_>>()).unwrap_or_else(|_| "[]".into());
        let row = (
            outbox_activity::ap_id.eq(ap_id),
            outbox_activity::actor_id.eq(actor_id),
            outbox_activity::kind.eq(kind),
            outbox_activity::payload.eq(payload),
            outbox_activity::to_followers.eq(to_followers),
            outbox_activity::to_actors.eq(targets),
            outbox_activity::fanned_out.eq(false),
            outbox_activity::created_at.eq(now),
            outbox_activity::group_reach.eq(group_reach.map(GroupReach::as_str)),
        );
        dispatch!(conn, c => diesel::insert_into(outbox_activity::table).values(row).returning(outbox_activity::id).get_result(c).await)
            .map_err(Into::into)
    }

    /// Whom else a group's relayed activity reaches.
    pub fn group_reach(&self) -> Option<GroupReach> {
        self.group_reach.as_deref().and_then(GroupReach::parse)
    }

    pub fn target_actors(&self) -> Vec<ActorId> {
        serde_json::from_str::<Vec<i64>>(&self.to_actors).unwrap_or_default().into_iter().map(ActorId).collect()
    }

    pub async fn by_ap_id(conn: &mut DbConn, ap_id: &str) -> DbResult<Option<OutboxActivity>> {
        dispatch!(conn, c => outbox_activity::table
            .filter(outbox_activity::ap_id.eq(ap_id))
            .select(OutboxActivity::as_select())
            .first(c)
            .await
            .optional())
        .map_err(Into::into)
    }

    /// Activities not yet expanded into deliveries, oldest first. Run in the transaction that
    /// expands them: on PostgreSQL the rows are locked and ones another process is expanding are
    /// skipped. (Without the lock a second process could read an activity as not yet expanded,
    /// and insert its deliveries again after the first process had already sent and deleted
    /// them: a second delivery of the same activity.) SQLite has one writer at a time anyway.
    pub async fn unfanned(conn: &mut DbConn, limit: i64) -> DbResult<Vec<OutboxActivity>> {
        let query = outbox_activity::table
            .filter(outbox_activity::fanned_out.eq(false))
            .order(outbox_activity::id.asc())
            .limit(limit);
        let rows = match conn {
            DbConn::Pg(c) => {
                let c: &mut diesel_async::AsyncPgConnection = c;
                query.select(OutboxActivity::as_select()).for_update().skip_locked().load(c).await?
            }
            DbConn::Sqlite(c) => {
                let c: &mut crate::db::pool::SqliteConn = c;
                query.select(OutboxActivity::as_select()).load(c).await?
            }
        };
        Ok(rows)
    }

    pub async fn mark_fanned_out(conn: &mut DbConn, id: i64) -> DbResult<()> {
        dispatch!(conn, c => diesel::update(outbox_activity::table.find(id)).set(outbox_activity::fanned_out.eq(true)).execute(c).await)?;
        Ok(())
    }

    pub async fn count_for(conn: &mut DbConn, actor_id: ActorId, kinds: &[&str]) -> DbResult<i64> {
        let kinds: Vec<String> = kinds.iter().map(|k| k.to_string()).collect();
        dispatch!(conn, c => outbox_activity::table
            .filter(outbox_activity::actor_id.eq(actor_id))
            .filter(outbox_activity::kind.eq_any(kinds.clone()))
            .count()
            .get_result(c)
            .await)
        .map_err(Into::into)
    }
}

pub async fn count_unfanned(conn: &mut DbConn) -> DbResult<i64> {
    dispatch!(conn, c => outbox_activity::table.filter(outbox_activity::fanned_out.eq(false)).count().get_result(c).await)
        .map_err(Into::into)
}

/// Removes sent activities older than `before` that have nothing left to deliver. Their ids
/// stop dereferencing then; posts' Create activities are served from the posts themselves.
pub async fn prune_outbox(conn: &mut DbConn, before: chrono::NaiveDateTime) -> DbResult<usize> {
    let pending = delivery::table.filter(delivery::activity_id.eq(outbox_activity::id));
    dispatch!(conn, c => diesel::delete(
        outbox_activity::table
            .filter(outbox_activity::created_at.lt(before))
            .filter(outbox_activity::fanned_out.eq(true))
            .filter(diesel::dsl::not(diesel::dsl::exists(pending))),
    )
    .execute(c)
    .await)
    .map_err(Into::into)
}
