//! Events (activiteiten): making, changing, cancelling and deleting them, reading them for
//! pages, feeds and APIs, and who may do what with them. An event here is also an actor (kind
//! `event`, under `/e/NAME`) so that people can follow it; its organiser — a person, a group or
//! an organisation — announces it to their followers. Answers (RSVP) are in [`rsvp`], the wire
//! shapes in [`wire`], events from elsewhere in [`remote`].

pub mod calendar;
pub mod input;
pub mod reminders;
pub mod remote;
pub mod rsvp;
pub mod when;
pub mod wire;

use std::collections::HashMap;

use crate::db::models::actor::{Actor, ActorId, ActorKind};
use crate::db::models::event::{Event, EventStatus, Filter};
use crate::db::models::event_participant::{Participant, Rsvp};
use crate::db::models::group_profile::ContentVisibility;
use crate::db::models::local_name;
use crate::db::models::local_user::{Account, Role};
use crate::db::models::place::Place;
use crate::db::{DbConn, now};
use crate::domain::groups::rights::{self, Standing};
use crate::domain::validate::FieldErrors;
use crate::domain::{DomainError, DomainResult, actors, groups};
use crate::state::AppState;
pub use input::EventInput;

/// An event with what its pages show beside it.
#[derive(Debug, Clone)]
pub struct EventView {
    pub event: Event,
    pub organiser: Actor,
    /// The event's own actor (ours).
    pub actor: Option<Actor>,
    pub group: Option<Actor>,
    pub place: Option<Place>,
}

impl EventView {
    /// Its page: ours under `/e/NAME`, another server's where it lives.
    pub fn href(&self) -> String {
        match &self.actor {
            Some(a) if self.event.local => format!("/e/{}", a.name_key),
            _ => self.event.url.clone().unwrap_or_else(|| self.event.ap_id.clone()),
        }
    }
    pub fn is_over(&self) -> bool {
        self.event.over_at() < now()
    }
}

/// How many upcoming events an agenda shows at most.
pub const AGENDA_MAX: i64 = 200;

/// The views of `events`, in their order: organisers, groups, actors and places in one query each.
pub async fn views(conn: &mut DbConn, events: Vec<Event>) -> DomainResult<Vec<EventView>> {
    let mut ids: Vec<ActorId> = vec![];
    for e in &events {
        ids.extend([Some(e.organiser_id), e.group_id, e.actor_id].into_iter().flatten());
    }
    ids.sort_unstable_by_key(|a| a.0);
    ids.dedup();
    let actors: HashMap<ActorId, Actor> = Actor::by_ids(conn, &ids).await?.into_iter().map(|a| (a.id, a)).collect();
    let mut place_ids: Vec<i64> = events.iter().filter_map(|e| e.place_id).collect();
    place_ids.sort_unstable();
    place_ids.dedup();
    let places: HashMap<i64, Place> = Place::by_ids(conn, &place_ids).await?.into_iter().map(|p| (p.id, p)).collect();
    let mut out = Vec::with_capacity(events.len());
    for event in events {
        let Some(organiser) = actors.get(&event.organiser_id).cloned() else { continue };
        out.push(EventView {
            actor: event.actor_id.and_then(|a| actors.get(&a).cloned()),
            group: event.group_id.and_then(|g| actors.get(&g).cloned()),
            place: event.place_id.and_then(|p| places.get(&p).cloned()),
            organiser,
            event,
        });
    }
    Ok(out)
}

/// One event's view.
pub async fn view(conn: &mut DbConn, event: Event) -> DomainResult<EventView> {
    views(conn, vec![event]).await?.pop().ok_or(DomainError::NotFound)
}

/// One of our events by its actor's name; `None` when there is none (or it was deleted).
pub async fn local(conn: &mut DbConn, state: &AppState, name: &str) -> DomainResult<Option<EventView>> {
    let Some(actor) = actors::local_by_name(conn, &state.settings, name).await? else { return Ok(None) };
    if actor.kind() != ActorKind::Event {
        return Ok(None);
    }
    match Event::by_actor(conn, actor.id).await? {
        Some(e) => Ok(Some(view(conn, e).await?)),
        None => Ok(None),
    }
}

/// An event by its number, as the API names it.
pub async fn by_id(conn: &mut DbConn, id: i64) -> DomainResult<EventView> {
    let event = Event::by_id(conn, id).await?.ok_or(DomainError::NotFound)?;
    view(conn, event).await
}

/// Upcoming events of an agenda (the instance's with the default filter), soonest first.
pub async fn upcoming(state: &AppState, filter: Filter, limit: i64) -> DomainResult<Vec<EventView>> {
    let mut conn = state.pool.get().await?;
    let events = Event::upcoming(&mut conn, filter, now(), None, limit.clamp(1, AGENDA_MAX)).await?;
    views(&mut conn, events).await
}

