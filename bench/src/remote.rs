//! The remote side: one receiving process acting as many remote instances, each with its own
//! host name (`r00001.bench.test`, … written to /etc/hosts in a marked block that is removed
//! afterwards). It serves actor documents and WebFinger for every instance, verifies the HTTP
//! signature of every delivery with Buurt's published key, and counts each activity once per
//! inbox before answering 202. It also signs what its actors send to Buurt.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use anyhow::{Context, bail};
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use buurt::apub::signatures::{self, SignatureError, SignatureHeader};
use rsa::RsaPrivateKey;
use rsa::pkcs8::{EncodePrivateKey, EncodePublicKey, LineEnding};
use serde_json::{Value, json};

use crate::hosts::HostsBlock;

/// Checks a delivery's draft-cavage signature (what Buurt sends) against the PEM public key
/// `key_pem`: the signature must cover the request target, host, date and digest, the Digest
/// must match the body and the date must be recent. Verified with `ring` (through Buurt's
/// `verify_rsa`), so the receiver takes as little as possible of the CPU Buurt is measured on.
pub fn check_delivery(
    sig: &SignatureHeader,
    method: &Method,
    path_and_query: &str,
    headers: &HeaderMap,
    body: &[u8],
    key_pem: &str,
) -> Result<(), SignatureError> {
    signatures::check_coverage(sig, method, headers, SystemTime::now())?;
    signatures::verify_covered_digests(&sig.headers, method, headers, body)?;
    let text = signatures::signing_string(sig, method, path_and_query, headers)?;
    signatures::verify_rsa(key_pem, &text, &sig.signature)
}

/// What the receiver saw.
#[derive(Default)]
struct Seen {
    /// (inbox URL, activity id) of every accepted delivery.
    deliveries: HashSet<(String, String)>,
    /// Accepted deliveries by activity type, each (inbox, id) once.
    by_type: HashMap<String, usize>,
    /// Deliveries by activity type of an (inbox, id) accepted before: sent again.
    repeats: HashMap<String, usize>,
}

struct Shared {
    port: u16,
    hosts: HashSet<String>,
    public_pem: String,
    /// Base URL of the Buurt under test; keys are fetched only from there.
    buurt: Mutex<String>,
    http: reqwest::Client,
    /// Buurt's public keys (PEM) by key id.
    keys: Mutex<HashMap<String, String>>,
    seen: Mutex<Seen>,
    rejected: AtomicUsize,
    changed: tokio::sync::Notify,
    close_connections: bool,
}

/// A request ready to send: URL, signed headers and body.
#[derive(Clone)]
pub struct Signed {
    pub url: String,
    pub headers: Vec<(&'static str, String)>,
    pub body: Vec<u8>,
}

/// The running receiver.
pub struct Remote {
    pub port: u16,
    private_pem: String,
    shared: Arc<Shared>,
    task: tokio::task::JoinHandle<()>,
    _hosts_block: HostsBlock,
}

/// Host name of remote instance `i`.
pub fn host_name(i: usize) -> String {
    format!("r{i:05}.bench.test")
}

impl Remote {
    /// Starts the receiver for `instances` host names on 127.0.0.1. With `close_connections`
    /// every inbox answer closes its connection, so each delivery costs a new connection as a
    /// delivery to a server not contacted for a while does.
    pub async fn start(instances: usize, close_connections: bool) -> anyhow::Result<Remote> {
        let hosts: Vec<String> = (0..instances).map(host_name).collect();
        let hosts_block = HostsBlock::write("127.0.0.1", &hosts)?;
        let key = tokio::task::spawn_blocking(|| RsaPrivateKey::new(&mut rand::thread_rng(), 2048)).await??;
        let private_pem = key.to_pkcs8_pem(LineEnding::LF)?.to_string();
        let public_pem = key.to_public_key().to_public_key_pem(LineEnding::LF)?;
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await?;
        let port = listener.local_addr()?.port();
        buurt::install_crypto();
        let shared = Arc::new(Shared {
            port,
            hosts: hosts.iter().cloned().collect(),
            public_pem,
            buurt: Mutex::new(String::new()),
            http: reqwest::Client::builder().timeout(Duration::from_secs(30)).build()?,
            keys: Mutex::new(HashMap::new()),
            seen: Mutex::new(Seen::default()),
            rejected: AtomicUsize::new(0),
            changed: tokio::sync::Notify::new(),
            close_connections,
        });
        let app = Router::new()
            .route("/users/{name}", get(actor))
            .route("/users/{name}/inbox", post(inbox))
            .route("/inbox", post(inbox))
            .route("/.well-known/webfinger", get(webfinger))
            .with_state(shared.clone());
        let task = tokio::spawn(async move {
            if let Err(e) = axum::serve(listener, app).await {
                eprintln!("receiver stopped: {e}");
            }
        });
        Ok(Remote { port, private_pem, shared, task, _hosts_block: hosts_block })
    }

