//! The inboxes: shared (`/inbox`) and per actor. Each POST is read into typed protocol structs
//! and checked — size, shape (a refusal names the field), Digest, Date, HTTP signature of the
//! activity's own actor, hosts of actor and objects — then turned into the typed input of its
//! verb, which one domain operation applies exactly once.

mod relayed;

use std::sync::{Arc, LazyLock};
use std::time::{Duration, SystemTime};

use activitypub_federation::fetch::fetch_object_http;
use activitypub_federation::fetch::object_id::ObjectId;
use activitypub_federation::traits::Object as _;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use url::Url;

use super::protocol::{self, Activity, ActivityKind, ActorJson, Object, ParseError, domain_of};
use super::signatures::{self, MessageSignature, SignatureHeader};
use super::{ApubError, ApubResult};
use crate::db::models::actor::{Actor, ActorKind};
use crate::db::models::post::Reaction;
use crate::domain::follows::Answered;
use crate::domain::groups::remote::MemberChange;
use crate::domain::inbox::Received;
use crate::domain::posts::remote::{RemotePost, raw_activity};
use crate::domain::remote_actors::DbActor;
use crate::state::AppState;

/// Why an activity from a blocked server or actor is refused (403).
pub const BLOCKED: &str = "blocked by this instance's federation policy";

/// Largest activity accepted.
pub const MAX_ACTIVITY_BYTES: usize = 256 * 1024;

/// `POST /inbox`, and `/actor/inbox` (what is addressed to the server itself).
pub async fn shared(
    State(state): State<AppState>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    respond(receive(&state, &method, &uri, &headers, &body).await)
}

/// `POST /u/{name}/inbox` and `/g/{name}/inbox`.
pub async fn personal(
    State(state): State<AppState>,
    Path(name): Path<String>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let exists = async {
        let mut conn = state.pool.get().await?;
        crate::domain::actors::local_by_name(&mut conn, &state.settings, &name).await
    };
    match exists.await {
        Ok(Some(_)) => respond(receive(&state, &method, &uri, &headers, &body).await),
        Ok(None) => ApubError::NotFound.into_response(),
        Err(e) => ApubError::from(e).into_response(),
    }
}

fn respond(result: ApubResult<()>) -> Response {
    match result {
        Ok(()) => StatusCode::ACCEPTED.into_response(),
        Err(e) => e.into_response(),
    }
}

async fn receive(state: &AppState, method: &Method, uri: &Uri, headers: &HeaderMap, body: &[u8]) -> ApubResult<()> {
    if body.len() > MAX_ACTIVITY_BYTES {
        return Err(ApubError::BadRequest("activity too large".into()));
    }
    let activity = Activity::<Object>::parse(body).map_err(unusable)?;
    let (id, actor) = activity.envelope().map_err(unusable)?;
    if domain_of(&actor) == state.settings.instance.domain {
        return Err(ApubError::Forbidden("activity claims to come from this instance".into()));
    }
    if !state.settings.federation.allow_http && actor.scheme() != "https" {
        return Err(ApubError::Forbidden("plain http actors are not allowed".into()));
    }
    // Before any key is fetched or anything read: a hash lookup in the policy held in memory.
    if state.federation_policy.refuses_actor(actor.as_str()) {
        return Err(ApubError::Forbidden(BLOCKED.into()));
    }
    let signer = verify_request(state, method, uri, headers, body).await?;
    if signer.actor.ap_id != actor.as_str() {
        return Err(ApubError::Unauthorized(format!(
            "signed by {} but the activity's actor is {actor}",
            signer.actor.ap_id
        )));
    }
    if domain_of(&id) != domain_of(&actor) {
        return Err(ApubError::Forbidden("activity id and actor are on different hosts".into()));
    }
    apply_raw(state, &signer.actor, &id, activity, Some(body)).await
}

/// An activity that cannot be read, with the field at fault.
fn unusable(e: ParseError) -> ApubError {
    ApubError::BadRequest(format!("unusable activity: {e}"))
}

/// Applies a parsed activity `id` of a verified `signer`: the typed input of its verb, then the
/// one domain operation that applies it.
pub async fn apply(state: &AppState, signer: &Actor, id: &Url, activity: Activity<Object>) -> ApubResult<()> {
    apply_raw(state, signer, id, activity, None).await
}

