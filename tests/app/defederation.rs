//! Instance-wide federation controls: blocking and limiting other servers, allow-list mode,
//! blocking a remote actor, block lists as CSV, and who may do any of it.

use std::time::SystemTime;

use buurt::db::models::local_user::Role;
use serde_json::json;

use crate::both;
use crate::inbox::post_signed;
use crate::util::*;

both!(
    a_blocked_instance_is_refused_cut_off_and_hidden,
    pending_deliveries_to_a_newly_blocked_instance_are_dropped,
    a_limited_instance_is_seen_only_by_its_followers,
    allow_list_mode_talks_only_to_allowed_servers,
    a_blocked_remote_actor_is_refused_and_hidden,
    federation_controls_are_for_staff_only,
    a_block_list_with_bad_lines_is_named_and_nothing_stored,
    a_block_list_exported_imports_to_the_same_policies,
    the_public_list_shows_limited_and_blocked_servers,
);

/// An API client for a new account with `role` whose token has the admin scopes.
async fn staff_api(app: &TestApp, name: &str, role: Role) -> Api {
    app.staff_api(name, role).await
}

/// Sets a policy through Buurt's API and returns the answer's status.
async fn set_policy(admin: &Api, domain: &str, body: serde_json::Value) -> u16 {
    let response =
        admin.send(reqwest::Method::PUT, &format!("/api/buurt/v1/federation/policies/{domain}"), Some(body)).await;
    response.status().as_u16()
}

fn domain(app: &TestApp) -> String {
    app.settings().instance.domain.clone()
}

/// A public `Create(Note)` by `s` on `from`, naming `mentioned` (actor URLs) as mentions.
fn create(from: &TestApp, s: &Signer, n: &str, mentioned: &[String]) -> String {
    let public = "https://www.w3.org/ns/activitystreams#Public";
    let tags: Vec<serde_json::Value> =
        mentioned.iter().map(|m| json!({"type": "Mention", "href": m, "name": "@someone"})).collect();
    json!({"@context": "https://www.w3.org/ns/activitystreams", "id": format!("{}/activities/create-{n}", from.base),
        "type": "Create", "actor": s.actor, "to": [public],
        "object": {"id": format!("{}/p/{n}", from.base), "type": "Note", "attributedTo": s.actor,
            "content": format!("<p>bericht {n}</p>"), "to": [public], "cc": mentioned, "tag": tags}})
    .to_string()
}

async fn stored_post(app: &TestApp, ap_id: &str) -> Option<buurt::db::models::post::Post> {
    let mut conn = app.state.pool.get().await.unwrap();
    buurt::db::models::post::Post::by_ap_id(&mut conn, ap_id).await.unwrap()
}

async fn pending(app: &TestApp) -> i64 {
    let mut conn = app.state.pool.get().await.unwrap();
    buurt::db::models::delivery::count_pending(&mut conn).await.unwrap()
}

/// The status (HTTP) of reading a post through the client API as `api`, or anonymously.
async fn status_of(app: &TestApp, api: Option<&Api>, id: i64) -> u16 {
    let path = format!("/api/v1/statuses/{id}");
    match api {
        Some(api) => api.send(reqwest::Method::GET, &path, None).await.status().as_u16(),
        None => reqwest::get(app.url(&path)).await.unwrap().status().as_u16(),
    }
}

