//! Posts on the wire: a stored post as a `Note` or `Article`, and the activities that carry it.

use crate::apub::protocol::{
    Activity, ActivityKind, Addresses, Attachment, Id, Links, Note, NoteKind, OneOrMany, PUBLIC, Timestamp, Tombstone,
};
use crate::db::models::actor::Actor;
use crate::db::models::post::{Post, Visibility};

/// The followers collection of an actor.
pub fn followers_of(actor: &Actor) -> String {
    actor.followers_url.clone().unwrap_or_else(|| format!("{}/followers", actor.ap_id))
}

/// Who sees a post: (to, cc) by its visibility, as Mastodon addresses them.
pub fn addressing(post: &Post, author: &Actor) -> (Addresses, Addresses) {
    let followers = followers_of(author);
    let (to, cc): (Vec<String>, Vec<String>) = match post.visibility {
        Visibility::Public => (vec![PUBLIC.into()], vec![followers]),
        Visibility::Unlisted => (vec![followers], vec![PUBLIC.into()]),
        Visibility::Followers => (vec![followers], vec![]),
        Visibility::Direct => (vec![], vec![]),
    };
    (Addresses::list(to), Addresses::list(cc))
}

fn kind_of(post: &Post) -> NoteKind {
    if post.kind == "article" { NoteKind::Article } else { NoteKind::Note }
}

/// A post as a Note or Article object, with its attachments (see `media::ap_attachments`).
pub fn note(post: &Post, author: &Actor, attachments: Vec<Attachment>) -> Note {
    let (to, cc) = addressing(post, author);
    Note {
        id: post.ap_id.clone(),
        kind: kind_of(post),
        attributed_to: OneOrMany::One(Id(author.ap_id.clone())),
        content: post.content.clone(),
        media_type: Some("text/html".into()),
        published: Some(post.published.into()),
        to,
        cc,
        url: Some(Links::one(post.url.clone().unwrap_or_else(|| post.ap_id.clone()))),
        sensitive: post.sensitive,
        summary: post.summary.clone(),
        in_reply_to: post.in_reply_to.clone().map(Id),
        tag: OneOrMany::Many(Vec::new()),
        attachment: OneOrMany::Many(attachments),
        name: post.name.clone(),
        updated: post.updated_at.map(Timestamp::from),
        content_map: post.language.clone().map(|lang| [(lang, post.content.clone())].into()),
    }
}

/// The id of a post's Create: it follows from the post's, so the outbox can list it.
pub fn create_id(post: &Post) -> String {
    format!("{}/activity", post.ap_id)
}

/// The Create of a post, addressed as the post is.
pub fn create(post: &Post, author: &Actor, attachments: Vec<Attachment>) -> Activity<Note> {
    let note = note(post, author, attachments);
    let (to, cc, published) = (note.to.clone(), note.cc.clone(), note.published);
    let mut create = Activity::new(create_id(post), ActivityKind::Create, author.ap_id.clone(), note).to(to).cc(cc);
    create.published = published;
    create
}

/// The Update of an edited post, addressed as the post is.
pub fn update(id: String, author: &Actor, note: Note) -> Activity<Note> {
    let (to, cc) = (note.to.clone(), note.cc.clone());
    Activity::new(id, ActivityKind::Update, author.ap_id.clone(), note).to(to).cc(cc)
}

/// What stays at a deleted post's id.
pub fn tombstone(post: &Post) -> Tombstone {
    Tombstone::of(post.ap_id.clone(), kind_of(post).as_str())
}

/// The Delete of a post: its Tombstone, addressed as the post was.
pub fn delete(id: String, author: &Actor, post: &Post) -> Activity<Tombstone> {
    let (to, cc) = addressing(post, author);
    Activity::new(id, ActivityKind::Delete, author.ap_id.clone(), tombstone(post)).to(to).cc(cc)
}
