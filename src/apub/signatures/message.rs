//! RFC 9421 HTTP message signatures (`Signature-Input` and `Signature`).

use std::time::SystemTime;

use axum::http::{HeaderMap, Method};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;

use super::checks::header_value;
use super::{MAX_AGE, MAX_SKEW, SignatureError};

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
