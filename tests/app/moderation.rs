//! Moderators' decisions with their statements of reasons, the public log, appeals, and every
//! decision tried from the wrong side.

use buurt::db::models::local_user::Role;
use buurt::db::models::moderation_action::{ActionKind, ModerationAction};
use buurt::domain::moderation::actions::{self, Decision};
use serde_json::json;

use crate::both;
use crate::notifications::notifications_of;
use crate::util::*;

both!(
    a_hidden_post_is_gone_for_others_and_its_author_appeals_successfully,
    decisions_from_the_wrong_side_are_refused_and_change_nothing,
    a_group_moderator_decides_in_their_own_group_only,
    a_suspension_signs_the_person_out_and_hides_their_posts_until_lifted,
    a_silenced_persons_posts_reach_their_followers_only,
    a_removed_post_is_deleted_everywhere_and_restored_here,
    a_decision_on_a_report_closes_it_and_tells_the_reporter
);

/// How many decisions are recorded.
async fn decisions(app: &TestApp) -> usize {
    let mut conn = app.state.pool.get().await.unwrap();
    ModerationAction::page(&mut conn, None, 1000).await.unwrap().len()
}

/// A decision as the moderator's browser sends it, from the form's page.
async fn decide(browser: &Browser, about: &str, fields: &[(&str, &str)]) -> reqwest::Response {
    browser.submit(&format!("/moderatie/besluit?{about}"), "/moderatie/besluit", fields).await
}

/// An open, public interest group made by `creator`, who becomes its administrator.
async fn group(
    app: &TestApp,
    creator: &buurt::db::models::local_user::Account,
    name: &str,
) -> buurt::domain::groups::Group {
    let new = buurt::domain::groups::NewGroup {
        name: name.into(),
        display_name: format!("Groep {name}"),
        kind: "interest".into(),
        openness: "open".into(),
        content: "public".into(),
        posting: "members".into(),
        ..Default::default()
    };
    buurt::domain::groups::create(&app.state, creator, &new).await.unwrap()
}

fn status_path(response: &reqwest::Response) -> String {
    response.headers()["location"].to_str().unwrap().to_string()
}