async fn a_blocked_instance_is_refused_cut_off_and_hidden(b: Backend) {
    let alpha = TestApp::spawn_federated(b).await;
    let beta = TestApp::spawn_federated(b).await;
    let admin = staff_api(&alpha, "hoofd", Role::Admin).await;
    let anna = alpha.api_user("anna").await;
    let bert_api = beta.api_user("bert").await;
    let bert = signer_of(&beta, "bert").await;

    // Bert follows anna; anna's posts reach him.
    let found = bert_api.get(&format!("/api/v2/search?q=@{}&resolve=true&type=accounts", alpha.handle("anna"))).await;
    let anna_on_beta = found["accounts"][0]["id"].as_str().unwrap().to_string();
    bert_api.post(&format!("/api/v1/accounts/{anna_on_beta}/follow"), json!({})).await;
    eventually("the Accept reaches beta", || {
        let (bert_api, id) = (bert_api.clone(), anna_on_beta.clone());
        async move { bert_api.get(&format!("/api/v1/accounts/relationships?id[]={id}")).await[0]["following"] == true }
    })
    .await;
    // Bert's post mentioning anna is stored here and anyone sees it.
    let inbox = alpha.url("/inbox");
    let anna_url = alpha.url("/u/anna");
    assert_eq!(
        post_signed(
            &inbox,
            create(&beta, &bert, "1", std::slice::from_ref(&anna_url)).as_bytes(),
            &bert,
            SystemTime::now()
        )
        .await
        .status(),
        202
    );
    let kept = stored_post(&alpha, &format!("{}/p/1", beta.base)).await.expect("stored");
    assert_eq!(status_of(&alpha, None, kept.id.0).await, 200);

    // An admin blocks beta: at once, without a restart.
    assert_eq!(set_policy(&admin, &domain(&beta), json!({"severity": "suspend", "public_comment": "Spam"})).await, 200);

    // Its activities are refused before anything is fetched, and nothing is stored.
    let response = post_signed(
        &inbox,
        create(&beta, &bert, "2", std::slice::from_ref(&anna_url)).as_bytes(),
        &bert,
        SystemTime::now(),
    )
    .await;
    assert_eq!(response.status(), 403);
    assert!(response.text().await.unwrap().contains("federation policy"));
    assert!(stored_post(&alpha, &format!("{}/p/2", beta.base)).await.is_none());
    // Also at the personal inbox.
    let personal = alpha.url("/u/anna/inbox");
    let response =
        post_signed(&personal, create(&beta, &bert, "3", &[anna_url]).as_bytes(), &bert, SystemTime::now()).await;
    assert_eq!(response.status(), 403);

    // What it sent before is hidden from everyone, staff included.
    assert_eq!(status_of(&alpha, None, kept.id.0).await, 404);
    assert_eq!(status_of(&alpha, Some(&anna), kept.id.0).await, 404);
    assert_eq!(status_of(&alpha, Some(&admin), kept.id.0).await, 404);
    let public = alpha.browser().get("/api/v1/timelines/public").await.text().await.unwrap();
    assert!(!public.contains(&format!("{}/p/1", beta.base)), "{public}");

    // The follow is gone, and anna's new post goes nowhere: nothing is queued for beta.
    let followers: serde_json::Value = activity_json(alpha.url("/u/anna/followers")).await;
    assert_eq!(followers["totalItems"], 0);
    let later = anna.post("/api/v1/statuses", json!({"status": "Niet voor beta"})).await;
    alpha.drain().await;
    let home = bert_api.get("/api/v1/timelines/home").await;
    assert!(!home.as_array().unwrap().iter().any(|s| s["uri"] == later["uri"]), "{home}");

    // We never fetch from it: one of its people we did not know stays unknown.
    let dirk = signer(&beta, "dirk").await;
    let data = alpha.state.data().unwrap();
    assert!(buurt::domain::remote_actors::resolve(&dirk.actor, &data).await.is_err());
    let mut conn = alpha.state.pool.get().await.unwrap();
    assert!(buurt::db::models::actor::Actor::by_ap_id(&mut conn, &dirk.actor).await.unwrap().is_none());
    drop(conn);

    // Lifting the block lets its activities in again.
    let lifted = admin
        .send(reqwest::Method::DELETE, &format!("/api/buurt/v1/federation/policies/{}", domain(&beta)), None)
        .await;
    assert_eq!(lifted.status(), 204);
    let anna_url = alpha.url("/u/anna");
    let response =
        post_signed(&inbox, create(&beta, &bert, "4", &[anna_url]).as_bytes(), &bert, SystemTime::now()).await;
    assert_eq!(response.status(), 202);
    assert_eq!(status_of(&alpha, None, kept.id.0).await, 200);
}

async fn pending_deliveries_to_a_newly_blocked_instance_are_dropped(b: Backend) {
    let alpha = TestApp::spawn_federated(b).await;
    let beta = TestApp::spawn_federated(b).await;
    let admin = staff_api(&alpha, "hoofd", Role::Admin).await;
    let anna = alpha.api_user("anna").await;
    let bert_api = beta.api_user("bert").await;
    let found = bert_api.get(&format!("/api/v2/search?q=@{}&resolve=true&type=accounts", alpha.handle("anna"))).await;
    let anna_on_beta = found["accounts"][0]["id"].as_str().unwrap().to_string();
    bert_api.post(&format!("/api/v1/accounts/{anna_on_beta}/follow"), json!({})).await;
    eventually("the Accept reaches beta", || {
        let (bert_api, id) = (bert_api.clone(), anna_on_beta.clone());
        async move { bert_api.get(&format!("/api/v1/accounts/relationships?id[]={id}")).await[0]["following"] == true }
    })
    .await;
    let beta_domain = domain(&beta);
    // Beta goes down: anna's post waits in the queue.
    beta.stop().await;
    anna.post("/api/v1/statuses", json!({"status": "Voor bert, die er even niet is"})).await;
    eventually("a delivery to beta waits", || {
        let alpha = &alpha;
        async move { pending(alpha).await > 0 }
    })
    .await;
    assert_eq!(set_policy(&admin, &beta_domain, json!({"severity": "suspend"})).await, 200);
    assert_eq!(pending(&alpha).await, 0, "blocking drops what waited for the server");
}

