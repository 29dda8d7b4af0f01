//! One signed POST of an activity to an inbox, and what its answer means for the queue.

use std::time::Duration;

use crate::apub::signatures;
use crate::db::models::delivery::PendingDelivery;
use crate::state::AppState;
use crate::util::backoff::parse_retry_after;

/// What an inbox answered.
#[derive(Debug)]
pub(super) enum Outcome {
    /// 2xx: done.
    Delivered,
    /// A 4xx other than 401/408/429: the peer will never take it; drop it. (A 401 can be a key the
    /// peer has cached from before a change; it refetches and a later attempt passes.)
    Refused(u16),
    /// Network error, 5xx, 401, 408 or 429: try again later (at the earliest after `retry_after`).
    Retry { reason: String, retry_after: Option<Duration> },
}

pub(super) async fn send(state: &AppState, item: &PendingDelivery, key_id: &str, private_key: &str) -> Outcome {
    let url = match url::Url::parse(&item.delivery.inbox_url) {
        Ok(u) if u.scheme() == "https" || (u.scheme() == "http" && state.settings.federation.allow_http) => u,
        _ => return Outcome::Refused(0),
    };
    // An inbox on a private address written in the URL is never contacted (names are checked when
    // they are resolved).
    if !crate::apub::address_allowed(&state.settings, &url) {
        return Outcome::Refused(0);
    }
    // Queued before its server was blocked (blocking drops those, but one may be in hand).
    if state.federation_policy.refuses_url(&url) {
        return Outcome::Refused(0);
    }
    let body = item.payload.clone().into_bytes();
    let signed =
        signatures::sign_off_thread(url.clone(), body, crate::apub::ACTIVITY_JSON, key_id.into(), private_key.into())
            .await;
    let (headers, body) = match signed {
        Ok(signed) => signed,
        Err(e) => return Outcome::Retry { reason: format!("signing: {e}"), retry_after: None },
    };
    let mut request = state.http.post(url).header("accept", crate::apub::ACTIVITY_JSON).body(body);
    for (name, value) in headers {
        request = request.header(name, value);
    }
    match request.send().await {
        Ok(response) => {
            let status = response.status();
            if status.is_success() {
                Outcome::Delivered
            } else if status.is_client_error() && ![401, 408, 429].contains(&status.as_u16()) {
                Outcome::Refused(status.as_u16())
            } else {
                let retry_after =
                    response.headers().get("retry-after").and_then(|v| v.to_str().ok()).and_then(parse_retry_after);
                Outcome::Retry { reason: format!("status {status}"), retry_after }
            }
        }
        Err(e) => Outcome::Retry { reason: e.to_string(), retry_after: None },
    }
}
