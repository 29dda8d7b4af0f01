//! `/instellingen/blokkeringen`: everything a resident blocked, muted or hid, each with a
//! button to take it back; a form to block a domain; and the lists as CSV files in Mastodon's
//! formats, to download and to import (an import names each bad line and stores nothing).

use askama::Template;
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::db::models::actor::{Actor, ActorId};
use crate::db::models::actor_block::{ActorBlock, IdPage};
use crate::db::models::actor_mute::ActorMute;
use crate::db::models::domain_block_personal::DomainBlock;
use crate::db::models::hidden_post::HiddenPost;
use crate::db::models::post::PostId;
use crate::domain::DomainError;
use crate::domain::blocks::lists::{self, BadLine, ImportError, ListKind};
use crate::domain::blocks::{self};
use crate::web::context::Ctx;
use crate::web::error::{WebError, WebResult};
use crate::web::form::{CsrfForm, UploadForm};
use crate::web::page::page;

/// Most entries of each list on the page (the CSV export has them all).
const SHOWN: i64 = 200;

/// One list on the page.
pub struct Section {
    /// The heading's id and message key.
    pub heading: &'static str,
    /// What is said when it is empty (a message key).
    pub empty: &'static str,
    pub entries: Vec<Entry>,
}

/// One entry with its undo button.
pub struct Entry {
    /// What it is, as text.
    pub label: String,
    /// Where it links (a profile, a post), if anywhere.
    pub href: Option<String>,
    /// The form's `action` value and the entry's `id` value.
    pub action: &'static str,
    pub id: String,
    /// A mute's details ("ook meldingen", "tot …").
    pub detail: Option<String>,
}

#[derive(Template)]
#[template(path = "blocks/settings.html")]
pub struct BlocksPage<'a> {
    pub ctx: &'a Ctx,
    pub notice: Option<String>,
    /// Blocked accounts, muted accounts, blocked domains, hidden posts.
    pub sections: Vec<Section>,
    /// The domain form's value and error.
    pub domain_value: String,
    pub domain_error: Option<String>,
    /// An import's refusal: the file's error, or each bad line.
    pub import_error: Option<String>,
    pub bad_lines: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct DoneQuery {
    gedaan: String,
    aantal: i64,
}

/// Where an actor's page is: ours here, another server's where it lives.
fn actor_href(a: &Actor) -> Option<String> {
    if a.local {
        Some(format!("/{}/{}", crate::domain::actors::path_prefix(a.kind()), a.name_key))
    } else {
        a.url
            .clone()
            .or_else(|| Some(a.ap_id.clone()))
            .filter(|u| u.starts_with("https://") || u.starts_with("http://"))
    }
}

fn actor_label(a: &Actor) -> String {
    format!("{} (@{}@{})", a.display_name, a.username, a.domain)
}

pub async fn show(ctx: Ctx, Query(q): Query<DoneQuery>) -> WebResult<Response> {
    let notice = match q.gedaan.as_str() {
        "opgeslagen" => Some(ctx.t("blocks-done-saved")),
        "geimporteerd" => Some(ctx.t1("blocks-done-imported", "count", q.aantal)),
        _ => None,
    };
    render(&ctx, notice, String::new(), None, None, Vec::new(), StatusCode::OK).await
}

