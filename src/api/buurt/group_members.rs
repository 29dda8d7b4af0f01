//! Groups in Buurt's API, beyond their profiles: creating one, its members, joining and
//! leaving, and what its moderators do (answer requests, invite, remove, ban, change roles).
//! Each handler calls one operation of `domain::groups`; who may do what is decided there.

use axum::extract::{Path, Query, State};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::errors::ErrorBody;
use crate::api::{ApiError, ApiResult, Caller, Input, MaybeCaller, json};
use crate::db::models::actor::{Actor, ActorId, ActorKind};
use crate::db::models::membership::{GroupRole, MemberState, Membership};
use crate::domain::DomainError;
use crate::domain::groups::{self, Group, NewGroup, members};
use crate::domain::validate::FieldErrors;
use crate::state::AppState;

/// A group with its rules, as created.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedGroup {
    pub id: String,
    pub name: String,
    pub display_name: String,
    pub url: String,
    /// `neighbourhood`, `interest` or `organisation`.
    pub kind: String,
    /// `open`, `approval` or `invite`.
    pub openness: String,
    /// `public` or `members`.
    pub content: String,
    /// `members`, `anyone` or `moderators`.
    pub posting: String,
    /// `active`, or `pending` where a moderator approves new groups.
    pub status: String,
    /// An organisation's type: `association`, `business`, `care_provider`, `municipality`
    /// or `other`.
    pub org_type: Option<String>,
}

impl CreatedGroup {
    fn of(g: &Group) -> CreatedGroup {
        CreatedGroup {
            id: g.actor.id.0.to_string(),
            name: g.actor.username.clone(),
            display_name: g.actor.display_name.clone(),
            url: g.actor.url.clone().unwrap_or_else(|| g.actor.ap_id.clone()),
            kind: g.profile.kind.clone(),
            openness: g.profile.openness.clone(),
            content: g.profile.content.clone(),
            posting: g.profile.posting.clone(),
            status: g.profile.status.clone(),
            org_type: g.profile.org_type().map(|o| o.as_str().to_string()),
        }
    }
}

/// A new group; the caller becomes its administrator.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct GroupInput {
    /// Its name in its address (`/g/{name}`): letters, digits and `_`.
    pub name: String,
    pub display_name: String,
    /// Plain text.
    pub summary: String,
    /// `interest` (default) or `organisation`; `neighbourhood` for staff.
    pub kind: Option<String>,
    pub openness: Option<String>,
    pub content: Option<String>,
    pub posting: Option<String>,
    /// The name of the neighbourhood it belongs to.
    pub neighbourhood: Option<String>,
    /// For an organisation: `association`, `business`, `care_provider`, `municipality` or
    /// `other`.
    pub org_type: Option<String>,
}

/// Creates a group (who may is an instance setting); the caller becomes its administrator.
#[utoipa::path(
    post,
    path = "/groups",
    operation_id = "create_group",
    tag = "groups",
    request_body(content((GroupInput = "application/json"), (GroupInput = "application/x-www-form-urlencoded"))),
    responses(
        (status = 200, description = "The new group", body = CreatedGroup),
        (status = 403, description = "The caller may not create groups", body = ErrorBody),
        (status = 422, description = "A field is wrong; nothing was made", body = ErrorBody),
    ),
    security(("bearer" = ["write:accounts"])),
)]
pub async fn create(State(state): State<AppState>, caller: Caller, Input(input): Input<GroupInput>) -> ApiResult {
    let me = caller.user("write:accounts")?;
    let new = NewGroup {
        name: input.name,
        display_name: input.display_name,
        summary: input.summary,
        kind: input.kind.unwrap_or_else(|| "interest".into()),
        openness: input.openness.unwrap_or_else(|| "open".into()),
        content: input.content.unwrap_or_else(|| "public".into()),
        posting: input.posting.unwrap_or_else(|| "members".into()),
        org_type: input.org_type.unwrap_or_default(),
    };
    // Checked before the group is made: an unknown neighbourhood makes nothing.
    let neighbourhood = input.neighbourhood.unwrap_or_default();
    crate::domain::neighbourhoods::pick_for_group(&mut state.pool.get().await?, &state.settings, None, &neighbourhood)
        .await?;
    let group = groups::create(&state, me, &new).await?;
    if !neighbourhood.trim().is_empty() {
        crate::domain::neighbourhoods::set_group_neighbourhood(&state, me, &group.actor, &neighbourhood).await?;
    }
    Ok(json(&CreatedGroup::of(&group)))
}

