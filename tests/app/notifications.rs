//! Notifications: each cause notifies exactly the right person (and nobody else), preferences
//! decide whether and how, the page groups and pages them, and mark-as-read lowers the count.

use std::time::SystemTime;

use buurt::db::models::local_user::Role;
use buurt::db::schema::{actor, notification};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use serde_json::json;

use crate::both;
use crate::inbox::post_signed;
use crate::util::*;

both!(
    replies_and_mentions_notify_the_right_person_once,
    follows_likes_and_boosts_notify_the_author_but_never_oneself,
    registrations_to_approve_notify_staff_only,
    preferences_turn_kinds_off_and_choose_channels,
    remote_like_follow_and_mention_notify,
    notify_many_writes_one_per_follower_with_preferences,
    the_page_groups_likes_and_mark_as_read_lowers_the_count,
    the_page_and_marking_are_only_ones_own,
    the_preferences_page_saves_and_refuses_bad_choices,
    preferences_api_reads_and_changes_all_or_nothing,
);

/// `(kind, who caused it, post id)` of each notification of `name`, oldest first.
pub async fn notifications_of(app: &TestApp, name: &str) -> Vec<(String, Option<String>, Option<i64>)> {
    let account = app.account(name).await.expect("account");
    let mut conn = app.state.pool.get().await.unwrap();
    let rows: Vec<(String, Option<String>, Option<i64>)> = buurt::dispatch!(&mut conn, c => notification::table
        .left_join(actor::table.on(notification::from_actor_id.eq(actor::id.nullable())))
        .filter(notification::recipient_id.eq(account.actor.id.0))
        .order(notification::id.asc())
        .select((notification::kind, actor::username.nullable(), notification::post_id))
        .load(c)
        .await)
    .unwrap();
    rows
}

fn kinds(rows: &[(String, Option<String>, Option<i64>)]) -> Vec<&str> {
    rows.iter().map(|r| r.0.as_str()).collect()
}

async fn status(api: &Api, body: serde_json::Value) -> i64 {
    api.post("/api/v1/statuses", body).await["id"].as_str().unwrap().parse().unwrap()
}

async fn actor_id(app: &TestApp, name: &str) -> String {
    app.account(name).await.unwrap().actor.id.0.to_string()
}

async fn replies_and_mentions_notify_the_right_person_once(b: Backend) {
    let app = TestApp::spawn(b).await;
    let anna = app.api_user("anna").await;
    let bert = app.api_user("bert").await;
    app.create_user("carla", Role::Member).await;
    app.create_user("dirk", Role::Member).await;

    let first = status(&anna, json!({"status": "Wie helpt zaterdag mee?"})).await;
    // A reply that also mentions anna and carla: anna hears of a reply only, carla of a mention.
    let reply = status(
        &bert,
        json!({"status": "@anna ik! En @carla ook, mail bert@carla.nl", "in_reply_to_id": first.to_string()}),
    )
    .await;
    assert_eq!(notifications_of(&app, "anna").await, vec![("reply".into(), Some("bert".into()), Some(reply))]);
    assert_eq!(notifications_of(&app, "carla").await, vec![("mention".into(), Some("bert".into()), Some(reply))]);
    assert!(notifications_of(&app, "bert").await.is_empty(), "the author is never notified");
    assert!(notifications_of(&app, "dirk").await.is_empty());

    // Replying to oneself and mentioning oneself notify nobody.
    status(&anna, json!({"status": "@anna nog een vraag", "in_reply_to_id": first.to_string()})).await;
    assert_eq!(notifications_of(&app, "anna").await.len(), 1);

    // A followers-only post mentioning someone who does not follow the author: they may not see
    // it, so they are not told of it. A direct post is seen by its author only.
    status(&bert, json!({"status": "@dirk geheim", "visibility": "private"})).await;
    status(&bert, json!({"status": "@dirk privé", "visibility": "direct"})).await;
    assert!(notifications_of(&app, "dirk").await.is_empty());
    // Once dirk follows bert, a followers-only mention reaches him.
    let dirk = app.browser();
    dirk.login("dirk", PASSWORD).await;
    let dirk_api = {
        let account = app.account("dirk").await.unwrap();
        let token = buurt::domain::oauth::admin_token(&app.state.pool, &account, "t").await.unwrap();
        Api { client: reqwest::Client::new(), base: app.base.clone(), token }
    };
    dirk_api.post(&format!("/api/v1/accounts/{}/follow", actor_id(&app, "bert").await), json!({})).await;
    let seen = status(&bert, json!({"status": "@dirk voor volgers", "visibility": "private"})).await;
    assert_eq!(notifications_of(&app, "dirk").await, vec![("mention".into(), Some("bert".into()), Some(seen))]);
    app.stop().await;
}