async fn a_limited_instance_is_seen_only_by_its_followers(b: Backend) {
    let alpha = TestApp::spawn_federated(b).await;
    let beta = TestApp::spawn_federated(b).await;
    let admin = staff_api(&alpha, "hoofd", Role::Admin).await;
    let anna = alpha.api_user("anna").await;
    let carl = alpha.api_user("carl").await;
    let bert = signer(&beta, "bert").await;
    // Anna follows bert (the follow is recorded as beta accepts it).
    let found = anna.get(&format!("/api/v2/search?q=@{}&resolve=true&type=accounts", beta.handle("bert"))).await;
    let bert_here = found["accounts"][0]["id"].as_str().unwrap().to_string();
    anna.post(&format!("/api/v1/accounts/{bert_here}/follow"), json!({})).await;
    alpha.drain().await;
    eventually("the Accept reaches alpha", || {
        let (anna, id) = (anna.clone(), bert_here.clone());
        async move { anna.get(&format!("/api/v1/accounts/relationships?id[]={id}")).await[0]["following"] == true }
    })
    .await;
    assert_eq!(set_policy(&admin, &domain(&beta), json!({"severity": "silence"})).await, 200);

    // Bert mentions both: his post is stored, anna (a follower) sees it and is told, carl
    // (who does not follow him) neither sees it nor hears of it, nor does anyone anonymous.
    let inbox = alpha.url("/inbox");
    let mentioned = [alpha.url("/u/anna"), alpha.url("/u/carl")];
    let sent = post_signed(&inbox, create(&beta, &bert, "1", &mentioned).as_bytes(), &bert, SystemTime::now()).await;
    assert_eq!(sent.status(), 202);
    let kept = stored_post(&alpha, &format!("{}/p/1", beta.base)).await.expect("stored");
    assert_eq!(status_of(&alpha, Some(&anna), kept.id.0).await, 200);
    assert_eq!(status_of(&alpha, Some(&carl), kept.id.0).await, 404);
    assert_eq!(status_of(&alpha, None, kept.id.0).await, 404);
    let mentions = |api: Api| async move {
        let all = api.get("/api/v1/notifications").await;
        all.as_array().unwrap().iter().filter(|n| n["type"] == "mention").count()
    };
    assert_eq!(mentions(anna.clone()).await, 1);
    assert_eq!(mentions(carl.clone()).await, 0);
    let public = alpha.browser().get("/api/v1/timelines/public").await.text().await.unwrap();
    assert!(!public.contains(&format!("{}/p/1", beta.base)), "{public}");
    let home = anna.get("/api/v1/timelines/home").await;
    assert!(home.as_array().unwrap().iter().any(|s| s["uri"] == format!("{}/p/1", beta.base)), "{home}");

    // Lifted: everyone sees it again.
    assert_eq!(set_policy(&admin, &domain(&beta), json!({"severity": "none"})).await, 200);
    assert_eq!(status_of(&alpha, Some(&carl), kept.id.0).await, 200);
}

