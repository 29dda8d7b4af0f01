//! Processing activities from other servers. The signature and actor are verified by the
//! inbox; here each activity is applied in one transaction together with the record of its id,
//! so a repeated delivery does nothing and a failed one can be retried by the sender. What to
//! write is decided by reads before that transaction (see [`process`]).

use serde_json::Value;
use url::Url;

use super::social;
use crate::apub::actor::domain_of;
use crate::apub::{ApubError, ApubResult, PUBLIC, activities};
use crate::db::models::actor::{Actor, ActorUpdate};
use crate::db::models::delivery as queue;
use crate::db::models::follow::Follow;
use crate::db::models::media::{Media, MediaInsert, Purpose};
use crate::db::models::post::{Post, PostId, PostInsert, PostUpdate, Reaction, Visibility};
use crate::db::{DbConn, now};
use crate::domain::html;
use crate::domain::visibility::{self, Viewer};
use crate::state::AppState;

/// Object types stored as posts.
const POST_TYPES: &[&str] = &["Note", "Article", "Page", "Question"];

fn id_of(value: &Value) -> Option<&str> {
    match value {
        Value::String(s) => Some(s),
        Value::Object(map) => map.get("id").and_then(Value::as_str),
        _ => None,
    }
}

fn same_host(a: &str, actor: &Actor) -> bool {
    match (Url::parse(a), Url::parse(&actor.ap_id)) {
        (Ok(a), Ok(b)) => domain_of(&a) == domain_of(&b),
        _ => false,
    }
}

fn strings(value: Option<&Value>) -> Vec<String> {
    match value {
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(items)) => items.iter().filter_map(id_of).map(str::to_string).collect(),
        Some(Value::Object(_)) => value.and_then(id_of).map(str::to_string).into_iter().collect(),
        _ => vec![],
    }
}

fn internal(e: impl std::fmt::Display) -> ApubError {
    ApubError::Internal(e.to_string())
}

/// What an activity will write, decided by reads made before its transaction.
enum Step {
    /// Nothing here is concerned (a post nobody here follows, a Like of a post not ours).
    Nothing,
    /// A Follow of this local actor.
    Follow(Box<Actor>),
    /// A new post to store.
    Create(Box<PostInsert>),
    /// A Like or Announce of this local post.
    React(PostId, Reaction),
    /// The rarer kinds read and write inside the transaction.
    InTransaction,
}

/// Applies one verified activity from `actor`.
///
/// The reads that decide what to write (is the followed actor ours, does anyone here follow
/// the author, is the liked post ours) come first, on a pooled connection; the transaction
/// then holds SQLite's one write lock only for the writes. An activity that concerns nobody
/// here writes nothing at all.
pub async fn process(state: &AppState, actor: &Actor, kind: &str, id: &Url, activity: Value) -> ApubResult<()> {
    let object = activity.get("object").cloned().unwrap_or(Value::Null);
    // Network work happens before the transaction: on SQLite an open write transaction
    // would block the fetch's own write.
    if kind == "Update" {
        refetch_updated_actor(state, actor, &object).await?;
    }
    let step = {
        let mut conn = state.pool.get().await?;
        look(&mut conn, actor, kind, &object).await?
    };
    // A valid activity is proof of life: deliver to its instance again if it was given up.
    // Checked once a minute per instance, not for every activity of a busy one.
    let check_life = actor.instance_id.filter(|i| !state.live_instances.contains_key(i));
    if let Step::Nothing = step {
        tracing::debug!(kind, activity = %id, "concerns nobody here; ignored");
        if let Some(instance) = check_life {
            let mut conn = state.pool.write().await?;
            revive(&mut conn, actor, instance).await?;
            state.live_instances.insert(instance, ());
        }
        return Ok(());
    }
    let mut tx = state.pool.begin().await?;
    if !queue::mark_received(&mut tx, id.as_str(), now()).await? {
        tracing::debug!(activity = %id, "already processed");
        tx.rollback().await?;
        return Ok(());
    }
    if let Some(instance) = check_life {
        revive(&mut tx, actor, instance).await?;
    }
    match step {
        Step::Nothing => {}
        Step::Follow(target) => on_follow(state, &mut tx, actor, id, &target).await?,
        Step::Create(form) => {
            store_new_post(&mut tx, actor, &form, &object).await?;
        }
        Step::React(post, reaction) => {
            reaction.add(&mut tx, id.as_str(), actor.id, post).await?;
        }
        Step::InTransaction => match kind {
            "Accept" => on_answer(&mut tx, actor, &object, true).await?,
            "Reject" => on_answer(&mut tx, actor, &object, false).await?,
            "Undo" => on_undo(&mut tx, actor, &object).await?,
            "Update" => on_update(&mut tx, actor, &object).await?,
            "Delete" => on_delete(&mut tx, actor, &object).await?,
            other => tracing::debug!(kind = other, activity = %id, "ignored activity type"),
        },
    }
    tx.commit().await?;
    if let Some(instance) = check_life {
        state.live_instances.insert(instance, ());
    }
    if kind == "Delete" || kind == "Update" {
        // It may have been the sender itself that changed or went.
        state.signers.invalidate(&actor.ap_id);
    }
    state.delivery_wake.notify_waiters();
    Ok(())
}

