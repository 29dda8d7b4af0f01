//! The staff pages: the overview, the admins' list of accounts with roles, and the instance
//! settings that change while it runs — each tried from the wrong side too.

use buurt::config::RegistrationMode;
use buurt::db::models::local_user::Role;
use serde_json::json;

use crate::both;
use crate::util::*;

both!(
    the_overview_shows_each_role_its_own_pages,
    admins_find_accounts_and_set_roles_and_nobody_else_does,
    settings_saved_by_an_admin_hold_at_once_and_bad_ones_change_nothing
);

async fn body(browser: &Browser, path: &str) -> (u16, String) {
    let response = browser.get(path).await;
    (response.status().as_u16(), response.text().await.unwrap())
}

async fn the_overview_shows_each_role_its_own_pages(b: Backend) {
    let app = TestApp::spawn(b).await;
    let ada = app.signed_in("ada", Role::Admin).await;
    let sanne = app.signed_in("sanne", Role::Moderator).await;
    let anna = app.signed_in("anna", Role::Member).await;
    let bert = app.api_user("bert").await;
    let carl = app.api_user("carl").await;
    let post = bert.post("/api/v1/statuses", json!({"status": "Te koop"})).await;
    carl.post("/api/buurt/v1/reports", json!({"post_id": post["id"], "category": "spam"})).await;

    let (status, page) = body(&ada, "/beheer").await;
    assert_eq!(status, 200);
    for link in ["/beheer/aanmeldingen", "/beheer/gebruikers", "/beheer/instellingen", "/beheer/meldingen"] {
        assert!(page.contains(&format!("href=\"{link}\"")), "{link}: {page}");
    }
    assert!(page.contains("Er wacht er 1."), "the open report is counted: {page}");
    let (status, page) = body(&sanne, "/beheer").await;
    assert_eq!(status, 200);
    assert!(page.contains("href=\"/beheer/meldingen\""), "{page}");
    for admin_only in ["/beheer/gebruikers", "/beheer/instellingen", "/beheer/aanmeldingen"] {
        assert!(!page.contains(&format!("href=\"{admin_only}\"")), "{admin_only} is for admins: {page}");
    }
    assert_eq!(body(&anna, "/beheer").await.0, 403);
    let (_, home) = body(&anna, "/").await;
    assert!(!home.contains("href=\"/beheer\""), "a resident's menu has no staff link");
    let visitor = app.browser().get("/beheer").await;
    assert!(visitor.status().is_redirection() || visitor.status() == 401, "{}", visitor.status());
    app.stop().await;
}

async fn admins_find_accounts_and_set_roles_and_nobody_else_does(b: Backend) {
    let app = TestApp::spawn(b).await;
    let ada = app.signed_in("ada", Role::Admin).await;
    let sanne = app.signed_in("sanne", Role::Moderator).await;
    app.create_user("anna", Role::Member).await;
    app.create_user("annelies", Role::Member).await;
    app.create_user("bert", Role::Member).await;
    let anna = app.account("anna").await.unwrap();

    // Search by part of a handle, and by role.
    let (status, page) = body(&ada, "/beheer/gebruikers?q=ANN").await;
    assert_eq!(status, 200);
    assert!(page.contains("@anna") && page.contains("@annelies") && !page.contains("@bert"), "{page}");
    let (_, page) = body(&ada, "/beheer/gebruikers?q=bert%40buurt").await;
    assert!(page.contains("@bert") && !page.contains("@anna"), "by address: {page}");
    let (_, page) = body(&ada, "/beheer/gebruikers?rol=moderator").await;
    assert!(page.contains("@sanne") && !page.contains("@anna"), "{page}");
    assert_eq!(body(&ada, "/beheer/gebruikers?rol=koning").await.0, 400);
    // A moderator neither lists nor changes accounts.
    assert_eq!(body(&sanne, "/beheer/gebruikers").await.0, 403);
    let path = format!("/beheer/gebruikers/{}", anna.user.id.0);
    assert_eq!(body(&sanne, &path).await.0, 403);
    let role_action = format!("{path}/rol");
    let forged = sanne.submit("/", &role_action, &[("role", "admin")]).await;
    assert_eq!(forged.status(), 403);
    assert_eq!(app.account("anna").await.unwrap().user.role(), Role::Member);

    // The account page offers the measures as decisions, and the role form.
    let (_, page) = body(&ada, &path).await;
    assert!(page.contains(&format!("/moderatie/besluit?account={}&amp;kind=suspend_account", anna.actor.id.0)));
    let bad = ada.submit(&path, &role_action, &[("role", "koning")]).await;
    assert_eq!(bad.status(), 422);
    assert_eq!(app.account("anna").await.unwrap().user.role(), Role::Member);
    let saved = ada.submit(&path, &role_action, &[("role", "moderator")]).await;
    assert_eq!(saved.status(), 303);
    assert_eq!(app.account("anna").await.unwrap().user.role(), Role::Moderator);
    // Nobody changes their own role: the page offers no form and a forged one is refused.
    let ada_account = app.account("ada").await.unwrap();
    let own = format!("/beheer/gebruikers/{}", ada_account.user.id.0);
    let (_, page) = body(&ada, &own).await;
    assert!(!page.contains("name=\"role\""), "{page}");
    let refused = ada.submit(&path, &format!("{own}/rol"), &[("role", "member")]).await;
    assert_eq!(refused.status(), 422);
    let refused = refused.text().await.unwrap();
    assert!(refused.contains("U kunt uw eigen rol niet wijzigen"), "{refused}");
    assert_eq!(app.account("ada").await.unwrap().user.role(), Role::Admin);

    // The same through Buurt's API, for admins only.
    let admin_api = app.staff_api("hoofd", Role::Admin).await;
    let found = admin_api.get("/api/buurt/v1/admin/accounts?q=annel").await;
    assert_eq!(found.as_array().unwrap().len(), 1);
    assert_eq!(found[0]["username"], "annelies");
    let id = found[0]["id"].as_str().unwrap().to_string();
    let set = admin_api
        .send(reqwest::Method::PUT, &format!("/api/buurt/v1/admin/accounts/{id}/role"), Some(json!({"role": "admin"})))
        .await;
    assert_eq!(set.status(), 200);
    assert_eq!(app.account("annelies").await.unwrap().user.role(), Role::Admin);
    let moderator_api = app.staff_api("verbinder", Role::Moderator).await;
    let refused = moderator_api.send(reqwest::Method::GET, "/api/buurt/v1/admin/accounts", None).await;
    assert_eq!(refused.status(), 403);
    let member = app.api_user("kees").await;
    let refused = member.send(reqwest::Method::GET, "/api/buurt/v1/admin/accounts", None).await;
    assert_eq!(refused.status(), 403, "a token without the admin scopes");
    app.stop().await;
}

