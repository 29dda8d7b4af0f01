//! Notifications, one by one (`/api/v1/notifications`): list with Mastodon's filters and
//! paging, read one, dismiss one, clear all, and the unread count after the `notifications`
//! marker. The grouped form is in `grouped_notifications`.

use std::collections::HashMap;

use axum::extract::{Path, State};
use axum::http::Uri;
use axum::http::header::LINK;
use serde::Deserialize;
use serde_json::{Value, json};

use super::{clamp_limit, entities, link_header};
use crate::api::{ApiError, ApiResult, Caller, json};
use crate::db::DbConn;
use crate::db::models::actor::{Actor, ActorId};
use crate::db::models::local_user::Account;
use crate::db::models::post::{PostId, PostView};
use crate::db::views::notifications::{NotificationFilter, NotificationView, PageRange};
use crate::domain::notifications::{kinds, read};
use crate::state::AppState;

/// Mastodon's default and largest page of notifications.
const DEFAULT_LIMIT: i64 = 40;
const MAX_LIMIT: i64 = 80;
/// The unread counts count up to `limit`: 100 unless asked, at most 1000.
const DEFAULT_COUNT_LIMIT: i64 = 100;
const MAX_COUNT_LIMIT: i64 = 1000;

/// The query of the notification lists and counts, v1 and v2. Arrays come as `types[]=a&types[]=b`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct NotificationsQuery {
    max_id: Option<String>,
    since_id: Option<String>,
    min_id: Option<String>,
    limit: Option<String>,
    #[serde(rename = "types[]", alias = "types")]
    types: Vec<String>,
    #[serde(rename = "exclude_types[]", alias = "exclude_types")]
    exclude_types: Vec<String>,
    account_id: Option<String>,
}

impl NotificationsQuery {
    /// Reads the query string; a value of the wrong type (a `limit` that is not a number) is
    /// refused with the reason.
    pub fn parse(uri: &Uri) -> ApiResult<NotificationsQuery> {
        let invalid = |e: String| {
            ApiError::invalid_body(axum::http::StatusCode::BAD_REQUEST, format!("Invalid query: {e}")).with_detail(e)
        };
        let q: NotificationsQuery =
            serde_html_form::from_str(uri.query().unwrap_or("")).map_err(|e| invalid(e.to_string()))?;
        if q.limit.as_deref().is_some_and(|l| !l.is_empty() && l.parse::<i64>().is_err()) {
            return Err(invalid("limit must be a number".into()));
        }
        Ok(q)
    }

    fn limit(&self) -> Option<i64> {
        self.limit.as_deref().and_then(|l| l.parse().ok())
    }

    /// The kinds and actor asked for. An `account_id` that is no account's id matches nothing.
    pub fn filter(&self) -> NotificationFilter {
        let mut filter =
            NotificationFilter { kinds: read::mastodon_kinds(&self.types, &self.exclude_types), from: None };
        if let Some(id) = self.account_id.as_deref().filter(|s| !s.is_empty()) {
            match id.parse::<i64>() {
                Ok(id) => filter.from = Some(ActorId(id)),
                Err(_) => filter.kinds.clear(),
            }
        }
        filter
    }

    pub fn range(&self, default: i64, max: i64) -> PageRange {
        let id = |v: &Option<String>| v.as_deref().and_then(|s| s.parse::<i64>().ok());
        PageRange {
            max_id: id(&self.max_id),
            since_id: id(&self.since_id),
            min_id: id(&self.min_id),
            limit: clamp_limit(self.limit(), default, max),
        }
    }

    pub fn count_limit(&self) -> i64 {
        clamp_limit(self.limit(), DEFAULT_COUNT_LIMIT, MAX_COUNT_LIMIT)
    }

    /// The parameters the `Link` header's pages keep (all but the cursors).
    pub fn kept(&self, limit: i64) -> String {
        let mut out = url::form_urlencoded::Serializer::new(String::new());
        out.append_pair("limit", &limit.to_string());
        for t in &self.types {
            out.append_pair("types[]", t);
        }
        for t in &self.exclude_types {
            out.append_pair("exclude_types[]", t);
        }
        if let Some(id) = &self.account_id {
            out.append_pair("account_id", id);
        }
        out.finish()
    }
}

/// Adds the `Link` header of a page that spans the ids from `newest` to `oldest`.
pub fn with_link(
    state: &AppState,
    mut response: axum::response::Response,
    path: &str,
    bounds: (Option<i64>, Option<i64>),
    kept: &str,
) -> axum::response::Response {
    if let (Some(newest), Some(oldest)) = bounds
        && let Some(link) = link_header(&state.base_url, path, &[newest, oldest], kept)
    {
        response.headers_mut().insert(LINK, link);
    }
    response
}

/// Group keys as apps see them. Ours may hold what does not belong in a URL path (a subject's
/// URL); those are sent hex-encoded behind `x-` (no kind's name starts so).
pub fn api_group_key(key: &str) -> String {
    if key.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.:".contains(&b)) && !key.starts_with("x-") {
        key.to_string()
    } else {
        format!("x-{}", crate::util::hex::hex(key.as_bytes()))
    }
}

/// The stored group key of one an app sent.
pub fn stored_group_key(key: &str) -> Option<String> {
    match key.strip_prefix("x-") {
        Some(hex) => String::from_utf8(crate::util::hex::unhex(hex)?).ok(),
        None => Some(key.to_string()),
    }
}

/// The Mastodon type of a stored kind (none for kinds Mastodon does not know).
pub fn mastodon_type(kind: &str) -> Option<&'static str> {
    kinds::kind(kind).and_then(|k| k.mastodon)
}

