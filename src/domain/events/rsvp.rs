//! Answers to events (RSVP): going, maybe, not going, with a message. Seats are counted in the
//! transaction that takes one, with the event's row locked (PostgreSQL `FOR UPDATE`; SQLite's
//! writers take turns), so many answers at once never take more seats than there are; those who
//! come after the last seat wait in line and move up, in order, when someone leaves. Where the
//! organiser approves each participant, an answer waits for them. People elsewhere answer with
//! `Join`/`Leave` (Mobilizon's shape) and hear `Accept`/`Reject`; our residents' answers to
//! events elsewhere go out as `Join`/`Leave` and are matched on our Join's id.

use super::{EventView, view, wire};
use crate::db::models::actor::{Actor, ActorId};
use crate::db::models::event::{Event, EventStatus, JoinMode};
use crate::db::models::event_participant::{Participant, ParticipantInsert, Rsvp};
use crate::db::models::local_user::Account;
use crate::db::{DbConn, now};
use crate::domain::groups::rights::Standing;
use crate::domain::notifications::{self, Notice, kinds};
use crate::domain::validate::FieldErrors;
use crate::domain::{DomainError, DomainResult};
use crate::state::AppState;

pub const MESSAGE_MAX: usize = 500;

fn invalid(field: &'static str, key: &'static str) -> DomainError {
    DomainError::Invalid(FieldErrors::one(field, key))
}

/// Why nobody may answer the event now, if so.
fn closed(event: &Event) -> Option<&'static str> {
    if event.status() == EventStatus::Cancelled {
        Some("error-event-cancelled")
    } else if event.over_at() < now() {
        Some("error-event-over")
    } else if matches!(event.join_mode(), JoinMode::External | JoinMode::None) {
        Some("error-event-no-signup")
    } else {
        None
    }
}

/// What an answer of `choice` becomes, given the earlier one and the seats taken.
fn outcome(event: &Event, choice: Rsvp, earlier: Option<Rsvp>, going: i64) -> Rsvp {
    if choice != Rsvp::Going {
        return choice;
    }
    match earlier {
        // Already in, or already in line: stays where it is.
        Some(r @ (Rsvp::Going | Rsvp::Waiting | Rsvp::Pending)) => r,
        Some(Rsvp::Rejected) => Rsvp::Rejected,
        _ if event.join_mode() == JoinMode::Approval => Rsvp::Pending,
        _ if event.capacity.is_some_and(|c| going >= c) => Rsvp::Waiting,
        _ => Rsvp::Going,
    }
}

/// A resident answers an event (here or elsewhere); returns where they stand.
pub async fn answer(
    state: &AppState,
    account: &Account,
    event_id: i64,
    choice: &str,
    message: &str,
) -> DomainResult<Rsvp> {
    let choice = match Rsvp::parse(choice.trim()) {
        Some(c @ (Rsvp::Going | Rsvp::Maybe | Rsvp::NotGoing)) => c,
        _ => return Err(invalid("rsvp", "error-choice-invalid")),
    };
    let message = message.trim();
    if message.chars().count() > MESSAGE_MAX {
        return Err(invalid("message", "error-too-long"));
    }
    let view = {
        let mut conn = state.pool.get().await?;
        let event = Event::by_id(&mut conn, event_id).await?.ok_or(DomainError::NotFound)?;
        if let Some(group) = event.group_id
            && Standing::of(&mut conn, group, Some(account)).await?.is_banned()
        {
            return Err(DomainError::Forbidden);
        }
        view(&mut conn, event).await?
    };
    if choice != Rsvp::NotGoing
        && let Some(why) = closed(&view.event)
    {
        return Err(invalid("rsvp", why));
    }
    if !view.event.local {
        return answer_elsewhere(state, account, &view, choice, message).await;
    }
    let mut tx = state.pool.begin().await?;
    let event = Event::lock(&mut tx, event_id).await?.ok_or(DomainError::NotFound)?;
    let earlier = Participant::of(&mut tx, event_id, account.actor.id).await?;
    let going = Participant::count(&mut tx, event_id, Rsvp::Going).await?;
    let new = outcome(&event, choice, earlier.as_ref().map(Participant::rsvp), going);
    let t = now();
    match &earlier {
        Some(p) => Participant::set_state(&mut tx, p.id, new, Some(message), t).await?,
        None => {
            let row = ParticipantInsert::of_actor(event_id, account.actor.id, new, message, None);
            Participant::insert(&mut tx, &row).await?;
        }
    }
    if new == Rsvp::Pending && earlier.as_ref().map(Participant::rsvp) != Some(Rsvp::Pending) {
        tell_organiser(&mut tx, &view, account.actor.id).await?;
    }
    let freed = earlier.as_ref().is_some_and(|p| p.rsvp().holds_seat()) && !new.holds_seat();
    let event = if freed { fill_seats(&mut tx, state, event).await? } else { recount(&mut tx, event).await? };
    tx.commit().await?;
    state.delivery_wake.notify_waiters();
    tracing::debug!(event = %event.ap_id, rsvp = new.as_str(), "answered");
    Ok(new)
}

