//! The federation policy's part of who sees a post, asked by `domain::visibility`: what a
//! blocked server or actor wrote is seen by nobody; what a limited (silenced) server's actors
//! wrote only by their followers here. Local posts are never hidden this way, and until any
//! policy hides something the database is not asked.

use std::collections::HashSet;

use crate::db::DbConn;
use crate::db::models::actor::ActorId;
use crate::db::models::follow::Follow;
use crate::db::models::instance::{Instance, Severity};
use crate::db::models::post::{Post, PostId};
use crate::domain::DomainResult;
use crate::domain::visibility::Viewer;

/// Whether a policy hides `post` from `viewer`.
pub async fn hides(conn: &mut DbConn, viewer: Viewer, post: &Post) -> DomainResult<bool> {
    if post.local || !crate::federation_policy::may_hide() {
        return Ok(false);
    }
    let restricted = Instance::restricted_authors(conn, &[post.author_id]).await?;
    Ok(match restricted.get(&post.author_id) {
        None => false,
        Some(Severity::Suspend) => true,
        Some(_) => match viewer {
            Viewer::Anonymous => true,
            Viewer::Actor(me) if me == post.author_id => false,
            Viewer::Actor(me) => !Follow::find(conn, me, post.author_id).await?.is_some_and(|f| f.accepted),
        },
    })
}

/// Which of `posts` a policy hides from `viewer`: [`hides`] for many, in two queries at most.
pub async fn hidden_among(conn: &mut DbConn, viewer: Viewer, posts: &[&Post]) -> DomainResult<HashSet<PostId>> {
    if !crate::federation_policy::may_hide() {
        return Ok(HashSet::new());
    }
    let mut authors: Vec<ActorId> = posts.iter().filter(|p| !p.local).map(|p| p.author_id).collect();
    authors.sort_unstable_by_key(|a| a.0);
    authors.dedup();
    let restricted = Instance::restricted_authors(conn, &authors).await?;
    if restricted.is_empty() {
        return Ok(HashSet::new());
    }
    let limited: Vec<ActorId> = restricted.iter().filter(|(_, s)| **s == Severity::Silence).map(|(a, _)| *a).collect();
    let followed = match viewer {
        Viewer::Actor(me) if !limited.is_empty() => Follow::accepted_among(conn, me, &limited).await?,
        _ => HashSet::new(),
    };
    Ok(posts
        .iter()
        .filter(|p| match restricted.get(&p.author_id) {
            None => false,
            Some(Severity::Suspend) => true,
            Some(_) => !(viewer == Viewer::Actor(p.author_id) || followed.contains(&p.author_id)),
        })
        .map(|p| p.id)
        .collect())
}
