//! HTTP Signatures (draft-cavage, as Mastodon uses them, and RFC 9421): signing our requests and
//! verifying the requests other servers send, with the signed digest of the body, the signed
//! host and the Date checked.
//!
//! Written here rather than taken from the federation library so that the inbox can tell a bad
//! signature (401, which makes peers retry with another scheme) from a bad request, refetch a
//! key that changed, and read `keyId`s in every shape servers use.

use std::collections::BTreeMap;
use std::sync::{Arc, LazyLock};
use std::time::{Duration, SystemTime};

use axum::http::{HeaderMap, Method};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use rsa::RsaPublicKey;
use rsa::pkcs1::{DecodeRsaPublicKey, EncodeRsaPublicKey};
use rsa::pkcs1v15::{Signature, VerifyingKey};
use rsa::pkcs8::DecodePublicKey;
use rsa::signature::Verifier;
use sha2::{Digest, Sha256};

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

/// A parsed `Signature` header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignatureHeader {
    pub key_id: String,
    pub algorithm: Option<String>,
    pub headers: Vec<String>,
    pub signature: Vec<u8>,
    pub created: Option<i64>,
    pub expires: Option<i64>,
}

impl SignatureHeader {
    /// Parses `keyId="…",algorithm="…",headers="…",signature="…"` (from `Signature` or from
    /// `Authorization: Signature …`).
    pub fn parse(value: &str) -> Result<SignatureHeader, SignatureError> {
        let value = value.trim().strip_prefix("Signature ").unwrap_or(value.trim());
        let mut fields = BTreeMap::new();
        let mut rest = value;
        while !rest.is_empty() {
            let (name, after) = rest.split_once('=').ok_or(SignatureError::Malformed("expected name=value"))?;
            let name = name.trim().trim_start_matches(',').trim().to_ascii_lowercase();
            let after = after.trim_start();
            let (val, remaining) = if let Some(quoted) = after.strip_prefix('"') {
                let end = quoted.find('"').ok_or(SignatureError::Malformed("unterminated quote"))?;
                (&quoted[..end], &quoted[end + 1..])
            } else {
                let end = after.find(',').unwrap_or(after.len());
                (&after[..end], &after[end..])
            };
            fields.insert(name, val.to_string());
            rest = remaining.trim_start().trim_start_matches(',').trim_start();
            if fields.len() > 16 {
                return Err(SignatureError::Malformed("too many fields"));
            }
        }
        let key_id = fields.remove("keyid").ok_or(SignatureError::Malformed("keyId missing"))?;
        let signature = fields.remove("signature").ok_or(SignatureError::Malformed("signature missing"))?;
        let signature =
            BASE64.decode(signature.trim()).map_err(|_| SignatureError::Malformed("signature not base64"))?;
        let headers = fields
            .remove("headers")
            .unwrap_or_else(|| "date".into())
            .split_whitespace()
            .map(str::to_ascii_lowercase)
            .collect();
        let number = |v: Option<String>| v.and_then(|s| s.trim().parse::<i64>().ok());
        Ok(SignatureHeader {
            key_id,
            algorithm: fields.remove("algorithm"),
            headers,
            signature,
            created: number(fields.remove("created")),
            expires: number(fields.remove("expires")),
        })
    }

    pub fn actor_candidates(&self) -> Vec<String> {
        key_owner_candidates(&self.key_id)
    }
}

/// The actor URL a key id belongs to, by the common conventions: `actor#main-key`, or a key
/// document under the actor such as `actor/main-key` or `actor/publickey`.
pub fn key_owner_candidates(key_id: &str) -> Vec<String> {
    let base = key_id.split('#').next().unwrap_or(key_id).to_string();
    let mut out = vec![base.clone()];
    if let Some((parent, last)) = base.rsplit_once('/')
        && (last.contains("key") || last.contains("Key"))
    {
        out.push(parent.to_string());
    }
    out
}

/// An RFC 9421 HTTP message signature (`Signature-Input` and `Signature`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageSignature {
    /// Covered components, e.g. `@method`, `@target-uri`, `content-digest`.
    pub components: Vec<String>,
    /// The signature parameters exactly as sent (they are part of the signed text).
    pub params: String,
    pub key_id: String,
    pub alg: Option<String>,
    pub created: Option<i64>,
    pub expires: Option<i64>,
    pub signature: Vec<u8>,
}

