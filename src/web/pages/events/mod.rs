//! Event pages: the agendas (`/activiteiten`, a group's `/g/NAME/activiteiten`), an event's page
//! (`/e/NAME`, also its ActivityStreams document), answering it, the organiser's list of
//! participants, cancelling and deleting; making and changing an event is in [`form`], the
//! calendar feeds in [`feeds`].

pub mod feeds;
pub mod form;
mod view;

use axum::extract::{Path, Query};
use axum::http::header::VARY;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use futures_util::future::BoxFuture;
use serde::Deserialize;

use crate::db::models::event::{EventStatus, Filter};
use crate::db::models::event_participant::{Participant, Rsvp};
use crate::domain::DomainError;
use crate::domain::events::{self, EventView, rsvp, when};
use crate::web::context::Ctx;
use crate::web::error::{WebError, WebResult};
use crate::web::form::{CsrfForm, NoFields};
use crate::web::layout::{HomeSection, Placement};
use crate::web::page::page;
use view::{AgendaPage, EventCard, EventsSection, MinePage, ParticipantRow, ParticipantsPage, ShowPage, by_day};

/// Events on the home page.
const HOME_EVENTS: i64 = 5;

/// The home page's section: what happens soon.
pub fn home_section(ctx: &Ctx) -> BoxFuture<'_, WebResult<Option<HomeSection>>> {
    Box::pin(async move {
        let views = events::upcoming(&ctx.state, Filter::default(), HOME_EVENTS).await?;
        let events = views.iter().map(|v| EventCard::of(ctx, v)).collect();
        Ok(Some(HomeSection::render(Placement::Aside, &EventsSection { ctx, events })?))
    })
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct AgendaQuery {
    /// `2026-12`: the month view.
    maand: String,
}

/// The months from this one on, as the month view's tabs.
fn month_tabs(ctx: &Ctx, base: &str, current: Option<(i32, u32)>) -> Vec<(String, String, bool)> {
    use chrono::Datelike;
    let today = chrono::Utc::now().date_naive();
    let (mut y, mut m) = (today.year(), today.month0());
    let mut tabs = vec![];
    for _ in 0..6 {
        tabs.push((format!("{base}?maand={y}-{:02}", m + 1), when::month(ctx.lang, y, m), current == Some((y, m))));
        m += 1;
        if m == 12 {
            m = 0;
            y += 1;
        }
    }
    tabs
}

fn parse_month(s: &str) -> Option<(i32, u32)> {
    let (y, m) = s.split_once('-')?;
    let (y, m) = (y.parse::<i32>().ok()?, m.parse::<u32>().ok()?);
    ((1970..=9999).contains(&y) && (1..=12).contains(&m)).then_some((y, m - 1))
}

/// An agenda: upcoming events (the list), or one month's.
async fn agenda(
    ctx: &Ctx,
    q: &AgendaQuery,
    base: &str,
    title: String,
    filter: Filter,
    new_href: Option<String>,
) -> WebResult<Response> {
    let month = if q.maand.is_empty() {
        None
    } else {
        Some(parse_month(&q.maand).ok_or(WebError::BadRequest("error-event-month"))?)
    };
    let views = match month {
        Some((y, m)) => {
            let tz: chrono_tz::Tz =
                ctx.state.settings.instance.timezone.parse().unwrap_or(chrono_tz::Europe::Amsterdam);
            let start =
                chrono::NaiveDate::from_ymd_opt(y, m + 1, 1).ok_or(WebError::BadRequest("error-event-month"))?;
            let end =
                start.checked_add_months(chrono::Months::new(1)).ok_or(WebError::BadRequest("error-event-month"))?;
            let utc = |d: chrono::NaiveDate| events::input::to_utc(d.and_time(chrono::NaiveTime::MIN), tz);
            let (Some(from), Some(to)) = (utc(start), utc(end)) else {
                return Err(WebError::BadRequest("error-event-month"));
            };
            events::between(&ctx.state, filter, from, to).await?
        }
        None => events::upcoming(&ctx.state, filter, events::AGENDA_MAX).await?,
    };
    let switch = match month {
        Some(_) => (base.to_string(), ctx.t("event-view-list")),
        None => {
            let today = chrono::Utc::now().date_naive();
            (format!("{base}?maand={}", today.format("%Y-%m")), ctx.t("event-view-month"))
        }
    };
    let template = AgendaPage {
        ctx,
        title,
        intro: None,
        days: by_day(ctx, &views),
        ical: format!("{base}.ics"),
        atom: format!("{base}.atom"),
        new_href,
        months: month.map(|m| month_tabs(ctx, base, Some(m))).unwrap_or_default(),
        switch,
    };
    Ok(page(StatusCode::OK, &template))
}

/// `GET /activiteiten`: the instance's agenda.
pub async fn instance_agenda(ctx: Ctx, Query(q): Query<AgendaQuery>) -> WebResult<Response> {
    let new_href = ctx.account.as_ref().map(|_| "/activiteiten/nieuw".to_string());
    agenda(&ctx, &q, "/activiteiten", ctx.t("event-agenda-title"), Filter::default(), new_href).await
}

