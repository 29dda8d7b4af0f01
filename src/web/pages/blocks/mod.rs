//! A resident's own controls on pages: blocking and muting a person or a group from its
//! profile (a page that says what each does, then a button), and hiding a post. The list of
//! everything one blocked is in `settings::blocks`.

use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::db::models::actor::{Actor, ActorKind};
use crate::db::models::hidden_post::HiddenPost;
use crate::db::models::post::PostId;
use crate::domain::DomainError;
use crate::domain::blocks::{self, MuteSpec};
use crate::web::context::Ctx;
use crate::web::error::{WebError, WebResult};
use crate::web::form::CsrfForm;
use crate::web::page::page;

pub mod view;
use view::ConfirmPage;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct DoneQuery {
    gedaan: String,
}

/// The local person or group `name`, not oneself.
async fn actor(ctx: &Ctx, name: &str, kind: ActorKind) -> WebResult<Actor> {
    let mut conn = ctx.state.pool.get().await?;
    Actor::by_name(&mut conn, name, &ctx.state.settings.instance.domain)
        .await?
        .filter(|a| a.local && !a.deleted && a.kind().family() == kind)
        .ok_or(WebError::NotFound)
}

fn profile_path(actor: &Actor) -> String {
    format!("/{}/{}", crate::domain::actors::path_prefix(actor.kind()), actor.name_key)
}

/// `GET /u/{name}/blokkeren`: what blocking and muting this person do, with the buttons.
pub async fn confirm_person(ctx: Ctx, Path(name): Path<String>, Query(q): Query<DoneQuery>) -> WebResult<Response> {
    confirm(ctx, &name, ActorKind::Person, &q).await
}

/// `GET /g/{name}/blokkeren`: the same for a group.
pub async fn confirm_group(ctx: Ctx, Path(name): Path<String>, Query(q): Query<DoneQuery>) -> WebResult<Response> {
    confirm(ctx, &name, ActorKind::Group, &q).await
}

async fn confirm(ctx: Ctx, name: &str, kind: ActorKind, q: &DoneQuery) -> WebResult<Response> {
    let me = ctx.require_account()?;
    let target = actor(&ctx, name, kind).await?;
    if target.id == me.actor.id {
        return Err(WebError::NotFound);
    }
    let standing = {
        let mut conn = ctx.state.pool.get().await?;
        blocks::standing(&mut conn, &me.actor, &target).await?
    };
    let notice = match q.gedaan.as_str() {
        "geblokkeerd" => Some(ctx.t("blocks-done-blocked")),
        "gedeblokkeerd" => Some(ctx.t("blocks-done-unblocked")),
        "genegeerd" => Some(ctx.t("blocks-done-muted")),
        "niet-genegeerd" => Some(ctx.t("blocks-done-unmuted")),
        _ => None,
    };
    let data = ConfirmPage {
        ctx: &ctx,
        title: ctx.t1("blocks-confirm-title", "name", &target.display_name),
        action: format!("{}/blokkeren", profile_path(&target)),
        profile: profile_path(&target),
        is_group: kind == ActorKind::Group,
        blocking: standing.blocking,
        muting: standing.muting,
        notice,
    };
    Ok(page(StatusCode::OK, &data))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ActForm {
    /// `block`, `unblock`, `mute` or `unmute`.
    action: String,
    /// With `mute`: also hide notifications (a checkbox: "on" when ticked).
    notifications: String,
}

/// `POST /u/{name}/blokkeren`
pub async fn act_person(Path(name): Path<String>, form: CsrfForm<ActForm>) -> WebResult<Response> {
    act(form, &name, ActorKind::Person).await
}

/// `POST /g/{name}/blokkeren`
pub async fn act_group(Path(name): Path<String>, form: CsrfForm<ActForm>) -> WebResult<Response> {
    act(form, &name, ActorKind::Group).await
}

async fn act(CsrfForm { ctx, form }: CsrfForm<ActForm>, name: &str, kind: ActorKind) -> WebResult<Response> {
    let me = ctx.require_account()?;
    let target = actor(&ctx, name, kind).await?;
    let done = match form.action.as_str() {
        "block" => blocks::block(&ctx.state, me, &target).await.map(|_| "geblokkeerd"),
        "unblock" => blocks::unblock(&ctx.state, me, &target).await.map(|_| "gedeblokkeerd"),
        "mute" => {
            let spec = MuteSpec { notifications: !form.notifications.is_empty(), duration: None };
            blocks::mute(&ctx.state, me, &target, spec).await.map(|_| "genegeerd")
        }
        "unmute" => blocks::unmute(&ctx.state, me, &target).await.map(|_| "niet-genegeerd"),
        _ => return Err(WebError::BadRequest("error-choice-invalid")),
    };
    match done {
        Ok(done) => Ok(Redirect::to(&format!("{}/blokkeren?gedaan={done}", profile_path(&target))).into_response()),
        Err(DomainError::Invalid(_)) => Err(WebError::BadRequest("blocks-error-self")),
        Err(e) => Err(e.into()),
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct HideForm {
    /// `aan` hides, `uit` shows again.
    doen: String,
}

/// `POST /p/{id}/verbergen`: hides a post from one's own lists (or shows it again).
pub async fn hide_post(Path(id): Path<i64>, CsrfForm { ctx, form }: CsrfForm<HideForm>) -> WebResult<Response> {
    let me = ctx.require_account()?;
    let (result, done) = match form.doen.as_str() {
        "aan" => (blocks::hide(&ctx.state, me, PostId(id)).await, "verborgen"),
        "uit" => (blocks::unhide(&ctx.state, me, PostId(id)).await, "zichtbaar"),
        _ => return Err(WebError::BadRequest("error-choice-invalid")),
    };
    result?;
    Ok(Redirect::to(&format!("/p/{id}?gedaan={done}")).into_response())
}

/// Whether `me` hid post `id` (the post page's button).
pub async fn hidden(ctx: &Ctx, id: PostId) -> WebResult<bool> {
    let Some(me) = &ctx.account else { return Ok(false) };
    let mut conn = ctx.state.pool.get().await?;
    Ok(!HiddenPost::among(&mut conn, me.actor.id, &[id]).await?.is_empty())
}
