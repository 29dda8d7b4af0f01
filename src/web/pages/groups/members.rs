//! A group's members page (`/g/{name}/leden`): who belongs to it, joining and leaving, and for
//! its moderators the requests to answer, invitations, roles, removal and bans. Every action
//! is a form (no JavaScript) that calls one operation of `domain::groups::members`.

use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::view::{MemberRow, MembersPage};
use crate::db::models::actor::ActorId;
use crate::db::models::group_profile::GroupStatus;
use crate::db::models::membership::{GroupRole, MemberState, Membership};
use crate::domain::groups::rights::{self, Standing};
use crate::domain::groups::{self, Group, members};
use crate::domain::{DomainError, resolve};
use crate::web::context::Ctx;
use crate::web::error::{WebError, WebResult};
use crate::web::form::CsrfForm;
use crate::web::page::page;

/// The local group `name` as the visitor may see it.
async fn shown(ctx: &Ctx, name: &str) -> WebResult<(Group, Standing)> {
    let mut conn = ctx.state.pool.get().await?;
    let group = groups::local(&mut conn, &ctx.state.settings, name).await?.ok_or(WebError::NotFound)?;
    let standing = Standing::of(&mut conn, group.actor.id, ctx.account.as_ref()).await?;
    if !rights::sees_group(&group.profile, &standing) {
        return Err(WebError::NotFound);
    }
    Ok((group, standing))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct MembersQuery {
    pagina: i64,
    /// A notice key after an action (`group-notice-*`).
    gedaan: String,
}

pub async fn page_of(ctx: Ctx, Path(name): Path<String>, Query(q): Query<MembersQuery>) -> WebResult<Response> {
    let (group, standing) = shown(&ctx, &name).await?;
    let sees = rights::sees_content(&group.profile, &standing);
    let (accepted, requests, invited, count) = {
        let mut conn = ctx.state.pool.get().await?;
        let conn = &mut conn;
        let accepted =
            if sees { members::list(conn, &group, &standing, MemberState::Accepted, q.pagina).await? } else { vec![] };
        let (requests, invited) = if standing.moderates() {
            (
                members::list(conn, &group, &standing, MemberState::Pending, 0).await?,
                members::list(conn, &group, &standing, MemberState::Invited, 0).await?,
            )
        } else {
            (vec![], vec![])
        };
        let count = Membership::count(conn, group.actor.id, MemberState::Accepted).await?;
        (accepted, requests, invited, count)
    };
    let row = |(m, a): &(Membership, crate::db::models::actor::Actor)| MemberRow::of(&ctx, m, a);
    let notice = match q.gedaan.as_str() {
        "" => None,
        key if key.chars().all(|c| c.is_ascii_lowercase() || c == '-') => Some(ctx.t(&format!("group-notice-{key}"))),
        _ => None,
    };
    let template = MembersPage {
        ctx: &ctx,
        join: rights::join_answer(&group.profile, &standing),
        state: standing.membership.as_ref().map(|m| m.state()),
        moderates: standing.moderates(),
        site_moderator: ctx.is_moderator(),
        administers: standing.administers(),
        count,
        sees,
        members: accepted.iter().map(row).collect(),
        requests: requests.iter().map(row).collect(),
        invited: invited.iter().map(row).collect(),
        older: (accepted.len() as i64 == members::PAGE)
            .then(|| format!("/g/{}/leden?pagina={}", group.actor.name_key, q.pagina + 1)),
        notice,
        group,
    };
    Ok(page(StatusCode::OK, &template))
}

fn back(group: &str, notice: &str) -> Response {
    Redirect::to(&format!("/g/{group}/leden?gedaan={notice}")).into_response()
}

/// A refused action shows its reason on an error page in the visitor's language.
pub(super) fn refused(e: DomainError) -> WebError {
    match e {
        DomainError::Invalid(errors) => {
            WebError::BadRequest(errors.0.first().map_or("error-choice-invalid", |e| e.message))
        }
        other => other.into(),
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct JoinForm {
    message: String,
}

pub async fn join(Path(name): Path<String>, CsrfForm { ctx, form }: CsrfForm<JoinForm>) -> WebResult<Response> {
    let account = ctx.require_account()?;
    let (group, _) = shown(&ctx, &name).await?;
    match members::join(&ctx.state, account, &group, &form.message).await {
        Ok(MemberState::Accepted) => Ok(back(&group.actor.name_key, "joined")),
        Ok(_) => Ok(back(&group.actor.name_key, "requested")),
        Err(e) => Err(refused(e)),
    }
}

pub async fn leave(Path(name): Path<String>, CsrfForm { ctx, .. }: CsrfForm<JoinForm>) -> WebResult<Response> {
    let account = ctx.require_account()?;
    let (group, _) = shown(&ctx, &name).await?;
    members::leave(&ctx.state, account, &group).await.map_err(refused)?;
    Ok(back(&group.actor.name_key, "left"))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ActionForm {
    /// `accept`, `reject`, `remove`, `ban` or `role`.
    action: String,
    role: String,
}

pub async fn act(
    Path((name, member)): Path<(String, i64)>,
    CsrfForm { ctx, form }: CsrfForm<ActionForm>,
) -> WebResult<Response> {
    let account = ctx.require_account()?;
    let (group, _) = shown(&ctx, &name).await?;
    let member = ActorId(member);
    let state = &ctx.state;
    let result = match form.action.as_str() {
        "accept" => members::answer(state, account, &group, member, true).await.map(|()| "accepted"),
        "reject" => members::answer(state, account, &group, member, false).await.map(|()| "rejected"),
        "remove" => members::remove(state, account, &group, member, false).await.map(|()| "removed"),
        "ban" => members::remove(state, account, &group, member, true).await.map(|()| "banned"),
        "role" => match GroupRole::parse(&form.role) {
            Some(role) => members::set_role(state, account, &group, member, role).await.map(|()| "role"),
            None => return Err(WebError::BadRequest("error-choice-invalid")),
        },
        _ => return Err(WebError::BadRequest("error-choice-invalid")),
    };
    let notice = result.map_err(refused)?;
    Ok(back(&group.actor.name_key, notice))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct StatusForm {
    /// `active` (approve, or open again) or `archived`.
    status: String,
}

/// A site moderator approves a pending group; its administrators archive it or open it again.
pub async fn set_status(Path(name): Path<String>, CsrfForm { ctx, form }: CsrfForm<StatusForm>) -> WebResult<Response> {
    let account = ctx.require_account()?;
    let (group, _) = shown(&ctx, &name).await?;
    let Some(status) = GroupStatus::parse(&form.status) else {
        return Err(WebError::BadRequest("error-choice-invalid"));
    };
    groups::set_status(&ctx.state, account, &group, status).await?;
    Ok(back(&group.actor.name_key, &format!("status-{}", status.as_str())))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct DeleteForm {
    /// The box "yes, delete it" must be ticked.
    confirm: String,
}

/// An administrator deletes the group (after ticking the box): its page is gone and its
/// followers' and members' servers receive a Delete.
pub async fn delete(Path(name): Path<String>, CsrfForm { ctx, form }: CsrfForm<DeleteForm>) -> WebResult<Response> {
    let account = ctx.require_account()?;
    let (group, _) = shown(&ctx, &name).await?;
    if form.confirm != "ja" {
        return Err(WebError::BadRequest("error-group-delete-confirm"));
    }
    groups::delete(&ctx.state, account, &group).await?;
    Ok(Redirect::to("/groepen").into_response())
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct InviteForm {
    /// A local username or a remote handle (`@name@server`).
    who: String,
}

pub async fn invite(Path(name): Path<String>, CsrfForm { ctx, form }: CsrfForm<InviteForm>) -> WebResult<Response> {
    let account = ctx.require_account()?;
    let (group, _) = shown(&ctx, &name).await?;
    let who = form.who.trim().trim_start_matches('@');
    let invitee = if who.is_empty() { None } else { resolve::account(&ctx.state, who, true).await.ok().flatten() };
    let Some(invitee) = invitee.filter(|a| a.kind() == crate::db::models::actor::ActorKind::Person) else {
        return Err(WebError::BadRequest("error-group-invitee-unknown"));
    };
    members::invite(&ctx.state, account, &group, &invitee).await.map_err(refused)?;
    Ok(back(&group.actor.name_key, "invited"))
}
