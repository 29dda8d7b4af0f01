//! The privacy pages' templates.

use askama::Template;

use crate::web::context::Ctx;

#[derive(Template)]
#[template(path = "privacy/statement.html")]
pub struct StatementPage<'a> {
    pub ctx: &'a Ctx,
    /// Who runs the instance (`privacy.controller`, else the instance's name).
    pub controller: String,
    /// Empty when not configured.
    pub address: String,
    pub dpo: String,
    pub contact: String,
    /// What is stored, as message keys.
    pub stored: &'static [&'static str],
    pub received_days: i64,
    pub outbox_days: i64,
    pub notifications_days: i64,
}

#[derive(Template)]
#[template(path = "privacy/data.html")]
pub struct DataPage<'a> {
    pub ctx: &'a Ctx,
    /// What the download holds, as message keys.
    pub contents: &'static [&'static str],
}

#[derive(Template)]
#[template(path = "privacy/delete.html")]
pub struct DeletePage<'a> {
    pub ctx: &'a Ctx,
    /// The choice sent (`remove`, `anonymise` or empty).
    pub content: String,
    pub password_error: Option<String>,
    pub content_error: Option<String>,
    pub error_summary: Option<String>,
}
