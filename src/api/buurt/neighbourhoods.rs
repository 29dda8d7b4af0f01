//! Neighbourhoods: the list with their counts, one with its boundary, and the caller's home
//! neighbourhood (chosen by name, by a point or by postcode).

use axum::extract::{Path, State};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::errors::ErrorBody;
use crate::api::{ApiError, ApiResult, Caller, Input, MaybeCaller, json};
use crate::db::models::actor::Actor;
use crate::db::models::group_profile::GroupProfile;
use crate::domain::neighbourhoods::{self, HomeChoice, Summary};
use crate::state::AppState;

/// A neighbourhood in the list.
#[derive(Debug, Serialize, ToSchema)]
pub struct Neighbourhood {
    pub id: String,
    /// Its name in its address (`/g/{name}`).
    #[schema(example = "binnenstad")]
    pub name: String,
    #[schema(example = "Binnenstad")]
    pub display_name: String,
    /// `@name@domain`: follow it from any fediverse app.
    pub handle: String,
    /// Where it was imported from (CBS: `BU07530000`).
    pub code: Option<String>,
    pub url: String,
    /// Residents who chose it as their home.
    pub residents_count: i64,
    /// Active groups and organisations that belong to it.
    pub groups_count: i64,
}

impl Neighbourhood {
    fn of(n: &Summary, domain: &str) -> Neighbourhood {
        Neighbourhood {
            id: n.actor.id.0.to_string(),
            name: n.actor.username.clone(),
            display_name: n.actor.display_name.clone(),
            handle: format!("@{}@{domain}", n.actor.username),
            code: n.code.clone(),
            url: n.actor.url.clone().unwrap_or_else(|| n.actor.ap_id.clone()),
            residents_count: n.residents,
            groups_count: n.groups,
        }
    }
}

/// A neighbourhood with its boundary.
#[derive(Debug, Serialize, ToSchema)]
pub struct NeighbourhoodDetail {
    #[serde(flatten)]
    pub neighbourhood: Neighbourhood,
    /// A GeoJSON Polygon or MultiPolygon in WGS 84.
    #[schema(value_type = Option<Object>)]
    pub boundary: Option<serde_json::Value>,
    /// Its middle, `[longitude, latitude]`.
    pub centroid: Option<[f64; 2]>,
    /// The names of the groups and organisations in it.
    pub groups: Vec<String>,
}

/// The neighbourhoods of this instance by name.
#[utoipa::path(
    get,
    path = "/neighbourhoods",
    operation_id = "list_neighbourhoods",
    tag = "neighbourhoods",
    responses(
        (status = 200, description = "The neighbourhoods, by name", body = [Neighbourhood]),
        (status = 403, description = "The token lacks `read:accounts`", body = ErrorBody),
    ),
    security((), ("bearer" = ["read:accounts"])),
)]
pub async fn list(State(state): State<AppState>, caller: MaybeCaller) -> ApiResult {
    caller.viewer("read:accounts")?;
    let all = neighbourhoods::list(&mut state.pool.get().await?).await?;
    let domain = &state.settings.instance.domain;
    Ok(json(&all.iter().map(|n| Neighbourhood::of(n, domain)).collect::<Vec<_>>()))
}

/// One neighbourhood with its boundary, its middle and its groups.
#[utoipa::path(
    get,
    path = "/neighbourhoods/{name}",
    operation_id = "get_neighbourhood",
    tag = "neighbourhoods",
    params(("name" = String, Path, description = "The neighbourhood's name")),
    responses(
        (status = 200, description = "The neighbourhood", body = NeighbourhoodDetail),
        (status = 404, description = "No such neighbourhood here", body = ErrorBody),
    ),
    security((), ("bearer" = ["read:accounts"])),
)]
pub async fn get(State(state): State<AppState>, caller: MaybeCaller, Path(name): Path<String>) -> ApiResult {
    caller.viewer("read:accounts")?;
    let detail = detail(&state, &name).await?.ok_or_else(ApiError::not_found)?;
    Ok(json(&detail))
}

