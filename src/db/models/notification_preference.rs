//! `notification_preference`: how a person wants to hear of a kind of notification, in general
//! (scope `''`) or for one followed thing (scope = its ActivityPub id). A missing row means the
//! kind's default (`domain::notifications::kinds`).

use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use super::local_user::LocalUserId;
use crate::db::schema::notification_preference;
use crate::db::{DbConn, DbResult};
use crate::dispatch;

/// The scope of a preference for a kind in general.
pub const ANY_SCOPE: &str = "";

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = notification_preference)]
pub struct NotificationPreference {
    pub local_user_id: LocalUserId,
    pub kind: String,
    pub scope: String,
    pub channel: String,
}

impl NotificationPreference {
    /// Every preference of a person, kinds in general first.
    pub async fn of(conn: &mut DbConn, user: LocalUserId) -> DbResult<Vec<NotificationPreference>> {
        dispatch!(conn, c => notification_preference::table
            .filter(notification_preference::local_user_id.eq(user))
            .order((notification_preference::scope.asc(), notification_preference::kind.asc()))
            .select(NotificationPreference::as_select())
            .load(c)
            .await)
        .map_err(Into::into)
    }

    /// Sets (or replaces) one preference.
    pub async fn set(conn: &mut DbConn, row: &NotificationPreference) -> DbResult<()> {
        dispatch!(conn, c => diesel::insert_into(notification_preference::table)
            .values(row)
            .on_conflict((
                notification_preference::local_user_id,
                notification_preference::kind,
                notification_preference::scope,
            ))
            .do_update()
            .set(notification_preference::channel.eq(&row.channel))
            .execute(c)
            .await)?;
        Ok(())
    }

    /// Removes one preference, so the kind's default (or the kind's general preference) holds.
    pub async fn unset(conn: &mut DbConn, user: LocalUserId, kind: &str, scope: &str) -> DbResult<()> {
        dispatch!(conn, c => diesel::delete(
            notification_preference::table
                .filter(notification_preference::local_user_id.eq(user))
                .filter(notification_preference::kind.eq(kind))
                .filter(notification_preference::scope.eq(scope)),
        )
        .execute(c)
        .await)?;
        Ok(())
    }
}
