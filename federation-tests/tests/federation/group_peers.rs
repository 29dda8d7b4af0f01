//! A Buurt group followed by independent software (the Fedify and bovine peers): what the group
//! relays reaches them as FEP-1b12 says, and a post from Fedify that mentions the group starts a
//! thread there, which the group relays.

use federation_tests::{Api, Backend, Instance, both, bovine_peer, eventually, fedify_peer};
use serde_json::{Value, json};

both!(
    fedify_peer_follows_a_group_receives_its_announces_and_posts_into_it,
    bovine_peer_follows_a_group_and_receives_its_announces
);

/// The activities in a peer's `received` answer (Fedify: `{"activities": […]}`, bovine: a list).
fn activities(received: &Value) -> Vec<Value> {
    received["activities"].as_array().or_else(|| received.as_array()).cloned().unwrap_or_default()
}

/// The id of a link or an embedded object.
fn id_of(value: &Value) -> Option<&str> {
    value.as_str().or_else(|| value["id"].as_str())
}

/// Whether an `Announce` of the object `id` is among `received`, embedded or as a link.
fn announced(received: &Value, id: &str) -> bool {
    activities(received).iter().any(|a| a["type"] == "Announce" && id_of(&a["object"]) == Some(id))
}

/// Whether an `Announce` of a `Create` of the post `note` is among `received`.
fn announced_create_of(received: &Value, note: &str) -> bool {
    let create = format!("{note}/activity");
    activities(received).iter().any(|a| {
        a["type"] == "Announce"
            && (id_of(&a["object"]) == Some(&create)
                || (a["object"]["type"] == "Create" && id_of(&a["object"]["object"]) == Some(note)))
    })
}

/// Whether anything in `received` names `id` (any Announce of it, embedded or linked).
fn mentions_anywhere(received: &Value, id: &str) -> bool {
    activities(received).iter().any(|a| a.to_string().contains(&format!("\"{id}\"")))
}

/// A group whose posting rule lets anyone post, created by `admin`.
async fn open_group(admin: &Api, name: &str) {
    let made = admin
        .post(
            "/api/buurt/v1/groups",
            json!({"name": name, "display_name": "Oosterpark", "openness": "open", "content": "public", "posting": "anyone"}),
        )
        .await;
    assert_eq!(made["name"], name, "{made}");
}

/// Starts a thread; returns its post's ActivityPub id.
async fn thread(instance: &Instance, api: &Api, group: &str, title: &str) -> (String, String) {
    let started = api
        .post(&format!("/api/buurt/v1/groups/{group}/threads"), json!({"title": title, "text": "Wie weet het?"}))
        .await;
    let id = started["id"].as_str().unwrap().to_string();
    (id.clone(), instance.url(&format!("/p/{id}")))
}

