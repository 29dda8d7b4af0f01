//! `notification_preference`: how a person wants to hear of a kind, in general (scope '') or for
//! one followed thing (scope = its ActivityPub id).

use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use super::local_user::LocalUserId;
use crate::db::schema::notification_preference;
use crate::db::{DbConn, DbResult};
use crate::dispatch;

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = notification_preference)]
pub struct NotificationPreference {
    pub local_user_id: LocalUserId,
    pub kind: String,
    pub scope: String,
    pub channel: String,
}

impl NotificationPreference {
    /// Stores a preference, replacing the one for the same kind and scope.
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
}
