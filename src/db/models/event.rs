//! `event`: activities — ours (each also an actor of kind `event`) and those from elsewhere
//! (Mobilizon, Gancio, other Buurt instances), kept by their ActivityPub id.

use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use super::actor::ActorId;
use super::text_enum;
use crate::db::schema::{event, event_participant, follow, membership};
use crate::db::{DbConn, DbResult};
use crate::dispatch;

text_enum! {
    /// How people take part.
    pub enum JoinMode {
        /// Anyone answers; a seat is theirs while there are seats.
        Free = "free",
        /// The organiser accepts each participant.
        Approval = "approval",
        /// Signing up happens elsewhere (`external_url`).
        External = "external",
        /// No signing up: just come.
        None = "none",
    }
}

text_enum! {
    pub enum EventStatus {
        Confirmed = "confirmed",
        Tentative = "tentative",
        Cancelled = "cancelled",
    }
}

text_enum! {
    /// What a place offers people with a disability, as the event states it.
    pub enum Access {
        Wheelchair = "wheelchair",
        HearingLoop = "hearing_loop",
        SignLanguage = "sign_language",
        AccessibleToilet = "accessible_toilet",
        Quiet = "quiet",
        Seating = "seating",
    }
}

text_enum! {
    pub enum Category {
        Meeting = "meeting",
        Social = "social",
        Culture = "culture",
        Sports = "sports",
        Nature = "nature",
        Learning = "learning",
        Children = "children",
        Care = "care",
        Market = "market",
        Volunteering = "volunteering",
        Participation = "participation",
        Other = "other",
    }
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable)]
#[diesel(table_name = event)]
pub struct Event {
    pub id: i64,
    pub ap_id: String,
    pub actor_id: Option<ActorId>,
    pub local: bool,
    pub url: Option<String>,
    pub organiser_id: ActorId,
    pub group_id: Option<ActorId>,
    pub created_by: Option<ActorId>,
    pub title: String,
    pub content: String,
    pub source: String,
    pub starts_at: chrono::NaiveDateTime,
    pub ends_at: Option<chrono::NaiveDateTime>,
    pub timezone: String,
    pub all_day: bool,
    pub place_id: Option<i64>,
    pub online_url: Option<String>,
    pub category: String,
    pub image_url: Option<String>,
    pub image_alt: String,
    pub capacity: Option<i64>,
    pub join_mode: String,
    pub external_url: Option<String>,
    pub status: String,
    pub accessibility: String,
    pub accessibility_note: String,
    pub price: String,
    pub guests_allowed: bool,
    pub participant_count: i64,
    pub published: chrono::NaiveDateTime,
    pub updated_at: chrono::NaiveDateTime,
}

impl Event {
    /// Unknown text reads as no signing up.
    pub fn join_mode(&self) -> JoinMode {
        JoinMode::parse(&self.join_mode).unwrap_or(JoinMode::None)
    }
    pub fn status(&self) -> EventStatus {
        EventStatus::parse(&self.status).unwrap_or(EventStatus::Confirmed)
    }
    pub fn category(&self) -> Category {
        Category::parse(&self.category).unwrap_or(Category::Other)
    }
    pub fn access(&self) -> Vec<Access> {
        self.accessibility.split(',').filter_map(Access::parse).collect()
    }
    /// When it is over: its end, or its start when it has none; an all-day event lasts to the
    /// end of its last day.
    pub fn over_at(&self) -> chrono::NaiveDateTime {
        let last = self.ends_at.unwrap_or(self.starts_at);
        if self.all_day { last + chrono::Duration::days(1) } else { last }
    }
    /// Seats left; `None` when unlimited.
    pub fn seats_left(&self) -> Option<i64> {
        self.capacity.map(|c| (c - self.participant_count).max(0))
    }
}

/// The values of an event, as written here or as another server sent them.
#[derive(Debug, Clone, PartialEq, Insertable, AsChangeset)]
#[diesel(table_name = event, treat_none_as_null = true)]
pub struct EventForm {
    pub url: Option<String>,
    pub organiser_id: ActorId,
    pub group_id: Option<ActorId>,
    pub created_by: Option<ActorId>,
    pub title: String,
    pub content: String,
    pub source: String,
    pub starts_at: chrono::NaiveDateTime,
    pub ends_at: Option<chrono::NaiveDateTime>,
    pub timezone: String,
    pub all_day: bool,
    pub place_id: Option<i64>,
    pub online_url: Option<String>,
    pub category: String,
    pub image_url: Option<String>,
    pub image_alt: String,
    pub capacity: Option<i64>,
    pub join_mode: String,
    pub external_url: Option<String>,
    pub status: String,
    pub accessibility: String,
    pub accessibility_note: String,
    pub price: String,
    pub guests_allowed: bool,
    pub updated_at: chrono::NaiveDateTime,
}

