//! Uploading images: photos for posts (with required alt text when posted), avatars, headers
//! and group icons. Files are written before the row that names them and deleted after the row
//! is gone, so a row never points at a missing file.

use super::{DomainError, DomainResult, validate};
use crate::db::models::actor::{Actor, ActorUpdate};
use crate::db::models::media::{Media, MediaId, MediaInsert, MediaUpdate, Purpose};
use crate::db::models::post::PostId;
use crate::db::{DbConn, now};
use crate::media::process::{self, Limit, Processed};
use crate::media::{MAX_ATTACHMENTS, MAX_DESCRIPTION, parse_focus};
use crate::state::AppState;

/// Processes an image off the async threads, when a decoding place is free
/// (`media.max_concurrent_decodes`: a decoded photo can take hundreds of megabytes); a refusal
/// is an error on field `field`.
pub async fn process_upload(state: &AppState, field: &'static str, bytes: Vec<u8>) -> DomainResult<Processed> {
    let limit = Limit { max_bytes: state.settings.media.max_upload_bytes, max_pixels: state.settings.media.max_pixels };
    state
        .limits
        .decodes
        .run_blocking(move || process::process(&bytes, limit))
        .await
        .ok_or_else(|| DomainError::Internal("image processing stopped".into()))?
        .map_err(|e| {
            tracing::info!(error = %e, "upload refused");
            DomainError::Invalid(validate::FieldErrors::one(field, e.message_key()))
        })
}

/// Checks an alt text: at most [`MAX_DESCRIPTION`] characters.
pub fn check_description(field: &'static str, description: &str, errors: &mut validate::FieldErrors) {
    if description.chars().count() > MAX_DESCRIPTION {
        errors.add(field, "error-description-too-long");
    }
}

fn check_focus(focus: Option<&str>) -> DomainResult<Option<String>> {
    match focus.map(str::trim).filter(|f| !f.is_empty()) {
        None => Ok(None),
        Some(f) => match parse_focus(f) {
            Some((x, y)) => Ok(Some(format!("{x},{y}"))),
            None => Err(DomainError::Invalid(validate::FieldErrors::one("focus", "error-focus-invalid"))),
        },
    }
}

/// Stores a processed image's files and its row.
async fn store(
    state: &AppState,
    conn: &mut DbConn,
    owner: &Actor,
    purpose: Purpose,
    image: Processed,
    description: &str,
    focus: Option<String>,
) -> DomainResult<Media> {
    let token = crate::util::tokens::random_token(16);
    let file_key = format!("{token}.{}", image.extension);
    let small_key = format!("{token}-small.{}", image.extension);
    let form = MediaInsert {
        owner_id: owner.id,
        post_id: None,
        purpose: purpose.as_str().into(),
        sort_order: 0,
        content_type: image.content_type.into(),
        file_key: Some(file_key.clone()),
        width: i32::try_from(image.original.width).ok(),
        height: i32::try_from(image.original.height).ok(),
        size: image.original.bytes.len() as i64,
        small_key: Some(small_key.clone()),
        small_width: i32::try_from(image.small.width).ok(),
        small_height: i32::try_from(image.small.height).ok(),
        small_size: Some(image.small.bytes.len() as i64),
        description: description.trim().to_string(),
        blurhash: image.blurhash,
        focus,
        remote_url: None,
        created_at: now(),
    };
    let storage = &state.media.storage;
    let written = async {
        storage.put(&file_key, image.original.bytes).await?;
        storage.put(&small_key, image.small.bytes).await
    }
    .await;
    if let Err(e) = written {
        storage.delete_all(&[file_key, small_key]).await;
        return Err(DomainError::Internal(e.to_string()));
    }
    match Media::insert(conn, &form).await {
        Ok(row) => Ok(row),
        Err(e) => {
            storage.delete_all(&[file_key, small_key]).await;
            Err(e.into())
        }
    }
}

/// Uploads a photo for a later post. The alt text may still be empty here (apps set it in a
/// second request); a post refuses photos without one.
pub async fn upload_attachment(
    state: &AppState,
    owner: &Actor,
    bytes: Vec<u8>,
    description: &str,
    focus: Option<&str>,
) -> DomainResult<Media> {
    let mut errors = validate::FieldErrors::default();
    check_description("description", description, &mut errors);
    errors.into_result()?;
    let focus = check_focus(focus)?;
    let image = process_upload(state, "file", bytes).await?;
    let mut conn = state.pool.get().await?;
    store(state, &mut conn, owner, Purpose::Attachment, image, description, focus).await
}

/// Changes the alt text or focal point of an upload not yet posted.
pub async fn update_attachment(
    state: &AppState,
    owner: &Actor,
    id: MediaId,
    description: Option<&str>,
    focus: Option<&str>,
) -> DomainResult<Media> {
    let mut errors = validate::FieldErrors::default();
    if let Some(d) = description {
        check_description("description", d, &mut errors);
    }
    errors.into_result()?;
    let focus = check_focus(focus)?;
    let mut conn = state.pool.get().await?;
    let row = own_unattached(&mut conn, owner, id).await?;
    let form = MediaUpdate {
        description: description.map(|d| d.trim().to_string()),
        focus: focus.map(Some),
        ..Default::default()
    };
    Media::update(&mut conn, row.id, &form).await?;
    Media::by_id(&mut conn, row.id).await?.ok_or(DomainError::NotFound)
}