impl MessageSignature {
    /// Reads the first signature of the request; `None` when it has no `Signature-Input`.
    pub fn parse(headers: &HeaderMap) -> Option<Result<MessageSignature, SignatureError>> {
        let input = headers.get("signature-input")?.to_str().ok()?;
        Some(Self::parse_input(input, headers))
    }

    fn parse_input(input: &str, headers: &HeaderMap) -> Result<MessageSignature, SignatureError> {
        let malformed = SignatureError::Malformed;
        let (label, rest) = input.split_once('=').ok_or(malformed("Signature-Input without label"))?;
        let label = label.trim();
        // One signature is enough; further ones (after a top-level comma) are ignored.
        let rest = rest.trim();
        let close = rest.find(')').ok_or(malformed("Signature-Input without component list"))?;
        let list = rest.strip_prefix('(').ok_or(malformed("Signature-Input without component list"))?;
        let components: Vec<String> =
            list[..close - 1].split_whitespace().map(|c| c.trim_matches('"').to_ascii_lowercase()).collect();
        let mut params_end = rest.len();
        let mut in_quotes = false;
        for (i, ch) in rest.char_indices().skip(close) {
            match ch {
                '"' => in_quotes = !in_quotes,
                ',' if !in_quotes => {
                    params_end = i;
                    break;
                }
                _ => {}
            }
        }
        let params = rest[..params_end].trim().to_string();
        let mut key_id = None;
        let (mut alg, mut created, mut expires) = (None, None, None);
        for param in params[close + 1..].split(';').filter(|p| !p.is_empty()) {
            let (name, value) = param.split_once('=').unwrap_or((param, ""));
            let value = value.trim().trim_matches('"').to_string();
            match name.trim() {
                "keyid" => key_id = Some(value),
                "alg" => alg = Some(value),
                "created" => created = value.parse().ok(),
                "expires" => expires = value.parse().ok(),
                _ => {}
            }
        }
        let signatures = headers.get("signature").and_then(|v| v.to_str().ok()).ok_or(SignatureError::Missing)?;
        let encoded = signatures
            .split(',')
            .find_map(|member| {
                let (l, v) = member.trim().split_once('=')?;
                (l.trim() == label).then(|| v.trim().trim_matches(':').to_string())
            })
            .ok_or(malformed("no Signature for the Signature-Input label"))?;
        let signature = BASE64.decode(encoded).map_err(|_| malformed("signature not base64"))?;
        Ok(MessageSignature {
            components,
            params,
            key_id: key_id.ok_or(malformed("keyid missing"))?,
            alg,
            created,
            expires,
            signature,
        })
    }

    /// The signature base (RFC 9421 §2.5) for this request. `target_uri` is this server's URL
    /// of the request: the configured scheme and domain with the request's path, never the
    /// request's Host header, so a signature made for another server does not verify here.
    pub fn base(&self, method: &Method, target_uri: &str, headers: &HeaderMap) -> Result<String, SignatureError> {
        let url = url::Url::parse(target_uri).map_err(|_| SignatureError::Malformed("target URI"))?;
        let authority = match url.port() {
            Some(port) => format!("{}:{port}", url.host_str().unwrap_or("")),
            None => url.host_str().unwrap_or("").to_string(),
        };
        let mut lines = Vec::with_capacity(self.components.len() + 1);
        for component in &self.components {
            let value = match component.as_str() {
                "@method" => method.as_str().to_string(),
                "@target-uri" => target_uri.to_string(),
                "@authority" => authority.to_ascii_lowercase(),
                "@scheme" => url.scheme().to_string(),
                "@path" => url.path().to_string(),
                "@query" => format!("?{}", url.query().unwrap_or("")),
                "@request-target" => match url.query() {
                    Some(q) => format!("{}?{q}", url.path()),
                    None => url.path().to_string(),
                },
                derived if derived.starts_with('@') => {
                    return Err(SignatureError::Malformed("unsupported derived component"));
                }
                name => header_value(headers, name).ok_or(SignatureError::Malformed("a signed header is missing"))?,
            };
            lines.push(format!("\"{component}\": {value}"));
        }
        lines.push(format!("\"@signature-params\": {}", self.params));
        Ok(lines.join("\n"))
    }

