//! `POST /api/v1/apps`, `/oauth/token`, `/oauth/revoke` and the server metadata.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::json;

use crate::api::{ApiResult, Input, OneOrMany, json};
use crate::domain::oauth::{self, NewApp, TokenRequest};
use crate::state::AppState;

#[derive(Debug, Deserialize)]
pub struct AppForm {
    #[serde(default)]
    client_name: String,
    #[serde(default, alias = "redirect_uris[]")]
    redirect_uris: Option<OneOrMany>,
    /// A space-separated string (Mastodon's way) or an array.
    #[serde(default, alias = "scopes[]")]
    scopes: Option<OneOrMany>,
    #[serde(default)]
    website: Option<String>,
}

pub async fn create_app(State(state): State<AppState>, Input(form): Input<AppForm>) -> ApiResult {
    // One per line when sent as a string.
    let redirect_uris = form.redirect_uris.map_or_else(|| vec![oauth::OOB.to_string()], OneOrMany::words);
    let scopes = form.scopes.map(OneOrMany::words).unwrap_or_default().join(" ");
    let app = oauth::register_app(
        &state.pool,
        &NewApp { name: form.client_name, redirect_uris, scopes, website: form.website },
    )
    .await?;
    let uris: Vec<&str> = app.redirect_uris.lines().collect();
    Ok(json(&json!({
        "id": app.id.to_string(),
        "name": app.name,
        "website": app.website,
        "scopes": app.scopes.split_whitespace().collect::<Vec<_>>(),
        "redirect_uri": uris.join("\n"),
        "redirect_uris": uris,
        "client_id": app.client_id,
        "client_secret": app.client_secret,
        "client_secret_expires_at": 0,
        "vapid_key": &*state.vapid_public_key,
    })))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct TokenForm {
    grant_type: String,
    client_id: String,
    client_secret: String,
    code: String,
    redirect_uri: String,
    code_verifier: String,
    scope: String,
}

fn oauth_error(status: StatusCode, code: &str, description: &str) -> Response {
    (status, axum::Json(json!({"error": code, "error_description": description}))).into_response()
}

/// Client credentials in the body (`client_secret_post`) or in Basic auth (`client_secret_basic`).
fn basic_credentials(headers: &axum::http::HeaderMap) -> Option<(String, String)> {
    use base64::Engine;
    let value = headers.get("authorization")?.to_str().ok()?.strip_prefix("Basic ")?;
    let decoded = base64::engine::general_purpose::STANDARD.decode(value.trim()).ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let (id, secret) = text.split_once(':')?;
    Some((id.to_string(), secret.to_string()))
}

pub async fn token(
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
    Input(form): Input<TokenForm>,
) -> ApiResult {
    let (client_id, client_secret) = match basic_credentials(&headers) {
        Some((id, secret)) if form.client_id.is_empty() => (id, secret),
        _ => (form.client_id, form.client_secret),
    };
    let request = TokenRequest {
        grant_type: form.grant_type,
        client_id,
        client_secret,
        code: form.code,
        redirect_uri: form.redirect_uri,
        code_verifier: form.code_verifier,
        scope: form.scope,
    };
    match oauth::exchange(&state.pool, &request).await? {
        Ok(issued) => Ok(json(&json!({
            "access_token": issued.token,
            "token_type": "Bearer",
            "scope": issued.scopes,
            "created_at": issued.created_at.and_utc().timestamp(),
        }))),
        Err(e) => {
            let status =
                if e == oauth::TokenError::InvalidClient { StatusCode::UNAUTHORIZED } else { StatusCode::BAD_REQUEST };
            Ok(oauth_error(status, e.code(), "The request was refused"))
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RevokeForm {
    client_id: String,
    client_secret: String,
    token: String,
}

pub async fn revoke(State(state): State<AppState>, Input(form): Input<RevokeForm>) -> ApiResult {
    if oauth::revoke(&state.pool, &form.client_id, &form.client_secret, &form.token).await? {
        Ok(json(&json!({})))
    } else {
        Ok(oauth_error(StatusCode::FORBIDDEN, "unauthorized_client", "You are not authorized to revoke this token"))
    }
}

/// `GET /.well-known/oauth-authorization-server` (RFC 8414): apps turn PKCE on when S256 is here.
pub async fn metadata(State(state): State<AppState>) -> Response {
    let base = &state.base_url;
    json(&json!({
        "issuer": format!("{base}/"),
        "authorization_endpoint": format!("{base}/oauth/authorize"),
        "token_endpoint": format!("{base}/oauth/token"),
        "revocation_endpoint": format!("{base}/oauth/revoke"),
        "app_registration_endpoint": format!("{base}/api/v1/apps"),
        "scopes_supported": oauth::KNOWN_SCOPES,
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "grant_types_supported": ["authorization_code", "client_credentials"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post", "none"],
        "code_challenge_methods_supported": ["S256"],
        "service_documentation": format!("{base}/"),
    }))
}