async fn allow_list_mode_talks_only_to_allowed_servers(b: Backend) {
    let alpha = TestApp::spawn_federated_with(b, |s| s.federation.allow_list_mode = true).await;
    let beta = TestApp::spawn_federated(b).await;
    let admin = staff_api(&alpha, "hoofd", Role::Admin).await;
    alpha.create_user("anna", Role::Member).await;
    let bert = signer(&beta, "bert").await;
    let inbox = alpha.url("/inbox");
    let anna_url = alpha.url("/u/anna");
    let sent = post_signed(
        &inbox,
        create(&beta, &bert, "1", std::slice::from_ref(&anna_url)).as_bytes(),
        &bert,
        SystemTime::now(),
    )
    .await;
    assert_eq!(sent.status(), 403, "a server not on the list is refused");
    assert!(stored_post(&alpha, &format!("{}/p/1", beta.base)).await.is_none());

    // Allowed from the API: taken at once.
    assert_eq!(set_policy(&admin, &domain(&beta), json!({"severity": "none", "allowed": true})).await, 200);
    let sent = post_signed(&inbox, create(&beta, &bert, "2", &[anna_url]).as_bytes(), &bert, SystemTime::now()).await;
    assert_eq!(sent.status(), 202);
    assert!(stored_post(&alpha, &format!("{}/p/2", beta.base)).await.is_some());
    let listed = admin.get("/api/buurt/v1/federation/policies").await;
    assert_eq!(listed[0]["domain"], domain(&beta));
    assert_eq!(listed[0]["allowed"], true);
}

async fn a_blocked_remote_actor_is_refused_and_hidden(b: Backend) {
    let alpha = TestApp::spawn_federated(b).await;
    let beta = TestApp::spawn_federated(b).await;
    let moderator = alpha.signed_in("wijkhulp", Role::Moderator).await;
    let anna = alpha.api_user("anna").await;
    let bert = signer(&beta, "bert").await;
    let dirk = signer(&beta, "dirk").await;
    let inbox = alpha.url("/inbox");
    let anna_url = alpha.url("/u/anna");
    assert_eq!(
        post_signed(
            &inbox,
            create(&beta, &bert, "1", std::slice::from_ref(&anna_url)).as_bytes(),
            &bert,
            SystemTime::now()
        )
        .await
        .status(),
        202
    );
    let kept = stored_post(&alpha, &format!("{}/p/1", beta.base)).await.expect("stored");

    // A site moderator blocks bert from the federation page.
    let handle = format!("@{}", beta.handle("bert"));
    let response = moderator
        .submit("/beheer/federatie", "/beheer/federatie/actoren", &[("handle", &handle), ("comment", "Lastig")])
        .await;
    assert_eq!(response.status(), 303);
    let page = moderator.get("/beheer/federatie").await.text().await.unwrap();
    assert!(page.contains(&bert.actor) && page.contains("Lastig"), "{page}");

    // Refused and hidden; dirk of the same server is not.
    let sent = post_signed(
        &inbox,
        create(&beta, &bert, "2", std::slice::from_ref(&anna_url)).as_bytes(),
        &bert,
        SystemTime::now(),
    )
    .await;
    assert_eq!(sent.status(), 403);
    assert_eq!(status_of(&alpha, Some(&anna), kept.id.0).await, 404);
    let sent = post_signed(&inbox, create(&beta, &dirk, "3", &[anna_url]).as_bytes(), &dirk, SystemTime::now()).await;
    assert_eq!(sent.status(), 202);

    // A local account cannot be blocked this way; an unknown actor is named as unknown.
    let response = moderator
        .submit("/beheer/federatie", "/beheer/federatie/actoren", &[("handle", &alpha.handle("anna")), ("comment", "")])
        .await;
    assert_eq!(response.status(), 422);
}

