//! Reports: residents and anonymous visitors report posts, people and groups (what does not
//! exist is refused and nothing stored); the queues from the right and the wrong side;
//! reporters never shown to the reported; notes internal; the outcome told; the Mastodon API;
//! `Flag` out to and in from another server.

use std::time::SystemTime;

use buurt::db::models::local_user::Role;
use diesel_async::RunQueryDsl;
use serde_json::{Value, json};

use crate::both;
use crate::inbox::post_signed;
use crate::notifications::notifications_of;
use crate::util::*;

both!(
    residents_and_visitors_report_and_what_does_not_exist_is_refused,
    queues_are_seen_and_handled_only_from_the_right_side,
    the_mastodon_api_reports_an_account_and_its_posts,
    flags_go_to_the_server_that_holds_the_content_and_come_in_to_the_queue,
);

/// How many reports are stored.
async fn reports_count(app: &TestApp) -> i64 {
    use buurt::db::schema::report;
    use diesel::QueryDsl;
    let mut conn = app.state.pool.get().await.unwrap();
    buurt::dispatch!(&mut conn, c => report::table.count().get_result::<i64>(c).await).unwrap()
}

/// An API client for a new account with `role`.
async fn api_as(app: &TestApp, name: &str, role: Role) -> Api {
    let account = app.create_user(name, role).await;
    let token = buurt::domain::oauth::admin_token(&app.state.pool, &account, "test").await.unwrap();
    Api { client: reqwest::Client::new(), base: app.base.clone(), token }
}

/// A public post of `api`'s person; returns its id.
async fn status(api: &Api, text: &str) -> String {
    api.post("/api/v1/statuses", json!({"status": text})).await["id"].as_str().unwrap().to_string()
}

async fn group(api: &Api, name: &str) {
    api.post(
        "/api/buurt/v1/groups",
        json!({"name": name, "display_name": format!("Groep {name}"), "openness": "open", "content": "public"}),
    )
    .await;
}

async fn kinds_of(app: &TestApp, name: &str) -> Vec<String> {
    notifications_of(app, name).await.into_iter().map(|n| n.0).collect()
}

