//! A person's notifications as lists show them: each with the actor who caused it and the post
//! it is about (with its author), filtered by kind and by actor and paged by Mastodon's rules;
//! and the grouped form ("3 neighbours liked your post"), one entry per `group_key`.
//!
//! Who may see the posts is not decided here: `domain::notifications::read` asks
//! `domain::visibility` about every post these rows carry.

use std::collections::HashMap;

use diesel::dsl::{count_star, max, min};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use crate::db::models::actor::{Actor, ActorId};
use crate::db::models::notification::Notification;
use crate::db::models::post::{PostId, PostView};
use crate::db::schema::{actor, notification, post};
use crate::db::{DbConn, DbResult};
use crate::dispatch;

/// How many accounts a group names (Mastodon's `sample_account_ids`).
pub const SAMPLE_ACCOUNTS: usize = 8;

/// Which of a person's notifications a list shows.
#[derive(Debug, Clone, Default)]
pub struct NotificationFilter {
    /// The kinds (stored names) to include; empty includes none.
    pub kinds: Vec<&'static str>,
    /// Only those caused by this actor (Mastodon's `account_id`).
    pub from: Option<ActorId>,
}

/// A page by Mastodon's rules: `max_id` and `since_id` are exclusive bounds; `min_id` returns
/// what comes right after it (still shown newest first).
#[derive(Debug, Clone, Copy, Default)]
pub struct PageRange {
    pub max_id: Option<i64>,
    pub since_id: Option<i64>,
    pub min_id: Option<i64>,
    pub limit: i64,
}

impl PageRange {
    fn ascending(&self) -> bool {
        self.min_id.is_some()
    }
    /// The exclusive lower bound.
    fn lower(&self) -> i64 {
        self.since_id.unwrap_or(0).max(self.min_id.unwrap_or(0))
    }
    /// The exclusive upper bound.
    fn upper(&self) -> i64 {
        self.max_id.unwrap_or(i64::MAX)
    }
}

/// A notification with whoever caused it and the post it is about.
#[derive(Debug, Clone)]
pub struct NotificationView {
    pub notification: Notification,
    pub from: Option<Actor>,
    pub post: Option<PostView>,
}

/// One group of notifications in a page of groups.
#[derive(Debug, Clone)]
pub struct GroupView {
    pub group_key: String,
    /// Every notification of the group (that the filter lets through).
    pub count: i64,
    /// The group's newest notification.
    pub most_recent_id: i64,
    /// The group's newest and oldest notification within the page.
    pub page_max_id: i64,
    pub page_min_id: i64,
    /// The group's newest notification within the page, with its actor and post.
    pub latest: NotificationView,
    /// The most recent actors of the group, newest first, at most [`SAMPLE_ACCOUNTS`].
    pub sample: Vec<Actor>,
}

/// A page of groups, and the ids that bound it (for the `Link` header): the page covers every
/// notification (of the filter) from `oldest` to `newest`.
#[derive(Debug, Clone, Default)]
pub struct GroupPage {
    pub groups: Vec<GroupView>,
    pub newest: Option<i64>,
    pub oldest: Option<i64>,
}

/// `notification` of `recipient`, of `filter`'s kinds and actor, less those from actors the
/// recipient screened out (blocks, blocked domains, mutes with notifications).
macro_rules! of_filter {
    ($query:expr, $recipient:expr, $filter:expr) => {{
        let query = $query
            .filter(notification::recipient_id.eq($recipient))
            .filter(notification::kind.eq_any(&$filter.kinds[..]));
        let mut query = super::screen::screen_notifications!(query, $recipient, crate::db::now());
        if let Some(from) = $filter.from {
            query = query.filter(notification::from_actor_id.eq(from));
        }
        query
    }};
}

impl NotificationView {
    /// A page of the recipient's notifications, newest first.
    pub async fn page(
        conn: &mut DbConn,
        recipient: ActorId,
        filter: &NotificationFilter,
        range: &PageRange,
    ) -> DbResult<Vec<NotificationView>> {
        let ascending = range.ascending();
        let mut rows: Vec<(Notification, Option<Actor>)> = dispatch!(conn, c => {
            let query = notification::table
                .left_join(actor::table.on(notification::from_actor_id.eq(actor::id.nullable())))
                .select((Notification::as_select(), Option::<Actor>::as_select()))
                .filter(notification::id.gt(range.lower()))
                .filter(notification::id.lt(range.upper()))
                .limit(range.limit)
                .into_boxed();
            let query = of_filter!(query, recipient, filter);
            let query = if ascending { query.order(notification::id.asc()) } else { query.order(notification::id.desc()) };
            query.load(c).await
        })?;
        if ascending {
            rows.reverse();
        }
        with_posts(conn, rows).await
    }

    /// One of the recipient's notifications (`None` for someone else's).
    pub async fn one(conn: &mut DbConn, recipient: ActorId, id: i64) -> DbResult<Option<NotificationView>> {
        let rows = by_ids(conn, recipient, &[id]).await?;
        Ok(rows.into_iter().next())
    }
}

