//! Posts on the wire: a stored post as a `Note` or `Article`, and the activities that carry it.

use crate::apub::protocol::note::{Source, Tag};
use crate::apub::protocol::{
    Activity, ActivityKind, Addresses, Attachment, Id, Links, Note, NoteKind, OneOrMany, PUBLIC, Timestamp, Tombstone,
};
use crate::db::models::actor::Actor;
use crate::db::models::post::{Post, Visibility};

/// The followers collection of an actor.
pub fn followers_of(actor: &Actor) -> String {
    actor.followers_url.clone().unwrap_or_else(|| format!("{}/followers", actor.ap_id))
}

/// Who sees a post: (to, cc) by its visibility, as Mastodon addresses them; a post in a group
/// is addressed to the group (FEP-1b12), and the people it mentions are in `cc`.
pub fn addressing(post: &Post, author: &Actor, group: Option<&Actor>) -> (Addresses, Addresses) {
    let followers = followers_of(author);
    let (mut to, mut cc): (Vec<String>, Vec<String>) = match (post.visibility, group) {
        (Visibility::Public, Some(g)) => (vec![g.ap_id.clone(), PUBLIC.into()], vec![]),
        (Visibility::Unlisted, Some(g)) => (vec![g.ap_id.clone()], vec![PUBLIC.into()]),
        (_, Some(g)) => (vec![g.ap_id.clone()], vec![]),
        (Visibility::Public, None) => (vec![PUBLIC.into()], vec![followers]),
        (Visibility::Unlisted, None) => (vec![followers], vec![PUBLIC.into()]),
        (Visibility::Followers | Visibility::Members, None) => (vec![followers], vec![]),
        (Visibility::Direct, None) => (vec![], vec![]),
    };
    for (href, _) in mentioned(&post.content) {
        if !to.contains(&href) && !cc.contains(&href) {
            cc.push(href);
        }
    }
    to.dedup();
    (Addresses::list(to), Addresses::list(cc))
}

/// The mentions in stored HTML, as `util::markdown` links them: `(actor id, @name)`.
pub fn mentioned(content: &str) -> Vec<(String, String)> {
    const MARK: &str = "<span class=\"h-card\"><a href=\"";
    let mut out = Vec::new();
    let mut rest = content;
    while let Some(at) = rest.find(MARK) {
        rest = &rest[at + MARK.len()..];
        let Some(end) = rest.find('"') else { break };
        let href = rest[..end].replace("&amp;", "&");
        let name = rest.find('>').and_then(|s| rest[s + 1..].find("</a>").map(|e| &rest[s + 1..s + 1 + e]));
        if let Some(name) = name.filter(|n| n.starts_with('@')) {
            out.push((href, crate::util::html::plain_text(name)));
        }
    }
    out
}

/// The `Mention` and `Hashtag` tags of a post.
fn tags(post: &Post) -> Vec<Tag> {
    let mut tags: Vec<Tag> = mentioned(&post.content)
        .into_iter()
        .map(|(href, name)| Tag { kind: "Mention".into(), href: Some(href), name: Some(name) })
        .collect();
    let text = post.source.clone().unwrap_or_else(|| crate::util::html::plain_text(&post.content));
    tags.extend(crate::util::markdown::hashtags(&text).into_iter().map(|tag| Tag {
        kind: "Hashtag".into(),
        href: None,
        name: Some(format!("#{tag}")),
    }));
    tags
}

fn kind_of(post: &Post) -> NoteKind {
    if post.kind == "article" { NoteKind::Article } else { NoteKind::Note }
}

/// A post as a Note or Article object, with its attachments (see `media::ap_attachments`);
/// `group`: the group it was written in.
pub fn note(post: &Post, author: &Actor, group: Option<&Actor>, attachments: Vec<Attachment>) -> Note {
    let (to, cc) = addressing(post, author, group);
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
        tag: OneOrMany::Many(tags(post)),
        attachment: OneOrMany::Many(attachments),
        name: post.name.clone(),
        updated: post.updated_at.map(Timestamp::from),
        content_map: post.language.clone().map(|lang| [(lang, post.content.clone())].into()),
        audience: group.map(|g| Id(g.ap_id.clone())),
        source: post.source.clone().map(|content| Source { content, media_type: "text/markdown".into() }),
        actor: None,
    }
}

/// The id of a post's Create: it follows from the post's, so the outbox can list it.
pub fn create_id(post: &Post) -> String {
    format!("{}/activity", post.ap_id)
}

/// The Create of a post, addressed as the post is.
pub fn create(post: &Post, author: &Actor, group: Option<&Actor>, attachments: Vec<Attachment>) -> Activity<Note> {
    let note = note(post, author, group, attachments);
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
pub fn delete(id: String, author: &Actor, post: &Post, group: Option<&Actor>) -> Activity<Tombstone> {
    let (to, cc) = addressing(post, author, group);
    Activity::new(id, ActivityKind::Delete, author.ap_id.clone(), tombstone(post)).to(to).cc(cc)
}
