//! Profiles: a person's page lists the posts the visitor may see (never more) and their groups;
//! the bio is edited on the web and through `update_credentials` and reaches followers; the
//! client API lists followers and following, groups are accounts with `group: true`; counts are
//! written in their proper plural.

use buurt::db::models::local_user::Role;
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use serde_json::json;

use crate::both;
use crate::util::*;

both!(
    counts_use_the_plural_form_they_call_for,
    a_profile_lists_only_the_posts_the_visitor_may_see,
    a_profile_pages_its_posts_newest_first,
    a_profile_lists_the_groups_followed,
    the_bio_is_edited_on_the_web_and_refused_in_dutch_when_too_long,
    update_credentials_sets_the_note_and_refuses_a_long_one,
    a_bio_change_reaches_followers_as_an_update,
    followers_and_following_list_accepted_follows_with_paging,
    a_resident_follows_a_local_group_through_the_api,
);

async fn actor_id(app: &TestApp, name: &str) -> String {
    app.account(name).await.unwrap().actor.id.0.to_string()
}

/// The texts of the post cards on a page, in order.
fn cards(page: &scraper::Html) -> Vec<String> {
    let s = scraper::Selector::parse("ul.cards li.card > div").unwrap();
    page.select(&s).map(|e| e.text().collect::<String>().trim().to_string()).collect()
}

/// The links of the groups section of a profile page: (text, href).
fn groups(page: &scraper::Html) -> Vec<(String, String)> {
    let s = scraper::Selector::parse("ul.profile__groups a").unwrap();
    page.select(&s).map(|e| (e.text().collect::<String>(), e.value().attr("href").unwrap().to_string())).collect()
}

async fn counts_use_the_plural_form_they_call_for(b: Backend) {
    let app = TestApp::spawn(b).await;
    app.create_user("anna", Role::Member).await;
    let home = app.browser().get_html("/").await;
    assert!(home.html().contains("Er is 1 bewoner aangemeld."), "{}", home.html());
    assert!(!home.html().contains("Er zijn 1 bewoners"));
    let bert = app.api_user("bert").await;
    let home = app.browser().get_html("/").await;
    assert!(home.html().contains("Er zijn 2 bewoners aangemeld."));

    // Followers on a profile, in Dutch and in English.
    let anna_id = actor_id(&app, "anna").await;
    bert.post(&format!("/api/v1/accounts/{anna_id}/follow"), json!({})).await;
    let profile = app.browser().get_html("/u/anna").await;
    assert!(text_of(&profile, "p.muted").unwrap().ends_with("· 1 volger"), "{:?}", text_of(&profile, "p.muted"));
    let english = |path: &str| {
        let url = app.url(path);
        async move {
            let response = reqwest::Client::new().get(url).header("accept-language", "en").send().await.unwrap();
            html(response).await
        }
    };
    assert!(text_of(&english("/u/anna").await, "p.muted").unwrap().ends_with("· 1 follower"));
    app.api_user("carla").await.post(&format!("/api/v1/accounts/{anna_id}/follow"), json!({})).await;
    assert!(text_of(&app.browser().get_html("/u/anna").await, "p.muted").unwrap().ends_with("· 2 volgers"));
    assert!(text_of(&english("/u/anna").await, "p.muted").unwrap().ends_with("· 2 followers"));
    assert!(english("/").await.html().contains("3 residents have joined."));
}

