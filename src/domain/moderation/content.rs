//! Removing content by a moderator and restoring it: unlike an author's deletion, the content
//! is kept (restorable), and the `Delete` is sent by whoever the other servers accept it from.

use crate::db::models::actor::Actor;
use crate::db::models::outbox_activity::GroupReach;
use crate::db::models::post::{Post, PostId, PostUpdate, Visibility};
use crate::db::now;
use crate::domain::groups::discussions;
use crate::domain::outbox::{enqueue, enqueue_for_group, new_activity_id};
use crate::domain::posts::wire;
use crate::domain::{DomainError, DomainResult};
use crate::state::AppState;

/// Deletes `post` for everyone, keeping its content, and tells the servers that have it: a
/// local group sends the `Delete` (every server that has the post accepts it from the group);
/// a post of ours outside such a group is deleted in its author's name. A remote post that is
/// not in one of our groups is removed here only.
pub(super) async fn remove(state: &AppState, post: &Post) -> DomainResult<()> {
    let mut tx = state.pool.begin().await?;
    let form = PostUpdate { deleted: Some(true), removed_at: Some(Some(now())), ..Default::default() };
    Post::update(&mut tx, post.id, &form).await?;
    let group = discussions::group_of(&mut tx, post).await?;
    match &group {
        Some(group) if group.actor.local => {
            let id = new_activity_id(&state.base_url, "delete");
            let delete = wire::delete(id, &group.actor, post, Some(&group.actor));
            let reach = if post.visibility == Visibility::Members { GroupReach::Members } else { GroupReach::Everyone };
            enqueue_for_group(&mut tx, &group.actor, &delete, reach).await?;
        }
        _ if post.local => {
            let author = Actor::by_id(&mut tx, post.author_id).await?.ok_or(DomainError::NotFound)?;
            let id = new_activity_id(&state.base_url, "delete");
            let delete = wire::delete(id, &author, post, group.as_ref().map(|g| &g.actor));
            match &group {
                Some(group) => discussions::send(&mut tx, state, group, &author, &delete, post).await?,
                None if post.visibility != Visibility::Direct => enqueue(&mut tx, &author, &delete, true, &[]).await?,
                None => {}
            }
        }
        _ => {}
    }
    tx.commit().await?;
    state.delivery_wake.notify_waiters();
    Ok(())
}

/// Brings a removed post back here. Servers that dropped it on the `Delete` do not get it
/// back (a deleted id stays deleted for Mastodon); FEDERATION.md says so.
pub(super) async fn restore(state: &AppState, id: PostId) -> DomainResult<()> {
    let mut conn = state.pool.write().await?;
    let post = Post::by_id(&mut conn, id).await?.ok_or(DomainError::NotFound)?;
    if post.removed_at.is_none() {
        return Err(DomainError::NotFound);
    }
    let form = PostUpdate { deleted: Some(false), removed_at: Some(None), ..Default::default() };
    Post::update(&mut conn, id, &form).await?;
    Ok(())
}
