//! What every page shares: the renderer, the generic form and message pages, and images as a
//! page shows them. A page's own template structs live in its area, `pages/<area>/view.rs`.

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

use super::context::Ctx;
use super::form::Form;

/// Renders a template into a page response, or a 500 when the template fails.
pub fn page(status: StatusCode, template: &impl Template) -> Response {
    match template.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response()
        }
    }
}

/// An image as a page shows it.
#[derive(Debug, Clone)]
pub struct Image {
    /// What the image is (a caption; may be empty for photos with alt text).
    pub caption: String,
    pub src: String,
    /// Link to the full size.
    pub href: String,
    pub alt: String,
    pub width: Option<i32>,
    pub height: Option<i32>,
}

impl Image {
    /// A post photo, shown small and linked to its full size.
    pub fn photo(view: &crate::media::ImageView) -> Image {
        Image {
            caption: String::new(),
            src: view.small_url.clone(),
            href: view.url.clone(),
            alt: view.alt.clone(),
            width: view.small_width,
            height: view.small_height,
        }
    }
}

#[derive(Template)]
#[template(path = "form_page.html")]
pub struct FormPage<'a> {
    pub ctx: &'a Ctx,
    pub title: String,
    pub intro: Vec<String>,
    /// A message above the form (e.g. "your password was changed").
    pub notice: Option<String>,
    pub form: Form,
    /// Links below the form: (href, text).
    pub links: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "message.html")]
pub struct MessagePage<'a> {
    pub ctx: &'a Ctx,
    pub title: String,
    pub paragraphs: Vec<String>,
}
