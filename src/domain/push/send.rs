//! Sending one push message: the payload Mastodon's apps expect, encrypted for the app
//! (RFC 8291, aes128gcm, by `web-push-native`), signed with the instance's VAPID key
//! (RFC 8292), posted to the push service with `TTL` and `Urgency`.

use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use p256::elliptic_curve::sec1::ToEncodedPoint;
use web_push_native::WebPushBuilder;
use web_push_native::jwt_simple::algorithms::{ECDSAP256KeyPairLike, ES256KeyPair};
use web_push_native::jwt_simple::claims::Claims;

use super::{PushJob, check_auth, check_endpoint, check_p256dh, keys};
use crate::db::models::actor::Actor;
use crate::db::models::local_user::Account;
use crate::db::models::notification::Notification;
use crate::db::models::post::Post;
use crate::db::models::push_subscription::PushSubscription;
use crate::jobs::JobError;
use crate::state::AppState;

/// How long a VAPID signature is valid (RFC 8292 allows at most 24 hours).
const VAPID_VALIDITY_HOURS: u64 = 12;
/// The most characters of a post's text in a message's body.
const BODY_MAX: usize = 140;

/// Why a message was not sent.
#[derive(Debug, thiserror::Error)]
pub enum PushError {
    /// For now (the push service is down, busy or slow): try again later.
    #[error("push: will retry: {0}")]
    Retry(String),
    /// Never (a bad payload, a refused endpoint, a push service that refuses the message).
    #[error("push: {0}")]
    Fail(String),
}

impl From<crate::db::DbError> for PushError {
    fn from(e: crate::db::DbError) -> Self {
        PushError::Retry(e.to_string())
    }
}

impl From<PushError> for JobError {
    fn from(e: PushError) -> Self {
        match e {
            PushError::Retry(m) => JobError::Retry(m),
            PushError::Fail(m) => JobError::Fail(m),
        }
    }
}

/// The JSON inside a message, as Mastodon sends it.
#[derive(Debug, serde::Serialize)]
pub struct Payload {
    pub access_token: String,
    pub preferred_locale: &'static str,
    pub notification_id: String,
    pub notification_type: &'static str,
    pub icon: Option<String>,
    pub title: String,
    pub body: String,
}

/// Sends the message a `push.send` job names. A subscription or notification that is gone
/// meanwhile, or push turned off, sends nothing; a push service that answers 404 or 410 no
/// longer knows the subscription, which is deleted.
pub async fn deliver(state: &AppState, payload_json: &str) -> Result<(), PushError> {
    let job: PushJob = serde_json::from_str(payload_json).map_err(|e| PushError::Fail(format!("payload: {e}")))?;
    if !state.settings.push.enabled {
        return Ok(());
    }
    let (sub, payload) = {
        let mut conn = state.pool.get().await?;
        let Some(sub) = PushSubscription::by_id(&mut conn, job.subscription).await? else { return Ok(()) };
        let Some(notification) = Notification::of(&mut conn, sub.actor_id, job.notification).await? else {
            return Ok(());
        };
        let Some(payload) = payload(state, &mut conn, &sub, &notification).await? else { return Ok(()) };
        (sub, payload)
    };
    let body = serde_json::to_vec(&payload).map_err(|e| PushError::Fail(e.to_string()))?;
    let request = build_request(state, &sub, body, urgency(payload.notification_type))?;
    let response = state.http.execute(request).await.map_err(|e| PushError::Retry(format!("sending: {e}")))?;
    let status = response.status();
    drop(response);
    match status.as_u16() {
        200..=299 => Ok(()),
        404 | 410 => {
            let mut conn = state.pool.write().await?;
            PushSubscription::delete_gone(&mut conn, sub.id, &sub.endpoint).await?;
            tracing::info!(subscription = sub.id, %status, "push subscription gone; deleted");
            Ok(())
        }
        429 | 500..=599 => Err(PushError::Retry(format!("push service answered {status}"))),
        _ => Err(PushError::Fail(format!("push service answered {status}"))),
    }
}

/// `Urgency` (RFC 8030 §5.3): what people act on is normal, the rest low.
fn urgency(mastodon_type: &str) -> &'static str {
    match mastodon_type {
        "favourite" | "reblog" | "follow" | "status" | "update" | "poll" => "low",
        _ => "normal",
    }
}