/// An upload of `owner` that is not on a post yet, or NotFound (as Mastodon answers).
pub async fn own_unattached(conn: &mut DbConn, owner: &Actor, id: MediaId) -> DomainResult<Media> {
    Media::by_id(conn, id)
        .await?
        .filter(|m| m.owner_id == owner.id && m.post_id.is_none() && m.purpose == Purpose::Attachment.as_str())
        .ok_or(DomainError::NotFound)
}

/// Puts uploads on a post in the given order, inside the caller's transaction. Each must be the
/// author's, not on another post, and have alt text. Returns the rows now on the post and the
/// ones taken off it (their files are the caller's to delete after commit).
pub async fn attach(
    conn: &mut DbConn,
    author: &Actor,
    post: PostId,
    ids: &[MediaId],
) -> DomainResult<(Vec<Media>, Vec<Media>)> {
    let mut errors = validate::FieldErrors::default();
    if ids.len() > MAX_ATTACHMENTS {
        errors.add("media_ids", "error-media-too-many");
        return Err(DomainError::Invalid(errors));
    }
    let rows = Media::by_ids(conn, ids).await?;
    let mut ordered = Vec::with_capacity(ids.len());
    for id in ids {
        let Some(row) = rows.iter().find(|m| m.id == *id) else {
            errors.add("media_ids", "error-media-unknown");
            continue;
        };
        let usable = row.owner_id == author.id
            && row.purpose == Purpose::Attachment.as_str()
            && (row.post_id.is_none() || row.post_id == Some(post));
        if !usable {
            errors.add("media_ids", "error-media-unknown");
        } else if row.description.trim().is_empty() {
            errors.add("description", "error-alt-text-required");
        }
        ordered.push(row.clone());
    }
    errors.into_result()?;
    let previous = Media::of_posts(conn, &[post]).await?;
    let removed: Vec<Media> = previous.into_iter().filter(|m| !ids.contains(&m.id)).collect();
    for m in &removed {
        Media::delete(conn, m.id).await?;
    }
    for (position, row) in ordered.iter_mut().enumerate() {
        let position = position as i32;
        Media::update(
            conn,
            row.id,
            &MediaUpdate { post_id: Some(Some(post)), sort_order: Some(position), ..Default::default() },
        )
        .await?;
        row.post_id = Some(post);
        row.sort_order = position;
    }
    Ok((ordered, removed))
}

/// Replaces a local actor's avatar or header (processed with [`process_upload`] first, so every
/// input is checked before anything changes) and tells its followers.
pub async fn set_profile_image(
    state: &AppState,
    actor: &Actor,
    purpose: Purpose,
    image: Processed,
) -> DomainResult<Actor> {
    let mut tx = state.pool.begin().await?;
    let old = Media::of_owner(&mut tx, actor.id, purpose).await?;
    let row = store(state, &mut tx, actor, purpose, image, "", None).await?;
    let result = async {
        for m in &old {
            Media::delete(&mut tx, m.id).await?;
        }
        let url = row.file_key.as_deref().map(|k| state.media.storage.url(k));
        let mut update = ActorUpdate { updated_at: Some(now()), ..Default::default() };
        match purpose {
            Purpose::Header => update.image_url = Some(url.as_deref()),
            _ => update.icon_url = Some(url.as_deref()),
        }
        Actor::update(&mut tx, actor.id, &update).await?;
        let updated = Actor::by_id(&mut tx, actor.id).await?.ok_or(DomainError::NotFound)?;
        super::profile::announce_profile_update(state, &mut tx, &updated).await?;
        tx.commit().await?;
        Ok::<Actor, DomainError>(updated)
    }
    .await;
    let updated = match result {
        Ok(updated) => updated,
        Err(e) => {
            state.media.storage.delete_all(&row.keys()).await;
            return Err(e);
        }
    };
    state.delivery_wake.notify_waiters();
    let old_keys: Vec<String> = old.iter().flat_map(Media::keys).collect();
    state.media.storage.delete_all(&old_keys).await;
    Ok(updated)
}

/// Deletes uploads that were never posted within a day, rows first, then files.
pub async fn prune_unattached(state: &AppState) -> DomainResult<usize> {
    let before = now() - chrono::TimeDelta::days(1);
    let mut total = 0;
    loop {
        let rows = {
            let mut conn = state.pool.get().await?;
            let rows = Media::unattached_before(&mut conn, before, 100).await?;
            for m in &rows {
                Media::delete(&mut conn, m.id).await?;
            }
            rows
        };
        if rows.is_empty() {
            return Ok(total);
        }
        total += rows.len();
        let keys: Vec<String> = rows.iter().flat_map(Media::keys).collect();
        state.media.storage.delete_all(&keys).await;
    }
}