async fn a_profile_lists_only_the_posts_the_visitor_may_see(b: Backend) {
    let app = TestApp::spawn(b).await;
    let anna = app.api_user("anna").await;
    let bert = app.api_user("bert").await;
    app.create_user("carla", Role::Member).await;
    for (text, visibility) in [
        ("Openbaar bericht", "public"),
        ("Stil bericht", "unlisted"),
        ("Voor volgers", "private"),
        ("Direct aan niemand", "direct"),
    ] {
        anna.post("/api/v1/statuses", json!({"status": text, "visibility": visibility})).await;
    }
    let anna_id = actor_id(&app, "anna").await;
    bert.post(&format!("/api/v1/accounts/{anna_id}/follow"), json!({})).await;
    let open = vec!["Stil bericht".to_string(), "Openbaar bericht".to_string()];
    let with_followers = vec!["Voor volgers".to_string(), "Stil bericht".into(), "Openbaar bericht".into()];

    // A stranger, signed out.
    let stranger = app.browser().get_html("/u/anna").await;
    assert_eq!(cards(&stranger), open);
    // A resident who does not follow anna.
    let carla = app.browser();
    assert_eq!(carla.login("carla", PASSWORD).await.status(), 303);
    assert_eq!(cards(&carla.get_html("/u/anna").await), open);
    // A follower.
    let bert_browser = app.browser();
    assert_eq!(bert_browser.login("bert", PASSWORD).await.status(), 303);
    assert_eq!(cards(&bert_browser.get_html("/u/anna").await), with_followers);
    // The author herself: her followers-only post too, a direct post never.
    let anna_browser = app.browser();
    assert_eq!(anna_browser.login("anna", PASSWORD).await.status(), 303);
    assert_eq!(cards(&anna_browser.get_html("/u/anna").await), with_followers);
    for page in [stranger.html(), carla.get_html("/u/anna").await.html(), bert_browser.get_html("/u/anna").await.html()]
    {
        assert!(!page.contains("Direct aan niemand"));
    }
    // A follow that is not accepted shows nothing more.
    {
        let carla_actor = app.account("carla").await.unwrap().actor.id;
        let anna_actor = app.account("anna").await.unwrap().actor.id;
        let mut conn = app.state.pool.get().await.unwrap();
        buurt::db::models::follow::Follow::upsert(&mut conn, "https://x.example/f/1", carla_actor, anna_actor, false)
            .await
            .unwrap();
    }
    assert_eq!(cards(&carla.get_html("/u/anna").await), open);
}

async fn a_profile_pages_its_posts_newest_first(b: Backend) {
    let app = TestApp::spawn(b).await;
    let anna = app.api_user("anna").await;
    for i in 1..=23 {
        anna.post("/api/v1/statuses", json!({"status": format!("Bericht {i}")})).await;
    }
    let first = app.browser().get_html("/u/anna").await;
    let expected: Vec<String> = (4..=23).rev().map(|i| format!("Bericht {i}")).collect();
    assert_eq!(cards(&first), expected);
    let older = scraper::Selector::parse("a[rel=next]").unwrap();
    let next = first.select(&older).next().expect("a link to older posts").value().attr("href").unwrap().to_string();
    assert!(next.starts_with("/u/anna?voor="), "{next}");
    let second = app.browser().get_html(&next).await;
    assert_eq!(cards(&second), vec!["Bericht 3", "Bericht 2", "Bericht 1"]);
    assert!(second.select(&older).next().is_none(), "no link past the last page");
    // Nonsense as a cursor is the first page, not an error.
    assert_eq!(cards(&app.browser().get_html("/u/anna?voor=abc").await), expected);
}

async fn a_profile_lists_the_groups_followed(b: Backend) {
    let app = TestApp::spawn(b).await;
    let browser = app.signed_in("anna", Role::Member).await;
    let page = browser.get_html("/u/anna").await;
    assert!(page.html().contains("Nog in geen enkele groep."));
    assert!(page.html().contains("Hier staan nog geen berichten."));
    buurt::domain::groups::create_group(&app.state.pool, app.settings(), "tuin", "De Buurttuin").await.unwrap();
    buurt::domain::groups::create_group(&app.state.pool, app.settings(), "schaak", "Schaakclub").await.unwrap();
    let followed = browser.submit("/g/tuin", "/g/tuin/volgen", &[("action", "follow")]).await;
    assert_eq!(followed.status(), 303);
    // Following a person is not being in a group.
    app.create_user("bert", Role::Member).await;
    assert_eq!(browser.submit("/u/bert", "/u/bert/volgen", &[("action", "follow")]).await.status(), 303);
    let page = app.browser().get_html("/u/anna").await;
    assert_eq!(groups(&page), vec![("De Buurttuin".to_string(), "/g/tuin".to_string())]);
    // A group's own page lists neither.
    let group = app.browser().get_html("/g/tuin").await;
    assert!(!group.html().contains("profile-groups-heading"));
}

