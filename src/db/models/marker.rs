//! `marker`: where a person stopped reading a timeline (Mastodon's `/api/v1/markers`). The
//! `notifications` marker is also what the unread count and the web's "mark as read" use.

use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use super::local_user::LocalUserId;
use crate::db::schema::marker;
use crate::db::{DbConn, DbResult};
use crate::dispatch;

/// The timelines a marker can be set for.
pub const TIMELINES: &[&str] = &["home", "notifications"];

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = marker)]
pub struct Marker {
    pub local_user_id: LocalUserId,
    pub timeline: String,
    pub last_read_id: i64,
    pub version: i32,
    pub updated_at: chrono::NaiveDateTime,
}

impl Marker {
    pub async fn get(conn: &mut DbConn, user: LocalUserId, timeline: &str) -> DbResult<Option<Marker>> {
        dispatch!(conn, c => marker::table
            .filter(marker::local_user_id.eq(user))
            .filter(marker::timeline.eq(timeline))
            .select(Marker::as_select())
            .first(c)
            .await
            .optional())
        .map_err(Into::into)
    }

    /// Where the person stopped reading (0: nothing read yet).
    pub async fn last_read(conn: &mut DbConn, user: LocalUserId, timeline: &str) -> DbResult<i64> {
        Ok(Marker::get(conn, user, timeline).await?.map_or(0, |m| m.last_read_id))
    }

    /// Sets the marker, bumping its version; returns the stored marker.
    pub async fn set(
        conn: &mut DbConn,
        user: LocalUserId,
        timeline: &str,
        last_read_id: i64,
        now: chrono::NaiveDateTime,
    ) -> DbResult<Marker> {
        dispatch!(conn, c => diesel::insert_into(marker::table)
            .values((
                marker::local_user_id.eq(user),
                marker::timeline.eq(timeline),
                marker::last_read_id.eq(last_read_id),
                marker::version.eq(1),
                marker::updated_at.eq(now),
            ))
            .on_conflict((marker::local_user_id, marker::timeline))
            .do_update()
            .set((
                marker::last_read_id.eq(last_read_id),
                marker::version.eq(marker::version + 1),
                marker::updated_at.eq(now),
            ))
            .returning(Marker::as_returning())
            .get_result(c)
            .await)
        .map_err(Into::into)
    }
}
