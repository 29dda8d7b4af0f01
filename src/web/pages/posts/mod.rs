//! `/p/{id}`: a post as a page, or as a Note for fediverse software.

use axum::extract::Path;
use axum::http::header::VARY;
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};

use crate::db::models::post::PostId;
use crate::domain::visibility::{self, Viewer};
use crate::web::context::Ctx;
use crate::web::error::{WebError, WebResult};
use crate::web::page::{Image, page};

pub mod view;
use view::PostPage;

pub async fn show(ctx: Ctx, uri: Uri, headers: HeaderMap, Path(id): Path<i64>) -> WebResult<Response> {
    if crate::apub::wants_activity_json(&headers) {
        return Ok(crate::apub::http::post_document(&ctx.state, id, &uri, &headers).await.into_response());
    }
    let view = {
        let mut conn = ctx.state.pool.get().await?;
        let viewer = Viewer::of(ctx.account.as_ref().map(|a| a.actor.id));
        visibility::visible_post(&mut conn, viewer, PostId(id)).await?
    };
    // Other servers' posts are shown on their own pages.
    if !view.post.local {
        return Err(WebError::NotFound);
    }
    let media = {
        let mut conn = ctx.state.pool.get().await?;
        crate::db::models::media::Media::of_posts(&mut conn, &[view.post.id]).await?
    };
    let images = media.iter().map(|m| Image::photo(&crate::media::ImageView::of(&ctx.state.media, m))).collect();
    let published = ctx.datetime(view.post.published);
    let handle = format!("@{}@{}", view.author.username, ctx.state.settings.instance.domain);
    let mut response = page(StatusCode::OK, &PostPage { ctx: &ctx, view, published, handle, images });
    response.headers_mut().insert(VARY, HeaderValue::from_static("Accept"));
    Ok(response)
}
