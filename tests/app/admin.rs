//! The `buurt admin` commands, against a running instance's database.

use buurt::db::models::local_user::{Role, Status};

use crate::both;
use crate::util::*;

both!(admin_create_user_reads_the_password_from_stdin, admin_set_password_and_set_role);

async fn admin_create_user_reads_the_password_from_stdin(b: Backend) {
    let app = TestApp::spawn_with(b, |s| s.instance.registration = buurt::config::RegistrationMode::Closed).await;
    let domain = app.settings().instance.domain.clone();
    let url = app.db.url.clone();
    let (ok, stdout, stderr) = tokio::task::spawn_blocking(move || {
        run_buurt(
            &url,
            &domain,
            &["admin", "create-user", "Wijkbeheer", "--email", "beheer@buurt.example", "--admin"],
            &format!("{PASSWORD}\n"),
        )
    })
    .await
    .unwrap();
    assert!(ok, "{stderr}");
    assert!(stdout.contains("created admin Wijkbeheer"), "{stdout}");
    let account = app.account("wijkbeheer").await.unwrap();
    assert_eq!(account.user.role(), Role::Admin);
    assert_eq!(account.user.status(), Status::Active);

    // The new admin signs in on the web and reaches the admin pages.
    let browser = app.browser();
    assert_eq!(browser.login("Wijkbeheer", PASSWORD).await.status(), 303);
    assert_eq!(browser.get("/beheer/aanmeldingen").await.status(), 200);

    // Weak password, taken name and bad e-mail: a clear message each and nothing written.
    let domain = app.settings().instance.domain.clone();
    let url = app.db.url.clone();
    let (ok, _, stderr) = tokio::task::spawn_blocking(move || {
        run_buurt(&url, &domain, &["admin", "create-user", "wijkBEHEER", "--email", "geen-adres"], "welkom\n")
    })
    .await
    .unwrap();
    assert!(!ok);
    assert!(stderr.contains("username: This username is already taken."), "{stderr}");
    assert!(stderr.contains("email: This is not a valid email address."), "{stderr}");
    assert!(stderr.contains("password: Your password needs at least 8 characters."), "{stderr}");
    assert_eq!(app.count_users().await, 1);

    // No password at all.
    let domain = app.settings().instance.domain.clone();
    let url = app.db.url.clone();
    let (ok, _, stderr) = tokio::task::spawn_blocking(move || {
        run_buurt(&url, &domain, &["admin", "create-user", "leeg", "--email", "l@buurt.example"], "")
    })
    .await
    .unwrap();
    assert!(!ok);
    assert!(stderr.contains("no password on standard input"), "{stderr}");
}

async fn admin_set_password_and_set_role(b: Backend) {
    let app = TestApp::spawn(b).await;
    let session = app.signed_in("roos", Role::Member).await;
    let new = "regenboog-Singel-2024";
    let (domain, url) = (app.settings().instance.domain.clone(), app.db.url.clone());
    let (ok, _, stderr) = tokio::task::spawn_blocking(move || {
        run_buurt(&url, &domain, &["admin", "set-password", "ROOS"], &format!("{new}\n"))
    })
    .await
    .unwrap();
    assert!(ok, "{stderr}");
    assert!(session.get("/instellingen").await.status().is_redirection(), "sessions ended");
    assert_eq!(app.browser().login("roos", PASSWORD).await.status(), 401);
    assert_eq!(app.browser().login("roos", new).await.status(), 303);

    let (domain, url) = (app.settings().instance.domain.clone(), app.db.url.clone());
    let (ok, _, stderr) =
        tokio::task::spawn_blocking(move || run_buurt(&url, &domain, &["admin", "set-role", "roos", "moderator"], ""))
            .await
            .unwrap();
    assert!(ok, "{stderr}");
    assert_eq!(app.account("roos").await.unwrap().user.role(), Role::Moderator);

    let (domain, url) = (app.settings().instance.domain.clone(), app.db.url.clone());
    let (ok, _, stderr) =
        tokio::task::spawn_blocking(move || run_buurt(&url, &domain, &["admin", "set-role", "niemand", "admin"], ""))
            .await
            .unwrap();
    assert!(!ok);
    assert!(stderr.contains("no such account"), "{stderr}");
}
