//! Mastodon's notifications API (`/api/v1/notifications`, grouped `/api/v2/notifications`)
//! and markers, as apps use them. Notifications are made with `domain::notifications::notify`,
//! the function every cause calls.

use buurt::db::models::local_user::{Account, Role};
use buurt::db::models::post::PostId;
use buurt::domain::notifications::kinds::{self, Channel, Kind};
use buurt::domain::notifications::{Notice, notify};
use buurt::domain::posts::{NewPost, create_post};
use reqwest::Method;
use serde_json::{Value, json};

use crate::both;
use crate::util::*;

both!(
    notifications_are_listed_filtered_and_paged,
    notifications_of_others_and_about_unseen_posts_are_not_found,
    unread_count_follows_the_notifications_marker,
    grouped_notifications_count_each_group_once,
    notifications_and_markers_need_their_scopes,
);

/// A kind apps do not know (no Mastodon type): the Mastodon API never shows it.
static BUURT_ONLY: Kind = Kind {
    name: "test_buurt_only",
    mastodon: None,
    default: Channel::InApp,
    grouped: false,
    staff_only: false,
    channels: buurt::domain::notifications::kinds::ANY_CHANNEL,
};

/// A notification for `to`, caused by `from`; its id.
async fn notice(app: &TestApp, kind: &'static Kind, to: &Account, from: &Account, post: Option<PostId>) -> i64 {
    let mut conn = app.state.pool.get().await.unwrap();
    let notice = Notice { kind, recipient: to.actor.id, from: Some(from.actor.id), post, subject: None };
    notify(&mut conn, notice).await.unwrap().expect("the default channel writes it").id
}

async fn post(app: &TestApp, author: &Account, text: &str, visibility: &str) -> PostId {
    let new = NewPost { text: text.into(), visibility: visibility.into(), ..Default::default() };
    create_post(&app.state, author, &new).await.unwrap().id
}

fn ids(list: &Value) -> Vec<String> {
    list.as_array().unwrap().iter().map(|n| n["id"].as_str().unwrap().to_string()).collect()
}

async fn get_with_link(api: &Api, path: &str) -> (Value, String) {
    let response = api.send(Method::GET, path, None).await;
    assert_eq!(response.status(), 200, "GET {path}");
    let link = response.headers().get("link").map(|l| l.to_str().unwrap().to_string()).unwrap_or_default();
    (response.json().await.unwrap(), link)
}

/// The path and query of a `Link` header's `rel` URL.
fn link_to(link: &str, base: &str, rel: &str) -> String {
    let part = link.split(", ").find(|p| p.ends_with(&format!("rel=\"{rel}\""))).expect(rel);
    part.trim_start_matches('<').split('>').next().unwrap().trim_start_matches(base).to_string()
}

