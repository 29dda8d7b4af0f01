//! Neighbourhood pages: a neighbourhood's part of its group page (its boundary on the map, the
//! groups and organisations in it, how many residents live there), the resident's own
//! neighbourhood first on the home page, and `/instellingen/buurt`, where a resident picks
//! their home neighbourhood from the list, by clicking the map or by postcode.

use axum::extract::Query;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use futures_util::future::BoxFuture;
use serde::Deserialize;

use crate::db::models::actor::{Actor, ActorId};
use crate::db::models::group_profile::{GroupKind, GroupProfile};
use crate::domain::DomainError;
use crate::domain::groups::Group;
use crate::domain::neighbourhoods::{self, HomeChoice};
use crate::domain::validate::FieldErrors;
use crate::web::context::Ctx;
use crate::web::error::WebResult;
use crate::web::form::{CsrfForm, Field, FieldKind, Form};
use crate::web::layout::{HomeSection, Placement};
use crate::web::map::{MapPlace, MapView, Pick};
use crate::web::page::page;

pub mod view;
use view::{GroupItem, HomeSectionView, NeighbourhoodPart, ProfilePart, SettingsPage};

/// Groups listed on a neighbourhood's page.
const GROUPS_SHOWN: i64 = 200;
/// Threads of the resident's neighbourhood on the home page.
const HOME_THREADS: i64 = 5;

fn href(actor: &Actor) -> String {
    format!("/g/{}", actor.name_key)
}

/// What a group's page shows about neighbourhoods, rendered: for a neighbourhood its map,
/// groups and residents; for a group in one, a link to it; otherwise nothing.
pub async fn profile_part(ctx: &Ctx, group: &Group) -> WebResult<Option<String>> {
    let part = if group.profile.kind() == GroupKind::Neighbourhood {
        itself(ctx, group).await?
    } else if let Some(id) = group.profile.neighbourhood_id {
        let actor = Actor::by_id(&mut ctx.state.pool.get().await?, id).await?;
        match actor.filter(|a| a.local && !a.deleted) {
            Some(n) => NeighbourhoodPart::BelongsTo(href(&n), n.shown_name()),
            None => return Ok(None),
        }
    } else {
        return Ok(None);
    };
    let html = askama::Template::render(&ProfilePart { ctx, part })
        .map_err(|e| crate::web::error::WebError::Internal(format!("neighbourhood part: {e}")))?;
    Ok(Some(html))
}

async fn itself(ctx: &Ctx, group: &Group) -> WebResult<NeighbourhoodPart> {
    let residents = {
        let mut conn = ctx.state.pool.get().await?;
        GroupProfile::residents(&mut conn, group.actor.id).await?
    };
    let members = neighbourhoods::groups_in(&ctx.state, group.actor.id, GROUPS_SHOWN).await?;
    let groups: Vec<GroupItem> = members
        .iter()
        .map(|g| GroupItem {
            href: href(&g.actor),
            name: g.actor.shown_name(),
            kind: ctx.t(&format!("group-kind-{}", g.profile.kind().as_str())),
        })
        .collect();
    // The meeting places of its groups, on the map with its boundary (the map module's part).
    let map = if ctx.state.settings.modules.map {
        let places: Vec<MapPlace> = if members.iter().any(|g| g.actor.place_id.is_some()) {
            let ids: std::collections::HashSet<ActorId> = members.iter().map(|g| g.actor.id).collect();
            crate::domain::places::group_places(&ctx.state, crate::web::pages::map::MAP_PLACES)
                .await?
                .iter()
                .filter(|(g, _)| ids.contains(&g.id))
                .map(|(g, p)| MapPlace::of_group(g, p))
                .collect()
        } else {
            Vec::new()
        };
        let boundary = neighbourhoods::boundary(&group.profile);
        (boundary.is_some() || !places.is_empty()).then(|| {
            let label = ctx.t1("neighbourhood-map-label", "name", &group.actor.display_name);
            let intro =
                ctx.t(if places.is_empty() { "neighbourhood-map-intro-empty" } else { "neighbourhood-map-intro" });
            Box::new(MapView::with_area(&ctx.state, label, intro, places, boundary.as_ref(), None))
        })
    } else {
        None
    };
    Ok(NeighbourhoodPart::Itself {
        map,
        groups,
        residents: ctx.t_count("neighbourhood-residents", residents),
        code: group.profile.code.clone(),
    })
}

