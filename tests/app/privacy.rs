//! Privacy: the statement from the configuration, retention periods applied by the housekeeping,
//! "download my data" checked field by field (and nothing of anyone else), and deleting one's
//! account with the posts removed or anonymised — seen afterwards by strangers, the API and
//! other servers; a wrong password and the last admin refused with nothing changed.

use std::io::Read;

use buurt::db::models::local_user::Role;
use reqwest::Method;
use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};

use crate::both;
use crate::util::*;

both!(
    the_statement_is_made_from_the_configuration,
    retention_removes_only_what_is_past_its_days,
    the_export_holds_everything_about_the_person_and_nothing_of_others,
    deleting_and_removing_content_tombstones_everything_and_tells_followers,
    deleting_and_anonymising_keeps_posts_without_the_name,
    a_wrong_password_or_no_choice_changes_nothing,
    the_last_admin_cannot_delete_their_account,
);

const EXPORT: &str = "/api/buurt/v1/me/export";

/// The files of a zip by name.
fn unzip(bytes: &[u8]) -> std::collections::BTreeMap<String, Vec<u8>> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip");
    let mut files = std::collections::BTreeMap::new();
    for i in 0..archive.len() {
        let mut file = archive.by_index(i).unwrap();
        let name = file.name().unwrap().to_string();
        let mut data = Vec::new();
        file.read_to_end(&mut data).unwrap();
        files.insert(name, data);
    }
    files
}

async fn anonymous_get(app: &TestApp, path: &str, accept: Option<&str>) -> reqwest::Response {
    let mut request = reqwest::Client::new().get(app.url(path));
    if let Some(accept) = accept {
        request = request.header("accept", accept);
    }
    request.send().await.unwrap()
}

async fn the_statement_is_made_from_the_configuration(b: Backend) {
    let app = TestApp::spawn_with(b, |s| {
        s.instance.contact_email = "info@buurt.example".into();
        s.privacy.controller = "Gemeente Voorbeeld".into();
        s.privacy.address = "Raadhuisplein 1, 1234 AB Voorbeeld".into();
        s.privacy.dpo = "Mr. De Vries, fg@voorbeeld.nl".into();
        s.privacy.received_activities_days = 3;
        s.privacy.outbox_activities_days = 45;
        s.privacy.read_notifications_days = 1;
    })
    .await;
    let response = anonymous_get(&app, "/privacy", None).await;
    assert_eq!(response.status(), 200);
    assert!(response.headers().get("set-cookie").is_none(), "no form, no token: the same page for every visitor");
    let html = response.text().await.unwrap();
    for expected in [
        "Privacyverklaring",
        "Gemeente Voorbeeld",
        "Raadhuisplein 1, 1234 AB Voorbeeld",
        "Mr. De Vries, fg@voorbeeld.nl",
        "mailto:info@buurt.example",
        "3 dagen",
        "45 dagen",
        "gelezen hebt: 1 dag.",
        "Autoriteit Persoonsgegevens",
        "href=\"/instellingen/gegevens\"",
        "href=\"/instellingen/account-verwijderen\"",
    ] {
        assert!(html.contains(expected), "{expected} missing from the statement");
    }
    assert!(!html.contains("name=\"csrf\""));
    let english = anonymous_get(&app, "/privacy", None).await;
    drop(english);
    let english = reqwest::Client::new()
        .get(app.url("/privacy"))
        .header("accept-language", "en")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(english.contains("Privacy statement") && english.contains("45 days"), "in English too");
    // Every page's footer links to it; a privacy address of its own wins over the instance's.
    let home = anonymous_get(&app, "/", None).await.text().await.unwrap();
    assert!(home.contains("<a href=\"/privacy\">Privacy</a>"));

    let plain = TestApp::spawn_with(b, |s| s.privacy.contact_email = "privacy@buurt.example".into()).await;
    let html = anonymous_get(&plain, "/privacy", None).await.text().await.unwrap();
    assert!(html.contains("mailto:privacy@buurt.example"));
    assert!(html.contains(&plain.settings().instance.name), "without a controller, the instance's name");

    // Retention of zero or less days is refused at start-up with the key named.
    for bad in ["received_activities_days = 0", "outbox_activities_days = -1", "read_notifications_days = 0"] {
        let err = buurt::config::Settings::from_toml(&format!("[privacy]\n{bad}")).unwrap_err().to_string();
        let key = bad.split(' ').next().unwrap();
        assert!(err.contains(&format!("privacy.{key}")) && err.contains("at least 1"), "{err}");
    }
}

