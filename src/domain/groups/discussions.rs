//! Discussions in a group: threads (a title and Markdown text) and their replies, written here
//! or arriving from members elsewhere; pinning, locking, editing with history and removing them.
//! The group relays what is written in it (FEP-1b12): an `Announce` of the unchanged activity to
//! its members' servers and followers, and for a thread starter also the `Announce` of the post
//! itself, which Mastodon shows; replies reach only followers on group-aware software. Content
//! of a members-only group reaches its members' servers only. Who may post is decided in
//! [`super::rights`].

use serde::Serialize;

use super::rights::{self, Standing};
use super::{Group, by_id};
use crate::apub::protocol::{Activity, ActivityKind, Addresses, Attachment, Id, PUBLIC};
use crate::db::models::actor::{Actor, ActorId};
use crate::db::models::group_profile::{ContentVisibility, GroupStatus};
use crate::db::models::local_user::Account;
use crate::db::models::outbox_activity::GroupReach;
use crate::db::models::post::{Post, PostId, PostInsert, PostUpdate, Visibility};
use crate::db::models::post_edit::PostEdit;
use crate::db::{DbConn, now};
use crate::domain::outbox::{enqueue, enqueue_for_group, new_activity_id};
use crate::domain::posts::compose::Mentions;
use crate::domain::posts::remote::{self, RawActivity, RemotePost};
use crate::domain::posts::{self, Photos, store, wire};
use crate::domain::visibility::{self as seen, Viewer};
use crate::domain::{DomainError, DomainResult, notifications, validate};
use crate::state::AppState;

/// Longest thread title, in characters.
pub const MAX_TITLE: usize = 200;
/// Longest thread text, in characters.
pub const MAX_TEXT: usize = 20_000;
/// How far up a reply chain the thread starter is looked for.
const MAX_DEPTH: usize = 64;

/// What a resident writes to start a thread.
#[derive(Debug, Clone, Default)]
pub struct NewThread {
    pub title: String,
    /// Markdown.
    pub text: String,
    /// An announcement of the group (an `Article`): moderators only.
    pub announcement: bool,
}

/// The visibility of what is written in `group`.
pub fn visibility_in(group: &Group) -> Visibility {
    match group.profile.content() {
        ContentVisibility::Public => Visibility::Public,
        ContentVisibility::Members => Visibility::Members,
    }
}

fn refused(field: &'static str, key: &'static str) -> DomainError {
    DomainError::Invalid(validate::FieldErrors::one(field, key))
}

fn check_thread(title: &str, text: &str) -> DomainResult<()> {
    let mut errors = validate::FieldErrors::default();
    if title.trim().is_empty() {
        errors.add("title", "error-required");
    } else if title.chars().count() > MAX_TITLE {
        errors.add("title", "error-too-long");
    }
    if text.trim().is_empty() {
        errors.add("text", "error-required");
    } else if text.chars().count() > MAX_TEXT {
        errors.add("text", "error-too-long");
    }
    errors.into_result()
}

/// The first post of the thread `post` belongs to (itself when it starts one).
pub async fn thread_starter(conn: &mut DbConn, post: &Post) -> DomainResult<Post> {
    let mut current = post.clone();
    for _ in 0..MAX_DEPTH {
        let Some(parent) = current.in_reply_to.as_deref() else { break };
        match Post::by_ap_id(conn, parent).await? {
            Some(p) if p.audience_id == post.audience_id => current = p,
            _ => break,
        }
    }
    Ok(current)
}

/// Whether `author` may reply to `parent` in the group `group`: the group's posting rule, and
/// the thread not locked. Returns the group.
pub async fn may_reply(conn: &mut DbConn, author: &Account, group: ActorId, parent: &Post) -> DomainResult<Group> {
    let group = by_id(conn, group).await?;
    let standing = Standing::of(conn, group.actor.id, Some(author)).await?;
    if !rights::may_post(&group.profile, &standing) {
        return Err(refused("status", "error-group-may-not-post"));
    }
    if thread_starter(conn, parent).await?.locked && !standing.moderates() {
        return Err(refused("status", "error-thread-locked"));
    }
    Ok(group)
}

/// The threads of `group` (pinned first, then newest first) for someone with `standing`:
/// Forbidden when its discussions are for members and they are none.
pub async fn threads(
    conn: &mut DbConn,
    group: &Group,
    standing: &Standing,
    viewer: Viewer,
    limit: i64,
) -> DomainResult<Vec<crate::db::views::discussions::ThreadRow>> {
    if !rights::sees_content(&group.profile, standing) {
        return Err(DomainError::Forbidden);
    }
    let screen = seen::screen_for(viewer, seen::List::Timeline);
    Ok(crate::db::views::discussions::threads(conn, group.actor.id, screen, limit).await?)
}

