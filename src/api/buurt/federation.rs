//! Federation controls for staff: the servers we know with their delivery state, a policy per
//! server (list, set, lift), block lists in Mastodon's CSV format (import, export) and blocked
//! remote actors. Reads need `admin:read`, changes `admin:write`; the domain decides the role
//! (site moderators read and block actors, admins set server policies).

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::errors::ErrorBody;
use crate::api::error::ApiError;
use crate::api::{ApiResult, Caller, Input, json};
use crate::db::models::actor::ActorId;
use crate::db::models::instance::Instance;
use crate::domain::federation::{self, PolicyInput, csv};
use crate::state::AppState;

/// What staff decided about a server.
#[derive(Debug, Serialize, ToSchema)]
pub struct PolicyJson {
    #[schema(example = "spam.example")]
    pub domain: String,
    /// `none`, `silence` (limited) or `suspend` (blocked).
    #[schema(example = "suspend")]
    pub severity: String,
    pub reject_media: bool,
    pub reject_reports: bool,
    pub public_comment: String,
    pub private_comment: String,
    pub obfuscate: bool,
    /// On the allow-list (it matters in allow-list mode).
    pub allowed: bool,
}

impl PolicyJson {
    fn of(i: Instance) -> PolicyJson {
        PolicyJson {
            severity: i.severity().as_str().into(),
            domain: i.domain,
            reject_media: i.reject_media,
            reject_reports: i.reject_reports,
            public_comment: i.public_comment,
            private_comment: i.private_comment,
            obfuscate: i.obfuscate,
            allowed: i.allowed,
        }
    }
}

/// A policy to set. Fields left out are false or empty.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct PolicyBody {
    /// `none`, `silence` or `suspend` (`noop` is taken for `none`).
    #[schema(example = "silence")]
    pub severity: String,
    pub reject_media: bool,
    pub reject_reports: bool,
    pub public_comment: String,
    pub private_comment: String,
    pub obfuscate: bool,
    /// Put on (true) or take off (false) the allow-list; left out: unchanged.
    pub allowed: Option<bool>,
}

/// A server with its delivery state.
#[derive(Debug, Serialize, ToSchema)]
pub struct InstanceJson {
    pub domain: String,
    /// As its NodeInfo says, when read.
    pub software: Option<String>,
    pub version: Option<String>,
    /// Its actors that follow someone here.
    pub followers: i64,
    /// Its actors followed from here.
    pub following: i64,
    /// Deliveries waiting for it.
    pub pending_deliveries: i64,
    /// Failed attempts since the last success.
    pub failures: i32,
    /// Given up after days of failures, until it shows life.
    pub dead: bool,
    pub policy: PolicyJson,
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct InstancesQuery {
    /// Only domains containing this.
    q: String,
    /// The page after this domain (the last of the previous page).
    after: Option<String>,
    /// At most this many (1 to 200, default 50).
    limit: Option<i64>,
}

/// The servers we know, by domain, with their delivery state and policy.
#[utoipa::path(
    get,
    path = "/federation/instances",
    operation_id = "list_federation_instances",
    tag = "federation",
    params(InstancesQuery),
    responses(
        (status = 200, description = "A page of servers", body = [InstanceJson]),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 403, description = "Not staff, or the token lacks `admin:read`", body = ErrorBody),
    ),
    security(("bearer" = ["admin:read"])),
)]
pub async fn instances(State(state): State<AppState>, caller: Caller, Query(q): Query<InstancesQuery>) -> ApiResult {
    let me = caller.user("admin:read")?;
    let rows = federation::overview(&state.pool, me, q.q.trim(), q.after.as_deref(), q.limit.unwrap_or(50)).await?;
    let out: Vec<InstanceJson> = rows
        .into_iter()
        .map(|s| InstanceJson {
            domain: s.instance.domain.clone(),
            software: s.instance.software.clone(),
            version: s.instance.version.clone(),
            followers: s.followers,
            following: s.following,
            pending_deliveries: s.pending,
            failures: s.failures,
            dead: s.dead,
            policy: PolicyJson::of(s.instance),
        })
        .collect();
    Ok(json(&out))
}

/// The servers with a policy or on the allow-list.
#[utoipa::path(
    get,
    path = "/federation/policies",
    operation_id = "list_federation_policies",
    tag = "federation",
    responses(
        (status = 200, description = "The policies, by domain", body = [PolicyJson]),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 403, description = "Not staff, or the token lacks `admin:read`", body = ErrorBody),
    ),
    security(("bearer" = ["admin:read"])),
)]
pub async fn policies(State(state): State<AppState>, caller: Caller) -> ApiResult {
    let me = caller.user("admin:read")?;
    let out: Vec<PolicyJson> = federation::policies(&state.pool, me).await?.into_iter().map(PolicyJson::of).collect();
    Ok(json(&out))
}

