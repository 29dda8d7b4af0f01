//! Groups: creating them (per the instance's setting), membership by openness, moderation by
//! group moderators and nobody else, members-only groups hiding their members, and joining
//! and leaving from another server in Mobilizon's shapes — each from the wrong side too.

use std::time::SystemTime;

use buurt::config::GroupCreation;
use buurt::db::models::local_user::Role;
use buurt::db::models::membership::{GroupRole, MemberState, Membership};
use serde_json::json;

use crate::both;
use crate::inbox::post_signed;
use crate::notifications::notifications_of;
use crate::util::*;

both!(
    residents_create_groups_as_the_instance_allows,
    membership_follows_the_groups_openness,
    only_moderators_moderate_and_a_group_keeps_an_administrator,
    members_only_groups_show_their_members_to_members_only,
    the_web_pages_join_leave_and_answer_requests,
    people_elsewhere_join_and_leave_in_mobilizons_shapes,
    an_administrator_deletes_a_group_and_its_followers_hear_of_it,
);

/// Creates group `name` through the API as `api`'s person, with these rules.
async fn group(api: &Api, name: &str, openness: &str, content: &str) -> serde_json::Value {
    api.post(
        "/api/buurt/v1/groups",
        json!({"name": name, "display_name": format!("Groep {name}"), "openness": openness, "content": content}),
    )
    .await
}

/// `(state, role)` of `member`'s membership of group `group`, if any.
async fn membership(app: &TestApp, group: &str, member: &str) -> Option<(MemberState, GroupRole)> {
    let mut conn = app.state.pool.get().await.unwrap();
    let g = buurt::domain::actors::local_by_name(&mut conn, app.settings(), group).await.unwrap()?;
    let domain = app.settings().instance.domain.clone();
    let (name, domain) = member.split_once('@').unwrap_or((member, domain.as_str()));
    let m = buurt::db::models::actor::Actor::by_name(&mut conn, name, domain).await.unwrap()?;
    Membership::find(&mut conn, g.id, m.id).await.unwrap().map(|m| (m.state(), m.role()))
}

