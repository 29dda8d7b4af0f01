//! Membership: joining and leaving, requests and invitations, roles, removal and bans — for
//! residents here in groups here and elsewhere, and for people elsewhere in groups here. Each
//! operation checks [`super::rights`], writes in one transaction, tells the people concerned
//! (notifications) and sends what the protocol wants (Mobilizon's shapes, [`super::wire`]).

use super::rights::{self, JoinAnswer, Standing};
use super::{Group, wire};
use crate::db::models::actor::{Actor, ActorId};
use crate::db::models::group_profile::GroupStatus;
use crate::db::models::local_user::Account;
use crate::db::models::membership::{GroupRole, MemberState, Membership, MembershipInsert};
use crate::db::{DbConn, now};
use crate::domain::notifications::{self, Notice, kinds};
use crate::domain::outbox::{enqueue, new_activity_id};
use crate::domain::{DomainError, DomainResult, validate};
use crate::state::AppState;

/// Longest message with a request to join, in characters.
pub const MESSAGE_MAX: usize = 500;
/// Members shown on one page.
pub const PAGE: i64 = 50;

/// A new membership's id (the Join's id): a URL of this instance.
pub fn member_id(base_url: &str) -> String {
    format!("{base_url}/members/{}", crate::util::tokens::random_token(16))
}

fn refused(key: &'static str) -> DomainError {
    DomainError::Invalid(validate::FieldErrors::one("group", key))
}

/// Tells the group's local moderators (in the caller's transaction).
async fn tell_moderators(conn: &mut DbConn, group: &Actor, from: ActorId) -> DomainResult<()> {
    for moderator in Membership::moderators(conn, group.id).await? {
        if moderator.local {
            let mut notice = Notice::new(&kinds::GROUP_JOIN_REQUEST, moderator.id, Some(from));
            notice.subject = Some(group.ap_id.clone());
            notifications::notify(conn, notice).await?;
        }
    }
    Ok(())
}

pub(super) async fn tell(
    conn: &mut DbConn,
    kind: &'static notifications::Kind,
    to: &Actor,
    from: &Actor,
    group: &Actor,
) -> DomainResult<()> {
    if to.local {
        let mut notice = Notice::new(kind, to.id, Some(from.id));
        notice.subject = Some(group.ap_id.clone());
        notifications::notify(conn, notice).await?;
    }
    Ok(())
}

/// A resident asks to join `group`: a member at once where it is open (or they were invited),
/// a request for its moderators where it asks approval, refused where it is invite-only or
/// they are banned. A remote group receives a Join and answers later. Returns the state.
pub async fn join(state: &AppState, account: &Account, group: &Group, message: &str) -> DomainResult<MemberState> {
    if message.chars().count() > MESSAGE_MAX {
        return Err(DomainError::Invalid(validate::FieldErrors::one("message", "error-too-long")));
    }
    let message = message.trim();
    let mut tx = state.pool.begin().await?;
    let standing = Standing::of(&mut tx, group.actor.id, Some(account)).await?;
    if !group.actor.local {
        if standing.membership.as_ref().is_some_and(|m| m.state() == MemberState::Invited) {
            // Joining a group elsewhere that invited them accepts its invitation.
            tx.rollback().await?;
            return super::remote::answer_invitation(state, account, group, true).await;
        }
        if standing.membership.is_some() {
            tx.rollback().await?;
            return Ok(standing.membership.map_or(MemberState::Pending, |m| m.state()));
        }
        let id = member_id(&state.base_url);
        insert(&mut tx, group.actor.id, account.actor.id, MemberState::Pending, &id, None, message).await?;
        enqueue(&mut tx, &account.actor, &wire::join(&id, &account.actor, &group.actor), false, &[group.actor.id])
            .await?;
        tx.commit().await?;
        state.delivery_wake.notify_waiters();
        return Ok(MemberState::Pending);
    }
    let answer = rights::join_answer(&group.profile, &standing);
    let new_state = match answer {
        JoinAnswer::Refused(key) => return Err(refused(key)),
        JoinAnswer::Accepted => MemberState::Accepted,
        JoinAnswer::Pending => MemberState::Pending,
    };
    match &standing.membership {
        Some(m) if m.state() == new_state => {}
        Some(m) => Membership::set(&mut tx, m.id, new_state, m.role()).await?,
        None => {
            let id = member_id(&state.base_url);
            insert(&mut tx, group.actor.id, account.actor.id, new_state, &id, None, message).await?;
            if new_state == MemberState::Pending {
                tell_moderators(&mut tx, &group.actor, account.actor.id).await?;
            }
        }
    }
    tx.commit().await?;
    crate::jobs::wake(state);
    Ok(new_state)
}

