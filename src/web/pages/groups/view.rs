//! The groups section of the home page.

use askama::Template;

use crate::db::models::actor::Actor;
use crate::web::context::Ctx;

#[derive(Template)]
#[template(path = "groups/home_section.html")]
pub struct GroupsSection<'a> {
    pub ctx: &'a Ctx,
    pub groups: Vec<Actor>,
}
