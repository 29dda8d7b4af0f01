//! `notification`: what concerns a local person (a mention, a like, a new follower, …). Read
//! state is not kept per row: the person's `notifications` marker says up to where they read.

use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use super::actor::ActorId;
use super::post::PostId;
use crate::db::schema::notification;
use crate::db::{DbConn, DbResult};
use crate::dispatch;

#[derive(Debug, Clone, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = notification)]
pub struct Notification {
    pub id: i64,
    pub recipient_id: ActorId,
    pub kind: String,
    pub from_actor_id: Option<ActorId>,
    pub post_id: Option<PostId>,
    pub subject: Option<String>,
    pub group_key: String,
    pub channel: String,
    pub created_at: chrono::NaiveDateTime,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = notification)]
pub struct NotificationInsert {
    pub recipient_id: ActorId,
    pub kind: String,
    pub from_actor_id: Option<ActorId>,
    pub post_id: Option<PostId>,
    pub subject: Option<String>,
    pub group_key: String,
    pub channel: String,
    pub created_at: chrono::NaiveDateTime,
}

impl Notification {
    pub async fn insert(conn: &mut DbConn, form: &NotificationInsert) -> DbResult<Notification> {
        dispatch!(conn, c => diesel::insert_into(notification::table)
            .values(form)
            .returning(Notification::as_returning())
            .get_result(c)
            .await)
        .map_err(Into::into)
    }

    pub async fn by_id(conn: &mut DbConn, id: i64) -> DbResult<Option<Notification>> {
        dispatch!(conn, c => notification::table.find(id).select(Notification::as_select()).first(c).await.optional())
            .map_err(Into::into)
    }

    /// The recipient's notifications of a channel written in (`since`, `until`], newest first:
    /// what a digest covers.
    pub async fn of_channel_between(
        conn: &mut DbConn,
        recipient: ActorId,
        channel: &str,
        since: chrono::NaiveDateTime,
        until: chrono::NaiveDateTime,
    ) -> DbResult<Vec<Notification>> {
        dispatch!(conn, c => notification::table
            .filter(notification::recipient_id.eq(recipient))
            .filter(notification::channel.eq(channel))
            .filter(notification::created_at.gt(since))
            .filter(notification::created_at.le(until))
            .order(notification::id.desc())
            .select(Notification::as_select())
            .load(c)
            .await)
        .map_err(Into::into)
    }

    /// One of the recipient's notifications (`None` for someone else's).
    pub async fn of(conn: &mut DbConn, recipient: ActorId, id: i64) -> DbResult<Option<Notification>> {
        dispatch!(conn, c => notification::table
            .filter(notification::id.eq(id))
            .filter(notification::recipient_id.eq(recipient))
            .select(Notification::as_select())
            .first(c)
            .await
            .optional())
        .map_err(Into::into)
    }

    /// How many of the recipient's notifications are newer than `after` (their marker): one
    /// range scan of `notification_recipient_idx`.
    pub async fn count_after(conn: &mut DbConn, recipient: ActorId, after: i64, kinds: &[&str]) -> DbResult<i64> {
        dispatch!(conn, c => notification::table
            .filter(notification::recipient_id.eq(recipient))
            .filter(notification::id.gt(after))
            .filter(notification::kind.eq_any(kinds))
            .count()
            .get_result(c)
            .await)
        .map_err(Into::into)
    }

    /// The recipient's newest notification id (0 when there is none).
    pub async fn newest_id(conn: &mut DbConn, recipient: ActorId) -> DbResult<i64> {
        let newest: Option<i64> = dispatch!(conn, c => notification::table
            .filter(notification::recipient_id.eq(recipient))
            .select(diesel::dsl::max(notification::id))
            .first(c)
            .await)?;
        Ok(newest.unwrap_or(0))
    }

    /// Dismisses one notification; false when it is not the recipient's.
    pub async fn delete(conn: &mut DbConn, recipient: ActorId, id: i64) -> DbResult<bool> {
        let n = dispatch!(conn, c => diesel::delete(
            notification::table.filter(notification::id.eq(id)).filter(notification::recipient_id.eq(recipient)),
        )
        .execute(c)
        .await)?;
        Ok(n > 0)
    }

    /// Dismisses every notification of a group (`group_key`).
    pub async fn delete_group(conn: &mut DbConn, recipient: ActorId, group_key: &str) -> DbResult<usize> {
        dispatch!(conn, c => diesel::delete(
            notification::table
                .filter(notification::recipient_id.eq(recipient))
                .filter(notification::group_key.eq(group_key)),
        )
        .execute(c)
        .await)
        .map_err(Into::into)
    }

    /// Clears all of the recipient's notifications.
    pub async fn clear(conn: &mut DbConn, recipient: ActorId) -> DbResult<usize> {
        dispatch!(conn, c => diesel::delete(notification::table.filter(notification::recipient_id.eq(recipient)))
            .execute(c)
            .await)
        .map_err(Into::into)
    }
}
