//! Form posts: content type, size and CSRF checked before a handler sees the fields.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::header::CONTENT_TYPE;
use serde::de::DeserializeOwned;

use super::context::Ctx;
use super::error::WebError;
use crate::state::AppState;

/// A posted form whose CSRF token matched, with the page context.
pub struct CsrfForm<T> {
    pub ctx: Ctx,
    pub form: T,
}

#[derive(serde::Deserialize)]
struct CsrfField {
    #[serde(default)]
    csrf: String,
}

impl<T: DeserializeOwned + Send> FromRequest<AppState> for CsrfForm<T> {
    type Rejection = WebError;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let (mut parts, body) = request.into_parts();
        let content_type = parts.headers.get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
        if !content_type
            .split(';')
            .next()
            .is_some_and(|m| m.trim().eq_ignore_ascii_case("application/x-www-form-urlencoded"))
        {
            return Err(WebError::UnsupportedMediaType);
        }
        // Browsers say where a request comes from; another site's form is refused outright.
        if parts.headers.get("sec-fetch-site").is_some_and(|v| v.as_bytes() == b"cross-site") {
            return Err(WebError::Csrf);
        }
        let ctx = Ctx::from_request_parts(&mut parts, state).await?;
        let bytes = Bytes::from_request(Request::from_parts(parts, body), state)
            .await
            .map_err(|_| WebError::PayloadTooLarge)?;
        let token: CsrfField =
            serde_urlencoded::from_bytes(&bytes).map_err(|_| WebError::BadRequest("error-form-malformed"))?;
        if ctx.csrf.is_empty() || !constant_time_eq(token.csrf.as_bytes(), ctx.csrf.as_bytes()) {
            return Err(WebError::Csrf);
        }
        let form = serde_urlencoded::from_bytes(&bytes).map_err(|_| WebError::BadRequest("error-form-malformed"))?;
        Ok(CsrfForm { ctx, form })
    }
}

/// A posted form that may carry files (`multipart/form-data`; a plain form is taken too), whose
/// CSRF token matched. Text fields are parsed into `T`; files are kept apart.
pub struct UploadForm<T> {
    pub ctx: Ctx,
    pub form: T,
    pub files: Vec<crate::media::UploadedFile>,
}

impl<T> UploadForm<T> {
    /// Takes the file chosen in field `name` (none when nothing was chosen).
    pub fn take_file(&mut self, name: &str) -> Option<Vec<u8>> {
        let i = self.files.iter().position(|f| f.field == name)?;
        Some(self.files.swap_remove(i).bytes)
    }
}

impl<T: DeserializeOwned + Send> FromRequest<AppState> for UploadForm<T> {
    type Rejection = WebError;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let content_type =
            request.headers().get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("").to_ascii_lowercase();
        if !content_type.starts_with("multipart/form-data") {
            let CsrfForm { ctx, form } = CsrfForm::<T>::from_request(request, state).await?;
            return Ok(UploadForm { ctx, form, files: Vec::new() });
        }
        let (mut parts, body) = request.into_parts();
        if parts.headers.get("sec-fetch-site").is_some_and(|v| v.as_bytes() == b"cross-site") {
            return Err(WebError::Csrf);
        }
        let ctx = Ctx::from_request_parts(&mut parts, state).await?;
        let multipart = axum::extract::Multipart::from_request(Request::from_parts(parts, body), state)
            .await
            .map_err(|_| WebError::BadRequest("error-form-malformed"))?;
        let (fields, files) = crate::media::read_multipart(multipart).await.map_err(|e| {
            if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                WebError::PayloadTooLarge
            } else {
                WebError::BadRequest("error-form-malformed")
            }
        })?;
        let token = fields.iter().find(|(k, _)| k == "csrf").map(|(_, v)| v.as_str()).unwrap_or("");
        if ctx.csrf.is_empty() || !constant_time_eq(token.as_bytes(), ctx.csrf.as_bytes()) {
            return Err(WebError::Csrf);
        }
        let encoded = serde_urlencoded::to_string(&fields).map_err(|_| WebError::BadRequest("error-form-malformed"))?;
        let form = serde_urlencoded::from_str(&encoded).map_err(|_| WebError::BadRequest("error-form-malformed"))?;
        Ok(UploadForm { ctx, form, files })
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
