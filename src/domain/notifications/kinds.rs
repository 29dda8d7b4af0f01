//! The registry of notification kinds. A feature that tells people something adds its kinds
//! here (join requests, event changes, RSVP answers, official responses, moderation decisions,
//! …): the stable name stored in `notification.kind`, the Mastodon type apps know it by (if
//! any), how people hear of it unless they chose otherwise, and whether several of it about one
//! thing are shown together.

/// How a person hears of a notification. In-app is always on unless they turn a kind off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// Not at all: no notification is written.
    Off,
    /// On the notifications page and in apps only.
    InApp,
    /// In-app, and by e-mail right away.
    Email,
    /// In-app, and in the daily digest.
    Daily,
    /// In-app, and in the weekly digest.
    Weekly,
}

impl Channel {
    pub const ALL: [Channel; 5] = [Channel::Off, Channel::InApp, Channel::Email, Channel::Daily, Channel::Weekly];

    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Off => "off",
            Channel::InApp => "in_app",
            Channel::Email => "email",
            Channel::Daily => "daily",
            Channel::Weekly => "weekly",
        }
    }

    pub fn parse(s: &str) -> Option<Channel> {
        Channel::ALL.into_iter().find(|c| c.as_str() == s)
    }
}

/// A kind of notification.
#[derive(Debug)]
pub struct Kind {
    /// Stored in `notification.kind` and `notification_preference.kind`; never renamed.
    pub name: &'static str,
    /// The `type` of Mastodon's Notification entity, for kinds apps know; the Mastodon API
    /// leaves out the others.
    pub mastodon: Option<&'static str>,
    /// How people hear of it until they choose.
    pub default: Channel,
    /// Several of it about one thing are shown as one ("3 neighbours liked your post").
    pub grouped: bool,
    /// Only staff receive it (and only staff see its preference).
    pub staff_only: bool,
}

pub static MENTION: Kind =
    Kind { name: "mention", mastodon: Some("mention"), default: Channel::Email, grouped: false, staff_only: false };
pub static REPLY: Kind =
    Kind { name: "reply", mastodon: Some("mention"), default: Channel::Email, grouped: false, staff_only: false };
pub static FOLLOW: Kind =
    Kind { name: "follow", mastodon: Some("follow"), default: Channel::Weekly, grouped: true, staff_only: false };
pub static FOLLOW_REQUEST: Kind = Kind {
    name: "follow_request",
    mastodon: Some("follow_request"),
    default: Channel::Weekly,
    grouped: false,
    staff_only: false,
};
pub static FAVOURITE: Kind =
    Kind { name: "favourite", mastodon: Some("favourite"), default: Channel::Weekly, grouped: true, staff_only: false };
pub static REBLOG: Kind =
    Kind { name: "reblog", mastodon: Some("reblog"), default: Channel::Weekly, grouped: true, staff_only: false };
pub static SIGN_UP: Kind = Kind {
    name: "sign_up",
    mastodon: Some("admin.sign_up"),
    default: Channel::Email,
    grouped: false,
    staff_only: true,
};

/// Every kind, in the order the preferences page lists them. Features add theirs here.
pub static KINDS: &[&Kind] = &[&MENTION, &REPLY, &FOLLOW, &FOLLOW_REQUEST, &FAVOURITE, &REBLOG, &SIGN_UP];

/// The kind of a stored name.
pub fn kind(name: &str) -> Option<&'static Kind> {
    KINDS.iter().copied().find(|k| k.name == name)
}

/// The kinds a Mastodon type stands for (`mention` covers replies too).
pub fn of_mastodon_type(t: &str) -> impl Iterator<Item = &'static Kind> + '_ {
    KINDS.iter().copied().filter(move |k| k.mastodon == Some(t))
}
