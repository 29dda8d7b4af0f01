//! Events in Buurt's API: agendas, one event, making, changing, cancelling and deleting it,
//! answering it (RSVP) and the organiser's list of participants. Each handler calls one
//! operation of `domain::events`; who may do what is decided there.

use axum::extract::{Path, Query, State};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::errors::ErrorBody;
use crate::api::{ApiError, ApiResult, Caller, Input, MaybeCaller, json};
use crate::db::models::event::Filter;
use crate::domain::events::{self, EventInput, EventView, rsvp, when};
use crate::state::AppState;

fn time(t: chrono::NaiveDateTime) -> String {
    t.and_utc().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// Where an event is.
#[derive(Debug, Serialize, ToSchema)]
pub struct EventPlace {
    pub name: String,
    pub street_address: String,
    pub postal_code: String,
    pub locality: String,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    /// The address on one line.
    pub address: String,
}

/// Who organises an event.
#[derive(Debug, Serialize, ToSchema)]
pub struct Organiser {
    pub display_name: String,
    /// `@name@domain`.
    pub handle: String,
    pub url: String,
    pub ap_id: String,
}

/// An event, here or from elsewhere.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiEvent {
    pub id: String,
    pub ap_id: String,
    /// Its page.
    pub url: String,
    pub local: bool,
    pub title: String,
    /// Sanitized HTML.
    pub description: String,
    /// RFC 3339, UTC.
    pub starts_at: String,
    pub ends_at: Option<String>,
    /// The IANA zone it is held in.
    pub timezone: String,
    pub all_day: bool,
    /// When and where in the instance's language ("za 14 juni 2026, 10:00–13:00 · …").
    pub summary: String,
    pub place: Option<EventPlace>,
    pub online_url: Option<String>,
    pub category: String,
    /// Seats; none is unlimited.
    pub capacity: Option<i64>,
    pub seats_left: Option<i64>,
    pub participant_count: i64,
    /// `free`, `approval`, `external` or `none`.
    pub join_mode: String,
    pub external_url: Option<String>,
    /// `confirmed`, `tentative` or `cancelled`.
    pub status: String,
    pub accessibility: Vec<String>,
    pub accessibility_note: String,
    /// Empty is free.
    pub price: String,
    pub guests_allowed: bool,
    pub organiser: Organiser,
    /// The group's name (`/g/{name}`) when it is a group's event here.
    pub group: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

impl ApiEvent {
    fn of(state: &AppState, v: &EventView) -> ApiEvent {
        let e = &v.event;
        let who = v.group.as_ref().unwrap_or(&v.organiser);
        let href = v.href();
        ApiEvent {
            id: e.id.to_string(),
            ap_id: e.ap_id.clone(),
            url: if href.starts_with('/') { format!("{}{href}", state.base_url) } else { href },
            local: e.local,
            title: e.title.clone(),
            description: e.content.clone(),
            starts_at: time(e.starts_at),
            ends_at: e.ends_at.map(time),
            timezone: e.timezone.clone(),
            all_day: e.all_day,
            summary: when::summary(events::wire::wire_lang(state), e, v.place.as_ref()),
            place: v.place.as_ref().map(|p| EventPlace {
                name: p.name.clone(),
                street_address: p.street_address.clone(),
                postal_code: p.postal_code.clone(),
                locality: p.locality.clone(),
                latitude: p.latitude,
                longitude: p.longitude,
                address: p.address_line(),
            }),
            online_url: e.online_url.clone(),
            category: e.category.clone(),
            capacity: e.capacity,
            seats_left: e.seats_left(),
            participant_count: e.participant_count,
            join_mode: e.join_mode.clone(),
            external_url: e.external_url.clone(),
            status: e.status.clone(),
            accessibility: e.access().iter().map(|a| a.as_str().to_string()).collect(),
            accessibility_note: e.accessibility_note.clone(),
            price: e.price.clone(),
            guests_allowed: e.guests_allowed,
            organiser: Organiser {
                display_name: who.shown_name(),
                handle: format!("@{}@{}", who.username, who.domain),
                url: who.url.clone().unwrap_or_else(|| who.ap_id.clone()),
                ap_id: who.ap_id.clone(),
            },
            group: v.group.as_ref().filter(|g| g.local).map(|g| g.name_key.clone()),
            created_at: time(e.published),
            updated_at: time(e.updated_at),
        }
    }
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Only this local group's events, by its name.
    group: Option<String>,
    /// How many, soonest first (default 50, at most 200).
    limit: Option<i64>,
}

/// Upcoming events (those not over yet), soonest first.
#[utoipa::path(
    get,
    path = "/events",
    operation_id = "list_events",
    tag = "events",
    params(ListQuery),
    responses(
        (status = 200, description = "Upcoming events, soonest first", body = [ApiEvent]),
        (status = 404, description = "No such group here", body = ErrorBody),
    ),
    security((), ("bearer" = ["read:statuses"])),
)]
pub async fn list(State(state): State<AppState>, caller: MaybeCaller, Query(q): Query<ListQuery>) -> ApiResult {
    caller.viewer("read:statuses")?;
    let mut filter = Filter::default();
    if let Some(name) = q.group.as_deref().map(str::trim).filter(|n| !n.is_empty()) {
        let mut conn = state.pool.get().await?;
        let group =
            crate::domain::groups::local(&mut conn, &state.settings, name).await?.ok_or_else(ApiError::not_found)?;
        filter.group = Some(group.actor.id);
    }
    let views = events::upcoming(&state, filter, q.limit.unwrap_or(50)).await?;
    let out: Vec<ApiEvent> = views.iter().map(|v| ApiEvent::of(&state, v)).collect();
    Ok(json(&out))
}

