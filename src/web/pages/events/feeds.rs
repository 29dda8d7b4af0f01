//! Calendar feeds: the iCalendar (RFC 5545) file of an event ("add to calendar") and of each
//! agenda, written with the `icalendar` crate, and the agendas' Atom feeds (`atom_syndication`).
//! Each entry links back to the event's page.

use axum::extract::Path;
use axum::http::header::{CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use icalendar::{Calendar, Component, EventLike};

use crate::db::models::event::{EventStatus, Filter};
use crate::domain::events::{self, EventView, when};
use crate::web::context::Ctx;
use crate::web::error::{WebError, WebResult};

/// An absolute link to an event's page.
fn absolute(ctx: &Ctx, v: &EventView) -> String {
    let href = v.href();
    if href.starts_with('/') { format!("{}{href}", ctx.state.base_url) } else { href }
}

fn ics_event(ctx: &Ctx, v: &EventView) -> icalendar::Event {
    let e = &v.event;
    let mut ev = icalendar::Event::new();
    let url = absolute(ctx, v);
    let text = crate::util::html::plain_text(&e.content);
    ev.uid(&e.ap_id)
        .summary(&e.title)
        .url(&url)
        .timestamp(e.updated_at.and_utc())
        .add_property("LAST-MODIFIED", e.updated_at.and_utc().format("%Y%m%dT%H%M%SZ").to_string());
    if text.is_empty() {
        ev.description(&url);
    } else {
        ev.description(&format!("{text}\n\n{url}"));
    }
    if e.all_day {
        let first = when::local(e, e.starts_at).date_naive();
        let last = e.ends_at.map_or(first, |end| when::local(e, end).date_naive());
        ev.starts(first).ends(last.succ_opt().unwrap_or(last));
    } else {
        ev.starts(e.starts_at.and_utc());
        if let Some(end) = e.ends_at {
            ev.ends(end.and_utc());
        }
    }
    let place = when::place_line(e, v.place.as_ref());
    if !place.is_empty() {
        ev.location(&place);
    }
    ev.status(match e.status() {
        EventStatus::Confirmed => icalendar::EventStatus::Confirmed,
        EventStatus::Tentative => icalendar::EventStatus::Tentative,
        EventStatus::Cancelled => icalendar::EventStatus::Cancelled,
    });
    ev.done()
}

fn calendar_response(calendar: &Calendar, download: Option<&str>) -> Response {
    let mut response = (StatusCode::OK, calendar.to_string()).into_response();
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("text/calendar; charset=utf-8"));
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("public, max-age=300"));
    if let Some(file) = download
        && let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{file}.ics\""))
    {
        headers.insert(CONTENT_DISPOSITION, v);
    }
    // The same for every reader: nothing in it depends on who asks.
    crate::public_cache::shareable(response)
}

fn calendar_of(ctx: &Ctx, name: &str, views: &[EventView]) -> Calendar {
    let mut cal = Calendar::new();
    cal.name(name);
    for v in views {
        cal.push(ics_event(ctx, v));
    }
    cal.done()
}

/// `GET /e/{name}/agenda.ics`: one event, to add to a calendar.
pub async fn event_ics(ctx: Ctx, Path(name): Path<String>) -> WebResult<Response> {
    let view = super::local_event(&ctx, &name).await?;
    let name_key = view.actor.as_ref().map(|a| a.name_key.clone()).unwrap_or_default();
    let cal = calendar_of(&ctx, &view.event.title, std::slice::from_ref(&view));
    Ok(calendar_response(&cal, Some(&name_key)))
}

/// `GET /activiteiten.ics`: the instance's upcoming events.
pub async fn instance_ics(ctx: Ctx) -> WebResult<Response> {
    let views = events::upcoming(&ctx.state, Filter::default(), events::AGENDA_MAX).await?;
    let name = format!("{} · {}", ctx.t("event-agenda-title"), ctx.site_name());
    Ok(calendar_response(&calendar_of(&ctx, &name, &views), None))
}

