//! `[server]`: the HTTP listener.

use serde::{Deserialize, Serialize};

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
