//! Mobilizon's `Member`: who belongs to which group in which role, as other servers send it in
//! an `Accept` (of a Join or an Invite), an `Update` (a changed role) or a `Remove`.

use serde::{Deserialize, Serialize};

use super::values::{Id, lenient};

/// An incoming `Member`; servers leave out parts, so all but its type are optional.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct MemberObject {
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "lenient")]
    pub id: Option<String>,
    /// The person.
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "lenient")]
    pub actor: Option<Id>,
    /// The group.
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "lenient")]
    pub object: Option<Id>,
    /// Mobilizon's role: `invited`, `not_approved`, `member`, `moderator`, `administrator`,
    /// `creator` or `rejected`.
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "lenient")]
    pub role: Option<String>,
}