/// Events that start in `[from, to)` (a month's view, a feed).
pub async fn between(
    state: &AppState,
    filter: Filter,
    from: chrono::NaiveDateTime,
    to: chrono::NaiveDateTime,
) -> DomainResult<Vec<EventView>> {
    let mut conn = state.pool.get().await?;
    let events = Event::between(&mut conn, filter, from, to, AGENDA_MAX * 3).await?;
    views(&mut conn, events).await
}

/// Whether `account` may change, cancel or delete the event and answer its requests: whoever
/// made it, the organiser, the group's moderators, the site's moderators.
pub async fn may_manage(conn: &mut DbConn, account: &Account, event: &Event) -> DomainResult<bool> {
    if !event.local {
        return Ok(false);
    }
    if account.user.role() >= Role::Moderator
        || event.created_by == Some(account.actor.id)
        || event.organiser_id == account.actor.id
    {
        return Ok(true);
    }
    match event.group_id {
        Some(group) => Ok(Standing::of(conn, group, Some(account)).await?.moderates()),
        None => Ok(false),
    }
}

/// An event the account may manage, or the reason it may not.
async fn managed(conn: &mut DbConn, account: &Account, id: i64) -> DomainResult<Event> {
    let event = Event::by_id(conn, id).await?.ok_or(DomainError::NotFound)?;
    if !may_manage(conn, account, &event).await? {
        return Err(DomainError::Forbidden);
    }
    Ok(event)
}

/// The group a new event belongs to, when `group_name` names one: its members who may post
/// there make its events. Events are public, so a group whose content only members see has none.
async fn organising_group(
    conn: &mut DbConn,
    state: &AppState,
    account: &Account,
    group_name: &str,
) -> DomainResult<Option<groups::Group>> {
    let name = group_name.trim();
    if name.is_empty() {
        return Ok(None);
    }
    let group = groups::local(conn, &state.settings, name).await?.ok_or(DomainError::NotFound)?;
    let standing = Standing::of(conn, group.actor.id, Some(account)).await?;
    if !rights::may_post(&group.profile, &standing) {
        return Err(DomainError::Forbidden);
    }
    if group.profile.content() != ContentVisibility::Public {
        return Err(DomainError::Invalid(FieldErrors::one("group", "error-event-group-private")));
    }
    Ok(Some(group))
}

/// The event actor's name: the title's letters and digits and a random tail.
fn event_name(title: &str) -> String {
    let mut slug = String::new();
    for c in title.chars().flat_map(char::to_lowercase) {
        let c = match c {
            'à' | 'á' | 'â' | 'ä' | 'å' => 'a',
            'è' | 'é' | 'ê' | 'ë' => 'e',
            'ì' | 'í' | 'î' | 'ï' => 'i',
            'ò' | 'ó' | 'ô' | 'ö' => 'o',
            'ù' | 'ú' | 'û' | 'ü' => 'u',
            c => c,
        };
        if c.is_ascii_alphanumeric() {
            slug.push(c);
        } else if !slug.ends_with('_') && !slug.is_empty() {
            slug.push('_');
        }
        if slug.len() >= 20 {
            break;
        }
    }
    let slug = slug.trim_end_matches('_');
    let tail = crate::util::tokens::random_code(5);
    if slug.is_empty() { format!("activiteit_{tail}") } else { format!("{slug}_{tail}") }
}

/// A resident makes an event: their own, or their group's (`group_name`).
pub async fn create(
    state: &AppState,
    account: &Account,
    group_name: &str,
    input: &EventInput,
) -> DomainResult<EventView> {
    let group = {
        let mut conn = state.pool.get().await?;
        organising_group(&mut conn, state, account, group_name).await?
    };
    let organiser = group.as_ref().map_or_else(|| account.actor.clone(), |g| g.actor.clone());
    let checked = input.check(
        &state.settings.instance.timezone,
        organiser.id,
        group.as_ref().map(|g| g.actor.id),
        Some(account.actor.id),
        0,
    )?;
    actors::prepare_keys(&state.pool, &organiser).await?;
    let name = event_name(&checked.form.title);
    let mut tx = state.pool.begin().await?;
    local_name::reserve(&mut tx, &name, "event").await?;
    let actor_form = actors::local_form(&state.settings, ActorKind::Event, &name, &checked.form.title);
    let actor = Actor::insert(&mut tx, &actor_form).await?;
    actors::queue_keys(&mut tx, actor.id).await?;
    let mut form = checked.form;
    if !checked.place.is_empty() {
        form.place_id = Some(Place::insert(&mut tx, &checked.place).await?.id);
    }
    form.url = Some(actor.ap_id.clone());
    let event = Event::insert(&mut tx, &actor.ap_id, Some(actor.id), true, &form, now()).await?;
    reminders::queue(&mut tx, &event).await?;
    let view = view(&mut tx, event).await?;
    wire::announce(&mut tx, state, &view, wire::Change::Create).await?;
    tx.commit().await?;
    crate::jobs::wake(state);
    state.delivery_wake.notify_waiters();
    tracing::info!(event = %view.event.ap_id, "event created");
    Ok(view)
}

