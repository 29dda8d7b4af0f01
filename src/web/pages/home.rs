//! The instance's home page.

use axum::http::StatusCode;
use axum::response::Response;

use crate::db::models::person::Person;
use crate::web::context::Ctx;
use crate::web::error::WebResult;
use crate::web::templates::{HomePage, page};

pub async fn show(ctx: Ctx) -> WebResult<Response> {
    let members = {
        let mut conn = ctx.state.pool.get().await?;
        Person::count_local(&mut conn).await?
    };
    let description = ctx.state.settings.instance.description.clone();
    Ok(page(StatusCode::OK, &HomePage { ctx: &ctx, description, members }))
}
