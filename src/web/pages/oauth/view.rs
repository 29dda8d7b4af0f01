//! The authorization page's template.

use askama::Template;

use crate::web::context::Ctx;

#[derive(Template)]
#[template(path = "oauth/authorize.html")]
pub struct AuthorizePage<'a> {
    pub ctx: &'a Ctx,
    pub app_name: String,
    pub scopes: Vec<String>,
    pub hidden: Vec<(&'static str, String)>,
}
