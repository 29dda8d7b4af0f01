//! A person's own controls from every side: the blocker, the blocked person (here and on
//! another instance), a third person; mutes, domain blocks, hidden posts; paging; `Block` and
//! `Undo(Block)` both ways; the Mastodon API's relationships; and bad input refused with
//! nothing stored.

use reqwest::Method;
use serde_json::{Value, json};

use crate::both;
use crate::util::*;

both!(
    a_block_hides_both_sides_everywhere_and_ends_follows,
    a_mute_hides_timelines_and_notifications_but_not_the_profile,
    a_hidden_post_disappears_for_that_person_only,
    screened_timelines_page_without_short_pages,
    block_and_undo_block_federate_both_ways,
    a_mastodon_block_fixture_blocks_and_its_undo_lifts_it,
    a_domain_block_hides_that_domain_and_ends_its_follows,
    bad_input_is_refused_and_nothing_is_stored,
    lists_export_and_import_in_mastodons_csv_formats,
    pages_block_mute_and_hide_with_forms,
);

async fn id_of(api: &Api, acct: &str) -> String {
    api.get(&format!("/api/v1/accounts/lookup?acct={acct}")).await["id"].as_str().unwrap().to_string()
}

fn uris(list: &Value) -> Vec<String> {
    list.as_array().unwrap().iter().map(|s| s["uri"].as_str().unwrap().to_string()).collect()
}

async fn relationship(api: &Api, id: &str) -> Value {
    api.get(&format!("/api/v1/accounts/relationships?id[]={id}")).await[0].clone()
}

async fn mentions_of(api: &Api) -> Vec<String> {
    let list = api.get("/api/v1/notifications?types[]=mention").await;
    list.as_array().unwrap().iter().map(|n| n["account"]["acct"].as_str().unwrap().to_string()).collect()
}

