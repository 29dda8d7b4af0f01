//! Finding actors and posts of other servers: `@name@domain` through WebFinger, or a URL.

use activitypub_federation::fetch::object_id::ObjectId;
use activitypub_federation::fetch::webfinger::webfinger_resolve_actor;
use serde_json::Value;
use url::Url;

use crate::apub::{ApubError, ApubResult};
use crate::db::models::actor::{Actor, ActorId};
use crate::db::models::post::{Post, PostView};
use crate::domain::DomainError;
use crate::domain::remote_actors::{DbActor, domain_of};
use crate::domain::visibility::{self, Viewer};
use crate::state::AppState;

/// What a lookup found.
pub enum Found {
    Actor(Box<Actor>),
    Post(Box<PostView>),
}

/// `@name@domain` or `name@domain` (ours or remote; remote ones are fetched when `fetch`).
pub async fn account(state: &AppState, handle: &str, fetch: bool) -> ApubResult<Option<Actor>> {
    let handle = handle.trim().trim_start_matches('@');
    let (name, domain) = match handle.split_once('@') {
        Some((n, d)) => (n, d),
        None => (handle, state.settings.instance.domain.as_str()),
    };
    if name.is_empty() || domain.is_empty() || name.len() > 200 || domain.len() > 253 {
        return Ok(None);
    }
    {
        let mut conn = state.pool.get().await?;
        if let Some(actor) = Actor::by_name(&mut conn, name, domain).await?.filter(|a| !a.deleted) {
            return Ok(Some(actor));
        }
    }
    if !fetch || domain.eq_ignore_ascii_case(&state.settings.instance.domain) {
        return Ok(None);
    }
    let data = state.data().map_err(|e| ApubError::Internal(e.to_string()))?;
    match webfinger_resolve_actor::<_, DbActor>(&format!("{name}@{domain}"), &data).await {
        Ok(actor) => Ok(Some(actor.actor)),
        Err(ApubError::NotFound) => Ok(None),
        Err(e) => Err(e),
    }
}

/// The "follow this" page of someone's own server: the `http://ostatus.org/schema/1.0/subscribe`
/// template in the WebFinger of `@name@domain`. Errors are message keys for the person.
pub async fn subscribe_template(state: &AppState, handle: &str) -> Result<String, &'static str> {
    let handle = handle.trim().trim_start_matches('@');
    let Some((name, domain)) = handle.split_once('@') else {
        return Err("error-remote-handle");
    };
    if name.is_empty() || domain.is_empty() || handle.len() > 300 || domain.contains(['/', '?', '#', ' ']) {
        return Err("error-remote-handle");
    }
    let scheme = if state.settings.federation.allow_http { "http" } else { "https" };
    let url = format!("{scheme}://{domain}/.well-known/webfinger?resource=acct:{name}@{domain}");
    if !url::Url::parse(&url).is_ok_and(|u| crate::apub::address_allowed(&state.settings, &u)) {
        return Err("error-remote-handle");
    }
    if state.federation_policy.refuses_domain(domain) {
        return Err("federation-error-remote-blocked");
    }
    let response = state.http.get(&url).header("accept", "application/jrd+json, application/json").send().await;
    let Ok(response) = response.map_err(|e| tracing::info!(url, error = %e, "remote follow: WebFinger failed")) else {
        return Err("error-remote-unreachable");
    };
    if !response.status().is_success() {
        return Err("error-remote-unknown");
    }
    let body = crate::apub::read_capped(response, crate::apub::MAX_WEBFINGER_BYTES)
        .await
        .map_err(|e| tracing::info!(url, error = %e, "remote follow: WebFinger unreadable"))
        .map_err(|()| "error-remote-unknown")?;
    let body: Value = serde_json::from_slice(&body).map_err(|_| "error-remote-unknown")?;
    body["links"]
        .as_array()
        .and_then(|links| links.iter().find(|l| l["rel"] == "http://ostatus.org/schema/1.0/subscribe"))
        .and_then(|l| l["template"].as_str())
        .filter(|t| t.starts_with("https://") || (state.settings.federation.allow_http && t.starts_with("http://")))
        .map(str::to_string)
        .ok_or("error-remote-no-template")
}

/// An actor or post by URL: from the database, else fetched. A stored post is found only
/// when `viewer` may see it; one it may not see is not fetched again either.
pub async fn url(state: &AppState, url: &Url, fetch: bool, viewer: Option<ActorId>) -> ApubResult<Option<Found>> {
    {
        let mut conn = state.pool.get().await?;
        if let Some(actor) = Actor::by_ap_id(&mut conn, url.as_str()).await?.filter(|a| !a.deleted) {
            return Ok(Some(Found::Actor(Box::new(actor))));
        }
        if let Some(post) = Post::by_ap_id(&mut conn, url.as_str()).await? {
            return match visibility::visible_post(&mut conn, Viewer::of(viewer), post.id).await {
                Ok(view) => Ok(Some(Found::Post(Box::new(view)))),
                Err(DomainError::NotFound) => Ok(None),
                Err(e) => Err(ApubError::Internal(e.to_string())),
            };
        }
    }
    if !fetch || domain_of(url) == state.settings.instance.domain {
        return Ok(None);
    }
    let data = state.data().map_err(|e| ApubError::Internal(e.to_string()))?;
    let fetched = activitypub_federation::fetch::fetch_object_http::<_, Value>(url, &data).await?;
    let object = fetched.object;
    let kind = object.get("type").and_then(Value::as_str).unwrap_or("");
    if crate::db::models::actor::ActorKind::from_ap_type(kind).is_some() {
        let id: ObjectId<DbActor> = ObjectId::parse(url.as_str())?;
        return Ok(Some(Found::Actor(Box::new(id.dereference(&data).await?.actor))));
    }
    if ["Note", "Article", "Page", "Question"].contains(&kind) {
        let view = store_fetched_post(state, &data, &object, &fetched.url).await?;
        return Ok(Some(Found::Post(Box::new(view))));
    }
    Ok(None)
}

/// Stores a post fetched by URL: its id must be on the host it came from, and its author is
/// fetched too.
async fn store_fetched_post(
    state: &AppState,
    data: &crate::apub::Data,
    object: &Value,
    fetched_from: &Url,
) -> ApubResult<PostView> {
    let id =
        object.get("id").and_then(Value::as_str).ok_or_else(|| ApubError::BadRequest("object without id".into()))?;
    let id_url = Url::parse(id)?;
    if domain_of(&id_url) != domain_of(fetched_from) {
        return Err(ApubError::Forbidden("object id is on another host than its URL".into()));
    }
    let author = match object.get("attributedTo") {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Array(items)) => {
            items.iter().find_map(|i| i.as_str().or_else(|| i.get("id")?.as_str())).unwrap_or("").to_string()
        }
        Some(Value::Object(map)) => map.get("id").and_then(Value::as_str).unwrap_or("").to_string(),
        _ => String::new(),
    };
    let author_url = Url::parse(&author).map_err(|_| ApubError::BadRequest("object without author".into()))?;
    if domain_of(&author_url) != domain_of(&id_url) {
        return Err(ApubError::Forbidden("author is on another host than the object".into()));
    }
    let author_id: ObjectId<DbActor> = author_url.into();
    let author = author_id.dereference(data).await?.actor;
    let note: crate::apub::protocol::Note = crate::apub::protocol::values::from_value(object.clone())
        .map_err(|e| ApubError::BadRequest(format!("unusable post: {e}")))?;
    Ok(super::posts::remote::store_fetched(state, &author, &note).await?)
}