async fn the_bio_is_edited_on_the_web_and_refused_in_dutch_when_too_long(b: Backend) {
    let app = TestApp::spawn(b).await;
    let browser = app.signed_in("anna", Role::Member).await;
    let bio = "Ik woon hier al tien jaar.\n\nVraag me naar <de> moestuin & de buurtbus.";
    let saved = browser
        .submit("/instellingen", "/instellingen", &[("display_name", "Anna"), ("language", ""), ("note", bio)])
        .await;
    assert_eq!(saved.status(), 303);
    let summary = app.account("anna").await.unwrap().actor.summary;
    assert_eq!(summary, "<p>Ik woon hier al tien jaar.</p><p>Vraag me naar &lt;de&gt; moestuin &amp; de buurtbus.</p>");
    let profile = app.browser().get_html("/u/anna").await;
    assert_eq!(
        text_of(&profile, ".p-note").as_deref(),
        Some("Ik woon hier al tien jaar. Vraag me naar <de> moestuin & de buurtbus.")
    );
    // Her own page leads to the form; others' pages do not.
    let own = browser.get_html("/u/anna").await;
    assert!(own.html().contains("<a href=\"/instellingen\">Je profiel bewerken</a>"));
    assert!(!profile.html().contains("Je profiel bewerken"));
    // The form shows the bio as it was typed.
    let form = browser.get_html("/instellingen").await;
    let textarea = scraper::Selector::parse("textarea[name=note]").unwrap();
    assert_eq!(form.select(&textarea).next().unwrap().text().collect::<String>(), bio);
    assert_eq!(text_of(&form, "label[for=note]").as_deref(), Some("Over mij (niet verplicht)"));

    // Too long: a clear error in Dutch, and nothing changes (not the name either).
    let long = "a".repeat(501);
    let refused = browser
        .submit("/instellingen", "/instellingen", &[("display_name", "Anna Nieuw"), ("language", ""), ("note", &long)])
        .await;
    assert_eq!(refused.status(), 422);
    let page = html(refused).await;
    assert_eq!(field_error(&page, "note").as_deref(), Some("Dit stuk over jezelf is te lang: hoogstens 500 tekens."));
    let actor = app.account("anna").await.unwrap().actor;
    assert_eq!(actor.summary, summary);
    assert_eq!(actor.display_name, "Anna");
    // Exactly the limit is fine; an empty bio clears it.
    let fits = "b".repeat(500);
    let ok = browser.submit("/instellingen", "/instellingen", &[("display_name", "Anna"), ("note", &fits)]).await;
    assert_eq!(ok.status(), 303);
    let ok = browser.submit("/instellingen", "/instellingen", &[("display_name", "Anna"), ("note", "")]).await;
    assert_eq!(ok.status(), 303);
    assert_eq!(app.account("anna").await.unwrap().actor.summary, "");
    assert!(
        app.browser().get_html("/u/anna").await.select(&scraper::Selector::parse(".p-note").unwrap()).next().is_none()
    );
}

async fn update_credentials_sets_the_note_and_refuses_a_long_one(b: Backend) {
    let app = TestApp::spawn(b).await;
    let anna = app.api_user("anna").await;
    let patch =
        |body: serde_json::Value| anna.send(reqwest::Method::PATCH, "/api/v1/accounts/update_credentials", Some(body));
    let response = patch(json!({"note": "Hallo buren!\nIk ben Anna."})).await;
    assert_eq!(response.status(), 200);
    let account: serde_json::Value = response.json().await.unwrap();
    assert_eq!(account["note"], "<p>Hallo buren!<br>Ik ben Anna.</p>");
    assert_eq!(account["source"]["note"], "Hallo buren!\nIk ben Anna.");
    assert_eq!(account["display_name"], "anna", "the name is left as it was");
    let me = anna.get("/api/v1/accounts/verify_credentials").await;
    assert_eq!(me["source"]["note"], "Hallo buren!\nIk ben Anna.");

    // As a form, the way many apps send it.
    let form = anna
        .client
        .patch(app.url("/api/v1/accounts/update_credentials"))
        .bearer_auth(&anna.token)
        .form(&[("note", "Tuinier"), ("display_name", "Anna T.")])
        .send()
        .await
        .unwrap();
    assert_eq!(form.status(), 200);
    let id = actor_id(&app, "anna").await;
    let public = anna.get(&format!("/api/v1/accounts/{id}")).await;
    assert_eq!(public["note"], "<p>Tuinier</p>");
    assert_eq!(public["display_name"], "Anna T.");

    // Too long: 422 with Mastodon's error, and nothing changed.
    let refused = patch(json!({"note": "x".repeat(501), "display_name": "Iemand anders"})).await;
    assert_eq!(refused.status(), 422);
    let error: serde_json::Value = refused.json().await.unwrap();
    assert!(error["error"].as_str().unwrap().contains("note"), "{error}");
    let after = anna.get(&format!("/api/v1/accounts/{id}")).await;
    assert_eq!(after["note"], "<p>Tuinier</p>");
    assert_eq!(after["display_name"], "Anna T.");
    // Without a token: refused.
    let anonymous = reqwest::Client::new()
        .patch(app.url("/api/v1/accounts/update_credentials"))
        .json(&json!({"note": "hack"}))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), 401);
}

