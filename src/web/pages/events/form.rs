//! Making and changing an event: `/activiteiten/nieuw` (a person's own, or a group's with
//! `?groep=NAME`) and `/e/NAME/bewerken`.

use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::view::EventFormPage;
use crate::db::models::event::{Access, Category, EventStatus, JoinMode};
use crate::domain::DomainError;
use crate::domain::events::{self, EventInput, EventView, when};
use crate::domain::validate::FieldErrors;
use crate::web::context::Ctx;
use crate::web::error::{WebError, WebResult};
use crate::web::form::{CsrfForm, Field, FieldKind, Form};
use crate::web::page::page;

/// The form as sent: text fields, and a checkbox per accessibility feature.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct EventFields {
    group: String,
    title: String,
    description: String,
    starts: String,
    ends: String,
    timezone: String,
    all_day: bool,
    place_name: String,
    street_address: String,
    postal_code: String,
    locality: String,
    latitude: String,
    longitude: String,
    online_url: String,
    category: String,
    capacity: String,
    join_mode: String,
    external_url: String,
    status: String,
    access_wheelchair: bool,
    access_hearing_loop: bool,
    access_sign_language: bool,
    access_accessible_toilet: bool,
    access_quiet: bool,
    access_seating: bool,
    accessibility_note: String,
    price: String,
    guests_allowed: bool,
}

impl EventFields {
    fn access(&self) -> [(Access, bool); 6] {
        [
            (Access::Wheelchair, self.access_wheelchair),
            (Access::HearingLoop, self.access_hearing_loop),
            (Access::SignLanguage, self.access_sign_language),
            (Access::AccessibleToilet, self.access_accessible_toilet),
            (Access::Quiet, self.access_quiet),
            (Access::Seating, self.access_seating),
        ]
    }

    fn input(&self) -> EventInput {
        EventInput {
            title: self.title.clone(),
            description: self.description.clone(),
            starts: self.starts.clone(),
            ends: self.ends.clone(),
            timezone: self.timezone.clone(),
            all_day: self.all_day,
            place_name: self.place_name.clone(),
            street_address: self.street_address.clone(),
            postal_code: self.postal_code.clone(),
            locality: self.locality.clone(),
            latitude: self.latitude.clone(),
            longitude: self.longitude.clone(),
            online_url: self.online_url.clone(),
            category: self.category.clone(),
            capacity: self.capacity.clone(),
            join_mode: self.join_mode.clone(),
            external_url: self.external_url.clone(),
            status: self.status.clone(),
            accessibility: self.access().iter().filter(|(_, on)| *on).map(|(a, _)| a.as_str().to_string()).collect(),
            accessibility_note: self.accessibility_note.clone(),
            price: self.price.clone(),
            guests_allowed: self.guests_allowed,
            image_alt: String::new(),
        }
    }

    /// The form filled with a stored event.
    fn of(v: &EventView) -> EventFields {
        let e = &v.event;
        let local = |t: chrono::NaiveDateTime| {
            let l = when::local(e, t).naive_local();
            if e.all_day { l.format("%d-%m-%Y").to_string() } else { l.format("%d-%m-%Y %H:%M").to_string() }
        };
        let place = crate::domain::places::PlaceInput::from_place(v.place.as_ref());
        let has = |a: Access| e.access().contains(&a);
        EventFields {
            group: String::new(),
            title: e.title.clone(),
            description: e.source.clone(),
            starts: local(e.starts_at),
            ends: e.ends_at.map(local).unwrap_or_default(),
            timezone: e.timezone.clone(),
            all_day: e.all_day,
            place_name: place.place_name,
            street_address: place.street_address,
            postal_code: place.postal_code,
            locality: place.locality,
            latitude: place.latitude,
            longitude: place.longitude,
            online_url: e.online_url.clone().unwrap_or_default(),
            category: e.category.clone(),
            capacity: e.capacity.map(|c| c.to_string()).unwrap_or_default(),
            join_mode: e.join_mode.clone(),
            external_url: e.external_url.clone().unwrap_or_default(),
            status: e.status.clone(),
            access_wheelchair: has(Access::Wheelchair),
            access_hearing_loop: has(Access::HearingLoop),
            access_sign_language: has(Access::SignLanguage),
            access_accessible_toilet: has(Access::AccessibleToilet),
            access_quiet: has(Access::Quiet),
            access_seating: has(Access::Seating),
            accessibility_note: e.accessibility_note.clone(),
            price: e.price.clone(),
            guests_allowed: e.guests_allowed,
        }
    }
}

