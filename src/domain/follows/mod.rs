//! Follows: residents follow and unfollow actors here and elsewhere; other servers' actors
//! follow ours, and answer or take back our follows.

pub mod wire;

use super::outbox::{enqueue, new_activity_id};
use super::{DomainError, DomainResult, notifications, validate};
use crate::apub::protocol::ActivityKind;
use crate::db::DbConn;
use crate::db::models::actor::Actor;
use crate::db::models::follow::Follow;
use crate::db::models::local_user::Account;
use crate::state::AppState;

/// Follows an actor. A local target accepts at once (unless it approves followers by hand);
/// a remote one gets a Follow and answers with Accept or Reject.
pub async fn follow(state: &AppState, follower: &Account, target: &Actor) -> DomainResult<Follow> {
    if target.id == follower.actor.id {
        return Err(DomainError::Invalid(validate::FieldErrors::one("account", "error-follow-self")));
    }
    let mut tx = state.pool.begin().await?;
    // Neither follows the other while either blocks the other (`domain::blocks`).
    if super::blocks::keeps_apart(&mut tx, &follower.actor, target).await? {
        return Err(DomainError::Invalid(validate::FieldErrors::one("account", "blocks-error-follow-blocked")));
    }
    if let Some(existing) = Follow::find(&mut tx, follower.actor.id, target.id).await? {
        tx.rollback().await?;
        return Ok(existing);
    }
    let id = new_activity_id(&state.base_url, "follow");
    let accepted = target.local && !target.manually_approves_followers;
    let follow = Follow::upsert(&mut tx, &id, follower.actor.id, target.id, accepted).await?;
    notifications::causes::followed(&mut tx, follower.actor.id, target, accepted).await?;
    if !target.local {
        enqueue(&mut tx, &follower.actor, &wire::follow(&id, &follower.actor, target), false, &[target.id]).await?;
    }
    tx.commit().await?;
    state.delivery_wake.notify_waiters();
    Ok(follow)
}

pub async fn unfollow(state: &AppState, follower: &Account, target: &Actor) -> DomainResult<()> {
    let mut tx = state.pool.begin().await?;
    let Some(existing) = Follow::find(&mut tx, follower.actor.id, target.id).await? else {
        tx.rollback().await?;
        return Ok(());
    };
    Follow::delete(&mut tx, follower.actor.id, target.id).await?;
    if !target.local {
        let inner = wire::follow(&existing.ap_id, &follower.actor, target);
        let undo = wire::undo(&new_activity_id(&state.base_url, "undo"), &follower.actor, inner);
        enqueue(&mut tx, &follower.actor, &undo, false, &[target.id]).await?;
    }
    tx.commit().await?;
    state.delivery_wake.notify_waiters();
    Ok(())
}

/// The local actor a remote Follow names (a read before the transaction): NotFound for
/// anything else.
pub async fn followed_here(conn: &mut DbConn, target: &str) -> DomainResult<Actor> {
    Actor::by_ap_id(conn, target).await?.filter(|t| t.local && !t.deleted).ok_or(DomainError::NotFound)
}

/// A remote actor follows a local one: stored, and accepted at once unless the local actor
/// approves followers by hand; rejected while either blocks the other.
pub async fn followed(
    state: &AppState,
    conn: &mut DbConn,
    follower: &Actor,
    follow_id: &str,
    target: &Actor,
) -> DomainResult<()> {
    if super::blocks::keeps_apart(conn, target, follower).await? {
        let reject_id = new_activity_id(&state.base_url, "reject");
        let reject = wire::answer(ActivityKind::Reject, &reject_id, target, follow_id, follower);
        enqueue(conn, target, &reject, false, &[follower.id]).await?;
        tracing::info!(follower = %follower.ap_id, target = %target.ap_id, "follow refused: blocked");
        return Ok(());
    }
    let accepted = !target.manually_approves_followers;
    let new = Follow::find(conn, follower.id, target.id).await?.is_none();
    Follow::upsert(conn, follow_id, follower.id, target.id, accepted).await?;
    if new {
        notifications::causes::followed(conn, follower.id, target, accepted).await?;
    }
    if accepted {
        let accept_id = new_activity_id(&state.base_url, "accept");
        let accept = wire::answer(ActivityKind::Accept, &accept_id, target, follow_id, follower);
        enqueue(conn, target, &accept, false, &[follower.id]).await?;
    }
    tracing::info!(follower = %follower.ap_id, target = %target.ap_id, accepted, "followed");
    Ok(())
}

/// Which of our follows an Accept or Reject answers: our Follow's id, and who followed (some
/// servers send their own id for our Follow).
#[derive(Debug, Clone, Default)]
pub struct Answered {
    pub follow_id: Option<String>,
    pub follower: Option<String>,
}

/// `target` accepted or rejected one of our follows of it: matched by our Follow's id, else by
/// who follows whom.
pub async fn answered(conn: &mut DbConn, target: &Actor, answered: &Answered, accept: bool) -> DomainResult<()> {
    let mut follow = match &answered.follow_id {
        Some(id) => Follow::by_ap_id(conn, id).await?,
        None => None,
    };
    if follow.is_none()
        && let Some(follower) = &answered.follower
        && let Some(follower) = Actor::by_ap_id(conn, follower).await?
    {
        follow = Follow::find(conn, follower.id, target.id).await?;
    }
    let Some(follow) = follow.filter(|f| f.target_id == target.id) else {
        tracing::debug!(actor = %target.ap_id, "answer to an unknown follow");
        return Ok(());
    };
    if accept {
        Follow::set_accepted(conn, follow.id).await?;
    } else {
        Follow::delete(conn, follow.follower_id, follow.target_id).await?;
    }
    Ok(())
}

/// A remote actor takes back its follow: by the Follow's id, else by its target.
pub async fn unfollowed(
    conn: &mut DbConn,
    follower: &Actor,
    follow_id: &str,
    target: Option<&str>,
) -> DomainResult<()> {
    let mut follow = Follow::by_ap_id(conn, follow_id).await?;
    if follow.is_none()
        && let Some(target) = target
        && let Some(target) = Actor::by_ap_id(conn, target).await?
    {
        follow = Follow::find(conn, follower.id, target.id).await?;
    }
    if let Some(f) = follow.filter(|f| f.follower_id == follower.id) {
        Follow::delete(conn, f.follower_id, f.target_id).await?;
    }
    Ok(())
}
