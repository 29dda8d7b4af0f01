//! The moderation pages' templates.

use askama::Template;

use crate::web::context::Ctx;
use crate::web::form::Form;

/// A decision in the public log.
pub struct LogRow {
    pub date: String,
    pub what: String,
    pub ground: String,
    /// The group (path, name); none: the whole platform.
    pub group: Option<(String, String)>,
    /// "undone on …".
    pub reversed: Option<String>,
}

#[derive(Template)]
#[template(path = "moderation/log.html")]
pub struct LogPage<'a> {
    pub ctx: &'a Ctx,
    pub rows: Vec<LogRow>,
    /// The id to page on from, when there are older decisions.
    pub older: Option<i64>,
}

#[derive(Template)]
#[template(path = "moderation/statement.html")]
pub struct StatementPage<'a> {
    pub ctx: &'a Ctx,
    pub title: String,
    pub date: String,
    pub group: Option<String>,
    pub ground: String,
    pub facts: String,
    pub excerpt: Option<String>,
    pub undone: Option<String>,
    /// How to appeal (for the person affected).
    pub redress: Option<String>,
    /// Where the appeal stands.
    pub appeal: Option<String>,
    pub appeal_form: Option<Form>,
    pub reverse_form: Option<Form>,
}

/// An open appeal in the admins' list.
pub struct AppealRow {
    pub id: i64,
    pub statement: String,
    pub what: String,
    pub date: String,
    pub text: String,
}

#[derive(Template)]
#[template(path = "moderation/appeals.html")]
pub struct AppealsPage<'a> {
    pub ctx: &'a Ctx,
    pub rows: Vec<AppealRow>,
}
