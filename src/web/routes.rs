//! The core's page routes, and the root router that joins them with the federation, client
//! API and static routes and with the routes of the modules that are on (`crate::modules`).

use std::sync::Arc;
use std::time::Duration;

use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use axum::middleware;
use axum::routing::{get, post};
use axum::{Extension, Router};
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

use super::layout::Layout;
use super::pages::{accounts, admin, error, health, home, interaction, oauth, posts, profile, settings, statement};
use crate::state::AppState;

/// Form posts of pages are small; forms with images get the upload limit.
const FORM_BODY_LIMIT: usize = 64 * 1024;

/// What the modules that are on add (see `crate::modules`).
pub struct Mounted {
    /// Pages: they get the page context, CSRF and error pages like the core's.
    pub pages: Router<AppState>,
    pub api: Router<AppState>,
    pub activitypub: Router<AppState>,
    /// Navigation entries and home-page sections.
    pub layout: Layout,
}

pub fn router(state: AppState, modules: Mounted) -> Router {
    let server = &state.settings.server;
    let uploads = DefaultBodyLimit::max(crate::media::upload_body_limit(&state.settings));
    let pages = Router::new()
        .route("/", get(home::show))
        .route("/schrijven", post(home::compose).layer(uploads))
        .route("/u/{name}", get(profile::person))
        .route("/u/{name}/volgen", post(profile::follow_person))
        .route("/u/{name}/op-afstand", post(profile::remote_person))
        .route("/p/{id}", get(posts::show))
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
        .merge(modules.pages)
        .fallback(error::not_found)
        .layer(DefaultBodyLimit::max(FORM_BODY_LIMIT.min(server.max_body_bytes)))
        .layer(middleware::from_fn_with_state(state.clone(), super::context::page_middleware))
        // Outside the page middleware, which reads it for error pages.
        .layer(Extension(Arc::new(modules.layout)));

    Router::new()
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/static/{file}", get(super::assets::serve))
        .route("/eigen/{file}", get(super::assets::serve_own))
        .route("/media/proxy", get(crate::media::http::proxy))
        .route("/media/{key}", get(crate::media::http::serve))
        .merge(crate::apub::routes::router(&state))
        .merge(modules.activitypub)
        .merge(crate::api::routes::router(&state.settings))
        .merge(modules.api)
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
