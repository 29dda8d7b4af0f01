//! What goes on the wire: typed ActivityStreams objects and activities, kept apart from database
//! rows and from the domain. Read tolerantly (see `values`), written exactly.

pub mod activity;
pub mod actor;
pub mod collection;
pub mod event;
pub mod member;
pub mod note;
pub mod place;
pub mod tombstone;
pub mod values;

pub use activity::{Activity, ActivityKind, EmbeddedActivity, Object, ParseError};
pub use actor::{ActorJson, Endpoints, Image, first_url};
pub use collection::{Collection, OrderedCollection, OrderedCollectionPage};
pub use event::Event;
pub use member::MemberObject;
pub use note::{Attachment, Note, NoteKind, Tag};
pub use place::{Address, Place, PostalAddress};
pub use tombstone::Tombstone;
pub use values::{Addresses, Id, Links, OneOrMany, Timestamp};

/// The public collection: addressed content is visible to anyone.
pub const PUBLIC: &str = "https://www.w3.org/ns/activitystreams#Public";

/// The public collection, in each of the forms servers write it.
pub fn is_public(address: &str) -> bool {
    address == PUBLIC || address == "as:Public" || address == "Public"
}

/// Actor types: what may sign activities and be followed.
pub const ACTOR_TYPES: &[&str] = &["Person", "Group", "Organization", "Application", "Service"];

/// Object and activity types Buurt reads from other servers (FEDERATION.md lists each; a test
/// checks it). Those without an effect yet are parsed and answered `202`.
pub const ACCEPTED: &[&str] = &[
    "Person",
    "Group",
    "Organization",
    "Application",
    "Service",
    "Note",
    "Article",
    "Page",
    "Question",
    "Event",
    "Place",
    "Tombstone",
    "Document",
    "Image",
    "Member",
    "Create",
    "Update",
    "Delete",
    "Follow",
    "Accept",
    "Reject",
    "Undo",
    "Like",
    "Announce",
    "Join",
    "Leave",
    "Invite",
    "Add",
    "Remove",
    "Flag",
    "Block",
];

/// Object and activity types Buurt sends or serves (FEDERATION.md lists each; a test checks it).
pub const EMITTED: &[&str] = &[
    "Person",
    "Group",
    "Organization",
    "Application",
    "Member",
    "Note",
    "Article",
    "Event",
    "Place",
    "VirtualLocation",
    "PostalAddress",
    "Collection",
    "Tombstone",
    "Document",
    "Image",
    "Mention",
    "Hashtag",
    "OrderedCollection",
    "OrderedCollectionPage",
    "Create",
    "Update",
    "Delete",
    "Follow",
    "Accept",
    "Reject",
    "Undo",
    "Like",
    "Announce",
    "Join",
    "Leave",
    "Invite",
    "Add",
    "Remove",
    "Block",
    "Flag",
    "Ignore",
];

/// `host[:port]` of a URL: the key of an instance, and what "the same host" compares.
pub fn domain_of(url: &url::Url) -> String {
    match (url.host_str(), url.port()) {
        (Some(h), Some(p)) => format!("{h}:{p}"),
        (Some(h), None) => h.to_string(),
        _ => String::new(),
    }
}

/// Whether two ids are URLs on the same host (and port).
pub fn same_host(a: &str, b: &str) -> bool {
    match (url::Url::parse(a), url::Url::parse(b)) {
        (Ok(a), Ok(b)) => domain_of(&a) == domain_of(&b),
        _ => false,
    }
}

/// The `@context` of everything we serve.
pub fn context() -> serde_json::Value {
    serde_json::json!([
        "https://www.w3.org/ns/activitystreams",
        "https://w3id.org/security/v1",
        {
            "toot": "http://joinmastodon.org/ns#",
            "discoverable": "toot:discoverable",
            "indexable": "toot:indexable",
            "featured": {"@id": "toot:featured", "@type": "@id"},
            "manuallyApprovesFollowers": "as:manuallyApprovesFollowers",
            "sensitive": "as:sensitive",
            "schema": "http://schema.org#",
            "PropertyValue": "schema:PropertyValue",
            "value": "schema:value",
            "webfinger": "https://purl.archive.org/socialweb/webfinger#webfinger",
            "blurhash": "toot:blurhash",
            "focalPoint": {"@container": "@list", "@id": "toot:focalPoint"}
        }
    ])
}
