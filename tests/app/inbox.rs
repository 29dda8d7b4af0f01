//! What the inbox refuses, and that refused input changes nothing.

use std::time::{Duration, SystemTime};

use buurt::apub::signatures;
use buurt::db::models::actor::Actor;
use serde_json::json;

use crate::both;
use crate::util::*;

both!(
    inbox_refuses_bad_input_and_processes_each_activity_once,
    private_and_plain_http_peers_are_refused_by_default,
    a_sender_whose_key_changed_is_fetched_again,
);

/// A remote actor whose key we hold: bert on beta.
struct Signer {
    key_id: String,
    actor: String,
    pem: String,
}

async fn signer(beta: &TestApp, name: &str) -> Signer {
    let account = beta.create_user(name, buurt::db::models::local_user::Role::Member).await;
    let mut conn = beta.state.pool.get().await.unwrap();
    let actor = buurt::domain::actors::ensure_keys(&mut conn, account.actor).await.unwrap();
    Signer { key_id: format!("{}#main-key", actor.ap_id), actor: actor.ap_id.clone(), pem: actor.private_key.unwrap() }
}

async fn post_signed(url: &str, body: &[u8], s: &Signer, date: SystemTime) -> reqwest::Response {
    let parsed = url::Url::parse(url).unwrap();
    let headers = signatures::sign(
        &axum::http::Method::POST,
        &parsed,
        Some(body),
        Some("application/activity+json"),
        &s.key_id,
        &s.pem,
        date,
    )
    .unwrap();
    let mut request = reqwest::Client::new().post(url).body(body.to_vec());
    for (name, value) in headers {
        request = request.header(name, value);
    }
    request.send().await.unwrap()
}

async fn follows_of(app: &TestApp, name: &str) -> i64 {
    let mut conn = app.state.pool.get().await.unwrap();
    let actor = Actor::by_name(&mut conn, name, &app.settings().instance.domain).await.unwrap().unwrap();
    buurt::db::models::actor_count::ActorCount::of(&mut conn, actor.id).await.unwrap().followers
}

