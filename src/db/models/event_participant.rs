//! `event_participant`: who answered an event — residents here, people elsewhere (their
//! `Join`), guests without an account — and our residents' answers to events elsewhere.

use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use super::actor::{Actor, ActorId};
use super::text_enum;
use crate::db::schema::{actor, event_participant};
use crate::db::{DbConn, DbResult};
use crate::dispatch;

text_enum! {
    pub enum Rsvp {
        Going = "going",
        Maybe = "maybe",
        NotGoing = "not_going",
        /// Going when a seat frees; first come, first served.
        Waiting = "waiting",
        /// Waits for the organiser (approval), or for the event's server to accept our Join.
        Pending = "pending",
        /// The organiser said no.
        Rejected = "rejected",
        /// A guest who has not confirmed their e-mail address yet.
        Unconfirmed = "unconfirmed",
    }
}

impl Rsvp {
    /// Takes a seat.
    pub fn holds_seat(self) -> bool {
        self == Rsvp::Going
    }
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable)]
#[diesel(table_name = event_participant)]
pub struct Participant {
    pub id: i64,
    pub event_id: i64,
    pub actor_id: Option<ActorId>,
    pub guest_name: Option<String>,
    pub guest_email: Option<String>,
    pub state: String,
    pub message: String,
    pub ap_id: Option<String>,
    pub assisted_by: Option<ActorId>,
    pub created_at: chrono::NaiveDateTime,
    pub updated_at: chrono::NaiveDateTime,
}

impl Participant {
    pub fn rsvp(&self) -> Rsvp {
        Rsvp::parse(&self.state).unwrap_or(Rsvp::Pending)
    }
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = event_participant)]
pub struct ParticipantInsert<'a> {
    pub event_id: i64,
    pub actor_id: Option<ActorId>,
    pub guest_name: Option<&'a str>,
    pub guest_email: Option<&'a str>,
    pub state: &'a str,
    pub message: &'a str,
    pub ap_id: Option<&'a str>,
    pub assisted_by: Option<ActorId>,
    pub created_at: chrono::NaiveDateTime,
    pub updated_at: chrono::NaiveDateTime,
}

impl<'a> ParticipantInsert<'a> {
    /// An answer of an actor (here or elsewhere), made now; `ap_id` its Join's (or Like's) id.
    pub fn of_actor(event_id: i64, actor: ActorId, state: Rsvp, message: &'a str, ap_id: Option<&'a str>) -> Self {
        let t = crate::db::now();
        ParticipantInsert {
            event_id,
            actor_id: Some(actor),
            guest_name: None,
            guest_email: None,
            state: state.as_str(),
            message,
            ap_id,
            assisted_by: None,
            created_at: t,
            updated_at: t,
        }
    }
}

impl Participant {
    pub async fn insert(conn: &mut DbConn, row: &ParticipantInsert<'_>) -> DbResult<Participant> {
        dispatch!(conn, c => diesel::insert_into(event_participant::table)
            .values(row)
            .returning(Participant::as_returning())
            .get_result(c)
            .await)
        .map_err(Into::into)
    }

    pub async fn set_state(
        conn: &mut DbConn,
        id: i64,
        state: Rsvp,
        message: Option<&str>,
        at: chrono::NaiveDateTime,
    ) -> DbResult<()> {
        dispatch!(conn, c => {
            let q = diesel::update(event_participant::table.find(id));
            match message {
                Some(m) => q
                    .set((event_participant::state.eq(state.as_str()), event_participant::message.eq(m), event_participant::updated_at.eq(at)))
                    .execute(c)
                    .await,
                None => q
                    .set((event_participant::state.eq(state.as_str()), event_participant::updated_at.eq(at)))
                    .execute(c)
                    .await,
            }
        })?;
        Ok(())
    }

    pub async fn set_ap_id(conn: &mut DbConn, id: i64, ap_id: &str) -> DbResult<()> {
        dispatch!(conn, c => diesel::update(event_participant::table.find(id))
            .set(event_participant::ap_id.eq(ap_id))
            .execute(c)
            .await)?;
        Ok(())
    }

    pub async fn delete(conn: &mut DbConn, id: i64) -> DbResult<()> {
        dispatch!(conn, c => diesel::delete(event_participant::table.find(id)).execute(c).await)?;
        Ok(())
    }

    pub async fn by_id(conn: &mut DbConn, id: i64) -> DbResult<Option<Participant>> {
        dispatch!(conn, c => event_participant::table
            .find(id)
            .select(Participant::as_select())
            .first(c)
            .await
            .optional())
        .map_err(Into::into)
    }

    /// An actor's answer to an event.
    pub async fn of(conn: &mut DbConn, event: i64, actor: ActorId) -> DbResult<Option<Participant>> {
        dispatch!(conn, c => event_participant::table
            .filter(event_participant::event_id.eq(event))
            .filter(event_participant::actor_id.eq(actor))
            .select(Participant::as_select())
            .first(c)
            .await
            .optional())
        .map_err(Into::into)
    }

    pub async fn by_ap_id(conn: &mut DbConn, ap_id: &str) -> DbResult<Option<Participant>> {
        dispatch!(conn, c => event_participant::table
            .filter(event_participant::ap_id.eq(ap_id))
            .select(Participant::as_select())
            .first(c)
            .await
            .optional())
        .map_err(Into::into)
    }

    /// How many answered an event so.
    pub async fn count(conn: &mut DbConn, event: i64, state: Rsvp) -> DbResult<i64> {
        dispatch!(conn, c => event_participant::table
            .filter(event_participant::event_id.eq(event))
            .filter(event_participant::state.eq(state.as_str()))
            .count()
            .get_result(c)
            .await)
        .map_err(Into::into)
    }

    /// The first on the waiting list.
    pub async fn first_waiting(conn: &mut DbConn, event: i64) -> DbResult<Option<Participant>> {
        dispatch!(conn, c => event_participant::table
            .filter(event_participant::event_id.eq(event))
            .filter(event_participant::state.eq(Rsvp::Waiting.as_str()))
            .order(event_participant::id.asc())
            .select(Participant::as_select())
            .first(c)
            .await
            .optional())
        .map_err(Into::into)
    }

    /// An event's answers in these states, first come first, with the actor when there is one.
    pub async fn list(
        conn: &mut DbConn,
        event: i64,
        states: &[Rsvp],
        limit: i64,
    ) -> DbResult<Vec<(Participant, Option<Actor>)>> {
        let states: Vec<&str> = states.iter().map(|s| s.as_str()).collect();
        dispatch!(conn, c => event_participant::table
            .left_join(actor::table.on(event_participant::actor_id.eq(actor::id.nullable())))
            .filter(event_participant::event_id.eq(event))
            .filter(event_participant::state.eq_any(&states))
            .order(event_participant::id.asc())
            .limit(limit)
            .select((Participant::as_select(), Option::<Actor>::as_select()))
            .load(c)
            .await)
        .map_err(Into::into)
    }

    /// The events an actor answered in these states (ids).
    pub async fn events_of(conn: &mut DbConn, who: ActorId, states: &[Rsvp]) -> DbResult<Vec<i64>> {
        let states: Vec<&str> = states.iter().map(|s| s.as_str()).collect();
        dispatch!(conn, c => event_participant::table
            .filter(event_participant::actor_id.eq(who))
            .filter(event_participant::state.eq_any(&states))
            .select(event_participant::event_id)
            .load(c)
            .await)
        .map_err(Into::into)
    }
}
