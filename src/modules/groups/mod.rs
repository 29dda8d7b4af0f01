//! Groups: a group's page and ActivityPub actor (`/g/{name}`), editing and following it, and
//! the list of groups on the home page.

use super::Module;
use crate::web::layout::NavEntry;

mod routes;

pub const MODULE: Module = Module {
    name: "groups",
    enabled: |m| m.groups,
    pages: routes::pages,
    api: routes::api,
    activitypub: routes::activitypub,
    nav: &[NavEntry { href: "/groepen", label: "nav-groups" }],
    // The resident's own neighbourhood (placed first on the page), and the list of groups.
    home: &[crate::web::pages::neighbourhoods::home_section, crate::web::pages::groups::home_section],
    activitypub_types: &["Group"],
};
