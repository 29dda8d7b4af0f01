//! Notifications by e-mail right away and in digests: exactly what happened since the last
//! digest, once; the unsubscribe link works without signing in, and a forged one does nothing.

use buurt::db::models::local_user::Role;
use buurt::domain::notifications::{Notice, kinds, notify};

use crate::both;
use crate::smtp::{SmtpServer, header, link, unfolded};
use crate::util::{Backend, TestApp};

async fn tell(app: &TestApp, notice: Notice) {
    let mut tx = app.state.pool.begin().await.unwrap();
    notify(&mut tx, notice).await.unwrap();
    tx.commit().await.unwrap();
    buurt::jobs::wake(&app.state);
}

fn notice(
    kind: &'static kinds::Kind,
    to: &buurt::db::models::local_user::Account,
    from: &buurt::db::models::local_user::Account,
) -> Notice {
    Notice { kind, recipient: to.actor.id, from: Some(from.actor.id), post: None, subject: None }
}

async fn run_digest(app: &TestApp, user: i64, period: &str) {
    let mut tx = app.state.pool.begin().await.unwrap();
    let job = buurt::jobs::NewJob::new(
        buurt::domain::notifications::digest::SEND_JOB,
        &serde_json::json!({"user": user, "period": period}),
    );
    buurt::jobs::enqueue(&mut tx, job).await.unwrap();
    tx.commit().await.unwrap();
    buurt::jobs::wake(&app.state);
    app.run_jobs().await;
}

async fn a_mention_is_mailed_at_once_and_a_like_waits_for_the_digest(backend: Backend) {
    let port = SmtpServer::free_port();
    let smtp = SmtpServer::start(port).await;
    let app = TestApp::spawn_with(backend, |s| s.mail.smtp_url = SmtpServer::url(port)).await;
    let anna = app.create_user("anna", Role::Member).await;
    let bram = app.create_user("bram", Role::Member).await;
    let cor = app.create_user("cor", Role::Member).await;
    tell(&app, notice(&kinds::MENTION, &anna, &bram)).await;
    let mails = smtp.wait_for(1).await;
    assert_eq!(header(&mails[0], "To"), Some("anna@buurt.example"));
    assert!(header(&mails[0], "Subject").is_some_and(|s| s.contains("bram noemde je")), "{}", mails[0]);
    // Likes go to the weekly digest by default: no mail now.
    tell(&app, notice(&kinds::FAVOURITE, &anna, &bram)).await;
    tell(&app, notice(&kinds::FAVOURITE, &anna, &cor)).await;
    app.run_jobs().await;
    assert_eq!(smtp.messages().len(), 1);

    run_digest(&app, anna.user.id.0, "weekly").await;
    let mails = smtp.wait_for(2).await;
    let digest = unfolded(&mails[1]);
    assert!(header(&mails[1], "Subject").is_some_and(|s| s.contains("Deze week")), "{digest}");
    // Two likes of one post, grouped: one line.
    assert!(digest.contains("en 1 ander vinden je bericht leuk"), "{digest}");
    assert!(!digest.contains("noemde je"), "the mention was mailed already, it is not in the digest: {digest}");

    // The next digest holds only what came after: nothing yet, so no mail.
    run_digest(&app, anna.user.id.0, "weekly").await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(smtp.messages().len(), 2, "an empty digest is not sent");
    tell(&app, notice(&kinds::FOLLOW, &anna, &cor)).await;
    run_digest(&app, anna.user.id.0, "weekly").await;
    let mails = smtp.wait_for(3).await;
    let third = unfolded(&mails[2]);
    assert!(third.contains("cor volgt je nu"), "{third}");
    assert!(!third.contains("leuk"), "what an earlier digest covered is not repeated: {third}");
    app.stop().await;
}

async fn the_unsubscribe_link_works_without_signing_in_and_a_forged_one_does_nothing(backend: Backend) {
    let port = SmtpServer::free_port();
    let smtp = SmtpServer::start(port).await;
    let app = TestApp::spawn_with(backend, |s| s.mail.smtp_url = SmtpServer::url(port)).await;
    let anna = app.create_user("anna", Role::Member).await;
    let bram = app.create_user("bram", Role::Member).await;
    tell(&app, notice(&kinds::MENTION, &anna, &bram)).await;
    let mails = smtp.wait_for(1).await;
    let url = link(&mails[0], &format!("{}/afmelden?", app.base)).expect("an unsubscribe link");
    assert_eq!(header(&mails[0], "List-Unsubscribe"), Some(format!("<{url}>").as_str()));

    let stranger = reqwest::Client::new();
    // A forged token: refused, nothing changed.
    let forged = url.replace("&t=", "&t=AAAA");
    let response = stranger.post(&forged).form(&[("List-Unsubscribe", "One-Click")]).send().await.unwrap();
    assert_eq!(response.status(), 400);
    // Someone else's user id with Anna's token: refused too.
    let other = url.replace(&format!("u={}", anna.user.id.0), &format!("u={}", bram.user.id.0));
    assert_eq!(stranger.post(&other).form(&[("List-Unsubscribe", "One-Click")]).send().await.unwrap().status(), 400);
    tell(&app, notice(&kinds::MENTION, &anna, &bram)).await;
    smtp.wait_for(2).await;

    // The page asks first (a link checker's GET changes nothing) …
    let page = stranger.get(&url).send().await.unwrap();
    assert_eq!(page.status(), 200);
    tell(&app, notice(&kinds::MENTION, &anna, &bram)).await;
    smtp.wait_for(3).await;
    // … and the one-click POST (RFC 8058) stops the mails of that kind.
    let response = stranger.post(&url).form(&[("List-Unsubscribe", "One-Click")]).send().await.unwrap();
    assert_eq!(response.status(), 200);
    tell(&app, notice(&kinds::MENTION, &anna, &bram)).await;
    app.run_jobs().await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(smtp.messages().len(), 3, "no mail after unsubscribing");
    app.stop().await;
}

both!(
    a_mention_is_mailed_at_once_and_a_like_waits_for_the_digest,
    the_unsubscribe_link_works_without_signing_in_and_a_forged_one_does_nothing,
);
