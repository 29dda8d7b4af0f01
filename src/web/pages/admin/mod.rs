//! Admin pages: the overview (`/beheer`), pending registrations and invitations; the list of
//! accounts (`users`) and the federation controls (`federation`).

use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::config::RegistrationMode;
use crate::db::models::local_user::{LocalUserId, Role};
use crate::db::models::report::Queue;
use crate::domain::DomainError;
use crate::domain::accounts::{self, NewEmailInvite, NewInvite};
use crate::domain::moderation::reports;
use crate::domain::validate::FieldErrors;
use crate::web::context::Ctx;
use crate::web::error::{WebError, WebResult};
use crate::web::form::{CsrfForm, Field, FieldKind, Form};
use crate::web::page::page;

pub mod federation;
pub mod settings;
pub mod users;
pub mod view;
use view::{AdminLink, InviteRow, InvitesPage, OverviewPage, PendingRow, RegistrationsPage};

/// `GET /beheer`: every staff page, with what waits on each (for moderators and admins).
pub async fn overview(ctx: Ctx) -> WebResult<Response> {
    let me = ctx.require_account()?;
    if me.user.role() < Role::Moderator {
        return Err(WebError::Forbidden);
    }
    let admin = me.user.role() == Role::Admin;
    let waiting = |n: i64| (n > 0).then(|| ctx.t_count("admin-waiting", n));
    let open_reports = reports::open_count(&ctx.state, me, Queue::Instance).await?;
    let mut links = vec![
        AdminLink::new(&ctx, "/beheer/meldingen", "nav-reports", "admin-about-reports", waiting(open_reports)),
        AdminLink::new(&ctx, "/moderatie", "moderation-log-title", "admin-about-log", None),
        AdminLink::new(&ctx, "/beheer/federatie", "nav-federation", "admin-about-federation", None),
        AdminLink::new(&ctx, "/beheer/uitnodigingen", "nav-invites", "admin-about-invites", None),
    ];
    if admin {
        let pending = accounts::pending_registrations(&ctx.state.pool, me).await?.len() as i64;
        let appeals = crate::domain::moderation::appeals::open(&ctx.state, me).await?.len() as i64;
        links.splice(
            0..0,
            [
                AdminLink::new(
                    &ctx,
                    "/beheer/aanmeldingen",
                    "nav-admin",
                    "admin-about-registrations",
                    waiting(pending),
                ),
                AdminLink::new(&ctx, "/beheer/bezwaren", "nav-appeals", "admin-about-appeals", waiting(appeals)),
            ],
        );
        links.push(AdminLink::new(&ctx, "/beheer/gebruikers", "admin-users-title", "admin-about-users", None));
        links.push(AdminLink::new(&ctx, "/beheer/instellingen", "admin-settings-title", "admin-about-settings", None));
    }
    Ok(page(StatusCode::OK, &OverviewPage { ctx: &ctx, links }))
}

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
    landing: String,
}

impl Default for InviteForm {
    fn default() -> Self {
        InviteForm { max_uses: "1".into(), expires_days: "14".into(), landing: String::new() }
    }
}

#[derive(Debug, Deserialize)]
#[serde(default)]
pub struct EmailInviteForm {
    email: String,
    /// Named apart from the link form's fields: both forms are on one page.
    email_expires_days: String,
    email_landing: String,
}

impl Default for EmailInviteForm {
    fn default() -> Self {
        EmailInviteForm { email: String::new(), email_expires_days: "14".into(), email_landing: String::new() }
    }
}

