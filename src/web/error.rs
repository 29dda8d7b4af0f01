//! Errors of page handlers. The response carries only a status and a message key; the page
//! middleware renders it in the person's language.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use crate::domain::DomainError;

#[derive(Debug, thiserror::Error)]
pub enum WebError {
    #[error("not found")]
    NotFound,
    #[error("forbidden")]
    Forbidden,
    #[error("bad request: {0}")]
    BadRequest(&'static str),
    #[error("csrf token missing or wrong")]
    Csrf,
    #[error("unsupported content type")]
    UnsupportedMediaType,
    #[error("body too large")]
    PayloadTooLarge,
    #[error("internal: {0}")]
    Internal(String),
    /// Not signed in: send the person to the login page, then back to this path.
    #[error("sign-in required")]
    SignInRequired(String),
    /// A rate limit: try again later.
    #[error("too many requests")]
    TooManyRequests(crate::limits::Refused),
}

/// Put into a response's extensions so the page middleware renders an error page.
#[derive(Debug, Clone, Copy)]
pub struct ErrorPage {
    pub message: &'static str,
}

impl WebError {
    pub fn status(&self) -> StatusCode {
        match self {
            WebError::NotFound => StatusCode::NOT_FOUND,
            WebError::Forbidden | WebError::Csrf => StatusCode::FORBIDDEN,
            WebError::BadRequest(_) => StatusCode::BAD_REQUEST,
            WebError::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            WebError::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            WebError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
            WebError::SignInRequired(_) => StatusCode::SEE_OTHER,
            WebError::TooManyRequests(_) => StatusCode::TOO_MANY_REQUESTS,
        }
    }

    pub fn message(&self) -> &'static str {
        match self {
            WebError::NotFound => "error-page-not-found",
            WebError::Forbidden => "error-page-forbidden",
            WebError::BadRequest(key) => key,
            WebError::Csrf => "error-csrf",
            WebError::UnsupportedMediaType => "error-content-type",
            WebError::PayloadTooLarge => "error-body-too-large",
            WebError::Internal(_) => "error-page-internal",
            WebError::SignInRequired(_) => "error-page-forbidden",
            WebError::TooManyRequests(_) => "error-too-many-requests",
        }
    }
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        match &self {
            WebError::Internal(cause) => tracing::error!(%cause, "request failed"),
            WebError::SignInRequired(next) => {
                let target = format!("/inloggen?next={}", crate::util::url::urlencode(next));
                return axum::response::Redirect::to(&target).into_response();
            }
            _ => {}
        }
        let mut response = self.status().into_response();
        response.extensions_mut().insert(ErrorPage { message: self.message() });
        if let WebError::TooManyRequests(refused) = &self {
            response = with_retry_after(response, refused);
        }
        response
    }
}

impl From<crate::limits::Refused> for WebError {
    fn from(refused: crate::limits::Refused) -> Self {
        WebError::TooManyRequests(refused)
    }
}

/// Adds `Retry-After` (in seconds) to a response refused by a limit.
pub fn with_retry_after(mut response: Response, refused: &crate::limits::Refused) -> Response {
    response.headers_mut().insert(axum::http::header::RETRY_AFTER, refused.retry_after_secs().into());
    response
}

impl From<DomainError> for WebError {
    fn from(e: DomainError) -> Self {
        match e {
            DomainError::Invalid(_) => WebError::BadRequest("error-invalid"),
            DomainError::Forbidden => WebError::Forbidden,
            DomainError::NotFound => WebError::NotFound,
            other => WebError::Internal(other.to_string()),
        }
    }
}

impl From<crate::db::DbError> for WebError {
    fn from(e: crate::db::DbError) -> Self {
        WebError::Internal(e.to_string())
    }
}

pub type WebResult<T = Response> = Result<T, WebError>;