async fn fedify_peer_follows_a_group_receives_its_announces_and_posts_into_it(b: Backend) {
    let alpha = Instance::start("alpha", b).await;
    let peer = fedify_peer().await;
    let anna = alpha.user("anna").await;
    open_group(&anna, "oosterpark").await;
    let group = alpha.url("/g/oosterpark");

    // Fedify reads the Group actor and follows it; the group accepts.
    let looked_up = peer.post("/control/lookup", json!({"url": group})).await;
    assert_eq!(looked_up["type"], "Group", "{looked_up}");
    peer.post("/control/follow", json!({"actor": group})).await;
    eventually("the group accepts Fedify's follow", || async {
        peer.get("/control/following").await["following"]
            .as_array()
            .is_some_and(|l| l.iter().any(|f| f["actor"] == group.as_str() && f["accepted"] == true))
    })
    .await;

    // A thread: the Announce of the unchanged Create, and the Announce of the Note itself.
    let (thread_id, note) = thread(&alpha, &anna, "oosterpark", "Ladder lenen").await;
    eventually("Fedify receives the Announce of the Create", || async {
        announced_create_of(&peer.get("/control/received").await, &note)
    })
    .await;
    eventually("Fedify receives the Announce of the Note", || async {
        announced(&peer.get("/control/received").await, &note)
    })
    .await;

    // A reply in the thread: the group relays it only to followers on group-aware software
    // (lemmy#2224: boosted comments flood Mastodon timelines). The Fedify peer's NodeInfo names
    // `buurt-fedify-peer`, a microblog as far as Buurt knows, so it does not get the reply. The
    // next thread does reach it, after the reply was relayed.
    let reply = anna.post("/api/v1/statuses", json!({"status": "Ik heb er een.", "in_reply_to_id": thread_id})).await;
    let reply_note = reply["uri"].as_str().unwrap().to_string();
    let (_, next) = thread(&alpha, &anna, "oosterpark", "Nog een vraag").await;
    eventually("Fedify receives the next thread", || async {
        announced_create_of(&peer.get("/control/received").await, &next)
    })
    .await;
    assert!(!mentions_anywhere(&peer.get("/control/received").await, &reply_note), "the reply reached Fedify");

    // Fedify posts a Note mentioning the group (Mention tag, cc the group, sent to its inbox):
    // a thread in the group, titled from its first line without the mention, relayed back.
    let posted = peer
        .post(
            "/control/post",
            json!({"content": "<p>@oosterpark Wie heeft er een kruiwagen?</p><p>Voor zaterdag.</p>", "mention": group}),
        )
        .await;
    let fedify_note = posted["id"].as_str().unwrap().to_string();
    eventually("the Fedify post is a thread in the group", || async {
        let threads = anna.get("/api/buurt/v1/groups/oosterpark/threads").await;
        threads.as_array().unwrap().iter().any(|t| t["title"] == "Wie heeft er een kruiwagen?")
    })
    .await;
    eventually("the group relays the Fedify post", || async {
        let received = peer.get("/control/received").await;
        announced(&received, &fedify_note)
            || activities(&received).iter().any(|a| {
                a["type"] == "Announce"
                    && a["object"]["type"] == "Create"
                    && id_of(&a["object"]["object"]) == Some(&fedify_note)
            })
    })
    .await;
}

async fn bovine_peer_follows_a_group_and_receives_its_announces(b: Backend) {
    let alpha = Instance::start("alpha", b).await;
    let peer = bovine_peer().await;
    let anna = alpha.user("anna").await;
    open_group(&anna, "oosterpark").await;
    let group = alpha.url("/g/oosterpark");

    // bovine follows the group (fetching it signed); the group accepts at once.
    peer.post("/follow", json!({"actor": group})).await;
    eventually("bovine follows the group", || async { peer.get("/following").await.to_string().contains(&group) })
        .await;

    // A thread: both Announces reach bovine.
    let (thread_id, note) = thread(&alpha, &anna, "oosterpark", "Ladder lenen").await;
    eventually("bovine receives the Announce of the Create", || async {
        announced_create_of(&peer.get("/received").await, &note)
    })
    .await;
    eventually("bovine receives the Announce of the Note", || async { announced(&peer.get("/received").await, &note) })
        .await;

    // A reply: bovine is no group-aware software (its NodeInfo does not name one Buurt knows as
    // showing a group's replies as discussions), so the group does not send it the reply. The
    // next thread, relayed after the reply, does arrive.
    let reply = anna.post("/api/v1/statuses", json!({"status": "Ik heb er een.", "in_reply_to_id": thread_id})).await;
    let reply_note = reply["uri"].as_str().unwrap().to_string();
    let (_, next) = thread(&alpha, &anna, "oosterpark", "Nog een vraag").await;
    eventually("bovine receives the next thread", || async { announced(&peer.get("/received").await, &next) }).await;
    assert!(!mentions_anywhere(&peer.get("/received").await, &reply_note), "the reply reached bovine");
}
