//! What stays at a deleted object's id.

use serde::{Deserialize, Serialize};

use super::values::{Timestamp, lenient};

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Tombstone {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: String,
    /// What it was: `Note`, `Article`, `Event`, …
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "lenient")]
    pub former_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "lenient")]
    pub deleted: Option<Timestamp>,
}

impl Tombstone {
    pub fn of(id: impl Into<String>, former_type: &str) -> Tombstone {
        Tombstone { id: id.into(), kind: "Tombstone".into(), former_type: Some(former_type.into()), deleted: None }
    }
}
