//! The client API as apps use it: OAuth with PKCE, entity shapes, paging, and a real client
//! library (Mastodon.py).

use buurt::db::models::actor::ActorId;
use buurt::db::models::actor_count::ActorCount;
use buurt::db::models::follow::Follow;
use buurt::db::models::local_user::Role;
use serde_json::{Value, json};

use crate::both;
use crate::util::*;

both!(
    oauth_code_flow_with_pkce_gives_a_working_token,
    entities_have_the_shapes_apps_need,
    timeline_statuses_carry_each_authors_counts_and_reply_links,
    stored_counts_follow_every_change_of_posts_and_follows,
    public_reads_are_cached_for_anonymous_readers_until_a_write,
    mastodon_py_works_against_the_api
);

/// The public cache (`server.public_cache_ms`) serves anonymous reads again, never answers a
/// reader with credentials, a cookie or a signature from it, and forgets everything when this
/// process takes a write.
async fn public_reads_are_cached_for_anonymous_readers_until_a_write(b: Backend) {
    use buurt::domain::posts::{NewPost, create_post};
    // A long lifetime, so only a write (not the clock) can make the cache forget.
    let app = TestApp::spawn_with(b, |s| s.server.public_cache_ms = 600_000).await;
    let anna = app.api_user("anna").await;
    let account = app.account("anna").await.unwrap();
    let texts = |timeline: &Value| -> Vec<String> {
        timeline.as_array().unwrap().iter().map(|s| s["content"].as_str().unwrap().to_string()).collect()
    };
    let anonymous = |path: &str, header: Option<(&'static str, &'static str)>| {
        let mut request = reqwest::Client::new().get(app.url(path));
        if let Some((name, value)) = header {
            request = request.header(name, value);
        }
        async move {
            let response = request.send().await.unwrap();
            assert_eq!(response.status(), 200);
            response.json::<Value>().await.unwrap()
        }
    };
    anna.post("/api/v1/statuses", json!({"status": "een"})).await;
    let public = "/api/v1/timelines/public?local=true";
    assert_eq!(texts(&anonymous(public, None).await), vec!["<p>een</p>"]);
    let info = anonymous("/nodeinfo/2.1", None).await;
    assert_eq!(info["usage"]["localPosts"], 1);

    // A post written behind the HTTP server's back: anonymous readers still get the kept page…
    let new = NewPost { text: "twee".into(), visibility: "public".into(), ..Default::default() };
    create_post(&app.state, &account, &new).await.unwrap();
    assert_eq!(texts(&anonymous(public, None).await), vec!["<p>een</p>"], "served from the cache");
    assert_eq!(anonymous("/nodeinfo/2.1", None).await["usage"]["localPosts"], 1);
    // … while a reader with a token, a cookie or a signature header gets the database's view.
    assert_eq!(texts(&anna.get(public).await), vec!["<p>twee</p>", "<p>een</p>"]);
    for header in [("cookie", "x=1"), ("signature", "keyId=\"x\"")] {
        assert_eq!(texts(&anonymous(public, Some(header)).await).len(), 2, "{header:?} bypasses the cache");
    }
    // Other representations are kept apart: the same path asked with another Accept.
    let accept = anonymous(public, Some(("accept", "application/json"))).await;
    assert_eq!(texts(&accept).len(), 2);

    // Any write through the server (here a favourite) empties the cache.
    let first = anna.get(public).await[1]["id"].as_str().unwrap().to_string();
    anna.post(&format!("/api/v1/statuses/{first}/favourite"), json!({})).await;
    let timeline = anonymous(public, None).await;
    assert_eq!(texts(&timeline), vec!["<p>twee</p>", "<p>een</p>"]);
    assert_eq!(timeline[1]["favourites_count"], 1);
    assert_eq!(anonymous("/nodeinfo/2.1", None).await["usage"]["localPosts"], 2);
}

