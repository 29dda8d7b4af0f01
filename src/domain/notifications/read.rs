//! A person's own notifications: which they see (the kinds an app asks for, only about posts
//! they may see), reading them in pages or grouped, dismissing one or a group, clearing all,
//! and how many are unread after their `notifications` marker.

use super::kinds::{KINDS, Kind};
use crate::db::DbPool;
use crate::db::models::actor::ActorId;
use crate::db::models::local_user::Account;
use crate::db::models::marker::Marker;
use crate::db::models::notification::Notification;
use crate::db::views::notifications::{
    GroupPage, GroupView, NotificationFilter, NotificationView, PageRange, count_after,
};
use crate::db::{DbConn, DbResult};
use crate::domain::visibility::{self, Viewer};
use crate::domain::{DomainError, DomainResult};

/// The kinds shown to an app that asked for Mastodon's `types` (none: all) minus
/// `exclude_types`. Kinds without a Mastodon type are never shown to Mastodon's API; its
/// `mention` covers Buurt's mentions and replies. Unknown types match nothing.
pub fn mastodon_kinds(types: &[String], exclude: &[String]) -> Vec<&'static str> {
    let asked = |k: &Kind| match k.mastodon {
        None => false,
        Some(t) => (types.is_empty() || types.iter().any(|x| x == t)) && !exclude.iter().any(|x| x == t),
    };
    KINDS.iter().copied().filter(|k| asked(k)).map(|k| k.name).collect()
}

/// Whether the recipient may see what the notification is about: a post they may no longer
/// see (deleted, or followers-only after they stopped following) hides the notification.
async fn shown(conn: &mut DbConn, me: ActorId, view: &NotificationView) -> DomainResult<bool> {
    match (view.notification.post_id, &view.post) {
        (None, _) => Ok(true),
        (Some(_), None) => Ok(false),
        (Some(_), Some(post)) => visibility::can_see(conn, Viewer::Actor(me), &post.post).await,
    }
}

/// A page of the recipient's notifications, newest first, with the ids the page spans before
/// hiding any (so that paging goes on past a hidden one).
pub struct Page {
    pub items: Vec<NotificationView>,
    pub newest: Option<i64>,
    pub oldest: Option<i64>,
}

pub async fn page(
    conn: &mut DbConn,
    me: ActorId,
    filter: &NotificationFilter,
    range: &PageRange,
) -> DomainResult<Page> {
    let rows = NotificationView::page(conn, me, filter, range).await?;
    let (newest, oldest) = (rows.first().map(|v| v.notification.id), rows.last().map(|v| v.notification.id));
    let mut items = Vec::with_capacity(rows.len());
    for view in rows {
        if shown(conn, me, &view).await? {
            items.push(view);
        }
    }
    Ok(Page { items, newest, oldest })
}

/// One of the recipient's notifications; `NotFound` for another person's, one that does not
/// exist, or one about a post they may not see.
pub async fn one(conn: &mut DbConn, me: ActorId, id: i64) -> DomainResult<NotificationView> {
    let view = NotificationView::one(conn, me, id).await?.ok_or(DomainError::NotFound)?;
    if shown(conn, me, &view).await? { Ok(view) } else { Err(DomainError::NotFound) }
}

/// A page of groups (see [`GroupView::page`]), without those about a post the recipient may
/// not see; the bounds are those of the whole page.
pub async fn groups(
    conn: &mut DbConn,
    me: ActorId,
    filter: &NotificationFilter,
    range: &PageRange,
) -> DomainResult<GroupPage> {
    let mut page = GroupView::page(conn, me, filter, range).await?;
    let mut kept = Vec::with_capacity(page.groups.len());
    for group in page.groups {
        if shown(conn, me, &group.latest).await? {
            kept.push(group);
        }
    }
    page.groups = kept;
    Ok(page)
}

/// One group of the recipient's; `NotFound` as for [`one`].
pub async fn group(conn: &mut DbConn, me: ActorId, filter: &NotificationFilter, key: &str) -> DomainResult<GroupView> {
    let group = GroupView::one(conn, me, filter, key).await?.ok_or(DomainError::NotFound)?;
    if shown(conn, me, &group.latest).await? { Ok(group) } else { Err(DomainError::NotFound) }
}

/// How many notifications (or, `grouped`, groups) of the filter came after the person's
/// `notifications` marker, counted up to `cap`.
pub async fn unread(
    conn: &mut DbConn,
    account: &Account,
    filter: &NotificationFilter,
    grouped: bool,
    cap: i64,
) -> DbResult<i64> {
    let after = Marker::last_read(conn, account.user.id, "notifications").await?;
    if grouped {
        GroupView::count_after(conn, account.actor.id, filter, after, cap).await
    } else {
        count_after(conn, account.actor.id, filter, after, cap).await
    }
}

/// Dismisses one of the person's notifications; `NotFound` when it is not theirs.
pub async fn dismiss(pool: &DbPool, me: ActorId, id: i64) -> DomainResult<()> {
    let mut conn = pool.write().await?;
    if Notification::delete(&mut conn, me, id).await? { Ok(()) } else { Err(DomainError::NotFound) }
}

/// Dismisses every notification of one of the person's groups; `NotFound` when they have none
/// with that key.
pub async fn dismiss_group(pool: &DbPool, me: ActorId, key: &str) -> DomainResult<()> {
    let mut conn = pool.write().await?;
    if Notification::delete_group(&mut conn, me, key).await? > 0 { Ok(()) } else { Err(DomainError::NotFound) }
}

/// Clears all of the person's notifications.
pub async fn clear(pool: &DbPool, me: ActorId) -> DomainResult<usize> {
    let mut conn = pool.write().await?;
    Ok(Notification::clear(&mut conn, me).await?)
}
