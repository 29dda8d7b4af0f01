//! The causes of today's kinds, each called by its area inside the transaction of the change:
//! a post that replies to or mentions someone, a follow, a like or boost (and its undo), a
//! registration to approve. Who hears of it is decided by [`notify`](super::notify).

use super::kinds::{FAVOURITE, FOLLOW, FOLLOW_REQUEST, MENTION, REBLOG, REPLY, SIGN_UP};
use super::{Notice, notify, notify_many};
use crate::db::DbConn;
use crate::db::models::actor::{Actor, ActorId};
use crate::db::models::notification::{Audience, Notification};
use crate::db::models::post::{Post, Reaction};
use crate::domain::DomainResult;

/// A new post, local or from another server: the author of the post it replies to hears of a
/// `reply`, everyone else it mentions of a `mention` (one notification per person, never to
/// the author; only those who may see the post).
pub async fn post_published(conn: &mut DbConn, post: &Post, mentioned: &[ActorId]) -> DomainResult<()> {
    let mut told = vec![post.author_id];
    if let Some(parent) = &post.in_reply_to
        && let Some(parent) = Post::by_ap_id(conn, parent).await?
        && parent.local
        && !told.contains(&parent.author_id)
    {
        notify(conn, Notice::new(&REPLY, parent.author_id, Some(post.author_id)).post(post.id)).await?;
        told.push(parent.author_id);
    }
    for &person in mentioned {
        if !told.contains(&person) {
            notify(conn, Notice::new(&MENTION, person, Some(post.author_id)).post(post.id)).await?;
            told.push(person);
        }
    }
    Ok(())
}

/// Local people a resident's post mentions as `@name` or `@name@this.domain` (people on other
/// servers are not looked up: their mentions are not federated yet).
pub async fn local_mentions(conn: &mut DbConn, text: &str, domain: &str) -> DomainResult<Vec<ActorId>> {
    let mut found = Vec::new();
    for (name, host) in mention_names(text) {
        if host.is_some_and(|h| !h.eq_ignore_ascii_case(domain)) {
            continue;
        }
        if let Some(actor) = Actor::by_name(conn, name, domain).await?.filter(|a| a.local && !a.deleted)
            && !found.contains(&actor.id)
        {
            found.push(actor.id);
        }
    }
    Ok(found)
}

/// The `@name` and `@name@host` in a text (see `util::markdown::mentions`).
fn mention_names(text: &str) -> Vec<(&str, Option<&str>)> {
    crate::util::markdown::mentions(text).into_iter().map(|m| (m.name, m.host)).collect()
}

/// `follower` follows `target`: a `follow` when accepted at once, a `follow_request` when the
/// target approves followers by hand. Only local targets hear of it.
pub async fn followed(conn: &mut DbConn, follower: ActorId, target: &Actor, accepted: bool) -> DomainResult<()> {
    if target.local {
        let kind = if accepted { &FOLLOW } else { &FOLLOW_REQUEST };
        notify(conn, Notice::new(kind, target.id, Some(follower))).await?;
    }
    Ok(())
}

/// `actor` liked or boosted `post` (a new reaction): its author hears of it when local.
pub async fn reacted(conn: &mut DbConn, actor: ActorId, post: &Post, reaction: Reaction) -> DomainResult<()> {
    if post.local {
        let kind = if reaction == Reaction::Like { &FAVOURITE } else { &REBLOG };
        notify(conn, Notice::new(kind, post.author_id, Some(actor)).post(post.id)).await?;
    }
    Ok(())
}

/// `actor` took back a like or boost of `post`: its notification goes too.
pub async fn unreacted(
    conn: &mut DbConn,
    actor: ActorId,
    post: crate::db::models::post::PostId,
    reaction: Reaction,
) -> DomainResult<()> {
    let kind = if reaction == Reaction::Like { &FAVOURITE } else { &REBLOG };
    Notification::delete_about(conn, kind.name, actor, post).await?;
    Ok(())
}

/// A registration waits for approval: every admin and moderator hears of it.
pub async fn registration_waiting(conn: &mut DbConn, person: &Actor) -> DomainResult<()> {
    let notice = Notice { subject: Some(person.ap_id.clone()), ..Notice::new(&SIGN_UP, person.id, Some(person.id)) };
    notify_many(conn, Audience::Staff, notice).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::mention_names;

    #[test]
    fn mentions_are_found_but_not_in_addresses() {
        assert_eq!(
            mention_names("Hoi @anna en @Bob_2@buurt.example, zie mail@anna.nl of @carla."),
            vec![("anna", None), ("Bob_2", Some("buurt.example")), ("carla", None)]
        );
        assert_eq!(mention_names("@@ @ x@y https://x.test/@anna"), Vec::<(&str, Option<&str>)>::new());
        assert_eq!(mention_names("(@anna)"), vec![("anna", None)]);
    }
}
