//! Moderation in Buurt's API: the public moderation log, moderators' decisions with their
//! statements of reasons, undoing them, appeals and the admins' answers. Each handler calls one
//! operation of `domain::moderation`; who may do what is decided there.

use axum::extract::{Path, Query, State};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::errors::ErrorBody;
use crate::api::{ApiError, ApiResult, Caller, Input, json};
use crate::db::models::actor::ActorId;
use crate::db::models::moderation_action::{ActionId, Appeal, ModerationAction};
use crate::db::models::post::PostId;
use crate::domain::moderation::{actions, appeals, log};
use crate::state::AppState;

fn time(t: chrono::NaiveDateTime) -> String {
    t.and_utc().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// A decision in the public log: what, on which ground, where — never who.
#[derive(Debug, Serialize, ToSchema)]
pub struct LogEntry {
    pub id: String,
    /// `hide_post`, `remove_post`, `lock_thread`, `ban_member`, `silence_account`, `suspend_account`.
    pub kind: String,
    /// `illegal`, `terms`, `group_rules`, `harassment`, `spam`, `privacy`, `other`.
    pub ground: String,
    pub law: Option<String>,
    /// The group's page, when a group's moderators decided or the content was in one.
    pub group_url: Option<String>,
    pub created_at: String,
    pub reversed_at: Option<String>,
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct LogParams {
    /// Decisions older than this id.
    pub max_id: Option<i64>,
}

/// The public moderation log, newest first (50 per page).
#[utoipa::path(
    get,
    path = "/moderation/log",
    operation_id = "moderation_log",
    tag = "moderation",
    params(LogParams),
    responses((status = 200, description = "Decisions", body = [LogEntry])),
    security(()),
)]
pub async fn log_entries(State(state): State<AppState>, Query(p): Query<LogParams>) -> ApiResult {
    let entries = log::page(&mut state.pool.get().await?, p.max_id.map(ActionId)).await?;
    let base = &state.base_url;
    let out: Vec<LogEntry> = entries
        .into_iter()
        .map(|e| LogEntry {
            id: e.id.0.to_string(),
            kind: e.kind.as_str().into(),
            ground: e.ground.as_str().into(),
            law: e.law,
            group_url: e.group.map(|(path, _)| format!("{base}{path}")),
            created_at: time(e.created_at),
            reversed_at: e.reversed_at.map(time),
        })
        .collect();
    Ok(json(&out))
}

/// A decision with its statement of reasons, as the person affected and moderators read it.
#[derive(Debug, Serialize, ToSchema)]
pub struct Decision {
    pub id: String,
    pub kind: String,
    pub ground: String,
    pub law: Option<String>,
    pub facts: String,
    /// The status it is about.
    pub status_id: Option<String>,
    /// The account it is about.
    pub account_id: Option<String>,
    pub group_id: Option<String>,
    pub created_at: String,
    pub reversed_at: Option<String>,
    pub reversal_reason: Option<String>,
    /// `open`, `upheld` or `reversed`, when appealed.
    pub appeal_state: Option<String>,
    pub appeal_answer: Option<String>,
}

impl Decision {
    fn of(a: &ModerationAction, appeal: Option<&Appeal>) -> Decision {
        Decision {
            id: a.id.0.to_string(),
            kind: a.kind.clone(),
            ground: a.ground.clone(),
            law: a.law.clone(),
            facts: a.facts.clone(),
            status_id: a.post_id.map(|p| p.0.to_string()),
            account_id: a.target_actor_id.map(|p| p.0.to_string()),
            group_id: a.group_id.map(|g| g.0.to_string()),
            created_at: time(a.created_at),
            reversed_at: a.reversed_at.map(time),
            reversal_reason: a.reversal_reason.clone(),
            appeal_state: appeal.map(|x| x.state.clone()),
            appeal_answer: appeal.and_then(|x| x.answer.clone()),
        }
    }
}