/// Starts a thread in a local group.
pub async fn start_thread(state: &AppState, author: &Account, group: &Group, new: &NewThread) -> DomainResult<Post> {
    check_thread(&new.title, &new.text)?;
    let mut tx = state.pool.begin().await?;
    let standing = Standing::of(&mut tx, group.actor.id, Some(author)).await?;
    if !rights::may_post(&group.profile, &standing) {
        return Err(refused("text", "error-group-may-not-post"));
    }
    if new.announcement && !standing.moderates() {
        return Err(refused("announcement", "error-group-announcement-moderators"));
    }
    let mentions = Mentions::of(&mut tx, &new.text, &state.settings.instance.domain).await?;
    let id = Post::next_id(&mut tx).await?;
    let row = PostInsert {
        id: Some(id),
        ap_id: format!("{}/p/{}", state.base_url, id.0),
        author_id: author.actor.id,
        kind: if new.announcement { "article" } else { "note" }.into(),
        name: Some(new.title.trim().to_string()),
        content: mentions.markdown(&new.text),
        summary: None,
        sensitive: false,
        language: None,
        in_reply_to: None,
        url: None,
        visibility: visibility_in(group),
        local: true,
        deleted: false,
        published: now(),
        updated_at: None,
        audience_id: Some(group.actor.id),
        locked: false,
        pinned_at: None,
        source: Some(new.text.clone()),
    };
    let (post, _) = store(&mut tx, &author.actor, &row, Photos::Uploaded(&[])).await?;
    notifications::causes::post_published(&mut tx, &post, &mentions.local()).await?;
    publish(&mut tx, state, group, &post, &author.actor, Vec::new()).await?;
    if post.visibility.is_open() && !mentions.remote().is_empty() {
        // People elsewhere it mentions, who may not follow the group.
        let create = wire::create(&post, &author.actor, Some(&group.actor), Vec::new());
        enqueue(&mut tx, &author.actor, &create, false, &mentions.remote()).await?;
    }
    tx.commit().await?;
    state.delivery_wake.notify_waiters();
    Ok(post)
}

/// Sends what a resident wrote in a group: the group relays their Create.
pub async fn publish(
    conn: &mut DbConn,
    state: &AppState,
    group: &Group,
    post: &Post,
    author: &Actor,
    attachments: Vec<Attachment>,
) -> DomainResult<()> {
    let create = wire::create(post, author, Some(&group.actor), attachments);
    send(conn, state, group, author, &create, post).await
}

/// Sends a resident's activity about `post`, written in `group` (its Create, Update or
/// Delete): a group here relays it; a group elsewhere receives it, and relays it there.
pub async fn send<A: Serialize>(
    conn: &mut DbConn,
    state: &AppState,
    group: &Group,
    author: &Actor,
    activity: &Activity<A>,
    post: &Post,
) -> DomainResult<()> {
    if group.actor.local {
        relay(conn, state, group, activity, post).await
    } else {
        enqueue(conn, author, activity, false, &[group.actor.id]).await
    }
}

/// The group `post` was written in, if any.
pub async fn group_of(conn: &mut DbConn, post: &Post) -> DomainResult<Option<Group>> {
    match post.audience_id {
        Some(id) => Ok(Some(by_id(conn, id).await?)),
        None => Ok(None),
    }
}

/// The group relays an activity about `post` written in it (FEP-1b12): `Announce` of the
/// unchanged activity to its members' servers, and to its followers — all of them for a thread
/// starter, those on group-aware software for a reply; content of a members-only group to its
/// members' servers only. A new thread starter is also announced as itself, for Mastodon.
pub async fn relay<A: Serialize>(
    conn: &mut DbConn,
    state: &AppState,
    group: &Group,
    activity: &A,
    post: &Post,
) -> DomainResult<()> {
    let value = serde_json::to_value(activity).map_err(|e| DomainError::Internal(e.to_string()))?;
    let kind = value.get("type").and_then(serde_json::Value::as_str).unwrap_or_default().to_string();
    let starter = post.in_reply_to.is_none();
    let members_only = post.visibility == Visibility::Members;
    let reach = match (members_only, starter) {
        (true, _) => GroupReach::Members,
        (false, true) => GroupReach::Everyone,
        (false, false) => GroupReach::Aware,
    };
    let (to, cc) = announce_addressing(&group.actor, members_only);
    let announce =
        Activity::new(new_activity_id(&state.base_url, "announce"), ActivityKind::Announce, &group.actor.ap_id, value)
            .to(to.clone())
            .cc(cc.clone());
    enqueue_for_group(conn, &group.actor, &announce, reach).await?;
    if starter && !members_only && kind == "Create" && !post.deleted {
        let boost = Activity::new(
            new_activity_id(&state.base_url, "announce"),
            ActivityKind::Announce,
            &group.actor.ap_id,
            Id(post.ap_id.clone()),
        )
        .to(to)
        .cc(cc);
        enqueue(conn, &group.actor, &boost, true, &[]).await?;
    }
    Ok(())
}