async fn revive(conn: &mut DbConn, actor: &Actor, instance: i64) -> ApubResult<()> {
    if queue::revive(conn, instance).await? {
        tracing::info!(instance = %actor.domain, "instance is back: deliveries resume");
    }
    Ok(())
}

/// The reads before the transaction: what `kind` from `actor` will write.
async fn look(conn: &mut DbConn, actor: &Actor, kind: &str, object: &Value) -> ApubResult<Step> {
    Ok(match kind {
        "Follow" => {
            let target_id = id_of(object).ok_or_else(|| ApubError::BadRequest("Follow without object".into()))?;
            let Some(target) = Actor::by_ap_id(conn, target_id).await?.filter(|t| t.local && !t.deleted) else {
                return Err(ApubError::NotFound);
            };
            Step::Follow(Box::new(target))
        }
        "Create" => match new_post(conn, actor, object).await? {
            Some(form) => Step::Create(Box::new(form)),
            None => Step::Nothing,
        },
        "Like" | "Announce" => {
            let reaction = if kind == "Like" { Reaction::Like } else { Reaction::Announce };
            let object_id = id_of(object).ok_or_else(|| ApubError::BadRequest("reaction without object".into()))?;
            let Some(post) = Post::by_ap_id(conn, object_id).await?.filter(|p| p.local) else {
                return Ok(Step::Nothing);
            };
            // A reaction to a post the actor may not see (or may not share) changes nothing,
            // and is answered like one to a post that does not exist.
            let seen = visibility::can_see(conn, Viewer::Actor(actor.id), &post).await.map_err(internal)?;
            if !seen || (reaction == Reaction::Announce && !visibility::can_share(&post)) {
                tracing::debug!(kind, post = object_id, "reaction to a post the actor may not see; ignored");
                return Ok(Step::Nothing);
            }
            Step::React(post.id, reaction)
        }
        "Accept" | "Reject" | "Undo" | "Update" | "Delete" => Step::InTransaction,
        other => {
            tracing::debug!(kind = other, "ignored activity type");
            Step::Nothing
        }
    })
}

/// A local actor being followed: stored, and accepted at once unless it approves by hand.
async fn on_follow(state: &AppState, conn: &mut DbConn, actor: &Actor, id: &Url, target: &Actor) -> ApubResult<()> {
    let accepted = !target.manually_approves_followers;
    Follow::upsert(conn, id.as_str(), actor.id, target.id, accepted).await?;
    if accepted {
        let accept_id = activities::new_activity_id(&state.base_url, "accept");
        let accept = activities::answer_follow("Accept", &accept_id, target, id.as_str(), actor);
        social::enqueue(conn, target, accept, false, &[actor.id]).await.map_err(ApubError::from)?;
    }
    tracing::info!(follower = %actor.ap_id, target = %target.ap_id, accepted, "followed");
    Ok(())
}

