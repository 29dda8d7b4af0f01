//! The instance settings an admin changes while it runs (`/beheer/instellingen`): the one-line
//! description, the contact address, who may register and who may create groups. The
//! configuration file gives their values until an admin saves others (table `site_setting`);
//! they are held in memory, replaced at once in the process that saved them and read again
//! every minute by every process, like the federation policy.
//!
//! The name, domain and languages stay in the configuration file: other servers and sent
//! mail know the instance by them.

use std::sync::{Arc, RwLock};

use crate::config::{GroupCreation, InstanceSettings, RegistrationMode};
use crate::db::models::site_setting;
use crate::db::{DbConn, DbResult};

/// The settings in force.
#[derive(Debug, Clone, PartialEq)]
pub struct Values {
    pub description: String,
    pub contact_email: String,
    pub registration: RegistrationMode,
    pub group_creation: GroupCreation,
}

/// The names the settings are saved under.
pub mod names {
    pub const DESCRIPTION: &str = "description";
    pub const CONTACT_EMAIL: &str = "contact_email";
    pub const REGISTRATION: &str = "registration";
    pub const GROUP_CREATION: &str = "group_creation";
}

impl Values {
    /// The configuration file's values.
    pub fn of_config(instance: &InstanceSettings) -> Values {
        Values {
            description: instance.description.clone(),
            contact_email: instance.contact_email.clone(),
            registration: instance.registration,
            group_creation: instance.group_creation,
        }
    }

    /// These values with the saved ones over them; a saved value this version cannot read
    /// (written by a newer one) leaves the configured value in force.
    pub fn with_saved(mut self, saved: &[(String, String)]) -> Values {
        for (name, value) in saved {
            match name.as_str() {
                names::DESCRIPTION => self.description = value.clone(),
                names::CONTACT_EMAIL => self.contact_email = value.clone(),
                names::REGISTRATION => match RegistrationMode::parse(value) {
                    Some(mode) => self.registration = mode,
                    None => tracing::warn!(value, "unknown saved registration mode ignored"),
                },
                names::GROUP_CREATION => match GroupCreation::parse(value) {
                    Some(who) => self.group_creation = who,
                    None => tracing::warn!(value, "unknown saved group creation ignored"),
                },
                other => tracing::warn!(name = other, "unknown saved setting ignored"),
            }
        }
        self
    }
}

/// The settings in force, shared by every request of the process.
#[derive(Debug)]
pub struct RuntimeSettings {
    configured: Values,
    current: RwLock<Arc<Values>>,
}

impl RuntimeSettings {
    /// The configured values, before anything saved is read.
    pub fn new(instance: &InstanceSettings) -> RuntimeSettings {
        let configured = Values::of_config(instance);
        RuntimeSettings { current: RwLock::new(Arc::new(configured.clone())), configured }
    }

    /// Reads the saved values and puts them in force.
    pub async fn reload(&self, conn: &mut DbConn) -> DbResult<()> {
        let saved = site_setting::all(conn).await?;
        let values = self.configured.clone().with_saved(&saved);
        let mut current = self.current.write().unwrap_or_else(std::sync::PoisonError::into_inner);
        *current = Arc::new(values);
        Ok(())
    }

    /// The values in force.
    pub fn current(&self) -> Arc<Values> {
        self.current.read().unwrap_or_else(std::sync::PoisonError::into_inner).clone()
    }

    /// The configuration file's values (what "back to the configured value" restores).
    pub fn configured(&self) -> &Values {
        &self.configured
    }

    pub fn registration(&self) -> RegistrationMode {
        self.current().registration
    }

    pub fn group_creation(&self) -> GroupCreation {
        self.current().group_creation
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saved_values_override_the_configured_ones_and_unreadable_ones_are_ignored() {
        let configured = Values::of_config(&InstanceSettings::default());
        let saved = [
            ("registration".to_string(), "closed".to_string()),
            ("group_creation".to_string(), "someday".to_string()),
            ("description".to_string(), "Wijk West".to_string()),
        ];
        let values = configured.clone().with_saved(&saved);
        assert_eq!(values.registration, RegistrationMode::Closed);
        assert_eq!(values.group_creation, configured.group_creation);
        assert_eq!(values.description, "Wijk West");
        assert_eq!(values.contact_email, configured.contact_email);
    }
}
