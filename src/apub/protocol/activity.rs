//! Activities: the verbs (Create, Update, Delete, Follow, Accept, Reject, Undo, Like, Announce,
//! Join, Leave, Invite, Add, Remove, Flag) and what their `object` can be.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use url::Url;

use super::event::Event;
use super::member::MemberObject;
use super::note::{Note, NoteKind};
use super::tombstone::Tombstone;
use super::values::{Addresses, Id, Timestamp, from_value, lenient};

/// The verbs. An unknown one is kept by name: it is well-formed, accepted and ignored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ActivityKind {
    Create,
    Update,
    Delete,
    Follow,
    Accept,
    Reject,
    Undo,
    Like,
    Announce,
    Join,
    Leave,
    Invite,
    Add,
    Remove,
    Flag,
    Block,
    Other(String),
}

impl ActivityKind {
    pub const KNOWN: [ActivityKind; 16] = [
        ActivityKind::Create,
        ActivityKind::Update,
        ActivityKind::Delete,
        ActivityKind::Follow,
        ActivityKind::Accept,
        ActivityKind::Reject,
        ActivityKind::Undo,
        ActivityKind::Like,
        ActivityKind::Announce,
        ActivityKind::Join,
        ActivityKind::Leave,
        ActivityKind::Invite,
        ActivityKind::Add,
        ActivityKind::Remove,
        ActivityKind::Flag,
        ActivityKind::Block,
    ];

    pub fn as_str(&self) -> &str {
        match self {
            ActivityKind::Create => "Create",
            ActivityKind::Update => "Update",
            ActivityKind::Delete => "Delete",
            ActivityKind::Follow => "Follow",
            ActivityKind::Accept => "Accept",
            ActivityKind::Reject => "Reject",
            ActivityKind::Undo => "Undo",
            ActivityKind::Like => "Like",
            ActivityKind::Announce => "Announce",
            ActivityKind::Join => "Join",
            ActivityKind::Leave => "Leave",
            ActivityKind::Invite => "Invite",
            ActivityKind::Add => "Add",
            ActivityKind::Remove => "Remove",
            ActivityKind::Flag => "Flag",
            ActivityKind::Block => "Block",
            ActivityKind::Other(other) => other,
        }
    }

    pub fn parse(s: &str) -> ActivityKind {
        ActivityKind::KNOWN.into_iter().find(|k| k.as_str() == s).unwrap_or_else(|| ActivityKind::Other(s.to_string()))
    }
}

impl fmt::Display for ActivityKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for ActivityKind {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for ActivityKind {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(|s| ActivityKind::parse(&s))
    }
}

/// An activity with an `object` of type `O`: outgoing ones name what they carry exactly
/// (`Activity<Note>`, `Activity<Id>`); incoming ones are `Activity<Object>`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Activity<O> {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: ActivityKind,
    pub actor: Id,
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "lenient")]
    pub published: Option<Timestamp>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<Addresses>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cc: Option<Addresses>,
    pub object: O,
    /// What a `Flag` says about its objects (the reporter's comment).
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "lenient")]
    pub content: Option<String>,
    /// Where an `Add`/`Remove`/`Invite` goes (a collection, an invitee).
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "lenient")]
    pub target: Option<Id>,
}

impl<O> Activity<O> {
    /// A new activity with no addressing.
    pub fn new(id: impl Into<String>, kind: ActivityKind, actor: impl Into<String>, object: O) -> Activity<O> {
        Activity {
            id: id.into(),
            kind,
            actor: Id(actor.into()),
            published: None,
            to: None,
            cc: None,
            object,
            content: None,
            target: None,
        }
    }

    pub fn to(mut self, to: Addresses) -> Self {
        self.to = Some(to);
        self
    }

    pub fn cc(mut self, cc: Addresses) -> Self {
        self.cc = Some(cc);
        self
    }

    pub fn published(mut self, at: Timestamp) -> Self {
        self.published = Some(at);
        self
    }

    /// The activity's id and actor, which must be http(s) URLs.
    pub fn envelope(&self) -> Result<(Url, Url), ParseError> {
        let url = |field: &str, value: &str| {
            Url::parse(value)
                .ok()
                .filter(|u| matches!(u.scheme(), "http" | "https"))
                .ok_or_else(|| ParseError::new(field, "not an http(s) URL"))
        };
        Ok((url("id", &self.id)?, url("actor", self.actor.as_str())?))
    }
}

/// What an incoming activity's `object` is: a link, or an embedded object or activity,
/// read by its `type`. Types without an effect here keep only their type and id.
#[derive(Debug, Clone, PartialEq)]
pub enum Object {
    Link(String),
    Post(Box<Note>),
    Event(Box<Event>),
    /// An actor (in an `Update` of itself): its type and id.
    Actor {
        kind: String,
        id: String,
    },
    Tombstone(Tombstone),
    Activity(Box<EmbeddedActivity>),
    Other {
        kind: String,
        id: Option<String>,
    },
    /// Several objects (a `Flag` of an account and its posts).
    List(Vec<Object>),
    /// Mobilizon's `Member` of a group.
    Member(Box<MemberObject>),
}