async fn a_bio_change_reaches_followers_as_an_update(b: Backend) {
    let alpha = TestApp::spawn_federated(b).await;
    let beta = TestApp::spawn_federated(b).await;
    let anna = alpha.api_user("anna").await;
    let bert = beta.api_user("bert").await;
    let found = bert.get(&format!("/api/v2/search?q=@{}&resolve=true", alpha.handle("anna"))).await;
    let id = found["accounts"][0]["id"].as_str().unwrap().to_string();
    bert.post(&format!("/api/v1/accounts/{id}/follow"), json!({})).await;
    beta.drain().await;
    alpha.drain().await;

    // Bert, a remote account, is in anna's followers here.
    let anna_id = actor_id(&alpha, "anna").await;
    eventually("bert's follow arrives", || {
        let url = alpha.url(&format!("/api/v1/accounts/{anna_id}/followers"));
        async move {
            let list: serde_json::Value = reqwest::get(url).await.unwrap().json().await.unwrap();
            list.as_array().unwrap().len() == 1
        }
    })
    .await;
    let list: serde_json::Value =
        reqwest::get(alpha.url(&format!("/api/v1/accounts/{anna_id}/followers"))).await.unwrap().json().await.unwrap();
    assert_eq!(list[0]["acct"], format!("bert@{}", beta.settings().instance.domain));

    let response = anna
        .send(reqwest::Method::PATCH, "/api/v1/accounts/update_credentials", Some(json!({"note": "Nieuw in de buurt"})))
        .await;
    assert_eq!(response.status(), 200);
    // The Update of her actor is queued for her followers, carrying the new bio.
    let queued: Vec<(String, String, bool)> = {
        use buurt::db::schema::outbox_activity as o;
        let mut conn = alpha.state.pool.get().await.unwrap();
        buurt::dispatch!(&mut conn, c => o::table
            .filter(o::actor_id.eq(anna_id.parse::<i64>().unwrap()))
            .filter(o::kind.eq("Update"))
            .select((o::kind, o::payload, o::to_followers))
            .load(c)
            .await)
        .unwrap()
    };
    assert_eq!(queued.len(), 1, "one Update");
    let payload: serde_json::Value = serde_json::from_str(&queued[0].1).unwrap();
    assert!(queued[0].2, "to her followers");
    assert_eq!(payload["object"]["summary"], "<p>Nieuw in de buurt</p>");
    alpha.drain().await;
    eventually("the new bio reaches beta", || {
        let (bert, id) = (bert.clone(), id.clone());
        async move { bert.get(&format!("/api/v1/accounts/{id}")).await["note"] == "<p>Nieuw in de buurt</p>" }
    })
    .await;
}

