//! Events from elsewhere: a `Create`, `Update` or `Delete` of an `Event` by the group or
//! person that organises it (Mobilizon, Gancio, another Buurt). An event is kept when someone
//! here follows its organiser (or is a member of its group), so it shows in their agendas; its
//! place is kept as a place of its own.

use crate::apub::protocol::{self, place::Address};
use crate::db::DbConn;
use crate::db::models::actor::Actor;
use crate::db::models::event::{Category, Event, EventForm, EventStatus, JoinMode};
use crate::db::models::follow::Follow;
use crate::db::models::membership::Membership;
use crate::db::models::place::{Place, PlaceForm};
use crate::db::now;
use crate::domain::DomainResult;
use crate::util::html;

/// Whether anyone here follows `organiser` (or belongs to it): only then is its event kept.
pub async fn concerns_someone_here(conn: &mut DbConn, organiser: &Actor) -> DomainResult<bool> {
    Ok(Follow::has_local_follower(conn, organiser.id).await?
        || Membership::has_local_member(conn, organiser.id).await?)
}

fn text(s: &Option<String>, max: usize) -> String {
    html::truncate(s.as_deref().unwrap_or_default().trim(), max)
}

/// The place of an event from elsewhere, as a place of ours.
fn place_form(event: &protocol::Event) -> PlaceForm {
    let Some(p) = event.place() else { return PlaceForm::default() };
    let coordinate = |v: &Option<protocol::values::NumberOrString>, max: f64| {
        v.as_ref().and_then(|v| v.text().trim().parse::<f64>().ok()).filter(|v| v.is_finite() && v.abs() <= max)
    };
    let (latitude, longitude) = match (coordinate(&p.latitude, 90.0), coordinate(&p.longitude, 180.0)) {
        (Some(a), Some(b)) => (Some(a), Some(b)),
        _ => (None, None),
    };
    let (street_address, postal_code, locality) = match &p.address {
        Some(Address::Postal(a)) => (a.street_address.clone(), a.postal_code.clone(), a.address_locality.clone()),
        Some(Address::Text(t)) => (t.clone(), String::new(), String::new()),
        None => Default::default(),
    };
    let cap = |s: String| html::truncate(s.trim(), 200);
    PlaceForm {
        name: cap(html::plain_text(p.name.as_deref().unwrap_or_default())),
        street_address: cap(html::plain_text(&street_address)),
        postal_code: html::truncate(postal_code.trim(), 20),
        locality: cap(html::plain_text(&locality)),
        latitude,
        longitude,
    }
}

