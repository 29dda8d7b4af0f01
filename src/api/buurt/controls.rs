//! The caller's own controls: the accounts they block and mute, the domains they block and the
//! posts they hid — listed, added and taken back (`domain::blocks`).

use axum::extract::{Path, Query, State};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::errors::ErrorBody;
use crate::api::{ApiError, ApiResult, Caller, Input, json};
use crate::db::models::actor::{Actor, ActorId};
use crate::db::models::actor_block::{ActorBlock, IdPage};
use crate::db::models::actor_mute::ActorMute;
use crate::db::models::domain_block_personal::DomainBlock;
use crate::db::models::hidden_post::HiddenPost;
use crate::db::models::post::PostId;
use crate::domain::blocks::{self, MuteSpec};
use crate::state::AppState;

/// Most entries in one answer.
const LIST_MAX: i64 = 200;

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Only entries older than this `cursor` (the last of the previous answer).
    max_id: Option<i64>,
    /// How many, newest first (default 100, at most 200).
    limit: Option<i64>,
}

impl ListQuery {
    fn page(&self) -> IdPage {
        IdPage { max_id: self.max_id, limit: self.limit.unwrap_or(100).clamp(1, LIST_MAX), ..Default::default() }
    }
}

/// An account in a list.
#[derive(Debug, Serialize, ToSchema)]
pub struct ControlledAccount {
    /// Where the entry stands in the list: pass the last one as `max_id` for the next page.
    pub cursor: i64,
    /// The account's id (as in the Mastodon API).
    pub id: String,
    /// `name@domain`.
    #[schema(example = "piet@buurt.example")]
    pub acct: String,
    pub display_name: String,
    /// Its ActivityPub id.
    pub uri: String,
    /// Mutes only: whether its notifications are hidden too.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notifications: Option<bool>,
    /// Mutes only: when the mute ends (none: when taken back).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<String>,
}

impl ControlledAccount {
    fn of(cursor: i64, a: &Actor) -> ControlledAccount {
        ControlledAccount {
            cursor,
            id: a.id.0.to_string(),
            acct: format!("{}@{}", a.username, a.domain),
            display_name: a.display_name.clone(),
            uri: a.ap_id.clone(),
            notifications: None,
            expires_at: None,
        }
    }
}

/// A blocked domain.
#[derive(Debug, Serialize, ToSchema)]
pub struct ControlledDomain {
    pub cursor: i64,
    #[schema(example = "spam.example")]
    pub domain: String,
}

/// A hidden post.
#[derive(Debug, Serialize, ToSchema)]
pub struct HiddenPostEntry {
    pub cursor: i64,
    /// The post's id (as in the Mastodon API).
    pub id: String,
    /// Its ActivityPub id.
    pub uri: String,
    /// Its author's `name@domain`.
    pub author: String,
}

/// Which account.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct AccountInput {
    /// The account's id.
    pub account_id: String,
    /// Mutes only: hide its notifications too (default true).
    pub notifications: Option<bool>,
    /// Mutes only: seconds until the mute ends (0 or none: until taken back).
    pub duration: Option<i64>,
}

/// Which domain.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct DomainInput {
    #[schema(example = "spam.example")]
    pub domain: String,
}

/// Which post.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct PostInput {
    pub post_id: String,
}

async fn account(state: &AppState, id: &str) -> ApiResult<Actor> {
    let id: i64 = id.trim().parse().map_err(|_| ApiError::not_found())?;
    let mut conn = state.pool.get().await?;
    Actor::by_id(&mut conn, ActorId(id)).await?.filter(|a| !a.deleted).ok_or_else(ApiError::not_found)
}

/// 204: done, nothing to say.
fn done() -> axum::response::Response {
    axum::response::IntoResponse::into_response(axum::http::StatusCode::NO_CONTENT)
}

fn post_id(id: &str) -> ApiResult<PostId> {
    id.trim().parse().map(PostId).map_err(|_| ApiError::not_found())
}

/// The accounts the caller blocks, newest first.
#[utoipa::path(get, path = "/me/blocks", operation_id = "list_blocks", tag = "controls", params(ListQuery),
    responses((status = 200, description = "Blocked accounts", body = [ControlledAccount]),
        (status = 401, description = "No valid token", body = ErrorBody)),
    security(("bearer" = ["read:blocks"])))]