/// Accept/Reject of one of our Follows, matched by our Follow's id or by the pair of actors.
async fn on_answer(conn: &mut DbConn, actor: &Actor, object: &Value, accept: bool) -> ApubResult<()> {
    let follow = match id_of(object) {
        Some(follow_id) => Follow::by_ap_id(conn, follow_id).await?,
        None => None,
    };
    let follow = match follow {
        Some(f) => Some(f),
        // Some servers send their own id for our Follow: match by who follows whom.
        None => match object.get("actor").and_then(id_of) {
            Some(follower) => match Actor::by_ap_id(conn, follower).await? {
                Some(f) => Follow::find(conn, f.id, actor.id).await?,
                None => None,
            },
            None => None,
        },
    };
    let Some(follow) = follow.filter(|f| f.target_id == actor.id) else {
        tracing::debug!(actor = %actor.ap_id, "answer to an unknown follow");
        return Ok(());
    };
    if accept {
        Follow::set_accepted(conn, follow.id).await?;
    } else {
        Follow::delete(conn, follow.follower_id, follow.target_id).await?;
    }
    Ok(())
}

async fn on_undo(conn: &mut DbConn, actor: &Actor, object: &Value) -> ApubResult<()> {
    let inner_kind = object.get("type").and_then(Value::as_str).unwrap_or("");
    let inner_id = id_of(object).unwrap_or("");
    if let Some(inner_actor) = object.get("actor").and_then(id_of)
        && inner_actor != actor.ap_id
    {
        return Err(ApubError::Forbidden("cannot undo another actor's activity".into()));
    }
    match inner_kind {
        "Follow" => {
            let target = object.get("object").and_then(id_of);
            let follow = match Follow::by_ap_id(conn, inner_id).await? {
                Some(f) => Some(f),
                None => match target {
                    Some(t) => match Actor::by_ap_id(conn, t).await? {
                        Some(t) => Follow::find(conn, actor.id, t.id).await?,
                        None => None,
                    },
                    None => None,
                },
            };
            if let Some(f) = follow.filter(|f| f.follower_id == actor.id) {
                Follow::delete(conn, f.follower_id, f.target_id).await?;
            }
        }
        "Like" => {
            Reaction::Like.remove_by_ap_id(conn, inner_id, actor.id).await?;
        }
        "Announce" => {
            Reaction::Announce.remove_by_ap_id(conn, inner_id, actor.id).await?;
        }
        _ => {
            // An Undo that names only an id: try the kinds we keep.
            if !inner_id.is_empty() && !Reaction::Like.remove_by_ap_id(conn, inner_id, actor.id).await? {
                Reaction::Announce.remove_by_ap_id(conn, inner_id, actor.id).await?;
            }
        }
    }
    Ok(())
}

/// Visibility of an incoming object from its addressing.
fn visibility_of(object: &Value, author: &Actor) -> Visibility {
    let to = strings(object.get("to"));
    let cc = strings(object.get("cc"));
    let public = |list: &[String]| list.iter().any(|a| is_public(a));
    if public(&to) {
        Visibility::Public
    } else if public(&cc) {
        Visibility::Unlisted
    } else if author.followers_url.as_ref().is_some_and(|f| to.contains(f) || cc.contains(f)) {
        Visibility::Followers
    } else {
        Visibility::Direct
    }
}

/// The public collection, in each of the forms servers write it.
fn is_public(address: &str) -> bool {
    address == PUBLIC || address == "as:Public" || address == "Public"
}

fn first_attributed(object: &Value) -> Option<String> {
    strings(object.get("attributedTo")).into_iter().next()
}

