//! The home page's template.

use askama::Template;

use crate::web::context::Ctx;
use crate::web::form::Form;
use crate::web::page::Image;

#[derive(Template)]
#[template(path = "home/home.html")]
pub struct HomePage<'a> {
    pub ctx: &'a Ctx,
    pub description: String,
    pub members: i64,
    pub posts: Vec<HomePost>,
    /// Signed in: recent posts of whom the resident follows, and their own.
    pub followed: Vec<HomePost>,
    /// The form to write a post, for signed-in residents.
    pub compose: Option<Form>,
    /// Sections of modules above everything (rendered HTML): the resident's neighbourhood.
    pub first: Vec<String>,
    /// Sections of modules beside the posts (rendered HTML).
    pub aside: Vec<String>,
    /// Sections of modules below the posts (rendered HTML).
    pub below: Vec<String>,
}

/// A post as the home page lists it.
pub struct HomePost {
    pub path: String,
    pub author: String,
    pub author_path: String,
    /// Sanitized HTML.
    pub content: String,
    pub published: String,
    pub images: Vec<Image>,
    /// Its page here, where residents reply, like and share.
    pub thread_path: String,
    /// Replies anyone may see.
    pub replies: i64,
}
