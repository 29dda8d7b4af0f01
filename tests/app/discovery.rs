//! Actors, WebFinger, NodeInfo and host-meta as other servers see them.

use buurt::db::models::local_user::Role;
use serde_json::Value;

use crate::both;
use crate::util::*;

both!(
    person_and_group_pages_negotiate_html_and_activity_json,
    webfinger_finds_persons_and_groups_in_one_namespace,
    nodeinfo_reports_real_usage,
    instance_actor_and_host_meta_are_served,
);

async fn get_json(url: &str, accept: &str) -> (reqwest::StatusCode, reqwest::header::HeaderMap, Value) {
    let response = reqwest::Client::new().get(url).header("accept", accept).send().await.unwrap();
    let (status, headers) = (response.status(), response.headers().clone());
    let body = response.text().await.unwrap();
    (status, headers, serde_json::from_str(&body).unwrap_or(Value::String(body)))
}

async fn person_and_group_pages_negotiate_html_and_activity_json(b: Backend) {
    let app = TestApp::spawn(b).await;
    app.create_user("Anna", Role::Member).await;
    buurt::domain::groups::create_group(&app.state.pool, app.settings(), "oosterpark", "Buurtvereniging Oosterpark")
        .await
        .unwrap();
    let domain = app.settings().instance.domain.clone();

    let html_page = reqwest::get(app.url("/u/anna")).await.unwrap();
    assert_eq!(html_page.status(), 200);
    assert_eq!(html_page.headers()["vary"], "Accept");
    let page = html(html_page).await;
    assert_eq!(text_of(&page, "h1").as_deref(), Some("Anna"));
    assert!(page.html().contains(&format!("@Anna@{domain}")));

    for accept in
        ["application/activity+json", "application/ld+json; profile=\"https://www.w3.org/ns/activitystreams\""]
    {
        let (status, headers, person) = get_json(&app.url("/u/anna"), accept).await;
        assert_eq!(status, 200, "{accept}");
        assert!(headers["content-type"].to_str().unwrap().starts_with("application/activity+json"));
        assert_eq!(headers["vary"], "Accept");
        assert_eq!(person["type"], "Person");
        assert_eq!(person["id"], app.url("/u/anna"));
        assert_eq!(person["preferredUsername"], "Anna");
        assert_eq!(person["inbox"], app.url("/u/anna/inbox"));
        assert_eq!(person["outbox"], app.url("/u/anna/outbox"));
        assert_eq!(person["followers"], app.url("/u/anna/followers"));
        assert_eq!(person["following"], app.url("/u/anna/following"));
        assert_eq!(person["featured"], app.url("/u/anna/featured"));
        assert_eq!(person["endpoints"]["sharedInbox"], app.url("/inbox"));
        assert_eq!(person["publicKey"]["id"], format!("{}#main-key", app.url("/u/anna")));
        assert_eq!(person["publicKey"]["owner"], app.url("/u/anna"));
        assert!(person["publicKey"]["publicKeyPem"].as_str().unwrap().starts_with("-----BEGIN PUBLIC KEY-----"));
        assert_eq!(person["webfinger"], format!("acct:Anna@{domain}"));
        assert_eq!(person["discoverable"], true);
        assert_eq!(person["manuallyApprovesFollowers"], false);
        assert_eq!(person["@context"][0], "https://www.w3.org/ns/activitystreams");
    }
    // The key is made once and kept.
    let (_, _, again) = get_json(&app.url("/u/anna"), "application/activity+json").await;
    let (_, _, first) = get_json(&app.url("/u/anna"), "application/activity+json").await;
    assert_eq!(again["publicKey"], first["publicKey"]);

    let (status, _, group) = get_json(&app.url("/g/oosterpark"), "application/activity+json").await;
    assert_eq!(status, 200);
    assert_eq!(group["type"], "Group");
    assert_eq!(group["name"], "Buurtvereniging Oosterpark");
    assert_eq!(group["inbox"], app.url("/g/oosterpark/inbox"));

    // A person is not a group and the other way round; unknown names are 404.
    assert_eq!(reqwest::get(app.url("/g/anna")).await.unwrap().status(), 404);
    assert_eq!(get_json(&app.url("/u/oosterpark"), "application/activity+json").await.0, 404);
    assert_eq!(get_json(&app.url("/u/nobody"), "application/activity+json").await.0, 404);
}