/// [`apply`] with the activity as it arrived (`body`): a group here relays it unchanged.
async fn apply_raw(
    state: &AppState,
    signer: &Actor,
    id: &Url,
    activity: Activity<Object>,
    body: Option<&[u8]>,
) -> ApubResult<()> {
    let received = received(state, signer, activity, body).await?;
    Ok(crate::domain::inbox::receive(state, signer, id, received).await?)
}

/// [`apply`] for an activity as JSON (the inbox benchmark's database ceiling).
pub async fn process(state: &AppState, signer: &Actor, id: &Url, activity: serde_json::Value) -> ApubResult<()> {
    let activity = protocol::values::from_value(activity).map_err(ApubError::BadRequest)?;
    apply(state, signer, id, activity).await
}

fn bad(message: &str) -> ApubError {
    ApubError::BadRequest(message.to_string())
}

/// The typed domain input of an activity's verb, after the checks that need only the activity
/// and its signer: objects on the signer's host, posts attributed to the signer, an actor
/// updating only itself, an Undo only of the signer's own activity.
async fn received(
    state: &AppState,
    signer: &Actor,
    activity: Activity<Object>,
    body: Option<&[u8]>,
) -> ApubResult<Received> {
    let Activity { id: activity_id, kind, object, target, content, .. } = activity;
    let id = object.id().map(str::to_string);
    let object_id = || id.clone().ok_or_else(|| bad("object: missing id"));
    Ok(match kind {
        ActivityKind::Follow => Received::Follow { target: object_id()? },
        ActivityKind::Accept | ActivityKind::Reject => {
            let answered = match &object {
                Object::Activity(follow) => {
                    Answered { follow_id: follow.id.clone(), follower: follow.actor.as_ref().map(|a| a.0.clone()) }
                }
                other => Answered { follow_id: other.id().map(str::to_string), follower: None },
            };
            Received::Answer { answered, accept: kind == ActivityKind::Accept }
        }
        ActivityKind::Undo => undo(signer, object)?,
        ActivityKind::Block => Received::Block { block_id: activity_id.clone(), target: object_id()? },
        ActivityKind::Create => match object {
            Object::Post(note) => {
                if !protocol::same_host(&note.id, &signer.ap_id) {
                    return Err(ApubError::Forbidden("object is not on the actor's host".into()));
                }
                if !note.attributed_to(&signer.ap_id) {
                    return Err(ApubError::Forbidden("object is attributed to someone else".into()));
                }
                Received::Create(Box::new(remote_post(state, signer, &note, body)))
            }
            Object::Event(event) => event_of(signer, event)?,
            other => {
                tracing::debug!(kind = other.kind(), "ignored Create of an unsupported object type");
                Received::Ignored { kind: format!("Create({})", other.kind().unwrap_or("link")) }
            }
        },
        ActivityKind::Update => match object {
            Object::Actor { id, .. } => {
                if id != signer.ap_id {
                    return Err(ApubError::Forbidden("an actor can only update itself".into()));
                }
                refetch_updated_actor(state, &id).await?;
                Received::UpdateActor
            }
            Object::Post(note) => Received::UpdatePost(Box::new(remote_post(state, signer, &note, body))),
            Object::Member(member) => member_change(signer, kind, &member)?,
            Object::Event(event) => event_of(signer, event)?,
            other => {
                object_id()?;
                Received::Ignored { kind: format!("Update({})", other.kind().unwrap_or("link")) }
            }
        },
        ActivityKind::Delete => {
            let id = object_id()?;
            if id == signer.ap_id {
                Received::DeleteActor
            } else if is_group(signer) && !protocol::same_host(&id, &signer.ap_id) {
                // A group removes what was written in it (the domain checks that it was).
                Received::DeleteInGroup { id }
            } else if !protocol::same_host(&id, &signer.ap_id) {
                return Err(ApubError::Forbidden("cannot delete another host's object".into()));
            } else {
                // Perhaps of a post written in a group here, which relays it unchanged.
                Received::DeleteObject { id, raw: body.and_then(raw_activity) }
            }
        }
        ActivityKind::Like => Received::React { object: object_id()?, reaction: Reaction::Like },
        ActivityKind::Announce if is_group(signer) && !object_id()?.starts_with(&*state.base_url) => {
            relayed::announced(state, signer, object, body).await?
        }
        ActivityKind::Announce => Received::React { object: object_id()?, reaction: Reaction::Announce },
        ActivityKind::Join => Received::Join { join_id: activity_id, group: object_id()? },
        ActivityKind::Leave => Received::Leave { group: object_id()? },
        ActivityKind::Invite => group_invite(state, signer, activity_id, object, target).await?,
        ActivityKind::Add | ActivityKind::Remove => match object {
            Object::Member(member) => member_change(signer, kind, &member)?,
            other if is_group(signer) && target.as_ref().is_some_and(|t| is_featured_of(t, signer)) => {
                Received::Featured {
                    post: other.id().ok_or_else(|| bad("object: missing id"))?.to_string(),
                    pinned: kind == ActivityKind::Add,
                }
            }
            other => moderators_change(kind, other, target),
        },
        ActivityKind::Flag => flag(state, activity_id, object, content)?,
        other => Received::Ignored { kind: other.to_string() },
    })
}