async fn follows_likes_and_boosts_notify_the_author_but_never_oneself(b: Backend) {
    let app = TestApp::spawn(b).await;
    let anna = app.api_user("anna").await;
    let bert = app.api_user("bert").await;
    let carla = app.api_user("carla").await;
    let post = status(&anna, json!({"status": "Fietsenrek bij de school"})).await;

    // The author's own like and boost notify nobody.
    anna.post(&format!("/api/v1/statuses/{post}/favourite"), json!({})).await;
    anna.post(&format!("/api/v1/statuses/{post}/reblog"), json!({})).await;
    assert!(notifications_of(&app, "anna").await.is_empty());

    bert.post(&format!("/api/v1/statuses/{post}/favourite"), json!({})).await;
    bert.post(&format!("/api/v1/statuses/{post}/favourite"), json!({})).await; // not new: once
    carla.post(&format!("/api/v1/statuses/{post}/favourite"), json!({})).await;
    bert.post(&format!("/api/v1/statuses/{post}/reblog"), json!({})).await;
    bert.post(&format!("/api/v1/accounts/{}/follow", actor_id(&app, "anna").await), json!({})).await;
    assert_eq!(
        notifications_of(&app, "anna").await,
        vec![
            ("favourite".into(), Some("bert".into()), Some(post)),
            ("favourite".into(), Some("carla".into()), Some(post)),
            ("reblog".into(), Some("bert".into()), Some(post)),
            ("follow".into(), Some("bert".into()), None),
        ]
    );
    assert!(notifications_of(&app, "bert").await.is_empty());
    assert!(notifications_of(&app, "carla").await.is_empty());

    // Taking back a like takes its notification away.
    carla.post(&format!("/api/v1/statuses/{post}/unfavourite"), json!({})).await;
    assert_eq!(kinds(&notifications_of(&app, "anna").await), vec!["favourite", "reblog", "follow"]);

    // Someone who approves followers by hand hears of a follow request.
    {
        let carla_actor = app.account("carla").await.unwrap().actor.id.0;
        let mut conn = app.state.pool.get().await.unwrap();
        buurt::dispatch!(&mut conn, c => diesel::update(actor::table.find(carla_actor))
            .set(actor::manually_approves_followers.eq(true))
            .execute(c)
            .await)
        .unwrap();
    }
    anna.post(&format!("/api/v1/accounts/{}/follow", actor_id(&app, "carla").await), json!({})).await;
    assert_eq!(notifications_of(&app, "carla").await, vec![("follow_request".into(), Some("anna".into()), None)]);
    app.stop().await;
}

async fn registrations_to_approve_notify_staff_only(b: Backend) {
    let app = TestApp::spawn_with(b, |s| s.instance.registration = buurt::config::RegistrationMode::Approval).await;
    app.create_user("wijkadmin", Role::Admin).await;
    app.create_user("verbinder", Role::Moderator).await;
    app.create_user("anna", Role::Member).await;
    let fields = with(registration("nieuw"), "reason", "Ik woon om de hoek");
    let response = app.browser().register(&as_refs(&fields)).await;
    assert!(response.status().is_redirection() || response.status().is_success(), "{}", response.status());
    for staff in ["wijkadmin", "verbinder"] {
        assert_eq!(notifications_of(&app, staff).await, vec![("sign_up".into(), Some("nieuw".into()), None)]);
    }
    assert!(notifications_of(&app, "anna").await.is_empty());
    assert!(notifications_of(&app, "nieuw").await.is_empty());
    app.stop().await;
}

