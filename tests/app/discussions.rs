//! Discussions in groups: threads with Markdown and mentions, the posting rule and members-only
//! content seen from the wrong side, pinning, locking and edit history, and the group relaying
//! what is written in it across three instances (FEP-1b12), with a moderator's removal reaching
//! everyone.

use buurt::db::models::post::Post;
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use serde_json::json;

use crate::both;
use crate::notifications::notifications_of;
use crate::util::*;

both!(
    members_write_threads_that_others_see_as_the_group_allows,
    moderators_pin_lock_and_remove_and_edits_keep_history,
    a_group_relays_a_remote_members_reply_and_its_removal_to_every_server,
);

async fn group(api: &Api, name: &str, openness: &str, content: &str, posting: &str) {
    let made = api
        .post(
            "/api/buurt/v1/groups",
            json!({"name": name, "display_name": format!("Groep {name}"), "openness": openness,
                "content": content, "posting": posting}),
        )
        .await;
    assert_eq!(made["name"], name, "{made}");
}

async fn post_by_ap_id(app: &TestApp, ap_id: &str) -> Option<Post> {
    let mut conn = app.state.pool.get().await.unwrap();
    Post::by_ap_id(&mut conn, ap_id).await.unwrap()
}

async fn members_write_threads_that_others_see_as_the_group_allows(b: Backend) {
    let app = TestApp::spawn(b).await;
    let anna = app.api_user("anna").await;
    let bert = app.api_user("bert").await;
    let carla = app.api_user("carla").await;
    group(&anna, "tuin", "open", "public", "members").await;
    group(&anna, "geheim", "open", "members", "members").await;
    bert.post("/api/buurt/v1/groups/tuin/join", json!({})).await;
    bert.post("/api/buurt/v1/groups/geheim/join", json!({})).await;

    // A member starts a thread: Markdown rendered safely, a mention linked and notified.
    let thread = bert
        .post(
            "/api/buurt/v1/groups/tuin/threads",
            json!({"title": "Compost", "text": "**Wie** heeft een bak? @carla\n\n<script>x()</script>"}),
        )
        .await;
    assert_eq!(thread["title"], "Compost", "{thread}");
    let content = thread["content"].as_str().unwrap();
    assert!(content.contains("<strong>Wie</strong>"), "{content}");
    assert!(!content.contains("<script"), "{content}");
    assert!(content.contains(&format!("href=\"{}\"", app.url("/u/carla"))), "{content}");
    assert!(notifications_of(&app, "carla").await.iter().any(|n| n.0 == "mention"), "carla is told");
    let id = thread["id"].as_str().unwrap().to_string();
    // Its Note carries the group as audience and the mention as a tag.
    let note = activity_json(app.url(&format!("/p/{id}"))).await;
    assert_eq!(note["audience"], app.url("/g/tuin"));
    assert!(note["tag"].as_array().unwrap().iter().any(|t| t["type"] == "Mention" && t["href"] == app.url("/u/carla")));
    assert!(note["to"].as_array().unwrap().contains(&json!(app.url("/g/tuin"))));

    // Not a member: may not start a thread, nothing stored.
    let refused = carla
        .send(reqwest::Method::POST, "/api/buurt/v1/groups/tuin/threads", Some(json!({"title": "x", "text": "y"})))
        .await;
    assert_eq!(refused.status(), 422);
    let listed = anna.get("/api/buurt/v1/groups/tuin/threads").await;
    assert_eq!(listed.as_array().unwrap().len(), 1, "{listed}");
    // A reply by a non-member is refused too; a member's reply is in the group.
    let reply = carla
        .send(reqwest::Method::POST, "/api/v1/statuses", Some(json!({"status": "Ik!", "in_reply_to_id": id})))
        .await;
    assert_eq!(reply.status(), 422);
    let reply = anna.post("/api/v1/statuses", json!({"status": "Ik heb er een", "in_reply_to_id": id})).await;
    assert!(reply["id"].is_string(), "the administrator is a member: {reply}");

    // The group page lists the thread for anyone.
    let page = app.browser().get_html("/g/tuin").await.html();
    assert!(page.contains("Compost"), "{page}");

    // Members-only: members see it; strangers, non-members and other servers do not.
    let secret =
        bert.post("/api/buurt/v1/groups/geheim/threads", json!({"title": "Sleutel", "text": "onder de mat"})).await;
    let secret_id = secret["id"].as_str().unwrap().to_string();
    assert_eq!(bert.get(&format!("/api/v1/statuses/{secret_id}")).await["id"], secret_id);
    assert_eq!(anna.get(&format!("/api/v1/statuses/{secret_id}")).await["id"], secret_id, "a member");
    let stranger = carla.send(reqwest::Method::GET, &format!("/api/v1/statuses/{secret_id}"), None).await;
    assert_eq!(stranger.status(), 404);
    assert_eq!(app.browser().get(&format!("/p/{secret_id}")).await.status(), 404);
    let anonymous = reqwest::Client::new()
        .get(app.url(&format!("/p/{secret_id}")))
        .header("accept", "application/activity+json")
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), 404);
    let list = carla.send(reqwest::Method::GET, "/api/buurt/v1/groups/geheim/threads", None).await;
    assert_eq!(list.status(), 403);
    let page = app.browser().get_html("/g/geheim").await.html();
    assert!(!page.contains("Sleutel"), "{page}");
    // Not in public timelines or the author's profile either.
    let public =
        reqwest::Client::new().get(app.url("/api/v1/timelines/public")).send().await.unwrap().text().await.unwrap();
    assert!(!public.contains("onder de mat"), "{public}");
    assert!(!app.browser().get_html("/u/bert").await.html().contains("onder de mat"));
    app.stop().await;
}

