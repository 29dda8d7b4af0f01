//! Registration in every mode, sign-in, sessions, passwords, CSRF and bad input.

use buurt::config::RegistrationMode;
use buurt::db::models::local_user::{Role, Status};

use crate::both;
use crate::util::*;

both!(
    open_registration_creates_an_active_account_and_signs_in,
    approval_registration_waits_for_an_admin,
    invite_registration_needs_a_valid_unused_code,
    closed_registration_refuses_and_writes_nothing,
    duplicate_username_in_any_case_is_refused,
    duplicate_email_in_any_case_is_refused,
    login_failures_say_nothing_about_which_part_was_wrong,
    login_by_email_and_return_to_next,
    logout_ends_the_session,
    forms_without_the_right_csrf_token_change_nothing,
    bad_input_gets_field_errors_and_keeps_what_was_typed,
    wrong_content_type_and_oversized_bodies_are_refused,
    password_change_checks_current_and_ends_other_sessions,
    settings_change_display_name_and_language,
);

async fn open_registration_creates_an_active_account_and_signs_in(b: Backend) {
    let app = TestApp::spawn(b).await;
    let browser = app.browser();
    let response = browser.register(&as_refs(&registration("Anna"))).await;
    assert_eq!(response.status(), 303);
    assert_eq!(response.headers()["location"], "/");
    let cookie =
        response.headers().get_all("set-cookie").iter().map(|v| v.to_str().unwrap().to_string()).collect::<Vec<_>>();
    let session = cookie.iter().find(|c| c.starts_with("buurt_session=")).expect("session cookie");
    assert!(session.contains("HttpOnly") && session.contains("SameSite=Lax"), "{session}");

    let home = browser.get_html("/").await;
    assert_eq!(text_of(&home, ".hero p:nth-of-type(2)").as_deref(), Some("Welkom terug, Anna de Vries."));
    let account = app.account("anna").await.expect("stored");
    assert_eq!(account.actor.username, "Anna");
    assert_eq!(account.actor.ap_id, format!("{}/u/anna", app.base));
    assert_eq!(account.user.email, "anna@buurt.example");
    assert_eq!(account.user.status(), Status::Active);
    assert_eq!(account.user.role(), Role::Member);
    assert!(account.user.password_hash.starts_with("$argon2id$"), "argon2id hash");
}

async fn approval_registration_waits_for_an_admin(b: Backend) {
    let app = TestApp::spawn_with(b, |s| s.instance.registration = RegistrationMode::Approval).await;
    let browser = app.browser();

    // The reason is required in this mode.
    let page = html(browser.register(&as_refs(&registration("bram"))).await).await;
    assert_eq!(field_error(&page, "reason").as_deref(), Some("Vul dit veld in."));
    assert_eq!(app.count_users().await, 0);

    let form = with(registration("bram"), "reason", "Ik woon aan de Dorpsstraat");
    let response = browser.register(&as_refs(&form)).await;
    assert_eq!(response.status(), 200);
    let page = html(response).await;
    assert_eq!(text_of(&page, "h1").as_deref(), Some("Bedankt voor je aanmelding"));
    let pending = app.account("bram").await.unwrap();
    assert_eq!(pending.user.status(), Status::Pending);
    assert_eq!(pending.user.registration_reason.as_deref(), Some("Ik woon aan de Dorpsstraat"));

    // Cannot sign in yet.
    let response = browser.login("bram", PASSWORD).await;
    assert_eq!(response.status(), 403);
    assert!(html(response).await.html().contains("nog niet goedgekeurd"));

    // A member cannot see the queue; an admin can and approves.
    let member = app.signed_in("mira", Role::Member).await;
    assert_eq!(member.get("/beheer/aanmeldingen").await.status(), 403);
    let admin = app.signed_in("beheerder1", Role::Admin).await;
    let queue = admin.get_html("/beheer/aanmeldingen").await;
    assert!(queue.html().contains("Ik woon aan de Dorpsstraat"));
    let id = pending.user.id.0;
    let response =
        admin.submit("/beheer/aanmeldingen", &format!("/beheer/aanmeldingen/{id}"), &[("decision", "approve")]).await;
    assert_eq!(response.status(), 303);
    assert_eq!(browser.login("bram", PASSWORD).await.status(), 303);

    // A rejected application is removed and frees the name.
    let other = app.browser();
    other.register(&as_refs(&with(registration("cor"), "reason", "spam"))).await;
    let cor = app.account("cor").await.unwrap();
    let response = admin
        .submit("/beheer/aanmeldingen", &format!("/beheer/aanmeldingen/{}", cor.user.id.0), &[("decision", "reject")])
        .await;
    assert_eq!(response.status(), 303);
    assert!(app.account("cor").await.is_none());
    let again = app.browser().register(&as_refs(&with(registration("Cor"), "reason", "echt"))).await;
    assert_eq!(again.status(), 200, "the name is free again");

    // Deciding twice, or on an unknown id, is a 404.
    let response =
        admin.submit("/beheer/aanmeldingen", &format!("/beheer/aanmeldingen/{id}"), &[("decision", "approve")]).await;
    assert_eq!(response.status(), 404);
}

