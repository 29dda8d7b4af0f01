//! Organisations (an `Organization` actor with its type, followed from Mastodon, an account
//! in the client API, in the directory), group invitations by link and by e-mail (signed in
//! and registering; expired, used up, of another group: refused, nothing stored), and a
//! group's status in Buurt's API — each from the wrong side too.

use std::time::SystemTime;

use buurt::config::{GroupCreation, RegistrationMode};
use buurt::db::models::local_user::Role;
use buurt::db::models::membership::{GroupRole, MemberState, Membership};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use serde_json::{Value, json};

use crate::both;
use crate::inbox::post_signed;
use crate::util::*;

both!(
    organisations_are_organization_actors_that_mastodon_follows,
    invitation_links_make_members_until_they_expire_or_are_used_up,
    invitations_by_mail_and_when_registering,
    the_api_approves_archives_and_unarchives_groups,
);

/// `(state, role)` of `member`'s membership of the local group `group`, if any.
pub async fn membership(app: &TestApp, group: &str, member: &str) -> Option<(MemberState, GroupRole)> {
    let mut conn = app.state.pool.get().await.unwrap();
    let g = buurt::domain::actors::local_by_name(&mut conn, app.settings(), group).await.unwrap()?;
    let domain = app.settings().instance.domain.clone();
    let (name, domain) = member.split_once('@').unwrap_or((member, domain.as_str()));
    let m = buurt::db::models::actor::Actor::by_name(&mut conn, name, domain).await.unwrap()?;
    Membership::find(&mut conn, g.id, m.id).await.unwrap().map(|m| (m.state(), m.role()))
}

/// An API client for a new account with a site role.
async fn api_with_role(app: &TestApp, name: &str, role: Role) -> Api {
    let account = app.create_user(name, role).await;
    let token = buurt::domain::oauth::admin_token(&app.state.pool, &account, "test").await.unwrap();
    Api { client: reqwest::Client::new(), base: app.base.clone(), token }
}

