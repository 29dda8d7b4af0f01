//! `[instance]`: what the instance is called, where it lives and who may register.

use serde::{Deserialize, Serialize};

/// Who registration is open to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RegistrationMode {
    /// Anyone can register and sign in at once.
    Open,
    /// Anyone can apply; an admin approves before the account can sign in.
    Approval,
    /// Only with an invitation code from an admin or moderator.
    Invite,
    /// Nobody can register; admins create accounts with `buurt admin create-user`.
    Closed,
}

/// Who may create groups.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GroupCreation {
    /// Every active resident; the group is open at once.
    Anyone,
    /// Every active resident; a site moderator approves the group before others see it.
    Approval,
    /// Only site moderators and admins.
    Staff,
}

impl RegistrationMode {
    pub const ALL: [RegistrationMode; 4] =
        [RegistrationMode::Open, RegistrationMode::Approval, RegistrationMode::Invite, RegistrationMode::Closed];

    /// The word the configuration file uses.
    pub fn as_str(self) -> &'static str {
        match self {
            RegistrationMode::Open => "open",
            RegistrationMode::Approval => "approval",
            RegistrationMode::Invite => "invite",
            RegistrationMode::Closed => "closed",
        }
    }

    pub fn parse(s: &str) -> Option<RegistrationMode> {
        RegistrationMode::ALL.into_iter().find(|m| m.as_str() == s)
    }
}

impl GroupCreation {
    pub const ALL: [GroupCreation; 3] = [GroupCreation::Anyone, GroupCreation::Approval, GroupCreation::Staff];

    /// The word the configuration file uses.
    pub fn as_str(self) -> &'static str {
        match self {
            GroupCreation::Anyone => "anyone",
            GroupCreation::Approval => "approval",
            GroupCreation::Staff => "staff",
        }
    }

    pub fn parse(s: &str) -> Option<GroupCreation> {
        GroupCreation::ALL.into_iter().find(|m| m.as_str() == s)
    }
}

/// How the instance's own URLs start.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scheme {
    /// `http` when the domain is localhost or a loopback address, `https` otherwise.
    Auto,
    Https,
    Http,
}

/// What the instance is called and where it lives.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct InstanceSettings {
    /// Host name, with a port when it is not the default, used in every URL and handle.
    pub domain: String,
    /// `auto`, `https` or `http`: the scheme of the instance's own URLs. `auto` is http for
    /// localhost, loopback addresses and the special-use names (`*.test`, `*.localhost`), https
    /// for every other name.
    pub scheme: Scheme,
    /// Name shown in the page header and to other servers.
    pub name: String,
    /// One line about the instance, shown on the home page.
    pub description: String,
    /// Languages offered, the first is the default. Supported: "nl", "en".
    pub languages: Vec<String>,
    /// Time zone in which dates and times are shown.
    pub timezone: String,
    /// `open`, `approval`, `invite` or `closed`.
    pub registration: RegistrationMode,
    /// Who may create groups: `anyone`, `approval` or `staff`.
    pub group_creation: GroupCreation,
    /// Address for questions and accessibility problems, shown on /toegankelijkheid.
    pub contact_email: String,
    /// A CSS file of the organisation's own design tokens (NL Design System names such as
    /// `--nl-link-color`), loaded after Buurt's stylesheet. Empty: Buurt's own colours.
    pub theme_file: String,
    /// The organisation's logo (.svg, .png, .jpg or .webp), shown beside the name in the header.
    pub logo_file: String,
}

impl Default for InstanceSettings {
    fn default() -> Self {
        Self {
            domain: "localhost:8080".into(),
            scheme: Scheme::Auto,
            name: "Buurt".into(),
            description: "Alles van de buurt op één plek".into(),
            languages: vec!["nl".into(), "en".into()],
            timezone: "Europe/Amsterdam".into(),
            registration: RegistrationMode::Approval,
            group_creation: GroupCreation::Anyone,
            contact_email: String::new(),
            theme_file: String::new(),
            logo_file: String::new(),
        }
    }
}