impl Object {
    pub fn id(&self) -> Option<&str> {
        match self {
            Object::Link(id) | Object::Actor { id, .. } => Some(id),
            Object::Post(note) => Some(&note.id),
            Object::Event(event) => Some(&event.id),
            Object::Tombstone(t) => Some(&t.id),
            Object::Activity(a) => a.id.as_deref(),
            Object::Other { id, .. } => id.as_deref(),
            Object::List(items) => items.first().and_then(Object::id),
            Object::Member(m) => m.id.as_deref(),
        }
    }

    pub fn kind(&self) -> Option<&str> {
        match self {
            Object::Link(_) => None,
            Object::Post(note) => Some(note.kind.as_str()),
            Object::Event(event) => Some(&event.kind),
            Object::Actor { kind, .. } | Object::Other { kind, .. } => Some(kind),
            Object::Tombstone(t) => Some(&t.kind),
            Object::Activity(a) => Some(a.kind.as_str()),
            Object::List(_) => None,
            Object::Member(_) => Some("Member"),
        }
    }
}

impl<'de> Deserialize<'de> for Object {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        let value = serde_json::Value::deserialize(deserializer)?;
        let map = match value {
            serde_json::Value::String(link) => return Ok(Object::Link(link)),
            serde_json::Value::Object(ref map) => map,
            serde_json::Value::Array(items) => {
                return items
                    .into_iter()
                    .map(from_value)
                    .collect::<Result<_, _>>()
                    .map(Object::List)
                    .map_err(D::Error::custom);
            }
            _ => return Err(D::Error::custom("expected a link, an object or a list of them")),
        };
        let kind = map.get("type").and_then(serde_json::Value::as_str).unwrap_or_default().to_string();
        let id = map.get("id").and_then(serde_json::Value::as_str).map(str::to_string);
        if NoteKind::parse(&kind).is_some() {
            return from_value(value).map(|note| Object::Post(Box::new(note))).map_err(D::Error::custom);
        }
        if super::ACTOR_TYPES.contains(&kind.as_str()) {
            let id = id.ok_or_else(|| D::Error::custom("id: missing"))?;
            return Ok(Object::Actor { kind, id });
        }
        match kind.as_str() {
            "Tombstone" => from_value(value).map(Object::Tombstone).map_err(D::Error::custom),
            "Member" => from_value(value).map(|m| Object::Member(Box::new(m))).map_err(D::Error::custom),
            // Events are read tolerantly: one this server cannot use yet is still accepted.
            "Event" => Ok(from_value(value).map_or(Object::Other { kind, id }, |e| Object::Event(Box::new(e)))),
            _ if !matches!(ActivityKind::parse(&kind), ActivityKind::Other(_)) => {
                from_value(value).map(|a| Object::Activity(Box::new(a))).map_err(D::Error::custom)
            }
            _ => Ok(Object::Other { kind, id }),
        }
    }
}

impl Serialize for Object {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Object::Link(id) => serializer.serialize_str(id),
            Object::Post(note) => note.serialize(serializer),
            Object::Event(event) => event.serialize(serializer),
            Object::Tombstone(t) => t.serialize(serializer),
            Object::Activity(a) => a.serialize(serializer),
            Object::Actor { kind, id } => serde_json::json!({"type": kind, "id": id}).serialize(serializer),
            Object::Other { kind, id } => serde_json::json!({"type": kind, "id": id}).serialize(serializer),
            Object::List(items) => items.serialize(serializer),
            Object::Member(m) => {
                serde_json::json!({"type": "Member", "id": m.id, "actor": m.actor, "object": m.object, "role": m.role})
                    .serialize(serializer)
            }
        }
    }
}

/// An activity inside another (the Follow an Accept answers, the Like an Undo takes back).
/// Servers leave out parts of it, so all but its type are optional.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct EmbeddedActivity {
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "lenient")]
    pub id: Option<String>,
    #[serde(rename = "type")]
    pub kind: ActivityKind,
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "lenient")]
    pub actor: Option<Id>,
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "lenient")]
    pub object: Option<Id>,
}

/// An activity that could not be read, with the field at fault (`object.attributedTo`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub field: String,
    pub message: String,
}

impl ParseError {
    pub fn new(field: &str, message: impl Into<String>) -> ParseError {
        ParseError { field: field.to_string(), message: message.into() }
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.field.is_empty() { f.write_str(&self.message) } else { write!(f, "{}: {}", self.field, self.message) }
    }
}

impl std::error::Error for ParseError {}

impl Activity<Object> {
    /// Reads an incoming activity from its JSON.
    pub fn parse(body: &[u8]) -> Result<Activity<Object>, ParseError> {
        let mut json = serde_json::Deserializer::from_slice(body);
        let parsed = serde_path_to_error::deserialize(&mut json).map_err(|e| {
            let field = e.path().to_string();
            let field = if field == "." { String::new() } else { field };
            ParseError { field, message: e.into_inner().to_string() }
        })?;
        json.end().map_err(|e| ParseError::new("", e.to_string()))?;
        Ok(parsed)
    }
}
