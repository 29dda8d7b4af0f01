//! `[mail]`: how e-mail leaves the instance.

use serde::{Deserialize, Serialize};

use super::{ConfigError, Settings};

/// E-mail: confirmations, password resets, notifications and digests.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MailSettings {
    /// The SMTP server as a URL: `smtps://user:password@mail.example.org` (TLS, port 465),
    /// `smtp://user:password@mail.example.org:587?tls=required` (STARTTLS), or
    /// `smtp://127.0.0.1:2525` (no TLS, for a relay on this machine). Empty: no server, and
    /// every mail is written to `folder` instead, so a small instance still works.
    pub smtp_url: String,
    /// The sender: `Buurt Oost <buurt@example.org>`.
    pub from: String,
    /// Where mails are written when `smtp_url` is empty, relative to the working directory.
    pub folder: String,
    /// Seconds an SMTP conversation may take before it counts as failed (and is retried).
    pub timeout_secs: u64,
    /// New accounts confirm their e-mail address before they can sign in.
    pub confirm_email: bool,
}

impl Default for MailSettings {
    fn default() -> Self {
        Self {
            smtp_url: String::new(),
            from: String::new(),
            folder: "data/mail".into(),
            timeout_secs: 30,
            confirm_email: false,
        }
    }
}

impl MailSettings {
    /// The sender, or `<instance name> <noreply@HOST>` when none is configured.
    pub fn sender(&self, settings: &Settings) -> String {
        if self.from.trim().is_empty() {
            let domain = &settings.instance.domain;
            // An address has no port: `localhost:8080` sends as `noreply@localhost`.
            let host = match domain.rsplit_once(':') {
                Some((host, port)) if port.chars().all(|c| c.is_ascii_digit()) => host,
                _ => domain.as_str(),
            };
            format!(
                "{} <noreply@{}>",
                settings.instance.name.replace(['<', '>', '"'], ""),
                host.trim_matches(['[', ']'])
            )
        } else {
            self.from.trim().to_string()
        }
    }

    pub(super) fn validate(&self, settings: &Settings) -> Result<(), ConfigError> {
        let url = self.smtp_url.trim();
        if !url.is_empty() {
            let parsed = url::Url::parse(url).map_err(|e| ConfigError::Invalid(format!("mail.smtp_url: {e}")))?;
            if !matches!(parsed.scheme(), "smtp" | "smtps") || parsed.host_str().is_none() {
                return Err(ConfigError::Invalid(format!(
                    "mail.smtp_url: {url:?} is not smtp://HOST[:PORT] or smtps://HOST[:PORT]"
                )));
            }
        }
        let sender = self.sender(settings);
        if sender.parse::<lettre::message::Mailbox>().is_err() {
            return Err(ConfigError::Invalid(format!(
                "mail.from: {sender:?} is not an e-mail address like Buurt <buurt@example.org>"
            )));
        }
        if self.timeout_secs == 0 {
            return Err(ConfigError::Invalid("mail.timeout_secs: must be at least 1".into()));
        }
        Ok(())
    }
}
