//! `/api/v1/push/subscription`: an app's web push subscription for the account of its access
//! token (scope `push`), Mastodon's WebPushSubscription entity. Mounted when `push.enabled`.

use std::collections::BTreeMap;

use axum::extract::State;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::api::auth::Bearer;
use crate::api::{ApiResult, Caller, Input, json};
use crate::db::models::push_subscription::PushSubscription;
use crate::domain::push::{self, AlertsInput, NewSubscription};
use crate::state::AppState;

const SCOPE: &str = "push";

/// The body in both shapes apps send: nested JSON (`{"subscription": {"endpoint": …}}`) or a
/// flat form (`subscription[endpoint]=…&data[alerts][mention]=true`).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct PushForm {
    subscription: Option<SubscriptionJson>,
    data: Option<DataJson>,
    #[serde(flatten)]
    flat: BTreeMap<String, Value>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct SubscriptionJson {
    endpoint: Option<String>,
    keys: Option<KeysJson>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct KeysJson {
    p256dh: Option<String>,
    auth: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct DataJson {
    alerts: BTreeMap<String, Value>,
    policy: Option<String>,
}

/// Rails' reading of a boolean parameter: these are false, anything else is true.
fn truthy(value: &Value) -> bool {
    match value {
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64() != Some(0.0),
        Value::String(s) => !matches!(s.trim(), "" | "0" | "f" | "F" | "false" | "FALSE" | "off" | "OFF"),
        Value::Null => false,
        _ => true,
    }
}

fn text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

impl PushForm {
    fn flat(&self, key: &str) -> Option<String> {
        self.flat.get(key).and_then(text)
    }

    fn alerts(&self) -> AlertsInput {
        let mut alerts: BTreeMap<String, bool> = BTreeMap::new();
        if let Some(data) = &self.data {
            for (name, value) in &data.alerts {
                alerts.insert(name.clone(), truthy(value));
            }
        }
        for (key, value) in &self.flat {
            if let Some(name) = key.strip_prefix("data[alerts][").and_then(|k| k.strip_suffix(']')) {
                alerts.insert(name.to_string(), truthy(value));
            }
        }
        let policy = self.data.as_ref().and_then(|d| d.policy.clone()).or_else(|| self.flat("data[policy]"));
        AlertsInput { alerts, policy }
    }

    fn subscription(&self) -> NewSubscription {
        let sub = self.subscription.as_ref();
        let keys = sub.and_then(|s| s.keys.as_ref());
        NewSubscription {
            endpoint: sub.and_then(|s| s.endpoint.clone()).or_else(|| self.flat("subscription[endpoint]")),
            p256dh: keys.and_then(|k| k.p256dh.clone()).or_else(|| self.flat("subscription[keys][p256dh]")),
            auth: keys.and_then(|k| k.auth.clone()).or_else(|| self.flat("subscription[keys][auth]")),
            alerts: self.alerts(),
        }
    }
}

/// Mastodon's WebPushSubscription.
fn entity(state: &AppState, sub: &PushSubscription) -> Value {
    json!({
        "id": sub.id.to_string(),
        "endpoint": sub.endpoint,
        "standard": true,
        "alerts": push::alerts_of(sub),
        "policy": sub.policy,
        "server_key": &*state.vapid_public_key,
    })
}

/// `POST`: subscribes, replacing the token's earlier subscription.
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    Bearer(token): Bearer,
    Input(form): Input<PushForm>,
) -> ApiResult {
    let account = caller.user(SCOPE)?;
    let sub = push::subscribe(&state, caller.token.id, account.actor.id, &token, &form.subscription()).await?;
    Ok(json(&entity(&state, &sub)))
}

/// `GET`: the token's subscription.
pub async fn get(State(state): State<AppState>, caller: Caller) -> ApiResult {
    caller.user(SCOPE)?;
    let sub = push::current(&state, caller.token.id).await?;
    Ok(json(&entity(&state, &sub)))
}

/// `PUT`: changes the alerts and the policy.
pub async fn update(State(state): State<AppState>, caller: Caller, Input(form): Input<PushForm>) -> ApiResult {
    caller.user(SCOPE)?;
    let sub = push::update(&state, caller.token.id, &form.alerts()).await?;
    Ok(json(&entity(&state, &sub)))
}

/// `DELETE`: ends the subscription.
pub async fn delete(State(state): State<AppState>, caller: Caller) -> ApiResult {
    caller.user(SCOPE)?;
    push::unsubscribe(&state, caller.token.id).await?;
    Ok(json(&json!({})))
}