async fn detail(state: &AppState, name: &str) -> ApiResult<Option<NeighbourhoodDetail>> {
    let (group, residents) = {
        let mut conn = state.pool.get().await?;
        let Some(group) = neighbourhoods::local(&mut conn, &state.settings, name).await? else { return Ok(None) };
        let residents = GroupProfile::residents(&mut conn, group.actor.id).await?;
        (group, residents)
    };
    let groups = neighbourhoods::groups_in(state, group.actor.id, 500).await?;
    let summary = Summary {
        actor: group.actor.clone(),
        code: group.profile.code.clone(),
        residents,
        groups: groups.len() as i64,
    };
    Ok(Some(NeighbourhoodDetail {
        neighbourhood: Neighbourhood::of(&summary, &state.settings.instance.domain),
        boundary: neighbourhoods::boundary(&group.profile),
        centroid: neighbourhoods::centroid(&group.profile),
        groups: groups.into_iter().map(|g| g.actor.username).collect(),
    }))
}

/// How the caller points at their home neighbourhood: one of `name`, `latitude` with
/// `longitude`, or `postcode` (needs `[map] geocoder_url`); none of them (or an empty `name`)
/// clears it.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct HomeInput {
    /// A neighbourhood's name.
    pub name: Option<String>,
    pub latitude: Option<serde_json::Value>,
    pub longitude: Option<serde_json::Value>,
    /// A postcode or address.
    pub postcode: Option<String>,
}

/// The caller's home neighbourhood, or none.
#[derive(Debug, Serialize, ToSchema)]
pub struct Home {
    pub neighbourhood: Option<Neighbourhood>,
}

fn number_text(v: &Option<serde_json::Value>) -> String {
    match v {
        Some(serde_json::Value::Number(n)) => n.to_string(),
        Some(serde_json::Value::String(s)) => s.clone(),
        _ => String::new(),
    }
}

/// Chooses the caller's home neighbourhood. A name that is no neighbourhood, a point outside
/// every neighbourhood or an unknown postcode is refused (422) and nothing changes.
#[utoipa::path(
    put,
    path = "/me/neighbourhood",
    operation_id = "set_home_neighbourhood",
    tag = "neighbourhoods",
    request_body(content((HomeInput = "application/json"), (HomeInput = "application/x-www-form-urlencoded"))),
    responses(
        (status = 200, description = "The home neighbourhood as it is now", body = Home),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 403, description = "The token lacks `write:accounts`", body = ErrorBody),
        (status = 422, description = "No such neighbourhood, place or postcode; nothing changed", body = ErrorBody),
    ),
    security(("bearer" = ["write:accounts"])),
)]
pub async fn set_home(State(state): State<AppState>, caller: Caller, Input(input): Input<HomeInput>) -> ApiResult {
    let me = caller.user("write:accounts")?;
    let choice = if let Some(postcode) = input.postcode {
        HomeChoice::Postcode(postcode)
    } else if input.latitude.is_some() || input.longitude.is_some() {
        HomeChoice::Point { latitude: number_text(&input.latitude), longitude: number_text(&input.longitude) }
    } else {
        match input.name.filter(|n| !n.trim().is_empty()) {
            Some(name) => HomeChoice::Name(name),
            None => HomeChoice::Clear,
        }
    };
    let chosen: Option<Actor> = neighbourhoods::set_home(&state, me, &choice).await?;
    let neighbourhood = match chosen {
        Some(actor) => detail(&state, &actor.username).await?.map(|d| d.neighbourhood),
        None => None,
    };
    Ok(json(&Home { neighbourhood }))
}

/// The neighbourhoods' routes, documented.
pub fn api() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list)).routes(routes!(get)).routes(routes!(set_home))
}
