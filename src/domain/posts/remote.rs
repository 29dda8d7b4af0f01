//! Posts of other servers: an incoming `Note` as the typed input [`RemotePost`], whether anyone
//! here needs it, and its edits and deletion. The inbox has checked that the post is on its
//! author's host and attributed to them.

use super::{Photos, emptied, store};
use crate::apub::protocol::{Attachment, Note, NoteKind, is_public};
use crate::db::models::actor::Actor;
use crate::db::models::follow::Follow;
use crate::db::models::media::{Media, MediaInsert, Purpose};
use crate::db::models::post::{Post, PostInsert, PostUpdate, PostView, Visibility};
use crate::db::{DbConn, now};
use crate::domain::{DomainError, DomainResult};
use crate::state::AppState;
use crate::util::html;

/// Most attachments kept of a remote post.
const MAX_REMOTE_ATTACHMENTS: usize = 8;

/// A post from another server, as the domain stores it.
#[derive(Debug, Clone)]
pub struct RemotePost {
    pub row: PostInsert,
    /// Its images, linked (nothing is fetched).
    pub photos: Vec<MediaInsert>,
    /// Everyone it names: addressees and mentions.
    addressed: Vec<String>,
    /// The group it says it was written in (`audience`), if any.
    pub audience: Option<String>,
    /// The activity as it arrived, when a group here may have to relay it unchanged.
    pub raw: Option<RawActivity>,
}

/// An activity exactly as it arrived: checked to be JSON, read only when a group here relays it.
pub type RawActivity = Box<serde_json::value::RawValue>;

/// `body` kept as it arrived, when it is JSON.
pub fn raw_activity(body: &[u8]) -> Option<RawActivity> {
    let text = std::str::from_utf8(body).ok()?;
    serde_json::value::RawValue::from_string(text.to_owned()).ok()
}

impl RemotePost {
    /// `note` by `author`, with the visibility its addressing gives it.
    pub fn from_note(note: &Note, author: &Actor) -> RemotePost {
        let row = row(note, author, visibility_of(note, author), note.in_reply_to.as_ref().map(|r| r.0.clone()));
        RemotePost {
            photos: attachment_rows(note.attachment.iter(), author),
            addressed: note.addressed().into_iter().map(str::to_string).collect(),
            audience: note.audience.as_ref().map(|a| a.0.clone()),
            raw: None,
            row,
        }
    }

    /// Who it names, besides the public: addressees and mentions (where a group it was written
    /// in may be).
    pub fn named(&self) -> impl Iterator<Item = &str> {
        self.audience
            .iter()
            .map(String::as_str)
            .chain(self.addressed.iter().map(String::as_str))
            .filter(|a| !is_public(a))
    }

    pub fn visibility(&self) -> Visibility {
        self.row.visibility
    }
}

/// Visibility of an incoming post from its addressing.
fn visibility_of(note: &Note, author: &Actor) -> Visibility {
    let public = |list: &crate::apub::protocol::Addresses| list.iter().any(|a| is_public(a.as_str()));
    let followers = author.followers_url.as_deref();
    if public(&note.to) {
        Visibility::Public
    } else if public(&note.cc) {
        Visibility::Unlisted
    } else if followers.is_some_and(|f| note.to.contains(f) || note.cc.contains(f)) {
        Visibility::Followers
    } else {
        Visibility::Direct
    }
}

/// The row of a remote post: text sanitized and bounded.
fn row(note: &Note, author: &Actor, visibility: Visibility, in_reply_to: Option<String>) -> PostInsert {
    PostInsert {
        id: None,
        ap_id: note.id.clone(),
        author_id: author.id,
        kind: if matches!(note.kind, NoteKind::Article | NoteKind::Page) { "article".into() } else { "note".into() },
        name: note.name.as_deref().map(|n| html::truncate(&html::plain_text(n), 500)),
        content: html::truncate(&html::sanitize(&note.content), 100_000),
        summary: note.summary.as_deref().map(|s| html::truncate(&html::plain_text(s), 2000)).filter(|s| !s.is_empty()),
        sensitive: note.sensitive,
        language: note.language().map(|l| html::truncate(l, 16)),
        in_reply_to,
        url: note.url.as_ref().and_then(|u| u.first_url()),
        visibility,
        local: false,
        deleted: false,
        published: note.published.map_or_else(now, |t| t.naive()),
        updated_at: note.updated.map(|t| t.naive()),
        audience_id: None,
        locked: false,
        pinned_at: None,
        source: None,
    }
}

