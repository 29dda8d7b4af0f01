//! `delivery_target`: per remote instance, the state of delivering to it: backoff after failures,
//! alive or dead, and the lease of the worker sending to it.

use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use super::actor::ActorId;
use super::delivery::{Delivery, PendingDelivery, PendingRow, pending_delivery, pending_of};
use crate::db::schema::{delivery, delivery_target, outbox_activity};
use crate::db::{DbConn, DbResult};
use crate::dispatch;

/// `next_attempt_at` of an instance with nothing to deliver: far in the future, so that claiming
/// work reads only instances that have some (the index on state and next attempt ends before it).
pub fn idle() -> chrono::NaiveDateTime {
    chrono::NaiveDate::from_ymd_opt(9999, 1, 1).and_then(|d| d.and_hms_opt(0, 0, 0)).unwrap_or_default()
}

/// Puts idle instances that have deliveries back to work. A delivery added while its instance
/// was being marked idle (between the two transactions) would otherwise wait for ever; this
/// runs now and then and finds those.
pub async fn wake_stranded(conn: &mut DbConn, now: chrono::NaiveDateTime) -> DbResult<usize> {
    let has_work = diesel::dsl::exists(delivery::table.filter(delivery::instance_id.eq(delivery_target::instance_id)));
    dispatch!(conn, c => diesel::update(
        delivery_target::table
            .filter(delivery_target::state.eq(TargetState::Active.as_str()))
            .filter(delivery_target::next_attempt_at.eq(idle()))
            .filter(has_work),
    )
    .set(delivery_target::next_attempt_at.eq(now))
    .execute(c)
    .await)
    .map_err(Into::into)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TargetState {
    Active,
    /// Failing for days: nothing is sent until it shows life again.
    Dead,
}

impl TargetState {
    pub fn as_str(self) -> &'static str {
        match self {
            TargetState::Active => "active",
            TargetState::Dead => "dead",
        }
    }
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = delivery_target)]
pub struct DeliveryTarget {
    pub instance_id: i64,
    pub state: String,
    pub next_attempt_at: chrono::NaiveDateTime,
    pub fail_count: i32,
    pub first_failure_at: Option<chrono::NaiveDateTime>,
    pub last_success_at: Option<chrono::NaiveDateTime>,
    pub lease_owner: Option<String>,
    pub lease_until: Option<chrono::NaiveDateTime>,
}

/// Instances that are due and not leased, oldest due first.
///
/// Whether they have deliveries is not asked here: an instance is due only when deliveries
/// were added, a failed one waits, or the sweep found some, and one that has none after all
/// (they were dropped meanwhile) is claimed once, finds nothing and goes idle. Asking cost a
/// probe of `delivery` per due instance before the sort: on PostgreSQL, with the queue tables
/// not yet analyzed, 10,000 probes and 28 ms per claim while 10,000 instances were due.
macro_rules! due_targets {
    ($now:expr, $limit:expr) => {
        delivery_target::table
            .filter(delivery_target::state.eq(TargetState::Active.as_str()))
            .filter(delivery_target::next_attempt_at.le($now))
            .filter(delivery_target::lease_until.is_null().or(delivery_target::lease_until.lt($now)))
            .order(delivery_target::next_attempt_at.asc())
            .limit($limit)
            .select(delivery_target::instance_id)
    };
}

/// Leases these instances to `owner`.
macro_rules! lease_targets {
    ($ids:expr, $owner:expr, $until:expr) => {
        diesel::update(delivery_target::table.filter(delivery_target::instance_id.eq_any($ids)))
            .set((delivery_target::lease_owner.eq($owner), delivery_target::lease_until.eq($until)))
    };
}