async fn residents_create_groups_as_the_instance_allows(b: Backend) {
    // Anyone: active at once, the creator its administrator.
    let app = TestApp::spawn(b).await;
    let anna = app.api_user("anna").await;
    let made = group(&anna, "tuin", "open", "public").await;
    assert_eq!((made["status"].as_str(), made["kind"].as_str()), (Some("active"), Some("interest")));
    assert_eq!(membership(&app, "tuin", "anna").await, Some((MemberState::Accepted, GroupRole::Administrator)));
    // The name space is shared with persons; bad choices are refused and nothing is made.
    for (body, field) in [
        (json!({"name": "anna", "display_name": "Anna's"}), "username"),
        (json!({"name": "koor", "display_name": "Koor", "openness": "soms"}), "openness"),
        (json!({"name": "wijk", "display_name": "Wijk", "kind": "neighbourhood"}), "kind"),
        (json!({"name": "x y", "display_name": "X"}), "username"),
    ] {
        let response = anna.send(reqwest::Method::POST, "/api/buurt/v1/groups", Some(body)).await;
        assert_eq!(response.status(), 422);
        assert!(response.text().await.unwrap().contains(field), "{field}");
    }
    let page = app.browser().get_html("/groepen").await;
    assert_eq!(text_of(&page, ".card h2").as_deref(), Some("Groep tuin"), "one group, in the directory");
    app.stop().await;

    // Approval: pending, seen by nobody but moderators until one approves.
    let app = TestApp::spawn_with(b, |s| s.instance.group_creation = GroupCreation::Approval).await;
    let anna = app.api_user("anna").await;
    assert_eq!(group(&anna, "koor", "open", "public").await["status"], "pending");
    let stranger = app.browser();
    assert_eq!(stranger.get("/g/koor").await.status(), 404);
    assert_eq!(stranger.get("/g/koor/leden").await.status(), 404);
    let outsider = app.api_user("otto").await;
    let response = outsider.send(reqwest::Method::GET, "/api/buurt/v1/groups/koor", None).await;
    assert_eq!(response.status(), 404, "not in the API either");
    assert!(outsider.get("/api/buurt/v1/groups").await.as_array().unwrap().is_empty());
    assert!(text_of(&stranger.get_html("/groepen").await, ".card h2").is_none());
    let moderator = app.signed_in("verbinder", Role::Moderator).await;
    assert_eq!(moderator.get("/g/koor").await.status(), 200);
    let bert = app.api_user("bert").await;
    let response = bert.send(reqwest::Method::POST, "/api/buurt/v1/groups/koor/join", Some(json!({}))).await;
    assert_eq!(response.status(), 422, "nobody joins a group that is not open yet");
    let koor = {
        let mut conn = app.state.pool.get().await.unwrap();
        buurt::domain::groups::local(&mut conn, app.settings(), "koor").await.unwrap().unwrap()
    };
    let anna_account = app.account("anna").await.unwrap();
    let refused = buurt::domain::groups::set_status(
        &app.state,
        &anna_account,
        &koor,
        buurt::db::models::group_profile::GroupStatus::Active,
    )
    .await;
    assert!(matches!(refused, Err(buurt::domain::DomainError::Forbidden)), "the creator cannot approve it");
    // The creator sees no approve button; a site moderator approves on the members page.
    let creator = app.browser();
    creator.login("anna", PASSWORD).await;
    assert!(!creator.get_html("/g/koor/leden").await.html().contains("Groep goedkeuren"));
    assert!(moderator.get_html("/groepen").await.html().contains("Wacht op goedkeuring"));
    let response = moderator.submit("/g/koor/leden", "/g/koor/status", &[("status", "active")]).await;
    assert_eq!(response.status(), 303);
    assert_eq!(stranger.get("/g/koor").await.status(), 200);
    app.stop().await;

    // Staff only: residents are refused, on the web and in the API.
    let app = TestApp::spawn_with(b, |s| s.instance.group_creation = GroupCreation::Staff).await;
    let anna = app.api_user("anna").await;
    let response =
        anna.send(reqwest::Method::POST, "/api/buurt/v1/groups", Some(json!({"name": "x", "display_name": "X"}))).await;
    assert_eq!(response.status(), 403);
    let browser = app.browser();
    browser.login("anna", PASSWORD).await;
    assert_eq!(browser.get("/groepen/nieuw").await.status(), 403);
    assert!(text_of(&browser.get_html("/groepen").await, "a[href=\"/groepen/nieuw\"]").is_none());
    app.stop().await;
}