async fn settings_saved_by_an_admin_hold_at_once_and_bad_ones_change_nothing(b: Backend) {
    let app = TestApp::spawn_with(b, |s| s.instance.registration = RegistrationMode::Open).await;
    let ada = app.signed_in("ada", Role::Admin).await;
    let sanne = app.signed_in("sanne", Role::Moderator).await;
    assert_eq!(app.browser().get("/registreren").await.status(), 200);

    let fields = |description: &'static str, email: &'static str, registration: &'static str| {
        [
            ("description", description),
            ("contact_email", email),
            ("registration", registration),
            ("group_creation", "staff"),
        ]
    };
    // Bad input: each field named, nothing saved.
    let bad =
        ada.submit("/beheer/instellingen", "/beheer/instellingen", &fields("Wijk West", "geen-adres", "soms")).await;
    assert_eq!(bad.status(), 422);
    let bad = html(bad).await;
    assert!(field_error(&bad, "contact_email").is_some());
    assert!(field_error(&bad, "registration").is_some());
    assert_eq!(app.state.runtime.registration(), RegistrationMode::Open);
    // A moderator may not.
    let forged = sanne.submit("/", "/beheer/instellingen", &fields("Van mij", "", "closed")).await;
    assert_eq!(forged.status(), 403);
    assert_eq!(body(&sanne, "/beheer/instellingen").await.0, 403);

    let saved = ada
        .submit(
            "/beheer/instellingen",
            "/beheer/instellingen",
            &fields("Alles van Wijk West", "wijk@west.example", "closed"),
        )
        .await;
    assert_eq!(saved.status(), 303);
    // At once, without a restart: registration closed, the description on the home page and
    // in the Mastodon API, groups for staff only.
    let visitor = app.browser();
    let (_, home) = body(&visitor, "/").await;
    assert!(home.contains("Alles van Wijk West"), "{home}");
    let form = visitor.get("/registreren").await.text().await.unwrap();
    assert!(!form.contains("name=\"password_confirm\""), "registration is closed: {form}");
    let instance: serde_json::Value = reqwest::get(app.url("/api/v2/instance")).await.unwrap().json().await.unwrap();
    assert_eq!(instance["description"], "Alles van Wijk West");
    assert_eq!(instance["registrations"]["enabled"], false);
    assert_eq!(instance["contact"]["email"], "wijk@west.example");
    let anna = app.api_user("anna").await;
    let refused = anna
        .send(reqwest::Method::POST, "/api/buurt/v1/groups", Some(json!({"name": "tuin", "display_name": "Tuin"})))
        .await;
    assert_eq!(refused.status(), 403, "only staff create groups now");

    // Kept in the database: a restarted process reads them (as every process does each minute).
    let fresh = buurt::runtime_settings::RuntimeSettings::new(&app.settings().instance);
    fresh.reload(&mut app.state.pool.get().await.unwrap()).await.unwrap();
    assert_eq!(fresh.registration(), RegistrationMode::Closed);
    // Back to the configured value: nothing is kept for it.
    let api = app.staff_api("hoofd", Role::Admin).await;
    let back = api
        .send(
            reqwest::Method::PUT,
            "/api/buurt/v1/admin/settings",
            Some(json!({"description": app.settings().instance.description, "contact_email": "", "registration": "open", "group_creation": "anyone"})),
        )
        .await;
    assert_eq!(back.status(), 200);
    let stored = buurt::db::models::site_setting::all(&mut app.state.pool.get().await.unwrap()).await.unwrap();
    assert!(stored.is_empty(), "values equal to the configuration file's are not kept: {stored:?}");
    assert_eq!(api.get("/api/buurt/v1/admin/settings").await["registration"], "open");
    assert_eq!(app.browser().get("/registreren").await.status(), 200);
    app.stop().await;
}
