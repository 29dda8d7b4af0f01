//! The moderators' report queues: instance-wide (`/beheer/meldingen`, the site's moderators
//! and admins) and per group (`/g/NAME/meldingen`, its moderators and the site's), each
//! report with its page: assignment, internal notes, resolving or dismissing. Who may see
//! which is decided by `domain::moderation::reports`.

use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use super::view::{DetailPage, NoteRow, QueuePage, ReportRow, RowLabels};
use super::{back, refusal};
use crate::db::models::actor::{Actor, ActorId};
use crate::db::models::report::{Queue, Report, ReportState};
use crate::domain::groups;
use crate::domain::moderation::reports;
use crate::web::context::Ctx;
use crate::web::error::{WebError, WebResult};
use crate::web::form::CsrfForm;
use crate::web::page::page;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct QueueQuery {
    /// `open` (the default), `resolved`, `dismissed` or `alle`.
    status: String,
    /// A notice key after an action.
    gedaan: String,
}

/// Where a queue lives: the instance's, or a group's (its actor and name).
struct Place {
    queue: Queue,
    path: String,
    title: String,
}

async fn group_place(ctx: &Ctx, name: &str) -> WebResult<Place> {
    let mut conn = ctx.state.pool.get().await?;
    let group = groups::local(&mut conn, &ctx.state.settings, name).await?.ok_or(WebError::NotFound)?;
    Ok(Place {
        queue: Queue::Group(group.actor.id),
        path: format!("/g/{}/meldingen", group.actor.name_key),
        title: ctx.t1("report-queue-group-title", "name", group.actor.shown_name()),
    })
}

fn instance_place(ctx: &Ctx) -> Place {
    Place { queue: Queue::Instance, path: "/beheer/meldingen".into(), title: ctx.t("report-queue-title") }
}

/// `GET /beheer/meldingen`.
pub async fn instance_queue(ctx: Ctx, Query(q): Query<QueueQuery>) -> WebResult<Response> {
    let place = instance_place(&ctx);
    list(&ctx, place, &q).await
}

/// `GET /g/{name}/meldingen`.
pub async fn group_queue(ctx: Ctx, Path(name): Path<String>, Query(q): Query<QueueQuery>) -> WebResult<Response> {
    ctx.require_account()?;
    let place = group_place(&ctx, &name).await?;
    list(&ctx, place, &q).await
}

async fn list(ctx: &Ctx, place: Place, q: &QueueQuery) -> WebResult<Response> {
    let me = ctx.require_account()?;
    let filter = match q.status.as_str() {
        "" | "open" => Some(ReportState::Open),
        "alle" => None,
        other => Some(ReportState::parse(other).ok_or(WebError::BadRequest("error-choice-invalid"))?),
    };
    let views = reports::queue(&ctx.state, me, place.queue, filter).await?;
    let rows = views.iter().map(|v| ReportRow::of(ctx, v, &place.path)).collect();
    let current = if q.status.is_empty() { "open" } else { q.status.as_str() };
    let filters = ["open", "resolved", "dismissed", "alle"]
        .into_iter()
        .map(|s| (format!("{}?status={s}", place.path), ctx.t(&format!("report-filter-{s}")), s == current))
        .collect();
    let notice = notice(ctx, &q.gedaan);
    Ok(page(StatusCode::OK, &QueuePage { ctx, title: place.title, rows, labels: RowLabels::new(ctx), filters, notice }))
}

fn notice(ctx: &Ctx, done: &str) -> Option<String> {
    matches!(done, "toegewezen" | "notitie" | "afgehandeld" | "afgewezen")
        .then(|| ctx.t(&format!("report-done-{done}")))
}

/// `GET /beheer/meldingen/{id}`.
pub async fn instance_detail(ctx: Ctx, Path(id): Path<i64>, Query(q): Query<QueueQuery>) -> WebResult<Response> {
    let place = instance_place(&ctx);
    detail(&ctx, place, id, &q).await
}

/// `GET /g/{name}/meldingen/{id}`.
pub async fn group_detail(
    ctx: Ctx,
    Path((name, id)): Path<(String, i64)>,
    Query(q): Query<QueueQuery>,
) -> WebResult<Response> {
    ctx.require_account()?;
    let place = group_place(&ctx, &name).await?;
    detail(&ctx, place, id, &q).await
}

fn group_of(queue: Queue) -> Option<ActorId> {
    match queue {
        Queue::Instance => None,
        Queue::Group(g) => Some(g),
    }
}

