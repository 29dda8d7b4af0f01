//! Posts: `Note`, `Article`, `Page` and `Question` share one shape; their attachments and tags.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::values::{Addresses, Id, Links, OneOrMany, Timestamp, lenient, lenient_or_default};

/// The object types stored as posts.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
pub enum NoteKind {
    Note,
    Article,
    Page,
    Question,
}

impl NoteKind {
    pub const ALL: [&'static str; 4] = ["Note", "Article", "Page", "Question"];

    pub fn parse(kind: &str) -> Option<NoteKind> {
        match kind {
            "Note" => Some(NoteKind::Note),
            "Article" => Some(NoteKind::Article),
            "Page" => Some(NoteKind::Page),
            "Question" => Some(NoteKind::Question),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            NoteKind::Note => "Note",
            NoteKind::Article => "Article",
            NoteKind::Page => "Page",
            NoteKind::Question => "Question",
        }
    }
}

/// A post. Only `id` and `type` are required; a field of an unexpected shape counts as absent.
/// Written, the fields Mastodon reads are always there (`summary` and `inReplyTo` as `null`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Note {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: NoteKind,
    /// One actor, or a list of actors (PeerTube, Lemmy: `[Person, Group]`).
    #[serde(default)]
    pub attributed_to: OneOrMany<Id>,
    #[serde(default, deserialize_with = "lenient_or_default")]
    pub content: String,
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "lenient")]
    pub media_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "lenient")]
    pub published: Option<Timestamp>,
    #[serde(default)]
    pub to: Addresses,
    #[serde(default)]
    pub cc: Addresses,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<Links>,
    #[serde(default, deserialize_with = "lenient_or_default")]
    pub sensitive: bool,
    #[serde(default, deserialize_with = "lenient")]
    pub summary: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    pub in_reply_to: Option<Id>,
    #[serde(default)]
    pub tag: OneOrMany<Tag>,
    #[serde(default)]
    pub attachment: OneOrMany<Attachment>,
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "lenient")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "lenient")]
    pub updated: Option<Timestamp>,
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "lenient")]
    pub content_map: Option<BTreeMap<String, String>>,
    /// The group it was written in (FEP-1b12).
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "lenient")]
    pub audience: Option<Id>,
    /// Mastodon's source of an edit: what the author typed (`{content, mediaType}`).
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "lenient")]
    pub source: Option<Source>,
    /// Mobilizon's member who wrote a group's post, whose `attributedTo` is the group. Never
    /// written by Buurt.
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "lenient")]
    pub actor: Option<Id>,
}

/// What the author typed, as Lemmy and Mastodon carry it beside the HTML.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Source {
    pub content: String,
    pub media_type: String,
}

impl Note {
    /// Whether `actor` is among the authors.
    pub fn attributed_to(&self, actor: &str) -> bool {
        self.attributed_to.iter().any(|a| a.as_str() == actor)
    }

    /// The language of the content, when `contentMap` names one.
    pub fn language(&self) -> Option<&str> {
        self.content_map.as_ref()?.keys().next().map(String::as_str)
    }

    /// Everyone addressed: `to`, `cc` and the actors of `Mention` tags.
    pub fn addressed(&self) -> Vec<&str> {
        let mut all: Vec<&str> = self.to.iter().chain(self.cc.iter()).map(Id::as_str).collect();
        all.extend(self.tag.iter().filter_map(|t| t.href.as_deref()));
        all
    }
}

/// A tag: `Mention`, `Hashtag`, `Emoji`, or a FEP-e232 `Link`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Tag {
    #[serde(rename = "type", default, deserialize_with = "lenient_or_default")]
    pub kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "lenient")]
    pub href: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "lenient")]
    pub name: Option<String>,
}

/// An attachment: a `Document` or `Image` (a photo), or a `Link` or `PropertyValue`
/// (Mobilizon's event metadata).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
#[serde(rename_all = "camelCase")]
pub struct Attachment {
    #[serde(rename = "type", default, deserialize_with = "lenient_or_default")]
    pub kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "lenient")]
    pub media_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<Links>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub href: Option<Links>,
    /// The alt text of an image.
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "lenient")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "lenient")]
    pub summary: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "lenient")]
    pub width: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "lenient")]
    pub height: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "lenient")]
    pub blurhash: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "lenient")]
    pub focal_point: Option<[f64; 2]>,
    /// FEP-8a8e: the event's banner.
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "lenient")]
    pub is_banner_image: Option<bool>,
    /// A `PropertyValue`'s value.
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "lenient")]
    pub value: Option<String>,
}

impl Attachment {
    /// The media type on the attachment or on the `Link` its `url` is.
    pub fn media_type(&self) -> Option<&str> {
        self.media_type.as_deref().or_else(|| self.url.as_ref()?.first_http()?.media_type.as_deref())
    }

    /// The first http(s) URL of `url` (or a `Link`'s `href`).
    pub fn url(&self) -> Option<String> {
        self.url.as_ref().or(self.href.as_ref())?.first_url()
    }
}
