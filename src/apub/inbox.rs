//! The inboxes: shared (`/inbox`) and per actor. Each POST is checked — size, JSON, Digest,
//! Date, HTTP signature of the activity's own actor, hosts of actor and objects — before the
//! domain layer processes it exactly once.

use std::sync::Arc;
use std::time::SystemTime;

use activitypub_federation::fetch::object_id::ObjectId;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde_json::Value;
use url::Url;

use super::actor::{DbActor, domain_of};
use super::signatures::{self, MessageSignature, SignatureHeader};
use super::{ApubError, ApubResult};
use crate::db::models::actor::Actor;
use crate::state::AppState;

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

/// The fields every activity must have.
struct Envelope {
    id: Url,
    kind: String,
    actor: Url,
}

fn id_of(value: &Value) -> Option<&str> {
    match value {
        Value::String(s) => Some(s),
        Value::Object(map) => map.get("id").and_then(Value::as_str),
        _ => None,
    }
}

fn envelope(activity: &Value) -> ApubResult<Envelope> {
    let bad = |m: &str| ApubError::BadRequest(m.to_string());
    let id = activity.get("id").and_then(Value::as_str).ok_or_else(|| bad("activity without id"))?;
    let kind = activity.get("type").and_then(Value::as_str).ok_or_else(|| bad("activity without type"))?;
    let actor = activity.get("actor").and_then(id_of).ok_or_else(|| bad("activity without actor"))?;
    let id = Url::parse(id).map_err(|_| bad("activity id is not a URL"))?;
    let actor = Url::parse(actor).map_err(|_| bad("actor is not a URL"))?;
    for url in [&id, &actor] {
        if !matches!(url.scheme(), "https" | "http") {
            return Err(bad("only http(s) ids are accepted"));
        }
    }
    Ok(Envelope { id, kind: kind.to_string(), actor })
}

async fn receive(state: &AppState, method: &Method, uri: &Uri, headers: &HeaderMap, body: &[u8]) -> ApubResult<()> {
    if body.len() > MAX_ACTIVITY_BYTES {
        return Err(ApubError::BadRequest("activity too large".into()));
    }
    let activity: Value = serde_json::from_slice(body)?;
    if !activity.is_object() {
        return Err(ApubError::BadRequest("an activity is a JSON object".into()));
    }
    let envelope = envelope(&activity)?;
    if domain_of(&envelope.actor) == state.settings.instance.domain {
        return Err(ApubError::Forbidden("activity claims to come from this instance".into()));
    }
    if !state.settings.federation.allow_http && envelope.actor.scheme() != "https" {
        return Err(ApubError::Forbidden("plain http actors are not allowed".into()));
    }
    let signer = verify_request(state, method, uri, headers, body).await?;
    if signer.actor.ap_id != envelope.actor.as_str() {
        return Err(ApubError::Unauthorized(format!(
            "signed by {} but the activity's actor is {}",
            signer.actor.ap_id, envelope.actor
        )));
    }
    if domain_of(&envelope.id) != domain_of(&envelope.actor) {
        return Err(ApubError::Forbidden("activity id and actor are on different hosts".into()));
    }
    crate::domain::inbox::process(state, &signer.actor, &envelope.kind, &envelope.id, activity).await
}

/// Verifies the HTTP signature of a request and returns the signing actor. A key that does not
/// verify is refetched once (actors rotate keys); what still fails is a 401.
pub async fn verify_request(
    state: &AppState,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    body: &[u8],
) -> ApubResult<DbActor> {
    let unauthorized = |e: signatures::SignatureError| ApubError::Unauthorized(e.to_string());
    let path = uri.path_and_query().map_or(uri.path(), |p| p.as_str());
    // RFC 9421 (Signature-Input + Signature) or draft-cavage (Signature or Authorization).
    let (key_id, text, signature, scheme) = match MessageSignature::parse(headers) {
        Some(parsed) => {
            let sig = parsed.map_err(unauthorized)?;
            sig.check_coverage(method, SystemTime::now()).map_err(unauthorized)?;
            let host = headers.get("host").and_then(|v| v.to_str().ok()).unwrap_or(&state.settings.instance.domain);
            let target = format!("{}://{host}{path}", state.settings.scheme());
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
            let text = signatures::signing_string(&sig, method, path, headers).map_err(unauthorized)?;
            (sig.key_id, text, sig.signature, "draft-cavage")
        }
    };
    if *method == Method::POST {
        signatures::verify_digest(headers, body).map_err(unauthorized)?;
    }
    let (signer, cached) = signing_actor(state, &key_id).await?;
    let key = signer.actor.public_key.clone().unwrap_or_default();
    if signatures::verify_rsa(&key, &text, &signature).is_ok() {
        tracing::debug!(key = %key_id, scheme, "verified signature");
        return Ok(signer);
    }
    if cached {
        let data = state.data().map_err(|e| ApubError::Internal(e.to_string()))?;
        let id: ObjectId<DbActor> = ObjectId::parse(&signer.actor.ap_id)?;
        let fresh =
            id.dereference_forced(&data).await.map_err(|e| ApubError::Unauthorized(format!("refetching key: {e}")))?;
        let key = fresh.actor.public_key.clone().unwrap_or_default();
        signatures::verify_rsa(&key, &text, &signature).map_err(unauthorized)?;
        tracing::debug!(key = %key_id, scheme, "verified signature with a refetched key");
        return Ok(fresh);
    }
    Err(ApubError::Unauthorized("signature does not verify".into()))
}

/// Finds the actor of a `keyId`: stored (then `true`), or fetched now.
async fn signing_actor(state: &AppState, key_id: &str) -> ApubResult<(DbActor, bool)> {
    let candidates = signatures::key_owner_candidates(key_id);
    if let Some(actor) = candidates.iter().find_map(|c| state.signers.get(c)) {
        return Ok((DbActor::new(actor.as_ref().clone())?, true));
    }
    {
        let mut conn = state.pool.get().await?;
        for candidate in &candidates {
            if let Some(actor) = Actor::by_ap_id(&mut conn, candidate).await?
                && !actor.deleted
                && actor.public_key.is_some()
            {
                state.signers.insert(actor.ap_id.clone(), Arc::new(actor.clone()));
                return Ok((DbActor::new(actor)?, true));
            }
        }
    }
    let data = state.data().map_err(|e| ApubError::Internal(e.to_string()))?;
    let mut last = None;
    for candidate in &candidates {
        let Ok(id) = ObjectId::<DbActor>::parse(candidate) else { continue };
        match id.dereference(&data).await {
            Ok(actor) => {
                state.signers.insert(actor.actor.ap_id.clone(), Arc::new(actor.actor.clone()));
                return Ok((actor, false));
            }
            Err(e) => last = Some(e),
        }
    }
    Err(ApubError::Unauthorized(format!(
        "cannot get the key {}: {}",
        key_id,
        last.map_or_else(|| "no usable keyId".to_string(), |e| e.to_string())
    )))
}