/// An answer to an event elsewhere: going is a `Join` that waits for the event's server; not
/// going after going is a `Leave`; maybe stays here.
async fn answer_elsewhere(
    state: &AppState,
    account: &Account,
    view: &EventView,
    choice: Rsvp,
    message: &str,
) -> DomainResult<Rsvp> {
    crate::domain::actors::prepare_keys(&state.pool, &account.actor).await?;
    let event_id = view.event.id;
    let organiser = view.group.as_ref().unwrap_or(&view.organiser);
    let mut tx = state.pool.begin().await?;
    let earlier = Participant::of(&mut tx, event_id, account.actor.id).await?;
    let was_in = earlier.as_ref().is_some_and(|p| matches!(p.rsvp(), Rsvp::Going | Rsvp::Pending | Rsvp::Waiting));
    let t = now();
    let new = match choice {
        Rsvp::Going if was_in => earlier.as_ref().map_or(Rsvp::Pending, Participant::rsvp),
        Rsvp::Going => Rsvp::Pending,
        other => other,
    };
    let participant = match &earlier {
        Some(p) => {
            Participant::set_state(&mut tx, p.id, new, Some(message), t).await?;
            p.clone()
        }
        None => {
            let row = ParticipantInsert::of_actor(event_id, account.actor.id, new, message, None);
            Participant::insert(&mut tx, &row).await?
        }
    };
    if choice == Rsvp::Going && !was_in {
        let join_id = format!("{}/participations/{}", state.base_url, crate::util::tokens::random_token(12));
        Participant::set_ap_id(&mut tx, participant.id, &join_id).await?;
        wire::join_remote(&mut tx, &account.actor, organiser, &view.event.ap_id, &join_id).await?;
    } else if choice != Rsvp::Going && was_in {
        wire::leave_remote(&mut tx, state, &account.actor, organiser, &view.event.ap_id).await?;
    }
    tx.commit().await?;
    state.delivery_wake.notify_waiters();
    Ok(new)
}

/// Sets the event's count of those going to what the table says.
async fn recount(conn: &mut DbConn, event: Event) -> DomainResult<Event> {
    let going = Participant::count(conn, event.id, Rsvp::Going).await?;
    if going != event.participant_count {
        Event::set_participant_count(conn, event.id, going).await?;
    }
    Ok(Event { participant_count: going, ..event })
}

