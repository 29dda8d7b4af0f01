//! Web push: Mastodon's push API, and messages that a push receiver on loopback decrypts
//! (RFC 8291, written out here with p256, hkdf and aes-gcm) and whose VAPID signature it checks
//! (RFC 8292) against the instance's public key.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use aes_gcm::aead::{Aead, KeyInit};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use buurt::db::models::actor::ActorId;
use buurt::db::models::notification::Notification;
use buurt::db::models::post::PostId;
use buurt::db::models::push_subscription::PushSubscription;
use buurt::domain::notifications::{self, Notice, kinds};
use p256::ecdsa::signature::Verifier;
use p256::elliptic_curve::sec1::ToEncodedPoint;
use serde_json::{Value, json};

use crate::both;
use crate::util::*;

both!(
    push_messages_arrive_encrypted_signed_and_in_the_persons_language,
    a_push_service_that_forgot_the_subscription_ends_it_and_a_busy_one_is_tried_again,
    bad_subscriptions_are_refused_with_a_reason_and_nothing_is_stored,
    subscriptions_are_read_changed_and_ended_per_token
);

/// What the receiver got: path, headers (lowercase names) and body.
#[derive(Debug, Clone)]
struct Received {
    path: String,
    headers: HashMap<String, String>,
    body: Vec<u8>,
}

/// A push service on loopback: `/busy/…` answers 503 the first time, `/gone/…` 410, the rest 201.
struct Receiver {
    port: u16,
    got: Arc<Mutex<Vec<Received>>>,
}

