//! What a signature must bind (body, host, target), what remote input is refused before anything
//! is stored, and the SSRF guard.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use axum::http::{Method, StatusCode, Uri};
use axum::response::IntoResponse;
use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use buurt::apub::signatures;
use buurt::db::models::actor::Actor;
use buurt::db::models::local_user::Role;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::both;
use crate::util::*;

both!(
    an_unsigned_digest_added_to_a_signed_delivery_is_refused,
    a_signature_made_for_another_host_is_refused,
    a_bad_signature_stores_no_unknown_actor,
    bad_signatures_of_an_unknown_actor_fetch_it_once_and_store_nothing,
    bad_signatures_of_a_known_actor_refetch_it_at_most_once_a_minute,
    an_actor_whose_inboxes_are_elsewhere_is_not_stored_with_them,
    non_http_urls_of_remote_actors_and_posts_are_dropped,
    signed_fetch_covers_collections_whatever_the_accept_header,
    a_huge_or_endless_webfinger_answer_is_cut_off,
);

const PRIVATE: &str = include_str!("../fixtures/test_private_key.pem");
const PUBLIC: &str = include_str!("../fixtures/test_public_key.pem");

/// Draft-cavage headers for a POST of `body` to `target` (Date, Digest, Content-Type, Signature).
fn cavage(target: &str, body: &[u8], s: &Signer) -> Vec<(String, String)> {
    let url = url::Url::parse(target).unwrap();
    signatures::sign(
        &Method::POST,
        &url,
        Some(body),
        Some("application/activity+json"),
        &s.key_id,
        &s.pem,
        SystemTime::now(),
    )
    .unwrap()
    .into_iter()
    .map(|(name, value)| (name.to_string(), value))
    .collect()
}

/// RFC 9421 headers for a POST of `body` to `target`, covering `@method`, `@target-uri` and
/// `content-digest` (as Fedify and Mastodon 4.5 sign).
fn rfc9421(target: &str, body: &[u8], s: &Signer) -> Vec<(String, String)> {
    let created = SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).unwrap().as_secs();
    let content_digest = format!("sha-256=:{}:", BASE64.encode(Sha256::digest(body)));
    let params = format!(
        "(\"@method\" \"@target-uri\" \"content-digest\");created={created};keyid=\"{}\";alg=\"rsa-v1_5-sha256\"",
        s.key_id
    );
    let base = format!(
        "\"@method\": POST\n\"@target-uri\": {target}\n\"content-digest\": {content_digest}\n\"@signature-params\": {params}"
    );
    let signature = signatures::sign_rsa(&s.pem, base.as_bytes()).unwrap();
    vec![
        ("content-type".into(), "application/activity+json".into()),
        ("content-digest".into(), content_digest),
        ("signature-input".into(), format!("sig1={params}")),
        ("signature".into(), format!("sig1=:{}:", BASE64.encode(signature))),
    ]
}

/// POSTs `body` to `url` with `headers` (and a `Host` header of its own when given).
async fn post(url: &str, host: Option<&str>, headers: &[(String, String)], body: &[u8]) -> StatusCode {
    let mut request = reqwest::Client::new().post(url).body(body.to_vec());
    if let Some(host) = host {
        request = request.header("host", host);
    }
    for (name, value) in headers {
        request = request.header(name.as_str(), value.as_str());
    }
    StatusCode::from_u16(request.send().await.unwrap().status().as_u16()).unwrap()
}

async fn stored_actor(app: &TestApp, ap_id: &str) -> Option<Actor> {
    let mut conn = app.state.pool.get().await.unwrap();
    Actor::by_ap_id(&mut conn, ap_id).await.unwrap()
}

async fn followers_of(app: &TestApp, name: &str) -> i64 {
    let mut conn = app.state.pool.get().await.unwrap();
    let actor = Actor::by_name(&mut conn, name, &app.settings().instance.domain).await.unwrap().unwrap();
    buurt::db::models::actor_count::ActorCount::of(&mut conn, actor.id).await.unwrap().followers
}

/// A server on loopback that answers with the documents it is given and counts GETs by path:
/// a remote instance whose answers the test writes. A WebFinger request whose query contains
/// `endless` gets a body that never ends.
struct Remote {
    /// `http://localhost:PORT`
    base: String,
    state: Arc<RemoteState>,
}