async fn membership_follows_the_groups_openness(b: Backend) {
    let app = TestApp::spawn(b).await;
    let anna = app.api_user("anna").await;
    let bert = app.api_user("bert").await;
    let carla = app.api_user("carla").await;
    group(&anna, "open", "open", "public").await;
    group(&anna, "vraag", "approval", "public").await;
    group(&anna, "dicht", "invite", "public").await;

    // Open: a member at once.
    assert_eq!(bert.post("/api/buurt/v1/groups/open/join", json!({})).await["state"], "accepted");
    // Approval: a request; the administrator hears of it and accepts.
    let asked = bert.post("/api/buurt/v1/groups/vraag/join", json!({"message": "Ik woon op nummer 3"})).await;
    assert_eq!(asked["state"], "pending");
    let told = notifications_of(&app, "anna").await;
    assert!(told.iter().any(|n| n.0 == "group_join_request" && n.1.as_deref() == Some("bert")), "{told:?}");
    let requests = anna.get("/api/buurt/v1/groups/vraag/members?state=pending").await;
    assert_eq!(requests[0]["message"], "Ik woon op nummer 3");
    let bert_id = requests[0]["account_id"].as_str().unwrap().to_string();
    anna.post(&format!("/api/buurt/v1/groups/vraag/members/{bert_id}"), json!({"action": "accept"})).await;
    assert_eq!(membership(&app, "vraag", "bert").await, Some((MemberState::Accepted, GroupRole::Member)));
    assert!(notifications_of(&app, "bert").await.iter().any(|n| n.0 == "group_joined"));
    // A rejected request leaves nothing.
    carla.post("/api/buurt/v1/groups/vraag/join", json!({})).await;
    let carla_id = app.account("carla").await.unwrap().actor.id.0;
    anna.post(&format!("/api/buurt/v1/groups/vraag/members/{carla_id}"), json!({"action": "reject"})).await;
    assert_eq!(membership(&app, "vraag", "carla").await, None);

    // Invite-only: refused until invited, then a member by joining.
    let response = carla.send(reqwest::Method::POST, "/api/buurt/v1/groups/dicht/join", Some(json!({}))).await;
    assert_eq!(response.status(), 422);
    assert_eq!(membership(&app, "dicht", "carla").await, None, "nothing stored");
    anna.post("/api/buurt/v1/groups/dicht/invitations", json!({"who": "carla"})).await;
    assert_eq!(membership(&app, "dicht", "carla").await, Some((MemberState::Invited, GroupRole::Member)));
    assert!(notifications_of(&app, "carla").await.iter().any(|n| n.0 == "group_invite"));
    assert_eq!(carla.post("/api/buurt/v1/groups/dicht/join", json!({})).await["state"], "accepted");
    let response = anna
        .send(reqwest::Method::POST, "/api/buurt/v1/groups/dicht/invitations", Some(json!({"who": "niemand"})))
        .await;
    assert_eq!(response.status(), 422, "an unknown person");

    // A ban keeps someone out.
    anna.post(
        &format!("/api/buurt/v1/groups/open/members/{}", app.account("bert").await.unwrap().actor.id.0),
        json!({"action": "ban"}),
    )
    .await;
    let response = bert.send(reqwest::Method::POST, "/api/buurt/v1/groups/open/join", Some(json!({}))).await;
    assert_eq!(response.status(), 422);
    assert_eq!(membership(&app, "open", "bert").await, Some((MemberState::Banned, GroupRole::Member)));
    app.stop().await;
}

