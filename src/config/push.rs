//! `[push]`: web push of notifications to the apps that ask for it.

use serde::{Deserialize, Serialize};

use super::{ConfigError, Settings};

/// Web push (RFC 8030) for Mastodon's push API: messages encrypted for the app (RFC 8291) and
/// signed with the instance's VAPID key (RFC 8292).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PushSettings {
    /// Apps may subscribe to push, and notifications are pushed.
    pub enabled: bool,
    /// The VAPID private key: a P-256 private key, base64url (as `web-push generate-vapid-keys`
    /// or Mastodon's `VAPID_PRIVATE_KEY` give it). Empty: the key made at the first start and
    /// kept in the database. Changing it ends every app's subscription at the push services.
    pub vapid_private_key: String,
    /// Who push services may contact about our messages: `mailto:admin@example.org` or an
    /// https URL. Empty: `mailto:` the instance's `contact_email`, or else the instance's URL.
    pub subject: String,
    /// How long a push service keeps a message for a device that is offline, in seconds.
    pub ttl_secs: u64,
}

impl Default for PushSettings {
    fn default() -> Self {
        Self { enabled: false, vapid_private_key: String::new(), subject: String::new(), ttl_secs: 48 * 3600 }
    }
}

impl PushSettings {
    /// The VAPID `sub` claim.
    pub fn subject(&self, settings: &Settings) -> String {
        let subject = self.subject.trim();
        if !subject.is_empty() {
            subject.to_string()
        } else if !settings.instance.contact_email.trim().is_empty() {
            format!("mailto:{}", settings.instance.contact_email.trim())
        } else {
            settings.base_url()
        }
    }

    pub(super) fn validate(&self) -> Result<(), ConfigError> {
        let invalid = |m: String| Err(ConfigError::Invalid(m));
        let subject = self.subject.trim();
        let mailto = subject.starts_with("mailto:") && subject.len() > 7;
        let https = url::Url::parse(subject).is_ok_and(|u| u.scheme() == "https");
        if !(subject.is_empty() || mailto || https) {
            return invalid(format!("push.subject {subject:?} is not mailto:ADDRESS or an https URL"));
        }
        let key = self.vapid_private_key.trim();
        if !key.is_empty() && private_key_bytes(key).is_none() {
            return invalid("push.vapid_private_key is not a P-256 private key in base64url (32 bytes)".into());
        }
        if self.ttl_secs == 0 {
            return invalid("push.ttl_secs must be at least 1".into());
        }
        Ok(())
    }
}

/// The 32 bytes of a base64url (or standard base64) P-256 private key that is valid.
pub fn private_key_bytes(text: &str) -> Option<Vec<u8>> {
    use base64::Engine;
    use base64::engine::general_purpose::{STANDARD_NO_PAD, URL_SAFE_NO_PAD};
    let trimmed = text.trim().trim_end_matches('=');
    let bytes = URL_SAFE_NO_PAD.decode(trimmed).or_else(|_| STANDARD_NO_PAD.decode(trimmed)).ok()?;
    p256::SecretKey::from_slice(&bytes).ok()?;
    Some(bytes)
}