#[derive(Default)]
struct RemoteState {
    documents: Mutex<HashMap<String, (&'static str, Vec<u8>)>>,
    gets: Mutex<HashMap<String, usize>>,
}

impl Remote {
    async fn start() -> Remote {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let state = Arc::new(RemoteState::default());
        let shared = state.clone();
        let app = axum::Router::new().fallback(move |method: Method, uri: Uri| {
            let state = shared.clone();
            async move { state.answer(&method, &uri) }
        });
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Remote { base: format!("http://localhost:{port}"), state }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    fn host(&self) -> &str {
        self.base.trim_start_matches("http://")
    }

    fn serve(&self, path: &str, content_type: &'static str, body: Vec<u8>) {
        self.state.documents.lock().unwrap().insert(path.to_string(), (content_type, body));
    }

    fn serve_json(&self, path: &str, value: &Value) {
        self.serve(path, "application/activity+json", value.to_string().into_bytes());
    }

    fn gets(&self, path: &str) -> usize {
        self.state.gets.lock().unwrap().get(path).copied().unwrap_or(0)
    }

    /// A Person document at `/u/{name}` with the test key, changed by `extra`.
    fn actor(&self, name: &str, extra: Value) -> Signer {
        let id = self.url(&format!("/u/{name}"));
        let mut document = json!({
            "@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"],
            "type": "Person", "id": id, "preferredUsername": name, "inbox": format!("{id}/inbox"),
            "publicKey": {"id": format!("{id}#main-key"), "owner": id, "publicKeyPem": PUBLIC},
        });
        if let (Some(document), Some(extra)) = (document.as_object_mut(), extra.as_object()) {
            document.extend(extra.clone());
        }
        self.serve_json(&format!("/u/{name}"), &document);
        Signer { key_id: format!("{id}#main-key"), actor: id, pem: PRIVATE.to_string() }
    }
}

impl RemoteState {
    fn answer(&self, method: &Method, uri: &Uri) -> axum::response::Response {
        if *method == Method::GET {
            *self.gets.lock().unwrap().entry(uri.path().to_string()).or_default() += 1;
        }
        if uri.path() == "/.well-known/webfinger" && uri.query().is_some_and(|q| q.contains("endless")) {
            static SPACES: [u8; 16 * 1024] = [b' '; 16 * 1024];
            let start =
                futures_util::stream::once(async { Ok::<_, std::io::Error>(axum::body::Bytes::from("{\"links\":[")) });
            let forever = futures_util::stream::repeat_with(|| Ok(axum::body::Bytes::from_static(&SPACES)));
            let body = axum::body::Body::from_stream(futures_util::StreamExt::chain(start, forever));
            return ([("content-type", "application/jrd+json")], body).into_response();
        }
        match self.documents.lock().unwrap().get(uri.path()) {
            Some((content_type, body)) => ([("content-type", *content_type)], body.clone()).into_response(),
            None if *method == Method::POST => StatusCode::ACCEPTED.into_response(),
            None => StatusCode::NOT_FOUND.into_response(),
        }
    }
}

/// A victim's RFC 9421 delivery covers `content-digest`; an attacker re-posts its signature
/// with another body and an added, unsigned `Digest` of that body. Only the digest headers the
/// signature covers count, so this is a 401 and changes nothing; honest deliveries of both
/// schemes still go through.
async fn an_unsigned_digest_added_to_a_signed_delivery_is_refused(b: Backend) {
    let alpha = TestApp::spawn_federated(b).await;
    let beta = TestApp::spawn_federated(b).await;
    alpha.create_user("anna", Role::Member).await;
    let bert = signer(&beta, "bert").await;
    let inbox = alpha.url("/inbox");
    let wave = json!({"id": format!("{}/activities/w1", beta.base), "type": "Wave", "actor": bert.actor,
                      "object": alpha.url("/u/anna")})
    .to_string();
    let signed = rfc9421(&inbox, wave.as_bytes(), &bert);
    assert_eq!(post(&inbox, None, &signed, wave.as_bytes()).await, StatusCode::ACCEPTED, "the victim's delivery");

    let follow = json!({"id": format!("{}/activities/f1", beta.base), "type": "Follow", "actor": bert.actor,
                        "object": alpha.url("/u/anna")})
    .to_string();
    let mut forged = signed.clone();
    forged.push(("digest".into(), signatures::digest_header(follow.as_bytes())));
    assert_eq!(post(&inbox, None, &forged, follow.as_bytes()).await, StatusCode::UNAUTHORIZED);
    assert_eq!(followers_of(&alpha, "anna").await, 0, "the forged Follow changed nothing");

    // Honest deliveries: RFC 9421, then draft-cavage.
    let signed = rfc9421(&inbox, follow.as_bytes(), &bert);
    assert_eq!(post(&inbox, None, &signed, follow.as_bytes()).await, StatusCode::ACCEPTED);
    assert_eq!(followers_of(&alpha, "anna").await, 1);
    let carla = signer(&beta, "carla").await;
    let follow = json!({"id": format!("{}/activities/f2", beta.base), "type": "Follow", "actor": carla.actor,
                        "object": alpha.url("/u/anna")})
    .to_string();
    let signed = cavage(&inbox, follow.as_bytes(), &carla);
    assert_eq!(post(&inbox, None, &signed, follow.as_bytes()).await, StatusCode::ACCEPTED);
    assert_eq!(followers_of(&alpha, "anna").await, 2);
    alpha.drain().await;
}

/// A correct signature made for another server, replayed here with that server's `Host`, does
/// not verify: the target URI is ours, and a signed `Host` must be ours.
async fn a_signature_made_for_another_host_is_refused(b: Backend) {
    let alpha = TestApp::spawn_federated(b).await;
    let beta = TestApp::spawn_federated(b).await;
    alpha.create_user("anna", Role::Member).await;
    let bert = signer(&beta, "bert").await;
    let follow = json!({"id": format!("{}/activities/f1", beta.base), "type": "Follow", "actor": bert.actor,
                        "object": alpha.url("/u/anna")})
    .to_string();
    let elsewhere = "http://other.example/inbox";
    let replayed = rfc9421(elsewhere, follow.as_bytes(), &bert);
    assert_eq!(post(&alpha.url("/inbox"), Some("other.example"), &replayed, follow.as_bytes()).await, 401);
    let replayed = cavage(elsewhere, follow.as_bytes(), &bert);
    assert_eq!(post(&alpha.url("/inbox"), Some("other.example"), &replayed, follow.as_bytes()).await, 401);
    assert_eq!(followers_of(&alpha, "anna").await, 0);
    // Signed for us, the same Follow is taken.
    let signed = cavage(&alpha.url("/inbox"), follow.as_bytes(), &bert);
    assert_eq!(post(&alpha.url("/inbox"), None, &signed, follow.as_bytes()).await, 202);
    assert_eq!(followers_of(&alpha, "anna").await, 1);
    alpha.drain().await;
}

/// A garbage signature naming an actor we do not know: the actor is fetched to check it, and
/// not stored, since the signature does not verify.
async fn a_bad_signature_stores_no_unknown_actor(b: Backend) {
    let alpha = TestApp::spawn_federated(b).await;
    let beta = TestApp::spawn_federated(b).await;
    alpha.create_user("anna", Role::Member).await;
    let bert = signer(&beta, "bert").await;
    let impostor = Signer { key_id: bert.key_id.clone(), actor: bert.actor.clone(), pem: PRIVATE.to_string() };
    let wave = json!({"id": format!("{}/activities/w1", beta.base), "type": "Wave", "actor": bert.actor,
                      "object": alpha.url("/u/anna")})
    .to_string();
    let inbox = alpha.url("/inbox");
    assert_eq!(post(&inbox, None, &cavage(&inbox, wave.as_bytes(), &impostor), wave.as_bytes()).await, 401);
    assert_eq!(post(&inbox, None, &rfc9421(&inbox, wave.as_bytes(), &impostor), wave.as_bytes()).await, 401);
    assert!(stored_actor(&alpha, &bert.actor).await.is_none(), "an actor is stored only after its signature verified");
    // Signed by bert himself, he is stored.
    assert_eq!(post(&inbox, None, &cavage(&inbox, wave.as_bytes(), &bert), wave.as_bytes()).await, 202);
    assert!(stored_actor(&alpha, &bert.actor).await.is_some());
}

/// Bad signatures naming an actor we do not know fetch its document once a minute, not once
/// each, and store nothing; a good signature within that minute verifies with the copy
/// fetched, and only then is the actor stored.
async fn bad_signatures_of_an_unknown_actor_fetch_it_once_and_store_nothing(b: Backend) {
    let alpha = TestApp::spawn_federated(b).await;
    alpha.create_user("anna", Role::Member).await;
    let remote = Remote::start().await;
    let nina = remote.actor("nina", json!({}));
    let other_key = activitypub_federation::http_signatures::generate_actor_keypair().unwrap();
    let forger = Signer { key_id: nina.key_id.clone(), actor: nina.actor.clone(), pem: other_key.private_key };
    let inbox = alpha.url("/inbox");
    let wave = |n: u32| {
        json!({"id": remote.url(&format!("/activities/w{n}")), "type": "Wave", "actor": nina.actor,
               "object": alpha.url("/u/anna")})
        .to_string()
    };
    for n in 1..=2 {
        let body = wave(n);
        assert_eq!(post(&inbox, None, &cavage(&inbox, body.as_bytes(), &forger), body.as_bytes()).await, 401);
    }
    assert_eq!(remote.gets("/u/nina"), 1, "fetched once for two bad signatures");
    assert!(stored_actor(&alpha, &nina.actor).await.is_none());
    assert_eq!(post(&inbox, None, &cavage(&inbox, wave(3).as_bytes(), &nina), wave(3).as_bytes()).await, 202);
    assert_eq!(remote.gets("/u/nina"), 1, "the good signature verified with the copy fetched");
    assert!(stored_actor(&alpha, &nina.actor).await.is_some());
}

/// A known actor whose signature does not verify is fetched again (its key may have changed),
/// but not again within a minute: a second bad signature is a 401 without a fetch.
async fn bad_signatures_of_a_known_actor_refetch_it_at_most_once_a_minute(b: Backend) {
    let alpha = TestApp::spawn_federated(b).await;
    alpha.create_user("anna", Role::Member).await;
    let remote = Remote::start().await;
    let mallory = remote.actor("mallory", json!({}));
    let inbox = alpha.url("/inbox");
    let wave = |n: u32| {
        json!({"id": remote.url(&format!("/activities/w{n}")), "type": "Wave", "actor": mallory.actor,
               "object": alpha.url("/u/anna")})
        .to_string()
    };
    assert_eq!(post(&inbox, None, &cavage(&inbox, wave(1).as_bytes(), &mallory), wave(1).as_bytes()).await, 202);
    assert_eq!(remote.gets("/u/mallory"), 1, "fetched to check the first signature");
    assert!(stored_actor(&alpha, &mallory.actor).await.is_some());

    let other_key = activitypub_federation::http_signatures::generate_actor_keypair().unwrap();
    let forger = Signer { key_id: mallory.key_id.clone(), actor: mallory.actor.clone(), pem: other_key.private_key };
    for n in 2..=3 {
        let body = wave(n);
        assert_eq!(post(&inbox, None, &cavage(&inbox, body.as_bytes(), &forger), body.as_bytes()).await, 401);
    }
    assert_eq!(remote.gets("/u/mallory"), 2, "refetched once for two bad signatures");
    // The stored key still serves.
    assert_eq!(post(&inbox, None, &cavage(&inbox, wave(4).as_bytes(), &mallory), wave(4).as_bytes()).await, 202);
    assert_eq!(remote.gets("/u/mallory"), 2);
}

/// Deliveries go to an actor's inbox and shared inbox: an actor document that points them at
/// another server is not stored with them (the actor is refused for its inbox, a shared inbox
/// elsewhere is dropped).
async fn an_actor_whose_inboxes_are_elsewhere_is_not_stored_with_them(b: Backend) {
    let alpha = TestApp::spawn_federated(b).await;
    let target = TestApp::spawn_federated(b).await;
    let remote = Remote::start().await;
    let api = alpha.api_user("anna").await;
    let elsewhere = target.url("/inbox");
    let mallory = remote.actor("mallory", json!({"inbox": elsewhere}));
    let nina = remote.actor("nina", json!({"endpoints": {"sharedInbox": elsewhere}}));
    let olga = remote.actor("olga", json!({"sharedInbox": elsewhere}));
    let paul = remote.actor("paul", json!({"endpoints": {"sharedInbox": remote.url("/inbox")}}));
    for actor in [&mallory, &nina, &olga, &paul] {
        let _ = api.send(reqwest::Method::GET, &format!("/api/v2/search?q={}&resolve=true", actor.actor), None).await;
    }
    assert!(stored_actor(&alpha, &mallory.actor).await.is_none(), "an inbox on another host");
    for actor in [&nina, &olga] {
        let stored = stored_actor(&alpha, &actor.actor).await.expect("stored without the shared inbox");
        assert_eq!(stored.shared_inbox_url, None, "{}", actor.actor);
        assert_eq!(stored.inbox_url, format!("{}/inbox", actor.actor));
    }
    let paul = stored_actor(&alpha, &paul.actor).await.unwrap();
    assert_eq!(paul.shared_inbox_url.as_deref(), Some(remote.url("/inbox").as_str()), "a shared inbox at home is kept");
}

/// `javascript:` and other non-http(s) URLs of remote actors and posts are dropped when they
/// are read: the API shows the actor's id instead, and a post keeps no such URL.
async fn non_http_urls_of_remote_actors_and_posts_are_dropped(b: Backend) {
    let alpha = TestApp::spawn_federated(b).await;
    let api = alpha.api_user("anna").await;
    let remote = Remote::start().await;
    let mallory = remote.actor(
        "mallory",
        json!({"url": "javascript:alert(1)", "icon": {"type": "Image", "url": "javascript:alert(2)"},
               "image": "data:image/svg+xml,<svg onload=alert(3)>", "name": "Mallory"}),
    );
    let found = api.get(&format!("/api/v2/search?q={}&resolve=true", mallory.actor)).await;
    assert_eq!(found["accounts"][0]["display_name"], "Mallory", "{found}");
    let account = api.get(&format!("/api/v1/accounts/lookup?acct=mallory@{}", remote.host())).await;
    assert_eq!(account["url"], mallory.actor.as_str());
    for field in ["avatar", "avatar_static", "header", "header_static"] {
        let value = account[field].as_str().unwrap_or("");
        assert!(value.starts_with("http"), "{field}: {value}");
        assert!(!value.contains("javascript") && !value.contains("data:"), "{field}: {value}");
    }
    let stored = stored_actor(&alpha, &mallory.actor).await.unwrap();
    assert_eq!((stored.url, stored.icon_url, stored.image_url), (None, None, None));

    // A post mentioning anna, with a javascript: url and attachment: kept, without them.
    let note = json!({"id": remote.url("/p/1"), "type": "Note", "attributedTo": mallory.actor,
        "content": "<p>hallo</p>", "url": "javascript:alert(4)", "to": ["https://www.w3.org/ns/activitystreams#Public"],
        "cc": [alpha.url("/u/anna")],
        "attachment": [{"type": "Image", "mediaType": "image/png", "url": "javascript:alert(5)", "name": "x"},
                       {"type": "Image", "mediaType": "image/png", "url": remote.url("/plein.png"), "name": "plein"}]});
    let create = json!({"id": remote.url("/activities/c1"), "type": "Create", "actor": mallory.actor,
                        "to": ["https://www.w3.org/ns/activitystreams#Public"], "object": note})
    .to_string();
    let inbox = alpha.url("/inbox");
    assert_eq!(post(&inbox, None, &cavage(&inbox, create.as_bytes(), &mallory), create.as_bytes()).await, 202);
    let mut conn = alpha.state.pool.get().await.unwrap();
    let post = buurt::db::models::post::Post::by_ap_id(&mut conn, &remote.url("/p/1")).await.unwrap().expect("kept");
    assert_eq!(post.url, None);
    let media = buurt::db::models::media::Media::of_posts(&mut conn, &[post.id]).await.unwrap();
    let urls: Vec<_> = media.iter().map(|m| m.remote_url.clone()).collect();
    assert_eq!(urls, [Some(remote.url("/plein.png"))]);
    drop(conn);
    let status = api.get(&format!("/api/v1/statuses/{}", post.id.0)).await;
    assert_eq!(status["url"], remote.url("/p/1"));
}

/// With `signed_fetch_only`, the collections and activities (which are only ever JSON) need a
/// signature whatever the `Accept` header says; an `Accept` that excludes JSON gets 406.
async fn signed_fetch_covers_collections_whatever_the_accept_header(b: Backend) {
    let alpha = TestApp::spawn_federated_with(b, |s| s.federation.signed_fetch_only = true).await;
    let beta = TestApp::spawn_federated(b).await;
    let anna = alpha.api_user("anna").await;
    let status = anna.post("/api/v1/statuses", json!({"status": "Wie helpt zaterdag?"})).await;
    let activity = format!("/p/{}/activity", status["id"].as_str().unwrap());
    let client = reqwest::Client::new();
    let get = |path: String, accept: Option<&'static str>| {
        let mut request = client.get(alpha.url(&path));
        if let Some(accept) = accept {
            request = request.header("accept", accept);
        }
        async move { request.send().await.unwrap().status().as_u16() }
    };
    for path in ["/u/anna/outbox", "/u/anna/followers", "/u/anna/following", "/u/anna/featured", activity.as_str()] {
        for accept in [None, Some("application/json"), Some("*/*"), Some("text/html, */*;q=0.1")] {
            assert_eq!(get(path.to_string(), accept).await, 401, "{path} {accept:?}");
        }
        assert_eq!(get(path.to_string(), Some("text/html")).await, 406, "{path}");
    }
    // Signed, they are answered whatever the Accept header.
    let bert = signer(&beta, "bert").await;
    let url = url::Url::parse(&alpha.url("/u/anna/outbox")).unwrap();
    let headers = signatures::sign(&Method::GET, &url, None, None, &bert.key_id, &bert.pem, SystemTime::now()).unwrap();
    let mut request = client.get(url.as_str()).header("accept", "application/json");
    for (name, value) in headers {
        request = request.header(name, value);
    }
    let response = request.send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.json::<Value>().await.unwrap()["totalItems"], 1);
    // The page of a person stays open to browsers.
    assert_eq!(get("/u/anna".into(), Some("text/html")).await, 200);

    // Without signed fetch: JSON for any Accept that takes it, 406 for one that does not.
    let open = TestApp::spawn(b).await;
    open.create_user("anna", Role::Member).await;
    for accept in [None, Some("application/json"), Some("application/activity+json")] {
        let mut request = client.get(open.url("/u/anna/outbox"));
        if let Some(accept) = accept {
            request = request.header("accept", accept);
        }
        assert_eq!(request.send().await.unwrap().status(), 200, "{accept:?}");
    }
    let html = client.get(open.url("/u/anna/outbox")).header("accept", "text/html").send().await.unwrap();
    assert_eq!(html.status(), 406);
}