async fn preferences_turn_kinds_off_and_choose_channels(b: Backend) {
    let app = TestApp::spawn(b).await;
    let anna = app.api_user("anna").await;
    let bert = app.api_user("bert").await;
    let anna_account = app.account("anna").await.unwrap();
    let change = |kind: &str, channel: Option<&str>| buurt::domain::notifications::prefs::PrefChange {
        kind: kind.into(),
        scope: String::new(),
        channel: channel.map(str::to_string),
    };
    buurt::domain::notifications::prefs::set(
        &app.state,
        &anna_account,
        &[change("favourite", Some("off")), change("follow", Some("daily"))],
    )
    .await
    .unwrap();
    let post = status(&anna, json!({"status": "Rommelmarkt"})).await;
    bert.post(&format!("/api/v1/statuses/{post}/favourite"), json!({})).await;
    bert.post(&format!("/api/v1/accounts/{}/follow", actor_id(&app, "anna").await), json!({})).await;
    let reply = status(&bert, json!({"status": "Leuk", "in_reply_to_id": post.to_string()})).await;
    assert_eq!(kinds(&notifications_of(&app, "anna").await), vec!["follow", "reply"]);
    let mut conn = app.state.pool.get().await.unwrap();
    let channels: Vec<String> = buurt::dispatch!(&mut conn, c => notification::table
        .filter(notification::recipient_id.eq(anna_account.actor.id.0))
        .order(notification::id.asc())
        .select(notification::channel)
        .load(c)
        .await)
    .unwrap();
    assert_eq!(channels, vec!["daily", "email"], "chosen channel, then the reply's default");
    drop(conn);
    let _ = reply;

    // A bad change is refused whole: an unknown kind, a staff-only kind for a member, an unknown
    // channel, a scope that is not something anna follows.
    for bad in [
        vec![change("favourite", Some("in_app")), change("nonsense", Some("off"))],
        vec![change("sign_up", Some("off"))],
        vec![change("favourite", Some("sometimes"))],
        vec![buurt::domain::notifications::prefs::PrefChange {
            kind: "favourite".into(),
            scope: "https://elders.example/u/x".into(),
            channel: Some("off".into()),
        }],
    ] {
        let err = buurt::domain::notifications::prefs::set(&app.state, &anna_account, &bad).await;
        assert!(matches!(err, Err(buurt::domain::DomainError::Invalid(_))), "{bad:?}");
    }
    let prefs = buurt::domain::notifications::prefs::list(&app.state, &anna_account).await.unwrap();
    let favourite = prefs.iter().find(|p| p.kind.name == "favourite").unwrap();
    assert_eq!(favourite.channel, buurt::domain::notifications::Channel::Off, "unchanged by the refused changes");
    assert!(prefs.iter().all(|p| p.kind.name != "sign_up"), "staff-only kinds are not a member's");
    app.stop().await;
}

