//! Serving actors and collections as ActivityStreams JSON.

use activitypub_federation::traits::Object;
use axum::http::HeaderValue;
use axum::http::header::{CONTENT_TYPE, VARY};
use axum::response::{IntoResponse, Response};

use super::actor::DbActor;
use super::{ApubError, ApubResult, context};
use crate::db::models::actor::Actor;
use crate::state::AppState;

/// A JSON-LD document with our context, as `application/activity+json`.
pub fn activity_json(mut value: serde_json::Value) -> Response {
    if let Some(map) = value.as_object_mut() {
        map.insert("@context".into(), context());
    }
    let mut response = axum::Json(value).into_response();
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/activity+json; charset=utf-8"));
    headers.insert(VARY, HeaderValue::from_static("Accept"));
    response
}

/// The actor document of a local actor (its keys are made on the first request).
pub async fn actor_document(state: &AppState, actor: Actor) -> ApubResult<Response> {
    if actor.deleted {
        return Err(ApubError::Gone);
    }
    let data = state.data().map_err(|e| ApubError::Internal(e.to_string()))?;
    let mut conn = state.pool.get().await?;
    let actor = crate::domain::actors::ensure_keys(&mut conn, actor).await?;
    drop(conn);
    let json = DbActor::new(actor)?.into_json(&data).await?;
    Ok(activity_json(serde_json::to_value(json).map_err(|e| ApubError::Internal(e.to_string()))?))
}

/// `GET /actor`: the instance actor.
pub async fn instance_actor(axum::extract::State(state): axum::extract::State<AppState>) -> Response {
    let actor = state.instance_actor.as_ref().clone();
    actor_document(&state, actor).await.unwrap_or_else(IntoResponse::into_response)
}
