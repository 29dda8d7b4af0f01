//! The pages of the account mails: the forgotten password and its reset link, address
//! confirmation and a new confirmation link, and the e-mail change in the settings with its
//! link. Forms that send mail give the same answer whether or not an account has the address.

use axum::extract::Query;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::db::models::email_token::Purpose;
use crate::domain::DomainError;
use crate::domain::accounts::email::{self, LinkProblem};
use crate::domain::accounts::invites;
use crate::domain::validate::{self, FieldErrors};
use crate::limits::ClientAddr;
use crate::web::context::Ctx;
use crate::web::error::WebResult;
use crate::web::form::{CsrfForm, Field, FieldKind, Form, new_password_fields};
use crate::web::page::{FormPage, page};

pub mod view;
use view::{ChangePage, LinkPage};

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct TokenQuery {
    t: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct AddressForm {
    email: String,
}

fn message(
    ctx: &Ctx,
    status: StatusCode,
    title: &str,
    paragraphs: Vec<String>,
    links: Vec<(&str, String)>,
) -> Response {
    let links = links.into_iter().map(|(href, text)| (href.to_string(), text)).collect();
    page(status, &LinkPage { ctx, title: ctx.t(title), paragraphs, links })
}

/// A link that was refused: why, and where to get a new one.
fn refused(ctx: &Ctx, problem: LinkProblem, purpose: Purpose) -> Response {
    let status = match problem {
        LinkProblem::Unknown => StatusCode::NOT_FOUND,
        LinkProblem::Used | LinkProblem::Expired => StatusCode::GONE,
    };
    let again = match purpose {
        Purpose::Reset => ("/wachtwoord-vergeten", ctx.t("email-link-new-reset")),
        Purpose::Confirm => ("/bevestigen/opnieuw", ctx.t("email-link-new-confirm")),
        Purpose::ChangeEmail => ("/instellingen/e-mail", ctx.t("email-link-new-change")),
    };
    message(ctx, status, "email-link-refused-title", vec![ctx.t(problem.message())], vec![again])
}

/// Where a form that asks for an address posts, and its texts' keys.
struct AddressPage {
    action: &'static str,
    title: &'static str,
    intro: &'static str,
    submit: &'static str,
}

const FORGOT: AddressPage = AddressPage {
    action: "/wachtwoord-vergeten",
    title: "forgot-title",
    intro: "forgot-intro",
    submit: "forgot-submit",
};
const RESEND: AddressPage = AddressPage {
    action: "/bevestigen/opnieuw",
    title: "resend-title",
    intro: "resend-intro",
    submit: "resend-submit",
};

/// A form that asks for an address (forgotten password, new confirmation link).
fn address_form(
    ctx: &Ctx,
    which: &AddressPage,
    form: &AddressForm,
    errors: &FieldErrors,
    status: StatusCode,
) -> Response {
    let fields =
        vec![Field::new(ctx, FieldKind::Email, "email", "field-email", &form.email).autocomplete("email").required()];
    let f = Form::new(ctx, which.action, which.submit, fields).with_errors(ctx, errors);
    let links = vec![("/inloggen".to_string(), ctx.t("email-back-to-login"))];
    let intro = vec![ctx.t(which.intro)];
    page(status, &FormPage { ctx, title: ctx.t(which.title), intro, notice: None, form: f, links })
}

/// The typed address, lowercase, or why it is not one.
fn check_address(form: &AddressForm) -> Result<String, FieldErrors> {
    let mut errors = FieldErrors::default();
    let email = form.email.trim().to_lowercase();
    validate::email(&email, &mut errors);
    if errors.is_empty() { Ok(email) } else { Err(errors) }
}

pub async fn forgot_page(ctx: Ctx) -> WebResult<Response> {
    let form = AddressForm::default();
    Ok(forgot_form(&ctx, &form, &FieldErrors::default(), StatusCode::OK))
}

fn forgot_form(ctx: &Ctx, form: &AddressForm, errors: &FieldErrors, status: StatusCode) -> Response {
    address_form(ctx, &FORGOT, form, errors, status)
}

/// Sends a reset link when an account has the address; the answer is the same either way.
pub async fn forgot(client: ClientAddr, CsrfForm { ctx, form }: CsrfForm<AddressForm>) -> WebResult<Response> {
    let email = match check_address(&form) {
        Ok(email) => email,
        Err(errors) => return Ok(forgot_form(&ctx, &form, &errors, StatusCode::UNPROCESSABLE_ENTITY)),
    };
    ctx.state.limits.check_mail(&client, &email)?;
    email::request_reset(&ctx.state, &email).await?;
    let paragraphs = vec![ctx.t1("forgot-sent", "email", &email), ctx.t("email-no-mail")];
    Ok(message(&ctx, StatusCode::OK, "forgot-sent-title", paragraphs, vec![]))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ResetForm {
    t: String,
    password: String,
    password_confirm: String,
}

pub async fn reset_page(ctx: Ctx, Query(q): Query<TokenQuery>) -> WebResult<Response> {
    match email::check(&ctx.state.pool, Purpose::Reset, &q.t).await? {
        Ok(_) => Ok(reset_form(&ctx, &q.t, &FieldErrors::default(), StatusCode::OK)),
        Err(problem) => Ok(refused(&ctx, problem, Purpose::Reset)),
    }
}

fn reset_form(ctx: &Ctx, token: &str, errors: &FieldErrors, status: StatusCode) -> Response {
    let fields = new_password_fields(ctx, "field-new-password").to_vec();
    let f =
        Form::new(ctx, "/wachtwoord-herstellen", "reset-submit", fields).hidden("t", token).with_errors(ctx, errors);
    page(
        status,
        &FormPage {
            ctx,
            title: ctx.t("reset-title"),
            intro: vec![ctx.t("reset-intro")],
            notice: None,
            form: f,
            links: vec![],
        },
    )
}

/// Sets the new password; the person then signs in with it everywhere.
pub async fn reset(CsrfForm { ctx, form }: CsrfForm<ResetForm>) -> WebResult<Response> {
    match email::reset_password(&ctx.state.pool, &form.t, &form.password, &form.password_confirm).await {
        Ok(Ok(_)) => Ok(message(
            &ctx,
            StatusCode::OK,
            "reset-done-title",
            vec![ctx.t("reset-done")],
            vec![("/inloggen", ctx.t("nav-login"))],
        )),
        Ok(Err(problem)) => Ok(refused(&ctx, problem, Purpose::Reset)),
        Err(DomainError::Invalid(errors)) => Ok(reset_form(&ctx, &form.t, &errors, StatusCode::UNPROCESSABLE_ENTITY)),
        Err(e) => Err(e.into()),
    }
}

/// Follows a confirmation link.
pub async fn confirm(ctx: Ctx, Query(q): Query<TokenQuery>) -> WebResult<Response> {
    let account = match email::confirm_address(&ctx.state.pool, &q.t).await? {
        Ok(account) => account,
        Err(problem) => return Ok(refused(&ctx, problem, Purpose::Confirm)),
    };
    let next = if ctx.account.is_some() {
        ("/".to_string(), ctx.t("back-home"))
    } else {
        let landing = invites::landing_of(&ctx.state.pool, &account).await?.unwrap_or_else(|| "/".into());
        let href = format!("/inloggen?next={}", crate::util::url::urlencode(&landing));
        (href, ctx.t("nav-login"))
    };
    let paragraphs = vec![ctx.t1("confirm-done", "email", &account.user.email)];
    let links = vec![(next.0.as_str(), next.1)];
    Ok(message(&ctx, StatusCode::OK, "confirm-done-title", paragraphs, links))
}

pub async fn resend_page(ctx: Ctx) -> WebResult<Response> {
    Ok(resend_form(&ctx, &AddressForm::default(), &FieldErrors::default(), StatusCode::OK))
}

fn resend_form(ctx: &Ctx, form: &AddressForm, errors: &FieldErrors, status: StatusCode) -> Response {
    address_form(ctx, &RESEND, form, errors, status)
}

/// Sends a new confirmation link when an account waits for one at the address; the same answer
/// either way.
pub async fn resend(client: ClientAddr, CsrfForm { ctx, form }: CsrfForm<AddressForm>) -> WebResult<Response> {
    let email = match check_address(&form) {
        Ok(email) => email,
        Err(errors) => return Ok(resend_form(&ctx, &form, &errors, StatusCode::UNPROCESSABLE_ENTITY)),
    };
    ctx.state.limits.check_mail(&client, &email)?;
    email::resend_confirmation(&ctx.state, &email).await?;
    let paragraphs = vec![ctx.t1("resend-sent", "email", &email), ctx.t("email-no-mail")];
    Ok(message(&ctx, StatusCode::OK, "resend-sent-title", paragraphs, vec![]))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ChangeQuery {
    sent: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ChangeForm {
    email: String,
    current_password: String,
}

pub async fn change_page(ctx: Ctx, Query(q): Query<ChangeQuery>) -> WebResult<Response> {
    ctx.require_account()?;
    let notice = match q.sent.as_str() {
        "change" => Some(ctx.t("email-change-sent")),
        "confirm" => Some(ctx.t("email-confirm-sent")),
        _ => None,
    };
    Ok(change_form(&ctx, &ChangeForm::default(), &FieldErrors::default(), notice, StatusCode::OK))
}

fn change_form(
    ctx: &Ctx,
    form: &ChangeForm,
    errors: &FieldErrors,
    notice: Option<String>,
    status: StatusCode,
) -> Response {
    let fields = vec![
        Field::new(ctx, FieldKind::Email, "email", "field-new-email", &form.email).autocomplete("email").required(),
        Field::new(ctx, FieldKind::Password, "current_password", "field-current-password", "")
            .autocomplete("current-password")
            .required(),
    ];
    let form = Form::new(ctx, "/instellingen/e-mail", "email-change-submit", fields).with_errors(ctx, errors);
    let (current, confirmed) = match &ctx.account {
        Some(a) => (a.user.email.clone(), a.user.email_confirmed()),
        None => (String::new(), true),
    };
    page(status, &ChangePage { ctx, notice, current, confirmed, form })
}

/// Asks to move the account to another address (the link goes there).
pub async fn change(client: ClientAddr, CsrfForm { ctx, form }: CsrfForm<ChangeForm>) -> WebResult<Response> {
    let account = ctx.require_account()?;
    ctx.state.limits.check_mail(&client, &form.email)?;
    match email::request_email_change(&ctx.state, account, &form.email, &form.current_password).await {
        Ok(()) => Ok(Redirect::to("/instellingen/e-mail?sent=change").into_response()),
        Err(DomainError::Invalid(errors)) => {
            Ok(change_form(&ctx, &form, &errors, None, StatusCode::UNPROCESSABLE_ENTITY))
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct Empty {}

/// Sends a new confirmation link to the signed-in person's address.
pub async fn send_confirmation(client: ClientAddr, CsrfForm { ctx, .. }: CsrfForm<Empty>) -> WebResult<Response> {
    let account = ctx.require_account()?;
    ctx.state.limits.check_mail(&client, &account.user.email)?;
    email::send_confirmation(&ctx.state, account).await?;
    Ok(Redirect::to("/instellingen/e-mail?sent=confirm").into_response())
}

/// Follows an e-mail change link.
pub async fn confirm_change(ctx: Ctx, Query(q): Query<TokenQuery>) -> WebResult<Response> {
    match email::confirm_email_change(&ctx.state.pool, &q.t).await {
        Ok(Ok(account)) => {
            let paragraphs = vec![ctx.t1("email-changed", "email", &account.user.email)];
            Ok(message(&ctx, StatusCode::OK, "email-changed-title", paragraphs, vec![]))
        }
        Ok(Err(problem)) => Ok(refused(&ctx, problem, Purpose::ChangeEmail)),
        Err(DomainError::Invalid(_)) => Ok(message(
            &ctx,
            StatusCode::CONFLICT,
            "email-link-refused-title",
            vec![ctx.t("email-change-taken")],
            vec![("/instellingen/e-mail", ctx.t("email-link-new-change"))],
        )),
        Err(e) => Err(e.into()),
    }
}
