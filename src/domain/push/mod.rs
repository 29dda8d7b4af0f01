//! Web push: the push subscriptions apps make through Mastodon's push API, what to push for a
//! new notification ([`on_notification`]) and the sending ([`send::deliver`], run by the job
//! queue as `push.send`).
//!
//! A subscription belongs to one access token and names the push service's endpoint, the app's
//! P-256 key and authentication secret (RFC 8291), the notification types it wants (`alerts`)
//! and from whom (`policy`). Endpoints are refused when they are not https (http only with
//! `federation.allow_http`) or name an address that is not globally reachable, as every other
//! address Buurt contacts; a name that resolves to such an address is refused when sending.

pub mod keys;
pub mod send;

use std::collections::BTreeMap;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use super::validate::FieldErrors;
use super::{DomainError, DomainResult};
use crate::config::Settings;
use crate::db::models::follow::Follow;
use crate::db::models::notification::Notification;
use crate::db::models::push_subscription::{PushSubscription, PushSubscriptionInsert};
use crate::db::{DbConn, DbResult, now};
use crate::state::AppState;

pub use send::{PushError, deliver};

/// The job kind of one push message.
pub const JOB_KIND: &str = "push.send";

/// Mastodon's alert names (its notification types). Kinds without a Mastodon type are not
/// pushed: apps would not know what to show.
pub const ALERTS: &[&str] = &[
    "mention",
    "status",
    "reblog",
    "follow",
    "follow_request",
    "favourite",
    "poll",
    "update",
    "admin.sign_up",
    "admin.report",
];

/// From whom notifications are pushed.
pub const POLICIES: &[&str] = &["all", "followed", "follower", "none"];

/// The longest endpoint URL accepted (real ones are a few hundred characters).
pub const ENDPOINT_MAX: usize = 2048;

/// What an app sends to subscribe: `subscription[…]` and `data[…]`.
#[derive(Debug, Clone, Default)]
pub struct NewSubscription {
    pub endpoint: Option<String>,
    pub p256dh: Option<String>,
    pub auth: Option<String>,
    pub alerts: AlertsInput,
}

/// `data[alerts][TYPE]` and `data[policy]`: only what was sent changes.
#[derive(Debug, Clone, Default)]
pub struct AlertsInput {
    pub alerts: BTreeMap<String, bool>,
    pub policy: Option<String>,
}

/// One message to send: the job's payload.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PushJob {
    pub subscription: i64,
    pub notification: i64,
}

/// The subscription's alerts, every known type present.
pub fn alerts_of(sub: &PushSubscription) -> BTreeMap<&'static str, bool> {
    let stored: BTreeMap<String, bool> = serde_json::from_str(&sub.alerts).unwrap_or_default();
    ALERTS.iter().map(|a| (*a, stored.get(*a).copied().unwrap_or(false))).collect()
}

/// Checks the policy and the alert names; unknown alert names are ignored, as Mastodon does.
fn check_alerts(input: &AlertsInput, errors: &mut FieldErrors) -> Option<String> {
    match &input.policy {
        Some(p) if !POLICIES.contains(&p.as_str()) => {
            errors.add("data[policy]", "error-push-policy");
            None
        }
        Some(p) => Some(p.clone()),
        None => None,
    }
}

fn merge_alerts(old: BTreeMap<&'static str, bool>, input: &AlertsInput) -> String {
    let mut merged = old;
    for (name, on) in &input.alerts {
        if let Some(known) = ALERTS.iter().find(|a| **a == name.as_str()) {
            merged.insert(known, *on);
        }
    }
    serde_json::to_string(&merged).unwrap_or_else(|_| "{}".into())
}

/// Checks an endpoint URL: https (http only when the instance may federate over http), a host,
/// and not an address that is not globally reachable.
pub fn check_endpoint(settings: &Settings, endpoint: &str) -> Result<url::Url, &'static str> {
    let endpoint = endpoint.trim();
    if endpoint.len() > ENDPOINT_MAX {
        return Err("error-push-endpoint");
    }
    let url = url::Url::parse(endpoint).map_err(|_| "error-push-endpoint")?;
    let scheme_ok = url.scheme() == "https" || (url.scheme() == "http" && settings.federation.allow_http);
    if !scheme_ok || url.host_str().is_none_or(str::is_empty) || !url.username().is_empty() || url.password().is_some()
    {
        return Err("error-push-endpoint");
    }
    if !crate::apub::address_allowed(settings, &url) || url.host_str() == Some("localhost") && !private_ok(settings) {
        return Err("error-push-endpoint-private");
    }
    Ok(url)
}

fn private_ok(settings: &Settings) -> bool {
    settings.federation.allow_private_addresses
}

/// Decodes base64url (with or without padding; apps send either, some standard base64).
fn b64(text: &str) -> Option<Vec<u8>> {
    let t = text.trim().trim_end_matches('=');
    URL_SAFE_NO_PAD.decode(t).ok().or_else(|| base64::engine::general_purpose::STANDARD_NO_PAD.decode(t).ok())
}

/// The app's public key: an uncompressed P-256 point on the curve.
pub fn check_p256dh(text: &str) -> Option<p256::PublicKey> {
    let bytes = b64(text)?;
    if bytes.len() != 65 {
        return None;
    }
    p256::PublicKey::from_sec1_bytes(&bytes).ok()
}

/// The app's authentication secret: 16 bytes.
pub fn check_auth(text: &str) -> Option<[u8; 16]> {
    b64(text)?.try_into().ok()
}

