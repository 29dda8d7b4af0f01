//! Applying activities from other servers. The inbox has verified the signature and actor and
//! turned the activity into a [`Received`], the typed input of its verb; here each is applied
//! in one transaction together with the record of its id, so a repeated delivery does nothing
//! and a failed one can be retried by the sender. What to write is decided by reads before that
//! transaction (see [`receive`]).

use url::Url;

use super::DomainResult;
use super::events;
use super::follows::{self, Answered};
use super::groups::remote::{self as remote_groups, MemberChange};
use super::groups::{discussions, members};
use super::posts::remote::{self, RemotePost};
use super::reactions;
use crate::db::models::actor::{Actor, ActorKind, ActorUpdate};
use crate::db::models::event::Event;
use crate::db::models::follow::Follow;
use crate::db::models::membership::Membership;
use crate::db::models::post::{PostId, Reaction, Visibility};
use crate::db::models::{delivery_target, received_activity};
use crate::db::{DbConn, now};
use crate::state::AppState;

/// A verified activity as the input of the operation of its verb.
#[derive(Debug)]
pub enum Received {
    /// `Follow` of the actor with this id.
    Follow { target: String },
    /// `Accept` (or `Reject`) of one of our follows.
    Answer { answered: Answered, accept: bool },
    /// `Undo` of a Follow (its id and target).
    Unfollow { follow_id: String, target: Option<String> },
    /// `Undo` of a Like or Announce by its id (`None`: of either kind).
    Unreact { id: String, reaction: Option<Reaction> },
    /// `Create` of a post.
    Create(Box<RemotePost>),
    /// `Update` of a post.
    UpdatePost(Box<RemotePost>),
    /// `Update` of the actor itself, refetched by the inbox already.
    UpdateActor,
    /// `Delete` of the actor itself.
    DeleteActor,
    /// `Delete` of an object on the actor's host, as it arrived (a group here relays its
    /// author's deletion of a post written in it).
    DeleteObject { id: String, raw: Option<remote::RawActivity> },
    /// `Like` or `Announce` of the object with this id.
    React { object: String, reaction: Reaction },
    /// `Join` of the group (or event) with this id: the Join's id becomes the membership's
    /// (or the participation's).
    Join { join_id: String, group: String },
    /// `Leave` of a group or an event (or `Undo` of a Join).
    Leave { group: String },
    /// `Create` or `Update` of an event the sender organises.
    Event(Box<crate::apub::protocol::Event>),
    /// A post a group elsewhere relayed (`Announce` of its author's Create or Update, or of
    /// the post), its author checked and fetched by the inbox.
    Relayed { author: Box<Actor>, post: Box<RemotePost>, update: bool },
    /// `Delete` by a group (or relayed by it) of a post written in it.
    DeleteInGroup { id: String },
    /// `Add` (pinned) or `Remove` (unpinned) of a post written in the group that sends it, on
    /// its `featured` collection.
    Featured { post: String, pinned: bool },
    /// `Block` of the actor with this id (one of ours), the Block's id kept for its Undo.
    Block { block_id: String, target: String },
    /// `Undo` of a Block (its id and target).
    Unblock { block_id: String, target: Option<String> },
    /// `Flag`: another server reports things here (their ids, all on this host).
    Flag { flag_id: String, objects: Vec<String>, content: String },
    /// Well-formed, but nothing here acts on it (yet).
    Ignored { kind: String },
    /// `Invite` of a resident here (`invitee`) to a group elsewhere; the Invite's id becomes
    /// the membership's.
    GroupInvite { invite_id: String, group: String, invitee: String },
    /// A group elsewhere removed a member or changed their role (`Remove`/`Update` of a
    /// `Member`, `Add`/`Remove` on its moderators collection).
    GroupMembership { group: String, member: String, change: MemberChange },
}

