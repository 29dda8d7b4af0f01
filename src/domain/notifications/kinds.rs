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
    /// The channels a person may choose for it.
    pub channels: &'static [Channel],
}

/// The channels of a kind whose notifications can go any way.
pub const ANY_CHANNEL: &[Channel] = &Channel::ALL;

/// A kind of everyday notification: shown in the app, by e-mail or in a digest as chosen.
const fn everyday(name: &'static str, mastodon: Option<&'static str>, default: Channel, grouped: bool) -> Kind {
    Kind { name, mastodon, default, grouped, staff_only: false, channels: ANY_CHANNEL }
}

pub static MENTION: Kind = everyday("mention", Some("mention"), Channel::Email, false);
pub static REPLY: Kind = everyday("reply", Some("mention"), Channel::Email, false);
pub static FOLLOW: Kind = everyday("follow", Some("follow"), Channel::Weekly, true);
pub static FOLLOW_REQUEST: Kind = everyday("follow_request", Some("follow_request"), Channel::Weekly, false);
pub static FAVOURITE: Kind = everyday("favourite", Some("favourite"), Channel::Weekly, true);
pub static REBLOG: Kind = everyday("reblog", Some("reblog"), Channel::Weekly, true);
/// Someone registered with an invitation of the recipient's.
pub static INVITE_USED: Kind = everyday("invite_used", None, Channel::Email, false);
/// Someone asks to join a group the recipient moderates.
pub static GROUP_JOIN_REQUEST: Kind = everyday("group_join_request", None, Channel::Email, false);
/// The recipient's request to join a group was accepted.
pub static GROUP_JOINED: Kind = everyday("group_joined", None, Channel::InApp, false);
/// A group's moderator invites the recipient.
pub static GROUP_INVITE: Kind = everyday("group_invite", None, Channel::Email, false);
/// A new report in a queue the recipient handles: staff hear of every report.
pub static REPORT: Kind = Kind { staff_only: true, ..everyday("report", Some("admin.report"), Channel::Email, false) };
/// A new report about what was written in a group the recipient moderates (not staff).
pub static GROUP_REPORT: Kind = everyday("group_report", None, Channel::Email, false);
/// A report the recipient made was handled: its outcome is on their reports page.
pub static REPORT_RESOLVED: Kind = everyday("report_resolved", None, Channel::InApp, false);
pub static SIGN_UP: Kind =
    Kind { staff_only: true, ..everyday("sign_up", Some("admin.sign_up"), Channel::Email, false) };

/// Someone asks to take part in an event the recipient organises (approval events).
pub static EVENT_REQUEST: Kind = everyday("event_request", None, Channel::Email, true);
/// The recipient takes part now: the organiser accepted them, or a seat freed.
pub static EVENT_ACCEPTED: Kind = everyday("event_accepted", None, Channel::Email, false);
/// An event the recipient answered has a new time or place.
pub static EVENT_CHANGED: Kind = everyday("event_changed", None, Channel::Email, false);
/// An event the recipient goes to is tomorrow.
pub static EVENT_REMINDER: Kind = everyday("event_reminder", None, Channel::Email, false);
/// An event the recipient answered was cancelled.
pub static EVENT_CANCELLED: Kind = everyday("event_cancelled", None, Channel::Email, false);

/// The only channel of what is also mailed in full, always (`domain::moderation` sends the
/// statement of reasons itself): in the app, and not to be turned off.
const IN_APP: &[Channel] = &[Channel::InApp];

/// A moderator decided about the recipient's content or account (DSA article 17).
pub static MODERATION_DECISION: Kind =
    Kind { channels: IN_APP, ..everyday("moderation_decision", None, Channel::InApp, false) };
/// A decision about the recipient was undone.
pub static MODERATION_REVERSED: Kind =
    Kind { channels: IN_APP, ..everyday("moderation_reversed", None, Channel::InApp, false) };
/// The admins answered the recipient's appeal.
pub static APPEAL_ANSWERED: Kind =
    Kind { channels: IN_APP, ..everyday("appeal_answered", None, Channel::InApp, false) };
/// Someone appealed a moderation decision: the admins answer it.
pub static APPEAL: Kind = Kind { staff_only: true, ..everyday("moderation_appeal", None, Channel::Email, false) };

/// Every kind, in the order the preferences page lists them. Features add theirs here.
pub static KINDS: &[&Kind] = &[
    &MENTION,
    &REPLY,
    &FOLLOW,
    &FOLLOW_REQUEST,
    &FAVOURITE,
    &REBLOG,
    &GROUP_JOIN_REQUEST,
    &GROUP_JOINED,
    &GROUP_INVITE,
    &INVITE_USED,
    &EVENT_REQUEST,
    &EVENT_ACCEPTED,
    &EVENT_CHANGED,
    &EVENT_CANCELLED,
    &EVENT_REMINDER,
    &MODERATION_DECISION,
    &MODERATION_REVERSED,
    &APPEAL_ANSWERED,
    &SIGN_UP,
    &APPEAL,
    &REPORT,
    &GROUP_REPORT,
    &REPORT_RESOLVED,
];

/// The kind of a stored name.
pub fn kind(name: &str) -> Option<&'static Kind> {
    KINDS.iter().copied().find(|k| k.name == name)
}

/// The kinds a Mastodon type stands for (`mention` covers replies too).
pub fn of_mastodon_type(t: &str) -> impl Iterator<Item = &'static Kind> + '_ {
    KINDS.iter().copied().filter(move |k| k.mastodon == Some(t))
}