async fn only_moderators_moderate_and_a_group_keeps_an_administrator(b: Backend) {
    let app = TestApp::spawn(b).await;
    let anna = app.api_user("anna").await;
    let bert = app.api_user("bert").await;
    let carla = app.api_user("carla").await;
    group(&anna, "vraag", "approval", "public").await;
    bert.post("/api/buurt/v1/groups/vraag/join", json!({})).await;
    let anna_id = app.account("anna").await.unwrap().actor.id.0;
    let bert_id = app.account("bert").await.unwrap().actor.id.0;
    let carla_id = app.account("carla").await.unwrap().actor.id.0;
    anna.post(&format!("/api/buurt/v1/groups/vraag/members/{bert_id}"), json!({"action": "accept"})).await;
    carla.post("/api/buurt/v1/groups/vraag/join", json!({})).await;

    // A member acting as moderator: refused, nothing changed.
    for (who, body) in [
        (carla_id, json!({"action": "accept"})),
        (anna_id, json!({"action": "remove"})),
        (carla_id, json!({"action": "role", "role": "administrator"})),
    ] {
        let response =
            bert.send(reqwest::Method::POST, &format!("/api/buurt/v1/groups/vraag/members/{who}"), Some(body)).await;
        assert_eq!(response.status(), 403);
    }
    let response = bert.send(reqwest::Method::GET, "/api/buurt/v1/groups/vraag/members?state=pending", None).await;
    assert_eq!(response.status(), 403, "requests are for moderators");
    assert_eq!(membership(&app, "vraag", "carla").await, Some((MemberState::Pending, GroupRole::Member)));
    assert_eq!(membership(&app, "vraag", "anna").await, Some((MemberState::Accepted, GroupRole::Administrator)));

    // Made moderator, bert answers requests but cannot remove the administrator.
    anna.post(&format!("/api/buurt/v1/groups/vraag/members/{bert_id}"), json!({"action": "role", "role": "moderator"}))
        .await;
    bert.post(&format!("/api/buurt/v1/groups/vraag/members/{carla_id}"), json!({"action": "accept"})).await;
    let response = bert
        .send(
            reqwest::Method::POST,
            &format!("/api/buurt/v1/groups/vraag/members/{anna_id}"),
            Some(json!({"action": "remove"})),
        )
        .await;
    assert_eq!(response.status(), 403);
    // The last administrator cannot leave; after handing over, she can.
    let response = anna.send(reqwest::Method::POST, "/api/buurt/v1/groups/vraag/leave", None).await;
    assert_eq!(response.status(), 422);
    assert!(response.text().await.unwrap().contains("beheerder"), "the reason, in Dutch");
    anna.post(
        &format!("/api/buurt/v1/groups/vraag/members/{bert_id}"),
        json!({"action": "role", "role": "administrator"}),
    )
    .await;
    anna.post("/api/buurt/v1/groups/vraag/leave", json!({})).await;
    assert_eq!(membership(&app, "vraag", "anna").await, None);
    // A site moderator moderates every group.
    let verbinder = app.create_user("verbinder", Role::Moderator).await;
    let koor = {
        let mut conn = app.state.pool.get().await.unwrap();
        buurt::domain::groups::local(&mut conn, app.settings(), "vraag").await.unwrap().unwrap()
    };
    buurt::domain::groups::members::remove(
        &app.state,
        &verbinder,
        &koor,
        buurt::db::models::actor::ActorId(carla_id),
        false,
    )
    .await
    .unwrap();
    assert_eq!(membership(&app, "vraag", "carla").await, None);
    app.stop().await;
}

async fn members_only_groups_show_their_members_to_members_only(b: Backend) {
    let app = TestApp::spawn(b).await;
    let anna = app.api_user("anna").await;
    let bert = app.api_user("bert").await;
    let carla = app.api_user("carla").await;
    group(&anna, "besloten", "open", "members").await;
    bert.post("/api/buurt/v1/groups/besloten/join", json!({})).await;

    // Strangers and non-members: no names, on the page, in the API and over ActivityPub.
    let page = app.browser().get_html("/g/besloten/leden").await;
    assert!(page.html().contains("Alleen leden zien wie er lid is."));
    assert!(!page.html().contains("/u/bert"));
    let response = carla.send(reqwest::Method::GET, "/api/buurt/v1/groups/besloten/members", None).await;
    assert_eq!(response.status(), 403);
    let collection = activity_json(app.url("/g/besloten/members")).await;
    assert_eq!(collection["totalItems"], 2);
    assert_eq!(collection["orderedItems"], json!([]));
    let actor = activity_json(app.url("/g/besloten")).await;
    assert_eq!(actor["members"], app.url("/g/besloten/members"));
    assert_eq!(actor["attributedTo"], app.url("/g/besloten/moderators"));
    let moderators = activity_json(app.url("/g/besloten/moderators")).await;
    assert_eq!(moderators["orderedItems"], json!([app.url("/u/anna")]));
    // The profile of a member does not name the group to strangers.
    assert!(!app.browser().get_html("/u/bert").await.html().contains("/g/besloten"));

    // A member sees who belongs.
    let members = bert.get("/api/buurt/v1/groups/besloten/members").await;
    let names: Vec<&str> = members.as_array().unwrap().iter().map(|m| m["username"].as_str().unwrap()).collect();
    assert_eq!(names, ["anna", "bert"], "the administrator first");
    let browser = app.browser();
    browser.login("bert", PASSWORD).await;
    assert!(browser.get_html("/g/besloten/leden").await.html().contains("/u/anna"));
    app.stop().await;
}

