//! Admins: the accounts here (find, set a role) and the instance settings that change while
//! it runs. Reads need `admin:read`, changes `admin:write`; the domain decides the role (admin).
//! Limiting or suspending an account is a moderation decision (`/moderation/decisions`).

use axum::extract::{Path, Query, State};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::errors::ErrorBody;
use crate::api::{ApiError, ApiResult, Caller, Input, json};
use crate::db::models::local_user::{Account, LocalUserId, Role, Status};
use crate::domain::DomainError;
use crate::domain::accounts::users::{self, UserSearch};
use crate::domain::site::{self, SettingsInput};
use crate::domain::validate::FieldErrors;
use crate::runtime_settings::Values;
use crate::state::AppState;

/// An account as admins see it.
#[derive(Debug, Serialize, ToSchema)]
pub struct AdminAccount {
    /// The account's id here (pass the last as `max_id` for the next page).
    pub id: String,
    /// Its id as an actor (as in the Mastodon API and moderation decisions).
    pub account_id: String,
    pub username: String,
    pub display_name: String,
    pub email: String,
    /// `member`, `moderator` or `admin`.
    pub role: String,
    /// `active`, `pending` or `suspended`.
    pub status: String,
    pub silenced: bool,
    pub suspended: bool,
    pub created_at: String,
    pub last_login_at: Option<String>,
}

impl AdminAccount {
    fn of(a: &Account) -> AdminAccount {
        let iso = |t: chrono::NaiveDateTime| t.and_utc().to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
        AdminAccount {
            id: a.user.id.0.to_string(),
            account_id: a.actor.id.0.to_string(),
            username: a.actor.username.clone(),
            display_name: a.actor.display_name.clone(),
            email: a.user.email.clone(),
            role: a.user.role().as_str().into(),
            status: a.user.status().as_str().into(),
            silenced: a.actor.silenced_at.is_some(),
            suspended: a.actor.suspended_at.is_some() || a.user.status() == Status::Suspended,
            created_at: iso(a.user.created_at),
            last_login_at: a.user.last_login_at.map(iso),
        }
    }
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct UsersQuery {
    /// Part of a handle, a name or an e-mail address.
    q: String,
    /// `member`, `moderator` or `admin`.
    role: Option<String>,
    /// Only accounts older than this id.
    max_id: Option<i64>,
}

fn invalid_role() -> ApiError {
    DomainError::Invalid(FieldErrors::one("role", "error-choice-invalid")).into()
}

/// The accounts here, newest first (50 at a time).
#[utoipa::path(
    get,
    path = "/admin/accounts",
    operation_id = "admin_accounts",
    tag = "admin",
    params(UsersQuery),
    responses(
        (status = 200, description = "The accounts", body = [AdminAccount]),
        (status = 403, description = "The caller is not an admin", body = ErrorBody),
        (status = 422, description = "Unknown role", body = ErrorBody),
    ),
    security(("bearer" = ["admin:read"])),
)]
pub async fn accounts(State(state): State<AppState>, caller: Caller, Query(q): Query<UsersQuery>) -> ApiResult {
    let me = caller.user("admin:read")?;
    let role = match q.role.as_deref().filter(|r| !r.is_empty()) {
        Some(r) => Some(Role::parse(r).ok_or_else(invalid_role)?),
        None => None,
    };
    let search = UserSearch { text: q.q, role, before: q.max_id.map(LocalUserId) };
    let found = users::search(&state.pool, me, &search).await?;
    Ok(json(&found.iter().map(AdminAccount::of).collect::<Vec<_>>()))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct RoleInput {
    /// `member`, `moderator` or `admin`.
    pub role: String,
}

/// Sets an account's role (not one's own).
#[utoipa::path(
    put,
    path = "/admin/accounts/{id}/role",
    operation_id = "admin_set_role",
    tag = "admin",
    params(("id" = String, Path, description = "The account's id here")),
    request_body(content((RoleInput = "application/json"), (RoleInput = "application/x-www-form-urlencoded"))),
    responses(
        (status = 200, description = "The account", body = AdminAccount),
        (status = 403, description = "The caller is not an admin", body = ErrorBody),
        (status = 404, description = "No such account", body = ErrorBody),
        (status = 422, description = "Unknown role, or the caller's own account", body = ErrorBody),
    ),
    security(("bearer" = ["admin:write"])),
)]
pub async fn set_role(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Input(input): Input<RoleInput>,
) -> ApiResult {
    let me = caller.user("admin:write")?;
    let id = LocalUserId(id.parse().map_err(|_| ApiError::not_found())?);
    let role = Role::parse(&input.role).ok_or_else(invalid_role)?;
    let account = users::set_role(&state.pool, me, id, role).await?;
    Ok(json(&AdminAccount::of(&account)))
}

/// The instance settings that change while it runs.
#[derive(Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct InstanceSettingsBody {
    /// One line about the instance, shown on the home page.
    pub description: String,
    pub contact_email: String,
    /// `open`, `approval`, `invite` or `closed`.
    pub registration: String,
    /// `anyone`, `approval` or `staff`.
    pub group_creation: String,
}

impl InstanceSettingsBody {
    fn of(v: &Values) -> InstanceSettingsBody {
        InstanceSettingsBody {
            description: v.description.clone(),
            contact_email: v.contact_email.clone(),
            registration: v.registration.as_str().into(),
            group_creation: v.group_creation.as_str().into(),
        }
    }
}

/// The settings in force.
#[utoipa::path(
    get,
    path = "/admin/settings",
    operation_id = "admin_settings",
    tag = "admin",
    responses(
        (status = 200, description = "The settings", body = InstanceSettingsBody),
        (status = 403, description = "The caller is not an admin", body = ErrorBody),
    ),
    security(("bearer" = ["admin:read"])),
)]
pub async fn settings(State(state): State<AppState>, caller: Caller) -> ApiResult {
    let me = caller.user("admin:read")?;
    let values = crate::domain::site::settings_for(&state, me)?;
    Ok(json(&InstanceSettingsBody::of(&values)))
}

/// Saves the settings; they hold at once (within a minute in other processes).
#[utoipa::path(
    put,
    path = "/admin/settings",
    operation_id = "admin_save_settings",
    tag = "admin",
    request_body(content(
        (InstanceSettingsBody = "application/json"),
        (InstanceSettingsBody = "application/x-www-form-urlencoded")
    )),
    responses(
        (status = 200, description = "The settings in force", body = InstanceSettingsBody),
        (status = 403, description = "The caller is not an admin", body = ErrorBody),
        (status = 422, description = "A field is wrong; nothing was saved", body = ErrorBody),
    ),
    security(("bearer" = ["admin:write"])),
)]
pub async fn save_settings(
    State(state): State<AppState>,
    caller: Caller,
    Input(input): Input<InstanceSettingsBody>,
) -> ApiResult {
    let me = caller.user("admin:write")?;
    let input = SettingsInput {
        description: input.description,
        contact_email: input.contact_email,
        registration: input.registration,
        group_creation: input.group_creation,
    };
    let values = site::save_settings(&state, me, &input).await?;
    Ok(json(&InstanceSettingsBody::of(&values)))
}

pub fn api() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(accounts)).routes(routes!(set_role)).routes(routes!(settings, save_settings))
}
