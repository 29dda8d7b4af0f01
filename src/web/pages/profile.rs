//! Actor pages: `/u/{name}` and `/g/{name}` serve HTML to browsers and ActivityStreams JSON to
//! fediverse software (content negotiation, `Vary: Accept`).

use axum::extract::Path;
use axum::http::header::VARY;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

use crate::db::models::actor::{Actor, ActorKind};
use crate::web::context::Ctx;
use crate::web::error::{WebError, WebResult};
use crate::web::templates::{ProfilePage, page};

pub async fn person(ctx: Ctx, headers: HeaderMap, Path(name): Path<String>) -> WebResult<Response> {
    show(ctx, headers, &name, ActorKind::Person).await
}

pub async fn group(ctx: Ctx, headers: HeaderMap, Path(name): Path<String>) -> WebResult<Response> {
    show(ctx, headers, &name, ActorKind::Group).await
}

async fn show(ctx: Ctx, headers: HeaderMap, name: &str, kind: ActorKind) -> WebResult<Response> {
    let actor = {
        let mut conn = ctx.state.pool.get().await?;
        Actor::by_name(&mut conn, name, &ctx.state.settings.instance.domain).await?
    };
    let Some(actor) = actor.filter(|a| a.local && a.kind() == kind) else {
        return Err(WebError::NotFound);
    };
    if crate::apub::wants_activity_json(&headers) {
        return Ok(crate::apub::http::actor_document(&ctx.state, actor).await.into_response());
    }
    if actor.deleted {
        return Err(WebError::NotFound);
    }
    let handle = format!("@{}@{}", actor.username, ctx.state.settings.instance.domain);
    let mut response =
        page(StatusCode::OK, &ProfilePage { ctx: &ctx, is_group: kind == ActorKind::Group, handle, actor });
    response.headers_mut().insert(VARY, HeaderValue::from_static("Accept"));
    Ok(response)
}