impl Receiver {
    async fn start() -> Receiver {
        let got: Arc<Mutex<Vec<Received>>> = Arc::default();
        let shared = got.clone();
        let app = axum::Router::new().fallback(move |request: axum::extract::Request| {
            let got = shared.clone();
            async move {
                let path = request.uri().path().to_string();
                let headers = request
                    .headers()
                    .iter()
                    .map(|(k, v)| (k.as_str().to_string(), v.to_str().unwrap_or("").to_string()))
                    .collect();
                let body = axum::body::to_bytes(request.into_body(), 1 << 20).await.unwrap().to_vec();
                let seen_before = {
                    let mut got = got.lock().unwrap();
                    let before = got.iter().filter(|r| r.path == path).count();
                    got.push(Received { path: path.clone(), headers, body });
                    before
                };
                if path.starts_with("/gone/") {
                    axum::http::StatusCode::GONE
                } else if path.starts_with("/busy/") && seen_before == 0 {
                    axum::http::StatusCode::SERVICE_UNAVAILABLE
                } else {
                    axum::http::StatusCode::CREATED
                }
            }
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Receiver { port, got }
    }

    /// An endpoint under a host name (as the federation tests use), not a literal address.
    fn endpoint(&self, path: &str) -> String {
        format!("http://localhost:{}{path}", self.port)
    }

    fn at(&self, path: &str) -> Vec<Received> {
        self.got.lock().unwrap().iter().filter(|r| r.path == path).cloned().collect()
    }

    fn count(&self) -> usize {
        self.got.lock().unwrap().len()
    }
}

/// The app's side of a subscription: its key pair and authentication secret.
struct Device {
    secret: p256::SecretKey,
    auth: [u8; 16],
}

impl Device {
    fn new() -> Device {
        let secret = p256::SecretKey::random(&mut p256::elliptic_curve::rand_core::OsRng);
        let mut auth = [0u8; 16];
        rand::RngCore::fill_bytes(&mut rand::thread_rng(), &mut auth);
        Device { secret, auth }
    }

    fn p256dh(&self) -> String {
        URL_SAFE_NO_PAD.encode(self.secret.public_key().to_encoded_point(false).as_bytes())
    }

    fn auth(&self) -> String {
        URL_SAFE_NO_PAD.encode(self.auth)
    }

    /// RFC 8291 §3.4 and RFC 8188 §2, by hand: one record, padding delimiter 2.
    fn decrypt(&self, body: &[u8]) -> Vec<u8> {
        let hkdf_expand = |prk: &hkdf::Hkdf<sha2::Sha256>, info: &[u8], len: usize| {
            let mut out = vec![0u8; len];
            prk.expand(info, &mut out).unwrap();
            out
        };
        assert!(body.len() > 21, "a header of 21 bytes and more");
        let salt = &body[..16];
        let record_size = u32::from_be_bytes(body[16..20].try_into().unwrap()) as usize;
        let id_len = body[20] as usize;
        assert_eq!(id_len, 65, "the key id is the sender's uncompressed public key");
        let as_public = p256::PublicKey::from_sec1_bytes(&body[21..21 + id_len]).unwrap();
        let ciphertext = &body[21 + id_len..];
        assert!(ciphertext.len() <= record_size, "one record");

        let shared = p256::ecdh::diffie_hellman(self.secret.to_nonzero_scalar(), as_public.as_affine());
        let prk_key = hkdf::Hkdf::<sha2::Sha256>::new(Some(&self.auth), shared.raw_secret_bytes().as_slice());
        let mut key_info = b"WebPush: info\0".to_vec();
        key_info.extend_from_slice(self.secret.public_key().to_encoded_point(false).as_bytes());
        key_info.extend_from_slice(as_public.to_encoded_point(false).as_bytes());
        let ikm = hkdf_expand(&prk_key, &key_info, 32);
        let prk = hkdf::Hkdf::<sha2::Sha256>::new(Some(salt), &ikm);
        let cek = hkdf_expand(&prk, b"Content-Encoding: aes128gcm\0", 16);
        let nonce = hkdf_expand(&prk, b"Content-Encoding: nonce\0", 12);
        let cipher = aes_gcm::Aes128Gcm::new_from_slice(&cek).unwrap();
        let mut plain = cipher.decrypt(aes_gcm::Nonce::from_slice(&nonce), ciphertext).expect("decrypts");
        while plain.last() == Some(&0) {
            plain.pop();
        }
        assert_eq!(plain.pop(), Some(2), "the last record's delimiter");
        plain
    }
}

/// Checks `Authorization: vapid t=JWT, k=KEY` (RFC 8292): the key is the instance's, the JWT is
/// ES256-signed by it, its audience is the push service's origin and it expires within a day.
fn check_vapid(header: &str, server_key: &str, audience: &str, subject: &str) {
    let rest = header.strip_prefix("vapid ").expect("vapid scheme");
    let params: HashMap<&str, &str> = rest.split(',').filter_map(|p| p.trim().split_once('=')).collect();
    assert_eq!(params.get("k").copied(), Some(server_key), "k is the server key apps subscribed with");
    let jwt = params.get("t").expect("t");
    let parts: Vec<&str> = jwt.split('.').collect();
    assert_eq!(parts.len(), 3);
    let decode = |s: &str| URL_SAFE_NO_PAD.decode(s).unwrap();
    let header: Value = serde_json::from_slice(&decode(parts[0])).unwrap();
    assert_eq!(header["alg"], "ES256");
    let claims: Value = serde_json::from_slice(&decode(parts[1])).unwrap();
    assert_eq!(claims["aud"], audience);
    assert_eq!(claims["sub"], subject);
    let now = chrono::Utc::now().timestamp();
    let exp = claims["exp"].as_i64().expect("exp");
    assert!(exp > now && exp <= now + 24 * 3600, "exp {exp} within 24 hours of {now}");
    let key = p256::ecdsa::VerifyingKey::from_sec1_bytes(&decode(server_key)).unwrap();
    let signature = p256::ecdsa::Signature::from_slice(&decode(parts[2])).expect("64-byte signature");
    key.verify(format!("{}.{}", parts[0], parts[1]).as_bytes(), &signature).expect("signed by the server key");
}

async fn spawn_push(b: Backend) -> TestApp {
    TestApp::spawn_federated_with(b, |s| s.push.enabled = true).await
}

fn subscription(endpoint: &str, device: &Device, alerts: Value) -> Value {
    json!({
        "subscription": {"endpoint": endpoint, "keys": {"p256dh": device.p256dh(), "auth": device.auth()}},
        "data": {"alerts": alerts, "policy": "all"},
    })
}

/// Writes a notification as a cause does, in a transaction, and wakes the job workers.
async fn notify(
    app: &TestApp,
    kind: &'static kinds::Kind,
    to: ActorId,
    from: ActorId,
    post: Option<i64>,
) -> Notification {
    let mut tx = app.state.pool.begin().await.unwrap();
    let notice = Notice { kind, recipient: to, from: Some(from), post: post.map(PostId), subject: None };
    let n = notifications::notify(&mut tx, notice).await.unwrap().expect("written");
    tx.commit().await.unwrap();
    buurt::jobs::wake(&app.state);
    n
}

async fn jobs_done(app: &TestApp) {
    buurt::jobs::wait_idle(&app.state.pool, std::time::Duration::from_secs(30)).await.unwrap();
}

async fn push_messages_arrive_encrypted_signed_and_in_the_persons_language(b: Backend) {
    let app = spawn_push(b).await;
    let receiver = Receiver::start().await;
    let anna = app.api_user("anna").await;
    let bob = app.api_user("bob").await;
    let (anna_actor, bob_account) = (app.account("anna").await.unwrap().actor, app.account("bob").await.unwrap());

    let server_key = app.state.vapid_public_key.to_string();
    assert_eq!(URL_SAFE_NO_PAD.decode(&server_key).unwrap().len(), 65, "an uncompressed P-256 point");
    let v2 = anna.get("/api/v2/instance").await;
    assert_eq!(v2["configuration"]["vapid"]["public_key"], server_key);
    let v1 = anna.get("/api/v1/instance").await;
    assert_eq!(v1["configuration"]["vapid"]["public_key"], server_key);
    let registered = reqwest::Client::new()
        .post(app.url("/api/v1/apps"))
        .json(&json!({"client_name": "Telefoon", "redirect_uris": "urn:ietf:wg:oauth:2.0:oob", "scopes": "read push"}))
        .send()
        .await
        .unwrap()
        .json::<Value>()
        .await
        .unwrap();
    assert_eq!(registered["vapid_key"], server_key);
    // The key is the one kept in the site row, made at the first start.
    let stored = app.state.site.vapid_private_key.clone().expect("made at the first start");
    let secret = p256::SecretKey::from_slice(&URL_SAFE_NO_PAD.decode(stored).unwrap()).unwrap();
    assert_eq!(URL_SAFE_NO_PAD.encode(secret.public_key().to_encoded_point(false).as_bytes()), server_key);

    let device = Device::new();
    let endpoint = receiver.endpoint("/push/anna");
    let entity = anna
        .post(
            "/api/v1/push/subscription",
            subscription(&endpoint, &device, json!({"mention": true, "favourite": false})),
        )
        .await;
    assert_eq!(entity["endpoint"], endpoint);
    assert_eq!(entity["server_key"], server_key);
    assert_eq!(entity["alerts"]["mention"], true);
    assert_eq!(entity["alerts"]["favourite"], false);
    assert_eq!(entity["alerts"]["follow"], false);
    assert_eq!(entity["policy"], "all");

    let post = bob
        .post("/api/v1/statuses", json!({"status": "Wie helpt zaterdag mee met de schoonmaak van het plein?"}))
        .await;
    let post_id: i64 = post["id"].as_str().unwrap().parse().unwrap();
    let liked = notify(&app, &kinds::FAVOURITE, anna_actor.id, bob_account.actor.id, Some(post_id)).await;
    let mentioned = notify(&app, &kinds::MENTION, anna_actor.id, bob_account.actor.id, Some(post_id)).await;
    jobs_done(&app).await;

    let got = receiver.at("/push/anna");
    assert_eq!(got.len(), 1, "only the mention: favourites are off ({liked:?} was not pushed)");
    let message = &got[0];
    assert_eq!(message.headers.get("content-encoding").map(String::as_str), Some("aes128gcm"));
    assert_eq!(message.headers.get("ttl").map(String::as_str), Some("172800"));
    assert_eq!(message.headers.get("urgency").map(String::as_str), Some("normal"));
    check_vapid(
        message.headers.get("authorization").expect("VAPID"),
        &server_key,
        &format!("http://localhost:{}", receiver.port),
        &app.state.base_url,
    );
    let payload: Value = serde_json::from_slice(&device.decrypt(&message.body)).expect("JSON inside");
    let bob_name = if bob_account.actor.display_name.is_empty() {
        "bob".to_string()
    } else {
        bob_account.actor.display_name.clone()
    };
    assert_eq!(
        payload,
        json!({
            "access_token": anna.token,
            "preferred_locale": "nl",
            "notification_id": mentioned.id.to_string(),
            "notification_type": "mention",
            "icon": null,
            "title": format!("{bob_name} noemde je"),
            "body": "Wie helpt zaterdag mee met de schoonmaak van het plein?",
        })
    );

    // In English for someone who chose English, and a follow is low urgency.
    let anna_user = app.account("anna").await.unwrap().user.id;
    let english = buurt::db::models::local_user::LocalUserUpdate { language: Some(Some("en")), ..Default::default() };
    buurt::db::models::local_user::LocalUser::update(&mut app.state.pool.get().await.unwrap(), anna_user, &english)
        .await
        .unwrap();
    let put = anna
        .send(reqwest::Method::PUT, "/api/v1/push/subscription", Some(json!({"data": {"alerts": {"follow": true}}})))
        .await;
    assert_eq!(put.status(), 200);
    notify(&app, &kinds::FOLLOW, anna_actor.id, bob_account.actor.id, None).await;
    jobs_done(&app).await;
    let got = receiver.at("/push/anna");
    assert_eq!(got.len(), 2);
    assert_eq!(got[1].headers.get("urgency").map(String::as_str), Some("low"));
    let payload: Value = serde_json::from_slice(&device.decrypt(&got[1].body)).unwrap();
    assert_eq!(payload["preferred_locale"], "en");
    assert_eq!(payload["notification_type"], "follow");
    assert_eq!(payload["title"], format!("{bob_name} followed you"));
    assert_eq!(payload["body"], format!("@bob@{}", app.settings().instance.domain));
}

async fn a_push_service_that_forgot_the_subscription_ends_it_and_a_busy_one_is_tried_again(b: Backend) {
    let app = spawn_push(b).await;
    let receiver = Receiver::start().await;
    let carl = app.api_user("carl").await;
    let dora = app.api_user("dora").await;
    let bob = app.create_user("bob", buurt::db::models::local_user::Role::Member).await;
    let (carl_actor, dora_actor) = (app.account("carl").await.unwrap().actor, app.account("dora").await.unwrap().actor);
    let (carl_device, dora_device) = (Device::new(), Device::new());
    carl.post(
        "/api/v1/push/subscription",
        subscription(&receiver.endpoint("/gone/carl"), &carl_device, json!({"follow": true})),
    )
    .await;
    dora.post(
        "/api/v1/push/subscription",
        subscription(&receiver.endpoint("/busy/dora"), &dora_device, json!({"follow": true})),
    )
    .await;

    notify(&app, &kinds::FOLLOW, carl_actor.id, bob.actor.id, None).await;
    notify(&app, &kinds::FOLLOW, dora_actor.id, bob.actor.id, None).await;
    // The busy service's job waits about 2 s before its second try.
    eventually("the busy push service got the message twice", || async { receiver.at("/busy/dora").len() == 2 }).await;
    jobs_done(&app).await;

    let mut conn = app.state.pool.get().await.unwrap();
    assert_eq!(receiver.at("/gone/carl").len(), 1, "sent once; 410 is not retried");
    assert!(
        PushSubscription::of_actor(&mut conn, carl_actor.id).await.unwrap().is_empty(),
        "410 ends the subscription"
    );
    assert_eq!(carl.send(reqwest::Method::GET, "/api/v1/push/subscription", None).await.status(), 404);
    assert_eq!(PushSubscription::of_actor(&mut conn, dora_actor.id).await.unwrap().len(), 1, "503 keeps it");
    let busy = receiver.at("/busy/dora");
    let first: Value = serde_json::from_slice(&dora_device.decrypt(&busy[0].body)).unwrap();
    let second: Value = serde_json::from_slice(&dora_device.decrypt(&busy[1].body)).unwrap();
    assert_eq!(first["notification_id"], second["notification_id"], "the same message again");
    assert_eq!(receiver.count(), 3);
}

async fn bad_subscriptions_are_refused_with_a_reason_and_nothing_is_stored(b: Backend) {
    // Push off: the API is not there.
    let off = TestApp::spawn(b).await;
    let erik = off.api_user("erik").await;
    let device = Device::new();
    let response = erik
        .send(
            reqwest::Method::POST,
            "/api/v1/push/subscription",
            Some(subscription("https://push.example/a", &device, json!({}))),
        )
        .await;
    assert_eq!(response.status(), 404);
    assert_eq!(erik.get("/api/v2/instance").await["configuration"]["vapid"]["public_key"], "");
    off.stop().await;

    // Push on, but not federating over http or to private addresses (a real instance).
    let app = TestApp::spawn_with(b, |s| s.push.enabled = true).await;
    let fenna = app.api_user("fenna").await;
    let mut off_curve = vec![4u8];
    off_curve.extend_from_slice(&[7u8; 64]);
    let cases: Vec<(Value, &str)> = vec![
        (subscription("http://push.example/a", &device, json!({})), "subscription[endpoint]"),
        (subscription("https://127.0.0.1/a", &device, json!({})), "private"),
        (subscription("https://10.1.2.3/a", &device, json!({})), "private"),
        (subscription("https://[::1]/a", &device, json!({})), "private"),
        (subscription("https://localhost/a", &device, json!({})), "private"),
        (subscription("niet een adres", &device, json!({})), "subscription[endpoint]"),
        (json!({"subscription": {"endpoint": "https://push.example/a"}}), "subscription[keys][p256dh]"),
        (
            json!({"subscription": {"endpoint": "https://push.example/a", "keys": {"p256dh": "abc", "auth": device.auth()}}}),
            "P-256",
        ),
        (
            json!({"subscription": {"endpoint": "https://push.example/a", "keys": {"p256dh": URL_SAFE_NO_PAD.encode(&off_curve), "auth": device.auth()}}}),
            "P-256",
        ),
        (
            json!({"subscription": {"endpoint": "https://push.example/a", "keys": {"p256dh": device.p256dh(), "auth": "kort"}}}),
            "authentication secret",
        ),
        (
            json!({"subscription": {"endpoint": "https://push.example/a", "keys": {"p256dh": device.p256dh(), "auth": device.auth()}}, "data": {"policy": "vrienden"}}),
            "data[policy]",
        ),
    ];
    for (body, expected) in cases {
        let response = fenna.send(reqwest::Method::POST, "/api/v1/push/subscription", Some(body.clone())).await;
        assert_eq!(response.status(), 422, "{body}");
        let error: Value = response.json().await.unwrap();
        let message = error["error"].as_str().unwrap();
        assert!(message.contains(expected), "{message:?} should mention {expected:?} for {body}");
        assert_eq!(
            fenna.send(reqwest::Method::GET, "/api/v1/push/subscription", None).await.status(),
            404,
            "nothing stored"
        );
    }
    let mut conn = app.state.pool.get().await.unwrap();
    assert!(
        PushSubscription::of_actor(&mut conn, app.account("fenna").await.unwrap().actor.id).await.unwrap().is_empty()
    );

    // A token without the push scope may not subscribe.
    let account = app.account("fenna").await.unwrap();
    let token = "zonder-push-scope-0123456789";
    buurt::db::models::oauth::OauthToken::insert(
        &mut conn,
        &buurt::domain::accounts::token_hash(token),
        None,
        Some(account.user.id),
        "lezen",
        "read write",
        buurt::db::now(),
    )
    .await
    .unwrap();
    let reader = Api { client: reqwest::Client::new(), base: app.base.clone(), token: token.into() };
    let response = reader
        .send(
            reqwest::Method::POST,
            "/api/v1/push/subscription",
            Some(subscription("https://push.example/a", &device, json!({}))),
        )
        .await;
    assert_eq!(response.status(), 403);
}

async fn subscriptions_are_read_changed_and_ended_per_token(b: Backend) {
    let app = TestApp::spawn_with(b, |s| s.push.enabled = true).await;
    let gijs = app.api_user("gijs").await;
    let device = Device::new();
    // A form as Mastodon.py and many apps send it, flat with brackets.
    let form = [
        ("subscription[endpoint]", "https://push.example/gijs".to_string()),
        ("subscription[keys][p256dh]", device.p256dh()),
        ("subscription[keys][auth]", device.auth()),
        ("data[alerts][mention]", "true".into()),
        ("data[alerts][reblog]", "1".into()),
        ("data[alerts][favourite]", "false".into()),
        ("data[policy]", "followed".into()),
    ];
    let response = gijs
        .client
        .post(app.url("/api/v1/push/subscription"))
        .bearer_auth(&gijs.token)
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let created: Value = response.json().await.unwrap();
    assert_eq!(created["alerts"]["mention"], true);
    assert_eq!(created["alerts"]["reblog"], true);
    assert_eq!(created["alerts"]["favourite"], false);
    assert_eq!(created["policy"], "followed");
    assert_eq!(gijs.get("/api/v1/push/subscription").await, created);

    // Another token of the same person has a subscription of its own.
    let account = app.account("gijs").await.unwrap();
    let second = buurt::domain::oauth::admin_token(&app.state.pool, &account, "tablet").await.unwrap();
    let tablet = Api { client: reqwest::Client::new(), base: app.base.clone(), token: second };
    assert_eq!(tablet.send(reqwest::Method::GET, "/api/v1/push/subscription", None).await.status(), 404);
    assert_eq!(
        tablet
            .send(reqwest::Method::PUT, "/api/v1/push/subscription", Some(json!({"data": {"policy": "all"}})))
            .await
            .status(),
        404
    );

    // PUT changes only what it names.
    let changed: Value = gijs
        .send(
            reqwest::Method::PUT,
            "/api/v1/push/subscription",
            Some(json!({"data": {"alerts": {"follow": true}, "policy": "none"}})),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(changed["alerts"]["follow"], true);
    assert_eq!(changed["alerts"]["mention"], true);
    assert_eq!(changed["policy"], "none");

    // Policy none: nothing is pushed, whatever the alerts.
    let bob = app.create_user("bob", buurt::db::models::local_user::Role::Member).await;
    let mut tx = app.state.pool.begin().await.unwrap();
    let notice = Notice {
        kind: &kinds::FOLLOW,
        recipient: account.actor.id,
        from: Some(bob.actor.id),
        post: None,
        subject: None,
    };
    let n = notifications::notify(&mut tx, notice).await.unwrap().unwrap();
    assert!(buurt::domain::push::on_notification(&mut tx, &n).await.unwrap().is_empty());
    tx.rollback().await.unwrap();

    // Posting again replaces the subscription; DELETE ends it.
    let again =
        gijs.post("/api/v1/push/subscription", subscription("https://push.example/nieuw", &device, json!({}))).await;
    assert_eq!(again["endpoint"], "https://push.example/nieuw");
    assert_eq!(again["alerts"]["mention"], false);
    let mut conn = app.state.pool.get().await.unwrap();
    assert_eq!(PushSubscription::of_actor(&mut conn, account.actor.id).await.unwrap().len(), 1);
    assert_eq!(gijs.send(reqwest::Method::DELETE, "/api/v1/push/subscription", None).await.status(), 200);
    assert_eq!(gijs.send(reqwest::Method::GET, "/api/v1/push/subscription", None).await.status(), 404);
    assert!(PushSubscription::of_actor(&mut conn, account.actor.id).await.unwrap().is_empty());
}

#[test]
fn push_settings_are_checked() {
    use buurt::config::Settings;
    assert!(Settings::from_toml("[push]\nenabled = true\n").is_ok());
    let key = URL_SAFE_NO_PAD.encode(p256::SecretKey::random(&mut p256::elliptic_curve::rand_core::OsRng).to_bytes());
    assert!(
        Settings::from_toml(&format!(
            "[push]\nvapid_private_key = \"{key}\"\nsubject = \"mailto:beheer@buurt.example\"\n"
        ))
        .is_ok()
    );
    for bad in [
        "[push]\nvapid_private_key = \"abc\"\n",
        "[push]\nvapid_private_key = \"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\"\n",
        "[push]\nsubject = \"beheer@buurt.example\"\n",
        "[push]\nsubject = \"http://buurt.example\"\n",
        "[push]\nttl_secs = 0\n",
    ] {
        let error = Settings::from_toml(bad).expect_err(bad).to_string();
        assert!(error.contains("push."), "{error}");
    }
}
