//! `notification`: what concerns a local person (a mention, a like, a new follower, …). Read
//! state is not kept per row: the person's `notifications` marker says up to where they read.

use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use super::actor::ActorId;
use super::local_user::LocalUserId;
use super::post::PostId;
use crate::db::schema::{local_user, marker, notification};
use crate::db::{DbConn, DbResult};
use crate::dispatch;

diesel::define_sql_function! {
    /// SQL's `COALESCE` of a nullable id and a default.
    fn coalesce(x: diesel::sql_types::Nullable<diesel::sql_types::BigInt>, y: diesel::sql_types::BigInt) -> diesel::sql_types::BigInt;
}

#[derive(Debug, Clone, Queryable, QueryableByName, Selectable, serde::Serialize)]
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

/// One notification [`Notification::insert_for`] wrote.
#[derive(Debug, Clone, QueryableByName)]
pub struct Written {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    pub id: i64,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    pub recipient_id: ActorId,
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub channel: String,
}

impl Written {
    /// The whole notification, from the form it was written with.
    pub fn notification(&self, form: &NotificationInsert) -> Notification {
        Notification {
            id: self.id,
            recipient_id: self.recipient_id,
            kind: form.kind.clone(),
            from_actor_id: form.from_actor_id,
            post_id: form.post_id,
            subject: form.subject.clone(),
            group_key: form.group_key.clone(),
            channel: self.channel.clone(),
            created_at: form.created_at,
        }
    }
}

/// Who a notification goes to, for [`Notification::insert_for`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    /// One local person (by their actor).
    One(ActorId),
    /// The local people whose follow of this actor was accepted (a group's members, a person's
    /// followers).
    FollowersOf(ActorId),
    /// Every admin and moderator.
    Staff,
    /// Every admin (appeals of moderation decisions).
    Admins,
}

impl Audience {
    /// The condition on `local_user u` for the audience, with its parameter as `$9`.
    fn condition(self) -> &'static str {
        match self {
            Audience::One(_) => " AND u.actor_id = $9",
            Audience::FollowersOf(_) => {
                " AND u.actor_id IN (SELECT f.follower_id FROM follow f WHERE f.target_id = $9 AND f.accepted)"
            }
            Audience::Staff => " AND u.role IN ('admin', 'moderator')",
            Audience::Admins => " AND u.role = 'admin'",
        }
    }

    fn actor(self) -> Option<ActorId> {
        match self {
            Audience::One(a) | Audience::FollowersOf(a) => Some(a),
            Audience::Staff | Audience::Admins => None,
        }
    }
}

/// The statement of [`Notification::insert_for`], bound the same way on both backends.
macro_rules! insert_for_query {
    ($audience:expr, $form:expr, $scope:expr, $returning:expr) => {{
        use diesel::sql_types::{BigInt, Nullable, Text, Timestamp};
        let sql =
            format!("{}{}{}", include_str!("notification.insert.sql").trim_end(), $audience.condition(), $returning);
        let mut query = diesel::sql_query(sql)
            .into_boxed()
            .bind::<Text, _>($form.kind.clone())
            .bind::<Nullable<BigInt>, _>($form.from_actor_id.map(|a| a.0))
            .bind::<Nullable<BigInt>, _>($form.post_id.map(|p| p.0))
            .bind::<Nullable<Text>, _>($form.subject.clone())
            .bind::<Text, _>($form.group_key.clone())
            .bind::<Text, _>($form.channel.clone())
            .bind::<Timestamp, _>($form.created_at)
            .bind::<Text, _>($scope);
        // Staff has no `$9`; a bind too many is an error on PostgreSQL.
        if let Some(actor) = $audience.actor() {
            query = query.bind::<BigInt, _>(actor.0);
        }
        query
    }};
}

impl Notification {
    /// A notification of `form` (its `recipient_id` ignored) for each person of `audience`,
    /// with each person's preferences applied (see `notification.insert.sql`): one statement.
    /// `form.channel` is the kind's default. Returns who got one, with the channel they chose.
    pub async fn insert_for(
        conn: &mut DbConn,
        audience: Audience,
        form: &NotificationInsert,
    ) -> DbResult<Vec<Written>> {
        let scope = form.subject.clone().unwrap_or_default();
        let returning = " RETURNING id, recipient_id, channel";
        dispatch!(conn, c => insert_for_query!(audience, form, scope.clone(), returning).load(c).await)
            .map_err(Into::into)
    }

    /// [`Notification::insert_for`] one person; the notification when one was written.
    pub async fn insert_one(
        conn: &mut DbConn,
        recipient: ActorId,
        form: &NotificationInsert,
    ) -> DbResult<Option<Notification>> {
        let scope = form.subject.clone().unwrap_or_default();
        let audience = Audience::One(recipient);
        let mut rows: Vec<Notification> =
            dispatch!(conn, c => insert_for_query!(audience, form, scope.clone(), " RETURNING *").load(c).await)?;
        Ok(rows.pop())
    }

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

    /// How many of the recipient's notifications are newer than their `notifications` marker:
    /// the marker read inside the count, one range scan of `notification_recipient_idx`.
    pub async fn unread(conn: &mut DbConn, recipient: ActorId, user: LocalUserId) -> DbResult<i64> {
        let read = marker::table
            .filter(marker::local_user_id.eq(user))
            .filter(marker::timeline.eq("notifications"))
            .select(marker::last_read_id)
            .single_value();
        dispatch!(conn, c => notification::table
            .filter(notification::recipient_id.eq(recipient))
            .filter(notification::id.gt(coalesce(read, 0_i64)))
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

    /// Removes the notifications of `kind` that `from` caused about `post` (a like taken back).
    pub async fn delete_about(conn: &mut DbConn, kind: &str, from: ActorId, post: PostId) -> DbResult<usize> {
        dispatch!(conn, c => diesel::delete(
            notification::table
                .filter(notification::post_id.eq(post))
                .filter(notification::kind.eq(kind))
                .filter(notification::from_actor_id.eq(from)),
        )
        .execute(c)
        .await)
        .map_err(Into::into)
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

    /// Removes notifications made before `before` that their recipient has read (at or below
    /// their `notifications` marker); unread ones stay whatever their age.
    pub async fn prune_read(conn: &mut DbConn, before: chrono::NaiveDateTime) -> DbResult<usize> {
        let read = marker::table
            .inner_join(local_user::table.on(local_user::id.eq(marker::local_user_id)))
            .filter(local_user::actor_id.eq(notification::recipient_id))
            .filter(marker::timeline.eq("notifications"))
            .filter(marker::last_read_id.ge(notification::id));
        dispatch!(conn, c => diesel::delete(
            notification::table
                .filter(notification::created_at.lt(before))
                .filter(diesel::dsl::exists(read)),
        )
        .execute(c)
        .await)
        .map_err(Into::into)
    }
}