async fn count_received(app: &TestApp) -> i64 {
    use buurt::db::schema::received_activity;
    use diesel::QueryDsl;
    use diesel_async::RunQueryDsl;
    let mut conn = app.state.pool.get().await.unwrap();
    buurt::dispatch!(&mut conn, c => received_activity::table.count().get_result::<i64>(c).await).unwrap()
}

async fn mention_texts(api: &Api) -> Vec<String> {
    let list = api.get("/api/v1/notifications").await;
    list.as_array().unwrap().iter().map(|n| n["status"]["content"].as_str().unwrap_or_default().to_string()).collect()
}

async fn retention_removes_only_what_is_past_its_days(b: Backend) {
    let app = TestApp::spawn_with(b, |s| {
        s.privacy.received_activities_days = 3;
        s.privacy.read_notifications_days = 5;
        s.privacy.outbox_activities_days = 10;
    })
    .await;
    let anna = app.api_user("anna").await;
    let bert = app.api_user("bert").await;
    let now = buurt::db::now();
    {
        let mut conn = app.state.pool.get().await.unwrap();
        buurt::db::models::received_activity::mark_received(&mut conn, "https://elders.test/a/1", now).await.unwrap();
    }
    anna.post("/api/v1/statuses", json!({"status": "Een bericht dat uitgaat"})).await;
    app.drain().await;
    assert_eq!(queued_by(&app, "anna", "Create").await.len(), 1);
    // One notification read, one not.
    bert.post("/api/v1/statuses", json!({"status": "@anna gelezen"})).await;
    let first = anna.get("/api/v1/notifications").await[0]["id"].as_str().unwrap().to_string();
    anna.post("/api/v1/markers", json!({"notifications": {"last_read_id": first}})).await;
    bert.post("/api/v1/statuses", json!({"status": "@anna ongelezen"})).await;
    assert_eq!(mention_texts(&anna).await.len(), 2);

    let prune = |days: i64| buurt::domain::privacy::prune(&app.state, now + chrono::TimeDelta::days(days));
    let pruned = prune(2).await.unwrap();
    assert_eq!(pruned, Default::default(), "nothing is old enough after 2 days");
    assert_eq!(count_received(&app).await, 1);

    let pruned = prune(4).await.unwrap();
    assert_eq!(pruned.received_activities, 1);
    assert_eq!((pruned.outbox_activities, pruned.read_notifications), (0, 0));
    assert_eq!(count_received(&app).await, 0);
    assert_eq!(mention_texts(&anna).await.len(), 2);

    let pruned = prune(6).await.unwrap();
    assert_eq!(pruned.read_notifications, 1, "the read one goes, the unread one stays");
    let left = mention_texts(&anna).await;
    assert_eq!(left.len(), 1);
    assert!(left[0].contains("ongelezen"), "{left:?}");
    assert_eq!(queued_by(&app, "anna", "Create").await.len(), 1, "sent activities are kept 10 days");

    let pruned = prune(11).await.unwrap();
    assert!(pruned.outbox_activities >= 1);
    assert!(queued_by(&app, "anna", "Create").await.is_empty());
    assert_eq!(mention_texts(&anna).await.len(), 1, "unread notifications stay whatever their age");
}

/// Uploads a photo for anna; returns the media's id.
async fn upload(app: &TestApp, api: &Api, description: &str) -> String {
    let part = Part::bytes(crate::media::jpeg_with_exif(64, 48, 1)).file_name("bank.jpg");
    let form = Form::new().part("file", part).text("description", description.to_string());
    let response =
        api.client.post(app.url("/api/buurt/v1/media")).bearer_auth(&api.token).multipart(form).send().await.unwrap();
    assert_eq!(response.status(), 200);
    response.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_string()
}