/// `GET /g/{name}/activiteiten`: a group's agenda.
pub async fn group_agenda(ctx: Ctx, Path(name): Path<String>, Query(q): Query<AgendaQuery>) -> WebResult<Response> {
    let group = {
        let mut conn = ctx.state.pool.get().await?;
        crate::domain::groups::local(&mut conn, &ctx.state.settings, &name).await?.ok_or(WebError::NotFound)?
    };
    let filter = Filter { group: Some(group.actor.id), ..Default::default() };
    let title = ctx.t1("event-agenda-group-title", "group", group.actor.shown_name());
    let new_href = ctx.account.as_ref().map(|_| format!("/activiteiten/nieuw?groep={}", group.actor.name_key));
    let base = format!("/g/{}/activiteiten", group.actor.name_key);
    agenda(&ctx, &q, &base, title, filter, new_href).await
}

/// One of our events by name, or 404.
pub async fn local_event(ctx: &Ctx, name: &str) -> WebResult<EventView> {
    let mut conn = ctx.state.pool.get().await?;
    events::local(&mut conn, &ctx.state, name).await?.ok_or(WebError::NotFound)
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ShowQuery {
    gedaan: String,
}

/// `GET /e/{name}`: the event's page, or its `Event` document for fediverse software.
pub async fn show(
    ctx: Ctx,
    headers: HeaderMap,
    Path(name): Path<String>,
    Query(q): Query<ShowQuery>,
) -> WebResult<Response> {
    let view = local_event(&ctx, &name).await?;
    if crate::apub::wants_activity_json(&headers) {
        return Ok(crate::apub::http::activity_json(events::wire::document(&ctx.state, &view)));
    }
    let notice = matches!(q.gedaan.as_str(), "gemaakt" | "opgeslagen" | "geannuleerd" | "beantwoord" | "besloten")
        .then(|| ctx.t(&format!("event-done-{}", q.gedaan)));
    let mut response = render(&ctx, view, notice, None, StatusCode::OK).await?;
    response.headers_mut().insert(VARY, HeaderValue::from_static("Accept"));
    Ok(response)
}

async fn render(
    ctx: &Ctx,
    view: EventView,
    notice: Option<String>,
    error: Option<String>,
    status: StatusCode,
) -> WebResult<Response> {
    let e = &view.event;
    let (mine, manages, waiting) = {
        let mut conn = ctx.state.pool.get().await?;
        let mine = match &ctx.account {
            Some(a) => rsvp::mine(&mut conn, a, e.id).await?,
            None => None,
        };
        let manages = match &ctx.account {
            Some(a) => events::may_manage(&mut conn, a, e).await?,
            None => false,
        };
        let waiting = if e.capacity.is_some() { Participant::count(&mut conn, e.id, Rsvp::Waiting).await? } else { 0 };
        (mine, manages, waiting)
    };
    let may_answer = if e.status() == EventStatus::Cancelled {
        Err(ctx.t("error-event-cancelled"))
    } else if view.is_over() {
        Err(ctx.t("error-event-over"))
    } else {
        Ok(())
    };
    let instance_zone = &ctx.state.settings.instance.timezone;
    let zone_note = (e.timezone != *instance_zone).then(|| e.timezone.clone());
    let map = view.place.as_ref().and_then(|p| p.coordinates());
    let template = ShowPage {
        ctx,
        card: EventCard::of(ctx, &view),
        when_full: when::span(ctx.lang, e),
        zone_note,
        description: e.content.clone(),
        access: e.access().iter().map(|a| ctx.t(&format!("event-access-{}", a.as_str()))).collect(),
        mine: mine.map(|p| (p.rsvp(), ctx.t(&format!("event-mine-{}", p.rsvp().as_str())))),
        may_answer,
        manages,
        going: e.participant_count,
        waiting,
        notice,
        error,
        ical: format!("{}/agenda.ics", view.href()),
        map,
        view,
    };
    Ok(page(status, &template))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RsvpForm {
    rsvp: String,
    message: String,
}

/// `POST /e/{name}/aanmelden`: the visitor answers.
pub async fn answer(Path(name): Path<String>, CsrfForm { ctx, form }: CsrfForm<RsvpForm>) -> WebResult<Response> {
    let account = ctx.require_account()?;
    let view = local_event(&ctx, &name).await?;
    match rsvp::answer(&ctx.state, account, view.event.id, &form.rsvp, &form.message).await {
        Ok(_) => Ok(Redirect::to(&format!("{}?gedaan=beantwoord", view.href())).into_response()),
        Err(DomainError::Invalid(errors)) => {
            let error = errors.0.first().map(|e| ctx.t(e.message));
            render(&ctx, view, None, error, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /e/{name}/annuleren`.
pub async fn cancel(Path(name): Path<String>, CsrfForm { ctx, .. }: CsrfForm<NoFields>) -> WebResult<Response> {
    let account = ctx.require_account()?;
    let view = local_event(&ctx, &name).await?;
    events::cancel(&ctx.state, account, view.event.id).await?;
    Ok(Redirect::to(&format!("{}?gedaan=geannuleerd", view.href())).into_response())
}

/// `POST /e/{name}/verwijderen`.
pub async fn delete(Path(name): Path<String>, CsrfForm { ctx, .. }: CsrfForm<NoFields>) -> WebResult<Response> {
    let account = ctx.require_account()?;
    let view = local_event(&ctx, &name).await?;
    events::delete(&ctx.state, account, view.event.id).await?;
    Ok(Redirect::to("/activiteiten").into_response())
}

/// `GET /e/{name}/deelnemers`: the organiser's list.
pub async fn participants(ctx: Ctx, Path(name): Path<String>, Query(q): Query<ShowQuery>) -> WebResult<Response> {
    let account = ctx.require_account()?;
    let view = local_event(&ctx, &name).await?;
    let rows = rsvp::participants(&ctx.state, account, view.event.id).await?;
    let rows = rows
        .iter()
        .map(|(p, a)| ParticipantRow {
            id: p.id,
            name: match a {
                Some(a) => format!("{} (@{}@{})", a.shown_name(), a.username, a.domain),
                None => p.guest_name.clone().unwrap_or_default(),
            },
            href: a.as_ref().map(|a| {
                if a.local { format!("/u/{}", a.name_key) } else { a.url.clone().unwrap_or_else(|| a.ap_id.clone()) }
            }),
            state: ctx.t(&format!("event-state-{}", p.rsvp().as_str())),
            pending: p.rsvp() == Rsvp::Pending,
            message: p.message.clone(),
            assisted: p.assisted_by.is_some(),
        })
        .collect();
    let template = ParticipantsPage {
        ctx: &ctx,
        title: ctx.t1("event-participants-title", "event", &view.event.title),
        back: view.href(),
        action: format!("{}/deelnemers", view.href()),
        rows,
        notice: (q.gedaan == "besloten").then(|| ctx.t("event-done-besloten")),
    };
    Ok(page(StatusCode::OK, &template))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct DecideForm {
    participant: i64,
    /// `accept` or `reject`.
    decision: String,
}

/// `POST /e/{name}/deelnemers`: the organiser accepts or declines a request.
pub async fn decide(Path(name): Path<String>, CsrfForm { ctx, form }: CsrfForm<DecideForm>) -> WebResult<Response> {
    let account = ctx.require_account()?;
    let view = local_event(&ctx, &name).await?;
    let accept = match form.decision.as_str() {
        "accept" => true,
        "reject" => false,
        _ => return Err(WebError::BadRequest("error-choice-invalid")),
    };
    match rsvp::decide(&ctx.state, account, view.event.id, form.participant, accept).await {
        Ok(_) => Ok(Redirect::to(&format!("{}/deelnemers?gedaan=besloten", view.href())).into_response()),
        Err(DomainError::Invalid(e)) => Err(WebError::BadRequest(e.0.first().map_or("error-invalid", |e| e.message))),
        Err(e) => Err(e.into()),
    }
}

async fn mine_page(ctx: &Ctx, new_feed: Option<String>) -> WebResult<Response> {
    let account = ctx.require_account()?;
    let views = events::calendar::mine(&ctx.state, account).await?;
    let has_feed = events::calendar::has_feed(&ctx.state, account).await?;
    let template = MinePage { ctx, days: by_day(ctx, &views), has_feed, new_feed };
    Ok(page(StatusCode::OK, &template))
}

/// `GET /mijn-agenda`: the resident's own agenda, private.
pub async fn mine(ctx: Ctx) -> WebResult<Response> {
    mine_page(&ctx, None).await
}

/// `POST /mijn-agenda/link`: a new secret feed address (the old one stops working), shown once.
pub async fn new_feed(CsrfForm { ctx, .. }: CsrfForm<NoFields>) -> WebResult<Response> {
    let account = ctx.require_account()?;
    let token = events::calendar::new_feed(&ctx.state, account).await?;
    let url = format!("{}/ical/{token}", ctx.state.base_url);
    mine_page(&ctx, Some(url)).await
}

/// `GET /plekken/{id}`: a place where events are held (also its `Place` document), with the
/// coming events there.
pub async fn place(ctx: Ctx, headers: HeaderMap, Path(id): Path<i64>) -> WebResult<Response> {
    let place = {
        let mut conn = ctx.state.pool.get().await?;
        crate::db::models::place::Place::by_id(&mut conn, id).await?.ok_or(WebError::NotFound)?
    };
    if crate::apub::wants_activity_json(&headers) {
        return Ok(crate::apub::http::activity_json(events::wire::place_document(&ctx.state, &place)));
    }
    let filter = Filter { place: Some(place.id), ..Default::default() };
    let views = events::upcoming(&ctx.state, filter, events::AGENDA_MAX).await?;
    let template = view::PlacePage { ctx: &ctx, days: by_day(&ctx, &views), map: place.coordinates(), place };
    let mut response = page(StatusCode::OK, &template);
    response.headers_mut().insert(VARY, HeaderValue::from_static("Accept"));
    Ok(response)
}
