//! Signing our outgoing requests.

use std::time::SystemTime;

use axum::http::Method;
use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;

use super::{SignatureError, digest_header, sign_rsa};

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