pub async fn list_blocks(State(state): State<AppState>, caller: Caller, Query(q): Query<ListQuery>) -> ApiResult {
    let me = caller.user("read:blocks")?;
    let mut conn = state.pool.get().await?;
    let rows = ActorBlock::list(&mut conn, me.actor.id, &q.page()).await?;
    Ok(json(&rows.iter().map(|(id, a)| ControlledAccount::of(*id, a)).collect::<Vec<_>>()))
}

/// Blocks an account: follows end both ways; on another server it receives a `Block`.
#[utoipa::path(post, path = "/me/blocks", operation_id = "block_account", tag = "controls",
    request_body(content((AccountInput = "application/json"))),
    responses((status = 204, description = "Blocked"),
        (status = 404, description = "No such account", body = ErrorBody),
        (status = 422, description = "One's own account", body = ErrorBody)),
    security(("bearer" = ["write:blocks"])))]
pub async fn block(State(state): State<AppState>, caller: Caller, Input(body): Input<AccountInput>) -> ApiResult {
    let me = caller.user("write:blocks")?;
    let target = account(&state, &body.account_id).await?;
    blocks::block(&state, me, &target).await?;
    Ok(done())
}

/// Takes a block back.
#[utoipa::path(delete, path = "/me/blocks/{account_id}", operation_id = "unblock_account", tag = "controls",
    params(("account_id" = String, Path, description = "The account's id")),
    responses((status = 204, description = "Not blocked"), (status = 404, description = "No such account", body = ErrorBody)),
    security(("bearer" = ["write:blocks"])))]
pub async fn unblock(State(state): State<AppState>, caller: Caller, Path(id): Path<String>) -> ApiResult {
    let me = caller.user("write:blocks")?;
    let target = account(&state, &id).await?;
    blocks::unblock(&state, me, &target).await?;
    Ok(done())
}

/// The accounts the caller mutes, newest first.
#[utoipa::path(get, path = "/me/mutes", operation_id = "list_mutes", tag = "controls", params(ListQuery),
    responses((status = 200, description = "Muted accounts", body = [ControlledAccount]),
        (status = 401, description = "No valid token", body = ErrorBody)),
    security(("bearer" = ["read:mutes"])))]
pub async fn list_mutes(State(state): State<AppState>, caller: Caller, Query(q): Query<ListQuery>) -> ApiResult {
    let me = caller.user("read:mutes")?;
    let mut conn = state.pool.get().await?;
    let rows = ActorMute::list(&mut conn, me.actor.id, &q.page()).await?;
    let out: Vec<ControlledAccount> = rows
        .iter()
        .map(|(m, a)| ControlledAccount {
            notifications: Some(m.notifications),
            expires_at: m.expires_at.map(|t| t.and_utc().to_rfc3339()),
            ..ControlledAccount::of(m.id, a)
        })
        .collect();
    Ok(json(&out))
}

/// Mutes an account (or changes the mute): gone from timelines and threads, and from
/// notifications when `notifications`; its profile stays readable. Nothing is sent.
#[utoipa::path(post, path = "/me/mutes", operation_id = "mute_account", tag = "controls",
    request_body(content((AccountInput = "application/json"))),
    responses((status = 204, description = "Muted"),
        (status = 404, description = "No such account", body = ErrorBody),
        (status = 422, description = "One's own account, or a duration out of range", body = ErrorBody)),
    security(("bearer" = ["write:mutes"])))]
pub async fn mute(State(state): State<AppState>, caller: Caller, Input(body): Input<AccountInput>) -> ApiResult {
    let me = caller.user("write:mutes")?;
    let target = account(&state, &body.account_id).await?;
    let spec = MuteSpec { notifications: body.notifications.unwrap_or(true), duration: body.duration };
    blocks::mute(&state, me, &target, spec).await?;
    Ok(done())
}

/// Takes a mute back.
#[utoipa::path(delete, path = "/me/mutes/{account_id}", operation_id = "unmute_account", tag = "controls",
    params(("account_id" = String, Path, description = "The account's id")),
    responses((status = 204, description = "Not muted"), (status = 404, description = "No such account", body = ErrorBody)),
    security(("bearer" = ["write:mutes"])))]
pub async fn unmute(State(state): State<AppState>, caller: Caller, Path(id): Path<String>) -> ApiResult {
    let me = caller.user("write:mutes")?;
    let target = account(&state, &id).await?;
    blocks::unmute(&state, me, &target).await?;
    Ok(done())
}

/// The domains the caller blocks, newest first.
#[utoipa::path(get, path = "/me/domain_blocks", operation_id = "list_domain_blocks", tag = "controls",
    params(ListQuery),
    responses((status = 200, description = "Blocked domains", body = [ControlledDomain]),
        (status = 401, description = "No valid token", body = ErrorBody)),
    security(("bearer" = ["read:blocks"])))]