/// One event.
#[utoipa::path(
    get,
    path = "/events/{id}",
    operation_id = "get_event",
    tag = "events",
    params(("id" = i64, Path, description = "The event's id")),
    responses(
        (status = 200, description = "The event", body = ApiEvent),
        (status = 404, description = "No such event", body = ErrorBody),
    ),
    security((), ("bearer" = ["read:statuses"])),
)]
pub async fn get(State(state): State<AppState>, caller: MaybeCaller, Path(id): Path<i64>) -> ApiResult {
    caller.viewer("read:statuses")?;
    let view = events::by_id(&mut state.pool.get().await?, id).await?;
    Ok(json(&ApiEvent::of(&state, &view)))
}

/// A new event: the fields of [`EventInput`] and, for a group's event, the group.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct NewEvent {
    /// The local group that organises it, by name; empty: the caller does.
    pub group: String,
    #[serde(flatten)]
    pub event: EventInput,
}

/// Makes an event; the organiser's followers get a `Create`.
#[utoipa::path(
    post,
    path = "/events",
    operation_id = "create_event",
    tag = "events",
    request_body(content((NewEvent = "application/json"))),
    responses(
        (status = 200, description = "The event", body = ApiEvent),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 403, description = "The caller may not post in that group", body = ErrorBody),
        (status = 422, description = "A field is not valid", body = ErrorBody),
    ),
    security(("bearer" = ["write:statuses"])),
)]
pub async fn create(State(state): State<AppState>, caller: Caller, Input(body): Input<NewEvent>) -> ApiResult {
    let me = caller.user("write:statuses")?;
    let view = events::create(&state, me, &body.group, &body.event).await?;
    Ok(json(&ApiEvent::of(&state, &view)))
}

/// Replaces an event's fields (send them all); followers and participants elsewhere get an
/// `Update`, participants here hear of a new time, place or status.
#[utoipa::path(
    put,
    path = "/events/{id}",
    operation_id = "update_event",
    tag = "events",
    params(("id" = i64, Path, description = "The event's id")),
    request_body(content((EventInput = "application/json"))),
    responses(
        (status = 200, description = "The event as it is now", body = ApiEvent),
        (status = 403, description = "The caller does not organise it", body = ErrorBody),
        (status = 404, description = "No such event", body = ErrorBody),
        (status = 422, description = "A field is not valid", body = ErrorBody),
    ),
    security(("bearer" = ["write:statuses"])),
)]
pub async fn update(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Input(body): Input<EventInput>,
) -> ApiResult {
    let me = caller.user("write:statuses")?;
    let view = events::update(&state, me, id, &body).await?;
    Ok(json(&ApiEvent::of(&state, &view)))
}

/// Deletes an event (`Delete` with a `Tombstone`).
#[utoipa::path(
    delete,
    path = "/events/{id}",
    operation_id = "delete_event",
    tag = "events",
    params(("id" = i64, Path, description = "The event's id")),
    responses(
        (status = 200, description = "Deleted"),
        (status = 403, description = "The caller does not organise it", body = ErrorBody),
        (status = 404, description = "No such event", body = ErrorBody),
    ),
    security(("bearer" = ["write:statuses"])),
)]
pub async fn delete(State(state): State<AppState>, caller: Caller, Path(id): Path<i64>) -> ApiResult {
    let me = caller.user("write:statuses")?;
    events::delete(&state, me, id).await?;
    Ok(json(&serde_json::json!({})))
}

/// Cancels an event: it stays, marked cancelled; participants are told.
#[utoipa::path(
    post,
    path = "/events/{id}/cancel",
    operation_id = "cancel_event",
    tag = "events",
    params(("id" = i64, Path, description = "The event's id")),
    responses(
        (status = 200, description = "The event as it is now", body = ApiEvent),
        (status = 403, description = "The caller does not organise it", body = ErrorBody),
        (status = 404, description = "No such event", body = ErrorBody),
    ),
    security(("bearer" = ["write:statuses"])),
)]
pub async fn cancel(State(state): State<AppState>, caller: Caller, Path(id): Path<i64>) -> ApiResult {
    let me = caller.user("write:statuses")?;
    let view = events::cancel(&state, me, id).await?;
    Ok(json(&ApiEvent::of(&state, &view)))
}

