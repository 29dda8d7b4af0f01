//! Mastodon's client API: its paths and JSON shapes where Mastodon has the concept, so fediverse
//! apps and libraries work against Buurt.

pub mod accounts;
pub mod blocks;
pub mod entities;
pub mod grouped_notifications;
pub mod instance;
pub mod markers;
pub mod media;
pub mod notifications;
pub mod oauth;
pub mod push;
pub mod reports;
pub mod routes;
pub mod statuses;
pub mod threads;

use axum::http::HeaderValue;

/// Limits are clamped, never refused: apps ask for 100 where 40 is the maximum.
pub fn clamp_limit(limit: Option<i64>, default: i64, max: i64) -> i64 {
    limit.unwrap_or(default).clamp(1, max)
}

/// The `Link` header for a page of items with these ids (newest first).
pub fn link_header(base: &str, path: &str, ids: &[i64], extra: &str) -> Option<HeaderValue> {
    let (first, last) = (ids.first()?, ids.last()?);
    let sep = if extra.is_empty() { "" } else { "&" };
    HeaderValue::from_str(&format!(
        "<{base}{path}?{extra}{sep}max_id={last}>; rel=\"next\", <{base}{path}?{extra}{sep}min_id={first}>; rel=\"prev\""
    ))
    .ok()
}
