//! Registration, sign-in and sign-out.

use axum::extract::Query;
use axum::http::StatusCode;
use axum::http::header::{SET_COOKIE, USER_AGENT};
use axum::http::{HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::config::RegistrationMode;
use crate::domain::DomainError;
use crate::domain::accounts::{self, LoginError, Registered, Registration, invites};
use crate::domain::validate::FieldErrors;
use crate::limits::ClientAddr;
use crate::web::context::{Ctx, SESSION_COOKIE, cookie, safe_next};
use crate::web::error::{WebError, WebResult};
use crate::web::form::{CsrfForm, Field, FieldKind, Form, new_password_fields};
use crate::web::page::{FormPage, MessagePage, page};

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RegisterForm {
    username: String,
    display_name: String,
    email: String,
    password: String,
    password_confirm: String,
    reason: String,
    invite: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RegisterQuery {
    code: String,
}

/// The registration form; with `?code=` from an invitation link, which is checked at once so a
/// used-up or expired invitation says so before anything is typed.
pub async fn register_page(ctx: Ctx, Query(query): Query<RegisterQuery>) -> WebResult<Response> {
    if ctx.state.runtime.registration() == RegistrationMode::Closed {
        return Ok(closed_page(&ctx, StatusCode::OK));
    }
    let mut errors = FieldErrors::default();
    if !query.code.trim().is_empty() && invites::usable(&ctx.state.pool, &query.code).await?.is_none() {
        errors.add("invite", "error-invite-invalid");
    }
    let form = RegisterForm { invite: query.code, ..Default::default() };
    Ok(register_form(&ctx, &form, &errors, StatusCode::OK))
}

pub async fn register(
    client: ClientAddr,
    headers: HeaderMap,
    CsrfForm { ctx, form }: CsrfForm<RegisterForm>,
) -> WebResult<Response> {
    if ctx.state.runtime.registration() == RegistrationMode::Closed {
        return Ok(closed_page(&ctx, StatusCode::FORBIDDEN));
    }
    ctx.state.limits.register_per_address.check(&client.key())?;
    let registration = Registration {
        username: form.username.trim().to_string(),
        display_name: form.display_name.clone(),
        email: form.email.clone(),
        password: form.password.clone(),
        password_confirm: form.password_confirm.clone(),
        reason: form.reason.clone(),
        invite: form.invite.clone(),
    };
    match accounts::register(&ctx.state, &registration).await {
        Ok(done) if done.must_confirm => Ok(page(
            StatusCode::OK,
            &MessagePage {
                ctx: &ctx,
                title: ctx.t("registration-confirm-title"),
                paragraphs: vec![
                    ctx.t_args("registration-confirm-sent", &[("email", done.account.user.email.clone())]),
                    ctx.t("email-no-mail"),
                ],
            },
        )),
        Ok(done) if done.account.user.status() == crate::db::models::local_user::Status::Active => {
            sign_in(&ctx, done.account.user.id, &headers, safe_next(&done.landing)).await
        }
        Ok(Registered { account, .. }) => Ok(page(
            StatusCode::OK,
            &MessagePage {
                ctx: &ctx,
                title: ctx.t("registration-pending-title"),
                paragraphs: vec![ctx.t_args("registration-pending-for", &[("name", account.actor.username)])],
            },
        )),
        Err(DomainError::Invalid(errors)) => Ok(register_form(&ctx, &form, &errors, StatusCode::UNPROCESSABLE_ENTITY)),
        Err(DomainError::Forbidden) => Ok(closed_page(&ctx, StatusCode::FORBIDDEN)),
        Err(e) => Err(e.into()),
    }
}

fn closed_page(ctx: &Ctx, status: StatusCode) -> Response {
    page(status, &MessagePage { ctx, title: ctx.t("register-title"), paragraphs: vec![ctx.t("registration-closed")] })
}

fn register_form(ctx: &Ctx, form: &RegisterForm, errors: &FieldErrors, status: StatusCode) -> Response {
    let mode = ctx.state.runtime.registration();
    let invited = !form.invite.trim().is_empty();
    let mut fields = vec![
        Field::new(ctx, FieldKind::Text, "username", "field-username", &form.username)
            .hint(ctx, "field-username-hint")
            .autocomplete("username")
            .required(),
        Field::new(ctx, FieldKind::Text, "display_name", "field-display-name", &form.display_name)
            .hint(ctx, "field-display-name-hint")
            .autocomplete("name"),
        Field::new(ctx, FieldKind::Email, "email", "field-email", &form.email).autocomplete("email").required(),
    ];
    fields.extend(new_password_fields(ctx, "field-password"));
    let mut hidden_code = None;
    let reason = |form: &RegisterForm| {
        Field::new(ctx, FieldKind::TextArea, "reason", "field-reason", &form.reason)
            .hint(ctx, "field-reason-hint")
            .required()
    };
    let intro_key = match mode {
        // A group's invitation does not skip the approval: the reason is asked after all.
        RegistrationMode::Approval if invited && errors.has("reason") => {
            hidden_code = Some(form.invite.as_str());
            fields.push(reason(form));
            "register-intro-approval"
        }
        _ if invited && mode != RegistrationMode::Invite && !errors.has("invite") => {
            hidden_code = Some(form.invite.as_str());
            "register-intro-invited"
        }
        _ if invited && mode != RegistrationMode::Invite => {
            fields.push(Field::new(ctx, FieldKind::Text, "invite", "field-invite", &form.invite));
            "register-intro-open"
        }
        RegistrationMode::Approval => {
            fields.push(reason(form));
            "register-intro-approval"
        }
        RegistrationMode::Invite => {
            fields.push(Field::new(ctx, FieldKind::Text, "invite", "field-invite", &form.invite).required());
            "register-intro-invite"
        }
        _ => "register-intro-open",
    };
    let mut form = Form::new(ctx, "/registreren", "register-submit", fields).with_errors(ctx, errors);
    if let Some(code) = hidden_code {
        form = form.hidden("invite", code);
    }
    page(
        status,
        &FormPage {
            ctx,
            title: ctx.t("register-title"),
            intro: vec![ctx.t(intro_key)],
            notice: None,
            form,
            links: vec![("/inloggen".into(), ctx.t("register-have-account"))],
        },
    )
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct LoginForm {
    login: String,
    password: String,
    next: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct NextQuery {
    next: String,
}

pub async fn login_page(ctx: Ctx, Query(query): Query<NextQuery>) -> WebResult<Response> {
    if ctx.account.is_some() {
        return Ok(Redirect::to(safe_next(&query.next)).into_response());
    }
    let form = LoginForm { next: query.next, ..Default::default() };
    Ok(login_form(&ctx, &form, None, StatusCode::OK))
}

pub async fn login(
    client: ClientAddr,
    headers: HeaderMap,
    CsrfForm { ctx, form }: CsrfForm<LoginForm>,
) -> WebResult<Response> {
    if form.login.trim().is_empty() || form.password.is_empty() {
        return Ok(login_form(&ctx, &form, Some("error-login-missing"), StatusCode::UNPROCESSABLE_ENTITY));
    }
    let limits = &ctx.state.limits;
    // Refused before the password is checked, so waiting costs no hashing either.
    if let Err(refused) = limits.check_sign_in(&form.login, &client) {
        let page = login_form(&ctx, &form, Some("error-login-too-many"), StatusCode::TOO_MANY_REQUESTS);
        return Ok(crate::web::error::with_retry_after(page, &refused));
    }
    let result = accounts::authenticate(&ctx.state.pool, &ctx.state.settings, &form.login, &form.password).await?;
    match &result {
        Err(LoginError::WrongCredentials) => limits.sign_in_failed(&form.login, &client),
        // The password was right.
        _ => limits.sign_in_succeeded(&form.login, &client),
    }
    match result {
        Ok(account) => sign_in(&ctx, account.user.id, &headers, safe_next(&form.next)).await,
        Err(LoginError::WrongCredentials) => {
            Ok(login_form(&ctx, &form, Some("error-login-wrong"), StatusCode::UNAUTHORIZED))
        }
        Err(LoginError::Pending) => Ok(login_form(&ctx, &form, Some("error-login-pending"), StatusCode::FORBIDDEN)),
        Err(LoginError::Suspended) => Ok(login_form(&ctx, &form, Some("error-login-suspended"), StatusCode::FORBIDDEN)),
        Err(LoginError::Unconfirmed) => {
            Ok(login_form(&ctx, &form, Some("error-login-unconfirmed"), StatusCode::FORBIDDEN))
        }
    }
}

fn login_form(ctx: &Ctx, form: &LoginForm, error: Option<&'static str>, status: StatusCode) -> Response {
    let fields = vec![
        Field::new(ctx, FieldKind::Text, "login", "field-login", &form.login).autocomplete("username").required(),
        Field::new(ctx, FieldKind::Password, "password", "field-password", "")
            .autocomplete("current-password")
            .required(),
    ];
    let mut f = Form::new(ctx, "/inloggen", "login-submit", fields).hidden("next", safe_next(&form.next));
    if let Some(key) = error {
        f.error_summary = Some(ctx.t(key));
    }
    let mut links = vec![("/wachtwoord-vergeten".to_string(), ctx.t("login-forgot"))];
    if error == Some("error-login-unconfirmed") {
        links.insert(0, ("/bevestigen/opnieuw".to_string(), ctx.t("login-confirm-again")));
    }
    if ctx.state.runtime.registration() != RegistrationMode::Closed {
        links.push(("/registreren".to_string(), ctx.t("login-no-account")));
    }
    page(status, &FormPage { ctx, title: ctx.t("login-title"), intro: vec![], notice: None, form: f, links })
}

/// Starts a session, sets its cookie and sends the person on.
async fn sign_in(
    ctx: &Ctx,
    user: crate::db::models::local_user::LocalUserId,
    headers: &HeaderMap,
    next: &str,
) -> WebResult<Response> {
    let user_agent = headers.get(USER_AGENT).and_then(|v| v.to_str().ok()).unwrap_or("");
    let token = accounts::start_session(&ctx.state.pool, user, user_agent).await?;
    let c = cookie(&ctx.state, SESSION_COOKIE, token, accounts::SESSION_DAYS);
    let mut response = Redirect::to(next).into_response();
    let value = HeaderValue::from_str(&c.to_string()).map_err(|e| WebError::Internal(e.to_string()))?;
    response.headers_mut().append(SET_COOKIE, value);
    Ok(response)
}

#[derive(Debug, Default, Deserialize)]
pub struct Empty {}

pub async fn logout(CsrfForm { ctx, .. }: CsrfForm<Empty>) -> WebResult<Response> {
    if let Some(token) = &ctx.session_token {
        accounts::end_session(&ctx.state.pool, token).await?;
    }
    let mut c = cookie(&ctx.state, SESSION_COOKIE, String::new(), 0);
    c.make_removal();
    let mut response = Redirect::to("/").into_response();
    if let Ok(v) = HeaderValue::from_str(&c.to_string()) {
        response.headers_mut().append(SET_COOKIE, v);
    }
    Ok(response)
}