/// [`claim`] on PostgreSQL, in one statement ([`due_targets!`], [`lease_targets!`] and
/// [`pending_of!`] written out, as diesel does not take a locking subquery as an update's
/// filter, nor an update as a subquery): the due, unleased instances are locked with
/// SKIP LOCKED in a subquery of the update that leases them, so processes never claim the same
/// instance, and each claimed instance's first deliveries are read in the same statement (a
/// lateral join on the update's `RETURNING`). It was a transaction of four trips to the server
/// and then a read. A query type of its own with a fixed
/// [`QueryId`](diesel::query_builder::QueryId), so that diesel prepares it once per connection.
struct ClaimPg<'a> {
    owner: &'a str,
    now: chrono::NaiveDateTime,
    lease_until: chrono::NaiveDateTime,
    limit: i64,
    per_instance: i64,
    active: &'static str,
}

/// A row of [`ClaimPg`]: a claimed instance, and one of its deliveries (the delivery's id,
/// activity, inbox, attempts and time made, then the activity's id, actor and payload), or
/// nothing when none waits.
type ClaimRowPg = (
    i64,
    Option<i64>,
    Option<i64>,
    Option<String>,
    Option<i32>,
    Option<chrono::NaiveDateTime>,
    Option<String>,
    Option<i64>,
    Option<String>,
);

impl diesel::query_builder::QueryId for ClaimPg<'_> {
    type QueryId = ClaimPg<'static>;
    const HAS_STATIC_QUERY_ID: bool = true;
}

impl diesel::query_builder::Query for ClaimPg<'_> {
    type SqlType = (
        diesel::sql_types::BigInt,
        diesel::sql_types::Nullable<diesel::sql_types::BigInt>,
        diesel::sql_types::Nullable<diesel::sql_types::BigInt>,
        diesel::sql_types::Nullable<diesel::sql_types::Text>,
        diesel::sql_types::Nullable<diesel::sql_types::Integer>,
        diesel::sql_types::Nullable<diesel::sql_types::Timestamp>,
        diesel::sql_types::Nullable<diesel::sql_types::Text>,
        diesel::sql_types::Nullable<diesel::sql_types::BigInt>,
        diesel::sql_types::Nullable<diesel::sql_types::Text>,
    );
}

impl diesel::query_builder::QueryFragment<diesel::pg::Pg> for ClaimPg<'_> {
    fn walk_ast<'b>(&'b self, mut out: diesel::query_builder::AstPass<'_, 'b, diesel::pg::Pg>) -> QueryResult<()> {
        use diesel::sql_types::{BigInt, Text, Timestamp};
        push_numbered(include_str!("delivery_target.claim.sql"), &mut out, |n, out| match n {
            1 => out.push_bind_param::<Text, _>(&self.owner),
            2 => out.push_bind_param::<Timestamp, _>(&self.lease_until),
            3 => out.push_bind_param::<Text, _>(&self.active),
            4 => out.push_bind_param::<Timestamp, _>(&self.now),
            5 => out.push_bind_param::<BigInt, _>(&self.limit),
            6 => out.push_bind_param::<BigInt, _>(&self.per_instance),
            _ => Err(unknown_parameter(n)),
        })
    }
}

/// Groups [`ClaimPg`]'s rows (ordered by instance) by instance: up to `per_instance` deliveries
/// each, complete when fewer came back.
fn claimed_pg(rows: Vec<ClaimRowPg>, per_instance: i64) -> Vec<Claimed> {
    let mut out: Vec<Claimed> = Vec::new();
    for (instance, id, activity_id, inbox_url, attempts, created_at, ap_id, actor_id, payload) in rows {
        if out.last().is_none_or(|c| c.instance != instance) {
            out.push(Claimed { instance, first: Vec::new(), complete: true });
        }
        let Some(claim) = out.last_mut() else { continue };
        // All or none are there (a left join on an inner one).
        if let (Some(id), Some(activity_id), Some(inbox_url), Some(attempts), Some(created_at)) =
            (id, activity_id, inbox_url, attempts, created_at)
            && let (Some(activity_ap_id), Some(actor_id), Some(payload)) = (ap_id, actor_id, payload)
        {
            let delivery = Delivery { id, activity_id, instance_id: instance, inbox_url, attempts, created_at };
            claim.first.push(PendingDelivery { delivery, activity_ap_id, actor_id: ActorId(actor_id), payload });
        }
        claim.complete = (claim.first.len() as i64) < per_instance;
    }
    out
}

