//! Typed settings: built-in defaults, then `config/buurt.toml` (or `--config FILE`), then
//! `BUURT_<SECTION>__<KEY>` environment variables. Unknown keys are an error.

use std::net::SocketAddr;
use std::path::Path;

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};

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
}

/// The HTTP listener.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ServerSettings {
    /// Address and port to listen on. Port 0 picks a free port (tests use it).
    pub bind: String,
    /// Largest request body accepted, in bytes.
    pub max_body_bytes: usize,
    /// A request that takes longer than this many seconds is answered with 408.
    pub request_timeout_secs: u64,
    /// Seconds that in-flight requests get to finish after SIGTERM or Ctrl-C.
    pub shutdown_grace_secs: u64,
    /// How long, in milliseconds, a public response (NodeInfo, actor documents, outboxes, the
    /// public timeline) may be served again to anonymous readers; 0 turns the cache off. A write
    /// taken by this process empties it at once.
    pub public_cache_ms: u64,
    /// Seconds a client gets to send a request's head (request line and headers). It is also
    /// how long a kept-alive connection may wait idle for its next request.
    pub header_read_timeout_secs: u64,
    /// A connection on which nothing was read or written for this many seconds is closed (a
    /// client that stalls a request body or stops reading the response). Must be longer than
    /// `request_timeout_secs`, so a request being worked on is answered first.
    pub idle_timeout_secs: u64,
}

impl Default for ServerSettings {
    fn default() -> Self {
        Self {
            bind: "127.0.0.1:8080".into(),
            max_body_bytes: 1024 * 1024,
            request_timeout_secs: 30,
            shutdown_grace_secs: 20,
            public_cache_ms: 2000,
            header_read_timeout_secs: 20,
            idle_timeout_secs: 120,
        }
    }
}

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
            contact_email: String::new(),
            theme_file: String::new(),
            logo_file: String::new(),
        }
    }
}

/// The database: SQLite file or PostgreSQL server.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DatabaseSettings {
    /// `sqlite://path/to/file.sqlite` (relative to the working directory) or `postgres://…`.
    pub url: String,
    /// Connections kept open at most.
    pub pool_size: usize,
}

impl Default for DatabaseSettings {
    fn default() -> Self {
        Self { url: "sqlite://data/buurt.sqlite".into(), pool_size: 8 }
    }
}

/// Talking to other servers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FederationSettings {
    /// Accept and fetch plain-http URLs of other servers. Only for tests and local development.
    pub allow_http: bool,
    /// Fetch from and deliver to loopback and private-range addresses. Only for tests.
    pub allow_private_addresses: bool,
    /// Answer ActivityStreams requests for actors, posts and collections only when they carry a
    /// valid HTTP signature ("authorized fetch"). The instance actor stays public.
    pub signed_fetch_only: bool,
    /// Other servers the delivery worker sends to at the same time (each gets its activities
    /// in order, one request at a time).
    pub delivery_parallel_instances: usize,
}

impl Default for FederationSettings {
    fn default() -> Self {
        FederationSettings {
            allow_http: false,
            allow_private_addresses: false,
            signed_fetch_only: false,
            delivery_parallel_instances: 32,
        }
    }
}

/// Where uploaded images are kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MediaStorage {
    /// Files in `media.dir` on this machine.
    Local,
    /// An S3-compatible bucket (`[media.s3]`).
    S3,
}

/// How images of other servers are shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RemoteMedia {
    /// Through this server (`/media/proxy`), so visitors' addresses do not reach other servers.
    Proxy,
    /// Straight from the other server.
    Link,
}

/// Uploaded images (photos, avatars, headers, group icons) and images of other servers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MediaSettings {
    /// `local` or `s3`.
    pub storage: MediaStorage,
    /// Folder for `local` storage, relative to the working directory; made at start-up.
    pub dir: String,
    /// Largest image file accepted, in bytes.
    pub max_upload_bytes: usize,
    /// Largest image accepted, in pixels (width × height): a small file can declare a huge image.
    pub max_pixels: u64,
    /// `proxy` or `link`: how images of other servers are shown.
    pub remote: RemoteMedia,
    /// The bucket for `storage = "s3"`.
    pub s3: S3Settings,
    /// Images decoded at the same time at most (a decoded photo can take hundreds of
    /// megabytes); 0: one per processor core. Further uploads wait their turn.
    pub max_concurrent_decodes: usize,
    /// Images of other servers fetched by the proxy at the same time at most; further fetches
    /// wait their turn. The proxy reads at most `max_upload_bytes` of a remote image, within
    /// 10 seconds.
    pub max_concurrent_proxy_fetches: usize,
}

