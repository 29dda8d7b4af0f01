//! The error page's template.

use askama::Template;

use crate::web::context::Ctx;

#[derive(Template)]
#[template(path = "error/error.html")]
pub struct ErrorTemplate<'a> {
    pub ctx: &'a Ctx,
    pub status: u16,
    pub title: String,
    pub message: String,
}
