//! Events (activiteiten): the agendas, an event's page and ActivityPub actor (`/e/{name}`),
//! answering it, calendar feeds, and the upcoming events on the home page.

use super::Module;
use crate::web::layout::NavEntry;

mod routes;

pub const MODULE: Module = Module {
    name: "events",
    enabled: |m| m.events,
    pages: routes::pages,
    api: routes::api,
    activitypub: routes::activitypub,
    nav: &[NavEntry { href: "/activiteiten", label: "nav-events" }],
    home: &[crate::web::pages::events::home_section],
    activitypub_types: &["Event", "Join", "Leave"],
};
