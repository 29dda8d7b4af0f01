//! Groups: the list, one group with its meeting place, and editing a group's profile.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::errors::ErrorBody;
use crate::api::{ApiError, ApiResult, Caller, Input, MaybeCaller, json};
use crate::db::models::actor::{Actor, ActorId, ActorKind};
use crate::db::models::place::Place;
use crate::domain::groups::{self, GroupEdit};
use crate::state::AppState;

/// A local group.
#[derive(Debug, Serialize, ToSchema)]
pub struct Group {
    pub id: String,
    /// The name in its address (`/g/{name}`, `@name@domain`).
    #[schema(example = "tuin")]
    pub name: String,
    pub display_name: String,
    /// The description as HTML paragraphs.
    pub summary: String,
    /// Its page.
    pub url: String,
    /// Its ActivityPub id.
    pub ap_id: String,
    pub avatar: Option<String>,
    pub header: Option<String>,
    /// When it was made, RFC 3339.
    pub created_at: String,
    /// Where it meets, if it says so.
    pub place: Option<GroupPlace>,
    /// `neighbourhood`, `interest` or `organisation`.
    pub kind: String,
    /// The name of the neighbourhood it belongs to, if any.
    pub neighbourhood: Option<String>,
}

/// Where a group meets: an address, coordinates, or both.
#[derive(Debug, Serialize, ToSchema)]
pub struct GroupPlace {
    pub name: String,
    pub street_address: String,
    pub postal_code: String,
    pub locality: String,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    /// The address on one line.
    pub address: String,
}

/// What the list says of a group beyond its actor: its kind and its neighbourhood's name.
#[derive(Debug, Clone, Default)]
struct Extra {
    kind: String,
    neighbourhood: Option<String>,
}

/// The kind and neighbourhood of each of `groups` (two queries).
async fn extras(state: &AppState, groups: &[Actor]) -> ApiResult<HashMap<ActorId, Extra>> {
    use crate::db::models::group_profile::{GroupKind, GroupProfile};
    let mut conn = state.pool.get().await?;
    let ids: Vec<ActorId> = groups.iter().map(|g| g.id).collect();
    let profiles = GroupProfile::of_many(&mut conn, &ids).await?;
    let wanted: Vec<ActorId> = profiles.iter().filter_map(|p| p.neighbourhood_id).collect();
    let names: HashMap<ActorId, String> = if wanted.is_empty() {
        HashMap::new()
    } else {
        Actor::by_ids(&mut conn, &wanted).await?.into_iter().map(|a| (a.id, a.username)).collect()
    };
    let mut out: HashMap<ActorId, Extra> = profiles
        .into_iter()
        .map(|p| {
            let neighbourhood = p.neighbourhood_id.and_then(|id| names.get(&id).cloned());
            (p.actor_id, Extra { kind: p.kind, neighbourhood })
        })
        .collect();
    for g in groups {
        out.entry(g.id).or_insert_with(|| Extra { kind: GroupKind::Interest.as_str().into(), neighbourhood: None });
    }
    Ok(out)
}

impl Group {
    fn of(group: &Actor, place: Option<&Place>, extra: Extra) -> Group {
        Group {
            kind: extra.kind,
            neighbourhood: extra.neighbourhood,
            id: group.id.0.to_string(),
            name: group.username.clone(),
            display_name: group.display_name.clone(),
            summary: group.summary.clone(),
            url: group.url.clone().unwrap_or_else(|| group.ap_id.clone()),
            ap_id: group.ap_id.clone(),
            avatar: group.icon_url.clone(),
            header: group.image_url.clone(),
            created_at: group.published.and_utc().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            place: place.map(|p| GroupPlace {
                name: p.name.clone(),
                street_address: p.street_address.clone(),
                postal_code: p.postal_code.clone(),
                locality: p.locality.clone(),
                latitude: p.latitude,
                longitude: p.longitude,
                address: p.address_line(),
            }),
        }
    }
}

/// Most groups in one answer.
const LIST_MAX: i64 = 200;

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// How many groups, newest first (default 100, at most 200).
    limit: Option<i64>,
    /// Only groups of this kind: `neighbourhood`, `interest` or `organisation` (then by name).
    kind: Option<String>,
    /// Only the groups that belong to this neighbourhood, by its name (then by name).
    neighbourhood: Option<String>,
    /// Only groups whose name or display name contains this (then by name).
    q: Option<String>,
}

/// The local group `name`, or 404.
async fn local_group(state: &AppState, name: &str) -> ApiResult<Actor> {
    let mut conn = state.pool.get().await?;
    crate::domain::actors::local_by_name(&mut conn, &state.settings, name)
        .await?
        .filter(|a| a.kind().is_group())
        .ok_or_else(ApiError::not_found)
}