async fn notifications_are_listed_filtered_and_paged(b: Backend) {
    let app = TestApp::spawn(b).await;
    let api = app.api_user("mira").await;
    let mira = app.account("mira").await.unwrap();
    let anna = app.create_user("anna", Role::Member).await;
    let bert = app.create_user("bert", Role::Member).await;
    let mine = post(&app, &mira, "Wie helpt zaterdag in de moestuin?", "public").await;
    let mention = post(&app, &bert, "Mira, kom je ook?", "public").await;
    let reply = post(&app, &anna, "Ik help mee!", "public").await;
    let n = [
        notice(&app, &kinds::FAVOURITE, &mira, &anna, Some(mine)).await,
        notice(&app, &kinds::FOLLOW, &mira, &anna, None).await,
        notice(&app, &kinds::MENTION, &mira, &bert, Some(mention)).await,
        notice(&app, &BUURT_ONLY, &mira, &bert, None).await,
        notice(&app, &kinds::REBLOG, &mira, &bert, Some(mine)).await,
        notice(&app, &kinds::REPLY, &mira, &anna, Some(reply)).await,
    ];
    let id = |i: usize| n[i].to_string();

    // Newest first; the kind apps do not know is left out; a reply is a `mention`.
    let all = api.get("/api/v1/notifications").await;
    assert_eq!(ids(&all), vec![id(5), id(4), id(2), id(1), id(0)]);
    let types: Vec<&str> = all.as_array().unwrap().iter().map(|n| n["type"].as_str().unwrap()).collect();
    assert_eq!(types, vec!["mention", "reblog", "mention", "follow", "favourite"]);

    // The entity: string ids, Mastodon's time format, the account, the status where there is one.
    let favourite = &all[4];
    assert_eq!(favourite["account"]["id"], anna.actor.id.0.to_string());
    assert_eq!(favourite["account"]["username"], "anna");
    assert_eq!(favourite["status"]["id"], mine.0.to_string());
    assert_eq!(favourite["status"]["account"]["username"], "mira");
    let created = favourite["created_at"].as_str().unwrap();
    assert!(created.ends_with('Z') && created.len() == "2026-11-29T06:00:00.000Z".len(), "{created}");
    assert!(favourite["group_key"].is_string());
    let follow = &all[3];
    assert!(follow.get("status").is_none(), "a follow is about no status: {follow}");
    assert_eq!(all[0]["status"]["id"], reply.0.to_string());

    // Filters: types[], exclude_types[] (both at once: the intersection), account_id.
    let mentions = api.get("/api/v1/notifications?types[]=mention").await;
    assert_eq!(ids(&mentions), vec![id(5), id(2)]);
    let some = api.get("/api/v1/notifications?exclude_types[]=favourite&exclude_types[]=reblog").await;
    assert_eq!(ids(&some), vec![id(5), id(2), id(1)]);
    let both = api.get("/api/v1/notifications?types[]=mention&types[]=follow&exclude_types[]=follow").await;
    assert_eq!(ids(&both), vec![id(5), id(2)]);
    let from_anna = api.get(&format!("/api/v1/notifications?account_id={}", anna.actor.id.0)).await;
    assert_eq!(ids(&from_anna), vec![id(5), id(1), id(0)]);
    assert_eq!(ids(&api.get("/api/v1/notifications?account_id=nobody").await), Vec::<String>::new());
    assert_eq!(ids(&api.get("/api/v1/notifications?types[]=no_such_type").await), Vec::<String>::new());

    // Paging: limit, the Link header (keeping the filters), max_id, min_id, since_id.
    let (first, link) = get_with_link(&api, "/api/v1/notifications?limit=2").await;
    assert_eq!(ids(&first), vec![id(5), id(4)]);
    let next = link_to(&link, &app.base, "next");
    assert_eq!(next, format!("/api/v1/notifications?limit=2&max_id={}", id(4)));
    assert_eq!(link_to(&link, &app.base, "prev"), format!("/api/v1/notifications?limit=2&min_id={}", id(5)));
    let (second, link) = get_with_link(&api, &next).await;
    assert_eq!(ids(&second), vec![id(2), id(1)]);
    let (third, link) = get_with_link(&api, &link_to(&link, &app.base, "next")).await;
    assert_eq!(ids(&third), vec![id(0)]);
    let (end, link) = get_with_link(&api, &link_to(&link, &app.base, "next")).await;
    assert_eq!(ids(&end), Vec::<String>::new());
    assert!(link.is_empty(), "an empty last page has no next page: {link}");
    let after_first = api.get(&format!("/api/v1/notifications?limit=2&min_id={}", id(0))).await;
    assert_eq!(ids(&after_first), vec![id(2), id(1)], "min_id: the ones right after, newest first");
    let newest = api.get(&format!("/api/v1/notifications?limit=2&since_id={}", id(0))).await;
    assert_eq!(ids(&newest), vec![id(5), id(4)], "since_id: the newest ones");
    let between = api.get(&format!("/api/v1/notifications?max_id={}&since_id={}", id(5), id(1))).await;
    assert_eq!(ids(&between), vec![id(4), id(2)]);
    let (_, link) = get_with_link(&api, "/api/v1/notifications?types[]=mention&limit=500").await;
    assert!(link.contains("limit=80&types%5B%5D=mention&max_id="), "clamped, filters kept: {link}");
    let bad = api.send(Method::GET, "/api/v1/notifications?limit=veel", None).await;
    assert_eq!(bad.status(), 400);
    assert!(bad.json::<Value>().await.unwrap()["error"].as_str().unwrap().contains("limit"));

    // One by id; the kind apps do not know is not found there either.
    let one = api.get(&format!("/api/v1/notifications/{}", id(0))).await;
    assert_eq!(one, all[4]);
    for missing in [id(3), "999999".into(), "abc".into()] {
        let response = api.send(Method::GET, &format!("/api/v1/notifications/{missing}"), None).await;
        assert_eq!(response.status(), 404, "{missing}");
    }
}