/// What an activity will write, decided by reads made before its transaction.
enum Step {
    /// Nothing here is concerned (a post nobody here follows, a Like of a post not ours).
    Nothing,
    /// A Follow of this local actor.
    Follow(Box<Actor>),
    /// A new post to store.
    Create(Box<RemotePost>),
    /// A Like or Announce of this local post.
    React(PostId, Reaction),
    /// A Like of this local event (Mastodon's favourite): "interested".
    Interested(i64),
    /// A request to join this local group.
    Join(String, Box<super::groups::Group>),
    /// A post written in this local group, to store and relay.
    InGroup(Box<RemotePost>, Box<super::groups::Group>),
    /// A post a followed group elsewhere relayed, by this author.
    Relayed(Box<Actor>, Box<RemotePost>),
    /// The rarer kinds read and write inside the transaction.
    InTransaction(Received),
}

/// Applies one verified activity `id` from `actor`.
///
/// The reads that decide what to write (is the followed actor ours, does anyone here follow
/// the author, is the liked post ours) come first, on a pooled connection; the transaction
/// then holds SQLite's one write lock only for the writes. An activity that concerns nobody
/// here writes nothing at all.
pub async fn receive(state: &AppState, actor: &Actor, id: &Url, received: Received) -> DomainResult<()> {
    let changes_sender = matches!(
        received,
        Received::UpdateActor | Received::DeleteActor | Received::DeleteObject { .. } | Received::UpdatePost(_)
    );
    let step = {
        let mut conn = state.pool.get().await?;
        look(&mut conn, actor, received).await?
    };
    // A valid activity is proof of life: deliver to its instance again if it was given up.
    // Checked once a minute per instance, not for every activity of a busy one.
    let check_life = actor.instance_id.filter(|i| !state.live_instances.contains_key(i));
    if let Step::Nothing = step {
        tracing::debug!(activity = %id, "concerns nobody here; ignored");
        if let Some(instance) = check_life {
            let mut conn = state.pool.write().await?;
            revive(&mut conn, actor, instance).await?;
            state.live_instances.insert(instance, ());
        }
        return Ok(());
    }
    let mut tx = state.pool.begin().await?;
    if !received_activity::mark_received(&mut tx, id.as_str(), now()).await? {
        tracing::debug!(activity = %id, "already processed");
        tx.rollback().await?;
        return Ok(());
    }
    if let Some(instance) = check_life {
        revive(&mut tx, actor, instance).await?;
    }
    match step {
        Step::Nothing => {}
        Step::Follow(target) => follows::followed(state, &mut tx, actor, id.as_str(), &target).await?,
        Step::Create(post) => {
            remote::received(&mut tx, actor, *post).await?;
        }
        Step::React(post, reaction) => reactions::reacted(&mut tx, actor, id.as_str(), post, reaction).await?,
        Step::Interested(event) => events::rsvp::remote_interested(&mut tx, actor, id.as_str(), event).await?,
        Step::Join(join_id, group) => members::remote_join(state, &mut tx, actor, &join_id, &group).await?,
        Step::InGroup(mut post, group) => {
            // `group_here` found the group only because the activity was kept as it arrived.
            if let Some(raw) = post.raw.take() {
                discussions::arrived(&mut tx, state, actor, id.as_str(), *post, &group, &raw).await?;
            }
        }
        Step::Relayed(author, post) => {
            discussions::relayed(&mut tx, actor, &author, *post).await?;
        }
        Step::InTransaction(received) => apply(state, &mut tx, actor, received).await?,
    }
    tx.commit().await?;
    if let Some(instance) = check_life {
        state.live_instances.insert(instance, ());
    }
    if changes_sender {
        // It may have been the sender itself that changed or went.
        state.signers.invalidate(&actor.ap_id);
    }
    state.delivery_wake.notify_waiters();
    Ok(())
}

async fn revive(conn: &mut DbConn, actor: &Actor, instance: i64) -> DomainResult<()> {
    if delivery_target::revive(conn, instance).await? {
        tracing::info!(instance = %actor.domain, "instance is back: deliveries resume");
    }
    Ok(())
}