/// A decision to take, with its statement of reasons.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct DecisionInput {
    /// `hide_post`, `remove_post`, `lock_thread` (with `status_id`); `ban_member` (with
    /// `account_id` and `group_id`); `silence_account`, `suspend_account` (with `account_id`).
    pub kind: String,
    pub status_id: Option<String>,
    pub account_id: Option<String>,
    pub group_id: Option<String>,
    pub ground: String,
    /// Required when `ground` is `illegal`.
    pub law: String,
    /// The facts and circumstances; the person affected reads them.
    pub facts: String,
    /// The report this decision answers.
    pub report_id: Option<String>,
}

fn id_of(s: &Option<String>) -> ApiResult<Option<i64>> {
    s.as_deref().map(|s| s.parse().map_err(|_| ApiError::not_found())).transpose()
}

/// Takes a moderation decision; the person affected receives the statement of reasons.
#[utoipa::path(
    post,
    path = "/moderation/decisions",
    operation_id = "take_decision",
    tag = "moderation",
    request_body(content((DecisionInput = "application/json"), (DecisionInput = "application/x-www-form-urlencoded"))),
    responses(
        (status = 200, description = "The decision", body = Decision),
        (status = 403, description = "The caller does not moderate this", body = ErrorBody),
        (status = 404, description = "No such status or account", body = ErrorBody),
        (status = 422, description = "A field is wrong; nothing was done", body = ErrorBody),
    ),
    security(("bearer" = ["write:reports"])),
)]
pub async fn take(State(state): State<AppState>, caller: Caller, Input(input): Input<DecisionInput>) -> ApiResult {
    let me = caller.user("write:reports")?;
    let decision = actions::Decision {
        kind: input.kind,
        post: id_of(&input.status_id)?.map(PostId),
        actor: id_of(&input.account_id)?.map(ActorId),
        group: id_of(&input.group_id)?.map(ActorId),
        ground: input.ground,
        law: input.law,
        facts: input.facts,
        report: id_of(&input.report_id)?,
    };
    let action = actions::decide(&state, me, &decision).await?;
    Ok(json(&Decision::of(&action, None)))
}

/// A decision with its statement: for the person affected, its moderators and admins.
#[utoipa::path(
    get,
    path = "/moderation/decisions/{id}",
    operation_id = "decision",
    tag = "moderation",
    params(("id" = String, Path, description = "The decision's id")),
    responses(
        (status = 200, description = "The decision", body = Decision),
        (status = 404, description = "No such decision, or not one the caller may read", body = ErrorBody),
    ),
    security(("bearer" = ["read"])),
)]
pub async fn show(State(state): State<AppState>, caller: Caller, Path(id): Path<String>) -> ApiResult {
    let me = caller.user("read")?;
    let id = ActionId(id.parse().map_err(|_| ApiError::not_found())?);
    let s = log::statement(&mut state.pool.get().await?, me, id).await?;
    Ok(json(&Decision::of(&s.action, s.appeal.as_ref())))
}

/// An explanation (undoing) or an appeal's text.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct TextInput {
    pub text: String,
}

/// Undoes a decision, with the reason the person affected receives.
#[utoipa::path(
    post,
    path = "/moderation/decisions/{id}/reverse",
    operation_id = "reverse_decision",
    tag = "moderation",
    params(("id" = String, Path, description = "The decision's id")),
    request_body(content((TextInput = "application/json"), (TextInput = "application/x-www-form-urlencoded"))),
    responses(
        (status = 200, description = "The decision, undone", body = Decision),
        (status = 403, description = "The caller may not undo it", body = ErrorBody),
        (status = 404, description = "No such decision, or already undone", body = ErrorBody),
        (status = 422, description = "No reason given", body = ErrorBody),
    ),
    security(("bearer" = ["write:reports"])),
)]
pub async fn reverse(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Input(input): Input<TextInput>,
) -> ApiResult {
    let me = caller.user("write:reports")?;
    let id = ActionId(id.parse().map_err(|_| ApiError::not_found())?);
    let action = actions::reverse(&state, me, id, &input.text).await?;
    Ok(json(&Decision::of(&action, None)))
}

