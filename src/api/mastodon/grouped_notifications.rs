//! Grouped notifications (`/api/v2/notifications`, Mastodon 4.3): one entry per group ("3
//! neighbours liked your post"), with the accounts and statuses they name listed once beside
//! them.

use axum::extract::{Path, State};
use axum::http::Uri;
use serde_json::{Value, json};

use super::entities;
use super::notifications::{
    NotificationsQuery, Rendered, api_group_key, mastodon_type, render_parts, stored_group_key, with_link,
};
use crate::api::{ApiError, ApiResult, Caller, json};
use crate::db::DbConn;
use crate::db::models::actor::Actor;
use crate::db::models::local_user::Account;
use crate::db::models::post::PostView;
use crate::db::views::notifications::{GroupView, NotificationFilter};
use crate::domain::notifications::read;
use crate::state::AppState;

/// Mastodon's default and largest page of groups.
const DEFAULT_LIMIT: i64 = 40;
const MAX_LIMIT: i64 = 80;

/// The NotificationGroup entity, or nothing for a group apps cannot show.
fn entity(group: &GroupView, parts: &Rendered, paged: bool) -> Option<Value> {
    let latest = &group.latest;
    let kind = mastodon_type(&latest.notification.kind)?;
    let sample: Vec<String> =
        group.sample.iter().filter(|a| parts.accounts.contains_key(&a.id)).map(|a| a.id.0.to_string()).collect();
    if sample.is_empty() {
        return None;
    }
    let mut value = json!({
        "group_key": api_group_key(&group.group_key),
        "notifications_count": group.count,
        "type": kind,
        "most_recent_notification_id": group.most_recent_id.to_string(),
        "sample_account_ids": sample,
    });
    if paged {
        value["page_min_id"] = json!(group.page_min_id.to_string());
        value["page_max_id"] = json!(group.page_max_id.to_string());
        value["latest_page_notification_at"] = json!(entities::time(latest.notification.created_at));
    }
    if let Some(post) = &latest.post {
        parts.statuses.get(&post.post.id)?;
        value["status_id"] = json!(post.post.id.0.to_string());
    }
    Some(value)
}

/// `GroupedNotificationsResults`: the groups, and the accounts and statuses they name.
async fn results(
    state: &AppState,
    conn: &mut DbConn,
    me: &Account,
    groups: &[GroupView],
    paged: bool,
) -> ApiResult<Value> {
    let actors: Vec<&Actor> = groups.iter().flat_map(|g| g.sample.iter()).collect();
    let posts: Vec<&PostView> = groups.iter().filter_map(|g| g.latest.post.as_ref()).collect();
    let parts = render_parts(state, conn, me, &actors, &posts).await?;
    let notification_groups: Vec<Value> = groups.iter().filter_map(|g| entity(g, &parts, paged)).collect();
    let mut accounts: Vec<&Value> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for actor in &actors {
        if seen.insert(actor.id)
            && let Some(account) = parts.accounts.get(&actor.id)
        {
            accounts.push(account);
        }
    }
    Ok(json!({
        "accounts": accounts,
        "statuses": parts.status_list,
        "notification_groups": notification_groups,
    }))
}

/// `GET /api/v2/notifications`: the v1 filters and paging, by group (40, at most 80 groups).
/// `grouped_types[]` and `expand_accounts` are accepted; every account is sent in full and
/// the kinds the registry groups are grouped.
pub async fn list(State(state): State<AppState>, caller: Caller, uri: Uri) -> ApiResult {
    let me = caller.user("read:notifications")?;
    let q = NotificationsQuery::parse(&uri)?;
    let range = q.range(DEFAULT_LIMIT, MAX_LIMIT);
    let mut conn = state.pool.get().await?;
    let page = read::groups(&mut conn, me.actor.id, &q.filter(), &range).await?;
    let body = results(&state, &mut conn, me, &page.groups, true).await?;
    Ok(with_link(&state, json(&body), "/api/v2/notifications", (page.newest, page.oldest), &q.kept(range.limit)))
}

fn group_key(key: &str) -> ApiResult<String> {
    stored_group_key(key).ok_or_else(ApiError::not_found)
}

/// Every kind Mastodon's API shows.
fn all_kinds() -> NotificationFilter {
    NotificationFilter { kinds: read::mastodon_kinds(&[], &[]), from: None }
}

/// `GET /api/v2/notifications/:group_key`: one of my groups.
pub async fn get(State(state): State<AppState>, caller: Caller, Path(key): Path<String>) -> ApiResult {
    let me = caller.user("read:notifications")?;
    let mut conn = state.pool.get().await?;
    let group = read::group(&mut conn, me.actor.id, &all_kinds(), &group_key(&key)?).await?;
    let body = results(&state, &mut conn, me, &[group], false).await?;
    if body["notification_groups"].as_array().is_none_or(|g| g.is_empty()) {
        return Err(ApiError::not_found());
    }
    Ok(json(&body))
}

/// `POST /api/v2/notifications/:group_key/dismiss`: every notification of one of my groups.
pub async fn dismiss(State(state): State<AppState>, caller: Caller, Path(key): Path<String>) -> ApiResult {
    let me = caller.user("write:notifications")?;
    read::dismiss_group(&state.pool, me.actor.id, &group_key(&key)?).await?;
    Ok(json(&json!({})))
}

/// `GET /api/v2/notifications/unread_count`: groups with a notification after my
/// `notifications` marker.
pub async fn unread_count(State(state): State<AppState>, caller: Caller, uri: Uri) -> ApiResult {
    let me = caller.user("read:notifications")?;
    let q = NotificationsQuery::parse(&uri)?;
    let mut conn = state.pool.get().await?;
    let count = read::unread(&mut conn, me, &q.filter(), true, q.count_limit()).await?;
    Ok(json(&json!({"count": count})))
}