/// Subscribes the token's app, replacing the token's earlier subscription. `token` is the
/// access token as the app sent it: the messages carry it (sealed in the database).
pub async fn subscribe(
    state: &AppState,
    token_id: i64,
    actor_id: crate::db::models::actor::ActorId,
    token: &str,
    input: &NewSubscription,
) -> DomainResult<PushSubscription> {
    let mut errors = FieldErrors::default();
    let endpoint = match input.endpoint.as_deref().map(str::trim).filter(|e| !e.is_empty()) {
        None => {
            errors.add("subscription[endpoint]", "error-required");
            None
        }
        Some(e) => check_endpoint(&state.settings, e).map_err(|key| errors.add("subscription[endpoint]", key)).ok(),
    };
    match input.p256dh.as_deref().map(str::trim).filter(|k| !k.is_empty()) {
        None => errors.add("subscription[keys][p256dh]", "error-required"),
        Some(k) if check_p256dh(k).is_none() => errors.add("subscription[keys][p256dh]", "error-push-p256dh"),
        Some(_) => {}
    }
    match input.auth.as_deref().map(str::trim).filter(|k| !k.is_empty()) {
        None => errors.add("subscription[keys][auth]", "error-required"),
        Some(k) if check_auth(k).is_none() => errors.add("subscription[keys][auth]", "error-push-auth"),
        Some(_) => {}
    }
    let policy = check_alerts(&input.alerts, &mut errors);
    errors.into_result()?;
    let endpoint = endpoint.ok_or_else(|| DomainError::Internal("endpoint".into()))?;
    let no_alerts: BTreeMap<&'static str, bool> = ALERTS.iter().map(|a| (*a, false)).collect();
    let t = now();
    let form = PushSubscriptionInsert {
        oauth_token_id: token_id,
        actor_id,
        endpoint: endpoint.to_string(),
        p256dh: input.p256dh.as_deref().unwrap_or_default().trim().to_string(),
        auth: input.auth.as_deref().unwrap_or_default().trim().to_string(),
        alerts: merge_alerts(no_alerts, &input.alerts),
        policy: policy.unwrap_or_else(|| "all".into()),
        token_sealed: keys::seal_token(&state.site.secret, token),
        created_at: t,
        updated_at: t,
    };
    let mut conn = state.pool.write().await?;
    Ok(PushSubscription::upsert(&mut conn, &form).await?)
}

/// The token's subscription.
pub async fn current(state: &AppState, token_id: i64) -> DomainResult<PushSubscription> {
    let mut conn = state.pool.get().await?;
    PushSubscription::by_token(&mut conn, token_id).await?.ok_or(DomainError::NotFound)
}

/// Changes the alerts and policy of the token's subscription.
pub async fn update(state: &AppState, token_id: i64, input: &AlertsInput) -> DomainResult<PushSubscription> {
    let mut errors = FieldErrors::default();
    let policy = check_alerts(input, &mut errors);
    errors.into_result()?;
    let old = current(state, token_id).await?;
    let alerts = merge_alerts(alerts_of(&old), input);
    let policy = policy.unwrap_or(old.policy.clone());
    let mut conn = state.pool.write().await?;
    if !PushSubscription::set_alerts(&mut conn, token_id, &alerts, &policy, now()).await? {
        return Err(DomainError::NotFound);
    }
    PushSubscription::by_token(&mut conn, token_id).await?.ok_or(DomainError::NotFound)
}

/// Ends the token's subscription (nothing happens when it has none).
pub async fn unsubscribe(state: &AppState, token_id: i64) -> DomainResult<()> {
    let mut conn = state.pool.write().await?;
    PushSubscription::delete_of_token(&mut conn, token_id).await?;
    Ok(())
}

/// What to push for a new notification: one message per subscription of the recipient whose
/// alerts take the notification's Mastodon type and whose policy lets its author through.
pub async fn on_notification(conn: &mut DbConn, notification: &Notification) -> DbResult<Vec<PushJob>> {
    let Some(kind) = super::notifications::kinds::kind(&notification.kind) else { return Ok(Vec::new()) };
    let Some(alert) = kind.mastodon else { return Ok(Vec::new()) };
    let subscriptions = PushSubscription::of_actor(conn, notification.recipient_id).await?;
    let mut jobs = Vec::new();
    for sub in subscriptions {
        if !alerts_of(&sub).get(alert).copied().unwrap_or(false) {
            continue;
        }
        let allowed = match (sub.policy.as_str(), notification.from_actor_id) {
            ("none", _) => false,
            ("all", _) | (_, None) => true,
            ("followed", Some(from)) => {
                Follow::find(conn, notification.recipient_id, from).await?.is_some_and(|f| f.accepted)
            }
            ("follower", Some(from)) => {
                Follow::find(conn, from, notification.recipient_id).await?.is_some_and(|f| f.accepted)
            }
            _ => false,
        };
        if allowed {
            jobs.push(PushJob { subscription: sub.id, notification: notification.id });
        }
    }
    Ok(jobs)
}

/// Queues the messages for a new notification, in the caller's transaction.
pub async fn queue(conn: &mut DbConn, notification: &Notification) -> DbResult<usize> {
    let jobs = on_notification(conn, notification).await?;
    for job in &jobs {
        crate::jobs::enqueue(conn, crate::jobs::NewJob::new(JOB_KIND, job)).await?;
    }
    Ok(jobs.len())
}
