//! The instance's home page.

use axum::http::StatusCode;
use axum::response::Response;

use crate::db::models::actor::{Actor, ActorKind};
use crate::web::context::Ctx;
use crate::web::error::WebResult;
use crate::web::templates::{HomePage, page};

pub async fn show(ctx: Ctx) -> WebResult<Response> {
    let members = {
        let mut conn = ctx.state.pool.get().await?;
        Actor::count_local(&mut conn, ActorKind::Person).await?
    };
    let description = ctx.state.settings.instance.description.clone();
    Ok(page(StatusCode::OK, &HomePage { ctx: &ctx, description, members }))
}
