//! `/oauth/authorize`: a signed-in person lets an app use their account.

use axum::extract::Query;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::domain::oauth::{self, AuthorizeRequest};
use crate::web::context::Ctx;
use crate::web::error::{WebError, WebResult};
use crate::web::form::CsrfForm;
use crate::web::page::{MessagePage, page};

pub mod view;
use view::AuthorizePage;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct AuthorizeQuery {
    response_type: String,
    client_id: String,
    redirect_uri: String,
    scope: String,
    state: String,
    code_challenge: String,
    code_challenge_method: String,
}

async fn check(ctx: &Ctx, q: &AuthorizeQuery) -> WebResult<AuthorizeRequest> {
    if q.response_type != "code" {
        return Err(WebError::BadRequest("error-oauth-request"));
    }
    if !q.code_challenge.is_empty() && !q.code_challenge_method.is_empty() && q.code_challenge_method != "S256" {
        return Err(WebError::BadRequest("error-oauth-request"));
    }
    if q.state.len() > 2000 || q.code_challenge.len() > 200 {
        return Err(WebError::BadRequest("error-oauth-request"));
    }
    oauth::check_authorize(&ctx.state.pool, &q.client_id, &q.redirect_uri, &q.scope).await.map_err(|e| match e {
        crate::domain::DomainError::Db(db) => WebError::from(db),
        _ => WebError::BadRequest("error-oauth-request"),
    })
}

pub async fn show(ctx: Ctx, Query(q): Query<AuthorizeQuery>) -> WebResult<Response> {
    ctx.require_account()?;
    let request = check(&ctx, &q).await?;
    let scopes = request.scopes.split_whitespace().map(str::to_string).collect();
    Ok(page(
        StatusCode::OK,
        &AuthorizePage {
            ctx: &ctx,
            app_name: request.app.name.clone(),
            scopes,
            hidden: vec![
                ("response_type", q.response_type.clone()),
                ("client_id", q.client_id.clone()),
                ("redirect_uri", request.redirect_uri.clone()),
                ("scope", request.scopes.clone()),
                ("state", q.state.clone()),
                ("code_challenge", q.code_challenge.clone()),
                ("code_challenge_method", q.code_challenge_method.clone()),
            ],
        },
    ))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct DecisionForm {
    #[serde(flatten)]
    query: AuthorizeQuery,
    decision: String,
}

pub async fn decide(CsrfForm { ctx, form }: CsrfForm<DecisionForm>) -> WebResult<Response> {
    let account = ctx.require_account()?;
    let request = check(&ctx, &form.query).await?;
    let redirect = |params: &[(&str, &str)]| {
        let mut url = request.redirect_uri.clone();
        let query: String = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(params.iter().filter(|(_, v)| !v.is_empty()))
            .finish();
        url.push(if url.contains('?') { '&' } else { '?' });
        url.push_str(&query);
        Redirect::to(&url).into_response()
    };
    if form.decision != "approve" {
        if request.redirect_uri == oauth::OOB {
            return Ok(page(
                StatusCode::OK,
                &MessagePage { ctx: &ctx, title: ctx.t("oauth-title"), paragraphs: vec![ctx.t("oauth-denied")] },
            ));
        }
        return Ok(redirect(&[("error", "access_denied"), ("state", &form.query.state)]));
    }
    let challenge = Some(form.query.code_challenge.as_str()).filter(|c| !c.is_empty());
    let code = oauth::issue_code(&ctx.state.pool, &request, account.user.id, challenge).await?;
    if request.redirect_uri == oauth::OOB {
        return Ok(page(
            StatusCode::OK,
            &MessagePage { ctx: &ctx, title: ctx.t("oauth-title"), paragraphs: vec![ctx.t("oauth-copy-code"), code] },
        ));
    }
    Ok(redirect(&[("code", &code), ("state", &form.query.state)]))
}
