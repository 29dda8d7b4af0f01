//! The account flows through the mailbox, against a real SMTP server (aiosmtpd on loopback):
//! address confirmation, password reset, e-mail change and invitations by e-mail; each link
//! works once, and used, expired, forged or conflicting links change nothing.

use buurt::config::RegistrationMode;
use buurt::db::models::local_user::Role;
use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use crate::both;
use crate::smtp::{SmtpServer, header, link};
use crate::util::*;

both!(
    registration_waits_for_the_address_to_be_confirmed,
    a_reset_link_sets_the_password_once_and_ends_every_session,
    a_reset_for_an_unknown_address_looks_the_same_and_sends_nothing,
    expired_and_forged_reset_links_change_nothing,
    an_email_change_is_confirmed_from_the_new_address,
    two_people_racing_for_one_address_the_first_link_wins,
    an_invitation_by_email_lands_the_invitee_and_tells_the_inviter,
    expired_used_up_and_misaddressed_invitations_are_refused,
);

const NEW_PASSWORD: &str = "zeilboot-Lantaarn-27-regen";

/// An app that sends its mail to `smtp`.
async fn app_with_smtp(b: Backend, configure: impl FnOnce(&mut buurt::config::Settings)) -> (TestApp, SmtpServer) {
    let port = SmtpServer::free_port();
    let smtp = SmtpServer::start(port).await;
    let app = TestApp::spawn_with(b, |s| {
        s.mail.smtp_url = SmtpServer::url(port);
        configure(s);
    })
    .await;
    (app, smtp)
}

/// The mails sent to `to` once `total` mails arrived in all.
async fn mails_to(smtp: &SmtpServer, total: usize, to: &str) -> Vec<String> {
    smtp.wait_for(total).await.into_iter().filter(|m| header(m, "To") == Some(to)).collect()
}

/// The path and query of the first link in `mail` to `path` on this app.
fn link_in(app: &TestApp, mail: &str, path: &str) -> String {
    let full = link(mail, &app.url(path)).unwrap_or_else(|| panic!("no link to {path} in:\n{mail}"));
    full.strip_prefix(&app.base).unwrap().to_string()
}

fn token_of(path: &str) -> String {
    path.split_once("?t=").unwrap().1.to_string()
}

async fn page_text(response: reqwest::Response) -> (u16, String) {
    let status = response.status().as_u16();
    let page = html(response).await;
    (status, text_of(&page, "main").unwrap_or_default())
}