/// A public thread as its group's outbox lists it: the group's `Announce` of its Create.
pub fn announced_create(
    group: &Actor,
    post: &Post,
    author: &Actor,
    attachments: Vec<Attachment>,
) -> Activity<Activity<crate::apub::protocol::Note>> {
    let (to, cc) = announce_addressing(group, false);
    let create = wire::create(post, author, Some(group), attachments);
    let mut announce =
        Activity::new(format!("{}#announce-{}", group.ap_id, post.id.0), ActivityKind::Announce, &group.ap_id, create)
            .to(to)
            .cc(cc);
    announce.published = Some(post.published.into());
    announce
}

/// Whom a group's Announce is addressed to: its followers and the public, or its members.
fn announce_addressing(group: &Actor, members_only: bool) -> (Addresses, Addresses) {
    let followers = wire::followers_of(group);
    if members_only {
        (Addresses::list([format!("{}/members", group.ap_id)]), Addresses::list(Vec::<String>::new()))
    } else {
        (Addresses::list([PUBLIC.to_string()]), Addresses::list([followers]))
    }
}

/// A post in a group that `by` may act on as its moderator: the post, its group and whether
/// `by` moderates it (else they wrote it).
async fn moderated(conn: &mut DbConn, by: &Account, id: PostId) -> DomainResult<(Post, Group, bool)> {
    let post = seen::visible_post(conn, Viewer::Actor(by.actor.id), id).await?.post;
    let group = by_id(conn, post.audience_id.ok_or(DomainError::NotFound)?).await?;
    let standing = Standing::of(conn, group.actor.id, Some(by)).await?;
    let moderates = group.actor.local && standing.moderates();
    if !moderates && post.author_id != by.actor.id {
        return Err(DomainError::Forbidden);
    }
    Ok((post, group, moderates))
}

/// Removes a post from its group: its author. A moderator removes someone else's post by a
/// decision with a statement of reasons (`domain::moderation::actions`), which the person
/// affected receives; without one, this answers that the facts are missing.
pub async fn remove(state: &AppState, by: &Account, id: PostId) -> DomainResult<()> {
    let (post, _, _) = {
        let mut conn = state.pool.get().await?;
        moderated(&mut conn, by, id).await?
    };
    if post.author_id != by.actor.id {
        return Err(DomainError::Invalid(validate::FieldErrors::one("facts", "error-moderation-facts-required")));
    }
    posts::delete(state, by, id).await?;
    Ok(())
}

/// Pins a thread to the top of its group, or unpins it: the group's moderators. The group
/// tells its followers and members with an `Add` to (or `Remove` from) its `featured`
/// collection, as Mastodon and Lemmy do.
pub async fn set_pinned(state: &AppState, by: &Account, id: PostId, pinned: bool) -> DomainResult<()> {
    let mut tx = state.pool.begin().await?;
    let (post, group, moderates) = moderated(&mut tx, by, id).await?;
    if !moderates || post.in_reply_to.is_some() {
        return Err(DomainError::Forbidden);
    }
    if post.pinned_at.is_some() == pinned {
        return Ok(());
    }
    let form = PostUpdate { pinned_at: Some(pinned.then(now)), ..Default::default() };
    Post::update(&mut tx, post.id, &form).await?;
    let kind = if pinned { ActivityKind::Add } else { ActivityKind::Remove };
    let members_only = post.visibility == Visibility::Members;
    let (to, cc) = announce_addressing(&group.actor, members_only);
    let mut change =
        Activity::new(new_activity_id(&state.base_url, "featured"), kind, &group.actor.ap_id, Id(post.ap_id.clone()))
            .to(to)
            .cc(cc);
    change.target = Some(Id(featured_of(&group.actor)));
    let reach = if members_only { GroupReach::Members } else { GroupReach::Everyone };
    enqueue_for_group(&mut tx, &group.actor, &change, reach).await?;
    tx.commit().await?;
    state.delivery_wake.notify_waiters();
    Ok(())
}

