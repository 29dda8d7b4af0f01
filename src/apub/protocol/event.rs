//! Events, in the union of the shapes Mobilizon, Gancio and FEP-8a8e send. Buurt reads them
//! (a `Create(Event)` is accepted; storing events comes with the events feature).

use serde::{Deserialize, Serialize};

use super::collection::Collection;
use super::note::{Attachment, Tag};
use super::place::Place;
use super::values::{Addresses, Id, Links, OneOrMany, Timestamp, lenient};

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Event {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: String,
    /// Plain text (FEP-8a8e).
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "lenient")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "lenient")]
    pub content: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "lenient")]
    pub media_type: Option<String>,
    /// What Mastodon shows: date, time and place in words.
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "lenient")]
    pub summary: Option<String>,
    /// The group, or the organizer when there is no group.
    #[serde(default)]
    pub attributed_to: OneOrMany<Id>,
    /// Mobilizon: the organizer, next to a group in `attributedTo`.
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "lenient")]
    pub actor: Option<Id>,
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "lenient")]
    pub audience: Option<Id>,
    #[serde(default)]
    pub to: Addresses,
    #[serde(default)]
    pub cc: Addresses,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<Links>,
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "lenient")]
    pub start_time: Option<Timestamp>,
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "lenient")]
    pub end_time: Option<Timestamp>,
    /// An IANA zone name (Mobilizon, FEP-8a8e; Gancio sends none).
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "lenient")]
    pub timezone: Option<String>,
    /// A `Place`, a `VirtualLocation`, or both in a list (a hybrid event).
    #[serde(default)]
    pub location: OneOrMany<Place>,
    /// `free`, `restricted`, `invite`, `external` or `none`.
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "lenient")]
    pub join_mode: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "lenient")]
    pub external_participation_url: Option<String>,
    /// 0 is unlimited (Mobilizon).
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "lenient")]
    pub maximum_attendee_capacity: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "lenient")]
    pub remaining_attendee_capacity: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "lenient")]
    pub participant_count: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "lenient")]
    pub attendees: Option<Collection>,
    /// `TENTATIVE`, `CONFIRMED` or `CANCELLED` (Mobilizon).
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "lenient")]
    pub status: Option<String>,
    /// FEP-8a8e: `EventScheduled`, `EventCancelled`, …
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "lenient")]
    pub event_status: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "lenient")]
    pub category: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "lenient")]
    pub is_online: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "lenient")]
    pub comments_enabled: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "lenient")]
    pub draft: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "lenient")]
    pub in_language: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "lenient")]
    pub published: Option<Timestamp>,
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "lenient")]
    pub updated: Option<Timestamp>,
    #[serde(default)]
    pub tag: OneOrMany<Tag>,
    #[serde(default)]
    pub attachment: OneOrMany<Attachment>,
}

impl Event {
    /// The physical place: the first location with an address or coordinates.
    pub fn place(&self) -> Option<&Place> {
        self.location.iter().find(|p| p.kind != "VirtualLocation" && (p.address.is_some() || p.latitude.is_some()))
    }

    /// The banner: FEP-8a8e's `isBannerImage`, else Mobilizon's attachment named "Banner",
    /// else the first image.
    pub fn banner(&self) -> Option<&Attachment> {
        let image = |a: &&Attachment| a.media_type().is_some_and(|t| t.starts_with("image/"));
        self.attachment
            .iter()
            .find(|a| a.is_banner_image == Some(true))
            .or_else(|| self.attachment.iter().find(|a| a.name.as_deref() == Some("Banner")))
            .or_else(|| self.attachment.iter().find(image))
    }
}
