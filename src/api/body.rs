//! Request bodies as apps send them: JSON, a form (`x-www-form-urlencoded`, or the query string
//! when the body is empty) or a multipart form, read by one extractor into the same typed input.

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use axum::http::header::CONTENT_TYPE;
use serde::Deserialize;
use serde::de::DeserializeOwned;

use super::ApiError;
use crate::media::UploadedFile;
use crate::state::AppState;

/// Parameters in any of the encodings apps use. Arrays work in each: `media_ids[]=1&media_ids[]=2`
/// in a form or a multipart form, `"media_ids": ["1", "2"]` in JSON.
pub struct Input<T>(pub T);

impl<T: DeserializeOwned + Send> FromRequest<AppState> for Input<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let Upload { form, .. } = Upload::from_request(request, state).await?;
        Ok(Input(form))
    }
}

/// Parameters with files: what [`Input`] reads, and the files of a multipart form (how apps
/// upload; a JSON or plain form body has none).
pub struct Upload<T> {
    pub form: T,
    pub files: Vec<UploadedFile>,
}

impl<T> Upload<T> {
    /// Takes the file sent as `name`.
    pub fn take_file(&mut self, name: &str) -> Option<Vec<u8>> {
        let i = self.files.iter().position(|f| f.field == name)?;
        Some(self.files.swap_remove(i).bytes)
    }
}

impl<T: DeserializeOwned + Send> FromRequest<AppState> for Upload<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let content_type =
            request.headers().get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("").to_ascii_lowercase();
        if content_type.starts_with("multipart/form-data") {
            let (fields, files) = read_multipart(request, state).await?;
            let encoded = url::form_urlencoded::Serializer::new(String::new()).extend_pairs(&fields).finish();
            return Ok(Upload { form: from_form(encoded.as_bytes())?, files });
        }
        let query = request.uri().query().unwrap_or("").to_string();
        let body = Bytes::from_request(request, state).await.map_err(|_| ApiError::payload_too_large())?;
        let form = if content_type.starts_with("application/json") {
            serde_json::from_slice(&body).map_err(|e| {
                ApiError::invalid_body(StatusCode::UNPROCESSABLE_ENTITY, format!("Invalid JSON: {e}"))
                    .with_detail(e.to_string())
            })?
        } else if body.is_empty() || content_type.starts_with("application/x-www-form-urlencoded") {
            from_form(if body.is_empty() { query.as_bytes() } else { &body[..] })?
        } else {
            return Err(ApiError::unsupported_media_type());
        };
        Ok(Upload { form, files: Vec::new() })
    }
}

fn from_form<T: DeserializeOwned>(encoded: &[u8]) -> Result<T, ApiError> {
    serde_html_form::from_bytes(encoded).map_err(|e| {
        ApiError::invalid_body(StatusCode::UNPROCESSABLE_ENTITY, format!("Invalid form: {e}"))
            .with_detail(e.to_string())
    })
}

/// The text fields and the files of a multipart body.
async fn read_multipart(
    request: Request,
    state: &AppState,
) -> Result<(Vec<(String, String)>, Vec<UploadedFile>), ApiError> {
    let invalid = |e: &dyn std::fmt::Display| {
        ApiError::invalid_body(StatusCode::BAD_REQUEST, format!("Invalid multipart form: {e}"))
            .with_detail(e.to_string())
    };
    let multipart = axum::extract::Multipart::from_request(request, state).await.map_err(|e| invalid(&e))?;
    crate::media::read_multipart(multipart).await.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE { ApiError::payload_too_large() } else { invalid(&e) }
    })
}

/// Booleans as apps send them: `true`/`false`, `1`/`0`, `True`/`False`, `on`/`off`, or JSON.
pub fn lenient_bool<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Option<bool>, D::Error> {
    #[derive(serde::Deserialize)]
    #[serde(untagged)]
    enum Raw {
        Bool(bool),
        Int(i64),
        Text(String),
    }
    Ok(match Option::<Raw>::deserialize(deserializer)? {
        None => None,
        Some(Raw::Bool(b)) => Some(b),
        Some(Raw::Int(i)) => Some(i != 0),
        Some(Raw::Text(s)) => match s.to_ascii_lowercase().as_str() {
            "true" | "1" | "on" | "yes" => Some(true),
            "false" | "0" | "off" | "no" | "" => Some(false),
            _ => return Err(serde::de::Error::custom(format!("{s:?} is not a boolean"))),
        },
    })
}

/// One value or several: `redirect_uris` and `scopes` come as a string or as an array.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

impl OneOrMany {
    /// The values; a single string is split at white space (Mastodon's `scopes` and
    /// newline-separated `redirect_uris`).
    pub fn words(self) -> Vec<String> {
        match self {
            OneOrMany::One(s) => s.split_whitespace().map(str::to_string).collect(),
            OneOrMany::Many(v) => v.iter().flat_map(|s| s.split_whitespace()).map(str::to_string).collect(),
        }
    }
}