async fn registration_waits_for_the_address_to_be_confirmed(b: Backend) {
    let (app, smtp) = app_with_smtp(b, |s| s.mail.confirm_email = true).await;
    let browser = app.browser();
    let response = browser.register(&as_refs(&registration("anna"))).await;
    let (status, text) = page_text(response).await;
    assert_eq!(status, 200);
    assert!(text.contains("We hebben een mail gestuurd naar anna@buurt.example"), "{text}");
    let account = app.account("anna").await.unwrap();
    assert!(account.user.email_confirmed_at.is_none());

    // Before confirming: no sign-in, a clear message and a way to get a new mail.
    let response = browser.login("anna", PASSWORD).await;
    assert_eq!(response.status(), 403);
    let page = html(response).await;
    assert!(page.html().contains("nog niet bevestigd"), "{}", page.html());
    assert!(page.html().contains("href=\"/bevestigen/opnieuw\""));

    let mail = &mails_to(&smtp, 1, "anna@buurt.example").await[0];
    assert_eq!(header(mail, "Subject"), Some("Bevestig je e-mailadres voor Buurt"));
    let confirm = link_in(&app, mail, "/bevestigen?t=");
    // A forged token is refused and confirms nothing.
    let (status, text) = page_text(browser.get("/bevestigen?t=nietechtnietechtnietecht").await).await;
    assert_eq!(status, 404);
    assert!(text.contains("Deze link klopt niet"), "{text}");
    assert!(app.account("anna").await.unwrap().user.email_confirmed_at.is_none());

    let (status, text) = page_text(browser.get(&confirm).await).await;
    assert_eq!(status, 200);
    assert!(text.contains("anna@buurt.example is bevestigd"), "{text}");
    assert!(app.account("anna").await.unwrap().user.email_confirmed_at.is_some());
    assert_eq!(browser.login("anna", PASSWORD).await.status(), 303);

    // The link works once.
    let (status, text) = page_text(app.browser().get(&confirm).await).await;
    assert_eq!(status, 410);
    assert!(text.contains("al gebruikt"), "{text}");

    // Asking for a new mail: the same answer for any address; mail only where one is awaited.
    let bram = app.browser();
    bram.register(&as_refs(&registration("bram"))).await;
    let shared = &app;
    let answer = |email: &'static str| async move {
        let response = shared.browser().submit("/bevestigen/opnieuw", "/bevestigen/opnieuw", &[("email", email)]).await;
        let (status, text) = page_text(response).await;
        (status, text.replace(email, "ADDRESS"))
    };
    let known = answer("bram@buurt.example").await;
    let unknown = answer("niemand@buurt.example").await;
    let confirmed = answer("anna@buurt.example").await;
    assert_eq!(known.0, 200);
    assert_eq!(known, unknown);
    assert_eq!(known, confirmed);
    app.run_jobs().await;
    let to_bram = mails_to(&smtp, 3, "bram@buurt.example").await;
    assert_eq!(to_bram.len(), 2, "the registration's mail and the new one");
    assert_eq!(smtp.messages().len(), 3, "nothing for the unknown or the confirmed address");
    // Only the newest link works.
    let old = link_in(&app, &to_bram[0], "/bevestigen?t=");
    assert_eq!(app.browser().get(&old).await.status(), 410);
    let new = link_in(&app, &to_bram[1], "/bevestigen?t=");
    assert_eq!(app.browser().get(&new).await.status(), 200);
    app.stop().await;
}

async fn a_reset_link_sets_the_password_once_and_ends_every_session(b: Backend) {
    let (app, smtp) = app_with_smtp(b, |_| {}).await;
    let laptop = app.signed_in("anna", Role::Member).await;
    let account = app.account("anna").await.unwrap();
    let token = buurt::domain::oauth::admin_token(&app.state.pool, &account, "app").await.unwrap();
    let api = |token: String| {
        let url = app.url("/api/v1/accounts/verify_credentials");
        async move { reqwest::Client::new().get(url).bearer_auth(token).send().await.unwrap().status().as_u16() }
    };
    assert_eq!(api(token.clone()).await, 200);

    // The sign-in page leads to the form.
    let login = app.browser().get_html("/inloggen").await;
    assert!(login.html().contains("href=\"/wachtwoord-vergeten\""));
    let phone = app.browser();
    let response =
        phone.submit("/wachtwoord-vergeten", "/wachtwoord-vergeten", &[("email", "Anna@Buurt.example ")]).await;
    let (status, text) = page_text(response).await;
    assert_eq!(status, 200);
    assert!(text.contains("Als er een account is met het adres anna@buurt.example"), "{text}");

    let mail = &mails_to(&smtp, 1, "anna@buurt.example").await[0];
    assert_eq!(header(mail, "Subject"), Some("Nieuw wachtwoord instellen voor Buurt"));
    assert_eq!(header(mail, "List-Unsubscribe"), None, "a reset is not a subscription");
    let reset = link_in(&app, mail, "/wachtwoord-herstellen?t=");
    let t = token_of(&reset);
    // Only its hash is stored.
    let stored: Vec<String> = {
        let mut conn = app.state.pool.get().await.unwrap();
        buurt::dispatch!(&mut conn, c => buurt::db::schema::email_token::table
            .select(buurt::db::schema::email_token::token_hash)
            .load(c)
            .await)
        .unwrap()
    };
    assert_eq!(stored, vec![buurt::domain::accounts::token_hash(&t)]);

    assert_eq!(phone.get(&reset).await.status(), 200);
    // The same rules as at registration: a weak password is refused and changes nothing.
    let weak = [("t", t.as_str()), ("password", "anna1234"), ("password_confirm", "anna1234")];
    let response = phone.submit(&reset, "/wachtwoord-herstellen", &weak).await;
    assert_eq!(response.status(), 422);
    assert_eq!(phone.get(&reset).await.status(), 200, "a refused password does not use the link");

    let good = [("t", t.as_str()), ("password", NEW_PASSWORD), ("password_confirm", NEW_PASSWORD)];
    let response = phone.submit(&reset, "/wachtwoord-herstellen", &good).await;
    let (status, text) = page_text(response).await;
    assert_eq!(status, 200);
    assert!(text.contains("Je kunt nu inloggen met je nieuwe wachtwoord"), "{text}");

    // Every session and app token ended; the new password works, the old one not.
    assert_eq!(laptop.get("/instellingen").await.status(), 303, "the laptop is signed out");
    assert_eq!(api(token).await, 401, "the app's token is revoked");
    assert_eq!(app.browser().login("anna", PASSWORD).await.status(), 401);
    assert_eq!(app.browser().login("anna", NEW_PASSWORD).await.status(), 303);

    // A second use is refused and changes nothing.
    let (status, text) = page_text(phone.get(&reset).await).await;
    assert_eq!(status, 410);
    assert!(text.contains("al gebruikt"), "{text}");
    let again =
        [("t", t.as_str()), ("password", "ander-Wachtwoord-op-77"), ("password_confirm", "ander-Wachtwoord-op-77")];
    let response = app.browser().submit("/wachtwoord-vergeten", "/wachtwoord-herstellen", &again).await;
    assert_eq!(response.status(), 410);
    assert_eq!(app.browser().login("anna", NEW_PASSWORD).await.status(), 303);
    app.stop().await;
}

