//! What every request handler can reach: plain values. `server.rs` builds them; nothing here
//! builds anything of the web or of federation.

use std::sync::{Arc, OnceLock};

use activitypub_federation::config::FederationConfig;

use crate::config::Settings;
use crate::db::DbPool;
use crate::db::models::actor::Actor;
use crate::db::models::site::Site;

/// A file of the organisation's own (its theme stylesheet or logo), served under a name that
/// changes with its content.
#[derive(Debug)]
pub struct OwnAsset {
    pub name: String,
    pub content_type: &'static str,
    pub body: Vec<u8>,
}

#[derive(Clone)]
pub struct AppState {
    pub settings: Arc<Settings>,
    pub pool: DbPool,
    pub site: Arc<Site>,
    /// The VAPID public key apps subscribe to web push with (base64url); empty when push is off.
    pub vapid_public_key: Arc<str>,
    /// The instance's own `Application` actor, which signs fetches.
    pub instance_actor: Arc<Actor>,
    /// Cached `settings.base_url()`.
    pub base_url: Arc<str>,
    /// The HTTP client for everything we send to or fetch from other servers.
    pub http: reqwest::Client,
    /// The organisation's theme stylesheet (`instance.theme_file`).
    pub theme: Option<Arc<OwnAsset>>,
    /// The organisation's logo (`instance.logo_file`).
    pub logo: Option<Arc<OwnAsset>>,
    /// Image storage and the remote image proxy's cache.
    pub media: Arc<crate::media::MediaService>,
    /// Hands mails to the SMTP server or writes them to the mail folder (`[mail]`).
    pub mailer: Arc<crate::mail::Mailer>,
    /// The neighbourhood's boundary as GeoJSON (`map.area_file`), checked at start-up.
    pub map_area: Option<Arc<serde_json::Value>>,
    /// The `Content-Security-Policy` of pages (it names the map's tile server).
    pub page_csp: axum::http::HeaderValue,
    /// Wakes the delivery workers after a transaction stored outgoing activities.
    pub delivery_wake: Arc<tokio::sync::Notify>,
    /// Wakes the job workers after a transaction stored jobs ([`crate::jobs::wake`]).
    pub jobs_wake: Arc<tokio::sync::Notify>,
    /// Remote actors that signed recent inbox requests, by actor URL, for a minute: a busy peer's
    /// activities are verified without reading its actor row each time. Whatever stores or
    /// deletes a remote actor forgets its entry here.
    pub signers: moka::sync::Cache<String, Arc<Actor>>,
    /// Remote instances whose delivery state the inbox checked in the last minute (a valid
    /// activity revives a dead instance): their further activities skip that statement. The
    /// delivery worker forgets an instance here when it marks it dead.
    pub live_instances: moka::sync::Cache<i64, ()>,
    /// Which servers and remote actors are blocked, limited or allowed, in memory
    /// ([`crate::federation_policy`]); replaced when staff change a policy.
    pub federation_policy: Arc<crate::federation_policy::FederationPolicy>,
    /// The instance settings admins change while it runs ([`crate::runtime_settings`]): read
    /// these, not `settings.instance`, for the description, contact address, registration mode
    /// and group creation.
    pub runtime: Arc<crate::runtime_settings::RuntimeSettings>,
    /// Rate limits, the sign-in lockout and the gates of expensive work (`[limits]`).
    pub limits: Arc<crate::limits::Limits>,
    /// Public responses kept for anonymous readers (`server.public_cache_ms`).
    pub public_cache: Arc<crate::public_cache::PublicCache>,
    /// The federation library's configuration. It holds a copy of this state, so `server.rs`
    /// sets it once right after the state is made.
    pub federation: Arc<OnceLock<FederationConfig<AppState>>>,
}

impl AppState {
    /// The federation library's configuration.
    pub fn federation(&self) -> anyhow::Result<&FederationConfig<AppState>> {
        self.federation.get().ok_or_else(|| anyhow::anyhow!("federation configuration missing"))
    }

    /// Request data for federation calls made outside an HTTP request (workers, the web pages).
    pub fn data(&self) -> anyhow::Result<activitypub_federation::config::Data<AppState>> {
        Ok(self.federation()?.to_request_data())
    }
}

impl axum::extract::FromRef<AppState> for Arc<crate::limits::Limits> {
    fn from_ref(state: &AppState) -> Self {
        state.limits.clone()
    }
}