/// Lets people in from the waiting list, first come first, while there are seats: a resident
/// here is told, a person elsewhere gets the `Accept` of their Join.
pub async fn fill_seats(conn: &mut DbConn, state: &AppState, event: Event) -> DomainResult<Event> {
    let mut going = Participant::count(conn, event.id, Rsvp::Going).await?;
    let mut view_for_answers: Option<EventView> = None;
    while event.capacity.is_none_or(|c| going < c) {
        let Some(next) = Participant::first_waiting(conn, event.id).await? else { break };
        Participant::set_state(conn, next.id, Rsvp::Going, None, now()).await?;
        going += 1;
        let Some(who) = next.actor_id else { continue };
        let Some(person) = Actor::by_id(conn, who).await? else { continue };
        if person.local {
            let notice =
                Notice { subject: Some(event.ap_id.clone()), ..Notice::new(&kinds::EVENT_ACCEPTED, who, None) };
            notifications::notify(conn, notice).await?;
        } else if let Some(join) = &next.ap_id {
            if view_for_answers.is_none() {
                view_for_answers = Some(view(conn, event.clone()).await?);
            }
            if let Some(v) = &view_for_answers {
                wire::answer_join(conn, state, v, join, &person, true).await?;
            }
        }
    }
    recount(conn, event).await
}

/// Tells the one who made the event (or the organiser) that someone asks to take part.
async fn tell_organiser(conn: &mut DbConn, view: &EventView, from: ActorId) -> DomainResult<()> {
    let to = view.event.created_by.unwrap_or(view.organiser.id);
    let notice =
        Notice { subject: Some(view.event.ap_id.clone()), ..Notice::new(&kinds::EVENT_REQUEST, to, Some(from)) };
    notifications::notify(conn, notice).await?;
    Ok(())
}

/// Tells every resident here who answered (going, maybe, in line, waiting for approval) of a
/// change (`event_changed`) or a cancellation (`event_cancelled`).
pub async fn tell_participants(conn: &mut DbConn, view: &EventView, kind: &str) -> DomainResult<()> {
    let kind = if kind == "event_cancelled" { &kinds::EVENT_CANCELLED } else { &kinds::EVENT_CHANGED };
    let states = [Rsvp::Going, Rsvp::Maybe, Rsvp::Waiting, Rsvp::Pending];
    let from = view.event.created_by;
    for (_, actor) in Participant::list(conn, view.event.id, &states, 100_000).await? {
        let Some(actor) = actor.filter(|a| a.local) else { continue };
        let notice = Notice { subject: Some(view.event.ap_id.clone()), ..Notice::new(kind, actor.id, from) };
        notifications::notify(conn, notice).await?;
    }
    Ok(())
}

/// The organiser accepts or declines someone who asked to take part (approval events).
pub async fn decide(
    state: &AppState,
    account: &Account,
    event_id: i64,
    participant: i64,
    accept: bool,
) -> DomainResult<Rsvp> {
    {
        let mut conn = state.pool.get().await?;
        let event = Event::by_id(&mut conn, event_id).await?.ok_or(DomainError::NotFound)?;
        if !super::may_manage(&mut conn, account, &event).await? {
            return Err(DomainError::Forbidden);
        }
    }
    let mut tx = state.pool.begin().await?;
    let event = Event::lock(&mut tx, event_id).await?.ok_or(DomainError::NotFound)?;
    let p = Participant::by_id(&mut tx, participant)
        .await?
        .filter(|p| p.event_id == event_id)
        .ok_or(DomainError::NotFound)?;
    if p.rsvp() != Rsvp::Pending {
        return Err(invalid("participant", "error-event-not-pending"));
    }
    let going = Participant::count(&mut tx, event_id, Rsvp::Going).await?;
    let new = match accept {
        false => Rsvp::Rejected,
        true if event.capacity.is_some_and(|c| going >= c) => Rsvp::Waiting,
        true => Rsvp::Going,
    };
    Participant::set_state(&mut tx, p.id, new, None, now()).await?;
    let event = recount(&mut tx, event).await?;
    if let Some(who) = p.actor_id
        && let Some(person) = Actor::by_id(&mut tx, who).await?
    {
        if person.local {
            if new == Rsvp::Going {
                let notice = Notice {
                    subject: Some(event.ap_id.clone()),
                    ..Notice::new(&kinds::EVENT_ACCEPTED, who, Some(account.actor.id))
                };
                notifications::notify(&mut tx, notice).await?;
            }
        } else if let Some(join) = &p.ap_id
            && new != Rsvp::Waiting
        {
            let v = view(&mut tx, event).await?;
            wire::answer_join(&mut tx, state, &v, join, &person, new == Rsvp::Going).await?;
        }
    }
    tx.commit().await?;
    state.delivery_wake.notify_waiters();
    Ok(new)
}