async fn a_block_hides_both_sides_everywhere_and_ends_follows(b: Backend) {
    let app = TestApp::spawn(b).await;
    let anna = app.api_user("anna").await;
    let bert = app.api_user("bert").await;
    let carla = app.api_user("carla").await;
    let (anna_id, bert_id) = (id_of(&carla, "anna").await, id_of(&carla, "bert").await);
    anna.post(&format!("/api/v1/accounts/{bert_id}/follow"), json!({})).await;
    bert.post(&format!("/api/v1/accounts/{anna_id}/follow"), json!({})).await;
    let annas = anna.post("/api/v1/statuses", json!({"status": "Van Anna voor iedereen"})).await;
    let bert_public = bert.post("/api/v1/statuses", json!({"status": "Van Bert voor iedereen"})).await;
    // A thread of carla's with a reply of bert's in it.
    let carlas = carla.post("/api/v1/statuses", json!({"status": "Wie komt er zaterdag?"})).await;
    let carla_id = carlas["id"].as_str().unwrap();
    let berts_reply = bert.post("/api/v1/statuses", json!({"status": "Ik kom!", "in_reply_to_id": carla_id})).await;

    let answer = anna.post(&format!("/api/v1/accounts/{bert_id}/block"), json!({})).await;
    assert_eq!(answer["blocking"], true);
    assert_eq!(answer["following"], false, "anna's follow of bert ended");
    assert_eq!(answer["followed_by"], false, "bert's follow of anna ended");
    let seen_by_bert = relationship(&bert, &anna_id).await;
    assert_eq!(seen_by_bert["blocked_by"], true);
    assert_eq!(seen_by_bert["blocking"], false);
    assert_eq!(seen_by_bert["following"], false);
    assert_eq!(relationship(&carla, &bert_id).await["blocked_by"], false, "a third person is not concerned");

    // The blocker sees nothing of bert: timelines, threads, his profile's list.
    let public = uris(&anna.get("/api/v1/timelines/public").await);
    assert!(!public.contains(&bert_public["uri"].as_str().unwrap().to_string()));
    assert!(public.contains(&carlas["uri"].as_str().unwrap().to_string()));
    let context = anna.get(&format!("/api/v1/statuses/{carla_id}/context")).await;
    assert!(
        !uris(&context["descendants"]).contains(&berts_reply["uri"].as_str().unwrap().to_string()),
        "bert's reply is gone from the thread for anna"
    );
    assert!(anna.get(&format!("/api/v1/accounts/{bert_id}/statuses")).await.as_array().unwrap().is_empty());
    // The blocked person sees nothing of anna: her profile's list, her post, her page.
    assert!(bert.get(&format!("/api/v1/accounts/{anna_id}/statuses")).await.as_array().unwrap().is_empty());
    let annas_id = annas["id"].as_str().unwrap();
    assert_eq!(bert.send(Method::GET, &format!("/api/v1/statuses/{annas_id}"), None).await.status(), 404);
    let page = app.browser();
    page.login("bert", PASSWORD).await;
    let profile = page.get("/u/anna").await.text().await.unwrap();
    assert!(!profile.contains("Van Anna voor iedereen"), "the blocked person sees none of her posts");
    assert_eq!(page.get(&format!("/p/{annas_id}")).await.status(), 404);
    // Nor can he act on her: like, reply, follow again — nothing reaches her.
    assert_eq!(bert.send(Method::POST, &format!("/api/v1/statuses/{annas_id}/favourite"), None).await.status(), 404);
    let reply = json!({"status": "Hoi", "in_reply_to_id": annas_id});
    assert_eq!(bert.send(Method::POST, "/api/v1/statuses", Some(reply)).await.status(), 404);
    assert_eq!(bert.send(Method::POST, &format!("/api/v1/accounts/{anna_id}/follow"), None).await.status(), 422);
    bert.post("/api/v1/statuses", json!({"status": "@anna luister je?"})).await;
    assert!(mentions_of(&anna).await.is_empty(), "a blocked person's mention notifies nobody");
    // Carla still sees both, and bert's reply in her thread.
    assert!(
        uris(&carla.get("/api/v1/timelines/public").await).contains(&bert_public["uri"].as_str().unwrap().to_string())
    );
    assert!(!carla.get(&format!("/api/v1/accounts/{anna_id}/statuses")).await.as_array().unwrap().is_empty());
    let context = carla.get(&format!("/api/v1/statuses/{carla_id}/context")).await;
    assert!(uris(&context["descendants"]).contains(&berts_reply["uri"].as_str().unwrap().to_string()));

    // Listed, with a Link header; lifted, bert is back (follows are not).
    let listed = anna.send(Method::GET, "/api/v1/blocks", None).await;
    assert!(listed.headers().get("link").is_some());
    let listed: Value = listed.json().await.unwrap();
    assert_eq!(listed[0]["acct"], "bert");
    let answer = anna.post(&format!("/api/v1/accounts/{bert_id}/unblock"), json!({})).await;
    assert_eq!(answer["blocking"], false);
    assert_eq!(answer["following"], false);
    assert!(
        uris(&anna.get("/api/v1/timelines/public").await).contains(&bert_public["uri"].as_str().unwrap().to_string())
    );
    assert_eq!(bert.send(Method::GET, &format!("/api/v1/statuses/{annas_id}"), None).await.status(), 200);
}