async fn remote_like_follow_and_mention_notify(b: Backend) {
    let alpha = TestApp::spawn_federated(b).await;
    let beta = TestApp::spawn_federated(b).await;
    let anna = alpha.api_user("anna").await;
    alpha.create_user("carla", Role::Member).await;
    let bert = signer(&beta, "bert").await;
    let post = status(&anna, json!({"status": "Buurtfeest!"})).await;
    let post_url = alpha.url(&format!("/p/{post}"));
    let inbox = alpha.url("/inbox");
    let now = SystemTime::now();
    let send = |body: serde_json::Value| {
        let inbox = inbox.clone();
        let bert = &bert;
        async move {
            let status = post_signed(&inbox, body.to_string().as_bytes(), bert, now).await.status();
            assert!(status.is_success(), "{status}");
        }
    };
    let like =
        json!({"id": format!("{}/activities/l1", beta.base), "type": "Like", "actor": bert.actor, "object": post_url});
    send(like.clone()).await;
    send(json!({"id": format!("{}/activities/f1", beta.base), "type": "Follow", "actor": bert.actor, "object": alpha.url("/u/anna")})).await;
    let note = |id: &str, to: Vec<String>, tag: serde_json::Value, reply: Option<&str>| {
        json!({"id": format!("{}/activities/{id}", beta.base), "type": "Create", "actor": bert.actor,
            "object": {"id": format!("{}/notes/{id}", beta.base), "type": "Note", "attributedTo": bert.actor,
                "content": "<p>hoi</p>", "to": to, "cc": [format!("{}/followers", bert.actor)], "tag": tag,
                "inReplyTo": reply}})
    };
    let public = "https://www.w3.org/ns/activitystreams#Public".to_string();
    // A public note mentioning carla, delivered twice under two activity ids: one notification.
    let mention = note(
        "m1",
        vec![public.clone(), alpha.url("/u/carla")],
        json!([{"type": "Mention", "href": alpha.url("/u/carla"), "name": "@carla"}]),
        None,
    );
    send(mention.clone()).await;
    let mut again = mention.clone();
    again["id"] = json!(format!("{}/activities/m1-again", beta.base));
    send(again).await;
    // A public reply to anna's post.
    send(note("r1", vec![public.clone()], json!([]), Some(&post_url))).await;

    let anna_rows = notifications_of(&alpha, "anna").await;
    assert_eq!(kinds(&anna_rows), vec!["favourite", "follow", "reply"]);
    assert!(anna_rows.iter().all(|r| r.1.as_deref() == Some("bert")));
    assert_eq!(kinds(&notifications_of(&alpha, "carla").await), vec!["mention"]);

    // The Undo of the like takes its notification away.
    send(json!({"id": format!("{}/activities/u1", beta.base), "type": "Undo", "actor": bert.actor, "object": like}))
        .await;
    assert_eq!(kinds(&notifications_of(&alpha, "anna").await), vec!["follow", "reply"]);
    alpha.stop().await;
    beta.stop().await;
}

async fn notify_many_writes_one_per_follower_with_preferences(b: Backend) {
    use buurt::db::models::notification::Audience;
    use buurt::domain::notifications::{Notice, kinds, notify_many};
    let app = TestApp::spawn(b).await;
    let anna = app.api_user("anna").await;
    let post = status(&anna, json!({"status": "Nieuws"})).await;
    let anna_actor = app.account("anna").await.unwrap().actor.id;
    for name in ["bert", "carla", "dirk"] {
        let api = app.api_user(name).await;
        api.post(&format!("/api/v1/accounts/{}/follow", anna_actor.0), json!({})).await;
    }
    let dirk = app.account("dirk").await.unwrap();
    let off = buurt::domain::notifications::prefs::PrefChange {
        kind: "mention".into(),
        scope: String::new(),
        channel: Some("off".into()),
    };
    buurt::domain::notifications::prefs::set(&app.state, &dirk, &[off]).await.unwrap();
    // Carla hears of mentions in the app only; bert keeps the default, e-mail right away.
    let carla = app.account("carla").await.unwrap();
    let in_app = buurt::domain::notifications::prefs::PrefChange {
        kind: "mention".into(),
        scope: String::new(),
        channel: Some("in_app".into()),
    };
    buurt::domain::notifications::prefs::set(&app.state, &carla, &[in_app]).await.unwrap();
    app.run_jobs().await;
    let mails_before = app.mails_in_folder().len();
    let mut conn = app.state.pool.write().await.unwrap();
    let notice = Notice::new(&kinds::MENTION, anna_actor, Some(anna_actor)).post(buurt::db::models::post::PostId(post));
    let written = notify_many(&mut conn, Audience::FollowersOf(anna_actor), notice).await.unwrap();
    drop(conn);
    assert_eq!(written, 2);
    for (name, n) in [("bert", 1), ("carla", 1), ("dirk", 0), ("anna", 3)] {
        let rows = notifications_of(&app, name).await;
        assert_eq!(rows.iter().filter(|r| r.0 == "mention").count(), if name == "anna" { 0 } else { n }, "{name}");
    }
    buurt::jobs::wake(&app.state);
    app.run_jobs().await;
    let mails = app.mails_in_folder();
    let new: Vec<&String> = mails[mails_before..].iter().collect();
    assert_eq!(new.len(), 1, "one mail, to bert: {new:?}");
    let bert_address = app.account("bert").await.unwrap().user.email;
    assert_eq!(crate::smtp::header(new[0], "To"), Some(bert_address.as_str()));
    app.stop().await;
}

