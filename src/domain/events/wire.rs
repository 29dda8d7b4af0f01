//! Events on the wire. Our event is an `Event` object in the union of the shapes Mobilizon,
//! FEP-8a8e and Gancio read (`../shared/reference/federation-shapes.md`, §8), and at the same
//! time an actor (inbox, outbox, followers, key). Its organiser announces it: `Create`,
//! `Update` and `Delete` (with a `Tombstone`) go to the organiser's followers and to everyone
//! elsewhere who answered it. A `Join` is answered by `Accept` or `Reject` that embed the Join
//! with its id, sent by the organiser (Mobilizon honours only the organiser or the group).

use serde_json::{Value, json};

use super::EventView;
use super::when;
use crate::apub::protocol::{self, Activity, ActivityKind, Addresses, Id};
use crate::db::DbConn;
use crate::db::models::actor::{Actor, ActorId};
use crate::db::models::event::{EventStatus, JoinMode};
use crate::db::models::event_participant::{Participant, Rsvp};
use crate::domain::DomainResult;
use crate::domain::outbox::{enqueue, new_activity_id};
use crate::i18n::Lang;
use crate::state::AppState;

/// What an announcement tells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Create,
    Update,
    Delete,
}

/// The language of what other servers show: the instance's first.
pub fn wire_lang(state: &AppState) -> Lang {
    state.settings.instance.languages.first().and_then(|l| Lang::parse(l)).unwrap_or(Lang::Nl)
}

fn rfc3339_local(view: &EventView, t: chrono::NaiveDateTime) -> String {
    when::local(&view.event, t).to_rfc3339_opts(chrono::SecondsFormat::Secs, false)
}

/// The id (and page) of a place here.
pub fn place_id(state: &AppState, place: i64) -> String {
    format!("{}/plekken/{place}", state.base_url)
}

/// A place here as a `Place` object (an event's `location`).
fn place_object(state: &AppState, p: &crate::db::models::place::Place) -> Value {
    let mut doc = json!({
        "type": "Place",
        "id": place_id(state, p.id),
        "name": if p.name.is_empty() { p.address_line() } else { p.name.clone() },
        "address": {
            "type": "PostalAddress",
            "streetAddress": p.street_address,
            "postalCode": p.postal_code,
            "addressLocality": p.locality,
        },
    });
    if let Some((lat, lon)) = p.coordinates() {
        doc["latitude"] = json!(lat);
        doc["longitude"] = json!(lon);
    }
    doc
}

/// A place here as the document at its id.
pub fn place_document(state: &AppState, p: &crate::db::models::place::Place) -> Value {
    let mut doc = place_object(state, p);
    doc["url"] = json!(place_id(state, p.id));
    doc["@context"] = protocol::context();
    doc
}

/// The `Event` object of one of our events.
pub fn object(state: &AppState, view: &EventView) -> Value {
    let e = &view.event;
    let lang = wire_lang(state);
    let attributed = view.group.as_ref().unwrap_or(&view.organiser);
    let mut location = vec![];
    if let Some(p) = &view.place {
        location.push(place_object(state, p));
    }
    if let Some(url) = &e.online_url {
        location.push(json!({"type": "VirtualLocation", "name": "online", "url": url}));
    }
    let status = match e.status() {
        EventStatus::Confirmed => ("CONFIRMED", "EventScheduled"),
        EventStatus::Tentative => ("TENTATIVE", "EventScheduled"),
        EventStatus::Cancelled => ("CANCELLED", "EventCancelled"),
    };
    let join_mode = match e.join_mode() {
        JoinMode::Free => "free",
        JoinMode::Approval => "restricted",
        JoinMode::External => "external",
        JoinMode::None => "none",
    };
    let mut followers = vec![];
    if let Some(f) = &attributed.followers_url {
        followers.push(f.clone());
    }
    let mut obj = json!({
        "type": "Event",
        "id": e.ap_id,
        "url": e.url.clone().unwrap_or_else(|| e.ap_id.clone()),
        "attributedTo": attributed.ap_id,
        "actor": view.organiser.ap_id,
        "to": [protocol::PUBLIC],
        "cc": followers,
        "name": e.title,
        "summary": when::summary(lang, e, view.place.as_ref()),
        "content": e.content,
        "mediaType": "text/html",
        "source": {"content": e.source, "mediaType": "text/markdown"},
        "inLanguage": if lang == Lang::Nl { "nl" } else { "en" },
        "published": protocol::Timestamp::from(e.published),
        "updated": protocol::Timestamp::from(e.updated_at),
        "startTime": rfc3339_local(view, e.starts_at),
        "timezone": e.timezone,
        "location": if location.len() == 1 { location[0].clone() } else { Value::Array(location) },
        "isOnline": e.online_url.is_some() && view.place.is_none(),
        "joinMode": join_mode,
        "externalParticipationUrl": e.external_url,
        "maximumAttendeeCapacity": e.capacity.unwrap_or(0),
        "participantCount": e.participant_count,
        "status": status.0,
        "ical:status": status.0,
        "eventStatus": status.1,
        "category": e.category().as_str().to_ascii_uppercase(),
        "commentsEnabled": false,
        "draft": false,
        "anonymousParticipationEnabled": e.guests_allowed,
    });
    if let Some(group) = &view.group {
        obj["audience"] = json!(group.ap_id);
    }
    if let Some(end) = e.ends_at {
        obj["endTime"] = json!(rfc3339_local(view, end));
    }
    if let Some(left) = e.seats_left() {
        obj["remainingAttendeeCapacity"] = json!(left);
    }
    if let Some(actor) = &view.actor {
        obj["attendees"] = json!({"type": "Collection", "id": format!("{}/attendees", actor.ap_id), "totalItems": e.participant_count});
    }
    if let Some(image) = &e.image_url {
        obj["attachment"] = json!([{
            "type": "Image", "mediaType": image_type(image), "url": image,
            "name": e.image_alt, "isBannerImage": true,
        }]);
    }
    obj
}