impl Default for MediaSettings {
    fn default() -> Self {
        Self {
            storage: MediaStorage::Local,
            dir: "data/media".into(),
            max_upload_bytes: 10 * 1024 * 1024,
            max_pixels: 50_000_000,
            remote: RemoteMedia::Proxy,
            s3: S3Settings::default(),
            max_concurrent_decodes: 0,
            max_concurrent_proxy_fetches: 16,
        }
    }
}

/// An S3-compatible bucket (AWS, MinIO, Garage, Ceph, …).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct S3Settings {
    /// The service's URL, e.g. `https://s3.eu-central-1.amazonaws.com` or `http://127.0.0.1:9000`.
    pub endpoint: String,
    /// The region the bucket is in (`us-east-1` when the service has no regions).
    pub region: String,
    pub bucket: String,
    pub access_key: String,
    pub secret_key: String,
    /// Address the bucket as `endpoint/bucket/key` (MinIO, Garage) instead of `bucket.endpoint/key`.
    pub path_style: bool,
    /// Where visitors fetch files from, e.g. a CDN in front of the bucket. Empty: Buurt serves
    /// them itself under `/media/`.
    pub public_url: String,
}

impl Default for S3Settings {
    fn default() -> Self {
        Self {
            endpoint: String::new(),
            region: "us-east-1".into(),
            bucket: String::new(),
            access_key: String::new(),
            secret_key: String::new(),
            path_style: true,
            public_url: String::new(),
        }
    }
}

/// At most `requests` in `per_secs` seconds, as a burst or spread out; `requests = 0` turns the
/// limit off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Rate {
    /// Requests allowed in the period; 0: no limit.
    pub requests: u32,
    /// The period, in seconds: the allowance refills evenly over it.
    pub per_secs: u64,
}

impl Rate {
    pub const fn new(requests: u32, per_secs: u64) -> Rate {
        Rate { requests, per_secs }
    }
}

impl Default for Rate {
    fn default() -> Self {
        Rate::new(0, 60)
    }
}

/// Rate limits, the sign-in lockout and who may tell the client's address. A refused request
/// is answered with 429 and `Retry-After`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LimitsSettings {
    /// Reverse proxies (addresses or CIDR ranges such as `10.0.0.0/8`) whose
    /// `X-Forwarded-For` names the client. Requests from other peers are counted by their own
    /// address. Empty: `X-Forwarded-For` is never read.
    pub trusted_proxies: Vec<String>,
    /// Sign-in attempts per client address (IPv6: per /64).
    pub sign_in_per_address: Rate,
    /// Sign-in attempts per account name, from all addresses together.
    pub sign_in_per_account: Rate,
    /// Registration attempts (every form sent) per client address.
    pub register_per_address: Rate,
    /// Password change attempts per client address.
    pub password_change_per_address: Rate,
    /// Password change attempts per account.
    pub password_change_per_account: Rate,
    /// Post attempts (the web form and `POST /api/v1/statuses`) per client address.
    pub post_per_address: Rate,
    /// Post attempts per account.
    pub post_per_account: Rate,
    /// Inbox deliveries per remote instance and sending address (the host of the signature's
    /// key, and the address it comes from), checked before the signature is.
    pub inbox_per_instance: Rate,
    /// Failed sign-ins for one account from one address before that address must wait; 0
    /// turns the lockout off.
    pub lockout_after: u32,
    /// The first wait, in seconds; it doubles with each further failure.
    pub lockout_base_secs: u64,
    /// The longest wait, in seconds.
    pub lockout_max_secs: u64,
}

