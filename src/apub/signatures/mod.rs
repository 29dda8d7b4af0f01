//! HTTP Signatures (draft-cavage, as Mastodon uses them, and RFC 9421): signing our requests and
//! verifying the requests other servers send, with the signed digest of the body, the signed
//! host and the Date checked.
//!
//! Written here rather than taken from the federation library so that the inbox can tell a bad
//! signature (401, which makes peers retry with another scheme) from a bad request, refetch a
//! key that changed, and read `keyId`s in every shape servers use.

mod checks;
mod header;
mod keys;
mod message;
mod sign;
#[cfg(test)]
mod tests;

use std::time::Duration;

pub use checks::{check_coverage, check_host, digest_header, signing_string, verify_covered_digests};
pub use header::{SignatureHeader, key_owner_candidates};
pub use keys::{parse_public_key, sign_rsa, verify_rsa};
pub use message::MessageSignature;
pub use sign::{sign, sign_off_thread};

/// How old a signed request's `Date` may be.
pub const MAX_AGE: Duration = Duration::from_secs(12 * 3600);
/// How far in the future a `Date` may be (clocks differ).
pub const MAX_SKEW: Duration = Duration::from_secs(3600);

/// Why a signature was not accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    #[error("no Signature header")]
    Missing,
    #[error("malformed Signature header: {0}")]
    Malformed(&'static str),
    #[error("the signature does not cover {0}")]
    HeaderNotSigned(&'static str),
    #[error("Date header missing or not within the accepted window")]
    Stale,
    #[error("a signed Digest or Content-Digest header is missing or does not match the body")]
    Digest,
    #[error("the signature was made for another host")]
    WrongHost,
    #[error("unsupported algorithm {0}")]
    Algorithm(String),
    #[error("signature does not verify")]
    Invalid,
    #[error("key: {0}")]
    Key(String),
}
