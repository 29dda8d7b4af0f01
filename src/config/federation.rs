//! `[federation]`: talking to other servers.

use serde::{Deserialize, Serialize};

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
    /// Allow-list mode: talk only to the servers staff put on the allow-list (the admin page
    /// /beheer/federatie), refusing every other server's activities, fetches and deliveries as if
    /// it were blocked. Off: every server that is not blocked.
    pub allow_list_mode: bool,
}

impl Default for FederationSettings {
    fn default() -> Self {
        FederationSettings {
            allow_http: false,
            allow_private_addresses: false,
            signed_fetch_only: false,
            delivery_parallel_instances: 32,
            allow_list_mode: false,
        }
    }
}
