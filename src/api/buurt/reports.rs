//! Reports in Buurt's API: anyone signed in reports a post, a person or a group; those who
//! handle reports (the site's moderators and admins, a group's moderators for what was
//! written in their group) list them, read one with its internal notes, add notes, assign
//! and close them. The rules are `domain::moderation::reports`'.

use axum::extract::{Path, Query, State};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::errors::ErrorBody;
use crate::api::{ApiError, ApiResult, Caller, Input, json};
use crate::db::models::actor::{Actor, ActorId};
use crate::db::models::post::PostId;
use crate::db::models::report::{Queue, ReportState};
use crate::domain::groups;
use crate::domain::moderation::reports::{self, NewReport, ReportView, Subject};
use crate::domain::validate::FieldErrors;
use crate::state::AppState;

/// A new report: name one of `post_id`, `account_id` or `group`.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct ReportInput {
    /// The post reported.
    pub post_id: Option<String>,
    /// The person or group reported (its account id).
    pub account_id: Option<String>,
    /// A local group reported, by name.
    pub group: Option<String>,
    /// `illegal`, `harassment`, `spam`, `privacy` or `other`.
    pub category: String,
    /// For `illegal`: the law or ground it breaks (required then).
    pub legal_ground: String,
    /// What is wrong (required for `illegal`).
    pub comment: String,
    /// Send it on, without the reporter's name, to the server that holds the content.
    #[serde(deserialize_with = "crate::api::lenient_bool")]
    pub forward: Option<bool>,
}

/// A report as its reporter or a moderator sees it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReportBody {
    pub id: String,
    /// `post`, `actor` or `group`.
    pub subject_kind: String,
    pub post_id: Option<String>,
    /// The reported person or group (or the post's author): its account id and address.
    pub account_id: Option<String>,
    pub acct: Option<String>,
    /// The local group whose moderators handle it too.
    pub group: Option<String>,
    pub category: String,
    pub legal_ground: Option<String>,
    pub comment: String,
    pub forwarded: bool,
    /// The server a `Flag` came from.
    pub origin_instance: Option<String>,
    /// `open`, `resolved` or `dismissed`.
    pub state: String,
    /// Moderators only: who reported it (null: anonymous, or another server).
    pub reporter: Option<String>,
    /// Moderators only: the moderator it is assigned to.
    pub assigned_to: Option<String>,
    /// The outcome told to the reporter.
    pub resolution: Option<String>,
    /// RFC 3339.
    pub created_at: String,
    pub resolved_at: Option<String>,
}

/// An internal note on a report.
#[derive(Debug, Serialize, ToSchema)]
pub struct NoteBody {
    pub id: String,
    pub author: Option<String>,
    pub content: String,
    pub created_at: String,
}

/// A report with its notes and further posts, for those who handle it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReportDetailBody {
    pub report: ReportBody,
    pub post_ids: Vec<String>,
    pub notes: Vec<NoteBody>,
}