async fn invite_registration_needs_a_valid_unused_code(b: Backend) {
    let app = TestApp::spawn_with(b, |s| s.instance.registration = RegistrationMode::Invite).await;
    let moderator = app.signed_in("moderator1", Role::Moderator).await;
    let response = moderator
        .submit("/beheer/uitnodigingen", "/beheer/uitnodigingen", &[("max_uses", "1"), ("expires_days", "7")])
        .await;
    assert_eq!(response.status(), 303);
    let page = moderator.get_html("/beheer/uitnodigingen").await;
    let link = text_of(&page, "table code").expect("invite listed");
    let code = link.rsplit_once("code=").unwrap().1.to_string();
    assert_eq!(code.len(), 10);

    // The link fills in the code.
    let form_page = app.browser().get_html(&format!("/registreren?code={code}")).await;
    assert!(form_page.html().contains(&format!("value=\"{code}\"")));

    let browser = app.browser();
    let page = html(browser.register(&as_refs(&registration("dirk"))).await).await;
    assert_eq!(field_error(&page, "invite").as_deref(), Some("Vul dit veld in."));
    let page = html(browser.register(&as_refs(&with(registration("dirk"), "invite", "wrongcode1"))).await).await;
    assert_eq!(field_error(&page, "invite").as_deref(), Some("Deze uitnodigingscode werkt niet (meer)."));
    assert!(app.account("dirk").await.is_none());

    let response = browser.register(&as_refs(&with(registration("dirk"), "invite", &code))).await;
    assert_eq!(response.status(), 303);
    assert_eq!(app.account("dirk").await.unwrap().user.status(), Status::Active);

    // Used up: the next person cannot use it, and nothing is written.
    let before = app.count_users().await;
    let page = html(app.browser().register(&as_refs(&with(registration("eva"), "invite", &code))).await).await;
    assert_eq!(field_error(&page, "invite").as_deref(), Some("Deze uitnodigingscode werkt niet (meer)."));
    assert_eq!(app.count_users().await, before);

    // Members cannot make invitations.
    let member = app.signed_in("lid", Role::Member).await;
    assert_eq!(member.get("/beheer/uitnodigingen").await.status(), 403);
}

async fn closed_registration_refuses_and_writes_nothing(b: Backend) {
    let app = TestApp::spawn_with(b, |s| s.instance.registration = RegistrationMode::Closed).await;
    let browser = app.browser();
    let page = browser.get_html("/registreren").await;
    assert!(page.html().contains("Je kunt hier nu geen account maken."));
    assert!(!page.html().contains("name=\"username\""), "no form when closed");
    // A post made anyway (token from another page) is refused.
    let token = browser.csrf("/inloggen").await;
    let mut form = registration("fenna");
    form.push(("csrf", token));
    let response = browser.client.post(app.url("/registreren")).form(&form).send().await.unwrap();
    assert_eq!(response.status(), 403);
    assert_eq!(app.count_users().await, 0);
}

async fn duplicate_username_in_any_case_is_refused(b: Backend) {
    let app = TestApp::spawn(b).await;
    assert_eq!(app.browser().register(&as_refs(&registration("Gijs"))).await.status(), 303);
    for name in ["gijs", "GIJS", "gIjS"] {
        let form = with(registration(name), "email", &format!("{name}-other@buurt.example"));
        let response = app.browser().register(&as_refs(&form)).await;
        assert_eq!(response.status(), 422, "{name}");
        let page = html(response).await;
        assert_eq!(field_error(&page, "username").as_deref(), Some("Deze gebruikersnaam is al bezet."), "{name}");
    }
    assert_eq!(app.count_users().await, 1);
}