/// The image attachments of a remote post, as rows that link to them.
fn attachment_rows<'a>(attachments: impl Iterator<Item = &'a Attachment>, owner: &Actor) -> Vec<MediaInsert> {
    let dimension = |v: Option<i64>| v.filter(|n| (1..=100_000).contains(n)).and_then(|n| i32::try_from(n).ok());
    attachments
        .filter_map(|a| {
            if !matches!(a.kind.as_str(), "Document" | "Image") {
                return None;
            }
            let url = a.url.as_ref()?.first_url().filter(|u| u.len() <= 2000)?;
            let media_type = a
                .media_type()
                .map(str::to_ascii_lowercase)
                .or_else(|| (a.kind == "Image").then(|| "image/jpeg".to_string()))?;
            if !media_type.starts_with("image/") || media_type.contains("svg") || media_type.len() > 100 {
                return None;
            }
            let description = a
                .name
                .as_deref()
                .or(a.summary.as_deref())
                .map(|n| html::truncate(html::plain_text(n).trim(), crate::media::MAX_DESCRIPTION))
                .unwrap_or_default();
            let focus =
                a.focal_point.map(|[x, y]| format!("{x},{y}")).filter(|f| crate::media::parse_focus(f).is_some());
            Some(MediaInsert {
                owner_id: owner.id,
                post_id: None,
                purpose: Purpose::Attachment.as_str().into(),
                sort_order: 0,
                content_type: media_type,
                file_key: None,
                width: dimension(a.width),
                height: dimension(a.height),
                size: 0,
                small_key: None,
                small_width: None,
                small_height: None,
                small_size: None,
                description,
                blurhash: a.blurhash.clone().filter(|b| b.len() <= 100 && b.is_ascii()),
                focus,
                remote_url: Some(url),
                created_at: now(),
            })
        })
        .take(MAX_REMOTE_ATTACHMENTS)
        .enumerate()
        .map(|(i, row)| MediaInsert { sort_order: i as i32, ..row })
        .collect()
}

/// Whether anyone here needs a remote post (reads only): someone here follows its author, it
/// addresses or mentions someone here, or it replies to a local post.
pub async fn concerns_someone_here(conn: &mut DbConn, author: &Actor, post: &RemotePost) -> DomainResult<bool> {
    if Follow::has_local_follower(conn, author.id).await? {
        return Ok(true);
    }
    let mut addressed = post.addressed.clone();
    // The public collection and the author's own collections are never someone here.
    addressed.retain(|a| !is_public(a) && !a.starts_with(&author.ap_id));
    addressed.sort();
    addressed.dedup();
    if Actor::any_local(conn, &addressed).await? {
        return Ok(true);
    }
    match &post.row.in_reply_to {
        Some(parent) => Ok(Post::by_ap_id(conn, parent).await?.is_some_and(|p| p.local)),
        None => Ok(false),
    }
}

/// Stores a remote post with its images, in the caller's transaction.
pub async fn store_remote(conn: &mut DbConn, author: &Actor, post: RemotePost) -> DomainResult<Post> {
    Ok(store(conn, author, &post.row, Photos::Linked(post.photos)).await?.0)
}

/// A post that arrived from its author's server (the inbox): stored, and the local people it
/// replies to or mentions notified — once, also when the same post arrives again.
pub async fn received(conn: &mut DbConn, author: &Actor, post: RemotePost) -> DomainResult<Post> {
    let new = Post::by_ap_id(conn, &post.row.ap_id).await?.is_none();
    let mut named: Vec<String> = post.addressed.iter().filter(|a| !is_public(a)).cloned().collect();
    named.sort();
    named.dedup();
    let stored = store_remote(conn, author, post).await?;
    if new {
        let mentioned = Actor::local_people(conn, &named).await?;
        crate::domain::notifications::causes::post_published(conn, &stored, &mentioned).await?;
    }
    Ok(stored)
}

/// An edit of a remote post (its author only): text replaced, images replaced by the new ones.
/// Visibility and the post it replies to stay as first stored.
/// Returns the post as it is now, when it is stored here.
pub async fn update(conn: &mut DbConn, author: &Actor, edited: RemotePost) -> DomainResult<Option<Post>> {
    let Some(post) = Post::by_ap_id(conn, &edited.row.ap_id).await? else {
        return Ok(None);
    };
    if post.author_id != author.id {
        return Err(DomainError::Forbidden);
    }
    let row = edited.row;
    let form = PostUpdate {
        name: Some(row.name),
        content: Some(row.content),
        summary: Some(row.summary),
        sensitive: Some(row.sensitive),
        updated_at: Some(Some(row.updated_at.unwrap_or_else(now))),
        ..Default::default()
    };
    Post::update(conn, post.id, &form).await?;
    Media::delete_of_post(conn, post.id).await?;
    for photo in edited.photos {
        Media::insert(conn, &MediaInsert { post_id: Some(post.id), ..photo }).await?;
    }
    Ok(Post::by_id(conn, post.id).await?)
}

/// A deletion of a remote post (its author only). Returns the post as it was, when it was
/// stored here.
pub async fn delete(conn: &mut DbConn, author: &Actor, ap_id: &str) -> DomainResult<Option<Post>> {
    let Some(post) = Post::by_ap_id(conn, ap_id).await? else {
        return Ok(None);
    };
    if post.author_id != author.id {
        return Err(DomainError::Forbidden);
    }
    Post::update(conn, post.id, &emptied()).await?;
    Ok(Some(post))
}

/// Stores a public or unlisted post of `author` that was fetched on request (search).
pub async fn store_fetched(state: &AppState, author: &Actor, note: &Note) -> DomainResult<PostView> {
    let post = RemotePost::from_note(note, author);
    if !post.visibility().is_open() {
        return Err(DomainError::NotFound);
    }
    let mut conn = state.pool.write().await?;
    let stored = store_remote(&mut conn, author, post).await?;
    PostView::by_id(&mut conn, stored.id).await?.ok_or(DomainError::NotFound)
}
