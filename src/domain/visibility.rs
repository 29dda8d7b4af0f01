//! Who may see a post: the one rule, asked by every read of a post — pages, the client API,
//! ActivityPub GETs, search, interactions and the inbox. Lists of posts (timelines, outboxes)
//! ask [`shown_of`] for the set form of the same rule.
//!
//! A person's own controls are part of the rule. An author who blocks someone is seen by them
//! nowhere — not one post, not a list ([`can_see`]). Lists also leave out, for the person who
//! looks, what they screened out themselves ([`screen_for`], applied in SQL by paged lists and
//! by [`seen_among`] in a thread): actors they block (and the posts written in a group they
//! block), domains they block, posts they hid, and on timelines and in threads actors they
//! mute. A muted actor's profile still lists their posts; a hidden post still opens by its link.

use std::collections::HashSet;

use super::{DomainError, DomainResult};
use crate::db::DbConn;
use crate::db::models::actor::{Actor, ActorId};
use crate::db::models::actor_block::ActorBlock;
use crate::db::models::follow::Follow;
use crate::db::models::local_user::{Account, Role, Status};
use crate::db::models::membership::Membership;
use crate::db::models::post::{Post, PostId, PostView, Shown, Visibility};
use crate::db::views::screen::{Screen, Screened};

/// Who looks: nobody known (an anonymous visitor, an unsigned fetch), or an actor — a person
/// signed in here, or a remote actor whose signature verified.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Viewer {
    Anonymous,
    Actor(ActorId),
}

impl Viewer {
    pub fn of(actor: Option<ActorId>) -> Viewer {
        actor.map_or(Viewer::Anonymous, Viewer::Actor)
    }

    fn is(self, actor: ActorId) -> bool {
        self == Viewer::Actor(actor)
    }
}

/// Whether `viewer` may see `post`. Deleted posts (also those a moderator removed) are seen by
/// nobody (their URL answers with a Tombstone where the protocol wants one); a post a moderator
/// hid, by its author and moderators only.
pub async fn can_see(conn: &mut DbConn, viewer: Viewer, post: &Post) -> DomainResult<bool> {
    if post.deleted || super::federation::visibility::hides(conn, viewer, post).await? {
        return Ok(false);
    }
    if post.hidden_at.is_some() && !author_or_moderator(conn, viewer, post).await? {
        return Ok(false);
    }
    if let Viewer::Actor(me) = viewer
        && me != post.author_id
        && ActorBlock::find(conn, post.author_id, me).await?.is_some()
    {
        return Ok(false);
    }
    Ok(match post.visibility {
        Visibility::Public | Visibility::Unlisted => true,
        Visibility::Followers => follows_or_is(conn, viewer, post.author_id).await?,
        // Direct posts have no stored recipients yet (incoming ones are not kept): the author only.
        Visibility::Direct => viewer.is(post.author_id),
        Visibility::Members => member_or_is(conn, viewer, post).await?,
    })
}

/// Whether `viewer` wrote `post` or belongs to the group it was written in (accepted), or
/// moderates the whole site here (a buurtverbinder moderates every group's discussions).
async fn member_or_is(conn: &mut DbConn, viewer: Viewer, post: &Post) -> DomainResult<bool> {
    let (Viewer::Actor(me), Some(group)) = (viewer, post.audience_id) else { return Ok(false) };
    if me == post.author_id || Membership::find(conn, group, me).await?.is_some_and(|m| m.is_member()) {
        return Ok(true);
    }
    site_moderator(conn, me).await
}

/// Whether `viewer` wrote `post` or moderates it (a site moderator, or a moderator of the group
/// it was written in).
async fn author_or_moderator(conn: &mut DbConn, viewer: Viewer, post: &Post) -> DomainResult<bool> {
    let Viewer::Actor(me) = viewer else { return Ok(false) };
    if me == post.author_id || site_moderator(conn, me).await? {
        return Ok(true);
    }
    let Some(group) = post.audience_id else { return Ok(false) };
    Ok(Membership::find(conn, group, me).await?.is_some_and(|m| {
        m.is_member() && m.role().rank() >= crate::db::models::membership::GroupRole::Moderator.rank()
    }))
}

/// Whether `viewer` may see what `author` wrote at all: a suspended person's posts are seen by
/// site moderators only.
pub async fn author_shown(conn: &mut DbConn, viewer: Viewer, author: &Actor) -> DomainResult<bool> {
    match (author.suspended_at, viewer) {
        (None, _) => Ok(true),
        (Some(_), Viewer::Actor(me)) => site_moderator(conn, me).await,
        (Some(_), Viewer::Anonymous) => Ok(false),
    }
}

/// Whether `actor` is an active local account with a site moderator's role or higher.
async fn site_moderator(conn: &mut DbConn, actor: ActorId) -> DomainResult<bool> {
    let account = Account::by_actor(conn, actor).await?;
    Ok(account.is_some_and(|a| a.user.status() == Status::Active && a.user.role() >= Role::Moderator))
}

/// Whether `viewer` is `author` or one of its accepted followers.
async fn follows_or_is(conn: &mut DbConn, viewer: Viewer, author: ActorId) -> DomainResult<bool> {
    match viewer {
        Viewer::Anonymous => Ok(false),
        Viewer::Actor(me) if me == author => Ok(true),
        Viewer::Actor(me) => Ok(Follow::find(conn, me, author).await?.is_some_and(|f| f.accepted)),
    }
}

/// Which lists leave out what their viewer screened out, and how much of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum List {
    /// Timelines, the home page, a group's threads, a thread's replies: everything screened,
    /// mutes included.
    Timeline,
    /// An author's own posts (a profile): a muted author's profile stays readable.
    Profile,
}