/// A group's `featured` collection: its pinned threads.
pub fn featured_of(group: &Actor) -> String {
    format!("{}/featured", group.ap_id)
}

/// A group elsewhere pinned (`Add` to its `featured` collection) or unpinned a post written in
/// it; a post of another group is not the sender's to pin.
pub async fn featured_by_group(conn: &mut DbConn, group: &Actor, ap_id: &str, pinned: bool) -> DomainResult<()> {
    let Some(post) = Post::by_ap_id(conn, ap_id).await? else {
        return Ok(());
    };
    if post.audience_id != Some(group.id) || post.in_reply_to.is_some() {
        return Err(DomainError::Forbidden);
    }
    if post.pinned_at.is_some() != pinned {
        Post::update(conn, post.id, &PostUpdate { pinned_at: Some(pinned.then(now)), ..Default::default() }).await?;
    }
    Ok(())
}

/// What a local group shows the fediverse of its threads: those anyone may read (none of a
/// members-only group). Its pinned threads (the `featured` collection)…
pub async fn featured(conn: &mut DbConn, group: &Group) -> DomainResult<Vec<(Post, Actor)>> {
    if !shown_to_everyone(group) {
        return Ok(Vec::new());
    }
    let rows = crate::db::views::discussions::pinned(conn, group.actor.id, MAX_FEATURED).await?;
    Ok(rows.into_iter().filter(|(p, _)| p.visibility == Visibility::Public).collect())
}

/// …and its threads newest first, a page of `limit` before the post `before` (the outbox),
/// with how many there are.
pub async fn outbox_page(
    conn: &mut DbConn,
    group: &Group,
    before: Option<i64>,
    limit: i64,
) -> DomainResult<(i64, Vec<(Post, Actor)>)> {
    if !shown_to_everyone(group) {
        return Ok((0, Vec::new()));
    }
    let (total, rows) =
        crate::db::views::discussions::public_starters(conn, group.actor.id, before.map(PostId), limit).await?;
    Ok((total, rows))
}

fn shown_to_everyone(group: &Group) -> bool {
    group.profile.content() == ContentVisibility::Public && group.profile.status() != GroupStatus::Pending
}

/// Pinned threads listed in a group's `featured` collection at most.
const MAX_FEATURED: i64 = 20;

/// A resident elsewhere changed (`Update`) or deleted (`Delete`) their post written in a
/// group here: the group relays the activity as it arrived (`raw`), as it relayed the post.
pub async fn relay_author_change(
    conn: &mut DbConn,
    state: &AppState,
    post: Option<&Post>,
    raw: Option<&RawActivity>,
) -> DomainResult<()> {
    let (Some(post), Some(raw)) = (post, raw) else {
        return Ok(());
    };
    let Some(group) = group_of(conn, post).await? else {
        return Ok(());
    };
    if group.actor.local {
        relay(conn, state, &group, raw, post).await?;
    }
    Ok(())
}

/// Locks a thread (no new replies) or opens it again: the group's moderators; someone else's
/// thread is locked by a decision with a statement of reasons, never here.
pub async fn set_locked(state: &AppState, by: &Account, id: PostId, locked: bool) -> DomainResult<()> {
    let mut conn = state.pool.write().await?;
    let (post, _, moderates) = moderated(&mut conn, by, id).await?;
    if !moderates || post.in_reply_to.is_some() {
        return Err(DomainError::Forbidden);
    }
    if locked && post.author_id != by.actor.id {
        // Closing someone else's conversation is a measure against them: a decision with a
        // statement of reasons (`moderation::actions`, kind `lock_thread`).
        return Err(refused("action", "error-moderation-lock-by-decision"));
    }
    Post::update(&mut conn, post.id, &PostUpdate { locked: Some(locked), ..Default::default() }).await?;
    Ok(())
}

