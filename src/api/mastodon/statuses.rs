//! Statuses and timelines.

use axum::extract::{Path, Query, State};
use serde::Deserialize;

use super::accounts::{PageQuery, status_page};
use super::entities;
use crate::api::{ApiError, ApiResult, Caller, Input, MaybeCaller, json};
use crate::db::models::local_user::Account;
use crate::db::models::media::MediaId;
use crate::db::models::post::{PostId, Reaction, Shown};
use crate::domain::posts::{self, NewPost};
use crate::domain::visibility::{self, Viewer};
use crate::state::AppState;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct StatusForm {
    status: String,
    visibility: String,
    spoiler_text: String,
    #[serde(deserialize_with = "crate::api::lenient_bool")]
    sensitive: Option<bool>,
    language: Option<String>,
    in_reply_to_id: Option<String>,
    #[serde(rename = "media_ids[]", alias = "media_ids")]
    media_ids: Vec<String>,
}

/// Media ids as sent; an id that is not a number is unknown.
fn media_ids(ids: &[String]) -> ApiResult<Vec<MediaId>> {
    ids.iter()
        .filter(|s| !s.is_empty())
        .map(|s| {
            s.parse::<i64>().map(MediaId).map_err(|_| {
                ApiError::invalid_field(
                    "media_ids",
                    "error-media-unknown",
                    "Validation failed: media_ids: unknown media",
                )
            })
        })
        .collect()
}

fn post_id(id: &str) -> ApiResult<PostId> {
    id.parse::<i64>().map(PostId).map_err(|_| ApiError::not_found())
}

/// A post as a status, when `viewer` may see it (else 404, as for a post that does not exist).
async fn render(state: &AppState, id: PostId, viewer: Option<&Account>) -> ApiResult {
    let mut conn = state.pool.get().await?;
    let view = visibility::visible_post(&mut conn, Viewer::of(viewer.map(|v| v.actor.id)), id).await?;
    let mut list = entities::statuses(state, &mut conn, &[view], viewer).await?;
    Ok(json(&list.pop()))
}

pub async fn create(
    State(state): State<AppState>,
    client: crate::limits::ClientAddr,
    caller: Caller,
    Input(form): Input<StatusForm>,
) -> ApiResult {
    let me = caller.user("write:statuses")?;
    let allowance = state.limits.check_post(&client, me)?;
    let in_reply_to = match form.in_reply_to_id.as_deref().filter(|s| !s.is_empty()) {
        Some(id) => Some(post_id(id)?),
        None => None,
    };
    let language = form.language.filter(|l| !l.is_empty() && l.len() <= 16);
    let new = NewPost {
        text: form.status,
        visibility: form.visibility,
        spoiler_text: form.spoiler_text,
        sensitive: form.sensitive.unwrap_or(false),
        language,
        in_reply_to,
        media_ids: media_ids(&form.media_ids)?,
    };
    let post = posts::create_post(&state, me, &new).await?;
    render(&state, post.id, Some(me)).await.map(|r| crate::api::with_allowance(r, &allowance))
}

pub async fn get(State(state): State<AppState>, caller: MaybeCaller, Path(id): Path<String>) -> ApiResult {
    let viewer = caller.viewer("read:statuses")?;
    render(&state, post_id(&id)?, viewer).await
}

pub async fn delete(State(state): State<AppState>, caller: Caller, Path(id): Path<String>) -> ApiResult {
    let me = caller.user("write:statuses")?;
    let id = post_id(&id)?;
    // Mastodon answers with the deleted status (its text, for "delete and redraft").
    let before = render(&state, id, Some(me)).await?;
    posts::delete(&state, me, id).await?;
    Ok(before)
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct EditForm {
    status: String,
    spoiler_text: String,
    /// Absent: the photos stay as they are.
    #[serde(rename = "media_ids[]", alias = "media_ids")]
    media_ids: Option<Vec<String>>,
}

pub async fn edit(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Input(form): Input<EditForm>,
) -> ApiResult {
    let me = caller.user("write:statuses")?;
    let ids = form.media_ids.as_deref().map(media_ids).transpose()?;
    let post = posts::edit(&state, me, post_id(&id)?, &form.status, &form.spoiler_text, ids.as_deref()).await?;
    render(&state, post.id, Some(me)).await
}

async fn react(state: AppState, caller: Caller, id: String, reaction: Reaction, on: bool) -> ApiResult {
    let me = caller.user(if reaction == Reaction::Like { "write:favourites" } else { "write:statuses" })?;
    let id = post_id(&id)?;
    crate::domain::reactions::react(&state, me, id, reaction, on).await?;
    render(&state, id, Some(me)).await
}

pub async fn favourite(State(state): State<AppState>, caller: Caller, Path(id): Path<String>) -> ApiResult {
    react(state, caller, id, Reaction::Like, true).await
}
pub async fn unfavourite(State(state): State<AppState>, caller: Caller, Path(id): Path<String>) -> ApiResult {
    react(state, caller, id, Reaction::Like, false).await
}
pub async fn reblog(State(state): State<AppState>, caller: Caller, Path(id): Path<String>) -> ApiResult {
    react(state, caller, id, Reaction::Announce, true).await
}
pub async fn unreblog(State(state): State<AppState>, caller: Caller, Path(id): Path<String>) -> ApiResult {
    react(state, caller, id, Reaction::Announce, false).await
}

/// `GET /api/v1/timelines/home`: posts of the accounts I follow, and mine.
pub async fn home(State(state): State<AppState>, caller: Caller, Query(q): Query<PageQuery>) -> ApiResult {
    let me = caller.user("read:statuses")?;
    let mut query = q.timeline();
    query.followed_by = Some(me.actor.id);
    // Only authors the viewer follows (accepted) and their own posts: all of theirs are visible.
    query.shown = Shown::WithFollowersOnly;
    query.screen = visibility::screen_for(Viewer::Actor(me.actor.id), visibility::List::Timeline);
    status_page(&state, Some(me), query, "/api/v1/timelines/home").await
}

/// `GET /api/v1/timelines/public` (`local=true` for this instance only): public posts.
pub async fn public(State(state): State<AppState>, caller: MaybeCaller, Query(q): Query<PageQuery>) -> ApiResult {
    let viewer = caller.viewer("read:statuses")?;
    let mut query = q.timeline();
    query.shown = Shown::Listed;
    query.local_only = q.local.unwrap_or(false);
    query.screen = visibility::screen_for(Viewer::of(viewer.map(|v| v.actor.id)), visibility::List::Timeline);
    status_page(&state, viewer, query, "/api/v1/timelines/public").await
}