async fn the_web_pages_join_leave_and_answer_requests(b: Backend) {
    let app = TestApp::spawn(b).await;
    app.create_user("anna", Role::Member).await;
    app.create_user("bert", Role::Member).await;
    let anna = app.browser();
    anna.login("anna", PASSWORD).await;
    let fields = [
        ("display_name", "Moestuin Oost"),
        ("username", "moestuin"),
        ("summary", "Samen tuinieren."),
        ("kind", "interest"),
        ("openness", "approval"),
        ("content", "public"),
        ("posting", "members"),
    ];
    let response = anna.submit("/groepen/nieuw", "/groepen/nieuw", &fields).await;
    assert_eq!(response.status(), 303);
    assert_eq!(response.headers()["location"], "/g/moestuin/leden?gedaan=created");
    // A taken name: the form again with the error in Dutch.
    let response = anna.submit("/groepen/nieuw", "/groepen/nieuw", &fields).await;
    assert_eq!(response.status(), 422);
    assert!(field_error(&html(response).await, "username").is_some());

    let bert = app.browser();
    bert.login("bert", PASSWORD).await;
    // The group's page leads there: a group that approves its members asks for a message.
    let page = bert.get_html("/g/moestuin").await.html();
    assert!(page.contains("<a class=\"button\" href=\"/g/moestuin/leden\">Vragen om lid te worden</a>"), "{page}");
    assert!(!page.contains("/g/moestuin/lid-worden"), "{page}");
    assert!(!app.browser().get_html("/g/moestuin").await.html().contains("Vragen om lid te worden"), "not anonymous");
    let page = bert.get_html("/g/moestuin/leden").await;
    assert!(page.html().contains("Vragen om lid te worden"));
    let response = bert.submit("/g/moestuin/leden", "/g/moestuin/lid-worden", &[("message", "Hallo!")]).await;
    assert_eq!(response.status(), 303);
    assert!(bert.get_html("/g/moestuin/leden?gedaan=requested").await.html().contains("Je verzoek is verstuurd."));
    // Without the form's token nothing happens.
    let forged = bert.client.post(app.url("/g/moestuin/opzeggen")).form(&[("csrf", "x")]).send().await.unwrap();
    assert_eq!(forged.status(), 403);
    assert_eq!(membership(&app, "moestuin", "bert").await, Some((MemberState::Pending, GroupRole::Member)));
    // Bert cannot answer his own request.
    let bert_id = app.account("bert").await.unwrap().actor.id.0;
    let action = format!("/g/moestuin/leden/{bert_id}");
    let response = bert.submit("/g/moestuin/leden", &action, &[("action", "accept")]).await;
    assert_eq!(response.status(), 403);

    let page = anna.get_html("/g/moestuin/leden").await;
    assert!(page.html().contains("Hallo!"), "the request's message");
    let response = anna.submit("/g/moestuin/leden", &action, &[("action", "accept")]).await;
    assert_eq!(response.status(), 303);
    assert_eq!(membership(&app, "moestuin", "bert").await, Some((MemberState::Accepted, GroupRole::Member)));
    assert!(!bert.get_html("/g/moestuin").await.html().contains("Vragen om lid te worden"), "a member");
    let response = bert.submit("/g/moestuin/leden", "/g/moestuin/opzeggen", &[]).await;
    assert_eq!(response.status(), 303);
    assert_eq!(membership(&app, "moestuin", "bert").await, None);
    // An open group: one button on its page makes a member.
    let admin = app.account("anna").await.unwrap();
    let group = {
        let mut conn = app.state.pool.get().await.unwrap();
        buurt::domain::actors::local_by_name(&mut conn, app.settings(), "moestuin").await.unwrap().unwrap()
    };
    let open = buurt::domain::groups::GroupEdit {
        display_name: "Moestuin Oost".into(),
        summary: "Samen tuinieren.".into(),
        openness: Some("open".into()),
        content: None,
        posting: None,
    };
    buurt::domain::groups::update_group(&app.state, &admin, &group, &open).await.unwrap();
    let page = bert.get_html("/g/moestuin").await.html();
    assert!(page.contains("action=\"/g/moestuin/lid-worden\"") && page.contains(">Lid worden</button>"), "{page}");
    let response = bert.submit("/g/moestuin", "/g/moestuin/lid-worden", &[]).await;
    assert_eq!(response.status(), 303);
    assert_eq!(membership(&app, "moestuin", "bert").await, Some((MemberState::Accepted, GroupRole::Member)));
    // The group's administrator edits it.
    assert_eq!(anna.get("/g/moestuin/bewerken").await.status(), 200);
    assert_eq!(bert.get("/g/moestuin/bewerken").await.status(), 403);
    app.stop().await;
}

