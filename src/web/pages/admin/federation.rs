//! Federation admin pages (`/beheer/federatie`): the servers we know with their delivery state
//! and policy, a server's page to set its policy, blocked remote actors, importing and
//! exporting block lists; and the public list of limited and blocked servers
//! (`/over/instanties`). Site moderators see the status and block remote actors; admins set
//! server policies (the domain decides).

use askama::Template;
use axum::extract::{Path, Query};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::db::models::actor::ActorId;
use crate::db::models::instance::{InstanceStatus, Severity};
use crate::domain::DomainError;
use crate::domain::federation::{self, PolicyInput, csv};
use crate::domain::validate::FieldErrors;
use crate::web::context::Ctx;
use crate::web::error::{WebError, WebResult};
use crate::web::form::{CsrfForm, UploadForm};
use crate::web::page::page;

/// Servers listed per page.
const PAGE: i64 = 50;

/// A server as the overview lists it.
pub struct InstanceRow {
    pub domain: String,
    pub software: String,
    pub followers: i64,
    pub following: i64,
    pub pending: i64,
    pub failures: i32,
    /// "alive", "dead" or "failing", as a translated word.
    pub state: String,
    /// The policy in words ("blocked", "limited", …), empty when none.
    pub policy: String,
}

pub struct ActorRow {
    pub id: i64,
    pub handle: String,
    pub ap_id: String,
    pub comment: String,
    pub since: String,
}

#[derive(Template)]
#[template(path = "admin/federation.html")]
pub struct OverviewPage<'a> {
    pub ctx: &'a Ctx,
    pub rows: Vec<InstanceRow>,
    pub search: String,
    pub next: Option<String>,
    pub actors: Vec<ActorRow>,
    pub actor_error: Option<String>,
    pub allow_list_mode: bool,
    pub notice: Option<String>,
}

#[derive(Template)]
#[template(path = "admin/federation_instance.html")]
pub struct InstancePage<'a> {
    pub ctx: &'a Ctx,
    pub domain: String,
    pub status: Option<InstanceRow>,
    pub known: bool,
    pub form: PolicyForm,
    pub errors: Vec<String>,
    pub allowed: bool,
    pub allow_list_mode: bool,
    pub notice: Option<String>,
}

#[derive(Template)]
#[template(path = "admin/federation_import.html")]
pub struct ImportPage<'a> {
    pub ctx: &'a Ctx,
    pub report: Option<ReportView>,
}

/// An import's outcome in words.
pub struct ReportView {
    pub applied: bool,
    pub bad: Vec<String>,
    pub entries: Vec<(String, String, String)>,
}

pub struct PublicRow {
    pub domain: String,
    pub digest: String,
    pub severity: String,
    pub comment: String,
}

#[derive(Template)]
#[template(path = "admin/federation_public.html")]
pub struct PublicPage<'a> {
    pub ctx: &'a Ctx,
    pub rows: Vec<PublicRow>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct OverviewQuery {
    q: String,
    na: String,
    done: String,
}

fn severity_word(ctx: &Ctx, severity: Severity) -> String {
    match severity {
        Severity::None => String::new(),
        Severity::Silence => ctx.t("federation-severity-silence"),
        Severity::Suspend => ctx.t("federation-severity-suspend"),
    }
}

fn row(ctx: &Ctx, s: InstanceStatus) -> InstanceRow {
    let mut policy = vec![severity_word(ctx, s.instance.severity())];
    if s.instance.reject_media {
        policy.push(ctx.t("federation-reject-media"));
    }
    if s.instance.reject_reports {
        policy.push(ctx.t("federation-reject-reports"));
    }
    if s.instance.allowed {
        policy.push(ctx.t("federation-allowed"));
    }
    let state = if s.dead {
        ctx.t("federation-state-dead")
    } else if s.failures > 0 {
        ctx.t("federation-state-failing")
    } else {
        ctx.t("federation-state-alive")
    };
    InstanceRow {
        software: match (&s.instance.software, &s.instance.version) {
            (Some(name), Some(version)) => format!("{name} {version}"),
            (Some(name), None) => name.clone(),
            _ => String::new(),
        },
        domain: s.instance.domain,
        followers: s.followers,
        following: s.following,
        pending: s.pending,
        failures: s.failures,
        state,
        policy: policy.into_iter().filter(|p| !p.is_empty()).collect::<Vec<_>>().join(", "),
    }
}