/// The local groups with their meeting places.
#[utoipa::path(
    get,
    path = "/groups",
    operation_id = "list_groups",
    tag = "groups",
    params(ListQuery),
    responses(
        (status = 200, description = "The groups, newest first", body = [Group]),
        (status = 403, description = "The token lacks `read:accounts`", body = ErrorBody),
    ),
    security((), ("bearer" = ["read:accounts"])),
)]
pub async fn list(State(state): State<AppState>, caller: MaybeCaller, Query(q): Query<ListQuery>) -> ApiResult {
    caller.viewer("read:accounts")?;
    let limit = q.limit.unwrap_or(100).clamp(1, LIST_MAX);
    let filtered = q.kind.is_some() || q.neighbourhood.is_some() || q.q.is_some();
    let groups = if filtered {
        use crate::db::models::group_profile::{DirectoryQuery, GroupKind};
        let kind =
            match q.kind.as_deref() {
                None | Some("") => None,
                Some(k) => Some(GroupKind::parse(k).ok_or_else(|| {
                    ApiError::invalid_field("kind", "error-choice-invalid", "kind: not a kind of group")
                })?),
            };
        let neighbourhood = match q.neighbourhood.as_deref().map(str::trim).filter(|n| !n.is_empty()) {
            None => None,
            Some(name) => {
                let mut conn = state.pool.get().await?;
                let found = crate::domain::neighbourhoods::local(&mut conn, &state.settings, name).await?;
                Some(found.ok_or_else(ApiError::not_found)?.actor.id)
            }
        };
        let search: Option<String> = q.q.as_ref().map(|s| s.chars().take(100).collect());
        let query = DirectoryQuery { kind, neighbourhood, search: search.as_deref(), limit, ..Default::default() };
        groups::directory(&state, None, &query).await?.into_iter().map(|g| g.actor).collect()
    } else {
        let mut conn = state.pool.get().await?;
        let pending = crate::db::models::group_profile::GroupProfile::pending_ids(&mut conn).await?;
        let mut groups = Actor::list_local(&mut conn, ActorKind::Group, limit).await?;
        groups.retain(|g| !pending.contains(&g.id));
        groups
    };
    let places: HashMap<_, _> = crate::domain::places::group_places(&state, LIST_MAX)
        .await?
        .into_iter()
        .map(|(group, place)| (group.id, place))
        .collect();
    let mut extras = extras(&state, &groups).await?;
    let out: Vec<Group> =
        groups.iter().map(|g| Group::of(g, places.get(&g.id), extras.remove(&g.id).unwrap_or_default())).collect();
    Ok(json(&out))
}

/// One local group with its meeting place.
#[utoipa::path(
    get,
    path = "/groups/{name}",
    operation_id = "get_group",
    tag = "groups",
    params(("name" = String, Path, description = "The group's name")),
    responses(
        (status = 200, description = "The group", body = Group),
        (status = 404, description = "No such group here", body = ErrorBody),
    ),
    security((), ("bearer" = ["read:accounts"])),
)]
pub async fn get(State(state): State<AppState>, caller: MaybeCaller, Path(name): Path<String>) -> ApiResult {
    use crate::domain::groups::rights;
    let viewer = caller.viewer("read:accounts")?;
    let group = local_group(&state, &name).await?;
    let mut conn = state.pool.get().await?;
    // A group waiting for approval is there only for those who may approve it.
    let profiled = crate::domain::groups::with_profile(&mut conn, group.clone()).await?;
    let standing = rights::Standing::of(&mut conn, group.id, viewer).await?;
    if !rights::sees_group(&profiled.profile, &standing) {
        return Err(ApiError::not_found());
    }
    let place = Place::of_actor(&mut conn, &group).await?;
    drop(conn);
    let extra = extras(&state, std::slice::from_ref(&group)).await?.remove(&group.id).unwrap_or_default();
    Ok(json(&Group::of(&group, place.as_ref(), extra)))
}

/// A change to a group's profile; what is left out stays as it is.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct GroupUpdate {
    pub display_name: Option<String>,
    /// Plain text; paragraphs separated by an empty line.
    pub summary: Option<String>,
    /// Who may join: `open`, `approval` or `invite`.
    pub openness: Option<String>,
    /// Who sees its discussions: `public` or `members`.
    pub content: Option<String>,
    /// Who may post: `members`, `anyone` or `moderators`.
    pub posting: Option<String>,
    /// The name of the neighbourhood it belongs to; empty: none.
    pub neighbourhood: Option<String>,
}

/// Edits a group's name, description and rules (its administrators, site moderators and
/// admins); followers get an Update.
#[utoipa::path(
    patch,
    path = "/groups/{name}",
    operation_id = "update_group",
    tag = "groups",
    params(("name" = String, Path, description = "The group's name")),
    request_body(
        content((GroupUpdate = "application/json"), (GroupUpdate = "application/x-www-form-urlencoded"),
            (GroupUpdate = "multipart/form-data")),
    ),
    responses(
        (status = 200, description = "The group as it is now", body = Group),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 403, description = "The caller may not edit this group", body = ErrorBody),
        (status = 404, description = "No such group here", body = ErrorBody),
        (status = 422, description = "A field is not valid", body = ErrorBody),
    ),
    security(("bearer" = ["write:accounts"])),
)]
pub async fn update(
    State(state): State<AppState>,
    caller: Caller,
    Path(name): Path<String>,
    Input(form): Input<GroupUpdate>,
) -> ApiResult {
    let me = caller.user("write:accounts")?;
    let group = local_group(&state, &name).await?;
    let edit = GroupEdit {
        display_name: form.display_name.unwrap_or_else(|| group.display_name.clone()),
        summary: form.summary.unwrap_or_else(|| crate::util::html::html_to_text(&group.summary)),
        openness: form.openness,
        content: form.content,
        posting: form.posting,
    };
    // The neighbourhood is checked before anything changes.
    if let Some(name) = &form.neighbourhood {
        let mut conn = state.pool.get().await?;
        crate::domain::neighbourhoods::pick_for_group(&mut conn, &state.settings, Some(group.id), name).await?;
    }
    let updated = groups::update_group(&state, me, &group, &edit).await?;
    if let Some(name) = &form.neighbourhood {
        crate::domain::neighbourhoods::set_group_neighbourhood(&state, me, &updated, name).await?;
    }
    let mut conn = state.pool.get().await?;
    let place = Place::of_actor(&mut conn, &updated).await?;
    drop(conn);
    let extra = extras(&state, std::slice::from_ref(&updated)).await?.remove(&updated.id).unwrap_or_default();
    Ok(json(&Group::of(&updated, place.as_ref(), extra)))
}

/// The groups' routes, documented.
pub fn api() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list)).routes(routes!(get, update))
}
