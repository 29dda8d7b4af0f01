//! "Download my data" (GDPR articles 15 and 20): a zip with `data.json`, everything stored
//! about the person, and their uploaded images under `media/`.

use std::io::Write;

use serde_json::{Value, json};

use crate::db::models::local_user::Account;
use crate::db::views::export::{FollowLink, Link, PersonData, person_data};
use crate::domain::{DomainError, DomainResult};
use crate::state::AppState;

/// The export's format version, in `data.json`.
pub const FORMAT: u32 = 1;

fn time(t: chrono::NaiveDateTime) -> String {
    t.and_utc().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

fn opt_time(t: Option<chrono::NaiveDateTime>) -> Value {
    t.map_or(Value::Null, |t| Value::String(time(t)))
}

fn links(list: &[Link], key: &str) -> Value {
    list.iter().map(|l| json!({ key: l.ap_id, "created_at": time(l.created_at) })).collect()
}

fn follows(list: &[FollowLink]) -> Value {
    list.iter().map(|f| json!({"actor": f.ap_id, "accepted": f.accepted, "created_at": time(f.created_at)})).collect()
}

/// The zip's file name: `buurt-NAME-YYYY-MM-DD.zip`.
pub fn file_name(actor: &crate::db::models::actor::Actor) -> String {
    let day = crate::db::now().format("%Y-%m-%d");
    let name: String = actor.username.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
    format!("buurt-{name}-{day}.zip")
}

/// The file name of an uploaded image inside the zip.
pub fn media_path(key: &str) -> String {
    format!("media/{key}")
}

/// `data.json`: the person's account, profile and every record about them.
pub fn data_json(state: &AppState, account: &Account, data: &PersonData) -> Value {
    let (user, actor) = (&account.user, &account.actor);
    let posts: Vec<Value> = data
        .posts
        .iter()
        .map(|p| {
            json!({
                "id": p.ap_id,
                "url": format!("{}/p/{}", state.base_url, p.id.0),
                "kind": p.kind,
                "title": p.name,
                "content": p.content,
                "source": p.source,
                "summary": p.summary,
                "sensitive": p.sensitive,
                "language": p.language,
                "in_reply_to": p.in_reply_to,
                "visibility": p.visibility.as_str(),
                "deleted": p.deleted,
                "hidden_by_moderator": p.hidden_at.is_some(),
                "removed_by_moderator": p.removed_at.is_some(),
                "created_at": time(p.published),
                "edited_at": opt_time(p.updated_at),
            })
        })
        .collect();
    let post_ap_id = |id: crate::db::models::post::PostId| {
        data.posts.iter().find(|p| p.id == id).map_or(Value::Null, |p| Value::String(p.ap_id.clone()))
    };
    let edits: Vec<Value> = data
        .post_edits
        .iter()
        .map(|e| {
            json!({
                "post": post_ap_id(e.post_id),
                "title": e.name,
                "content": e.content,
                "summary": e.summary,
                "written_at": time(e.written_at),
            })
        })
        .collect();
    let memberships: Vec<Value> = data
        .memberships
        .iter()
        .map(|m| json!({"group": m.group, "role": m.role, "state": m.state, "created_at": time(m.created_at)}))
        .collect();
    let preferences: Vec<Value> = data
        .notification_preferences
        .iter()
        .map(|p| json!({"kind": p.kind, "scope": p.scope, "channel": p.channel}))
        .collect();
    let mutes: Vec<Value> = data
        .mutes
        .iter()
        .map(|m| {
            json!({
                "actor": m.ap_id,
                "notifications": m.notifications,
                "expires_at": opt_time(m.expires_at),
                "created_at": time(m.created_at),
            })
        })
        .collect();
    let reports: Vec<Value> = data
        .reports
        .iter()
        .map(|r| {
            json!({
                "id": r.id,
                "subject": r.subject_kind,
                "post_id": r.post_id.map(|p| p.0),
                "actor_id": r.actor_id.map(|a| a.0),
                "group_id": r.group_id.map(|a| a.0),
                "category": r.category,
                "legal_ground": r.legal_ground,
                "comment": r.comment,
                "forwarded": r.forward,
                "state": r.state,
                "resolution": r.resolution,
                "created_at": time(r.created_at),
                "resolved_at": opt_time(r.resolved_at),
            })
        })
        .collect();
    let decisions: Vec<Value> = data
        .decisions
        .iter()
        .map(|d| {
            json!({
                "id": d.id.0,
                "measure": d.kind,
                "post": d.post_id.map_or(Value::Null, post_ap_id),
                "ground": d.ground,
                "law": d.law,
                "facts": d.facts,
                "ends_at": opt_time(d.ends_at),
                "created_at": time(d.created_at),
                "reversed_at": opt_time(d.reversed_at),
                "reversal_reason": d.reversal_reason,
                "statement": format!("{}/moderatie/besluiten/{}", state.base_url, d.id.0),
            })
        })
        .collect();
    let appeals: Vec<Value> = data
        .appeals
        .iter()
        .map(|a| {
            json!({
                "decision": a.action_id.0,
                "text": a.text,
                "state": a.state,
                "answer": a.answer,
                "created_at": time(a.created_at),
                "decided_at": opt_time(a.decided_at),
            })
        })
        .collect();
    let media: Vec<Value> = data
        .media
        .iter()
        .map(|m| {
            json!({
                "id": m.id.0,
                "purpose": m.purpose,
                "post": m.post_id.map_or(Value::Null, post_ap_id),
                "description": m.description,
                "content_type": m.content_type,
                "width": m.width,
                "height": m.height,
                "file": m.file_key.as_deref().map(media_path),
                "created_at": time(m.created_at),
            })
        })
        .collect();
    json!({
        "format": FORMAT,
        "instance": state.base_url.as_ref(),
        "exported_at": time(crate::db::now()),
        "account": {
            "username": actor.username,
            "email": user.email,
            "email_confirmed": user.email_confirmed(),
            "role": user.role,
            "status": user.status,
            "language": user.language,
            "created_at": time(user.created_at),
            "last_login_at": opt_time(user.last_login_at),
            "registration_reason": user.registration_reason,
        },
        "profile": {
            "id": actor.ap_id,
            "display_name": actor.display_name,
            "bio": actor.summary,
            "avatar": actor.icon_url,
            "header": actor.image_url,
            "manually_approves_followers": actor.manually_approves_followers,
            "discoverable": actor.discoverable,
        },
        "neighbourhood": data.neighbourhood,
        "posts": posts,
        "post_edits": edits,
        "likes": links(&data.likes, "post"),
        "boosts": links(&data.boosts, "post"),
        "following": follows(&data.following),
        "followers": follows(&data.followers),
        "memberships": memberships,
        "event_answers": data.event_answers.iter().map(|a| json!({
            "event": a.event, "title": a.title, "answer": a.state, "message": a.message, "created_at": time(a.created_at),
        })).collect::<Vec<_>>(),
        "events_organised": data.events_organised,
        "notification_preferences": preferences,
        "push_subscriptions": data.push_endpoints.iter().map(|p| json!({"endpoint": p.ap_id, "created_at": time(p.created_at)})).collect::<Vec<_>>(),
        "blocks": links(&data.blocks, "actor"),
        "mutes": mutes,
        "domain_blocks": links(&data.domain_blocks, "domain"),
        "hidden_posts": links(&data.hidden_posts, "post"),
        "reports": reports,
        "moderation_decisions": decisions,
        "appeals": appeals,
        "media": media,
    })
}

/// The zip of everything stored about the person: `data.json` and `media/<file>` for each of
/// their uploaded images. A file missing from storage is left out (and logged).
pub async fn export(state: &AppState, account: &Account) -> DomainResult<Vec<u8>> {
    let (account, data) = {
        let mut conn = state.pool.get().await?;
        let account = Account::by_actor(&mut conn, account.actor.id).await?.ok_or(DomainError::NotFound)?;
        let data =
            person_data(&mut conn, account.actor.id, account.user.id, account.user.home_neighbourhood_id).await?;
        (account, data)
    };
    let json = data_json(state, &account, &data);
    let text = serde_json::to_vec_pretty(&json).map_err(|e| DomainError::Internal(e.to_string()))?;
    let mut files = vec![("data.json".to_string(), text)];
    for key in data.media.iter().filter_map(|m| m.file_key.as_deref()) {
        match state.media.storage.get(key).await {
            Ok(Some(bytes)) => files.push((media_path(key), bytes)),
            Ok(None) => tracing::warn!(key, "an exported image is missing from storage"),
            Err(e) => return Err(DomainError::Internal(format!("reading {key}: {e}"))),
        }
    }
    tokio::task::spawn_blocking(move || zip_files(files)).await.map_err(|e| DomainError::Internal(e.to_string()))?
}

fn zip_files(files: Vec<(String, Vec<u8>)>) -> DomainResult<Vec<u8>> {
    use zip::write::SimpleFileOptions;
    let internal = |e: &dyn std::fmt::Display| DomainError::Internal(format!("writing the zip: {e}"));
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, bytes) in files {
        // Images are compressed already; deflating them again costs time and saves nothing.
        let method =
            if name.ends_with(".json") { zip::CompressionMethod::Deflated } else { zip::CompressionMethod::Stored };
        zip.start_file(name, SimpleFileOptions::default().compression_method(method)).map_err(|e| internal(&e))?;
        zip.write_all(&bytes).map_err(|e| internal(&e))?;
    }
    Ok(zip.finish().map_err(|e| internal(&e))?.into_inner())
}
