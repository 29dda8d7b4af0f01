//! Actors: Person, Group, Organization, Application and Service.

use activitypub_federation::protocol::public_key::PublicKey;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize};
use url::Url;

use super::place::Place;
use super::values::{Links, OneOrMany, lenient};

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Endpoints {
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "lenient")]
    pub shared_inbox: Option<Url>,
}

/// An image (avatar, header, logo): an `Image` object, or just its URL.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Image {
    #[serde(rename = "type")]
    pub kind: String,
    pub url: Links,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media_type: Option<String>,
}

impl<'de> Deserialize<'de> for Image {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Object {
            #[serde(rename = "type", default, deserialize_with = "super::values::lenient_or_default")]
            kind: String,
            #[serde(default)]
            url: Links,
            #[serde(default)]
            href: Links,
            #[serde(default, deserialize_with = "lenient")]
            media_type: Option<String>,
        }
        match serde_json::Value::deserialize(deserializer)? {
            serde_json::Value::String(url) => {
                Ok(Image { kind: "Image".into(), url: Links::one(url), media_type: None })
            }
            other => {
                let o = Object::deserialize(other).map_err(serde::de::Error::custom)?;
                let url = if o.url.0.is_empty() { o.href } else { o.url };
                Ok(Image {
                    kind: if o.kind.is_empty() { "Image".into() } else { o.kind },
                    url,
                    media_type: o.media_type,
                })
            }
        }
    }
}

/// Any actor. Optional fields are what real servers sometimes leave out: `preferredUsername`
/// too (ActivityStreams does not require it; see [`ActorJson::username`]); `name` may be null.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ActorJson {
    #[serde(rename = "type")]
    pub kind: String,
    pub id: Url,
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "lenient")]
    pub preferred_username: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    pub summary: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<Links>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub icon: Option<OneOrMany<Image>>,
    /// The header image.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<OneOrMany<Image>>,
    pub inbox: Url,
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "lenient")]
    pub outbox: Option<Url>,
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "lenient")]
    pub followers: Option<Url>,
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "lenient")]
    pub following: Option<Url>,
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "lenient")]
    pub featured: Option<Url>,
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "lenient")]
    pub endpoints: Option<Endpoints>,
    /// Some servers put the shared inbox at the top level.
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "lenient")]
    pub shared_inbox: Option<Url>,
    pub public_key: PublicKey,
    #[serde(default, deserialize_with = "lenient")]
    pub discoverable: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "lenient")]
    pub indexable: Option<bool>,
    #[serde(default, deserialize_with = "lenient")]
    pub manually_approves_followers: Option<bool>,
    /// FEP-2c59: the actor's `acct:` address.
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "lenient")]
    pub webfinger: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "lenient")]
    pub published: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "lenient")]
    pub updated: Option<DateTime<Utc>>,
    /// Where a group meets: an ActivityStreams `Place`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<OneOrMany<Place>>,
    /// A group's moderators collection (Lemmy reads the moderators from here).
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "lenient")]
    pub attributed_to: Option<Url>,
    /// A group's members collection (Mobilizon).
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "lenient")]
    pub members: Option<Url>,
    /// Only a group's moderators start threads (Lemmy).
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "lenient")]
    pub posting_restricted_to_mods: Option<bool>,
    /// What kind of group this is on Buurt (`neighbourhood`, `interest`, `organisation`).
    #[serde(
        rename = "buurt:groupKind",
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient"
    )]
    pub group_kind: Option<String>,
    /// Who may join a Buurt group (`open`, `approval`, `invite`).
    #[serde(rename = "buurt:openness", default, skip_serializing_if = "Option::is_none", deserialize_with = "lenient")]
    pub openness: Option<String>,
    /// A Buurt neighbourhood's boundary: a GeoJSON Polygon or MultiPolygon in WGS 84.
    #[serde(rename = "buurt:boundary", default, skip_serializing_if = "Option::is_none")]
    pub boundary: Option<serde_json::Value>,
    /// What kind of organisation a Buurt `Organization` is (`association`, `business`,
    /// `care_provider`, `municipality`, `other`).
    #[serde(
        rename = "buurt:organisationType",
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient"
    )]
    pub org_type: Option<String>,
}