/// An answer to an event.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct RsvpBody {
    /// `going`, `maybe` or `not_going`.
    pub rsvp: String,
    pub message: String,
}

/// Where an answer stands.
#[derive(Debug, Serialize, ToSchema)]
pub struct RsvpState {
    /// `going`, `maybe`, `not_going`, `waiting` (in line for a seat), `pending` (waits for the
    /// organiser or the event's server) or `rejected`.
    pub state: String,
}

/// Answers an event: going (a seat, a place in line, or a request to the organiser), maybe,
/// or not going (the seat goes to the first in line).
#[utoipa::path(
    post,
    path = "/events/{id}/rsvp",
    operation_id = "answer_event",
    tag = "events",
    params(("id" = i64, Path, description = "The event's id")),
    request_body(content((RsvpBody = "application/json"), (RsvpBody = "application/x-www-form-urlencoded"))),
    responses(
        (status = 200, description = "Where the answer stands", body = RsvpState),
        (status = 404, description = "No such event", body = ErrorBody),
        (status = 422, description = "Not possible now (cancelled, over, no signing up here)", body = ErrorBody),
    ),
    security(("bearer" = ["write:statuses"])),
)]
pub async fn answer(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Input(body): Input<RsvpBody>,
) -> ApiResult {
    let me = caller.user("write:statuses")?;
    let new = rsvp::answer(&state, me, id, &body.rsvp, &body.message).await?;
    Ok(json(&RsvpState { state: new.as_str().into() }))
}

/// One answer as the organiser sees it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiParticipant {
    pub id: String,
    pub display_name: String,
    /// `@name@domain`, or none for a guest without an account.
    pub handle: Option<String>,
    pub state: String,
    pub message: String,
    /// Signed up by a buurtverbinder on their behalf.
    pub assisted: bool,
    pub created_at: String,
}

/// The answers to an event, first come first (its organisers).
#[utoipa::path(
    get,
    path = "/events/{id}/participants",
    operation_id = "list_event_participants",
    tag = "events",
    params(("id" = i64, Path, description = "The event's id")),
    responses(
        (status = 200, description = "The answers", body = [ApiParticipant]),
        (status = 403, description = "The caller does not organise it", body = ErrorBody),
        (status = 404, description = "No such event", body = ErrorBody),
    ),
    security(("bearer" = ["read:statuses"])),
)]
pub async fn participants(State(state): State<AppState>, caller: Caller, Path(id): Path<i64>) -> ApiResult {
    let me = caller.user("read:statuses")?;
    let rows = rsvp::participants(&state, me, id).await?;
    let out: Vec<ApiParticipant> = rows
        .iter()
        .map(|(p, a)| ApiParticipant {
            id: p.id.to_string(),
            display_name: a.as_ref().map_or_else(|| p.guest_name.clone().unwrap_or_default(), |a| a.shown_name()),
            handle: a.as_ref().map(|a| format!("@{}@{}", a.username, a.domain)),
            state: p.state.clone(),
            message: p.message.clone(),
            assisted: p.assisted_by.is_some(),
            created_at: time(p.created_at),
        })
        .collect();
    Ok(json(&out))
}

/// The organiser's decision about a request.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct DecisionBody {
    pub accept: bool,
}

/// Accepts or declines someone who asked to take part (approval events).
#[utoipa::path(
    post,
    path = "/events/{id}/participants/{participant}",
    operation_id = "decide_event_participant",
    tag = "events",
    params(("id" = i64, Path, description = "The event's id"), ("participant" = i64, Path, description = "The answer's id")),
    request_body(content((DecisionBody = "application/json"))),
    responses(
        (status = 200, description = "Where the answer stands", body = RsvpState),
        (status = 403, description = "The caller does not organise it", body = ErrorBody),
        (status = 404, description = "No such event or answer", body = ErrorBody),
        (status = 422, description = "The answer does not wait for a decision", body = ErrorBody),
    ),
    security(("bearer" = ["write:statuses"])),
)]
pub async fn decide(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, participant)): Path<(i64, i64)>,
    Input(body): Input<DecisionBody>,
) -> ApiResult {
    let me = caller.user("write:statuses")?;
    let new = rsvp::decide(&state, me, id, participant, body.accept).await?;
    Ok(json(&RsvpState { state: new.as_str().into() }))
}

/// The events' routes, documented.
pub fn api() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(get, update, delete))
        .routes(routes!(cancel))
        .routes(routes!(answer))
        .routes(routes!(participants))
        .routes(routes!(decide))
}
