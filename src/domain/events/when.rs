//! When and where an event is, in words: "za 14 juni 2026, 10:00–13:00" — for pages, for the
//! `summary` other servers show (Mastodon shows only the name and this), and for mail.

use chrono::{Datelike, NaiveDateTime, TimeZone, Timelike};

use crate::db::models::event::Event;
use crate::db::models::place::Place;
use crate::i18n::Lang;

const DAYS_NL: [&str; 7] = ["ma", "di", "wo", "do", "vr", "za", "zo"];
const DAYS_EN: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
const MONTHS_NL: [&str; 12] = [
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
];
const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// The event's zone (its own; the instance's default when unknown).
pub fn zone(event: &Event) -> chrono_tz::Tz {
    event.timezone.parse().unwrap_or(chrono_tz::Europe::Amsterdam)
}

/// A UTC time in the event's zone.
pub fn local(event: &Event, utc: NaiveDateTime) -> chrono::DateTime<chrono_tz::Tz> {
    zone(event).from_utc_datetime(&utc)
}

/// "za 14 juni 2026" / "Sat 14 June 2026".
pub fn day(lang: Lang, t: &impl Datelike) -> String {
    let weekday = t.weekday().num_days_from_monday() as usize;
    let month = t.month0() as usize;
    match lang {
        Lang::Nl => format!("{} {} {} {}", DAYS_NL[weekday], t.day(), MONTHS_NL[month], t.year()),
        Lang::En => format!("{} {} {} {}", DAYS_EN[weekday], t.day(), MONTHS_EN[month], t.year()),
    }
}

/// "juni 2026" / "June 2026".
pub fn month(lang: Lang, year: i32, month0: u32) -> String {
    let names = if lang == Lang::Nl { &MONTHS_NL } else { &MONTHS_EN };
    format!("{} {year}", names[month0 as usize % 12])
}

fn clock(t: &impl Timelike) -> String {
    format!("{:02}:{:02}", t.hour(), t.minute())
}

/// When, in words: "za 14 juni 2026, 10:00–13:00"; across days "za 14 juni 2026, 10:00 – zo 15
/// juni 2026, 16:00"; all day "za 14 juni 2026" (or a range of days).
pub fn span(lang: Lang, event: &Event) -> String {
    let start = local(event, event.starts_at);
    let end = event.ends_at.map(|e| local(event, e));
    if event.all_day {
        return match end {
            Some(end) if end.date_naive() > start.date_naive() => {
                format!("{} – {}", day(lang, &start), day(lang, &end))
            }
            _ => day(lang, &start),
        };
    }
    match end {
        Some(end) if end.date_naive() == start.date_naive() => {
            format!("{}, {}–{}", day(lang, &start), clock(&start), clock(&end))
        }
        Some(end) => format!("{}, {} – {}, {}", day(lang, &start), clock(&start), day(lang, &end), clock(&end)),
        None => format!("{}, {}", day(lang, &start), clock(&start)),
    }
}

/// Where, in words: the place's name and address, "online", or both (the word is the same in
/// Dutch and English).
pub fn place_line(event: &Event, place: Option<&Place>) -> String {
    let online = "online";
    match (place.map(Place::address_line).filter(|a| !a.is_empty()), event.online_url.is_some()) {
        (Some(p), true) => format!("{p} + {online}"),
        (Some(p), false) => p,
        (None, true) => online.to_string(),
        (None, false) => String::new(),
    }
}

/// The `summary` other servers show: when and where, and a cancellation first.
pub fn summary(lang: Lang, event: &Event, place: Option<&Place>) -> String {
    let cancelled = event.status() == crate::db::models::event::EventStatus::Cancelled;
    let mut s = String::new();
    if cancelled {
        s.push_str(if lang == Lang::Nl { "GEANNULEERD · " } else { "CANCELLED · " });
    }
    s.push_str(&span(lang, event));
    let place = place_line(event, place);
    if !place.is_empty() {
        s.push_str(" · ");
        s.push_str(&place);
    }
    s
}
