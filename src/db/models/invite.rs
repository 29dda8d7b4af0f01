//! Invitation codes for invite-only registration.

use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use super::local_user::LocalUserId;
use crate::db::schema::invite;
use crate::db::{DbConn, DbResult};
use crate::dispatch;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = invite)]
pub struct Invite {
    pub id: i64,
    pub code: String,
    pub created_by: LocalUserId,
    pub max_uses: i32,
    pub uses: i32,
    pub expires_at: Option<chrono::NaiveDateTime>,
    pub created_at: chrono::NaiveDateTime,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = invite)]
pub struct InviteInsert<'a> {
    pub code: &'a str,
    pub created_by: LocalUserId,
    pub max_uses: i32,
    pub uses: i32,
    pub expires_at: Option<chrono::NaiveDateTime>,
    pub created_at: chrono::NaiveDateTime,
}

impl Invite {
    pub async fn insert(conn: &mut DbConn, form: &InviteInsert<'_>) -> DbResult<Invite> {
        dispatch!(conn, c => diesel::insert_into(invite::table).values(form).returning(Invite::as_returning()).get_result(c).await)
            .map_err(Into::into)
    }

    /// Uses one of the code's uses if it is valid now; returns the invite's id, or `None` when
    /// the code is unknown, used up or expired. One statement, so two registrations cannot both
    /// take the last use.
    pub async fn consume(conn: &mut DbConn, code: &str, now: chrono::NaiveDateTime) -> DbResult<Option<i64>> {
        dispatch!(conn, c => diesel::update(
            invite::table
                .filter(invite::code.eq(code))
                .filter(invite::uses.lt(invite::max_uses))
                .filter(invite::expires_at.is_null().or(invite::expires_at.gt(now))),
        )
        .set(invite::uses.eq(invite::uses + 1))
        .returning(invite::id)
        .get_result(c)
        .await
        .optional())
        .map_err(Into::into)
    }

    /// Newest first.
    pub async fn list(conn: &mut DbConn, limit: i64) -> DbResult<Vec<Invite>> {
        dispatch!(conn, c => invite::table.order(invite::id.desc()).limit(limit).select(Invite::as_select()).load(c).await)
            .map_err(Into::into)
    }
}