async fn a_mute_hides_timelines_and_notifications_but_not_the_profile(b: Backend) {
    let app = TestApp::spawn(b).await;
    let anna = app.api_user("anna").await;
    let bert = app.api_user("bert").await;
    let bert_id = id_of(&anna, "bert").await;
    bert.post("/api/v1/statuses", json!({"status": "@anna eerste"})).await;
    assert_eq!(mentions_of(&anna).await, vec!["bert"]);

    let answer = anna.post(&format!("/api/v1/accounts/{bert_id}/mute"), json!({"notifications": true})).await;
    assert_eq!(answer["muting"], true);
    assert_eq!(answer["muting_notifications"], true);
    assert_eq!(answer["blocking"], false);
    assert!(mentions_of(&anna).await.is_empty(), "earlier notifications from bert are hidden too");
    let muted = bert.post("/api/v1/statuses", json!({"status": "@anna tweede"})).await;
    assert!(mentions_of(&anna).await.is_empty());
    assert!(!uris(&anna.get("/api/v1/timelines/public").await).contains(&muted["uri"].as_str().unwrap().to_string()));
    // His profile stays reachable, with his posts; he notices nothing.
    let profile = uris(&anna.get(&format!("/api/v1/accounts/{bert_id}/statuses")).await);
    assert!(profile.contains(&muted["uri"].as_str().unwrap().to_string()));
    assert_eq!(relationship(&bert, &id_of(&bert, "anna").await).await["blocked_by"], false);
    let listed = anna.send(Method::GET, "/api/v1/mutes", None).await;
    assert!(listed.headers().get("link").is_some());
    let listed: Value = listed.json().await.unwrap();
    assert_eq!(listed[0]["acct"], "bert");
    assert!(listed[0]["mute_expires_at"].is_null());

    // Muted without notifications, a mention notifies again; a timed mute carries its end.
    let answer =
        anna.post(&format!("/api/v1/accounts/{bert_id}/mute"), json!({"notifications": false, "duration": 3600})).await;
    assert_eq!(answer["muting_notifications"], false);
    bert.post("/api/v1/statuses", json!({"status": "@anna derde"})).await;
    // The mention made while muted was never written; the first shows again.
    assert_eq!(mentions_of(&anna).await.len(), 2, "bert's mentions show again");
    assert!(anna.get("/api/v1/mutes").await[0]["mute_expires_at"].is_string());
    anna.post(&format!("/api/v1/accounts/{bert_id}/unmute"), json!({})).await;
    assert!(uris(&anna.get("/api/v1/timelines/public").await).contains(&muted["uri"].as_str().unwrap().to_string()));
}

async fn a_hidden_post_disappears_for_that_person_only(b: Backend) {
    let app = TestApp::spawn(b).await;
    let anna = app.api_user("anna").await;
    let bert = app.api_user("bert").await;
    let carla = app.api_user("carla").await;
    let post = bert.post("/api/v1/statuses", json!({"status": "Verberg mij"})).await;
    let (id, uri) = (post["id"].as_str().unwrap().to_string(), post["uri"].as_str().unwrap().to_string());
    let hidden = anna.send(Method::POST, "/api/buurt/v1/me/hidden_posts", Some(json!({"post_id": id}))).await;
    assert_eq!(hidden.status(), 204);
    assert!(!uris(&anna.get("/api/v1/timelines/public").await).contains(&uri));
    assert!(uris(&carla.get("/api/v1/timelines/public").await).contains(&uri), "only for anna");
    assert!(uris(&bert.get("/api/v1/timelines/public").await).contains(&uri));
    // Its link still opens it, and the list names it.
    assert_eq!(anna.get(&format!("/api/v1/statuses/{id}")).await["uri"], uri.as_str());
    let listed = anna.get("/api/buurt/v1/me/hidden_posts").await;
    assert_eq!(listed[0]["id"], id.as_str());
    // A post one may not see cannot be hidden (nor found out about).
    let secret = bert.post("/api/v1/statuses", json!({"status": "Alleen volgers", "visibility": "private"})).await;
    let refused =
        anna.send(Method::POST, "/api/buurt/v1/me/hidden_posts", Some(json!({"post_id": secret["id"]}))).await;
    assert_eq!(refused.status(), 404);
    assert_eq!(anna.send(Method::DELETE, &format!("/api/buurt/v1/me/hidden_posts/{id}"), None).await.status(), 204);
    assert!(uris(&anna.get("/api/v1/timelines/public").await).contains(&uri));
}