/// An `Event` its organiser sends: on the signer's host and attributed to it (the group or the
/// person; Mobilizon names the organiser in `actor` and the group in `attributedTo`).
fn event_of(signer: &Actor, event: Box<protocol::Event>) -> ApubResult<Received> {
    if !protocol::same_host(&event.id, &signer.ap_id) {
        return Err(ApubError::Forbidden("object is not on the actor's host".into()));
    }
    let by_signer = event.attributed_to.iter().any(|a| a.0 == signer.ap_id)
        || event.actor.as_ref().is_some_and(|a| a.0 == signer.ap_id);
    if !by_signer {
        return Err(ApubError::Forbidden("event is attributed to someone else".into()));
    }
    Ok(Received::Event(event))
}

/// A `Flag` (a report from another server's moderators): every object must be on this
/// instance (an actor or a post here); one naming anything else is refused whole.
fn flag(state: &AppState, flag_id: String, object: Object, content: Option<String>) -> ApubResult<Received> {
    let items = match object {
        Object::List(items) => items,
        one => vec![one],
    };
    let mut objects = Vec::with_capacity(items.len());
    for item in &items {
        let id = item.id().ok_or_else(|| bad("object: missing id"))?;
        let ours = Url::parse(id).is_ok_and(|u| domain_of(&u) == state.settings.instance.domain);
        if !ours {
            return Err(ApubError::BadRequest(format!("Flag: {id} is not on this instance")));
        }
        objects.push(id.to_string());
    }
    if objects.is_empty() {
        return Err(bad("Flag: object missing"));
    }
    Ok(Received::Flag { flag_id, objects, content: content.unwrap_or_default() })
}

/// A post from `signer` as the domain takes it. The activity as it arrived (`body`) is kept when
/// the post may have been written in a group here, which relays it unchanged: when it names
/// this instance, or replies to anything (a thread's starter may be from elsewhere, and a reply
/// from Mastodon need not name the group).
fn remote_post(state: &AppState, signer: &Actor, note: &protocol::Note, body: Option<&[u8]>) -> RemotePost {
    let mut post = RemotePost::from_note(note, signer);
    let base: &str = &state.base_url;
    if post.named().any(|a| a.starts_with(base)) || note.in_reply_to.is_some() {
        post.raw = body.and_then(raw_activity);
    }
    post
}

/// Whether an actor is a group (or an organisation), which relays what is written in it.
fn is_group(actor: &Actor) -> bool {
    matches!(actor.kind(), ActorKind::Group | ActorKind::Organization)
}

/// A group elsewhere's `Member` changed: removed (`Remove`), or its role (`Update`, `Add`).
/// Only the group's own host speaks for it.
fn member_change(signer: &Actor, kind: ActivityKind, member: &protocol::MemberObject) -> ApubResult<Received> {
    let person = member.actor.as_ref().ok_or_else(|| bad("object.actor: missing"))?.0.clone();
    let group = member.object.as_ref().ok_or_else(|| bad("object.object: missing"))?.0.clone();
    if !protocol::same_host(&group, &signer.ap_id) {
        return Err(ApubError::Forbidden("only a group's own host changes its members".into()));
    }
    let change = match (kind, member.role.as_deref()) {
        (ActivityKind::Remove, _) => MemberChange::Removed,
        (_, Some(role)) => MemberChange::Role(role.to_string()),
        (_, None) => return Err(bad("object.role: missing")),
    };
    Ok(Received::GroupMembership { group, member: person, change })
}

