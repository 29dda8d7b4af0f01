//! The caller's own data: download everything stored about them, and delete their account
//! (`domain::privacy`).

use axum::extract::State;
use axum::http::StatusCode;
use axum::http::header::{CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::IntoResponse;
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::errors::ErrorBody;
use crate::api::{ApiResult, Caller, Input};
use crate::domain::privacy::{deletion, export};
use crate::state::AppState;

/// The account's password and what happens to its posts.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct DeleteInput {
    /// The account's current password.
    pub password: String,
    /// `remove` (every post and image deleted) or `anonymise` (posts stay, as by a former
    /// resident, without name or profile).
    #[schema(example = "anonymise")]
    pub content: String,
}

/// Everything stored about the caller as a zip: `data.json` and their images under `media/`.
#[utoipa::path(get, path = "/me/export", operation_id = "export_my_data", tag = "privacy",
    responses((status = 200, description = "The zip", content_type = "application/zip", body = Vec<u8>),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 403, description = "Not a person's token, or without the read scope", body = ErrorBody)),
    security(("bearer" = ["read"])))]
pub async fn export_data(State(state): State<AppState>, caller: Caller) -> ApiResult {
    let me = caller.user("read")?;
    let zip = export::export(&state, me).await?;
    let disposition = format!("attachment; filename=\"{}\"", export::file_name(&me.actor));
    Ok((
        [
            (CONTENT_TYPE, "application/zip".to_string()),
            (CONTENT_DISPOSITION, disposition),
            (CACHE_CONTROL, "no-store".into()),
        ],
        zip,
    )
        .into_response())
}

/// Deletes the caller's account after its password: the actor is gone (410) and other servers
/// that know it receive a `Delete`; sessions and tokens end. A wrong password, a missing choice
/// or the last admin is refused (422) and nothing changes.
#[utoipa::path(delete, path = "/me", operation_id = "delete_my_account", tag = "privacy",
    request_body(content((DeleteInput = "application/json"))),
    responses((status = 204, description = "Deleted"),
        (status = 422, description = "Wrong password, no choice, or the last admin", body = ErrorBody),
        (status = 429, description = "Too many password attempts", body = ErrorBody)),
    security(("bearer" = ["write:accounts"])))]
pub async fn delete_account(
    State(state): State<AppState>,
    client: crate::limits::ClientAddr,
    caller: Caller,
    Input(body): Input<DeleteInput>,
) -> ApiResult {
    let me = caller.user("write:accounts")?;
    // Guessing the password here counts like changing it.
    state.limits.check_password_change(&client, me)?;
    deletion::delete_own_account(&state, me, &body.password, deletion::Content::parse(&body.content)).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

pub fn api() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(export_data)).routes(routes!(delete_account))
}