/// The unread count in the navigation, as its screen-reader text says it (None: no count).
fn unread_label(html: &scraper::Html) -> Option<String> {
    text_of(html, "a[href=\"/meldingen\"] .visually-hidden")
}

async fn the_page_groups_likes_and_mark_as_read_lowers_the_count(b: Backend) {
    let app = TestApp::spawn(b).await;
    let anna_api = app.api_user("anna").await;
    let anna = app.browser();
    anna.login("anna", PASSWORD).await;
    let post = status(&anna_api, json!({"status": "Wie heeft mijn kat gezien?"})).await;
    assert_eq!(unread_label(&anna.get_html("/").await), None, "no count without notifications");
    for name in ["bert", "carla", "dirk"] {
        let api = app.api_user(name).await;
        api.post(&format!("/api/v1/statuses/{post}/favourite"), json!({})).await;
    }
    let bert = app.api_user("erik").await;
    status(&bert, json!({"status": "@anna hij zit bij mij in de tuin", "in_reply_to_id": post.to_string()})).await;

    // Four notifications, three of them one entry.
    let page = anna.get_html("/meldingen").await;
    assert_eq!(unread_label(&page).as_deref(), Some("(4 ongelezen meldingen)"));
    let entries: Vec<String> = {
        let s = scraper::Selector::parse("li.notification").unwrap();
        page.select(&s)
            .map(|e| e.text().collect::<Vec<_>>().join(" ").split_whitespace().collect::<Vec<_>>().join(" "))
            .collect()
    };
    assert_eq!(entries.len(), 2, "{entries:?}");
    assert!(entries[0].starts_with("Nieuw erik reageerde op je bericht."), "{entries:?}");
    assert!(entries[0].contains("hij zit bij mij in de tuin"), "the excerpt: {entries:?}");
    assert!(entries[1].starts_with("Nieuw dirk en 2 anderen vinden je bericht leuk."), "{entries:?}");
    assert!(entries[1].contains("Wie heeft mijn kat gezien?"), "{entries:?}");
    assert_eq!(text_of(&page, "li.notification a").as_deref(), Some("erik reageerde op je bericht."));

    // Mark all as read: the count goes, the entries stay but are no longer new.
    let newest = {
        let s = scraper::Selector::parse("input[name=up_to]").unwrap();
        page.select(&s).next().unwrap().value().attr("value").unwrap().to_string()
    };
    let response = anna.submit("/meldingen", "/meldingen/gelezen", &[("up_to", &newest)]).await;
    assert_eq!(response.status(), 303);
    let page = anna.get_html("/meldingen").await;
    assert_eq!(unread_label(&page), None);
    assert_eq!(text_of(&page, ".notification--unread"), None);
    assert_eq!(text_of(&page, "form[action=\"/meldingen/gelezen\"]"), None, "nothing left to mark");
    assert_eq!(text_of(&page, "li.notification").map(|t| t.starts_with("erik")), Some(true));

    // A new like is unread again, and counts one.
    let frank = app.api_user("frank").await;
    frank.post(&format!("/api/v1/statuses/{post}/favourite"), json!({})).await;
    let page = anna.get_html("/").await;
    assert_eq!(unread_label(&page).as_deref(), Some("(1 ongelezen melding)"));
    let english = app.browser();
    english.login("anna", PASSWORD).await;
    english.submit("/", "/taal", &[("language", "en"), ("next", "/meldingen")]).await;
    let page = english.get_html("/meldingen").await;
    assert_eq!(unread_label(&page).as_deref(), Some("(1 unread notification)"));
    assert!(text_of(&page, "li.notification").unwrap().contains("frank and 3 others liked your post."));
    app.stop().await;
}

