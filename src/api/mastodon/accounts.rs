//! Accounts: who am I, lookup, search, follow and unfollow, an account's statuses, followers
//! and following, and changing one's own profile.

use axum::extract::{Path, Query, State};
use axum::http::header::LINK;
use serde::Deserialize;
use serde_json::json;

use super::entities;
use super::{clamp_limit, link_header};
use crate::api::{ApiError, ApiResult, Caller, MaybeCaller, json};
use crate::db::models::actor::{Actor, ActorId};
use crate::db::models::follow::{FollowQuery, Side};
use crate::db::models::post::{PostView, TimelineQuery};
use crate::domain::resolve::{self, Found};
use crate::state::AppState;

pub async fn verify_credentials(State(state): State<AppState>, caller: Caller) -> ApiResult {
    let me = caller.user("read:accounts")?;
    let mut conn = state.pool.get().await?;
    Ok(json(&entities::credential_account(&state, &mut conn, me).await?))
}

async fn actor_by_id(state: &AppState, id: &str) -> ApiResult<Actor> {
    let id: i64 = id.parse().map_err(|_| ApiError::not_found())?;
    let mut conn = state.pool.get().await?;
    Actor::by_id(&mut conn, ActorId(id)).await?.filter(|a| !a.deleted).ok_or_else(ApiError::not_found)
}