async fn federation_controls_are_for_staff_only(b: Backend) {
    let app = TestApp::spawn(b).await;
    let member = staff_api(&app, "bewoner", Role::Member).await;
    let moderator = staff_api(&app, "verbinder", Role::Moderator).await;
    // A moderator of a group is a resident to the site.
    let group_mod = app.signed_in("groepsmod", Role::Member).await;
    let group = buurt::domain::groups::create_group(&app.state.pool, app.settings(), "tuin", "Tuin").await.unwrap();
    {
        use buurt::db::models::membership::{Membership, MembershipInsert};
        let account = app.account("groepsmod").await.unwrap();
        let mut conn = app.state.pool.get().await.unwrap();
        let form = MembershipInsert {
            group_id: group.id,
            member_id: account.actor.id,
            role: "moderator",
            state: "accepted",
            ap_id: &format!("{}/lid/groepsmod", group.ap_id),
            invited_by: None,
            message: "",
            created_at: buurt::db::now(),
            updated_at: buurt::db::now(),
        };
        assert!(Membership::insert(&mut conn, &form).await.unwrap().moderates());
    }
    let resident = app.signed_in("resident", Role::Member).await;
    let anonymous = app.browser();

    for path in [
        "/beheer/federatie",
        "/beheer/federatie/importeren",
        "/beheer/federatie/export.csv",
        "/beheer/federatie/spam.example",
    ] {
        for (who, browser) in [("resident", &resident), ("group moderator", &group_mod)] {
            assert_eq!(browser.get(path).await.status(), 403, "{who} on {path}");
        }
        assert_ne!(anonymous.get(path).await.status(), 200, "anonymous on {path}");
    }
    // A resident cannot post the policy form (with a token from a page they may see).
    let token = resident.csrf("/instellingen").await;
    let posted = resident
        .client
        .post(app.url("/beheer/federatie/spam.example"))
        .form(&[("csrf", token.as_str()), ("severity", "suspend")])
        .send()
        .await
        .unwrap();
    assert_eq!(posted.status(), 403);

    // The API: residents are refused; moderators read but set no server policy.
    let body = json!({"severity": "suspend"});
    assert_eq!(set_policy(&member, "spam.example", body.clone()).await, 403);
    assert_eq!(member.send(reqwest::Method::GET, "/api/buurt/v1/federation/instances", None).await.status(), 403);
    assert_eq!(moderator.send(reqwest::Method::GET, "/api/buurt/v1/federation/instances", None).await.status(), 200);
    assert_eq!(set_policy(&moderator, "spam.example", body.clone()).await, 403);
    let unauthenticated =
        reqwest::Client::new().put(app.url("/api/buurt/v1/federation/policies/spam.example")).json(&body).send().await;
    assert_eq!(unauthenticated.unwrap().status(), 401);
    // Nothing of it was stored.
    assert!(!app.state.federation_policy.refuses_domain("spam.example"));
    let mut conn = app.state.pool.get().await.unwrap();
    assert!(buurt::db::models::instance::Instance::with_policy(&mut conn).await.unwrap().is_empty());
}

async fn a_block_list_with_bad_lines_is_named_and_nothing_stored(b: Backend) {
    let app = TestApp::spawn(b).await;
    let admin_page = app.signed_in("hoofd", Role::Admin).await;
    let csv = "#domain,#severity,#reject_media,#reject_reports,#public_comment,#obfuscate\n\
               spam.example,suspend,true,false,Spam,false\n\
               niet een domein,suspend,false,false,,false\n\
               loud.example,ban,false,false,,false\n\
               pics.example,noop,maybe,false,,false\n";
    // The page names each bad line.
    let token = admin_page.csrf("/beheer/federatie/importeren").await;
    let form = reqwest::multipart::Form::new().text("csrf", token).text("text", csv.to_string());
    let response =
        admin_page.client.post(app.url("/beheer/federatie/importeren")).multipart(form).send().await.unwrap();
    assert_eq!(response.status(), 422);
    let page = response.text().await.unwrap();
    for expected in ["Regel 3", "niet een domein", "Regel 4", "ban", "Regel 5", "maybe"] {
        assert!(page.contains(expected), "{expected} in {page}");
    }
    assert!(!page.contains("Regel 2:"), "the good line is not named as bad");
    // The API names them too, with codes.
    let admin = staff_api(&app, "hoofd2", Role::Admin).await;
    let response = admin
        .client
        .post(app.url("/api/buurt/v1/federation/policies/import"))
        .bearer_auth(&admin.token)
        .header("content-type", "text/csv")
        .body(csv)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 422);
    let report: serde_json::Value = response.json().await.unwrap();
    let bad: Vec<(u64, String)> = report["bad_lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| (l["line"].as_u64().unwrap(), l["code"].as_str().unwrap().to_string()))
        .collect();
    assert_eq!(
        bad,
        vec![
            (3, "federation-csv-domain".to_string()),
            (4, "federation-csv-severity".to_string()),
            (5, "federation-csv-boolean".to_string())
        ]
    );
    assert_eq!(report["applied"], false);
    // Nothing stored, nothing blocked.
    let mut conn = app.state.pool.get().await.unwrap();
    assert!(buurt::db::models::instance::Instance::with_policy(&mut conn).await.unwrap().is_empty());
    assert!(!app.state.federation_policy.refuses_domain("spam.example"));
}

