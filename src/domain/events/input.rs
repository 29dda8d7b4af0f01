//! What an organiser fills in for an event, checked into the rows it becomes. The web form,
//! Buurt's API and (for the place) the inbox all pass through here.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime, TimeZone};

use crate::db::models::actor::ActorId;
use crate::db::models::event::{Access, Category, EventForm, EventStatus, JoinMode};
use crate::db::models::place::PlaceForm;
use crate::db::now;
use crate::domain::places::PlaceInput;
use crate::domain::validate::FieldErrors;
use crate::domain::{DomainError, DomainResult};

pub const TITLE_MAX: usize = 200;
pub const DESCRIPTION_MAX: usize = 20_000;
pub const TEXT_MAX: usize = 500;
/// More seats than any neighbourhood hall: a typo, not an event.
pub const CAPACITY_MAX: i64 = 100_000;

/// An event as typed: text fields as they came from a form or a JSON body.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct EventInput {
    pub title: String,
    /// Markdown.
    pub description: String,
    /// Local time in `timezone`: `2026-12-14T10:00` (or a date alone for an all-day event).
    pub starts: String,
    /// Local time, or empty.
    pub ends: String,
    /// An IANA zone name; empty is the instance's.
    pub timezone: String,
    pub all_day: bool,
    /// The place in words: its name, street and number, postcode, town; coordinates optional.
    pub place_name: String,
    pub street_address: String,
    pub postal_code: String,
    pub locality: String,
    pub latitude: String,
    pub longitude: String,
    /// The link of an online (or hybrid) event.
    pub online_url: String,
    pub category: String,
    /// Seats; empty is unlimited.
    pub capacity: String,
    /// `free`, `approval`, `external` or `none`.
    pub join_mode: String,
    pub external_url: String,
    /// `confirmed` (the default), `tentative` or `cancelled`.
    pub status: String,
    /// Keys: wheelchair, hearing_loop, sign_language, accessible_toilet, quiet, seating.
    pub accessibility: Vec<String>,
    pub accessibility_note: String,
    /// Empty is free.
    pub price: String,
    /// People without an account may sign up with their name and e-mail address.
    pub guests_allowed: bool,
    pub image_alt: String,
}

/// The checked event: its row (without who organises it) and its place.
pub struct Checked {
    pub form: EventForm,
    pub place: PlaceForm,
}

/// A local time typed in a form or API: `YYYY-MM-DDTHH:MM[:SS]` (a space instead of `T`
/// too), the Dutch `DD-MM-YYYY HH:MM`, or a date alone in either order (midnight).
pub fn parse_local(s: &str) -> Option<NaiveDateTime> {
    let s = s.trim();
    let times = [
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%d %H:%M:%S",
        "%d-%m-%Y %H:%M",
        "%d-%m-%Y %H.%M",
    ];
    for format in times {
        if let Ok(t) = NaiveDateTime::parse_from_str(s, format) {
            return Some(t);
        }
    }
    ["%Y-%m-%d", "%d-%m-%Y"]
        .iter()
        .find_map(|f| NaiveDate::parse_from_str(s, f).ok())
        .map(|d| d.and_time(NaiveTime::MIN))
}

/// A local time in `tz` as UTC; a time that does not exist (the hour skipped in spring) is
/// refused, one that exists twice (autumn) is the first.
pub fn to_utc(local: NaiveDateTime, tz: chrono_tz::Tz) -> Option<NaiveDateTime> {
    tz.from_local_datetime(&local).earliest().map(|t| t.naive_utc())
}

fn https_url(s: &str) -> Option<Option<String>> {
    let s = s.trim();
    if s.is_empty() {
        return Some(None);
    }
    match url::Url::parse(s) {
        Ok(u) if matches!(u.scheme(), "https" | "http") && u.host().is_some() && s.len() <= 2000 => {
            Some(Some(u.into()))
        }
        _ => None,
    }
}

fn too_long(errors: &mut FieldErrors, field: &'static str, value: &str, max: usize) {
    if value.chars().count() > max {
        errors.add(field, "error-too-long");
    } else if value.chars().any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t') {
        errors.add(field, "error-control-chars");
    }
}