/// Which events a list holds.
#[derive(Debug, Clone, Copy, Default)]
pub struct Filter {
    pub organiser: Option<ActorId>,
    pub group: Option<ActorId>,
    pub place: Option<i64>,
    /// Only events here.
    pub local_only: bool,
    /// A person's own agenda: events they answered (not "not going"), of groups they belong to
    /// and of organisers they follow.
    pub mine: Option<ActorId>,
}

/// The events of `$me`'s own agenda, as a condition: answered (going, maybe, in line, waiting
/// for approval), of a group they belong to, or of an organiser they follow.
macro_rules! mine {
    ($me:expr) => {
        event::id
            .eq_any(
                event_participant::table
                    .filter(event_participant::actor_id.eq($me))
                    .filter(event_participant::state.eq_any(["going", "maybe", "waiting", "pending"]))
                    .select(event_participant::event_id),
            )
            .or(event::group_id.eq_any(
                membership::table
                    .filter(membership::member_id.eq($me))
                    .filter(membership::state.eq("accepted"))
                    .select(membership::group_id.nullable()),
            ))
            .or(event::organiser_id.eq_any(
                follow::table
                    .filter(follow::follower_id.eq($me))
                    .filter(follow::accepted.eq(true))
                    .select(follow::target_id),
            ))
    };
}

impl Event {
    /// A new event; `actor_id` for ours.
    pub async fn insert(
        conn: &mut DbConn,
        ap_id: &str,
        actor_id: Option<ActorId>,
        local: bool,
        form: &EventForm,
        published: chrono::NaiveDateTime,
    ) -> DbResult<Event> {
        let row = (
            event::ap_id.eq(ap_id),
            event::actor_id.eq(actor_id),
            event::local.eq(local),
            event::participant_count.eq(0_i64),
            event::published.eq(published),
            form,
        );
        dispatch!(conn, c => diesel::insert_into(event::table)
            .values(row)
            .returning(Event::as_returning())
            .get_result(c)
            .await)
        .map_err(Into::into)
    }

    pub async fn update(conn: &mut DbConn, id: i64, form: &EventForm) -> DbResult<Event> {
        dispatch!(conn, c => diesel::update(event::table.find(id))
            .set(form)
            .returning(Event::as_returning())
            .get_result(c)
            .await)
        .map_err(Into::into)
    }

    pub async fn set_status(
        conn: &mut DbConn,
        id: i64,
        status: EventStatus,
        at: chrono::NaiveDateTime,
    ) -> DbResult<()> {
        dispatch!(conn, c => diesel::update(event::table.find(id))
            .set((event::status.eq(status.as_str()), event::updated_at.eq(at)))
            .execute(c)
            .await)?;
        Ok(())
    }

    pub async fn set_participant_count(conn: &mut DbConn, id: i64, count: i64) -> DbResult<()> {
        dispatch!(conn, c => diesel::update(event::table.find(id))
            .set(event::participant_count.eq(count))
            .execute(c)
            .await)?;
        Ok(())
    }

    pub async fn delete(conn: &mut DbConn, id: i64) -> DbResult<()> {
        dispatch!(conn, c => diesel::delete(event::table.find(id)).execute(c).await)?;
        Ok(())
    }

    pub async fn by_id(conn: &mut DbConn, id: i64) -> DbResult<Option<Event>> {
        dispatch!(conn, c => event::table.find(id).select(Event::as_select()).first(c).await.optional())
            .map_err(Into::into)
    }

    pub async fn by_ap_id(conn: &mut DbConn, ap_id: &str) -> DbResult<Option<Event>> {
        dispatch!(conn, c => event::table
            .filter(event::ap_id.eq(ap_id))
            .select(Event::as_select())
            .first(c)
            .await
            .optional())
        .map_err(Into::into)
    }

