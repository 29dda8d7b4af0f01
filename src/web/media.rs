//! `GET /media/{key}`: stored files with long-lived caching; `GET /media/proxy`: images of
//! other servers fetched on a visitor's behalf, only with this server's signature.

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE, ETAG, IF_NONE_MATCH};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use crate::media::storage::{content_type_of, valid_key};
use crate::media::{IMMUTABLE, proxy_signature_valid};
use crate::state::AppState;

/// Content types the proxy passes on. SVG is left out: it can carry scripts.
const PROXIED_TYPES: &[&str] = &["image/jpeg", "image/png", "image/gif", "image/webp", "image/avif"];

fn error(status: StatusCode, text: &'static str) -> Response {
    let mut response = (status, text).into_response();
    response.headers_mut().insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// Headers every image response carries.
fn image_headers(headers: &mut HeaderMap, content_type: &str, cache: &'static str) {
    if let Ok(v) = HeaderValue::from_str(content_type) {
        headers.insert(CONTENT_TYPE, v);
    }
    headers.insert(CACHE_CONTROL, HeaderValue::from_static(cache));
    headers.insert("x-content-type-options", HeaderValue::from_static("nosniff"));
    headers.insert("content-security-policy", HeaderValue::from_static("default-src 'none'; sandbox"));
    headers.insert("cross-origin-resource-policy", HeaderValue::from_static("cross-origin"));
    headers.insert("access-control-allow-origin", HeaderValue::from_static("*"));
}

/// `GET /media/{key}`.
pub async fn serve(State(state): State<AppState>, Path(key): Path<String>, request_headers: HeaderMap) -> Response {
    if !valid_key(&key) {
        return error(StatusCode::NOT_FOUND, "not found");
    }
    // The key names the content for good, so it is the ETag.
    let etag = format!("\"{key}\"");
    let matches = request_headers
        .get(IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"));
    let mut response = if matches {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        match state.media.storage.get(&key).await {
            Ok(Some(bytes)) => (StatusCode::OK, bytes).into_response(),
            Ok(None) => return error(StatusCode::NOT_FOUND, "not found"),
            Err(e) => {
                tracing::error!(key, error = %e, "reading a media file failed");
                return error(StatusCode::INTERNAL_SERVER_ERROR, "internal error");
            }
        }
    };
    image_headers(response.headers_mut(), content_type_of(&key), IMMUTABLE);
    if let Ok(v) = HeaderValue::from_str(&etag) {
        response.headers_mut().insert(ETAG, v);
    }
    response
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ProxyQuery {
    url: String,
    sig: String,
}

/// `GET /media/proxy?url=…&sig=…`.
pub async fn proxy(State(state): State<AppState>, Query(q): Query<ProxyQuery>) -> Response {
    if q.url.is_empty() || !proxy_signature_valid(&state.site.secret, &q.url, &q.sig) {
        return error(StatusCode::FORBIDDEN, "invalid signature");
    }
    let (content_type, bytes) = match state.media.proxy_cache.get(&q.url) {
        Some(hit) => hit,
        None => match fetch_gated(&state, &q.url).await {
            Ok(fetched) => {
                state.media.proxy_cache.insert(q.url.clone(), fetched.clone());
                fetched
            }
            Err(reason) => {
                tracing::info!(url = %q.url, reason, "proxying a remote image failed");
                return error(StatusCode::BAD_GATEWAY, "the image could not be fetched");
            }
        },
    };
    let mut response = (StatusCode::OK, bytes).into_response();
    image_headers(response.headers_mut(), &content_type, "public, max-age=86400");
    response
}

/// [`fetch`] when a place is free (`media.max_concurrent_proxy_fetches`).
async fn fetch_gated(state: &AppState, url: &str) -> Result<(String, Bytes), &'static str> {
    let _permit = state.limits.proxy_fetches.enter().await;
    fetch(state, url).await
}

/// Fetches a remote image with the federation client (no private addresses unless allowed, no
/// redirects, 10 seconds at most), up to the upload size limit: the body is read chunk by chunk
/// and the fetch stops as soon as it grows beyond it (the visitor gets 502).
async fn fetch(state: &AppState, url: &str) -> Result<(String, Bytes), &'static str> {
    let parsed = url::Url::parse(url).map_err(|_| "not a URL")?;
    match parsed.scheme() {
        "https" => {}
        "http" if state.settings.federation.allow_http => {}
        _ => return Err("scheme not allowed"),
    }
    if !crate::apub::address_allowed(&state.settings, &parsed) {
        return Err("private address");
    }
    if state.federation_policy.rejects_media(&parsed) {
        return Err("media of this server are refused by the federation policy");
    }
    let cap = state.settings.media.max_upload_bytes;
    let response = state.http.get(parsed).header("accept", "image/*").send().await.map_err(|_| "request failed")?;
    if response.status() != reqwest::StatusCode::OK {
        return Err("status is not 200");
    }
    let content_type = response
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_ascii_lowercase())
        .unwrap_or_default();
    if !PROXIED_TYPES.contains(&content_type.as_str()) {
        return Err("not an image");
    }
    let body = crate::apub::read_capped(response, cap).await.map_err(|e| match e {
        crate::apub::ReadError::TooLarge(_) => "too large",
        crate::apub::ReadError::Http(_) => "reading failed",
    })?;
    Ok((content_type, Bytes::from(body)))
}