async fn a_hidden_post_is_gone_for_others_and_its_author_appeals_successfully(b: Backend) {
    let app = TestApp::spawn(b).await;
    let anna = app.api_user("anna").await;
    let post = anna.post("/api/v1/statuses", json!({"status": "Mijn buurman is een oplichter"})).await;
    let id = post["id"].as_str().unwrap().to_string();
    let sanne = app.signed_in("sanne", Role::Moderator).await;
    let ada = app.signed_in("ada", Role::Admin).await;
    let bert = app.api_user("bert").await;

    let about = format!("post={id}");
    let post_id = id.as_str();
    let response = decide(
        &sanne,
        &about,
        &[
            ("post", post_id),
            ("kind", "hide_post"),
            ("ground", "harassment"),
            ("facts", "Beschuldigt een buurman zonder grond."),
        ],
    )
    .await;
    assert_eq!(response.status(), 303);
    let statement = status_path(&response);
    assert!(statement.starts_with("/moderatie/besluiten/"));

    // Gone for a visitor, another resident and the public timeline; the author still sees it,
    // with a notice.
    assert_eq!(app.browser().get(&format!("/p/{id}")).await.status(), 404);
    let response = bert.send(reqwest::Method::GET, &format!("/api/v1/statuses/{id}"), None).await;
    assert_eq!(response.status(), 404);
    assert!(bert.get("/api/v1/timelines/public").await.as_array().unwrap().is_empty());
    assert!(!app.browser().get_html("/").await.html().contains("oplichter"));
    let anna_browser = app.browser();
    anna_browser.login("anna", PASSWORD).await;
    let page = anna_browser.get_html(&format!("/p/{id}")).await;
    assert!(page.html().contains("oplichter"));
    assert!(text_of(&page, ".notice").unwrap().contains("verborgen"));

    // The author is told, in the app and by mail with the statement.
    app.run_jobs().await;
    assert!(notifications_of(&app, "anna").await.iter().any(|n| n.0 == "moderation_decision"));
    let mails = app.mails_in_folder();
    let anna_address = app.account("anna").await.unwrap().user.email;
    assert!(mails.iter().any(|m| crate::smtp::header(m, "To") == Some(anna_address.as_str())));

    // The public log names the decision and its ground, not the people.
    let log = app.browser().get_html("/moderatie").await.html();
    assert!(log.contains("Bericht verborgen") && log.contains("Intimidatie of pesten"));
    assert!(!log.contains("anna") && !log.contains("sanne") && !log.contains("oplichter"));

    // The statement: the author and moderators read it; another resident gets 404.
    let page = anna_browser.get_html(&statement).await;
    assert!(page.html().contains("Beschuldigt een buurman zonder grond."));
    let other = app.signed_in("carla", Role::Member).await;
    assert_eq!(other.get(&statement).await.status(), 404);

    // The author appeals once; a second appeal is refused with a clear error.
    let response = anna_browser.submit(&statement, &format!("{statement}/bezwaar"), &[("text", "Het is waar.")]).await;
    assert_eq!(response.status(), 303);
    let again = anna_browser.submit(&statement, &format!("{statement}/bezwaar"), &[("text", "Echt waar.")]).await;
    assert!(again.status() == 404 || again.status() == 422, "{}", again.status());
    // Someone else cannot appeal it.
    let response = other.submit("/", &format!("{statement}/bezwaar"), &[("text", "Ik ook")]).await;
    assert_eq!(response.status(), 404);

    // The admins hear of it and answer; the moderator who is no admin cannot.
    app.run_jobs().await;
    assert!(notifications_of(&app, "ada").await.iter().any(|n| n.0 == "moderation_appeal"));
    assert_eq!(sanne.get("/beheer/bezwaren").await.status(), 403);
    let queue = ada.get_html("/beheer/bezwaren").await;
    assert!(queue.html().contains("Het is waar."));
    let form = scraper::Selector::parse("form[action^=\"/beheer/bezwaren/\"]").unwrap();
    let action = queue.select(&form).next().unwrap().value().attr("action").unwrap().to_string();
    let response =
        ada.submit("/beheer/bezwaren", &action, &[("answer", "Je hebt gelijk."), ("decision", "undo")]).await;
    assert_eq!(response.status(), 303);

    // The post is back, the log says the decision was undone, and the author is told.
    assert_eq!(app.browser().get(&format!("/p/{id}")).await.status(), 200);
    assert!(app.browser().get_html("/moderatie").await.html().contains("teruggedraaid"));
    app.run_jobs().await;
    assert!(notifications_of(&app, "anna").await.iter().any(|n| n.0 == "appeal_answered"));
    assert!(anna_browser.get_html(&statement).await.html().contains("Je hebt gelijk."));
}