/// Whether `target` is the `featured` (pinned posts) collection of the group `signer`: on its
/// host, named so by Mastodon (`…/collections/featured`), Lemmy and Buurt (`…/featured`).
fn is_featured_of(target: &protocol::Id, signer: &Actor) -> bool {
    protocol::same_host(&target.0, &signer.ap_id) && target.0.ends_with("/featured")
}

/// `Add`/`Remove` of a person on a group's moderators collection (FEP-1b12), or `Remove` of a
/// person from a group (`target` the group). Other Adds and Removes are not membership: the
/// domain finds no such group or resident and changes nothing.
fn moderators_change(kind: ActivityKind, object: Object, target: Option<protocol::Id>) -> Received {
    let (Some(person), Some(target)) = (object.id().map(str::to_string), target) else {
        return Received::Ignored { kind: kind.to_string() };
    };
    let (group, change) = match target.0.strip_suffix("/moderators") {
        Some(group) => {
            let role = if kind == ActivityKind::Add { "moderator" } else { "member" };
            (group.to_string(), MemberChange::Role(role.into()))
        }
        None if kind == ActivityKind::Remove => (target.0, MemberChange::Removed),
        None => return Received::Ignored { kind: kind.to_string() },
    };
    Received::GroupMembership { group, member: person, change }
}

/// `Invite{object: group, target: person}`: a group elsewhere (on the signer's host) invites a
/// resident here. The group is fetched (and stored) first, outside the domain's transaction;
/// an Invite to anything but a group (Friendica's events) is ignored.
async fn group_invite(
    state: &AppState,
    signer: &Actor,
    invite_id: String,
    object: Object,
    target: Option<protocol::Id>,
) -> ApubResult<Received> {
    if matches!(object, Object::Event(_) | Object::Post(_)) {
        return Ok(Received::Ignored { kind: format!("Invite({})", object.kind().unwrap_or_default()) });
    }
    let group = object.id().ok_or_else(|| bad("object: missing id"))?.to_string();
    let invitee = target.ok_or_else(|| bad("target: missing"))?.0;
    if !protocol::same_host(&group, &signer.ap_id) {
        return Err(ApubError::Forbidden("an invitation to a group comes from the group's own host".into()));
    }
    let ours = Url::parse(&invitee).is_ok_and(|u| domain_of(&u) == state.settings.instance.domain);
    if !ours {
        return Ok(Received::Ignored { kind: "Invite(elsewhere)".into() });
    }
    let data = state.data().map_err(|e| ApubError::Internal(e.to_string()))?;
    let object_id: ObjectId<DbActor> = ObjectId::parse(&group)?;
    match object_id.dereference(&data).await {
        Ok(found) if found.actor.kind().is_group() => Ok(Received::GroupInvite { invite_id, group, invitee }),
        Ok(_) => Ok(Received::Ignored { kind: "Invite(not a group)".into() }),
        Err(e) => {
            tracing::info!(group, error = %e, "the group of an invitation cannot be fetched; ignored");
            Ok(Received::Ignored { kind: "Invite".into() })
        }
    }
}

/// An Undo: of a Follow, a Like, an Announce or a Block of the signer's own.
fn undo(signer: &Actor, object: Object) -> ApubResult<Received> {
    let Object::Activity(inner) = object else {
        return Ok(Received::Unreact { id: object.id().unwrap_or_default().to_string(), reaction: None });
    };
    if inner.actor.as_ref().is_some_and(|a| a.as_str() != signer.ap_id) {
        return Err(ApubError::Forbidden("cannot undo another actor's activity".into()));
    }
    let id = inner.id.unwrap_or_default();
    Ok(match inner.kind {
        ActivityKind::Follow => Received::Unfollow { follow_id: id, target: inner.object.map(|o| o.0) },
        ActivityKind::Block => Received::Unblock { block_id: id, target: inner.object.map(|o| o.0) },
        ActivityKind::Like => Received::Unreact { id, reaction: Some(Reaction::Like) },
        ActivityKind::Announce => Received::Unreact { id, reaction: Some(Reaction::Announce) },
        ActivityKind::Join => match inner.object {
            Some(group) => Received::Leave { group: group.0 },
            None => Received::Ignored { kind: "Undo(Join)".into() },
        },
        _ => Received::Unreact { id, reaction: None },
    })
}