/// The organiser changes an event: what changed is announced (`Update`) to the organiser's
/// followers and to everyone who answered it from elsewhere; participants here hear of a new
/// time, place or status.
pub async fn update(state: &AppState, account: &Account, id: i64, input: &EventInput) -> DomainResult<EventView> {
    let (old, going) = {
        let mut conn = state.pool.get().await?;
        let old = managed(&mut conn, account, id).await?;
        let going = Participant::count(&mut conn, id, Rsvp::Going).await?;
        (old, going)
    };
    let checked =
        input.check(&state.settings.instance.timezone, old.organiser_id, old.group_id, old.created_by, going)?;
    let organiser = {
        let mut conn = state.pool.get().await?;
        Actor::by_id(&mut conn, old.organiser_id).await?.ok_or(DomainError::NotFound)?
    };
    actors::prepare_keys(&state.pool, &organiser).await?;
    let mut tx = state.pool.begin().await?;
    let mut form = checked.form;
    form.url = old.url.clone();
    form.place_id = match (old.place_id, checked.place.is_empty()) {
        (Some(p), false) => Some(Place::update(&mut tx, p, &checked.place).await?.id),
        (None, false) => Some(Place::insert(&mut tx, &checked.place).await?.id),
        (_, true) => None,
    };
    let event = Event::update(&mut tx, id, &form).await?;
    if let (Some(p), None) = (old.place_id, event.place_id) {
        Place::delete(&mut tx, p).await?;
    }
    // More seats may let the waiting list in.
    let event = rsvp::fill_seats(&mut tx, state, event).await?;
    let view = view(&mut tx, event).await?;
    wire::announce(&mut tx, state, &view, wire::Change::Update).await?;
    let moved = old.starts_at != view.event.starts_at
        || old.ends_at != view.event.ends_at
        || old.place_id != view.event.place_id
        || old.online_url != view.event.online_url
        || old.status != view.event.status;
    if moved {
        rsvp::tell_participants(&mut tx, &view, "event_changed").await?;
    }
    if old.starts_at != view.event.starts_at {
        reminders::queue(&mut tx, &view.event).await?;
    }
    tx.commit().await?;
    crate::jobs::wake(state);
    state.delivery_wake.notify_waiters();
    Ok(view)
}

/// Cancels an event (it stays, marked cancelled, so that people see it will not happen).
pub async fn cancel(state: &AppState, account: &Account, id: i64) -> DomainResult<EventView> {
    let event = {
        let mut conn = state.pool.get().await?;
        managed(&mut conn, account, id).await?
    };
    if event.status() == EventStatus::Cancelled {
        return by_id(&mut state.pool.get().await?, id).await;
    }
    let mut tx = state.pool.begin().await?;
    Event::set_status(&mut tx, id, EventStatus::Cancelled, now()).await?;
    let event = Event::by_id(&mut tx, id).await?.ok_or(DomainError::NotFound)?;
    let view = view(&mut tx, event).await?;
    wire::announce(&mut tx, state, &view, wire::Change::Update).await?;
    rsvp::tell_participants(&mut tx, &view, "event_cancelled").await?;
    tx.commit().await?;
    state.delivery_wake.notify_waiters();
    Ok(view)
}

/// Deletes an event: a `Delete` with a `Tombstone` goes out, the answers go with it.
pub async fn delete(state: &AppState, account: &Account, id: i64) -> DomainResult<()> {
    let event = {
        let mut conn = state.pool.get().await?;
        managed(&mut conn, account, id).await?
    };
    let mut tx = state.pool.begin().await?;
    let view = view(&mut tx, event).await?;
    wire::announce(&mut tx, state, &view, wire::Change::Delete).await?;
    Event::delete(&mut tx, id).await?;
    if let Some(p) = view.event.place_id {
        Place::delete(&mut tx, p).await?;
    }
    if let Some(actor) = &view.actor {
        let gone = crate::db::models::actor::ActorUpdate {
            deleted: Some(true),
            updated_at: Some(now()),
            ..Default::default()
        };
        Actor::update(&mut tx, actor.id, &gone).await?;
    }
    tx.commit().await?;
    state.delivery_wake.notify_waiters();
    tracing::info!(event = %view.event.ap_id, "event deleted");
    Ok(())
}
