//! A person's own controls in Mastodon's shape: block and mute accounts, list them, and block
//! whole domains (`/api/v1/blocks`, `/api/v1/mutes`, `/api/v1/domain_blocks`).

use axum::extract::{Path, Query, State};
use axum::http::header::LINK;
use serde::Deserialize;
use serde_json::{Value, json};

use super::{clamp_limit, entities, link_header};
use crate::api::{ApiError, ApiResult, Caller, Input, json, lenient_bool};
use crate::db::models::actor::{Actor, ActorId};
use crate::db::models::actor_block::{ActorBlock, IdPage};
use crate::db::models::actor_mute::ActorMute;
use crate::db::models::domain_block_personal::DomainBlock;
use crate::domain::blocks::{self, MuteSpec};
use crate::state::AppState;

async fn target(state: &AppState, id: &str) -> ApiResult<Actor> {
    let id: i64 = id.parse().map_err(|_| ApiError::not_found())?;
    let mut conn = state.pool.get().await?;
    Actor::by_id(&mut conn, ActorId(id)).await?.filter(|a| !a.deleted).ok_or_else(ApiError::not_found)
}

async fn relationship(state: &AppState, me: &crate::db::models::local_user::Account, other: &Actor) -> ApiResult {
    let mut conn = state.pool.get().await?;
    Ok(json(&entities::relationship(&mut conn, me, other).await?))
}

/// `POST /api/v1/accounts/:id/block`
pub async fn block(State(state): State<AppState>, caller: Caller, Path(id): Path<String>) -> ApiResult {
    let me = caller.user("write:blocks")?;
    let other = target(&state, &id).await?;
    blocks::block(&state, me, &other).await?;
    relationship(&state, me, &other).await
}

/// `POST /api/v1/accounts/:id/unblock`
pub async fn unblock(State(state): State<AppState>, caller: Caller, Path(id): Path<String>) -> ApiResult {
    let me = caller.user("write:blocks")?;
    let other = target(&state, &id).await?;
    blocks::unblock(&state, me, &other).await?;
    relationship(&state, me, &other).await
}

/// Mastodon's mute parameters.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct MuteForm {
    #[serde(deserialize_with = "lenient_bool")]
    notifications: Option<bool>,
    /// Seconds, as a number (JSON) or text (a form).
    duration: Option<Value>,
}

/// `POST /api/v1/accounts/:id/mute` (`notifications`, default true; `duration` in seconds,
/// 0 for until unmuted).
pub async fn mute(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Input(form): Input<MuteForm>,
) -> ApiResult {
    let me = caller.user("write:mutes")?;
    let other = target(&state, &id).await?;
    let bad = || {
        ApiError::from(crate::domain::DomainError::Invalid(crate::domain::validate::FieldErrors::one(
            "duration",
            "blocks-error-duration",
        )))
    };
    let duration = match form.duration {
        None | Some(Value::Null) => None,
        Some(Value::Number(n)) => Some(n.as_i64().ok_or_else(bad)?),
        Some(Value::String(s)) if s.trim().is_empty() => None,
        Some(Value::String(s)) => Some(s.trim().parse::<i64>().map_err(|_| bad())?),
        Some(_) => return Err(bad()),
    };
    let spec = MuteSpec { notifications: form.notifications.unwrap_or(true), duration };
    blocks::mute(&state, me, &other, spec).await?;
    relationship(&state, me, &other).await
}

/// `POST /api/v1/accounts/:id/unmute`
pub async fn unmute(State(state): State<AppState>, caller: Caller, Path(id): Path<String>) -> ApiResult {
    let me = caller.user("write:mutes")?;
    let other = target(&state, &id).await?;
    blocks::unmute(&state, me, &other).await?;
    relationship(&state, me, &other).await
}

/// Mastodon's cursors over a list ordered by row id.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ListQuery {
    max_id: Option<String>,
    since_id: Option<String>,
    min_id: Option<String>,
    limit: Option<i64>,
}

