//! Account settings (name, language, bio, photos), password change and the language switch.

use axum::extract::Query;
use axum::http::HeaderValue;
use axum::http::StatusCode;
use axum::http::header::SET_COOKIE;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::db::models::actor::Actor;
use crate::db::models::media::Purpose;
use crate::domain::accounts::{self, AccountSettings};
use crate::domain::validate::FieldErrors;
use crate::domain::{DomainError, media};
use crate::i18n::Lang;
use crate::web::context::{Ctx, LANG_COOKIE, cookie, safe_next};
use crate::web::error::{WebError, WebResult};
use crate::web::form::{CsrfForm, Field, FieldKind, Form, UploadForm, VisitorForm, new_password_fields};
use crate::web::page::{FormPage, Image, page};

pub mod blocks;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct SavedQuery {
    saved: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct SettingsForm {
    display_name: String,
    language: String,
    /// The bio ("Over mij"), plain text.
    note: String,
}

pub async fn settings_page(ctx: Ctx, Query(q): Query<SavedQuery>) -> WebResult<Response> {
    let account = ctx.require_account()?;
    let form = SettingsForm {
        display_name: account.actor.display_name.clone(),
        language: account.user.language.clone().unwrap_or_default(),
        note: crate::util::html::html_to_text(&account.actor.summary),
    };
    let notice = (!q.saved.is_empty()).then(|| ctx.t("settings-saved"));
    Ok(settings_form(&ctx, &form, &FieldErrors::default(), notice, StatusCode::OK))
}

/// Saves name, language, and a new avatar or header when one was chosen. The images are
/// checked first, so a refused image changes nothing.
pub async fn save_settings(mut upload: UploadForm<SettingsForm>) -> WebResult<Response> {
    let (avatar, header) = (upload.take_file("avatar"), upload.take_file("header"));
    let UploadForm { ctx, form, .. } = upload;
    let account = ctx.require_account()?;
    let invalid = |errors: &FieldErrors| Ok(settings_form(&ctx, &form, errors, None, StatusCode::UNPROCESSABLE_ENTITY));
    let mut images = Vec::new();
    for (purpose, field, file) in [(Purpose::Avatar, "avatar", avatar), (Purpose::Header, "header", header)] {
        if let Some(bytes) = file {
            match media::process_upload(&ctx.state, field, bytes).await {
                Ok(image) => images.push((purpose, image)),
                Err(DomainError::Invalid(errors)) => return invalid(&errors),
                Err(e) => return Err(e.into()),
            }
        }
    }
    let input = AccountSettings {
        display_name: form.display_name.clone(),
        language: form.language.clone(),
        note: Some(form.note.clone()),
    };
    match accounts::update_settings(&ctx.state, account, &input).await {
        Ok(()) => {}
        Err(DomainError::Invalid(errors)) => return invalid(&errors),
        Err(e) => return Err(e.into()),
    }
    if !images.is_empty() {
        let mut conn = ctx.state.pool.get().await?;
        let mut actor = Actor::by_id(&mut conn, account.actor.id).await?.ok_or(WebError::NotFound)?;
        drop(conn);
        for (purpose, image) in images {
            actor = media::set_profile_image(&ctx.state, &actor, purpose, image).await?;
        }
    }
    Ok(Redirect::to("/instellingen?saved=1").into_response())
}

fn settings_form(
    ctx: &Ctx,
    form: &SettingsForm,
    errors: &FieldErrors,
    notice: Option<String>,
    status: StatusCode,
) -> Response {
    let mut languages = vec![(String::new(), ctx.t("settings-language-browser"))];
    for (code, name, _) in ctx.languages() {
        languages.push((code.to_string(), name));
    }
    let fields = vec![
        Field::new(ctx, FieldKind::Text, "display_name", "field-display-name", &form.display_name)
            .hint(ctx, "field-display-name-hint")
            .autocomplete("name"),
        Field::new(ctx, FieldKind::Select, "language", "field-language", &form.language).options(languages),
        Field {
            hint: Some(ctx.t_count("field-bio-hint", crate::domain::profile::BIO_MAX as i64)),
            ..Field::new(ctx, FieldKind::TextArea, "note", "field-bio", &form.note)
        },
        Field::new(ctx, FieldKind::Image, "avatar", "field-avatar", "").hint(ctx, "field-avatar-hint"),
        Field::new(ctx, FieldKind::Image, "header", "field-header", "").hint(ctx, "field-header-hint"),
    ];
    let mut current = Vec::new();
    if let Some(account) = &ctx.account {
        for (url, caption) in
            [(&account.actor.icon_url, "field-avatar-current"), (&account.actor.image_url, "field-header-current")]
        {
            if let Some(url) = url {
                let caption = ctx.t(caption);
                current.push(Image {
                    alt: String::new(),
                    caption,
                    src: url.clone(),
                    href: url.clone(),
                    width: None,
                    height: None,
                });
            }
        }
    }
    let f = Form::new(ctx, "/instellingen", "settings-submit", fields).with_errors(ctx, errors).images(current);
    let account_line = ctx.account.as_ref().map(|a| {
        ctx.t_args("settings-account-line", &[("name", a.actor.username.clone()), ("email", a.user.email.clone())])
    });
    page(
        status,
        &FormPage {
            ctx,
            title: ctx.t("settings-title"),
            intro: account_line.into_iter().collect(),
            notice,
            form: f,
            links: {
                let mut links = vec![
                    ("/instellingen/wachtwoord".into(), ctx.t("password-title")),
                    ("/instellingen/meldingen".into(), ctx.t("notification-preferences-title")),
                    ("/instellingen/e-mail".into(), ctx.t("settings-email-link")),
                ];
                // Neighbourhoods are groups: the page is there when the groups module is on.
                if ctx.state.settings.modules.groups {
                    links.push(("/instellingen/buurt".into(), ctx.t("settings-home-neighbourhood")));
                }
                links.push(("/instellingen/gegevens".into(), ctx.t("privacy-data-title")));
                links.push(("/instellingen/account-verwijderen".into(), ctx.t("privacy-delete-title")));
                links
            },
        },
    )
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct PasswordForm {
    current_password: String,
    password: String,
    password_confirm: String,
}

pub async fn password_page(ctx: Ctx, Query(q): Query<SavedQuery>) -> WebResult<Response> {
    ctx.require_account()?;
    let notice = (!q.saved.is_empty()).then(|| ctx.t("password-changed"));
    Ok(password_form(&ctx, &FieldErrors::default(), notice, StatusCode::OK))
}

pub async fn change_password(
    client: crate::limits::ClientAddr,
    CsrfForm { ctx, form }: CsrfForm<PasswordForm>,
) -> WebResult<Response> {
    let account = ctx.require_account()?;
    ctx.state.limits.check_password_change(&client, account)?;
    let result = accounts::change_password(
        &ctx.state.pool,
        account,
        &form.current_password,
        &form.password,
        &form.password_confirm,
        ctx.session_token.as_deref(),
    )
    .await;
    match result {
        Ok(()) => Ok(Redirect::to("/instellingen/wachtwoord?saved=1").into_response()),
        Err(DomainError::Invalid(errors)) => Ok(password_form(&ctx, &errors, None, StatusCode::UNPROCESSABLE_ENTITY)),
        Err(e) => Err(e.into()),
    }
}

fn password_form(ctx: &Ctx, errors: &FieldErrors, notice: Option<String>, status: StatusCode) -> Response {
    let mut fields = vec![
        Field::new(ctx, FieldKind::Password, "current_password", "field-current-password", "")
            .autocomplete("current-password")
            .required(),
    ];
    fields.extend(new_password_fields(ctx, "field-new-password"));
    let f = Form::new(ctx, "/instellingen/wachtwoord", "password-submit", fields).with_errors(ctx, errors);
    page(
        status,
        &FormPage {
            ctx,
            title: ctx.t("password-title"),
            intro: vec![ctx.t("password-intro")],
            notice,
            form: f,
            links: vec![],
        },
    )
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct LanguageForm {
    language: String,
    next: String,
}

/// Switches the page language: remembered in a cookie, and in the account when signed in.
pub async fn switch_language(VisitorForm { ctx, form }: VisitorForm<LanguageForm>) -> WebResult<Response> {
    let Some(lang) = Lang::parse(&form.language).filter(|l| crate::web::context::offered(&ctx.state).contains(l))
    else {
        return Err(crate::web::error::WebError::BadRequest("error-choice-invalid"));
    };
    if let Some(account) = &ctx.account {
        let input = AccountSettings {
            display_name: account.actor.display_name.clone(),
            language: lang.code().to_string(),
            note: None,
        };
        accounts::update_settings(&ctx.state, account, &input).await?;
    }
    let mut response = Redirect::to(safe_next(&form.next)).into_response();
    let c = cookie(&ctx.state, LANG_COOKIE, lang.code().to_string(), 365);
    if let Ok(v) = HeaderValue::from_str(&c.to_string()) {
        response.headers_mut().append(SET_COOKIE, v);
    }
    Ok(response)
}