/// The person affected appeals a decision (once, within six months); the admins answer.
#[utoipa::path(
    post,
    path = "/moderation/decisions/{id}/appeal",
    operation_id = "appeal_decision",
    tag = "moderation",
    params(("id" = String, Path, description = "The decision's id")),
    request_body(content((TextInput = "application/json"), (TextInput = "application/x-www-form-urlencoded"))),
    responses(
        (status = 200, description = "Appealed"),
        (status = 404, description = "No such decision about the caller", body = ErrorBody),
        (status = 422, description = "No text, appealed before, or too late", body = ErrorBody),
    ),
    security(("bearer" = ["write:reports"])),
)]
pub async fn appeal(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Input(input): Input<TextInput>,
) -> ApiResult {
    let me = caller.user("write:reports")?;
    let id = ActionId(id.parse().map_err(|_| ApiError::not_found())?);
    appeals::file(&state, me, id, &input.text).await?;
    Ok(json(&serde_json::json!({})))
}

/// An open appeal, for the admins.
#[derive(Debug, Serialize, ToSchema)]
pub struct OpenAppeal {
    pub id: String,
    pub text: String,
    pub created_at: String,
    pub decision: Decision,
}

/// The appeals waiting for an answer (admins).
#[utoipa::path(
    get,
    path = "/moderation/appeals",
    operation_id = "open_appeals",
    tag = "moderation",
    responses(
        (status = 200, description = "Open appeals, oldest first", body = [OpenAppeal]),
        (status = 403, description = "Not an admin", body = ErrorBody),
    ),
    security(("bearer" = ["admin:read"])),
)]
pub async fn open_appeals(State(state): State<AppState>, caller: Caller) -> ApiResult {
    let me = caller.user("admin:read")?;
    let open = appeals::open(&state, me).await?;
    let out: Vec<OpenAppeal> = open
        .iter()
        .map(|(appeal, action)| OpenAppeal {
            id: appeal.id.to_string(),
            text: appeal.text.clone(),
            created_at: time(appeal.created_at),
            decision: Decision::of(action, Some(appeal)),
        })
        .collect();
    Ok(json(&out))
}

/// The admins' answer to an appeal.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct AnswerInput {
    /// `uphold` (the decision stands) or `undo`.
    pub decision: String,
    /// The reasons; the person affected receives them.
    pub answer: String,
}

/// An admin answers an appeal.
#[utoipa::path(
    post,
    path = "/moderation/appeals/{id}",
    operation_id = "answer_appeal",
    tag = "moderation",
    params(("id" = String, Path, description = "The appeal's id")),
    request_body(content((AnswerInput = "application/json"), (AnswerInput = "application/x-www-form-urlencoded"))),
    responses(
        (status = 200, description = "Answered"),
        (status = 403, description = "Not an admin", body = ErrorBody),
        (status = 404, description = "No such appeal", body = ErrorBody),
        (status = 422, description = "No answer, an unknown decision, or answered before", body = ErrorBody),
    ),
    security(("bearer" = ["admin:write"])),
)]
pub async fn answer(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Input(input): Input<AnswerInput>,
) -> ApiResult {
    let me = caller.user("admin:write")?;
    let id: i64 = id.parse().map_err(|_| ApiError::not_found())?;
    let undo = match input.decision.as_str() {
        "undo" => true,
        "uphold" => false,
        _ => return Err(ApiError::invalid_field("decision", "error-choice-invalid", "decision: uphold or undo")),
    };
    appeals::answer(&state, me, id, undo, &input.answer).await?;
    Ok(json(&serde_json::json!({})))
}

pub fn api() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(log_entries))
        .routes(routes!(take))
        .routes(routes!(show))
        .routes(routes!(reverse))
        .routes(routes!(appeal))
        .routes(routes!(open_appeals))
        .routes(routes!(answer))
}