impl ActorJson {
    pub fn shared_inbox(&self) -> Option<&Url> {
        self.endpoints.as_ref().and_then(|e| e.shared_inbox.as_ref()).or(self.shared_inbox.as_ref())
    }

    /// The first http(s) URL of `icon`, which may be an object, a list or a plain URL.
    pub fn icon_url(&self) -> Option<String> {
        first_image_url(self.icon.as_ref()?)
    }

    /// The first http(s) URL of `image` (the header).
    pub fn image_url(&self) -> Option<String> {
        first_image_url(self.image.as_ref()?)
    }

    /// The profile page: `url` as a string, a Link object or a list of them.
    pub fn profile_url(&self) -> Option<String> {
        self.url.as_ref()?.first_url()
    }

    /// The name the actor goes by: `preferredUsername`; without one (ActivityStreams allows
    /// that), the name of its FEP-2c59 `webfinger` address on its own host, else the last
    /// segment of its id's path, else its host.
    pub fn username(&self) -> String {
        if let Some(name) = self.preferred_username.as_deref().map(str::trim).filter(|n| !n.is_empty()) {
            return name.to_string();
        }
        let id = &self.id;
        let host = super::domain_of(id);
        let from_webfinger = self.webfinger.as_deref().and_then(|w| {
            let (name, domain) = w.trim_start_matches("acct:").split_once('@')?;
            (domain.eq_ignore_ascii_case(&host) && !name.is_empty()).then(|| name.to_string())
        });
        from_webfinger.or_else(|| id.path_segments()?.rev().find(|s| !s.is_empty()).map(str::to_string)).unwrap_or(host)
    }

    /// The first usable place of `location`.
    pub fn place(&self) -> Option<&Place> {
        self.location.as_ref()?.first()
    }
}

fn first_image_url(images: &OneOrMany<Image>) -> Option<String> {
    images.iter().find_map(|i| i.url.first_url())
}

/// An http(s) URL out of the shapes ActivityStreams allows: "…", {"url": …}, {"href": …} or a
/// list (the first http(s) one). Other schemes from another server never count.
pub fn first_url(value: &serde_json::Value) -> Option<String> {
    Links::deserialize(value).ok()?.first_url()
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

    fn actor(extra: serde_json::Value) -> ActorJson {
        let mut doc = json!({"type": "Person", "id": "https://a.example/users/anna", "inbox": "https://a.example/inbox",
            "publicKey": {"id": "https://a.example/users/anna#k", "owner": "https://a.example/users/anna", "publicKeyPem": "x"}});
        if let (Some(doc), Some(extra)) = (doc.as_object_mut(), extra.as_object()) {
            doc.extend(extra.clone());
        }
        serde_json::from_value(doc).unwrap()
    }

    #[test]
    fn an_actor_without_preferred_username_is_named_after_its_address_or_id() {
        assert_eq!(actor(json!({})).username(), "anna");
        assert_eq!(actor(json!({"preferredUsername": "Anna"})).username(), "Anna");
        assert_eq!(actor(json!({"webfinger": "acct:ann@a.example"})).username(), "ann");
        // An address on another host does not name it.
        assert_eq!(actor(json!({"webfinger": "acct:ann@b.example"})).username(), "anna");
    }

    #[test]
    fn icons_come_as_objects_lists_or_urls() {
        for icon in [
            json!("https://a.example/i.png"),
            json!({"type": "Image", "url": "https://a.example/i.png"}),
            json!([{"type": "Image", "url": "javascript:x"}, {"type": "Image", "url": {"href": "https://a.example/i.png"}}]),
        ] {
            assert_eq!(actor(json!({"icon": icon})).icon_url().as_deref(), Some("https://a.example/i.png"), "{icon}");
        }
    }
}
