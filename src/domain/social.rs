//! What local people do that federates: follow, post, edit, delete, like, boost. Each change
//! and the activity announcing it are written in one transaction (the transactional outbox).

use serde_json::Value;

use super::{DomainError, DomainResult, html, validate};
use crate::apub::activities;
use crate::db::models::actor::{Actor, ActorId};
use crate::db::models::delivery::{NewOutboxActivity, OutboxActivity};
use crate::db::models::follow::Follow;
use crate::db::models::local_user::Account;
use crate::db::models::media::{Media, MediaId};
use crate::db::models::post::{Post, PostId, PostInsert, PostUpdate, Reaction, Visibility};
use crate::db::{DbConn, now};
use crate::domain::visibility::{self as seen, Viewer};
use crate::state::AppState;

/// Longest post text accepted, in characters.
pub const MAX_POST_CHARS: usize = 5000;

/// Stores an outgoing activity (with `@context`) in the caller's transaction.
pub async fn enqueue(
    conn: &mut DbConn,
    actor: &Actor,
    mut activity: Value,
    to_followers: bool,
    to_actors: &[ActorId],
) -> DomainResult<()> {
    let id = activity["id"].as_str().unwrap_or_default().to_string();
    let kind = activity["type"].as_str().unwrap_or_default().to_string();
    if let Some(map) = activity.as_object_mut() {
        map.insert("@context".into(), crate::apub::context());
    }
    let payload = activity.to_string();
    let new = NewOutboxActivity {
        ap_id: &id,
        actor_id: actor.id,
        kind: &kind,
        payload: &payload,
        to_followers,
        to_actors,
        now: now(),
    };
    OutboxActivity::enqueue(conn, &new).await?;
    Ok(())
}

/// Follows an actor. A local target accepts at once (unless it approves followers by hand);
/// a remote one gets a Follow and answers with Accept or Reject.
pub async fn follow(state: &AppState, follower: &Account, target: &Actor) -> DomainResult<Follow> {
    if target.id == follower.actor.id {
        return Err(DomainError::Invalid(validate::FieldErrors::one("account", "error-follow-self")));
    }
    let mut tx = state.pool.begin().await?;
    if let Some(existing) = Follow::find(&mut tx, follower.actor.id, target.id).await? {
        tx.rollback().await?;
        return Ok(existing);
    }
    let id = activities::new_activity_id(&state.base_url, "follow");
    let accepted = target.local && !target.manually_approves_followers;
    let follow = Follow::upsert(&mut tx, &id, follower.actor.id, target.id, accepted).await?;
    if !target.local {
        enqueue(&mut tx, &follower.actor, activities::follow(&id, &follower.actor, target), false, &[target.id])
            .await?;
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
        let inner = activities::follow(&existing.ap_id, &follower.actor, target);
        let undo = activities::undo(&activities::new_activity_id(&state.base_url, "undo"), &follower.actor, inner);
        enqueue(&mut tx, &follower.actor, undo, false, &[target.id]).await?;
    }
    tx.commit().await?;
    state.delivery_wake.notify_waiters();
    Ok(())
}

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