async fn organisations_are_organization_actors_that_mastodon_follows(b: Backend) {
    let alpha = TestApp::spawn_federated(b).await;
    let beta = TestApp::spawn_federated(b).await;
    let anna = alpha.api_user("anna").await;
    let domain = alpha.settings().instance.domain.clone();

    // In the API: an organisation needs its type; a wrong one is refused and nothing is made.
    for (body, field) in [
        (json!({"name": "zorg", "display_name": "Zorg", "kind": "organisation"}), "org_type"),
        (json!({"name": "zorg", "display_name": "Zorg", "kind": "organisation", "org_type": "sekte"}), "org_type"),
    ] {
        let response = anna.send(reqwest::Method::POST, "/api/buurt/v1/groups", Some(body)).await;
        assert_eq!(response.status(), 422);
        assert!(response.text().await.unwrap().contains(field));
    }
    assert_eq!(alpha.browser().get("/g/zorg").await.status(), 404, "nothing was made");
    let made = anna
        .post(
            "/api/buurt/v1/groups",
            json!({"name": "zorg", "display_name": "Wijkzorg Oost", "kind": "organisation", "org_type": "care_provider"}),
        )
        .await;
    assert_eq!((made["kind"].as_str(), made["org_type"].as_str()), (Some("organisation"), Some("care_provider")));
    // An interest group has no organisation type, whatever was sent.
    let tuin = anna
        .post("/api/buurt/v1/groups", json!({"name": "tuin", "display_name": "Tuin", "org_type": "business"}))
        .await;
    assert!(tuin["org_type"].is_null());

    // On the web: /groepen/nieuw with the kind and the type; the page says what it is.
    let browser = alpha.signed_in("bert", Role::Member).await;
    let fields = [
        ("display_name", "Gemeente Oost"),
        ("username", "gemeente"),
        ("summary", ""),
        ("kind", "organisation"),
        ("org_type", "municipality"),
        ("openness", "open"),
        ("content", "public"),
        ("posting", "members"),
    ];
    let response = browser.submit("/groepen/nieuw", "/groepen/nieuw", &fields).await;
    assert_eq!(response.status(), 303);
    let page = alpha.browser().get_html("/g/gemeente").await;
    assert!(page.html().contains("Organisatie · Gemeente"), "the type on its page");
    let missing = [("org_type", ""), ("username", "winkel"), ("display_name", "Winkel")];
    let fields: Vec<(&str, &str)> =
        fields.iter().copied().filter(|(k, _)| !missing.iter().any(|(m, _)| m == k)).chain(missing).collect();
    let response = browser.submit("/groepen/nieuw", "/groepen/nieuw", &fields).await;
    assert_eq!(response.status(), 422);
    assert!(field_error(&html(response).await, "org_type").is_some());
    assert_eq!(alpha.browser().get("/g/winkel").await.status(), 404);

    // On the wire: an Organization with inbox, outbox and followers, and its type.
    let actor: Value = reqwest::Client::new()
        .get(alpha.url("/g/zorg"))
        .header("accept", "application/activity+json")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(actor["type"], "Organization");
    assert_eq!(actor["buurt:organisationType"], "care_provider");
    assert_eq!(actor["buurt:groupKind"], "organisation");
    for field in ["inbox", "outbox", "followers"] {
        assert_eq!(actor[field], alpha.url(&format!("/g/zorg/{field}")), "{field}");
    }
    let collection: Value = reqwest::Client::new()
        .get(alpha.url("/g/zorg/followers"))
        .header("accept", "application/activity+json")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(collection["totalItems"], 0);
    let wf: Value = reqwest::get(alpha.url(&format!("/.well-known/webfinger?resource=acct:zorg@{domain}")))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(wf["links"][0]["href"], alpha.url("/g/zorg"));

    // Mastodon follows it: a signed Follow is accepted, and it has a follower.
    let piet = signer(&beta, "piet").await;
    let follow = json!({"id": format!("{}/follows/1", beta.base), "type": "Follow", "actor": piet.actor,
        "object": alpha.url("/g/zorg")});
    let status = post_signed(&alpha.url("/g/zorg/inbox"), follow.to_string().as_bytes(), &piet, SystemTime::now())
        .await
        .status();
    assert!(status.is_success(), "{status}");
    let accepts = queued_by(&alpha, "zorg", "Accept").await;
    assert_eq!(accepts.len(), 1);
    assert_eq!(accepts[0]["object"]["id"], format!("{}/follows/1", beta.base));
    assert_eq!(accepts[0]["actor"], alpha.url("/g/zorg"));
    alpha.drain().await;

    // In the client API: an account, not a group.
    let account = anna.get("/api/v1/accounts/lookup?acct=zorg").await;
    assert_eq!(account["group"], false);
    assert_eq!(account["followers_count"], 1);
    assert_eq!(anna.get("/api/v1/accounts/lookup?acct=tuin").await["group"], true);

    // The directory lists it, also when filtered by kind; interest groups are not among them.
    let page = alpha.browser().get_html("/groepen?soort=organisation").await;
    assert!(page.html().contains("Wijkzorg Oost") && !page.html().contains(">Tuin<"));
    assert!(alpha.browser().get_html("/groepen").await.html().contains("Wijkzorg Oost"));
    // It is listed among the groups of the API too, and a resident joins it as any group.
    let listed = anna.get("/api/buurt/v1/groups").await;
    assert!(listed.as_array().unwrap().iter().any(|g| g["name"] == "zorg"));
    let carla = alpha.api_user("carla").await;
    assert_eq!(carla.post("/api/buurt/v1/groups/zorg/join", json!({})).await["state"], "accepted");
    alpha.stop().await;
    beta.stop().await;
}

/// Makes an invitation link to `group` as `api`'s person.
async fn link(api: &Api, group: &str, uses: i32, days: i64) -> Value {
    api.post(&format!("/api/buurt/v1/groups/{group}/invite-links"), json!({"max_uses": uses, "expires_days": days}))
        .await
}