/// The recipient's notifications with these ids, with their actors and posts, newest first.
async fn by_ids(conn: &mut DbConn, recipient: ActorId, ids: &[i64]) -> DbResult<Vec<NotificationView>> {
    let rows: Vec<(Notification, Option<Actor>)> = dispatch!(conn, c => notification::table
        .left_join(actor::table.on(notification::from_actor_id.eq(actor::id.nullable())))
        .filter(notification::recipient_id.eq(recipient))
        .filter(notification::id.eq_any(ids))
        .select((Notification::as_select(), Option::<Actor>::as_select()))
        .order(notification::id.desc())
        .load(c)
        .await)?;
    with_posts(conn, rows).await
}

/// Adds the posts (with their authors) the rows are about: one query for the page.
async fn with_posts(conn: &mut DbConn, rows: Vec<(Notification, Option<Actor>)>) -> DbResult<Vec<NotificationView>> {
    let mut ids: Vec<PostId> = rows.iter().filter_map(|(n, _)| n.post_id).collect();
    ids.sort_unstable_by_key(|id| id.0);
    ids.dedup();
    let mut posts: HashMap<PostId, PostView> = HashMap::new();
    if !ids.is_empty() {
        let views: Vec<PostView> = dispatch!(conn, c => post::table
            .inner_join(actor::table)
            .filter(post::id.eq_any(&ids))
            .select(PostView::as_select())
            .load(c)
            .await)?;
        posts.extend(views.into_iter().map(|v| (v.post.id, v)));
    }
    Ok(rows
        .into_iter()
        .map(|(notification, from)| {
            let post = notification.post_id.and_then(|id| posts.get(&id).cloned());
            NotificationView { notification, from, post }
        })
        .collect())
}

impl GroupView {
    /// A page of the recipient's notifications, one entry per group, ordered by each group's
    /// newest notification within the page. A page spans an interval of ids that holds only
    /// notifications of its groups: it ends where the last group begins. A group with older
    /// notifications further down shows again on a later page, with those (its `page_*_id`
    /// tell which), as on Mastodon.
    pub async fn page(
        conn: &mut DbConn,
        recipient: ActorId,
        filter: &NotificationFilter,
        range: &PageRange,
    ) -> DbResult<GroupPage> {
        let ascending = range.ascending();
        // Each group's newest and oldest notification in the range; the first `limit` groups by
        // their newest (or, paging forward from `min_id`, their oldest).
        let found: Vec<(String, Option<i64>, Option<i64>)> = dispatch!(conn, c => {
            let query = notification::table
                .filter(notification::id.gt(range.lower()))
                .filter(notification::id.lt(range.upper()))
                .group_by(notification::group_key)
                .select((notification::group_key, max(notification::id), min(notification::id)))
                .limit(range.limit)
                .into_boxed();
            let query = of_filter!(query, recipient, filter);
            let query = if ascending { query.order(min(notification::id).asc()) } else { query.order(max(notification::id).desc()) };
            query.load(c).await
        })?;
        if found.is_empty() {
            return Ok(GroupPage::default());
        }
        // Where the page ends: the last group's first notification in the direction of paging;
        // when fewer groups than asked for were found, the page holds the rest of the range.
        let full = found.len() as i64 >= range.limit;
        let (mut low, mut high) = (range.lower().saturating_add(1), range.upper().saturating_sub(1));
        if full && ascending {
            high = found.iter().filter_map(|(_, _, lo)| *lo).max().unwrap_or(high);
        } else if full {
            low = found.iter().filter_map(|(_, hi, _)| *hi).min().unwrap_or(low);
        }
        let keys: Vec<String> = found.into_iter().map(|(key, _, _)| key).collect();
        let bounds: Vec<(String, Option<i64>, Option<i64>)> = dispatch!(conn, c => {
            let query = notification::table
                .filter(notification::group_key.eq_any(&keys))
                .filter(notification::id.ge(low))
                .filter(notification::id.le(high))
                .group_by(notification::group_key)
                .select((notification::group_key, max(notification::id), min(notification::id)))
                .into_boxed();
            of_filter!(query, recipient, filter).load(c).await
        })?;
        let mut groups = Self::complete(conn, recipient, filter, &bounds).await?;
        groups.sort_unstable_by_key(|g| std::cmp::Reverse(g.page_max_id));
        let newest = groups.iter().map(|g| g.page_max_id).max();
        let oldest = groups.iter().map(|g| g.page_min_id).min();
        Ok(GroupPage { groups, newest, oldest })
    }

    /// One group of the recipient's (`None` when they have no notification with that key).
    pub async fn one(
        conn: &mut DbConn,
        recipient: ActorId,
        filter: &NotificationFilter,
        key: &str,
    ) -> DbResult<Option<GroupView>> {
        let bounds: Vec<(String, Option<i64>, Option<i64>)> = dispatch!(conn, c => {
            let query = notification::table
                .filter(notification::group_key.eq(key))
                .group_by(notification::group_key)
                .select((notification::group_key, max(notification::id), min(notification::id)))
                .into_boxed();
            of_filter!(query, recipient, filter).load(c).await
        })?;
        Ok(Self::complete(conn, recipient, filter, &bounds).await?.into_iter().next())
    }

