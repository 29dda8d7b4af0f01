//! `received_activity`: ids of incoming activities already handled, so that a retried or
//! replayed activity changes nothing.

use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use crate::db::schema::received_activity;
use crate::db::{DbConn, DbResult};
use crate::dispatch;

/// Records an incoming activity id; false when it was seen before (then nothing is done).
pub async fn mark_received(conn: &mut DbConn, ap_id: &str, now: chrono::NaiveDateTime) -> DbResult<bool> {
    let n = dispatch!(conn, c => diesel::insert_into(received_activity::table)
        .values((received_activity::ap_id.eq(ap_id), received_activity::received_at.eq(now)))
        .on_conflict_do_nothing()
        .execute(c)
        .await)?;
    Ok(n > 0)
}

/// Forgets received ids older than `before` (senders do not retry for that long).
pub async fn prune_received(conn: &mut DbConn, before: chrono::NaiveDateTime) -> DbResult<usize> {
    dispatch!(conn, c => diesel::delete(received_activity::table.filter(received_activity::received_at.lt(before))).execute(c).await)
        .map_err(Into::into)
}