async fn screened_timelines_page_without_short_pages(b: Backend) {
    let app = TestApp::spawn(b).await;
    let anna = app.api_user("anna").await;
    let bert = app.api_user("bert").await;
    let carla = app.api_user("carla").await;
    let mut carlas = Vec::new();
    for i in 0..4 {
        bert.post("/api/v1/statuses", json!({"status": format!("bert {i}")})).await;
        carlas.push(carla.post("/api/v1/statuses", json!({"status": format!("carla {i}")})).await["uri"].clone());
        bert.post("/api/v1/statuses", json!({"status": format!("bert {i}b")})).await;
    }
    let bert_id = id_of(&anna, "bert").await;
    anna.post(&format!("/api/v1/accounts/{bert_id}/block"), json!({})).await;
    // Two a page: full pages of carla's posts, newest first, then nothing.
    let mut seen = Vec::new();
    let mut path = "/api/v1/timelines/public?limit=2".to_string();
    loop {
        let response = anna.send(Method::GET, &path, None).await;
        let next =
            response.headers().get("link").map(|l| l.to_str().unwrap().split(['<', '>']).nth(1).unwrap().to_string());
        let page: Value = response.json().await.unwrap();
        let page = page.as_array().unwrap().clone();
        if page.is_empty() {
            break;
        }
        assert!(page.len() == 2 || seen.len() + page.len() == 4, "no short page in the middle: {page:?}");
        seen.extend(page.iter().map(|s| s["uri"].clone()));
        path = next.unwrap().replace(&app.url(""), "");
    }
    carlas.reverse();
    assert_eq!(seen, carlas);
}

async fn block_and_undo_block_federate_both_ways(b: Backend) {
    let alpha = TestApp::spawn_federated(b).await;
    let beta = TestApp::spawn_federated(b).await;
    let anna = alpha.api_user("anna").await;
    let bert = beta.api_user("bert").await;
    let found = bert.get(&format!("/api/v2/search?q=@{}&resolve=true&type=accounts", alpha.handle("anna"))).await;
    let anna_on_beta = found["accounts"][0]["id"].as_str().unwrap().to_string();
    bert.post(&format!("/api/v1/accounts/{anna_on_beta}/follow"), json!({})).await;
    beta.drain().await;
    alpha.drain().await;
    eventually("bert follows anna", || {
        let (bert, id) = (bert.clone(), anna_on_beta.clone());
        async move { relationship(&bert, &id).await["following"] == true }
    })
    .await;
    let bert_on_alpha = id_of(&anna, &beta.handle("bert")).await;

    // Anna blocks bert: alpha sends Block; beta drops bert's follow and knows he is blocked.
    anna.post(&format!("/api/v1/accounts/{bert_on_alpha}/block"), json!({})).await;
    let sent = queued_by(&alpha, "anna", "Block").await;
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0]["object"], beta.url("/u/bert"));
    assert_eq!(relationship(&anna, &bert_on_alpha).await["followed_by"], false);
    alpha.drain().await;
    eventually("beta applies the Block", || {
        let (bert, id) = (bert.clone(), anna_on_beta.clone());
        async move {
            let r = relationship(&bert, &id).await;
            r["blocked_by"] == true && r["following"] == false
        }
    })
    .await;
    // A followers-only post of anna's no longer goes to bert.
    let private =
        anna.post("/api/v1/statuses", json!({"status": "Alleen voor volgers", "visibility": "private"})).await;
    alpha.drain().await;
    assert!(!uris(&bert.get("/api/v1/timelines/home").await).contains(&private["uri"].as_str().unwrap().to_string()));
    // Beta knows of the block: bert cannot follow anna again.
    let again = bert.send(Method::POST, &format!("/api/v1/accounts/{anna_on_beta}/follow"), None).await;
    assert_eq!(again.status(), 422);
    assert_eq!(relationship(&anna, &bert_on_alpha).await["followed_by"], false);

    // Undo(Block) lifts it on beta.
    anna.post(&format!("/api/v1/accounts/{bert_on_alpha}/unblock"), json!({})).await;
    assert_eq!(queued_by(&alpha, "anna", "Undo").await.iter().filter(|u| u["object"]["type"] == "Block").count(), 1);
    alpha.drain().await;
    eventually("beta applies the Undo", || {
        let (bert, id) = (bert.clone(), anna_on_beta.clone());
        async move { relationship(&bert, &id).await["blocked_by"] == false }
    })
    .await;

    // The other way: bert blocks anna from beta; alpha drops his follows and knows.
    bert.post(&format!("/api/v1/accounts/{anna_on_beta}/follow"), json!({})).await;
    beta.drain().await;
    alpha.drain().await;
    eventually("bert follows anna again", || {
        let (anna, id) = (anna.clone(), bert_on_alpha.clone());
        async move { relationship(&anna, &id).await["followed_by"] == true }
    })
    .await;
    bert.post(&format!("/api/v1/accounts/{anna_on_beta}/block"), json!({})).await;
    beta.drain().await;
    eventually("alpha applies bert's Block", || {
        let (anna, id) = (anna.clone(), bert_on_alpha.clone());
        async move {
            let r = relationship(&anna, &id).await;
            r["blocked_by"] == true && r["followed_by"] == false
        }
    })
    .await;
    bert.post(&format!("/api/v1/accounts/{anna_on_beta}/unblock"), json!({})).await;
    beta.drain().await;
    eventually("alpha applies bert's Undo", || {
        let (anna, id) = (anna.clone(), bert_on_alpha.clone());
        async move { relationship(&anna, &id).await["blocked_by"] == false }
    })
    .await;
    // A mute sends nothing.
    anna.post(&format!("/api/v1/accounts/{bert_on_alpha}/mute"), json!({})).await;
    assert_eq!(queued_by(&alpha, "anna", "Block").await.len(), 1);
}