/// An instance claimed for sending, with the first of its deliveries, read in the claim.
#[derive(Debug)]
pub struct Claimed {
    pub instance: i64,
    /// Its first deliveries, in order (may be empty when the claim read up to its limit).
    pub first: Vec<PendingDelivery>,
    /// Whether `first` is all that was waiting for it when it was claimed.
    pub complete: bool,
}

/// Groups the deliveries read for `instances` (ordered by instance, at most `limit` rows). When
/// fewer than `limit` came back they are all there were; otherwise the last instance's may be
/// cut short and those after it got none, and those are marked incomplete.
fn claimed(instances: Vec<i64>, rows: Vec<PendingRow>, limit: i64) -> Vec<Claimed> {
    let cut = rows.len() as i64 >= limit;
    let last = rows.last().map(|r| r.0.instance_id);
    let mut by_instance: std::collections::HashMap<i64, Vec<PendingDelivery>> = std::collections::HashMap::new();
    for row in rows {
        by_instance.entry(row.0.instance_id).or_default().push(pending_delivery(row));
    }
    instances
        .into_iter()
        .map(|instance| {
            let first = by_instance.remove(&instance).unwrap_or_default();
            let complete = !cut || (!first.is_empty() && Some(instance) != last);
            Claimed { instance, first, complete }
        })
        .collect()
}

/// Claims up to `limit` due instances by setting a lease, and reads their first deliveries
/// in the same trip (up to `per_instance` each on average on SQLite, each on PostgreSQL): a
/// delivery worker sending to thousands of instances with one delivery each reads nothing
/// more before sending. On PostgreSQL one statement ([`ClaimPg`]); on SQLite a transaction in
/// one call, behind the write gate: the delivery worker claims after every few sends, and
/// SQLite's write lock is the one thing all its writes wait for.
pub async fn claim(
    pool: &crate::db::DbPool,
    owner: &str,
    now: chrono::NaiveDateTime,
    lease_until: chrono::NaiveDateTime,
    limit: i64,
    per_instance: i64,
) -> DbResult<Vec<Claimed>> {
    if matches!(pool, crate::db::DbPool::Sqlite(..)) {
        let mut conn = pool.write().await?;
        let DbConn::Sqlite(c) = &mut *conn else {
            return Err(crate::db::DbError::Pool("a SQLite pool gave another connection".into()));
        };
        let owner = owner.to_string();
        return c
            .spawn_blocking(move |inner| {
                inner.immediate_transaction(|inner| {
                    let ids: Vec<i64> = diesel::RunQueryDsl::load(due_targets!(now, limit), inner)?;
                    if ids.is_empty() {
                        return Ok(vec![]);
                    }
                    diesel::RunQueryDsl::execute(lease_targets!(ids.clone(), &owner, lease_until), inner)?;
                    let rows_limit = ids.len() as i64 * per_instance;
                    let rows: Vec<PendingRow> = diesel::RunQueryDsl::load(pending_of!(ids.clone(), rows_limit), inner)?;
                    Ok(claimed(ids, rows, rows_limit))
                })
            })
            .await
            .map_err(Into::into);
    }
    let mut conn = pool.get().await?;
    let DbConn::Pg(c) = &mut conn else {
        return Err(crate::db::DbError::Pool("a PostgreSQL pool gave another connection".into()));
    };
    let c: &mut diesel_async::AsyncPgConnection = c;
    let claim = ClaimPg { owner, now, lease_until, limit, per_instance, active: TargetState::Active.as_str() };
    Ok(claimed_pg(claim.load(c).await?, per_instance))
}

/// Extends a lease this worker holds; false when it was lost (expired and taken).
pub async fn renew_lease(
    conn: &mut DbConn,
    instance_id: i64,
    owner: &str,
    until: chrono::NaiveDateTime,
) -> DbResult<bool> {
    let n = dispatch!(conn, c => diesel::update(
        delivery_target::table.filter(delivery_target::instance_id.eq(instance_id)).filter(delivery_target::lease_owner.eq(owner)),
    )
    .set(delivery_target::lease_until.eq(until))
    .execute(c)
    .await)?;
    Ok(n > 0)
}