async fn detail(ctx: &Ctx, place: Place, id: i64, q: &QueueQuery) -> WebResult<Response> {
    let me = ctx.require_account()?;
    let d = reports::detail(&ctx.state, me, id, group_of(place.queue)).await?;
    let row = ReportRow::of(ctx, &d.view, &place.path);
    let r = &d.view.report;
    let name = |a: &Actor| format!("{} (@{}@{})", a.shown_name(), a.username, a.domain);
    let assign_options =
        d.moderators.iter().map(|a| (a.id.0.to_string(), name(a), r.assigned_to == Some(a.id))).collect();
    let notes = d
        .notes
        .iter()
        .map(|(n, a)| NoteRow {
            author: a.as_ref().map_or_else(|| ctx.t("report-someone"), Actor::shown_name),
            when: ctx.datetime(n.created_at),
            text: n.content.clone(),
        })
        .collect();
    let posts =
        d.posts.iter().map(|p| (super::view::post_href(p), crate::util::html::excerpt(&p.content, 280))).collect();
    let decisions = if r.state() == ReportState::Open { decision_links(ctx, r, place.queue) } else { vec![] };
    let data = DetailPage {
        ctx,
        decisions,
        title: ctx.t1("report-detail-title", "id", r.id),
        back: place.path.clone(),
        action: format!("{}/{}", place.path, r.id),
        comment: r.comment.clone(),
        legal_ground: r.legal_ground.clone(),
        origin: r.origin_instance.clone(),
        contact: r.contact_email.is_some(),
        forwarded: r.forward,
        open: r.state() == ReportState::Open,
        resolution: r.resolution.clone().filter(|s| !s.is_empty()),
        assign_options,
        notes,
        posts,
        notice: notice(ctx, &q.gedaan),
        row,
    };
    Ok(page(StatusCode::OK, &data))
}

/// The decisions that answer an open report, as links to the decision form (which carries
/// the report along and closes it): on the post, and on the person — an instance queue's
/// moderators limit or suspend the account, a group's moderators ban the member.
fn decision_links(ctx: &Ctx, r: &Report, queue: Queue) -> Vec<(String, String)> {
    let link = |what: String, kind: &str, label: &str| {
        (format!("/moderatie/besluit?{what}&kind={kind}&report={}", r.id), ctx.t(label))
    };
    let mut links = vec![];
    if let Some(post) = r.post_id {
        links.push(link(format!("post={}", post.0), "hide_post", "moderation-link-hide"));
        links.push(link(format!("post={}", post.0), "remove_post", "moderation-link-remove"));
    }
    if let Some(person) = r.actor_id {
        match queue {
            Queue::Instance => {
                links.push(link(format!("account={}", person.0), "silence_account", "moderation-link-silence"));
                links.push(link(format!("account={}", person.0), "suspend_account", "moderation-link-suspend"));
            }
            Queue::Group(group) => {
                links.push(link(
                    format!("account={}&group={}", person.0, group.0),
                    "ban_member",
                    "moderation-link-ban",
                ));
            }
        }
    }
    links
}

/// What a report page's forms send: one `action` and its fields.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ActForm {
    /// `assign_me`, `assign`, `unassign`, `note`, `resolve` or `dismiss`.
    action: String,
    assignee: String,
    note: String,
    resolution: String,
}

/// `POST /beheer/meldingen/{id}`.
pub async fn instance_act(Path(id): Path<i64>, CsrfForm { ctx, form }: CsrfForm<ActForm>) -> WebResult<Response> {
    let place = instance_place(&ctx);
    act(&ctx, place, id, &form).await
}

/// `POST /g/{name}/meldingen/{id}`.
pub async fn group_act(
    Path((name, id)): Path<(String, i64)>,
    CsrfForm { ctx, form }: CsrfForm<ActForm>,
) -> WebResult<Response> {
    ctx.require_account()?;
    let place = group_place(&ctx, &name).await?;
    act(&ctx, place, id, &form).await
}

async fn act(ctx: &Ctx, place: Place, id: i64, form: &ActForm) -> WebResult<Response> {
    let me = ctx.require_account()?;
    let state = &ctx.state;
    let group = group_of(place.queue);
    let done = match form.action.as_str() {
        "assign_me" => {
            reports::assign(state, me, id, group, Some(me.actor.id)).await.map_err(refusal)?;
            "toegewezen"
        }
        "assign" => {
            let to = form.assignee.trim().parse::<i64>().map_err(|_| WebError::BadRequest("error-report-assignee"))?;
            reports::assign(state, me, id, group, Some(ActorId(to))).await.map_err(refusal)?;
            "toegewezen"
        }
        "unassign" => {
            reports::assign(state, me, id, group, None).await.map_err(refusal)?;
            "toegewezen"
        }
        "note" => {
            reports::add_note(state, me, id, group, &form.note).await.map_err(refusal)?;
            "notitie"
        }
        "resolve" => {
            reports::close(state, me, id, group, ReportState::Resolved, &form.resolution).await.map_err(refusal)?;
            "afgehandeld"
        }
        "dismiss" => {
            reports::close(state, me, id, group, ReportState::Dismissed, &form.resolution).await.map_err(refusal)?;
            "afgewezen"
        }
        _ => return Err(WebError::BadRequest("error-choice-invalid")),
    };
    Ok(back(&format!("{}/{id}", place.path), done))
}
