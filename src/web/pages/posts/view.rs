//! The post page's template.

use askama::Template;

use crate::web::context::Ctx;
use crate::web::page::Image;

#[derive(Template)]
#[template(path = "posts/post.html")]
pub struct PostPage<'a> {
    pub ctx: &'a Ctx,
    pub view: crate::db::models::post::PostView,
    pub published: String,
    pub handle: String,
    pub images: Vec<Image>,
}
