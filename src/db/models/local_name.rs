//! The one namespace of local persons and groups (they share WebFinger).

use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use crate::db::schema::local_name;
use crate::db::{DbConn, DbResult, now};
use crate::dispatch;

/// Claims `name` (any case) for a local actor of `kind`. Fails with `DbError::Conflict` when
/// the name is taken in any case.
pub async fn reserve(conn: &mut DbConn, name: &str, kind: &str) -> DbResult<()> {
    let row = (local_name::name.eq(name.to_lowercase()), local_name::kind.eq(kind), local_name::created_at.eq(now()));
    dispatch!(conn, c => diesel::insert_into(local_name::table).values(row).execute(c).await)?;
    Ok(())
}

pub async fn is_taken(conn: &mut DbConn, name: &str) -> DbResult<bool> {
    let lower = name.to_lowercase();
    let count: i64 =
        dispatch!(conn, c => local_name::table.filter(local_name::name.eq(&lower)).count().get_result(c).await)?;
    Ok(count > 0)
}

pub async fn release(conn: &mut DbConn, name: &str) -> DbResult<()> {
    let lower = name.to_lowercase();
    dispatch!(conn, c => diesel::delete(local_name::table.filter(local_name::name.eq(&lower))).execute(c).await)?;
    Ok(())
}