pub async fn export_of(api: &Api) -> (Value, std::collections::BTreeMap<String, Vec<u8>>) {
    let response = api.send(Method::GET, EXPORT, None).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/zip");
    let files = unzip(&response.bytes().await.unwrap());
    let data: Value = serde_json::from_slice(&files["data.json"]).unwrap();
    (data, files)
}

fn list_of<'a>(data: &'a Value, key: &str) -> &'a Vec<Value> {
    data[key].as_array().unwrap_or_else(|| panic!("{key} is a list"))
}

async fn the_export_holds_everything_about_the_person_and_nothing_of_others(b: Backend) {
    let app = TestApp::spawn(b).await;
    let anna = app.api_user("anna").await;
    let bert = app.api_user("bert").await;
    let carla = app.api_user("carla").await;
    let lookup = |api: &Api, acct: &str| {
        let (api, acct) = (api.clone(), acct.to_string());
        async move { api.get(&format!("/api/v1/accounts/lookup?acct={acct}")).await["id"].as_str().unwrap().to_string() }
    };
    let (bert_id, carla_id) = (lookup(&anna, "bert").await, lookup(&anna, "carla").await);
    let anna_id = lookup(&bert, "anna").await;

    let berts = bert
        .post("/api/v1/statuses", json!({"status": "Geheim van Bert, alleen voor volgers", "visibility": "private"}))
        .await;
    let berts_public = bert.post("/api/v1/statuses", json!({"status": "Bert zegt hallo"})).await;
    let photo = upload(&app, &anna, "Het bankje bij de vijver").await;
    let annas = anna
        .post(
            "/api/v1/statuses",
            json!({"status": "Wie ruimt er mee op?", "media_ids": [photo], "visibility": "unlisted"}),
        )
        .await;
    let reply = anna.post("/api/v1/statuses", json!({"status": "Ik ook!", "in_reply_to_id": berts_public["id"]})).await;
    anna.send(
        Method::PUT,
        &format!("/api/v1/statuses/{}", annas["id"].as_str().unwrap()),
        Some(json!({"status": "Wie ruimt er zaterdag mee op?"})),
    )
    .await;
    anna.post(&format!("/api/v1/statuses/{}/favourite", berts_public["id"].as_str().unwrap()), json!({})).await;
    anna.post(&format!("/api/v1/accounts/{bert_id}/follow"), json!({})).await;
    bert.post(&format!("/api/v1/accounts/{anna_id}/follow"), json!({})).await;
    // About anna, by someone else: not hers to see (filed before she blocks carla).
    carla
        .post(
            "/api/buurt/v1/reports",
            json!({"post_id": annas["id"], "category": "other", "comment": "Carla meldt Anna"}),
        )
        .await;
    anna.post(&format!("/api/v1/accounts/{carla_id}/block"), json!({})).await;
    bert.post(
        "/api/buurt/v1/groups",
        json!({"name": "tuin", "display_name": "De Tuin", "openness": "open", "content": "public"}),
    )
    .await;
    anna.post("/api/buurt/v1/groups/tuin/join", json!({})).await;
    let thread = anna
        .post("/api/buurt/v1/groups/tuin/threads", json!({"title": "Snoeien", "text": "**Zaterdag** snoeien"}))
        .await;
    anna.post(
        "/api/buurt/v1/reports",
        json!({"post_id": berts_public["id"], "category": "spam", "comment": "Annas melding"}),
    )
    .await;

    let (data, files) = export_of(&anna).await;
    let account = app.account("anna").await.unwrap();
    assert_eq!(data["account"]["username"], "anna");
    assert_eq!(data["account"]["email"], "anna@buurt.example");
    assert_eq!(data["account"]["role"], "member");
    assert_eq!(data["account"]["status"], "active");
    assert_eq!(
        data["account"]["created_at"],
        account.user.created_at.and_utc().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
    );
    assert_eq!(data["profile"]["id"], account.actor.ap_id);
    assert_eq!(data["profile"]["display_name"], account.actor.display_name);

    let posts = list_of(&data, "posts");
    assert_eq!(posts.len(), 3, "{posts:?}");
    let post = &posts[0];
    assert_eq!(post["id"], annas["uri"]);
    assert_eq!(post["visibility"], "unlisted");
    assert_eq!(post["source"], Value::Null, "the client API keeps no source");
    assert_eq!(posts[2]["url"], thread["url"], "{thread}");
    assert_eq!(posts[2]["title"], "Snoeien");
    assert_eq!(posts[2]["source"], "**Zaterdag** snoeien", "what she typed");
    assert!(posts[2]["content"].as_str().unwrap().contains("<strong>Zaterdag</strong>"));
    assert!(post["content"].as_str().unwrap().contains("zaterdag"));
    assert!(post["edited_at"].is_string());
    assert_eq!(posts[1]["id"], reply["uri"]);
    assert_eq!(posts[1]["in_reply_to"], berts_public["uri"]);
    let edits = list_of(&data, "post_edits");
    assert_eq!(edits.len(), 1);
    assert_eq!(edits[0]["post"], annas["uri"]);
    assert!(edits[0]["content"].as_str().unwrap().contains("Wie ruimt er mee op?"));

    assert_eq!(list_of(&data, "likes").iter().map(|l| &l["post"]).collect::<Vec<_>>(), [&berts_public["uri"]]);
    let bert_uri = bert.get(&format!("/api/v1/accounts/{bert_id}")).await["uri"].clone();
    let carla_uri = anna.get(&format!("/api/v1/accounts/{carla_id}")).await["uri"].clone();
    assert_eq!(list_of(&data, "following")[0]["actor"], bert_uri);
    assert_eq!(list_of(&data, "following")[0]["accepted"], true);
    assert_eq!(list_of(&data, "followers")[0]["actor"], bert_uri);
    let memberships = list_of(&data, "memberships");
    assert_eq!(memberships.len(), 1);
    assert!(memberships[0]["group"].as_str().unwrap().ends_with("/g/tuin"), "{memberships:?}");
    assert_eq!(memberships[0]["role"], "member");
    assert_eq!(list_of(&data, "blocks")[0]["actor"], carla_uri);
    let reports = list_of(&data, "reports");
    assert_eq!(reports.len(), 1, "only the report she filed");
    assert_eq!(reports[0]["comment"], "Annas melding");
    assert_eq!(reports[0]["category"], "spam");
    let media = list_of(&data, "media");
    assert_eq!(media.len(), 1);
    assert_eq!(media[0]["description"], "Het bankje bij de vijver");
    assert_eq!(media[0]["post"], annas["uri"]);
    let file = media[0]["file"].as_str().unwrap();
    assert!(file.starts_with("media/"));
    let image = files.get(file).expect("the photo is in the zip");
    assert_eq!(&image[..2], &[0xFF, 0xD8], "a JPEG");
    assert_eq!(files.len(), 2, "data.json and the photo: {:?}", files.keys().collect::<Vec<_>>());

    // Nothing of anyone else: not their address, their posts' text, or what they reported.
    let text = String::from_utf8(files["data.json"].clone()).unwrap();
    for foreign in
        ["bert@buurt.example", "carla@buurt.example", "Geheim van Bert", "Bert zegt hallo", "Carla meldt Anna"]
    {
        assert!(!text.contains(foreign), "{foreign} is not anna's");
    }
    assert_eq!(berts["visibility"], "private");

    // The web page's button gives the same zip; strangers get nothing.
    let web = app.browser();
    web.login("anna", PASSWORD).await;
    let settings = web.get_html("/instellingen").await.html();
    assert!(
        settings.contains("href=\"/instellingen/gegevens\"")
            && settings.contains("href=\"/instellingen/account-verwijderen\"")
    );
    let page = web.get_html("/instellingen/gegevens").await;
    assert!(page.html().contains("Download mijn gegevens"));
    let response = web.submit("/instellingen/gegevens", "/instellingen/gegevens", &[]).await;
    assert_eq!(response.status(), 200);
    assert!(response.headers()["content-disposition"].to_str().unwrap().contains("buurt-anna-"));
    let from_web = unzip(&response.bytes().await.unwrap());
    let web_data: Value = serde_json::from_slice(&from_web["data.json"]).unwrap();
    assert_eq!(web_data["posts"], data["posts"]);
    for key in ["username", "email", "created_at", "role"] {
        assert_eq!(web_data["account"][key], data["account"][key]);
    }
    assert!(data["account"]["last_login_at"].is_null(), "she had only used the API");
    assert!(web_data["account"]["last_login_at"].is_string(), "then she signed in on the web");

    let (berts_data, _) = export_of(&bert).await;
    assert_eq!(berts_data["account"]["username"], "bert");
    assert!(!serde_json::to_string(&berts_data).unwrap().contains("anna@buurt.example"));

    let stranger = reqwest::Client::new().get(app.url(EXPORT)).send().await.unwrap();
    assert!(matches!(stranger.status().as_u16(), 401 | 403), "{}", stranger.status());
    let visitor = app.browser();
    let response = visitor.get("/instellingen/gegevens").await;
    assert_ne!(response.status(), 200, "the page is for signed-in residents");
    let forged = visitor.client.post(app.url("/instellingen/gegevens")).form(&[("csrf", "x")]).send().await.unwrap();
    assert_ne!(forged.headers().get("content-type").map(|v| v.to_str().unwrap()), Some("application/zip"));
}