/// An Update of an actor: read the profile again from its origin rather than trusting the
/// embedded copy. Network work, so before the domain's transaction (on SQLite an open write
/// transaction would block the fetch's own write).
async fn refetch_updated_actor(state: &AppState, id: &str) -> ApubResult<()> {
    let data = state.data().map_err(|e| ApubError::Internal(e.to_string()))?;
    let object_id: ObjectId<DbActor> = ObjectId::parse(id)?;
    if let Err(e) = object_id.dereference_forced(&data).await {
        tracing::info!(actor = id, error = %e, "refetching an updated actor failed");
    }
    Ok(())
}

/// Verifies the HTTP signature of a request and returns the signing actor.
///
/// The signature must bind the request to this server and its body: the RFC 9421 target URI is
/// built from our configured scheme and domain (never from the Host header), a signed `Host`
/// must be our domain, and every digest header the signature covers must match the body (a
/// POST must cover one). Nothing is stored before the signature verifies: an unknown actor is
/// fetched (or taken from a copy fetched in the last minute for a signature that did not
/// verify), checked with the key of that document, and only then stored. A known actor's key
/// that does not verify is refetched, at most once a minute per actor; what still fails is a
/// 401.
pub async fn verify_request(
    state: &AppState,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    body: &[u8],
) -> ApubResult<DbActor> {
    let unauthorized = |e: signatures::SignatureError| ApubError::Unauthorized(e.to_string());
    let path = uri.path_and_query().map_or(uri.path(), |p| p.as_str());
    let domain = state.settings.instance.domain.as_str();
    // RFC 9421 (Signature-Input + Signature) or draft-cavage (Signature or Authorization).
    let (key_id, text, signature, scheme) = match MessageSignature::parse(headers) {
        Some(parsed) => {
            let sig = parsed.map_err(unauthorized)?;
            sig.check_coverage(method, SystemTime::now()).map_err(unauthorized)?;
            signatures::check_host(&sig.components, headers, domain).map_err(unauthorized)?;
            signatures::verify_covered_digests(&sig.components, method, headers, body).map_err(unauthorized)?;
            let target = format!("{}://{domain}{path}", state.settings.scheme());
            let text = sig.base(method, &target, headers).map_err(unauthorized)?;
            (sig.key_id, text, sig.signature, "RFC 9421")
        }
        None => {
            let header = headers
                .get("signature")
                .or_else(|| headers.get("authorization"))
                .and_then(|v| v.to_str().ok())
                .ok_or(ApubError::Unauthorized("no HTTP signature".into()))?;
            let sig = SignatureHeader::parse(header).map_err(unauthorized)?;
            signatures::check_coverage(&sig, method, headers, SystemTime::now()).map_err(unauthorized)?;
            signatures::check_host(&sig.headers, headers, domain).map_err(unauthorized)?;
            signatures::verify_covered_digests(&sig.headers, method, headers, body).map_err(unauthorized)?;
            let text = signatures::signing_string(&sig, method, path, headers).map_err(unauthorized)?;
            (sig.key_id, text, sig.signature, "draft-cavage")
        }
    };
    let signed = Signed { text: &text, signature: &signature };
    let Some(known) = known_signer(state, &key_id).await? else {
        let candidates = signatures::key_owner_candidates(&key_id);
        let signer = fetch_and_verify(state, &candidates, &signed, Source::Unknown).await?;
        tracing::debug!(key = %key_id, scheme, "verified signature of a newly fetched actor");
        return Ok(signer);
    };
    if signed.verifies_with(known.actor.public_key.as_deref()) {
        tracing::debug!(key = %key_id, scheme, "verified signature");
        return Ok(known);
    }
    // Actors rotate keys: fetch the actor again, but not for every bad signature that names it.
    if !may_refetch(&known.actor.ap_id) {
        return Err(ApubError::Unauthorized(
            "signature does not verify (the key was fetched again less than a minute ago)".into(),
        ));
    }
    let fresh = fetch_and_verify(state, std::slice::from_ref(&known.actor.ap_id), &signed, Source::Refetch).await?;
    tracing::debug!(key = %key_id, scheme, "verified signature with a refetched key");
    Ok(fresh)
}

/// What was signed, and the signature.
struct Signed<'a> {
    text: &'a str,
    signature: &'a [u8],
}