    /// Groups from their keys and bounds in a page: their counts, newest notification, latest
    /// notification in the page and sample of actors, in a few queries for the whole page.
    async fn complete(
        conn: &mut DbConn,
        recipient: ActorId,
        filter: &NotificationFilter,
        bounds: &[(String, Option<i64>, Option<i64>)],
    ) -> DbResult<Vec<GroupView>> {
        let keys: Vec<&str> = bounds.iter().map(|(k, _, _)| k.as_str()).collect();
        if keys.is_empty() {
            return Ok(Vec::new());
        }
        let totals: Vec<(String, i64, Option<i64>)> = dispatch!(conn, c => {
            let query = notification::table
                .filter(notification::group_key.eq_any(&keys))
                .group_by(notification::group_key)
                .select((notification::group_key, count_star(), max(notification::id)))
                .into_boxed();
            of_filter!(query, recipient, filter).load(c).await
        })?;
        let totals: HashMap<String, (i64, i64)> =
            totals.into_iter().map(|(k, n, newest)| (k, (n, newest.unwrap_or(0)))).collect();
        // The actors of each group, newest first (one row per actor and group).
        let actors: Vec<(String, Option<ActorId>, Option<i64>)> = dispatch!(conn, c => {
            let query = notification::table
                .filter(notification::group_key.eq_any(&keys))
                .filter(notification::from_actor_id.is_not_null())
                .group_by((notification::group_key, notification::from_actor_id))
                .select((notification::group_key, notification::from_actor_id, max(notification::id)))
                .into_boxed();
            of_filter!(query, recipient, filter).order(max(notification::id).desc()).load(c).await
        })?;
        let mut samples: HashMap<&str, Vec<ActorId>> = HashMap::new();
        for (key, from, _) in &actors {
            let sample = samples.entry(key.as_str()).or_default();
            if let Some(from) = from
                && sample.len() < SAMPLE_ACCOUNTS
            {
                sample.push(*from);
            }
        }
        let mut wanted: Vec<ActorId> = samples.values().flatten().copied().collect();
        wanted.sort_unstable_by_key(|id| id.0);
        wanted.dedup();
        let found: Vec<Actor> = dispatch!(conn, c => actor::table
            .filter(actor::id.eq_any(&wanted))
            .select(Actor::as_select())
            .load(c)
            .await)?;
        let found: HashMap<ActorId, Actor> = found.into_iter().map(|a| (a.id, a)).collect();
        let latest_ids: Vec<i64> = bounds.iter().filter_map(|(_, hi, _)| *hi).collect();
        let latest: HashMap<String, NotificationView> = by_ids(conn, recipient, &latest_ids)
            .await?
            .into_iter()
            .map(|v| (v.notification.group_key.clone(), v))
            .collect();
        let mut out = Vec::with_capacity(bounds.len());
        for (key, hi, lo) in bounds {
            let (Some(hi), Some(lo), Some(latest)) = (hi, lo, latest.get(key)) else { continue };
            let (count, most_recent_id) = totals.get(key).copied().unwrap_or((1, *hi));
            let sample = samples
                .get(key.as_str())
                .map(|ids| ids.iter().filter_map(|id| found.get(id).cloned()).collect())
                .unwrap_or_default();
            out.push(GroupView {
                group_key: key.clone(),
                count,
                most_recent_id,
                page_max_id: *hi,
                page_min_id: *lo,
                latest: latest.clone(),
                sample,
            });
        }
        Ok(out)
    }

    /// How many groups have a notification newer than `after` (the person's marker), up to
    /// `cap`: Mastodon's grouped unread count.
    pub async fn count_after(
        conn: &mut DbConn,
        recipient: ActorId,
        filter: &NotificationFilter,
        after: i64,
        cap: i64,
    ) -> DbResult<i64> {
        let keys: Vec<String> = dispatch!(conn, c => {
            let query = notification::table
                .filter(notification::id.gt(after))
                .select(notification::group_key)
                .distinct()
                .limit(cap)
                .into_boxed();
            of_filter!(query, recipient, filter).load(c).await
        })?;
        Ok(keys.len() as i64)
    }
}

/// How many of the recipient's notifications (of the filter) are newer than `after`, up to
/// `cap`: one range scan of `notification_recipient_idx`.
pub async fn count_after(
    conn: &mut DbConn,
    recipient: ActorId,
    filter: &NotificationFilter,
    after: i64,
    cap: i64,
) -> DbResult<i64> {
    // Without an actor filter this is the model's count (the one the pages' badge uses).
    if filter.from.is_none() {
        let n = Notification::count_after(conn, recipient, after, &filter.kinds).await?;
        return Ok(n.min(cap));
    }
    let ids: Vec<i64> = dispatch!(conn, c => {
        let query = notification::table
            .filter(notification::id.gt(after))
            .select(notification::id)
            .limit(cap)
            .into_boxed();
        of_filter!(query, recipient, filter).load(c).await
    })?;
    Ok(ids.len() as i64)
}