/// Edits a thread starter's title and text (its author); the earlier version is kept.
pub async fn edit_thread(
    state: &AppState,
    author: &Account,
    id: PostId,
    title: &str,
    text: &str,
) -> DomainResult<Post> {
    check_thread(title, text)?;
    let mut tx = state.pool.begin().await?;
    let post = seen::visible_post(&mut tx, Viewer::Actor(author.actor.id), id).await?.post;
    if post.author_id != author.actor.id || post.audience_id.is_none() || post.in_reply_to.is_some() {
        return Err(DomainError::Forbidden);
    }
    let mentions = Mentions::of(&mut tx, text, &state.settings.instance.domain).await?;
    PostEdit::record(&mut tx, &post).await?;
    let form = PostUpdate {
        name: Some(Some(title.trim().to_string())),
        content: Some(mentions.markdown(text)),
        source: Some(Some(text.to_string())),
        updated_at: Some(Some(now())),
        ..Default::default()
    };
    Post::update(&mut tx, post.id, &form).await?;
    let post = Post::by_id(&mut tx, post.id).await?.ok_or(DomainError::NotFound)?;
    posts::federate_edit(&mut tx, state, &post, &author.actor, Vec::new()).await?;
    tx.commit().await?;
    state.delivery_wake.notify_waiters();
    Ok(post)
}

/// What an incoming post written in one of our groups leads to.
pub enum Arrival {
    /// Stored and relayed.
    Accepted,
    /// The group's posting rule or a lock refuses it: the author gets a `Reject`.
    Refused,
}

/// A post from elsewhere written in a local group (addressed to it, replying in it, or a
/// Mastodon post that mentions it): stored in the group and relayed as `raw`, the activity as
/// it arrived — when its author may post there; else refused with a `Reject` and not stored.
pub async fn arrived(
    conn: &mut DbConn,
    state: &AppState,
    author: &Actor,
    activity_id: &str,
    mut post: RemotePost,
    group: &Group,
    raw: &RawActivity,
) -> DomainResult<Arrival> {
    let standing = Standing::of_actor(conn, group.actor.id, author.id, None).await?;
    let parent = match post.row.in_reply_to.as_deref() {
        Some(parent) => Post::by_ap_id(conn, parent).await?,
        None => None,
    };
    let locked = match &parent {
        Some(parent) => thread_starter(conn, parent).await?.locked,
        None => false,
    };
    if !rights::may_post(&group.profile, &standing) || locked || group.profile.status() != GroupStatus::Active {
        let reject = Activity::new(
            new_activity_id(&state.base_url, "reject"),
            ActivityKind::Reject,
            &group.actor.ap_id,
            Id(activity_id.to_string()),
        )
        .to(Addresses::list([author.ap_id.clone()]));
        enqueue(conn, &group.actor, &reject, false, &[author.id]).await?;
        tracing::info!(author = %author.ap_id, group = %group.actor.ap_id, "post in a group refused");
        return Ok(Arrival::Refused);
    }
    post.row.audience_id = Some(group.actor.id);
    post.row.visibility = visibility_in(group);
    if post.row.in_reply_to.is_none() && post.row.name.is_none() {
        post.row.name = Some(title_from(&post.row.content, &group.actor));
    }
    let stored = remote::received(conn, author, post).await?;
    relay(conn, state, group, raw, &stored).await?;
    Ok(Arrival::Accepted)
}

/// A thread's title from a post that has none (a Mastodon post mentioning the group, or a
/// Friendica post to it with `!group`): its first line without the mention, at most
/// [`MAX_TITLE`] characters.
fn title_from(content: &str, group: &Actor) -> String {
    let text = crate::util::html::html_to_text(content);
    let first = text.lines().map(str::trim).find(|l| !l.is_empty()).unwrap_or_default();
    let mention = |w: &str| w.strip_prefix(['@', '!']).is_some_and(|h| h.starts_with(&group.username));
    let words: Vec<&str> = first.split_whitespace().filter(|w| !mention(w)).collect();
    let title = crate::util::html::truncate(&words.join(" "), MAX_TITLE);
    if title.is_empty() { group.display_name.clone() } else { title }
}

/// A post a group elsewhere relayed (an `Announce` of a Lemmy community or Mobilizon group
/// someone here follows): stored as written in that group.
pub async fn relayed(conn: &mut DbConn, group: &Actor, author: &Actor, mut post: RemotePost) -> DomainResult<Post> {
    post.row.audience_id = Some(group.id);
    if !post.row.visibility.is_open() {
        post.row.visibility = Visibility::Members;
    }
    remote::received(conn, author, post).await
}

/// A `Delete` of a post sent by the group it was written in (a moderator removed it there).
pub async fn removed_by_group(conn: &mut DbConn, group: &Actor, ap_id: &str) -> DomainResult<()> {
    if let Some(post) = Post::by_ap_id(conn, ap_id).await? {
        if post.audience_id != Some(group.id) {
            return Err(DomainError::Forbidden);
        }
        Post::update(conn, post.id, &posts::emptied()).await?;
    }
    Ok(())
}