pub async fn list_domains(State(state): State<AppState>, caller: Caller, Query(q): Query<ListQuery>) -> ApiResult {
    let me = caller.user("read:blocks")?;
    let mut conn = state.pool.get().await?;
    let rows = DomainBlock::list(&mut conn, me.actor.id, &q.page()).await?;
    Ok(json(&rows.into_iter().map(|d| ControlledDomain { cursor: d.id, domain: d.domain }).collect::<Vec<_>>()))
}

/// Blocks a whole domain for the caller: everyone there is gone from what they see, and the
/// follows between them end.
#[utoipa::path(post, path = "/me/domain_blocks", operation_id = "block_domain", tag = "controls",
    request_body(content((DomainInput = "application/json"))),
    responses((status = 204, description = "Blocked"),
        (status = 422, description = "Not a domain, or this instance's own", body = ErrorBody)),
    security(("bearer" = ["write:blocks"])))]
pub async fn block_domain(State(state): State<AppState>, caller: Caller, Input(body): Input<DomainInput>) -> ApiResult {
    let me = caller.user("write:blocks")?;
    blocks::block_domain(&state, me, &body.domain).await?;
    Ok(done())
}

/// Takes a domain block back.
#[utoipa::path(delete, path = "/me/domain_blocks/{domain}", operation_id = "unblock_domain", tag = "controls",
    params(("domain" = String, Path, description = "The domain")),
    responses((status = 204, description = "Not blocked")),
    security(("bearer" = ["write:blocks"])))]
pub async fn unblock_domain(State(state): State<AppState>, caller: Caller, Path(domain): Path<String>) -> ApiResult {
    let me = caller.user("write:blocks")?;
    blocks::unblock_domain(&state, me, &domain).await?;
    Ok(done())
}

/// The posts the caller hid, newest first.
#[utoipa::path(get, path = "/me/hidden_posts", operation_id = "list_hidden_posts", tag = "controls",
    params(ListQuery),
    responses((status = 200, description = "Hidden posts", body = [HiddenPostEntry]),
        (status = 401, description = "No valid token", body = ErrorBody)),
    security(("bearer" = ["read:statuses"])))]
pub async fn list_hidden(State(state): State<AppState>, caller: Caller, Query(q): Query<ListQuery>) -> ApiResult {
    let me = caller.user("read:statuses")?;
    let mut conn = state.pool.get().await?;
    let rows = HiddenPost::list(&mut conn, me.actor.id, &q.page()).await?;
    let out: Vec<HiddenPostEntry> = rows
        .into_iter()
        .map(|(cursor, v)| HiddenPostEntry {
            cursor,
            id: v.post.id.0.to_string(),
            uri: v.post.ap_id,
            author: format!("{}@{}", v.author.username, v.author.domain),
        })
        .collect();
    Ok(json(&out))
}

/// Hides a post from the caller's own timelines, threads and lists (nobody else's).
#[utoipa::path(post, path = "/me/hidden_posts", operation_id = "hide_post", tag = "controls",
    request_body(content((PostInput = "application/json"))),
    responses((status = 204, description = "Hidden"),
        (status = 404, description = "No such post, or one the caller may not see", body = ErrorBody)),
    security(("bearer" = ["write:statuses"])))]
pub async fn hide(State(state): State<AppState>, caller: Caller, Input(body): Input<PostInput>) -> ApiResult {
    let me = caller.user("write:statuses")?;
    blocks::hide(&state, me, post_id(&body.post_id)?).await?;
    Ok(done())
}

/// Shows a hidden post again.
#[utoipa::path(delete, path = "/me/hidden_posts/{post_id}", operation_id = "unhide_post", tag = "controls",
    params(("post_id" = String, Path, description = "The post's id")),
    responses((status = 204, description = "Not hidden")),
    security(("bearer" = ["write:statuses"])))]
pub async fn unhide(State(state): State<AppState>, caller: Caller, Path(id): Path<String>) -> ApiResult {
    let me = caller.user("write:statuses")?;
    blocks::unhide(&state, me, post_id(&id)?).await?;
    Ok(done())
}

/// The controls' routes, documented.
pub fn api() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_blocks, block))
        .routes(routes!(unblock))
        .routes(routes!(list_mutes, mute))
        .routes(routes!(unmute))
        .routes(routes!(list_domains, block_domain))
        .routes(routes!(unblock_domain))
        .routes(routes!(list_hidden, hide))
        .routes(routes!(unhide))
}
