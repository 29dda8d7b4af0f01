//! `site_setting`: instance settings an admin changed while the instance runs, by name.

use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use super::actor::ActorId;
use crate::db::schema::site_setting;
use crate::db::{DbConn, DbResult, now};
use crate::dispatch;

/// Every saved setting: (name, value).
pub async fn all(conn: &mut DbConn) -> DbResult<Vec<(String, String)>> {
    dispatch!(conn, c => site_setting::table
        .select((site_setting::name, site_setting::value))
        .order(site_setting::name.asc())
        .load(c)
        .await)
    .map_err(Into::into)
}

/// Saves `value` under `name`, replacing what was saved.
pub async fn set(conn: &mut DbConn, name: &str, value: &str, by: Option<ActorId>) -> DbResult<()> {
    let t = now();
    let row = (
        site_setting::name.eq(name),
        site_setting::value.eq(value),
        site_setting::updated_by.eq(by.map(|a| a.0)),
        site_setting::updated_at.eq(t),
    );
    dispatch!(conn, c => diesel::insert_into(site_setting::table)
        .values(row)
        .on_conflict(site_setting::name)
        .do_update()
        .set((
            site_setting::value.eq(value),
            site_setting::updated_by.eq(by.map(|a| a.0)),
            site_setting::updated_at.eq(t),
        ))
        .execute(c)
        .await)?;
    Ok(())
}

/// Forgets a saved setting: the configuration file's value holds again.
pub async fn clear(conn: &mut DbConn, name: &str) -> DbResult<()> {
    dispatch!(conn, c => diesel::delete(site_setting::table.find(name)).execute(c).await)?;
    Ok(())
}