async fn notifications_of_others_and_about_unseen_posts_are_not_found(b: Backend) {
    let app = TestApp::spawn(b).await;
    let mira_api = app.api_user("mira").await;
    let otto_api = app.api_user("otto").await;
    let mira = app.account("mira").await.unwrap();
    let otto = app.account("otto").await.unwrap();
    let bert = app.create_user("bert", Role::Member).await;
    let for_mira = notice(&app, &kinds::FOLLOW, &mira, &bert, None).await;
    let also_mira = notice(&app, &kinds::FOLLOW, &mira, &otto, None).await;
    let ottos = post(&app, &otto, "Otto's bericht", "public").await;
    notice(&app, &kinds::FAVOURITE, &otto, &bert, Some(ottos)).await;
    // About posts mira may not see: bert's followers-only post (she does not follow him) and a
    // post that was deleted after the notification.
    let hidden = post(&app, &bert, "Mira alleen voor volgers", "followers").await;
    {
        // notify itself writes nothing about a post she may not see.
        let mut conn = app.state.pool.get().await.unwrap();
        let about_hidden = Notice {
            kind: &kinds::MENTION,
            recipient: mira.actor.id,
            from: Some(bert.actor.id),
            post: Some(hidden),
            subject: None,
        };
        assert!(notify(&mut conn, about_hidden).await.unwrap().is_none());
    }
    let deleted = post(&app, &bert, "Mira zo weer weg", "public").await;
    let deleted_notice = notice(&app, &kinds::MENTION, &mira, &bert, Some(deleted)).await;
    assert_eq!(ids(&mira_api.get("/api/v1/notifications").await)[0], deleted_notice.to_string());
    buurt::domain::posts::delete(&app.state, &bert, deleted).await.unwrap();

    let listed = mira_api.get("/api/v1/notifications").await;
    assert_eq!(ids(&listed), vec![also_mira.to_string(), for_mira.to_string()]);
    assert!(!listed.to_string().contains("alleen voor volgers"), "never a post she may not see");
    for id in [deleted_notice] {
        assert_eq!(mira_api.send(Method::GET, &format!("/api/v1/notifications/{id}"), None).await.status(), 404);
    }
    let grouped = mira_api.get("/api/v2/notifications").await;
    assert_eq!(grouped["notification_groups"].as_array().unwrap().len(), 1, "{grouped}");
    assert!(!grouped.to_string().contains("alleen voor volgers"));

    // Otto cannot read, dismiss or clear mira's notifications.
    let path = format!("/api/v1/notifications/{for_mira}");
    assert_eq!(otto_api.send(Method::GET, &path, None).await.status(), 404);
    let response = otto_api.send(Method::POST, &format!("{path}/dismiss"), None).await;
    assert_eq!(response.status(), 404);
    let key = listed[0]["group_key"].as_str().unwrap();
    let response = otto_api.send(Method::POST, &format!("/api/v2/notifications/{key}/dismiss"), None).await;
    assert_eq!(response.status(), 404);
    assert_eq!(otto_api.send(Method::GET, &format!("/api/v2/notifications/{key}"), None).await.status(), 404);
    assert_eq!(otto_api.post("/api/v1/notifications/clear", json!({})).await, json!({}));
    assert_eq!(ids(&otto_api.get("/api/v1/notifications").await), Vec::<String>::new());
    assert_eq!(ids(&mira_api.get("/api/v1/notifications").await).len(), 2, "otto's clear left mira's alone");

    // Mira dismisses one, then clears the rest.
    assert_eq!(mira_api.post(&format!("{path}/dismiss"), json!({})).await, json!({}));
    assert_eq!(mira_api.send(Method::GET, &path, None).await.status(), 404);
    assert_eq!(mira_api.send(Method::POST, &format!("{path}/dismiss"), None).await.status(), 404, "already gone");
    assert_eq!(ids(&mira_api.get("/api/v1/notifications").await), vec![also_mira.to_string()]);
    mira_api.post("/api/v1/notifications/clear", json!({})).await;
    assert_eq!(ids(&mira_api.get("/api/v1/notifications").await), Vec::<String>::new());
}

