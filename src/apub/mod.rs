//! ActivityPub: protocol types, actors and objects, discovery (WebFinger, NodeInfo, host-meta),
//! and the HTTP side of federation. Built on the activitypub_federation crate.

pub mod addresses;
pub mod discovery;
pub mod error;
pub mod http;
pub mod inbox;
pub mod protocol;
pub mod resolver;
pub mod routes;
pub mod signatures;

use std::time::Duration;

use axum::http::HeaderMap;
use axum::http::header::ACCEPT;

use crate::state::AppState;

pub use error::{ApubError, ApubResult};

/// Request data of the federation library, carrying our state.
pub type Data = activitypub_federation::config::Data<AppState>;

pub use protocol::{PUBLIC, context};

/// Content type of ActivityStreams documents we serve.
pub const ACTIVITY_JSON: &str = "application/activity+json";

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
        // Idle connections are kept briefly: long enough for a burst of deliveries or fetches to
        // one server to reuse one, short enough that contacting thousands of servers in a row
        // does not keep thousands of sockets and their buffers (BENCHMARKS.md: 250 MB after
        // 10,000 follows from 10,000 instances with reqwest's default of 90 s, about 190 MB with 10 s
        // once those follows were taken at 190 a second).
        .pool_idle_timeout(Duration::from_secs(5))
        .pool_max_idle_per_host(4)
        .user_agent(format!("Buurt/{} (+{base_url})", env!("CARGO_PKG_VERSION")))
        .dns_resolver(std::sync::Arc::new(resolver::Resolver::new(!settings.federation.allow_private_addresses)))
        .build()?)
}

/// Most bytes of a WebFinger document we read (real ones are a few hundred bytes to a few KiB).
pub const MAX_WEBFINGER_BYTES: usize = 64 * 1024;

/// A response body that was too large, or could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("the response is larger than {0} bytes")]
    TooLarge(usize),
    #[error("reading the response: {0}")]
    Http(#[from] reqwest::Error),
}

/// Reads a response body chunk by chunk and stops with an error as soon as it passes
/// `max_bytes` (or announces a larger `Content-Length`), so a server that sends an endless or
/// huge body costs us at most `max_bytes` of memory. Time is bounded by the client's timeout
/// ([`http_client`]: 10 s for the whole request, body included).
///
/// The federation library reads actor, object and WebFinger documents the same way, with a
/// cap of 1 MiB (`activitypub_federation::reqwest_shim`); this is for the reads we make
/// ourselves.
pub async fn read_capped(mut response: reqwest::Response, max_bytes: usize) -> Result<Vec<u8>, ReadError> {
    if response.content_length().is_some_and(|length| length > max_bytes as u64) {
        return Err(ReadError::TooLarge(max_bytes));
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await? {
        if body.len() + chunk.len() > max_bytes {
            return Err(ReadError::TooLarge(max_bytes));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// Whether a URL's host may be contacted: the client's resolver refuses private addresses behind
/// names, but reqwest does not resolve an address written in the URL (`https://10.0.0.1/`), so
/// every place that sends or fetches checks those here first.
pub fn address_allowed(settings: &crate::config::Settings, url: &url::Url) -> bool {
    if settings.federation.allow_private_addresses {
        return true;
    }
    match url.host() {
        Some(url::Host::Ipv4(ip)) => is_public(std::net::IpAddr::V4(ip)),
        Some(url::Host::Ipv6(ip)) => is_public(std::net::IpAddr::V6(ip)),
        Some(url::Host::Domain(name)) => !(name == "localhost" || name.ends_with(".localhost")),
        None => false,
    }
}

/// Whether an address is on the public internet: globally reachable by the IANA special-purpose
/// registries, judged by the IPv4 address inside NAT64, 6to4 and IPv4-mapped or -compatible
/// addresses (`addresses.rs`).
pub fn is_public(ip: std::net::IpAddr) -> bool {
    addresses::is_global(ip)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_addresses_are_not_public() {
        for private in [
            "127.0.0.1",
            "10.1.2.3",
            "192.168.1.1",
            "169.254.1.1",
            "100.64.0.1",
            "::1",
            "fd00::1",
            "fe80::1",
            "::ffff:127.0.0.1",
        ] {
            assert!(!is_public(private.parse().unwrap()), "{private}");
        }
        for public in ["93.184.216.34", "2a00:1450::1"] {
            assert!(is_public(public.parse().unwrap()), "{public}");
        }
    }

    #[test]
    fn addresses_in_urls_are_checked_unless_allowed() {
        let mut settings = crate::config::Settings::default();
        let url = |s: &str| url::Url::parse(s).unwrap();
        for refused in [
            "https://10.0.0.1/inbox",
            "https://[::1]/inbox",
            "https://localhost/x",
            "http://127.0.0.2:8080/",
            "http://0.0.0.0:8080/",
            "http://0/",
            "https://[64:ff9b::7f00:1]/",
            "https://[2002:7f00:1::1]/",
            "https://[::ffff:169.254.169.254]/",
            "https://198.18.0.1/",
        ] {
            assert!(!address_allowed(&settings, &url(refused)), "{refused}");
        }
        assert!(address_allowed(&settings, &url("https://93.184.216.34/inbox")));
        assert!(address_allowed(&settings, &url("https://mastodon.example/inbox")));
        settings.federation.allow_private_addresses = true;
        assert!(address_allowed(&settings, &url("http://127.0.0.2:8080/")));
    }
}