/// A post from a remote author, as the row to store: kept when someone here follows the
/// author, or it is addressed to or replies to someone here (`None`: not kept).
async fn new_post(conn: &mut DbConn, actor: &Actor, object: &Value) -> ApubResult<Option<PostInsert>> {
    let kind = object.get("type").and_then(Value::as_str).unwrap_or("");
    if !POST_TYPES.contains(&kind) {
        tracing::debug!(kind, "ignored Create of an unsupported object type");
        return Ok(None);
    }
    let object_id = id_of(object).ok_or_else(|| ApubError::BadRequest("object without id".into()))?;
    if !same_host(object_id, actor) {
        return Err(ApubError::Forbidden("object is not on the actor's host".into()));
    }
    if first_attributed(object).as_deref() != Some(actor.ap_id.as_str()) {
        return Err(ApubError::Forbidden("object is attributed to someone else".into()));
    }
    let visibility = visibility_of(object, actor);
    if visibility == Visibility::Direct {
        tracing::debug!(object = object_id, "direct messages are not supported yet; ignored");
        return Ok(None);
    }
    let in_reply_to = object.get("inReplyTo").and_then(id_of).map(str::to_string);
    let mut relevant = Follow::has_local_follower(conn, actor.id).await?;
    if !relevant {
        let mut addressed = strings(object.get("to"));
        addressed.extend(strings(object.get("cc")));
        if let Some(Value::Array(tags)) = object.get("tag") {
            addressed.extend(tags.iter().filter_map(|t| t.get("href").and_then(Value::as_str)).map(str::to_string));
        }
        // The public collection and the author's own collections are never someone here.
        addressed.retain(|a| !is_public(a) && !a.starts_with(&actor.ap_id));
        addressed.sort();
        addressed.dedup();
        relevant = Actor::any_local(conn, &addressed).await?;
    }
    if !relevant && let Some(parent) = &in_reply_to {
        relevant = Post::by_ap_id(conn, parent).await?.is_some_and(|p| p.local);
    }
    if !relevant {
        tracing::debug!(object = object_id, "post from an actor nobody here follows; ignored");
        return Ok(None);
    }
    post_form(object, actor, object_id, visibility, in_reply_to).map(Some)
}

/// Stores a remote post, with its attachments unless it was stored before.
async fn store_new_post(conn: &mut DbConn, actor: &Actor, form: &PostInsert, object: &Value) -> ApubResult<Post> {
    let post = Post::insert_or_get(conn, form).await?;
    let attachments = attachment_rows(object, actor, post.id);
    if !attachments.is_empty() && Media::of_posts(conn, &[post.id]).await?.is_empty() {
        insert_media(conn, attachments).await?;
    }
    Ok(post)
}

/// Most attachments kept of a remote post.
const MAX_REMOTE_ATTACHMENTS: usize = 8;

