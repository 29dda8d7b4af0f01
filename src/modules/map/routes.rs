//! Every route of the map module.

use axum::Router;
use axum::routing::get;
use utoipa_axum::router::OpenApiRouter;

use crate::state::AppState;
use crate::web::pages::map;

pub fn pages(state: &AppState) -> Router<AppState> {
    let routes = Router::new().route("/kaart", get(map::show));
    // A meeting place belongs to a group: without groups there is none to set.
    if state.settings.modules.groups {
        routes.route("/g/{name}/plek", get(map::edit_group_place).post(map::save_group_place))
    } else {
        routes
    }
}

pub fn api(_state: &AppState) -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
}

/// Places travel inside the objects that have them (a Group's `location`); they have no
/// addresses of their own yet.
pub fn activitypub(_state: &AppState) -> Router<AppState> {
    Router::new()
}
