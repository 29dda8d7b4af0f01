//! Serving actors and collections as ActivityStreams JSON.

use activitypub_federation::traits::Object;
use axum::extract::{Path, Query, State};
use axum::http::HeaderValue;
use axum::http::header::{CONTENT_TYPE, VARY};
use axum::response::{IntoResponse, Response};
use serde_json::Value;
use url::Url;

use super::protocol::{OrderedCollection, OrderedCollectionPage};
use super::{ApubError, ApubResult, context};
use crate::db::models::actor::{Actor, ActorKind};
use crate::db::models::actor_count::ActorCount;
use crate::db::models::follow::{Follow, Side};
use crate::db::models::outbox_activity::OutboxActivity;
use crate::db::models::post::{Post, PostId, PostView};
use crate::domain::remote_actors::DbActor;
use crate::domain::visibility::{self, Viewer};
use crate::state::AppState;

/// With `signed_fetch_only`, ActivityStreams GETs must be signed by some actor; discovery, the
/// instance actor and pages for browsers stay open. The routes that only ever answer
/// ActivityStreams JSON (collections and activities) require the signature whatever the
/// `Accept` header says, and answer `406` to an `Accept` that excludes JSON.
pub async fn signed_fetch_middleware(
    State(state): State<AppState>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let open_path = |p: &str| p == "/actor" || p.starts_with("/.well-known/") || p.starts_with("/nodeinfo/");
    let method = request.method();
    if method != axum::http::Method::GET && method != axum::http::Method::HEAD {
        return next.run(request).await;
    }
    let json_only = activity_only_path(request.uri().path());
    if json_only && !accepts_json(request.headers()) {
        return (
            axum::http::StatusCode::NOT_ACCEPTABLE,
            [(VARY, "Accept")],
            "406 Not Acceptable: application/activity+json only\n",
        )
            .into_response();
    }
    if !state.settings.federation.signed_fetch_only
        || !(json_only || super::wants_activity_json(request.headers()))
        || open_path(request.uri().path())
    {
        return next.run(request).await;
    }
    let (parts, body) = request.into_parts();
    match super::inbox::verify_request(&state, &parts.method, &parts.uri, &parts.headers, &[]).await {
        Ok(signer) if state.federation_policy.refuses_actor(&signer.actor.ap_id) => {
            ApubError::Forbidden(super::inbox::BLOCKED.into()).into_response()
        }
        Ok(_) => next.run(axum::extract::Request::from_parts(parts, body)).await,
        Err(e) => match e {
            ApubError::Unauthorized(_) => e.into_response(),
            other => ApubError::Unauthorized(other.to_string()).into_response(),
        },
    }
}

/// The routes that serve nothing but ActivityStreams JSON (no page for browsers): the
/// collections of an actor, the `Create` of a post and the activities we sent.
fn activity_only_path(path: &str) -> bool {
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    matches!(
        segments.as_slice(),
        ["u" | "g", _, "outbox" | "followers" | "following" | "featured"]
            | ["g", _, "members" | "moderators"]
            | ["p", _, "activity"]
            | ["activities", _, _]
    )
}

/// Whether a request takes JSON: no `Accept`, or one naming an ActivityStreams type, any JSON,
/// or `*/*` (with a quality above zero).
fn accepts_json(headers: &axum::http::HeaderMap) -> bool {
    let mut values = headers.get_all(axum::http::header::ACCEPT).iter().peekable();
    if values.peek().is_none() {
        return true;
    }
    values.filter_map(|v| v.to_str().ok()).flat_map(|v| v.split(',')).any(|part| {
        let mut params = part.split(';');
        let media = params.next().unwrap_or("").trim().to_ascii_lowercase();
        let refused = params.any(|p| {
            p.trim().split_once('=').is_some_and(|(k, v)| {
                k.trim().eq_ignore_ascii_case("q") && v.trim().parse::<f32>().is_ok_and(|q| q <= 0.0)
            })
        });
        !refused
            && matches!(
                media.as_str(),
                "application/activity+json" | "application/ld+json" | "application/json" | "application/*" | "*/*"
            )
    })
}

/// A protocol struct as JSON. They are plain data, which serializes without fail.
fn to_value(value: &impl serde::Serialize) -> Value {
    serde_json::to_value(value).unwrap_or_else(|e| {
        tracing::error!(error = %e, "a protocol struct did not serialize");
        Value::Null
    })
}

