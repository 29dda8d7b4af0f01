//! Typed settings: built-in defaults, then `config/buurt.toml` (or `--config FILE`), then
//! `BUURT_<SECTION>__<KEY>` environment variables. Unknown keys are an error.

use std::net::SocketAddr;
use std::path::Path;

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};

mod database;
mod federation;
mod instance;
mod limits;
mod log;
mod mail;
mod map;
mod media;
mod modules;
mod privacy;
mod push;
mod server;

pub use database::DatabaseSettings;
pub use federation::FederationSettings;
pub use instance::{GroupCreation, InstanceSettings, RegistrationMode, Scheme};
pub use limits::{LimitsSettings, Rate, parse_net};
pub use log::{LogFormat, LogSettings};
pub use mail::MailSettings;
pub use map::{MapSettings, PDOK_TILES};
pub use media::{MediaSettings, MediaStorage, RemoteMedia, S3Settings};
pub use modules::ModulesSettings;
pub use privacy::PrivacySettings;
pub use push::{PushSettings, private_key_bytes};
pub use server::ServerSettings;

/// The configuration file read when `--config` is not given and the file exists.
pub const DEFAULT_CONFIG_PATH: &str = "config/buurt.toml";

/// Every setting of a Buurt process.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    pub server: ServerSettings,
    pub instance: InstanceSettings,
    pub database: DatabaseSettings,
    pub federation: FederationSettings,
    pub media: MediaSettings,
    pub map: MapSettings,
    pub limits: LimitsSettings,
    pub log: LogSettings,
    pub modules: ModulesSettings,
    pub mail: MailSettings,
    pub push: PushSettings,
    pub privacy: PrivacySettings,
}

/// Why the settings could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("configuration file {0} does not exist")]
    MissingFile(String),
    #[error("configuration: {0}")]
    Invalid(String),
}

impl Settings {
    /// Loads defaults, then the file (`path`, or the default path if it exists), then the
    /// environment.
    pub fn load(path: Option<&Path>) -> Result<Self, ConfigError> {
        let mut figment = Figment::from(Serialized::defaults(Settings::default()));
        match path {
            Some(p) if !p.exists() => return Err(ConfigError::MissingFile(p.display().to_string())),
            Some(p) => figment = figment.merge(Toml::file_exact(p)),
            None if Path::new(DEFAULT_CONFIG_PATH).exists() => {
                figment = figment.merge(Toml::file_exact(DEFAULT_CONFIG_PATH))
            }
            None => {}
        }
        Self::from_figment(figment.merge(Env::prefixed("BUURT_").split("__")))
    }

    /// Parses settings from TOML text alone, on top of the defaults (used by tests and `config check`).
    pub fn from_toml(text: &str) -> Result<Self, ConfigError> {
        Self::from_figment(Figment::from(Serialized::defaults(Settings::default())).merge(Toml::string(text)))
    }

    fn from_figment(figment: Figment) -> Result<Self, ConfigError> {
        let settings: Settings = figment.extract().map_err(|e| {
            let messages: Vec<String> = e.into_iter().map(describe_figment_error).collect();
            ConfigError::Invalid(messages.join("; "))
        })?;
        settings.validate()?;
        Ok(settings)
    }

    fn validate(&self) -> Result<(), ConfigError> {
        let invalid = |m: String| Err(ConfigError::Invalid(m));
        if self.server.bind.parse::<SocketAddr>().is_err() {
            return invalid(format!("server.bind {:?} is not an address like 127.0.0.1:8080", self.server.bind));
        }
        if url::Url::parse(&format!("http://{}/", self.instance.domain))
            .ok()
            .and_then(|u| u.host_str().map(|h| !h.is_empty()))
            != Some(true)
            || self.instance.domain.contains('/')
        {
            return invalid(format!(
                "instance.domain {:?} is not a host name with an optional port",
                self.instance.domain
            ));
        }
        if self.instance.languages.is_empty() {
            return invalid("instance.languages must name at least one language".into());
        }
        for lang in &self.instance.languages {
            if !crate::i18n::SUPPORTED.contains(&lang.as_str()) {
                return invalid(format!(
                    "instance.languages: {lang:?} is not supported (supported: {})",
                    crate::i18n::SUPPORTED.join(", ")
                ));
            }
        }
        if self.instance.timezone.parse::<chrono_tz::Tz>().is_err() {
            return invalid(format!(
                "instance.timezone {:?} is not a time zone such as Europe/Amsterdam",
                self.instance.timezone
            ));
        }
        if !(self.database.url.starts_with("sqlite:")
            || self.database.url.starts_with("postgres://")
            || self.database.url.starts_with("postgresql://"))
        {
            return invalid("database.url must start with sqlite:// or postgres://".into());
        }
        if self.database.pool_size == 0 {
            return invalid("database.pool_size must be at least 1".into());
        }
        if self.federation.delivery_parallel_instances == 0 {
            return invalid("federation.delivery_parallel_instances must be at least 1".into());
        }
        self.validate_media()?;
        self.validate_limits()?;
        self.validate_map()?;
        self.mail.validate(self)?;
        self.push.validate()?;
        self.privacy.validate()?;
        if let Err(e) = self.log.level.parse::<tracing_subscriber::EnvFilter>() {
            return invalid(format!("log.level {:?}: {e}", self.log.level));
        }
        Ok(())
    }

