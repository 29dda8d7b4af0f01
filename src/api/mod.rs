//! The client API: Mastodon's paths and JSON shapes where Mastodon has the concept, so fediverse
//! apps and libraries work against Buurt.

pub mod accounts;
pub mod entities;
pub mod instance;
pub mod media;
pub mod oauth;
pub mod routes;
pub mod statuses;

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::header::{AUTHORIZATION, CONTENT_TYPE};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde::de::DeserializeOwned;

use crate::db::models::local_user::{Account, Status};
use crate::db::models::oauth::OauthToken;
use crate::domain::DomainError;
use crate::state::AppState;

/// An API error: Mastodon apps show the `error` text.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub message: String,
    /// The limit that refused the request, for Mastodon's `X-RateLimit-*` headers.
    pub refused: Option<crate::limits::Refused>,
}

impl ApiError {
    pub fn new(status: StatusCode, message: impl Into<String>) -> ApiError {
        ApiError { status, message: message.into(), refused: None }
    }
    /// A token without the scope a read needs (Mastodon's words, which apps may compare).
    pub fn outside_scopes() -> ApiError {
        ApiError::new(StatusCode::FORBIDDEN, "This action is outside the authorized scopes")
    }
    pub fn not_found() -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, "Record not found")
    }
    pub fn unauthorized() -> ApiError {
        ApiError::new(StatusCode::UNAUTHORIZED, "The access token is invalid")
    }
    pub fn forbidden() -> ApiError {
        ApiError::new(StatusCode::FORBIDDEN, "This action is not allowed")
    }
    pub fn bad_request(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, message)
    }
    pub fn unprocessable(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, message)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if self.status.is_server_error() {
            tracing::error!(message = %self.message, "API request failed");
        }
        let message = if self.status.is_server_error() { "Internal error".to_string() } else { self.message };
        let mut response = (self.status, axum::Json(serde_json::json!({"error": message}))).into_response();
        response.headers_mut().insert("access-control-allow-origin", HeaderValue::from_static("*"));
        if let Some(refused) = self.refused {
            let headers = response.headers_mut();
            headers.insert(axum::http::header::RETRY_AFTER, refused.retry_after_secs().into());
            rate_limit_headers(headers, refused.limit, 0, refused.retry_after);
        }
        response
    }
}

/// Mastodon's `X-RateLimit-Limit`, `-Remaining` and `-Reset` (when the whole allowance is back).
fn rate_limit_headers(
    headers: &mut axum::http::HeaderMap,
    limit: u32,
    remaining: u32,
    full_after: std::time::Duration,
) {
    let reset = chrono::Utc::now() + chrono::TimeDelta::from_std(full_after).unwrap_or_default();
    headers.insert("x-ratelimit-limit", limit.into());
    headers.insert("x-ratelimit-remaining", remaining.into());
    if let Ok(v) = HeaderValue::from_str(&reset.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)) {
        headers.insert("x-ratelimit-reset", v);
    }
}

/// Mastodon's `X-RateLimit-*` headers on a response a limit let through.
pub fn with_allowance(mut response: Response, allowance: &crate::limits::Allowance) -> Response {
    if allowance.is_limited() {
        rate_limit_headers(response.headers_mut(), allowance.limit, allowance.remaining, allowance.full_after);
    }
    response
}

impl From<crate::limits::Refused> for ApiError {
    fn from(refused: crate::limits::Refused) -> Self {
        ApiError { refused: Some(refused), ..ApiError::new(StatusCode::TOO_MANY_REQUESTS, "Too many requests") }
    }
}

impl From<DomainError> for ApiError {
    fn from(e: DomainError) -> Self {
        match e {
            DomainError::Invalid(errors) => {
                let text: Vec<String> = errors
                    .0
                    .iter()
                    .map(|fe| format!("{}: {}", fe.field, crate::web::i18n::Lang::En.t(fe.message)))
                    .collect();
                ApiError::unprocessable(format!("Validation failed: {}", text.join(", ")))
            }
            DomainError::Forbidden => ApiError::forbidden(),
            DomainError::NotFound => ApiError::not_found(),
            other => ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, other.to_string()),
        }
    }
}

impl From<crate::db::DbError> for ApiError {
    fn from(e: crate::db::DbError) -> Self {
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, e.to_string())
    }
}

impl From<crate::apub::ApubError> for ApiError {
    fn from(e: crate::apub::ApubError) -> Self {
        use crate::apub::ApubError as A;
        match e {
            A::NotFound | A::Gone => ApiError::not_found(),
            A::Internal(m) => ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, m),
            other => ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, other.to_string()),
        }
    }
}

pub type ApiResult<T = Response> = Result<T, ApiError>;

/// A JSON response that browsers on other origins may read. What an anonymous reader gets
/// here, every anonymous reader gets, so those reads may be cached (`public_cache`).
pub fn json<T: serde::Serialize>(value: &T) -> Response {
    let mut response = axum::Json(value).into_response();
    response.headers_mut().insert("access-control-allow-origin", HeaderValue::from_static("*"));
    crate::public_cache::shareable(response)
}

/// The caller of a request with a bearer token.
#[derive(Clone)]
pub struct Caller {
    pub token: OauthToken,
    /// The account a user token belongs to (none for app-only tokens).
    pub account: Option<Account>,
}

