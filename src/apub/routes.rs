//! Every federation route of the server in one place. Actor pages (`/u/{name}`, `/g/{name}`)
//! are in `web/routes.rs`: the same URL serves HTML or JSON by content negotiation.

use axum::Router;
use axum::routing::get;

use super::{discovery, http};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/.well-known/webfinger", get(discovery::webfinger))
        .route("/.well-known/nodeinfo", get(discovery::nodeinfo_links))
        .route("/.well-known/host-meta", get(discovery::host_meta))
        .route("/nodeinfo/{version}", get(discovery::nodeinfo))
        .route("/actor", get(http::instance_actor))
}
