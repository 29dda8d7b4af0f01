//! The map module's pages: the neighbourhood map (`/kaart`), its section on the home page and
//! the page where a group's meeting place is set.

use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use futures_util::future::BoxFuture;

use crate::db::models::actor::Actor;
use crate::db::models::place::Place;
use crate::domain::DomainError;
use crate::domain::places::{self, PlaceInput};
use crate::domain::validate::FieldErrors;
use crate::web::context::Ctx;
use crate::web::error::{WebError, WebResult};
use crate::web::form::{CsrfForm, Field, FieldKind, Form};
use crate::web::layout::{HomeSection, Placement};
use crate::web::map::{MapPlace, MapView, Pick};
use crate::web::page::page;

pub mod view;
use view::{MapPage, MapSection, PlaceFormPage};

/// Places on one map; beyond this the list and the map get too long to be useful.
pub const MAP_PLACES: i64 = 500;
/// Places on the home page's map (the map page shows more).
const HOME_MAP_PLACES: i64 = 100;

/// The overview map of the neighbourhood, with every place that has one, or `None` when there is
/// nothing to show (no boundary and no places).
pub async fn overview(ctx: &Ctx, limit: i64) -> WebResult<Option<MapView>> {
    // Today every place is a group's meeting place; without the groups module there are none.
    let places: Vec<MapPlace> = if ctx.state.settings.modules.groups {
        places::group_places(&ctx.state, limit).await?.iter().map(|(g, p)| MapPlace::of_group(g, p)).collect()
    } else {
        Vec::new()
    };
    if places.is_empty() && ctx.state.map_area.is_none() {
        return Ok(None);
    }
    let intro = ctx.t(if places.is_empty() { "map-empty" } else { "map-list-intro" });
    Ok(Some(MapView::new(&ctx.state, ctx.t("map-label"), intro, places, true, None)))
}

/// The neighbourhood on the map, below the posts on the home page, when it has a boundary or
/// places.
pub fn home_section(ctx: &Ctx) -> BoxFuture<'_, WebResult<Option<HomeSection>>> {
    Box::pin(async move {
        let Some(map) = overview(ctx, HOME_MAP_PLACES).await? else {
            return Ok(None);
        };
        HomeSection::render(Placement::Below, &MapSection { ctx, map }).map(Some)
    })
}

/// `GET /kaart`: the map of the neighbourhood and the list of its places.
pub async fn show(ctx: Ctx) -> WebResult<Response> {
    let map = overview(&ctx, MAP_PLACES).await?;
    Ok(page(StatusCode::OK, &MapPage { ctx: &ctx, title: ctx.t("map-title"), map }))
}

/// The group `name` and its place, when the signed-in person may change it (moderators and admins).
async fn editable_group(ctx: &Ctx, name: &str) -> WebResult<(Actor, Option<Place>)> {
    ctx.require_account()?;
    if !ctx.is_moderator() {
        return Err(WebError::Forbidden);
    }
    let mut conn = ctx.state.pool.get().await?;
    let group = crate::domain::actors::local_by_name(&mut conn, &ctx.state.settings, name)
        .await?
        .filter(|a| a.kind().is_group())
        .ok_or(WebError::NotFound)?;
    let place = Place::of_actor(&mut conn, &group).await?;
    Ok((group, place))
}

/// `GET /g/{name}/plek`: the form for where a group meets.
pub async fn edit_group_place(ctx: Ctx, Path(name): Path<String>) -> WebResult<Response> {
    let (group, place) = editable_group(&ctx, &name).await?;
    let input = PlaceInput::from_place(place.as_ref());
    Ok(place_form(&ctx, &group, &input, &FieldErrors::default(), StatusCode::OK))
}

/// `POST /g/{name}/plek`: saves the meeting place (all fields empty removes it).
pub async fn save_group_place(
    Path(name): Path<String>,
    CsrfForm { ctx, form }: CsrfForm<PlaceInput>,
) -> WebResult<Response> {
    let (group, _) = editable_group(&ctx, &name).await?;
    match places::set_group_place(&ctx.state, &group, &form).await {
        Ok(_) => Ok(Redirect::to(&format!("/g/{}", group.name_key)).into_response()),
        Err(DomainError::Invalid(errors)) => {
            Ok(place_form(&ctx, &group, &form, &errors, StatusCode::UNPROCESSABLE_ENTITY))
        }
        Err(e) => Err(e.into()),
    }
}

fn place_form(ctx: &Ctx, group: &Actor, input: &PlaceInput, errors: &FieldErrors, status: StatusCode) -> Response {
    let text = |name, label, value: &str| Field::new(ctx, FieldKind::Text, name, label, value);
    let fields = vec![
        text("place_name", "field-place-name", &input.place_name).hint(ctx, "field-place-name-hint"),
        text("street_address", "field-street-address", &input.street_address).autocomplete("street-address"),
        text("postal_code", "field-postal-code", &input.postal_code).autocomplete("postal-code"),
        text("locality", "field-locality", &input.locality).autocomplete("address-level2"),
        text("latitude", "field-latitude", &input.latitude).hint(ctx, "field-coordinates-hint").decimal(),
        text("longitude", "field-longitude", &input.longitude).decimal(),
    ];
    let path = format!("/g/{}", group.name_key);
    let form = Form::new(ctx, &format!("{path}/plek"), "place-submit", fields).with_errors(ctx, errors);
    // The picker draws the marker from the coordinate fields, so the map needs no places.
    let map = MapView::new(
        &ctx.state,
        ctx.t("place-map-label"),
        ctx.t("place-map-intro"),
        Vec::new(),
        true,
        Some(Pick { lat: "latitude", lon: "longitude", submit: false }),
    );
    let title = ctx.t1("place-title", "group", &group.display_name);
    page(status, &PlaceFormPage { ctx, title, form, map, back: path })
}
