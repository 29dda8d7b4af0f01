//! `[modules]`: which parts of the platform an instance offers. A module that is off answers
//! 404 on its pages, API and ActivityPub routes and is left out of navigation and the home page.

use serde::{Deserialize, Serialize};

/// One switch per module, all on by default. Accounts, posts, profiles of persons, settings,
/// administration and OAuth are the core and cannot be turned off.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ModulesSettings {
    /// Groups: group pages (`/g/…`), editing a group, following it, its ActivityPub actor.
    pub groups: bool,
    /// The neighbourhood map (`/kaart`), the map on the home page and meeting places of groups.
    pub map: bool,
    /// Events and their calendar (the module is read when it lands).
    pub events: bool,
    /// Initiatives and ideas of residents (the module is read when it lands).
    pub initiatives: bool,
    /// Participation: proposals, surveys and polls (the module is read when it lands).
    pub participation: bool,
    /// The social map: organisations and services in the neighbourhood (the module is read when
    /// it lands).
    pub directory: bool,
    /// News of the neighbourhood (the module is read when it lands).
    pub news: bool,
    /// Knowledge: pages and answers to common questions (the module is read when it lands).
    pub knowledge: bool,
}

impl Default for ModulesSettings {
    fn default() -> Self {
        Self {
            groups: true,
            map: true,
            events: true,
            initiatives: true,
            participation: true,
            directory: true,
            news: true,
            knowledge: true,
        }
    }
}