    /// Tells the receiver which Buurt it receives from (keys are fetched from there only).
    pub fn set_buurt(&self, base_url: &str) {
        if let Ok(mut b) = self.shared.buurt.lock() {
            *b = base_url.to_string();
        }
    }

    pub fn actor_url(&self, instance: usize, name: &str) -> String {
        format!("http://{}:{}/users/{name}", host_name(instance), self.port)
    }

    pub fn private_pem(&self) -> &str {
        &self.private_pem
    }

    pub fn public_pem(&self) -> &str {
        &self.shared.public_pem
    }

    /// Deliveries of `kind` accepted so far (each activity once per inbox).
    pub fn count(&self, kind: &str) -> usize {
        self.shared.seen.lock().map(|s| s.by_type.get(kind).copied().unwrap_or(0)).unwrap_or(0)
    }

    /// Deliveries of `kind` that repeated an activity already accepted at the same inbox.
    pub fn repeats(&self, kind: &str) -> usize {
        self.shared.seen.lock().map(|s| s.repeats.get(kind).copied().unwrap_or(0)).unwrap_or(0)
    }

    /// Deliveries refused for a bad signature or body.
    pub fn rejected(&self) -> usize {
        self.shared.rejected.load(Ordering::Relaxed)
    }

    /// Waits until `n` deliveries of `kind` were accepted.
    pub async fn wait_for(&self, kind: &str, n: usize, timeout: Duration) -> anyhow::Result<()> {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let notified = self.shared.changed.notified();
            if self.count(kind) >= n {
                return Ok(());
            }
            // Buurt drops a delivery that was refused: waiting longer would not help.
            if self.rejected() > 0 {
                bail!("{} of {n} {kind} deliveries; {} refused by the receiver", self.count(kind), self.rejected());
            }
            if tokio::time::Instant::now() > deadline {
                bail!("{} of {n} {kind} deliveries after {timeout:?} ({} rejected)", self.count(kind), self.rejected());
            }
            let _ = tokio::time::timeout(Duration::from_millis(200), notified).await;
        }
    }
}

impl Drop for Remote {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Signs requests of remote actors (all share the receiver's key) on every core.
pub fn sign_all(private_pem: &str, requests: Vec<(String, String, Vec<u8>)>) -> anyhow::Result<Vec<Signed>> {
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
    let chunk = requests.len().div_ceil(threads).max(1);
    std::thread::scope(|scope| {
        let handles: Vec<_> = requests
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || {
                    part.iter()
                        .map(|(url, actor, body)| {
                            let parsed = url::Url::parse(url)?;
                            let headers = signatures::sign(
                                &Method::POST,
                                &parsed,
                                Some(body),
                                Some(buurt::apub::ACTIVITY_JSON),
                                &format!("{actor}#main-key"),
                                private_pem,
                                SystemTime::now(),
                            )?;
                            Ok(Signed { url: url.clone(), headers, body: body.clone() })
                        })
                        .collect::<anyhow::Result<Vec<Signed>>>()
                })
            })
            .collect();
        let mut all = Vec::with_capacity(requests.len());
        for handle in handles {
            all.extend(handle.join().map_err(|_| anyhow::anyhow!("signing thread panicked"))??);
        }
        Ok(all)
    })
}

/// The result of sending one request.
pub struct Sent {
    pub latency: Duration,
    pub status: Option<u16>,
}

/// Sends `requests` with `concurrency` requests in flight; returns each one's latency and status
/// (None for a network error), and the wall time.
pub async fn send_all(
    client: &reqwest::Client,
    requests: Arc<Vec<Signed>>,
    concurrency: usize,
) -> (Vec<Sent>, Duration) {
    let next = Arc::new(AtomicUsize::new(0));
    let started = tokio::time::Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..concurrency {
        let (client, requests, next) = (client.clone(), requests.clone(), next.clone());
        tasks.spawn(async move {
            let mut out = Vec::new();
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(request) = requests.get(i) else { return out };
                let mut builder = client.post(&request.url).body(request.body.clone());
                for (name, value) in &request.headers {
                    builder = builder.header(*name, value);
                }
                let t = tokio::time::Instant::now();
                let status = match builder.send().await {
                    Ok(response) => {
                        let status = response.status().as_u16();
                        let _ = response.bytes().await;
                        Some(status)
                    }
                    Err(_) => None,
                };
                out.push(Sent { latency: t.elapsed(), status });
            }
        });
    }
    let mut all = Vec::with_capacity(requests.len());
    while let Some(done) = tasks.join_next().await {
        if let Ok(part) = done {
            all.extend(part);
        }
    }
    (all, started.elapsed())
}

