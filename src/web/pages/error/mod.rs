//! Error pages in the visitor's language.

use std::sync::Arc;

use axum::http::StatusCode;
use axum::response::Response;

use crate::i18n::Lang;
use crate::state::AppState;
use crate::web::context::Ctx;
use crate::web::layout::Layout;
use crate::web::page::page;

pub mod view;
use view::ErrorTemplate;

/// Renders the page for an error status. The context is a plain anonymous one: the error may
/// have come before the session was read.
pub fn render(state: &AppState, layout: Arc<Layout>, lang: Lang, status: StatusCode, message: &str) -> Response {
    let ctx = Ctx {
        state: state.clone(),
        lang,
        account: None,
        session_token: None,
        csrf: Default::default(),
        path: "/".into(),
        layout,
        unread: 0,
    };
    let title_key = match status.as_u16() {
        404 => "error-title-not-found",
        403 => "error-title-forbidden",
        500..=599 => "error-title-internal",
        _ => "error-title-request",
    };
    page(
        status,
        &ErrorTemplate { ctx: &ctx, status: status.as_u16(), title: ctx.t(title_key), message: ctx.t(message) },
    )
}

pub async fn not_found() -> crate::web::error::WebError {
    crate::web::error::WebError::NotFound
}