async fn duplicate_email_in_any_case_is_refused(b: Backend) {
    let app = TestApp::spawn(b).await;
    app.browser().register(&as_refs(&registration("hanna"))).await;
    let form = with(registration("hanna2"), "email", "HANNA@Buurt.Example");
    let page = html(app.browser().register(&as_refs(&form)).await).await;
    assert_eq!(field_error(&page, "email").as_deref(), Some("Er is al een account met dit e-mailadres."));
    assert_eq!(app.count_users().await, 1);
}

async fn login_failures_say_nothing_about_which_part_was_wrong(b: Backend) {
    let app = TestApp::spawn(b).await;
    app.create_user("ivo", Role::Member).await;
    let browser = app.browser();
    let wrong_password = browser.login("ivo", "not-the-password").await;
    assert_eq!(wrong_password.status(), 401);
    let wrong_password = html(wrong_password).await;
    let unknown = html(browser.login("nobody", "not-the-password").await).await;
    let message = "Deze combinatie van naam en wachtwoord klopt niet.";
    assert_eq!(text_of(&wrong_password, ".error-summary").as_deref(), Some(message));
    assert_eq!(text_of(&unknown, ".error-summary").as_deref(), Some(message));
    // What was typed stays, the password never comes back.
    assert!(wrong_password.html().contains("value=\"ivo\""));
    assert!(!wrong_password.html().contains("not-the-password"));

    let empty = browser.login("", "").await;
    assert_eq!(empty.status(), 422);
    assert!(browser.get("/instellingen").await.status().is_redirection(), "still signed out");
    // A very long login is refused like any wrong one, quickly.
    let long = "x".repeat(10_000);
    assert_eq!(browser.login(&long, &long).await.status(), 401);
}

async fn login_by_email_and_return_to_next(b: Backend) {
    let app = TestApp::spawn(b).await;
    app.create_user("jet", Role::Member).await;
    let browser = app.browser();
    let response = browser.get("/instellingen").await;
    assert_eq!(response.status(), 303);
    assert_eq!(response.headers()["location"], "/inloggen?next=%2Finstellingen");
    let token = browser.csrf("/inloggen?next=%2Finstellingen").await;
    let response = browser
        .client
        .post(app.url("/inloggen"))
        .form(&[("login", "JET@buurt.example"), ("password", PASSWORD), ("next", "/instellingen"), ("csrf", &token)])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    assert_eq!(response.headers()["location"], "/instellingen");
    // An outside `next` is ignored.
    let other = app.browser();
    let token = other.csrf("/inloggen").await;
    let response = other
        .client
        .post(app.url("/inloggen"))
        .form(&[("login", "jet"), ("password", PASSWORD), ("next", "//evil.example/"), ("csrf", &token)])
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["location"], "/");
}

async fn logout_ends_the_session(b: Backend) {
    let app = TestApp::spawn(b).await;
    let browser = app.signed_in("kees", Role::Member).await;
    assert_eq!(browser.get("/instellingen").await.status(), 200);
    let response = browser.submit("/", "/uitloggen", &[]).await;
    assert_eq!(response.status(), 303);
    assert!(browser.get("/instellingen").await.status().is_redirection());
    let account = app.account("kees").await.unwrap();
    let mut conn = app.state.pool.get().await.unwrap();
    assert_eq!(buurt::db::models::session::count_for(&mut conn, account.user.id).await.unwrap(), 0);
}

async fn forms_without_the_right_csrf_token_change_nothing(b: Backend) {
    let app = TestApp::spawn(b).await;
    let browser = app.browser();
    browser.get("/registreren").await;
    let form = registration("lotte");

    let missing = browser.client.post(app.url("/registreren")).form(&form).send().await.unwrap();
    assert_eq!(missing.status(), 403);
    let page = html(missing).await;
    assert_eq!(text_of(&page, "h1").as_deref(), Some("Geen toegang"));
    assert!(page.html().contains("Dit formulier is verlopen"));

    let mut wrong = form.clone();
    wrong.push(("csrf", "forged".into()));
    assert_eq!(browser.client.post(app.url("/registreren")).form(&wrong).send().await.unwrap().status(), 403);

    // A token from another visitor does not work for this one.
    let other_token = app.browser().csrf("/registreren").await;
    let mut stolen = form.clone();
    stolen.push(("csrf", other_token));
    assert_eq!(browser.client.post(app.url("/registreren")).form(&stolen).send().await.unwrap().status(), 403);

    // A browser reporting a cross-site form is refused even with a token.
    let token = browser.csrf("/registreren").await;
    let mut cross = form.clone();
    cross.push(("csrf", token));
    let response = browser
        .client
        .post(app.url("/registreren"))
        .header("sec-fetch-site", "cross-site")
        .form(&cross)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 403);
    assert_eq!(app.count_users().await, 0);

    // Signed in, the token is bound to the session: the anonymous token no longer works.
    let signed_in = app.signed_in("maarten", Role::Member).await;
    let mut conn = app.state.pool.get().await.unwrap();
    let before = buurt::db::models::local_user::LocalUser::count(&mut conn).await.unwrap();
    let anon_token = app.browser().csrf("/inloggen").await;
    let response = signed_in.client.post(app.url("/uitloggen")).form(&[("csrf", anon_token)]).send().await.unwrap();
    assert_eq!(response.status(), 403);
    assert_eq!(signed_in.get("/instellingen").await.status(), 200, "still signed in");
    assert_eq!(buurt::db::models::local_user::LocalUser::count(&mut conn).await.unwrap(), before);
}

