//! `/authorize_interaction?uri=…`: where other servers send a resident who wants to follow an
//! actor (or see a post) from here — the template Buurt publishes in its WebFinger.

use axum::extract::Query;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::db::models::follow::Follow;
use crate::domain::resolve::{self, Found};
use crate::util::url::urlencode;
use crate::web::context::Ctx;
use crate::web::error::{WebError, WebResult};
use crate::web::form::CsrfForm;
use crate::web::page::page;

pub mod view;
use view::InteractionPage;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct InteractionQuery {
    uri: String,
}

async fn find(ctx: &Ctx, uri: &str) -> WebResult<Option<Found>> {
    let uri = uri.trim();
    if uri.is_empty() || uri.len() > 2000 {
        return Ok(None);
    }
    let result = match url::Url::parse(uri).ok().filter(|u| matches!(u.scheme(), "http" | "https")) {
        Some(url) => resolve::url(&ctx.state, &url, true, ctx.account.as_ref().map(|a| a.actor.id)).await,
        None => resolve::account(&ctx.state, uri.trim_start_matches("acct:"), true)
            .await
            .map(|a| a.map(|a| Found::Actor(Box::new(a)))),
    };
    match result {
        Ok(found) => Ok(found),
        Err(e) => {
            tracing::info!(uri, error = %e, "remote interaction could not resolve");
            Ok(None)
        }
    }
}

pub async fn show(ctx: Ctx, Query(q): Query<InteractionQuery>) -> WebResult<Response> {
    let me = ctx.require_account()?;
    let found = find(&ctx, &q.uri).await?;
    let Some(found) = found else {
        return Err(WebError::BadRequest("error-interaction-not-found"));
    };
    let page_data = match found {
        Found::Actor(actor) => {
            let following = {
                let mut conn = ctx.state.pool.get().await?;
                Follow::find(&mut conn, me.actor.id, actor.id).await?
            };
            let handle = format!("@{}@{}", actor.username, actor.domain);
            InteractionPage {
                ctx: &ctx,
                uri: q.uri.clone(),
                title: actor.display_name.clone(),
                handle,
                content: actor.summary.clone(),
                link: actor.url.clone().unwrap_or(actor.ap_id.clone()),
                can_follow: actor.id != me.actor.id,
                following: following.as_ref().is_some_and(|f| f.accepted),
                requested: following.as_ref().is_some_and(|f| !f.accepted),
            }
        }
        Found::Post(view) => InteractionPage {
            ctx: &ctx,
            uri: q.uri.clone(),
            title: view.author.display_name.clone(),
            handle: format!("@{}@{}", view.author.username, view.author.domain),
            content: view.post.content.clone(),
            link: view.post.url.clone().unwrap_or(view.post.ap_id.clone()),
            can_follow: false,
            following: false,
            requested: false,
        },
    };
    Ok(page(StatusCode::OK, &page_data))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct FollowForm {
    uri: String,
}

pub async fn follow(CsrfForm { ctx, form }: CsrfForm<FollowForm>) -> WebResult<Response> {
    let me = ctx.require_account()?;
    let Some(Found::Actor(actor)) = find(&ctx, &form.uri).await? else {
        return Err(WebError::BadRequest("error-interaction-not-found"));
    };
    crate::domain::follows::follow(&ctx.state, me, &actor).await?;
    Ok(Redirect::to(&format!("/authorize_interaction?uri={}", urlencode(&form.uri))).into_response())
}
