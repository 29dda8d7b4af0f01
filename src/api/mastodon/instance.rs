//! `GET /api/v1/instance` and `/api/v2/instance`.

use axum::extract::State;
use serde_json::json;

use crate::api::{ApiResult, json};
use crate::config::RegistrationMode;
use crate::db::models::instance::Instance;
use crate::state::AppState;

/// The version apps see: Mastodon-compatible first, so version checks pass.
pub fn version() -> String {
    format!("4.2.0 (compatible; Buurt {})", env!("CARGO_PKG_VERSION"))
}

/// What apps may send; `vapid.public_key` is the key to subscribe to web push with (empty when
/// push is off).
fn configuration(state: &AppState) -> serde_json::Value {
    let media = &state.settings.media;
    json!({
        "urls": {"streaming": serde_json::Value::Null},
        "accounts": {"max_featured_tags": 0, "max_pinned_statuses": 0, "max_profile_fields": 0},
        "statuses": {"max_characters": crate::domain::posts::MAX_POST_CHARS, "max_media_attachments": crate::media::MAX_ATTACHMENTS, "characters_reserved_per_url": 23},
        "media_attachments": {
            "supported_mime_types": ["image/jpeg", "image/png", "image/webp", "image/gif"],
            "image_size_limit": media.max_upload_bytes, "image_matrix_limit": media.max_pixels,
            "video_size_limit": 0, "video_frame_rate_limit": 0, "video_matrix_limit": 0,
            "description_limit": crate::media::MAX_DESCRIPTION,
        },
        "polls": {"max_options": 0, "max_characters_per_option": 0, "min_expiration": 300, "max_expiration": 2629746},
        "translation": {"enabled": false},
        "vapid": {"public_key": &*state.vapid_public_key},
    })
}

pub async fn v1(State(state): State<AppState>) -> ApiResult {
    let usage = crate::domain::stats::usage(&state.pool).await?;
    let domains = {
        let mut conn = state.pool.get().await?;
        Instance::count(&mut conn).await?
    };
    let s = &state.settings.instance;
    let r = state.runtime.current();
    Ok(json(&json!({
        "uri": s.domain,
        "title": s.name,
        "short_description": r.description,
        "description": r.description,
        "email": r.contact_email,
        "version": version(),
        "urls": {"streaming_api": serde_json::Value::Null},
        "stats": {"user_count": usage.users, "status_count": usage.local_posts, "domain_count": domains},
        "thumbnail": serde_json::Value::Null,
        "languages": s.languages,
        "registrations": matches!(r.registration, RegistrationMode::Open | RegistrationMode::Approval),
        "approval_required": r.registration == RegistrationMode::Approval,
        "invites_enabled": r.registration == RegistrationMode::Invite,
        "configuration": configuration(&state),
        "contact_account": serde_json::Value::Null,
        "rules": [],
    })))
}

pub async fn v2(State(state): State<AppState>) -> ApiResult {
    let usage = crate::domain::stats::usage(&state.pool).await?;
    let s = &state.settings.instance;
    let r = state.runtime.current();
    let config = configuration(&state);
    Ok(json(&json!({
        "domain": s.domain,
        "title": s.name,
        "version": version(),
        "source_url": state.base_url.to_string(),
        "description": r.description,
        "usage": {"users": {"active_month": usage.active_month}},
        "thumbnail": {"url": format!("{}{}", state.base_url, crate::web::assets::url("header.png"))},
        "languages": s.languages,
        "configuration": config,
        "registrations": {
            "enabled": matches!(r.registration, RegistrationMode::Open | RegistrationMode::Approval),
            "approval_required": r.registration == RegistrationMode::Approval,
            "message": serde_json::Value::Null,
            "url": serde_json::Value::Null,
        },
        "api_versions": {"mastodon": 1},
        "contact": {"email": r.contact_email, "account": serde_json::Value::Null},
        "rules": [],
    })))
}

/// `GET /api/v1/instance/domain_blocks`: the limited and blocked servers, as Mastodon lists
/// them (`severity` `silence` or `suspend`; obfuscated domains partly hidden, with the SHA-256
/// `digest` of the real one).
pub async fn domain_blocks(State(state): State<AppState>) -> ApiResult {
    let blocks = crate::domain::federation::public_list(&state.pool).await?;
    let out: Vec<serde_json::Value> = blocks
        .into_iter()
        .map(|b| json!({"domain": b.domain, "digest": b.digest, "severity": b.severity.as_str(), "comment": b.comment}))
        .collect();
    Ok(crate::public_cache::shareable(json(&out)))
}
