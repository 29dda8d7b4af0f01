//! `job`: the queue of work that is not ActivityPub delivery (e-mail, digests, imports,
//! refetches, cleanup). A job is written in the transaction of its cause, claimed with a lease
//! (several processes on one PostgreSQL share the queue; on SQLite claims pass the write gate),
//! deleted when done, and put back with a later `run_at` when it fails.

use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use crate::db::schema::job;
use crate::db::{DbConn, DbResult, Tx};
use crate::dispatch;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = job)]
pub struct Job {
    pub id: i64,
    pub kind: String,
    pub payload: String,
    pub unique_key: Option<String>,
    pub run_at: chrono::NaiveDateTime,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub lease_owner: Option<String>,
    pub lease_until: Option<chrono::NaiveDateTime>,
    pub failed_at: Option<chrono::NaiveDateTime>,
    pub created_at: chrono::NaiveDateTime,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = job)]
#[diesel(treat_none_as_default_value = false)]
pub struct JobInsert {
    pub kind: String,
    pub payload: String,
    pub unique_key: Option<String>,
    pub run_at: chrono::NaiveDateTime,
    pub attempts: i32,
    pub created_at: chrono::NaiveDateTime,
}

/// Due, unleased jobs of the given kinds that have not given up, oldest due first.
macro_rules! due_jobs {
    ($kinds:expr, $now:expr, $limit:expr) => {
        job::table
            .filter(job::failed_at.is_null())
            .filter(job::kind.eq_any($kinds))
            .filter(job::run_at.le($now))
            .filter(job::lease_until.is_null().or(job::lease_until.lt($now)))
            .order(job::run_at.asc())
            .limit($limit)
            .select(job::id)
    };
}

impl Job {
    /// Adds a job; with a `unique_key` that is already queued, adds nothing and returns false.
    pub async fn insert(conn: &mut DbConn, form: &JobInsert) -> DbResult<bool> {
        let n = dispatch!(conn, c => diesel::insert_into(job::table)
            .values(form)
            .on_conflict(job::unique_key)
            .do_nothing()
            .execute(c)
            .await)?;
        Ok(n > 0)
    }

    /// Adds many jobs without unique keys: on PostgreSQL in statements of 500 rows (a round
    /// trip each), on SQLite row by row (in-process, and diesel-async has no batch there).
    /// Returns how many were added.
    pub async fn insert_many(conn: &mut DbConn, forms: &[JobInsert]) -> DbResult<usize> {
        let mut added = 0;
        match conn {
            DbConn::Pg(c) => {
                for chunk in forms.chunks(500) {
                    added += diesel::insert_into(job::table).values(chunk.to_vec()).execute(&mut **c).await?;
                }
            }
            DbConn::Sqlite(_) => {
                for form in forms {
                    added += usize::from(Job::insert(conn, form).await?);
                }
            }
        }
        Ok(added)
    }

    /// Leases up to `limit` due jobs of `kinds` to `owner` until `lease_until`, in one
    /// transaction: on PostgreSQL rows another process is claiming are skipped (`SKIP LOCKED`),
    /// on SQLite the transaction holds the write gate. A process claims only the kinds it has
    /// handlers for, so during an upgrade an older process leaves a newer kind alone.
    pub async fn claim(
        tx: &mut Tx,
        kinds: &[&str],
        owner: &str,
        now: chrono::NaiveDateTime,
        lease_until: chrono::NaiveDateTime,
        limit: i64,
    ) -> DbResult<Vec<Job>> {
        let conn: &mut DbConn = tx;
        let ids: Vec<i64> = match conn {
            DbConn::Pg(c) => due_jobs!(kinds, now, limit).for_update().skip_locked().load(&mut ***c).await?,
            DbConn::Sqlite(c) => due_jobs!(kinds, now, limit).load(&mut **c).await?,
        };
        if ids.is_empty() {
            return Ok(vec![]);
        }
        dispatch!(conn, c => diesel::update(job::table.filter(job::id.eq_any(&ids)))
            .set((job::lease_owner.eq(owner), job::lease_until.eq(lease_until), job::attempts.eq(job::attempts + 1)))
            .execute(c)
            .await)?;
        dispatch!(conn, c => job::table
            .filter(job::id.eq_any(&ids))
            .order(job::run_at.asc())
            .select(Job::as_select())
            .load(c)
            .await)
        .map_err(Into::into)
    }