fn select(
    ctx: &Ctx,
    name: &'static str,
    label: &str,
    value: &str,
    options: impl Iterator<Item = &'static str>,
    prefix: &str,
) -> Field {
    let options = options.map(|o| (o.to_string(), ctx.t(&format!("{prefix}-{o}")))).collect();
    Field::new(ctx, FieldKind::Select, name, label, value).options(options)
}

/// What the form shows and where it goes.
struct Target {
    title: String,
    action: String,
    submit: &'static str,
    back: (String, String),
}

fn render(ctx: &Ctx, f: &EventFields, errors: &FieldErrors, target: Target, status: StatusCode) -> Response {
    let fields = vec![
        Field::new(ctx, FieldKind::Text, "title", "field-event-title", &f.title).required(),
        Field::new(ctx, FieldKind::TextArea, "description", "field-event-description", &f.description)
            .hint(ctx, "field-event-description-hint"),
        // Text, not the browser's date field: typed the same way everywhere (NL Design System
        // advises against native date fields), and read in Dutch or ISO order.
        Field::new(ctx, FieldKind::Text, "starts", "field-event-starts", &f.starts)
            .hint(ctx, "field-event-time-hint")
            .required(),
        Field::new(ctx, FieldKind::Text, "ends", "field-event-ends", &f.ends).hint(ctx, "field-event-time-hint"),
        Field::new(ctx, FieldKind::Text, "timezone", "field-event-timezone", &f.timezone)
            .hint(ctx, "field-event-timezone-hint"),
        Field::new(ctx, FieldKind::Text, "place_name", "field-place-name", &f.place_name)
            .hint(ctx, "field-event-place-hint"),
        Field::new(ctx, FieldKind::Text, "street_address", "field-street-address", &f.street_address),
        Field::new(ctx, FieldKind::Text, "postal_code", "field-postal-code", &f.postal_code),
        Field::new(ctx, FieldKind::Text, "locality", "field-locality", &f.locality),
        Field::new(ctx, FieldKind::Text, "latitude", "field-latitude", &f.latitude)
            .decimal()
            .hint(ctx, "field-coordinates-hint"),
        Field::new(ctx, FieldKind::Text, "longitude", "field-longitude", &f.longitude).decimal(),
        Field::new(ctx, FieldKind::Url, "online_url", "field-event-online_url", &f.online_url)
            .hint(ctx, "field-event-online_url-hint"),
        select(
            ctx,
            "category",
            "field-event-category",
            &f.category,
            Category::ALL.iter().map(|c| c.as_str()),
            "event-category",
        ),
        select(
            ctx,
            "join_mode",
            "field-event-join_mode",
            &f.join_mode,
            JoinMode::ALL.iter().map(|c| c.as_str()),
            "event-join_mode",
        ),
        Field::new(ctx, FieldKind::Number, "capacity", "field-event-capacity", &f.capacity)
            .hint(ctx, "field-event-capacity-hint"),
        Field::new(ctx, FieldKind::Url, "external_url", "field-event-external_url", &f.external_url)
            .hint(ctx, "field-event-external_url-hint"),
        select(
            ctx,
            "status",
            "field-event-status",
            &f.status,
            EventStatus::ALL.iter().map(|c| c.as_str()),
            "event-status",
        ),
        Field::new(ctx, FieldKind::Text, "accessibility_note", "field-event-accessibility_note", &f.accessibility_note),
        Field::new(ctx, FieldKind::Text, "price", "field-event-price", &f.price).hint(ctx, "field-event-price-hint"),
    ];
    let mut form = Form::new(ctx, &target.action, target.submit, fields).with_errors(ctx, errors);
    if !f.group.is_empty() {
        form = form.hidden("group", &f.group);
    }
    let access = f
        .access()
        .iter()
        .map(|(a, on)| (a.as_str().to_string(), ctx.t(&format!("event-access-{}", a.as_str())), *on))
        .collect();
    let template = EventFormPage {
        ctx,
        title: target.title,
        intro: vec![ctx.t("event-form-intro")],
        form,
        access,
        all_day: f.all_day,
        guests_allowed: f.guests_allowed,
        back: target.back,
    };
    page(status, &template)
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct NewQuery {
    groep: String,
}

fn new_target(ctx: &Ctx) -> Target {
    Target {
        title: ctx.t("event-new-title"),
        action: "/activiteiten/nieuw".into(),
        submit: "event-create-submit",
        back: ("/activiteiten".into(), ctx.t("event-agenda-title")),
    }
}

/// `GET /activiteiten/nieuw`.
pub async fn new_page(ctx: Ctx, Query(q): Query<NewQuery>) -> WebResult<Response> {
    ctx.require_account()?;
    let f = EventFields {
        group: q.groep.chars().take(64).collect(),
        timezone: ctx.state.settings.instance.timezone.clone(),
        join_mode: JoinMode::Free.as_str().into(),
        status: EventStatus::Confirmed.as_str().into(),
        category: Category::Social.as_str().into(),
        ..Default::default()
    };
    Ok(render(&ctx, &f, &FieldErrors::default(), new_target(&ctx), StatusCode::OK))
}

/// `POST /activiteiten/nieuw`.
pub async fn create(CsrfForm { ctx, form }: CsrfForm<EventFields>) -> WebResult<Response> {
    let account = ctx.require_account()?;
    match events::create(&ctx.state, account, &form.group, &form.input()).await {
        Ok(view) => Ok(Redirect::to(&format!("{}?gedaan=gemaakt", view.href())).into_response()),
        Err(DomainError::Invalid(errors)) => {
            Ok(render(&ctx, &form, &errors, new_target(&ctx), StatusCode::UNPROCESSABLE_ENTITY))
        }
        Err(e) => Err(e.into()),
    }
}

fn edit_target(ctx: &Ctx, v: &EventView) -> Target {
    Target {
        title: ctx.t1("event-edit-title", "event", &v.event.title),
        action: format!("{}/bewerken", v.href()),
        submit: "event-save-submit",
        back: (v.href(), v.event.title.clone()),
    }
}

/// `GET /e/{name}/bewerken`.
pub async fn edit_page(ctx: Ctx, Path(name): Path<String>) -> WebResult<Response> {
    let account = ctx.require_account()?;
    let view = super::local_event(&ctx, &name).await?;
    if !events::may_manage(&mut ctx.state.pool.get().await?, account, &view.event).await? {
        return Err(WebError::Forbidden);
    }
    Ok(render(&ctx, &EventFields::of(&view), &FieldErrors::default(), edit_target(&ctx, &view), StatusCode::OK))
}

/// `POST /e/{name}/bewerken`.
pub async fn save(Path(name): Path<String>, CsrfForm { ctx, form }: CsrfForm<EventFields>) -> WebResult<Response> {
    let account = ctx.require_account()?;
    let view = super::local_event(&ctx, &name).await?;
    match events::update(&ctx.state, account, view.event.id, &form.input()).await {
        Ok(v) => Ok(Redirect::to(&format!("{}?gedaan=opgeslagen", v.href())).into_response()),
        Err(DomainError::Invalid(errors)) => {
            Ok(render(&ctx, &form, &errors, edit_target(&ctx, &view), StatusCode::UNPROCESSABLE_ENTITY))
        }
        Err(e) => Err(e.into()),
    }
}
