//! The tolerant shapes of ActivityStreams values: one value or a list, a link as a string or an
//! object with `id`, URLs in their several forms, timestamps; read leniently, written exactly.

use std::fmt;

use chrono::{DateTime, Utc};
use serde::de::{self, DeserializeOwned, IgnoredAny, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;
use url::Url;

/// One value or a list of them, written back in the shape it has. A list item of another shape
/// is skipped, and so is a single value of another shape (servers add kinds we do not know;
/// what is not understood is not used).
#[derive(Debug, Clone, PartialEq)]
pub enum OneOrMany<T> {
    One(T),
    Many(Vec<T>),
}

impl<T> Default for OneOrMany<T> {
    fn default() -> Self {
        OneOrMany::Many(Vec::new())
    }
}

impl<T> OneOrMany<T> {
    pub fn iter(&self) -> std::slice::Iter<'_, T> {
        match self {
            OneOrMany::One(one) => std::slice::from_ref(one).iter(),
            OneOrMany::Many(many) => many.iter(),
        }
    }

    pub fn first(&self) -> Option<&T> {
        self.iter().next()
    }

    pub fn is_empty(&self) -> bool {
        self.iter().next().is_none()
    }
}

impl<T> From<Vec<T>> for OneOrMany<T> {
    fn from(items: Vec<T>) -> Self {
        OneOrMany::Many(items)
    }
}

impl<T: Serialize> Serialize for OneOrMany<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            OneOrMany::One(one) => one.serialize(serializer),
            OneOrMany::Many(many) => many.serialize(serializer),
        }
    }
}

impl<'de, T: DeserializeOwned> Deserialize<'de> for OneOrMany<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(match Value::deserialize(deserializer)? {
            Value::Array(items) => {
                OneOrMany::Many(items.into_iter().filter_map(|item| T::deserialize(item).ok()).collect())
            }
            Value::Null => OneOrMany::default(),
            one => T::deserialize(one).map_or_else(|_| OneOrMany::default(), OneOrMany::One),
        })
    }
}

/// A reference to an object: its id, given as a string or as an object with `id`. Written as
/// the string.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Id(pub String);

impl Id {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl From<&str> for Id {
    fn from(s: &str) -> Self {
        Id(s.to_string())
    }
}

impl From<String> for Id {
    fn from(s: String) -> Self {
        Id(s)
    }
}

impl fmt::Display for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for Id {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Id {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct IdVisitor;
        impl<'de> Visitor<'de> for IdVisitor {
            type Value = Id;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a link: a string, or an object with an `id`")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Id, E> {
                Ok(Id(v.to_string()))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Id, E> {
                Ok(Id(v))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Id, A::Error> {
                let mut id = None;
                while let Some(key) = map.next_key::<String>()? {
                    if key == "id" && id.is_none() {
                        id = Some(map.next_value::<String>()?);
                    } else {
                        map.next_value::<IgnoredAny>()?;
                    }
                }
                id.map(Id).ok_or_else(|| de::Error::custom("an object without `id`"))
            }
        }
        deserializer.deserialize_any(IdVisitor)
    }
}

/// Addressing (`to`, `cc`): ids, one or a list; always written as a list.
pub type Addresses = OneOrMany<Id>;

impl Addresses {
    pub fn list(ids: impl IntoIterator<Item = impl Into<String>>) -> Addresses {
        OneOrMany::Many(ids.into_iter().map(|id| Id(id.into())).collect())
    }

    pub fn contains(&self, id: &str) -> bool {
        self.iter().any(|a| a.0 == id)
    }
}

/// URLs in the shapes ActivityStreams allows for `url`, `href` and an image's `url`: "…",
/// `{"href": …}` or `{"url": …}` (a `Link` or an `Image`), or a list of those. Each candidate
/// keeps the `mediaType` of the Link it came in. Written as the string when there is one.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Links(pub Vec<LinkItem>);

#[derive(Debug, Clone, PartialEq)]
pub struct LinkItem {
    pub href: String,
    pub media_type: Option<String>,
}

impl Links {
    pub fn one(href: impl Into<String>) -> Links {
        Links(vec![LinkItem { href: href.into(), media_type: None }])
    }