async fn residents_and_visitors_report_and_what_does_not_exist_is_refused(b: Backend) {
    let app = TestApp::spawn(b).await;
    let anna = app.api_user("anna").await;
    let post = status(&anna, "Koop nu goedkope horloges!").await;
    let moderator = app.signed_in("verbinder", Role::Moderator).await;

    // A resident reports the post from its page: the form names what is reported.
    let bert = app.signed_in("bert", Role::Member).await;
    let page = bert.get_html(&format!("/p/{post}")).await;
    assert_eq!(text_of(&page, ".report-link").as_deref(), Some("Melden"), "the post page links to the form");
    let form = format!("/melden?post={post}");
    let shown = bert.get_html(&form).await.html();
    assert!(shown.contains("Bericht van anna"), "{shown}");
    let response =
        bert.submit(&form, "/melden", &[("post", &post), ("category", "spam"), ("comment", "Reclame")]).await;
    assert_eq!(response.status(), 200);
    assert_eq!(reports_count(&app).await, 1);
    assert_eq!(kinds_of(&app, "verbinder").await, vec!["report"], "staff hear of it");
    assert!(kinds_of(&app, "anna").await.iter().all(|k| !k.contains("report")), "the reported is not told");
    // Her own post has no link, and reporting it herself is refused.
    let anna_web = app.browser();
    anna_web.login("anna", PASSWORD).await;
    assert!(text_of(&anna_web.get_html(&format!("/p/{post}")).await, ".report-link").is_none());
    let response = anna_web.submit(&form, "/melden", &[("post", &post), ("category", "spam")]).await;
    assert_eq!(response.status(), 422);

    // An anonymous visitor reports a person and leaves an address.
    let anna_id = app.account("anna").await.unwrap().actor.id.0.to_string();
    let visitor = app.browser();
    let form = format!("/melden?actor={anna_id}");
    assert!(visitor.get_html(&form).await.html().contains("name=\"email\""), "anonymous visitors are asked an address");
    let fields =
        [("actor", anna_id.as_str()), ("category", "harassment"), ("comment", "Scheldt"), ("email", "buur@example.nl")];
    assert_eq!(visitor.submit(&form, "/melden", &fields).await.status(), 200);
    assert_eq!(reports_count(&app).await, 2);

    // What does not exist (or is not the reporter's to see) is refused, and nothing stored.
    assert_eq!(visitor.get("/melden?post=999999").await.status(), 404);
    assert_eq!(visitor.get("/melden?group=nergens").await.status(), 404);
    assert_eq!(visitor.get("/melden").await.status(), 404);
    let response = visitor.submit(&form, "/melden", &[("post", "999999"), ("category", "spam")]).await;
    assert_eq!(response.status(), 422);
    assert!(response.text().await.unwrap().contains("bestaat niet"));
    let secret = anna.post("/api/v1/statuses", json!({"status": "Alleen volgers", "visibility": "private"})).await;
    let secret = secret["id"].as_str().unwrap().to_string();
    let response = bert.submit(&form, "/melden", &[("post", &secret), ("category", "spam")]).await;
    assert_eq!(response.status(), 422, "a followers-only post bert may not see");
    // Bad fields: a clear error on the field, nothing stored.
    let response = visitor.submit(&form, "/melden", &[("actor", &anna_id), ("category", "boos")]).await;
    assert_eq!(response.status(), 422);
    assert!(field_error(&html(response).await, "category").is_some());
    let response =
        visitor.submit(&form, "/melden", &[("actor", &anna_id), ("category", "illegal"), ("comment", "x")]).await;
    assert_eq!(response.status(), 422);
    assert!(field_error(&html(response).await, "legal_ground").is_some(), "illegal content names its ground");
    let response =
        visitor.submit(&form, "/melden", &[("actor", &anna_id), ("category", "spam"), ("email", "geen-adres")]).await;
    assert_eq!(response.status(), 422);
    assert_eq!(reports_count(&app).await, 2);

    // The moderator dismisses the anonymous report: the visitor hears it by mail.
    let queue = moderator.get_html("/beheer/meldingen").await;
    let ids: Vec<String> = queue
        .select(&scraper::Selector::parse(".card h2 a").unwrap())
        .filter_map(|a| a.value().attr("href").map(|h| h.rsplit('/').next().unwrap().to_string()))
        .collect();
    assert_eq!(ids.len(), 2, "both reports are in the instance queue");
    assert!(queue.html().contains("een bezoeker zonder account"));
    let anonymous = &ids[0];
    let page = format!("/beheer/meldingen/{anonymous}");
    let fields = [("action", "dismiss"), ("resolution", "Geen overtreding gevonden.")];
    assert_eq!(moderator.submit(&page, &page, &fields).await.status(), 303);
    app.run_jobs().await;
    let mails = app.mails_in_folder();
    let mail = mails.iter().find(|m| m.contains("buur@example.nl")).expect("a mail to the visitor");
    assert!(mail.contains("Geen overtreding gevonden."), "{mail}");
    // Closed once: closing again is refused.
    assert_eq!(moderator.submit(&page, &page, &fields).await.status(), 400);

    // The resident's report is resolved: a notification, and the outcome on their page.
    let page = format!("/beheer/meldingen/{}", ids[1]);
    let fields = [("action", "resolve"), ("resolution", "")];
    assert_eq!(moderator.submit(&page, &page, &fields).await.status(), 400, "resolving needs an outcome");
    let fields = [("action", "resolve"), ("resolution", "Het bericht is verwijderd.")];
    assert_eq!(moderator.submit(&page, &page, &fields).await.status(), 303);
    assert_eq!(kinds_of(&app, "bert").await, vec!["report_resolved"]);
    let mine = bert.get_html("/melden/mijn").await.html();
    assert!(mine.contains("Het bericht is verwijderd."), "{mine}");
    assert!(!mine.contains("verbinder"), "the moderator's name is not shown");
    app.stop().await;
}

