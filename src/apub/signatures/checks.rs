//! What a signature must cover: the body's digest, this host, a recent date; and the signed
//! string of a draft-cavage signature.

use std::time::SystemTime;

use axum::http::{HeaderMap, Method};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use sha2::{Digest, Sha256};

use super::{MAX_AGE, MAX_SKEW, SignatureError, SignatureHeader};

/// `SHA-256=…` for a body.
pub fn digest_header(body: &[u8]) -> String {
    format!("SHA-256={}", BASE64.encode(Sha256::digest(body)))
}

/// The digest headers a signature can cover.
const DIGEST_HEADERS: [&str; 2] = ["digest", "content-digest"];

/// Checks the digest headers that the signature covers (`covered`: draft-cavage `headers` or
/// RFC 9421 components) against the body: each of them must be present and match. A digest
/// header the signature does not cover proves nothing (anyone on the way can add one) and is
/// not looked at. A POST must cover at least one.
///
/// `Digest` is `SHA-256=<base64>` (RFC 3230), `Content-Digest` is `sha-256=:<base64>:`
/// (RFC 9530); algorithm names are compared without regard to case, as peers write both. Of a
/// header that lists several algorithms, every SHA-256 entry must match and at least one must be
/// there; other algorithms are not checked.
pub fn verify_covered_digests(
    covered: &[String],
    method: &Method,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<(), SignatureError> {
    let names: Vec<&str> = DIGEST_HEADERS.into_iter().filter(|d| covered.iter().any(|c| c == d)).collect();
    if names.is_empty() && *method == Method::POST {
        return Err(SignatureError::HeaderNotSigned("digest"));
    }
    let expected = BASE64.encode(Sha256::digest(body));
    for name in names {
        let value = header_value(headers, name).ok_or(SignatureError::Digest)?;
        let sha256: Vec<&str> = value
            .split(',')
            .filter_map(|part| part.trim().split_once('='))
            .filter(|(alg, _)| alg.trim().eq_ignore_ascii_case("sha-256"))
            .map(|(_, v)| v.trim().trim_matches(':'))
            .collect();
        if sha256.is_empty() || sha256.iter().any(|v| *v != expected) {
            return Err(SignatureError::Digest);
        }
    }
    Ok(())
}

/// When the signature covers the `Host` header, it must name this server (`domain`, with its
/// port if it has one): a request signed for another server and replayed here is refused.
pub fn check_host(covered: &[String], headers: &HeaderMap, domain: &str) -> Result<(), SignatureError> {
    if !covered.iter().any(|c| c == "host") {
        return Ok(());
    }
    match header_value(headers, "host") {
        Some(host) if host.eq_ignore_ascii_case(domain) => Ok(()),
        _ => Err(SignatureError::WrongHost),
    }
}

pub(super) fn header_value(headers: &HeaderMap, name: &str) -> Option<String> {
    let values: Vec<&str> = headers.get_all(name).iter().filter_map(|v| v.to_str().ok()).map(str::trim).collect();
    (!values.is_empty()).then(|| values.join(", "))
}

/// The string a signature covers.
pub fn signing_string(
    sig: &SignatureHeader,
    method: &Method,
    path_and_query: &str,
    headers: &HeaderMap,
) -> Result<String, SignatureError> {
    let mut lines = Vec::with_capacity(sig.headers.len());
    for name in &sig.headers {
        let line = match name.as_str() {
            "(request-target)" => {
                format!("(request-target): {} {path_and_query}", method.as_str().to_ascii_lowercase())
            }
            "(created)" => {
                format!("(created): {}", sig.created.ok_or(SignatureError::Malformed("(created) without value"))?)
            }
            "(expires)" => {
                format!("(expires): {}", sig.expires.ok_or(SignatureError::Malformed("(expires) without value"))?)
            }
            other => {
                let value =
                    header_value(headers, other).ok_or(SignatureError::Malformed("a signed header is missing"))?;
                format!("{other}: {value}")
            }
        };
        lines.push(line);
    }
    Ok(lines.join("\n"))
}

/// Checks that the signature covers what matters and is recent.
pub fn check_coverage(
    sig: &SignatureHeader,
    method: &Method,
    headers: &HeaderMap,
    now: SystemTime,
) -> Result<(), SignatureError> {
    let covers = |h: &str| sig.headers.iter().any(|s| s == h);
    if !covers("(request-target)") {
        return Err(SignatureError::HeaderNotSigned("(request-target)"));
    }
    if !covers("host") {
        return Err(SignatureError::HeaderNotSigned("host"));
    }
    if *method == Method::POST && !covers("digest") && !covers("content-digest") {
        return Err(SignatureError::HeaderNotSigned("digest"));
    }
    if let Some(alg) = &sig.algorithm {
        let alg = alg.to_ascii_lowercase();
        if alg != "rsa-sha256" && alg != "hs2019" {
            return Err(SignatureError::Algorithm(alg));
        }
    }
    let now_secs = now.duration_since(SystemTime::UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0);
    if covers("date") {
        let date = headers
            .get("date")
            .and_then(|v| v.to_str().ok())
            .and_then(|d| httpdate::parse_http_date(d).ok())
            .ok_or(SignatureError::Stale)?;
        let fresh = match now.duration_since(date) {
            Ok(age) => age <= MAX_AGE,
            Err(ahead) => ahead.duration() <= MAX_SKEW,
        };
        if !fresh {
            return Err(SignatureError::Stale);
        }
    } else if covers("(created)") {
        let created = sig.created.ok_or(SignatureError::Stale)?;
        if created > now_secs + MAX_SKEW.as_secs() as i64 || created < now_secs - MAX_AGE.as_secs() as i64 {
            return Err(SignatureError::Stale);
        }
    } else {
        return Err(SignatureError::HeaderNotSigned("date"));
    }
    if let Some(expires) = sig.expires
        && expires < now_secs
    {
        return Err(SignatureError::Stale);
    }
    Ok(())
}
