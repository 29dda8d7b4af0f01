//! Every page route of the server in one place.

use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use axum::middleware;
use axum::routing::{get, post};
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

use super::pages::{
    accounts, admin, error, group, health, home, interaction, map, oauth, post, profile, settings, statement,
};
use crate::state::AppState;

/// Form posts of pages are small; forms with images get the upload limit.
const FORM_BODY_LIMIT: usize = 64 * 1024;

pub fn router(state: AppState) -> Router {
    let server = &state.settings.server;
    let uploads = DefaultBodyLimit::max(crate::media::upload_body_limit(&state.settings));
    let pages = Router::new()
        .route("/", get(home::show))
        .route("/schrijven", post(home::compose).layer(uploads))
        .route("/g/{name}/bewerken", get(group::edit_page).post(group::save).layer(uploads))
        .route("/u/{name}", get(profile::person))
        .route("/g/{name}", get(profile::group))
        .route("/u/{name}/volgen", post(profile::follow_person))
        .route("/g/{name}/volgen", post(profile::follow_group))
        .route("/u/{name}/op-afstand", post(profile::remote_person))
        .route("/g/{name}/op-afstand", post(profile::remote_group))
        .route("/g/{name}/plek", get(map::edit_group_place).post(map::save_group_place))
        .route("/kaart", get(map::show))
        .route("/p/{id}", get(post::show))
        .route("/registreren", get(accounts::register_page).post(accounts::register))
        .route("/inloggen", get(accounts::login_page).post(accounts::login))
        .route("/uitloggen", post(accounts::logout))
        .route("/instellingen", get(settings::settings_page).post(settings::save_settings).layer(uploads))
        .route("/instellingen/wachtwoord", get(settings::password_page).post(settings::change_password))
        .route("/taal", post(settings::switch_language))
        .route("/toegankelijkheid", get(statement::show))
        .route("/oauth/authorize", get(oauth::show).post(oauth::decide))
        .route("/authorize_interaction", get(interaction::show).post(interaction::follow))
        .route("/beheer/aanmeldingen", get(admin::registrations))
        .route("/beheer/aanmeldingen/{id}", post(admin::decide))
        .route("/beheer/uitnodigingen", get(admin::invites).post(admin::create_invite))
        .fallback(error::not_found)
        .layer(DefaultBodyLimit::max(FORM_BODY_LIMIT.min(server.max_body_bytes)))
        .layer(middleware::from_fn_with_state(state.clone(), super::context::page_middleware));

    Router::new()
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/static/{file}", get(super::assets::serve))
        .route("/eigen/{file}", get(super::assets::serve_own))
        .route("/media/proxy", get(crate::media::http::proxy))
        .route("/media/{key}", get(crate::media::http::serve))
        .merge(crate::apub::routes::router(&state))
        .merge(crate::api::routes::router(&state.settings))
        .merge(pages)
        .layer(DefaultBodyLimit::max(server.max_body_bytes))
        // Inside the signed-fetch check, so a refused request is refused before any cache.
        .layer(middleware::from_fn_with_state(state.public_cache.clone(), crate::public_cache::middleware))
        .layer(middleware::from_fn_with_state(state.clone(), crate::apub::http::signed_fetch_middleware))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(server.request_timeout_secs),
        ))
        .layer(CatchPanicLayer::new())
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}