fn host_of(headers: &HeaderMap) -> Option<&str> {
    let host = headers.get(header::HOST)?.to_str().ok()?;
    Some(host.rsplit_once(':').map_or(host, |(h, _)| h))
}

fn activity_json(value: Value) -> Response {
    let mut response = axum::Json(value).into_response();
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/activity+json"));
    response
}

async fn actor(State(shared): State<Arc<Shared>>, Path(name): Path<String>, headers: HeaderMap) -> Response {
    let Some(host) = host_of(&headers).filter(|h| shared.hosts.contains(*h)) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let base = format!("http://{host}:{}", shared.port);
    let id = format!("{base}/users/{name}");
    activity_json(json!({
        "@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"],
        "type": "Person",
        "id": id,
        "preferredUsername": name,
        "name": format!("Bench {name}"),
        "summary": "",
        "inbox": format!("{id}/inbox"),
        "outbox": format!("{id}/outbox"),
        "followers": format!("{id}/followers"),
        "endpoints": {"sharedInbox": format!("{base}/inbox")},
        "publicKey": {"id": format!("{id}#main-key"), "owner": id, "publicKeyPem": shared.public_pem},
        "manuallyApprovesFollowers": false,
        "discoverable": true,
    }))
}

async fn webfinger(State(shared): State<Arc<Shared>>, Query(q): Query<HashMap<String, String>>) -> Response {
    let resource = q.get("resource").cloned().unwrap_or_default();
    let Some((name, domain)) = resource.trim_start_matches("acct:").split_once('@') else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    let host = domain.rsplit_once(':').map_or(domain, |(h, _)| h);
    if !shared.hosts.contains(host) {
        return StatusCode::NOT_FOUND.into_response();
    }
    let href = format!("http://{host}:{}/users/{name}", shared.port);
    let mut response = axum::Json(json!({
        "subject": resource,
        "links": [{"rel": "self", "type": "application/activity+json", "href": href}],
    }))
    .into_response();
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/jrd+json"));
    response
}

/// Buurt's public key (PEM) for `key_id`, fetched once from Buurt itself.
async fn key_for(shared: &Shared, key_id: &str) -> anyhow::Result<String> {
    if let Some(key) = shared.keys.lock().ok().and_then(|k| k.get(key_id).cloned()) {
        return Ok(key);
    }
    let buurt = shared.buurt.lock().map(|b| b.clone()).unwrap_or_default();
    if buurt.is_empty() || !key_id.starts_with(&format!("{buurt}/")) {
        bail!("key {key_id} is not Buurt's");
    }
    let actor_url = key_id.split('#').next().unwrap_or(key_id);
    let actor: Value = shared
        .http
        .get(actor_url)
        .header("accept", buurt::apub::ACTIVITY_JSON)
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    let pem = actor["publicKey"]["publicKeyPem"].as_str().context("actor without publicKeyPem")?.to_string();
    signatures::parse_public_key(&pem)?;
    if let Ok(mut keys) = shared.keys.lock() {
        keys.insert(key_id.to_string(), pem.clone());
    }
    Ok(pem)
}

async fn inbox(
    State(shared): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let mut response = match receive(&shared, &method, &uri, &headers, &body).await {
        Ok(()) => StatusCode::ACCEPTED.into_response(),
        Err(e) => {
            let n = shared.rejected.fetch_add(1, Ordering::Relaxed);
            if n < 5 {
                eprintln!("receiver refused a delivery to {uri}: {e:#}");
            }
            (StatusCode::UNAUTHORIZED, e.to_string()).into_response()
        }
    };
    if shared.close_connections {
        response.headers_mut().insert(header::CONNECTION, HeaderValue::from_static("close"));
    }
    response
}

