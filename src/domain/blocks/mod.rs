//! A person's own controls: blocking and muting actors (people, groups, organisations),
//! blocking a whole domain for oneself, hiding one post. Each holds for that person only; what
//! they then see is decided by `domain::visibility` (`can_see`, `screen_for`). A block of an
//! actor elsewhere federates as `Block` (and `Undo(Block)`); nothing else leaves this server.
//! Other servers' Blocks of our people arrive through the inbox ([`remote`]).

pub mod lists;
pub mod remote;
pub mod wire;

use super::follows::wire as follow_wire;
use super::outbox::{enqueue, new_activity_id};
use super::visibility::{self as seen, Viewer};
use super::{DomainError, DomainResult, validate};
use crate::apub::protocol::ActivityKind;
use crate::db::DbConn;
use crate::db::models::actor::Actor;
use crate::db::models::actor_block::ActorBlock;
use crate::db::models::actor_mute::ActorMute;
use crate::db::models::domain_block_personal::DomainBlock;
use crate::db::models::follow::Follow;
use crate::db::models::hidden_post::HiddenPost;
use crate::db::models::local_user::Account;
use crate::db::models::post::PostId;
use crate::state::AppState;

/// Longest mute accepted, in seconds (Mastodon allows any; a year is plenty).
const MAX_MUTE_SECONDS: i64 = 366 * 24 * 3600;

fn invalid(field: &'static str, message: &'static str) -> DomainError {
    DomainError::Invalid(validate::FieldErrors::one(field, message))
}

/// Blocks `target`: the follows between the two end both ways (an actor elsewhere is told with
/// an Undo of our Follow, or a Reject of theirs), the blocker no longer sees them anywhere, and
/// a blocked person here no longer sees the blocker. An actor elsewhere receives a `Block`.
pub async fn block(state: &AppState, me: &Account, target: &Actor) -> DomainResult<()> {
    if target.id == me.actor.id {
        return Err(invalid("account", "blocks-error-self"));
    }
    let mut tx = state.pool.begin().await?;
    if ActorBlock::find(&mut tx, me.actor.id, target.id).await?.is_some() {
        tx.rollback().await?;
        return Ok(());
    }
    let id = new_activity_id(&state.base_url, "block");
    ActorBlock::insert(&mut tx, me.actor.id, target.id, &id).await?;
    end_follows(&mut tx, state, &me.actor, target).await?;
    if !target.local {
        enqueue(&mut tx, &me.actor, &wire::block(&id, &me.actor, target), false, &[target.id]).await?;
    }
    tx.commit().await?;
    state.delivery_wake.notify_waiters();
    Ok(())
}

/// Ends the follows between `me` and `other`, both ways, telling `other` when it lives
/// elsewhere.
async fn end_follows(conn: &mut DbConn, state: &AppState, me: &Actor, other: &Actor) -> DomainResult<()> {
    if let Some(mine) = Follow::find(conn, me.id, other.id).await? {
        Follow::delete(conn, me.id, other.id).await?;
        if !other.local {
            let inner = follow_wire::follow(&mine.ap_id, me, other);
            let undo = follow_wire::undo(&new_activity_id(&state.base_url, "undo"), me, inner);
            enqueue(conn, me, &undo, false, &[other.id]).await?;
        }
    }
    if let Some(theirs) = Follow::find(conn, other.id, me.id).await? {
        Follow::delete(conn, other.id, me.id).await?;
        if !other.local {
            let reject_id = new_activity_id(&state.base_url, "reject");
            let reject = follow_wire::answer(ActivityKind::Reject, &reject_id, me, &theirs.ap_id, other);
            enqueue(conn, me, &reject, false, &[other.id]).await?;
        }
    }
    Ok(())
}

/// Lifts a block; an actor elsewhere receives `Undo(Block)`. Follows do not come back.
pub async fn unblock(state: &AppState, me: &Account, target: &Actor) -> DomainResult<()> {
    let mut tx = state.pool.begin().await?;
    let Some(block) = ActorBlock::delete(&mut tx, me.actor.id, target.id).await? else {
        tx.rollback().await?;
        return Ok(());
    };
    if !target.local {
        let inner = wire::block(&block.ap_id, &me.actor, target);
        let undo = follow_wire::undo(&new_activity_id(&state.base_url, "undo"), &me.actor, inner);
        enqueue(&mut tx, &me.actor, &undo, false, &[target.id]).await?;
    }
    tx.commit().await?;
    state.delivery_wake.notify_waiters();
    Ok(())
}

/// How a mute is asked for: Mastodon's `notifications` (default true) and `duration` in
/// seconds (0 or none: until lifted).
#[derive(Debug, Clone, Copy)]
pub struct MuteSpec {
    pub notifications: bool,
    pub duration: Option<i64>,
}

impl Default for MuteSpec {
    fn default() -> Self {
        MuteSpec { notifications: true, duration: None }
    }
}