async fn a_mastodon_block_fixture_blocks_and_its_undo_lifts_it(b: Backend) {
    let alpha = TestApp::spawn_federated(b).await;
    let beta = TestApp::spawn_federated(b).await;
    let anna = alpha.api_user("anna").await;
    let piet = signer(&beta, "piet").await;
    let fixture = |name: &str| {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/mastodon").join(name);
        std::fs::read_to_string(path)
            .unwrap()
            .replace("https://mastodon.example/users/piet", &piet.actor)
            .replace("https://oost.buurt.example/u/anna", &alpha.url("/u/anna"))
    };
    let inbox = alpha.url("/u/anna/inbox");
    let now = std::time::SystemTime::now();
    // Piet followed anna before.
    let follow = |n: u32| {
        json!({"@context": "https://www.w3.org/ns/activitystreams", "id": format!("{}#follows/{n}", piet.actor),
            "type": "Follow", "actor": piet.actor, "object": alpha.url("/u/anna")})
        .to_string()
    };
    crate::inbox::post_signed(&inbox, follow(1).as_bytes(), &piet, now).await;
    let piet_id = id_of(&anna, &beta.handle("piet")).await;
    assert_eq!(relationship(&anna, &piet_id).await["followed_by"], true);

    let block = fixture("block.json");
    assert!(crate::inbox::post_signed(&inbox, block.as_bytes(), &piet, now).await.status().is_success());
    let r = relationship(&anna, &piet_id).await;
    assert_eq!(r["blocked_by"], true);
    assert_eq!(r["followed_by"], false);
    // While it holds, his Follow is refused and his likes notify nobody.
    crate::inbox::post_signed(&inbox, follow(2).as_bytes(), &piet, now).await;
    assert_eq!(relationship(&anna, &piet_id).await["followed_by"], false);
    let post = anna.post("/api/v1/statuses", json!({"status": "Hallo buurt"})).await;
    let like = json!({"@context": "https://www.w3.org/ns/activitystreams", "id": format!("{}#likes/1", piet.actor),
        "type": "Like", "actor": piet.actor, "object": post["uri"]});
    crate::inbox::post_signed(&inbox, like.to_string().as_bytes(), &piet, now).await;
    assert!(anna.get("/api/v1/notifications").await.as_array().unwrap().is_empty());

    let undo = fixture("undo-block.json");
    assert!(crate::inbox::post_signed(&inbox, undo.as_bytes(), &piet, now).await.status().is_success());
    assert_eq!(relationship(&anna, &piet_id).await["blocked_by"], false);
}

