//! What goes on the wire: ActivityStreams JSON structs, kept apart from database rows.

use activitypub_federation::fetch::object_id::ObjectId;
use activitypub_federation::protocol::public_key::PublicKey;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use url::Url;

use super::actor::DbActor;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Endpoints {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shared_inbox: Option<Url>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Image {
    #[serde(rename = "type")]
    pub kind: String,
    pub url: Url,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media_type: Option<String>,
}

/// Any actor: Person, Group, Application, Organization or Service. Optional fields are what
/// real servers sometimes leave out; `name` may be null.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ActorJson {
    #[serde(rename = "type")]
    pub kind: String,
    pub id: ObjectId<DbActor>,
    pub preferred_username: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub summary: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<serde_json::Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub icon: Option<serde_json::Value>,
    /// The header image.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<serde_json::Value>,
    pub inbox: Url,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outbox: Option<Url>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub followers: Option<Url>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub following: Option<Url>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub featured: Option<Url>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endpoints: Option<Endpoints>,
    /// Some servers put the shared inbox at the top level.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shared_inbox: Option<Url>,
    pub public_key: PublicKey,
    #[serde(default)]
    pub discoverable: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub indexable: Option<bool>,
    #[serde(default)]
    pub manually_approves_followers: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub webfinger: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated: Option<DateTime<Utc>>,
    /// Where a group meets: an ActivityStreams `Place`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<serde_json::Value>,
}

impl ActorJson {
    pub fn shared_inbox(&self) -> Option<&Url> {
        self.endpoints.as_ref().and_then(|e| e.shared_inbox.as_ref()).or(self.shared_inbox.as_ref())
    }

    /// The first URL of `icon`, which may be an object, a list or a plain URL.
    pub fn icon_url(&self) -> Option<String> {
        first_url(self.icon.as_ref()?)
    }

    /// The first URL of `image` (the header).
    pub fn image_url(&self) -> Option<String> {
        first_url(self.image.as_ref()?)
    }

    /// The profile page: `url` as a string, a Link object or a list of them.
    pub fn profile_url(&self) -> Option<String> {
        first_url(self.url.as_ref()?)
    }
}

/// An http(s) URL out of the shapes ActivityStreams allows: "…", {"url": …}, {"href": …} or a
/// list (the first http(s) one). Other schemes (`javascript:`, `data:`, …) from another server
/// never count: they would end up in links on pages and in apps.
pub fn first_url(value: &serde_json::Value) -> Option<String> {
    match value {
        serde_json::Value::String(s) => {
            Url::parse(s).ok().filter(|u| matches!(u.scheme(), "http" | "https")).map(|u| u.to_string())
        }
        serde_json::Value::Array(items) => items.iter().find_map(first_url),
        serde_json::Value::Object(map) => map.get("href").or_else(|| map.get("url")).and_then(first_url),
        _ => None,
    }
}

/// An `OrderedCollection` with its newest items inline and a first page, so readers that
/// expect either find what they need.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderedCollection {
    #[serde(rename = "type")]
    pub kind: String,
    pub id: Url,
    pub total_items: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first: Option<Url>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last: Option<Url>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ordered_items: Vec<serde_json::Value>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderedCollectionPage {
    #[serde(rename = "type")]
    pub kind: String,
    pub id: Url,
    pub part_of: Url,
    pub total_items: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next: Option<Url>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prev: Option<Url>,
    pub ordered_items: Vec<serde_json::Value>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn only_http_urls_are_taken_from_remote_objects() {
        for value in [
            json!("javascript:alert(1)"),
            json!("JavaScript:alert(1)"),
            json!("data:text/html,<script>alert(1)</script>"),
            json!("vbscript:msgbox(1)"),
            json!("file:///etc/passwd"),
            json!({"type": "Link", "href": "javascript:alert(1)"}),
            json!({"type": "Image", "url": "data:image/svg+xml,<svg/>"}),
            json!(["javascript:alert(1)"]),
            json!("not a url"),
            json!(42),
        ] {
            assert_eq!(first_url(&value), None, "{value}");
        }
        assert_eq!(first_url(&json!("https://a.example/@anna")).as_deref(), Some("https://a.example/@anna"));
        assert_eq!(first_url(&json!("http://a.example/x")).as_deref(), Some("http://a.example/x"));
        // The first http(s) one of a list; a bad one before it is skipped, not the whole field.
        let list = json!(["javascript:alert(1)", {"href": "data:,x"}, {"type": "Link", "href": "https://a.example/p"}]);
        assert_eq!(first_url(&list).as_deref(), Some("https://a.example/p"));
    }
}
