//! Photos for a later post: upload, read back, and set the alt text and focal point.

use axum::extract::{DefaultBodyLimit, Path, State};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::errors::ErrorBody;
use crate::api::{ApiError, ApiResult, Caller, Input, Upload, json};
use crate::db::models::media::{Media as MediaRow, MediaId};
use crate::domain::media as domain;
use crate::state::AppState;

/// An uploaded photo, not yet on a post.
#[derive(Debug, Serialize, ToSchema)]
pub struct Media {
    pub id: String,
    /// The photo (size-capped, without metadata).
    pub url: String,
    /// A smaller version.
    pub preview_url: String,
    /// The alt text.
    pub description: String,
    /// The focal point, each from -1 to 1.
    pub focus: Option<Focus>,
    pub width: Option<i32>,
    pub height: Option<i32>,
    pub blurhash: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Focus {
    pub x: f64,
    pub y: f64,
}

impl Media {
    fn of(state: &AppState, m: &MediaRow) -> Media {
        let view = crate::media::ImageView::of(&state.media, m);
        Media {
            id: m.id.0.to_string(),
            url: view.url,
            preview_url: view.small_url,
            description: m.description.clone(),
            focus: m.focus.as_deref().and_then(crate::media::parse_focus).map(|(x, y)| Focus { x, y }),
            width: m.width,
            height: m.height,
            blurhash: m.blurhash.clone(),
        }
    }
}

fn media_id(id: &str) -> ApiResult<MediaId> {
    id.parse::<i64>().map(MediaId).map_err(|_| ApiError::not_found())
}

/// The text fields of an upload.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct UploadFields {
    description: String,
    focus: Option<String>,
}

/// An upload as documented: the file and the text fields.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct UploadForm {
    /// A JPEG, PNG, WebP or GIF image.
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
    /// The alt text; a post refuses photos without one.
    description: Option<String>,
    /// The focal point as `x,y`, each from -1 to 1.
    #[schema(example = "0.5,-0.25")]
    focus: Option<String>,
}

/// Uploads a photo for a later post.
#[utoipa::path(
    post,
    path = "/media",
    operation_id = "upload_media",
    tag = "media",
    request_body(content = UploadForm, content_type = "multipart/form-data"),
    responses(
        (status = 200, description = "Processed and stored", body = Media),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 413, description = "The file is too large", body = ErrorBody),
        (status = 422, description = "No file, or not an image this server takes", body = ErrorBody),
    ),
    security(("bearer" = ["write:media"])),
)]
pub async fn upload(State(state): State<AppState>, caller: Caller, mut upload: Upload<UploadFields>) -> ApiResult {
    let me = caller.user("write:media")?;
    let file = upload
        .take_file("file")
        .ok_or_else(|| ApiError::invalid_field("file", "error-required", "Validation failed: file is missing"))?;
    let UploadFields { description, focus } = upload.form;
    let media = domain::upload_attachment(&state, &me.actor, file, &description, focus.as_deref()).await?;
    Ok(json(&Media::of(&state, &media)))
}

/// One of the caller's uploads that is not on a post yet.
#[utoipa::path(
    get,
    path = "/media/{id}",
    operation_id = "get_media",
    tag = "media",
    params(("id" = String, Path, description = "The upload's id")),
    responses(
        (status = 200, description = "The upload", body = Media),
        (status = 404, description = "Not an upload of the caller's that is still unposted", body = ErrorBody),
    ),
    security(("bearer" = ["write:media"])),
)]
pub async fn get(State(state): State<AppState>, caller: Caller, Path(id): Path<String>) -> ApiResult {
    let me = caller.user("write:media")?;
    let mut conn = state.pool.get().await?;
    let media = domain::own_unattached(&mut conn, &me.actor, media_id(&id)?).await?;
    Ok(json(&Media::of(&state, &media)))
}

/// A change to an upload; what is left out stays as it is.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct MediaUpdate {
    pub description: Option<String>,
    /// `x,y`, each from -1 to 1.
    pub focus: Option<String>,
}

/// Sets the alt text or the focal point of an upload not yet posted.
#[utoipa::path(
    patch,
    path = "/media/{id}",
    operation_id = "update_media",
    tag = "media",
    params(("id" = String, Path, description = "The upload's id")),
    request_body(
        content((MediaUpdate = "application/json"), (MediaUpdate = "application/x-www-form-urlencoded"),
            (MediaUpdate = "multipart/form-data")),
    ),
    responses(
        (status = 200, description = "The upload", body = Media),
        (status = 404, description = "Not an upload of the caller's that is still unposted", body = ErrorBody),
        (status = 422, description = "A field is not valid", body = ErrorBody),
    ),
    security(("bearer" = ["write:media"])),
)]
pub async fn update(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Input(form): Input<MediaUpdate>,
) -> ApiResult {
    let me = caller.user("write:media")?;
    let id = media_id(&id)?;
    let media =
        domain::update_attachment(&state, &me.actor, id, form.description.as_deref(), form.focus.as_deref()).await?;
    Ok(json(&Media::of(&state, &media)))
}

/// The media routes, documented; uploads get the upload body limit.
pub fn api(settings: &crate::config::Settings) -> OpenApiRouter<AppState> {
    let uploads = DefaultBodyLimit::max(crate::media::upload_body_limit(settings));
    OpenApiRouter::new().routes(routes!(upload)).layer(uploads).routes(routes!(get, update))
}