async fn people_elsewhere_join_and_leave_in_mobilizons_shapes(b: Backend) {
    let alpha = TestApp::spawn_federated(b).await;
    let beta = TestApp::spawn_federated(b).await;
    let anna = alpha.api_user("anna").await;
    group(&anna, "open", "open", "public").await;
    group(&anna, "vraag", "approval", "public").await;
    group(&anna, "dicht", "invite", "public").await;
    let bert = signer(&beta, "bert").await;
    let inbox = alpha.url("/inbox");
    let send = |body: serde_json::Value| {
        let inbox = inbox.clone();
        let bert = &bert;
        async move {
            let status = post_signed(&inbox, body.to_string().as_bytes(), bert, SystemTime::now()).await.status();
            assert!(status.is_success(), "{status}");
        }
    };
    let join = |group: &str| {
        json!({"id": format!("{}/members/{group}", beta.base), "type": "Join", "actor": bert.actor,
            "object": alpha.url(&format!("/g/{group}")), "to": [alpha.url(&format!("/g/{group}"))]})
    };
    let bert_at = format!("bert@{}", beta.settings().instance.domain);

    // Open: a member, and an Accept with a Member goes back, its id the Join's.
    send(join("open")).await;
    assert_eq!(membership(&alpha, "open", &bert_at).await, Some((MemberState::Accepted, GroupRole::Member)));
    let sent = queued_by(&alpha, "open", "Accept").await;
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0]["object"]["type"], "Member");
    assert_eq!(sent[0]["object"]["id"], format!("{}/members/open", beta.base));
    assert_eq!(sent[0]["object"]["role"], "member");
    // Approval: a request for the moderators; no answer yet.
    send(join("vraag")).await;
    assert_eq!(membership(&alpha, "vraag", &bert_at).await, Some((MemberState::Pending, GroupRole::Member)));
    assert!(queued_by(&alpha, "vraag", "Accept").await.is_empty());
    // Invite-only: a Reject embedding the Join, nothing stored.
    send(join("dicht")).await;
    assert_eq!(membership(&alpha, "dicht", &bert_at).await, None);
    let rejected = queued_by(&alpha, "dicht", "Reject").await;
    assert_eq!(rejected[0]["object"]["id"], format!("{}/members/dicht", beta.base));
    // Leave, and Undo of a Join.
    send(json!({"id": format!("{}/leave/1", beta.base), "type": "Leave", "actor": bert.actor, "object": alpha.url("/g/open")}))
        .await;
    assert_eq!(membership(&alpha, "open", &bert_at).await, None);
    send(json!({"id": format!("{}/undo/1", beta.base), "type": "Undo", "actor": bert.actor, "object": join("vraag")}))
        .await;
    assert_eq!(membership(&alpha, "vraag", &bert_at).await, None);

    // A resident here joins a group there: a Join goes out, the Accept makes her a member.
    let carla_api = beta.api_user("carla").await;
    group(&carla_api, "koor", "approval", "public").await;
    let koor = {
        let mut conn = alpha.state.pool.get().await.unwrap();
        let found =
            buurt::domain::resolve::account(&alpha.state, &format!("koor@{}", beta.settings().instance.domain), true)
                .await
                .unwrap()
                .unwrap();
        buurt::domain::groups::with_profile(&mut conn, found).await.unwrap()
    };
    let anna_account = alpha.account("anna").await.unwrap();
    let state = buurt::domain::groups::members::join(&alpha.state, &anna_account, &koor, "").await.unwrap();
    assert_eq!(state, MemberState::Pending);
    alpha.drain().await;
    let anna_at = format!("anna@{}", alpha.settings().instance.domain);
    eventually("the Join reaches beta", || async { membership(&beta, "koor", &anna_at).await.is_some() }).await;
    let anna_id = {
        let mut conn = beta.state.pool.get().await.unwrap();
        let (name, domain) = anna_at.split_once('@').unwrap();
        buurt::db::models::actor::Actor::by_name(&mut conn, name, domain).await.unwrap().unwrap().id.0
    };
    carla_api.post(&format!("/api/buurt/v1/groups/koor/members/{anna_id}"), json!({"action": "accept"})).await;
    beta.drain().await;
    eventually("the Accept reaches alpha", || async {
        let mut conn = alpha.state.pool.get().await.unwrap();
        Membership::find(&mut conn, koor.actor.id, anna_account.actor.id)
            .await
            .unwrap()
            .is_some_and(|m| m.state() == MemberState::Accepted)
    })
    .await;
    alpha.stop().await;
    beta.stop().await;
}

