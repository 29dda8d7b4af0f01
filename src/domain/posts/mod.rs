//! Posts: residents write, edit and delete theirs; other servers' arrive through the inbox or a
//! search. Both are stored by one operation, [`store`]; each change that federates and its
//! activity are written in one transaction (the transactional outbox).

pub mod compose;
pub mod remote;
pub mod thread;
pub mod wire;

use super::groups::discussions;
use super::notifications;
use super::outbox::{enqueue, new_activity_id};
use super::visibility::{self as seen, Viewer};
use super::{DomainError, DomainResult, validate};
use crate::db::models::actor::Actor;
use crate::db::models::local_user::Account;
use crate::db::models::media::{Media, MediaId, MediaInsert};
use crate::db::models::post::{Post, PostId, PostInsert, PostUpdate, Visibility};
use crate::db::models::post_edit::PostEdit;
use crate::db::{DbConn, now};
use crate::state::AppState;

/// Longest post text accepted, in characters.
pub const MAX_POST_CHARS: usize = 5000;

/// What a person writes.
#[derive(Debug, Clone, Default)]
pub struct NewPost {
    pub text: String,
    /// `public`, `unlisted`, `followers` (Mastodon's `private`) or `direct`.
    pub visibility: String,
    pub spoiler_text: String,
    pub sensitive: bool,
    pub language: Option<String>,
    pub in_reply_to: Option<PostId>,
    /// Uploaded photos, in order; each needs alt text.
    pub media_ids: Vec<MediaId>,
}

/// A [`NewPost`] that passed [`NewPost::check`]: what [`create`] publishes without checking
/// again.
#[derive(Debug, Clone)]
pub struct CheckedPost {
    text: String,
    summary: Option<String>,
    sensitive: bool,
    language: Option<String>,
    visibility: Visibility,
    in_reply_to: Option<PostId>,
    media_ids: Vec<MediaId>,
}

impl NewPost {
    /// Checks what a person wrote. `photo_to_come`: a photo is uploaded after this check and
    /// attached with [`CheckedPost::with_media`] (the web form), so the text may be empty.
    pub fn check(self, photo_to_come: bool) -> DomainResult<CheckedPost> {
        check_post(&self.text, &self.spoiler_text, photo_to_come || !self.media_ids.is_empty())?;
        let spoiler = self.spoiler_text.trim();
        Ok(CheckedPost {
            text: self.text,
            summary: (!spoiler.is_empty()).then(|| spoiler.to_string()),
            sensitive: self.sensitive || !spoiler.is_empty(),
            language: self.language,
            visibility: visibility(&self.visibility)?,
            in_reply_to: self.in_reply_to,
            media_ids: self.media_ids,
        })
    }
}

impl CheckedPost {
    /// With photos uploaded after the check.
    pub fn with_media(mut self, ids: impl IntoIterator<Item = MediaId>) -> CheckedPost {
        self.media_ids.extend(ids);
        self
    }
}

/// A post's text may be empty only when it carries photos.
pub fn check_post(text: &str, spoiler: &str, has_media: bool) -> DomainResult<()> {
    let mut errors = validate::FieldErrors::default();
    if text.trim().is_empty() && !has_media {
        errors.add("status", "error-required");
    } else if text.chars().count() > MAX_POST_CHARS {
        errors.add("status", "error-too-long");
    }
    validate::max_len("spoiler_text", spoiler, 500, &mut errors);
    errors.into_result()
}

/// A visibility as clients name it (Mastodon's names, and ours).
fn visibility(v: &str) -> DomainResult<Visibility> {
    match v {
        "" | "public" => Ok(Visibility::Public),
        "unlisted" => Ok(Visibility::Unlisted),
        "private" | "followers" => Ok(Visibility::Followers),
        "direct" => Ok(Visibility::Direct),
        _ => Err(DomainError::Invalid(validate::FieldErrors::one("visibility", "error-choice-invalid"))),
    }
}

/// The photos of a post being stored.
pub enum Photos<'a> {
    /// A resident's uploads, attached by id.
    Uploaded(&'a [MediaId]),
    /// Another server's images, linked (nothing is fetched); `post_id` is set here.
    Linked(Vec<MediaInsert>),
}

