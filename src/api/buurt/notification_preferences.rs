//! The signed-in person's notification preferences: per kind, and per person or group they
//! follow (the kinds' defaults are in `domain::notifications::kinds`).

use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::errors::ErrorBody;
use crate::api::{ApiResult, Caller, Input, json};
use crate::domain::notifications::prefs::{self, PrefChange};
use crate::state::AppState;

/// How a person hears of one kind of notification.
#[derive(Debug, Serialize, ToSchema)]
pub struct Preference {
    /// The kind: `mention`, `reply`, `follow`, `follow_request`, `favourite`, `reblog`, and for
    /// staff `sign_up`.
    #[schema(example = "favourite")]
    pub kind: String,
    /// Empty for the kind in general, else the ActivityPub id of a person or group the caller
    /// follows (a preference for it comes first).
    pub scope: String,
    /// `off`, `in_app`, `email` (right away), `daily` or `weekly` (digest).
    #[schema(example = "weekly")]
    pub channel: String,
    /// Whether the caller chose it; false: the kind's default.
    pub chosen: bool,
}

/// One change.
#[derive(Debug, Deserialize, ToSchema)]
pub struct PreferenceChange {
    pub kind: String,
    /// Empty (or left out) for the kind in general, else the ActivityPub id of something the
    /// caller follows.
    #[serde(default)]
    pub scope: String,
    /// `off`, `in_app`, `email`, `daily`, `weekly`; `default` or null goes back to the default.
    #[serde(default)]
    pub channel: Option<String>,
}

/// Changes to make, all or none.
#[derive(Debug, Deserialize, ToSchema)]
pub struct PreferenceChanges {
    pub preferences: Vec<PreferenceChange>,
}

async fn current(state: &AppState, account: &crate::db::models::local_user::Account) -> ApiResult {
    let out: Vec<Preference> = prefs::list(state, account)
        .await?
        .into_iter()
        .map(|p| Preference {
            kind: p.kind.name.to_string(),
            scope: p.scope,
            channel: p.channel.as_str().to_string(),
            chosen: p.chosen,
        })
        .collect();
    Ok(json(&out))
}

/// The caller's notification preferences: every kind with its channel, then those for followed
/// people and groups.
#[utoipa::path(
    get,
    path = "/notification_preferences",
    operation_id = "get_notification_preferences",
    tag = "notifications",
    responses(
        (status = 200, description = "The preferences", body = [Preference]),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 403, description = "The token lacks `read:notifications`", body = ErrorBody),
    ),
    security(("bearer" = ["read:notifications"])),
)]
pub async fn get(State(state): State<AppState>, caller: Caller) -> ApiResult {
    let me = caller.user("read:notifications")?;
    current(&state, me).await
}

/// Changes preferences, all or none: an unknown kind or channel, a staff-only kind for someone
/// who is not staff, or a scope the caller does not follow is refused (422) and nothing changes.
#[utoipa::path(
    put,
    path = "/notification_preferences",
    operation_id = "set_notification_preferences",
    tag = "notifications",
    request_body(content((PreferenceChanges = "application/json"))),
    responses(
        (status = 200, description = "The preferences as they are now", body = [Preference]),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 403, description = "The token lacks `write:notifications`", body = ErrorBody),
        (status = 422, description = "A change is not valid; nothing was changed", body = ErrorBody),
    ),
    security(("bearer" = ["write:notifications"])),
)]
pub async fn put(State(state): State<AppState>, caller: Caller, Input(body): Input<PreferenceChanges>) -> ApiResult {
    let me = caller.user("write:notifications")?;
    let changes: Vec<PrefChange> =
        body.preferences.into_iter().map(|c| PrefChange { kind: c.kind, scope: c.scope, channel: c.channel }).collect();
    prefs::set(&state, me, &changes).await?;
    current(&state, me).await
}

/// The preferences' routes, documented.
pub fn api() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(get, put))
}
