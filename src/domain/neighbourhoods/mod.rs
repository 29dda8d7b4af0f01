//! Neighbourhoods: local groups of kind `neighbourhood`, each with a boundary (imported by
//! [`import`]), the groups and organisations that belong to one, and the residents who chose
//! one as their home — from the list, by a point on the map (found by point-in-polygon in
//! [`geo`], no database extension) or by postcode through the configured geocoder
//! ([`geocode`]).

pub mod geo;
pub mod geocode;
pub mod import;

use std::collections::HashMap;

use super::groups::rights::Standing;
use super::groups::{self, Group};
use super::validate::FieldErrors;
use super::{DomainError, DomainResult};
use crate::config::Settings;
use crate::db::models::actor::{Actor, ActorId, ActorKind};
use crate::db::models::group_profile::{GroupKind, GroupProfile, GroupStatus};
use crate::db::models::local_user::{Account, Role};
use crate::db::{DbConn, now};
use crate::state::AppState;

/// A neighbourhood in the list, with its counts.
#[derive(Debug, Clone)]
pub struct Summary {
    pub actor: Actor,
    /// Where it was imported from (CBS: "BU07530000").
    pub code: Option<String>,
    /// Residents who chose it as their home.
    pub residents: i64,
    /// Active groups and organisations that belong to it.
    pub groups: i64,
}

/// The active neighbourhoods of this instance by name, with their counts (three queries).
pub async fn list(conn: &mut DbConn) -> DomainResult<Vec<Summary>> {
    let rows = GroupProfile::neighbourhoods(conn).await?;
    let residents = GroupProfile::resident_counts(conn).await?;
    let groups = GroupProfile::group_counts(conn).await?;
    let count = |m: &HashMap<ActorId, i64>, id| m.get(&id).copied().unwrap_or(0);
    Ok(rows
        .into_iter()
        .map(|(actor, code)| Summary {
            residents: count(&residents, actor.id),
            groups: count(&groups, actor.id),
            actor,
            code,
        })
        .collect())
}

/// The active neighbourhoods by name, without counts (one query): for choosing one.
pub async fn names(conn: &mut DbConn) -> DomainResult<Vec<Actor>> {
    Ok(GroupProfile::neighbourhoods(conn).await?.into_iter().map(|(actor, _)| actor).collect())
}

/// The active local neighbourhood `name`, if there is one.
pub async fn local(conn: &mut DbConn, settings: &Settings, name: &str) -> DomainResult<Option<Group>> {
    let group = groups::local(conn, settings, name).await?;
    Ok(group.filter(|g| g.profile.kind() == GroupKind::Neighbourhood && g.profile.status() == GroupStatus::Active))
}

/// A neighbourhood's boundary as GeoJSON, when it has a readable one.
pub fn boundary(profile: &GroupProfile) -> Option<serde_json::Value> {
    let text = profile.boundary.as_deref()?;
    serde_json::from_str(text).ok()
}

/// The middle of a neighbourhood (`[longitude, latitude]`), when it has a boundary.
pub fn centroid(profile: &GroupProfile) -> Option<geo::Position> {
    geo::centroid(&geo::parse_boundary(profile.boundary.as_deref()?)?)
}

/// The neighbourhood whose boundary contains the point, if any (the first by id where
/// boundaries overlap).
pub async fn at(conn: &mut DbConn, point: geo::Position) -> DomainResult<Option<ActorId>> {
    for (id, text) in GroupProfile::boundaries(conn).await? {
        if geo::parse_boundary(&text).is_some_and(|polygons| geo::contains(&polygons, point)) {
            return Ok(Some(id));
        }
    }
    Ok(None)
}

/// How a resident points at their home neighbourhood.
#[derive(Debug, Clone)]
pub enum HomeChoice {
    /// No home neighbourhood.
    Clear,
    /// By its name (handle).
    Name(String),
    /// A point on the map, as typed or sent (a decimal comma is fine).
    Point { latitude: String, longitude: String },
    /// A postcode or address, found with the geocoder.
    Postcode(String),
}

/// A decimal number as typed (`52,37` or `52.37`), finite and within ±`limit`.
fn coordinate(text: &str, limit: f64) -> Option<f64> {
    text.trim().replace(',', ".").parse::<f64>().ok().filter(|v| v.is_finite() && v.abs() <= limit)
}