/// `GET /beheer/federatie`: the servers we know, and the blocked remote actors.
pub async fn overview(ctx: Ctx, Query(q): Query<OverviewQuery>) -> WebResult<Response> {
    let notice = match q.done.as_str() {
        "blocked" => Some(ctx.t("federation-actor-blocked")),
        "unblocked" => Some(ctx.t("federation-actor-unblocked")),
        "cleared" => Some(ctx.t("federation-policy-cleared")),
        _ => None,
    };
    overview_page(&ctx, q, None, notice, StatusCode::OK).await
}

async fn overview_page(
    ctx: &Ctx,
    q: OverviewQuery,
    actor_error: Option<String>,
    notice: Option<String>,
    status: StatusCode,
) -> WebResult<Response> {
    let by = ctx.require_account()?;
    let pool = &ctx.state.pool;
    let after = (!q.na.is_empty()).then_some(q.na.as_str());
    let statuses = federation::overview(pool, by, q.q.trim(), after, PAGE + 1).await?;
    let more = statuses.len() as i64 > PAGE;
    let rows: Vec<InstanceRow> = statuses.into_iter().take(PAGE as usize).map(|s| row(ctx, s)).collect();
    let next = more.then(|| rows.last()).flatten().map(|r| {
        let enc = crate::util::url::urlencode;
        format!("/beheer/federatie?q={}&na={}", enc(&q.q), enc(&r.domain))
    });
    let actors = federation::blocked_actors(pool, by)
        .await?
        .into_iter()
        .map(|b| ActorRow {
            id: b.actor.id.0,
            handle: format!("@{}@{}", b.actor.username, b.actor.domain),
            ap_id: b.actor.ap_id,
            comment: b.comment,
            since: ctx.datetime(b.created_at),
        })
        .collect();
    let allow_list_mode = ctx.state.federation_policy.allow_list_mode();
    let view = OverviewPage { ctx, rows, search: q.q, next, actors, actor_error, allow_list_mode, notice };
    Ok(page(status, &view))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct DomainQuery {
    domain: String,
}

/// `GET /beheer/federatie/domein?domain=…`: the page of the server named in the overview's form.
pub async fn open_domain(ctx: Ctx, Query(q): Query<DomainQuery>) -> WebResult<Response> {
    ctx.require_account()?;
    match federation::normalize_domain(&q.domain) {
        Some(domain) => Ok(Redirect::to(&format!("/beheer/federatie/{domain}")).into_response()),
        None => Err(WebError::BadRequest("federation-error-domain")),
    }
}

/// The policy form's fields as sent (checkboxes are absent when not ticked).
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct PolicyForm {
    pub severity: String,
    pub reject_media: Option<String>,
    pub reject_reports: Option<String>,
    pub public_comment: String,
    pub private_comment: String,
    pub obfuscate: Option<String>,
}

impl PolicyForm {
    fn input(&self, domain: &str) -> PolicyInput {
        PolicyInput {
            domain: domain.to_string(),
            severity: self.severity.clone(),
            reject_media: self.reject_media.is_some(),
            reject_reports: self.reject_reports.is_some(),
            public_comment: self.public_comment.clone(),
            private_comment: self.private_comment.clone(),
            obfuscate: self.obfuscate.is_some(),
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct DoneQuery {
    done: String,
}

/// `GET /beheer/federatie/{domain}`: a server's state and its policy form.
pub async fn instance(ctx: Ctx, Path(domain): Path<String>, Query(q): Query<DoneQuery>) -> WebResult<Response> {
    let notice = match q.done.as_str() {
        "saved" => Some(ctx.t("federation-policy-saved")),
        "allowed" => Some(ctx.t("federation-allowed-saved")),
        _ => None,
    };
    instance_page(&ctx, &domain, None, FieldErrors::default(), notice, StatusCode::OK).await
}

async fn instance_page(
    ctx: &Ctx,
    domain: &str,
    sent: Option<PolicyForm>,
    errors: FieldErrors,
    notice: Option<String>,
    status: StatusCode,
) -> WebResult<Response> {
    let by = ctx.require_account()?;
    let domain = federation::normalize_domain(domain).ok_or(WebError::NotFound)?;
    let found = federation::status_of(&ctx.state.pool, by, &domain).await?;
    let allowed = found.as_ref().is_some_and(|s| s.instance.allowed);
    let form = sent.unwrap_or_else(|| match &found {
        Some(s) => {
            let p = s.instance.policy();
            let tick = |b: bool| b.then(|| "ja".to_string());
            PolicyForm {
                severity: p.severity.as_str().into(),
                reject_media: tick(p.reject_media),
                reject_reports: tick(p.reject_reports),
                public_comment: p.public_comment,
                private_comment: p.private_comment,
                obfuscate: tick(p.obfuscate),
            }
        }
        None => PolicyForm { severity: "none".into(), ..Default::default() },
    });
    let errors = errors.0.iter().map(|e| ctx.t(e.message)).collect();
    let view = InstancePage {
        ctx,
        known: found.is_some(),
        status: found.map(|s| row(ctx, s)),
        domain,
        form,
        errors,
        allowed,
        allow_list_mode: ctx.state.federation_policy.allow_list_mode(),
        notice,
    };
    Ok(page(status, &view))
}

/// `POST /beheer/federatie/{domain}`: sets its policy.
pub async fn save_policy(
    Path(domain): Path<String>,
    CsrfForm { ctx, form }: CsrfForm<PolicyForm>,
) -> WebResult<Response> {
    let by = ctx.require_account()?;
    match federation::set_policy(&ctx.state, by, &form.input(&domain)).await {
        Ok(instance) => Ok(Redirect::to(&format!("/beheer/federatie/{}?done=saved", instance.domain)).into_response()),
        Err(DomainError::Invalid(errors)) => {
            instance_page(&ctx, &domain, Some(form), errors, None, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Empty {}

/// `POST /beheer/federatie/{domain}/opheffen`: lifts its policy.
pub async fn clear_policy(Path(domain): Path<String>, CsrfForm { ctx, .. }: CsrfForm<Empty>) -> WebResult<Response> {
    let by = ctx.require_account()?;
    federation::clear_policy(&ctx.state, by, &domain).await?;
    Ok(Redirect::to("/beheer/federatie?done=cleared").into_response())
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct AllowForm {
    allowed: String,
}

/// `POST /beheer/federatie/{domain}/toestaan`: on or off the allow-list.
pub async fn allow(Path(domain): Path<String>, CsrfForm { ctx, form }: CsrfForm<AllowForm>) -> WebResult<Response> {
    let by = ctx.require_account()?;
    let instance = federation::set_allowed(&ctx.state, by, &domain, form.allowed == "ja").await?;
    Ok(Redirect::to(&format!("/beheer/federatie/{}?done=allowed", instance.domain)).into_response())
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct BlockActorForm {
    handle: String,
    comment: String,
}

/// `POST /beheer/federatie/actoren`: blocks a remote actor we know, by address or id.
pub async fn block_actor(CsrfForm { ctx, form }: CsrfForm<BlockActorForm>) -> WebResult<Response> {
    let by = ctx.require_account()?;
    let actor = match federation::stored_remote_actor(&ctx.state.pool, by, &form.handle).await {
        Ok(actor) => actor,
        Err(DomainError::NotFound) => {
            let error = Some(ctx.t("federation-error-actor-unknown"));
            let q = OverviewQuery::default();
            return overview_page(&ctx, q, error, None, StatusCode::UNPROCESSABLE_ENTITY).await;
        }
        Err(e) => return Err(e.into()),
    };
    match federation::block_actor(&ctx.state, by, actor.id, &form.comment).await {
        Ok(_) => Ok(Redirect::to("/beheer/federatie?done=blocked").into_response()),
        Err(DomainError::Invalid(errors)) => {
            let error = errors.0.first().map(|e| ctx.t(e.message));
            overview_page(&ctx, OverviewQuery::default(), error, None, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /beheer/federatie/actoren/{id}/opheffen`: lifts an actor's block.
pub async fn unblock_actor(Path(id): Path<i64>, CsrfForm { ctx, .. }: CsrfForm<Empty>) -> WebResult<Response> {
    let by = ctx.require_account()?;
    federation::unblock_actor(&ctx.state, by, ActorId(id)).await?;
    Ok(Redirect::to("/beheer/federatie?done=unblocked").into_response())
}

/// `GET /beheer/federatie/importeren`.
pub async fn import_page(ctx: Ctx) -> WebResult<Response> {
    let by = ctx.require_account()?;
    federation::require(by, crate::db::models::local_user::Role::Admin)?;
    Ok(page(StatusCode::OK, &ImportPage { ctx: &ctx, report: None }))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ImportForm {
    /// The file pasted as text (the file field is the other way).
    text: String,
    /// `ja`: only check and report.
    dry_run: Option<String>,
}

/// `POST /beheer/federatie/importeren`: checks a block list and, unless only asked to check or
/// a line is bad, stores it.
pub async fn import(mut upload: UploadForm<ImportForm>) -> WebResult<Response> {
    let file = upload.take_file("file");
    let UploadForm { ctx, form, .. } = upload;
    let by = ctx.require_account()?;
    let bytes = file.filter(|f| !f.is_empty()).unwrap_or_else(|| form.text.clone().into_bytes());
    let report = csv::import(&ctx.state, by, &bytes, form.dry_run.is_some()).await?;
    let bad = report
        .bad
        .iter()
        .map(|b| {
            let why = ctx.t_args(b.key, &[("value", b.value.clone())]);
            ctx.t_args("federation-csv-line", &[("line", b.line.to_string()), ("why", why)])
        })
        .collect::<Vec<_>>();
    let entries = report
        .entries
        .iter()
        .map(|e| {
            let change = match e.change {
                csv::Change::New => ctx.t("federation-change-new"),
                csv::Change::Changed => ctx.t("federation-change-changed"),
                csv::Change::Same => ctx.t("federation-change-same"),
            };
            let severity = match e.policy.severity {
                Severity::None => ctx.t("federation-severity-none"),
                other => severity_word(&ctx, other),
            };
            (e.domain.clone(), severity, change)
        })
        .collect();
    let status = if bad.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let view = ImportPage { ctx: &ctx, report: Some(ReportView { applied: report.applied, bad, entries }) };
    Ok(page(status, &view))
}

/// `GET /beheer/federatie/export.csv`: the block list in Mastodon's format.
pub async fn export(ctx: Ctx) -> WebResult<Response> {
    let by = ctx.require_account()?;
    let body = csv::export(&ctx.state, by).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (header::CONTENT_DISPOSITION, "attachment; filename=\"domain_blocks.csv\""),
        ],
        body,
    )
        .into_response())
}

/// `GET /over/instanties`: the limited and blocked servers with their public comments.
pub async fn public_list(ctx: Ctx) -> WebResult<Response> {
    let rows = federation::public_list(&ctx.state.pool)
        .await?
        .into_iter()
        .map(|b| PublicRow {
            severity: severity_word(&ctx, b.severity),
            domain: b.domain,
            digest: b.digest,
            comment: b.comment,
        })
        .collect();
    Ok(page(StatusCode::OK, &PublicPage { ctx: &ctx, rows }))
}

/// Every route of the federation admin pages and the public list (`uploads`: the body limit
/// of the import's file).
pub fn routes(uploads: axum::extract::DefaultBodyLimit) -> axum::Router<crate::state::AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/beheer/federatie", get(overview))
        .route("/beheer/federatie/domein", get(open_domain))
        .route("/beheer/federatie/importeren", get(import_page).post(import).layer(uploads))
        .route("/beheer/federatie/export.csv", get(export))
        .route("/beheer/federatie/actoren", post(block_actor))
        .route("/beheer/federatie/actoren/{id}/opheffen", post(unblock_actor))
        .route("/beheer/federatie/{domain}", get(instance).post(save_policy))
        .route("/beheer/federatie/{domain}/opheffen", post(clear_policy))
        .route("/beheer/federatie/{domain}/toestaan", post(allow))
        .route("/over/instanties", get(public_list))
}