pub(super) async fn insert(
    conn: &mut DbConn,
    group: ActorId,
    member: ActorId,
    state: MemberState,
    ap_id: &str,
    invited_by: Option<ActorId>,
    message: &str,
) -> DomainResult<Membership> {
    let t = now();
    let form = MembershipInsert {
        group_id: group,
        member_id: member,
        role: GroupRole::Member.as_str(),
        state: state.as_str(),
        ap_id,
        invited_by,
        message,
        created_at: t,
        updated_at: t,
    };
    Ok(Membership::insert(conn, &form).await?)
}

/// A resident leaves a group (or takes back a request, or declines an invitation). The last
/// administrator of a local group cannot leave it: they hand it over or delete it first.
pub async fn leave(state: &AppState, account: &Account, group: &Group) -> DomainResult<()> {
    let mut tx = state.pool.begin().await?;
    let Some(membership) = Membership::find(&mut tx, group.actor.id, account.actor.id).await? else {
        tx.rollback().await?;
        return Ok(());
    };
    if membership.state() == MemberState::Banned {
        tx.rollback().await?;
        return Ok(());
    }
    if !group.actor.local && membership.state() == MemberState::Invited {
        // Declining an invitation of a group elsewhere: it receives a Reject.
        tx.rollback().await?;
        super::remote::answer_invitation(state, account, group, false).await?;
        return Ok(());
    }
    if group.actor.local
        && membership.is_member()
        && membership.role() == GroupRole::Administrator
        && count_admins(&mut tx, group.actor.id).await? <= 1
    {
        return Err(refused("error-group-last-admin"));
    }
    Membership::delete(&mut tx, membership.id).await?;
    if !group.actor.local {
        let id = new_activity_id(&state.base_url, "leave");
        enqueue(&mut tx, &account.actor, &wire::leave(&id, &account.actor, &group.actor), false, &[group.actor.id])
            .await?;
    }
    tx.commit().await?;
    state.delivery_wake.notify_waiters();
    Ok(())
}

/// How many administrators a group has.
async fn count_admins(conn: &mut DbConn, group: ActorId) -> DomainResult<i64> {
    Ok(Membership::count_role(conn, group, GroupRole::Administrator).await?)
}

/// The member's membership in a local group that `by` moderates, for an action on it.
async fn moderated(
    conn: &mut DbConn,
    by: &Account,
    group: &Group,
    member: ActorId,
) -> DomainResult<(Membership, Actor)> {
    if !group.actor.local {
        return Err(DomainError::NotFound);
    }
    if !Standing::of(conn, group.actor.id, Some(by)).await?.moderates() {
        return Err(DomainError::Forbidden);
    }
    let membership = Membership::find(conn, group.actor.id, member).await?.ok_or(DomainError::NotFound)?;
    let actor = Actor::by_id(conn, member).await?.ok_or(DomainError::NotFound)?;
    Ok((membership, actor))
}

/// A moderator accepts or refuses a request to join. The member hears of it: a notification
/// here, an Accept (with the `Member`) or a Reject at their server.
pub async fn answer(state: &AppState, by: &Account, group: &Group, member: ActorId, accept: bool) -> DomainResult<()> {
    let mut tx = state.pool.begin().await?;
    let (membership, actor) = moderated(&mut tx, by, group, member).await?;
    if membership.state() != MemberState::Pending {
        return Err(refused("error-group-no-request"));
    }
    if accept {
        Membership::set(&mut tx, membership.id, MemberState::Accepted, GroupRole::Member).await?;
        tell(&mut tx, &kinds::GROUP_JOINED, &actor, &by.actor, &group.actor).await?;
    } else {
        Membership::delete(&mut tx, membership.id).await?;
    }
    if !actor.local {
        let group_actor = crate::domain::actors::ensure_keys(&mut tx, group.actor.clone()).await?;
        if accept {
            let id = new_activity_id(&state.base_url, "accept");
            let m = wire::Member::new(&membership.ap_id, &actor, &group_actor, GroupRole::Member);
            enqueue(&mut tx, &group_actor, &wire::accept(&id, &group_actor, &m), false, &[actor.id]).await?;
        } else {
            let id = new_activity_id(&state.base_url, "reject");
            let reject = wire::reject(&id, &group_actor, &membership.ap_id, &actor);
            enqueue(&mut tx, &group_actor, &reject, false, &[actor.id]).await?;
        }
    }
    tx.commit().await?;
    crate::jobs::wake(state);
    state.delivery_wake.notify_waiters();
    Ok(())
}