async fn invitation_links_make_members_until_they_expire_or_are_used_up(b: Backend) {
    let app = TestApp::spawn(b).await;
    let anna = app.api_user("anna").await;
    anna.post("/api/buurt/v1/groups", json!({"name": "dicht", "display_name": "Dicht", "openness": "invite"})).await;
    anna.post("/api/buurt/v1/groups", json!({"name": "ander", "display_name": "Ander"})).await;
    let bert = app.api_user("bert").await;
    let carla = app.api_user("carla").await;

    // Only its administrators make and see links.
    bert.post("/api/buurt/v1/groups/ander/join", json!({})).await;
    for path in ["/api/buurt/v1/groups/dicht/invite-links", "/api/buurt/v1/groups/ander/invite-links"] {
        let body = json!({"max_uses": 5, "expires_days": 5});
        let response = bert.send(reqwest::Method::POST, path, Some(body)).await;
        assert_eq!(response.status(), 403, "{path}");
        assert_eq!(bert.send(reqwest::Method::GET, path, None).await.status(), 403);
    }
    // Bad numbers: refused, nothing made.
    for body in [json!({"max_uses": 0, "expires_days": 5}), json!({"max_uses": 5, "expires_days": 400})] {
        let response = anna.send(reqwest::Method::POST, "/api/buurt/v1/groups/dicht/invite-links", Some(body)).await;
        assert_eq!(response.status(), 422);
    }
    assert!(anna.get("/api/buurt/v1/groups/dicht/invite-links").await.as_array().unwrap().is_empty());

    // One use: the first becomes a member of the invite-only group, the second is refused.
    let once = link(&anna, "dicht", 1, 7).await;
    let code = once["code"].as_str().unwrap().to_string();
    assert!(once["url"].as_str().unwrap().ends_with(&format!("/g/dicht/uitnodiging/{code}")));
    let direct = bert.send(reqwest::Method::POST, "/api/buurt/v1/groups/dicht/join", Some(json!({}))).await;
    assert_eq!(direct.status(), 422, "invite-only without the link");
    assert_eq!(bert.post("/api/buurt/v1/groups/dicht/redeem", json!({"code": code})).await["state"], "accepted");
    assert_eq!(membership(&app, "dicht", "bert").await, Some((MemberState::Accepted, GroupRole::Member)));
    let used =
        carla.send(reqwest::Method::POST, "/api/buurt/v1/groups/dicht/redeem", Some(json!({"code": code}))).await;
    assert_eq!(used.status(), 422);
    assert!(used.text().await.unwrap().contains("zo vaak gebruikt"), "a clear error");
    assert_eq!(membership(&app, "dicht", "carla").await, None);

    // Of another group: unknown there.
    let other = link(&anna, "ander", 5, 7).await;
    let body = json!({"code": other["code"]});
    let wrong = carla.send(reqwest::Method::POST, "/api/buurt/v1/groups/dicht/redeem", Some(body)).await;
    assert_eq!(wrong.status(), 422);
    assert_eq!(membership(&app, "dicht", "carla").await, None);

    // Expired: refused, its uses unchanged.
    let old = link(&anna, "dicht", 5, 7).await;
    let old_code = old["code"].as_str().unwrap().to_string();
    {
        use buurt::db::schema::invite;
        let mut conn = app.state.pool.get().await.unwrap();
        let past = buurt::db::now() - chrono::TimeDelta::days(1);
        buurt::dispatch!(&mut conn, c => diesel::update(invite::table.filter(invite::code.eq(&old_code)))
            .set(invite::expires_at.eq(Some(past)))
            .execute(c)
            .await)
        .unwrap();
    }
    let body = json!({"code": old_code});
    let expired = carla.send(reqwest::Method::POST, "/api/buurt/v1/groups/dicht/redeem", Some(body)).await;
    assert_eq!(expired.status(), 422);
    assert!(expired.text().await.unwrap().contains("verlopen"));
    assert_eq!(membership(&app, "dicht", "carla").await, None);
    let listed = anna.get("/api/buurt/v1/groups/dicht/invite-links").await;
    let row = listed.as_array().unwrap().iter().find(|i| i["code"] == old_code.as_str()).unwrap().clone();
    assert_eq!(row["uses"], 0, "nothing stored");

    // On the web: the link's page says it expired; a good one lets a signed-in person join.
    let stranger = app.browser();
    let response = stranger.get(&format!("/g/dicht/uitnodiging/{old_code}")).await;
    assert_eq!(response.status(), 410);
    assert!(html(response).await.html().contains("verlopen"));
    let many = link(&anna, "dicht", 5, 7).await;
    let path = format!("/g/dicht/uitnodiging/{}", many["code"].as_str().unwrap());
    let page = stranger.get_html(&path).await;
    assert!(page.html().contains(&format!("/registreren?code={}", many["code"].as_str().unwrap())));
    let dora = app.signed_in("dora", Role::Member).await;
    let response = dora.submit(&path, &path, &[]).await;
    assert_eq!(response.status(), 303);
    assert_eq!(membership(&app, "dicht", "dora").await, Some((MemberState::Accepted, GroupRole::Member)));
    // The administrators' page lists the links and makes one; others may not see it.
    let admin = app.browser();
    admin.login("anna", PASSWORD).await;
    let response = admin
        .submit("/g/dicht/uitnodigingen", "/g/dicht/uitnodigingen", &[("max_uses", "3"), ("expires_days", "2")])
        .await;
    assert_eq!(response.status(), 303);
    assert_eq!(anna.get("/api/buurt/v1/groups/dicht/invite-links").await.as_array().unwrap().len(), 4);
    assert!(admin.get_html("/g/dicht/leden").await.html().contains("/g/dicht/uitnodigingen"));
    assert_eq!(dora.get("/g/dicht/uitnodigingen").await.status(), 403);
    app.stop().await;
}

