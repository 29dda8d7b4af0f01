//! Privacy pages: the privacy statement (`/privacy`, from `[privacy]`), "download my data"
//! (`/instellingen/gegevens`) and deleting one's account (`/instellingen/account-verwijderen`).

use axum::http::StatusCode;
use axum::http::header::{CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use crate::db::models::actor::Actor;
use crate::domain::DomainError;
use crate::domain::privacy::{deletion, export};
use crate::web::context::Ctx;
use crate::web::error::WebResult;
use crate::web::form::CsrfForm;
use crate::web::page::{MessagePage, page};

pub mod view;
use view::{DataPage, DeletePage, StatementPage};

/// What the instance stores, as message keys (the statement and the download page list them).
const STORED: &[&str] = &[
    "privacy-stored-account",
    "privacy-stored-profile",
    "privacy-stored-posts",
    "privacy-stored-relations",
    "privacy-stored-memberships",
    "privacy-stored-settings",
    "privacy-stored-media",
    "privacy-stored-moderation",
    "privacy-stored-deliveries",
    "privacy-stored-received",
];

/// `GET /privacy`: the privacy statement, the same for every reader (no form, so cacheable).
pub async fn statement(ctx: Ctx) -> WebResult<Response> {
    let settings = &ctx.state.settings;
    let privacy = &settings.privacy;
    let data = StatementPage {
        ctx: &ctx,
        controller: privacy.controller(settings).to_string(),
        address: privacy.address.trim().to_string(),
        dpo: privacy.dpo.trim().to_string(),
        contact: privacy.contact(&ctx.state.runtime.current().contact_email).to_string(),
        stored: STORED,
        received_days: privacy.received_activities_days,
        outbox_days: privacy.outbox_activities_days,
        notifications_days: privacy.read_notifications_days,
    };
    Ok(page(StatusCode::OK, &data))
}

/// `GET /instellingen/gegevens`: what the download holds, and its button.
pub async fn data_page(ctx: Ctx) -> WebResult<Response> {
    ctx.require_account()?;
    Ok(page(StatusCode::OK, &DataPage { ctx: &ctx, contents: &STORED[..8] }))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct NoFields {}

/// `POST /instellingen/gegevens`: the zip of everything stored about the person.
pub async fn download(CsrfForm { ctx, .. }: CsrfForm<NoFields>) -> WebResult<Response> {
    let account = ctx.require_account()?;
    let zip = export::export(&ctx.state, account).await?;
    Ok(zip_response(&account.actor, zip))
}

/// A zip download named after the person and the day.
pub fn zip_response(actor: &Actor, zip: Vec<u8>) -> Response {
    let disposition = format!("attachment; filename=\"{}\"", export::file_name(actor));
    (
        [
            (CONTENT_TYPE, "application/zip".to_string()),
            (CONTENT_DISPOSITION, disposition),
            (CACHE_CONTROL, "no-store".into()),
        ],
        zip,
    )
        .into_response()
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct DeleteForm {
    /// `remove` or `anonymise`.
    content: String,
    password: String,
}

/// `GET /instellingen/account-verwijderen`: what deleting means, the choice and the password.
pub async fn delete_page(ctx: Ctx) -> WebResult<Response> {
    ctx.require_account()?;
    Ok(delete_form(&ctx, "", None, None, None, StatusCode::OK))
}

/// `POST /instellingen/account-verwijderen`: deletes the account after the password; a wrong
/// password, no choice or the last admin changes nothing and says so.
pub async fn delete(
    client: crate::limits::ClientAddr,
    CsrfForm { ctx, form }: CsrfForm<DeleteForm>,
) -> WebResult<Response> {
    let account = ctx.require_account()?;
    // Guessing the password through this form counts like changing it.
    ctx.state.limits.check_password_change(&client, account)?;
    let content = deletion::Content::parse(&form.content);
    match deletion::delete_own_account(&ctx.state, account, &form.password, content).await {
        Ok(()) => {}
        Err(DomainError::Invalid(errors)) => {
            let error = |field: &str| errors.0.iter().find(|e| e.field == field).map(|e| ctx.t(e.message));
            let (password, choice) = (error("password"), error("content"));
            let summary = error("account").unwrap_or_else(|| ctx.t("form-has-errors"));
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            return Ok(delete_form(&ctx, &form.content, password, choice, Some(summary), status));
        }
        Err(e) => return Err(e.into()),
    }
    let done = MessagePage {
        ctx: &ctx,
        title: ctx.t("privacy-deleted-title"),
        paragraphs: vec![ctx.t("privacy-deleted-text")],
    };
    let mut response = page(StatusCode::OK, &done);
    // The session is gone: the browser forgets its cookie too.
    let mut gone = crate::web::context::cookie(&ctx.state, crate::web::context::SESSION_COOKIE, String::new(), 0);
    gone.make_removal();
    if let Ok(v) = axum::http::HeaderValue::from_str(&gone.to_string()) {
        response.headers_mut().append(axum::http::header::SET_COOKIE, v);
    }
    Ok(response)
}

fn delete_form(
    ctx: &Ctx,
    content: &str,
    password_error: Option<String>,
    content_error: Option<String>,
    error_summary: Option<String>,
    status: StatusCode,
) -> Response {
    let data = DeletePage { ctx, content: content.to_string(), password_error, content_error, error_summary };
    page(status, &data)
}

/// How a post's author is shown: a former resident (who deleted their account and kept their
/// posts) without name, handle or link; anyone else as they are.
pub fn shown_author(ctx: &Ctx, actor: &Actor) -> Option<String> {
    crate::domain::privacy::is_former_resident(actor).then(|| ctx.t("privacy-former-resident"))
}