/// Publishes a note; followers on other servers receive a Create.
pub async fn create_post(state: &AppState, author: &Account, new: &NewPost) -> DomainResult<Post> {
    check_post(&new.text, &new.spoiler_text, !new.media_ids.is_empty())?;
    let visibility = visibility(&new.visibility)?;
    let mut tx = state.pool.begin().await?;
    // A reply only to what the author may see: replying must not tell that a post exists.
    let in_reply_to = match new.in_reply_to {
        Some(id) => Some(seen::visible_post(&mut tx, Viewer::Actor(author.actor.id), id).await?.post.ap_id),
        None => None,
    };
    let t = now();
    let placeholder = format!("{}/p/new-{}", state.base_url, super::accounts::random_token(12));
    let inserted = Post::insert(
        &mut tx,
        &PostInsert {
            ap_id: placeholder,
            author_id: author.actor.id,
            kind: "note".into(),
            name: None,
            content: html::text_to_html(&new.text),
            summary: (!new.spoiler_text.trim().is_empty()).then(|| new.spoiler_text.trim().to_string()),
            sensitive: new.sensitive || !new.spoiler_text.trim().is_empty(),
            language: new.language.clone(),
            in_reply_to,
            url: None,
            visibility,
            local: true,
            deleted: false,
            published: t,
            updated_at: None,
        },
    )
    .await?;
    // The id is known only now; the object URL carries it.
    let ap_id = format!("{}/p/{}", state.base_url, inserted.id.0);
    Post::update(&mut tx, inserted.id, &PostUpdate { ap_id: Some(ap_id.clone()), ..Default::default() }).await?;
    let post = Post { ap_id, ..inserted };
    let (attached, _) = super::media::attach(&mut tx, &author.actor, post.id, &new.media_ids).await?;
    if visibility != Visibility::Direct {
        let object = activities::post_object(&post, &author.actor, crate::media::ap_attachments(state, &attached));
        // A Create's id follows from its object's, so the outbox can list it from the post.
        let create = activities::create(&format!("{}/activity", post.ap_id), &author.actor, object);
        enqueue(&mut tx, &author.actor, create, true, &[]).await?;
    }
    tx.commit().await?;
    state.delivery_wake.notify_waiters();
    Ok(post)
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
pub async fn edit_post(
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
    let t = now();
    let form = PostUpdate {
        content: Some(html::text_to_html(text)),
        summary: Some((!spoiler.trim().is_empty()).then(|| spoiler.trim().to_string())),
        updated_at: Some(Some(t)),
        ..Default::default()
    };
    Post::update(&mut tx, post.id, &form).await?;
    let post = Post::by_id(&mut tx, post.id).await?.ok_or(DomainError::NotFound)?;
    if post.visibility != Visibility::Direct {
        let object = activities::post_object(&post, &author.actor, crate::media::ap_attachments(state, &attached));
        let update = activities::update(&activities::new_activity_id(&state.base_url, "update"), &author.actor, object);
        enqueue(&mut tx, &author.actor, update, true, &[]).await?;
    }
    tx.commit().await?;
    state.delivery_wake.notify_waiters();
    let removed: Vec<String> = removed.iter().flat_map(Media::keys).collect();
    state.media.storage.delete_all(&removed).await;
    Ok(post)
}

/// Deletes a post (a Tombstone stays at its URL); followers receive a Delete.
pub async fn delete_post(state: &AppState, author: &Account, id: PostId) -> DomainResult<Post> {
    let mut tx = state.pool.begin().await?;
    let post = own_post(&mut tx, author, id).await?;
    let t = now();
    Post::update(
        &mut tx,
        post.id,
        &PostUpdate {
            deleted: Some(true),
            content: Some(String::new()),
            updated_at: Some(Some(t)),
            ..Default::default()
        },
    )
    .await?;
    if post.visibility != Visibility::Direct {
        let delete =
            activities::delete_post(&activities::new_activity_id(&state.base_url, "delete"), &author.actor, &post);
        enqueue(&mut tx, &author.actor, delete, true, &[]).await?;
    }
    tx.commit().await?;
    state.delivery_wake.notify_waiters();
    Ok(post)
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
    let crate::db::models::post::PostView { post, author } =
        seen::visible_post(&mut tx, Viewer::Actor(account.actor.id), id).await?;
    if on && reaction == Reaction::Announce && !seen::can_share(&post) {
        return Err(DomainError::Forbidden);
    }
    let me = &account.actor;
    let kind = if reaction == Reaction::Like { "like" } else { "announce" };
    let build = |ap_id: &str| match reaction {
        Reaction::Like => activities::like(ap_id, me, &post, &author),
        Reaction::Announce => activities::announce(ap_id, me, &post, &author, now()),
    };
    // A like goes to the author; a boost to our followers and the author.
    let to_followers = reaction == Reaction::Announce;
    let to_actors: Vec<ActorId> = if author.local { vec![] } else { vec![author.id] };
    if on {
        let ap_id = activities::new_activity_id(&state.base_url, kind);
        if reaction.add(&mut tx, &ap_id, me.id, post.id).await? {
            enqueue(&mut tx, me, build(&ap_id), to_followers, &to_actors).await?;
        }
    } else if let Some(ap_id) = reaction.remove(&mut tx, me.id, post.id).await? {
        let undo = activities::undo(&activities::new_activity_id(&state.base_url, "undo"), me, build(&ap_id));
        enqueue(&mut tx, me, undo, to_followers, &to_actors).await?;
    }
    tx.commit().await?;
    state.delivery_wake.notify_waiters();
    Ok(post)
}

/// Deletes a local account (`buurt admin delete-user`): the actor becomes a Tombstone (410),
/// sessions and tokens stop working, and followers' servers receive a Delete of the actor.
pub async fn delete_account(state: &AppState, account: &Account) -> DomainResult<()> {
    super::actors::prepare_keys(&state.pool, &account.actor).await?;
    let mut tx = state.pool.begin().await?;
    let actor = Actor::by_id(&mut tx, account.actor.id).await?.ok_or(DomainError::NotFound)?;
    let actor = super::actors::ensure_keys(&mut tx, actor).await?;
    let id = activities::new_activity_id(&state.base_url, "delete");
    let delete = serde_json::json!({
        "id": id, "type": "Delete", "actor": actor.ap_id, "object": actor.ap_id,
        "to": [crate::apub::PUBLIC], "cc": [actor.followers_url],
    });
    enqueue(&mut tx, &actor, delete, true, &[]).await?;
    Actor::update(
        &mut tx,
        actor.id,
        &crate::db::models::actor::ActorUpdate { deleted: Some(true), updated_at: Some(now()), ..Default::default() },
    )
    .await?;
    crate::db::models::local_user::LocalUser::update(
        &mut tx,
        account.user.id,
        &crate::db::models::local_user::LocalUserUpdate {
            status: Some(crate::db::models::local_user::Status::Suspended.as_str()),
            updated_at: Some(now()),
            ..Default::default()
        },
    )
    .await?;
    crate::db::models::session::delete_others(&mut tx, account.user.id, None).await?;
    tx.commit().await?;
    state.delivery_wake.notify_waiters();
    tracing::info!(username = %actor.username, "account deleted");
    Ok(())
}

/// Tells followers that a local actor's profile changed.
pub async fn announce_profile_update(state: &AppState, conn: &mut DbConn, actor: &Actor) -> DomainResult<()> {
    let data = state.data().map_err(|e| DomainError::Internal(e.to_string()))?;
    let actor = super::actors::ensure_keys(conn, actor.clone()).await?;
    let json = activitypub_federation::traits::Object::into_json(
        crate::apub::actor::DbActor::with_place(actor.clone(), conn)
            .await
            .map_err(|e| DomainError::Internal(e.to_string()))?,
        &data,
    )
    .await
    .map_err(|e| DomainError::Internal(e.to_string()))?;
    let object = serde_json::to_value(json).map_err(|e| DomainError::Internal(e.to_string()))?;
    let update = activities::update(&activities::new_activity_id(&state.base_url, "update"), &actor, object);
    enqueue(conn, &actor, update, true, &[]).await
}