/// A timeline page builds its accounts' counts and reply links in batches; each status still
/// gets its own author's numbers and its own parent.
async fn timeline_statuses_carry_each_authors_counts_and_reply_links(b: Backend) {
    let app = TestApp::spawn(b).await;
    let anna = app.api_user("anna").await;
    let bert = app.api_user("bert").await;
    let cas = app.api_user("cas").await;
    let anna_id = anna.get("/api/v1/accounts/verify_credentials").await["id"].as_str().unwrap().to_string();
    let bert_id = bert.get("/api/v1/accounts/verify_credentials").await["id"].as_str().unwrap().to_string();
    // bert and cas follow anna; anna follows nobody; anna writes 3 posts, bert 1 reply.
    bert.post(&format!("/api/v1/accounts/{anna_id}/follow"), json!({})).await;
    cas.post(&format!("/api/v1/accounts/{anna_id}/follow"), json!({})).await;
    cas.post(&format!("/api/v1/accounts/{bert_id}/follow"), json!({})).await;
    let mut first = Value::Null;
    for i in 0..3 {
        let status = anna.post("/api/v1/statuses", json!({"status": format!("Bericht {i}")})).await;
        if i == 0 {
            first = status;
        }
    }
    let reply = bert
        .post("/api/v1/statuses", json!({"status": "Ik help mee", "in_reply_to_id": first["id"].as_str().unwrap()}))
        .await;
    assert_eq!(reply["in_reply_to_id"], first["id"]);

    let timeline = cas.get("/api/v1/timelines/public?local=true").await;
    let statuses = timeline.as_array().unwrap();
    assert_eq!(statuses.len(), 4);
    for status in statuses {
        let account = &status["account"];
        let (followers, following, posts) = if account["id"] == anna_id.as_str() { (2, 0, 3) } else { (1, 1, 1) };
        assert_eq!(account["followers_count"], followers, "{account}");
        assert_eq!(account["following_count"], following, "{account}");
        assert_eq!(account["statuses_count"], posts, "{account}");
        if status["id"] == reply["id"] {
            assert_eq!(status["in_reply_to_id"], first["id"]);
            assert_eq!(status["in_reply_to_account_id"], anna_id.as_str());
        } else {
            assert!(status["in_reply_to_id"].is_null(), "{status}");
        }
    }

    // Home timelines: the people one follows and oneself, nobody else.
    let home = |api: Api| async move {
        let statuses = api.get("/api/v1/timelines/home").await;
        let mut authors: Vec<String> = statuses
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["account"]["username"].as_str().unwrap().to_string())
            .collect();
        authors.sort();
        authors
    };
    assert_eq!(home(anna).await, ["anna", "anna", "anna"]);
    assert_eq!(home(bert).await, ["anna", "anna", "anna", "bert"]);
    assert_eq!(home(cas).await, ["anna", "anna", "anna", "bert"]);
}

/// (public and unlisted posts, accepted followers, accepted following) of an actor, counted
/// over the rows themselves.
async fn counted(app: &TestApp, who: ActorId) -> (i64, i64, i64) {
    use buurt::db::schema::{follow, post};
    use diesel::prelude::*;
    use diesel_async::RunQueryDsl;
    let mut conn = app.state.pool.get().await.unwrap();
    let conn = &mut conn;
    buurt::dispatch!(conn, c => {
        let posts: i64 = post::table
            .filter(post::author_id.eq(who))
            .filter(post::deleted.eq(false))
            .filter(post::visibility.eq_any(["public", "unlisted"]))
            .count()
            .get_result(c)
            .await
            .unwrap();
        let followers: i64 = follow::table
            .filter(follow::target_id.eq(who))
            .filter(follow::accepted.eq(true))
            .count()
            .get_result(c)
            .await
            .unwrap();
        let following: i64 = follow::table
            .filter(follow::follower_id.eq(who))
            .filter(follow::accepted.eq(true))
            .count()
            .get_result(c)
            .await
            .unwrap();
        (posts, followers, following)
    })
}

/// The same three as Buurt reads them (`actor_count`, kept by triggers), and through the API.
async fn stored(app: &TestApp, api: &Api, who: ActorId) -> (i64, i64, i64) {
    let mut conn = app.state.pool.get().await.unwrap();
    let one = ActorCount::of(&mut conn, who).await.unwrap();
    let stored = (one.posts, one.followers, one.following);
    let each = ActorCount::of_each(&mut conn, &[who]).await.unwrap().get(&who).copied().unwrap_or_default();
    assert_eq!(stored, (each.posts, each.followers, each.following));
    let account = api.get(&format!("/api/v1/accounts/{}", who.0)).await;
    let shown = (
        account["statuses_count"].as_i64().unwrap(),
        account["followers_count"].as_i64().unwrap(),
        account["following_count"].as_i64().unwrap(),
    );
    assert_eq!(stored, shown);
    stored
}

