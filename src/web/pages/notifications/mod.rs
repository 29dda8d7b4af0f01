//! The signed-in person's notifications: the page (grouped, newest first, paged), "mark all as
//! read", and their preferences under the settings.

use std::collections::HashMap;

use axum::extract::Query;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::domain::DomainError;
use crate::domain::notifications::digest::DIGEST;
use crate::domain::notifications::prefs::{self, PrefChange};
use crate::domain::notifications::{Kind, reading};
use crate::domain::validate::FieldErrors;
use crate::web::context::Ctx;
use crate::web::error::{WebError, WebResult};
use crate::web::form::{CsrfForm, Field, FieldKind, Form};
use crate::web::page::{FormPage, page};

pub mod view;
use view::{EntryRow, ListPage};

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ListQuery {
    /// Entries older than this id (the next page).
    voor: Option<i64>,
    gelezen: String,
}

pub async fn list(ctx: Ctx, Query(q): Query<ListQuery>) -> WebResult<Response> {
    let account = ctx.require_account()?;
    let page_of = reading::page(&ctx.state, account, q.voor).await?;
    let rows: Vec<EntryRow> = page_of.entries.iter().map(|e| EntryRow::of(&ctx, e, page_of.last_read)).collect();
    let template = ListPage {
        ctx: &ctx,
        any_unread: rows.iter().any(|r| r.unread),
        newest: page_of.entries.iter().map(|e| e.newest.id).max(),
        rows,
        older: page_of.next_before.map(|id| format!("/meldingen?voor={id}")),
        notice: (!q.gelezen.is_empty()).then(|| ctx.t("notifications-marked-read")),
    };
    Ok(page(StatusCode::OK, &template))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct MarkReadForm {
    up_to: i64,
}

/// Marks the person's own notifications read up to the newest they were shown.
pub async fn mark_read(CsrfForm { ctx, form }: CsrfForm<MarkReadForm>) -> WebResult<Response> {
    let account = ctx.require_account()?;
    reading::mark_read(&ctx.state, account, form.up_to).await?;
    Ok(Redirect::to("/meldingen?gelezen=1").into_response())
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct SavedQuery {
    saved: String,
}

pub async fn preferences_page(ctx: Ctx, Query(q): Query<SavedQuery>) -> WebResult<Response> {
    let account = ctx.require_account()?;
    let current: HashMap<String, String> = prefs::list(&ctx.state, account)
        .await?
        .into_iter()
        .filter(|p| p.scope.is_empty())
        .map(|p| (p.kind.name.to_string(), p.channel.as_str().to_string()))
        .collect();
    let notice = (!q.saved.is_empty()).then(|| ctx.t("settings-saved"));
    Ok(preferences_form(&ctx, &current, &FieldErrors::default(), notice, StatusCode::OK))
}

/// Saves a channel for each kind on the form; a refused choice changes nothing.
pub async fn save_preferences(CsrfForm { ctx, form }: CsrfForm<HashMap<String, String>>) -> WebResult<Response> {
    let account = ctx.require_account()?;
    let changes: Vec<PrefChange> = prefs::kinds_for(account)
        .filter_map(|k| {
            form.get(k.name).map(|c| PrefChange { kind: k.name.into(), scope: String::new(), channel: Some(c.clone()) })
        })
        .collect();
    match prefs::set(&ctx.state, account, &changes).await {
        Ok(()) => Ok(Redirect::to("/instellingen/meldingen?saved=1").into_response()),
        Err(DomainError::Invalid(errors)) => {
            Ok(preferences_form(&ctx, &form, &errors, None, StatusCode::UNPROCESSABLE_ENTITY))
        }
        Err(e) => Err(WebError::from(e)),
    }
}

fn preferences_form(
    ctx: &Ctx,
    values: &HashMap<String, String>,
    errors: &FieldErrors,
    notice: Option<String>,
    status: StatusCode,
) -> Response {
    // The digest is chosen by its own words ("every day"), the kinds by theirs ("also in the
    // daily digest").
    let words = |k: &Kind| match k.name == DIGEST.name {
        true => ("notification-preference-digest".to_string(), "digest-channel"),
        false => (format!("notification-kind-{}", k.name), "notification-channel"),
    };
    let fields: Vec<Field> = ctx
        .account
        .iter()
        .flat_map(prefs::kinds_for)
        .map(|k| {
            let value = values.get(k.name).map_or(k.default.as_str(), String::as_str);
            let (label, options) = words(k);
            let options =
                k.channels.iter().map(|c| (c.as_str().to_string(), ctx.t(&format!("{options}-{}", c.as_str()))));
            Field::new(ctx, FieldKind::Select, k.name, &label, value).options(options.collect()).required()
        })
        .collect();
    let form = Form::new(ctx, "/instellingen/meldingen", "settings-submit", fields).with_errors(ctx, errors);
    page(
        status,
        &FormPage {
            ctx,
            title: ctx.t("notification-preferences-title"),
            intro: vec![ctx.t("notification-preferences-intro")],
            notice,
            form,
            links: vec![
                ("/meldingen".into(), ctx.t("notifications-title")),
                ("/instellingen".into(), ctx.t("settings-title")),
            ],
        },
    )
}