async fn moderators_pin_lock_and_remove_and_edits_keep_history(b: Backend) {
    let app = TestApp::spawn(b).await;
    let anna = app.api_user("anna").await;
    let bert = app.api_user("bert").await;
    group(&anna, "tuin", "open", "public", "members").await;
    bert.post("/api/buurt/v1/groups/tuin/join", json!({})).await;
    let first = bert.post("/api/buurt/v1/groups/tuin/threads", json!({"title": "Eerste", "text": "een"})).await;
    let second = bert.post("/api/buurt/v1/groups/tuin/threads", json!({"title": "Tweede", "text": "twee"})).await;
    let (first, second) = (first["id"].as_str().unwrap(), second["id"].as_str().unwrap());

    // A member may not pin, lock or post an announcement; the group's administrator may.
    let refused =
        bert.send(reqwest::Method::POST, &format!("/api/buurt/v1/threads/{first}/pin"), Some(json!({}))).await;
    assert_eq!(refused.status(), 403);
    let announcement = bert
        .send(
            reqwest::Method::POST,
            "/api/buurt/v1/groups/tuin/threads",
            Some(json!({"title": "Let op", "text": "x", "announcement": true})),
        )
        .await;
    assert_eq!(announcement.status(), 422);
    anna.post(&format!("/api/buurt/v1/threads/{first}/pin"), json!({})).await;
    let listed = anna.get("/api/buurt/v1/groups/tuin/threads").await;
    assert_eq!(listed[0]["id"], first, "pinned first: {listed}");
    assert_eq!(listed[0]["pinned"], true);
    assert_eq!(listed[1]["id"], second);
    // The fediverse sees the pinned thread in the group's `featured` collection, and every
    // public thread as the group's Announce of its Create in the outbox (as Lemmy lists them).
    let featured = activity_json(app.url("/g/tuin/featured")).await;
    assert_eq!(featured["totalItems"], 1, "{featured}");
    assert_eq!(featured["orderedItems"][0]["id"], app.url(&format!("/p/{first}")));
    assert_eq!(featured["orderedItems"][0]["audience"], app.url("/g/tuin"));
    let outbox = activity_json(app.url("/g/tuin/outbox?page=true")).await;
    let items = outbox["orderedItems"].as_array().unwrap();
    assert_eq!(items.len(), 2, "{outbox}");
    assert!(items.iter().all(|a| a["type"] == "Announce" && a["actor"] == app.url("/g/tuin")), "{outbox}");
    assert_eq!(items[0]["object"]["type"], "Create");
    assert_eq!(items[0]["object"]["object"]["id"], app.url(&format!("/p/{second}")), "newest first");
    // A members-only group shows the fediverse none of its threads, pinned or not.
    group(&anna, "geheim", "open", "members", "members").await;
    let secret = anna.post("/api/buurt/v1/groups/geheim/threads", json!({"title": "Sleutel", "text": "mat"})).await;
    anna.post(&format!("/api/buurt/v1/threads/{}/pin", secret["id"].as_str().unwrap()), json!({})).await;
    let featured = activity_json(app.url("/g/geheim/featured")).await;
    assert_eq!(featured["totalItems"], 0, "{featured}");
    let outbox = activity_json(app.url("/g/geheim/outbox?page=true")).await;
    assert_eq!(outbox["totalItems"], 0, "{outbox}");
    assert!(!outbox.to_string().contains("mat"), "{outbox}");
    let article = anna
        .post(
            "/api/buurt/v1/groups/tuin/threads",
            json!({"title": "Let op", "text": "Vergadering", "announcement": true}),
        )
        .await;
    assert_eq!(article["kind"], "announcement");
    let note = activity_json(app.url(&format!("/p/{}", article["id"].as_str().unwrap()))).await;
    assert_eq!(note["type"], "Article");

    // Someone else's thread is not locked with the bare switch: that is a decision, with a
    // statement of reasons for its author.
    let bare = anna.send(reqwest::Method::POST, &format!("/api/buurt/v1/threads/{second}/lock"), Some(json!({}))).await;
    assert_eq!(bare.status(), 422);
    // Locked: no more replies from members (the moderator still may).
    anna.post(
        "/api/buurt/v1/moderation/decisions",
        json!({"kind": "lock_thread", "status_id": second, "ground": "group_rules", "facts": "Het gesprek dwaalt af."}),
    )
    .await;
    let reply = bert
        .send(reqwest::Method::POST, "/api/v1/statuses", Some(json!({"status": "nog iets", "in_reply_to_id": second})))
        .await;
    assert_eq!(reply.status(), 422);
    let body: serde_json::Value = reply.json().await.unwrap();
    assert!(body.to_string().contains("gesloten") || body.to_string().contains("locked"), "{body}");

    // The author edits on the web; the earlier version stays in the history.
    let browser = app.browser();
    browser.login("bert", PASSWORD).await;
    let response = browser
        .submit(
            &format!("/p/{first}/bewerken"),
            &format!("/p/{first}/bewerken"),
            &[("title", "Eerste!"), ("text", "een, bewerkt")],
        )
        .await;
    assert_eq!(response.status(), 303);
    let page = browser.get_html(&format!("/p/{first}")).await.html();
    assert!(page.contains("een, bewerkt") && page.contains("<p>een</p>"), "{page}");
    // Someone else may not edit it.
    let other = app.browser();
    other.login("anna", PASSWORD).await;
    assert_eq!(other.get(&format!("/p/{first}/bewerken")).await.status(), 403);

    // The administrator removes bert's thread by a decision with a statement of reasons (the
    // bare remove button is its author's only); it is gone.
    let response = other.submit(&format!("/p/{first}"), &format!("/p/{first}/gesprek"), &[("action", "remove")]).await;
    assert_eq!(response.status(), 400);
    assert_eq!(app.browser().get(&format!("/p/{first}")).await.status(), 200);
    let fields =
        [("post", first), ("kind", "remove_post"), ("ground", "group_rules"), ("facts", "Hoort niet in deze groep.")];
    let form = format!("/moderatie/besluit?post={first}&kind=remove_post");
    let response = other.submit(&form, "/moderatie/besluit", &fields).await;
    assert_eq!(response.status(), 303);
    assert_eq!(app.browser().get(&format!("/p/{first}")).await.status(), 404);
    let listed = anna.get("/api/buurt/v1/groups/tuin/threads").await;
    assert!(!listed.to_string().contains(&format!("\"{first}\"")), "{listed}");
    app.stop().await;
}