async fn an_administrator_deletes_a_group_and_its_followers_hear_of_it(b: Backend) {
    let alpha = TestApp::spawn_federated(b).await;
    let beta = TestApp::spawn_federated(b).await;
    let anna = alpha.api_user("anna").await;
    let bert = alpha.api_user("bert").await;
    group(&anna, "weg", "open", "public").await;
    bert.post("/api/buurt/v1/groups/weg/join", json!({})).await;
    // A follower on beta.
    let carla = beta.create_user("carla", Role::Member).await;
    let handle = format!("weg@{}", alpha.settings().instance.domain);
    let found = buurt::domain::resolve::account(&beta.state, &handle, true).await.unwrap().unwrap();
    buurt::domain::follows::follow(&beta.state, &carla, &found).await.unwrap();
    beta.drain().await;
    eventually("the follow reaches alpha", || async { !queued_by(&alpha, "weg", "Accept").await.is_empty() }).await;

    // A member cannot delete it; the form needs its box ticked.
    let response = bert.send(reqwest::Method::DELETE, "/api/buurt/v1/groups/weg", None).await;
    assert_eq!(response.status(), 403);
    let browser = alpha.browser();
    browser.login("anna", PASSWORD).await;
    let response = browser.submit("/g/weg/leden", "/g/weg/verwijderen", &[]).await;
    assert_eq!(response.status(), 400);
    assert_eq!(alpha.browser().get("/g/weg").await.status(), 200, "still there");

    let response = browser.submit("/g/weg/leden", "/g/weg/verwijderen", &[("confirm", "ja")]).await;
    assert_eq!(response.status(), 303);
    assert_eq!(alpha.browser().get("/g/weg").await.status(), 404);
    let sent = queued_by(&alpha, "weg", "Delete").await;
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0]["object"], alpha.url("/g/weg"));
    alpha.drain().await;
    eventually("beta marks the group deleted", || async {
        let mut conn = beta.state.pool.get().await.unwrap();
        buurt::db::models::actor::Actor::by_ap_id(&mut conn, &alpha.url("/g/weg"))
            .await
            .unwrap()
            .is_some_and(|a| a.deleted)
    })
    .await;
    alpha.stop().await;
    beta.stop().await;
}