fn time(t: chrono::NaiveDateTime) -> String {
    t.and_utc().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

fn acct(a: &Actor) -> String {
    format!("{}@{}", a.username, a.domain)
}

impl ReportBody {
    /// `moderator`: with who reported it and who handles it.
    fn of(v: &ReportView, moderator: bool) -> ReportBody {
        let r = &v.report;
        ReportBody {
            id: r.id.to_string(),
            subject_kind: r.subject_kind.clone(),
            post_id: r.post_id.map(|p| p.0.to_string()),
            account_id: r.actor_id.map(|a| a.0.to_string()),
            acct: v.actor.as_ref().map(acct),
            group: v.group.as_ref().map(|g| g.username.clone()),
            category: r.category.clone(),
            legal_ground: r.legal_ground.clone(),
            comment: r.comment.clone(),
            forwarded: r.forward,
            origin_instance: r.origin_instance.clone(),
            state: r.state.clone(),
            reporter: v.reporter.as_ref().filter(|_| moderator).map(acct),
            assigned_to: v.assignee.as_ref().filter(|_| moderator).map(acct),
            resolution: r.resolution.clone().filter(|s| !s.is_empty()),
            created_at: time(r.created_at),
            resolved_at: r.resolved_at.map(time),
        }
    }
}

fn id_of(s: &str, field: &'static str) -> ApiResult<i64> {
    s.trim().parse().map_err(|_| {
        ApiError::from(crate::domain::DomainError::Invalid(FieldErrors::one(field, "error-report-subject-unknown")))
    })
}

/// Reports a post, a person or a group; the site's moderators (and a group's, for a post
/// written in it) are told. Rate-limited like posts.
#[utoipa::path(
    post,
    path = "/reports",
    operation_id = "create_report",
    tag = "reports",
    request_body(content((ReportInput = "application/json"), (ReportInput = "application/x-www-form-urlencoded"))),
    responses(
        (status = 200, description = "The report as filed", body = ReportBody),
        (status = 422, description = "A field is wrong, or what is reported does not exist (or is not the caller's to see); nothing was stored", body = ErrorBody),
        (status = 429, description = "Too many reports", body = ErrorBody),
    ),
    security(("bearer" = ["write:reports"])),
)]
pub async fn create(
    State(state): State<AppState>,
    client: crate::limits::ClientAddr,
    caller: Caller,
    Input(input): Input<ReportInput>,
) -> ApiResult {
    let me = caller.user("write:reports")?;
    state.limits.check_report(&client, Some(me))?;
    let subject = match (&input.post_id, &input.account_id, &input.group) {
        (Some(p), _, _) if !p.is_empty() => Some(Subject::Post(PostId(id_of(p, "post_id")?))),
        (_, Some(a), _) if !a.is_empty() => Some(Subject::Actor(ActorId(id_of(a, "account_id")?))),
        (_, _, Some(g)) if !g.is_empty() => Some(Subject::Group(g.clone())),
        _ => None,
    };
    let new = NewReport {
        subject,
        category: input.category,
        legal_ground: input.legal_ground,
        comment: input.comment,
        forward: input.forward.unwrap_or(false),
        contact_email: String::new(),
        posts: vec![],
    };
    let report = reports::create(&state, Some(me), &new).await?;
    let mut conn = state.pool.get().await?;
    let actor = match report.actor_id {
        Some(a) => Actor::by_id(&mut conn, a).await?,
        None => None,
    };
    let group = match report.group_id {
        Some(g) => Actor::by_id(&mut conn, g).await?,
        None => None,
    };
    let view = ReportView { report, post: None, actor, group, reporter: None, assignee: None };
    Ok(json(&ReportBody::of(&view, false)))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct ListQuery {
    /// A local group's queue (its moderators); without it, the instance's (staff).
    pub group: Option<String>,
    /// `open` (the default), `resolved`, `dismissed` or `all`.
    pub state: Option<String>,
}

/// A queue's reports, newest first (50): the instance's for staff, a group's for its moderators.
#[utoipa::path(
    get,
    path = "/reports",
    operation_id = "list_reports",
    tag = "reports",
    params(ListQuery),
    responses(
        (status = 200, description = "The reports", body = [ReportBody]),
        (status = 403, description = "The caller does not handle this queue", body = ErrorBody),
        (status = 404, description = "No such group here", body = ErrorBody),
        (status = 422, description = "Unknown state", body = ErrorBody),
    ),
    security(("bearer" = ["read"])),
)]
pub async fn list(State(state): State<AppState>, caller: Caller, Query(q): Query<ListQuery>) -> ApiResult {
    let me = caller.user("read")?;
    let queue = match q.group.as_deref().filter(|g| !g.is_empty()) {
        Some(name) => {
            let mut conn = state.pool.get().await?;
            let group = groups::local(&mut conn, &state.settings, name).await?.ok_or_else(ApiError::not_found)?;
            Queue::Group(group.actor.id)
        }
        None => Queue::Instance,
    };
    let filter = match q.state.as_deref().unwrap_or("open") {
        "all" => None,
        s => Some(ReportState::parse(s).ok_or_else(|| {
            ApiError::from(crate::domain::DomainError::Invalid(FieldErrors::one("state", "error-choice-invalid")))
        })?),
    };
    let views = reports::queue(&state, me, queue, filter).await?;
    let out: Vec<ReportBody> = views.iter().map(|v| ReportBody::of(v, true)).collect();
    Ok(json(&out))
}

async fn detail_body(state: &AppState, me: &crate::db::models::local_user::Account, id: i64) -> ApiResult {
    let d = reports::detail(state, me, id, None).await?;
    Ok(json(&ReportDetailBody {
        report: ReportBody::of(&d.view, true),
        post_ids: d.posts.iter().map(|p| p.id.0.to_string()).collect(),
        notes: d
            .notes
            .iter()
            .map(|(n, a)| NoteBody {
                id: n.id.to_string(),
                author: a.as_ref().map(acct),
                content: n.content.clone(),
                created_at: time(n.created_at),
            })
            .collect(),
    }))
}