async fn queues_are_seen_and_handled_only_from_the_right_side(b: Backend) {
    let app = TestApp::spawn(b).await;
    let anna = app.api_user("anna").await; // administers tuin
    let carl = app.api_user("carl").await; // administers koor
    let erik = app.api_user("erik").await; // a member of tuin
    let dora = app.api_user("dora").await; // reports
    let staff = api_as(&app, "verbinder", Role::Moderator).await;
    group(&anna, "tuin").await;
    group(&carl, "koor").await;
    erik.post("/api/buurt/v1/groups/tuin/join", json!({})).await;
    let thread = erik.post("/api/buurt/v1/groups/tuin/threads", json!({"title": "Te koop", "text": "Goedkoop"})).await;
    let thread = thread["id"].as_str().unwrap().to_string();
    let by_anna = anna.post("/api/buurt/v1/groups/tuin/threads", json!({"title": "Regels", "text": "Lees ze"})).await;
    let by_anna = by_anna["id"].as_str().unwrap().to_string();
    let elsewhere = status(&erik, "Niet in een groep").await;

    let report =
        dora.post("/api/buurt/v1/reports", json!({"post_id": thread, "category": "spam", "comment": "Reclame"})).await;
    let id = report["id"].as_str().unwrap().to_string();
    assert_eq!(report["group"], "tuin");
    assert!(report["reporter"].is_null(), "the reporter's own answer does not name moderators' fields");
    let about_anna =
        dora.post("/api/buurt/v1/reports", json!({"post_id": by_anna, "category": "other", "comment": "Bazig"})).await;
    let about_anna = about_anna["id"].as_str().unwrap().to_string();
    dora.post("/api/buurt/v1/reports", json!({"post_id": elsewhere, "category": "spam"})).await;
    // A bad subject is refused and nothing stored.
    let response = dora
        .send(reqwest::Method::POST, "/api/buurt/v1/reports", Some(json!({"post_id": "424242", "category": "spam"})))
        .await;
    assert_eq!(response.status(), 422);
    assert_eq!(reports_count(&app).await, 3);
    assert!(kinds_of(&app, "anna").await.contains(&"group_report".to_string()), "the group's moderators are told");
    assert!(!kinds_of(&app, "carl").await.iter().any(|k| k.contains("report")), "another group's are not");

    // The group's administrator sees her group's reports, never the one about herself.
    let listed = anna.get("/api/buurt/v1/reports?group=tuin").await;
    let ids: Vec<&str> = listed.as_array().unwrap().iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(ids, vec![id.as_str()], "{listed}");
    assert_eq!(listed[0]["reporter"], app.handle("dora"));
    let get = |api: &Api, path: String| {
        let api = api.clone();
        async move { api.send(reqwest::Method::GET, &path, None).await.status() }
    };
    assert_eq!(get(&anna, format!("/api/buurt/v1/reports/{about_anna}")).await, 404);
    let anna_web = app.browser();
    anna_web.login("anna", PASSWORD).await;
    let queue = anna_web.get_html("/g/tuin/meldingen").await.html();
    assert!(queue.contains("Goedkoop") && !queue.contains("Lees ze"), "{queue}");
    assert!(!queue.contains("Niet in een groep"), "a group moderator sees only their group's reports");
    assert_eq!(anna_web.get(&format!("/g/tuin/meldingen/{about_anna}")).await.status(), 404);
    assert_eq!(anna_web.get("/beheer/meldingen").await.status(), 403, "no instance queue for a group moderator");
    // Staff see all three, with who reported.
    let all = staff.get("/api/buurt/v1/reports").await;
    assert_eq!(all.as_array().unwrap().len(), 3);

    // From the wrong side: a member, a moderator of another group, a plain resident.
    let erik_web = app.browser();
    erik_web.login("erik", PASSWORD).await;
    assert_eq!(erik_web.get("/g/tuin/meldingen").await.status(), 403);
    assert_eq!(erik_web.get(&format!("/g/tuin/meldingen/{id}")).await.status(), 404);
    assert_eq!(erik_web.get("/beheer/meldingen").await.status(), 403);
    let carl_web = app.browser();
    carl_web.login("carl", PASSWORD).await;
    assert_eq!(carl_web.get("/g/tuin/meldingen").await.status(), 403);
    assert_eq!(carl_web.get(&format!("/g/koor/meldingen/{id}")).await.status(), 404, "not through his own queue");
    for (api, who) in [(&carl, "carl"), (&erik, "erik"), (&dora, "dora")] {
        assert_eq!(get(api, format!("/api/buurt/v1/reports/{id}")).await, 404, "{who}");
        let response = api.send(reqwest::Method::GET, "/api/buurt/v1/reports?group=tuin", None).await;
        assert_eq!(response.status(), 403, "{who}");
        for (path, body) in [
            ("assign", json!({"assignee": "me"})),
            ("notes", json!({"content": "Ik kijk mee"})),
            ("resolve", json!({"resolution": "Klaar"})),
        ] {
            let response =
                api.send(reqwest::Method::POST, &format!("/api/buurt/v1/reports/{id}/{path}"), Some(body)).await;
            assert_eq!(response.status(), 404, "{who} {path}");
        }
    }
    let carl_id = app.account("carl").await.unwrap().actor.id.0.to_string();
    let response =
        carl_web.submit("/g/koor/meldingen", &format!("/g/tuin/meldingen/{id}"), &[("action", "assign_me")]).await;
    assert_eq!(response.status(), 404);

    // Anna handles it: assignment (not to carl, who does not moderate tuin), a note, resolved.
    let page = format!("/g/tuin/meldingen/{id}");
    assert_eq!(anna_web.submit(&page, &page, &[("action", "assign"), ("assignee", &carl_id)]).await.status(), 400);
    assert_eq!(anna_web.submit(&page, &page, &[("action", "assign_me")]).await.status(), 303);
    let note = "Erik eerder gewaarschuwd";
    assert_eq!(anna_web.submit(&page, &page, &[("action", "note"), ("note", note)]).await.status(), 303);
    let detail = staff.get(&format!("/api/buurt/v1/reports/{id}")).await;
    assert_eq!(detail["report"]["assigned_to"], app.handle("anna"));
    assert_eq!(detail["notes"][0]["content"], note);
    let fields = [("action", "resolve"), ("resolution", "Erik is gewaarschuwd.")];
    assert_eq!(anna_web.submit(&page, &page, &fields).await.status(), 303);
    assert!(kinds_of(&app, "dora").await.contains(&"report_resolved".to_string()));
    let dora_web = app.browser();
    dora_web.login("dora", PASSWORD).await;
    let mine = dora_web.get_html("/melden/mijn").await.html();
    assert!(mine.contains("Erik is gewaarschuwd."), "{mine}");
    assert!(!mine.contains(note), "notes are internal");
    // The reported person sees nothing of who reported them.
    let erik_sees = [erik_web.get_html("/meldingen").await.html(), erik_web.get_html("/melden/mijn").await.html()];
    assert!(erik_sees.iter().all(|h| !h.contains("dora")), "the reporter is not shown to the reported");
    app.stop().await;
}