/// A moderator invites a person (here or elsewhere): they hear of it and become a member when
/// they accept (join).
pub async fn invite(state: &AppState, by: &Account, group: &Group, invitee: &Actor) -> DomainResult<()> {
    if !group.actor.local || group.profile.status() != GroupStatus::Active {
        return Err(DomainError::NotFound);
    }
    let mut tx = state.pool.begin().await?;
    if !Standing::of(&mut tx, group.actor.id, Some(by)).await?.moderates() {
        return Err(DomainError::Forbidden);
    }
    match Membership::find(&mut tx, group.actor.id, invitee.id).await? {
        Some(m) if m.state() == MemberState::Banned => return Err(refused("error-group-banned")),
        Some(m) if m.state() == MemberState::Pending => {
            // They asked already: the invitation answers their request.
            Membership::set(&mut tx, m.id, MemberState::Accepted, m.role()).await?;
            tell(&mut tx, &kinds::GROUP_JOINED, invitee, &by.actor, &group.actor).await?;
        }
        Some(_) => {}
        None => {
            let id = member_id(&state.base_url);
            insert(&mut tx, group.actor.id, invitee.id, MemberState::Invited, &id, Some(by.actor.id), "").await?;
            tell(&mut tx, &kinds::GROUP_INVITE, invitee, &by.actor, &group.actor).await?;
            if !invitee.local {
                let group_actor = crate::domain::actors::ensure_keys(&mut tx, group.actor.clone()).await?;
                enqueue(&mut tx, &group_actor, &wire::invite(&id, &group_actor, invitee), false, &[invitee.id]).await?;
            }
        }
    }
    tx.commit().await?;
    crate::jobs::wake(state);
    state.delivery_wake.notify_waiters();
    Ok(())
}

/// A moderator removes a member (or withdraws an invitation); with `ban`, they may not come
/// back. Moderators cannot remove an administrator; administrators can remove anyone but
/// themselves.
pub async fn remove(state: &AppState, by: &Account, group: &Group, member: ActorId, ban: bool) -> DomainResult<()> {
    let mut tx = state.pool.begin().await?;
    let (membership, actor) = moderated(&mut tx, by, group, member).await?;
    let standing = Standing::of(&mut tx, group.actor.id, Some(by)).await?;
    if member == by.actor.id || membership.role() == GroupRole::Administrator && !standing.administers() {
        return Err(DomainError::Forbidden);
    }
    if ban {
        Membership::set(&mut tx, membership.id, MemberState::Banned, GroupRole::Member).await?;
    } else {
        Membership::delete(&mut tx, membership.id).await?;
    }
    if !actor.local && membership.is_member() {
        let group_actor = crate::domain::actors::ensure_keys(&mut tx, group.actor.clone()).await?;
        let id = new_activity_id(&state.base_url, "remove");
        let m = wire::Member::new(&membership.ap_id, &actor, &group_actor, membership.role());
        enqueue(&mut tx, &group_actor, &wire::remove(&id, &group_actor, &m), false, &[actor.id]).await?;
    }
    tx.commit().await?;
    state.delivery_wake.notify_waiters();
    Ok(())
}

/// An administrator changes a member's role.
pub async fn set_role(
    state: &AppState,
    by: &Account,
    group: &Group,
    member: ActorId,
    role: GroupRole,
) -> DomainResult<()> {
    let mut tx = state.pool.begin().await?;
    let (membership, member_actor) = moderated(&mut tx, by, group, member).await?;
    if !Standing::of(&mut tx, group.actor.id, Some(by)).await?.administers() {
        return Err(DomainError::Forbidden);
    }
    if !membership.is_member() {
        return Err(refused("error-group-not-member"));
    }
    if membership.role() == GroupRole::Administrator
        && role != GroupRole::Administrator
        && count_admins(&mut tx, group.actor.id).await? <= 1
    {
        return Err(refused("error-group-last-admin"));
    }
    Membership::set(&mut tx, membership.id, MemberState::Accepted, role).await?;
    if membership.role() != role {
        super::remote::role_changed(state, &mut tx, &group.actor, &membership, &member_actor, role).await?;
    }
    tx.commit().await?;
    state.delivery_wake.notify_waiters();
    Ok(())
}

