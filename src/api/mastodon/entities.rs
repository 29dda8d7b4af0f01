//! Mastodon entities: Account, Status, Relationship. Ids are decimal strings, times carry
//! milliseconds and `Z`, lists are never null.

use std::collections::{HashMap, HashSet};

use serde_json::{Value, json};

use crate::db::DbConn;
use crate::db::models::actor::{Actor, ActorId, ActorKind};
use crate::db::models::actor_count::ActorCount;
use crate::db::models::follow::Follow;
use crate::db::models::local_user::Account;
use crate::db::models::media::Media;
use crate::db::models::post::{Post, PostId, PostView, Reaction, Visibility};
use crate::state::AppState;

pub fn time(t: chrono::NaiveDateTime) -> String {
    t.and_utc().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// `acct` as Mastodon shows it: `name` here, `name@domain` elsewhere.
pub fn acct(actor: &Actor) -> String {
    if actor.local { actor.username.clone() } else { format!("{}@{}", actor.username, actor.domain) }
}

/// The Account entity.
pub async fn account(state: &AppState, conn: &mut DbConn, actor: &Actor) -> Result<Value, crate::db::DbError> {
    let counts = ActorCount::of(conn, actor.id).await?;
    Ok(account_with(state, actor, &counts))
}

/// Account entities of several actors, with their counts read in one query.
pub async fn accounts(
    state: &AppState,
    conn: &mut DbConn,
    actors: &[&Actor],
) -> Result<HashMap<ActorId, Value>, crate::db::DbError> {
    let mut ids: Vec<ActorId> = actors.iter().map(|a| a.id).collect();
    ids.sort_unstable_by_key(|id| id.0);
    ids.dedup();
    let counts = ActorCount::of_each(conn, &ids).await?;
    Ok(actors.iter().map(|a| (a.id, account_with(state, a, &counts.get(&a.id).copied().unwrap_or_default()))).collect())
}

fn account_with(state: &AppState, actor: &Actor, counts: &ActorCount) -> Value {
    let (followers, following, statuses) = (counts.followers, counts.following, counts.posts);
    let avatar = match &actor.icon_url {
        Some(url) => crate::media::remote_url(&state.media, url),
        None => format!("{}{}", state.base_url, crate::web::assets::url("avatar.png")),
    };
    let header = match &actor.image_url {
        Some(url) => crate::media::remote_url(&state.media, url),
        None => format!("{}{}", state.base_url, crate::web::assets::url("header.png")),
    };
    let mut value = json!({
        "id": actor.id.0.to_string(),
        "username": actor.username,
        "acct": acct(actor),
        "display_name": actor.display_name,
        "locked": actor.manually_approves_followers,
        "bot": matches!(actor.kind(), ActorKind::Application | ActorKind::Service),
        "discoverable": actor.discoverable,
        "group": actor.kind() == ActorKind::Group,
        "created_at": time(actor.published),
        "note": actor.summary,
        "url": actor.url.clone().unwrap_or_else(|| actor.ap_id.clone()),
        "uri": actor.ap_id,
        "avatar": avatar,
        "avatar_static": avatar,
        "header": header,
        "header_static": header,
        "followers_count": followers,
        "following_count": following,
        "statuses_count": statuses,
        "last_status_at": Value::Null,
        "emojis": [],
        "fields": verified_field(state, actor),
    });
    // A former resident who kept their posts: no name, handle, bio or pictures, anywhere.
    if crate::domain::privacy::is_former_resident(actor) {
        value["username"] = json!("");
        value["acct"] = json!("");
        value["display_name"] = json!(first_language(state).t("privacy-former-resident"));
        value["note"] = json!("");
        value["url"] = json!(state.base_url.as_ref());
    }
    // Mastodon's flags for a limited (silenced) or suspended account.
    if actor.silenced_at.is_some() {
        value["limited"] = json!(true);
    }
    if actor.suspended_at.is_some() {
        value["suspended"] = json!(true);
    }
    value
}

/// The instance's first language, for words the API sends without knowing the reader's.
fn first_language(state: &AppState) -> crate::i18n::Lang {
    state.settings.instance.languages.first().and_then(|c| crate::i18n::Lang::parse(c)).unwrap_or(crate::i18n::Lang::Nl)
}

/// A verified organisation's badge as apps show one: a profile field with `verified_at`, in the
/// instance's first language.
fn verified_field(state: &AppState, actor: &Actor) -> Value {
    let Some(at) = actor.verified_at else { return json!([]) };
    let lang = first_language(state);
    let value = lang.t_with("verified-field-value", &[("site", state.settings.instance.name.as_str().into())]);
    json!([{
        "name": lang.t("verified-field-name"),
        "value": ammonia::clean_text(&value),
        "verified_at": time(at),
    }])
}

/// Account plus `source`, for `verify_credentials`.
pub async fn credential_account(
    state: &AppState,
    conn: &mut DbConn,
    me: &Account,
) -> Result<Value, crate::db::DbError> {
    let mut value = account(state, conn, &me.actor).await?;
    value["source"] = json!({
        "privacy": "public",
        "sensitive": false,
        "language": me.user.language.clone().unwrap_or_default(),
        "note": crate::util::html::html_to_text(&me.actor.summary),
        "fields": [],
        "follow_requests_count": 0,
    });
    value["role"] = json!({"id": "0", "name": me.user.role, "permissions": "0", "color": "", "highlighted": false});
    Ok(value)
}

/// Mastodon's visibility names.
pub fn visibility(v: Visibility) -> &'static str {
    match v {
        Visibility::Public => "public",
        Visibility::Unlisted => "unlisted",
        Visibility::Followers | Visibility::Members => "private",
        Visibility::Direct => "direct",
    }
}

