//! Media: `POST /api/v2/media` (and v1), `GET`/`PUT /api/v1/media/{id}`. Processing is done
//! before answering, so the answer is always 200 with the URLs.

use axum::extract::{Path, State};

use super::entities;
use crate::api::{ApiError, ApiResult, Caller, Input, Upload, json};
use crate::db::models::media::MediaId;
use crate::domain::media as domain;
use crate::state::AppState;

fn media_id(id: &str) -> ApiResult<MediaId> {
    id.parse::<i64>().map(MediaId).map_err(|_| ApiError::not_found())
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct UploadForm {
    description: String,
    focus: Option<String>,
}

/// `POST /api/v2/media` and `/api/v1/media`: multipart `file`, optional `description`, `focus`.
pub async fn upload(State(state): State<AppState>, caller: Caller, mut upload: Upload<UploadForm>) -> ApiResult {
    let me = caller.user("write:media")?;
    let file = upload
        .take_file("file")
        .ok_or_else(|| ApiError::invalid_field("file", "error-required", "Validation failed: file is missing"))?;
    let UploadForm { description, focus } = upload.form;
    let media = domain::upload_attachment(&state, &me.actor, file, &description, focus.as_deref()).await?;
    Ok(json(&entities::media_attachment(&state, &media)))
}

pub async fn get(State(state): State<AppState>, caller: Caller, Path(id): Path<String>) -> ApiResult {
    let me = caller.user("write:media")?;
    let mut conn = state.pool.get().await?;
    let media = domain::own_unattached(&mut conn, &me.actor, media_id(&id)?).await?;
    Ok(json(&entities::media_attachment(&state, &media)))
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct UpdateForm {
    description: Option<String>,
    focus: Option<String>,
}

/// `PUT /api/v1/media/{id}`: alt text and focal point of an upload not yet posted.
pub async fn update(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Input(form): Input<UpdateForm>,
) -> ApiResult {
    let me = caller.user("write:media")?;
    let media = domain::update_attachment(
        &state,
        &me.actor,
        media_id(&id)?,
        form.description.as_deref(),
        form.focus.as_deref(),
    )
    .await?;
    Ok(json(&entities::media_attachment(&state, &media)))
}