/// What `viewer`'s lists of kind `list` leave out ([`Screen`], applied in their SQL); nothing
/// for an anonymous visitor.
pub fn screen_for(viewer: Viewer, list: List) -> Option<Screen> {
    match viewer {
        Viewer::Anonymous => None,
        Viewer::Actor(me) => Some(Screen { viewer: me, mutes: list == List::Timeline, at: crate::db::now() }),
    }
}

/// Which of `posts` `viewer` may see in a list read whole (a thread): [`can_see`] for many
/// posts of many authors, less what the viewer screened out ([`List::Timeline`]), with the
/// follows, blocks and mutes it needs read a few queries in all.
pub async fn seen_among<'a>(
    conn: &mut DbConn,
    viewer: Viewer,
    posts: impl IntoIterator<Item = &'a Post>,
) -> DomainResult<HashSet<PostId>> {
    let mut posts: Vec<&Post> = posts.into_iter().filter(|p| !p.deleted).collect();
    if let Some(screen) = screen_for(viewer, List::Timeline) {
        let mut actors: Vec<ActorId> =
            posts.iter().flat_map(|p| [Some(p.author_id), p.audience_id]).flatten().collect();
        actors.sort_unstable_by_key(|a| a.0);
        actors.dedup();
        let ids: Vec<PostId> = posts.iter().map(|p| p.id).collect();
        let screened = Screened::among(conn, screen, &actors, &ids).await?;
        // The viewer's own posts are never screened from them (a group they block aside).
        posts.retain(|p| {
            !screened.posts.contains(&p.id)
                && (viewer.is(p.author_id) || !screened.actors.contains(&p.author_id))
                && !p.audience_id.is_some_and(|g| screened.actors.contains(&g))
        });
    }
    let hidden = super::federation::visibility::hidden_among(conn, viewer, &posts).await?;
    posts.retain(|p| !hidden.contains(&p.id));
    let (member_of, moderator) = match viewer {
        Viewer::Actor(me) if posts.iter().any(|p| p.visibility == Visibility::Members || p.hidden_at.is_some()) => {
            let mut groups: Vec<ActorId> = posts.iter().filter_map(|p| p.audience_id).collect();
            groups.sort_unstable_by_key(|g| g.0);
            groups.dedup();
            (Membership::accepted_among(conn, me, &groups).await?, site_moderator(conn, me).await?)
        }
        _ => (HashSet::new(), false),
    };
    let followed = match viewer {
        Viewer::Anonymous => HashSet::new(),
        Viewer::Actor(me) => {
            let mut authors: Vec<ActorId> = posts
                .iter()
                .filter(|p| p.visibility == Visibility::Followers && p.author_id != me)
                .map(|p| p.author_id)
                .collect();
            authors.sort_unstable_by_key(|a| a.0);
            authors.dedup();
            Follow::accepted_among(conn, me, &authors).await?
        }
    };
    Ok(posts
        .into_iter()
        // A hidden post in a list: its author and site moderators (a group's moderators find
        // it through the moderation pages).
        .filter(|p| p.hidden_at.is_none() || viewer.is(p.author_id) || moderator)
        .filter(|p| match p.visibility {
            Visibility::Public | Visibility::Unlisted => true,
            Visibility::Followers => viewer.is(p.author_id) || followed.contains(&p.author_id),
            Visibility::Direct => viewer.is(p.author_id),
            Visibility::Members => {
                viewer.is(p.author_id) || moderator || p.audience_id.is_some_and(|g| member_of.contains(&g))
            }
        })
        .map(|p| p.id)
        .collect())
}

/// Whether every accepted follower of `actor` may see `post` (the set form of [`can_see`] for
/// a notification to them all): an open post, or a followers-only post of `actor` itself.
pub fn followers_of_see(post: &Post, actor: ActorId) -> bool {
    !post.deleted
        && post.hidden_at.is_none()
        && (post.visibility.is_open() || (post.visibility == Visibility::Followers && post.author_id == actor))
}

/// Whether anyone at all may see `post`.
pub fn anyone_sees(post: &Post) -> bool {
    !post.deleted && post.hidden_at.is_none() && post.visibility.is_open()
}

/// Which of an author's posts `viewer` may see in a list: the set form of [`can_see`].
pub async fn shown_of(conn: &mut DbConn, viewer: Viewer, author: ActorId) -> DomainResult<Shown> {
    Ok(if follows_or_is(conn, viewer, author).await? { Shown::WithFollowersOnly } else { Shown::Open })
}

/// A post with its author, when `viewer` may see it; else `NotFound` — the same answer as for
/// a post that does not exist, so that ids cannot be probed.
pub async fn visible_post(conn: &mut DbConn, viewer: Viewer, id: PostId) -> DomainResult<PostView> {
    let view = PostView::by_id(conn, id).await?.ok_or(DomainError::NotFound)?;
    if can_see(conn, viewer, &view.post).await? && author_shown(conn, viewer, &view.author).await? {
        Ok(view)
    } else {
        Err(DomainError::NotFound)
    }
}

/// [`visible_post`] for a post by its ActivityPub id.
pub async fn visible_post_by_ap_id(conn: &mut DbConn, viewer: Viewer, ap_id: &str) -> DomainResult<PostView> {
    let post = Post::by_ap_id(conn, ap_id).await?.ok_or(DomainError::NotFound)?;
    visible_post(conn, viewer, post.id).await
}

/// Whether `viewer` may boost `post`: only what anyone may see can be shared further.
pub fn can_share(post: &Post) -> bool {
    !post.deleted && post.hidden_at.is_none() && post.visibility.is_open()
}
