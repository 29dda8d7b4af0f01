//! The instance's home page: what is happening in the neighbourhood, "alles op één plek".
//! Each feature adds its section as it lands (events, initiatives, requests for help).

use axum::http::StatusCode;
use axum::response::Response;

use crate::db::models::actor::{Actor, ActorKind};
use crate::db::models::post::{PostView, TimelineQuery};
use crate::web::context::Ctx;
use crate::web::error::WebResult;
use crate::web::templates::{HomePage, HomePost, page};

/// Places on the home page's map (the map page shows more).
const HOME_MAP_PLACES: i64 = 100;
/// Recent public posts of this instance on the home page.
const RECENT_POSTS: i64 = 10;
const GROUPS: i64 = 12;

pub async fn show(ctx: Ctx) -> WebResult<Response> {
    let (members, groups, views) = {
        let mut conn = ctx.state.pool.get().await?;
        let members = Actor::count_local(&mut conn, ActorKind::Person).await?;
        let groups = Actor::list_local(&mut conn, ActorKind::Group, GROUPS).await?;
        let query = TimelineQuery { local_only: true, public_only: true, limit: RECENT_POSTS, ..Default::default() };
        (members, groups, PostView::timeline(&mut conn, &query).await?)
    };
    let posts = views
        .into_iter()
        .map(|v| HomePost {
            published: ctx.datetime(v.post.published),
            path: format!("/p/{}", v.post.id.0),
            author: v.author.display_name,
            author_path: format!("/u/{}", v.author.name_key),
            content: v.post.content,
        })
        .collect();
    let description = ctx.state.settings.instance.description.clone();
    let map = super::map::overview(&ctx, HOME_MAP_PLACES).await?;
    Ok(page(StatusCode::OK, &HomePage { ctx: &ctx, description, members, groups, posts, map }))
}
