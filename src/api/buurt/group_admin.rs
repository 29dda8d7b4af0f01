//! A group's status and its invitation links in Buurt's API: a site moderator approves a
//! pending group, its administrators archive it and open it again (the domain's `set_status`,
//! as the web's `/g/NAME/status`); administrators make invitation links (or mail one) and
//! anyone signed in uses a code to become a member.

use axum::extract::{Path, State};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::errors::ErrorBody;
use crate::api::{ApiError, ApiResult, Caller, Input, json};
use crate::db::models::group_profile::GroupStatus;
use crate::db::models::invite::Invite;
use crate::domain::DomainError;
use crate::domain::groups::invitations::{self, NewGroupInvite};
use crate::domain::groups::{self, Group, rights};
use crate::domain::validate::FieldErrors;
use crate::state::AppState;

/// A group's status after a change.
#[derive(Debug, Serialize, ToSchema)]
pub struct GroupStatusBody {
    /// `active`, `pending` or `archived`.
    pub status: String,
}

/// The local group `name` as `viewer` may see it: a pending group only for those who may
/// approve it; 404 otherwise.
async fn visible_group(
    state: &AppState,
    name: &str,
    viewer: &crate::db::models::local_user::Account,
) -> ApiResult<Group> {
    let mut conn = state.pool.get().await?;
    let group = groups::local(&mut conn, &state.settings, name).await?.ok_or_else(ApiError::not_found)?;
    let standing = rights::Standing::of(&mut conn, group.actor.id, Some(viewer)).await?;
    if !rights::sees_group(&group.profile, &standing) {
        return Err(ApiError::not_found());
    }
    Ok(group)
}

/// Moves a group from `from` to `to`, or says why not.
async fn change_status(state: &AppState, caller: Caller, name: &str, from: GroupStatus, to: GroupStatus) -> ApiResult {
    let me = caller.user("write:accounts")?;
    let group = visible_group(state, name, me).await?;
    if group.profile.status() != from {
        let key =
            if group.profile.status() == to { "error-group-status-already" } else { "error-group-status-not-now" };
        return Err(DomainError::Invalid(FieldErrors::one("status", key)).into());
    }
    groups::set_status(state, me, &group, to).await?;
    Ok(json(&GroupStatusBody { status: to.as_str().into() }))
}

/// A site moderator approves a group waiting for approval: it opens for everyone.
#[utoipa::path(
    post,
    path = "/groups/{name}/approve",
    operation_id = "approve_group",
    tag = "groups",
    params(("name" = String, Path, description = "The group's name")),
    responses(
        (status = 200, description = "Approved", body = GroupStatusBody),
        (status = 403, description = "The caller is no site moderator", body = ErrorBody),
        (status = 404, description = "No such group here (or not one the caller may see)", body = ErrorBody),
        (status = 422, description = "The group is not waiting for approval", body = ErrorBody),
    ),
    security(("bearer" = ["write:accounts"])),
)]
pub async fn approve(State(state): State<AppState>, caller: Caller, Path(name): Path<String>) -> ApiResult {
    change_status(&state, caller, &name, GroupStatus::Pending, GroupStatus::Active).await
}

/// The group's administrators (or site moderators) archive it: kept for reading, nobody joins
/// or posts.
#[utoipa::path(
    post,
    path = "/groups/{name}/archive",
    operation_id = "archive_group",
    tag = "groups",
    params(("name" = String, Path, description = "The group's name")),
    responses(
        (status = 200, description = "Archived", body = GroupStatusBody),
        (status = 403, description = "The caller does not administer the group", body = ErrorBody),
        (status = 404, description = "No such group here", body = ErrorBody),
        (status = 422, description = "The group is not active", body = ErrorBody),
    ),
    security(("bearer" = ["write:accounts"])),
)]
pub async fn archive(State(state): State<AppState>, caller: Caller, Path(name): Path<String>) -> ApiResult {
    change_status(&state, caller, &name, GroupStatus::Active, GroupStatus::Archived).await
}

/// The group's administrators (or site moderators) open an archived group again.
#[utoipa::path(
    post,
    path = "/groups/{name}/unarchive",
    operation_id = "unarchive_group",
    tag = "groups",
    params(("name" = String, Path, description = "The group's name")),
    responses(
        (status = 200, description = "Active again", body = GroupStatusBody),
        (status = 403, description = "The caller does not administer the group", body = ErrorBody),
        (status = 404, description = "No such group here", body = ErrorBody),
        (status = 422, description = "The group is not archived", body = ErrorBody),
    ),
    security(("bearer" = ["write:accounts"])),
)]
pub async fn unarchive(State(state): State<AppState>, caller: Caller, Path(name): Path<String>) -> ApiResult {
    change_status(&state, caller, &name, GroupStatus::Archived, GroupStatus::Active).await
}

