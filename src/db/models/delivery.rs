//! `delivery`: one row per inbox an outgoing activity still has to reach, deleted once the inbox
//! accepted it (or refused it for good).

use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use super::actor::ActorId;
use super::delivery_target::{TargetState, idle};
use crate::db::schema::{delivery, delivery_target, outbox_activity};
use crate::db::{DbConn, DbResult};
use crate::dispatch;

/// One delivery still to make.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = delivery)]
pub struct Delivery {
    pub id: i64,
    pub activity_id: i64,
    pub instance_id: i64,
    pub inbox_url: String,
    pub attempts: i32,
    pub created_at: chrono::NaiveDateTime,
}

/// A delivery with what is needed to send it.
#[derive(Debug, Clone)]
pub struct PendingDelivery {
    pub delivery: Delivery,
    pub activity_ap_id: String,
    pub actor_id: ActorId,
    pub payload: String,
}

/// Inserts rows, skipping those that conflict. PostgreSQL takes them in one statement; diesel's
/// SQLite backend cannot combine a multi-row insert with ON CONFLICT, so SQLite gets one
/// statement per row (inside the caller's transaction that is cheap).
macro_rules! insert_ignoring_conflicts {
    ($conn:expr, $table:expr, $rows:expr) => {
        match $conn {
            crate::db::DbConn::Pg(c) => {
                let c: &mut diesel_async::AsyncPgConnection = c;
                diesel::insert_into($table).values(&$rows).on_conflict_do_nothing().execute(c).await?;
            }
            crate::db::DbConn::Sqlite(c) => {
                let c: &mut crate::db::pool::SqliteConn = c;
                for row in $rows {
                    diesel::insert_into($table).values(row).on_conflict_do_nothing().execute(c).await?;
                }
            }
        }
    };
}

/// Records deliveries (each inbox once per activity, so a replay changes nothing) and makes sure
/// each instance has a target row.
pub async fn add_deliveries(
    conn: &mut DbConn,
    activity_id: i64,
    inboxes: &[(String, i64)],
    now: chrono::NaiveDateTime,
) -> DbResult<()> {
    for chunk in inboxes.chunks(500) {
        let rows: Vec<_> = chunk
            .iter()
            .map(|(inbox, instance)| {
                (
                    delivery::activity_id.eq(activity_id),
                    delivery::instance_id.eq(*instance),
                    delivery::inbox_url.eq(inbox.clone()),
                    delivery::attempts.eq(0),
                    delivery::created_at.eq(now),
                )
            })
            .collect();
        insert_ignoring_conflicts!(conn, delivery::table, rows);
        let mut instances: Vec<i64> = chunk.iter().map(|(_, i)| *i).collect();
        instances.sort_unstable();
        instances.dedup();
        let targets: Vec<_> = instances
            .iter()
            .map(|i| {
                (
                    delivery_target::instance_id.eq(*i),
                    delivery_target::state.eq(TargetState::Active.as_str()),
                    delivery_target::next_attempt_at.eq(now),
                    delivery_target::fail_count.eq(0),
                )
            })
            .collect();
        insert_ignoring_conflicts!(conn, delivery_target::table, targets);
        // Idle instances have work again (ones backing off keep their schedule).
        dispatch!(conn, c => diesel::update(
            delivery_target::table
                .filter(delivery_target::instance_id.eq_any(&instances))
                .filter(delivery_target::next_attempt_at.eq(idle())),
        )
        .set(delivery_target::next_attempt_at.eq(now))
        .execute(c)
        .await)?;
    }
    Ok(())
}

/// Fresh planner statistics for the queue tables, after a fan-out added many deliveries at
/// once (PostgreSQL; SQLite plans these queries from the indexes alone). Until autovacuum gets
/// to them (a minute or more), PostgreSQL plans the claim from what the tables looked like
/// before: in a new database, no rows; later, nearly every instance idle. With 10,000 instances
/// suddenly due, the claim then read and sorted all of them for each batch it took (3.7 ms
/// instead of 0.07 ms).
pub async fn analyze(conn: &mut DbConn) -> DbResult<()> {
    if let DbConn::Pg(c) = conn {
        diesel::sql_query("ANALYZE delivery, delivery_target").execute(c).await?;
    }
    Ok(())
}

/// The deliveries of these instances with what sending them needs, by instance and in order.
macro_rules! pending_of {
    ($instances:expr, $limit:expr) => {
        delivery::table
            .inner_join(outbox_activity::table)
            .filter(delivery::instance_id.eq_any($instances))
            .order((delivery::instance_id.asc(), delivery::id.asc()))
            .limit($limit)
            .select((
                Delivery::as_select(),
                outbox_activity::ap_id,
                outbox_activity::actor_id,
                outbox_activity::payload,
            ))
    };
}
pub(super) use pending_of;

pub(super) type PendingRow = (Delivery, String, ActorId, String);

pub(super) fn pending_delivery((delivery, activity_ap_id, actor_id, payload): PendingRow) -> PendingDelivery {
    PendingDelivery { delivery, activity_ap_id, actor_id, payload }
}

/// The oldest deliveries for an instance, in the order they were made.
pub async fn pending_for(conn: &mut DbConn, instance_id: i64, limit: i64) -> DbResult<Vec<PendingDelivery>> {
    let rows: Vec<PendingRow> = dispatch!(conn, c => pending_of!(vec![instance_id], limit).load(c).await)?;
    Ok(rows.into_iter().map(pending_delivery).collect())
}

pub async fn delete_delivery(conn: &mut DbConn, id: i64) -> DbResult<()> {
    dispatch!(conn, c => diesel::delete(delivery::table.find(id)).execute(c).await)?;
    Ok(())
}

pub async fn count_pending(conn: &mut DbConn) -> DbResult<i64> {
    dispatch!(conn, c => delivery::table.count().get_result(c).await).map_err(Into::into)
}

/// Drops every delivery waiting for an instance (staff blocked it); returns how many.
pub async fn drop_for_instance(conn: &mut DbConn, instance_id: i64) -> DbResult<usize> {
    dispatch!(conn, c => diesel::delete(delivery::table.filter(delivery::instance_id.eq(instance_id))).execute(c).await)
        .map_err(Into::into)
}