async fn the_mastodon_api_reports_an_account_and_its_posts(b: Backend) {
    let app = TestApp::spawn(b).await;
    let anna = app.api_user("anna").await;
    let bert = app.api_user("bert").await;
    let staff = app.create_user("verbinder", Role::Admin).await;
    let one = status(&anna, "Eerste").await;
    let two = status(&anna, "Tweede").await;
    let anna_id = app.account("anna").await.unwrap().actor.id.0.to_string();
    let report: Value = bert
        .post(
            "/api/v1/reports",
            json!({"account_id": anna_id, "status_ids": [one, two], "comment": "Spam", "category": "spam", "forward": false}),
        )
        .await;
    assert_eq!(report["category"], "spam");
    assert_eq!(report["action_taken"], false);
    assert_eq!(report["target_account"]["id"], anna_id.as_str());
    assert_eq!(report["status_ids"], json!([one, two]));
    assert_eq!(report["comment"], "Spam");
    assert!(report["created_at"].as_str().is_some_and(|t| t.ends_with('Z')));
    let detail = {
        let api = api_as(&app, "hanna", Role::Moderator).await;
        api.get(&format!("/api/buurt/v1/reports/{}", report["id"].as_str().unwrap())).await
    };
    assert_eq!(detail["report"]["subject_kind"], "actor");
    assert_eq!(detail["post_ids"], json!([one, two]));
    assert!(kinds_of(&app, "verbinder").await.contains(&"report".to_string()), "{}", staff.actor.username);
    // Another's post, an unknown account or category: refused, nothing stored.
    let bert_post = status(&bert, "Van mij").await;
    for body in [
        json!({"account_id": anna_id, "status_ids": [bert_post]}),
        json!({"account_id": "999999"}),
        json!({"account_id": anna_id, "category": "boos"}),
        json!({"account_id": "abc"}),
    ] {
        let response = bert.send(reqwest::Method::POST, "/api/v1/reports", Some(body.clone())).await;
        assert_eq!(response.status(), 422, "{body}");
        assert!(response.json::<Value>().await.unwrap()["error"].is_string());
    }
    assert_eq!(reports_count(&app).await, 1);
    app.stop().await;
}

