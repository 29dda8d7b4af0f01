//! Every route of the events module.

use axum::Router;
use axum::routing::{get, post};
use utoipa_axum::router::OpenApiRouter;

use crate::apub::http;
use crate::state::AppState;
use crate::web::pages::events::{self, feeds, form};

pub fn pages(_state: &AppState) -> Router<AppState> {
    Router::new()
        .route("/activiteiten", get(events::instance_agenda))
        .route("/activiteiten.ics", get(feeds::instance_ics))
        .route("/activiteiten.atom", get(feeds::instance_atom))
        .route("/activiteiten/nieuw", get(form::new_page).post(form::create))
        .route("/mijn-agenda", get(events::mine))
        .route("/mijn-agenda/link", post(events::new_feed))
        .route("/ical/{token}", get(feeds::personal_ics))
        .route("/plekken/{id}", get(events::place))
        .route("/g/{name}/activiteiten", get(events::group_agenda))
        .route("/g/{name}/activiteiten.ics", get(feeds::group_ics))
        .route("/g/{name}/activiteiten.atom", get(feeds::group_atom))
        // HTML for browsers, the Event (and its actor) for fediverse software.
        .route("/e/{name}", get(events::show))
        .route("/e/{name}/agenda.ics", get(feeds::event_ics))
        .route("/e/{name}/bewerken", get(form::edit_page).post(form::save))
        .route("/e/{name}/aanmelden", post(events::answer))
        .route("/e/{name}/annuleren", post(events::cancel))
        .route("/e/{name}/verwijderen", post(events::delete))
        .route("/e/{name}/deelnemers", get(events::participants).post(events::decide))
}

/// Buurt's own API for events (`/api/buurt/v1/events`).
pub fn api(_state: &AppState) -> OpenApiRouter<AppState> {
    crate::api::buurt::events::api()
}

pub fn activitypub(state: &AppState) -> Router<AppState> {
    Router::new()
        .route("/e/{name}/outbox", get(http::outbox))
        .route("/e/{name}/followers", get(http::followers))
        .merge(crate::apub::routes::personal_inbox(state, "/e/{name}/inbox"))
}