/// Posts and follows are counted once, in `actor_count`, by triggers: every way a counted row
/// appears, changes or goes keeps the counts equal to counting the rows.
async fn stored_counts_follow_every_change_of_posts_and_follows(b: Backend) {
    let app = TestApp::spawn(b).await;
    let anna = app.api_user("anna").await;
    let bert = app.api_user("bert").await;
    let cas = app.api_user("cas").await;
    let id = |name: &'static str| {
        let app = &app;
        async move { app.account(name).await.unwrap().actor.id }
    };
    let (anna_id, bert_id, cas_id) = (id("anna").await, id("bert").await, id("cas").await);
    let mut ids = Vec::new();
    for visibility in ["public", "public", "unlisted", "private", "direct"] {
        let status = anna.post("/api/v1/statuses", json!({"status": "Hallo buurt", "visibility": visibility})).await;
        ids.push(status["id"].as_str().unwrap().to_string());
    }
    let deleted = anna.send(reqwest::Method::DELETE, &format!("/api/v1/statuses/{}", ids[0]), None).await;
    assert!(deleted.status().is_success());
    bert.post(&format!("/api/v1/accounts/{}/follow", anna_id.0), json!({})).await;
    cas.post(&format!("/api/v1/accounts/{}/follow", anna_id.0), json!({})).await;
    cas.post(&format!("/api/v1/accounts/{}/follow", bert_id.0), json!({})).await;
    cas.post(&format!("/api/v1/accounts/{}/unfollow", anna_id.0), json!({})).await;
    bert.post("/api/v1/statuses", json!({"status": "Ik ook"})).await;
    {
        // A follow waiting for approval is not counted until it is accepted.
        let mut conn = app.state.pool.get().await.unwrap();
        let pending =
            Follow::upsert(&mut conn, "https://example.test/follows/1", bert_id, cas_id, false).await.unwrap();
        assert_eq!(ActorCount::of(&mut conn, cas_id).await.unwrap().followers, 0);
        Follow::set_accepted(&mut conn, pending.id).await.unwrap();
    }

    assert_eq!(stored(&app, &anna, anna_id).await, (2, 1, 0));
    assert_eq!(stored(&app, &anna, bert_id).await, (1, 1, 2));
    assert_eq!(stored(&app, &anna, cas_id).await, (0, 1, 1));
    for who in [anna_id, bert_id, cas_id] {
        assert_eq!(stored(&app, &anna, who).await, counted(&app, who).await);
    }
    let info: Value = reqwest::get(app.url("/nodeinfo/2.1")).await.unwrap().json().await.unwrap();
    assert_eq!(info["usage"]["localPosts"], 5);

    // Rows removed without Buurt's own paths: a post row, then a whole actor (its follows go
    // with it by the foreign keys' cascade).
    {
        use buurt::db::schema::{actor, post};
        use diesel::prelude::*;
        use diesel_async::RunQueryDsl;
        let mut conn = app.state.pool.get().await.unwrap();
        let conn = &mut conn;
        let post_id: i64 = ids[2].parse().unwrap();
        buurt::dispatch!(conn, c => {
            diesel::delete(post::table.filter(post::id.eq(post_id))).execute(c).await.unwrap();
            diesel::delete(actor::table.filter(actor::id.eq(cas_id))).execute(c).await.unwrap();
        });
        // Writes behind the server's back: its cache of public reads cannot know of them.
        app.state.public_cache.invalidate();
    }
    assert_eq!(stored(&app, &anna, anna_id).await, (1, 1, 0));
    assert_eq!(stored(&app, &anna, bert_id).await, (1, 0, 1));
    for who in [anna_id, bert_id] {
        assert_eq!(stored(&app, &anna, who).await, counted(&app, who).await);
    }
    assert_eq!(counted(&app, cas_id).await, (0, 0, 0));
    let info: Value = reqwest::get(app.url("/nodeinfo/2.1")).await.unwrap().json().await.unwrap();
    assert_eq!(info["usage"]["localPosts"], 4);
}