async fn decisions_from_the_wrong_side_are_refused_and_change_nothing(b: Backend) {
    let app = TestApp::spawn(b).await;
    let anna = app.api_user("anna").await;
    let post = anna.post("/api/v1/statuses", json!({"status": "Gewoon een bericht"})).await;
    let id = post["id"].as_str().unwrap().to_string();
    let about = format!("post={id}");
    let fields = |kind: &'static str| {
        vec![("post", id.clone()), ("kind", kind.into()), ("ground", "spam".into()), ("facts", "Reclame.".into())]
    };

    // A resident may not even open the form, nor send it.
    let bert = app.signed_in("bert", Role::Member).await;
    assert_eq!(bert.get(&format!("/moderatie/besluit?{about}")).await.status(), 403);
    let sanne = app.signed_in("sanne", Role::Moderator).await;
    let token = bert.csrf("/").await;
    let mut body: Vec<(&str, String)> = fields("hide_post");
    body.push(("csrf", token));
    let response = bert.client.post(app.url("/moderatie/besluit")).form(&body).send().await.unwrap();
    assert_eq!(response.status(), 403);
    // A visitor is sent to sign in.
    assert_ne!(app.browser().get(&format!("/moderatie/besluit?{about}")).await.status(), 200);
    assert_eq!(decisions(&app).await, 0);

    // An incomplete statement: a clear error on the form, nothing changed.
    let response =
        decide(&sanne, &about, &[("post", &id), ("kind", "hide_post"), ("ground", "spam"), ("facts", " ")]).await;
    assert_eq!(response.status(), 422);
    let page = html(response).await;
    assert!(field_error(&page, "facts").unwrap().contains("feiten"));
    let response =
        decide(&sanne, &about, &[("post", &id), ("kind", "remove_post"), ("ground", "illegal"), ("facts", "Smaad.")])
            .await;
    assert_eq!(response.status(), 422);
    assert!(field_error(&html(response).await, "law").is_some());
    let response =
        decide(&sanne, &about, &[("post", &id), ("kind", "verbannen"), ("ground", "spam"), ("facts", "x")]).await;
    assert_eq!(response.status(), 422);
    assert_eq!(decisions(&app).await, 0);
    assert_eq!(app.browser().get(&format!("/p/{id}")).await.status(), 200);

    // A post that does not exist.
    let response =
        decide(&sanne, &about, &[("post", "999999"), ("kind", "hide_post"), ("ground", "spam"), ("facts", "x")]).await;
    assert_eq!(response.status(), 404);

    // A moderator may not suspend an admin, nor themselves; an admin may suspend a moderator.
    let ada = app.create_user("ada", Role::Admin).await;
    let sanne_account = app.account("sanne").await.unwrap();
    for target in [ada.actor.id, sanne_account.actor.id] {
        let decision = Decision {
            kind: "suspend_account".into(),
            actor: Some(target),
            ground: "terms".into(),
            facts: "Misbruik.".into(),
            ..Default::default()
        };
        let result = actions::decide(&app.state, &sanne_account, &decision).await;
        assert!(matches!(result, Err(buurt::domain::DomainError::Forbidden)), "{result:?}");
    }
    assert_eq!(decisions(&app).await, 0);
    let decision = Decision {
        kind: "silence_account".into(),
        actor: Some(sanne_account.actor.id),
        ground: "terms".into(),
        facts: "Misbruik van de rol.".into(),
        ..Default::default()
    };
    let action = actions::decide(&app.state, &ada, &decision).await.unwrap();
    assert_eq!(action.kind(), ActionKind::SilenceAccount);

    // Undoing: not by a resident.
    let bert_account = app.account("bert").await.unwrap();
    let result = actions::reverse(&app.state, &bert_account, action.id, "Waarom niet").await;
    assert!(matches!(result, Err(buurt::domain::DomainError::Forbidden)), "{result:?}");
    assert!(app.account("sanne").await.unwrap().actor.silenced_at.is_some());
}