/// A JSON-LD document with our context, as `application/activity+json`. Every reader allowed to
/// see it gets the same document, so anonymous reads of it may be cached (`public_cache`).
pub fn activity_json(mut value: serde_json::Value) -> Response {
    if let Some(map) = value.as_object_mut() {
        map.insert("@context".into(), context());
    }
    let mut response = axum::Json(value).into_response();
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/activity+json; charset=utf-8"));
    headers.insert(VARY, HeaderValue::from_static("Accept"));
    crate::public_cache::shareable(response)
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

/// Items per collection page.
const PAGE_SIZE: i64 = 20;

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct PageQuery {
    page: Option<String>,
    before: Option<i64>,
}

async fn local_actor(state: &AppState, name: &str, kind: ActorKind) -> ApubResult<Actor> {
    let mut conn = state.pool.get().await?;
    match crate::domain::actors::local_by_name(&mut conn, &state.settings, name).await? {
        Some(a) if a.kind().family() == kind => Ok(a),
        _ => Err(ApubError::NotFound),
    }
}

fn collection_url(base: &str, page: Option<i64>) -> ApubResult<Url> {
    Ok(match page {
        Some(before) => Url::parse(&format!("{base}?page=true&before={before}"))?,
        None => Url::parse(&format!("{base}?page=true"))?,
    })
}

/// An `OrderedCollection` whose inline items are its first page, or one page of it.
fn collection(
    id: &str,
    total: i64,
    page: bool,
    before: Option<i64>,
    items: Vec<Value>,
    next_cursor: Option<i64>,
) -> ApubResult<Response> {
    let value = if page {
        let next = match next_cursor {
            Some(cursor) => Some(collection_url(id, Some(cursor))?),
            None => None,
        };
        serde_json::to_value(OrderedCollectionPage {
            kind: "OrderedCollectionPage".into(),
            id: collection_url(id, before)?,
            part_of: Url::parse(id)?,
            total_items: total,
            next,
            prev: None,
            ordered_items: items,
        })
    } else {
        serde_json::to_value(OrderedCollection {
            kind: "OrderedCollection".into(),
            id: Url::parse(id)?,
            total_items: total,
            first: Some(collection_url(id, None)?),
            last: None,
            ordered_items: items,
        })
    }
    .map_err(|e| ApubError::Internal(e.to_string()))?;
    Ok(activity_json(value))
}

/// Groups live under `/g/`, persons under `/u/`.
fn kind_of(uri: &axum::http::Uri) -> ActorKind {
    match uri.path().get(..3) {
        Some("/g/") => ActorKind::Group,
        Some("/e/") => ActorKind::Event,
        _ => ActorKind::Person,
    }
}

/// `GET /{u|g}/{name}/outbox`: Create activities of public posts, newest first.
pub async fn outbox(
    State(state): State<AppState>,
    uri: axum::http::Uri,
    Path(name): Path<String>,
    Query(q): Query<PageQuery>,
) -> ApubResult<Response> {
    let actor = local_actor(&state, &name, kind_of(&uri)).await?;
    if actor.kind().is_group() {
        return group_outbox(&state, actor, &q).await;
    }
    let mut conn = state.pool.get().await?;
    let total = ActorCount::of(&mut conn, actor.id).await?.posts;
    let posts = Post::outbox_page(&mut conn, actor.id, q.before, PAGE_SIZE).await?;
    let next = (posts.len() as i64 == PAGE_SIZE).then(|| posts.last().map(|p| p.id.0)).flatten();
    let ids: Vec<PostId> = posts.iter().map(|p| p.id).collect();
    let mut media = crate::media::by_post(&mut conn, &ids).await?;
    // The groups the page's posts were written in, in one query.
    let group_ids: Vec<_> = posts.iter().filter_map(|p| p.audience_id).collect();
    let groups: std::collections::HashMap<_, _> =
        Actor::by_ids(&mut conn, &group_ids).await?.into_iter().map(|g| (g.id, g)).collect();
    let items = posts
        .iter()
        .map(|p| {
            let attachments = crate::media::ap_attachments(&state.media, &media.remove(&p.id).unwrap_or_default());
            let group = p.audience_id.and_then(|g| groups.get(&g));
            to_value(&crate::domain::posts::wire::create(p, &actor, group, attachments))
        })
        .collect();
    let id = actor.outbox_url.clone().unwrap_or_else(|| format!("{}/outbox", actor.ap_id));
    collection(&id, total, q.page.is_some(), q.before, items, next)
}

/// A group's outbox: its `Announce` of each public thread's Create, newest first, as Lemmy's
/// communities list theirs (a members-only group's is empty).
async fn group_outbox(state: &AppState, actor: Actor, q: &PageQuery) -> ApubResult<Response> {
    use crate::domain::groups::{self, discussions};
    let mut conn = state.pool.get().await?;
    let group = groups::with_profile(&mut conn, actor).await?;
    let (total, rows) = discussions::outbox_page(&mut conn, &group, q.before, PAGE_SIZE).await?;
    let next = (rows.len() as i64 == PAGE_SIZE).then(|| rows.last().map(|(p, _)| p.id.0)).flatten();
    let mut media = attachments_of(state, &mut conn, &rows).await?;
    let items = rows
        .iter()
        .map(|(post, author)| {
            let attachments = media.remove(&post.id).unwrap_or_default();
            to_value(&discussions::announced_create(&group.actor, post, author, attachments))
        })
        .collect();
    let id = group.actor.outbox_url.clone().unwrap_or_else(|| format!("{}/outbox", group.actor.ap_id));
    collection(&id, total, q.page.is_some(), q.before, items, next)
}

/// The ActivityStreams attachments of each of `posts`.
async fn attachments_of(
    state: &AppState,
    conn: &mut crate::db::DbConn,
    posts: &[(Post, Actor)],
) -> ApubResult<std::collections::HashMap<PostId, Vec<super::protocol::Attachment>>> {
    let ids: Vec<PostId> = posts.iter().map(|(p, _)| p.id).collect();
    let media = crate::media::by_post(conn, &ids).await?;
    Ok(media.into_iter().map(|(id, m)| (id, crate::media::ap_attachments(&state.media, &m))).collect())
}

/// `GET /{u|g}/{name}/followers` and `/following`.
pub async fn followers(
    State(state): State<AppState>,
    uri: axum::http::Uri,
    Path(name): Path<String>,
    Query(q): Query<PageQuery>,
) -> ApubResult<Response> {
    follow_collection(&state, &uri, &name, &q, Side::Followers).await
}

pub async fn following(
    State(state): State<AppState>,
    uri: axum::http::Uri,
    Path(name): Path<String>,
    Query(q): Query<PageQuery>,
) -> ApubResult<Response> {
    follow_collection(&state, &uri, &name, &q, Side::Following).await
}

async fn follow_collection(
    state: &AppState,
    uri: &axum::http::Uri,
    name: &str,
    q: &PageQuery,
    side: Side,
) -> ApubResult<Response> {
    let actor = local_actor(state, name, kind_of(uri)).await?;
    let mut conn = state.pool.get().await?;
    let counts = ActorCount::of(&mut conn, actor.id).await?;
    let total = match side {
        Side::Followers => counts.followers,
        Side::Following => counts.following,
    };
    let rows = Follow::page(&mut conn, actor.id, side, q.before, PAGE_SIZE).await?;
    let next = (rows.len() as i64 == PAGE_SIZE).then(|| rows.last().map(|(id, _)| *id)).flatten();
    let items = rows.into_iter().map(|(_, a)| Value::String(a.ap_id)).collect();
    let path = if side == Side::Followers { "followers" } else { "following" };
    collection(&format!("{}/{path}", actor.ap_id), total, q.page.is_some(), q.before, items, next)
}

/// `GET /g/{name}/members`: how many members a group has, and who they are when its content is
/// public (a members-only group names nobody).
pub async fn members(State(state): State<AppState>, Path(name): Path<String>) -> ApubResult<Response> {
    group_collection(&state, &name, "members").await
}

/// `GET /g/{name}/moderators`: the group's moderators and administrators (the Group's
/// `attributedTo`).
pub async fn moderators(State(state): State<AppState>, Path(name): Path<String>) -> ApubResult<Response> {
    group_collection(&state, &name, "moderators").await
}

async fn group_collection(state: &AppState, name: &str, which: &str) -> ApubResult<Response> {
    use crate::db::models::group_profile::ContentVisibility;
    use crate::db::models::membership::{MemberState, Membership};
    let mut conn = state.pool.get().await?;
    let group = crate::domain::groups::local(&mut conn, &state.settings, name).await?.ok_or(ApubError::NotFound)?;
    if group.profile.status() == crate::db::models::group_profile::GroupStatus::Pending {
        return Err(ApubError::NotFound);
    }
    let (total, items): (i64, Vec<Value>) = if which == "moderators" {
        let moderators = Membership::moderators(&mut conn, group.actor.id).await?;
        (moderators.len() as i64, moderators.into_iter().map(|a| Value::String(a.ap_id)).collect())
    } else {
        let total = Membership::count(&mut conn, group.actor.id, MemberState::Accepted).await?;
        let items = if group.profile.content() == ContentVisibility::Public {
            Membership::of_group(&mut conn, group.actor.id, MemberState::Accepted, MEMBERS_SHOWN, 0)
                .await?
                .into_iter()
                .map(|(_, a)| Value::String(a.ap_id))
                .collect()
        } else {
            vec![]
        };
        (total, items)
    };
    let value = serde_json::json!({
        "type": "OrderedCollection",
        "id": format!("{}/{which}", group.actor.ap_id),
        "totalItems": total,
        "orderedItems": items,
    });
    Ok(activity_json(value))
}

/// Members named in a group's members collection at most.
const MEMBERS_SHOWN: i64 = 200;

/// `GET /{u|g}/{name}/featured`: a group's pinned threads, as Notes and Articles (a person
/// pins nothing yet).
pub async fn featured(
    State(state): State<AppState>,
    uri: axum::http::Uri,
    Path(name): Path<String>,
) -> ApubResult<Response> {
    use crate::domain::groups::{self, discussions};
    let actor = local_actor(&state, &name, kind_of(&uri)).await?;
    let id = format!("{}/featured", actor.ap_id);
    let mut items = Vec::new();
    if actor.kind().is_group() {
        let mut conn = state.pool.get().await?;
        let group = groups::with_profile(&mut conn, actor).await?;
        let rows = discussions::featured(&mut conn, &group).await?;
        let mut media = attachments_of(&state, &mut conn, &rows).await?;
        items = rows
            .iter()
            .map(|(post, author)| {
                let attachments = media.remove(&post.id).unwrap_or_default();
                to_value(&crate::domain::posts::wire::note(post, author, Some(&group.actor), attachments))
            })
            .collect();
    }
    let value =
        serde_json::json!({"type": "OrderedCollection", "id": id, "totalItems": items.len(), "orderedItems": items});
    Ok(activity_json(value))
}

/// Who fetches a post that not everyone may see: the actor whose signature on this GET
/// verifies, else nobody known. Open posts never need it (no signature is checked for them).
async fn fetcher(state: &AppState, uri: &axum::http::Uri, headers: &axum::http::HeaderMap) -> Viewer {
    if !headers.contains_key("signature") && !headers.contains_key("signature-input") {
        return Viewer::Anonymous;
    }
    match super::inbox::verify_request(state, &axum::http::Method::GET, uri, headers, &[]).await {
        Ok(signer) => Viewer::Actor(signer.actor.id),
        Err(e) => {
            tracing::debug!(error = %e, "fetch of a non-public post with a signature that does not verify");
            Viewer::Anonymous
        }
    }
}

/// Whether the fetcher may see a post: a public or unlisted one anyone, a followers-only one
/// a signed fetch by a follower (as Mastodon fetches them).
async fn fetcher_may_see(
    state: &AppState,
    conn: &mut crate::db::DbConn,
    view: &PostView,
    uri: &axum::http::Uri,
    headers: &axum::http::HeaderMap,
) -> ApubResult<bool> {
    let viewer = if view.post.visibility.is_open() { Viewer::Anonymous } else { fetcher(state, uri, headers).await };
    Ok(visibility::can_see(conn, viewer, &view.post).await?
        && visibility::author_shown(conn, viewer, &view.author).await?)
}

/// A local post, by id.
async fn local_post(conn: &mut crate::db::DbConn, id: i64) -> ApubResult<PostView> {
    PostView::by_id(conn, PostId(id)).await?.filter(|v| v.post.local).ok_or(ApubError::NotFound)
}

/// The JSON of a local post, or a Tombstone (410) when it was deleted.
pub async fn post_document(
    state: &AppState,
    id: i64,
    uri: &axum::http::Uri,
    headers: &axum::http::HeaderMap,
) -> ApubResult<Response> {
    let mut conn = state.pool.get().await?;
    let view = local_post(&mut conn, id).await?;
    if view.post.deleted {
        let mut response = activity_json(to_value(&crate::domain::posts::wire::tombstone(&view.post)));
        *response.status_mut() = axum::http::StatusCode::GONE;
        return Ok(response);
    }
    if !fetcher_may_see(state, &mut conn, &view, uri, headers).await? {
        return Err(ApubError::NotFound);
    }
    let media = crate::db::models::media::Media::of_posts(&mut conn, &[view.post.id]).await?;
    let attachments = crate::media::ap_attachments(&state.media, &media);
    let group = audience_of(&mut conn, &view.post).await?;
    Ok(activity_json(to_value(&crate::domain::posts::wire::note(
        &view.post,
        &view.author,
        group.as_ref(),
        attachments,
    ))))
}

/// `GET /p/{id}/activity`: the Create of a post.
pub async fn post_activity(
    State(state): State<AppState>,
    uri: axum::http::Uri,
    headers: axum::http::HeaderMap,
    Path(id): Path<i64>,
) -> ApubResult<Response> {
    let mut conn = state.pool.get().await?;
    let view = local_post(&mut conn, id).await?;
    if !fetcher_may_see(&state, &mut conn, &view, &uri, &headers).await? {
        return Err(ApubError::NotFound);
    }
    let media = crate::db::models::media::Media::of_posts(&mut conn, &[view.post.id]).await?;
    let attachments = crate::media::ap_attachments(&state.media, &media);
    let group = audience_of(&mut conn, &view.post).await?;
    Ok(activity_json(to_value(&crate::domain::posts::wire::create(
        &view.post,
        &view.author,
        group.as_ref(),
        attachments,
    ))))
}

/// The group a post was written in.
async fn audience_of(conn: &mut crate::db::DbConn, post: &Post) -> ApubResult<Option<Actor>> {
    Ok(match post.audience_id {
        Some(group) => Actor::by_id(conn, group).await?,
        None => None,
    })
}

/// `GET /activities/{kind}/{token}`: an activity we sent. Creates and Updates carry content,
/// so only public ones are shown.
pub async fn activity(State(state): State<AppState>, uri: axum::http::Uri) -> ApubResult<Response> {
    let ap_id = format!("{}{}", state.base_url, uri.path());
    let mut conn = state.pool.get().await?;
    let stored = OutboxActivity::by_ap_id(&mut conn, &ap_id).await?.ok_or(ApubError::NotFound)?;
    let value: Value = serde_json::from_str(&stored.payload)?;
    let public = [&value["to"], &value["cc"]]
        .iter()
        .any(|list| list.as_array().is_some_and(|l| l.iter().any(|a| a == super::PUBLIC)));
    if !public && matches!(stored.kind.as_str(), "Create" | "Update" | "Announce") {
        return Err(ApubError::NotFound);
    }
    Ok(activity_json(value))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collections_and_activities_are_activity_only_and_pages_are_not() {
        for path in [
            "/u/anna/outbox",
            "/g/buurt/followers",
            "/u/anna/following",
            "/g/buurt/featured",
            "/g/buurt/members",
            "/g/buurt/moderators",
            "/p/12/activity",
            "/activities/follow/abc",
        ] {
            assert!(activity_only_path(path), "{path}");
        }
        for path in ["/u/anna", "/g/buurt", "/p/12", "/actor", "/inbox", "/u/anna/inbox", "/", "/u/anna/outbox/x"] {
            assert!(!activity_only_path(path), "{path}");
        }
    }

    #[test]
    fn json_is_acceptable_unless_the_accept_header_excludes_it() {
        let accept = |values: &[&str]| {
            let mut headers = axum::http::HeaderMap::new();
            for v in values {
                headers.append(axum::http::header::ACCEPT, v.parse().unwrap());
            }
            accepts_json(&headers)
        };
        assert!(accept(&[]));
        assert!(accept(&["application/activity+json"]));
        assert!(accept(&["application/ld+json; profile=\"https://www.w3.org/ns/activitystreams\""]));
        assert!(accept(&["application/json"]));
        assert!(accept(&["text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"]));
        assert!(accept(&["text/html", "application/activity+json"]));
        assert!(!accept(&["text/html"]));
        assert!(!accept(&["text/html, application/xhtml+xml"]));
        assert!(!accept(&["application/json;q=0", "text/html"]));
        assert!(!accept(&["image/png"]));
    }
}