    /// Whether any job of `kinds` is due and free: a read, so that idle workers do not open a
    /// write transaction (on SQLite, the write gate) every time they look.
    pub async fn any_due(conn: &mut DbConn, kinds: &[&str], now: chrono::NaiveDateTime) -> DbResult<bool> {
        let due: Vec<i64> = dispatch!(conn, c => due_jobs!(kinds, now, 1).load(c).await)?;
        Ok(!due.is_empty())
    }

    /// Extends the lease of a job this worker holds; false when it was lost.
    pub async fn renew(conn: &mut DbConn, id: i64, owner: &str, until: chrono::NaiveDateTime) -> DbResult<bool> {
        let n = dispatch!(conn, c => diesel::update(job::table.filter(job::id.eq(id)).filter(job::lease_owner.eq(owner)))
            .set(job::lease_until.eq(until))
            .execute(c)
            .await)?;
        Ok(n > 0)
    }

    /// Done: deletes the job if this worker still holds it. A handler whose effect is in the
    /// database calls this in the effect's own transaction, so that the effect and the job's
    /// end commit together; false means another worker took the job over, and the caller rolls
    /// back.
    pub async fn complete(conn: &mut DbConn, id: i64, owner: &str) -> DbResult<bool> {
        let n = dispatch!(conn, c => diesel::delete(job::table.filter(job::id.eq(id)).filter(job::lease_owner.eq(owner)))
            .execute(c)
            .await)?;
        Ok(n > 0)
    }

    /// Failed for now: try again at `retry_at`.
    pub async fn retry(
        conn: &mut DbConn,
        id: i64,
        owner: &str,
        error: &str,
        retry_at: chrono::NaiveDateTime,
    ) -> DbResult<()> {
        dispatch!(conn, c => diesel::update(job::table.filter(job::id.eq(id)).filter(job::lease_owner.eq(owner)))
            .set((
                job::run_at.eq(retry_at),
                job::last_error.eq(error),
                job::lease_owner.eq(None::<String>),
                job::lease_until.eq(None::<chrono::NaiveDateTime>),
            ))
            .execute(c)
            .await)?;
        Ok(())
    }

    /// Gave up: kept with its error for the operator (`buurt admin jobs`), never run again.
    pub async fn give_up(
        conn: &mut DbConn,
        id: i64,
        owner: &str,
        error: &str,
        now: chrono::NaiveDateTime,
    ) -> DbResult<()> {
        dispatch!(conn, c => diesel::update(job::table.filter(job::id.eq(id)).filter(job::lease_owner.eq(owner)))
            .set((
                job::failed_at.eq(now),
                job::last_error.eq(error),
                job::lease_owner.eq(None::<String>),
                job::lease_until.eq(None::<chrono::NaiveDateTime>),
            ))
            .execute(c)
            .await)?;
        Ok(())
    }

    /// Jobs due now or running (not given up).
    pub async fn count_due(conn: &mut DbConn, now: chrono::NaiveDateTime) -> DbResult<i64> {
        dispatch!(conn, c => job::table
            .filter(job::failed_at.is_null())
            .filter(job::run_at.le(now).or(job::lease_until.is_not_null()))
            .count()
            .get_result(c)
            .await)
        .map_err(Into::into)
    }

    /// Jobs waiting (not given up), and given up.
    pub async fn counts(conn: &mut DbConn) -> DbResult<(i64, i64)> {
        let waiting = dispatch!(conn, c => job::table.filter(job::failed_at.is_null()).count().get_result(c).await)?;
        let failed = dispatch!(conn, c => job::table.filter(job::failed_at.is_not_null()).count().get_result(c).await)?;
        Ok((waiting, failed))
    }

    /// Given-up jobs, newest first.
    pub async fn failed(conn: &mut DbConn, limit: i64) -> DbResult<Vec<Job>> {
        dispatch!(conn, c => job::table
            .filter(job::failed_at.is_not_null())
            .order(job::id.desc())
            .limit(limit)
            .select(Job::as_select())
            .load(c)
            .await)
        .map_err(Into::into)
    }
}
