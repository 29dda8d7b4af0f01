//! `/afmelden`: the unsubscribe link of every notification mail and digest. It works without
//! signing in: the link carries a signature of the person and the kind. A GET asks first (mail
//! scanners open links); the POST — from the page's button or a mail program's one-click
//! (RFC 8058) — stops the mails.

use axum::extract::Query;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use crate::domain::notifications::email;
use crate::web::context::Ctx;
use crate::web::error::WebResult;
use crate::web::page::{MessagePage, page};

pub mod view;
use view::UnsubscribePage;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Link {
    pub u: i64,
    pub k: String,
    pub t: String,
}

pub async fn show(ctx: Ctx, Query(link): Query<Link>) -> WebResult<Response> {
    let Some((_, kind)) = email::check_unsubscribe(&ctx.state, link.u, &link.k, &link.t) else {
        return Ok(invalid(&ctx));
    };
    let what = ctx.t(&format!("notification-kind-{}", kind.name));
    let action = format!("/afmelden?u={}&k={}&t={}", link.u, kind.name, link.t);
    Ok(page(
        StatusCode::OK,
        &UnsubscribePage { ctx: &ctx, question: ctx.t_args("unsubscribe-confirm", &[("what", what)]), action },
    ))
}

pub async fn confirm(ctx: Ctx, Query(link): Query<Link>) -> WebResult<Response> {
    let Some((user, kind)) = email::check_unsubscribe(&ctx.state, link.u, &link.k, &link.t) else {
        return Ok(invalid(&ctx));
    };
    email::unsubscribe(&ctx.state.pool, user, kind).await?;
    let done =
        MessagePage { ctx: &ctx, title: ctx.t("unsubscribe-title"), paragraphs: vec![ctx.t("unsubscribe-done")] };
    Ok(page(StatusCode::OK, &done))
}

fn invalid(ctx: &Ctx) -> Response {
    let message =
        MessagePage { ctx, title: ctx.t("unsubscribe-title"), paragraphs: vec![ctx.t("unsubscribe-invalid")] };
    page(StatusCode::BAD_REQUEST, &message)
}