    pub async fn by_actor(conn: &mut DbConn, actor: ActorId) -> DbResult<Option<Event>> {
        dispatch!(conn, c => event::table
            .filter(event::actor_id.eq(actor))
            .select(Event::as_select())
            .first(c)
            .await
            .optional())
        .map_err(Into::into)
    }

    /// The row locked for the rest of the transaction (PostgreSQL `FOR UPDATE`; SQLite's
    /// writers take turns already), so answers to one event are counted one after another.
    pub async fn lock(conn: &mut DbConn, id: i64) -> DbResult<Option<Event>> {
        match conn {
            DbConn::Pg(c) => event::table
                .find(id)
                .select(Event::as_select())
                .for_update()
                .first(&mut ***c)
                .await
                .optional()
                .map_err(Into::into),
            DbConn::Sqlite(_) => Event::by_id(conn, id).await,
        }
    }

    /// Events that are not over by `after`, soonest first; `before` ends the window.
    pub async fn upcoming(
        conn: &mut DbConn,
        filter: Filter,
        after: chrono::NaiveDateTime,
        before: Option<chrono::NaiveDateTime>,
        limit: i64,
    ) -> DbResult<Vec<Event>> {
        // An event still running shows until it is over; the bound on the start lets the
        // index do the work (an event longer than a month shows from its start only).
        let earliest = after - chrono::Duration::days(31);
        let day_before = after - chrono::Duration::days(1);
        dispatch!(conn, c => {
            let mut q = event::table
                .filter(event::starts_at.ge(earliest))
                .filter(
                    event::ends_at
                        .ge(after)
                        .or(event::ends_at.is_null().and(event::starts_at.ge(after)))
                        // An all-day event lasts to the end of its last day.
                        .or(event::all_day.eq(true).and(event::ends_at.ge(day_before)))
                        .or(event::all_day.eq(true).and(event::ends_at.is_null()).and(event::starts_at.ge(day_before))),
                )
                .select(Event::as_select())
                .order((event::starts_at.asc(), event::id.asc()))
                .limit(limit)
                .into_boxed();
            if let Some(before) = before {
                q = q.filter(event::starts_at.lt(before));
            }
            if let Some(o) = filter.organiser {
                q = q.filter(event::organiser_id.eq(o));
            }
            if let Some(g) = filter.group {
                q = q.filter(event::group_id.eq(g));
            }
            if let Some(p) = filter.place {
                q = q.filter(event::place_id.eq(p));
            }
            if filter.local_only {
                q = q.filter(event::local.eq(true));
            }
            if let Some(me) = filter.mine {
                q = q.filter(mine!(me));
            }
            q.load(c).await
        })
        .map_err(Into::into)
    }

    /// Events that start in `[from, to)`, for a month's view and a feed.
    pub async fn between(
        conn: &mut DbConn,
        filter: Filter,
        from: chrono::NaiveDateTime,
        to: chrono::NaiveDateTime,
        limit: i64,
    ) -> DbResult<Vec<Event>> {
        dispatch!(conn, c => {
            let mut q = event::table
                .filter(event::starts_at.ge(from))
                .filter(event::starts_at.lt(to))
                .select(Event::as_select())
                .order((event::starts_at.asc(), event::id.asc()))
                .limit(limit)
                .into_boxed();
            if let Some(o) = filter.organiser {
                q = q.filter(event::organiser_id.eq(o));
            }
            if let Some(g) = filter.group {
                q = q.filter(event::group_id.eq(g));
            }
            if let Some(p) = filter.place {
                q = q.filter(event::place_id.eq(p));
            }
            if let Some(me) = filter.mine {
                q = q.filter(mine!(me));
            }
            q.load(c).await
        })
        .map_err(Into::into)
    }

    /// Every event an actor organises, past and coming.
    pub async fn organised_by(conn: &mut DbConn, organiser: ActorId) -> DbResult<Vec<Event>> {
        dispatch!(conn, c => event::table
            .filter(event::organiser_id.eq(organiser))
            .order(event::id.asc())
            .select(Event::as_select())
            .load(c)
            .await)
        .map_err(Into::into)
    }

    pub async fn by_ids(conn: &mut DbConn, ids: &[i64]) -> DbResult<Vec<Event>> {
        if ids.is_empty() {
            return Ok(vec![]);
        }
        dispatch!(conn, c => event::table.filter(event::id.eq_any(ids)).select(Event::as_select()).load(c).await)
            .map_err(Into::into)
    }
}