async fn inbox_refuses_bad_input_and_processes_each_activity_once(b: Backend) {
    let alpha = TestApp::spawn_federated(b).await;
    let beta = TestApp::spawn_federated(b).await;
    alpha.create_user("anna", buurt::db::models::local_user::Role::Member).await;
    let bert = signer(&beta, "bert").await;
    let inbox = alpha.url("/inbox");
    let follow = |id: &str| {
        json!({"@context": "https://www.w3.org/ns/activitystreams", "id": format!("{}/activities/{id}", beta.base),
               "type": "Follow", "actor": bert.actor, "object": alpha.url("/u/anna")})
        .to_string()
    };
    let now = SystemTime::now();

    // No signature.
    let unsigned = reqwest::Client::new()
        .post(&inbox)
        .header("content-type", "application/activity+json")
        .body(follow("f0"))
        .send()
        .await
        .unwrap();
    assert_eq!(unsigned.status(), 401);
    // A forged signature.
    let parsed = url::Url::parse(&inbox).unwrap();
    let mut headers = signatures::sign(
        &axum::http::Method::POST,
        &parsed,
        Some(follow("f1").as_bytes()),
        Some("application/activity+json"),
        &bert.key_id,
        &bert.pem,
        now,
    )
    .unwrap();
    for (name, value) in headers.iter_mut() {
        if *name == "signature" {
            *value = value.replace("signature=\"", "signature=\"AAAA");
        }
    }
    let mut request = reqwest::Client::new().post(&inbox).body(follow("f1"));
    for (name, value) in headers {
        request = request.header(name, value);
    }
    assert_eq!(request.send().await.unwrap().status(), 401, "forged signature");
    // The body changed after signing: the Digest does not match.
    let signed = signatures::sign(
        &axum::http::Method::POST,
        &parsed,
        Some(follow("f2").as_bytes()),
        Some("application/activity+json"),
        &bert.key_id,
        &bert.pem,
        now,
    )
    .unwrap();
    let mut request = reqwest::Client::new().post(&inbox).body(follow("f2-changed"));
    for (name, value) in signed {
        request = request.header(name, value);
    }
    assert_eq!(request.send().await.unwrap().status(), 401, "wrong digest");
    // A stale Date.
    assert_eq!(
        post_signed(&inbox, follow("f3").as_bytes(), &bert, now - Duration::from_secs(13 * 3600)).await.status(),
        401
    );
    // Malformed JSON, and JSON that is not an activity.
    assert_eq!(post_signed(&inbox, b"{not json", &bert, now).await.status(), 400);
    assert_eq!(post_signed(&inbox, b"[1,2]", &bert, now).await.status(), 400);
    assert_eq!(post_signed(&inbox, br#"{"type":"Follow"}"#, &bert, now).await.status(), 400);
    // Signed by bert but claiming another actor.
    let claims_other = json!({"id": format!("{}/activities/f4", beta.base), "type": "Follow", "actor": beta.url("/u/someone"), "object": alpha.url("/u/anna")});
    assert_eq!(post_signed(&inbox, claims_other.to_string().as_bytes(), &bert, now).await.status(), 401);
    // An activity id on another host than its actor.
    let other_host = json!({"id": "http://elsewhere.localhost/activities/f5", "type": "Follow", "actor": bert.actor, "object": alpha.url("/u/anna")});
    assert_eq!(post_signed(&inbox, other_host.to_string().as_bytes(), &bert, now).await.status(), 403);
    // A Create of a note attributed to someone else.
    let not_his = json!({"id": format!("{}/activities/c1", beta.base), "type": "Create", "actor": bert.actor,
        "object": {"id": format!("{}/p/999", beta.base), "type": "Note", "attributedTo": beta.url("/u/someone"), "content": "x", "to": ["https://www.w3.org/ns/activitystreams#Public"]}});
    assert_eq!(post_signed(&inbox, not_his.to_string().as_bytes(), &bert, now).await.status(), 403);
    // Too large.
    let huge = format!(
        "{{\"id\":\"{}/a/big\",\"type\":\"Note\",\"actor\":\"{}\",\"content\":\"{}\"}}",
        beta.base,
        bert.actor,
        "x".repeat(300_000)
    );
    assert_eq!(post_signed(&inbox, huge.as_bytes(), &bert, now).await.status(), 413);
    // A personal inbox of nobody.
    assert_eq!(post_signed(&alpha.url("/u/nobody/inbox"), follow("f6").as_bytes(), &bert, now).await.status(), 404);
    assert_eq!(follows_of(&alpha, "anna").await, 0, "nothing refused was stored");

    // A well-formed activity of an unknown type is accepted and ignored.
    let wave = json!({"id": format!("{}/activities/w1", beta.base), "type": "Wave", "actor": bert.actor, "object": alpha.url("/u/anna")});
    assert_eq!(post_signed(&inbox, wave.to_string().as_bytes(), &bert, now).await.status(), 202);

    // A good Follow, delivered twice (the sender retried): one follow, one Accept.
    for _ in 0..2 {
        assert_eq!(
            post_signed(&alpha.url("/u/anna/inbox"), follow("good").as_bytes(), &bert, SystemTime::now())
                .await
                .status(),
            202
        );
    }
    assert_eq!(follows_of(&alpha, "anna").await, 1);
    let accepts = {
        let mut conn = alpha.state.pool.get().await.unwrap();
        let anna = Actor::by_name(&mut conn, "anna", &alpha.settings().instance.domain).await.unwrap().unwrap();
        buurt::db::models::delivery::OutboxActivity::count_for(&mut conn, anna.id, &["Accept"]).await.unwrap()
    };
    assert_eq!(accepts, 1, "the repeated Follow was processed once");
    alpha.drain().await;
}

async fn private_and_plain_http_peers_are_refused_by_default(b: Backend) {
    let beta = TestApp::spawn_federated(b).await;
    let bert = signer(&beta, "bert").await;
    let follow = |target: String| {
        json!({"id": format!("{}/activities/f1", beta.base), "type": "Follow", "actor": bert.actor, "object": target})
            .to_string()
    };
    // Production defaults: no plain http peers.
    let strict = TestApp::spawn(b).await;
    strict.create_user("anna", buurt::db::models::local_user::Role::Member).await;
    let response =
        post_signed(&strict.url("/inbox"), follow(strict.url("/u/anna")).as_bytes(), &bert, SystemTime::now()).await;
    assert_eq!(response.status(), 403);
    // http allowed, private addresses not: fetching the sender's key from loopback is refused.
    let no_private = TestApp::spawn_with(b, |s| {
        s.instance.domain = s.instance.domain.replace("127.0.0.1", "localhost");
        s.federation.allow_http = true;
    })
    .await;
    no_private.create_user("anna", buurt::db::models::local_user::Role::Member).await;
    let response =
        post_signed(&no_private.url("/inbox"), follow(no_private.url("/u/anna")).as_bytes(), &bert, SystemTime::now())
            .await;
    assert_eq!(response.status(), 401, "the key could not be fetched from a loopback address");
    assert_eq!(follows_of(&no_private, "anna").await, 0);
    // And search does not fetch from there either.
    let api = no_private.api_user("carla").await;
    let found = api.get(&format!("/api/v2/search?q={}&resolve=true", beta.url("/u/bert"))).await;
    assert_eq!(found["accounts"].as_array().unwrap().len(), 0);
}

/// Recent signers are kept in memory (`AppState::signers`); a sender whose key pair changed is
/// still verified (the kept key fails, the actor is fetched again), and its old key no longer is.
async fn a_sender_whose_key_changed_is_fetched_again(b: Backend) {
    use buurt::db::models::actor::ActorUpdate;
    let alpha = TestApp::spawn_federated(b).await;
    let beta = TestApp::spawn_federated(b).await;
    alpha.create_user("anna", buurt::db::models::local_user::Role::Member).await;
    let old = signer(&beta, "bert").await;
    let follow = |id: &str| {
        json!({"id": format!("{}/activities/{id}", beta.base), "type": "Follow", "actor": old.actor, "object": alpha.url("/u/anna")})
        .to_string()
    };
    let inbox = alpha.url("/inbox");
    assert_eq!(post_signed(&inbox, follow("k1").as_bytes(), &old, SystemTime::now()).await.status(), 202);
    assert!(alpha.state.signers.get(&old.actor).is_some(), "the signer is kept");

    let keys = activitypub_federation::http_signatures::generate_actor_keypair().unwrap();
    {
        let mut conn = beta.state.pool.get().await.unwrap();
        let bert = Actor::by_ap_id(&mut conn, &old.actor).await.unwrap().unwrap();
        let update = ActorUpdate {
            private_key: Some(Some(&keys.private_key)),
            public_key: Some(Some(&keys.public_key)),
            ..Default::default()
        };
        Actor::update(&mut conn, bert.id, &update).await.unwrap();
    }
    let new = Signer { key_id: old.key_id.clone(), actor: old.actor.clone(), pem: keys.private_key.clone() };
    assert_eq!(post_signed(&inbox, follow("k2").as_bytes(), &new, SystemTime::now()).await.status(), 202);
    let kept = alpha.state.signers.get(&old.actor).map(|a| a.public_key.clone());
    assert!(kept.is_none() || kept == Some(Some(keys.public_key.clone())), "the old key is not kept");
    assert_eq!(post_signed(&inbox, follow("k3").as_bytes(), &old, SystemTime::now()).await.status(), 401);
    alpha.drain().await;
}