/// Statuses for a page of posts, with counts and the viewer's reactions read in a few queries.
pub async fn statuses(
    state: &AppState,
    conn: &mut DbConn,
    views: &[PostView],
    viewer: Option<&Account>,
) -> Result<Vec<Value>, crate::db::DbError> {
    let ids: Vec<PostId> = views.iter().map(|v| v.post.id).collect();
    let likes = Reaction::Like.counts(conn, &ids).await?;
    let boosts = Reaction::Announce.counts(conn, &ids).await?;
    let (liked, boosted) = match viewer {
        Some(me) => (
            Reaction::Like.mine(conn, me.actor.id, &ids).await?,
            Reaction::Announce.mine(conn, me.actor.id, &ids).await?,
        ),
        None => (HashSet::new(), HashSet::new()),
    };
    let mut authors: Vec<ActorId> = views.iter().map(|v| v.author.id).collect();
    authors.sort_unstable_by_key(|id| id.0);
    authors.dedup();
    let counts = ActorCount::of_each(conn, &authors).await?;
    let mut media = crate::media::by_post(conn, &ids).await?;
    // Replies anyone may see (public and unlisted), as the thread pages count them.
    let ap_ids: Vec<&str> = views.iter().map(|v| v.post.ap_id.as_str()).collect();
    let replies = crate::db::views::thread::open_reply_counts(conn, &ap_ids).await?;
    let mut accounts: HashMap<ActorId, Value> = HashMap::new();
    for view in views {
        accounts.entry(view.author.id).or_insert_with(|| {
            account_with(state, &view.author, &counts.get(&view.author.id).copied().unwrap_or_default())
        });
    }
    let parent_ids: Vec<&str> = views.iter().filter_map(|v| v.post.in_reply_to.as_deref()).collect();
    let parents = Post::ids_by_ap_ids(conn, &parent_ids).await?;
    let mut out = Vec::with_capacity(views.len());
    for view in views {
        let p = &view.post;
        let in_reply_to = p.in_reply_to.as_deref().and_then(|parent| parents.get(parent));
        let mut status = json!({
            "id": p.id.0.to_string(),
            "uri": p.ap_id,
            "url": p.url.clone().unwrap_or_else(|| p.ap_id.clone()),
            "created_at": time(p.published),
            "edited_at": p.updated_at.map(time),
            "account": accounts.get(&view.author.id).cloned().unwrap_or(Value::Null),
            "content": p.content,
            "visibility": visibility(p.visibility),
            "sensitive": p.sensitive,
            "spoiler_text": p.summary.clone().unwrap_or_default(),
            "media_attachments": media.remove(&p.id).unwrap_or_default().iter().map(|m| media_attachment(state, m)).collect::<Vec<_>>(),
            "mentions": [],
            "tags": [],
            "emojis": [],
            "reblogs_count": boosts.get(&p.id).copied().unwrap_or(0),
            "favourites_count": likes.get(&p.id).copied().unwrap_or(0),
            "replies_count": replies.get(&view.post.ap_id).copied().unwrap_or(0),
            "in_reply_to_id": in_reply_to.map(|(id, _)| id.0.to_string()),
            "in_reply_to_account_id": in_reply_to.map(|(_, author)| author.0.to_string()),
            "reblog": Value::Null,
            "poll": Value::Null,
            "card": Value::Null,
            "application": Value::Null,
            "language": p.language,
        });
        if p.kind == "article"
            && let Some(name) = &p.name
        {
            // Apps show only `content`: put an article's title on top of it.
            status["content"] = json!(format!("<p><strong>{}</strong></p>{}", html_escape(name), p.content));
        }
        if viewer.is_some() {
            status["favourited"] = json!(liked.contains(&p.id));
            status["reblogged"] = json!(boosted.contains(&p.id));
            status["bookmarked"] = json!(false);
            status["muted"] = json!(false);
            status["pinned"] = json!(false);
            status["filtered"] = json!([]);
        }
        out.push(status);
    }
    Ok(out)
}

