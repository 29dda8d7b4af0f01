//! Every route of the groups module.

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use utoipa_axum::router::OpenApiRouter;

use crate::apub::http;
use crate::state::AppState;
use crate::web::pages::{blocks, groups, neighbourhoods, profile, reports};

pub fn pages(state: &AppState) -> Router<AppState> {
    let uploads = DefaultBodyLimit::max(crate::media::upload_body_limit(&state.settings));
    Router::new()
        // HTML for browsers, the Group actor for fediverse software.
        .route("/g/{name}", get(profile::group))
        .route("/g/{name}/bewerken", get(groups::edit_page).post(groups::save).layer(uploads))
        .route("/g/{name}/volgen", post(profile::follow_group))
        .route("/g/{name}/op-afstand", post(profile::remote_group))
        .route("/g/{name}/blokkeren", get(blocks::confirm_group).post(blocks::act_group))
        .route("/groepen", get(groups::directory::list))
        .route("/groepen/nieuw", get(groups::directory::new_page).post(groups::directory::create))
        .route("/g/{name}/leden", get(groups::members::page_of))
        .route("/g/{name}/leden/{member}", post(groups::members::act))
        .route("/g/{name}/lid-worden", post(groups::members::join))
        .route("/g/{name}/opzeggen", post(groups::members::leave))
        .route("/g/{name}/uitnodigen", post(groups::members::invite))
        .route("/g/{name}/status", post(groups::members::set_status))
        .route("/g/{name}/verwijderen", post(groups::members::delete))
        .route("/g/{name}/gesprekken/nieuw", get(groups::discussions::new_page).post(groups::discussions::create))
        .route("/p/{id}/gesprek", post(groups::discussions::act))
        .route("/p/{id}/bewerken", get(groups::discussions::edit_page).post(groups::discussions::edit))
        .route("/instellingen/buurt", get(neighbourhoods::settings_page).post(neighbourhoods::save))
        .route("/g/{name}/uitnodigingen", get(groups::invitations::page_of).post(groups::invitations::create_link))
        .route("/g/{name}/uitnodigingen/e-mail", post(groups::invitations::create_mail))
        .route("/g/{name}/uitnodiging/{code}", get(groups::invitations::landing).post(groups::invitations::redeem))
        .route("/groepen/uitnodigingen", get(groups::invitations::mine))
        .route("/groepen/uitnodigingen/{group}", post(groups::invitations::answer))
        .route("/g/{name}/meldingen", get(reports::queue::group_queue))
        .route("/g/{name}/meldingen/{id}", get(reports::queue::group_detail).post(reports::queue::group_act))
}

/// Buurt's own API for groups (`/api/buurt/v1/groups`).
pub fn api(_state: &AppState) -> OpenApiRouter<AppState> {
    crate::api::buurt::groups::api()
        .merge(crate::api::buurt::group_members::api())
        .merge(crate::api::buurt::discussions::api())
        .merge(crate::api::buurt::neighbourhoods::api())
        .merge(crate::api::buurt::group_admin::api())
}

pub fn activitypub(state: &AppState) -> Router<AppState> {
    Router::new()
        .route("/g/{name}/outbox", get(http::outbox))
        .route("/g/{name}/followers", get(http::followers))
        .route("/g/{name}/following", get(http::following))
        .route("/g/{name}/featured", get(http::featured))
        .route("/g/{name}/members", get(http::members))
        .route("/g/{name}/moderators", get(http::moderators))
        .merge(crate::apub::routes::personal_inbox(state, "/g/{name}/inbox"))
}