/// The WebFinger answer a remote follow reads is capped: a huge one is refused with the
/// person-facing message, an endless one is cut off at the cap, and the server stays healthy.
async fn a_huge_or_endless_webfinger_answer_is_cut_off(b: Backend) {
    let alpha = TestApp::spawn_federated(b).await;
    alpha.create_user("anna", Role::Member).await;
    let remote = Remote::start().await;
    let huge = json!({
        "subject": format!("acct:huge@{}", remote.host()),
        "links": [{"rel": "http://ostatus.org/schema/1.0/subscribe", "template": remote.url("/authorize?uri={uri}")}],
        "padding": "x".repeat(2 * 1024 * 1024),
    });
    remote.serve("/.well-known/webfinger", "application/jrd+json", huge.to_string().into_bytes());
    let visitor = alpha.browser();
    for name in ["huge", "endless"] {
        let handle = format!("@{name}@{}", remote.host());
        let response = visitor.submit("/u/anna", "/u/anna/op-afstand", &[("handle", &handle)]).await;
        assert_eq!(response.status(), 422, "{name}");
        let page = html(response).await;
        assert_eq!(
            text_of(&page, "#remote-handle-error").as_deref(),
            Some("Die server kent dit adres niet."),
            "{name}"
        );
    }
    assert_eq!(alpha.browser().get("/healthz").await.status(), 200);
    // A WebFinger answer of ordinary size is followed.
    let small = json!({"links": [{"rel": "http://ostatus.org/schema/1.0/subscribe", "template": remote.url("/authorize?uri={uri}")}]});
    remote.serve("/.well-known/webfinger", "application/jrd+json", small.to_string().into_bytes());
    let handle = format!("@small@{}", remote.host());
    let response = visitor.submit("/u/anna", "/u/anna/op-afstand", &[("handle", &handle)]).await;
    assert_eq!(response.status(), 303);
}
