//! Who calls: the OAuth bearer token (header or `access_token` query) and its account and scopes.

use std::sync::{Arc, OnceLock};

use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;

use super::{ApiError, ApiResult};
use crate::db::models::local_user::{Account, Status};
use crate::db::models::oauth::OauthToken;
use crate::state::AppState;

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
                // `follow` (deprecated) covers following, blocks and mutes.
                || (s == "follow"
                    && matches!(
                        wanted,
                        "read:follows" | "write:follows" | "read:blocks" | "write:blocks" | "read:mutes" | "write:mutes"
                    ))
        })
    }

    /// The signed-in account, with the scope the endpoint needs.
    pub fn user(&self, scope: &str) -> ApiResult<&Account> {
        let account = self.account.as_ref().ok_or_else(ApiError::user_token_required)?;
        if !self.has_scope(scope) {
            return Err(ApiError {
                message: format!("This action is outside the authorized scopes ({scope})"),
                ..ApiError::outside_scopes()
            });
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

/// The token's row and account, when the token is valid and its account active.
async fn lookup(state: &AppState, token: &str) -> ApiResult<(OauthToken, Option<Account>)> {
    if token.is_empty() || token.len() >= 200 {
        return Err(ApiError::unauthorized());
    }
    let mut conn = state.pool.get().await?;
    let (token, account) = OauthToken::find(&mut conn, &crate::domain::accounts::token_hash(token))
        .await?
        .ok_or_else(ApiError::unauthorized)?;
    if account.as_ref().is_some_and(|a| a.user.status() != Status::Active) {
        return Err(ApiError::unauthorized());
    }
    Ok((token, account))
}

/// Where a route that answers in the caller's language (Buurt's API) learns the language of the
/// account whose token the request carried, without looking the token up a second time.
#[derive(Clone, Default)]
pub struct CallerLanguage(pub Arc<OnceLock<String>>);

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let token = bearer(parts).ok_or_else(ApiError::unauthorized)?;
        let (token, account) = lookup(state, &token).await?;
        if let (Some(slot), Some(language)) =
            (parts.extensions.get::<CallerLanguage>(), account.as_ref().and_then(|a| a.user.language.as_ref()))
        {
            let _ = slot.0.set(language.clone());
        }
        Ok(Caller { token, account })
    }
}

/// The bearer token as the app sent it (push messages carry it back to the app).
pub struct Bearer(pub String);

impl FromRequestParts<AppState> for Bearer {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &AppState) -> Result<Self, Self::Rejection> {
        bearer(parts).map(Bearer).ok_or_else(ApiError::unauthorized)
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
