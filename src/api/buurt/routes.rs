//! Every route of Buurt's API in one place: each is registered through `routes!`, which also
//! puts it in the OpenAPI document.

use std::sync::Arc;

use axum::Router;
use axum::middleware;
use axum::routing::any;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{
    PREFIX, admin, controls, federation, media, moderation, notification_preferences, openapi, privacy, reports,
};
use crate::api::error::{method_not_allowed, unknown_endpoint};
use crate::i18n::Lang;
use crate::state::AppState;

/// The routes under [`PREFIX`] with their description: the core's and `modules`' (the routes
/// of the modules that are on, relative to [`PREFIX`]).
pub fn api(settings: &crate::config::Settings, modules: OpenApiRouter<AppState>) -> OpenApiRouter<AppState> {
    let v1 = OpenApiRouter::new()
        .routes(routes!(openapi::document))
        .merge(media::api(settings))
        .merge(notification_preferences::api())
        .merge(moderation::api())
        .merge(controls::api())
        .merge(federation::api())
        .merge(reports::api())
        .merge(admin::api())
        .merge(privacy::api())
        .merge(modules);
    OpenApiRouter::with_openapi(openapi::BaseDoc::openapi()).nest(PREFIX, v1)
}

pub fn router(settings: &crate::config::Settings, modules: OpenApiRouter<AppState>) -> Router<AppState> {
    let offered: Arc<[Lang]> = settings.instance.languages.iter().filter_map(|c| Lang::parse(c)).collect();
    let (routes, document) = api(settings, modules).split_for_parts();
    let document = Arc::new(serde_json::to_value(&document).unwrap_or_default());
    routes
        .layer(axum::Extension(openapi::Document(document)))
        .method_not_allowed_fallback(method_not_allowed)
        .route("/api/buurt", any(unknown_endpoint))
        .route("/api/buurt/{*rest}", any(unknown_endpoint))
        .layer(middleware::from_fn_with_state(offered, super::errors::middleware))
}