/// Sets the policy of a server (admins). It holds at once; blocking ends the follows between
/// people here and the server's actors and drops what was waiting to be delivered to it.
#[utoipa::path(
    put,
    path = "/federation/policies/{domain}",
    operation_id = "set_federation_policy",
    tag = "federation",
    params(("domain" = String, Path, description = "The server's domain, with `:port` when not the default")),
    request_body(content((PolicyBody = "application/json"))),
    responses(
        (status = 200, description = "The policy as stored", body = PolicyJson),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 403, description = "Not an admin, or the token lacks `admin:write`", body = ErrorBody),
        (status = 422, description = "Not a domain, this server itself, or an unknown severity", body = ErrorBody),
    ),
    security(("bearer" = ["admin:write"])),
)]
pub async fn set_policy(
    State(state): State<AppState>,
    caller: Caller,
    Path(domain): Path<String>,
    Input(body): Input<PolicyBody>,
) -> ApiResult {
    let me = caller.user("admin:write")?;
    let input = PolicyInput {
        domain,
        severity: if body.severity.is_empty() { "none".into() } else { body.severity },
        reject_media: body.reject_media,
        reject_reports: body.reject_reports,
        public_comment: body.public_comment,
        private_comment: body.private_comment,
        obfuscate: body.obfuscate,
    };
    let mut instance = federation::set_policy(&state, me, &input).await?;
    if let Some(allowed) = body.allowed {
        instance = federation::set_allowed(&state, me, &instance.domain, allowed).await?;
        let mut conn = state.pool.get().await?;
        instance = Instance::by_domain(&mut conn, &instance.domain).await?.unwrap_or(instance);
    }
    Ok(json(&PolicyJson::of(instance)))
}

/// Lifts every policy of a server (admins). Follows a block ended are not restored.
#[utoipa::path(
    delete,
    path = "/federation/policies/{domain}",
    operation_id = "delete_federation_policy",
    tag = "federation",
    params(("domain" = String, Path, description = "The server's domain")),
    responses(
        (status = 204, description = "Lifted"),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 403, description = "Not an admin, or the token lacks `admin:write`", body = ErrorBody),
        (status = 404, description = "No such server", body = ErrorBody),
    ),
    security(("bearer" = ["admin:write"])),
)]
pub async fn delete_policy(State(state): State<AppState>, caller: Caller, Path(domain): Path<String>) -> ApiResult {
    let me = caller.user("admin:write")?;
    federation::clear_policy(&state, me, &domain).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// A bad line of an imported file.
#[derive(Debug, Serialize, ToSchema)]
pub struct BadLineJson {
    /// 1 is the header.
    pub line: u64,
    /// Why, in the caller's language is not offered here: a stable code (the message key).
    #[schema(example = "federation-csv-severity")]
    pub code: String,
    /// What was wrong in the line.
    pub value: String,
}

/// One server of an imported file.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImportEntryJson {
    pub line: u64,
    pub domain: String,
    pub severity: String,
    /// `new`, `changed` or `same`.
    pub change: String,
}

/// What an import found and did.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImportReportJson {
    /// Whether it was stored (not for a dry run, never with bad lines).
    pub applied: bool,
    pub entries: Vec<ImportEntryJson>,
    pub bad_lines: Vec<BadLineJson>,
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct ImportQuery {
    /// Only check and report; store nothing.
    dry_run: bool,
}

/// Imports a block list in Mastodon's CSV format (`#domain,#severity,#reject_media,
/// #reject_reports,#public_comment,#obfuscate`; severity `suspend`, `silence` or `noop`) (admins).
/// A file with any bad line stores nothing and answers 422 naming each bad line.
#[utoipa::path(
    post,
    path = "/federation/policies/import",
    operation_id = "import_federation_policies",
    tag = "federation",
    params(ImportQuery),
    request_body(content = String, content_type = "text/csv", description = "The CSV file"),
    responses(
        (status = 200, description = "Checked (and unless a dry run, stored)", body = ImportReportJson),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 403, description = "Not an admin, or the token lacks `admin:write`", body = ErrorBody),
        (status = 422, description = "Bad lines; nothing stored", body = ImportReportJson),
    ),
    security(("bearer" = ["admin:write"])),
)]
pub async fn import(
    State(state): State<AppState>,
    caller: Caller,
    Query(q): Query<ImportQuery>,
    body: Bytes,
) -> ApiResult {
    let me = caller.user("admin:write")?;
    let report = csv::import(&state, me, &body, q.dry_run).await?;
    let out = ImportReportJson {
        applied: report.applied,
        entries: report
            .entries
            .into_iter()
            .map(|e| ImportEntryJson {
                line: e.line,
                domain: e.domain,
                severity: e.policy.severity.as_str().into(),
                change: match e.change {
                    csv::Change::New => "new",
                    csv::Change::Changed => "changed",
                    csv::Change::Same => "same",
                }
                .into(),
            })
            .collect(),
        bad_lines: report
            .bad
            .into_iter()
            .map(|b| BadLineJson { line: b.line, code: b.key.into(), value: b.value })
            .collect(),
    };
    let status = if out.bad_lines.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    Ok((status, axum::Json(out)).into_response())
}