async fn a_domain_block_hides_that_domain_and_ends_its_follows(b: Backend) {
    let alpha = TestApp::spawn_federated(b).await;
    let beta = TestApp::spawn_federated(b).await;
    let anna = alpha.api_user("anna").await;
    let carla = alpha.api_user("carla").await;
    let bert = beta.api_user("bert").await;
    let found = anna.get(&format!("/api/v2/search?q=@{}&resolve=true&type=accounts", beta.handle("bert"))).await;
    let bert_on_alpha = found["accounts"][0]["id"].as_str().unwrap().to_string();
    anna.post(&format!("/api/v1/accounts/{bert_on_alpha}/follow"), json!({})).await;
    carla.post(&format!("/api/v1/accounts/{bert_on_alpha}/follow"), json!({})).await;
    alpha.drain().await;
    beta.drain().await;
    eventually("anna follows bert", || {
        let (anna, id) = (anna.clone(), bert_on_alpha.clone());
        async move { relationship(&anna, &id).await["following"] == true }
    })
    .await;
    let post = bert.post("/api/v1/statuses", json!({"status": "Groeten uit beta"})).await;
    beta.drain().await;
    let uri = post["uri"].as_str().unwrap().to_string();
    assert!(uris(&anna.get("/api/v1/timelines/home").await).contains(&uri));

    let domain = beta.settings().instance.domain.clone();
    anna.post("/api/v1/domain_blocks", json!({"domain": domain})).await;
    assert_eq!(anna.get("/api/v1/domain_blocks").await, json!([domain]));
    let r = relationship(&anna, &bert_on_alpha).await;
    assert_eq!(r["domain_blocking"], true);
    assert_eq!(r["following"], false);
    assert!(!uris(&anna.get("/api/v1/timelines/home").await).contains(&uri));
    assert!(uris(&carla.get("/api/v1/timelines/home").await).contains(&uri), "carla still follows bert");
    anna.send(Method::DELETE, "/api/v1/domain_blocks", Some(json!({"domain": domain}))).await;
    assert_eq!(anna.get("/api/v1/domain_blocks").await, json!([]));
    assert_eq!(relationship(&anna, &bert_on_alpha).await["domain_blocking"], false);
}

async fn bad_input_is_refused_and_nothing_is_stored(b: Backend) {
    let app = TestApp::spawn(b).await;
    let anna = app.api_user("anna").await;
    app.api_user("bert").await;
    let anna_id = id_of(&anna, "anna").await;
    let bert_id = id_of(&anna, "bert").await;
    let refused = anna.send(Method::POST, &format!("/api/v1/accounts/{anna_id}/block"), None).await;
    assert_eq!(refused.status(), 422);
    let refused = anna.send(Method::POST, &format!("/api/v1/accounts/{anna_id}/mute"), None).await;
    assert_eq!(refused.status(), 422);
    assert_eq!(anna.send(Method::POST, "/api/v1/accounts/999999/block", None).await.status(), 404);
    assert_eq!(anna.send(Method::POST, "/api/v1/accounts/nonsense/mute", None).await.status(), 404);
    let bad = json!({"duration": "morgen"});
    assert_eq!(anna.send(Method::POST, &format!("/api/v1/accounts/{bert_id}/mute"), Some(bad)).await.status(), 422);
    let bad = json!({"duration": -5});
    assert_eq!(anna.send(Method::POST, &format!("/api/v1/accounts/{bert_id}/mute"), Some(bad)).await.status(), 422);
    for domain in ["", "geen domein", "http://x.example/pad", "-a.example", app.settings().instance.domain.as_str()] {
        let answer = anna.send(Method::POST, "/api/v1/domain_blocks", Some(json!({"domain": domain}))).await;
        assert_eq!(answer.status(), 422, "{domain:?}");
    }
    let buurt = anna.send(Method::POST, "/api/buurt/v1/me/blocks", Some(json!({"account_id": anna_id}))).await;
    assert_eq!(buurt.status(), 422);
    let body: Value = buurt.json().await.unwrap();
    assert_eq!(body["error"], "validation_failed");
    assert!(anna.get("/api/v1/blocks").await.as_array().unwrap().is_empty());
    assert!(anna.get("/api/v1/mutes").await.as_array().unwrap().is_empty());
    assert!(anna.get("/api/v1/domain_blocks").await.as_array().unwrap().is_empty());
    assert!(!relationship(&anna, &bert_id).await["muting"].as_bool().unwrap());
}