/// Sets a resident's home neighbourhood and returns it (`None` when cleared). A name that is
/// no neighbourhood, a point outside every neighbourhood, or a postcode the geocoder does not
/// know is refused with the field's message, and nothing changes.
pub async fn set_home(state: &AppState, account: &Account, choice: &HomeChoice) -> DomainResult<Option<Actor>> {
    let invalid = |field, key| DomainError::Invalid(FieldErrors::one(field, key));
    let mut conn = state.pool.get().await?;
    let chosen = match choice {
        HomeChoice::Clear => None,
        HomeChoice::Name(name) => {
            let group = local(&mut conn, &state.settings, name.trim()).await?;
            Some(group.ok_or_else(|| invalid("neighbourhood", "error-neighbourhood-unknown"))?.actor)
        }
        HomeChoice::Point { latitude, longitude } => {
            let mut errors = FieldErrors::default();
            let lat = coordinate(latitude, 90.0);
            let lon = coordinate(longitude, 180.0);
            if lat.is_none() {
                errors.add("latitude", "error-latitude");
            }
            if lon.is_none() {
                errors.add("longitude", "error-longitude");
            }
            let (Some(lat), Some(lon)) = (lat, lon) else { return Err(DomainError::Invalid(errors)) };
            let id =
                at(&mut conn, [lon, lat]).await?.ok_or_else(|| invalid("latitude", "error-neighbourhood-none-here"))?;
            Some(Actor::by_id(&mut conn, id).await?.ok_or(DomainError::NotFound)?)
        }
        HomeChoice::Postcode(query) => {
            let query = query.trim();
            if state.settings.map.geocoder_url.is_empty() {
                return Err(invalid("postcode", "error-geocoder-off"));
            }
            if query.is_empty() {
                return Err(invalid("postcode", "error-required"));
            }
            if query.chars().count() > geocode::QUERY_MAX || query.chars().any(char::is_control) {
                return Err(invalid("postcode", "error-postcode-unknown"));
            }
            // No connection is held while the geocoder answers.
            drop(conn);
            let point = geocode::locate(&state.settings.map.geocoder_url, query).await.map_err(|e| match e {
                geocode::GeocodeError::NotFound => invalid("postcode", "error-postcode-unknown"),
                geocode::GeocodeError::Unavailable => invalid("postcode", "error-geocoder-unavailable"),
            })?;
            conn = state.pool.get().await?;
            let id = at(&mut conn, point).await?.ok_or_else(|| invalid("postcode", "error-neighbourhood-none-here"))?;
            Some(Actor::by_id(&mut conn, id).await?.ok_or(DomainError::NotFound)?)
        }
    };
    drop(conn);
    let mut tx = state.pool.begin().await?;
    GroupProfile::set_home(&mut tx, account.actor.id, chosen.as_ref().map(|a| a.id)).await?;
    tx.commit().await?;
    tracing::info!(person = %account.actor.username, home = chosen.as_ref().map(|a| a.username.as_str()), "home neighbourhood chosen");
    Ok(chosen)
}

/// A resident's home neighbourhood, if they chose one that is still there.
pub async fn home_of(conn: &mut DbConn, account: &Account) -> DomainResult<Option<Group>> {
    let Some(id) = account.user.home_neighbourhood_id else { return Ok(None) };
    let Some(actor) = Actor::by_id(conn, id).await?.filter(|a| a.local && !a.deleted) else { return Ok(None) };
    let group = groups::with_profile(conn, actor).await?;
    Ok((group.profile.kind() == GroupKind::Neighbourhood).then_some(group))
}

/// Finds the neighbourhood a group is to belong to: `""` for none, else an active local
/// neighbourhood by name (not the group itself).
pub async fn pick_for_group(
    conn: &mut DbConn,
    settings: &Settings,
    group: Option<ActorId>,
    name: &str,
) -> DomainResult<Option<ActorId>> {
    let name = name.trim();
    if name.is_empty() {
        return Ok(None);
    }
    let found = local(conn, settings, name).await?.filter(|n| Some(n.actor.id) != group);
    found
        .map(|n| Some(n.actor.id))
        .ok_or_else(|| DomainError::Invalid(FieldErrors::one("neighbourhood", "error-neighbourhood-unknown")))
}

/// Sets the neighbourhood a local group belongs to (`""`: none). Its administrators and the
/// site's moderators and admins may.
pub async fn set_group_neighbourhood(
    state: &AppState,
    editor: &Account,
    group: &Actor,
    name: &str,
) -> DomainResult<()> {
    if !group.local || group.kind() != ActorKind::Group {
        return Err(DomainError::NotFound);
    }
    let mut conn = state.pool.get().await?;
    let standing = Standing::of(&mut conn, group.id, Some(editor)).await?;
    if !(standing.administers() || standing.site.is_some_and(|r| r >= Role::Moderator)) {
        return Err(DomainError::Forbidden);
    }
    let target = pick_for_group(&mut conn, &state.settings, Some(group.id), name).await?;
    let Group { mut profile, .. } = groups::with_profile(&mut conn, group.clone()).await?;
    if profile.neighbourhood_id == target {
        return Ok(());
    }
    drop(conn);
    profile.neighbourhood_id = target;
    profile.updated_at = now();
    let mut tx = state.pool.begin().await?;
    if GroupProfile::of(&mut tx, group.id).await?.is_some() {
        GroupProfile::save(&mut tx, &profile).await?;
    } else {
        GroupProfile::insert(&mut tx, &profile).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// The active local groups and organisations that belong to `neighbourhood`, by name.
pub async fn groups_in(state: &AppState, neighbourhood: ActorId, limit: i64) -> DomainResult<Vec<Group>> {
    let query = crate::db::models::group_profile::DirectoryQuery {
        neighbourhood: Some(neighbourhood),
        limit,
        ..Default::default()
    };
    groups::directory(state, None, &query).await
}