/// After a batch went through: reset the failure state and release the lease, in one statement
/// (a worker whose lease was taken over changes nothing): [`record_sent`] with nothing sent.
pub async fn record_success(
    conn: &mut DbConn,
    instance_id: i64,
    owner: &str,
    now: chrono::NaiveDateTime,
) -> DbResult<()> {
    record_sent(conn, &[], &[instance_id], owner, now).await
}

/// Deliveries that their inboxes acknowledged (or refused for good), recorded together: deletes
/// `sent`, and for `finished` (instances whose last waiting delivery is among them) resets the
/// failure state and releases the lease — an instance whose lease another worker holds now is
/// left alone; one that got new deliveries meanwhile stays due (else it is idle until new
/// ones come).
///
/// The delivery worker records what its sends acknowledge in groups, one statement (PostgreSQL,
/// [`RecordSentPg`]) or one transaction (SQLite) for as many as were acknowledged while the
/// previous group was written: a fan-out to 10,000 instances with one delivery each made
/// 10,000 writes, one after each send.
pub async fn record_sent(
    conn: &mut DbConn,
    sent: &[i64],
    finished: &[i64],
    owner: &str,
    now: chrono::NaiveDateTime,
) -> DbResult<()> {
    if sent.is_empty() && finished.is_empty() {
        return Ok(());
    }
    match conn {
        DbConn::Sqlite(c) => {
            let (sent, finished, owner) = (sent.to_vec(), finished.to_vec(), owner.to_string());
            c.spawn_blocking(move |inner| {
                inner.immediate_transaction(|inner| {
                    diesel::RunQueryDsl::execute(
                        diesel::delete(delivery::table.filter(delivery::id.eq_any(&sent))),
                        inner,
                    )?;
                    // Correlated: in the same transaction the deleted rows are gone already.
                    let has_work = diesel::dsl::exists(
                        delivery::table.filter(delivery::instance_id.eq(delivery_target::instance_id)),
                    );
                    let next = diesel::dsl::case_when(has_work, now.into_sql::<diesel::sql_types::Timestamp>())
                        .otherwise(idle().into_sql::<diesel::sql_types::Timestamp>());
                    let released = diesel::update(
                        delivery_target::table
                            .filter(delivery_target::instance_id.eq_any(&finished))
                            .filter(delivery_target::lease_owner.eq(&owner)),
                    )
                    .set((
                        delivery_target::fail_count.eq(0),
                        delivery_target::first_failure_at.eq(None::<chrono::NaiveDateTime>),
                        delivery_target::last_success_at.eq(now),
                        delivery_target::next_attempt_at.eq(next),
                        delivery_target::lease_owner.eq(None::<String>),
                        delivery_target::lease_until.eq(None::<chrono::NaiveDateTime>),
                    ));
                    diesel::RunQueryDsl::execute(released, inner)
                })
            })
            .await?;
        }
        DbConn::Pg(c) => {
            RecordSentPg { sent, finished, owner, now, idle: idle() }.execute(c).await?;
        }
    }
    Ok(())
}

/// [`record_sent`] on PostgreSQL in one statement: the delete in a `WITH`, whose rows the
/// update's `EXISTS` would still see (one snapshot), so it leaves them out. A query type of its
/// own with a fixed [`QueryId`](diesel::query_builder::QueryId), so that diesel prepares it
/// once per connection (a `sql_query` is parsed and planned on every call).
struct RecordSentPg<'a> {
    sent: &'a [i64],
    finished: &'a [i64],
    owner: &'a str,
    now: chrono::NaiveDateTime,
    idle: chrono::NaiveDateTime,
}

impl diesel::query_builder::QueryId for RecordSentPg<'_> {
    type QueryId = RecordSentPg<'static>;
    const HAS_STATIC_QUERY_ID: bool = true;
}