async fn a_group_moderator_decides_in_their_own_group_only(b: Backend) {
    use buurt::domain::groups::discussions::{NewThread, start_thread};
    let app = TestApp::spawn(b).await;
    let mod_a = app.create_user("modvana", Role::Member).await;
    let mod_b = app.create_user("modvanb", Role::Member).await;
    let anna = app.create_user("anna", Role::Member).await;
    let groups = [group(&app, &mod_a, "groepa").await, group(&app, &mod_b, "groepb").await];
    for group in &groups {
        buurt::domain::groups::members::join(&app.state, &anna, group, "").await.unwrap();
    }
    let new = NewThread { title: "Fietsenstalling".into(), text: "Wie helpt?".into(), ..Default::default() };
    let in_a = start_thread(&app.state, &anna, &groups[0], &new).await.unwrap();
    let in_b = start_thread(&app.state, &anna, &groups[1], &new).await.unwrap();
    let outside = buurt::domain::posts::create_post(
        &app.state,
        &anna,
        &buurt::domain::posts::NewPost {
            text: "Los bericht".into(),
            visibility: "public".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let lock = |post| Decision {
        kind: "lock_thread".into(),
        post: Some(post),
        ground: "group_rules".into(),
        facts: "Het gesprek liep uit de hand.".into(),
        ..Default::default()
    };
    // The moderator of group A: not in group B, not outside groups.
    for post in [in_b.id, outside.id] {
        let result = actions::decide(&app.state, &mod_a, &lock(post)).await;
        assert!(result.is_err(), "{result:?}");
    }
    let hide_outside = Decision { kind: "hide_post".into(), ..lock(outside.id) };
    assert!(matches!(
        actions::decide(&app.state, &mod_a, &hide_outside).await,
        Err(buurt::domain::DomainError::Forbidden)
    ));
    // Nor suspend anyone.
    let suspend = Decision { kind: "suspend_account".into(), post: None, actor: Some(anna.actor.id), ..lock(in_a.id) };
    assert!(matches!(actions::decide(&app.state, &mod_a, &suspend).await, Err(buurt::domain::DomainError::Forbidden)));
    assert_eq!(decisions(&app).await, 0);
    // In group A: locked, and the log names group A.
    actions::decide(&app.state, &mod_a, &lock(in_a.id)).await.unwrap();
    let mut conn = app.state.pool.get().await.unwrap();
    assert!(buurt::db::models::post::Post::by_id(&mut conn, in_a.id).await.unwrap().unwrap().locked);
    assert!(!buurt::db::models::post::Post::by_id(&mut conn, in_b.id).await.unwrap().unwrap().locked);
    drop(conn);
    let log = app.browser().get_html("/moderatie").await.html();
    assert!(log.contains("Gesprek gesloten") && log.contains(&groups[0].actor.display_name));
    // Banning from group A by its moderator; not from group B.
    let ban = |group: &buurt::domain::groups::Group| Decision {
        kind: "ban_member".into(),
        actor: Some(anna.actor.id),
        group: Some(group.actor.id),
        ground: "group_rules".into(),
        facts: "Herhaaldelijk grof.".into(),
        ..Default::default()
    };
    assert!(matches!(
        actions::decide(&app.state, &mod_a, &ban(&groups[1])).await,
        Err(buurt::domain::DomainError::Forbidden)
    ));
    actions::decide(&app.state, &mod_a, &ban(&groups[0])).await.unwrap();
    let mut conn = app.state.pool.get().await.unwrap();
    let m =
        buurt::db::models::membership::Membership::find(&mut conn, groups[0].actor.id, anna.actor.id).await.unwrap();
    assert!(m.is_some_and(|m| m.state() == buurt::db::models::membership::MemberState::Banned));
}

async fn a_suspension_signs_the_person_out_and_hides_their_posts_until_lifted(b: Backend) {
    let app = TestApp::spawn(b).await;
    let anna_api = app.api_user("anna").await;
    let post = anna_api.post("/api/v1/statuses", json!({"status": "Te koop: alles"})).await;
    let id = post["id"].as_str().unwrap().to_string();
    let anna_browser = app.browser();
    anna_browser.login("anna", PASSWORD).await;
    let ada = app.create_user("ada", Role::Admin).await;
    let anna = app.account("anna").await.unwrap();
    let decision = Decision {
        kind: "suspend_account".into(),
        actor: Some(anna.actor.id),
        ground: "spam".into(),
        facts: "Tientallen advertenties per dag.".into(),
        ..Default::default()
    };
    let action = actions::decide(&app.state, &ada, &decision).await.unwrap();
    // Signed out everywhere; the token stops working; the posts are gone for everyone else.
    assert_ne!(anna_browser.get("/instellingen").await.status(), 200);
    let response = anna_api.send(reqwest::Method::GET, "/api/v1/accounts/verify_credentials", None).await;
    assert_eq!(response.status(), 401);
    assert_eq!(app.browser().get(&format!("/p/{id}")).await.status(), 404);
    assert!(!app.browser().get_html("/u/anna").await.html().contains("Te koop"));
    assert!(!app.browser().get_html("/").await.html().contains("Te koop"));
    // The statement still reaches the suspended person by mail.
    app.run_jobs().await;
    let address = app.account("anna").await.unwrap().user.email;
    assert!(app.mails_in_folder().iter().any(|m| crate::smtp::header(m, "To") == Some(address.as_str())));
    assert!(anna_browser.login("anna", PASSWORD).await.status() != 303, "a suspended account cannot sign in");

    actions::reverse(&app.state, &ada, action.id, "Het waren geen advertenties.").await.unwrap();
    assert_eq!(app.browser().get(&format!("/p/{id}")).await.status(), 200);
    assert_eq!(anna_browser.login("anna", PASSWORD).await.status(), 303);
}

async fn a_silenced_persons_posts_reach_their_followers_only(b: Backend) {
    let app = TestApp::spawn(b).await;
    let anna = app.api_user("anna").await;
    let bert = app.api_user("bert").await;
    let anna_id = anna.get("/api/v1/accounts/verify_credentials").await["id"].as_str().unwrap().to_string();
    bert.post(&format!("/api/v1/accounts/{anna_id}/follow"), json!({})).await;
    anna.post("/api/v1/statuses", json!({"status": "Koop mijn spullen"})).await;
    let ada = app.create_user("ada", Role::Admin).await;
    let decision = Decision {
        kind: "silence_account".into(),
        actor: Some(app.account("anna").await.unwrap().actor.id),
        ground: "spam".into(),
        facts: "Veel reclame.".into(),
        ..Default::default()
    };
    actions::decide(&app.state, &ada, &decision).await.unwrap();
    let carla = app.api_user("carla").await;
    assert!(carla.get("/api/v1/timelines/public").await.as_array().unwrap().is_empty());
    assert!(!app.browser().get_html("/").await.html().contains("Koop mijn spullen"));
    // Her follower still gets it, and her own page shows it.
    let home = bert.get("/api/v1/timelines/home").await;
    assert_eq!(home.as_array().unwrap().len(), 1);
    assert!(app.browser().get_html("/u/anna").await.html().contains("Koop mijn spullen"));
}

async fn a_removed_post_is_deleted_everywhere_and_restored_here(b: Backend) {
    let app = TestApp::spawn(b).await;
    let anna = app.api_user("anna").await;
    let post = anna.post("/api/v1/statuses", json!({"status": "Het adres van mijn buurvrouw is …"})).await;
    let id = post["id"].as_str().unwrap().to_string();
    let sanne = app.create_user("sanne", Role::Moderator).await;
    let decision = Decision {
        kind: "remove_post".into(),
        post: Some(buurt::db::models::post::PostId(id.parse().unwrap())),
        ground: "privacy".into(),
        facts: "Het bericht noemt iemands adres.".into(),
        ..Default::default()
    };
    let action = actions::decide(&app.state, &sanne, &decision).await.unwrap();
    assert_eq!(app.browser().get(&format!("/p/{id}")).await.status(), 404);
    // The author's followers' servers are told: a Delete in the author's name.
    let deletes = queued_by(&app, "anna", "Delete").await;
    assert_eq!(deletes.len(), 1, "{deletes:?}");
    assert_eq!(deletes[0]["object"]["id"], post["uri"]);
    // The statement quotes what was removed, for the author.
    let anna_browser = app.browser();
    anna_browser.login("anna", PASSWORD).await;
    assert!(anna_browser.get_html(&format!("/moderatie/besluiten/{}", action.id.0)).await.html().contains("buurvrouw"));
    // Restored: the content is back, unchanged.
    actions::reverse(&app.state, &sanne, action.id, "Het adres was van een buurthuis.").await.unwrap();
    let page = app.browser().get_html(&format!("/p/{id}")).await;
    assert!(page.html().contains("Het adres van mijn buurvrouw is"));
    // A decision is undone once.
    assert!(actions::reverse(&app.state, &sanne, action.id, "Nog eens").await.is_err());
}

async fn a_decision_on_a_report_closes_it_and_tells_the_reporter(b: Backend) {
    let app = TestApp::spawn(b).await;
    let anna = app.api_user("anna").await;
    let post = anna.post("/api/v1/statuses", json!({"status": "Koop hier je nepmerken"})).await;
    let id = post["id"].as_str().unwrap().to_string();
    let carl = app.api_user("carl").await;
    let other = carl.post("/api/v1/statuses", json!({"status": "Gewoon een bericht"})).await;
    let other = other["id"].as_str().unwrap().to_string();
    let bert = app.api_user("bert").await;
    let report = bert.post("/api/buurt/v1/reports", json!({"post_id": id, "category": "spam", "comment": "Nep"})).await;
    let report = report["id"].as_str().unwrap().to_string();
    let about_carl =
        bert.post("/api/buurt/v1/reports", json!({"post_id": other, "category": "other", "comment": "?"})).await;
    let about_carl = about_carl["id"].as_str().unwrap().to_string();
    let sanne = app.signed_in("sanne", Role::Moderator).await;

    // The report's page offers the decisions that answer it.
    let page = sanne.get_html(&format!("/beheer/meldingen/{report}")).await;
    let links: Vec<&str> = page
        .select(&scraper::Selector::parse("a[href^='/moderatie/besluit']").unwrap())
        .filter_map(|a| a.value().attr("href"))
        .collect();
    assert!(
        links.contains(&format!("/moderatie/besluit?post={id}&kind=remove_post&report={report}").as_str()),
        "{links:?}"
    );
    let anna_actor = app.account("anna").await.unwrap().actor.id.0;
    let suspend = format!("/moderatie/besluit?account={anna_actor}&kind=suspend_account&report={report}");
    assert!(links.contains(&suspend.as_str()), "{links:?}");

    // A report about something else does not answer this decision: refused, nothing decided.
    let about = format!("post={id}&kind=hide_post&report={about_carl}");
    let fields = |r: &str| {
        vec![
            ("post", id.clone()),
            ("kind", "hide_post".into()),
            ("ground", "spam".into()),
            ("facts", "Verkoopt nepmerken.".into()),
            ("report", r.to_string()),
        ]
    };
    let wrong: Vec<(&str, String)> = fields(&about_carl);
    let wrong: Vec<(&str, &str)> = wrong.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let response = decide(&sanne, &about, &wrong).await;
    assert_eq!(response.status(), 422);
    assert_eq!(decisions(&app).await, 0);

    // The decision on the report closes it, linked, and the reporter hears a measure was taken.
    let about = format!("post={id}&kind=hide_post&report={report}");
    let right: Vec<(&str, String)> = fields(&report);
    let right: Vec<(&str, &str)> = right.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let response = decide(&sanne, &about, &right).await;
    assert_eq!(response.status(), 303);
    let statement = status_path(&response);
    let action: i64 = statement.rsplit('/').next().unwrap().parse().unwrap();
    let stored = {
        let mut conn = app.state.pool.get().await.unwrap();
        buurt::db::models::report::Report::by_id(&mut conn, report.parse().unwrap()).await.unwrap().unwrap()
    };
    assert_eq!(stored.state, "resolved");
    assert_eq!(stored.action_id, Some(action));
    let outcome = stored.resolution.unwrap_or_default();
    assert!(outcome.contains("/moderatie") && !outcome.contains("anna"), "{outcome}");
    let told = notifications_of(&app, "bert").await;
    assert!(told.iter().any(|(kind, _, _)| kind == "report_resolved"), "{told:?}");

    // A closed report answers no second decision.
    let response = decide(&sanne, &about, &right).await;
    assert_eq!(response.status(), 422);
    assert_eq!(decisions(&app).await, 1);
    app.stop().await;
}
