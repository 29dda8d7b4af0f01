//! `GET` and `POST /api/v1/markers`: where a person stopped reading `home` and
//! `notifications`, shared between their apps (and the web's unread count).

use axum::extract::State;
use axum::http::Uri;
use serde::Deserialize;
use serde_json::{Map, Value, json};

use super::entities;
use crate::api::{ApiError, ApiResult, Caller, Input, json};
use crate::db::models::marker::Marker;
use crate::domain::markers;
use crate::state::AppState;

fn entity(marker: &Marker) -> Value {
    json!({
        "last_read_id": marker.last_read_id.to_string(),
        "version": marker.version,
        "updated_at": entities::time(marker.updated_at),
    })
}

/// A hash of timeline name to Marker.
fn hash(list: &[Marker]) -> Value {
    Value::Object(list.iter().map(|m| (m.timeline.clone(), entity(m))).collect::<Map<_, _>>())
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct MarkersQuery {
    #[serde(rename = "timeline[]", alias = "timeline")]
    timeline: Vec<String>,
}

/// `GET /api/v1/markers?timeline[]=home&timeline[]=notifications`; no timeline: `{}`.
pub async fn get(State(state): State<AppState>, caller: Caller, uri: Uri) -> ApiResult {
    let me = caller.user("read:statuses")?;
    let q: MarkersQuery = serde_html_form::from_str(uri.query().unwrap_or("")).map_err(|e| {
        ApiError::invalid_body(axum::http::StatusCode::BAD_REQUEST, format!("Invalid query: {e}"))
            .with_detail(e.to_string())
    })?;
    let mut conn = state.pool.get().await?;
    Ok(json(&hash(&markers::get(&mut conn, me.user.id, &q.timeline).await?)))
}

/// An id as apps send it: a string, or a number in JSON.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
enum Id {
    Text(String),
    Number(i64),
}

impl Id {
    fn text(self) -> String {
        match self {
            Id::Text(s) => s,
            Id::Number(n) => n.to_string(),
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
struct Position {
    last_read_id: Id,
}

/// `{"home": {"last_read_id": "…"}}` in JSON, `home[last_read_id]=…` in a form.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct MarkersForm {
    home: Option<Position>,
    notifications: Option<Position>,
    #[serde(rename = "home[last_read_id]")]
    home_form: Option<String>,
    #[serde(rename = "notifications[last_read_id]")]
    notifications_form: Option<String>,
}

/// `POST /api/v1/markers`: sets the markers sent; answers with them.
pub async fn set(State(state): State<AppState>, caller: Caller, Input(form): Input<MarkersForm>) -> ApiResult {
    let me = caller.user("write:statuses")?;
    let mut updates = Vec::new();
    for (timeline, nested, flat) in
        [("home", form.home, form.home_form), ("notifications", form.notifications, form.notifications_form)]
    {
        if let Some(id) = flat.or(nested.map(|p| p.last_read_id.text())) {
            updates.push((timeline.to_string(), id));
        }
    }
    let stored = markers::set(&state.pool, me.user.id, &updates).await?;
    Ok(json(&hash(&stored)))
}