async fn unread_count_follows_the_notifications_marker(b: Backend) {
    let app = TestApp::spawn(b).await;
    let api = app.api_user("mira").await;
    let mira = app.account("mira").await.unwrap();
    let anna = app.create_user("anna", Role::Member).await;
    let bert = app.create_user("bert", Role::Member).await;
    let mine = post(&app, &mira, "Rommelmarkt op het plein", "public").await;
    let n = [
        notice(&app, &kinds::FAVOURITE, &mira, &anna, Some(mine)).await,
        notice(&app, &kinds::FAVOURITE, &mira, &bert, Some(mine)).await,
        notice(&app, &kinds::FOLLOW, &mira, &anna, None).await,
    ];
    let count = |path: &'static str| {
        let api = api.clone();
        async move { api.get(path).await["count"].as_i64().unwrap() }
    };
    assert_eq!(count("/api/v1/notifications/unread_count").await, 3);
    assert_eq!(count("/api/v2/notifications/unread_count").await, 2, "the two likes are one group");
    assert_eq!(count("/api/v1/notifications/unread_count?limit=2").await, 2, "counted up to limit");
    assert_eq!(count("/api/v1/notifications/unread_count?types[]=follow").await, 1);
    assert_eq!(api.get("/api/v1/markers?timeline[]=notifications").await, json!({}), "no marker yet");

    // Set with a form, as Mastodon documents it: the first version.
    let response = api
        .client
        .post(app.url("/api/v1/markers"))
        .bearer_auth(&api.token)
        .form(&[("notifications[last_read_id]", n[1].to_string())])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let set: Value = response.json().await.unwrap();
    assert_eq!(set["notifications"]["last_read_id"], n[1].to_string());
    assert_eq!(set["notifications"]["version"], 1);
    assert!(set.get("home").is_none());
    assert_eq!(count("/api/v1/notifications/unread_count").await, 1);
    assert_eq!(count("/api/v2/notifications/unread_count").await, 1);

    // JSON, as Mastodon.py sends it (an id as a string or a number); each set is a new version.
    let set = api.post("/api/v1/markers", json!({"home": {"last_read_id": mine.0.to_string()}})).await;
    assert_eq!(set["home"]["version"], 1);
    let set = api.post("/api/v1/markers", json!({"notifications": {"last_read_id": n[2]}})).await;
    assert_eq!(set["notifications"]["version"], 2);
    assert_eq!(count("/api/v1/notifications/unread_count").await, 0);
    let both = api.get("/api/v1/markers?timeline[]=home&timeline[]=notifications&timeline[]=nonsense").await;
    assert_eq!(both["home"]["last_read_id"], mine.0.to_string());
    assert_eq!(both["notifications"]["last_read_id"], n[2].to_string());
    assert_eq!(both["notifications"]["version"], 2);
    let updated = both["notifications"]["updated_at"].as_str().unwrap();
    assert!(updated.ends_with('Z') && updated.len() == "2026-11-29T06:00:00.000Z".len(), "{updated}");
    assert_eq!(both.as_object().unwrap().len(), 2);

    // A new notification is unread again.
    notice(&app, &kinds::FOLLOW, &mira, &bert, None).await;
    assert_eq!(count("/api/v1/notifications/unread_count").await, 1);

    // An id that is no number is refused, with the field named, and nothing changes.
    let bad = api
        .send(
            Method::POST,
            "/api/v1/markers",
            Some(json!({"notifications": {"last_read_id": "gisteren"}, "home": {"last_read_id": "1"}})),
        )
        .await;
    assert_eq!(bad.status(), 422);
    let message = bad.json::<Value>().await.unwrap()["error"].as_str().unwrap().to_string();
    assert!(message.contains("notifications[last_read_id]"), "{message}");
    let after = api.get("/api/v1/markers?timeline[]=home&timeline[]=notifications").await;
    assert_eq!(after, both, "a refused request changes no marker");
}

