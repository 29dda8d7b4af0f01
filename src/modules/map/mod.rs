//! The map: the neighbourhood map page, the map on the home page and the meeting places of
//! groups.

use super::Module;
use crate::web::layout::NavEntry;

mod routes;

pub const MODULE: Module = Module {
    name: "map",
    enabled: |m| m.map,
    pages: routes::pages,
    api: routes::api,
    activitypub: routes::activitypub,
    nav: &[NavEntry { href: "/kaart", label: "nav-map" }],
    home: &[crate::web::pages::map::home_section],
    activitypub_types: &["Place"],
};