impl diesel::query_builder::QueryFragment<diesel::pg::Pg> for RecordSentPg<'_> {
    fn walk_ast<'b>(&'b self, mut out: diesel::query_builder::AstPass<'_, 'b, diesel::pg::Pg>) -> QueryResult<()> {
        use diesel::sql_types::{Array, BigInt, Text, Timestamp};
        push_numbered(include_str!("delivery_target.record_sent.sql"), &mut out, |n, out| match n {
            1 => out.push_bind_param::<Array<BigInt>, _>(&self.sent),
            2 => out.push_bind_param::<Timestamp, _>(&self.now),
            3 => out.push_bind_param::<Timestamp, _>(&self.idle),
            4 => out.push_bind_param::<Array<BigInt>, _>(&self.finished),
            5 => out.push_bind_param::<Text, _>(&self.owner),
            _ => Err(unknown_parameter(n)),
        })
    }
}

/// Writes a query from a `.sql` file, with each `$n` in it replaced by the `n`th parameter
/// (`bind` pushes it; a parameter written twice is bound twice). The file stays plain
/// PostgreSQL that can be tried in `psql` with `PREPARE`.
fn push_numbered<'b>(
    sql: &'static str,
    out: &mut diesel::query_builder::AstPass<'_, 'b, diesel::pg::Pg>,
    mut bind: impl FnMut(usize, &mut diesel::query_builder::AstPass<'_, 'b, diesel::pg::Pg>) -> QueryResult<()>,
) -> QueryResult<()> {
    let mut rest = sql;
    while let Some(at) = rest.find('$') {
        out.push_sql(&rest[..at]);
        let after = &rest[at + 1..];
        let digits = after.bytes().take_while(u8::is_ascii_digit).count();
        let n = after[..digits].parse().map_err(|_| unknown_parameter(0))?;
        bind(n, out)?;
        rest = &after[digits..];
    }
    out.push_sql(rest);
    Ok(())
}

fn unknown_parameter(n: usize) -> diesel::result::Error {
    diesel::result::Error::QueryBuilderError(format!("no parameter ${n} in a query's .sql file").into())
}

/// After a failed attempt: count it, wait until `next_attempt`, release the lease.
pub async fn record_failure(
    conn: &mut DbConn,
    target: &DeliveryTarget,
    owner: &str,
    now: chrono::NaiveDateTime,
    next_attempt: chrono::NaiveDateTime,
) -> DbResult<()> {
    dispatch!(conn, c => diesel::update(delivery_target::table.filter(delivery_target::instance_id.eq(target.instance_id)))
        .set((
            delivery_target::fail_count.eq(target.fail_count + 1),
            delivery_target::first_failure_at.eq(target.first_failure_at.unwrap_or(now)),
            delivery_target::next_attempt_at.eq(next_attempt),
        ))
        .execute(c)
        .await)?;
    release(conn, target.instance_id, owner).await
}

pub async fn release(conn: &mut DbConn, instance_id: i64, owner: &str) -> DbResult<()> {
    dispatch!(conn, c => diesel::update(
        delivery_target::table.filter(delivery_target::instance_id.eq(instance_id)).filter(delivery_target::lease_owner.eq(owner)),
    )
    .set((delivery_target::lease_owner.eq(None::<String>), delivery_target::lease_until.eq(None::<chrono::NaiveDateTime>)))
    .execute(c)
    .await)?;
    Ok(())
}

pub async fn target(conn: &mut DbConn, instance_id: i64) -> DbResult<Option<DeliveryTarget>> {
    dispatch!(conn, c => delivery_target::table.find(instance_id).select(DeliveryTarget::as_select()).first(c).await.optional())
        .map_err(Into::into)
}

/// Which of these instances are dead (nothing is queued for them until they show life).
pub async fn dead_among(conn: &mut DbConn, instances: &[i64]) -> DbResult<Vec<i64>> {
    let ids = instances.to_vec();
    dispatch!(conn, c => delivery_target::table
        .filter(delivery_target::instance_id.eq_any(ids.clone()))
        .filter(delivery_target::state.eq(TargetState::Dead.as_str()))
        .select(delivery_target::instance_id)
        .load(c)
        .await)
    .map_err(Into::into)
}