/// The members of a group in a state, for someone (of `standing`) who may see them: accepted members for
/// whoever sees the group's content, requests and invitations for its moderators.
pub async fn list(
    conn: &mut DbConn,
    group: &Group,
    standing: &Standing,
    which: MemberState,
    page: i64,
) -> DomainResult<Vec<(Membership, Actor)>> {
    let allowed = match which {
        MemberState::Accepted => rights::sees_content(&group.profile, standing),
        _ => standing.moderates(),
    };
    if !allowed {
        return Err(DomainError::Forbidden);
    }
    Ok(Membership::of_group(conn, group.actor.id, which, PAGE, page.max(0) * PAGE).await?)
}

// ----- From other servers -----

/// A person elsewhere asks to join a group here (`Join`, its id kept as the membership's):
/// accepted at once where the group is open (an Accept with the Member goes back), a request
/// for the moderators where it asks approval, a Reject where it is closed to them.
pub async fn remote_join(
    state: &AppState,
    conn: &mut DbConn,
    actor: &Actor,
    join_id: &str,
    group: &Group,
) -> DomainResult<()> {
    let standing = Standing::of_actor(conn, group.actor.id, actor.id, None).await?;
    let answer = rights::join_answer(&group.profile, &standing);
    let group_actor = crate::domain::actors::ensure_keys(conn, group.actor.clone()).await?;
    let existing = standing.membership.clone();
    match answer {
        JoinAnswer::Refused(_) => {
            let id = new_activity_id(&state.base_url, "reject");
            enqueue(conn, &group_actor, &wire::reject(&id, &group_actor, join_id, actor), false, &[actor.id]).await?;
        }
        JoinAnswer::Pending => {
            if existing.is_none() {
                insert(conn, group.actor.id, actor.id, MemberState::Pending, join_id, None, "").await?;
                tell_moderators(conn, &group.actor, actor.id).await?;
            }
        }
        JoinAnswer::Accepted => {
            let membership = match existing {
                Some(m) => {
                    Membership::set(conn, m.id, MemberState::Accepted, m.role()).await?;
                    m
                }
                None => insert(conn, group.actor.id, actor.id, MemberState::Accepted, join_id, None, "").await?,
            };
            let id = new_activity_id(&state.base_url, "accept");
            let m = wire::Member::new(&membership.ap_id, actor, &group_actor, membership.role());
            enqueue(conn, &group_actor, &wire::accept(&id, &group_actor, &m), false, &[actor.id]).await?;
        }
    }
    Ok(())
}

/// A person elsewhere leaves a group here (`Leave`, or `Undo` of their `Join`).
pub async fn remote_leave(conn: &mut DbConn, actor: &Actor, group: &Actor) -> DomainResult<()> {
    if let Some(m) = Membership::find(conn, group.id, actor.id).await?
        && m.state() != MemberState::Banned
    {
        Membership::delete(conn, m.id).await?;
    }
    Ok(())
}

/// A group elsewhere answered a resident's Join (matched on its id): a member now, or not.
/// Returns false when no Join of ours has that id.
pub async fn remote_answer(conn: &mut DbConn, group: &Actor, join_id: &str, accept: bool) -> DomainResult<bool> {
    let Some(m) = Membership::by_ap_id(conn, join_id).await? else { return Ok(false) };
    if m.member_id == group.id && m.state() == MemberState::Invited {
        // A person elsewhere answered an invitation of a group here (Mobilizon's Accept or
        // Reject of the Member): `group` is the invitee.
        if accept {
            Membership::set(conn, m.id, MemberState::Accepted, m.role()).await?;
        } else {
            Membership::delete(conn, m.id).await?;
        }
        return Ok(true);
    }
    if m.group_id != group.id {
        return Ok(false);
    }
    if accept {
        Membership::set(conn, m.id, MemberState::Accepted, m.role()).await?;
        if let Some(member) = Actor::by_id(conn, m.member_id).await? {
            tell(conn, &kinds::GROUP_JOINED, &member, group, group).await?;
        }
    } else {
        Membership::delete(conn, m.id).await?;
    }
    Ok(true)
}
