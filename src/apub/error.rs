//! Errors of the federation endpoints, with the status peers expect.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use crate::db::DbError;

#[derive(Debug, thiserror::Error)]
pub enum ApubError {
    #[error("not found")]
    NotFound,
    #[error("gone")]
    Gone,
    /// The signature could not be verified: peers retry with another scheme only after a 401.
    #[error("signature: {0}")]
    Unauthorized(String),
    #[error("bad request: {0}")]
    BadRequest(String),
    #[error("forbidden: {0}")]
    Forbidden(String),
    #[error("remote: {0}")]
    Remote(String),
    #[error("internal: {0}")]
    Internal(String),
}

pub type ApubResult<T> = Result<T, ApubError>;

impl ApubError {
    pub fn status(&self) -> StatusCode {
        match self {
            ApubError::NotFound => StatusCode::NOT_FOUND,
            ApubError::Gone => StatusCode::GONE,
            ApubError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            ApubError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ApubError::Forbidden(_) => StatusCode::FORBIDDEN,
            ApubError::Remote(_) => StatusCode::BAD_GATEWAY,
            ApubError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl IntoResponse for ApubError {
    fn into_response(self) -> Response {
        let status = self.status();
        if status.is_server_error() {
            tracing::error!(error = %self, "federation request failed");
        } else {
            tracing::info!(error = %self, status = status.as_u16(), "federation request refused");
        }
        let code = match &self {
            ApubError::NotFound => "not_found",
            ApubError::Gone => "gone",
            ApubError::Unauthorized(_) => "signature_invalid",
            ApubError::BadRequest(_) => "bad_request",
            ApubError::Forbidden(_) => "forbidden",
            ApubError::Remote(_) => "remote_failed",
            ApubError::Internal(_) => "internal",
        };
        let message = match &self {
            ApubError::Internal(_) => "internal error".to_string(),
            other => other.to_string(),
        };
        (status, axum::Json(serde_json::json!({"error": code, "message": message}))).into_response()
    }
}

impl From<activitypub_federation::error::Error> for ApubError {
    fn from(e: activitypub_federation::error::Error) -> Self {
        use activitypub_federation::error::Error as E;
        match e {
            E::NotFound => ApubError::NotFound,
            E::ActivitySignatureInvalid | E::ActivityBodyDigestInvalid => ApubError::Unauthorized(e.to_string()),
            E::ParseReceivedActivity { .. } => ApubError::BadRequest(e.to_string()),
            E::UrlVerificationError(_) | E::DomainResolveError(_) | E::ResolveInternalIpError(..) => {
                ApubError::Forbidden(e.to_string())
            }
            E::ObjectDeleted(_) => ApubError::Gone,
            E::WebfingerResolveFailed(_) => ApubError::NotFound,
            other => ApubError::Remote(other.to_string()),
        }
    }
}

impl From<DbError> for ApubError {
    fn from(e: DbError) -> Self {
        match e {
            DbError::NotFound => ApubError::NotFound,
            other => ApubError::Internal(other.to_string()),
        }
    }
}

impl From<url::ParseError> for ApubError {
    fn from(e: url::ParseError) -> Self {
        ApubError::BadRequest(format!("bad URL: {e}"))
    }
}

impl From<serde_json::Error> for ApubError {
    fn from(e: serde_json::Error) -> Self {
        ApubError::BadRequest(format!("bad JSON: {e}"))
    }
}