    /// `http` or `https`, as the instance's own URLs start.
    pub fn scheme(&self) -> &'static str {
        match self.instance.scheme {
            Scheme::Https => "https",
            Scheme::Http => "http",
            Scheme::Auto => {
                let host = self.instance.domain.rsplit_once(':').map_or(self.instance.domain.as_str(), |(h, _)| h);
                let host = host.trim_start_matches('[').trim_end_matches(']');
                // Loopback and the special-use names (RFC 2606, 6761) never have public TLS.
                let local = host == "localhost"
                    || [".localhost", ".test", ".invalid", ".example"].iter().any(|tld| host.ends_with(tld))
                    || host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback());
                if local { "http" } else { "https" }
            }
        }
    }

    /// The instance's base URL without a trailing slash, e.g. `https://buurt.example`.
    pub fn base_url(&self) -> String {
        format!("{}://{}", self.scheme(), self.instance.domain)
    }

    /// The default language: the first configured.
    pub fn default_language(&self) -> &str {
        self.instance.languages.first().map_or("nl", String::as_str)
    }
}

fn describe_figment_error(e: figment::error::Error) -> String {
    use figment::error::Kind;
    let path = e.path.join(".");
    // Figment's path already ends with an unknown field's name; other errors' paths may not.
    let at = |p: &str, field: &str| {
        if p.is_empty() {
            field.to_string()
        } else if p == field || p.ends_with(&format!(".{field}")) {
            p.to_string()
        } else {
            format!("{p}.{field}")
        }
    };
    let source = e
        .metadata
        .as_ref()
        .map(|m| format!(" (from {})", m.source.as_ref().map_or(m.name.to_string(), |s| s.to_string())))
        .unwrap_or_default();
    match &e.kind {
        Kind::UnknownField(field, _) => format!("unknown key `{}`{source}", at(&path, field)),
        Kind::InvalidType(actual, expected) => {
            format!("key `{path}` has the wrong type: found {actual}, expected {expected}{source}")
        }
        Kind::UnknownVariant(v, allowed) => {
            format!("key `{path}`: unknown value {v:?}, expected one of {}{source}", allowed.join(", "))
        }
        _ => format!("{e}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scheme_auto_is_http_only_for_loopback() {
        let mut s = Settings::default();
        assert_eq!(s.scheme(), "http");
        s.instance.domain = "127.0.0.3:8080".into();
        assert_eq!(s.scheme(), "http");
        s.instance.domain = "alpha.test:8001".into();
        assert_eq!(s.scheme(), "http");
        s.instance.domain = "buurt.nl".into();
        assert_eq!(s.scheme(), "https");
        assert_eq!(s.base_url(), "https://buurt.nl");
    }

    #[test]
    fn unknown_key_is_named() {
        let err = Settings::from_toml("[server]\nbnid = \"1.2.3.4:5\"\n").unwrap_err().to_string();
        assert!(err.contains("server.bnid"), "{err}");
    }

    #[test]
    fn bad_values_are_refused() {
        for bad in [
            "[server]\nbind = \"nonsense\"",
            "[instance]\ndomain = \"a/b\"",
            "[instance]\nlanguages = [\"fr\"]",
            "[instance]\ntimezone = \"Mars/Olympus\"",
            "[instance]\nregistration = \"sometimes\"",
            "[database]\nurl = \"mysql://x\"",
            "[media]\nstorage = \"s3\"",
            "[media]\nstorage = \"s3\"\n[media.s3]\nendpoint = \"ftp://x\"\nbucket = \"b\"\naccess_key = \"k\"\nsecret_key = \"s\"",
            "[media]\nremote = \"sometimes\"",
            "[media]\nmax_pixels = 10",
            "[limits]\ntrusted_proxies = [\"10.0.0.0/33\"]",
            "[limits]\nsign_in_per_address = { requests = 5, per_secs = 0 }",
            "[server]\nidle_timeout_secs = 10",
            "[privacy]\nreceived_activities_days = 0",
            "[privacy]\noutbox_activities_days = -3",
            "[privacy]\nread_notifications_days = 0",
        ] {
            assert!(Settings::from_toml(bad).is_err(), "{bad}");
        }
    }
}