/// A member of a group.
#[derive(Debug, Serialize, ToSchema)]
pub struct Member {
    /// The person's account id (as in the client API).
    pub account_id: String,
    pub username: String,
    /// `@name@domain`.
    pub acct: String,
    pub display_name: String,
    /// `member`, `moderator` or `administrator`.
    pub role: String,
    /// `accepted`, `pending` (asked to join), `invited` or `banned`.
    pub state: String,
    /// What they wrote when asking to join.
    pub message: String,
    pub since: String,
}

impl Member {
    fn of(m: &Membership, a: &Actor) -> Member {
        Member {
            account_id: a.id.0.to_string(),
            username: a.username.clone(),
            acct: format!("{}@{}", a.username, a.domain),
            display_name: a.display_name.clone(),
            role: m.role.clone(),
            state: m.state.clone(),
            message: m.message.clone(),
            since: m.created_at.and_utc().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        }
    }
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct MembersQuery {
    /// `accepted` (default), or for the group's moderators `pending` or `invited`.
    state: Option<String>,
    /// The page, from 0 (50 members each).
    page: i64,
}

/// A field that is not one of its choices.
fn invalid(field: &'static str) -> ApiError {
    DomainError::Invalid(FieldErrors::one(field, "error-choice-invalid")).into()
}

async fn local_group(state: &AppState, name: &str) -> ApiResult<Group> {
    let mut conn = state.pool.get().await?;
    groups::local(&mut conn, &state.settings, name).await?.ok_or(ApiError::not_found())
}

/// The members of a group: accepted members for whoever may see the group's discussions,
/// requests and invitations for its moderators.
#[utoipa::path(
    get,
    path = "/groups/{name}/members",
    operation_id = "group_members",
    tag = "groups",
    params(("name" = String, Path, description = "The group's name"), MembersQuery),
    responses(
        (status = 200, description = "The members, administrators first", body = [Member]),
        (status = 403, description = "The caller may not see them", body = ErrorBody),
        (status = 404, description = "No such group here", body = ErrorBody),
    ),
    security((), ("bearer" = ["read:accounts"])),
)]
pub async fn list(
    State(state): State<AppState>,
    caller: MaybeCaller,
    Path(name): Path<String>,
    Query(q): Query<MembersQuery>,
) -> ApiResult {
    let viewer = caller.viewer("read:accounts")?;
    let group = local_group(&state, &name).await?;
    let which = match q.state.as_deref() {
        None => MemberState::Accepted,
        Some(s) => MemberState::parse(s).filter(|s| *s != MemberState::Banned).ok_or(invalid("state"))?,
    };
    let mut conn = state.pool.get().await?;
    let standing = groups::rights::Standing::of(&mut conn, group.actor.id, viewer).await?;
    let rows = members::list(&mut conn, &group, &standing, which, q.page).await?;
    Ok(json(&rows.iter().map(|(m, a)| Member::of(m, a)).collect::<Vec<_>>()))
}

/// Asking to join.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct JoinInput {
    /// To the moderators, where the group asks approval.
    pub message: String,
}

/// The caller's membership after a change.
#[derive(Debug, Serialize, ToSchema)]
pub struct MembershipState {
    /// `accepted`, `pending` or `none`.
    pub state: String,
}

/// Joins a group: a member at once where it is open, a request where it asks approval.
#[utoipa::path(
    post,
    path = "/groups/{name}/join",
    operation_id = "join_group",
    tag = "groups",
    params(("name" = String, Path, description = "The group's name")),
    request_body(content((JoinInput = "application/json"), (JoinInput = "application/x-www-form-urlencoded"))),
    responses(
        (status = 200, description = "The caller's membership", body = MembershipState),
        (status = 404, description = "No such group here", body = ErrorBody),
        (status = 422, description = "The group does not take the caller", body = ErrorBody),
    ),
    security(("bearer" = ["write:follows"])),
)]
pub async fn join(
    State(state): State<AppState>,
    caller: Caller,
    Path(name): Path<String>,
    Input(input): Input<JoinInput>,
) -> ApiResult {
    let me = caller.user("write:follows")?;
    let group = local_group(&state, &name).await?;
    let now = members::join(&state, me, &group, &input.message).await?;
    Ok(json(&MembershipState { state: now.as_str().into() }))
}

/// Leaves a group (or withdraws a request, or declines an invitation).
#[utoipa::path(
    post,
    path = "/groups/{name}/leave",
    operation_id = "leave_group",
    tag = "groups",
    params(("name" = String, Path, description = "The group's name")),
    responses(
        (status = 200, description = "No longer a member", body = MembershipState),
        (status = 422, description = "The last administrator cannot leave", body = ErrorBody),
    ),
    security(("bearer" = ["write:follows"])),
)]
pub async fn leave(State(state): State<AppState>, caller: Caller, Path(name): Path<String>) -> ApiResult {
    let me = caller.user("write:follows")?;
    let group = local_group(&state, &name).await?;
    members::leave(&state, me, &group).await?;
    Ok(json(&MembershipState { state: "none".into() }))
}