async fn receive(shared: &Shared, method: &Method, uri: &Uri, headers: &HeaderMap, body: &[u8]) -> anyhow::Result<()> {
    let host = host_of(headers).filter(|h| shared.hosts.contains(*h)).context("unknown host")?;
    let header = headers.get("signature").and_then(|v| v.to_str().ok()).context("no Signature header")?;
    let sig = SignatureHeader::parse(header)?;
    let key = key_for(shared, &sig.key_id).await?;
    let path = uri.path_and_query().map_or(uri.path(), |p| p.as_str());
    check_delivery(&sig, method, path, headers, body, &key)?;
    let activity: Value = serde_json::from_slice(body)?;
    let id = activity["id"].as_str().context("activity without id")?;
    let kind = activity["type"].as_str().context("activity without type")?;
    let actor = activity["actor"].as_str().unwrap_or("");
    if !sig.key_id.starts_with(actor) || actor.is_empty() {
        bail!("signed by {} for actor {actor}", sig.key_id);
    }
    let inbox = format!("{host}{}", uri.path());
    let mut seen = shared.seen.lock().map_err(|_| anyhow::anyhow!("lock poisoned"))?;
    if seen.deliveries.insert((inbox, id.to_string())) {
        *seen.by_type.entry(kind.to_string()).or_default() += 1;
    } else {
        *seen.repeats.entry(kind.to_string()).or_default() += 1;
    }
    drop(seen);
    shared.changed.notify_waiters();
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> RsaPrivateKey {
        RsaPrivateKey::new(&mut rand::thread_rng(), 2048).unwrap()
    }

    fn public_pem(key: &RsaPrivateKey) -> String {
        key.to_public_key().to_public_key_pem(LineEnding::LF).unwrap()
    }

    fn signed(key: &RsaPrivateKey, url: &str, body: &[u8]) -> (HeaderMap, SignatureHeader) {
        let pem = key.to_pkcs8_pem(LineEnding::LF).unwrap().to_string();
        let parsed = url::Url::parse(url).unwrap();
        let out = signatures::sign(
            &Method::POST,
            &parsed,
            Some(body),
            Some("application/activity+json"),
            "http://buurt.test/u/anna#main-key",
            &pem,
            SystemTime::now(),
        )
        .unwrap();
        let mut headers = HeaderMap::new();
        headers.insert("host", parsed.host_str().unwrap().parse().unwrap());
        for (name, value) in out {
            headers.insert(name, value.parse().unwrap());
        }
        let sig = SignatureHeader::parse(headers["signature"].to_str().unwrap()).unwrap();
        (headers, sig)
    }

    #[test]
    fn a_delivery_verifies_only_unchanged_and_with_the_right_key() {
        let (k, other) = (key(), key());
        let body = br#"{"id":"http://buurt.test/activities/1","type":"Create"}"#;
        let (headers, sig) = signed(&k, "http://r00001.bench.test/inbox", body);
        let public = public_pem(&k);
        assert_eq!(check_delivery(&sig, &Method::POST, "/inbox", &headers, body, &public), Ok(()));
        assert_eq!(
            check_delivery(&sig, &Method::POST, "/inbox", &headers, b"{}", &public),
            Err(SignatureError::Digest)
        );
        assert_eq!(
            check_delivery(&sig, &Method::POST, "/users/x/inbox", &headers, body, &public),
            Err(SignatureError::Invalid)
        );
        assert_eq!(
            check_delivery(&sig, &Method::POST, "/inbox", &headers, body, &public_pem(&other)),
            Err(SignatureError::Invalid)
        );
        let mut elsewhere = headers.clone();
        elsewhere.insert("host", "r00002.bench.test".parse().unwrap());
        assert_eq!(
            check_delivery(&sig, &Method::POST, "/inbox", &elsewhere, body, &public),
            Err(SignatureError::Invalid)
        );
    }

    #[test]
    fn remote_requests_are_signed_for_their_actor() {
        let k = key();
        let pem = k.to_pkcs8_pem(LineEnding::LF).unwrap().to_string();
        let actor = "http://r00003.bench.test:1/users/a1";
        let requests = (0..5)
            .map(|i| ("http://127.0.0.1:9/inbox".to_string(), actor.to_string(), format!("{{\"n\":{i}}}").into_bytes()))
            .collect();
        let signed = sign_all(&pem, requests).unwrap();
        assert_eq!(signed.len(), 5);
        for (i, s) in signed.iter().enumerate() {
            assert_eq!(s.body, format!("{{\"n\":{i}}}").into_bytes(), "order kept");
            let header = &s.headers.iter().find(|(n, _)| *n == "signature").unwrap().1;
            let sig = SignatureHeader::parse(header).unwrap();
            assert_eq!(sig.key_id, format!("{actor}#main-key"));
            let mut headers = HeaderMap::new();
            headers.insert("host", "127.0.0.1:9".parse().unwrap());
            for (name, value) in &s.headers {
                headers.insert(*name, value.parse().unwrap());
            }
            assert_eq!(check_delivery(&sig, &Method::POST, "/inbox", &headers, &s.body, &public_pem(&k)), Ok(()));
        }
    }
}