async fn webfinger_finds_persons_and_groups_in_one_namespace(b: Backend) {
    let app = TestApp::spawn(b).await;
    app.create_user("bert", Role::Member).await;
    buurt::domain::groups::create_group(&app.state.pool, app.settings(), "Tuinclub", "").await.unwrap();
    let domain = app.settings().instance.domain.clone();
    let wf = |resource: String| {
        let url = app.url("/.well-known/webfinger");
        async move { get_json(&format!("{url}?resource={resource}"), "application/jrd+json").await }
    };

    let (status, headers, body) = wf(format!("acct:BERT@{domain}")).await;
    assert_eq!(status, 200);
    assert_eq!(headers["access-control-allow-origin"], "*");
    assert!(headers["content-type"].to_str().unwrap().starts_with("application/jrd+json"));
    assert_eq!(body["subject"], format!("acct:bert@{domain}"));
    let links = body["links"].as_array().unwrap();
    let self_link = links.iter().find(|l| l["rel"] == "self").unwrap();
    assert_eq!(self_link["type"], "application/activity+json");
    assert_eq!(self_link["href"], app.url("/u/bert"));
    let subscribe = links.iter().find(|l| l["rel"] == "http://ostatus.org/schema/1.0/subscribe").unwrap();
    assert_eq!(subscribe["template"], app.url("/authorize_interaction?uri={uri}"));

    let (status, _, group) = wf(format!("acct:tuinclub@{domain}")).await;
    assert_eq!(status, 200);
    assert_eq!(group["links"][0]["href"], app.url("/g/tuinclub"));
    // By URL too.
    let (status, _, by_url) = wf(app.url("/g/tuinclub")).await;
    assert_eq!(status, 200);
    assert_eq!(by_url["subject"], format!("acct:Tuinclub@{domain}"));

    // One namespace: a person cannot take the group's name in any case.
    let taken = app.browser().register(&as_refs(&registration("TUINCLUB"))).await;
    assert_eq!(taken.status(), 422);

    assert_eq!(wf(format!("acct:nobody@{domain}")).await.0, 404);
    assert_eq!(wf("acct:bert@elsewhere.example".into()).await.0, 404);
    for malformed in ["", "acct:", "acct:@", "bert", "mailto:bert@x", "acct:bert"] {
        let (status, headers, _) = wf(malformed.into()).await;
        assert_eq!(status, 400, "{malformed:?}");
        assert_eq!(headers["access-control-allow-origin"], "*");
    }
}

async fn nodeinfo_reports_real_usage(b: Backend) {
    let app = TestApp::spawn(b).await;
    let (status, _, links) = get_json(&app.url("/.well-known/nodeinfo"), "application/json").await;
    assert_eq!(status, 200);
    let hrefs: Vec<&str> = links["links"].as_array().unwrap().iter().map(|l| l["href"].as_str().unwrap()).collect();
    assert_eq!(hrefs, vec![app.url("/nodeinfo/2.0"), app.url("/nodeinfo/2.1")]);

    let (_, _, before) = get_json(&app.url("/nodeinfo/2.1"), "application/json").await;
    assert_eq!(before["usage"]["users"]["total"], 0);
    app.signed_in("carla", Role::Member).await;
    let daan = app.api_user("daan").await;
    daan.post("/api/v1/statuses", serde_json::json!({"status": "een"})).await;
    daan.post("/api/v1/statuses", serde_json::json!({"status": "twee"})).await;
    for version in ["2.0", "2.1"] {
        let (status, headers, info) = get_json(&app.url(&format!("/nodeinfo/{version}")), "application/json").await;
        assert_eq!(status, 200);
        assert!(headers["content-type"].to_str().unwrap().contains(&format!("schema/{version}#")));
        assert_eq!(info["version"], version);
        assert_eq!(info["software"]["name"], "buurt");
        assert_eq!(info["protocols"][0], "activitypub");
        assert_eq!(info["usage"]["users"]["total"], 2);
        assert_eq!(info["usage"]["users"]["activeMonth"], 1, "only carla signed in");
        assert_eq!(info["usage"]["localPosts"], 2);
        assert_eq!(info["openRegistrations"], true);
        assert_eq!(info["metadata"]["nodeName"], "Buurt");
    }
    assert_eq!(get_json(&app.url("/nodeinfo/3.0"), "application/json").await.0, 404);
}

async fn instance_actor_and_host_meta_are_served(b: Backend) {
    let app = TestApp::spawn(b).await;
    let (status, _, actor) = get_json(&app.url("/actor"), "application/activity+json").await;
    assert_eq!(status, 200);
    assert_eq!(actor["type"], "Application");
    assert_eq!(actor["id"], app.url("/actor"));
    assert_eq!(actor["inbox"], app.url("/actor/inbox"));
    assert_eq!(
        actor["publicKey"]["publicKeyPem"],
        test_site().public_key,
        "the instance actor signs with the site key"
    );
    assert_eq!(actor["manuallyApprovesFollowers"], true);

    let xrd = reqwest::get(app.url("/.well-known/host-meta")).await.unwrap();
    assert!(xrd.headers()["content-type"].to_str().unwrap().starts_with("application/xrd+xml"));
    let body = xrd.text().await.unwrap();
    assert!(body.contains(&format!("template=\"{}/.well-known/webfinger?resource={{uri}}\"", app.base)), "{body}");
    let (_, _, json) = get_json(&app.url("/.well-known/host-meta"), "application/json").await;
    assert_eq!(json["links"][0]["rel"], "lrdd");
}