pub async fn get(State(state): State<AppState>, Path(id): Path<String>) -> ApiResult {
    let actor = actor_by_id(&state, &id).await?;
    let mut conn = state.pool.get().await?;
    Ok(json(&entities::account(&state, &mut conn, &actor).await?))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct LookupQuery {
    acct: String,
}

/// `GET /api/v1/accounts/lookup?acct=name` or `name@domain`: only what is known here.
pub async fn lookup(State(state): State<AppState>, Query(q): Query<LookupQuery>) -> ApiResult {
    let actor = resolve::account(&state, &q.acct, false).await?.ok_or_else(ApiError::not_found)?;
    let mut conn = state.pool.get().await?;
    Ok(json(&entities::account(&state, &mut conn, &actor).await?))
}

pub async fn follow(State(state): State<AppState>, caller: Caller, Path(id): Path<String>) -> ApiResult {
    let me = caller.user("write:follows")?;
    let target = actor_by_id(&state, &id).await?;
    crate::domain::follows::follow(&state, me, &target).await?;
    let mut conn = state.pool.get().await?;
    Ok(json(&entities::relationship(&mut conn, me, &target).await?))
}

pub async fn unfollow(State(state): State<AppState>, caller: Caller, Path(id): Path<String>) -> ApiResult {
    let me = caller.user("write:follows")?;
    let target = actor_by_id(&state, &id).await?;
    crate::domain::follows::unfollow(&state, me, &target).await?;
    let mut conn = state.pool.get().await?;
    Ok(json(&entities::relationship(&mut conn, me, &target).await?))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RelationshipsQuery {
    #[serde(rename = "id[]", alias = "id")]
    ids: Vec<String>,
}

pub async fn relationships(State(state): State<AppState>, caller: Caller, uri: axum::http::Uri) -> ApiResult {
    let me = caller.user("read:follows")?;
    let q: RelationshipsQuery = serde_html_form::from_str(uri.query().unwrap_or("")).unwrap_or_default();
    let mut out = Vec::new();
    for id in q.ids.iter().take(40) {
        if let Ok(actor) = actor_by_id(&state, id).await {
            let mut conn = state.pool.get().await?;
            out.push(entities::relationship(&mut conn, me, &actor).await?);
        }
    }
    Ok(json(&out))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct PageQuery {
    pub max_id: Option<String>,
    pub since_id: Option<String>,
    pub min_id: Option<String>,
    pub limit: Option<i64>,
    #[serde(deserialize_with = "crate::api::lenient_bool")]
    pub local: Option<bool>,
}

impl PageQuery {
    pub fn timeline(&self) -> TimelineQuery {
        let id = |v: &Option<String>| v.as_deref().and_then(|s| s.parse::<i64>().ok());
        TimelineQuery {
            max_id: id(&self.max_id),
            since_id: id(&self.since_id),
            min_id: id(&self.min_id),
            limit: clamp_limit(self.limit, 20, 40),
            ..Default::default()
        }
    }
}

/// A page of statuses with its `Link` header.
pub async fn status_page(
    state: &AppState,
    viewer: Option<&crate::db::models::local_user::Account>,
    q: TimelineQuery,
    path: &str,
) -> ApiResult {
    let mut conn = state.pool.get().await?;
    let views = PostView::timeline(&mut conn, &q).await?;
    let statuses = entities::statuses(state, &mut conn, &views, viewer).await?;
    let ids: Vec<i64> = views.iter().map(|v| v.post.id.0).collect();
    let mut response = json(&statuses);
    if let Some(link) = link_header(&state.base_url, path, &ids, &format!("limit={}", q.limit)) {
        response.headers_mut().insert(LINK, link);
    }
    Ok(response)
}

pub async fn statuses(
    State(state): State<AppState>,
    caller: MaybeCaller,
    Path(id): Path<String>,
    Query(q): Query<PageQuery>,
) -> ApiResult {
    let viewer = caller.viewer("read:statuses")?;
    let actor = actor_by_id(&state, &id).await?;
    let mut query = q.timeline();
    query.author = Some(actor.id);
    query.shown = {
        let mut conn = state.pool.get().await?;
        let who = crate::domain::visibility::Viewer::of(viewer.map(|v| v.actor.id));
        query.screen = crate::domain::visibility::screen_for(who, crate::domain::visibility::List::Profile);
        crate::domain::visibility::shown_of(&mut conn, who, actor.id).await?
    };
    status_page(&state, viewer, query, &format!("/api/v1/accounts/{id}/statuses")).await
}

/// Mastodon's cursors over a list of accounts (follow ids); `limit` is 40 by default, 80 at most.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct AccountsPageQuery {
    max_id: Option<String>,
    since_id: Option<String>,
    min_id: Option<String>,
    limit: Option<i64>,
}

/// `GET /api/v1/accounts/:id/followers`: the accounts that follow `id` (accepted follows only),
/// newest follow first, paged with a `Link` header.
pub async fn followers(
    State(state): State<AppState>,
    caller: MaybeCaller,
    Path(id): Path<String>,
    Query(q): Query<AccountsPageQuery>,
) -> ApiResult {
    caller.viewer("read:accounts")?;
    follows_page(&state, &id, Side::Followers, &q).await
}

/// `GET /api/v1/accounts/:id/following`: the accounts `id` follows, people and groups.
pub async fn following(
    State(state): State<AppState>,
    caller: MaybeCaller,
    Path(id): Path<String>,
    Query(q): Query<AccountsPageQuery>,
) -> ApiResult {
    caller.viewer("read:accounts")?;
    follows_page(&state, &id, Side::Following, &q).await
}

async fn follows_page(state: &AppState, id: &str, side: Side, q: &AccountsPageQuery) -> ApiResult {
    let actor = actor_by_id(state, id).await?;
    let cursor = |v: &Option<String>| v.as_deref().and_then(|s| s.parse::<i64>().ok());
    let query = FollowQuery {
        kind: None,
        max_id: cursor(&q.max_id),
        since_id: cursor(&q.since_id),
        min_id: cursor(&q.min_id),
        limit: clamp_limit(q.limit, 40, 80),
    };
    let mut conn = state.pool.get().await?;
    let rows = crate::domain::profile::follows(&mut conn, &actor, side, &query).await?;
    let actors: Vec<&Actor> = rows.iter().map(|(_, a)| a).collect();
    let mut values = entities::accounts(state, &mut conn, &actors).await?;
    let list: Vec<serde_json::Value> = rows.iter().filter_map(|(_, a)| values.remove(&a.id)).collect();
    let ids: Vec<i64> = rows.iter().map(|(follow, _)| *follow).collect();
    let what = match side {
        Side::Followers => "followers",
        Side::Following => "following",
    };
    let mut response = json(&list);
    let path = format!("/api/v1/accounts/{}/{what}", actor.id.0);
    if let Some(link) = link_header(&state.base_url, &path, &ids, &format!("limit={}", query.limit)) {
        response.headers_mut().insert(LINK, link);
    }
    Ok(response)
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct SearchQuery {
    q: String,
    #[serde(deserialize_with = "crate::api::lenient_bool")]
    resolve: Option<bool>,
    #[serde(rename = "type")]
    kind: Option<String>,
    limit: Option<i64>,
}

/// `GET /api/v2/search`: accounts and statuses by handle or URL; with `resolve=true` (and a
/// user token) unknown ones are fetched from their server.
pub async fn search(State(state): State<AppState>, caller: MaybeCaller, Query(q): Query<SearchQuery>) -> ApiResult {
    let viewer = caller.viewer("read:search")?;
    let fetch = q.resolve.unwrap_or(false) && viewer.is_some();
    let term = q.q.trim();
    let limit = clamp_limit(q.limit, 20, 40) as usize;
    let (mut accounts, mut statuses) = (Vec::new(), Vec::new());
    let wants = |k: &str| q.kind.as_deref().is_none_or(|t| t == k);
    if !term.is_empty() && term.len() <= 2000 {
        if let Some(url) = url::Url::parse(term).ok().filter(|u| matches!(u.scheme(), "http" | "https")) {
            match resolve::url(&state, &url, fetch, viewer.map(|v| v.actor.id)).await {
                Ok(Some(Found::Actor(a))) if wants("accounts") => accounts.push(*a),
                Ok(Some(Found::Post(p))) if wants("statuses") => statuses.push(*p),
                Ok(_) => {}
                Err(e) => tracing::info!(url = %url, error = %e, "search could not resolve a URL"),
            }
        } else if term.trim_start_matches('@').contains('@') || wants("accounts") {
            match resolve::account(&state, term, fetch).await {
                Ok(Some(a)) if wants("accounts") => accounts.push(a),
                Ok(_) => {}
                Err(e) => tracing::info!(handle = term, error = %e, "search could not resolve a handle"),
            }
        }
    }
    accounts.truncate(limit);
    statuses.truncate(limit);
    let mut conn = state.pool.get().await?;
    let mut account_values = Vec::new();
    for a in &accounts {
        account_values.push(entities::account(&state, &mut conn, a).await?);
    }
    let status_values = entities::statuses(&state, &mut conn, &statuses, viewer).await?;
    Ok(json(&json!({"accounts": account_values, "statuses": status_values, "hashtags": []})))
}

/// `PATCH /api/v1/accounts/update_credentials`: `display_name`, `note` (the bio, as plain
/// text), `avatar`, `header`. Every input is checked before anything changes.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct CredentialsForm {
    display_name: Option<String>,
    note: Option<String>,
}

pub async fn update_credentials(
    State(state): State<AppState>,
    caller: Caller,
    mut form: crate::api::Upload<CredentialsForm>,
) -> ApiResult {
    use crate::db::models::media::Purpose;
    use crate::domain::media::{process_upload, set_profile_image};
    let me = caller.user("write:accounts")?;
    let avatar = match form.take_file("avatar") {
        Some(bytes) => Some(process_upload(&state, "avatar", bytes).await?),
        None => None,
    };
    let header = match form.take_file("header") {
        Some(bytes) => Some(process_upload(&state, "header", bytes).await?),
        None => None,
    };
    let CredentialsForm { display_name, note } = form.form;
    if display_name.is_some() || note.is_some() {
        let input = crate::domain::accounts::AccountSettings {
            display_name: display_name.unwrap_or_else(|| me.actor.display_name.clone()),
            language: me.user.language.clone().unwrap_or_default(),
            note,
        };
        crate::domain::accounts::update_settings(&state, me, &input).await?;
    }
    let mut actor = me.actor.clone();
    if let Some(image) = avatar {
        actor = set_profile_image(&state, &actor, Purpose::Avatar, image).await?;
    }
    if let Some(image) = header {
        set_profile_image(&state, &actor, Purpose::Header, image).await?;
    }
    let mut conn = state.pool.get().await?;
    let account = crate::db::models::local_user::Account::by_username(&mut conn, &me.actor.username)
        .await?
        .ok_or_else(ApiError::not_found)?;
    Ok(json(&entities::credential_account(&state, &mut conn, &account).await?))
}