/// The signed-in resident's neighbourhood with its latest posts, first on the home page; a
/// prompt to choose one when the instance has neighbourhoods and they have not.
pub fn home_section(ctx: &Ctx) -> BoxFuture<'_, WebResult<Option<HomeSection>>> {
    Box::pin(async move {
        let Some(account) = &ctx.account else { return Ok(None) };
        let mut conn = ctx.state.pool.get().await?;
        let Some(home) = neighbourhoods::home_of(&mut conn, account).await? else {
            if !GroupProfile::has_neighbourhoods(&mut conn).await? {
                return Ok(None);
            }
            let view = HomeSectionView { ctx, home: None, residents: String::new(), discussions: None };
            return HomeSection::render(Placement::First, &view).map(Some);
        };
        let residents = GroupProfile::residents(&mut conn, home.actor.id).await?;
        drop(conn);
        let discussions = crate::web::pages::groups::discussions::section(ctx, &home.actor, HOME_THREADS).await?;
        let view = HomeSectionView {
            ctx,
            home: Some((href(&home.actor), home.actor.shown_name())),
            residents: ctx.t_count("neighbourhood-residents", residents),
            discussions: Some(discussions),
        };
        HomeSection::render(Placement::First, &view).map(Some)
    })
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ChoiceForm {
    /// `list`, `map` or `postcode`: which form was sent.
    by: String,
    neighbourhood: String,
    latitude: String,
    longitude: String,
    postcode: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct SavedQuery {
    gekozen: String,
}

/// `GET /instellingen/buurt`.
pub async fn settings_page(ctx: Ctx, Query(q): Query<SavedQuery>) -> WebResult<Response> {
    let account = ctx.require_account()?;
    let current = neighbourhoods::home_of(&mut ctx.state.pool.get().await?, account).await?.map(|g| g.actor.name_key);
    let form = ChoiceForm { neighbourhood: current.unwrap_or_default(), ..Default::default() };
    let notice = match q.gekozen.as_str() {
        "" => None,
        "geen" => Some(ctx.t("home-choice-cleared")),
        _ => Some(ctx.t("home-choice-saved")),
    };
    render(&ctx, &form, &FieldErrors::default(), notice, StatusCode::OK).await
}

/// `POST /instellingen/buurt`: one of the three forms; a refused choice changes nothing.
pub async fn save(CsrfForm { ctx, form }: CsrfForm<ChoiceForm>) -> WebResult<Response> {
    let account = ctx.require_account()?;
    let choice = match form.by.as_str() {
        "map" => HomeChoice::Point { latitude: form.latitude.clone(), longitude: form.longitude.clone() },
        "postcode" => HomeChoice::Postcode(form.postcode.clone()),
        _ if form.neighbourhood.trim().is_empty() => HomeChoice::Clear,
        _ => HomeChoice::Name(form.neighbourhood.clone()),
    };
    match neighbourhoods::set_home(&ctx.state, account, &choice).await {
        Ok(Some(_)) => Ok(Redirect::to("/instellingen/buurt?gekozen=1").into_response()),
        Ok(None) => Ok(Redirect::to("/instellingen/buurt?gekozen=geen").into_response()),
        Err(DomainError::Invalid(errors)) => render(&ctx, &form, &errors, None, StatusCode::UNPROCESSABLE_ENTITY).await,
        Err(e) => Err(e.into()),
    }
}

async fn render(
    ctx: &Ctx,
    form: &ChoiceForm,
    errors: &FieldErrors,
    notice: Option<String>,
    status: StatusCode,
) -> WebResult<Response> {
    let account = ctx.require_account()?;
    let (current, list, boundaries) = {
        let mut conn = ctx.state.pool.get().await?;
        let current = neighbourhoods::home_of(&mut conn, account).await?;
        (current, neighbourhoods::names(&mut conn).await?, GroupProfile::boundaries(&mut conn).await?)
    };
    let mut options = vec![(String::new(), ctx.t("home-choice-no-home"))];
    options.extend(list.iter().map(|n| (n.name_key.clone(), n.shown_name())));
    let select = Field::new(ctx, FieldKind::Select, "neighbourhood", "field-home-neighbourhood", &form.neighbourhood)
        .options(options);
    let list_form = Form::new(ctx, "/instellingen/buurt", "home-choice-list-submit", vec![select])
        .hidden("by", "list")
        .with_errors(ctx, errors);
    let coordinates = vec![
        Field::new(ctx, FieldKind::Text, "latitude", "field-latitude", &form.latitude)
            .hint(ctx, "field-home-coordinates-hint")
            .decimal()
            .required(),
        Field::new(ctx, FieldKind::Text, "longitude", "field-longitude", &form.longitude).decimal().required(),
    ];
    let click = Form::new(ctx, "/instellingen/buurt", "home-choice-map-submit", coordinates)
        .hidden("by", "map")
        .with_errors(ctx, errors);
    let postcode = (!ctx.state.settings.map.geocoder_url.is_empty()).then(|| {
        let field = Field::new(ctx, FieldKind::Text, "postcode", "field-home-postcode", &form.postcode)
            .hint(ctx, "field-home-postcode-hint")
            .autocomplete("postal-code")
            .required();
        Form::new(ctx, "/instellingen/buurt", "home-choice-postcode-submit", vec![field])
            .hidden("by", "postcode")
            .with_errors(ctx, errors)
    });
    let map = (ctx.state.settings.modules.map && !boundaries.is_empty()).then(|| {
        let features: Vec<serde_json::Value> = boundaries
            .iter()
            .filter_map(|(_, text)| serde_json::from_str::<serde_json::Value>(text).ok())
            .map(|geometry| serde_json::json!({"type": "Feature", "properties": {}, "geometry": geometry}))
            .collect();
        let area = serde_json::json!({"type": "FeatureCollection", "features": features});
        let pick = Pick { lat: "latitude", lon: "longitude", submit: true };
        MapView::with_area(
            &ctx.state,
            ctx.t("home-choice-map-label"),
            ctx.t("home-choice-map-list"),
            Vec::new(),
            Some(&area),
            Some(pick),
        )
    });
    let view = SettingsPage {
        ctx,
        current: current.map(|g| (href(&g.actor), g.actor.shown_name())),
        notice,
        list: list_form,
        click,
        map,
        postcode,
        none: list.is_empty(),
    };
    Ok(page(status, &view))
}
