//! The client APIs' routes: Mastodon's, Buurt's, and a JSON 404 for every other path under `/api/`.

use axum::Router;
use axum::routing::any;
use utoipa_axum::router::OpenApiRouter;

use super::error::unknown_endpoint;
use crate::state::AppState;

/// `modules`: the routes of Buurt's API that the modules that are on add.
pub fn router(settings: &crate::config::Settings, modules: OpenApiRouter<AppState>) -> Router<AppState> {
    // Without these, an unknown API path would get the HTML page of the site's fallback, which
    // client libraries cannot read as an error (masto.js throws a TypeError on it).
    let unknown = Router::new().route("/api", any(unknown_endpoint)).route("/api/{*rest}", any(unknown_endpoint));
    super::mastodon::routes::router(settings).merge(unknown).merge(super::buurt::routes::router(settings, modules))
}
