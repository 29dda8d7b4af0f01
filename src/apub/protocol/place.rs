//! Places: an ActivityStreams `Place` with a schema.org `PostalAddress` (Mobilizon's shape), or
//! a `VirtualLocation` (FEP-8a8e, Gancio).

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::values::{Links, NumberOrString, lenient, lenient_or_default};

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Place {
    /// `Place`, or `VirtualLocation` for an online one.
    #[serde(rename = "type", default = "place_type", deserialize_with = "place_kind")]
    pub kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "lenient")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "lenient")]
    pub name: Option<String>,
    /// Numbers, or strings holding them.
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "lenient")]
    pub latitude: Option<NumberOrString>,
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "lenient")]
    pub longitude: Option<NumberOrString>,
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "lenient")]
    pub address: Option<Address>,
    /// A virtual location's URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<Links>,
}

fn place_type() -> String {
    "Place".into()
}

fn place_kind<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    let kind: String = lenient_or_default(deserializer)?;
    Ok(if kind.is_empty() { place_type() } else { kind })
}

/// An address: a `PostalAddress`, or plain text (Gancio).
#[derive(Debug, Clone, PartialEq)]
pub enum Address {
    Postal(PostalAddress),
    Text(String),
}

impl Serialize for Address {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Address::Postal(postal) => postal.serialize(serializer),
            Address::Text(text) => serializer.serialize_str(text),
        }
    }
}

impl<'de> Deserialize<'de> for Address {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        match serde_json::Value::deserialize(deserializer)? {
            serde_json::Value::String(text) => Ok(Address::Text(text)),
            other => PostalAddress::deserialize(other).map(Address::Postal).map_err(serde::de::Error::custom),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct PostalAddress {
    #[serde(rename = "type", default = "postal_type", deserialize_with = "lenient_or_default")]
    pub kind: String,
    #[serde(default, deserialize_with = "lenient_or_default")]
    pub street_address: String,
    #[serde(default, deserialize_with = "lenient_or_default")]
    pub postal_code: String,
    #[serde(default, deserialize_with = "lenient_or_default")]
    pub address_locality: String,
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "lenient")]
    pub address_region: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "lenient")]
    pub address_country: Option<String>,
}

fn postal_type() -> String {
    "PostalAddress".into()
}
