//! The notifications page's read: a person's notifications newest first, those with the same
//! `group_key` as one entry (its newest, with how many there are), with the actor who caused
//! the newest and the post it is about.

use diesel::dsl::{count_star, max};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use crate::db::models::actor::{Actor, ActorId};
use crate::db::models::notification::Notification;
use crate::db::models::post::Post;
use crate::db::schema::{actor, notification, post};
use crate::db::{DbConn, DbResult};
use crate::dispatch;

/// One entry of the page: the newest notification of a group.
#[derive(Debug, Clone)]
pub struct NotificationEntry {
    pub newest: Notification,
    /// How many notifications the group holds (1 for kinds that are not grouped).
    pub count: i64,
    /// Who caused the newest.
    pub from: Option<Actor>,
    pub post: Option<Post>,
}

impl NotificationEntry {
    /// Up to `limit` entries of `recipient` whose newest notification is older than `before`
    /// (the previous page's last entry), newest first: the groups from
    /// `notification_group_idx`, then their newest rows with actor and post. Those from actors
    /// the recipient screened out are left out (`db::views::screen`).
    pub async fn page(
        conn: &mut DbConn,
        recipient: ActorId,
        before: Option<i64>,
        limit: i64,
    ) -> DbResult<Vec<NotificationEntry>> {
        let before = before.unwrap_or(i64::MAX);
        let groups: Vec<(Option<i64>, i64)> = dispatch!(conn, c => super::screen::screen_notifications!(
                notification::table.filter(notification::recipient_id.eq(recipient)),
                recipient,
                crate::db::now()
            )
            .group_by(notification::group_key)
            .having(max(notification::id).lt(before))
            .select((max(notification::id), count_star()))
            .order(max(notification::id).desc())
            .limit(limit)
            .load(c)
            .await)?;
        let ids: Vec<i64> = groups.iter().filter_map(|(id, _)| *id).collect();
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let rows: Vec<(Notification, Option<Actor>, Option<Post>)> = dispatch!(conn, c => notification::table
            .left_join(actor::table.on(notification::from_actor_id.eq(actor::id.nullable())))
            .left_join(post::table)
            .filter(notification::id.eq_any(ids.clone()))
            .select((Notification::as_select(), Option::<Actor>::as_select(), Option::<Post>::as_select()))
            .load(c)
            .await)?;
        let mut by_id: std::collections::HashMap<i64, (Notification, Option<Actor>, Option<Post>)> =
            rows.into_iter().map(|r| (r.0.id, r)).collect();
        Ok(groups
            .into_iter()
            .filter_map(|(id, count)| {
                let (newest, from, post) = by_id.remove(&id?)?;
                Some(NotificationEntry { newest, count, from, post })
            })
            .collect())
    }
}