/// Marks an instance dead and drops what was waiting for it; returns how many deliveries.
pub async fn mark_dead(conn: &mut DbConn, instance_id: i64) -> DbResult<usize> {
    dispatch!(conn, c => diesel::update(delivery_target::table.filter(delivery_target::instance_id.eq(instance_id)))
        .set(delivery_target::state.eq(TargetState::Dead.as_str()))
        .execute(c)
        .await)?;
    dispatch!(conn, c => diesel::delete(delivery::table.filter(delivery::instance_id.eq(instance_id))).execute(c).await)
        .map_err(Into::into)
}

/// A sign of life (a valid activity from the instance): deliver to it again.
pub async fn revive(conn: &mut DbConn, instance_id: i64) -> DbResult<bool> {
    let n = dispatch!(conn, c => diesel::update(
        delivery_target::table
            .filter(delivery_target::instance_id.eq(instance_id))
            .filter(delivery_target::state.eq(TargetState::Dead.as_str())),
    )
    .set((
        delivery_target::state.eq(TargetState::Active.as_str()),
        delivery_target::fail_count.eq(0),
        delivery_target::first_failure_at.eq(None::<chrono::NaiveDateTime>),
        // Its deliveries were dropped when it died: idle until new ones come.
        delivery_target::next_attempt_at.eq(idle()),
    ))
    .execute(c)
    .await)?;
    Ok(n > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(id: i64, instance_id: i64) -> PendingRow {
        let delivery = Delivery {
            id,
            activity_id: 1,
            instance_id,
            inbox_url: format!("https://i{instance_id}.example/inbox"),
            attempts: 0,
            created_at: crate::db::now(),
        };
        (delivery, "https://here.example/a/1".into(), ActorId(1), "{}".into())
    }

    fn summary(claimed: &[Claimed]) -> Vec<(i64, Vec<i64>, bool)> {
        claimed.iter().map(|c| (c.instance, c.first.iter().map(|p| p.delivery.id).collect(), c.complete)).collect()
    }

    #[test]
    fn a_claim_read_in_full_is_complete_for_every_instance() {
        let rows = vec![row(1, 7), row(2, 7), row(3, 9)];
        let claimed = claimed(vec![9, 7, 8], rows, 10);
        assert_eq!(summary(&claimed), [(9, vec![3], true), (7, vec![1, 2], true), (8, vec![], true)]);
    }

    fn pg_row(instance: i64, delivery: Option<i64>) -> ClaimRowPg {
        let some = |v: String| delivery.map(|_| v);
        (
            instance,
            delivery,
            delivery.map(|_| 1),
            some(format!("https://i{instance}.example/inbox")),
            delivery.map(|_| 0),
            delivery.map(|_| crate::db::now()),
            some("https://here.example/a/1".into()),
            delivery.map(|_| 1),
            some("{}".into()),
        )
    }

    #[test]
    fn a_postgresql_claim_is_grouped_by_instance_and_complete_below_the_limit_of_each() {
        // 7 has as many as the limit (more may wait), 8 none (a row of nulls), 9 fewer.
        let rows = vec![pg_row(7, Some(1)), pg_row(7, Some(2)), pg_row(8, None), pg_row(9, Some(3))];
        let claimed = claimed_pg(rows, 2);
        assert_eq!(summary(&claimed), [(7, vec![1, 2], false), (8, vec![], true), (9, vec![3], true)]);
        assert_eq!(claimed[0].first[1].delivery.inbox_url, "https://i7.example/inbox");
        assert!(claimed_pg(vec![], 2).is_empty());
    }

    #[test]
    fn a_claim_read_up_to_its_limit_leaves_the_last_instance_and_those_after_it_to_read_on() {
        // Rows come ordered by instance: 7's are all there, 9's may be cut, 11 got none.
        let rows = vec![row(1, 7), row(2, 9), row(3, 9)];
        let claimed = claimed(vec![7, 9, 11], rows, 3);
        assert_eq!(summary(&claimed), [(7, vec![1], true), (9, vec![2, 3], false), (11, vec![], false)]);
    }
}