/// The block list in Mastodon's CSV format (admins).
#[utoipa::path(
    get,
    path = "/federation/policies/export",
    operation_id = "export_federation_policies",
    tag = "federation",
    responses(
        (status = 200, description = "domain_blocks.csv", body = String, content_type = "text/csv"),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 403, description = "Not an admin, or the token lacks `admin:read`", body = ErrorBody),
    ),
    security(("bearer" = ["admin:read"])),
)]
pub async fn export(State(state): State<AppState>, caller: Caller) -> ApiResult {
    let me = caller.user("admin:read")?;
    let body = csv::export(&state, me).await?;
    Ok(([(header::CONTENT_TYPE, "text/csv; charset=utf-8")], body).into_response())
}

/// A blocked remote actor.
#[derive(Debug, Serialize, ToSchema)]
pub struct ActorBlockJson {
    /// Its id here (for lifting the block).
    pub id: String,
    /// Its ActivityPub id.
    pub uri: String,
    /// `name@domain`.
    pub acct: String,
    /// For staff.
    pub comment: String,
    pub created_at: String,
}

/// An actor to block: its ActivityPub id or `@name@domain`, among the actors we store.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct ActorBlockBody {
    pub actor: String,
    pub comment: String,
}

/// The blocked remote actors (site moderators).
#[utoipa::path(
    get,
    path = "/federation/actor_blocks",
    operation_id = "list_federation_actor_blocks",
    tag = "federation",
    responses(
        (status = 200, description = "Newest first", body = [ActorBlockJson]),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 403, description = "Not staff, or the token lacks `admin:read`", body = ErrorBody),
    ),
    security(("bearer" = ["admin:read"])),
)]
pub async fn actor_blocks(State(state): State<AppState>, caller: Caller) -> ApiResult {
    let me = caller.user("admin:read")?;
    let out: Vec<ActorBlockJson> = federation::blocked_actors(&state.pool, me)
        .await?
        .into_iter()
        .map(|b| ActorBlockJson {
            id: b.actor.id.0.to_string(),
            acct: format!("{}@{}", b.actor.username, b.actor.domain),
            uri: b.actor.ap_id,
            comment: b.comment,
            created_at: b.created_at.and_utc().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        })
        .collect();
    Ok(json(&out))
}

/// Blocks a remote actor for the whole instance (site moderators): nothing is taken from or
/// sent to it, its follows here end and what it wrote is hidden.
#[utoipa::path(
    post,
    path = "/federation/actor_blocks",
    operation_id = "create_federation_actor_block",
    tag = "federation",
    request_body(content((ActorBlockBody = "application/json"))),
    responses(
        (status = 200, description = "Blocked", body = ActorBlockJson),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 403, description = "Not staff, or the token lacks `admin:write`", body = ErrorBody),
        (status = 404, description = "No such remote actor here", body = ErrorBody),
        (status = 422, description = "A local actor, or the comment is too long", body = ErrorBody),
    ),
    security(("bearer" = ["admin:write"])),
)]
pub async fn block_actor(
    State(state): State<AppState>,
    caller: Caller,
    Input(body): Input<ActorBlockBody>,
) -> ApiResult {
    let me = caller.user("admin:write")?;
    let actor = federation::stored_remote_actor(&state.pool, me, &body.actor).await?;
    let actor = federation::block_actor(&state, me, actor.id, &body.comment).await?;
    Ok(json(&ActorBlockJson {
        id: actor.id.0.to_string(),
        acct: format!("{}@{}", actor.username, actor.domain),
        uri: actor.ap_id,
        comment: body.comment.trim().to_string(),
        created_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
    }))
}

/// Lifts a remote actor's block (site moderators).
#[utoipa::path(
    delete,
    path = "/federation/actor_blocks/{id}",
    operation_id = "delete_federation_actor_block",
    tag = "federation",
    params(("id" = String, Path, description = "The actor's id here")),
    responses(
        (status = 204, description = "Lifted"),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 403, description = "Not staff, or the token lacks `admin:write`", body = ErrorBody),
        (status = 404, description = "Not blocked", body = ErrorBody),
    ),
    security(("bearer" = ["admin:write"])),
)]
pub async fn unblock_actor(State(state): State<AppState>, caller: Caller, Path(id): Path<String>) -> ApiResult {
    let me = caller.user("admin:write")?;
    let id: i64 = id.parse().map_err(|_| ApiError::not_found())?;
    federation::unblock_actor(&state, me, ActorId(id)).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// The federation routes, documented.
pub fn api() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(instances))
        .routes(routes!(policies))
        .routes(routes!(set_policy, delete_policy))
        .routes(routes!(import))
        .routes(routes!(export))
        .routes(routes!(actor_blocks, block_actor))
        .routes(routes!(unblock_actor))
}