async fn bad_input_gets_field_errors_and_keeps_what_was_typed(b: Backend) {
    let app = TestApp::spawn(b).await;
    let cases: Vec<(&'static str, String, &str)> = vec![
        ("username", "a b".into(), "Gebruik alleen letters, cijfers en _."),
        ("username", "x".repeat(31), "Een gebruikersnaam heeft 2 tot 30 tekens."),
        ("username", "admin".into(), "Deze naam is niet beschikbaar."),
        ("email", "geen-adres".into(), "Dit is geen geldig e-mailadres."),
        ("email", format!("{}@buurt.example", "a".repeat(300)), "Dit is geen geldig e-mailadres."),
        ("display_name", "n".repeat(101), "Dit is te lang."),
        (
            "password",
            "wachtwoord".into(),
            "Dit wachtwoord is te makkelijk te raden. Maak het langer of gebruik een paar losse woorden.",
        ),
        ("password", "kort".into(), "Je wachtwoord moet minstens 8 tekens hebben."),
        ("password", "p".repeat(300), "Dit is te lang."),
    ];
    for (field, value, message) in cases {
        let mut form = with(registration("noor"), field, &value);
        if field == "password" {
            form = with(form, "password_confirm", &value);
        }
        let response = app.browser().register(&as_refs(&form)).await;
        assert_eq!(response.status(), 422, "{field}={value}");
        let page = html(response).await;
        assert_eq!(field_error(&page, field).as_deref(), Some(message), "{field}={value}");
        // The field is marked for assistive technology and what was typed is kept.
        let input = scraper::Selector::parse(&format!("#{field}")).unwrap();
        let element = page.select(&input).next().unwrap();
        assert_eq!(element.value().attr("aria-invalid"), Some("true"));
        assert!(element.value().attr("aria-describedby").unwrap().contains(&format!("{field}-error")));
        if field != "password" {
            assert_eq!(element.value().attr("value"), Some(value.as_str()));
        }
    }
    let mismatch = with(registration("noor"), "password_confirm", "iets-anders-Kanaal-93");
    let page = html(app.browser().register(&as_refs(&mismatch)).await).await;
    assert_eq!(field_error(&page, "password_confirm").as_deref(), Some("De wachtwoorden zijn niet hetzelfde."));

    // In English for an English browser.
    let english =
        reqwest::Client::builder().cookie_store(true).redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let page = english.get(app.url("/registreren")).header("accept-language", "en-GB,en;q=0.9").send().await.unwrap();
    let token = csrf_of(&html(page).await);
    let mut form = with(registration("noor"), "email", "nope");
    form.push(("csrf", token));
    let response =
        english.post(app.url("/registreren")).header("accept-language", "en").form(&form).send().await.unwrap();
    let page = html(response).await;
    assert_eq!(field_error(&page, "email").as_deref(), Some("This is not a valid email address."));
    assert_eq!(app.count_users().await, 0);
}

