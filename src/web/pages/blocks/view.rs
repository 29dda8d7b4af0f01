//! The block-and-mute page's template.

use askama::Template;

use crate::web::context::Ctx;

#[derive(Template)]
#[template(path = "blocks/confirm.html")]
pub struct ConfirmPage<'a> {
    pub ctx: &'a Ctx,
    pub title: String,
    /// Where the buttons post.
    pub action: String,
    /// The profile, to go back.
    pub profile: String,
    pub is_group: bool,
    pub blocking: bool,
    pub muting: bool,
    pub notice: Option<String>,
}