/// The image attachments of a remote object, as rows that link to them (nothing is fetched).
fn attachment_rows(object: &Value, owner: &Actor, post: PostId) -> Vec<MediaInsert> {
    let items = match object.get("attachment") {
        Some(Value::Array(items)) => items.iter().collect(),
        Some(item @ Value::Object(_)) => vec![item],
        _ => vec![],
    };
    let dimension =
        |v: Option<&Value>| v.and_then(Value::as_i64).filter(|n| (1..=100_000).contains(n)).map(|n| n as i32);
    items
        .into_iter()
        .filter_map(|a| {
            let kind = a.get("type").and_then(Value::as_str).unwrap_or("");
            if !matches!(kind, "Document" | "Image") {
                return None;
            }
            let url_value = a.get("url")?;
            // The media type is on the attachment or on its Link.
            let media_type = a
                .get("mediaType")
                .or_else(|| url_value.get("mediaType"))
                .and_then(Value::as_str)
                .map(str::to_ascii_lowercase)
                .or_else(|| (kind == "Image").then(|| "image/jpeg".to_string()))?;
            if !media_type.starts_with("image/") || media_type.contains("svg") || media_type.len() > 100 {
                return None;
            }
            let url = crate::apub::protocol::first_url(url_value)
                .filter(|u| u.starts_with("https://") || u.starts_with("http://"))
                .filter(|u| u.len() <= 2000)?;
            let description = a
                .get("name")
                .or_else(|| a.get("summary"))
                .and_then(Value::as_str)
                .map(|n| html::truncate(html::plain_text(n).trim(), crate::media::MAX_DESCRIPTION))
                .unwrap_or_default();
            let focus = a
                .get("focalPoint")
                .and_then(Value::as_array)
                .and_then(|p| Some(format!("{},{}", p.first()?.as_f64()?, p.get(1)?.as_f64()?)))
                .filter(|f| crate::media::parse_focus(f).is_some());
            Some(MediaInsert {
                owner_id: owner.id,
                post_id: Some(post),
                purpose: Purpose::Attachment.as_str().into(),
                sort_order: 0,
                content_type: media_type,
                file_key: None,
                width: dimension(a.get("width")),
                height: dimension(a.get("height")),
                size: 0,
                small_key: None,
                small_width: None,
                small_height: None,
                small_size: None,
                description,
                blurhash: a
                    .get("blurhash")
                    .and_then(Value::as_str)
                    .filter(|b| b.len() <= 100 && b.is_ascii())
                    .map(str::to_string),
                focus,
                remote_url: Some(url),
                created_at: now(),
            })
        })
        .take(MAX_REMOTE_ATTACHMENTS)
        .enumerate()
        .map(|(i, mut row)| {
            row.sort_order = i as i32;
            row
        })
        .collect()
}

async fn insert_media(conn: &mut DbConn, rows: Vec<MediaInsert>) -> ApubResult<()> {
    for row in rows {
        Media::insert(conn, &row).await?;
    }
    Ok(())
}

/// Stores a public or unlisted post of `author` that was fetched on request (search).
pub async fn store_post(
    state: &AppState,
    author: &Actor,
    object: &Value,
) -> ApubResult<crate::db::models::post::PostView> {
    let object_id = id_of(object).ok_or_else(|| ApubError::BadRequest("object without id".into()))?;
    let visibility = visibility_of(object, author);
    if !visibility.is_open() {
        return Err(ApubError::NotFound);
    }
    let in_reply_to = object.get("inReplyTo").and_then(id_of).map(str::to_string);
    let form = post_form(object, author, object_id, visibility, in_reply_to)?;
    let mut conn = state.pool.write().await?;
    let post = store_new_post(&mut conn, author, &form, object).await?;
    crate::db::models::post::PostView::by_id(&mut conn, post.id).await?.ok_or(ApubError::NotFound)
}

fn timestamp(value: Option<&Value>) -> Option<chrono::NaiveDateTime> {
    value.and_then(Value::as_str).and_then(|s| chrono::DateTime::parse_from_rfc3339(s).ok()).map(|d| d.naive_utc())
}

fn post_form(
    object: &Value,
    actor: &Actor,
    object_id: &str,
    visibility: Visibility,
    in_reply_to: Option<String>,
) -> ApubResult<PostInsert> {
    let kind = object.get("type").and_then(Value::as_str).unwrap_or("Note");
    let content = object.get("content").and_then(Value::as_str).unwrap_or("");
    let name = object.get("name").and_then(Value::as_str).map(|n| html::truncate(&html::plain_text(n), 500));
    let summary = object
        .get("summary")
        .and_then(Value::as_str)
        .map(|s| html::truncate(&html::plain_text(s), 2000))
        .filter(|s| !s.is_empty());
    let language = object
        .get("contentMap")
        .and_then(Value::as_object)
        .and_then(|m| m.keys().next().cloned())
        .map(|l| html::truncate(&l, 16));
    Ok(PostInsert {
        ap_id: object_id.to_string(),
        author_id: actor.id,
        kind: if kind == "Article" || kind == "Page" { "article".into() } else { "note".into() },
        name,
        content: html::truncate(&html::sanitize(content), 100_000),
        summary,
        sensitive: object.get("sensitive").and_then(Value::as_bool).unwrap_or(false),
        language,
        in_reply_to,
        url: object.get("url").and_then(crate::apub::protocol::first_url),
        visibility,
        local: false,
        deleted: false,
        published: timestamp(object.get("published")).unwrap_or_else(now),
        updated_at: timestamp(object.get("updated")),
    })
}

