//! OAuth 2 for the client API: app registration, authorization codes with PKCE, tokens.

use base64::Engine;
use chrono::TimeDelta;
use sha2::{Digest, Sha256};

use super::accounts::token_hash;
use super::{DomainError, DomainResult, validate::FieldErrors};
use crate::db::models::local_user::{Account, LocalUserId};
use crate::db::models::oauth::{OauthApp, OauthAppInsert, OauthCode, OauthCodeInsert, OauthToken};
use crate::db::{DbPool, now};
use crate::util::tokens::random_token;

/// Scopes apps may ask for; Mastodon's granular scopes (`read:statuses`) are accepted too.
pub const KNOWN_SCOPES: &[&str] = &["read", "write", "follow", "push", "profile", "admin:read", "admin:write"];
/// Out-of-band redirect: the code is shown on a page instead.
pub const OOB: &str = "urn:ietf:wg:oauth:2.0:oob";
/// How long an authorization code can be exchanged.
const CODE_LIFETIME: TimeDelta = TimeDelta::minutes(10);

/// Normalises a scope string (space or `+` separated); empty means `read`.
pub fn parse_scopes(scopes: &str) -> DomainResult<String> {
    let list: Vec<&str> = scopes.split([' ', '+']).filter(|s| !s.is_empty()).collect();
    if list.is_empty() {
        return Ok("read".into());
    }
    for s in &list {
        let base = s.split(':').next().unwrap_or("");
        if !KNOWN_SCOPES.contains(s) && !["read", "write", "admin"].contains(&base) {
            return Err(DomainError::Invalid(FieldErrors::one("scope", "error-choice-invalid")));
        }
    }
    Ok(list.join(" "))
}

/// Every scope of `requested` is within `granted` (`read` covers `read:statuses`).
pub fn scopes_within(requested: &str, granted: &str) -> bool {
    requested.split_whitespace().all(|r| {
        granted.split_whitespace().any(|g| g == r || (r.starts_with(g) && r.as_bytes().get(g.len()) == Some(&b':')))
    })
}

pub struct NewApp {
    pub name: String,
    pub redirect_uris: Vec<String>,
    pub scopes: String,
    pub website: Option<String>,
}

pub async fn register_app(pool: &DbPool, app: &NewApp) -> DomainResult<OauthApp> {
    let mut errors = FieldErrors::default();
    if app.name.trim().is_empty() {
        errors.add("client_name", "error-required");
    }
    super::validate::max_len("client_name", &app.name, 200, &mut errors);
    if app.redirect_uris.is_empty() || app.redirect_uris.iter().any(|u| u.trim().is_empty() || u.len() > 2000) {
        errors.add("redirect_uris", "error-required");
    }
    let scopes = parse_scopes(&app.scopes);
    if scopes.is_err() {
        errors.add("scopes", "error-choice-invalid");
    }
    errors.into_result()?;
    let scopes = scopes?;
    let mut conn = pool.get().await?;
    let redirect = app.redirect_uris.iter().map(|u| u.trim()).collect::<Vec<_>>().join("\n");
    Ok(OauthApp::insert(
        &mut conn,
        &OauthAppInsert {
            client_id: &random_token(32),
            client_secret: &random_token(32),
            name: app.name.trim(),
            website: app.website.as_deref().filter(|w| !w.is_empty()),
            redirect_uris: &redirect,
            scopes: &scopes,
            created_at: now(),
        },
    )
    .await?)
}

/// A checked authorization request: the app, and what it asks for.
pub struct AuthorizeRequest {
    pub app: OauthApp,
    pub redirect_uri: String,
    pub scopes: String,
}

/// Checks `client_id`, `redirect_uri` (one the app registered) and the scopes.
pub async fn check_authorize(
    pool: &DbPool,
    client_id: &str,
    redirect_uri: &str,
    scope: &str,
) -> DomainResult<AuthorizeRequest> {
    let mut conn = pool.get().await?;
    let app = OauthApp::by_client_id(&mut conn, client_id).await?.ok_or(DomainError::NotFound)?;
    let redirect_uri = if redirect_uri.is_empty() {
        app.redirect_uris.lines().next().unwrap_or(OOB).to_string()
    } else {
        redirect_uri.to_string()
    };
    if !app.redirect_uris.lines().any(|u| u == redirect_uri) {
        return Err(DomainError::Invalid(FieldErrors::one("redirect_uri", "error-choice-invalid")));
    }
    let scopes = if scope.trim().is_empty() { app.scopes.clone() } else { parse_scopes(scope)? };
    if !scopes_within(&scopes, &app.scopes) {
        return Err(DomainError::Invalid(FieldErrors::one("scope", "error-choice-invalid")));
    }
    Ok(AuthorizeRequest { app, redirect_uri, scopes })
}

/// The person approved: a one-time code for the app.
pub async fn issue_code(
    pool: &DbPool,
    request: &AuthorizeRequest,
    user: LocalUserId,
    code_challenge: Option<&str>,
) -> DomainResult<String> {
    let code = random_token(32);
    let mut conn = pool.get().await?;
    OauthCode::insert(
        &mut conn,
        &OauthCodeInsert {
            code_hash: &token_hash(&code),
            app_id: request.app.id,
            local_user_id: user,
            redirect_uri: &request.redirect_uri,
            scopes: &request.scopes,
            code_challenge: code_challenge.filter(|c| !c.is_empty()),
            expires_at: now() + CODE_LIFETIME,
        },
    )
    .await?;
    Ok(code)
}