/// What a moderator does with a member.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct MemberAction {
    /// `accept`, `reject`, `remove`, `ban` or `role`.
    pub action: String,
    /// For `role`: `member`, `moderator` or `administrator`.
    pub role: Option<String>,
}

/// A moderator answers a request, removes or bans a member; an administrator changes a role.
#[utoipa::path(
    post,
    path = "/groups/{name}/members/{account_id}",
    operation_id = "act_on_member",
    tag = "groups",
    params(
        ("name" = String, Path, description = "The group's name"),
        ("account_id" = String, Path, description = "The member's account id"),
    ),
    request_body(content((MemberAction = "application/json"), (MemberAction = "application/x-www-form-urlencoded"))),
    responses(
        (status = 200, description = "Done", body = MembershipState),
        (status = 403, description = "The caller may not", body = ErrorBody),
        (status = 404, description = "No such group or member", body = ErrorBody),
        (status = 422, description = "Not possible now", body = ErrorBody),
    ),
    security(("bearer" = ["write:follows"])),
)]
pub async fn act(
    State(state): State<AppState>,
    caller: Caller,
    Path((name, account_id)): Path<(String, String)>,
    Input(input): Input<MemberAction>,
) -> ApiResult {
    let me = caller.user("write:follows")?;
    let group = local_group(&state, &name).await?;
    let member = ActorId(account_id.parse().map_err(|_| ApiError::not_found())?);
    let after = match input.action.as_str() {
        "accept" => members::answer(&state, me, &group, member, true).await.map(|()| "accepted"),
        "reject" => members::answer(&state, me, &group, member, false).await.map(|()| "none"),
        "remove" => members::remove(&state, me, &group, member, false).await.map(|()| "none"),
        "ban" => members::remove(&state, me, &group, member, true).await.map(|()| "banned"),
        "role" => {
            let role = input.role.as_deref().and_then(GroupRole::parse).ok_or(invalid("role"))?;
            members::set_role(&state, me, &group, member, role).await.map(|()| "accepted")
        }
        _ => return Err(invalid("action")),
    }?;
    Ok(json(&MembershipState { state: after.into() }))
}

/// Whom to invite.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct InviteInput {
    /// A local username, or `name@server` elsewhere.
    pub who: String,
}

/// A moderator invites a person here or elsewhere.
#[utoipa::path(
    post,
    path = "/groups/{name}/invitations",
    operation_id = "invite_to_group",
    tag = "groups",
    params(("name" = String, Path, description = "The group's name")),
    request_body(content((InviteInput = "application/json"), (InviteInput = "application/x-www-form-urlencoded"))),
    responses(
        (status = 200, description = "Invited", body = MembershipState),
        (status = 403, description = "The caller may not invite", body = ErrorBody),
        (status = 422, description = "No such person, or they are banned", body = ErrorBody),
    ),
    security(("bearer" = ["write:follows"])),
)]
pub async fn invite(
    State(state): State<AppState>,
    caller: Caller,
    Path(name): Path<String>,
    Input(input): Input<InviteInput>,
) -> ApiResult {
    let me = caller.user("write:follows")?;
    let group = local_group(&state, &name).await?;
    let who = input.who.trim().trim_start_matches('@');
    let invitee =
        if who.is_empty() { None } else { crate::domain::resolve::account(&state, who, true).await.ok().flatten() };
    let invitee = invitee.filter(|a| a.kind() == ActorKind::Person).ok_or(invalid("who"))?;
    members::invite(&state, me, &group, &invitee).await?;
    Ok(json(&MembershipState { state: "invited".into() }))
}

/// Deletes a group (its administrators and site admins): followers' and members' servers
/// receive a Delete of the actor.
#[utoipa::path(
    delete,
    path = "/groups/{name}",
    operation_id = "delete_group",
    tag = "groups",
    params(("name" = String, Path, description = "The group's name")),
    responses(
        (status = 200, description = "Deleted", body = MembershipState),
        (status = 403, description = "The caller may not", body = ErrorBody),
        (status = 404, description = "No such group here", body = ErrorBody),
    ),
    security(("bearer" = ["write:accounts"])),
)]
pub async fn delete(State(state): State<AppState>, caller: Caller, Path(name): Path<String>) -> ApiResult {
    let me = caller.user("write:accounts")?;
    let group = local_group(&state, &name).await?;
    groups::delete(&state, me, &group).await?;
    Ok(json(&MembershipState { state: "deleted".into() }))
}

/// The routes, documented.
pub fn api() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create))
        .routes(routes!(list))
        .routes(routes!(join))
        .routes(routes!(leave))
        .routes(routes!(act))
        .routes(routes!(invite))
        .routes(routes!(delete))
}
