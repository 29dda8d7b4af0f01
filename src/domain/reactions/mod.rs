//! Likes and boosts: residents like and boost posts here and elsewhere; other servers' actors
//! like and boost ours, and take them back.

use super::outbox::{enqueue, new_activity_id};
use super::visibility::{self as seen, Viewer};
use super::{DomainError, DomainResult, notifications};
use crate::apub::protocol::{Activity, ActivityKind, Addresses, Id, PUBLIC, Timestamp};
use crate::db::models::actor::{Actor, ActorId};
use crate::db::models::local_user::Account;
use crate::db::models::post::{Post, PostId, PostView, Reaction};
use crate::db::{DbConn, now};
use crate::state::AppState;

/// A Like of a post, to its author.
pub fn like(id: &str, actor: &Actor, post: &Post, post_author: &Actor) -> Activity<Id> {
    Activity::new(id, ActivityKind::Like, actor.ap_id.clone(), Id(post.ap_id.clone()))
        .to(Addresses::list([post_author.ap_id.clone()]))
}

/// An Announce (boost) of a post, to the public, the booster's followers and the author.
pub fn announce(id: &str, actor: &Actor, post: &Post, post_author: &Actor, at: Timestamp) -> Activity<Id> {
    let followers = super::posts::wire::followers_of(actor);
    Activity::new(id, ActivityKind::Announce, actor.ap_id.clone(), Id(post.ap_id.clone()))
        .published(at)
        .to(Addresses::list([PUBLIC]))
        .cc(Addresses::list([followers, post_author.ap_id.clone()]))
}

/// Likes (`Reaction::Like`) or boosts (`Reaction::Announce`) a post; undoes with `on = false`.
pub async fn react(
    state: &AppState,
    account: &Account,
    id: PostId,
    reaction: Reaction,
    on: bool,
) -> DomainResult<Post> {
    let mut tx = state.pool.begin().await?;
    // What one may not see does not exist for them, also when liking or undoing a like.
    let PostView { post, author } = seen::visible_post(&mut tx, Viewer::Actor(account.actor.id), id).await?;
    if on && reaction == Reaction::Announce && !seen::can_share(&post) {
        return Err(DomainError::Forbidden);
    }
    let me = &account.actor;
    let kind = if reaction == Reaction::Like { "like" } else { "announce" };
    let build = |ap_id: &str| match reaction {
        Reaction::Like => like(ap_id, me, &post, &author),
        Reaction::Announce => announce(ap_id, me, &post, &author, now().into()),
    };
    // A like goes to the author; a boost to our followers and the author.
    let to_followers = reaction == Reaction::Announce;
    let to_actors: Vec<ActorId> = if author.local { vec![] } else { vec![author.id] };
    if on {
        let ap_id = new_activity_id(&state.base_url, kind);
        if reaction.add(&mut tx, &ap_id, me.id, post.id).await? {
            notifications::causes::reacted(&mut tx, me.id, &post, reaction).await?;
            enqueue(&mut tx, me, &build(&ap_id), to_followers, &to_actors).await?;
        }
    } else if let Some(ap_id) = reaction.remove(&mut tx, me.id, post.id).await? {
        notifications::causes::unreacted(&mut tx, me.id, post.id, reaction).await?;
        let undo = super::follows::wire::undo(&new_activity_id(&state.base_url, "undo"), me, build(&ap_id));
        enqueue(&mut tx, me, &undo, to_followers, &to_actors).await?;
    }
    tx.commit().await?;
    state.delivery_wake.notify_waiters();
    Ok(post)
}

/// The local post a remote Like or Announce is of, when it counts (a read before the
/// transaction): a reaction to a post the actor may not see (or may not share) changes
/// nothing, and is answered like one to a post that does not exist.
pub async fn reacted_post(
    conn: &mut DbConn,
    actor: &Actor,
    object: &str,
    reaction: Reaction,
) -> DomainResult<Option<PostId>> {
    let Some(post) = Post::by_ap_id(conn, object).await?.filter(|p| p.local) else {
        return Ok(None);
    };
    let seen = seen::can_see(conn, Viewer::Actor(actor.id), &post).await?;
    if !seen || (reaction == Reaction::Announce && !seen::can_share(&post)) {
        tracing::debug!(post = object, "reaction to a post the actor may not see; ignored");
        return Ok(None);
    }
    Ok(Some(post.id))
}

/// A remote actor likes or boosts a local post (once per activity id).
pub async fn reacted(
    conn: &mut DbConn,
    actor: &Actor,
    activity_id: &str,
    post: PostId,
    reaction: Reaction,
) -> DomainResult<()> {
    if reaction.add(conn, activity_id, actor.id, post).await?
        && let Some(post) = Post::by_id(conn, post).await?
    {
        notifications::causes::reacted(conn, actor.id, &post, reaction).await?;
    }
    Ok(())
}

/// A remote actor takes back a like or boost, by its id; `None`: whichever it was.
pub async fn unreacted(
    conn: &mut DbConn,
    actor: &Actor,
    activity_id: &str,
    reaction: Option<Reaction>,
) -> DomainResult<()> {
    match reaction {
        Some(reaction) => {
            if let Some(post) = reaction.remove_by_ap_id(conn, activity_id, actor.id).await? {
                notifications::causes::unreacted(conn, actor.id, post, reaction).await?;
            }
        }
        None if activity_id.is_empty() => {}
        None => {
            for reaction in [Reaction::Like, Reaction::Announce] {
                if let Some(post) = reaction.remove_by_ap_id(conn, activity_id, actor.id).await? {
                    notifications::causes::unreacted(conn, actor.id, post, reaction).await?;
                    break;
                }
            }
        }
    }
    Ok(())
}