async fn register_app(app: &TestApp, redirect: &str) -> Value {
    let response = reqwest::Client::new()
        .post(app.url("/api/v1/apps"))
        .form(&[("client_name", "Testapp"), ("redirect_uris", redirect), ("scopes", "read write follow")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

async fn oauth_code_flow_with_pkce_gives_a_working_token(b: Backend) {
    let app = TestApp::spawn(b).await;
    let meta: Value =
        reqwest::get(app.url("/.well-known/oauth-authorization-server")).await.unwrap().json().await.unwrap();
    assert_eq!(meta["code_challenge_methods_supported"], json!(["S256"]));
    let client = register_app(&app, "nl.buurt.test://oauth").await;
    assert_eq!(client["redirect_uris"], json!(["nl.buurt.test://oauth"]));
    let client_id = client["client_id"].as_str().unwrap();

    let verifier = "a-long-random-verifier-of-at-least-43-characters-123456";
    let challenge = buurt::domain::oauth::pkce_s256(verifier);
    let authorize = format!(
        "/oauth/authorize?response_type=code&client_id={client_id}&redirect_uri=nl.buurt.test%3A%2F%2Foauth&scope=read+write&state=xyz&code_challenge={challenge}&code_challenge_method=S256"
    );
    // Not signed in: to the login page and back.
    let browser = app.browser();
    let response = browser.get(&authorize).await;
    assert_eq!(response.status(), 303);
    assert!(response.headers()["location"].to_str().unwrap().starts_with("/inloggen?next=%2Foauth%2Fauthorize"));

    let browser = app.signed_in("mira", Role::Member).await;
    let page = browser.get_html(&authorize).await;
    assert!(page.html().contains("Testapp"));
    let token = csrf_of(&page);
    let hidden: Vec<(String, String)> = {
        let sel = scraper::Selector::parse("form.form input[type=hidden]").unwrap();
        page.select(&sel)
            .map(|e| (e.value().attr("name").unwrap().to_string(), e.value().attr("value").unwrap().to_string()))
            .collect()
    };
    let mut form: Vec<(String, String)> = hidden.into_iter().filter(|(k, _)| k != "csrf").collect();
    form.push(("csrf".into(), token));
    form.push(("decision".into(), "approve".into()));
    let response = browser.client.post(app.url("/oauth/authorize")).form(&form).send().await.unwrap();
    assert_eq!(response.status(), 303);
    let location = response.headers()["location"].to_str().unwrap().to_string();
    assert!(location.starts_with("nl.buurt.test://oauth?code="), "{location}");
    assert!(location.ends_with("&state=xyz"));
    let code = location.split("code=").nth(1).unwrap().split('&').next().unwrap().to_string();

    // A wrong verifier fails, and then the code is used up.
    let exchange = |verifier: &'static str, code: String| {
        let url = app.url("/oauth/token");
        let client_id = client_id.to_string();
        async move {
            reqwest::Client::new()
                .post(url)
                .json(&json!({"grant_type": "authorization_code", "client_id": client_id, "code": code,
                              "redirect_uri": "nl.buurt.test://oauth", "code_verifier": verifier}))
                .send()
                .await
                .unwrap()
        }
    };
    let wrong = exchange("not-the-verifier-not-the-verifier-not-the-verifier", code.clone()).await;
    assert_eq!(wrong.status(), 400);
    assert_eq!(wrong.json::<Value>().await.unwrap()["error"], "invalid_grant");
    assert_eq!(exchange(verifier, code).await.status(), 400, "a code works once");

    // A fresh code with the right verifier gives a token that works.
    let page = browser.get_html(&authorize).await;
    let token = csrf_of(&page);
    let mut form: Vec<(String, String)> = vec![];
    let sel = scraper::Selector::parse("form.form input[type=hidden]").unwrap();
    for e in page.select(&sel) {
        form.push((e.value().attr("name").unwrap().into(), e.value().attr("value").unwrap().into()));
    }
    form.retain(|(k, _)| k != "csrf");
    form.push(("csrf".into(), token));
    form.push(("decision".into(), "approve".into()));
    let response = browser.client.post(app.url("/oauth/authorize")).form(&form).send().await.unwrap();
    let location = response.headers()["location"].to_str().unwrap().to_string();
    let code = location.split("code=").nth(1).unwrap().split('&').next().unwrap().to_string();
    let issued: Value = exchange(verifier, code).await.json().await.unwrap();
    assert_eq!(issued["token_type"], "Bearer");
    assert_eq!(issued["scope"], "read write");
    assert!(issued.get("expires_in").is_none());
    let api = Api {
        client: reqwest::Client::new(),
        base: app.base.clone(),
        token: issued["access_token"].as_str().unwrap().into(),
    };
    assert_eq!(api.get("/api/v1/accounts/verify_credentials").await["username"], "mira");

    // Revoked, it stops working.
    let revoke = reqwest::Client::new()
        .post(app.url("/oauth/revoke"))
        .form(&[
            ("client_id", client_id),
            ("client_secret", client["client_secret"].as_str().unwrap()),
            ("token", &api.token),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(revoke.status(), 200);
    assert_eq!(api.send(reqwest::Method::GET, "/api/v1/accounts/verify_credentials", None).await.status(), 401);

    // Bad requests: unknown app, unregistered redirect.
    assert_eq!(browser.get("/oauth/authorize?response_type=code&client_id=nope").await.status(), 400);
    let other_redirect =
        format!("/oauth/authorize?response_type=code&client_id={client_id}&redirect_uri=https://evil.example/");
    assert_eq!(browser.get(&other_redirect).await.status(), 400);
}

async fn entities_have_the_shapes_apps_need(b: Backend) {
    let app = TestApp::spawn(b).await;
    let api = app.api_user("nina").await;
    let me = api.get("/api/v1/accounts/verify_credentials").await;
    for field in [
        "id",
        "username",
        "acct",
        "display_name",
        "note",
        "url",
        "avatar",
        "avatar_static",
        "header",
        "header_static",
        "created_at",
    ] {
        assert!(me[field].is_string(), "{field}: {me}");
    }
    for field in ["emojis", "fields"] {
        assert!(me[field].is_array(), "{field}");
    }
    assert_eq!(me["group"], false);
    assert!(me["source"]["privacy"].is_string());
    let created = me["created_at"].as_str().unwrap();
    assert!(created.ends_with('Z') && created.len() == "2026-11-29T06:00:00.000Z".len(), "{created}");
    let avatar = reqwest::get(me["avatar"].as_str().unwrap()).await.unwrap();
    assert!(avatar.status().is_success(), "{} {}", me["avatar"], avatar.status());

    let mut ids = Vec::new();
    for i in 0..5 {
        let s = api.post("/api/v1/statuses", json!({"status": format!("bericht {i}")})).await;
        assert!(s["id"].is_string());
        for field in ["media_attachments", "mentions", "tags", "emojis"] {
            assert!(s[field].is_array(), "{field}");
        }
        assert_eq!(s["visibility"], "public");
        assert!(s["reblog"].is_null() && s["poll"].is_null() && s["card"].is_null());
        ids.push(s["id"].as_str().unwrap().to_string());
    }
    // Paging: limit, max_id, min_id and the Link header.
    let response = api.send(reqwest::Method::GET, "/api/v1/timelines/home?limit=2", None).await;
    let link = response.headers()["link"].to_str().unwrap().to_string();
    let page: Vec<Value> = response.json().await.unwrap();
    assert_eq!(
        page.iter().map(|s| s["id"].as_str().unwrap()).collect::<Vec<_>>(),
        vec![ids[4].as_str(), ids[3].as_str()]
    );
    assert!(link.contains(&format!("max_id={}>; rel=\"next\"", ids[3])), "{link}");
    let older = api.get(&format!("/api/v1/timelines/home?limit=2&max_id={}", ids[3])).await;
    assert_eq!(older[0]["id"], ids[2].as_str());
    let newer = api.get(&format!("/api/v1/timelines/home?limit=2&min_id={}", ids[0])).await;
    assert_eq!(
        newer.as_array().unwrap().iter().map(|s| s["id"].as_str().unwrap()).collect::<Vec<_>>(),
        vec![ids[2].as_str(), ids[1].as_str()]
    );
    let clamped = api.get("/api/v1/timelines/home?limit=1000").await;
    assert_eq!(clamped.as_array().unwrap().len(), 5, "a big limit is clamped, not refused");

    // Groups appear as accounts with group: true.
    let group = buurt::domain::groups::create_group(&app.state.pool, app.settings(), "tuin", "De Tuin").await.unwrap();
    let account = api.get("/api/v1/accounts/lookup?acct=tuin").await;
    assert_eq!(account["group"], true);
    assert_eq!(account["id"], group.id.0.to_string());

    // Instance documents.
    let v2: Value = reqwest::get(app.url("/api/v2/instance")).await.unwrap().json().await.unwrap();
    assert!(v2["version"].as_str().unwrap().starts_with("4.2.0 (compatible; Buurt"));
    assert_eq!(v2["domain"], app.settings().instance.domain);
    assert!(v2["configuration"]["statuses"]["max_characters"].is_number());
    let v1: Value = reqwest::get(app.url("/api/v1/instance")).await.unwrap().json().await.unwrap();
    assert_eq!(v1["stats"]["user_count"], 1);

    // Errors: no token, a bad token, an unknown id, an empty post.
    let anonymous = reqwest::get(app.url("/api/v1/timelines/home")).await.unwrap();
    assert_eq!(anonymous.status(), 401);
    assert!(anonymous.json::<Value>().await.unwrap()["error"].is_string());
    let bad = Api { token: "nope".into(), ..api.clone() };
    assert_eq!(bad.send(reqwest::Method::GET, "/api/v1/accounts/verify_credentials", None).await.status(), 401);
    assert_eq!(api.send(reqwest::Method::GET, "/api/v1/statuses/999999", None).await.status(), 404);
    assert_eq!(api.send(reqwest::Method::GET, "/api/v1/statuses/abc", None).await.status(), 404);
    assert_eq!(api.send(reqwest::Method::POST, "/api/v1/statuses", Some(json!({"status": "  "}))).await.status(), 422);
    let long = "x".repeat(5001);
    assert_eq!(api.send(reqwest::Method::POST, "/api/v1/statuses", Some(json!({"status": long}))).await.status(), 422);
    // Someone else's post cannot be deleted.
    let other = app.api_user("otto").await;
    assert_eq!(other.send(reqwest::Method::DELETE, &format!("/api/v1/statuses/{}", ids[0]), None).await.status(), 403);
}

/// A virtual environment with Mastodon.py, made once per build directory.
fn python_with_mastodon_py() -> std::path::PathBuf {
    python_venv("mastodon-py-venv", concat!(env!("CARGO_MANIFEST_DIR"), "/tests/python/requirements.txt"))
}

async fn mastodon_py_works_against_the_api(b: Backend) {
    use buurt::domain::notifications::{Notice, kinds, notify};
    let app = TestApp::spawn(b).await;
    let api = app.api_user("mira").await;
    // Notifications for the script to read: otto liked mira's post and followed her (made with
    // `notify`, the function those causes call).
    let (mira, otto) = (app.account("mira").await.unwrap(), app.create_user("otto", Role::Member).await);
    let new = buurt::domain::posts::NewPost {
        text: "Eerder bericht".into(),
        visibility: "public".into(),
        ..Default::default()
    };
    let earlier = buurt::domain::posts::create_post(&app.state, &mira, &new).await.unwrap();
    for (kind, post) in [(&kinds::FAVOURITE, Some(earlier.id)), (&kinds::FOLLOW, None)] {
        let mut conn = app.state.pool.get().await.unwrap();
        let notice = Notice { kind, recipient: mira.actor.id, from: Some(otto.actor.id), post, subject: None };
        notify(&mut conn, notice).await.unwrap();
    }
    {
        // Otto follows mira (without a notification of it, so the script's count stays).
        let mut conn = app.state.pool.get().await.unwrap();
        buurt::db::models::follow::Follow::upsert(
            &mut conn,
            "https://x.example/f/otto",
            otto.actor.id,
            mira.actor.id,
            true,
        )
        .await
        .unwrap();
    }
    let python = tokio::task::spawn_blocking(python_with_mastodon_py).await.unwrap();
    let (base, token) = (app.base.clone(), api.token.clone());
    let output = tokio::task::spawn_blocking(move || {
        std::process::Command::new(python)
            .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/python/mastodon_client.py"))
            .args([&base, &token])
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "Mastodon.py failed:\n{stdout}\n{}", String::from_utf8_lossy(&output.stderr));
    assert!(stdout.contains("all Mastodon.py checks passed"), "{stdout}");
}
