//! What a group elsewhere relays to us (FEP-1b12): the `Announce` of a member's activity (Lemmy
//! communities and Buurt groups) or of a post itself (Mobilizon, Guppe-style groups, and the
//! second Announce Buurt and Lemmy send for Mastodon). A post embedded by the group is trusted
//! only when it is on the group's own host; one from elsewhere is fetched from its origin. A
//! group may relay only what was written in it: a post whose `audience` names another group is
//! refused. Announces of what is not a post (Mobilizon's events, votes, moderation) are ignored.

use activitypub_federation::fetch::fetch_object_http;
use serde_json::Value;
use url::Url;

use crate::apub::protocol::{self, Activity, ActivityKind, Note, Object, values};
use crate::apub::{ApubError, ApubResult};
use crate::db::models::actor::Actor;
use crate::domain::inbox::Received;
use crate::domain::posts::remote::RemotePost;
use crate::state::AppState;

/// The typed input of an `Announce` by `group` of `object` (`body`: the activity as it arrived,
/// which holds the embedded activity whole).
pub async fn announced(state: &AppState, group: &Actor, object: Object, body: Option<&[u8]>) -> ApubResult<Received> {
    let embedded = body
        .and_then(|b| serde_json::from_slice::<Value>(b).ok())
        .and_then(|mut v| v.get_mut("object").map(Value::take))
        .filter(|o| o.get("object").is_some() && o.get("actor").is_some());
    if let Some(inner) = embedded {
        let inner: Activity<Object> =
            values::from_value(inner).map_err(|e| ApubError::BadRequest(format!("unusable object: {e}")))?;
        return match inner.kind {
            ActivityKind::Create | ActivityKind::Update => {
                let (note, id) = match inner.object {
                    Object::Post(note) => (Some(*note), None),
                    Object::Link(id) => (None, Some(id)),
                    other => return Ok(not_a_post(inner.kind.as_str(), &other)),
                };
                let (author, note) = post_of(state, group, note, id).await?;
                if inner.actor.as_str() != author.ap_id {
                    return Err(ApubError::Forbidden("the activity's actor is not the post's author".into()));
                }
                let update = inner.kind == ActivityKind::Update;
                let post = RemotePost::from_note(&note, &author);
                Ok(Received::Relayed { author: Box::new(author), post: Box::new(post), update })
            }
            ActivityKind::Delete => match inner.object.id() {
                Some(id) => Ok(Received::DeleteInGroup { id: id.to_string() }),
                None => Err(ApubError::BadRequest("object.object: missing id".into())),
            },
            other => Ok(Received::Ignored { kind: format!("Announce({other})") }),
        };
    }
    let (note, id) = match object {
        Object::Post(note) => (Some(*note), None),
        Object::Link(id) => (None, Some(id)),
        other => return Ok(not_a_post("Announce", &other)),
    };
    let (author, note) = post_of(state, group, note, id).await?;
    let post = RemotePost::from_note(&note, &author);
    Ok(Received::Relayed { author: Box::new(author), post: Box::new(post), update: false })
}

/// An announced object that is not a post (an event, an actor, a moderation activity): well-formed,
/// and nothing here stores it.
fn not_a_post(verb: &str, object: &Object) -> Received {
    tracing::debug!(verb, kind = object.kind(), "a group announced what is not a post; ignored");
    Received::Ignored { kind: format!("Announce({verb} {})", object.kind().unwrap_or("link")) }
}

/// The post a group relays and its author: as embedded when on the group's host, else fetched
/// from its origin; its author fetched when unknown. The author is who it is attributed to
/// besides the group; for a post attributed to the group alone, Mobilizon's `actor` on the
/// group's host (a member elsewhere is not taken on the group's word), else the group itself.
async fn post_of(state: &AppState, group: &Actor, note: Option<Note>, id: Option<String>) -> ApubResult<(Actor, Note)> {
    let note = match note {
        Some(note) if protocol::same_host(&note.id, &group.ap_id) => note,
        other => {
            let id = other.map(|n| n.id).or(id).ok_or_else(|| ApubError::BadRequest("object: missing id".into()))?;
            fetch_note(state, &id).await?
        }
    };
    if note.audience.as_ref().is_some_and(|a| a.as_str() != group.ap_id) {
        return Err(ApubError::Forbidden("a group relays a post written in another group".into()));
    }
    let by_group = note.attributed_to(&group.ap_id);
    let author = note
        .attributed_to
        .iter()
        .map(|a| a.as_str())
        .find(|a| *a != group.ap_id)
        .or_else(|| {
            let member = note.actor.as_ref().map(|a| a.as_str()).filter(|a| protocol::same_host(a, &group.ap_id));
            member.filter(|_| by_group)
        })
        .or_else(|| by_group.then_some(group.ap_id.as_str()))
        .ok_or_else(|| ApubError::BadRequest("object.attributedTo: missing".into()))?
        .to_string();
    if !protocol::same_host(&note.id, &author) {
        return Err(ApubError::Forbidden("the post is not on its author's host".into()));
    }
    if state.federation_policy.refuses_actor(&author) {
        return Err(ApubError::Forbidden(super::BLOCKED.into()));
    }
    let data = state.data().map_err(|e| ApubError::Internal(e.to_string()))?;
    let author = crate::domain::remote_actors::resolve(&author, &data).await?.actor;
    Ok((author, note))
}

/// A post fetched from its origin.
async fn fetch_note(state: &AppState, id: &str) -> ApubResult<Note> {
    let url = Url::parse(id)?;
    let data = state.data().map_err(|e| ApubError::Internal(e.to_string()))?;
    let fetched = fetch_object_http::<_, Value>(&url, &data).await?;
    let note: Note =
        values::from_value(fetched.object).map_err(|e| ApubError::BadRequest(format!("unusable post: {e}")))?;
    if !protocol::same_host(&note.id, url.as_str()) {
        return Err(ApubError::Forbidden("the fetched post's id is on another host".into()));
    }
    Ok(note)
}