/// The MediaAttachment entity.
pub fn media_attachment(state: &AppState, m: &Media) -> Value {
    let view = crate::media::ImageView::of(&state.media, m);
    let dims = |w: Option<i32>, h: Option<i32>| match (w, h) {
        (Some(w), Some(h)) if h > 0 => json!({
            "width": w, "height": h, "size": format!("{w}x{h}"), "aspect": f64::from(w) / f64::from(h),
        }),
        _ => Value::Null,
    };
    let mut meta = json!({
        "original": dims(m.width, m.height),
        "small": dims(view.small_width, view.small_height),
    });
    if let Some((x, y)) = m.focus.as_deref().and_then(crate::media::parse_focus) {
        meta["focus"] = json!({"x": x, "y": y});
    }
    json!({
        "id": m.id.0.to_string(),
        "type": "image",
        "url": view.url,
        "preview_url": view.small_url,
        "remote_url": view.remote_url,
        "preview_remote_url": Value::Null,
        "text_url": Value::Null,
        "meta": meta,
        "description": (!m.description.is_empty()).then_some(&m.description),
        "blurhash": m.blurhash,
    })
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// The Relationship entity between the viewer and `other`.
pub async fn relationship(conn: &mut DbConn, me: &Account, other: &Actor) -> crate::domain::DomainResult<Value> {
    let out = Follow::find(conn, me.actor.id, other.id).await?;
    let back = Follow::find(conn, other.id, me.actor.id).await?;
    let standing = crate::domain::blocks::standing(conn, &me.actor, other).await?;
    Ok(json!({
        "id": other.id.0.to_string(),
        "following": out.as_ref().is_some_and(|f| f.accepted),
        "requested": out.as_ref().is_some_and(|f| !f.accepted),
        "followed_by": back.as_ref().is_some_and(|f| f.accepted),
        "requested_by": back.as_ref().is_some_and(|f| !f.accepted),
        "showing_reblogs": true,
        "notifying": false,
        "languages": Value::Null,
        "blocking": standing.blocking,
        "blocked_by": standing.blocked_by,
        "muting": standing.muting,
        "muting_notifications": standing.muting_notifications,
        "domain_blocking": standing.domain_blocking,
        "endorsed": false,
        "note": "",
    }))
}
