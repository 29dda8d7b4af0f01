//! Buurt's error shape: `{"error": "<stable_code>", "message": "<text>"}`, the text in the
//! caller's language (their account's setting, else `Accept-Language`, else the instance's).

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::header::{ACCEPT_LANGUAGE, CONTENT_LENGTH};
use axum::middleware::Next;
use axum::response::Response;
use serde::Serialize;

use crate::api::ApiError;
use crate::api::auth::CallerLanguage;
use crate::i18n::Lang;

/// What every error of this API answers.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// A stable code to act on, e.g. `not_found`, `validation_failed`, `unauthorized`.
    #[schema(example = "validation_failed")]
    pub error: String,
    /// The error in the caller's language, to show a person.
    pub message: String,
    /// For `validation_failed`: each wrong field with what is wrong with it.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub fields: BTreeMap<String, String>,
}

impl ErrorBody {
    pub fn of(error: &ApiError, lang: Lang) -> ErrorBody {
        let fields: BTreeMap<String, String> =
            error.fields.0.iter().map(|f| (f.field.to_string(), lang.t(f.message))).collect();
        let mut message = lang.t(error.key);
        if let Some(detail) = &error.detail {
            message = format!("{message} ({detail})");
        }
        ErrorBody { error: error.code.to_string(), message, fields }
    }
}

/// Renders every [`ApiError`] a route of this API answered with (its handlers' and its
/// extractors') in Buurt's shape, keeping status and headers. `offered` are the instance's
/// languages, the first its default.
pub async fn middleware(State(offered): State<Arc<[Lang]>>, mut request: Request, next: Next) -> Response {
    let slot = CallerLanguage::default();
    request.extensions_mut().insert(slot.clone());
    let accept_language = request.headers().get(ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()).map(str::to_string);
    let response = next.run(request).await;
    let Some(error) = response.extensions().get::<ApiError>().cloned() else {
        return response;
    };
    // As pages choose: the account's setting, then `Accept-Language`, then the instance's first.
    let lang = slot
        .0
        .get()
        .and_then(|code| Lang::parse(code))
        .filter(|l| offered.contains(l))
        .or_else(|| accept_language.and_then(|h| Lang::negotiate(&h, &offered)))
        .or_else(|| offered.first().copied())
        .unwrap_or(Lang::Nl);
    // Same status and headers (content type, CORS, rate limits); the body is replaced.
    let (mut parts, _) = response.into_parts();
    parts.headers.remove(CONTENT_LENGTH);
    let body = serde_json::to_vec(&ErrorBody::of(&error, lang)).unwrap_or_default();
    Response::from_parts(parts, Body::from(body))
}
