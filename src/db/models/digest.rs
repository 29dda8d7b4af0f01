//! `digest`: up to when a person's digests of a period (daily, weekly) covered what happened.

use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use super::local_user::{LocalUserId, Status};
use crate::db::schema::{digest, local_user, notification, notification_preference};
use crate::db::{DbConn, DbResult};
use crate::dispatch;

pub struct Digest;

impl Digest {
    pub async fn covered_until(
        conn: &mut DbConn,
        user: LocalUserId,
        period: &str,
    ) -> DbResult<Option<chrono::NaiveDateTime>> {
        dispatch!(conn, c => digest::table
            .filter(digest::local_user_id.eq(user))
            .filter(digest::period.eq(period))
            .select(digest::covered_until)
            .first(c)
            .await
            .optional())
        .map_err(Into::into)
    }

    /// Records that the period's digests now cover everything up to `until`.
    pub async fn cover(
        conn: &mut DbConn,
        user: LocalUserId,
        period: &str,
        until: chrono::NaiveDateTime,
    ) -> DbResult<()> {
        dispatch!(conn, c => diesel::insert_into(digest::table)
            .values((digest::local_user_id.eq(user), digest::period.eq(period), digest::covered_until.eq(until)))
            .on_conflict((digest::local_user_id, digest::period))
            .do_update()
            .set(digest::covered_until.eq(until))
            .execute(c)
            .await)?;
        Ok(())
    }

    /// Who gets a digest of `period`: active people whose digest preference (`digest_kind`) is
    /// that period (or who kept the default, when it is), and everyone with notifications they
    /// chose to hear of in that period's digest since `since`.
    pub async fn recipients(
        conn: &mut DbConn,
        period: &str,
        digest_kind: &str,
        default: &str,
        since: chrono::NaiveDateTime,
    ) -> DbResult<Vec<LocalUserId>> {
        let mut users: Vec<LocalUserId> = if period == default {
            // Everyone but those who chose another channel for the digest.
            let other = notification_preference::table
                .filter(notification_preference::local_user_id.eq(local_user::id))
                .filter(notification_preference::kind.eq(digest_kind.to_string()))
                .filter(notification_preference::scope.eq(""))
                .filter(notification_preference::channel.ne(period.to_string()));
            dispatch!(conn, c => local_user::table
                .filter(local_user::status.eq(Status::Active.as_str()))
                .filter(diesel::dsl::not(diesel::dsl::exists(other)))
                .select(local_user::id)
                .load(c)
                .await)?
        } else {
            dispatch!(conn, c => local_user::table
                .inner_join(notification_preference::table)
                .filter(local_user::status.eq(Status::Active.as_str()))
                .filter(notification_preference::kind.eq(digest_kind.to_string()))
                .filter(notification_preference::scope.eq(""))
                .filter(notification_preference::channel.eq(period.to_string()))
                .select(local_user::id)
                .load(c)
                .await)?
        };
        let with_notifications: Vec<LocalUserId> = dispatch!(conn, c => notification::table
            .inner_join(local_user::table.on(local_user::actor_id.eq(notification::recipient_id)))
            .filter(notification::channel.eq(period.to_string()))
            .filter(notification::created_at.gt(since))
            .filter(local_user::status.eq(Status::Active.as_str()))
            .select(local_user::id)
            .distinct()
            .load(c)
            .await)?;
        users.extend(with_notifications);
        users.sort_by_key(|u| u.0);
        users.dedup();
        Ok(users)
    }
}
