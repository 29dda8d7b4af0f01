//! `/beheer/instellingen`: the instance settings an admin changes while it runs — the
//! description, the contact address, who may register and who may create groups.

use axum::extract::Query;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::view::SettingsPage;
use crate::config::{GroupCreation, RegistrationMode};
use crate::domain::DomainError;
use crate::domain::site::{self, SettingsInput};
use crate::domain::validate::FieldErrors;
use crate::web::context::Ctx;
use crate::web::error::WebResult;
use crate::web::form::{CsrfForm, Field, FieldKind, Form};
use crate::web::page::page;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct SettingsForm {
    description: String,
    contact_email: String,
    registration: String,
    group_creation: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct DoneQuery {
    gedaan: String,
}

/// `GET /beheer/instellingen`.
pub async fn show(ctx: Ctx, Query(q): Query<DoneQuery>) -> WebResult<Response> {
    let now = site::settings_for(&ctx.state, ctx.require_account()?)?;
    let form = SettingsForm {
        description: now.description.clone(),
        contact_email: now.contact_email.clone(),
        registration: now.registration.as_str().into(),
        group_creation: now.group_creation.as_str().into(),
    };
    let notice = (q.gedaan == "opgeslagen").then(|| ctx.t("admin-settings-saved"));
    settings_page(&ctx, &form, &FieldErrors::default(), notice, StatusCode::OK)
}

/// `POST /beheer/instellingen`.
pub async fn save(CsrfForm { ctx, form }: CsrfForm<SettingsForm>) -> WebResult<Response> {
    let admin = ctx.require_account()?;
    let input = SettingsInput {
        description: form.description.clone(),
        contact_email: form.contact_email.clone(),
        registration: form.registration.clone(),
        group_creation: form.group_creation.clone(),
    };
    match site::save_settings(&ctx.state, admin, &input).await {
        Ok(_) => Ok(Redirect::to("/beheer/instellingen?gedaan=opgeslagen").into_response()),
        Err(DomainError::Invalid(errors)) => {
            settings_page(&ctx, &form, &errors, None, StatusCode::UNPROCESSABLE_ENTITY)
        }
        Err(e) => Err(e.into()),
    }
}

fn settings_page(
    ctx: &Ctx,
    form: &SettingsForm,
    errors: &FieldErrors,
    notice: Option<String>,
    status: StatusCode,
) -> WebResult<Response> {
    let configured = ctx.state.runtime.configured();
    let from_config = |value: &str| {
        let shown = if value.is_empty() { ctx.t("admin-settings-empty") } else { value.to_string() };
        ctx.t1("admin-settings-configured", "value", shown)
    };
    let registration = RegistrationMode::ALL
        .iter()
        .map(|m| (m.as_str().to_string(), ctx.t(&format!("admin-registration-{}", m.as_str()))))
        .collect();
    let group_creation = GroupCreation::ALL
        .iter()
        .map(|m| (m.as_str().to_string(), ctx.t(&format!("admin-group-creation-{}", m.as_str()))))
        .collect();
    let mut fields = vec![
        Field::new(ctx, FieldKind::TextArea, "description", "admin-settings-description", &form.description),
        Field::new(ctx, FieldKind::Email, "contact_email", "admin-settings-contact", &form.contact_email)
            .autocomplete("off"),
        Field::new(ctx, FieldKind::Select, "registration", "admin-settings-registration", &form.registration)
            .options(registration)
            .required(),
        Field::new(ctx, FieldKind::Select, "group_creation", "admin-settings-group-creation", &form.group_creation)
            .options(group_creation)
            .required(),
    ];
    let hints = [
        from_config(&configured.description),
        from_config(&configured.contact_email),
        from_config(&ctx.t(&format!("admin-registration-{}", configured.registration.as_str()))),
        from_config(&ctx.t(&format!("admin-group-creation-{}", configured.group_creation.as_str()))),
    ];
    for (field, hint) in fields.iter_mut().zip(hints) {
        field.hint = Some(hint);
    }
    let form = Form::new(ctx, "/beheer/instellingen", "admin-settings-submit", fields).with_errors(ctx, errors);
    Ok(page(status, &SettingsPage { ctx, form, notice }))
}
