//! Outgoing activities and objects as JSON, in the shapes Mastodon, Lemmy and others accept.

use serde_json::{Value, json};

use super::PUBLIC;
use crate::db::models::actor::Actor;
use crate::db::models::post::{Post, Visibility};

/// A new, unique, dereferenceable activity id.
pub fn new_activity_id(base_url: &str, kind: &str) -> String {
    format!("{base_url}/activities/{}/{}", kind.to_ascii_lowercase(), crate::domain::accounts::random_token(12))
}

fn iso(t: chrono::NaiveDateTime) -> String {
    t.and_utc().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// Who sees a post: (to, cc) by its visibility.
pub fn addressing(post: &Post, author: &Actor) -> (Vec<String>, Vec<String>) {
    let followers = author.followers_url.clone().unwrap_or_else(|| format!("{}/followers", author.ap_id));
    match post.visibility {
        Visibility::Public => (vec![PUBLIC.into()], vec![followers]),
        Visibility::Unlisted => (vec![followers], vec![PUBLIC.into()]),
        Visibility::Followers => (vec![followers], vec![]),
        Visibility::Direct => (vec![], vec![]),
    }
}

/// A post as a Note or Article object, with its attachments (see `media::ap_attachments`).
pub fn post_object(post: &Post, author: &Actor, attachments: Vec<Value>) -> Value {
    let (to, cc) = addressing(post, author);
    let mut object = json!({
        "id": post.ap_id,
        "type": if post.kind == "article" { "Article" } else { "Note" },
        "attributedTo": author.ap_id,
        "content": post.content,
        "mediaType": "text/html",
        "published": iso(post.published),
        "to": to,
        "cc": cc,
        "url": post.url.clone().unwrap_or_else(|| post.ap_id.clone()),
        "sensitive": post.sensitive,
        "summary": post.summary,
        "inReplyTo": post.in_reply_to,
        "tag": [],
        "attachment": attachments,
    });
    if let Some(name) = &post.name {
        object["name"] = json!(name);
    }
    if let Some(updated) = post.updated_at {
        object["updated"] = json!(iso(updated));
    }
    if let Some(lang) = &post.language {
        object["contentMap"] = json!({ lang: post.content });
    }
    object
}

pub fn create(id: &str, author: &Actor, object: Value) -> Value {
    let (to, cc) = (object["to"].clone(), object["cc"].clone());
    json!({"id": id, "type": "Create", "actor": author.ap_id, "published": object["published"], "to": to, "cc": cc, "object": object})
}

pub fn update(id: &str, actor: &Actor, object: Value) -> Value {
    let to = if object.get("to").is_some() { object["to"].clone() } else { json!([PUBLIC]) };
    let cc = object.get("cc").cloned().unwrap_or_else(|| json!([]));
    json!({"id": id, "type": "Update", "actor": actor.ap_id, "to": to, "cc": cc, "object": object})
}

pub fn delete_post(id: &str, author: &Actor, post: &Post) -> Value {
    let (to, cc) = addressing(post, author);
    let former = if post.kind == "article" { "Article" } else { "Note" };
    json!({
        "id": id, "type": "Delete", "actor": author.ap_id, "to": to, "cc": cc,
        "object": {"id": post.ap_id, "type": "Tombstone", "formerType": former},
    })
}

pub fn follow(id: &str, follower: &Actor, target: &Actor) -> Value {
    json!({"id": id, "type": "Follow", "actor": follower.ap_id, "object": target.ap_id, "to": [target.ap_id]})
}

/// Accept or Reject of a Follow, with the Follow embedded and its id echoed verbatim.
pub fn answer_follow(kind: &str, id: &str, target: &Actor, follow_id: &str, follower: &Actor) -> Value {
    json!({
        "id": id, "type": kind, "actor": target.ap_id, "to": [follower.ap_id],
        "object": {"id": follow_id, "type": "Follow", "actor": follower.ap_id, "object": target.ap_id},
    })
}

pub fn undo(id: &str, actor: &Actor, inner: Value) -> Value {
    let to = inner.get("to").cloned().unwrap_or_else(|| json!([]));
    let cc = inner.get("cc").cloned().unwrap_or_else(|| json!([]));
    json!({"id": id, "type": "Undo", "actor": actor.ap_id, "to": to, "cc": cc, "object": inner})
}

pub fn like(id: &str, actor: &Actor, post: &Post, post_author: &Actor) -> Value {
    json!({"id": id, "type": "Like", "actor": actor.ap_id, "object": post.ap_id, "to": [post_author.ap_id]})
}

pub fn announce(id: &str, actor: &Actor, post: &Post, post_author: &Actor, published: chrono::NaiveDateTime) -> Value {
    let followers = actor.followers_url.clone().unwrap_or_else(|| format!("{}/followers", actor.ap_id));
    json!({
        "id": id, "type": "Announce", "actor": actor.ap_id, "published": iso(published),
        "to": [PUBLIC], "cc": [followers, post_author.ap_id], "object": post.ap_id,
    })
}