/// A person elsewhere asks to take part (`Join` of one of our events): accepted at once while
/// there are seats, in line when full, waiting for the organiser where they approve; refused
/// (`Reject`) when the event is cancelled or over or the group banned them; `Ignore`d where
/// nobody signs up here.
pub async fn remote_join(
    state: &AppState,
    conn: &mut DbConn,
    actor: &Actor,
    join_id: &str,
    event_id: i64,
) -> DomainResult<()> {
    let event = Event::lock(conn, event_id).await?.ok_or(DomainError::NotFound)?;
    let view = view(conn, event.clone()).await?;
    let banned = match event.group_id {
        Some(g) => Standing::of_actor(conn, g, actor.id, None).await?.is_banned(),
        None => false,
    };
    let refusal = if banned { Some("banned") } else { closed(&event) };
    if let Some(why) = refusal {
        if why == "error-event-no-signup" {
            let sender = view.group.as_ref().unwrap_or(&view.organiser);
            let sender = crate::domain::actors::ensure_keys(conn, sender.clone()).await?;
            let id = crate::domain::outbox::new_activity_id(&state.base_url, "ignore");
            let join = crate::apub::protocol::Activity::new(
                join_id,
                crate::apub::protocol::ActivityKind::Join,
                actor.ap_id.clone(),
                crate::apub::protocol::Id(event.ap_id.clone()),
            );
            let ignore = crate::apub::protocol::Activity::new(
                id,
                crate::apub::protocol::ActivityKind::Other("Ignore".into()),
                sender.ap_id.clone(),
                join,
            )
            .to(crate::apub::protocol::Addresses::list([actor.ap_id.clone()]));
            return crate::domain::outbox::enqueue(conn, &sender, &ignore, false, &[actor.id]).await;
        }
        return wire::answer_join(conn, state, &view, join_id, actor, false).await;
    }
    let earlier = Participant::of(conn, event.id, actor.id).await?;
    let going = Participant::count(conn, event.id, Rsvp::Going).await?;
    let new = outcome(&event, Rsvp::Going, earlier.as_ref().map(Participant::rsvp), going);
    let t = now();
    match &earlier {
        Some(p) => {
            Participant::set_state(conn, p.id, new, None, t).await?;
            Participant::set_ap_id(conn, p.id, join_id).await?;
        }
        None => {
            let row = ParticipantInsert::of_actor(event.id, actor.id, new, "", Some(join_id));
            Participant::insert(conn, &row).await?;
        }
    }
    match new {
        Rsvp::Going => wire::answer_join(conn, state, &view, join_id, actor, true).await?,
        Rsvp::Rejected => wire::answer_join(conn, state, &view, join_id, actor, false).await?,
        Rsvp::Pending => tell_organiser(conn, &view, actor.id).await?,
        _ => {}
    }
    recount(conn, event).await?;
    Ok(())
}

/// A person elsewhere no longer goes (`Leave`, or `Undo` of their Join): their seat goes to
/// the first in line.
pub async fn remote_leave(state: &AppState, conn: &mut DbConn, actor: &Actor, event_id: i64) -> DomainResult<()> {
    let event = Event::lock(conn, event_id).await?.ok_or(DomainError::NotFound)?;
    let Some(p) = Participant::of(conn, event.id, actor.id).await? else { return Ok(()) };
    let had_seat = p.rsvp().holds_seat();
    Participant::set_state(conn, p.id, Rsvp::NotGoing, None, now()).await?;
    if had_seat {
        fill_seats(conn, state, event).await?;
    }
    Ok(())
}

