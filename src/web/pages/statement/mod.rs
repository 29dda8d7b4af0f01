//! `/toegankelijkheid`: the accessibility statement, generated from the configuration.

use axum::http::StatusCode;
use axum::response::Response;

use crate::web::context::Ctx;
use crate::web::error::WebResult;
use crate::web::page::page;

pub mod view;
use view::StatementPage;

pub async fn show(ctx: Ctx) -> WebResult<Response> {
    let contact = ctx.state.runtime.current().contact_email.clone();
    Ok(page(StatusCode::OK, &StatementPage { ctx: &ctx, contact }))
}