    /// The first http(s) URL. Other schemes (`javascript:`, `data:`, …) from another server
    /// never count: they would end up in links on pages and in apps.
    pub fn first_http(&self) -> Option<&LinkItem> {
        self.0.iter().find(|item| is_http_url(&item.href))
    }

    /// The first http(s) URL, normalized.
    pub fn first_url(&self) -> Option<String> {
        self.first_http().and_then(|item| Url::parse(&item.href).ok()).map(|u| u.to_string())
    }

    fn collect(value: &Value, media_type: Option<&str>, out: &mut Vec<LinkItem>) {
        match value {
            Value::String(s) => out.push(LinkItem { href: s.clone(), media_type: media_type.map(str::to_string) }),
            Value::Array(items) => items.iter().for_each(|item| Links::collect(item, media_type, out)),
            Value::Object(map) => {
                let own = map.get("mediaType").and_then(Value::as_str).or(media_type);
                if let Some(inner) = map.get("href").or_else(|| map.get("url")) {
                    Links::collect(inner, own, out);
                }
            }
            _ => {}
        }
    }
}

fn is_http_url(s: &str) -> bool {
    Url::parse(s).is_ok_and(|u| matches!(u.scheme(), "http" | "https"))
}

impl Serialize for Links {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.0.as_slice() {
            [one] => serializer.serialize_str(&one.href),
            many => serializer.collect_seq(many.iter().map(|item| &item.href)),
        }
    }
}

impl<'de> Deserialize<'de> for Links {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(deserializer)?;
        let mut out = Vec::new();
        Links::collect(&value, None, &mut out);
        Ok(Links(out))
    }
}

/// A point in time, written as RFC 3339 in whole seconds and UTC (`2026-11-29T10:00:00Z`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Timestamp(pub DateTime<Utc>);

impl Timestamp {
    pub fn naive(&self) -> chrono::NaiveDateTime {
        self.0.naive_utc()
    }
}

impl From<chrono::NaiveDateTime> for Timestamp {
    fn from(t: chrono::NaiveDateTime) -> Self {
        Timestamp(t.and_utc())
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        DateTime::parse_from_rfc3339(&s)
            .map(|t| Timestamp(t.with_timezone(&Utc)))
            .map_err(|e| de::Error::custom(format!("not an RFC 3339 time: {e}")))
    }
}

/// For `#[serde(deserialize_with)]` on an optional field: a value of another shape counts as
/// absent, as servers fill fields in ways we need not understand to use the rest.
pub fn lenient<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: DeserializeOwned,
{
    Ok(T::deserialize(Value::deserialize(deserializer)?).ok())
}

/// Like [`lenient`], for a field with a default.
pub fn lenient_or_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: DeserializeOwned + Default,
{
    Ok(lenient(deserializer)?.unwrap_or_default())
}

/// A string that may come as a number (coordinates, capacities): kept as written.
#[derive(Debug, Clone, PartialEq)]
pub enum NumberOrString {
    Number(serde_json::Number),
    String(String),
}

impl NumberOrString {
    pub fn text(&self) -> String {
        match self {
            NumberOrString::Number(n) => n.to_string(),
            NumberOrString::String(s) => s.clone(),
        }
    }
}

impl Serialize for NumberOrString {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            NumberOrString::Number(n) => n.serialize(serializer),
            NumberOrString::String(s) => s.serialize(serializer),
        }
    }
}

impl<'de> Deserialize<'de> for NumberOrString {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        match Value::deserialize(deserializer)? {
            Value::Number(n) => Ok(NumberOrString::Number(n)),
            Value::String(s) => Ok(NumberOrString::String(s)),
            other => Err(de::Error::custom(format!("expected a number, got {other}"))),
        }
    }
}

/// A JSON value deserialized as `T` with the path of what went wrong in the message
/// (`attributedTo: …`), for values read in two steps (by their `type` first).
pub fn from_value<T: DeserializeOwned>(value: Value) -> Result<T, String> {
    serde_path_to_error::deserialize(value).map_err(|e| match e.path().to_string().as_str() {
        "." => e.inner().to_string(),
        path => format!("{path}: {}", e.inner()),
    })
}