async fn grouped_notifications_count_each_group_once(b: Backend) {
    let app = TestApp::spawn(b).await;
    let api = app.api_user("mira").await;
    let mira = app.account("mira").await.unwrap();
    let [anna, bert, cas] = [
        app.create_user("anna", Role::Member).await,
        app.create_user("bert", Role::Member).await,
        app.create_user("cas", Role::Member).await,
    ];
    let mine = post(&app, &mira, "Zwerfvuil opruimen, wie doet mee?", "public").await;
    let other = post(&app, &mira, "Dank aan iedereen!", "public").await;
    let mention = post(&app, &bert, "Mira, goed georganiseerd", "public").await;
    let f1 = notice(&app, &kinds::FAVOURITE, &mira, &anna, Some(mine)).await;
    let r1 = notice(&app, &kinds::REBLOG, &mira, &anna, Some(mine)).await;
    let f2 = notice(&app, &kinds::FAVOURITE, &mira, &bert, Some(mine)).await;
    let m = notice(&app, &kinds::MENTION, &mira, &bert, Some(mention)).await;
    let o = notice(&app, &kinds::FAVOURITE, &mira, &anna, Some(other)).await;
    let f3 = notice(&app, &kinds::FAVOURITE, &mira, &cas, Some(mine)).await;

    let page = api.get("/api/v2/notifications").await;
    let groups = page["notification_groups"].as_array().unwrap();
    let summary: Vec<(&str, i64, &str)> = groups
        .iter()
        .map(|g| {
            (
                g["type"].as_str().unwrap(),
                g["notifications_count"].as_i64().unwrap(),
                g["page_max_id"].as_str().unwrap(),
            )
        })
        .collect();
    let (f3s, os, ms, r1s) = (f3.to_string(), o.to_string(), m.to_string(), r1.to_string());
    assert_eq!(
        summary,
        vec![
            ("favourite", 3, f3s.as_str()),
            ("favourite", 1, os.as_str()),
            ("mention", 1, ms.as_str()),
            ("reblog", 1, r1s.as_str())
        ]
    );
    let likes = &groups[0];
    assert_eq!(likes["most_recent_notification_id"], f3.to_string());
    assert_eq!(likes["page_min_id"], f1.to_string());
    assert_eq!(likes["status_id"], mine.0.to_string());
    let newest_first: Vec<String> = [&cas, &bert, &anna].iter().map(|a| a.actor.id.0.to_string()).collect();
    assert_eq!(likes["sample_account_ids"], json!(newest_first));
    assert!(likes["latest_page_notification_at"].as_str().unwrap().ends_with('Z'));
    // Each account and status once, in full.
    let accounts: Vec<&str> = page["accounts"].as_array().unwrap().iter().map(|a| a["id"].as_str().unwrap()).collect();
    assert_eq!(accounts.len(), 3, "{accounts:?}");
    assert!(page["accounts"][0]["avatar"].is_string());
    let statuses: Vec<&str> = page["statuses"].as_array().unwrap().iter().map(|s| s["id"].as_str().unwrap()).collect();
    assert_eq!(statuses.len(), 3, "{statuses:?}");

    // Two groups a page: a page holds the ids from its last group's newest on, so the likes of
    // `mine` older than that come back on the next page with their own page bounds.
    let (first, link) = get_with_link(&api, "/api/v2/notifications?limit=2").await;
    let keys = |p: &Value| -> Vec<(String, String)> {
        p["notification_groups"]
            .as_array()
            .unwrap()
            .iter()
            .map(|g| (g["type"].as_str().unwrap().to_string(), g["page_min_id"].as_str().unwrap().to_string()))
            .collect()
    };
    assert_eq!(keys(&first), vec![("favourite".into(), f3.to_string()), ("favourite".into(), o.to_string())]);
    assert_eq!(first["notification_groups"][0]["notifications_count"], 3, "the count is the whole group's");
    let next = link_to(&link, &app.base, "next");
    assert_eq!(next, format!("/api/v2/notifications?limit=2&max_id={o}"));
    let (second, link) = get_with_link(&api, &next).await;
    assert_eq!(keys(&second), vec![("mention".into(), m.to_string()), ("favourite".into(), f2.to_string())]);
    let (third, _) = get_with_link(&api, &link_to(&link, &app.base, "next")).await;
    assert_eq!(keys(&third), vec![("reblog".into(), r1.to_string()), ("favourite".into(), f1.to_string())]);
    let (back, _) = get_with_link(&api, &format!("/api/v2/notifications?limit=2&min_id={f1}")).await;
    assert_eq!(keys(&back), vec![("favourite".into(), f2.to_string()), ("reblog".into(), r1.to_string())]);
    let only = api.get("/api/v2/notifications?types[]=mention").await;
    assert_eq!(only["notification_groups"].as_array().unwrap().len(), 1);
    assert_eq!(only["accounts"].as_array().unwrap().len(), 1);

    // One group by its key, then dismissed.
    let key = likes["group_key"].as_str().unwrap();
    let one = api.get(&format!("/api/v2/notifications/{key}")).await;
    assert_eq!(one["notification_groups"][0]["notifications_count"], 3);
    assert_eq!(one["statuses"][0]["id"], mine.0.to_string());
    assert_eq!(api.post(&format!("/api/v2/notifications/{key}/dismiss"), json!({})).await, json!({}));
    assert_eq!(api.send(Method::GET, &format!("/api/v2/notifications/{key}"), None).await.status(), 404);
    let left = api.get("/api/v1/notifications").await;
    assert_eq!(ids(&left), vec![o.to_string(), m.to_string(), r1.to_string()]);
}

