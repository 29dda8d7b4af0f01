//! `invite`: invitations by link (a code) or to an e-mail address, with a use count and an
//! expiry; for the instance now (`kind` 'instance'), for a group or an event later (`subject`).

use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use super::actor::ActorId;
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
    /// The address the invitation was mailed to.
    pub email: Option<String>,
    /// What the invitation is to: 'instance', later 'group' or 'event'.
    pub kind: String,
    /// The ActivityPub id of the group or event (NULL for the instance).
    pub subject: Option<String>,
    /// The local path where the invitee lands after registering.
    pub landing: Option<String>,
    /// The group whoever uses a 'group' invitation joins.
    pub group_id: Option<ActorId>,
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
    pub email: Option<&'a str>,
    pub kind: &'a str,
    pub subject: Option<&'a str>,
    pub landing: Option<&'a str>,
    pub group_id: Option<ActorId>,
}

impl Invite {
    pub async fn insert(conn: &mut DbConn, form: &InviteInsert<'_>) -> DbResult<Invite> {
        dispatch!(conn, c => diesel::insert_into(invite::table).values(form).returning(Invite::as_returning()).get_result(c).await)
            .map_err(Into::into)
    }

    /// Uses one of the code's uses if it is valid now; returns the invitation, or `None` when
    /// the code is unknown, used up or expired. One statement, so two registrations cannot both
    /// take the last use.
    pub async fn consume(conn: &mut DbConn, code: &str, now: chrono::NaiveDateTime) -> DbResult<Option<Invite>> {
        dispatch!(conn, c => diesel::update(
            invite::table
                .filter(invite::code.eq(code))
                .filter(invite::uses.lt(invite::max_uses))
                .filter(invite::expires_at.is_null().or(invite::expires_at.gt(now))),
        )
        .set(invite::uses.eq(invite::uses + 1))
        .returning(Invite::as_returning())
        .get_result(c)
        .await
        .optional())
        .map_err(Into::into)
    }

    pub async fn by_id(conn: &mut DbConn, id: i64) -> DbResult<Option<Invite>> {
        dispatch!(conn, c => invite::table.find(id).select(Invite::as_select()).first(c).await.optional())
            .map_err(Into::into)
    }

    /// Whether the code would be taken now (the registration page says so before the form).
    pub async fn usable(conn: &mut DbConn, code: &str, now: chrono::NaiveDateTime) -> DbResult<Option<Invite>> {
        dispatch!(conn, c => invite::table
            .filter(invite::code.eq(code))
            .filter(invite::uses.lt(invite::max_uses))
            .filter(invite::expires_at.is_null().or(invite::expires_at.gt(now)))
            .select(Invite::as_select())
            .first(c)
            .await
            .optional())
        .map_err(Into::into)
    }

    /// Invitations of one kind, newest first.
    pub async fn list(conn: &mut DbConn, kind: &str, limit: i64) -> DbResult<Vec<Invite>> {
        dispatch!(conn, c => invite::table
            .filter(invite::kind.eq(kind))
            .order(invite::id.desc())
            .limit(limit)
            .select(Invite::as_select())
            .load(c)
            .await)
        .map_err(Into::into)
    }

    /// A group's invitations, newest first.
    pub async fn of_group(conn: &mut DbConn, group: ActorId, limit: i64) -> DbResult<Vec<Invite>> {
        dispatch!(conn, c => invite::table
            .filter(invite::group_id.eq(group))
            .order(invite::id.desc())
            .limit(limit)
            .select(Invite::as_select())
            .load(c)
            .await)
        .map_err(Into::into)
    }

    /// The invitation of a code, whether it can still be used or not.
    pub async fn by_code(conn: &mut DbConn, code: &str) -> DbResult<Option<Invite>> {
        dispatch!(conn, c => invite::table
            .filter(invite::code.eq(code))
            .select(Invite::as_select())
            .first(c)
            .await
            .optional())
        .map_err(Into::into)
    }
}
