//! Residents here in groups elsewhere, in Mobilizon's shapes: a group's invitation
//! (`Invite{object: group, target: person}`), accepted or declined with an `Accept` or `Reject`
//! whose object is the `Member` (its id the Invite's, as Mobilizon matches it); a removal
//! (`Remove` of the `Member`); a changed role (`Update` of the `Member`, or `Add`/`Remove` on
//! the group's moderators collection). Only the group's own host changes its membership: the
//! inbox refuses the rest, and here a group on another host than the sender changes nothing.
//! And the other way: a local group tells its remote members' servers of a changed role.

use super::members::{insert, tell};
use super::{Group, wire};
use crate::apub::protocol::same_host;
use crate::db::DbConn;
use crate::db::models::actor::{Actor, ActorKind};
use crate::db::models::membership::{GroupRole, MemberState, Membership};
use crate::domain::notifications::kinds;
use crate::domain::outbox::{enqueue, new_activity_id};
use crate::domain::{DomainError, DomainResult};
use crate::state::AppState;

/// What a group elsewhere changed about a resident's membership.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MemberChange {
    /// Removed from the group.
    Removed,
    /// Their role now, in Mobilizon's words (`member`, `moderator`, `administrator`,
    /// `creator`); other words change nothing.
    Role(String),
}

/// A role in Mobilizon's words as ours (`creator` is an administrator); `None` for the states
/// Mobilizon keeps in the role (`invited`, `not_approved`, `rejected`).
pub fn role_of(word: &str) -> Option<GroupRole> {
    match word {
        "creator" => Some(GroupRole::Administrator),
        other => GroupRole::parse(other),
    }
}

/// The remote group `group` (by id), when `from` may speak for it: a group on the sender's host.
async fn remote_group(conn: &mut DbConn, from: &Actor, group: &str) -> DomainResult<Option<Actor>> {
    if !same_host(group, &from.ap_id) {
        tracing::info!(group, sender = %from.ap_id, "membership change for a group on another host; refused");
        return Ok(None);
    }
    Ok(Actor::by_ap_id(conn, group).await?.filter(|g| !g.local && !g.deleted && g.kind().is_group()))
}

/// The local person `id`.
async fn resident(conn: &mut DbConn, id: &str) -> DomainResult<Option<Actor>> {
    Ok(Actor::by_ap_id(conn, id).await?.filter(|p| p.local && !p.deleted && p.kind() == ActorKind::Person))
}

/// A group elsewhere invites a resident here: an invited membership (its id the Invite's) and a
/// notification; they accept or decline on the group's page. Nothing when they are in the
/// group already, asked to join or were invited before.
pub async fn invited(conn: &mut DbConn, from: &Actor, invite_id: &str, group: &str, invitee: &str) -> DomainResult<()> {
    let Some(group) = remote_group(conn, from, group).await? else { return Ok(()) };
    let Some(person) = resident(conn, invitee).await? else { return Ok(()) };
    if Membership::find(conn, group.id, person.id).await?.is_some()
        || Membership::by_ap_id(conn, invite_id).await?.is_some()
    {
        return Ok(());
    }
    let inviter = Some(from.id).filter(|_| from.id != group.id);
    insert(conn, group.id, person.id, MemberState::Invited, invite_id, inviter, "").await?;
    tell(conn, &kinds::GROUP_INVITE, &person, from, &group).await?;
    tracing::info!(group = %group.ap_id, invitee = %person.username, "invited to a group elsewhere");
    Ok(())
}

/// A group elsewhere removed a resident here, or changed their role there.
pub async fn changed(
    conn: &mut DbConn,
    from: &Actor,
    group: &str,
    member: &str,
    change: &MemberChange,
) -> DomainResult<()> {
    let Some(group) = remote_group(conn, from, group).await? else { return Ok(()) };
    let Some(person) = resident(conn, member).await? else { return Ok(()) };
    let Some(membership) = Membership::find(conn, group.id, person.id).await? else { return Ok(()) };
    match change {
        MemberChange::Removed => {
            Membership::delete(conn, membership.id).await?;
            tracing::info!(group = %group.ap_id, member = %person.username, "removed from a group elsewhere");
        }
        MemberChange::Role(word) => {
            if let Some(role) = role_of(word)
                && membership.is_member()
            {
                Membership::set(conn, membership.id, MemberState::Accepted, role).await?;
            }
        }
    }
    Ok(())
}

/// A resident accepts (a member then) or declines (the invitation gone) an invitation of a
/// group elsewhere; the group hears of it in Mobilizon's shape.
pub async fn answer_invitation(
    state: &AppState,
    account: &crate::db::models::local_user::Account,
    group: &Group,
    accept: bool,
) -> DomainResult<MemberState> {
    let mut tx = state.pool.begin().await?;
    let membership = Membership::find(&mut tx, group.actor.id, account.actor.id).await?;
    let Some(membership) = membership.filter(|m| m.state() == MemberState::Invited && !group.actor.local) else {
        return Err(DomainError::NotFound);
    };
    let member = wire::Member::new(&membership.ap_id, &account.actor, &group.actor, GroupRole::Member);
    let (activity, state_now) = if accept {
        Membership::set(&mut tx, membership.id, MemberState::Accepted, GroupRole::Member).await?;
        let id = new_activity_id(&state.base_url, "accept");
        (wire::answer_invite(&id, true, &account.actor, &group.actor, &member), MemberState::Accepted)
    } else {
        Membership::delete(&mut tx, membership.id).await?;
        let id = new_activity_id(&state.base_url, "reject");
        (wire::answer_invite(&id, false, &account.actor, &group.actor, &member), MemberState::Invited)
    };
    let mut to = vec![group.actor.id];
    to.extend(membership.invited_by.filter(|i| *i != group.actor.id));
    enqueue(&mut tx, &account.actor, &activity, false, &to).await?;
    tx.commit().await?;
    state.delivery_wake.notify_waiters();
    Ok(state_now)
}

/// A local group tells its remote members' servers that a member's role changed: an `Update`
/// of the `Member`, as Mobilizon sends it (in the caller's transaction).
pub async fn role_changed(
    state: &AppState,
    conn: &mut DbConn,
    group: &Actor,
    membership: &Membership,
    member: &Actor,
    role: GroupRole,
) -> DomainResult<()> {
    let mut to = Membership::remote_members(conn, group.id).await?;
    if !member.local && !to.contains(&member.id) {
        to.push(member.id);
    }
    if to.is_empty() {
        return Ok(());
    }
    let group = crate::domain::actors::ensure_keys(conn, group.clone()).await?;
    let m = wire::Member::new(&membership.ap_id, member, &group, role);
    let update = wire::update_member(&new_activity_id(&state.base_url, "update"), &group, &m);
    enqueue(conn, &group, &update, false, &to).await?;
    tracing::debug!(group = %group.username, member = %member.ap_id, role = role.as_str(), "role change sent");
    Ok(())
}