async fn a_reset_for_an_unknown_address_looks_the_same_and_sends_nothing(b: Backend) {
    let (app, smtp) = app_with_smtp(b, |_| {}).await;
    app.create_user("anna", Role::Member).await;
    let shared = &app;
    let ask = |email: &'static str| async move {
        let response =
            shared.browser().submit("/wachtwoord-vergeten", "/wachtwoord-vergeten", &[("email", email)]).await;
        let (status, text) = page_text(response).await;
        (status, text.replace(email, "ADDRESS"))
    };
    let unknown = ask("niemand@buurt.example").await;
    let known = ask("anna@buurt.example").await;
    assert_eq!(unknown, known);
    assert_eq!(unknown.0, 200);
    smtp.wait_for(1).await;
    app.run_jobs().await;
    let mails = smtp.messages();
    assert_eq!(mails.len(), 1);
    assert_eq!(header(&mails[0], "To"), Some("anna@buurt.example"));

    // Not an address at all: said so, nothing sent.
    let response = app.browser().submit("/wachtwoord-vergeten", "/wachtwoord-vergeten", &[("email", "anna")]).await;
    assert_eq!(response.status(), 422);
    assert_eq!(field_error(&html(response).await, "email").as_deref(), Some("Dit is geen geldig e-mailadres."));
    app.run_jobs().await;
    assert_eq!(smtp.messages().len(), 1);
    app.stop().await;
}