/// The reads before the transaction: what an activity from `actor` will write.
async fn look(conn: &mut DbConn, actor: &Actor, received: Received) -> DomainResult<Step> {
    Ok(match received {
        Received::Follow { target } => Step::Follow(Box::new(follows::followed_here(conn, &target).await?)),
        Received::Create(post) => {
            if let Some(group) = group_here(conn, &post).await? {
                Step::InGroup(post, Box::new(group))
            } else if post.visibility() == Visibility::Direct {
                tracing::debug!(object = %post.row.ap_id, "direct messages are not supported yet; ignored");
                Step::Nothing
            } else if remote::concerns_someone_here(conn, actor, &post).await? {
                Step::Create(post)
            } else {
                tracing::debug!(object = %post.row.ap_id, "post from an actor nobody here follows; ignored");
                Step::Nothing
            }
        }
        Received::React { object, reaction } => match reactions::reacted_post(conn, actor, &object, reaction).await? {
            Some(post) => Step::React(post, reaction),
            None if reaction == Reaction::Like => match Event::by_ap_id(conn, &object).await? {
                Some(event) if event.local => Step::Interested(event.id),
                _ => Step::Nothing,
            },
            None => Step::Nothing,
        },
        Received::Join { join_id, group } => match Actor::by_ap_id(conn, &group).await? {
            Some(g) if g.local && !g.deleted && g.kind().is_group() => {
                Step::Join(join_id, Box::new(super::groups::with_profile(conn, g).await?))
            }
            Some(e) if e.local && !e.deleted && e.kind() == ActorKind::Event => {
                Step::InTransaction(Received::Join { join_id, group })
            }
            _ => Step::Nothing,
        },
        Received::Event(event) => {
            let known = Event::by_ap_id(conn, &event.id).await?.is_some();
            if known || events::remote::concerns_someone_here(conn, actor).await? {
                Step::InTransaction(Received::Event(event))
            } else {
                tracing::debug!(event = %event.id, "event of an organiser nobody here follows; ignored");
                Step::Nothing
            }
        }
        Received::Relayed { author, post, update: false } => {
            if Follow::has_local_follower(conn, actor.id).await? || Membership::has_local_member(conn, actor.id).await?
            {
                Step::Relayed(author, post)
            } else {
                tracing::debug!(group = %actor.ap_id, "relayed post of a group nobody here follows; ignored");
                Step::Nothing
            }
        }
        Received::Relayed { author, post, update: true } => {
            Step::InTransaction(Received::Relayed { author, post, update: true })
        }
        Received::Ignored { kind } => {
            tracing::debug!(kind, "ignored activity type");
            Step::Nothing
        }
        other => Step::InTransaction(other),
    })
}