/// An Update of an actor: read the profile again from its origin rather than trusting the
/// embedded copy.
async fn refetch_updated_actor(state: &AppState, actor: &Actor, object: &Value) -> ApubResult<()> {
    let kind = object.get("type").and_then(Value::as_str).unwrap_or("");
    if crate::db::models::actor::ActorKind::from_ap_type(kind).is_none() {
        return Ok(());
    }
    let object_id = id_of(object).ok_or_else(|| ApubError::BadRequest("object without id".into()))?;
    if object_id != actor.ap_id {
        return Err(ApubError::Forbidden("an actor can only update itself".into()));
    }
    let data = state.data().map_err(internal)?;
    let id: activitypub_federation::fetch::object_id::ObjectId<crate::apub::actor::DbActor> =
        activitypub_federation::fetch::object_id::ObjectId::parse(object_id)?;
    if let Err(e) = id.dereference_forced(&data).await {
        tracing::info!(actor = object_id, error = %e, "refetching an updated actor failed");
    }
    Ok(())
}

async fn on_update(conn: &mut DbConn, actor: &Actor, object: &Value) -> ApubResult<()> {
    let kind = object.get("type").and_then(Value::as_str).unwrap_or("");
    let object_id = id_of(object).ok_or_else(|| ApubError::BadRequest("object without id".into()))?;
    if !POST_TYPES.contains(&kind) {
        return Ok(());
    }
    let Some(post) = Post::by_ap_id(conn, object_id).await? else {
        return Ok(());
    };
    if post.author_id != actor.id {
        return Err(ApubError::Forbidden("only the author can update a post".into()));
    }
    let form = post_form(object, actor, object_id, post.visibility, post.in_reply_to.clone())?;
    Post::update(
        conn,
        post.id,
        &PostUpdate {
            name: Some(form.name),
            content: Some(form.content),
            summary: Some(form.summary),
            sensitive: Some(form.sensitive),
            updated_at: Some(Some(form.updated_at.unwrap_or_else(now))),
            ..Default::default()
        },
    )
    .await?;
    Media::delete_of_post(conn, post.id).await?;
    insert_media(conn, attachment_rows(object, actor, post.id)).await?;
    Ok(())
}

async fn on_delete(conn: &mut DbConn, actor: &Actor, object: &Value) -> ApubResult<()> {
    let object_id = id_of(object).ok_or_else(|| ApubError::BadRequest("Delete without object".into()))?;
    if object_id == actor.ap_id {
        Actor::update(
            conn,
            actor.id,
            &ActorUpdate { deleted: Some(true), updated_at: Some(now()), ..Default::default() },
        )
        .await?;
        crate::db::models::follow::Follow::delete_all_of(conn, actor.id).await?;
        tracing::info!(actor = %actor.ap_id, "remote actor deleted");
        return Ok(());
    }
    if !same_host(object_id, actor) {
        return Err(ApubError::Forbidden("cannot delete another host's object".into()));
    }
    if let Some(post) = Post::by_ap_id(conn, object_id).await? {
        if post.author_id != actor.id {
            return Err(ApubError::Forbidden("only the author can delete a post".into()));
        }
        Post::update(
            conn,
            post.id,
            &PostUpdate {
                deleted: Some(true),
                content: Some(String::new()),
                updated_at: Some(Some(now())),
                ..Default::default()
            },
        )
        .await?;
    }
    Ok(())
}