impl Default for LimitsSettings {
    fn default() -> Self {
        Self {
            trusted_proxies: Vec::new(),
            sign_in_per_address: Rate::new(25, 300),
            sign_in_per_account: Rate::new(50, 3600),
            register_per_address: Rate::new(10, 1800),
            password_change_per_address: Rate::new(10, 3600),
            password_change_per_account: Rate::new(10, 3600),
            post_per_address: Rate::new(1000, 3600),
            post_per_account: Rate::new(300, 10800),
            inbox_per_instance: Rate::new(30000, 300),
            lockout_after: 5,
            lockout_base_secs: 60,
            lockout_max_secs: 3600,
        }
    }
}

/// An address (`10.1.2.3`, `::1`) or a range (`10.0.0.0/8`, `fd00::/8`).
pub fn parse_net(text: &str) -> Option<ipnet::IpNet> {
    let text = text.trim();
    text.parse::<ipnet::IpNet>().ok().or_else(|| text.parse::<std::net::IpAddr>().ok().map(ipnet::IpNet::from))
}

impl LimitsSettings {
    /// The trusted proxies as ranges (checked at start-up; a bad entry is skipped here).
    pub fn trusted_nets(&self) -> Vec<ipnet::IpNet> {
        self.trusted_proxies.iter().filter_map(|p| parse_net(p)).collect()
    }

    /// Every limit turned off (benchmarks and the tests of other features).
    pub fn off() -> Self {
        let off = Rate::new(0, 60);
        Self {
            trusted_proxies: Vec::new(),
            sign_in_per_address: off,
            sign_in_per_account: off,
            register_per_address: off,
            password_change_per_address: off,
            password_change_per_account: off,
            post_per_address: off,
            post_per_account: off,
            inbox_per_instance: off,
            lockout_after: 0,
            lockout_base_secs: 60,
            lockout_max_secs: 3600,
        }
    }
}

/// Log output.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LogSettings {
    /// `text` for people, `json` for log collectors.
    pub format: LogFormat,
    /// A tracing filter such as `info` or `buurt=debug,tower_http=info`. `RUST_LOG` overrides it.
    pub level: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LogFormat {
    Text,
    Json,
}

impl Default for LogSettings {
    fn default() -> Self {
        Self { format: LogFormat::Text, level: "info".into() }
    }
}

/// The maps on the home page, the map page and group pages.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MapSettings {
    /// Map tiles, a URL with `{z}`, `{x}` and `{y}`. Empty: places are shown as a list only.
    pub tile_url: String,
    /// Credit for the tiles, shown in the map's corner (HTML allowed).
    pub attribution: String,
    /// The deepest zoom level the tile service has.
    pub max_zoom: u8,
    /// Where a map without places opens: `[latitude, longitude]`.
    pub center: [f64; 2],
    /// The zoom level a map without places opens at.
    pub zoom: u8,
    /// A GeoJSON file with the neighbourhood's boundary (Polygon, MultiPolygon, Feature or
    /// FeatureCollection of them), drawn on every overview map. Empty for none.
    pub area_file: String,
}

/// PDOK's BRT achtergrondkaart (Kadaster), the Dutch government's free base map.
pub const PDOK_TILES: &str =
    "https://service.pdok.nl/brt/achtergrondkaart/wmts/v2_0/standaard/EPSG:3857/{z}/{x}/{y}.png";

impl Default for MapSettings {
    fn default() -> Self {
        Self {
            tile_url: PDOK_TILES.into(),
            attribution: "Kaartgegevens &copy; <a href=\"https://www.kadaster.nl\">Kadaster</a>".into(),
            max_zoom: 19,
            center: [52.1326, 5.2913],
            zoom: 8,
            area_file: String::new(),
        }
    }
}