/// The domain's field names as the e-mail form names them.
fn email_form_fields(mut errors: FieldErrors) -> FieldErrors {
    for e in &mut errors.0 {
        e.field = match e.field {
            "expires_days" => "email_expires_days",
            "landing" => "email_landing",
            other => other,
        };
    }
    errors
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct SentQuery {
    sent: String,
}

pub async fn invites(ctx: Ctx, Query(q): Query<SentQuery>) -> WebResult<Response> {
    ctx.require_account()?;
    let notice = (!q.sent.is_empty()).then(|| ctx.t1("admin-invite-sent", "email", &q.sent));
    let forms = InviteForms { notice, ..Default::default() };
    invites_page(&ctx, forms, StatusCode::OK).await
}

pub async fn create_invite(CsrfForm { ctx, form }: CsrfForm<InviteForm>) -> WebResult<Response> {
    let by = ctx.require_account()?;
    let input = NewInvite {
        max_uses: form.max_uses.clone(),
        expires_days: form.expires_days.clone(),
        landing: form.landing.clone(),
    };
    match accounts::create_invite(&ctx.state, by, &input).await {
        Ok(_) => Ok(Redirect::to("/beheer/uitnodigingen").into_response()),
        Err(DomainError::Invalid(errors)) => {
            let forms = InviteForms { link: form, link_errors: errors, ..Default::default() };
            invites_page(&ctx, forms, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => Err(e.into()),
    }
}

/// Mails an invitation to one address.
pub async fn invite_by_email(CsrfForm { ctx, form }: CsrfForm<EmailInviteForm>) -> WebResult<Response> {
    let by = ctx.require_account()?;
    let input = NewEmailInvite {
        email: form.email.clone(),
        expires_days: form.email_expires_days.clone(),
        landing: form.email_landing.clone(),
    };
    match accounts::invite_by_email(&ctx.state, by, &input).await {
        Ok(invite) => {
            let to = crate::util::url::urlencode(invite.email.as_deref().unwrap_or_default());
            Ok(Redirect::to(&format!("/beheer/uitnodigingen?sent={to}")).into_response())
        }
        Err(DomainError::Invalid(errors)) => {
            let forms = InviteForms { email: form, email_errors: email_form_fields(errors), ..Default::default() };
            invites_page(&ctx, forms, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => Err(e.into()),
    }
}

/// The two forms of the invitations page as they were sent, with their errors.
#[derive(Default)]
struct InviteForms {
    link: InviteForm,
    link_errors: FieldErrors,
    email: EmailInviteForm,
    email_errors: FieldErrors,
    notice: Option<String>,
}

async fn invites_page(ctx: &Ctx, forms: InviteForms, status: StatusCode) -> WebResult<Response> {
    let by = ctx.require_account()?;
    let invites = accounts::list_invites(&ctx.state.pool, by).await?;
    let rows = invites
        .into_iter()
        .map(|i| InviteRow {
            link: accounts::invites::link(&ctx.state.settings, &i),
            uses: format!("{} / {}", i.uses, i.max_uses),
            expires: i.expires_at.map(|t| ctx.datetime(t)).unwrap_or_default(),
            to: i.email.unwrap_or_default(),
            landing: i.landing.unwrap_or_default(),
        })
        .collect();
    let landing = |name: &'static str, value: &str| {
        Field::new(ctx, FieldKind::Text, name, "field-invite-landing", value).hint(ctx, "field-invite-landing-hint")
    };
    let (link, email) = (&forms.link, &forms.email);
    let fields = vec![
        Field::new(ctx, FieldKind::Number, "max_uses", "field-invite-max-uses", &link.max_uses).required(),
        Field::new(ctx, FieldKind::Number, "expires_days", "field-invite-days", &link.expires_days).required(),
        landing("landing", &link.landing),
    ];
    let form =
        Form::new(ctx, "/beheer/uitnodigingen", "admin-invite-create", fields).with_errors(ctx, &forms.link_errors);
    let fields = vec![
        Field::new(ctx, FieldKind::Email, "email", "field-invite-email", &email.email).autocomplete("off").required(),
        Field::new(ctx, FieldKind::Number, "email_expires_days", "field-invite-days", &email.email_expires_days)
            .required(),
        landing("email_landing", &email.email_landing),
    ];
    let email_form = Form::new(ctx, "/beheer/uitnodigingen/e-mail", "admin-invite-email-create", fields)
        .with_errors(ctx, &forms.email_errors);
    let mode_note =
        (ctx.state.runtime.registration() != RegistrationMode::Invite).then(|| ctx.t("admin-invites-mode-note"));
    Ok(page(status, &InvitesPage { ctx, form, email_form, rows, mode_note, notice: forms.notice }))
}