async fn group_events(ctx: &Ctx, name: &str) -> WebResult<(String, Vec<EventView>)> {
    let group = {
        let mut conn = ctx.state.pool.get().await?;
        crate::domain::groups::local(&mut conn, &ctx.state.settings, name).await?.ok_or(WebError::NotFound)?
    };
    let filter = Filter { group: Some(group.actor.id), ..Default::default() };
    let views = events::upcoming(&ctx.state, filter, events::AGENDA_MAX).await?;
    Ok((ctx.t1("event-agenda-group-title", "group", group.actor.shown_name()), views))
}

/// `GET /g/{name}/activiteiten.ics`: a group's upcoming events.
pub async fn group_ics(ctx: Ctx, Path(name): Path<String>) -> WebResult<Response> {
    let (title, views) = group_events(&ctx, &name).await?;
    Ok(calendar_response(&calendar_of(&ctx, &title, &views), None))
}

fn atom(ctx: &Ctx, title: &str, self_path: &str, views: &[EventView]) -> Response {
    use atom_syndication::{ContentBuilder, EntryBuilder, FeedBuilder, FixedDateTime, LinkBuilder, Text};
    let fixed = |t: chrono::NaiveDateTime| -> FixedDateTime { t.and_utc().fixed_offset() };
    let updated = views.iter().map(|v| v.event.updated_at).max().unwrap_or_else(crate::db::now);
    let entries = views
        .iter()
        .map(|v| {
            let url = absolute(ctx, v);
            EntryBuilder::default()
                .title(Text::plain(v.event.title.clone()))
                .id(v.event.ap_id.clone())
                .updated(fixed(v.event.updated_at))
                .published(Some(fixed(v.event.published)))
                .link(LinkBuilder::default().href(url).rel("alternate").mime_type(Some("text/html".into())).build())
                .summary(Some(Text::plain(when::summary(ctx.lang, &v.event, v.place.as_ref()))))
                .content(Some(
                    ContentBuilder::default()
                        .value(Some(v.event.content.clone()))
                        .content_type(Some("html".into()))
                        .build(),
                ))
                .build()
        })
        .collect::<Vec<_>>();
    let base = &ctx.state.base_url;
    let feed = FeedBuilder::default()
        .title(Text::plain(title.to_string()))
        .id(format!("{base}{self_path}"))
        .updated(fixed(updated))
        .link(LinkBuilder::default().href(format!("{base}{self_path}")).rel("self").build())
        .link(
            LinkBuilder::default()
                .href(format!("{base}{}", self_path.trim_end_matches(".atom")))
                .rel("alternate")
                .mime_type(Some("text/html".into()))
                .build(),
        )
        .entries(entries)
        .build();
    let mut response = (StatusCode::OK, feed.to_string()).into_response();
    response.headers_mut().insert(CONTENT_TYPE, HeaderValue::from_static("application/atom+xml; charset=utf-8"));
    crate::public_cache::shareable(response)
}

/// `GET /activiteiten.atom`.
pub async fn instance_atom(ctx: Ctx) -> WebResult<Response> {
    let views = events::upcoming(&ctx.state, Filter::default(), 50).await?;
    let title = format!("{} · {}", ctx.t("event-agenda-title"), ctx.site_name());
    Ok(atom(&ctx, &title, "/activiteiten.atom", &views))
}

/// `GET /g/{name}/activiteiten.atom`.
pub async fn group_atom(ctx: Ctx, Path(name): Path<String>) -> WebResult<Response> {
    let (title, views) = group_events(&ctx, &name).await?;
    let path = format!("/g/{name}/activiteiten.atom");
    Ok(atom(&ctx, &title, &path, &views))
}

/// `GET /ical/{token}`: a resident's own agenda at its secret address; 404 for any other.
pub async fn personal_ics(ctx: Ctx, Path(token): Path<String>) -> WebResult<Response> {
    let token = token.trim_end_matches(".ics");
    let Some((account, views)) = events::calendar::by_feed(&ctx.state, token).await? else {
        return Err(WebError::NotFound);
    };
    let name = format!("{} · {}", account.actor.shown_name(), ctx.site_name());
    let mut response = calendar_response(&calendar_of(&ctx, &name, &views), None);
    // Personal: never shared between readers, never kept by caches on the way.
    response.extensions_mut().remove::<crate::public_cache::Shareable>();
    response.headers_mut().insert(CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
    Ok(response)
}