/// Mutes `target` (or changes the mute): gone from `me`'s timelines and threads, and from
/// their notifications when `spec.notifications`; the profile stays readable. Nothing is sent.
pub async fn mute(state: &AppState, me: &Account, target: &Actor, spec: MuteSpec) -> DomainResult<ActorMute> {
    if target.id == me.actor.id {
        return Err(invalid("account", "blocks-error-mute-self"));
    }
    let expires_at = match spec.duration {
        None | Some(0) => None,
        Some(s) if (1..=MAX_MUTE_SECONDS).contains(&s) => Some(crate::db::now() + chrono::TimeDelta::seconds(s)),
        Some(_) => return Err(invalid("duration", "blocks-error-duration")),
    };
    let mut conn = state.pool.write().await?;
    Ok(ActorMute::upsert(&mut conn, me.actor.id, target.id, spec.notifications, expires_at).await?)
}

pub async fn unmute(state: &AppState, me: &Account, target: &Actor) -> DomainResult<()> {
    let mut conn = state.pool.write().await?;
    ActorMute::delete(&mut conn, me.actor.id, target.id).await?;
    Ok(())
}

/// A domain as a person types it: lower case, no scheme, path or port; our own refused.
pub fn check_domain(state: &AppState, input: &str) -> DomainResult<String> {
    let domain = input.trim().trim_end_matches('.').to_ascii_lowercase();
    // A port is part of a domain as ActivityPub ids carry it (`localhost:8080`).
    let (host, port) = match domain.split_once(':') {
        Some((host, port)) => (host, Some(port)),
        None => (domain.as_str(), None),
    };
    let port_ok = port.is_none_or(|p| !p.is_empty() && p.len() <= 5 && p.chars().all(|c| c.is_ascii_digit()));
    let well_formed = !host.is_empty()
        && host.len() <= 253
        && port_ok
        && (host.contains('.') || port.is_some())
        && host.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        });
    if !well_formed {
        return Err(invalid("domain", "blocks-error-domain"));
    }
    if domain == state.settings.instance.domain.to_ascii_lowercase() {
        return Err(invalid("domain", "blocks-error-own-domain"));
    }
    Ok(domain)
}

/// Blocks a whole domain for `me`: everyone there is gone from what they see and cannot
/// notify them, and the follows between `me` and that domain's actors end (nothing is sent:
/// Mastodon sends nothing for a personal domain block either).
pub async fn block_domain(state: &AppState, me: &Account, domain: &str) -> DomainResult<()> {
    let domain = check_domain(state, domain)?;
    let mut tx = state.pool.begin().await?;
    DomainBlock::insert(&mut tx, me.actor.id, &domain).await?;
    DomainBlock::drop_follows(&mut tx, me.actor.id, &domain).await?;
    tx.commit().await?;
    Ok(())
}

/// Lifts a domain block; a domain that is not one is refused (nothing could be stored for it).
pub async fn unblock_domain(state: &AppState, me: &Account, domain: &str) -> DomainResult<()> {
    let domain = check_domain(state, domain)?;
    let mut conn = state.pool.write().await?;
    DomainBlock::delete(&mut conn, me.actor.id, &domain).await?;
    Ok(())
}

/// Hides a post `me` may see from their own lists; `NotFound` for one they may not see.
pub async fn hide(state: &AppState, me: &Account, post: PostId) -> DomainResult<()> {
    let mut conn = state.pool.write().await?;
    seen::visible_post(&mut conn, Viewer::Actor(me.actor.id), post).await?;
    HiddenPost::insert(&mut conn, me.actor.id, post).await?;
    Ok(())
}

pub async fn unhide(state: &AppState, me: &Account, post: PostId) -> DomainResult<()> {
    let mut conn = state.pool.write().await?;
    HiddenPost::delete(&mut conn, me.actor.id, post).await?;
    Ok(())
}

/// Where `me` stands towards `other`: the blocking and muting half of Mastodon's Relationship.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Standing {
    pub blocking: bool,
    pub blocked_by: bool,
    pub muting: bool,
    pub muting_notifications: bool,
    pub domain_blocking: bool,
}

pub async fn standing(conn: &mut DbConn, me: &Actor, other: &Actor) -> DomainResult<Standing> {
    let mute = ActorMute::find(conn, me.id, other.id).await?;
    Ok(Standing {
        blocking: ActorBlock::find(conn, me.id, other.id).await?.is_some(),
        blocked_by: ActorBlock::find(conn, other.id, me.id).await?.is_some(),
        muting: mute.is_some(),
        muting_notifications: mute.is_some_and(|m| m.notifications),
        domain_blocking: !other.local && DomainBlock::has(conn, me.id, &other.domain).await?,
    })
}

/// Whether `a` and `b` may not follow each other: either blocks the other, or `a` blocks
/// `b`'s domain.
pub async fn keeps_apart(conn: &mut DbConn, a: &Actor, b: &Actor) -> DomainResult<bool> {
    Ok(ActorBlock::between(conn, a.id, b.id).await?
        || (!b.local && DomainBlock::has(conn, a.id, &b.domain).await?)
        || (!a.local && DomainBlock::has(conn, b.id, &a.domain).await?))
}