/// The row of an event from elsewhere; `None` when it has no name or start.
pub fn form_of(event: &protocol::Event, organiser: &Actor) -> Option<EventForm> {
    let title = html::plain_text(event.name.as_deref()?.trim());
    let starts_at = event.start_time.as_ref()?.naive();
    if title.is_empty() {
        return None;
    }
    let ends_at = event.end_time.as_ref().map(protocol::Timestamp::naive).filter(|e| *e >= starts_at);
    let status = match (event.status.as_deref(), event.event_status.as_deref()) {
        (Some("CANCELLED"), _) | (_, Some("EventCancelled")) => EventStatus::Cancelled,
        (Some("TENTATIVE"), _) => EventStatus::Tentative,
        _ => EventStatus::Confirmed,
    };
    let join_mode = match event.join_mode.as_deref() {
        Some("free") | None => JoinMode::Free,
        Some("restricted" | "invite") => JoinMode::Approval,
        Some("external") => JoinMode::External,
        Some(_) => JoinMode::None,
    };
    let online_url = event
        .location
        .iter()
        .find(|p| p.kind == "VirtualLocation")
        .and_then(|p| p.url.as_ref())
        .and_then(protocol::Links::first_url);
    let timezone = event.timezone.as_deref().filter(|z| z.parse::<chrono_tz::Tz>().is_ok()).unwrap_or("UTC");
    let category =
        event.category.as_deref().and_then(|c| Category::parse(&c.to_ascii_lowercase())).unwrap_or(Category::Other);
    let banner = event.banner();
    let external_url = event.external_participation_url.as_deref().and_then(|u| url::Url::parse(u).ok());
    let external_url = external_url.filter(|u| matches!(u.scheme(), "https" | "http")).map(String::from);
    Some(EventForm {
        url: event.url.as_ref().and_then(protocol::Links::first_url),
        organiser_id: organiser.id,
        group_id: organiser.kind().is_group().then_some(organiser.id),
        created_by: None,
        title: html::truncate(&title, 200),
        content: html::sanitize(event.content.as_deref().unwrap_or_default()),
        source: String::new(),
        starts_at,
        ends_at,
        timezone: timezone.to_string(),
        all_day: false,
        place_id: None,
        online_url,
        category: category.as_str().into(),
        image_url: banner.and_then(|b| b.url.as_ref().or(b.href.as_ref())).and_then(protocol::Links::first_url),
        image_alt: text(&banner.and_then(|b| b.name.clone()), 500),
        capacity: event.maximum_attendee_capacity.filter(|c| *c > 0).map(|c| c.min(i64::MAX as u64) as i64),
        join_mode: join_mode.as_str().into(),
        external_url,
        status: status.as_str().into(),
        accessibility: String::new(),
        accessibility_note: String::new(),
        price: String::new(),
        guests_allowed: false,
        updated_at: now(),
    })
}

/// Stores (or, when known, updates) an event `organiser` sent; returns it.
pub async fn received(conn: &mut DbConn, organiser: &Actor, event: &protocol::Event) -> DomainResult<Option<Event>> {
    // Events here are public: one addressed only to followers or members is not kept (a
    // public or unlisted one names the public collection in `to` or `cc`).
    let public = event.to.iter().chain(event.cc.iter()).any(|a| protocol::is_public(a.as_str()));
    if !public {
        tracing::debug!(event = %event.id, "event not addressed to the public; not kept");
        return Ok(None);
    }
    let Some(mut form) = form_of(event, organiser) else {
        tracing::debug!(event = %event.id, "event without a name or start; ignored");
        return Ok(None);
    };
    let place = place_form(event);
    let existing = Event::by_ap_id(conn, &event.id).await?;
    if let Some(old) = &existing
        && (old.local || old.organiser_id != organiser.id)
    {
        tracing::debug!(event = %event.id, "event of someone else; ignored");
        return Ok(None);
    }
    let old_place = existing.as_ref().and_then(|e| e.place_id);
    form.place_id = match (old_place, place.is_empty()) {
        (Some(p), false) => Some(Place::update(conn, p, &place).await?.id),
        (None, false) => Some(Place::insert(conn, &place).await?.id),
        (_, true) => None,
    };
    let stored = match existing {
        Some(old) => {
            let e = Event::update(conn, old.id, &form).await?;
            if let (Some(p), None) = (old_place, e.place_id) {
                Place::delete(conn, p).await?;
            }
            e
        }
        None => {
            let published = event.published.as_ref().map_or_else(now, protocol::Timestamp::naive);
            Event::insert(conn, &event.id, None, false, &form, published).await?
        }
    };
    if let Some(count) = event.participant_count {
        Event::set_participant_count(conn, stored.id, count.min(i64::MAX as u64) as i64).await?;
    }
    Ok(Some(stored))
}

/// `organiser` deleted one of its events: gone here too. Returns whether there was one.
pub async fn deleted(conn: &mut DbConn, organiser: &Actor, ap_id: &str) -> DomainResult<bool> {
    let Some(event) = Event::by_ap_id(conn, ap_id).await? else { return Ok(false) };
    if event.local || event.organiser_id != organiser.id {
        return Ok(false);
    }
    Event::delete(conn, event.id).await?;
    if let Some(p) = event.place_id {
        Place::delete(conn, p).await?;
    }
    Ok(true)
}