/// Two instances: anna lives on alpha, bert on beta follows her. Returns bert's API and anna's
/// id as beta knows her.
async fn followed_across(alpha: &TestApp, beta: &TestApp) -> (Api, String) {
    let bert = beta.api_user("bert").await;
    let found = bert.get(&format!("/api/v2/search?q=@{}&resolve=true", alpha.handle("anna"))).await;
    let id = found["accounts"][0]["id"].as_str().unwrap().to_string();
    bert.post(&format!("/api/v1/accounts/{id}/follow"), json!({})).await;
    alpha.drain().await;
    beta.drain().await;
    (bert, id)
}

/// The `Delete` of anna's actor queued on alpha, addressed to beta's bert.
async fn assert_delete_queued(alpha: &TestApp, beta: &TestApp) {
    let deletes = queued_by(alpha, "anna", "Delete").await;
    let anna_uri = alpha.url("/u/anna");
    let actor_delete = deletes.iter().find(|d| d["object"] == anna_uri).expect("a Delete of the actor is queued");
    assert_eq!(actor_delete["actor"], anna_uri);
    use buurt::db::schema::{actor, outbox_activity};
    use diesel::{ExpressionMethods, QueryDsl};
    use diesel_async::RunQueryDsl;
    let mut conn = alpha.state.pool.get().await.unwrap();
    let to_actors: Vec<String> = buurt::dispatch!(&mut conn, c => outbox_activity::table
        .filter(outbox_activity::kind.eq("Delete"))
        .filter(outbox_activity::ap_id.eq(actor_delete["id"].as_str().unwrap()))
        .select(outbox_activity::to_actors)
        .load(c)
        .await)
    .unwrap();
    let bert_id: i64 = buurt::dispatch!(&mut conn, c => actor::table
        .filter(actor::ap_id.eq(beta.url("/u/bert")))
        .select(actor::id)
        .first(c)
        .await)
    .unwrap();
    assert!(to_actors[0].contains(&bert_id.to_string()), "addressed to the follower: {to_actors:?}");
}