impl EventInput {
    /// Checks everything and names each wrong field; `organiser`, `group` and `created_by`
    /// are the caller's. `going` is how many hold a seat now (0 for a new event): fewer seats
    /// than that are refused.
    pub fn check(
        &self,
        default_tz: &str,
        organiser: ActorId,
        group: Option<ActorId>,
        created_by: Option<ActorId>,
        going: i64,
    ) -> DomainResult<Checked> {
        let mut errors = FieldErrors::default();
        let title = self.title.trim();
        if title.is_empty() {
            errors.add("title", "error-required");
        }
        too_long(&mut errors, "title", title, TITLE_MAX);
        too_long(&mut errors, "description", &self.description, DESCRIPTION_MAX);
        for (field, value) in
            [("accessibility_note", &self.accessibility_note), ("price", &self.price), ("image_alt", &self.image_alt)]
        {
            too_long(&mut errors, field, value.trim(), TEXT_MAX);
        }
        let zone = if self.timezone.trim().is_empty() { default_tz } else { self.timezone.trim() };
        let tz = zone.parse::<chrono_tz::Tz>().ok();
        if tz.is_none() {
            errors.add("timezone", "error-event-timezone");
        }
        let starts = parse_local(&self.starts);
        if self.starts.trim().is_empty() {
            errors.add("starts", "error-required");
        } else if starts.is_none() {
            errors.add("starts", "error-event-time");
        }
        let ends = if self.ends.trim().is_empty() { None } else { parse_local(&self.ends) };
        if !self.ends.trim().is_empty() && ends.is_none() {
            errors.add("ends", "error-event-time");
        }
        let (starts_at, ends_at) = match (tz, starts) {
            (Some(tz), Some(starts)) => {
                let starts = if self.all_day { starts.date().and_time(NaiveTime::MIN) } else { starts };
                let ends = ends.map(|e| if self.all_day { e.date().and_time(NaiveTime::MIN) } else { e });
                let s = to_utc(starts, tz);
                let e = ends.and_then(|e| to_utc(e, tz));
                if s.is_none() {
                    errors.add("starts", "error-event-time-gap");
                }
                if ends.is_some() && e.is_none() {
                    errors.add("ends", "error-event-time-gap");
                }
                if let (Some(s), Some(e)) = (s, e)
                    && e < s
                {
                    errors.add("ends", "error-event-ends-before");
                }
                (s, e)
            }
            _ => (None, None),
        };
        let category =
            if self.category.trim().is_empty() { Some(Category::Other) } else { Category::parse(self.category.trim()) };
        if category.is_none() {
            errors.add("category", "error-choice-invalid");
        }
        let join_mode = if self.join_mode.trim().is_empty() {
            Some(JoinMode::Free)
        } else {
            JoinMode::parse(self.join_mode.trim())
        };
        if join_mode.is_none() {
            errors.add("join_mode", "error-choice-invalid");
        }
        let status = if self.status.trim().is_empty() {
            Some(EventStatus::Confirmed)
        } else {
            EventStatus::parse(self.status.trim())
        };
        if status.is_none() {
            errors.add("status", "error-choice-invalid");
        }
        let mut access = vec![];
        for key in &self.accessibility {
            match Access::parse(key.trim()) {
                Some(a) if !access.contains(&a) => access.push(a),
                Some(_) => {}
                None => errors.add("accessibility", "error-choice-invalid"),
            }
        }
        let capacity = match self.capacity.trim() {
            "" => None,
            s => match s.parse::<i64>() {
                Ok(n) if (1..=CAPACITY_MAX).contains(&n) => Some(n),
                _ => {
                    errors.add("capacity", "error-event-capacity");
                    None
                }
            },
        };
        if let Some(c) = capacity
            && c < going
        {
            errors.add("capacity", "error-event-capacity-below");
        }
        let online_url = https_url(&self.online_url).unwrap_or_else(|| {
            errors.add("online_url", "error-url-invalid");
            None
        });
        let external_url = https_url(&self.external_url).unwrap_or_else(|| {
            errors.add("external_url", "error-url-invalid");
            None
        });
        if join_mode == Some(JoinMode::External) && external_url.is_none() && !errors.has("external_url") {
            errors.add("external_url", "error-required");
        }
        let place = PlaceInput {
            place_name: self.place_name.clone(),
            street_address: self.street_address.clone(),
            postal_code: self.postal_code.clone(),
            locality: self.locality.clone(),
            latitude: self.latitude.clone(),
            longitude: self.longitude.clone(),
        }
        .validate(&mut errors);
        if place.is_empty() && online_url.is_none() {
            errors.add("place_name", "error-event-where");
        }
        errors.into_result()?;
        let (Some(starts_at), Some(tz), Some(category), Some(join_mode), Some(status)) =
            (starts_at, tz, category, join_mode, status)
        else {
            return Err(DomainError::Internal("checked event lacks a field".into()));
        };
        let description = self.description.trim();
        let form = EventForm {
            url: None,
            organiser_id: organiser,
            group_id: group,
            created_by,
            title: title.to_string(),
            content: crate::util::markdown::to_html(description, &|_, _| None),
            source: description.to_string(),
            starts_at,
            ends_at,
            timezone: tz.name().to_string(),
            all_day: self.all_day,
            place_id: None,
            online_url,
            category: category.as_str().into(),
            image_url: None,
            image_alt: self.image_alt.trim().to_string(),
            capacity,
            join_mode: join_mode.as_str().into(),
            external_url,
            status: status.as_str().into(),
            accessibility: access.iter().map(|a| a.as_str()).collect::<Vec<_>>().join(","),
            accessibility_note: self.accessibility_note.trim().to_string(),
            price: self.price.trim().to_string(),
            guests_allowed: self.guests_allowed,
            updated_at: now(),
        };
        Ok(Checked { form, place })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> EventInput {
        EventInput {
            title: "Buurtschoonmaak".into(),
            starts: "2026-06-14T10:00".into(),
            ends: "2026-06-14T13:00".into(),
            place_name: "Buurthuis".into(),
            ..Default::default()
        }
    }

    fn errors(i: &EventInput, going: i64) -> Vec<(&'static str, &'static str)> {
        match i.check("Europe/Amsterdam", ActorId(1), None, None, going) {
            Err(DomainError::Invalid(e)) => e.0.iter().map(|e| (e.field, e.message)).collect(),
            Err(other) => panic!("{other}"),
            Ok(_) => vec![],
        }
    }

    #[test]
    fn local_times_become_utc_in_the_events_zone() {
        let c = input().check("Europe/Amsterdam", ActorId(1), None, None, 0).ok().map(|c| c.form);
        let form = c.unwrap_or_else(|| panic!("valid"));
        assert_eq!(form.starts_at.to_string(), "2026-06-14 08:00:00");
        assert_eq!(form.ends_at.map(|t| t.to_string()).as_deref(), Some("2026-06-14 11:00:00"));
        assert_eq!(form.join_mode, "free");
    }

    #[test]
    fn dutch_and_iso_times_are_read() {
        let t = |s: &str| parse_local(s).map(|t| t.to_string());
        assert_eq!(t("14-06-2031 18:00").as_deref(), Some("2031-06-14 18:00:00"));
        assert_eq!(t("14-06-2031 18.00").as_deref(), Some("2031-06-14 18:00:00"));
        assert_eq!(t("2031-06-14T18:00").as_deref(), Some("2031-06-14 18:00:00"));
        assert_eq!(t("14-06-2031").as_deref(), Some("2031-06-14 00:00:00"));
        assert_eq!(t("31-02-2031"), None);
        assert_eq!(t("morgen"), None);
    }

    #[test]
    fn bad_input_names_each_field() {
        let mut i = input();
        i.ends = "2026-06-14T09:00".into();
        i.timezone = "Mars/Olympus".into();
        i.capacity = "0".into();
        i.join_mode = "sometimes".into();
        i.online_url = "javascript:alert(1)".into();
        let e = errors(&i, 0);
        for field in ["timezone", "capacity", "join_mode", "online_url"] {
            assert!(e.iter().any(|(f, _)| *f == field), "{field}: {e:?}");
        }
        let mut i = input();
        i.ends = "2026-06-14T09:00".into();
        assert_eq!(errors(&i, 0), vec![("ends", "error-event-ends-before")]);
        let mut i = input();
        i.capacity = "5".into();
        assert_eq!(errors(&i, 6), vec![("capacity", "error-event-capacity-below")]);
        let mut i = input();
        i.starts = "2026-03-29T02:30".into();
        i.ends = String::new();
        assert_eq!(errors(&i, 0), vec![("starts", "error-event-time-gap")]);
        let mut i = input();
        i.place_name = String::new();
        assert_eq!(errors(&i, 0), vec![("place_name", "error-event-where")]);
    }
}
