//! The accessibility statement's template.

use askama::Template;

use crate::web::context::Ctx;

#[derive(Template)]
#[template(path = "statement/statement.html")]
pub struct StatementPage<'a> {
    pub ctx: &'a Ctx,
    /// Empty when none is configured.
    pub contact: String,
}
