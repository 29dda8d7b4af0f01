//! Reading one's notifications: the page of entries, the unread count and "mark all as read".
//! Only ever the signed-in person's own: every function takes their account.

use crate::db::models::local_user::Account;
use crate::db::models::marker::Marker;
use crate::db::models::notification::Notification;
use crate::db::views::notification_page::NotificationEntry;
use crate::db::{DbConn, now};
use crate::domain::DomainResult;
use crate::state::AppState;

/// The timeline name of the notifications marker.
pub const TIMELINE: &str = "notifications";

/// Entries per page.
pub const PAGE_SIZE: i64 = 20;

/// A page of a person's notifications.
#[derive(Debug)]
pub struct Page {
    pub entries: Vec<NotificationEntry>,
    /// Up to where the person has read: entries whose newest id is above it are unread.
    pub last_read: i64,
    /// Where the next page starts, when there is one.
    pub next_before: Option<i64>,
}

/// The person's entries older than `before`, newest first.
pub async fn page(state: &AppState, account: &Account, before: Option<i64>) -> DomainResult<Page> {
    let mut conn = state.pool.get().await?;
    let last_read = Marker::last_read(&mut conn, account.user.id, TIMELINE).await?;
    let mut entries = NotificationEntry::page(&mut conn, account.actor.id, before, PAGE_SIZE + 1).await?;
    let next_before = if entries.len() as i64 > PAGE_SIZE {
        entries.truncate(PAGE_SIZE as usize);
        entries.last().map(|e| e.newest.id)
    } else {
        None
    };
    Ok(Page { entries, last_read, next_before })
}

/// How many of a person's notifications they have not read (one indexed query).
pub async fn unread_count(conn: &mut DbConn, account: &Account) -> DomainResult<i64> {
    Ok(Notification::unread(conn, account.actor.id, account.user.id).await?)
}

/// Marks the person's notifications read up to `up_to` (the newest they were shown, so one
/// that arrived since stays unread), never beyond their own newest nor back before where they
/// had read.
pub async fn mark_read(state: &AppState, account: &Account, up_to: i64) -> DomainResult<()> {
    let mut tx = state.pool.begin().await?;
    let newest = Notification::newest_id(&mut tx, account.actor.id).await?;
    let read = Marker::last_read(&mut tx, account.user.id, TIMELINE).await?;
    let to = up_to.min(newest);
    if to > read {
        Marker::set(&mut tx, account.user.id, TIMELINE, to, now()).await?;
    }
    tx.commit().await?;
    Ok(())
}