/// Stores a post, a resident's or another server's, in the caller's transaction: one INSERT
/// (a post already stored under its `ap_id` is returned as stored, and keeps its photos), then
/// its photos. Returns the post and the photos attached now.
pub async fn store(
    conn: &mut DbConn,
    owner: &Actor,
    row: &PostInsert,
    photos: Photos<'_>,
) -> DomainResult<(Post, Vec<Media>)> {
    let post = Post::insert_or_get(conn, row).await?;
    let attached = match photos {
        Photos::Uploaded(ids) => super::media::attach(conn, owner, post.id, ids).await?.0,
        Photos::Linked(rows) if !rows.is_empty() && Media::of_posts(conn, &[post.id]).await?.is_empty() => {
            let mut attached = Vec::with_capacity(rows.len());
            for row in rows {
                attached.push(Media::insert(conn, &MediaInsert { post_id: Some(post.id), ..row }).await?);
            }
            attached
        }
        Photos::Linked(_) => Vec::new(),
    };
    Ok((post, attached))
}

/// Publishes a resident's post; followers on other servers receive a Create. A reply in a
/// group's discussion belongs to that group: its posting rule and lock hold, it is seen by whom
/// the group's content is for, and the group relays it (`groups::discussions`).
pub async fn create(state: &AppState, author: &Account, new: CheckedPost) -> DomainResult<Post> {
    let mut tx = state.pool.begin().await?;
    // A reply only to what the author may see: replying must not tell that a post exists.
    let parent = match new.in_reply_to {
        Some(id) => Some(seen::visible_post(&mut tx, Viewer::Actor(author.actor.id), id).await?),
        None => None,
    };
    let group = match parent.as_ref().and_then(|p| Some((p.post.audience_id?, &p.post))) {
        Some((group, parent)) => Some(discussions::may_reply(&mut tx, author, group, parent).await?),
        None => None,
    };
    let in_reply_to = parent.as_ref().map(|p| p.post.ap_id.clone());
    let mentions = compose::Mentions::of(&mut tx, &new.text, &state.settings.instance.domain).await?;
    // The post's URL carries its id: taken first, so that one INSERT writes the row whole.
    let id = Post::next_id(&mut tx).await?;
    let row = PostInsert {
        id: Some(id),
        ap_id: format!("{}/p/{}", state.base_url, id.0),
        author_id: author.actor.id,
        kind: "note".into(),
        name: None,
        content: mentions.plain(&new.text),
        summary: new.summary,
        sensitive: new.sensitive,
        language: new.language,
        in_reply_to,
        url: None,
        visibility: group.as_ref().map_or(new.visibility, discussions::visibility_in),
        local: true,
        deleted: false,
        published: now(),
        updated_at: None,
        audience_id: group.as_ref().map(|g| g.actor.id),
        locked: false,
        pinned_at: None,
        source: None,
    };
    let (post, attached) = store(&mut tx, &author.actor, &row, Photos::Uploaded(&new.media_ids)).await?;
    notifications::causes::post_published(&mut tx, &post, &mentions.local()).await?;
    let attachments = crate::media::ap_attachments(&state.media, &attached);
    if let Some(group) = &group {
        discussions::publish(&mut tx, state, group, &post, &author.actor, attachments).await?;
    } else if post.visibility != Visibility::Direct {
        let create = wire::create(&post, &author.actor, None, attachments);
        // An open reply to another server's post reaches its author too, who may not follow;
        // people elsewhere it mentions receive it.
        let mut to_actors: Vec<_> =
            parent.iter().filter(|p| !p.author.local && post.visibility.is_open()).map(|p| p.author.id).collect();
        to_actors.extend(mentions.remote());
        enqueue(&mut tx, &author.actor, &create, true, &to_actors).await?;
    }
    tx.commit().await?;
    state.delivery_wake.notify_waiters();
    Ok(post)
}

/// Checks and publishes what a person wrote (the client API).
pub async fn create_post(state: &AppState, author: &Account, new: &NewPost) -> DomainResult<Post> {
    create(state, author, new.clone().check(false)?).await
}