async fn the_page_and_marking_are_only_ones_own(b: Backend) {
    let app = TestApp::spawn(b).await;
    let anna_api = app.api_user("anna").await;
    let bert_api = app.api_user("bert").await;
    let post = status(&anna_api, json!({"status": "Oproep"})).await;
    bert_api.post(&format!("/api/v1/statuses/{post}/favourite"), json!({})).await;

    // A stranger is sent to sign in, for the page and for marking.
    let stranger = app.browser();
    let response = stranger.get("/meldingen").await;
    assert_eq!(response.status(), 303);
    assert!(response.headers()["location"].to_str().unwrap().starts_with("/inloggen"));
    let response = stranger.submit("/inloggen", "/meldingen/gelezen", &[("up_to", "999999")]).await;
    assert_eq!(response.status(), 303);
    assert!(response.headers()["location"].to_str().unwrap().starts_with("/inloggen"));

    // Bert sees none of anna's notifications, and marking "up to" hers marks only his own.
    let bert = app.browser();
    bert.login("bert", PASSWORD).await;
    let page = bert.get_html("/meldingen").await;
    assert_eq!(text_of(&page, "li.notification"), None);
    let anna_newest = {
        let account = app.account("anna").await.unwrap();
        let mut conn = app.state.pool.get().await.unwrap();
        buurt::db::models::notification::Notification::newest_id(&mut conn, account.actor.id).await.unwrap()
    };
    assert!(anna_newest > 0);
    let response = bert.submit("/meldingen", "/meldingen/gelezen", &[("up_to", &anna_newest.to_string())]).await;
    assert_eq!(response.status(), 303);
    let anna = app.browser();
    anna.login("anna", PASSWORD).await;
    assert_eq!(unread_label(&anna.get_html("/").await).as_deref(), Some("(1 ongelezen melding)"));
    // Bert's marker did not move past his own notifications (he has none).
    let bert_account = app.account("bert").await.unwrap();
    let mut conn = app.state.pool.get().await.unwrap();
    let marker =
        buurt::db::models::marker::Marker::last_read(&mut conn, bert_account.user.id, "notifications").await.unwrap();
    assert_eq!(marker, 0);
    drop(conn);

    // Without the form's token, nothing is marked.
    let response = anna
        .client
        .post(app.url("/meldingen/gelezen"))
        .form(&[("up_to", anna_newest.to_string())])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 403);
    assert_eq!(unread_label(&anna.get_html("/").await).as_deref(), Some("(1 ongelezen melding)"));
    app.stop().await;
}

async fn the_preferences_page_saves_and_refuses_bad_choices(b: Backend) {
    let app = TestApp::spawn(b).await;
    let anna_api = app.api_user("anna").await;
    let bert_api = app.api_user("bert").await;
    let anna = app.browser();
    anna.login("anna", PASSWORD).await;
    let page = anna.get_html("/instellingen/meldingen").await;
    assert!(text_of(&page, "select[name=favourite]").is_some());
    assert!(text_of(&page, "select[name=sign_up]").is_none(), "a staff-only kind is not shown to a member");
    assert_eq!(
        text_of(&page, "select[name=reply] option[selected]").as_deref(),
        Some("Ook meteen per e-mail"),
        "the default"
    );

    // A refused choice shows an error and changes nothing.
    let response = anna
        .submit("/instellingen/meldingen", "/instellingen/meldingen", &[("favourite", "soms"), ("follow", "off")])
        .await;
    assert_eq!(response.status(), 422);
    let page = html(response).await;
    assert_eq!(field_error(&page, "favourite").as_deref(), Some("Kies een van de mogelijkheden."));
    let prefs =
        buurt::domain::notifications::prefs::list(&app.state, &app.account("anna").await.unwrap()).await.unwrap();
    assert!(prefs.iter().all(|p| !p.chosen), "nothing changed");

    let response = anna.submit("/instellingen/meldingen", "/instellingen/meldingen", &[("favourite", "off")]).await;
    assert_eq!(response.status(), 303);
    let page = anna.get_html("/instellingen/meldingen?saved=1").await;
    assert_eq!(text_of(&page, "select[name=favourite] option[selected]").as_deref(), Some("Uit"));
    let post = status(&anna_api, json!({"status": "Stil graag"})).await;
    bert_api.post(&format!("/api/v1/statuses/{post}/favourite"), json!({})).await;
    assert!(notifications_of(&app, "anna").await.is_empty(), "likes are off");

    // The digest: off, daily or weekly, not "e-mail right away".
    assert_eq!(
        text_of(&page, "select[name=digest] option[selected]").as_deref(),
        Some("Elke week, op maandag"),
        "the digest's default"
    );
    let response = anna.submit("/instellingen/meldingen", "/instellingen/meldingen", &[("digest", "email")]).await;
    assert_eq!(response.status(), 422, "the digest is not a mail right away");
    let response = anna.submit("/instellingen/meldingen", "/instellingen/meldingen", &[("digest", "daily")]).await;
    assert_eq!(response.status(), 303);
    let prefs =
        buurt::domain::notifications::prefs::list(&app.state, &app.account("anna").await.unwrap()).await.unwrap();
    let digest = prefs.iter().find(|p| p.kind.name == "digest").expect("the digest's preference");
    assert_eq!((digest.channel.as_str(), digest.chosen), ("daily", true));

    // Staff see the staff-only kind.
    let admin = app.signed_in("wijkadmin", Role::Admin).await;
    let page = admin.get_html("/instellingen/meldingen").await;
    assert!(text_of(&page, "select[name=sign_up]").is_some());
    app.stop().await;
}