impl Signed<'_> {
    fn verifies_with(&self, public_key_pem: Option<&str>) -> bool {
        public_key_pem.is_some_and(|pem| signatures::verify_rsa(pem, self.text, self.signature).is_ok())
    }
}

/// How long after refetching an actor whose key did not verify it is not fetched again for
/// that reason.
const REFETCH_INTERVAL: Duration = Duration::from_secs(60);

/// Actors refetched because a signature did not verify, for [`REFETCH_INTERVAL`]: without this,
/// anyone could make us fetch a known actor again with every request bearing a bad signature.
static REFETCHED: LazyLock<moka::sync::Cache<String, ()>> =
    LazyLock::new(|| moka::sync::Cache::builder().max_capacity(100_000).time_to_live(REFETCH_INTERVAL).build());

/// Whether the actor may be refetched now (and if so, records that it is).
fn may_refetch(actor_id: &str) -> bool {
    REFETCHED.entry(actor_id.to_string()).or_insert(()).is_fresh()
}

/// The stored actor of a `keyId`, if we know it.
async fn known_signer(state: &AppState, key_id: &str) -> ApubResult<Option<DbActor>> {
    let candidates = signatures::key_owner_candidates(key_id);
    if let Some(actor) = candidates.iter().find_map(|c| state.signers.get(c)) {
        return Ok(Some(DbActor::new(actor.as_ref().clone())?));
    }
    let mut conn = state.pool.get().await?;
    for candidate in &candidates {
        if let Some(actor) = Actor::by_ap_id(&mut conn, candidate).await?
            && !actor.deleted
            && actor.public_key.is_some()
        {
            state.signers.insert(actor.ap_id.clone(), Arc::new(actor.clone()));
            return Ok(Some(DbActor::new(actor)?));
        }
    }
    Ok(None)
}

/// Actor documents fetched for a signature that did not verify, for [`REFETCH_INTERVAL`]: more
/// bad signatures naming the same unknown actor are checked against this copy instead of
/// fetching it for each, and a good one still verifies with it. Nothing here is stored.
static UNVERIFIED: LazyLock<moka::sync::Cache<String, Arc<ActorJson>>> =
    LazyLock::new(|| moka::sync::Cache::builder().max_capacity(1_000).time_to_live(REFETCH_INTERVAL).build());

/// Where a signer's document comes from.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Source {
    /// An actor we do not know: a copy fetched in the last minute will do.
    Unknown,
    /// A stored actor whose key did not verify: fetched now.
    Refetch,
}

/// Fetches the first of `candidates` that is an actor, checks the signature with the key of
/// the fetched document and only then stores the actor, through the same checks as every
/// actor we store ([`Object::verify`] and [`Object::from_json`]).
async fn fetch_and_verify(
    state: &AppState,
    candidates: &[String],
    signed: &Signed<'_>,
    source: Source,
) -> ApubResult<DbActor> {
    let data = state.data().map_err(|e| ApubError::Internal(e.to_string()))?;
    let mut last = None;
    for candidate in candidates {
        let cached = (source == Source::Unknown).then(|| UNVERIFIED.get(candidate)).flatten();
        let document = match cached {
            Some(document) => document,
            None => {
                let Ok(url) = Url::parse(candidate) else { continue };
                let fetched = match fetch_object_http::<_, ActorJson>(&url, &data).await {
                    Ok(fetched) => fetched,
                    Err(e) => {
                        last = Some(e.to_string());
                        continue;
                    }
                };
                DbActor::verify(&fetched.object, &fetched.url, &data)
                    .await
                    .map_err(|e| ApubError::Unauthorized(format!("the key's actor {candidate}: {e}")))?;
                Arc::new(fetched.object)
            }
        };
        if !signed.verifies_with(Some(&document.public_key.public_key_pem)) {
            if source == Source::Unknown {
                UNVERIFIED.insert(candidate.clone(), document);
            }
            return Err(ApubError::Unauthorized("signature does not verify".into()));
        }
        UNVERIFIED.invalidate(candidate);
        let actor = DbActor::from_json(Arc::unwrap_or_clone(document), &data).await?;
        state.signers.insert(actor.actor.ap_id.clone(), Arc::new(actor.actor.clone()));
        return Ok(actor);
    }
    Err(ApubError::Unauthorized(format!(
        "cannot get the key's actor ({}): {}",
        candidates.join(", "),
        last.unwrap_or_else(|| "no usable keyId".to_string())
    )))
}
