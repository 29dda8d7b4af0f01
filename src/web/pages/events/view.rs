//! The events module's templates and the rows they show.

use askama::Template;

use crate::db::models::event::{EventStatus, JoinMode};
use crate::db::models::event_participant::Rsvp;
use crate::domain::events::{EventView, when};
use crate::web::context::Ctx;
use crate::web::form::Form;

/// An event as a list shows it.
pub struct EventCard {
    pub href: String,
    pub title: String,
    pub when: String,
    /// The start as a machine reads it (`<time datetime>`).
    pub datetime: String,
    pub place: String,
    pub organiser: String,
    pub cancelled: bool,
    /// "Vol" or "Nog 12 plaatsen", when seats are counted.
    pub seats: Option<String>,
    pub category: String,
}

impl EventCard {
    pub fn of(ctx: &Ctx, v: &EventView) -> EventCard {
        let e = &v.event;
        let seats = match (e.seats_left(), e.join_mode()) {
            (Some(0), JoinMode::Free | JoinMode::Approval) => Some(ctx.t("event-full")),
            (Some(n), JoinMode::Free | JoinMode::Approval) => Some(ctx.t_count("event-seats-left", n)),
            _ => None,
        };
        EventCard {
            href: v.href(),
            title: e.title.clone(),
            when: when::span(ctx.lang, e),
            datetime: when::local(e, e.starts_at).to_rfc3339(),
            place: when::place_line(e, v.place.as_ref()),
            organiser: v.group.as_ref().unwrap_or(&v.organiser).shown_name(),
            cancelled: e.status() == EventStatus::Cancelled,
            seats,
            category: ctx.t(&format!("event-category-{}", e.category().as_str())),
        }
    }
}

/// Events of one day, under its date.
pub struct Day {
    pub heading: String,
    pub events: Vec<EventCard>,
}

/// Groups cards by the day they start on (in each event's zone).
pub fn by_day(ctx: &Ctx, views: &[EventView]) -> Vec<Day> {
    let mut days: Vec<Day> = vec![];
    let mut last = None;
    for v in views {
        let date = when::local(&v.event, v.event.starts_at).date_naive();
        if last != Some(date) {
            days.push(Day { heading: when::day(ctx.lang, &date), events: vec![] });
            last = Some(date);
        }
        if let Some(day) = days.last_mut() {
            day.events.push(EventCard::of(ctx, v));
        }
    }
    days
}

#[derive(Template)]
#[template(path = "events/agenda.html")]
pub struct AgendaPage<'a> {
    pub ctx: &'a Ctx,
    pub title: String,
    pub intro: Option<String>,
    pub days: Vec<Day>,
    /// The agenda's iCalendar and Atom feeds.
    pub ical: String,
    pub atom: String,
    /// "Nieuwe activiteit" link, for whoever may make one here.
    pub new_href: Option<String>,
    /// The month view's links: (href, label, current).
    pub months: Vec<(String, String, bool)>,
    /// The other view: (href, label).
    pub switch: (String, String),
}

#[derive(Template)]
#[template(path = "events/home_section.html")]
pub struct EventsSection<'a> {
    pub ctx: &'a Ctx,
    pub events: Vec<EventCard>,
}

/// A row of the organiser's list of participants.
pub struct ParticipantRow {
    pub id: i64,
    pub name: String,
    pub href: Option<String>,
    pub state: String,
    pub pending: bool,
    pub message: String,
    pub assisted: bool,
}

#[derive(Template)]
#[template(path = "events/show.html")]
pub struct ShowPage<'a> {
    pub ctx: &'a Ctx,
    pub view: EventView,
    pub card: EventCard,
    pub when_full: String,
    pub zone_note: Option<String>,
    pub description: String,
    pub access: Vec<String>,
    /// The visitor's answer, in words, and its key.
    pub mine: Option<(Rsvp, String)>,
    /// Answering is possible now (the reason otherwise).
    pub may_answer: Result<(), String>,
    pub manages: bool,
    pub going: i64,
    pub waiting: i64,
    pub notice: Option<String>,
    pub error: Option<String>,
    pub ical: String,
    pub map: Option<(f64, f64)>,
}

impl ShowPage<'_> {
    pub fn is_cancelled(&self) -> bool {
        self.view.event.status() == EventStatus::Cancelled
    }
    pub fn is_tentative(&self) -> bool {
        self.view.event.status() == EventStatus::Tentative
    }
    pub fn join_mode(&self) -> &'static str {
        self.view.event.join_mode().as_str()
    }
    pub fn chose(&self, r: &str) -> bool {
        self.mine.as_ref().is_some_and(|(m, _)| m.as_str() == r)
    }
}

#[derive(Template)]
#[template(path = "events/participants.html")]
pub struct ParticipantsPage<'a> {
    pub ctx: &'a Ctx,
    pub title: String,
    pub back: String,
    pub action: String,
    pub rows: Vec<ParticipantRow>,
    pub notice: Option<String>,
}

#[derive(Template)]
#[template(path = "events/form.html")]
pub struct EventFormPage<'a> {
    pub ctx: &'a Ctx,
    pub title: String,
    pub intro: Vec<String>,
    pub form: Form,
    /// (key, label, checked) of the accessibility checkboxes.
    pub access: Vec<(String, String, bool)>,
    pub all_day: bool,
    pub guests_allowed: bool,
    pub back: (String, String),
}

#[derive(Template)]
#[template(path = "events/mine.html")]
pub struct MinePage<'a> {
    pub ctx: &'a Ctx,
    pub days: Vec<Day>,
    pub has_feed: bool,
    /// The address just made, shown once (only its hash is kept).
    pub new_feed: Option<String>,
}

#[derive(Template)]
#[template(path = "events/place.html")]
pub struct PlacePage<'a> {
    pub ctx: &'a Ctx,
    pub place: crate::db::models::place::Place,
    pub map: Option<(f64, f64)>,
    pub days: Vec<Day>,
}
