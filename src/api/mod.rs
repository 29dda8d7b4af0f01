//! The client APIs: `mastodon` speaks Mastodon's paths and JSON shapes so fediverse apps work,
//! `buurt` is Buurt's own (`/api/buurt/v1`); what both share (errors, callers, bodies) is here.

pub mod auth;
pub mod body;
pub mod buurt;
pub mod error;
pub mod mastodon;
pub mod routes;

use axum::http::HeaderValue;
use axum::response::{IntoResponse, Response};

pub use auth::{Caller, MaybeCaller};
pub use body::{Input, OneOrMany, Upload, lenient_bool};
pub use error::{ApiError, ApiResult, with_allowance};

/// A JSON response that browsers on other origins may read. What an anonymous reader gets
/// here, every anonymous reader gets, so those reads may be cached (`public_cache`).
pub fn json<T: serde::Serialize>(value: &T) -> Response {
    let mut response = axum::Json(value).into_response();
    response.headers_mut().insert("access-control-allow-origin", HeaderValue::from_static("*"));
    crate::public_cache::shareable(response)
}
