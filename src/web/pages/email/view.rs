//! The templates of the pages behind the links in account mails.

use askama::Template;

use crate::web::context::Ctx;

/// A message with links on (sign in, ask for a new link) and the way home.
#[derive(Template)]
#[template(path = "email/message.html")]
pub struct LinkPage<'a> {
    pub ctx: &'a Ctx,
    pub title: String,
    pub paragraphs: Vec<String>,
    /// (href, text)
    pub links: Vec<(String, String)>,
}

/// The e-mail settings: the current address, whether it is confirmed, and the change form.
#[derive(Template)]
#[template(path = "email/change.html")]
pub struct ChangePage<'a> {
    pub ctx: &'a Ctx,
    pub notice: Option<String>,
    pub current: String,
    pub confirmed: bool,
    pub form: crate::web::form::Form,
}