/// The Account and Status entities a set of notifications names, each rendered once.
pub struct Rendered {
    pub accounts: HashMap<ActorId, Value>,
    pub statuses: HashMap<PostId, Value>,
    /// The statuses in the order first named.
    pub status_list: Vec<Value>,
}

/// Renders the actors and (already visible) posts for `me`, in a few queries.
pub async fn render_parts(
    state: &AppState,
    conn: &mut DbConn,
    me: &Account,
    actors: &[&Actor],
    posts: &[&PostView],
) -> ApiResult<Rendered> {
    let accounts = entities::accounts(state, conn, actors).await?;
    let mut unique: Vec<PostView> = Vec::new();
    for p in posts {
        if !unique.iter().any(|u| u.post.id == p.post.id) {
            unique.push((*p).clone());
        }
    }
    let status_list = entities::statuses(state, conn, &unique, Some(me)).await?;
    let statuses = unique.iter().map(|v| v.post.id).zip(status_list.iter().cloned()).collect();
    Ok(Rendered { accounts, statuses, status_list })
}

/// The Notification entity, or nothing for a notification apps cannot show (a kind without a
/// Mastodon type, or no account that caused it).
fn entity(view: &NotificationView, parts: &Rendered) -> Option<Value> {
    let n = &view.notification;
    let kind = mastodon_type(&n.kind)?;
    let account = parts.accounts.get(&view.from.as_ref()?.id)?;
    let mut value = json!({
        "id": n.id.to_string(),
        "type": kind,
        "created_at": entities::time(n.created_at),
        "group_key": api_group_key(&n.group_key),
        "account": account,
    });
    if let Some(post) = &view.post {
        value["status"] = parts.statuses.get(&post.post.id)?.clone();
    }
    Some(value)
}

/// Notification entities of visible notifications, in order.
async fn entities_of(
    state: &AppState,
    conn: &mut DbConn,
    me: &Account,
    views: &[NotificationView],
) -> ApiResult<Vec<Value>> {
    let actors: Vec<&Actor> = views.iter().filter_map(|v| v.from.as_ref()).collect();
    let posts: Vec<&PostView> = views.iter().filter_map(|v| v.post.as_ref()).collect();
    let parts = render_parts(state, conn, me, &actors, &posts).await?;
    Ok(views.iter().filter_map(|v| entity(v, &parts)).collect())
}

fn notification_id(id: &str) -> ApiResult<i64> {
    id.parse::<i64>().map_err(|_| ApiError::not_found())
}

/// `GET /api/v1/notifications`: `types[]`, `exclude_types[]`, `account_id`, `max_id`,
/// `since_id`, `min_id`, `limit` (40, at most 80).
pub async fn list(State(state): State<AppState>, caller: Caller, uri: Uri) -> ApiResult {
    let me = caller.user("read:notifications")?;
    let q = NotificationsQuery::parse(&uri)?;
    let range = q.range(DEFAULT_LIMIT, MAX_LIMIT);
    let mut conn = state.pool.get().await?;
    let page = read::page(&mut conn, me.actor.id, &q.filter(), &range).await?;
    let values = entities_of(&state, &mut conn, me, &page.items).await?;
    let response = json(&values);
    Ok(with_link(&state, response, "/api/v1/notifications", (page.newest, page.oldest), &q.kept(range.limit)))
}

/// `GET /api/v1/notifications/:id`: one of mine (someone else's is not found).
pub async fn get(State(state): State<AppState>, caller: Caller, Path(id): Path<String>) -> ApiResult {
    let me = caller.user("read:notifications")?;
    let mut conn = state.pool.get().await?;
    let view = read::one(&mut conn, me.actor.id, notification_id(&id)?).await?;
    let value = entities_of(&state, &mut conn, me, &[view]).await?.pop().ok_or_else(ApiError::not_found)?;
    Ok(json(&value))
}

/// `POST /api/v1/notifications/:id/dismiss`.
pub async fn dismiss(State(state): State<AppState>, caller: Caller, Path(id): Path<String>) -> ApiResult {
    let me = caller.user("write:notifications")?;
    read::dismiss(&state.pool, me.actor.id, notification_id(&id)?).await?;
    Ok(json(&json!({})))
}

/// `POST /api/v1/notifications/clear`: all of mine.
pub async fn clear(State(state): State<AppState>, caller: Caller) -> ApiResult {
    let me = caller.user("write:notifications")?;
    read::clear(&state.pool, me.actor.id).await?;
    Ok(json(&json!({})))
}

/// `GET /api/v1/notifications/unread_count`: notifications after my `notifications` marker.
pub async fn unread_count(State(state): State<AppState>, caller: Caller, uri: Uri) -> ApiResult {
    let me = caller.user("read:notifications")?;
    let q = NotificationsQuery::parse(&uri)?;
    let mut conn = state.pool.get().await?;
    let count = read::unread(&mut conn, me, &q.filter(), false, q.count_limit()).await?;
    Ok(json(&json!({"count": count})))
}

/// The payload of the streaming API's `notification` event for a new notification: the
/// Notification entity as its recipient's apps see it (`None` when they would not be shown
/// it). The streaming API (the client-API issue) sends it to the recipient's `user` and
/// `user:notification` streams after the transaction that wrote the notification commits.
pub async fn streaming_payload(state: &AppState, recipient: &Account, id: i64) -> ApiResult<Option<Value>> {
    let mut conn = state.pool.get().await?;
    let view = match read::one(&mut conn, recipient.actor.id, id).await {
        Ok(view) => view,
        Err(crate::domain::DomainError::NotFound) => return Ok(None),
        Err(e) => return Err(e.into()),
    };
    Ok(entities_of(state, &mut conn, recipient, &[view]).await?.pop())
}
