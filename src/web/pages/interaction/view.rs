//! The remote interaction page's template.

use askama::Template;

use crate::web::context::Ctx;

#[derive(Template)]
#[template(path = "interaction/interaction.html")]
pub struct InteractionPage<'a> {
    pub ctx: &'a Ctx,
    /// What was asked for, sent back with the follow form.
    pub uri: String,
    pub title: String,
    pub handle: String,
    /// Sanitized HTML (a profile summary or a post).
    pub content: String,
    pub link: String,
    pub can_follow: bool,
    pub following: bool,
    pub requested: bool,
}
