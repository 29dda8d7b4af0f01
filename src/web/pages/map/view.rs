//! The map page, the map section of the home page and the form for a group's meeting place.

use askama::Template;

use crate::web::context::Ctx;
use crate::web::form::Form;

#[derive(Template)]
#[template(path = "map/map_page.html")]
pub struct MapPage<'a> {
    pub ctx: &'a Ctx,
    pub title: String,
    /// `None` when there is no boundary and no place yet.
    pub map: Option<crate::web::map::MapView>,
}

/// A form with a map to pick a location on (a group's meeting place).
#[derive(Template)]
#[template(path = "map/place_form.html")]
pub struct PlaceFormPage<'a> {
    pub ctx: &'a Ctx,
    pub title: String,
    pub form: Form,
    pub map: crate::web::map::MapView,
    /// Where "back" goes.
    pub back: String,
}

/// The neighbourhood map on the home page.
#[derive(Template)]
#[template(path = "map/home_section.html")]
pub struct MapSection<'a> {
    pub ctx: &'a Ctx,
    pub map: crate::web::map::MapView,
}