async fn invitations_by_mail_and_when_registering(b: Backend) {
    let app = TestApp::spawn(b).await;
    let anna = app.api_user("anna").await;
    anna.post("/api/buurt/v1/groups", json!({"name": "koor", "display_name": "Buurtkoor", "openness": "invite"})).await;

    // By e-mail: one use, the mail through the mail jobs, with the group's link.
    let bad = anna
        .send(
            reqwest::Method::POST,
            "/api/buurt/v1/groups/koor/invite-links",
            Some(json!({"email": "geen adres", "expires_days": 3})),
        )
        .await;
    assert_eq!(bad.status(), 422);
    let mailed = anna
        .post("/api/buurt/v1/groups/koor/invite-links", json!({"email": "Eva@Example.org", "expires_days": 3}))
        .await;
    assert_eq!((mailed["max_uses"].as_i64(), mailed["email"].as_str()), (Some(1), Some("eva@example.org")));
    app.run_jobs().await;
    let mails = app.mails_in_folder();
    let mail = mails.iter().find(|m| crate::smtp::header(m, "To") == Some("eva@example.org")).expect("the mail");
    assert!(crate::smtp::unfolded(mail).contains("Buurtkoor"));
    let sent = crate::smtp::link(mail, &app.url("/g/koor/uitnodiging/")).expect("the link");
    assert!(sent.ends_with(mailed["code"].as_str().unwrap()));

    // Registering through it: a member of the invite-only group, landing on its page.
    let code = mailed["code"].as_str().unwrap().to_string();
    let mut fields = registration("eva");
    fields.push(("invite", code.clone()));
    let response = app.browser().register(&as_refs(&fields)).await;
    assert_eq!(response.status(), 303);
    assert_eq!(membership(&app, "koor", "eva").await, Some((MemberState::Accepted, GroupRole::Member)));
    app.stop().await;

    // Where registering needs an invitation to the instance, a group's does not do.
    let app = TestApp::spawn_with(b, |s| s.instance.registration = RegistrationMode::Invite).await;
    let anna = app.api_user("anna").await;
    anna.post("/api/buurt/v1/groups", json!({"name": "koor", "display_name": "Buurtkoor"})).await;
    let made = link(&anna, "koor", 5, 3).await;
    let mut fields = registration("eva");
    fields.push(("invite", made["code"].as_str().unwrap().to_string()));
    let response = app.browser().register(&as_refs(&fields)).await;
    assert_eq!(response.status(), 422);
    assert!(field_error(&html(response).await, "invite").is_some());
    assert!(app.account("eva").await.is_none());
    app.stop().await;

    // Where registrations wait for approval, a group's code does not skip it.
    let app = TestApp::spawn_with(b, |s| s.instance.registration = RegistrationMode::Approval).await;
    let anna = app.api_user("anna").await;
    anna.post("/api/buurt/v1/groups", json!({"name": "koor", "display_name": "Buurtkoor"})).await;
    let made = link(&anna, "koor", 5, 3).await;
    let mut fields = registration("eva");
    fields.push(("invite", made["code"].as_str().unwrap().to_string()));
    let response = app.browser().register(&as_refs(&fields)).await;
    assert_eq!(response.status(), 422);
    assert!(field_error(&html(response).await, "reason").is_some(), "a reason is still asked");
    fields.push(("reason", "Ik zing graag".to_string()));
    let response = app.browser().register(&as_refs(&fields)).await;
    assert_eq!(response.status(), 200, "registered, waiting for approval");
    let eva = app.account("eva").await.unwrap();
    assert_eq!(eva.user.status(), buurt::db::models::local_user::Status::Pending);
    assert_eq!(membership(&app, "koor", "eva").await, None, "a member only once approved and through the link");
    app.stop().await;
}