fn image_type(url: &str) -> &'static str {
    match url.rsplit('.').next().map(str::to_ascii_lowercase).as_deref() {
        Some("png") => "image/png",
        Some("webp") => "image/webp",
        Some("gif") => "image/gif",
        _ => "image/jpeg",
    }
}

/// The event's document at its id: the `Event` and, for our events, its actor's endpoints and key.
pub fn document(state: &AppState, view: &EventView) -> Value {
    let mut doc = object(state, view);
    if let Some(actor) = &view.actor {
        doc["preferredUsername"] = json!(actor.username);
        doc["inbox"] = json!(actor.inbox_url);
        doc["outbox"] = json!(actor.outbox_url);
        doc["followers"] = json!(actor.followers_url);
        doc["endpoints"] = json!({"sharedInbox": actor.shared_inbox_url});
        if let Some(key) = &actor.public_key {
            doc["publicKey"] =
                json!({"id": format!("{}#main-key", actor.ap_id), "owner": actor.ap_id, "publicKeyPem": key});
        }
    }
    doc["@context"] = protocol::context();
    doc
}

/// Remote actors who answered the event (they hear of its changes).
pub async fn remote_participants(conn: &mut DbConn, event: i64) -> DomainResult<Vec<ActorId>> {
    let states = [Rsvp::Going, Rsvp::Maybe, Rsvp::Waiting, Rsvp::Pending];
    let rows = Participant::list(conn, event, &states, 10_000).await?;
    Ok(rows.into_iter().filter_map(|(_, a)| a.filter(|a| !a.local)).map(|a| a.id).collect())
}

/// Announces a new, changed or deleted event from its organiser (in the caller's transaction).
pub async fn announce(conn: &mut DbConn, state: &AppState, view: &EventView, change: Change) -> DomainResult<()> {
    let sender = view.group.as_ref().unwrap_or(&view.organiser);
    if !sender.local {
        return Ok(());
    }
    let participants = remote_participants(conn, view.event.id).await?;
    let followers: Vec<String> = sender.followers_url.iter().cloned().collect();
    let (kind, object) = match change {
        Change::Create => (ActivityKind::Create, object(state, view)),
        Change::Update => (ActivityKind::Update, object(state, view)),
        Change::Delete => (
            ActivityKind::Delete,
            json!({"type": "Tombstone", "id": view.event.ap_id, "formerType": "Event", "deleted": protocol::Timestamp::from(crate::db::now())}),
        ),
    };
    let id = new_activity_id(&state.base_url, kind.as_str());
    let activity = Activity::new(id, kind, sender.ap_id.clone(), object)
        .to(Addresses::list([protocol::PUBLIC.to_string()]))
        .cc(Addresses::list(followers));
    enqueue(conn, sender, &activity, true, &participants).await
}

/// The organiser answers a Join from elsewhere: `Accept` or `Reject`, the Join embedded with its id.
pub async fn answer_join(
    conn: &mut DbConn,
    state: &AppState,
    view: &EventView,
    join_id: &str,
    participant: &Actor,
    accept: bool,
) -> DomainResult<()> {
    let sender = view.group.as_ref().unwrap_or(&view.organiser);
    let sender = crate::domain::actors::ensure_keys(conn, sender.clone()).await?;
    let kind = if accept { ActivityKind::Accept } else { ActivityKind::Reject };
    let join = Activity::new(join_id, ActivityKind::Join, participant.ap_id.clone(), Id(view.event.ap_id.clone()));
    let id = new_activity_id(&state.base_url, kind.as_str());
    let answer = Activity::new(id, kind, sender.ap_id.clone(), join).to(Addresses::list([participant.ap_id.clone()]));
    enqueue(conn, &sender, &answer, false, &[participant.id]).await
}

/// A resident here goes to an event elsewhere: a `Join` whose id the answer will name.
pub async fn join_remote(
    conn: &mut DbConn,
    person: &Actor,
    organiser: &Actor,
    event_ap_id: &str,
    join_id: &str,
) -> DomainResult<()> {
    let activity = Activity::new(join_id, ActivityKind::Join, person.ap_id.clone(), Id(event_ap_id.to_string()))
        .to(Addresses::list([organiser.ap_id.clone()]));
    enqueue(conn, person, &activity, false, &[organiser.id]).await
}

/// A resident here no longer goes to an event elsewhere.
pub async fn leave_remote(
    conn: &mut DbConn,
    state: &AppState,
    person: &Actor,
    organiser: &Actor,
    event_ap_id: &str,
) -> DomainResult<()> {
    let id = new_activity_id(&state.base_url, "leave");
    let activity = Activity::new(id, ActivityKind::Leave, person.ap_id.clone(), Id(event_ap_id.to_string()))
        .to(Addresses::list([organiser.ap_id.clone()]));
    enqueue(conn, person, &activity, false, &[organiser.id]).await
}