async fn render(
    ctx: &Ctx,
    notice: Option<String>,
    domain_value: String,
    domain_error: Option<String>,
    import_error: Option<String>,
    bad_lines: Vec<String>,
    status: StatusCode,
) -> WebResult<Response> {
    let me = ctx.require_account()?;
    let all = IdPage { limit: SHOWN, ..Default::default() };
    let mut conn = ctx.state.pool.get().await?;
    let blocks = ActorBlock::list(&mut conn, me.actor.id, &all)
        .await?
        .iter()
        .map(|(_, a)| Entry {
            label: actor_label(a),
            href: actor_href(a),
            action: "unblock",
            id: a.id.0.to_string(),
            detail: None,
        })
        .collect();
    let mutes = ActorMute::list(&mut conn, me.actor.id, &all)
        .await?
        .iter()
        .map(|(m, a)| {
            let mut details = Vec::new();
            if m.notifications {
                details.push(ctx.t("blocks-mute-with-notifications"));
            }
            if let Some(until) = m.expires_at {
                details.push(ctx.t1("blocks-mute-until", "time", ctx.datetime(until)));
            }
            Entry {
                label: actor_label(a),
                href: actor_href(a),
                action: "unmute",
                id: a.id.0.to_string(),
                detail: (!details.is_empty()).then(|| details.join(" · ")),
            }
        })
        .collect();
    let domains = DomainBlock::list(&mut conn, me.actor.id, &all)
        .await?
        .into_iter()
        .map(|d| Entry { label: d.domain.clone(), href: None, action: "unblock_domain", id: d.domain, detail: None })
        .collect();
    let hidden = HiddenPost::list(&mut conn, me.actor.id, &all)
        .await?
        .into_iter()
        .map(|(_, v)| Entry {
            label: ctx.t1(
                "blocks-hidden-post",
                "excerpt",
                format!("{}: {}", v.author.display_name, crate::util::html::excerpt(&v.post.content, 60)),
            ),
            href: Some(format!("/p/{}", v.post.id.0)),
            action: "unhide",
            id: v.post.id.0.to_string(),
            detail: None,
        })
        .collect();
    drop(conn);
    let section = |heading, empty, entries| Section { heading, empty, entries };
    let sections = vec![
        section("blocks-accounts-heading", "blocks-accounts-none", blocks),
        section("blocks-mutes-heading", "blocks-mutes-none", mutes),
        section("blocks-domains-heading", "blocks-domains-none", domains),
        section("blocks-hidden-heading", "blocks-hidden-none", hidden),
    ];
    let data = BlocksPage { ctx, notice, sections, domain_value, domain_error, import_error, bad_lines };
    Ok(page(status, &data))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ActForm {
    /// `unblock`, `unmute`, `unblock_domain`, `unhide` or `block_domain`.
    action: String,
    /// The account's or post's id, or the domain.
    id: String,
    /// `block_domain`'s field.
    domain: String,
}

/// `POST /instellingen/blokkeringen`: takes one entry back, or blocks a domain.
pub async fn act(CsrfForm { ctx, form }: CsrfForm<ActForm>) -> WebResult<Response> {
    let me = ctx.require_account()?;
    let account = || async {
        let id: i64 = form.id.trim().parse().map_err(|_| WebError::NotFound)?;
        let mut conn = ctx.state.pool.get().await?;
        Actor::by_id(&mut conn, ActorId(id)).await?.ok_or(WebError::NotFound)
    };
    match form.action.as_str() {
        "unblock" => blocks::unblock(&ctx.state, me, &account().await?).await?,
        "unmute" => blocks::unmute(&ctx.state, me, &account().await?).await?,
        "unblock_domain" => blocks::unblock_domain(&ctx.state, me, &form.id).await?,
        "unhide" => {
            let id: i64 = form.id.trim().parse().map_err(|_| WebError::NotFound)?;
            blocks::unhide(&ctx.state, me, PostId(id)).await?
        }
        "block_domain" => match blocks::block_domain(&ctx.state, me, &form.domain).await {
            Ok(()) => {}
            Err(DomainError::Invalid(errors)) => {
                let message = errors.0.first().map(|e| ctx.t(e.message));
                let status = StatusCode::UNPROCESSABLE_ENTITY;
                return render(&ctx, None, form.domain.clone(), message, None, Vec::new(), status).await;
            }
            Err(e) => return Err(e.into()),
        },
        _ => return Err(WebError::BadRequest("error-choice-invalid")),
    }
    Ok(Redirect::to("/instellingen/blokkeringen?gedaan=opgeslagen").into_response())
}

/// `GET /instellingen/blokkeringen/export/{list}`: `blocks`, `mutes` or `domains` as CSV.
pub async fn export(ctx: Ctx, Path(list): Path<String>) -> WebResult<Response> {
    let me = ctx.require_account()?;
    let kind = ListKind::parse(&list).ok_or(WebError::NotFound)?;
    let csv = lists::export(&ctx.state, me, kind).await?;
    let disposition = format!("attachment; filename=\"{}\"", kind.file_name());
    Ok(([(CONTENT_TYPE, "text/csv; charset=utf-8".to_string()), (CONTENT_DISPOSITION, disposition)], csv)
        .into_response())
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ImportForm {
    /// `blocks`, `mutes` or `domains`.
    list: String,
}

/// `POST /instellingen/blokkeringen/import`: a CSV file into one of the lists; every line is
/// checked first, and a file with any bad line stores nothing.
pub async fn import(mut upload: UploadForm<ImportForm>) -> WebResult<Response> {
    let file = upload.take_file("file");
    let UploadForm { ctx, form, .. } = upload;
    let me = ctx.require_account()?;
    let refuse = |error: Option<String>, lines: Vec<String>| {
        render(&ctx, None, String::new(), None, error, lines, StatusCode::UNPROCESSABLE_ENTITY)
    };
    let Some(kind) = ListKind::parse(&form.list) else {
        return refuse(Some(ctx.t("error-choice-invalid")), Vec::new()).await;
    };
    let Some(data) = file.filter(|f| !f.is_empty()) else {
        return refuse(Some(ctx.t("blocks-import-empty")), Vec::new()).await;
    };
    match lists::import(&ctx.state, me, kind, &data).await {
        Ok(n) => {
            Ok(Redirect::to(&format!("/instellingen/blokkeringen?gedaan=geimporteerd&aantal={n}")).into_response())
        }
        Err(ImportError::Lines(bad)) => {
            let lines = bad.iter().map(|b: &BadLine| describe(&ctx, b)).collect();
            refuse(Some(ctx.t1("blocks-import-refused", "count", bad.len())), lines).await
        }
        Err(ImportError::File(key)) => refuse(Some(ctx.t(key)), Vec::new()).await,
        Err(ImportError::Domain(e)) => Err(e.into()),
    }
}

/// "Regel 3 (piet@): …"
fn describe(ctx: &Ctx, bad: &BadLine) -> String {
    let why = ctx.t(bad.message);
    let text: String = bad.text.chars().take(80).collect();
    format!("{} ({text}): {why}", ctx.t1("blocks-import-line", "line", bad.line))
}
