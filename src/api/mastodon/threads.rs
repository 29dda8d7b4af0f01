//! A status's thread and who reacted to it: `statuses/:id/context`, `favourited_by` and
//! `reblogged_by`. A status the caller may not see answers 404, as one that does not exist.

use axum::extract::{Path, Query, State};
use axum::http::header::LINK;
use serde::Deserialize;
use serde_json::json;

use super::{clamp_limit, entities, link_header};
use crate::api::{ApiError, ApiResult, MaybeCaller, json};
use crate::db::models::post::{PostId, PostView, Reaction};
use crate::db::views::reactors::{ReactorPage, reactors};
use crate::domain::posts::thread;
use crate::domain::visibility::{self, Viewer};
use crate::state::AppState;

fn post_id(id: &str) -> ApiResult<PostId> {
    id.parse::<i64>().map(PostId).map_err(|_| ApiError::not_found())
}

/// `GET /api/v1/statuses/:id/context`: the statuses above (oldest first) and below (depth
/// first) that the caller may see.
pub async fn context(State(state): State<AppState>, caller: MaybeCaller, Path(id): Path<String>) -> ApiResult {
    let me = caller.viewer("read:statuses")?;
    let id = post_id(&id)?;
    let mut conn = state.pool.get().await?;
    let thread = thread::read(&mut conn, Viewer::of(me.map(|m| m.actor.id)), id).await?;
    let above = thread.ancestors.len();
    let views: Vec<PostView> =
        thread.ancestors.into_iter().chain(thread.descendants.into_iter().map(|r| r.view)).collect();
    let mut statuses = entities::statuses(&state, &mut conn, &views, me).await?;
    let descendants = statuses.split_off(above);
    Ok(json(&json!({ "ancestors": statuses, "descendants": descendants })))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ReactorQuery {
    max_id: Option<String>,
    since_id: Option<String>,
    min_id: Option<String>,
    limit: Option<i64>,
}

/// `GET /api/v1/statuses/:id/favourited_by`: who liked it, newest first.
pub async fn favourited_by(
    State(state): State<AppState>,
    caller: MaybeCaller,
    Path(id): Path<String>,
    Query(q): Query<ReactorQuery>,
) -> ApiResult {
    reacted_by(&state, caller, &id, q, Reaction::Like, "favourited_by").await
}

/// `GET /api/v1/statuses/:id/reblogged_by`: who boosted it, newest first.
pub async fn reblogged_by(
    State(state): State<AppState>,
    caller: MaybeCaller,
    Path(id): Path<String>,
    Query(q): Query<ReactorQuery>,
) -> ApiResult {
    reacted_by(&state, caller, &id, q, Reaction::Announce, "reblogged_by").await
}

/// Accounts that reacted to a status the caller may see, paged by the reaction's id with a
/// `Link` header (the cursor is not an account id, so apps follow the header).
async fn reacted_by(
    state: &AppState,
    caller: MaybeCaller,
    id: &str,
    q: ReactorQuery,
    reaction: Reaction,
    what: &str,
) -> ApiResult {
    let me = caller.viewer("read:statuses")?;
    let id = post_id(id)?;
    let mut conn = state.pool.get().await?;
    visibility::visible_post(&mut conn, Viewer::of(me.map(|m| m.actor.id)), id).await?;
    let cursor = |v: &Option<String>| v.as_deref().and_then(|s| s.parse::<i64>().ok());
    let page = ReactorPage {
        max_id: cursor(&q.max_id),
        since_id: cursor(&q.since_id),
        min_id: cursor(&q.min_id),
        limit: clamp_limit(q.limit, 40, 80),
    };
    let rows = reactors(&mut conn, reaction, id, page).await?;
    let actors: Vec<_> = rows.iter().map(|(_, a)| a).collect();
    let accounts = entities::accounts(state, &mut conn, &actors).await?;
    let list: Vec<_> = rows.iter().filter_map(|(_, a)| accounts.get(&a.id).cloned()).collect();
    let cursors: Vec<i64> = rows.iter().map(|(c, _)| *c).collect();
    let path = format!("/api/v1/statuses/{}/{what}", id.0);
    let mut response = json(&list);
    if let Some(link) = link_header(&state.base_url, &path, &cursors, &format!("limit={}", page.limit)) {
        response.headers_mut().insert(LINK, link);
    }
    Ok(response)
}
