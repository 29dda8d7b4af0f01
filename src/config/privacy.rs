//! `[privacy]`: who is responsible for the personal data (the privacy statement at `/privacy`)
//! and how long records about people and their activity are kept.

use serde::{Deserialize, Serialize};

use super::{ConfigError, Settings};

/// The privacy statement's facts and the retention periods the hourly housekeeping applies.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PrivacySettings {
    /// Who runs the instance and decides about the personal data on it (the controller under
    /// the GDPR), e.g. "Gemeente Voorbeeld" or "Stichting Buurt Oost". Empty: the instance's name.
    pub controller: String,
    /// The controller's postal address, one line. Empty: not shown.
    pub address: String,
    /// Where residents send questions and requests about their data. Empty: the instance's
    /// `contact_email`.
    pub contact_email: String,
    /// The data protection officer (functionaris gegevensbescherming), name and/or address.
    /// Empty: none is named.
    pub dpo: String,
    /// Days the ids of activities received from other servers are kept (to refuse a replayed
    /// one). Senders stop retrying within days, so a week is plenty.
    pub received_activities_days: i64,
    /// Days activities sent to other servers are kept once delivered (they can be fetched by
    /// their id meanwhile; posts themselves stay fetchable).
    pub outbox_activities_days: i64,
    /// Days a notification is kept after it was made, once its recipient has read it.
    pub read_notifications_days: i64,
}

impl Default for PrivacySettings {
    fn default() -> Self {
        Self {
            controller: String::new(),
            address: String::new(),
            contact_email: String::new(),
            dpo: String::new(),
            received_activities_days: 7,
            outbox_activities_days: 30,
            read_notifications_days: 90,
        }
    }
}

impl PrivacySettings {
    /// Who runs the instance: `controller`, or else the instance's name.
    pub fn controller<'a>(&'a self, settings: &'a Settings) -> &'a str {
        let controller = self.controller.trim();
        if controller.is_empty() { settings.instance.name.as_str() } else { controller }
    }

    /// The address for privacy questions: `contact_email`, or else `instance` (the instance's
    /// contact address in force; may be empty).
    pub fn contact<'a>(&'a self, instance: &'a str) -> &'a str {
        let contact = self.contact_email.trim();
        if contact.is_empty() { instance.trim() } else { contact }
    }

    /// The retention periods by their keys, for validation and display.
    pub fn retention(&self) -> [(&'static str, i64); 3] {
        [
            ("received_activities_days", self.received_activities_days),
            ("outbox_activities_days", self.outbox_activities_days),
            ("read_notifications_days", self.read_notifications_days),
        ]
    }

    pub(super) fn validate(&self) -> Result<(), ConfigError> {
        for (key, days) in self.retention() {
            if days < 1 {
                return Err(ConfigError::Invalid(format!(
                    "privacy.{key} is {days}: it must be a number of days, at least 1"
                )));
            }
            // chrono's TimeDelta::days panics beyond about 292 million years.
            if days > 36_500 {
                return Err(ConfigError::Invalid(format!("privacy.{key} is {days}: at most 36500 days (100 years)")));
            }
        }
        let contact = self.contact_email.trim();
        if !contact.is_empty() && !contact.contains('@') {
            return Err(ConfigError::Invalid(format!("privacy.contact_email {contact:?} is not an e-mail address")));
        }
        Ok(())
    }
}
