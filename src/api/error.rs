//! The error both APIs answer with: one value that renders as Mastodon's `{"error": text}` and,
//! under `/api/buurt`, as Buurt's `{"error": code, "message": text in the caller's language}`.

use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

use crate::domain::DomainError;
use crate::domain::validate::FieldErrors;

/// An API error. `message` is what Mastodon apps show (English, as Mastodon words it, since
/// apps compare some of these); `code` and `key` are what Buurt's API answers with.
#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: StatusCode,
    /// Stable machine code, Buurt's `error`.
    pub code: &'static str,
    pub message: String,
    /// Translation key of Buurt's `message`.
    pub key: &'static str,
    /// A technical detail (where a body failed to parse), added to the message untranslated.
    pub detail: Option<Box<str>>,
    /// For invalid input: each field with its message key.
    pub fields: FieldErrors,
    /// The limit that refused the request, for Mastodon's `X-RateLimit-*` headers.
    pub refused: Option<Box<crate::limits::Refused>>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, key: &'static str, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            code,
            message: message.into(),
            key,
            detail: None,
            fields: FieldErrors::default(),
            refused: None,
        }
    }
    pub fn with_detail(self, detail: impl Into<String>) -> ApiError {
        ApiError { detail: Some(detail.into().into_boxed_str()), ..self }
    }
    /// A token without the scope a read needs (Mastodon's words, which apps may compare).
    pub fn outside_scopes() -> ApiError {
        ApiError::new(
            StatusCode::FORBIDDEN,
            "outside_scopes",
            "api-error-outside-scopes",
            "This action is outside the authorized scopes",
        )
    }
    pub fn user_token_required() -> ApiError {
        ApiError::new(
            StatusCode::FORBIDDEN,
            "user_token_required",
            "api-error-user-token-required",
            "This action needs a user token",
        )
    }
    pub fn not_found() -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, "not_found", "api-error-not-found", "Record not found")
    }
    /// No endpoint at this path (Mastodon answers these as a missing record).
    pub fn unknown_endpoint() -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, "unknown_endpoint", "api-error-unknown-endpoint", "Record not found")
    }
    pub fn method_not_allowed() -> ApiError {
        ApiError::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
            "api-error-method-not-allowed",
            "Method not allowed",
        )
    }
    pub fn unauthorized() -> ApiError {
        ApiError::new(StatusCode::UNAUTHORIZED, "unauthorized", "api-error-unauthorized", "The access token is invalid")
    }
    pub fn forbidden() -> ApiError {
        ApiError::new(StatusCode::FORBIDDEN, "forbidden", "api-error-forbidden", "This action is not allowed")
    }
    /// A body that could not be read as what it says it is.
    pub fn invalid_body(status: StatusCode, message: impl Into<String>) -> ApiError {
        ApiError::new(status, "invalid_body", "api-error-invalid-body", message)
    }
    pub fn unsupported_media_type() -> ApiError {
        ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "api-error-unsupported-media-type",
            "Send JSON, a form or a multipart form",
        )
    }
    pub fn payload_too_large() -> ApiError {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            "api-error-payload-too-large",
            "Request body too large",
        )
    }
    /// Invalid input in `field`; `message` is Mastodon's text, `key` the field's message key.
    pub fn invalid_field(field: &'static str, key: &'static str, message: impl Into<String>) -> ApiError {
        let mut error = ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
            "api-error-validation-failed",
            message,
        );
        error.fields.add(field, key);
        error
    }
    pub fn internal(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", "api-error-internal", message)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if self.status.is_server_error() {
            tracing::error!(message = %self.message, "API request failed");
        }
        let message = if self.status.is_server_error() { "Internal error".to_string() } else { self.message.clone() };
        let mut response = (self.status, axum::Json(serde_json::json!({"error": message}))).into_response();
        response.headers_mut().insert("access-control-allow-origin", HeaderValue::from_static("*"));
        if let Some(refused) = &self.refused {
            let headers = response.headers_mut();
            headers.insert(axum::http::header::RETRY_AFTER, refused.retry_after_secs().into());
            rate_limit_headers(headers, refused.limit, 0, refused.retry_after);
        }
        // Buurt's API renders its own shape from this (`buurt::errors`).
        response.extensions_mut().insert(self);
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
        ApiError {
            refused: Some(Box::new(refused)),
            ..ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "too_many_requests",
                "error-too-many-requests",
                "Too many requests",
            )
        }
    }
}

impl From<DomainError> for ApiError {
    fn from(e: DomainError) -> Self {
        match e {
            DomainError::Invalid(errors) => {
                let text: Vec<String> = errors
                    .0
                    .iter()
                    .map(|fe| format!("{}: {}", fe.field, crate::i18n::Lang::En.t(fe.message)))
                    .collect();
                ApiError {
                    fields: errors,
                    ..ApiError::new(
                        StatusCode::UNPROCESSABLE_ENTITY,
                        "validation_failed",
                        "api-error-validation-failed",
                        format!("Validation failed: {}", text.join(", ")),
                    )
                }
            }
            DomainError::Forbidden => ApiError::forbidden(),
            DomainError::NotFound => ApiError::not_found(),
            other => ApiError::internal(other.to_string()),
        }
    }
}

impl From<crate::db::DbError> for ApiError {
    fn from(e: crate::db::DbError) -> Self {
        ApiError::internal(e.to_string())
    }
}

impl From<crate::apub::ApubError> for ApiError {
    fn from(e: crate::apub::ApubError) -> Self {
        use crate::apub::ApubError as A;
        match e {
            A::NotFound | A::Gone => ApiError::not_found(),
            A::Internal(m) => ApiError::internal(m),
            other => ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "remote_refused",
                "api-error-remote-refused",
                other.to_string(),
            ),
        }
    }
}

pub type ApiResult<T = Response> = Result<T, ApiError>;

/// `405` for a known path asked with a method it does not take.
pub async fn method_not_allowed() -> ApiError {
    ApiError::method_not_allowed()
}

/// `404` for a path under `/api/` that no endpoint has.
pub async fn unknown_endpoint() -> ApiError {
    ApiError::unknown_endpoint()
}