async fn flags_go_to_the_server_that_holds_the_content_and_come_in_to_the_queue(b: Backend) {
    let alpha = TestApp::spawn_federated(b).await;
    let beta = TestApp::spawn_federated(b).await;
    let anna = alpha.api_user("anna").await;
    let moderator_beta = api_as(&beta, "verbinder", Role::Moderator).await;
    let bert = beta.api_user("bert").await;
    // Anna follows bert, so alpha stores his posts.
    let bert_on_alpha =
        buurt::domain::resolve::account(&alpha.state, &beta.handle("bert"), true).await.unwrap().unwrap();
    let anna_account = alpha.account("anna").await.unwrap();
    buurt::domain::follows::follow(&alpha.state, &anna_account, &bert_on_alpha).await.unwrap();
    alpha.drain().await;
    eventually("bert's server accepts the follow", || async {
        let mut conn = beta.state.pool.get().await.unwrap();
        let bert = beta.account("bert").await.unwrap();
        buurt::db::models::actor_count::ActorCount::of(&mut conn, bert.actor.id).await.unwrap().followers == 1
    })
    .await;
    let post = status(&bert, "Koop mijn horloges").await;
    let post_ap = beta.url(&format!("/p/{post}"));
    beta.drain().await;
    let stored = || async {
        let mut conn = alpha.state.pool.get().await.unwrap();
        buurt::db::models::post::Post::by_ap_id(&mut conn, &post_ap).await.unwrap()
    };
    eventually("alpha stores bert's post", || async { stored().await.is_some() }).await;
    let on_alpha = stored().await.unwrap();

    // Anna reports it and forwards it: a Flag from alpha's instance actor, without her name.
    anna.post(
        "/api/buurt/v1/reports",
        json!({"post_id": on_alpha.id.0.to_string(), "category": "spam", "comment": "Reclame", "forward": true}),
    )
    .await;
    let flags = {
        use buurt::db::schema::outbox_activity as o;
        use diesel::{ExpressionMethods, QueryDsl};
        let mut conn = alpha.state.pool.get().await.unwrap();
        let rows: Vec<String> =
            buurt::dispatch!(&mut conn, c => o::table.filter(o::kind.eq("Flag")).select(o::payload).load(c).await)
                .unwrap();
        rows
    };
    assert_eq!(flags.len(), 1);
    let flag: Value = serde_json::from_str(&flags[0]).unwrap();
    assert_eq!(flag["actor"], alpha.state.instance_actor.ap_id.as_str());
    assert_eq!(flag["object"], json!([beta.url("/u/bert"), post_ap]));
    assert_eq!(flag["content"], "Reclame");
    assert!(!flags[0].contains("anna"), "the reporter is not named: {}", flags[0]);
    alpha.drain().await;
    let queue = || async { moderator_beta.get("/api/buurt/v1/reports").await };
    eventually("the Flag lands in beta's queue", || async { queue().await.as_array().is_some_and(|q| q.len() == 1) })
        .await;
    let landed = &queue().await[0];
    assert_eq!(landed["origin_instance"], alpha.settings().instance.domain.as_str());
    assert_eq!(landed["subject_kind"], "post");
    assert_eq!(landed["post_id"], post.as_str());
    assert_eq!(landed["comment"], "Reclame");

    // A Flag naming what is not on beta, or not there at all, is refused whole: nothing stored.
    let signer = signer(&alpha, "kees").await;
    let inbox = beta.url("/inbox");
    for objects in [json!([beta.url("/u/bert"), "https://elders.example/p/1"]), json!([beta.url("/p/999999")])] {
        let flag = json!({
            "@context": "https://www.w3.org/ns/activitystreams",
            "id": format!("{}/flags/{}", alpha.base, objects.to_string().len()),
            "type": "Flag",
            "actor": signer.actor,
            "content": "Kijk hier eens naar",
            "object": objects,
        });
        let response = post_signed(&inbox, flag.to_string().as_bytes(), &signer, SystemTime::now()).await;
        assert_eq!(response.status(), 400, "{objects}");
    }
    assert_eq!(reports_count(&beta).await, 1);
    // A Flag in Mastodon's shape (tests/fixtures/mastodon/flag.json) about bert lands too.
    let fixture =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/mastodon/flag.json")).unwrap();
    let mut flag: Value = serde_json::from_str(&fixture).unwrap();
    flag["id"] = json!(format!("{}/a1b2c3d4", alpha.base));
    flag["actor"] = json!(signer.actor);
    flag["object"] = json!([beta.url("/u/bert"), post_ap]);
    let response = post_signed(&inbox, flag.to_string().as_bytes(), &signer, SystemTime::now()).await;
    assert_eq!(response.status(), 202);
    let all = moderator_beta.get("/api/buurt/v1/reports").await;
    assert_eq!(all.as_array().unwrap().len(), 2);
    assert_eq!(all[0]["comment"], "Spam");
    assert_eq!(all[0]["reporter"], format!("kees@{}", alpha.settings().instance.domain));
    // Once beta's staff refuse reports from alpha, a Flag from there is taken in and dropped.
    let refuse = buurt::domain::federation::PolicyInput {
        domain: alpha.settings().instance.domain.clone(),
        severity: "none".into(),
        reject_reports: true,
        ..Default::default()
    };
    buurt::domain::federation::apply_policy(&beta.state, &refuse, "test").await.unwrap();
    flag["id"] = json!(format!("{}/e5f6a7b8", alpha.base));
    let response = post_signed(&inbox, flag.to_string().as_bytes(), &signer, SystemTime::now()).await;
    assert_eq!(response.status(), 202);
    assert_eq!(reports_count(&beta).await, 2, "a report from a server whose reports are refused is not stored");
    alpha.stop().await;
    beta.stop().await;
}
