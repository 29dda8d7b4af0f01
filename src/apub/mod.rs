//! ActivityPub: protocol types, actors and objects, discovery (WebFinger, NodeInfo, host-meta),
//! and the HTTP side of federation. Built on the activitypub_federation crate.

pub mod activities;
pub mod actor;
pub mod discovery;
pub mod error;
pub mod http;
pub mod inbox;
pub mod protocol;
pub mod routes;
pub mod signatures;

use std::time::Duration;

use activitypub_federation::config::FederationConfig;
use activitypub_federation::resolver::ValidatingDnsResolver;
use axum::http::HeaderMap;
use axum::http::header::ACCEPT;

use crate::state::AppState;

pub use error::{ApubError, ApubResult};

/// Request data of the federation library, carrying our state.
pub type Data = activitypub_federation::config::Data<AppState>;

/// The public collection: addressed content is visible to anyone.
pub const PUBLIC: &str = "https://www.w3.org/ns/activitystreams#Public";

/// Content type of ActivityStreams documents we serve.
pub const ACTIVITY_JSON: &str = "application/activity+json";

/// The `@context` of everything we serve.
pub fn context() -> serde_json::Value {
    serde_json::json!([
        "https://www.w3.org/ns/activitystreams",
        "https://w3id.org/security/v1",
        {
            "toot": "http://joinmastodon.org/ns#",
            "discoverable": "toot:discoverable",
            "indexable": "toot:indexable",
            "featured": {"@id": "toot:featured", "@type": "@id"},
            "manuallyApprovesFollowers": "as:manuallyApprovesFollowers",
            "sensitive": "as:sensitive",
            "schema": "http://schema.org#",
            "PropertyValue": "schema:PropertyValue",
            "value": "schema:value",
            "webfinger": "https://purl.archive.org/socialweb/webfinger#webfinger",
            "blurhash": "toot:blurhash",
            "focalPoint": {"@container": "@list", "@id": "toot:focalPoint"}
        }
    ])
}

/// Whether a request asks for ActivityStreams JSON rather than a page.
pub fn wants_activity_json(headers: &HeaderMap) -> bool {
    headers.get_all(ACCEPT).iter().filter_map(|v| v.to_str().ok()).any(|accept| {
        accept.split(',').any(|part| {
            let media = part.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
            // `application/ld+json` is accepted with or without the ActivityStreams profile.
            media == "application/activity+json" || media == "application/ld+json"
        })
    })
}

/// The HTTP client for other servers: no redirects followed, short timeouts, and (unless the
/// configuration allows it) no connections to loopback or private addresses.
pub fn http_client(settings: &crate::config::Settings, base_url: &str) -> anyhow::Result<reqwest::Client> {
    crate::install_crypto();
    Ok(reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(10))
        .connect_timeout(Duration::from_secs(10))
        .user_agent(format!("Buurt/{} (+{base_url})", env!("CARGO_PKG_VERSION")))
        .dns_resolver(std::sync::Arc::new(ValidatingDnsResolver::new(
            Vec::new(),
            !settings.federation.allow_private_addresses,
        )))
        .build()?)
}

/// Builds the federation library's configuration for this instance.
pub async fn config(state: AppState) -> anyhow::Result<FederationConfig<AppState>> {
    let federation = &state.settings.federation;
    let client = state.http.clone();
    let instance_actor = actor::DbActor::new(state.instance_actor.as_ref().clone())?;
    let config = FederationConfig::builder()
        .domain(state.settings.instance.domain.clone())
        .app_data(state.clone())
        .client(client.into())
        // Debug mode lets the library use http, ports and loopback: only when both are allowed.
        .debug(federation.allow_http && federation.allow_private_addresses)
        .allow_http_urls(federation.allow_http)
        .http_signature_compat(true)
        .signed_fetch_actor(&instance_actor)
        .build()
        .await?;
    Ok(config)
}
