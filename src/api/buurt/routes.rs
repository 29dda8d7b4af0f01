//! Every route of Buurt's API in one place: each is registered through `routes!`, which also
//! puts it in the OpenAPI document.

use std::sync::Arc;

use axum::Router;
use axum::middleware;
use axum::routing::any;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{PREFIX, groups, media, openapi};
use crate::api::error::{method_not_allowed, unknown_endpoint};
use crate::state::AppState;
use crate::web::i18n::Lang;

/// The routes under [`PREFIX`] with their description.
pub fn api(settings: &crate::config::Settings) -> OpenApiRouter<AppState> {
    let v1 = OpenApiRouter::new().routes(routes!(openapi::document)).merge(groups::api()).merge(media::api(settings));
    OpenApiRouter::with_openapi(openapi::BaseDoc::openapi()).nest(PREFIX, v1)
}

pub fn router(settings: &crate::config::Settings) -> Router<AppState> {
    let offered: Arc<[Lang]> = settings.instance.languages.iter().filter_map(|c| Lang::parse(c)).collect();
    let (routes, _) = api(settings).split_for_parts();
    routes
        .method_not_allowed_fallback(method_not_allowed)
        .route("/api/buurt", any(unknown_endpoint))
        .route("/api/buurt/{*rest}", any(unknown_endpoint))
        .layer(middleware::from_fn_with_state(offered, super::errors::middleware))
}