/// Uploads `csv` as list `list` on the settings page; the answer's status and text.
async fn import(app: &TestApp, page: &Browser, list: &str, csv: &str) -> (u16, String) {
    let token = page.csrf("/instellingen/blokkeringen").await;
    let form = reqwest::multipart::Form::new()
        .text("csrf", token)
        .text("list", list.to_string())
        .part("file", reqwest::multipart::Part::bytes(csv.as_bytes().to_vec()).file_name("lijst.csv"));
    let response = page.client.post(app.url("/instellingen/blokkeringen/import")).multipart(form).send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.text().await.unwrap())
}

async fn lists_export_and_import_in_mastodons_csv_formats(b: Backend) {
    let app = TestApp::spawn(b).await;
    let anna = app.api_user("anna").await;
    app.api_user("bert").await;
    app.api_user("carla").await;
    let dora = app.api_user("dora").await;
    let domain = app.settings().instance.domain.clone();
    let (bert_id, carla_id) = (id_of(&anna, "bert").await, id_of(&anna, "carla").await);
    anna.post(&format!("/api/v1/accounts/{bert_id}/block"), json!({})).await;
    anna.post(&format!("/api/v1/accounts/{carla_id}/mute"), json!({"notifications": false})).await;
    anna.post("/api/v1/domain_blocks", json!({"domain": "spam.example"})).await;

    let page = app.browser();
    page.login("anna", PASSWORD).await;
    let blocks = page.get("/instellingen/blokkeringen/export/blocks").await;
    assert!(blocks.headers()["content-disposition"].to_str().unwrap().contains("blocked_accounts.csv"));
    let blocks = blocks.text().await.unwrap();
    assert_eq!(blocks, format!("bert@{domain}\n"));
    let mutes = page.get("/instellingen/blokkeringen/export/mutes").await.text().await.unwrap();
    assert_eq!(mutes, format!("Account address,Hide notifications\ncarla@{domain},false\n"));
    let domains = page.get("/instellingen/blokkeringen/export/domains").await.text().await.unwrap();
    assert_eq!(domains, "spam.example\n");

    // Dora imports anna's files: the same lists.
    let page = app.browser();
    page.login("dora", PASSWORD).await;
    assert_eq!(import(&app, &page, "blocks", &blocks).await.0, 303);
    assert_eq!(import(&app, &page, "mutes", &mutes).await.0, 303);
    assert_eq!(import(&app, &page, "domains", &domains).await.0, 303);
    assert_eq!(dora.get("/api/v1/blocks").await[0]["acct"], "bert");
    assert_eq!(dora.get("/api/v1/mutes").await[0]["acct"], "carla");
    assert_eq!(relationship(&dora, &carla_id).await["muting_notifications"], false);
    assert_eq!(dora.get("/api/v1/domain_blocks").await, json!(["spam.example"]));

    // A file with bad lines names each and stores nothing, not even its good lines.
    let erin = app.api_user("erin").await;
    let page = app.browser();
    page.login("erin", PASSWORD).await;
    let bad = format!("bert@{domain}\nniet een adres\nonbekend@{domain}\nerin@{domain}\n");
    let (status, text) = import(&app, &page, "blocks", &bad).await;
    assert_eq!(status, 422);
    for line in ["Regel 2", "Regel 3", "Regel 4"] {
        assert!(text.contains(line), "{line} named");
    }
    assert!(!text.contains("Regel 1 "), "the good line is not named");
    let (status, text) = import(&app, &page, "mutes", &format!("carla@{domain},misschien\n")).await;
    assert_eq!(status, 422);
    assert!(text.contains("Regel 1"));
    let (status, _) = import(&app, &page, "domains", "goed.example\nslecht domein\n").await;
    assert_eq!(status, 422);
    assert!(erin.get("/api/v1/blocks").await.as_array().unwrap().is_empty());
    assert!(erin.get("/api/v1/mutes").await.as_array().unwrap().is_empty());
    assert!(erin.get("/api/v1/domain_blocks").await.as_array().unwrap().is_empty());
}