async fn followers_and_following_list_accepted_follows_with_paging(b: Backend) {
    let app = TestApp::spawn(b).await;
    app.create_user("anna", Role::Member).await;
    let anna_id = actor_id(&app, "anna").await;
    let mut followers = Vec::new();
    for name in ["bert", "carla", "daan", "eva", "fien"] {
        let api = app.api_user(name).await;
        api.post(&format!("/api/v1/accounts/{anna_id}/follow"), json!({})).await;
        followers.push(name.to_string());
    }
    // A follow anna has not accepted is not listed.
    app.create_user("gijs", Role::Member).await;
    {
        let gijs = app.account("gijs").await.unwrap().actor.id;
        let anna = app.account("anna").await.unwrap().actor.id;
        let mut conn = app.state.pool.get().await.unwrap();
        buurt::db::models::follow::Follow::upsert(&mut conn, "https://x.example/f/2", gijs, anna, false).await.unwrap();
    }
    let client = reqwest::Client::new();
    let get = |path: String| {
        let (client, url) = (client.clone(), app.url(&path));
        async move {
            let response = client.get(url).send().await.unwrap();
            assert_eq!(response.status(), 200, "{path}");
            let link = response.headers().get("link").map(|l| l.to_str().unwrap().to_string());
            let list: serde_json::Value = response.json().await.unwrap();
            let names: Vec<String> =
                list.as_array().unwrap().iter().map(|a| a["username"].as_str().unwrap().to_string()).collect();
            (names, link)
        }
    };
    let newest_first: Vec<String> = followers.iter().rev().cloned().collect();
    let (all, _) = get(format!("/api/v1/accounts/{anna_id}/followers")).await;
    assert_eq!(all, newest_first);

    // Pages of two, by the Link header's next and prev.
    let (page1, link) = get(format!("/api/v1/accounts/{anna_id}/followers?limit=2")).await;
    assert_eq!(page1, vec!["fien", "eva"]);
    let link = link.expect("a Link header");
    let next = link.split(", ").find(|l| l.ends_with("rel=\"next\"")).unwrap();
    let next = next.trim_start_matches('<').split('>').next().unwrap().trim_start_matches(&app.base).to_string();
    assert!(next.contains("max_id="), "{next}");
    let (page2, _) = get(next.clone()).await;
    assert_eq!(page2, vec!["daan", "carla"]);
    let max_id = next.split("max_id=").nth(1).unwrap().to_string();
    let (page3, _) = get(format!("/api/v1/accounts/{anna_id}/followers?limit=2&max_id={max_id}")).await;
    assert_eq!(page3, vec!["daan", "carla"]);
    // since_id: newer than a follow, newest first; min_id: the ones right after it.
    let (newer, link) = get(format!("/api/v1/accounts/{anna_id}/followers?limit=2")).await;
    assert_eq!(newer.len(), 2);
    let prev = link.unwrap();
    let min_id = prev.split("min_id=").nth(1).unwrap().split('>').next().unwrap().to_string();
    let (none_newer, _) = get(format!("/api/v1/accounts/{anna_id}/followers?since_id={min_id}")).await;
    assert!(none_newer.is_empty());
    let (after_old, _) = get(format!("/api/v1/accounts/{anna_id}/followers?limit=1&min_id=0")).await;
    assert_eq!(after_old, vec!["bert"], "min_id pages from the oldest");
    let (clamped, _) = get(format!("/api/v1/accounts/{anna_id}/followers?limit=0")).await;
    assert_eq!(clamped.len(), 1, "limits are clamped, not refused");

    // Following: whom bert follows.
    let bert_id = actor_id(&app, "bert").await;
    let (following, _) = get(format!("/api/v1/accounts/{bert_id}/following")).await;
    assert_eq!(following, vec!["anna"]);
    let (none, link) = get(format!("/api/v1/accounts/{anna_id}/following")).await;
    assert!(none.is_empty() && link.is_none());
    // Unknown accounts are 404.
    for path in ["/api/v1/accounts/999999/followers", "/api/v1/accounts/abc/following"] {
        assert_eq!(client.get(app.url(path)).send().await.unwrap().status(), 404, "{path}");
    }
}

async fn a_resident_follows_a_local_group_through_the_api(b: Backend) {
    let app = TestApp::spawn(b).await;
    let anna = app.api_user("anna").await;
    let group =
        buurt::domain::groups::create_group(&app.state.pool, app.settings(), "tuin", "De Buurttuin").await.unwrap();
    let id = group.id.0.to_string();
    let account = anna.get(&format!("/api/v1/accounts/{id}")).await;
    assert_eq!(account["group"], true);
    assert_eq!(account["followers_count"], 0);
    let person = anna.get(&format!("/api/v1/accounts/{}", actor_id(&app, "anna").await)).await;
    assert_eq!(person["group"], false);

    let relationship = anna.post(&format!("/api/v1/accounts/{id}/follow"), json!({})).await;
    assert_eq!(relationship["following"], true);
    assert_eq!(relationship["requested"], false);
    assert_eq!(anna.get(&format!("/api/v1/accounts/relationships?id[]={id}")).await[0]["following"], true);
    assert_eq!(anna.get(&format!("/api/v1/accounts/{id}")).await["followers_count"], 1);
    let members = anna.get(&format!("/api/v1/accounts/{id}/followers")).await;
    assert_eq!(members[0]["username"], "anna");
    let following = anna.get(&format!("/api/v1/accounts/{}/following", actor_id(&app, "anna").await)).await;
    assert_eq!(following[0]["username"], "tuin");
    assert_eq!(following[0]["group"], true);
    // Her profile lists the group.
    let page = app.browser().get_html("/u/anna").await;
    assert_eq!(groups(&page), vec![("De Buurttuin".to_string(), "/g/tuin".to_string())]);
    // Unfollowing through the API takes her out again.
    anna.post(&format!("/api/v1/accounts/{id}/unfollow"), json!({})).await;
    assert_eq!(anna.get(&format!("/api/v1/accounts/{id}")).await["followers_count"], 0);
    assert!(groups(&app.browser().get_html("/u/anna").await).is_empty());
}