/// A new invitation to a group: a link for several people, or a mail to one address.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct InviteLinkInput {
    /// How many people may use the link (1–100); ignored with `email` (then 1).
    pub max_uses: Option<i32>,
    /// How many days it is valid (1–365).
    pub expires_days: Option<i64>,
    /// Mail the link to this address.
    pub email: Option<String>,
}

/// An invitation to a group.
#[derive(Debug, Serialize, ToSchema)]
pub struct InviteLink {
    pub code: String,
    /// The page that lets a signed-in person join, and others register first.
    pub url: String,
    pub uses: i32,
    pub max_uses: i32,
    /// RFC 3339.
    pub expires_at: Option<String>,
    /// The address it was mailed to.
    pub email: Option<String>,
}

impl InviteLink {
    fn of(state: &AppState, group: &Group, i: Invite) -> InviteLink {
        InviteLink {
            url: invitations::link(&state.settings, &group.actor, &i.code),
            code: i.code,
            uses: i.uses,
            max_uses: i.max_uses,
            expires_at: i.expires_at.map(|t| t.and_utc().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)),
            email: i.email,
        }
    }
}

/// The group's administrators make an invitation link, or mail one.
#[utoipa::path(
    post,
    path = "/groups/{name}/invite-links",
    operation_id = "create_group_invite_link",
    tag = "groups",
    params(("name" = String, Path, description = "The group's name")),
    request_body(content((InviteLinkInput = "application/json"), (InviteLinkInput = "application/x-www-form-urlencoded"))),
    responses(
        (status = 200, description = "The invitation", body = InviteLink),
        (status = 403, description = "The caller does not administer the group", body = ErrorBody),
        (status = 404, description = "No such group here", body = ErrorBody),
        (status = 422, description = "A field is wrong; nothing was made", body = ErrorBody),
    ),
    security(("bearer" = ["write:follows"])),
)]
pub async fn create_link(
    State(state): State<AppState>,
    caller: Caller,
    Path(name): Path<String>,
    Input(input): Input<InviteLinkInput>,
) -> ApiResult {
    let me = caller.user("write:follows")?;
    let group = visible_group(&state, &name, me).await?;
    let form = NewGroupInvite {
        max_uses: input.max_uses.map(|n| n.to_string()).unwrap_or_default(),
        expires_days: input.expires_days.map(|n| n.to_string()).unwrap_or_default(),
        email: input.email.unwrap_or_default(),
    };
    let invite = invitations::create(&state, me, &group, &form).await?;
    Ok(json(&InviteLink::of(&state, &group, invite)))
}

/// The group's invitations, newest first (its administrators).
#[utoipa::path(
    get,
    path = "/groups/{name}/invite-links",
    operation_id = "list_group_invite_links",
    tag = "groups",
    params(("name" = String, Path, description = "The group's name")),
    responses(
        (status = 200, description = "The invitations", body = [InviteLink]),
        (status = 403, description = "The caller does not administer the group", body = ErrorBody),
        (status = 404, description = "No such group here", body = ErrorBody),
    ),
    security(("bearer" = ["read:follows"])),
)]
pub async fn list_links(State(state): State<AppState>, caller: Caller, Path(name): Path<String>) -> ApiResult {
    let me = caller.user("read:follows")?;
    let group = visible_group(&state, &name, me).await?;
    let invites = invitations::list(&state, me, &group).await?;
    let out: Vec<InviteLink> = invites.into_iter().map(|i| InviteLink::of(&state, &group, i)).collect();
    Ok(json(&out))
}

/// A code of a group's invitation.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct RedeemInput {
    pub code: String,
}

/// The caller's membership after using an invitation.
#[derive(Debug, Serialize, ToSchema)]
pub struct RedeemedState {
    /// `accepted`.
    pub state: String,
}

/// Uses a group's invitation: the caller becomes a member, even of an invite-only group.
#[utoipa::path(
    post,
    path = "/groups/{name}/redeem",
    operation_id = "redeem_group_invite",
    tag = "groups",
    params(("name" = String, Path, description = "The group's name")),
    request_body(content((RedeemInput = "application/json"), (RedeemInput = "application/x-www-form-urlencoded"))),
    responses(
        (status = 200, description = "A member now", body = RedeemedState),
        (status = 404, description = "No such group here", body = ErrorBody),
        (status = 422, description = "The code is unknown, expired or used up; nothing changed", body = ErrorBody),
    ),
    security(("bearer" = ["write:follows"])),
)]
pub async fn redeem(
    State(state): State<AppState>,
    caller: Caller,
    Path(name): Path<String>,
    Input(input): Input<RedeemInput>,
) -> ApiResult {
    let me = caller.user("write:follows")?;
    let group = visible_group(&state, &name, me).await?;
    let now = invitations::redeem(&state, me, &group, &input.code).await?;
    Ok(json(&RedeemedState { state: now.as_str().into() }))
}

/// The routes, documented.
pub fn api() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(approve))
        .routes(routes!(archive))
        .routes(routes!(unarchive))
        .routes(routes!(create_link, list_links))
        .routes(routes!(redeem))
}
