//! The unsubscribe page's template.

use askama::Template;

use crate::web::context::Ctx;

#[derive(Template)]
#[template(path = "unsubscribe/unsubscribe.html")]
pub struct UnsubscribePage<'a> {
    pub ctx: &'a Ctx,
    pub question: String,
    /// The signed link the button posts to.
    pub action: String,
}