/// An event elsewhere answered our resident's Join (matched on its id): going, or not.
/// Returns false when no Join of ours has that id.
pub async fn remote_answer(conn: &mut DbConn, join_id: &str, accept: bool) -> DomainResult<bool> {
    let Some(p) = Participant::by_ap_id(conn, join_id).await? else { return Ok(false) };
    let Some(event) = Event::by_id(conn, p.event_id).await? else { return Ok(false) };
    if event.local {
        return Ok(false);
    }
    let new = if accept { Rsvp::Going } else { Rsvp::Rejected };
    Participant::set_state(conn, p.id, new, None, now()).await?;
    Ok(true)
}

/// An event's answers for its organiser: going, maybe, in line, waiting for approval.
pub async fn participants(
    state: &AppState,
    account: &Account,
    event_id: i64,
) -> DomainResult<Vec<(Participant, Option<Actor>)>> {
    let mut conn = state.pool.get().await?;
    let event = Event::by_id(&mut conn, event_id).await?.ok_or(DomainError::NotFound)?;
    if !super::may_manage(&mut conn, account, &event).await? {
        return Err(DomainError::Forbidden);
    }
    let states = [Rsvp::Going, Rsvp::Pending, Rsvp::Waiting, Rsvp::Maybe, Rsvp::NotGoing, Rsvp::Rejected];
    Ok(Participant::list(&mut conn, event_id, &states, 10_000).await?)
}

/// A resident's own answer to an event, if any.
pub async fn mine(conn: &mut DbConn, account: &Account, event_id: i64) -> DomainResult<Option<Participant>> {
    Ok(Participant::of(conn, event_id, account.actor.id).await?)
}

/// A person's account goes: their answers go with it, and the seats they held go to the first
/// in line (in the caller's transaction). With `remove`, the events they organised themselves go
/// too (a group's events stay with the group).
pub async fn forget_person(conn: &mut DbConn, state: &AppState, person: ActorId, remove: bool) -> DomainResult<()> {
    let states =
        [Rsvp::Going, Rsvp::Maybe, Rsvp::NotGoing, Rsvp::Waiting, Rsvp::Pending, Rsvp::Rejected, Rsvp::Unconfirmed];
    for event_id in Participant::events_of(conn, person, &states).await? {
        let Some(event) = Event::lock(conn, event_id).await? else { continue };
        if let Some(p) = Participant::of(conn, event_id, person).await? {
            Participant::delete(conn, p.id).await?;
            if event.local && p.rsvp().holds_seat() {
                fill_seats(conn, state, event).await?;
            }
        }
    }
    if remove {
        for event in Event::organised_by(conn, person).await? {
            if event.group_id.is_none() && event.local {
                Event::delete(conn, event.id).await?;
                if let Some(p) = event.place_id {
                    crate::db::models::place::Place::delete(conn, p).await?;
                }
            }
        }
    }
    Ok(())
}

/// A person elsewhere favourited one of our events (Mastodon's `Like`): counted as "maybe",
/// unless they answered already. The Like's id is kept for its `Undo`.
pub async fn remote_interested(conn: &mut DbConn, actor: &Actor, like_id: &str, event_id: i64) -> DomainResult<()> {
    if Participant::of(conn, event_id, actor.id).await?.is_some() {
        return Ok(());
    }
    let row = ParticipantInsert::of_actor(event_id, actor.id, Rsvp::Maybe, "", Some(like_id));
    Participant::insert(conn, &row).await?;
    Ok(())
}

/// The `Undo` of such a Like: the "maybe" it made goes. Returns whether there was one.
pub async fn remote_uninterested(conn: &mut DbConn, actor: &Actor, like_id: &str) -> DomainResult<bool> {
    match Participant::by_ap_id(conn, like_id).await? {
        Some(p) if p.actor_id == Some(actor.id) && p.rsvp() == Rsvp::Maybe => {
            Participant::delete(conn, p.id).await?;
            Ok(true)
        }
        _ => Ok(false),
    }
}