    /// Checks that the signature covers what matters and is recent.
    pub fn check_coverage(&self, method: &Method, now: SystemTime) -> Result<(), SignatureError> {
        let covers = |c: &str| self.components.iter().any(|s| s == c);
        if !covers("@method") {
            return Err(SignatureError::HeaderNotSigned("@method"));
        }
        if !covers("@target-uri") && !(covers("@path") && (covers("@authority") || covers("host"))) {
            return Err(SignatureError::HeaderNotSigned("@target-uri"));
        }
        if *method == Method::POST && !covers("content-digest") && !covers("digest") {
            return Err(SignatureError::HeaderNotSigned("content-digest"));
        }
        if let Some(alg) = &self.alg
            && alg != "rsa-v1_5-sha256"
        {
            return Err(SignatureError::Algorithm(alg.clone()));
        }
        let now_secs = now.duration_since(SystemTime::UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0);
        let created = self.created.ok_or(SignatureError::Stale)?;
        if created > now_secs + MAX_SKEW.as_secs() as i64 || created < now_secs - MAX_AGE.as_secs() as i64 {
            return Err(SignatureError::Stale);
        }
        if self.expires.is_some_and(|e| e < now_secs) {
            return Err(SignatureError::Stale);
        }
        Ok(())
    }
}

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

