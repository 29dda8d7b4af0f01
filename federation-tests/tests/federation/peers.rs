//! Independent fediverse software as peers: a Fedify-based server (TypeScript) and
//! bovine-herd (Python), installed by the test set-up from npm and PyPI.

use federation_tests::{Backend, Instance, both, bovine_peer, eventually, fedify_peer};
use serde_json::{Value, json};

both!(
    a_flag_from_the_fedify_peer_lands_in_the_report_queue,
    a_mention_from_the_fedify_peer_notifies,
    fedify_peer_and_buurt_follow_each_other_and_exchange_posts,
    bovine_peer_and_buurt_follow_each_other_with_signed_fetches
);

fn has_activity(received: &Value, kind: &str, object_id: &str) -> bool {
    received["activities"].as_array().or_else(|| received.as_array()).is_some_and(|list| {
        list.iter().any(|a| a["type"] == kind && (a["object"]["id"] == object_id || a["object"] == object_id))
    })
}

async fn fedify_peer_and_buurt_follow_each_other_and_exchange_posts(b: Backend) {
    let alpha = Instance::start("alpha", b).await;
    let peer = fedify_peer().await;
    let anna = alpha.user("anna").await;
    let anna_url = alpha.url("/u/anna");

    // Fedify reads and validates our actor, and follows it; our Accept arrives.
    let looked_up = peer.post("/control/lookup", json!({"url": anna_url})).await;
    assert_eq!(looked_up["ok"], true, "{looked_up}");
    assert_eq!(looked_up["type"], "Person");
    assert_eq!(looked_up["id"], anna_url.as_str());
    peer.post("/control/follow", json!({"actor": anna_url})).await;
    eventually("Fedify's follow is accepted", || async {
        peer.get("/control/following").await["following"]
            .as_array()
            .is_some_and(|l| l.iter().any(|f| f["actor"] == anna_url.as_str() && f["accepted"] == true))
    })
    .await;

    // Our post reaches it, and it can fetch the note itself.
    let status = anna.post("/api/v1/statuses", json!({"status": "Hallo Fedify"})).await;
    let uri = status["uri"].as_str().unwrap().to_string();
    eventually("Fedify receives our Create(Note)", || async {
        has_activity(&peer.get("/control/received").await, "Create", &uri)
    })
    .await;
    let note = peer.post("/control/lookup", json!({"url": uri})).await;
    assert_eq!(note["type"], "Note", "{note}");
    // Fedify signs with RFC 9421 first; Buurt verifies that scheme without a fallback.
    assert!(
        alpha.log().lines().any(|l| l.contains("verified signature") && l.contains("RFC 9421")),
        "no RFC 9421 signature verified"
    );

    // We follow the Fedify actor and receive its posts.
    let peer_actor = format!("{}/users/peer", peer.control);
    let found = anna.get(&format!("/api/v2/search?q={peer_actor}&resolve=true")).await;
    let id = found["accounts"][0]["id"].as_str().unwrap_or_else(|| panic!("{found}")).to_string();
    anna.post(&format!("/api/v1/accounts/{id}/follow"), json!({})).await;
    eventually("the Fedify peer accepts our follow", || async {
        anna.get(&format!("/api/v1/accounts/relationships?id[]={id}")).await[0]["following"] == true
    })
    .await;
    let posted = peer.post("/control/post", json!({"content": "<p>Groeten van Fedify</p>"})).await;
    let note_id = posted["id"].as_str().unwrap().to_string();
    eventually("the Fedify post reaches anna's home timeline", || async {
        anna.get("/api/v1/timelines/home").await.as_array().unwrap().iter().any(|s| s["uri"] == note_id.as_str())
    })
    .await;
}