/// A post of `author`: Forbidden for someone else's post they may see, NotFound for one they
/// may not (so that editing or deleting cannot tell that a post exists).
async fn own_post(conn: &mut DbConn, author: &Account, id: PostId) -> DomainResult<Post> {
    let post = seen::visible_post(conn, Viewer::Actor(author.actor.id), id).await?.post;
    if post.author_id != author.actor.id {
        return Err(DomainError::Forbidden);
    }
    Ok(post)
}

/// Edits the text of a post, and its photos when `media_ids` is given; followers receive an
/// Update.
pub async fn edit(
    state: &AppState,
    author: &Account,
    id: PostId,
    text: &str,
    spoiler: &str,
    media_ids: Option<&[MediaId]>,
) -> DomainResult<Post> {
    let mut tx = state.pool.begin().await?;
    let post = own_post(&mut tx, author, id).await?;
    let (attached, removed) = match media_ids {
        Some(ids) => super::media::attach(&mut tx, &author.actor, post.id, ids).await?,
        None => (Media::of_posts(&mut tx, &[post.id]).await?, Vec::new()),
    };
    check_post(text, spoiler, !attached.is_empty())?;
    let mentions = compose::Mentions::of(&mut tx, text, &state.settings.instance.domain).await?;
    PostEdit::record(&mut tx, &post).await?;
    let form = PostUpdate {
        content: Some(mentions.plain(text)),
        summary: Some((!spoiler.trim().is_empty()).then(|| spoiler.trim().to_string())),
        updated_at: Some(Some(now())),
        ..Default::default()
    };
    Post::update(&mut tx, post.id, &form).await?;
    let post = Post::by_id(&mut tx, post.id).await?.ok_or(DomainError::NotFound)?;
    federate_edit(&mut tx, state, &post, &author.actor, crate::media::ap_attachments(&state.media, &attached)).await?;
    tx.commit().await?;
    state.delivery_wake.notify_waiters();
    let removed: Vec<String> = removed.iter().flat_map(Media::keys).collect();
    state.media.storage.delete_all(&removed).await;
    Ok(post)
}

/// Sends the Update of an edited post: to the author's followers, or through its group.
pub async fn federate_edit(
    conn: &mut DbConn,
    state: &AppState,
    post: &Post,
    author: &Actor,
    attachments: Vec<crate::apub::protocol::Attachment>,
) -> DomainResult<()> {
    let group = discussions::group_of(conn, post).await?;
    let note = wire::note(post, author, group.as_ref().map(|g| &g.actor), attachments);
    let update = wire::update(new_activity_id(&state.base_url, "update"), author, note);
    match &group {
        Some(group) => discussions::send(conn, state, group, author, &update, post).await,
        None if post.visibility != Visibility::Direct => enqueue(conn, author, &update, true, &[]).await,
        None => Ok(()),
    }
}

/// What a deleted post keeps: its row, emptied (a Tombstone stays at its URL).
pub fn emptied() -> PostUpdate {
    PostUpdate {
        deleted: Some(true),
        content: Some(String::new()),
        updated_at: Some(Some(now())),
        ..Default::default()
    }
}

/// Deletes a resident's post; followers receive a Delete.
pub async fn delete(state: &AppState, author: &Account, id: PostId) -> DomainResult<Post> {
    let mut tx = state.pool.begin().await?;
    let post = own_post(&mut tx, author, id).await?;
    Post::update(&mut tx, post.id, &emptied()).await?;
    let group = discussions::group_of(&mut tx, &post).await?;
    let delete = wire::delete(
        new_activity_id(&state.base_url, "delete"),
        &author.actor,
        &post,
        group.as_ref().map(|g| &g.actor),
    );
    match &group {
        Some(group) => discussions::send(&mut tx, state, group, &author.actor, &delete, &post).await?,
        None if post.visibility != Visibility::Direct => enqueue(&mut tx, &author.actor, &delete, true, &[]).await?,
        None => {}
    }
    tx.commit().await?;
    state.delivery_wake.notify_waiters();
    Ok(post)
}