impl ListQuery {
    fn page(&self, default: i64, max: i64) -> IdPage {
        let id = |v: &Option<String>| v.as_deref().and_then(|s| s.parse::<i64>().ok());
        IdPage {
            max_id: id(&self.max_id),
            since_id: id(&self.since_id),
            min_id: id(&self.min_id),
            limit: clamp_limit(self.limit, default, max),
        }
    }
}

fn paged(state: &AppState, body: &impl serde::Serialize, path: &str, ids: &[i64], limit: i64) -> ApiResult {
    let mut response = json(body);
    if let Some(link) = link_header(&state.base_url, path, ids, &format!("limit={limit}")) {
        response.headers_mut().insert(LINK, link);
    }
    Ok(response)
}

/// `GET /api/v1/blocks`: the accounts I block, newest block first.
pub async fn list_blocks(State(state): State<AppState>, caller: Caller, Query(q): Query<ListQuery>) -> ApiResult {
    let me = caller.user("read:blocks")?;
    let page = q.page(40, 80);
    let mut conn = state.pool.get().await?;
    let rows = ActorBlock::list(&mut conn, me.actor.id, &page).await?;
    let actors: Vec<&Actor> = rows.iter().map(|(_, a)| a).collect();
    let mut values = entities::accounts(&state, &mut conn, &actors).await?;
    let list: Vec<Value> = rows.iter().filter_map(|(_, a)| values.remove(&a.id)).collect();
    let ids: Vec<i64> = rows.iter().map(|(id, _)| *id).collect();
    paged(&state, &list, "/api/v1/blocks", &ids, page.limit)
}

/// `GET /api/v1/mutes`: the accounts I mute, newest mute first, each with `mute_expires_at`.
pub async fn list_mutes(State(state): State<AppState>, caller: Caller, Query(q): Query<ListQuery>) -> ApiResult {
    let me = caller.user("read:mutes")?;
    let page = q.page(40, 80);
    let mut conn = state.pool.get().await?;
    let rows = ActorMute::list(&mut conn, me.actor.id, &page).await?;
    let actors: Vec<&Actor> = rows.iter().map(|(_, a)| a).collect();
    let mut values = entities::accounts(&state, &mut conn, &actors).await?;
    let list: Vec<Value> = rows
        .iter()
        .filter_map(|(m, a)| {
            let mut v = values.remove(&a.id)?;
            v["mute_expires_at"] = m.expires_at.map_or(Value::Null, |t| json!(entities::time(t)));
            Some(v)
        })
        .collect();
    let ids: Vec<i64> = rows.iter().map(|(m, _)| m.id).collect();
    paged(&state, &list, "/api/v1/mutes", &ids, page.limit)
}

/// `GET /api/v1/domain_blocks`: the domains I block, as strings.
pub async fn list_domains(State(state): State<AppState>, caller: Caller, Query(q): Query<ListQuery>) -> ApiResult {
    let me = caller.user("read:blocks")?;
    let page = q.page(100, 200);
    let mut conn = state.pool.get().await?;
    let rows = DomainBlock::list(&mut conn, me.actor.id, &page).await?;
    let list: Vec<&str> = rows.iter().map(|d| d.domain.as_str()).collect();
    let ids: Vec<i64> = rows.iter().map(|d| d.id).collect();
    paged(&state, &list, "/api/v1/domain_blocks", &ids, page.limit)
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct DomainForm {
    domain: String,
}

/// `POST /api/v1/domain_blocks` (`domain`): an empty object, as Mastodon answers.
pub async fn block_domain(State(state): State<AppState>, caller: Caller, Input(form): Input<DomainForm>) -> ApiResult {
    let me = caller.user("write:blocks")?;
    blocks::block_domain(&state, me, &form.domain).await?;
    Ok(json(&json!({})))
}

/// `DELETE /api/v1/domain_blocks` (`domain`)
pub async fn unblock_domain(
    State(state): State<AppState>,
    caller: Caller,
    Input(form): Input<DomainForm>,
) -> ApiResult {
    let me = caller.user("write:blocks")?;
    blocks::unblock_domain(&state, me, &form.domain).await?;
    Ok(json(&json!({})))
}