async fn the_api_approves_archives_and_unarchives_groups(b: Backend) {
    let app = TestApp::spawn_with(b, |s| s.instance.group_creation = GroupCreation::Approval).await;
    let anna = app.api_user("anna").await;
    let bert = app.api_user("bert").await;
    assert_eq!(
        anna.post("/api/buurt/v1/groups", json!({"name": "koor", "display_name": "Koor"})).await["status"],
        "pending"
    );
    let verbinder = api_with_role(&app, "verbinder", Role::Moderator).await;
    let post = |api: &Api, action: &str| {
        let path = format!("/api/buurt/v1/groups/koor/{action}");
        let api = Api { client: api.client.clone(), base: api.base.clone(), token: api.token.clone() };
        async move { api.send(reqwest::Method::POST, &path, None).await.status().as_u16() }
    };

    // Approving: a stranger does not see it, its creator may not, a site moderator does.
    assert_eq!(post(&bert, "approve").await, 404);
    assert_eq!(post(&anna, "approve").await, 403);
    assert_eq!(post(&verbinder, "approve").await, 200);
    assert_eq!(post(&verbinder, "approve").await, 422, "not waiting any more");
    assert_eq!(bert.get("/api/buurt/v1/groups/koor").await["name"], "koor");

    // Archiving: a member may not; the administrator does; then nobody joins.
    bert.post("/api/buurt/v1/groups/koor/join", json!({})).await;
    assert_eq!(post(&bert, "archive").await, 403);
    assert_eq!(post(&anna, "unarchive").await, 422, "not archived");
    assert_eq!(post(&anna, "archive").await, 200);
    let carla = app.api_user("carla").await;
    let response = carla.send(reqwest::Method::POST, "/api/buurt/v1/groups/koor/join", Some(json!({}))).await;
    assert_eq!(response.status(), 422);
    assert_eq!(post(&bert, "unarchive").await, 403);
    assert_eq!(post(&anna, "unarchive").await, 200);
    assert_eq!(carla.post("/api/buurt/v1/groups/koor/join", json!({})).await["state"], "accepted");
    app.stop().await;
}
