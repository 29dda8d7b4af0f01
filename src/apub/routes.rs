//! The core's federation routes. Actor pages (`/u/{name}`) are in `web/routes.rs`: the same
//! URL serves HTML or JSON by content negotiation. Modules mount their actors' routes
//! (`/g/{name}/…`) in their own `routes.rs` (`crate::modules`).

use axum::Router;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};

use super::{discovery, http, inbox};
use crate::state::AppState;

pub fn router(state: &AppState) -> Router<AppState> {
    let inboxes = Router::new()
        .route("/inbox", post(inbox::shared))
        .route("/actor/inbox", post(inbox::shared))
        .route_layer(middleware::from_fn_with_state(state.clone(), inbox_limit));
    Router::new()
        .route("/.well-known/webfinger", get(discovery::webfinger))
        .route("/.well-known/nodeinfo", get(discovery::nodeinfo_links))
        .route("/.well-known/host-meta", get(discovery::host_meta))
        .route("/nodeinfo/{version}", get(discovery::nodeinfo))
        .route("/actor", get(http::instance_actor))
        .route("/u/{name}/outbox", get(http::outbox))
        .route("/u/{name}/followers", get(http::followers))
        .route("/u/{name}/following", get(http::following))
        .route("/u/{name}/featured", get(http::featured))
        .route("/p/{id}/activity", get(http::post_activity))
        .route("/activities/{kind}/{token}", get(http::activity))
        .merge(inboxes)
        .merge(personal_inbox(state, "/u/{name}/inbox"))
        .layer(DefaultBodyLimit::max(inbox::MAX_ACTIVITY_BYTES))
}

/// The inbox of each actor at `path` (`/u/{name}/inbox`; modules mount those of their actors),
/// with the inbox's limits.
pub fn personal_inbox(state: &AppState, path: &str) -> Router<AppState> {
    Router::new()
        .route(path, post(inbox::personal))
        .route_layer(middleware::from_fn_with_state(state.clone(), inbox_limit))
        .layer(DefaultBodyLimit::max(inbox::MAX_ACTIVITY_BYTES))
}

/// Deliveries per remote instance (`limits.inbox_per_instance`), counted before the signature
/// is verified (that is the work the limit saves): by the host of the signature's key together
/// with the sending address — so that someone who forges another instance's `keyId` from
/// elsewhere uses up only their own allowance, not the real instance's — or by the address
/// alone when there is no signature.
async fn inbox_limit(
    State(state): State<AppState>,
    client: crate::limits::ClientAddr,
    request: Request,
    next: Next,
) -> Response {
    let key = match signer_host(request.headers()) {
        Some(host) => format!("host:{host} from {}", client.key()),
        None => format!("addr:{}", client.key()),
    };
    if let Err(refused) = state.limits.inbox_per_instance.check(&key) {
        return (
            StatusCode::TOO_MANY_REQUESTS,
            [(header::RETRY_AFTER, refused.retry_after_secs().to_string())],
            "too many deliveries from this instance",
        )
            .into_response();
    }
    next.run(request).await
}

/// The host (and port) of the `keyId` in `Signature` (draft-cavage) or `Signature-Input`
/// (RFC 9421), read without verifying anything.
fn signer_host(headers: &HeaderMap) -> Option<String> {
    ["signature", "signature-input"].iter().find_map(|name| {
        let value = headers.get(*name)?.to_str().ok()?;
        // ASCII lower-casing keeps every byte offset.
        let start = value.to_ascii_lowercase().find("keyid=\"")? + "keyid=\"".len();
        let end = start + value.get(start..)?.find('"')?;
        let url = url::Url::parse(value.get(start..end)?).ok()?;
        let host = url.host_str()?.to_ascii_lowercase();
        Some(match url.port() {
            Some(port) => format!("{host}:{port}"),
            None => host,
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signer_host_is_read_from_either_signature_header() {
        let mut h = HeaderMap::new();
        assert_eq!(signer_host(&h), None);
        h.insert(
            "signature",
            "keyId=\"https://Mastodon.Example/users/a#main-key\",algorithm=\"rsa-sha256\"".parse().unwrap(),
        );
        assert_eq!(signer_host(&h).as_deref(), Some("mastodon.example"));
        let mut h = HeaderMap::new();
        h.insert(
            "signature-input",
            "sig1=(\"@method\");keyid=\"http://127.0.0.1:8001/actor#key\";created=1".parse().unwrap(),
        );
        assert_eq!(signer_host(&h).as_deref(), Some("127.0.0.1:8001"));
        h.insert("signature-input", "sig1=();keyid=\"not a url\"".parse().unwrap());
        assert_eq!(signer_host(&h), None);
    }
}