async fn bovine_peer_and_buurt_follow_each_other_with_signed_fetches(b: Backend) {
    let alpha = Instance::start("alpha", b).await;
    let peer = bovine_peer().await;
    let anna = alpha.user("anna").await;
    let anna_url = alpha.url("/u/anna");
    let actor = peer.get("/actor").await;
    let peer_actor = actor["id"].as_str().or_else(|| actor.as_str()).unwrap_or_else(|| panic!("{actor}")).to_string();

    // bovine requires signed GETs: unsigned is refused, our instance actor's signed fetch works.
    let unsigned =
        reqwest::Client::new().get(&peer_actor).header("accept", "application/activity+json").send().await.unwrap();
    assert_eq!(unsigned.status(), 401);
    let found = anna.get(&format!("/api/v2/search?q={peer_actor}&resolve=true")).await;
    let id = found["accounts"][0]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("signed fetch of the bovine actor failed: {found}"))
        .to_string();

    // We follow it; bovine's operator accepts; its post reaches us.
    anna.post(&format!("/api/v1/accounts/{id}/follow"), json!({})).await;
    eventually("bovine received our Follow", || async { peer.get("/received").await.to_string().contains(&anna_url) })
        .await;
    peer.post("/accept-follows", json!({})).await;
    eventually("bovine's Accept arrives", || async {
        anna.get(&format!("/api/v1/accounts/relationships?id[]={id}")).await[0]["following"] == true
    })
    .await;
    let posted = peer.post("/post", json!({"content": "<p>Groeten van bovine</p>"})).await;
    eventually("bovine's post reaches anna", || async {
        anna.get("/api/v1/timelines/home")
            .await
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["content"].as_str().unwrap_or("").contains("Groeten van bovine"))
    })
    .await;
    drop(posted);

    // bovine follows anna (our Accept is signed and accepted) and receives her post.
    peer.post("/follow", json!({"actor": anna_url})).await;
    eventually("bovine follows anna", || async { peer.get("/following").await.to_string().contains(&anna_url) }).await;
    let status = anna.post("/api/v1/statuses", json!({"status": "Hallo bovine"})).await;
    let uri = status["uri"].as_str().unwrap().to_string();
    eventually("bovine receives anna's post", || async { peer.get("/received").await.to_string().contains(&uri) })
        .await;
    // bovine fetches our note with its signature.
    let fetched = peer.post("/fetch", json!({"url": uri})).await;
    assert_eq!(fetched["status"], 200, "{fetched}");
}

async fn a_mention_from_the_fedify_peer_notifies(b: Backend) {
    let alpha = Instance::start("alpha", b).await;
    let peer = fedify_peer().await;
    alpha.user("anna").await;
    alpha.user("bert").await;
    let anna_url = alpha.url("/u/anna");
    // Nobody here follows the peer: the note comes only because it mentions anna.
    peer.post("/control/post", json!({"content": "<p>Hoi @anna, kom je ook?</p>", "mention": anna_url})).await;
    let cookie = alpha.web_session("anna").await;
    eventually("anna is notified of the mention", || async {
        alpha.page(&cookie, "/meldingen").await.contains("noemde je in een bericht.")
    })
    .await;
    assert!(alpha.page(&cookie, "/meldingen").await.contains("kom je ook?"));
    let bert = alpha.web_session("bert").await;
    assert!(!alpha.page(&bert, "/meldingen").await.contains("class=\"notification"), "bert was not mentioned");
}

async fn a_flag_from_the_fedify_peer_lands_in_the_report_queue(b: Backend) {
    let alpha = Instance::start("alpha", b).await;
    let peer = fedify_peer().await;
    let anna = alpha.user("anna").await;
    let moderator = alpha.moderator("verbinder").await;
    let post = anna.post("/api/v1/statuses", json!({"status": "Koop mijn horloges"})).await;
    let post_url = alpha.url(&format!("/p/{}", post["id"].as_str().unwrap()));
    peer.post(
        "/control/flag",
        json!({"actor": alpha.url("/u/anna"), "objects": [post_url], "content": "Spam van anna"}),
    )
    .await;
    eventually("the Flag is in the instance queue", || async {
        moderator.get("/api/buurt/v1/reports").await.as_array().is_some_and(|r| r.len() == 1)
    })
    .await;
    let report = &moderator.get("/api/buurt/v1/reports").await[0];
    assert_eq!(report["subject_kind"], "post");
    assert_eq!(report["post_id"], post["id"]);
    assert_eq!(report["comment"], "Spam van anna");
    assert!(report["origin_instance"].as_str().is_some_and(|o| !o.is_empty()), "{report}");
}
