//! Sign-in sessions. Only a SHA-256 hash of the cookie's token is stored.

use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use super::local_user::{Account, LocalUserId};
use crate::db::schema::{actor, local_user, session};
use crate::db::{DbConn, DbResult};
use crate::dispatch;

#[derive(Debug, Insertable)]
#[diesel(table_name = session)]
pub struct SessionInsert<'a> {
    pub token_hash: &'a str,
    pub local_user_id: LocalUserId,
    pub user_agent: &'a str,
    pub created_at: chrono::NaiveDateTime,
    pub expires_at: chrono::NaiveDateTime,
}

pub async fn insert(conn: &mut DbConn, form: &SessionInsert<'_>) -> DbResult<()> {
    dispatch!(conn, c => diesel::insert_into(session::table).values(form).execute(c).await)?;
    Ok(())
}

/// The account of an unexpired session.
pub async fn account(conn: &mut DbConn, token_hash: &str, now: chrono::NaiveDateTime) -> DbResult<Option<Account>> {
    dispatch!(conn, c => session::table
        .inner_join(local_user::table.inner_join(actor::table))
        .filter(session::token_hash.eq(token_hash))
        .filter(session::expires_at.gt(now))
        .select(Account::as_select())
        .first(c)
        .await
        .optional())
    .map_err(Into::into)
}

pub async fn delete(conn: &mut DbConn, token_hash: &str) -> DbResult<()> {
    dispatch!(conn, c => diesel::delete(session::table.filter(session::token_hash.eq(token_hash))).execute(c).await)?;
    Ok(())
}

/// Ends every session of a user except `keep` (the one that changed the password).
pub async fn delete_others(conn: &mut DbConn, user: LocalUserId, keep: Option<&str>) -> DbResult<usize> {
    let keep = keep.unwrap_or("");
    dispatch!(conn, c => diesel::delete(
        session::table.filter(session::local_user_id.eq(user)).filter(session::token_hash.ne(keep)),
    )
    .execute(c)
    .await)
    .map_err(Into::into)
}

pub async fn delete_expired(conn: &mut DbConn, now: chrono::NaiveDateTime) -> DbResult<usize> {
    dispatch!(conn, c => diesel::delete(session::table.filter(session::expires_at.le(now))).execute(c).await)
        .map_err(Into::into)
}

pub async fn count_for(conn: &mut DbConn, user: LocalUserId) -> DbResult<i64> {
    dispatch!(conn, c => session::table.filter(session::local_user_id.eq(user)).count().get_result(c).await)
        .map_err(Into::into)
}