async fn a_block_list_exported_imports_to_the_same_policies(b: Backend) {
    let app = TestApp::spawn(b).await;
    let admin = staff_api(&app, "hoofd", Role::Admin).await;
    let csv = "#domain,#severity,#reject_media,#reject_reports,#public_comment,#obfuscate\n\
               spam.example,suspend,true,true,\"Spam, veel\",false\n\
               loud.example,silence,false,false,Intimidatie,true\n\
               pics.example,noop,true,false,,false\n";
    let import = |dry: bool| {
        let admin = admin.clone();
        let url = app.url(&format!("/api/buurt/v1/federation/policies/import?dry_run={dry}"));
        async move {
            let response = admin
                .client
                .post(url)
                .bearer_auth(&admin.token)
                .header("content-type", "text/csv")
                .body(csv)
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), 200);
            response.json::<serde_json::Value>().await.unwrap()
        }
    };
    // A dry run reports and stores nothing.
    let report = import(true).await;
    assert_eq!(report["applied"], false);
    assert_eq!(report["entries"].as_array().unwrap().len(), 3);
    assert!(!app.state.federation_policy.refuses_domain("spam.example"));
    // Imported: in force at once (subdomains too).
    let report = import(false).await;
    assert_eq!(report["applied"], true);
    assert!(app.state.federation_policy.refuses_domain("spam.example"));
    assert!(app.state.federation_policy.refuses_domain("social.spam.example"));
    assert!(app.state.federation_policy.limits_domain("loud.example"));
    assert!(!app.state.federation_policy.refuses_domain("pics.example"));
    let image = url::Url::parse("https://pics.example/a.png").unwrap();
    assert!(app.state.federation_policy.rejects_media(&image));

    // The export is the same file, and importing it again changes nothing.
    let exported = admin.send(reqwest::Method::GET, "/api/buurt/v1/federation/policies/export", None).await;
    assert_eq!(exported.status(), 200);
    let exported = exported.text().await.unwrap();
    let sorted = |text: &str| {
        let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
        lines[1..].sort();
        lines
    };
    assert_eq!(sorted(&exported), sorted(csv));
    let again = admin
        .client
        .post(app.url("/api/buurt/v1/federation/policies/import"))
        .bearer_auth(&admin.token)
        .header("content-type", "text/csv")
        .body(exported.clone())
        .send()
        .await
        .unwrap()
        .json::<serde_json::Value>()
        .await
        .unwrap();
    assert!(again["entries"].as_array().unwrap().iter().all(|e| e["change"] == "same"), "{again}");
    // The page's export is the same.
    let page = app.signed_in("hoofd3", Role::Admin).await;
    let from_page = page.get("/beheer/federatie/export.csv").await;
    assert_eq!(from_page.headers()["content-type"], "text/csv; charset=utf-8");
    assert_eq!(from_page.text().await.unwrap(), exported);
}

async fn the_public_list_shows_limited_and_blocked_servers(b: Backend) {
    let app = TestApp::spawn(b).await;
    let admin = staff_api(&app, "hoofd", Role::Admin).await;
    let body = json!({"severity": "suspend", "public_comment": "Spam", "private_comment": "geheim-7Q3"});
    assert_eq!(set_policy(&admin, "spam.example", body).await, 200);
    let hidden = json!({"severity": "silence", "public_comment": "Intimidatie", "obfuscate": true});
    assert_eq!(set_policy(&admin, "nare.example", hidden).await, 200);
    assert_eq!(set_policy(&admin, "pics.example", json!({"severity": "none", "reject_media": true})).await, 200);
    // Bad input changes nothing.
    assert_eq!(set_policy(&admin, "niet%20goed", json!({"severity": "suspend"})).await, 422);
    assert_eq!(set_policy(&admin, "ok.example", json!({"severity": "ban"})).await, 422);
    assert_eq!(set_policy(&admin, &domain(&app), json!({"severity": "suspend"})).await, 422);

    let page = app.browser().get("/over/instanties").await;
    assert_eq!(page.status(), 200);
    let page = page.text().await.unwrap();
    assert!(page.contains("spam.example") && page.contains("Spam"), "{page}");
    assert!(page.contains("Intimidatie") && !page.contains("nare.example"), "obfuscated: {page}");
    assert!(!page.contains("pics.example") && !page.contains("geheim-7Q3"), "{page}");
    let api: serde_json::Value =
        reqwest::get(app.url("/api/v1/instance/domain_blocks")).await.unwrap().json().await.unwrap();
    let list = api.as_array().unwrap();
    assert_eq!(list.len(), 2, "{api}");
    let spam = list.iter().find(|b| b["domain"] == "spam.example").expect("listed");
    assert_eq!(spam["severity"], "suspend");
    assert_eq!(spam["comment"], "Spam");
    assert_eq!(spam["digest"].as_str().unwrap().len(), 64);
    assert!(list.iter().any(|b| b["severity"] == "silence" && b["domain"] != "nare.example"));
}