async fn deleting_and_removing_content_tombstones_everything_and_tells_followers(b: Backend) {
    let alpha = TestApp::spawn_federated(b).await;
    let beta = TestApp::spawn_federated(b).await;
    let anna = alpha.api_user("anna").await;
    let (bert, anna_at_beta) = followed_across(&alpha, &beta).await;
    let photo = upload(&alpha, &anna, "Een foto van de markt").await;
    let post = anna.post("/api/v1/statuses", json!({"status": "Markt op zaterdag", "media_ids": [photo]})).await;
    let post_id = post["id"].as_str().unwrap().to_string();
    let image_url = post["media_attachments"][0]["url"].as_str().unwrap().to_string();
    assert_eq!(reqwest::get(&image_url).await.unwrap().status(), 200);
    alpha.drain().await;

    let web = alpha.browser();
    web.login("anna", PASSWORD).await;
    let form = web.get_html("/instellingen/account-verwijderen").await.html();
    assert!(form.contains("value=\"remove\"") && form.contains("value=\"anonymise\""));
    let response = web
        .submit(
            "/instellingen/account-verwijderen",
            "/instellingen/account-verwijderen",
            &[("content", "remove"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(response.status(), 200);
    assert!(response.text().await.unwrap().contains("Je account is verwijderd"));
    assert_delete_queued(&alpha, &beta).await;

    // Strangers: the post and the profile are gone on pages, in the API and over ActivityPub.
    assert_eq!(anonymous_get(&alpha, &format!("/p/{post_id}"), None).await.status(), 404);
    assert_eq!(anonymous_get(&alpha, "/u/anna", None).await.status(), 404);
    assert_eq!(anonymous_get(&alpha, &format!("/api/v1/statuses/{post_id}"), None).await.status(), 404);
    let ap = "application/activity+json";
    assert_eq!(anonymous_get(&alpha, "/u/anna", Some(ap)).await.status(), 410);
    let tombstone = anonymous_get(&alpha, &format!("/p/{post_id}"), Some(ap)).await;
    assert_eq!(tombstone.status(), 410);
    assert!(!tombstone.text().await.unwrap().contains("Markt op zaterdag"));
    assert_eq!(reqwest::get(&image_url).await.unwrap().status(), 404, "the photo is deleted");
    // Signed out everywhere, the password no longer works, the address is free again.
    assert_ne!(web.get("/instellingen").await.status(), 200);
    assert_eq!(anna.send(Method::GET, "/api/v1/accounts/verify_credentials", None).await.status(), 401);
    assert_ne!(alpha.browser().login("anna", PASSWORD).await.status(), 303);
    let form = buurt::domain::accounts::Registration {
        username: "anna2".into(),
        email: "anna@buurt.example".into(),
        password: PASSWORD.into(),
        password_confirm: PASSWORD.into(),
        ..Default::default()
    };
    buurt::domain::accounts::create_by_admin(&alpha.state.pool, &alpha.state.settings, &form, Role::Member)
        .await
        .expect("the address is free");

    // Beta hears of it.
    alpha.drain().await;
    eventually("the deletion reaches beta", || {
        let (bert, id) = (bert.clone(), anna_at_beta.clone());
        async move { bert.send(Method::GET, &format!("/api/v1/accounts/{id}"), None).await.status() == 404 }
    })
    .await;
}

async fn deleting_and_anonymising_keeps_posts_without_the_name(b: Backend) {
    let alpha = TestApp::spawn_federated(b).await;
    let beta = TestApp::spawn_federated(b).await;
    let anna = alpha.api_user("anna").await;
    let carla = alpha.api_user("carla").await;
    {
        // A name of her own, to look for afterwards.
        let web = alpha.browser();
        web.login("anna", PASSWORD).await;
        let saved = web
            .submit(
                "/instellingen",
                "/instellingen",
                &[("display_name", "Anna Jansen"), ("language", ""), ("note", "Ik woon op de hoek")],
            )
            .await;
        assert_eq!(saved.status(), 303);
    }
    let (_bert, _) = followed_across(&alpha, &beta).await;
    let post = anna.post("/api/v1/statuses", json!({"status": "Buurtfeest op het plein"})).await;
    let post_id = post["id"].as_str().unwrap().to_string();
    carla.post("/api/v1/statuses", json!({"status": "Gezellig!", "in_reply_to_id": post_id})).await;
    alpha.drain().await;

    let response = anna
        .send(Method::DELETE, "/api/buurt/v1/me", Some(json!({"password": PASSWORD, "content": "anonymise"})))
        .await;
    assert_eq!(response.status(), 204);
    assert_delete_queued(&alpha, &beta).await;

    // The post stays readable, by a former resident: no name, handle or link to a profile.
    let page = anonymous_get(&alpha, &format!("/p/{post_id}"), None).await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("Buurtfeest op het plein"));
    assert!(html.contains("Voormalig buurtbewoner"));
    assert!(html.contains("Gezellig!"), "the thread goes on");
    for name in ["Anna Jansen", "@anna", "/u/anna", "Ik woon op de hoek"] {
        assert!(!html.contains(name), "{name} appears on the post's page");
    }
    let home = anonymous_get(&alpha, "/", None).await.text().await.unwrap();
    assert!(home.contains("Buurtfeest op het plein") && !home.contains("Anna Jansen") && !home.contains("/u/anna"));
    let status: Value = anonymous_get(&alpha, &format!("/api/v1/statuses/{post_id}"), None).await.json().await.unwrap();
    assert_eq!(status["content"].as_str().map(|c| c.contains("Buurtfeest")), Some(true));
    assert_eq!(status["account"]["display_name"], "Voormalig buurtbewoner");
    assert_eq!(status["account"]["username"], "");
    assert_eq!(status["account"]["acct"], "");
    assert_eq!(status["account"]["note"], "");
    assert!(!status.to_string().contains("Anna Jansen"));
    // Over ActivityPub the post is still there, attributed to the deleted actor, which is gone.
    let ap = "application/activity+json";
    let note: Value = anonymous_get(&alpha, &format!("/p/{post_id}"), Some(ap)).await.json().await.unwrap();
    assert_eq!(note["attributedTo"], alpha.url("/u/anna"));
    assert!(!note.to_string().contains("Anna Jansen"));
    assert_eq!(anonymous_get(&alpha, "/u/anna", Some(ap)).await.status(), 410);
    assert_eq!(anonymous_get(&alpha, "/u/anna", None).await.status(), 404);
    // Her token is gone.
    assert_eq!(anna.send(Method::GET, EXPORT, None).await.status(), 401);
}

async fn a_wrong_password_or_no_choice_changes_nothing(b: Backend) {
    let app = TestApp::spawn(b).await;
    let anna = app.api_user("anna").await;
    anna.post("/api/v1/statuses", json!({"status": "Nog steeds hier"})).await;
    let web = app.browser();
    web.login("anna", PASSWORD).await;
    let page = "/instellingen/account-verwijderen";
    let response = web.submit(page, page, &[("content", "remove"), ("password", "verkeerd")]).await;
    assert_eq!(response.status(), 422);
    let html = response.text().await.unwrap();
    assert!(html.contains("Dit wachtwoord klopt niet."), "{html}");
    assert!(html.contains("value=\"remove\" checked"), "the choice is kept");
    let response = web.submit(page, page, &[("password", PASSWORD)]).await;
    assert_eq!(response.status(), 422);
    assert!(response.text().await.unwrap().contains("Kies wat er met je berichten gebeurt."));
    let response =
        anna.send(Method::DELETE, "/api/buurt/v1/me", Some(json!({"password": "verkeerd", "content": "remove"}))).await;
    assert_eq!(response.status(), 422);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"], "validation_failed");
    assert!(body.to_string().contains("password"), "{body}");
    // Nothing changed.
    assert_eq!(web.get("/instellingen").await.status(), 200, "still signed in");
    assert_eq!(anna.get("/api/v1/accounts/verify_credentials").await["username"], "anna");
    assert_eq!(anonymous_get(&app, "/u/anna", None).await.status(), 200);
    assert!(anonymous_get(&app, "/u/anna", None).await.text().await.unwrap().contains("Nog steeds hier"));
    // A visitor is sent to sign in.
    assert_ne!(app.browser().get(page).await.status(), 200);
}

async fn the_last_admin_cannot_delete_their_account(b: Backend) {
    let app = TestApp::spawn(b).await;
    let admin = app.signed_in("hoofd", Role::Admin).await;
    let page = "/instellingen/account-verwijderen";
    let response = admin.submit(page, page, &[("content", "remove"), ("password", PASSWORD)]).await;
    assert_eq!(response.status(), 422);
    assert!(response.text().await.unwrap().contains("Je bent de laatste beheerder"));
    assert_eq!(admin.get("/instellingen").await.status(), 200, "nothing changed");
    // With a second admin it may go.
    app.create_user("tweede", Role::Admin).await;
    let response = admin.submit(page, page, &[("content", "anonymise"), ("password", PASSWORD)]).await;
    assert_eq!(response.status(), 200);
    assert_eq!(anonymous_get(&app, "/u/hoofd", Some("application/activity+json")).await.status(), 410);
}