/// The message's JSON in the recipient's language; `None` when there is nothing to tell.
async fn payload(
    state: &AppState,
    conn: &mut crate::db::DbConn,
    sub: &PushSubscription,
    n: &Notification,
) -> Result<Option<Payload>, PushError> {
    let Some(kind) = crate::domain::notifications::kinds::kind(&n.kind) else { return Ok(None) };
    let Some(mastodon) = kind.mastodon else { return Ok(None) };
    let Some(token) = keys::open_token(&state.site.secret, &sub.token_sealed) else {
        return Err(PushError::Fail("the sealed access token does not open".into()));
    };
    let Some(account) = Account::by_actor(conn, sub.actor_id).await? else { return Ok(None) };
    let lang = crate::domain::accounts::letters::lang_of(&state.settings, Some(&account.user));
    let from = match n.from_actor_id {
        Some(id) => Actor::by_id(conn, id).await?,
        None => None,
    };
    let post = match n.post_id {
        Some(id) => Post::by_id(conn, id).await?.filter(|p| !p.deleted),
        None => None,
    };
    let name = from.as_ref().map(Actor::shown_name).unwrap_or_default();
    let key = format!("push-title-{}", kind.name);
    let mut title = lang.t_args(&key, &[("name", name)]);
    if title == key {
        title = lang.t("push-title-other");
    }
    let body = match (&post, &from) {
        (Some(post), _) => {
            let text = crate::util::html::plain_text(&post.content.replace("</p><p>", "\n\n").replace("<br>", "\n"));
            let text = text.trim();
            if text.chars().count() > BODY_MAX {
                format!("{}…", crate::util::html::truncate(text, BODY_MAX - 1))
            } else {
                text.to_string()
            }
        }
        (None, Some(actor)) => format!("@{}@{}", actor.username, actor.domain),
        (None, None) => String::new(),
    };
    Ok(Some(Payload {
        access_token: token,
        preferred_locale: lang.code(),
        notification_id: n.id.to_string(),
        notification_type: mastodon,
        icon: from.and_then(|a| a.icon_url),
        title,
        body,
    }))
}

/// The encrypted, signed request for one message.
fn build_request(
    state: &AppState,
    sub: &PushSubscription,
    body: Vec<u8>,
    urgency: &str,
) -> Result<reqwest::Request, PushError> {
    let settings = &state.settings;
    let endpoint = check_endpoint(settings, &sub.endpoint)
        .map_err(|_| PushError::Fail("the endpoint is not one we may contact".into()))?;
    let ua_public = check_p256dh(&sub.p256dh).ok_or_else(|| PushError::Fail("bad p256dh".into()))?;
    let auth = check_auth(&sub.auth).ok_or_else(|| PushError::Fail("bad auth".into()))?;
    let secret = keys::private_key(settings, &state.site).ok_or_else(|| PushError::Fail("no VAPID key".into()))?;
    let uri: http::Uri = endpoint.as_str().parse().map_err(|e| PushError::Fail(format!("endpoint: {e}")))?;
    let builder = WebPushBuilder::new(uri, ua_public, web_push_native::Auth::clone_from_slice(&auth))
        .with_valid_duration(Duration::from_secs(settings.push.ttl_secs));
    let mut request = builder.build(body).map_err(|e| PushError::Fail(format!("encrypting: {e}")))?;
    let authorization = vapid_header(&secret, &endpoint, &settings.push.subject(settings))?;
    let headers = request.headers_mut();
    headers.insert(
        http::header::AUTHORIZATION,
        http::HeaderValue::from_str(&authorization).map_err(|e| PushError::Fail(e.to_string()))?,
    );
    headers.insert("urgency", http::HeaderValue::from_static(if urgency == "low" { "low" } else { "normal" }));
    reqwest::Request::try_from(request).map_err(|e| PushError::Fail(format!("request: {e}")))
}

/// `Authorization: vapid t=JWT, k=KEY` (RFC 8292 §3): the JWT's audience is the push
/// resource's origin, port included when it is not the scheme's default.
pub fn vapid_header(secret: &p256::SecretKey, endpoint: &url::Url, subject: &str) -> Result<String, PushError> {
    let key = ES256KeyPair::from_bytes(&secret.to_bytes()).map_err(|e| PushError::Fail(format!("VAPID key: {e}")))?;
    let claims = Claims::create(web_push_native::jwt_simple::prelude::Duration::from_hours(VAPID_VALIDITY_HOURS))
        .with_audience(endpoint.origin().ascii_serialization())
        .with_subject(subject);
    let token = key.sign(claims).map_err(|e| PushError::Fail(format!("VAPID signature: {e}")))?;
    let public = URL_SAFE_NO_PAD.encode(secret.public_key().to_encoded_point(false).as_bytes());
    Ok(format!("vapid t={token}, k={public}"))
}
