//! E-mail over a real SMTP server (aiosmtpd on loopback), and into the mail folder when no
//! server is configured; an outage delays mail but never loses or doubles it.

use buurt::domain::mail::{Item, Letter, Section};
use buurt::i18n::Lang;

use crate::both;
use crate::smtp::{SmtpServer, header, unfolded};
use crate::util::{Backend, TestApp, eventually};

fn letter(to: &str) -> Letter {
    Letter {
        lang: Lang::Nl,
        to: to.to_string(),
        subject: "Nieuwe reactie op je bericht".into(),
        greeting: "Hallo Anna,".into(),
        paragraphs: vec!["Bram reageerde op je bericht over de buurtmoestuin.".into()],
        action: Some(("Bekijk de reactie".into(), "https://buurt.example/p/1".into())),
        sections: vec![Section {
            heading: "In je buurt".into(),
            items: vec![Item { text: "Straatfeest <zaterdag>".into(), url: "https://buurt.example/p/2".into() }],
        }],
        reason: "Je krijgt deze mail omdat je meldingen per e-mail aan hebt staan.".into(),
        unsubscribe: Some("https://buurt.example/meldingen/afmelden?t=x".into()),
    }
}

async fn queue(app: &TestApp, letter: &Letter) {
    let mut tx = app.state.pool.begin().await.unwrap();
    buurt::domain::mail::queue(&mut tx, app.settings(), letter).await.unwrap();
    tx.commit().await.unwrap();
    buurt::jobs::wake(&app.state);
}

async fn mail_goes_out_over_smtp_with_both_bodies(backend: Backend) {
    let port = SmtpServer::free_port();
    let smtp = SmtpServer::start(port).await;
    let app = TestApp::spawn_with(backend, |s| s.mail.smtp_url = SmtpServer::url(port)).await;
    queue(&app, &letter("anna@example.org")).await;
    let mails = smtp.wait_for(1).await;
    let mail = &mails[0];
    assert_eq!(header(mail, "To"), Some("anna@example.org"));
    assert_eq!(header(mail, "Subject"), Some("Nieuwe reactie op je bericht"));
    assert!(header(mail, "From").is_some_and(|f| f.contains("noreply@127.0.0.1")), "{mail}");
    assert_eq!(header(mail, "List-Unsubscribe"), Some("<https://buurt.example/meldingen/afmelden?t=x>"));
    assert_eq!(header(mail, "List-Unsubscribe-Post"), Some("List-Unsubscribe=One-Click"));
    assert!(mail.contains("multipart/alternative"));
    assert!(mail.contains("Bram reageerde op je bericht"));
    // The HTML part escapes what people wrote; the text part shows it as written.
    assert!(unfolded(mail).contains("Straatfeest &#60;zaterdag&#62;"), "{mail}");
    assert!(mail.contains("- Straatfeest <zaterdag>"), "{mail}");
    app.run_jobs().await;
    assert!(app.mails_in_folder().is_empty(), "with a server, nothing goes to the folder");
    app.stop().await;
}

async fn an_smtp_outage_delays_mail_and_sends_it_once_when_back(backend: Backend) {
    let port = SmtpServer::free_port();
    let app = TestApp::spawn_with(backend, |s| s.mail.smtp_url = SmtpServer::url(port)).await;
    queue(&app, &letter("anna@example.org")).await;
    // Nobody listens: the job fails and waits for its retry.
    eventually("a failed try is recorded", || async {
        let jobs = crate::jobs_table(&app).await;
        jobs.len() == 1 && jobs.iter().all(|j| j.failed_at.is_none() && j.attempts >= 1 && j.last_error.is_some())
    })
    .await;
    let smtp = SmtpServer::start(port).await;
    smtp.wait_for(1).await;
    app.run_jobs().await;
    assert!(crate::jobs_table(&app).await.is_empty(), "the job is done");
    // A moment later, still one: nothing is sent twice.
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(smtp.messages().len(), 1);
    app.stop().await;
}

async fn without_a_server_mail_is_written_to_the_folder(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    queue(&app, &letter("bram@example.org")).await;
    app.run_jobs().await;
    let mails = app.mails_in_folder();
    assert_eq!(mails.len(), 1);
    assert_eq!(header(&mails[0], "To"), Some("bram@example.org"));
    app.stop().await;
}

async fn a_mail_that_can_never_go_is_given_up_not_retried(backend: Backend) {
    let port = SmtpServer::free_port();
    let smtp = SmtpServer::start(port).await;
    let app = TestApp::spawn_with(backend, |s| s.mail.smtp_url = SmtpServer::url(port)).await;
    queue(&app, &letter("not an address")).await;
    eventually("the job is given up", || async { crate::jobs_table(&app).await.iter().any(|j| j.failed_at.is_some()) })
        .await;
    assert!(smtp.messages().is_empty());
    app.stop().await;
}

both!(
    mail_goes_out_over_smtp_with_both_bodies,
    an_smtp_outage_delays_mail_and_sends_it_once_when_back,
    without_a_server_mail_is_written_to_the_folder,
    a_mail_that_can_never_go_is_given_up_not_retried,
);
