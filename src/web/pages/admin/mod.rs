//! Admin pages: pending registrations and invitations.

use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::config::RegistrationMode;
use crate::db::models::local_user::LocalUserId;
use crate::domain::DomainError;
use crate::domain::accounts::{self, NewInvite};
use crate::domain::validate::FieldErrors;
use crate::web::context::Ctx;
use crate::web::error::{WebError, WebResult};
use crate::web::form::{CsrfForm, Field, FieldKind, Form};
use crate::web::page::page;

pub mod view;
use view::{InviteRow, InvitesPage, PendingRow, RegistrationsPage};

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct DoneQuery {
    done: String,
}

pub async fn registrations(ctx: Ctx, Query(q): Query<DoneQuery>) -> WebResult<Response> {
    let admin = ctx.require_account()?;
    let pending = accounts::pending_registrations(&ctx.state.pool, admin).await?;
    let rows = pending
        .into_iter()
        .map(|a| PendingRow {
            id: a.user.id.0,
            registered: ctx.datetime(a.user.created_at),
            username: a.actor.username,
            display_name: a.actor.display_name,
            email: a.user.email,
            reason: a.user.registration_reason.unwrap_or_default(),
        })
        .collect();
    let notice = match q.done.as_str() {
        "approved" => Some(ctx.t("admin-approved")),
        "rejected" => Some(ctx.t("admin-rejected")),
        _ => None,
    };
    Ok(page(StatusCode::OK, &RegistrationsPage { ctx: &ctx, rows, notice }))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct DecisionForm {
    decision: String,
}

pub async fn decide(Path(id): Path<i64>, CsrfForm { ctx, form }: CsrfForm<DecisionForm>) -> WebResult<Response> {
    let admin = ctx.require_account()?;
    let approve = match form.decision.as_str() {
        "approve" => true,
        "reject" => false,
        _ => return Err(WebError::BadRequest("error-choice-invalid")),
    };
    accounts::decide_registration(&ctx.state.pool, admin, LocalUserId(id), approve).await?;
    let done = if approve { "approved" } else { "rejected" };
    Ok(Redirect::to(&format!("/beheer/aanmeldingen?done={done}")).into_response())
}

#[derive(Debug, Deserialize)]
#[serde(default)]
pub struct InviteForm {
    max_uses: String,
    expires_days: String,
}

impl Default for InviteForm {
    fn default() -> Self {
        InviteForm { max_uses: "1".into(), expires_days: "14".into() }
    }
}

pub async fn invites(ctx: Ctx) -> WebResult<Response> {
    ctx.require_account()?;
    invites_page(&ctx, &InviteForm::default(), &FieldErrors::default(), StatusCode::OK).await
}

pub async fn create_invite(CsrfForm { ctx, form }: CsrfForm<InviteForm>) -> WebResult<Response> {
    let by = ctx.require_account()?;
    let input = NewInvite { max_uses: form.max_uses.clone(), expires_days: form.expires_days.clone() };
    match accounts::create_invite(&ctx.state.pool, by, &input).await {
        Ok(_) => Ok(Redirect::to("/beheer/uitnodigingen").into_response()),
        Err(DomainError::Invalid(errors)) => invites_page(&ctx, &form, &errors, StatusCode::UNPROCESSABLE_ENTITY).await,
        Err(e) => Err(e.into()),
    }
}

async fn invites_page(ctx: &Ctx, form: &InviteForm, errors: &FieldErrors, status: StatusCode) -> WebResult<Response> {
    let by = ctx.require_account()?;
    let invites = accounts::list_invites(&ctx.state.pool, by).await?;
    let rows = invites
        .into_iter()
        .map(|i| InviteRow {
            link: format!("{}/registreren?code={}", ctx.state.base_url, i.code),
            uses: format!("{} / {}", i.uses, i.max_uses),
            expires: i.expires_at.map(|t| ctx.datetime(t)).unwrap_or_default(),
            code: i.code,
        })
        .collect();
    let fields = vec![
        Field::new(ctx, FieldKind::Number, "max_uses", "field-invite-max-uses", &form.max_uses).required(),
        Field::new(ctx, FieldKind::Number, "expires_days", "field-invite-days", &form.expires_days).required(),
    ];
    let f = Form::new(ctx, "/beheer/uitnodigingen", "admin-invite-create", fields).with_errors(ctx, errors);
    let mode_note = (ctx.state.settings.instance.registration != RegistrationMode::Invite)
        .then(|| ctx.t("admin-invites-mode-note"));
    Ok(page(status, &InvitesPage { ctx, form: f, rows, mode_note }))
}