impl Caller {
    pub fn has_scope(&self, wanted: &str) -> bool {
        self.token.scopes.split_whitespace().any(|s| {
            s == wanted || (wanted.starts_with(s) && wanted.as_bytes().get(s.len()) == Some(&b':'))
                // `follow` (deprecated) covers following.
                || (s == "follow" && wanted == "write:follows")
        })
    }

    /// The signed-in account, with the scope the endpoint needs.
    pub fn user(&self, scope: &str) -> ApiResult<&Account> {
        let account = self
            .account
            .as_ref()
            .ok_or_else(|| ApiError::new(StatusCode::FORBIDDEN, "This action needs a user token"))?;
        if !self.has_scope(scope) {
            return Err(ApiError::new(
                StatusCode::FORBIDDEN,
                format!("This action is outside the authorized scopes ({scope})"),
            ));
        }
        Ok(account)
    }
}

/// Bearer token from the `Authorization` header (or `access_token` in the query).
fn bearer(parts: &Parts) -> Option<String> {
    if let Some(value) = parts.headers.get(AUTHORIZATION).and_then(|v| v.to_str().ok()) {
        return value.strip_prefix("Bearer ").or_else(|| value.strip_prefix("bearer ")).map(|t| t.trim().to_string());
    }
    parts.uri.query().and_then(|q| {
        url::form_urlencoded::parse(q.as_bytes()).find(|(k, _)| k == "access_token").map(|(_, v)| v.into_owned())
    })
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let token = bearer(parts).filter(|t| !t.is_empty() && t.len() < 200).ok_or_else(ApiError::unauthorized)?;
        let mut conn = state.pool.get().await?;
        let (token, account) = OauthToken::find(&mut conn, &crate::domain::accounts::token_hash(&token))
            .await?
            .ok_or_else(ApiError::unauthorized)?;
        if account.as_ref().is_some_and(|a| a.user.status() != Status::Active) {
            return Err(ApiError::unauthorized());
        }
        Ok(Caller { token, account })
    }
}

/// An optional caller: public endpoints work without a token but know who asks when there is one.
pub struct MaybeCaller(pub Option<Caller>);

impl MaybeCaller {
    /// The account that reads, if any, with the read scope the endpoint needs. A token without
    /// it is refused, not treated as anonymous (as Mastodon does).
    pub fn viewer(&self, scope: &str) -> ApiResult<Option<&Account>> {
        match &self.0 {
            None => Ok(None),
            Some(caller) if !caller.has_scope(scope) => Err(ApiError::outside_scopes()),
            Some(caller) => Ok(caller.account.as_ref()),
        }
    }
}

impl FromRequestParts<AppState> for MaybeCaller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        if bearer(parts).is_none() {
            return Ok(MaybeCaller(None));
        }
        Ok(MaybeCaller(Some(Caller::from_request_parts(parts, state).await?)))
    }
}

/// Parameters sent as JSON, as a form, or in the query string: apps use all three.
pub struct Input<T>(pub T);

impl<T: DeserializeOwned + Send> FromRequest<AppState> for Input<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let content_type =
            request.headers().get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("").to_ascii_lowercase();
        let query = request.uri().query().unwrap_or("").to_string();
        let body = Bytes::from_request(request, state)
            .await
            .map_err(|_| ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "Request body too large"))?;
        let value = if content_type.starts_with("application/json") {
            serde_json::from_slice(&body).map_err(|e| ApiError::unprocessable(format!("Invalid JSON: {e}")))?
        } else if body.is_empty() || content_type.starts_with("application/x-www-form-urlencoded") {
            let source = if body.is_empty() { query.as_bytes() } else { &body[..] };
            serde_html_form::from_bytes(source).map_err(|e| ApiError::unprocessable(format!("Invalid form: {e}")))?
        } else {
            return Err(ApiError::new(StatusCode::UNSUPPORTED_MEDIA_TYPE, "Send JSON or a form"));
        };
        Ok(Input(value))
    }
}

/// Parameters with files: a multipart form (how apps upload), or a plain form or JSON object
/// when no file is sent.
pub struct Upload {
    pub fields: Vec<(String, String)>,
    pub files: Vec<crate::media::UploadedFile>,
}

impl Upload {
    pub fn field(&self, name: &str) -> Option<&str> {
        self.fields.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }
    /// Takes the file sent as `name`.
    pub fn take_file(&mut self, name: &str) -> Option<Vec<u8>> {
        let i = self.files.iter().position(|f| f.field == name)?;
        Some(self.files.swap_remove(i).bytes)
    }
}

impl FromRequest<AppState> for Upload {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let content_type =
            request.headers().get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("").to_ascii_lowercase();
        if content_type.starts_with("multipart/form-data") {
            let multipart = axum::extract::Multipart::from_request(request, state)
                .await
                .map_err(|e| ApiError::bad_request(format!("Invalid multipart form: {e}")))?;
            let (fields, files) = crate::media::read_multipart(multipart).await.map_err(|e| {
                if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                    ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "Request body too large")
                } else {
                    ApiError::bad_request(format!("Invalid multipart form: {e}"))
                }
            })?;
            return Ok(Upload { fields, files });
        }
        let Input(map) =
            Input::<std::collections::BTreeMap<String, serde_json::Value>>::from_request(request, state).await?;
        let fields = map
            .into_iter()
            .filter_map(|(k, v)| match v {
                serde_json::Value::String(s) => Some((k, s)),
                serde_json::Value::Null => None,
                other => Some((k, other.to_string())),
            })
            .collect();
        Ok(Upload { fields, files: Vec::new() })
    }
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