/// Why a token request failed, in OAuth's words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenError {
    InvalidClient,
    InvalidGrant,
    UnsupportedGrantType,
    InvalidScope,
}

impl TokenError {
    pub fn code(self) -> &'static str {
        match self {
            TokenError::InvalidClient => "invalid_client",
            TokenError::InvalidGrant => "invalid_grant",
            TokenError::UnsupportedGrantType => "unsupported_grant_type",
            TokenError::InvalidScope => "invalid_scope",
        }
    }
}

pub struct TokenRequest {
    pub grant_type: String,
    pub client_id: String,
    pub client_secret: String,
    pub code: String,
    pub redirect_uri: String,
    pub code_verifier: String,
    pub scope: String,
}

/// An issued token.
pub struct Issued {
    pub token: String,
    pub scopes: String,
    pub created_at: chrono::NaiveDateTime,
}

/// The token endpoint: `authorization_code` (with PKCE when the code has a challenge) and
/// `client_credentials`.
pub async fn exchange(pool: &DbPool, req: &TokenRequest) -> DomainResult<Result<Issued, TokenError>> {
    // Each write below is one statement, so none needs a transaction; a refused request writes
    // nothing but the code it used up.
    let app = OauthApp::by_client_id(&mut pool.get().await?, &req.client_id).await?;
    let Some(app) = app else {
        return Ok(Err(TokenError::InvalidClient));
    };
    let secret_ok = constant_eq(app.client_secret.as_bytes(), req.client_secret.as_bytes());
    let (user, scopes) = match req.grant_type.as_str() {
        "authorization_code" => {
            // The code is used up whatever happens next.
            let code = OauthCode::take(&mut *pool.write().await?, &token_hash(&req.code)).await?;
            let Some(code) = code else {
                return Ok(Err(TokenError::InvalidGrant));
            };
            let pkce_ok = match &code.code_challenge {
                Some(challenge) => pkce_s256(&req.code_verifier) == *challenge,
                None => secret_ok,
            };
            let redirect_ok = req.redirect_uri.is_empty() || req.redirect_uri == code.redirect_uri;
            if code.app_id != app.id
                || code.expires_at < now()
                || !pkce_ok
                || !redirect_ok
                || (!secret_ok && !req.client_secret.is_empty())
            {
                return Ok(Err(TokenError::InvalidGrant));
            }
            (Some(code.local_user_id), code.scopes)
        }
        "client_credentials" => {
            if !secret_ok {
                return Ok(Err(TokenError::InvalidClient));
            }
            let scopes = if req.scope.trim().is_empty() {
                "read".to_string()
            } else {
                parse_scopes(&req.scope).unwrap_or_default()
            };
            if scopes.is_empty() || !scopes_within(&scopes, &app.scopes) {
                return Ok(Err(TokenError::InvalidScope));
            }
            (None, scopes)
        }
        _ => return Ok(Err(TokenError::UnsupportedGrantType)),
    };
    let token = random_token(32);
    let t = now();
    let mut conn = pool.write().await?;
    OauthToken::insert(&mut conn, &token_hash(&token), Some(app.id), user, &app.name, &scopes, t).await?;
    Ok(Ok(Issued { token, scopes, created_at: t }))
}

/// `BASE64URL(SHA256(verifier))`, the S256 code challenge.
pub fn pkce_s256(verifier: &str) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

fn constant_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Revokes a token (the app proves itself with its credentials).
pub async fn revoke(pool: &DbPool, client_id: &str, client_secret: &str, token: &str) -> DomainResult<bool> {
    let mut conn = pool.get().await?;
    let Some(app) = OauthApp::by_client_id(&mut conn, client_id).await? else { return Ok(false) };
    if !constant_eq(app.client_secret.as_bytes(), client_secret.as_bytes()) {
        return Ok(false);
    }
    OauthToken::delete_by_hash(&mut conn, &token_hash(token)).await?;
    Ok(true)
}

/// A token for an account made by an admin on the command line (`buurt admin create-token`).
pub async fn admin_token(pool: &DbPool, account: &Account, name: &str) -> DomainResult<String> {
    let token = random_token(32);
    let mut conn = pool.get().await?;
    OauthToken::insert(
        &mut conn,
        &token_hash(&token),
        None,
        Some(account.user.id),
        name,
        "read write follow push",
        now(),
    )
    .await?;
    Ok(token)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pkce_matches_the_rfc_example() {
        // RFC 7636, appendix B.
        assert_eq!(
            pkce_s256("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }

    #[test]
    fn scopes() {
        assert_eq!(parse_scopes("read write+follow").unwrap(), "read write follow");
        assert_eq!(parse_scopes("").unwrap(), "read");
        assert!(parse_scopes("read:statuses").is_ok());
        assert!(parse_scopes("everything").is_err());
        assert!(scopes_within("read:statuses write", "read write follow"));
        assert!(!scopes_within("admin:read", "read write"));
    }
}