async fn wrong_content_type_and_oversized_bodies_are_refused(b: Backend) {
    let app = TestApp::spawn(b).await;
    let browser = app.browser();
    let token = browser.csrf("/registreren").await;
    let json = browser
        .client
        .post(app.url("/registreren"))
        .header("content-type", "application/json")
        .body(format!("{{\"username\":\"olga\",\"csrf\":\"{token}\"}}"))
        .send()
        .await
        .unwrap();
    assert_eq!(json.status(), 415);
    assert!(html(json).await.html().contains("Dit formulier is op een verkeerde manier verstuurd."));

    let huge = format!("csrf={token}&username={}", "a".repeat(200_000));
    // On a connection of its own: the server answers 413 without reading the body and closes
    // the connection, which a pooled client could otherwise reuse for the next request.
    let response = reqwest::Client::new()
        .post(app.url("/registreren"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(huge)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 413);

    // Bytes that are not UTF-8 arrive as replacement characters, which no field accepts.
    let not_utf8 = browser
        .client
        .post(app.url("/registreren"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("csrf={token}&username=%FF%FE&email=a%40b.nl"))
        .send()
        .await
        .unwrap();
    assert_eq!(not_utf8.status(), 422);
    let page = html(not_utf8).await;
    assert_eq!(field_error(&page, "username").as_deref(), Some("Gebruik alleen letters, cijfers en _."));

    let duplicated = browser
        .client
        .post(app.url("/registreren"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("csrf={token}&username=a&username=b"))
        .send()
        .await
        .unwrap();
    assert_eq!(duplicated.status(), 400);
    assert!(html(duplicated).await.html().contains("Dit formulier is beschadigd aangekomen."));
    assert_eq!(app.count_users().await, 0);
}

async fn password_change_checks_current_and_ends_other_sessions(b: Backend) {
    let app = TestApp::spawn(b).await;
    let laptop = app.signed_in("pien", Role::Member).await;
    let phone = app.browser();
    assert_eq!(phone.login("pien", PASSWORD).await.status(), 303);

    let new = "zonnebloem-Gracht-4711";
    let page = html(
        laptop
            .submit(
                "/instellingen/wachtwoord",
                "/instellingen/wachtwoord",
                &[("current_password", "fout"), ("password", new), ("password_confirm", new)],
            )
            .await,
    )
    .await;
    assert_eq!(field_error(&page, "current_password").as_deref(), Some("Dit wachtwoord klopt niet."));

    let response = laptop
        .submit(
            "/instellingen/wachtwoord",
            "/instellingen/wachtwoord",
            &[("current_password", PASSWORD), ("password", new), ("password_confirm", new)],
        )
        .await;
    assert_eq!(response.status(), 303);
    assert_eq!(laptop.get("/instellingen").await.status(), 200, "this session stays");
    assert!(phone.get("/instellingen").await.status().is_redirection(), "the other session ended");
    assert_eq!(app.browser().login("pien", PASSWORD).await.status(), 401);
    assert_eq!(app.browser().login("pien", new).await.status(), 303);
}

async fn settings_change_display_name_and_language(b: Backend) {
    let app = TestApp::spawn(b).await;
    let browser = app.signed_in("quinten", Role::Member).await;
    let response =
        browser.submit("/instellingen", "/instellingen", &[("display_name", "Quinten Q."), ("language", "en")]).await;
    assert_eq!(response.status(), 303);
    let page = browser.get_html("/instellingen").await;
    assert_eq!(text_of(&page, "h1").as_deref(), Some("Settings"), "the account's language wins over the browser's");
    assert_eq!(app.account("quinten").await.unwrap().actor.display_name, "Quinten Q.");

    let page =
        html(browser.submit("/instellingen", "/instellingen", &[("display_name", "Q"), ("language", "fr")]).await)
            .await;
    assert_eq!(field_error(&page, "language").as_deref(), Some("Please choose one of the options."));
    assert_eq!(app.account("quinten").await.unwrap().user.language.as_deref(), Some("en"));
}

both!(expired_sessions_sign_out_and_are_removed);

async fn expired_sessions_sign_out_and_are_removed(b: Backend) {
    use buurt::db::schema::session;
    use diesel::ExpressionMethods;
    let app = TestApp::spawn(b).await;
    let browser = app.signed_in("ufuk", Role::Member).await;
    assert_eq!(browser.get("/instellingen").await.status(), 200);
    let past = buurt::db::now() - chrono::TimeDelta::minutes(1);
    let mut conn = app.state.pool.get().await.unwrap();
    buurt::dispatch!(&mut conn, c => diesel_async::RunQueryDsl::execute(diesel::update(session::table).set(session::expires_at.eq(past)), c).await)
        .unwrap();
    assert!(browser.get("/instellingen").await.status().is_redirection());
    assert_eq!(buurt::db::models::session::delete_expired(&mut conn, buurt::db::now()).await.unwrap(), 1);
}