/// One report with its internal notes, for those who handle it (404 for anyone else).
#[utoipa::path(
    get,
    path = "/reports/{id}",
    operation_id = "get_report",
    tag = "reports",
    params(("id" = String, Path, description = "The report's id")),
    responses(
        (status = 200, description = "The report", body = ReportDetailBody),
        (status = 404, description = "No such report, or not one the caller handles", body = ErrorBody),
    ),
    security(("bearer" = ["read"])),
)]
pub async fn get(State(state): State<AppState>, caller: Caller, Path(id): Path<String>) -> ApiResult {
    let me = caller.user("read")?;
    let id = id.parse().map_err(|_| ApiError::not_found())?;
    detail_body(&state, me, id).await
}

/// An internal note.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct NoteInput {
    pub content: String,
}

/// Adds an internal note (seen only by those who handle the report).
#[utoipa::path(
    post,
    path = "/reports/{id}/notes",
    operation_id = "add_report_note",
    tag = "reports",
    params(("id" = String, Path, description = "The report's id")),
    request_body(content((NoteInput = "application/json"), (NoteInput = "application/x-www-form-urlencoded"))),
    responses(
        (status = 200, description = "The report with its notes", body = ReportDetailBody),
        (status = 404, description = "No such report, or not one the caller handles", body = ErrorBody),
        (status = 422, description = "Empty or too long", body = ErrorBody),
    ),
    security(("bearer" = ["write:reports"])),
)]
pub async fn add_note(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Input(input): Input<NoteInput>,
) -> ApiResult {
    let me = caller.user("write:reports")?;
    let id = id.parse().map_err(|_| ApiError::not_found())?;
    reports::add_note(&state, me, id, None, &input.content).await?;
    detail_body(&state, me, id).await
}

/// Whom to assign a report to.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct AssignInput {
    /// `me`, a moderator's account id, or empty (or null) for nobody.
    pub assignee: Option<String>,
}

/// Assigns an open report to the caller or another moderator who handles it, or to nobody.
#[utoipa::path(
    post,
    path = "/reports/{id}/assign",
    operation_id = "assign_report",
    tag = "reports",
    params(("id" = String, Path, description = "The report's id")),
    request_body(content((AssignInput = "application/json"), (AssignInput = "application/x-www-form-urlencoded"))),
    responses(
        (status = 200, description = "The report", body = ReportDetailBody),
        (status = 404, description = "No such report, or not one the caller handles", body = ErrorBody),
        (status = 422, description = "The assignee does not handle it, or it is closed", body = ErrorBody),
    ),
    security(("bearer" = ["write:reports"])),
)]
pub async fn assign(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Input(input): Input<AssignInput>,
) -> ApiResult {
    let me = caller.user("write:reports")?;
    let id = id.parse().map_err(|_| ApiError::not_found())?;
    let to = match input.assignee.as_deref().map(str::trim).unwrap_or("") {
        "" => None,
        "me" => Some(me.actor.id),
        other => Some(ActorId(id_of(other, "assignee")?)),
    };
    reports::assign(&state, me, id, None, to).await?;
    detail_body(&state, me, id).await
}

/// How a report ends.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct ResolveInput {
    /// `resolved` (the default) or `dismissed`.
    pub outcome: Option<String>,
    /// The outcome told to the reporter; required to resolve.
    pub resolution: String,
}

/// Closes an open report; the reporter hears the outcome.
#[utoipa::path(
    post,
    path = "/reports/{id}/resolve",
    operation_id = "resolve_report",
    tag = "reports",
    params(("id" = String, Path, description = "The report's id")),
    request_body(content((ResolveInput = "application/json"), (ResolveInput = "application/x-www-form-urlencoded"))),
    responses(
        (status = 200, description = "The closed report", body = ReportDetailBody),
        (status = 404, description = "No such report, or not one the caller handles", body = ErrorBody),
        (status = 422, description = "No outcome, or closed already", body = ErrorBody),
    ),
    security(("bearer" = ["write:reports"])),
)]
pub async fn resolve(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Input(input): Input<ResolveInput>,
) -> ApiResult {
    let me = caller.user("write:reports")?;
    let id = id.parse().map_err(|_| ApiError::not_found())?;
    let outcome = match input.outcome.as_deref().unwrap_or("resolved") {
        "resolved" => ReportState::Resolved,
        "dismissed" => ReportState::Dismissed,
        _ => {
            return Err(crate::domain::DomainError::Invalid(FieldErrors::one("outcome", "error-choice-invalid")).into());
        }
    };
    reports::close(&state, me, id, None, outcome, &input.resolution).await?;
    detail_body(&state, me, id).await
}

/// The routes, documented.
pub fn api() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create, list))
        .routes(routes!(get))
        .routes(routes!(add_note))
        .routes(routes!(assign))
        .routes(routes!(resolve))
}