async fn notifications_and_markers_need_their_scopes(b: Backend) {
    use buurt::db::models::oauth::OauthToken;
    let app = TestApp::spawn(b).await;
    let full = app.api_user("mira").await;
    let mira = app.account("mira").await.unwrap();
    let with_scopes = |scopes: &'static str| {
        let (app, full, mira) = (&app, full.clone(), mira.clone());
        async move {
            let token = format!("token-with-{}", scopes.replace([' ', ':'], "-"));
            let mut conn = app.state.pool.get().await.unwrap();
            let hash = buurt::domain::accounts::token_hash(&token);
            OauthToken::insert(&mut conn, &hash, None, Some(mira.user.id), "test", scopes, buurt::db::now())
                .await
                .unwrap();
            Api { token, ..full }
        }
    };
    let statuses_only = with_scopes("read:statuses write:statuses").await;
    let read_notifications = with_scopes("read:notifications").await;
    for path in ["/api/v1/notifications", "/api/v1/notifications/unread_count", "/api/v2/notifications"] {
        assert_eq!(statuses_only.send(Method::GET, path, None).await.status(), 403, "{path}");
        assert_eq!(read_notifications.send(Method::GET, path, None).await.status(), 200, "{path}");
        assert_eq!(reqwest::get(app.url(path)).await.unwrap().status(), 401, "{path} without a token");
    }
    let clear = read_notifications.send(Method::POST, "/api/v1/notifications/clear", None).await;
    assert_eq!(clear.status(), 403);
    assert_eq!(full.send(Method::POST, "/api/v1/notifications/clear", None).await.status(), 200);
    // Markers go with the statuses scopes, as Mastodon documents.
    let marker = json!({"home": {"last_read_id": "5"}});
    assert_eq!(read_notifications.send(Method::GET, "/api/v1/markers?timeline[]=home", None).await.status(), 403);
    assert_eq!(read_notifications.send(Method::POST, "/api/v1/markers", Some(marker.clone())).await.status(), 403);
    assert_eq!(statuses_only.post("/api/v1/markers", marker).await["home"]["version"], 1);
    assert_eq!(statuses_only.get("/api/v1/markers?timeline[]=home").await["home"]["last_read_id"], "5");
}