async fn pages_block_mute_and_hide_with_forms(b: Backend) {
    let app = TestApp::spawn(b).await;
    let anna = app.api_user("anna").await;
    let bert = app.api_user("bert").await;
    let post = bert.post("/api/v1/statuses", json!({"status": "Op het plein"})).await;
    let post_id = post["id"].as_str().unwrap().to_string();
    let page = app.browser();
    page.login("anna", PASSWORD).await;
    let profile = page.get_html("/u/bert").await;
    assert!(text_of(&profile, "a[href='/u/bert/blokkeren']").is_some());
    let done = page.submit("/u/bert/blokkeren", "/u/bert/blokkeren", &[("action", "mute")]).await;
    assert_eq!(done.status(), 303);
    let bert_id = id_of(&anna, "bert").await;
    let r = relationship(&anna, &bert_id).await;
    assert_eq!((r["muting"].clone(), r["muting_notifications"].clone()), (json!(true), json!(false)));
    page.submit("/u/bert/blokkeren", "/u/bert/blokkeren", &[("action", "block")]).await;
    assert_eq!(relationship(&anna, &bert_id).await["blocking"], true);
    // Without the form's token nothing happens.
    let forged = page.client.post(app.url("/u/bert/blokkeren")).form(&[("action", "unblock")]).send().await.unwrap();
    assert_eq!(forged.status(), 403);
    assert_eq!(relationship(&anna, &bert_id).await["blocking"], true);
    // The settings page lists both, and takes them back.
    let settings = page.get("/instellingen/blokkeringen").await.text().await.unwrap();
    assert!(settings.contains("@bert@"));
    page.submit("/instellingen/blokkeringen", "/instellingen/blokkeringen", &[("action", "unblock"), ("id", &bert_id)])
        .await;
    page.submit("/instellingen/blokkeringen", "/instellingen/blokkeringen", &[("action", "unmute"), ("id", &bert_id)])
        .await;
    let r = relationship(&anna, &bert_id).await;
    assert_eq!((r["blocking"].clone(), r["muting"].clone()), (json!(false), json!(false)));
    // A domain by the form; a bad one is named and nothing stored.
    let bad = page
        .submit(
            "/instellingen/blokkeringen",
            "/instellingen/blokkeringen",
            &[("action", "block_domain"), ("domain", "x")],
        )
        .await;
    assert_eq!(bad.status(), 422);
    assert!(anna.get("/api/v1/domain_blocks").await.as_array().unwrap().is_empty());
    page.submit(
        "/instellingen/blokkeringen",
        "/instellingen/blokkeringen",
        &[("action", "block_domain"), ("domain", "Spam.Example")],
    )
    .await;
    assert_eq!(anna.get("/api/v1/domain_blocks").await, json!(["spam.example"]));
    // Hiding a post from its page.
    let path = format!("/p/{post_id}");
    let done = page.submit(&path, &format!("{path}/verbergen"), &[("doen", "aan")]).await;
    assert_eq!(done.status(), 303);
    assert!(!uris(&anna.get("/api/v1/timelines/public").await).contains(&post["uri"].as_str().unwrap().to_string()));
    let settings = page.get_html("/instellingen/blokkeringen").await;
    assert!(text_of(&settings, &format!("a[href='{path}']")).is_some(), "the hidden post is listed");
    // One cannot block oneself from a page either.
    let own = page.get("/u/anna/blokkeren").await;
    assert_eq!(own.status(), 404);
}
