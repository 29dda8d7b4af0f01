//! A group's discussions in Buurt's API: its threads, starting one, and what its moderators do
//! (pin, lock, remove). Replies are statuses of the client API (`in_reply_to_id`), which keep
//! the group's posting rule and lock. Each handler calls one operation of
//! `domain::groups::discussions`; who may do what is decided there.

use axum::extract::{Path, State};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::errors::ErrorBody;
use crate::api::{ApiError, ApiResult, Caller, Input, MaybeCaller, json};
use crate::db::models::post::{Post, PostId};
use crate::db::views::discussions::ThreadRow;
use crate::domain::groups::discussions::{self, NewThread};
use crate::domain::groups::{self, Group};
use crate::state::AppState;

/// Threads listed at most.
const THREADS_LISTED: i64 = 50;

/// A thread of a group.
#[derive(Debug, Serialize, ToSchema)]
pub struct Thread {
    /// The status id of its first post (as in the client API: replies via `statuses/:id/context`).
    pub id: String,
    pub url: String,
    pub title: String,
    /// Sanitized HTML.
    pub content: String,
    /// `discussion` or `announcement`.
    pub kind: String,
    pub author_account_id: String,
    pub pinned: bool,
    pub locked: bool,
    pub replies_count: i64,
    pub created_at: String,
    pub edited_at: Option<String>,
}

impl Thread {
    fn of(post: &Post, replies: i64) -> Thread {
        let time = |t: chrono::NaiveDateTime| t.and_utc().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        Thread {
            id: post.id.0.to_string(),
            url: post.url.clone().unwrap_or_else(|| post.ap_id.clone()),
            title: post.name.clone().unwrap_or_default(),
            content: post.content.clone(),
            kind: if post.kind == "article" { "announcement" } else { "discussion" }.into(),
            author_account_id: post.author_id.0.to_string(),
            pinned: post.pinned_at.is_some(),
            locked: post.locked,
            replies_count: replies,
            created_at: time(post.published),
            edited_at: post.updated_at.map(time),
        }
    }
}

async fn local_group(state: &AppState, name: &str) -> ApiResult<Group> {
    let mut conn = state.pool.get().await?;
    groups::local(&mut conn, &state.settings, name).await?.ok_or(ApiError::not_found())
}

/// The threads of a group, pinned first, then newest first (at most 50).
#[utoipa::path(
    get,
    path = "/groups/{name}/threads",
    operation_id = "group_threads",
    tag = "discussions",
    params(("name" = String, Path, description = "The group's name")),
    responses(
        (status = 200, description = "The threads", body = [Thread]),
        (status = 403, description = "The group's discussions are for its members", body = ErrorBody),
        (status = 404, description = "No such group here", body = ErrorBody),
    ),
    security((), ("bearer" = ["read:statuses"])),
)]
pub async fn list(State(state): State<AppState>, caller: MaybeCaller, Path(name): Path<String>) -> ApiResult {
    let viewer = caller.viewer("read:statuses")?;
    let group = local_group(&state, &name).await?;
    let mut conn = state.pool.get().await?;
    let standing = groups::rights::Standing::of(&mut conn, group.actor.id, viewer).await?;
    if !groups::rights::sees_group(&group.profile, &standing) {
        return Err(ApiError::not_found());
    }
    let rows = discussions::threads(
        &mut conn,
        &group,
        &standing,
        crate::domain::visibility::Viewer::of(viewer.map(|v| v.actor.id)),
        THREADS_LISTED,
    )
    .await?;
    Ok(json(&rows.iter().map(|ThreadRow { post, replies, .. }| Thread::of(post, *replies)).collect::<Vec<_>>()))
}

/// A new thread.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct ThreadInput {
    pub title: String,
    /// Markdown.
    pub text: String,
    /// An announcement of the group (an `Article`): its moderators only.
    pub announcement: bool,
}

/// Starts a thread in a group (its posting rule decides who may).
#[utoipa::path(
    post,
    path = "/groups/{name}/threads",
    operation_id = "start_thread",
    tag = "discussions",
    params(("name" = String, Path, description = "The group's name")),
    request_body(content((ThreadInput = "application/json"), (ThreadInput = "application/x-www-form-urlencoded"))),
    responses(
        (status = 200, description = "The new thread", body = Thread),
        (status = 404, description = "No such group here", body = ErrorBody),
        (status = 422, description = "A field is wrong, or the caller may not write here; nothing was stored", body = ErrorBody),
    ),
    security(("bearer" = ["write:statuses"])),
)]
pub async fn start(
    State(state): State<AppState>,
    caller: Caller,
    Path(name): Path<String>,
    Input(input): Input<ThreadInput>,
) -> ApiResult {
    let me = caller.user("write:statuses")?;
    let group = local_group(&state, &name).await?;
    let new = NewThread { title: input.title, text: input.text, announcement: input.announcement };
    let post = discussions::start_thread(&state, me, &group, &new).await?;
    Ok(json(&Thread::of(&post, 0)))
}

/// What a moderator does with a thread: `pin`, `unpin`, `lock`, `unlock` or `remove` (also its
/// author).
#[utoipa::path(
    post,
    path = "/threads/{id}/{action}",
    operation_id = "moderate_thread",
    tag = "discussions",
    params(
        ("id" = String, Path, description = "The thread's status id"),
        ("action" = String, Path, description = "pin, unpin, lock, unlock or remove"),
    ),
    responses(
        (status = 200, description = "Done"),
        (status = 403, description = "The caller does not moderate the group", body = ErrorBody),
        (status = 404, description = "No such thread, or not one the caller may see", body = ErrorBody),
    ),
    security(("bearer" = ["write:statuses"])),
)]
pub async fn moderate(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, action)): Path<(String, String)>,
) -> ApiResult {
    let me = caller.user("write:statuses")?;
    let id = PostId(id.parse().map_err(|_| ApiError::not_found())?);
    match action.as_str() {
        "pin" => discussions::set_pinned(&state, me, id, true).await?,
        "unpin" => discussions::set_pinned(&state, me, id, false).await?,
        "lock" => discussions::set_locked(&state, me, id, true).await?,
        "unlock" => discussions::set_locked(&state, me, id, false).await?,
        "remove" => discussions::remove(&state, me, id).await?,
        _ => return Err(ApiError::not_found()),
    }
    Ok(json(&serde_json::json!({})))
}

pub fn api() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list, start)).routes(routes!(moderate))
}