/// The kinds that read and write inside the transaction.
async fn apply(state: &AppState, conn: &mut DbConn, actor: &Actor, received: Received) -> DomainResult<()> {
    match received {
        Received::Answer { answered, accept } => {
            // An answer to a resident's Join of a group or an event elsewhere, or to a follow.
            if let Some(id) = &answered.follow_id
                && (members::remote_answer(conn, actor, id, accept).await?
                    || events::rsvp::remote_answer(conn, id, accept).await?)
            {
                return Ok(());
            }
            follows::answered(conn, actor, &answered, accept).await
        }
        Received::Leave { group } => match Actor::by_ap_id(conn, &group).await? {
            Some(e) if e.local && e.kind() == ActorKind::Event => match Event::by_actor(conn, e.id).await? {
                Some(event) => events::rsvp::remote_leave(state, conn, actor, event.id).await,
                None => Ok(()),
            },
            Some(g) if g.local => members::remote_leave(conn, actor, &g).await,
            _ => Ok(()),
        },
        Received::Join { join_id, group } => match Event::by_ap_id(conn, &group).await? {
            Some(event) if event.local => events::rsvp::remote_join(state, conn, actor, &join_id, event.id).await,
            _ => Ok(()),
        },
        Received::Event(event) => events::remote::received(conn, actor, &event).await.map(drop),
        Received::Unfollow { follow_id, target } => {
            follows::unfollowed(conn, actor, &follow_id, target.as_deref()).await
        }
        Received::Unreact { id, reaction } => {
            if reaction != Some(Reaction::Announce) && events::rsvp::remote_uninterested(conn, actor, &id).await? {
                return Ok(());
            }
            reactions::unreacted(conn, actor, &id, reaction).await
        }
        Received::Block { block_id, target } => super::blocks::remote::blocked(conn, actor, &block_id, &target).await,
        Received::Unblock { block_id, target } => {
            super::blocks::remote::unblocked(conn, actor, &block_id, target.as_deref()).await
        }
        Received::UpdatePost(mut post) => {
            let raw = post.raw.take();
            let updated = remote::update(conn, actor, *post).await?;
            discussions::relay_author_change(conn, state, updated.as_ref(), raw.as_ref()).await
        }
        Received::DeleteObject { id, raw } => {
            if events::remote::deleted(conn, actor, &id).await? {
                return Ok(());
            }
            let deleted = remote::delete(conn, actor, &id).await?;
            discussions::relay_author_change(conn, state, deleted.as_ref(), raw.as_ref()).await
        }
        Received::DeleteInGroup { id } => discussions::removed_by_group(conn, actor, &id).await,
        Received::Featured { post, pinned } => discussions::featured_by_group(conn, actor, &post, pinned).await,
        Received::Relayed { author, post, .. } => remote::update(conn, &author, *post).await.map(drop),
        Received::DeleteActor => remote_actor_deleted(conn, actor).await,
        Received::GroupInvite { invite_id, group, invitee } => {
            remote_groups::invited(conn, actor, &invite_id, &group, &invitee).await
        }
        Received::GroupMembership { group, member, change } => {
            remote_groups::changed(conn, actor, &group, &member, &change).await
        }
        Received::Flag { flag_id, objects, content } => {
            super::moderation::flags::received(conn, state, actor, &flag_id, &objects, &content).await
        }
        Received::UpdateActor
        | Received::Follow { .. }
        | Received::Create(_)
        | Received::React { .. }
        | Received::Ignored { .. } => Ok(()),
    }
}

/// The local group a post from elsewhere was written in: one it names (`audience`, addressees,
/// mentions), or the group of the local post it replies to.
async fn group_here(conn: &mut DbConn, post: &RemotePost) -> DomainResult<Option<super::groups::Group>> {
    // The inbox keeps the activity as it arrived only when it names this instance.
    if post.raw.is_none() {
        return Ok(None);
    }
    for named in post.named() {
        if let Some(actor) = Actor::by_ap_id(conn, named).await?
            && actor.local
            && !actor.deleted
            && actor.kind().is_group()
        {
            return Ok(Some(super::groups::with_profile(conn, actor).await?));
        }
    }
    if let Some(parent) = &post.row.in_reply_to
        && let Some(parent) = crate::db::models::post::Post::by_ap_id(conn, parent).await?
        && let Some(group) = parent.audience_id
    {
        let group = super::groups::by_id(conn, group).await?;
        if group.actor.local {
            return Ok(Some(group));
        }
    }
    Ok(None)
}

/// A remote actor deleted itself: marked deleted, its follows removed.
async fn remote_actor_deleted(conn: &mut DbConn, actor: &Actor) -> DomainResult<()> {
    let gone = ActorUpdate { deleted: Some(true), updated_at: Some(now()), ..Default::default() };
    Actor::update(conn, actor.id, &gone).await?;
    Follow::delete_all_of(conn, actor.id).await?;
    tracing::info!(actor = %actor.ap_id, "remote actor deleted");
    Ok(())
}