async fn preferences_api_reads_and_changes_all_or_nothing(b: Backend) {
    let app = TestApp::spawn(b).await;
    let anna = app.api_user("anna").await;
    let bert = app.api_user("bert").await;
    let path = "/api/buurt/v1/notification_preferences";
    let prefs = anna.get(path).await;
    let favourite = prefs.as_array().unwrap().iter().find(|p| p["kind"] == "favourite").unwrap().clone();
    assert_eq!(favourite, json!({"kind": "favourite", "scope": "", "channel": "weekly", "chosen": false}));
    assert!(prefs.as_array().unwrap().iter().all(|p| p["kind"] != "sign_up"));

    // Bert is followed per person: anna follows bert and wants his mentions daily.
    let bert_ap = app.account("bert").await.unwrap().actor.ap_id;
    anna.post(&format!("/api/v1/accounts/{}/follow", actor_id(&app, "bert").await), json!({})).await;
    let response = anna
        .send(
            reqwest::Method::PUT,
            path,
            Some(json!({"preferences": [
                {"kind": "mention", "scope": bert_ap, "channel": "daily"},
                {"kind": "favourite", "channel": "off"}
            ]})),
        )
        .await;
    assert_eq!(response.status(), 200);
    let prefs: serde_json::Value = response.json().await.unwrap();
    assert!(
        prefs
            .as_array()
            .unwrap()
            .contains(&json!({"kind": "mention", "scope": bert_ap, "channel": "daily", "chosen": true}))
    );

    // A scope anna does not follow, or an unknown channel: 422, and nothing changed.
    for bad in [
        json!({"preferences": [{"kind": "favourite", "channel": "in_app"}, {"kind": "mention", "scope": app.url("/u/niemand"), "channel": "off"}]}),
        json!({"preferences": [{"kind": "favourite", "channel": "vaak"}]}),
        json!({"preferences": [{"kind": "sign_up", "channel": "off"}]}),
    ] {
        let response = anna.send(reqwest::Method::PUT, path, Some(bad.clone())).await;
        assert_eq!(response.status(), 422, "{bad}");
        let body: serde_json::Value = response.json().await.unwrap();
        assert_eq!(body["error"], "validation_failed", "{body}");
    }
    let prefs = anna.get(path).await;
    let favourite =
        prefs.as_array().unwrap().iter().find(|p| p["kind"] == "favourite" && p["scope"] == "").unwrap().clone();
    assert_eq!(favourite["channel"], "off");

    // Anna's scoped preference is what notify uses for a notice about bert (its subject).
    let anna_actor = app.account("anna").await.unwrap().actor.id;
    let bert_actor = app.account("bert").await.unwrap().actor.id;
    let mut conn = app.state.pool.get().await.unwrap();
    let notice = buurt::domain::notifications::Notice {
        subject: Some(bert_ap.clone()),
        ..buurt::domain::notifications::Notice::new(
            &buurt::domain::notifications::kinds::MENTION,
            anna_actor,
            Some(bert_actor),
        )
    };
    let written = buurt::domain::notifications::notify(&mut conn, notice).await.unwrap().unwrap();
    assert_eq!(written.channel, "daily");
    drop(conn);
    let _ = bert;

    // Without a token: 401.
    let response = reqwest::Client::new().get(app.url(path)).send().await.unwrap();
    assert_eq!(response.status(), 401);
    app.stop().await;
}