async fn expired_and_forged_reset_links_change_nothing(b: Backend) {
    let (app, smtp) = app_with_smtp(b, |_| {}).await;
    app.create_user("anna", Role::Member).await;
    app.browser().submit("/wachtwoord-vergeten", "/wachtwoord-vergeten", &[("email", "anna@buurt.example")]).await;
    let reset = link_in(&app, &mails_to(&smtp, 1, "anna@buurt.example").await[0], "/wachtwoord-herstellen?t=");
    let t = token_of(&reset);
    {
        use buurt::db::schema::email_token::dsl::*;
        let past = buurt::db::now() - chrono::TimeDelta::minutes(1);
        let mut conn = app.state.pool.get().await.unwrap();
        buurt::dispatch!(&mut conn, c => diesel::update(email_token).set(expires_at.eq(past)).execute(c).await)
            .unwrap();
    }
    let browser = app.browser();
    let (status, text) = page_text(browser.get(&reset).await).await;
    assert_eq!(status, 410);
    assert!(text.contains("Deze link is verlopen"), "{text}");
    let form = [("t", t.as_str()), ("password", NEW_PASSWORD), ("password_confirm", NEW_PASSWORD)];
    assert_eq!(browser.submit("/wachtwoord-vergeten", "/wachtwoord-herstellen", &form).await.status(), 410);

    let forged = [
        ("t", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"),
        ("password", NEW_PASSWORD),
        ("password_confirm", NEW_PASSWORD),
    ];
    let response = browser.submit("/wachtwoord-vergeten", "/wachtwoord-herstellen", &forged).await;
    let (status, text) = page_text(response).await;
    assert_eq!(status, 404);
    assert!(text.contains("Deze link klopt niet"), "{text}");
    assert_eq!(browser.get("/wachtwoord-herstellen").await.status(), 404, "no token at all");

    // The old password still works.
    assert_eq!(app.browser().login("anna", PASSWORD).await.status(), 303);
    assert_eq!(app.browser().login("anna", NEW_PASSWORD).await.status(), 401);
    app.stop().await;
}

async fn an_email_change_is_confirmed_from_the_new_address(b: Backend) {
    let (app, smtp) = app_with_smtp(b, |_| {}).await;
    let anna = app.signed_in("anna", Role::Member).await;
    app.create_user("bert", Role::Member).await;
    let change = |email: &'static str, password: &'static str| {
        let anna = anna.clone();
        async move {
            anna.submit(
                "/instellingen/e-mail",
                "/instellingen/e-mail",
                &[("email", email), ("current_password", password)],
            )
            .await
        }
    };

    // An address in use, a wrong password, no address: refused, nothing sent or changed.
    let response = change("Bert@buurt.example", PASSWORD).await;
    assert_eq!(response.status(), 422);
    let page = html(response).await;
    assert_eq!(field_error(&page, "email").as_deref(), Some("Er is al een account met dit e-mailadres."));
    let response = change("anna@thuis.example", "niet-mijn-wachtwoord").await;
    assert_eq!(field_error(&html(response).await, "current_password").as_deref(), Some("Dit wachtwoord klopt niet."));
    assert_eq!(change("geen adres", PASSWORD).await.status(), 422);
    app.run_jobs().await;
    assert!(smtp.messages().is_empty());

    let response = change("Anna@Thuis.example", PASSWORD).await;
    assert_eq!(response.status(), 303);
    let settings = anna.get_html("/instellingen/e-mail?sent=change").await;
    assert!(settings.html().contains("We hebben een link gestuurd naar het nieuwe adres"));
    let to_new = mails_to(&smtp, 2, "anna@thuis.example").await;
    let to_old = mails_to(&smtp, 2, "anna@buurt.example").await;
    assert_eq!((to_new.len(), to_old.len()), (1, 1));
    assert!(crate::smtp::unfolded(&to_old[0]).contains("anna@thuis.example"), "the notice names the new address");
    assert!(link(&to_old[0], &app.url("/e-mail-wijzigen")).is_none(), "the old address cannot confirm");
    // Nothing changed yet.
    assert_eq!(app.account("anna").await.unwrap().user.email, "anna@buurt.example");

    let confirm = link_in(&app, &to_new[0], "/e-mail-wijzigen?t=");
    let (status, text) = page_text(app.browser().get(&confirm).await).await;
    assert_eq!(status, 200);
    assert!(text.contains("Vanaf nu is anna@thuis.example het e-mailadres"), "{text}");
    let account = app.account("anna").await.unwrap();
    assert_eq!(account.user.email, "anna@thuis.example");
    assert!(account.user.email_confirmed_at.is_some());
    assert_eq!(app.browser().login("anna@thuis.example", PASSWORD).await.status(), 303);
    assert_eq!(app.browser().login("anna@buurt.example", PASSWORD).await.status(), 401);
    // Once only.
    assert_eq!(app.browser().get(&confirm).await.status(), 410);
    app.stop().await;
}

async fn two_people_racing_for_one_address_the_first_link_wins(b: Backend) {
    let (app, smtp) = app_with_smtp(b, |_| {}).await;
    let anna = app.signed_in("anna", Role::Member).await;
    let bert = app.signed_in("bert", Role::Member).await;
    for browser in [&anna, &bert] {
        let fields = [("email", "gedeeld@buurt.example"), ("current_password", PASSWORD)];
        let response = browser.submit("/instellingen/e-mail", "/instellingen/e-mail", &fields).await;
        assert_eq!(response.status(), 303, "neither has it yet");
    }
    let links: Vec<String> = mails_to(&smtp, 4, "gedeeld@buurt.example")
        .await
        .iter()
        .map(|m| link_in(&app, m, "/e-mail-wijzigen?t="))
        .collect();
    assert_eq!(links.len(), 2);
    assert_eq!(app.browser().get(&links[0]).await.status(), 200);
    let (status, text) = page_text(app.browser().get(&links[1]).await).await;
    assert_eq!(status, 409);
    assert!(text.contains("Een ander account gebruikt dit e-mailadres inmiddels"), "{text}");
    let emails = [app.account("anna").await.unwrap().user.email, app.account("bert").await.unwrap().user.email];
    assert_eq!(emails.iter().filter(|e| *e == "gedeeld@buurt.example").count(), 1);
    assert!(emails.contains(&"anna@buurt.example".to_string()) || emails.contains(&"bert@buurt.example".to_string()));
    app.stop().await;
}

async fn an_invitation_by_email_lands_the_invitee_and_tells_the_inviter(b: Backend) {
    let (app, smtp) = app_with_smtp(b, |s| {
        s.instance.registration = RegistrationMode::Invite;
        s.mail.confirm_email = true;
    })
    .await;
    let admin = app.signed_in("wijkadmin", Role::Admin).await;
    let page = admin.get_html("/beheer/uitnodigingen").await;
    assert!(page.html().contains("Uitnodigen per e-mail"));
    let fields = [("email", "Fenna@Thuis.example"), ("email_expires_days", "7"), ("email_landing", "/g/tuin")];
    let response = admin.submit("/beheer/uitnodigingen", "/beheer/uitnodigingen/e-mail", &fields).await;
    assert_eq!(response.status(), 303);
    let listed = admin.get_html(response.headers()["location"].to_str().unwrap()).await;
    assert!(listed.html().contains("De uitnodiging is gestuurd naar fenna@thuis.example"));

    let mail = &mails_to(&smtp, 1, "fenna@thuis.example").await[0];
    assert_eq!(header(mail, "Subject"), Some("Je bent uitgenodigd voor Buurt"));
    assert!(crate::smtp::unfolded(mail).contains("7 dagen geldig"));
    let register = link_in(&app, mail, "/registreren?code=");
    let code = register.split_once("code=").unwrap().1.to_string();
    let fenna = app.browser();
    assert_eq!(fenna.get(&register).await.status(), 200);
    let form = with(with(registration("fenna"), "email", "fenna@thuis.example"), "invite", &code);
    let response = fenna.register(&as_refs(&form)).await;
    assert_eq!(response.status(), 303, "the invitation's address needs no confirmation");
    assert_eq!(response.headers()["location"], "/g/tuin");
    let account = app.account("fenna").await.unwrap();
    assert!(account.user.email_confirmed_at.is_some());
    assert!(account.user.invite_id.is_some());

    // The inviter is told: a notification, by e-mail right away (the kind's default).
    let told = &mails_to(&smtp, 2, "wijkadmin@buurt.example").await[0];
    assert_eq!(header(told, "Subject"), Some("fenna de Vries doet nu mee"));
    assert!(crate::smtp::unfolded(told).contains("heeft een account gemaakt met jouw uitnodiging"));
    assert!(link(told, &app.url("/meldingen")).is_some());
    let page = admin.get_html("/meldingen").await;
    assert!(page.html().contains("fenna de Vries heeft zich aangemeld met jouw uitnodiging."));

    // The invitation worked once.
    let page = app.browser().get_html(&register).await;
    assert_eq!(field_error(&page, "invite").as_deref(), Some("Deze uitnodigingscode werkt niet (meer)."));
    let response = app.browser().register(&as_refs(&with(registration("gijs"), "invite", &code))).await;
    assert_eq!(response.status(), 422);
    assert!(app.account("gijs").await.is_none());

    // A code link with another address: registered, and that address is confirmed first.
    let response = admin
        .submit(
            "/beheer/uitnodigingen",
            "/beheer/uitnodigingen",
            &[("max_uses", "2"), ("expires_days", "3"), ("landing", "/instellingen")],
        )
        .await;
    assert_eq!(response.status(), 303);
    let page = admin.get_html("/beheer/uitnodigingen").await;
    let code = text_of(&page, "table code").unwrap().rsplit_once("code=").unwrap().1.to_string();
    let hans = app.browser();
    let response = hans.register(&as_refs(&with(registration("hans"), "invite", &code))).await;
    assert_eq!(response.status(), 200, "hans confirms his address first");
    let mail = &mails_to(&smtp, 4, "hans@buurt.example").await[0];
    let response = hans.get(&link_in(&app, mail, "/bevestigen?t=")).await;
    assert_eq!(response.status(), 200);
    // The confirmation page's sign-in leads to the invitation's landing page.
    assert!(html(response).await.html().contains("href=\"/inloggen?next=%2Finstellingen\""));
    let fields = [("login", "hans"), ("password", PASSWORD), ("next", "/instellingen")];
    let response = hans.submit("/inloggen?next=%2Finstellingen", "/inloggen", &fields).await;
    assert_eq!(response.headers()["location"], "/instellingen");
    app.stop().await;
}

async fn expired_used_up_and_misaddressed_invitations_are_refused(b: Backend) {
    let (app, smtp) = app_with_smtp(b, |s| s.instance.registration = RegistrationMode::Invite).await;
    let moderator = app.signed_in("moderator1", Role::Moderator).await;

    // Invalid addresses and landing paths elsewhere: refused, nothing stored or sent.
    for (email, landing, field) in [
        ("niet-een-adres", "", "email"),
        ("iemand@", "", "email"),
        ("iemand@thuis.example", "https://elders.example/", "email_landing"),
        ("iemand@thuis.example", "//elders.example/", "email_landing"),
    ] {
        let fields = [("email", email), ("email_expires_days", "7"), ("email_landing", landing)];
        let response = moderator.submit("/beheer/uitnodigingen", "/beheer/uitnodigingen/e-mail", &fields).await;
        assert_eq!(response.status(), 422, "{email} {landing}");
        let page = html(response).await;
        assert!(field_error(&page, field).is_some(), "{email} {landing}: {}", page.html());
    }
    let page = moderator.get_html("/beheer/uitnodigingen").await;
    assert!(text_of(&page, "table code").is_none(), "no invitation stored");
    app.run_jobs().await;
    assert!(smtp.messages().is_empty());

    // An expired invitation.
    let fields = [("email", "iemand@thuis.example"), ("email_expires_days", "7"), ("email_landing", "")];
    moderator.submit("/beheer/uitnodigingen", "/beheer/uitnodigingen/e-mail", &fields).await;
    let mail = &mails_to(&smtp, 1, "iemand@thuis.example").await[0];
    let register = link_in(&app, mail, "/registreren?code=");
    let code = register.split_once("code=").unwrap().1.to_string();
    {
        use buurt::db::schema::invite::dsl::*;
        let past = buurt::db::now() - chrono::TimeDelta::minutes(1);
        let mut conn = app.state.pool.get().await.unwrap();
        buurt::dispatch!(&mut conn, c => diesel::update(invite).set(expires_at.eq(Some(past))).execute(c).await)
            .unwrap();
    }
    let page = app.browser().get_html(&register).await;
    assert_eq!(field_error(&page, "invite").as_deref(), Some("Deze uitnodigingscode werkt niet (meer)."));
    let form = with(with(registration("iemand"), "email", "iemand@thuis.example"), "invite", &code);
    let response = app.browser().register(&as_refs(&form)).await;
    assert_eq!(response.status(), 422);
    assert!(app.account("iemand").await.is_none());

    // Members cannot invite by e-mail.
    let member = app.signed_in("lid", Role::Member).await;
    let response = member.submit("/instellingen", "/beheer/uitnodigingen/e-mail", &fields).await;
    assert_eq!(response.status(), 403);
    app.run_jobs().await;
    assert_eq!(smtp.messages().len(), 1);
    app.stop().await;
}
