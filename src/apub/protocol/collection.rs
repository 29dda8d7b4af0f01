//! Collections: outboxes, followers and following lists, pages of them; and the plain
//! `Collection` others link (Mobilizon's and FEP-8a8e's `attendees`).

use serde::{Deserialize, Serialize};
use url::Url;

use super::values::lenient;

/// An `OrderedCollection` with its newest items inline and a first page, so readers that
/// expect either find what they need.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderedCollection<T = serde_json::Value> {
    #[serde(rename = "type")]
    pub kind: String,
    pub id: Url,
    pub total_items: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first: Option<Url>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last: Option<Url>,
    #[serde(default = "Vec::new", skip_serializing_if = "Vec::is_empty")]
    pub ordered_items: Vec<T>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderedCollectionPage<T = serde_json::Value> {
    #[serde(rename = "type")]
    pub kind: String,
    pub id: Url,
    pub part_of: Url,
    pub total_items: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next: Option<Url>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prev: Option<Url>,
    pub ordered_items: Vec<T>,
}

/// A collection another server links, of which only the size is read.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Collection {
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "lenient")]
    pub total_items: Option<u64>,
}
