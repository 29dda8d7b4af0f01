//! Every federation route of the server in one place. Actor pages (`/u/{name}`, `/g/{name}`)
//! are in `web/routes.rs`: the same URL serves HTML or JSON by content negotiation.

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};

use super::{discovery, http, inbox};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/.well-known/webfinger", get(discovery::webfinger))
        .route("/.well-known/nodeinfo", get(discovery::nodeinfo_links))
        .route("/.well-known/host-meta", get(discovery::host_meta))
        .route("/nodeinfo/{version}", get(discovery::nodeinfo))
        .route("/actor", get(http::instance_actor))
        .route("/u/{name}/outbox", get(http::outbox))
        .route("/g/{name}/outbox", get(http::outbox))
        .route("/u/{name}/followers", get(http::followers))
        .route("/g/{name}/followers", get(http::followers))
        .route("/u/{name}/following", get(http::following))
        .route("/g/{name}/following", get(http::following))
        .route("/u/{name}/featured", get(http::featured))
        .route("/g/{name}/featured", get(http::featured))
        .route("/p/{id}/activity", get(http::post_activity))
        .route("/activities/{kind}/{token}", get(http::activity))
        .route("/inbox", post(inbox::shared))
        .route("/actor/inbox", post(inbox::shared))
        .route("/u/{name}/inbox", post(inbox::personal))
        .route("/g/{name}/inbox", post(inbox::personal))
        .layer(DefaultBodyLimit::max(inbox::MAX_ACTIVITY_BYTES))
}