impl MapSettings {
    /// The tile server's origin (`https://service.pdok.nl`), for the page's content policy.
    pub fn tile_origin(&self) -> Option<String> {
        let url = url::Url::parse(&self.tile_url.replace(['{', '}'], "")).ok()?;
        Some(url.origin().ascii_serialization())
    }
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
        let map = &self.map;
        if !map.tile_url.is_empty()
            && (!["{z}", "{x}", "{y}"].iter().all(|p| map.tile_url.contains(p))
                || !(map.tile_url.starts_with("https://") || map.tile_url.starts_with("http://"))
                || map.tile_origin().is_none())
        {
            return invalid(format!(
                "map.tile_url {:?} must be an http(s) URL with {{z}}, {{x}} and {{y}} in it",
                map.tile_url
            ));
        }
        if map.max_zoom > 22 || map.zoom > map.max_zoom {
            return invalid("map.zoom must be at most map.max_zoom, which is at most 22".into());
        }
        if !(map.center[0].abs() <= 90.0 && map.center[1].abs() <= 180.0) {
            return invalid("map.center must be [latitude, longitude] within [-90..90, -180..180]".into());
        }
        if let Err(e) = self.log.level.parse::<tracing_subscriber::EnvFilter>() {
            return invalid(format!("log.level {:?}: {e}", self.log.level));
        }
        Ok(())
    }

    fn validate_limits(&self) -> Result<(), ConfigError> {
        let invalid = |m: String| Err(ConfigError::Invalid(m));
        let server = &self.server;
        if server.header_read_timeout_secs == 0 {
            return invalid("server.header_read_timeout_secs must be at least 1".into());
        }
        if server.idle_timeout_secs <= server.request_timeout_secs {
            return invalid("server.idle_timeout_secs must be longer than server.request_timeout_secs".into());
        }
        let limits = &self.limits;
        for proxy in &limits.trusted_proxies {
            if parse_net(proxy).is_none() {
                return invalid(format!(
                    "limits.trusted_proxies: {proxy:?} is not an address or range such as 10.0.0.0/8"
                ));
            }
        }
        for (key, rate) in [
            ("sign_in_per_address", limits.sign_in_per_address),
            ("sign_in_per_account", limits.sign_in_per_account),
            ("register_per_address", limits.register_per_address),
            ("password_change_per_address", limits.password_change_per_address),
            ("password_change_per_account", limits.password_change_per_account),
            ("post_per_address", limits.post_per_address),
            ("post_per_account", limits.post_per_account),
            ("inbox_per_instance", limits.inbox_per_instance),
        ] {
            if rate.per_secs == 0 {
                return invalid(format!("limits.{key}.per_secs must be at least 1"));
            }
        }
        if limits.lockout_base_secs == 0 || limits.lockout_max_secs < limits.lockout_base_secs {
            return invalid("limits.lockout_base_secs must be at least 1 and at most limits.lockout_max_secs".into());
        }
        if self.media.max_concurrent_proxy_fetches == 0 {
            return invalid("media.max_concurrent_proxy_fetches must be at least 1".into());
        }
        Ok(())
    }

    fn validate_media(&self) -> Result<(), ConfigError> {
        let invalid = |m: String| Err(ConfigError::Invalid(m));
        let media = &self.media;
        if media.max_upload_bytes == 0 {
            return invalid("media.max_upload_bytes must be at least 1".into());
        }
        if media.max_pixels < 1_000_000 {
            return invalid("media.max_pixels must be at least 1000000 (one megapixel)".into());
        }
        if media.storage == MediaStorage::Local && media.dir.trim().is_empty() {
            return invalid("media.dir must name a folder when media.storage is \"local\"".into());
        }
        let s3 = &media.s3;
        if media.storage == MediaStorage::S3 {
            for (key, value) in [
                ("endpoint", &s3.endpoint),
                ("region", &s3.region),
                ("bucket", &s3.bucket),
                ("access_key", &s3.access_key),
                ("secret_key", &s3.secret_key),
            ] {
                if value.trim().is_empty() {
                    return invalid(format!("media.s3.{key} must be set when media.storage is \"s3\""));
                }
            }
            if !url::Url::parse(&s3.endpoint).is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.has_host()) {
                return invalid(format!("media.s3.endpoint {:?} is not an http(s) URL", s3.endpoint));
            }
        }
        if !s3.public_url.is_empty()
            && !url::Url::parse(&s3.public_url).is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.has_host())
        {
            return invalid(format!("media.s3.public_url {:?} is not an http(s) URL", s3.public_url));
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
        ] {
            assert!(Settings::from_toml(bad).is_err(), "{bad}");
        }
    }
}