async fn a_group_relays_a_remote_members_reply_and_its_removal_to_every_server(b: Backend) {
    let alpha = TestApp::spawn_federated(b).await;
    let beta = TestApp::spawn_federated(b).await;
    let gamma = TestApp::spawn_federated(b).await;
    let anna = alpha.api_user("anna").await;
    group(&anna, "tuin", "approval", "public", "members").await;
    let handle = format!("tuin@{}", alpha.settings().instance.domain);

    // Bert on beta asks to join; anna accepts.
    let bert_api = beta.api_user("bert").await;
    let bert = beta.account("bert").await.unwrap();
    let tuin_on_beta = {
        let found = buurt::domain::resolve::account(&beta.state, &handle, true).await.unwrap().unwrap();
        let mut conn = beta.state.pool.get().await.unwrap();
        buurt::domain::groups::with_profile(&mut conn, found).await.unwrap()
    };
    buurt::domain::groups::members::join(&beta.state, &bert, &tuin_on_beta, "").await.unwrap();
    beta.drain().await;
    let members = || async { anna.get("/api/buurt/v1/groups/tuin/members?state=pending").await };
    eventually("the Join reaches alpha", || async { members().await.as_array().is_some_and(|m| !m.is_empty()) }).await;
    let bert_id = members().await[0]["account_id"].as_str().unwrap().to_string();
    anna.post(&format!("/api/buurt/v1/groups/tuin/members/{bert_id}"), json!({"action": "accept"})).await;
    alpha.drain().await;
    eventually("the Accept reaches beta", || async {
        let mut conn = beta.state.pool.get().await.unwrap();
        buurt::db::models::membership::Membership::find(&mut conn, tuin_on_beta.actor.id, bert.actor.id)
            .await
            .unwrap()
            .is_some_and(|m| m.is_member())
    })
    .await;
    // Gerda on gamma follows the group.
    let gerda = gamma.create_user("gerda", buurt::db::models::local_user::Role::Member).await;
    let tuin_on_gamma = buurt::domain::resolve::account(&gamma.state, &handle, true).await.unwrap().unwrap();
    buurt::domain::follows::follow(&gamma.state, &gerda, &tuin_on_gamma).await.unwrap();
    gamma.drain().await;
    // Alpha learns which software beta and gamma run (NodeInfo).
    alpha.run_jobs().await;
    alpha.drain().await;

    // Anna starts a thread: beta (a member's server) and gamma (a follower's) get it.
    let thread = anna.post("/api/buurt/v1/groups/tuin/threads", json!({"title": "Zaaien", "text": "Wanneer?"})).await;
    let thread_ap = alpha.url(&format!("/p/{}", thread["id"].as_str().unwrap()));
    alpha.drain().await;
    for (app, name) in [(&beta, "beta"), (&gamma, "gamma")] {
        eventually(&format!("{name} has the thread"), || async { post_by_ap_id(app, &thread_ap).await.is_some() })
            .await;
        let stored = post_by_ap_id(app, &thread_ap).await.unwrap();
        assert_eq!(stored.name.as_deref(), Some("Zaaien"));
        assert!(stored.audience_id.is_some(), "{name} stores it in the group");
    }

    // Bert replies on beta: his Create goes to the group, which relays it to gamma.
    let on_beta = post_by_ap_id(&beta, &thread_ap).await.unwrap();
    let reply = bert_api
        .post("/api/v1/statuses", json!({"status": "In april!", "in_reply_to_id": on_beta.id.0.to_string()}))
        .await;
    let reply_ap = beta.url(&format!("/p/{}", reply["id"].as_str().unwrap()));
    beta.drain().await;
    eventually("alpha stores the reply in its group", || async {
        post_by_ap_id(&alpha, &reply_ap).await.is_some_and(|p| p.audience_id.is_some())
    })
    .await;
    let relayed = queued_by(&alpha, "tuin", "Announce").await;
    let of_reply: Vec<_> = relayed.iter().filter(|a| a["object"]["object"]["id"] == reply_ap).collect();
    assert_eq!(of_reply.len(), 1, "one Announce of the unchanged Create: {relayed:?}");
    assert_eq!(of_reply[0]["object"]["type"], "Create");
    alpha.drain().await;
    eventually("gamma has the reply", || async { post_by_ap_id(&gamma, &reply_ap).await.is_some() }).await;
    let count = {
        use buurt::db::schema::post as p;
        let mut conn = gamma.state.pool.get().await.unwrap();
        let n: i64 =
            buurt::dispatch!(&mut conn, c => p::table.filter(p::ap_id.eq(&reply_ap)).count().get_result(c).await)
                .unwrap();
        n
    };
    assert_eq!(count, 1, "exactly once");

    // Bert edits his reply and deletes a second one on beta: alpha relays both to gamma.
    let edited = bert_api
        .send(
            reqwest::Method::PUT,
            &format!("/api/v1/statuses/{}", reply["id"].as_str().unwrap()),
            Some(json!({"status": "In april, of mei!"})),
        )
        .await;
    assert_eq!(edited.status(), 200);
    let second = bert_api
        .post("/api/v1/statuses", json!({"status": "Vergeten", "in_reply_to_id": on_beta.id.0.to_string()}))
        .await;
    let second_ap = beta.url(&format!("/p/{}", second["id"].as_str().unwrap()));
    beta.drain().await;
    eventually("gamma has the edit and the second reply", || async {
        alpha.drain().await;
        post_by_ap_id(&gamma, &reply_ap).await.is_some_and(|p| p.content.contains("of mei"))
            && post_by_ap_id(&gamma, &second_ap).await.is_some()
    })
    .await;
    bert_api.send(reqwest::Method::DELETE, &format!("/api/v1/statuses/{}", second["id"].as_str().unwrap()), None).await;
    beta.drain().await;
    eventually("gamma hears of the deletion through the group", || async {
        alpha.drain().await;
        post_by_ap_id(&gamma, &second_ap).await.is_some_and(|p| p.deleted)
    })
    .await;

    // Anna pins the thread: the group's Add to its featured collection pins it everywhere.
    anna.post(&format!("/api/buurt/v1/threads/{}/pin", thread["id"].as_str().unwrap()), json!({})).await;
    alpha.drain().await;
    for (app, name) in [(&beta, "beta"), (&gamma, "gamma")] {
        eventually(&format!("{name} pins the thread"), || async {
            post_by_ap_id(app, &thread_ap).await.is_some_and(|p| p.pinned_at.is_some())
        })
        .await;
    }
    anna.post(&format!("/api/buurt/v1/threads/{}/unpin", thread["id"].as_str().unwrap()), json!({})).await;
    alpha.drain().await;
    eventually("gamma unpins it", || async {
        post_by_ap_id(&gamma, &thread_ap).await.is_some_and(|p| p.pinned_at.is_none())
    })
    .await;

    // A stranger's post into the group is refused with a Reject and not stored.
    let carla_api = beta.api_user("carla").await;
    let stranger = carla_api
        .send(
            reqwest::Method::POST,
            "/api/v1/statuses",
            Some(json!({"status": "Spam", "in_reply_to_id": on_beta.id.0.to_string()})),
        )
        .await;
    // Beta refuses it already: carla is no member.
    assert_eq!(stranger.status(), 422);

    // A members-only group's thread: another server fetches it only with a member's key.
    group(&anna, "geheim", "open", "members", "members").await;
    let secret =
        anna.post("/api/buurt/v1/groups/geheim/threads", json!({"title": "Sleutel", "text": "onder de mat"})).await;
    let secret_url = alpha.url(&format!("/p/{}", secret["id"].as_str().unwrap()));
    let carla_key = signer_of(&beta, "carla").await;
    let refused = crate::visibility::signed_get(&secret_url, &carla_key).await;
    assert_eq!(refused.status(), 404, "a non-member's server");
    let geheim_on_beta = {
        let found =
            buurt::domain::resolve::account(&beta.state, &format!("geheim@{}", alpha.settings().instance.domain), true)
                .await
                .unwrap()
                .unwrap();
        let mut conn = beta.state.pool.get().await.unwrap();
        buurt::domain::groups::with_profile(&mut conn, found).await.unwrap()
    };
    buurt::domain::groups::members::join(&beta.state, &bert, &geheim_on_beta, "").await.unwrap();
    beta.drain().await;
    let bert_key = signer_of(&beta, "bert").await;
    eventually("bert becomes a member on alpha", || async {
        crate::visibility::signed_get(&secret_url, &bert_key).await.status() == 200
    })
    .await;
    let fetched: serde_json::Value = crate::visibility::signed_get(&secret_url, &bert_key).await.json().await.unwrap();
    assert_eq!(fetched["audience"], alpha.url("/g/geheim"));
    assert!(fetched.to_string().contains("onder de mat"));
    // Gamma follows nothing of it and never received it.
    assert!(post_by_ap_id(&gamma, &secret_url).await.is_none());

    // Anna, moderating on alpha, removes bert's reply: the group's Delete reaches beta and gamma.
    let on_alpha = post_by_ap_id(&alpha, &reply_ap).await.unwrap();
    let decision = json!({
        "kind": "remove_post",
        "status_id": on_alpha.id.0.to_string(),
        "ground": "group_rules",
        "facts": "Een adres hoort hier niet.",
    });
    anna.post("/api/buurt/v1/moderation/decisions", decision).await;
    assert!(post_by_ap_id(&alpha, &reply_ap).await.unwrap().deleted);
    alpha.drain().await;
    for (app, name) in [(&beta, "beta"), (&gamma, "gamma")] {
        eventually(&format!("{name} removes the reply"), || async {
            post_by_ap_id(app, &reply_ap).await.is_some_and(|p| p.deleted)
        })
        .await;
    }
    alpha.stop().await;
    beta.stop().await;
    gamma.stop().await;
}
