//! What every request handler can reach.

use std::sync::{Arc, OnceLock};

use activitypub_federation::config::FederationConfig;

use crate::config::Settings;
use crate::db::DbPool;
use crate::db::models::actor::Actor;
use crate::db::models::site::Site;

#[derive(Clone)]
pub struct AppState {
    pub settings: Arc<Settings>,
    pub pool: DbPool,
    pub site: Arc<Site>,
    /// The instance's own `Application` actor, which signs fetches.
    pub instance_actor: Arc<Actor>,
    /// Cached `settings.base_url()`.
    pub base_url: Arc<str>,
    /// The HTTP client for everything we send to or fetch from other servers.
    pub http: reqwest::Client,
    /// The organisation's theme stylesheet (`instance.theme_file`).
    pub theme: Option<Arc<crate::web::assets::OwnAsset>>,
    /// The organisation's logo (`instance.logo_file`).
    pub logo: Option<Arc<crate::web::assets::OwnAsset>>,
    /// Image storage and the remote image proxy's cache.
    pub media: Arc<crate::media::MediaService>,
    /// The neighbourhood's boundary as GeoJSON (`map.area_file`), checked at start-up.
    pub map_area: Option<Arc<serde_json::Value>>,
    /// The `Content-Security-Policy` of pages (it names the map's tile server).
    pub page_csp: axum::http::HeaderValue,
    /// Wakes the delivery workers after a transaction stored outgoing activities.
    pub delivery_wake: Arc<tokio::sync::Notify>,
    /// Remote actors that signed recent inbox requests, by actor URL, for a minute: a busy peer's
    /// activities are verified without reading its actor row each time. Whatever stores or
    /// deletes a remote actor forgets its entry here.
    pub signers: moka::sync::Cache<String, Arc<Actor>>,
    /// Remote instances whose delivery state the inbox checked in the last minute (a valid
    /// activity revives a dead instance): their further activities skip that statement. The
    /// delivery worker forgets an instance here when it marks it dead.
    pub live_instances: moka::sync::Cache<i64, ()>,
    /// Rate limits, the sign-in lockout and the gates of expensive work (`[limits]`).
    pub limits: Arc<crate::limits::Limits>,
    /// Public responses kept for anonymous readers (`server.public_cache_ms`).
    pub public_cache: Arc<crate::public_cache::PublicCache>,
    /// The federation library's configuration. It holds a copy of this state, so it is set
    /// once right after the state is made.
    federation: Arc<OnceLock<FederationConfig<AppState>>>,
}

impl AppState {
    pub async fn new(settings: Settings, pool: DbPool, site: Site, instance_actor: Actor) -> anyhow::Result<AppState> {
        let base_url: Arc<str> = settings.base_url().into();
        let http = crate::apub::http_client(&settings, &base_url)?;
        let own = |key, path: &str, stem| crate::web::assets::load_own(key, path, stem).map(|a| a.map(Arc::new));
        let theme = own("instance.theme_file", &settings.instance.theme_file, "theme")?;
        let logo = own("instance.logo_file", &settings.instance.logo_file, "logo")?;
        let media = crate::media::MediaService::open(&settings, &base_url)?;
        let map_area = crate::web::map::load_area(&settings.map.area_file)?.map(Arc::new);
        let page_csp = crate::web::context::page_csp(&settings)?;
        let public_cache_age = std::time::Duration::from_millis(settings.server.public_cache_ms);
        let public_cache = Arc::new(crate::public_cache::PublicCache::new(public_cache_age));
        let limits = Arc::new(crate::limits::Limits::new(&settings));
        let state = AppState {
            limits,
            map_area,
            page_csp,
            http,
            media,
            theme,
            logo,
            settings: Arc::new(settings),
            pool,
            site: Arc::new(site),
            instance_actor: Arc::new(instance_actor),
            base_url,
            delivery_wake: Arc::new(tokio::sync::Notify::new()),
            public_cache,
            live_instances: moka::sync::Cache::builder()
                .max_capacity(10_000)
                .time_to_live(std::time::Duration::from_secs(60))
                .build(),
            signers: moka::sync::Cache::builder()
                .max_capacity(2_000)
                .time_to_live(std::time::Duration::from_secs(60))
                .build(),
            federation: Arc::new(OnceLock::new()),
        };
        let config = crate::apub::config(state.clone()).await?;
        let _ = state.federation.set(config);
        Ok(state)
    }

    /// The federation library's configuration.
    pub fn federation(&self) -> anyhow::Result<&FederationConfig<AppState>> {
        self.federation.get().ok_or_else(|| anyhow::anyhow!("federation configuration missing"))
    }

    /// Request data for federation calls made outside an HTTP request (workers, the web pages).
    pub fn data(&self) -> anyhow::Result<crate::apub::Data> {
        Ok(self.federation()?.to_request_data())
    }
}