fn header_value(headers: &HeaderMap, name: &str) -> Option<String> {
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

/// Parses a PEM public key in SPKI (`PUBLIC KEY`) or PKCS#1 (`RSA PUBLIC KEY`) form.
pub fn parse_public_key(pem: &str) -> Result<RsaPublicKey, SignatureError> {
    RsaPublicKey::from_public_key_pem(pem.trim())
        .or_else(|_| RsaPublicKey::from_pkcs1_pem(pem.trim()))
        .map_err(|e| SignatureError::Key(e.to_string()))
}

/// A public key ready to verify with. `ring` verifies RSA several times faster than the `rsa`
/// crate (BENCHMARKS.md); it takes keys of 2048 bits and more, so smaller keys (old servers) go
/// through the `rsa` crate.
#[derive(Clone)]
enum PublicKey {
    Ring(Arc<[u8]>),
    Small(RsaPublicKey),
}

/// Remote actors' keys are reused for every activity they send: parse each once.
static PUBLIC_KEYS: LazyLock<moka::sync::Cache<String, PublicKey>> =
    LazyLock::new(|| moka::sync::Cache::builder().max_capacity(10_000).build());

fn public_key(pem: &str) -> Result<PublicKey, SignatureError> {
    if let Some(key) = PUBLIC_KEYS.get(pem) {
        return Ok(key);
    }
    let parsed = parse_public_key(pem)?;
    let key = if rsa::traits::PublicKeyParts::size(&parsed) >= 256 {
        let der = parsed.to_pkcs1_der().map_err(|e| SignatureError::Key(e.to_string()))?;
        PublicKey::Ring(der.as_bytes().into())
    } else {
        PublicKey::Small(parsed)
    };
    PUBLIC_KEYS.insert(pem.to_string(), key.clone());
    Ok(key)
}

/// Verifies an RSA-SHA256 (PKCS#1 v1.5) signature over `signing_string`.
pub fn verify_rsa(public_key_pem: &str, signing_string: &str, signature: &[u8]) -> Result<(), SignatureError> {
    match public_key(public_key_pem)? {
        PublicKey::Ring(der) => {
            ring::signature::UnparsedPublicKey::new(&ring::signature::RSA_PKCS1_2048_8192_SHA256, &*der)
                .verify(signing_string.as_bytes(), signature)
                .map_err(|_| SignatureError::Invalid)
        }
        PublicKey::Small(key) => {
            let signature = Signature::try_from(signature).map_err(|_| SignatureError::Invalid)?;
            VerifyingKey::<Sha256>::new(key)
                .verify(signing_string.as_bytes(), &signature)
                .map_err(|_| SignatureError::Invalid)
        }
    }
}

/// Private keys are parsed once: parsing a PEM costs more than a signature.
static PRIVATE_KEYS: LazyLock<moka::sync::Cache<String, Arc<aws_lc_rs::rsa::KeyPair>>> =
    LazyLock::new(|| moka::sync::Cache::builder().max_capacity(10_000).build());

fn private_key(pem: &str) -> Result<Arc<aws_lc_rs::rsa::KeyPair>, SignatureError> {
    if let Some(key) = PRIVATE_KEYS.get(pem) {
        return Ok(key);
    }
    let der = rsa::pkcs8::SecretDocument::from_pem(pem.trim()).map_err(|e| SignatureError::Key(e.to_string()))?.1;
    let key = aws_lc_rs::rsa::KeyPair::from_pkcs8(der.as_bytes()).map_err(|e| SignatureError::Key(e.to_string()))?;
    let key = Arc::new(key);
    PRIVATE_KEYS.insert(pem.to_string(), key.clone());
    Ok(key)
}

/// An RSA-SHA256 (PKCS#1 v1.5) signature of `message` with a PKCS#8 PEM private key.
///
/// Made with AWS-LC (`aws-lc-rs`), which has the vector code for RSA's big-number arithmetic
/// that `ring` lacks: 6,700–7,200 signatures/s against ring's 4,100/s on two cores of an Intel
/// Xeon (BENCHMARKS.md, round 9), and about the same as ring where those instructions are
/// missing. Every delivery needs one signature, so this is the most of a fan-out's CPU time.
pub fn sign_rsa(private_key_pem: &str, message: &[u8]) -> Result<Vec<u8>, SignatureError> {
    let key = private_key(private_key_pem)?;
    let mut signature = vec![0; key.public_modulus_len()];
    key.sign(&aws_lc_rs::signature::RSA_PKCS1_SHA256, &aws_lc_rs::rand::SystemRandom::new(), message, &mut signature)
        .map_err(|_| SignatureError::Key("signing failed".into()))?;
    Ok(signature)
}

/// [`sign`] of a POST on a blocking thread: a signature is a quarter of a millisecond of CPU
/// work, too long for an async thread. Returns the headers and the body.
///
/// Each caller gets a thread of its own while it signs (a fan-out sending to 32 instances
/// signs on up to 32). Limiting the signatures made at once to one per core was tried and was
/// slower: the signatures then got a smaller share of the cores than the sending around them
/// (BENCHMARKS.md, round 11).
pub async fn sign_off_thread(
    url: url::Url,
    body: Vec<u8>,
    content_type: &'static str,
    key_id: String,
    private_key_pem: String,
) -> Result<(Vec<(&'static str, String)>, Vec<u8>), SignatureError> {
    tokio::task::spawn_blocking(move || {
        let headers =
            sign(&Method::POST, &url, Some(&body), Some(content_type), &key_id, &private_key_pem, SystemTime::now())?;
        Ok((headers, body))
    })
    .await
    .map_err(|e| SignatureError::Key(format!("signing task: {e}")))?
}

/// The headers to add to an outgoing request: `Date`, `Digest` (with a body) and `Signature`.
pub fn sign(
    method: &Method,
    url: &url::Url,
    body: Option<&[u8]>,
    content_type: Option<&str>,
    key_id: &str,
    private_key_pem: &str,
    now: SystemTime,
) -> Result<Vec<(&'static str, String)>, SignatureError> {
    let host = match url.port() {
        Some(port) => format!("{}:{port}", url.host_str().unwrap_or("")),
        None => url.host_str().unwrap_or("").to_string(),
    };
    let date = httpdate::fmt_http_date(now);
    let path = match url.query() {
        Some(q) => format!("{}?{q}", url.path()),
        None => url.path().to_string(),
    };
    let mut out: Vec<(&'static str, String)> = vec![("host", host), ("date", date)];
    let mut names = vec!["(request-target)", "host", "date"];
    if let Some(body) = body {
        out.push(("digest", digest_header(body)));
        names.push("digest");
        if let Some(ct) = content_type {
            out.push(("content-type", ct.to_string()));
            names.push("content-type");
        }
    }
    let mut lines = vec![format!("(request-target): {} {path}", method.as_str().to_ascii_lowercase())];
    for (name, value) in &out {
        lines.push(format!("{name}: {value}"));
    }
    let signature = sign_rsa(private_key_pem, lines.join("\n").as_bytes())?;
    out.push((
        "signature",
        format!(
            "keyId=\"{key_id}\",algorithm=\"rsa-sha256\",headers=\"{}\",signature=\"{}\"",
            names.join(" "),
            BASE64.encode(signature)
        ),
    ));
    // `host` is set by the HTTP client from the URL; it is only part of the signed string.
    out.retain(|(name, _)| *name != "host");
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const PRIVATE: &str = include_str!("../../tests/fixtures/test_private_key.pem");
    const PUBLIC: &str = include_str!("../../tests/fixtures/test_public_key.pem");

    fn signed_request(body: &[u8], now: SystemTime) -> (HeaderMap, SignatureHeader) {
        let url = url::Url::parse("https://beta.example/inbox").unwrap();
        let headers_out = sign(
            &Method::POST,
            &url,
            Some(body),
            Some("application/activity+json"),
            "https://alpha.example/u/anna#main-key",
            PRIVATE,
            now,
        )
        .unwrap();
        let mut headers = HeaderMap::new();
        headers.insert("host", "beta.example".parse().unwrap());
        for (name, value) in headers_out {
            headers.insert(name, value.parse().unwrap());
        }
        let sig = SignatureHeader::parse(headers["signature"].to_str().unwrap()).unwrap();
        (headers, sig)
    }

    #[test]
    fn a_signed_request_verifies_and_a_changed_one_does_not() {
        let now = SystemTime::now();
        let body = br#"{"type":"Follow"}"#;
        let (headers, sig) = signed_request(body, now);
        assert_eq!(sig.key_id, "https://alpha.example/u/anna#main-key");
        assert_eq!(sig.headers, ["(request-target)", "host", "date", "digest", "content-type"]);
        check_coverage(&sig, &Method::POST, &headers, now).unwrap();
        verify_covered_digests(&sig.headers, &Method::POST, &headers, body).unwrap();
        check_host(&sig.headers, &headers, "Beta.Example").unwrap();
        let text = signing_string(&sig, &Method::POST, "/inbox", &headers).unwrap();
        verify_rsa(PUBLIC, &text, &sig.signature).unwrap();

        assert_eq!(verify_covered_digests(&sig.headers, &Method::POST, &headers, b"{}"), Err(SignatureError::Digest));
        let other_path = signing_string(&sig, &Method::POST, "/u/bert/inbox", &headers).unwrap();
        assert_eq!(verify_rsa(PUBLIC, &other_path, &sig.signature), Err(SignatureError::Invalid));
        let mut tampered = headers.clone();
        tampered.insert("host", "gamma.example".parse().unwrap());
        let text = signing_string(&sig, &Method::POST, "/inbox", &tampered).unwrap();
        assert_eq!(verify_rsa(PUBLIC, &text, &sig.signature), Err(SignatureError::Invalid));
    }

    #[test]
    fn stale_and_future_dates_are_refused() {
        let now = SystemTime::now();
        let (headers, sig) = signed_request(b"{}", now - Duration::from_secs(13 * 3600));
        assert_eq!(check_coverage(&sig, &Method::POST, &headers, now), Err(SignatureError::Stale));
        let (headers, sig) = signed_request(b"{}", now + Duration::from_secs(2 * 3600));
        assert_eq!(check_coverage(&sig, &Method::POST, &headers, now), Err(SignatureError::Stale));
        let (headers, sig) = signed_request(b"{}", now - Duration::from_secs(60));
        assert!(check_coverage(&sig, &Method::POST, &headers, now).is_ok());
    }

    #[test]
    fn headers_in_other_shapes_parse() {
        let sig = SignatureHeader::parse(
            "keyId=\"https://gts.example/users/a/main-key\", algorithm=\"hs2019\", headers=\"(request-target) host date\", signature=\"AAAA\"",
        )
        .unwrap();
        assert_eq!(sig.actor_candidates(), ["https://gts.example/users/a/main-key", "https://gts.example/users/a"]);
        let auth = SignatureHeader::parse("Signature keyId=\"https://x.example/a#k\",signature=\"AAAA\"").unwrap();
        assert_eq!(auth.headers, ["date"]);
        for bad in ["", "keyId=", "signature=\"AAAA\"", "keyId=\"x\",signature=\"not base64!\"", "keyId=\"x"] {
            assert!(SignatureHeader::parse(bad).is_err(), "{bad}");
        }
        let mut headers = HeaderMap::new();
        headers.insert("digest", "sha-256=RBNvo1WzZ4oRRq0W9+hknpT7T8If536DEMBg9hyq/4o=".parse().unwrap());
        let covered = ["digest".to_string()];
        assert!(verify_covered_digests(&covered, &Method::POST, &headers, b"{}").is_ok(), "lowercase algorithm name");
    }

    /// Our signatures (AWS-LC) are exactly what the independent `rsa` crate makes (PKCS#1 v1.5
    /// is deterministic) and accepts, ring verifies them, and keys below 2048 bits still verify
    /// through the `rsa` crate.
    #[test]
    fn signing_with_aws_lc_verifying_with_ring_and_the_rsa_crate_agree() {
        use rsa::pkcs1v15::SigningKey;
        use rsa::pkcs8::{DecodePrivateKey, EncodePublicKey, LineEnding};
        use rsa::signature::{SignatureEncoding, Signer};
        let message = b"(request-target): post /inbox";
        let theirs = rsa::RsaPrivateKey::from_pkcs8_pem(PRIVATE).unwrap();
        let expected = SigningKey::<Sha256>::new(theirs.clone()).sign(message).to_bytes();
        assert_eq!(sign_rsa(PRIVATE, message).unwrap(), expected.to_vec());
        let public = theirs.to_public_key().to_public_key_pem(LineEnding::LF).unwrap();
        verify_rsa(&public, "(request-target): post /inbox", &expected).unwrap();
        assert!(verify_rsa(&public, "(request-target): post /inbox2", &expected).is_err());

        let small = rsa::RsaPrivateKey::new(&mut rand::thread_rng(), 1024).unwrap();
        let signature = SigningKey::<Sha256>::new(small.clone()).sign(message).to_bytes();
        let small_public = small.to_public_key().to_public_key_pem(LineEnding::LF).unwrap();
        verify_rsa(&small_public, "(request-target): post /inbox", &signature).unwrap();
        assert!(verify_rsa(&small_public, "(request-target): post /other", &signature).is_err());
        assert!(verify_rsa("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----", "x", &signature).is_err());
    }

    #[test]
    fn rfc9421_signatures_verify() {
        let now = SystemTime::now();
        let created = now.duration_since(SystemTime::UNIX_EPOCH).unwrap().as_secs();
        let body = br#"{"type":"Follow"}"#;
        let mut headers = HeaderMap::new();
        headers.insert("host", "beta.example".parse().unwrap());
        headers.insert("content-digest", format!("sha-256=:{}:", BASE64.encode(Sha256::digest(body))).parse().unwrap());
        let params = format!(
            "(\"@method\" \"@target-uri\" \"@authority\" \"content-digest\");created={created};keyid=\"https://alpha.example/u/anna#main-key\";alg=\"rsa-v1_5-sha256\""
        );
        let base = format!(
            "\"@method\": POST\n\"@target-uri\": https://beta.example/inbox\n\"@authority\": beta.example\n\"content-digest\": {}\n\"@signature-params\": {params}",
            headers["content-digest"].to_str().unwrap()
        );
        let sig = sign_rsa(PRIVATE, base.as_bytes()).unwrap();
        headers.insert("signature-input", format!("sig1={params}").parse().unwrap());
        headers.insert("signature", format!("sig1=:{}:", BASE64.encode(sig)).parse().unwrap());

        let parsed = MessageSignature::parse(&headers).unwrap().unwrap();
        assert_eq!(parsed.key_id, "https://alpha.example/u/anna#main-key");
        parsed.check_coverage(&Method::POST, now).unwrap();
        verify_covered_digests(&parsed.components, &Method::POST, &headers, body).unwrap();
        let rebuilt = parsed.base(&Method::POST, "https://beta.example/inbox", &headers).unwrap();
        assert_eq!(rebuilt, base);
        verify_rsa(PUBLIC, &rebuilt, &parsed.signature).unwrap();
        let elsewhere = parsed.base(&Method::POST, "https://beta.example/other", &headers).unwrap();
        assert_eq!(verify_rsa(PUBLIC, &elsewhere, &parsed.signature), Err(SignatureError::Invalid));
        assert_eq!(
            parsed.check_coverage(&Method::POST, now + Duration::from_secs(13 * 3600)),
            Err(SignatureError::Stale)
        );
    }

    #[test]
    fn unsigned_essentials_are_refused() {
        let now = SystemTime::now();
        let (headers, mut sig) = signed_request(b"{}", now);
        sig.headers.retain(|h| h != "digest");
        assert_eq!(check_coverage(&sig, &Method::POST, &headers, now), Err(SignatureError::HeaderNotSigned("digest")));
        sig.headers.retain(|h| h != "host");
        assert_eq!(check_coverage(&sig, &Method::POST, &headers, now), Err(SignatureError::HeaderNotSigned("host")));
        let (headers, mut sig) = signed_request(b"{}", now);
        sig.algorithm = Some("hmac-sha256".into());
        assert!(matches!(check_coverage(&sig, &Method::POST, &headers, now), Err(SignatureError::Algorithm(_))));
    }

    /// A `Digest` the signature does not cover is anyone's to add: only the covered digest
    /// headers are compared with the body, and every one of them must match.
    #[test]
    fn only_the_digest_headers_a_signature_covers_count() {
        let body = br#"{"type":"Follow"}"#;
        let other = br#"{"type":"Delete"}"#;
        let content_digest = |b: &[u8]| format!("sha-256=:{}:", BASE64.encode(Sha256::digest(b)));
        let rfc9421: Vec<String> = ["@method", "@target-uri", "content-digest"].map(String::from).to_vec();
        let mut headers = HeaderMap::new();
        headers.insert("content-digest", content_digest(body).parse().unwrap());
        // The attack: the signed Content-Digest is the victim's, an added Digest fits the new body.
        headers.insert("digest", digest_header(other).parse().unwrap());
        assert_eq!(verify_covered_digests(&rfc9421, &Method::POST, &headers, other), Err(SignatureError::Digest));
        assert_eq!(verify_covered_digests(&rfc9421, &Method::POST, &headers, body), Ok(()));
        // The same the other way round for a draft-cavage signature over `digest`.
        let cavage: Vec<String> = ["(request-target)", "host", "date", "digest"].map(String::from).to_vec();
        let mut headers = HeaderMap::new();
        headers.insert("digest", digest_header(body).parse().unwrap());
        headers.insert("content-digest", content_digest(other).parse().unwrap());
        assert_eq!(verify_covered_digests(&cavage, &Method::POST, &headers, other), Err(SignatureError::Digest));
        assert_eq!(verify_covered_digests(&cavage, &Method::POST, &headers, body), Ok(()));
        // Both covered: both must match.
        let both: Vec<String> = ["digest", "content-digest"].map(String::from).to_vec();
        assert_eq!(verify_covered_digests(&both, &Method::POST, &headers, body), Err(SignatureError::Digest));
        headers.insert("content-digest", content_digest(body).parse().unwrap());
        assert_eq!(verify_covered_digests(&both, &Method::POST, &headers, body), Ok(()));
        // A covered digest header that is missing, or has no SHA-256, or has a wrong one besides.
        headers.remove("content-digest");
        assert_eq!(verify_covered_digests(&both, &Method::POST, &headers, body), Err(SignatureError::Digest));
        headers.insert("content-digest", "sha-512=:AAAA:".parse().unwrap());
        assert_eq!(verify_covered_digests(&rfc9421, &Method::POST, &headers, body), Err(SignatureError::Digest));
        let twice = format!("{}, {}", content_digest(body), content_digest(other));
        headers.insert("content-digest", twice.parse().unwrap());
        assert_eq!(verify_covered_digests(&rfc9421, &Method::POST, &headers, body), Err(SignatureError::Digest));
        // A POST must cover a digest; a GET need not.
        let none: Vec<String> = ["(request-target)", "host", "date"].map(String::from).to_vec();
        assert_eq!(
            verify_covered_digests(&none, &Method::POST, &headers, body),
            Err(SignatureError::HeaderNotSigned("digest"))
        );
        assert_eq!(verify_covered_digests(&none, &Method::GET, &HeaderMap::new(), b""), Ok(()));
    }

    #[test]
    fn a_signed_host_must_be_ours() {
        let covered: Vec<String> = ["(request-target)", "host", "date"].map(String::from).to_vec();
        let mut headers = HeaderMap::new();
        headers.insert("host", "LocalHost:41234".parse().unwrap());
        assert_eq!(check_host(&covered, &headers, "localhost:41234"), Ok(()));
        assert_eq!(check_host(&covered, &headers, "localhost:41235"), Err(SignatureError::WrongHost));
        assert_eq!(check_host(&covered, &headers, "localhost"), Err(SignatureError::WrongHost));
        headers.insert("host", "other.example".parse().unwrap());
        assert_eq!(check_host(&covered, &headers, "buurt.example"), Err(SignatureError::WrongHost));
        assert_eq!(check_host(&covered, &HeaderMap::new(), "buurt.example"), Err(SignatureError::WrongHost));
        // Not covered (RFC 9421 binds the host through the target URI built from our domain).
        assert_eq!(check_host(&["@target-uri".to_string()], &headers, "buurt.example"), Ok(()));
    }
}
