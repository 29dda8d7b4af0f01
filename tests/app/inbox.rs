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
    what_is_stored_depends_on_whom_here_it_concerns,
);

pub async fn post_signed(url: &str, body: &[u8], s: &Signer, date: SystemTime) -> reqwest::Response {
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
        buurt::db::models::outbox_activity::OutboxActivity::count_for(&mut conn, anna.id, &["Accept"]).await.unwrap()
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

/// Whether `ap_id` was recorded as a processed activity (recording it now if not, so call it
/// last).
async fn was_recorded(app: &TestApp, ap_id: &str) -> bool {
    let mut conn = app.state.pool.get().await.unwrap();
    !buurt::db::models::received_activity::mark_received(&mut conn, ap_id, buurt::db::now()).await.unwrap()
}

async fn stored_post(app: &TestApp, ap_id: &str) -> Option<buurt::db::models::post::Post> {
    let mut conn = app.state.pool.get().await.unwrap();
    buurt::db::models::post::Post::by_ap_id(&mut conn, ap_id).await.unwrap()
}

async fn what_is_stored_depends_on_whom_here_it_concerns(b: Backend) {
    use buurt::db::models::media::Media;
    use buurt::db::models::post::Reaction;
    let alpha = TestApp::spawn_federated(b).await;
    let beta = TestApp::spawn_federated(b).await;
    let anna = alpha.api_user("anna").await;
    let status = anna.post("/api/v1/statuses", json!({"status": "Wie helpt zaterdag mee?"})).await;
    let anna_post = status["uri"].as_str().unwrap().to_string();
    let bert = signer(&beta, "bert").await;
    let inbox = alpha.url("/inbox");
    let public = "https://www.w3.org/ns/activitystreams#Public";
    let create = |n: &str, extra: serde_json::Value| {
        let mut note = json!({"id": format!("{}/p/{n}", beta.base), "type": "Note", "attributedTo": bert.actor,
            "content": format!("<p>bericht {n}</p>"), "to": [public], "cc": [format!("{}/followers", bert.actor)]});
        if let (Some(note), Some(extra)) = (note.as_object_mut(), extra.as_object()) {
            note.extend(extra.clone());
        }
        json!({"@context": "https://www.w3.org/ns/activitystreams", "id": format!("{}/activities/create-{n}", beta.base),
               "type": "Create", "actor": bert.actor, "to": [public], "object": note})
    };
    let send = |activity: serde_json::Value| {
        let (inbox, bert) = (&inbox, &bert);
        async move { post_signed(inbox, activity.to_string().as_bytes(), bert, SystemTime::now()).await.status() }
    };

    // Nobody here follows bert and his post names nobody here: accepted, nothing written.
    assert_eq!(send(create("1", json!({}))).await, 202);
    assert!(stored_post(&alpha, &format!("{}/p/1", beta.base)).await.is_none());
    // A Like of a post that is not ours: likewise.
    let like = |n: &str, object: &str| {
        json!({"@context": "https://www.w3.org/ns/activitystreams", "id": format!("{}/activities/like-{n}", beta.base),
               "type": "Like", "actor": bert.actor, "object": object})
    };
    assert_eq!(send(like("1", &format!("{}/p/elsewhere", beta.base))).await, 202);

    // A post that mentions anna is kept, with its image, once however often it is delivered.
    let mention = create(
        "2",
        json!({"cc": [alpha.url("/u/anna")], "tag": [{"type": "Mention", "href": alpha.url("/u/anna"), "name": "@anna"}],
               "attachment": [{"type": "Document", "mediaType": "image/png", "url": format!("{}/media/plein.png", beta.base), "name": "Het plein"}]}),
    );
    for _ in 0..2 {
        assert_eq!(send(mention.clone()).await, 202);
    }
    let kept = stored_post(&alpha, &format!("{}/p/2", beta.base)).await.expect("the mention is kept");
    let media = {
        let mut conn = alpha.state.pool.get().await.unwrap();
        Media::of_posts(&mut conn, &[kept.id]).await.unwrap()
    };
    assert_eq!(media.len(), 1, "one attachment row");
    assert_eq!(media[0].description, "Het plein");
    // A reply to anna's post is kept.
    assert_eq!(send(create("3", json!({"inReplyTo": anna_post}))).await, 202);
    assert_eq!(
        stored_post(&alpha, &format!("{}/p/3", beta.base)).await.unwrap().in_reply_to.as_deref(),
        Some(anna_post.as_str())
    );
    // A Like of anna's post counts once, however often it is delivered.
    for _ in 0..2 {
        assert_eq!(send(like("2", &anna_post)).await, 202);
    }
    let mine = stored_post(&alpha, &anna_post).await.unwrap();
    let likes = {
        let mut conn = alpha.state.pool.get().await.unwrap();
        Reaction::Like.counts(&mut conn, &[mine.id]).await.unwrap()
    };
    assert_eq!(likes.get(&mine.id).copied(), Some(1));
    // A mention of an account that was deleted does not make a post ours to keep.
    let dirk = alpha.create_user("dirk", buurt::db::models::local_user::Role::Member).await;
    {
        let mut conn = alpha.state.pool.get().await.unwrap();
        let gone = buurt::db::models::actor::ActorUpdate { deleted: Some(true), ..Default::default() };
        Actor::update(&mut conn, dirk.actor.id, &gone).await.unwrap();
    }
    assert_eq!(send(create("5", json!({"cc": [alpha.url("/u/dirk")]}))).await, 202);
    assert!(stored_post(&alpha, &format!("{}/p/5", beta.base)).await.is_none());

    // Once someone here follows bert, his posts are kept even when they name nobody here.
    let cas = alpha.create_user("cas", buurt::db::models::local_user::Role::Member).await;
    {
        let mut conn = alpha.state.pool.get().await.unwrap();
        let bert_here = Actor::by_ap_id(&mut conn, &bert.actor).await.unwrap().expect("bert is stored");
        buurt::db::models::follow::Follow::upsert(
            &mut conn,
            &format!("{}/f/1", alpha.base),
            cas.actor.id,
            bert_here.id,
            true,
        )
        .await
        .unwrap();
    }
    assert_eq!(send(create("4", json!({}))).await, 202);
    assert!(stored_post(&alpha, &format!("{}/p/4", beta.base)).await.is_some(), "a followed author's post is kept");

    // What concerned nobody was not recorded as processed (nothing was written); what was
    // stored was.
    assert!(!was_recorded(&alpha, &format!("{}/activities/create-1", beta.base)).await);
    assert!(!was_recorded(&alpha, &format!("{}/activities/like-1", beta.base)).await);
    assert!(was_recorded(&alpha, &format!("{}/activities/create-2", beta.base)).await);
    assert!(was_recorded(&alpha, &format!("{}/activities/like-2", beta.base)).await);
    alpha.drain().await;
}
