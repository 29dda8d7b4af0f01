//! Every page type in headless Chromium with axe-core: no WCAG 2.1 A/AA violations, in the
//! light and the dark colour scheme, anonymous and signed in.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use buurt::config::RegistrationMode;
use buurt::db::models::local_user::Role;
use serde_json::json;

use crate::both;
use crate::util::*;

both!(
    every_page_type_passes_axe_in_both_colour_schemes,
    a_resident_registers_changes_language_and_follows_in_the_browser,
    a_moderator_points_out_a_meeting_place_on_the_map,
    a_resident_resets_a_forgotten_password_by_email_in_the_browser,
    hostile_html_and_markdown_run_no_script_in_chromium,
    a_visitor_reports_a_post_and_a_moderator_removes_it_with_a_statement,
    an_event_is_made_and_answered_by_keyboard,
);

/// A map tile server on loopback: every tile is the same small PNG; counts what it served.
async fn tile_server() -> (String, Arc<AtomicUsize>) {
    let served = Arc::new(AtomicUsize::new(0));
    let counter = served.clone();
    let app = axum::Router::new().route(
        "/{z}/{x}/{y}",
        axum::routing::get(move || {
            let counter = counter.clone();
            async move {
                counter.fetch_add(1, Ordering::SeqCst);
                ([("content-type", "image/png")], include_bytes!("../../static/avatar.png").as_slice())
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    (format!("http://{addr}/{{z}}/{{x}}/{{y}}"), served)
}

/// The neighbourhood's boundary, as a file for `map.area_file`.
fn area_file() -> tempfile::NamedTempFile {
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(
        file.path(),
        r#"{"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[[[4.91,52.35],[4.93,52.35],[4.93,52.37],[4.91,52.37],[4.91,52.35]]]}}"#,
    )
    .unwrap();
    file
}

/// Installs the browser test packages once (parallel tests wait for each other).
fn browser_packages() -> std::path::PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser");
    let lock = std::env::temp_dir().join("buurt-browser-npm.lock");
    while std::fs::create_dir(&lock).is_err() {
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    let result = std::panic::catch_unwind(|| {
        if !dir.join("node_modules/playwright-core").exists() {
            let status = Command::new("npm")
                .args(["ci", "--no-audit", "--no-fund", "--loglevel=error"])
                .current_dir(&dir)
                .status()
                .unwrap();
            assert!(status.success(), "npm ci in tests/browser failed");
        }
    });
    let _ = std::fs::remove_dir(&lock);
    if let Err(e) = result {
        std::panic::resume_unwind(e);
    }
    dir
}

/// Runs a script of tests/browser with node, with its settings in the environment, and checks
/// that it succeeded and printed `done`; returns what it printed. Screenshots of failures are
/// in `artifacts`.
async fn node(dir: PathBuf, script: &'static str, env: &[(&str, &str)], artifacts: &Path, done: &str) -> String {
    let env: Vec<(String, String)> = env.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    let output = tokio::task::spawn_blocking(move || {
        Command::new("node").arg(script).current_dir(&dir).envs(env).output().unwrap()
    })
    .await
    .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success() && stdout.contains(done),
        "{script} failed (screenshots in {}):\n{stdout}\n{}",
        artifacts.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

async fn every_page_type_passes_axe_in_both_colour_schemes(b: Backend) {
    assert!(Path::new("/usr/bin/chromium").exists(), "Debian's chromium is needed (scripts/test installs it)");
    let dir = tokio::task::spawn_blocking(browser_packages).await.unwrap();
    let (tiles, _) = tile_server().await;
    let area = area_file();
    let app = TestApp::spawn_with(b, |s| {
        s.instance.registration = RegistrationMode::Approval;
        s.map.tile_url = tiles;
        s.map.area_file = area.path().to_string_lossy().into_owned();
    })
    .await;
    app.create_user("wijkadmin", Role::Admin).await;
    let anna = app.api_user("anna").await;
    let photo: serde_json::Value = anna
        .client
        .post(app.url("/api/v2/media"))
        .bearer_auth(&anna.token)
        .multipart(reqwest::multipart::Form::new().text("description", "Een bankje in het park").part(
            "file",
            reqwest::multipart::Part::bytes(crate::media::jpeg_with_exif(320, 240, 1)).file_name("bank.jpg"),
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let post =
        anna.post("/api/v1/statuses", json!({"status": "Wie helpt zaterdag?", "media_ids": [photo["id"]]})).await;
    // A reply, so that the post page shows a thread.
    anna.post("/api/v1/statuses", json!({"status": "Ik help mee!", "in_reply_to_id": post["id"]})).await;
    let tuin =
        buurt::domain::groups::create_group(&app.state.pool, app.settings(), "tuin", "De Buurttuin").await.unwrap();
    let place = buurt::domain::places::PlaceInput {
        place_name: "Buurthuis".into(),
        street_address: "Oosterparkstraat 1".into(),
        latitude: "52.36".into(),
        longitude: "4.92".into(),
        ..Default::default()
    };
    buurt::domain::places::set_group_place(&app.state, &tuin, &place).await.unwrap();
    // Neighbourhoods: a neighbourhood's page with its boundary, and choosing one's home.
    let buurten =
        std::fs::read_to_string(format!("{}/tests/fixtures/cbs/buurten-rd.geojson", env!("CARGO_MANIFEST_DIR")))
            .unwrap();
    let options = buurt::domain::neighbourhoods::import::ImportOptions::default();
    buurt::domain::neighbourhoods::import::import(&app.state.pool, app.settings(), &buurten, &options).await.unwrap();
    // Anna's profile lists her post and her group.
    anna.post(&format!("/api/v1/accounts/{}/follow", tuin.id.0), json!({})).await;
    anna.post("/api/buurt/v1/groups/tuin/join", json!({})).await;
    let applicant = with(registration("piet"), "reason", "Ik woon op nummer 12");
    assert_eq!(app.browser().register(&as_refs(&applicant)).await.status(), 200);
    let admin = app.browser();
    admin.login("wijkadmin", PASSWORD).await;
    admin.submit("/beheer/uitnodigingen", "/beheer/uitnodigingen", &[("max_uses", "3"), ("expires_days", "7")]).await;
    let client: serde_json::Value = reqwest::Client::new()
        .post(app.url("/api/v1/apps"))
        .form(&[("client_name", "Buurtapp"), ("redirect_uris", "urn:ietf:wg:oauth:2.0:oob"), ("scopes", "read write")])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let authorize =
        format!("/oauth/authorize?response_type=code&client_id={}&scope=read", client["client_id"].as_str().unwrap());

    // The unsubscribe page of a mail's signed link (no sign-in needed).
    let anna_id = app.account("anna").await.unwrap().user.id;
    let unsubscribe = buurt::domain::notifications::email::unsubscribe_link(
        &app.state,
        anna_id,
        &buurt::domain::notifications::kinds::MENTION,
    )
    .replacen(&app.base, "", 1);
    // An organisation, an invitation link to the garden and its page.
    let wijkadmin = app.account("wijkadmin").await.unwrap();
    let zorg = buurt::domain::groups::NewGroup {
        name: "zorg".into(),
        display_name: "Wijkzorg".into(),
        kind: "organisation".into(),
        org_type: "care_provider".into(),
        openness: "open".into(),
        content: "public".into(),
        posting: "members".into(),
        ..Default::default()
    };
    buurt::domain::groups::create(&app.state, &wijkadmin, &zorg).await.unwrap();
    let garden = {
        let mut conn = app.state.pool.get().await.unwrap();
        buurt::domain::groups::local(&mut conn, app.settings(), "tuin").await.unwrap().unwrap()
    };
    let form = buurt::domain::groups::invitations::NewGroupInvite {
        max_uses: "5".into(),
        expires_days: "7".into(),
        email: String::new(),
    };
    let code = buurt::domain::groups::invitations::create(&app.state, &wijkadmin, &garden, &form).await.unwrap().code;
    // A thread in the garden with a reply, started by the admin (who may edit it), and the
    // admin's home neighbourhood, whose discussions lead the home page.
    buurt::domain::groups::members::join(&app.state, &wijkadmin, &garden, "").await.unwrap();
    let new_thread = buurt::domain::groups::discussions::NewThread {
        title: "Plantjesruil".into(),
        text: "Wie heeft **stekjes** over?".into(),
        announcement: false,
    };
    let thread = buurt::domain::groups::discussions::start_thread(&app.state, &wijkadmin, &garden, &new_thread)
        .await
        .unwrap()
        .id
        .0;
    anna.post("/api/v1/statuses", json!({"status": "Ik heb een vijgenboom", "in_reply_to_id": thread.to_string()}))
        .await;
    let home = buurt::domain::neighbourhoods::HomeChoice::Name("centrum".into());
    buurt::domain::neighbourhoods::set_home(&app.state, &wijkadmin, &home).await.unwrap();
    // A decision about another post of anna's, which she appeals: the log, the statement, the
    // decision form and the admins' appeals have content.
    let spam = anna.post("/api/v1/statuses", json!({"status": "Koop nu!"})).await;
    let spam_id = buurt::db::models::post::PostId(spam["id"].as_str().unwrap().parse().unwrap());
    let decision = buurt::domain::moderation::actions::Decision {
        kind: "hide_post".into(),
        post: Some(spam_id),
        ground: "spam".into(),
        facts: "Reclame.".into(),
        ..Default::default()
    };
    let action = buurt::domain::moderation::actions::decide(&app.state, &wijkadmin, &decision).await.unwrap();
    let anna_account = app.account("anna").await.unwrap();
    buurt::domain::moderation::appeals::file(&app.state, &anna_account, action.id, "Het was geen reclame.")
        .await
        .unwrap();
    // The admin's own controls: a block, a mute, a blocked domain and a hidden post to list.
    let hinder = app.create_user("hinder", Role::Member).await;
    let stil = app.api_user("stil").await;
    let quiet = stil.post("/api/v1/statuses", json!({"status": "Stil bericht"})).await;
    buurt::domain::blocks::block(&app.state, &wijkadmin, &hinder.actor).await.unwrap();
    let stil_actor = app.account("stil").await.unwrap().actor;
    buurt::domain::blocks::mute(&app.state, &wijkadmin, &stil_actor, Default::default()).await.unwrap();
    buurt::domain::blocks::block_domain(&app.state, &wijkadmin, "spam.example").await.unwrap();
    let quiet_id = buurt::db::models::post::PostId(quiet["id"].as_str().unwrap().parse().unwrap());
    buurt::domain::blocks::hide(&app.state, &wijkadmin, quiet_id).await.unwrap();
    // A blocked server, so the federation pages list one.
    let policy = buurt::domain::federation::PolicyInput {
        domain: "spam.example".into(),
        severity: "suspend".into(),
        public_comment: "Spam".into(),
        ..Default::default()
    };
    buurt::domain::federation::set_policy(&app.state, &wijkadmin, &policy).await.unwrap();
    // A report of anna's post by a visitor, in the queue the admin handles.
    let post_id: i64 = post["id"].as_str().unwrap().parse().unwrap();
    let report = buurt::domain::moderation::reports::NewReport {
        subject: Some(buurt::domain::moderation::reports::Subject::Post(buurt::db::models::post::PostId(post_id))),
        category: "spam".into(),
        comment: "Reclame".into(),
        contact_email: "buur@example.nl".into(),
        ..Default::default()
    };
    let report = buurt::domain::moderation::reports::create(&app.state, None, &report).await.unwrap().id;
    let mut event = crate::events::event_body_for_pages();
    event["capacity"] = json!("12");
    let event = anna.post("/api/buurt/v1/events", event).await;
    let place = format!("/plekken/{}", {
        let mut conn = app.state.pool.get().await.unwrap();
        let id: i64 = event["id"].as_str().unwrap().parse().unwrap();
        buurt::db::models::event::Event::by_id(&mut conn, id).await.unwrap().unwrap().place_id.unwrap()
    });
    let event = event["url"].as_str().unwrap().trim_start_matches(&app.base).to_string();
    let pages = json!([
        {"path": "/activiteiten", "signedIn": false},
        {"path": "/activiteiten?maand=2031-06", "signedIn": false},
        {"path": "/g/tuin/activiteiten", "signedIn": false},
        {"path": event.clone(), "signedIn": false},
        {"path": place, "signedIn": false},
        {"path": "/mijn-agenda", "signedIn": true},
        {"path": event.clone(), "signedIn": true},
        {"path": "/activiteiten/nieuw", "signedIn": true},
        {"path": format!("{event}/bewerken"), "signedIn": true},
        {"path": format!("{event}/deelnemers"), "signedIn": true},
        {"path": "/", "signedIn": false},
        {"path": format!("/melden?post={post_id}"), "signedIn": false},
        {"path": "/over/instanties", "signedIn": false},
        {"path": "/moderatie", "signedIn": false},
        {"path": format!("/moderatie/besluiten/{}", action.id.0), "signedIn": true},
        {"path": format!("/moderatie/besluit?post={}", post["id"].as_str().unwrap()), "signedIn": true},
        {"path": "/beheer/bezwaren", "signedIn": true},
        {"path": "/g/zorg", "signedIn": false},
        {"path": format!("/g/tuin/uitnodiging/{code}"), "signedIn": false},
        {"path": "/inloggen", "signedIn": false},
        {"path": "/registreren", "signedIn": false},
        {"path": "/bestaat-niet", "signedIn": false},
        {"path": "/toegankelijkheid", "signedIn": false},
        {"path": "/privacy", "signedIn": false},
        {"path": unsubscribe, "signedIn": false},
        {"path": "/wachtwoord-vergeten", "signedIn": false},
        {"path": "/bevestigen/opnieuw", "signedIn": false},
        {"path": "/wachtwoord-herstellen?t=onbekend", "signedIn": false},
        {"path": "/u/anna", "signedIn": false},
        {"path": "/g/tuin", "signedIn": false},
        {"path": "/kaart", "signedIn": false},
        {"path": "/groepen", "signedIn": false},
        {"path": "/g/tuin/leden", "signedIn": false},
        {"path": "/g/centrum", "signedIn": false},
        {"path": format!("/p/{}", post["id"].as_str().unwrap()), "signedIn": false},
        {"path": format!("/p/{thread}"), "signedIn": false},
        {"path": "/", "signedIn": true},
        {"path": format!("/p/{thread}"), "signedIn": true},
        {"path": format!("/p/{thread}/bewerken"), "signedIn": true},
        {"path": "/g/tuin/gesprekken/nieuw", "signedIn": true},
        {"path": format!("/p/{}", post["id"].as_str().unwrap()), "signedIn": true},
        {"path": "/g/tuin", "signedIn": true},
        {"path": "/g/tuin/plek", "signedIn": true},
        {"path": "/g/tuin/bewerken", "signedIn": true},
        {"path": "/g/tuin/leden", "signedIn": true},
        {"path": "/groepen/nieuw", "signedIn": true},
        {"path": "/g/tuin/uitnodigingen", "signedIn": true},
        {"path": "/groepen/uitnodigingen", "signedIn": true},
        {"path": "/instellingen", "signedIn": true},
        {"path": "/instellingen/wachtwoord", "signedIn": true},
        {"path": "/instellingen/buurt", "signedIn": true},
        {"path": "/instellingen/blokkeringen", "signedIn": true},
        {"path": "/instellingen/gegevens", "signedIn": true},
        {"path": "/instellingen/account-verwijderen", "signedIn": true},
        {"path": "/u/anna/blokkeren", "signedIn": true},
        // The admin has an unread notification (piet's registration): the count in the
        // navigation and an unread entry are checked too.
        {"path": "/meldingen", "signedIn": true},
        {"path": "/instellingen/meldingen", "signedIn": true},
        {"path": "/instellingen/e-mail", "signedIn": true},
        {"path": "/beheer", "signedIn": true},
        {"path": "/beheer/gebruikers", "signedIn": true},
        {"path": format!("/beheer/gebruikers/{}", app.account("anna").await.unwrap().user.id.0), "signedIn": true},
        {"path": "/beheer/instellingen", "signedIn": true},
        {"path": "/beheer/aanmeldingen", "signedIn": true},
        {"path": "/beheer/uitnodigingen", "signedIn": true},
        {"path": "/beheer/federatie", "signedIn": true},
        {"path": "/beheer/federatie/spam.example", "signedIn": true},
        {"path": "/beheer/federatie/importeren", "signedIn": true},
        {"path": "/beheer/meldingen", "signedIn": true},
        {"path": format!("/beheer/meldingen/{report}"), "signedIn": true},
        {"path": "/g/tuin/meldingen", "signedIn": true},
        {"path": "/melden?group=zorg", "signedIn": true},
        {"path": "/melden/mijn", "signedIn": true},
        {"path": format!("/authorize_interaction?uri=acct:{}", app.handle("anna")), "signedIn": true},
        {"path": authorize, "signedIn": true},
    ]);
    let artifacts = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("axe-{b:?}"));
    let env = [
        ("BASE", app.base.as_str()),
        ("LOGIN", "wijkadmin"),
        ("PASSWORD", PASSWORD),
        ("PAGES", &pages.to_string()),
        ("ARTIFACTS", &artifacts.to_string_lossy()),
    ];
    let stdout = node(dir, "axe.mjs", &env, &artifacts, "axe: 148 page checks, 0 violations").await;
    assert!(stdout.contains("ok /g/tuin/bewerken (signed in, dark) status 200"), "{stdout}");
    assert!(stdout.contains("ok /g/tuin/plek (signed in, dark) status 200"), "{stdout}");
    assert!(stdout.contains("ok /g/tuin/leden (signed in, dark) status 200"), "{stdout}");
    assert!(stdout.contains("ok /groepen/nieuw (signed in, dark) status 200"), "{stdout}");
    assert!(stdout.contains("ok /g/centrum (anonymous, dark) status 200"), "{stdout}");
    assert!(stdout.contains(&format!("ok /p/{thread}/bewerken (signed in, dark) status 200")), "{stdout}");
    assert!(stdout.contains("ok /g/tuin/gesprekken/nieuw (signed in, dark) status 200"), "{stdout}");
    assert!(stdout.contains("ok /instellingen/buurt (signed in, dark) status 200"), "{stdout}");
    assert!(stdout.contains("ok /instellingen/blokkeringen (signed in, dark) status 200"), "{stdout}");
    assert!(stdout.contains("ok /u/anna/blokkeren (signed in, dark) status 200"), "{stdout}");
    assert!(stdout.contains("ok /beheer/federatie/spam.example (signed in, dark) status 200"), "{stdout}");
    assert!(stdout.contains("ok /g/tuin/uitnodigingen (signed in, dark) status 200"), "{stdout}");
    // Signed-in pages were really seen signed in (no redirect to the login page).
    assert!(stdout.contains("ok /instellingen (signed in, dark) status 200"), "{stdout}");
    assert!(stdout.contains("ok /meldingen (signed in, dark) status 200"), "{stdout}");
    assert!(stdout.contains("ok /bestaat-niet (anonymous, light) status 404"), "{stdout}");
    assert!(stdout.contains(&format!("ok /beheer/meldingen/{report} (signed in, dark) status 200")), "{stdout}");
    assert!(stdout.contains("ok /beheer/instellingen (signed in, dark) status 200"), "{stdout}");
    assert!(stdout.contains(&format!("ok /melden?post={post_id} (anonymous, dark) status 200")), "{stdout}");
    println!("{stdout}");
}

async fn a_resident_registers_changes_language_and_follows_in_the_browser(b: Backend) {
    assert!(Path::new("/usr/bin/chromium").exists(), "Debian's chromium is needed (scripts/test installs it)");
    let dir = tokio::task::spawn_blocking(browser_packages).await.unwrap();
    let alpha = TestApp::spawn_federated(b).await;
    let beta = TestApp::spawn_federated(b).await;
    buurt::domain::groups::create_group(&alpha.state.pool, alpha.settings(), "tuin", "De Buurttuin").await.unwrap();
    let neighbourhoods =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/cbs/buurten-wgs84.geojson"))
            .unwrap();
    let options = buurt::domain::neighbourhoods::import::ImportOptions::default();
    buurt::domain::neighbourhoods::import::import(&alpha.state.pool, alpha.settings(), &neighbourhoods, &options)
        .await
        .unwrap();
    beta.create_user("bert", Role::Member).await;
    let artifacts = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("flows-{b:?}"));
    let env = [
        ("ALPHA", alpha.base.as_str()),
        ("BETA", &beta.base),
        ("GROUP", "tuin"),
        ("NEIGHBOURHOOD", "Zuid"),
        ("REMOTE", "bert"),
        ("ARTIFACTS", &artifacts.to_string_lossy()),
    ];
    node(dir, "flows.mjs", &env, &artifacts, "flows: all passed").await;
    // The remote follow really happened on both sides.
    let fenna = alpha.account("fenna").await.unwrap();
    let mut conn = alpha.state.pool.get().await.unwrap();
    assert_eq!(buurt::db::models::actor_count::ActorCount::of(&mut conn, fenna.actor.id).await.unwrap().following, 2);
    // Her home neighbourhood, her membership, her thread in the group and her reply in it.
    let home = buurt::domain::neighbourhoods::home_of(&mut conn, &fenna).await.unwrap().unwrap();
    assert_eq!(home.actor.display_name, "Zuid");
    let tuin = buurt::domain::actors::local_by_name(&mut conn, alpha.settings(), "tuin").await.unwrap().unwrap();
    let membership =
        buurt::db::models::membership::Membership::find(&mut conn, tuin.id, fenna.actor.id).await.unwrap().unwrap();
    assert!(membership.is_member());
    let threads = buurt::db::views::discussions::threads(&mut conn, tuin.id, None, 10).await.unwrap();
    assert_eq!(threads.len(), 1);
    assert_eq!(threads[0].post.name.as_deref(), Some("Plantjesruil"));
    assert_eq!(threads[0].author.id, fenna.actor.id);
    assert_eq!(threads[0].replies, 1);
}

async fn a_moderator_points_out_a_meeting_place_on_the_map(b: Backend) {
    assert!(Path::new("/usr/bin/chromium").exists(), "Debian's chromium is needed (scripts/test installs it)");
    let dir = tokio::task::spawn_blocking(browser_packages).await.unwrap();
    let (tiles, served) = tile_server().await;
    let area = area_file();
    let app = TestApp::spawn_with(b, |s| {
        s.map.tile_url = tiles;
        s.map.area_file = area.path().to_string_lossy().into_owned();
    })
    .await;
    app.create_user("mo", Role::Moderator).await;
    buurt::domain::groups::create_group(&app.state.pool, app.settings(), "tuin", "De Buurttuin").await.unwrap();
    let artifacts = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("map-{b:?}"));
    let env = [
        ("BASE", app.base.as_str()),
        ("LOGIN", "mo"),
        ("PASSWORD", PASSWORD),
        ("GROUP", "tuin"),
        ("ARTIFACTS", &artifacts.to_string_lossy()),
    ];
    let stdout = node(dir, "map.mjs", &env, &artifacts, "map: all passed").await;
    // The place the browser picked is stored, at the coordinates the page showed.
    let picked: Vec<f64> = stdout
        .lines()
        .find_map(|l| l.strip_prefix("picked "))
        .unwrap()
        .split(' ')
        .map(|v| v.parse().unwrap())
        .collect();
    let mut conn = app.state.pool.get().await.unwrap();
    let group = buurt::domain::actors::local_by_name(&mut conn, app.settings(), "tuin").await.unwrap().unwrap();
    let place = buurt::db::models::place::Place::by_id(&mut conn, group.place_id.unwrap()).await.unwrap().unwrap();
    let (lat, lon) = place.coordinates().unwrap();
    assert!((lat - picked[0]).abs() < 1e-6 && (lon - picked[1]).abs() < 1e-6, "{lat},{lon} vs {picked:?}");
    assert_eq!(place.name, "Buurthuis De Meeuw");
    // The tiles came from the configured server.
    assert!(served.load(Ordering::SeqCst) > 0);
}

async fn a_resident_resets_a_forgotten_password_by_email_in_the_browser(b: Backend) {
    assert!(Path::new("/usr/bin/chromium").exists(), "Debian's chromium is needed (scripts/test installs it)");
    let dir = tokio::task::spawn_blocking(browser_packages).await.unwrap();
    let port = crate::smtp::SmtpServer::free_port();
    let smtp = crate::smtp::SmtpServer::start(port).await;
    let app = TestApp::spawn_with(b, |s| s.mail.smtp_url = crate::smtp::SmtpServer::url(port)).await;
    app.create_user("fenna", Role::Member).await;
    let artifacts = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("reset-{b:?}"));
    let new_password = "zeilboot-Lantaarn-27-regen";
    let maildir = smtp.maildir();
    let env = [
        ("BASE", app.base.as_str()),
        ("LOGIN", "fenna"),
        ("EMAIL", "fenna@buurt.example"),
        ("MAILDIR", &maildir.to_string_lossy()),
        ("PASSWORD", new_password),
        ("ARTIFACTS", &artifacts.to_string_lossy()),
    ];
    node(dir, "reset.mjs", &env, &artifacts, "reset: all passed").await;
    // The browser's password is the account's now.
    assert_eq!(app.browser().login("fenna", new_password).await.status(), 303);
    assert_eq!(app.browser().login("fenna", PASSWORD).await.status(), 401);
}

/// Hostile input, each piece of which would set `window.__pwned` or open a dialog if it ran:
/// script tags, event handlers, `javascript:`, `vbscript:` and `data:` URLs in every spelling,
/// CSS tricks, mutation-XSS shapes and nested encodings.
const CORPUS: &[&str] = &[
    "<script>window.__pwned=1</script>",
    "<img src=x onerror=\"window.__pwned=2\">",
    "<svg onload=\"window.__pwned=3\"><circle r=\"1\"/></svg>",
    "<a href=\"javascript:window.__pwned=4\">klik 4</a>",
    "[klik 5](javascript:window.__pwned=5)",
    "[klik 6](jav&#x09;ascript:window.__pwned=6)",
    "<a href=\"&#106;&#97;vascript:window.__pwned=7\">klik 7</a>",
    "<a href=\"JaVaScRiPt&colon;window.__pwned=8\">klik 8</a>",
    "<iframe src=\"javascript:parent.__pwned=9\"></iframe>",
    "<object data=\"javascript:window.__pwned=10\"></object><embed src=\"javascript:window.__pwned=11\">",
    "<style>main{display:none}</style><div style=\"position:fixed;inset:0;background:red\">overlay</div>",
    "<scr<script>ipt>window.__pwned=12</scr</script>ipt>",
    "&lt;script&gt;window.__pwned=13&lt;/script&gt;",
    "&amp;lt;script&amp;gt;window.__pwned=14&amp;lt;/script&amp;gt;",
    "%3Cscript%3Ewindow.__pwned=15%3C/script%3E",
    "<math><mtext><table><mglyph><style><img src=x onerror=window.__pwned=16></style></mglyph></table></mtext></math>",
    "<noscript><p title=\"</noscript><img src=x onerror=window.__pwned=17>\"></noscript>",
    "<form action=\"javascript:window.__pwned=18\"><button>verstuur</button></form>",
    "<meta http-equiv=\"refresh\" content=\"0;url=javascript:window.__pwned=19\"><base href=\"javascript:/\">",
    "<details open ontoggle=\"window.__pwned=20\"><summary>open</summary></details>",
    "<input autofocus onfocus=\"window.__pwned=21\">",
    "![plaatje](x\" onerror=\"window.__pwned=22)",
    "<a href=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\">data</a>",
    "<p onmouseover=\"window.__pwned=23\">zweef</p>",
    "<a href=\"vbscript:msgbox(1)\">vb</a>",
    "<img src=\"x\" srcset=\"javascript:window.__pwned=24\">",
    "<svg><a xlink:href=\"javascript:window.__pwned=25\"><text y=\"10\">svg</text></a></svg>",
    "<div style=\"background:url(javascript:window.__pwned=26)\">css</div>",
    "<<script>script>window.__pwned=27<</script>/script>",
    "\u{202e}<script>window.__pwned=28</script>",
    "<a href=\"https://example.org/\" onclick=\"window.__pwned=29\">link</a>",
    "<span class=\"mention\" onmouseover=\"window.__pwned=30\">@iemand</span>",
];

async fn hostile_html_and_markdown_run_no_script_in_chromium(b: Backend) {
    use std::time::SystemTime;
    assert!(Path::new("/usr/bin/chromium").exists(), "Debian's chromium is needed (scripts/test installs it)");
    let dir = tokio::task::spawn_blocking(browser_packages).await.unwrap();
    let alpha = TestApp::spawn_federated(b).await;
    let beta = TestApp::spawn_federated(b).await;
    let anna = alpha.api_user("anna").await;
    let text = format!("corpus-marker\n\n{}", CORPUS.join("\n\n"));
    // A resident's post and a group thread, written in Markdown.
    let post = anna.post("/api/v1/statuses", json!({"status": text})).await;
    let post_id = post["id"].as_str().unwrap().to_string();
    let post_uri = post["uri"].as_str().unwrap().to_string();
    anna.post(
        "/api/buurt/v1/groups",
        json!({"name": "tuin", "display_name": "Tuin <script>window.__pwned=40</script>", "openness": "open", "content": "public"}),
    )
    .await;
    let thread = anna
        .post(
            "/api/buurt/v1/groups/tuin/threads",
            json!({"title": "corpus-marker <img src=x onerror=window.__pwned=41>", "text": text}),
        )
        .await;
    let thread_id = thread["id"].as_str().unwrap().to_string();
    // A bio, and a display name.
    let bio = format!("corpus-marker {}", CORPUS[..6].join(" "));
    let updated = anna
        .send(
            reqwest::Method::PATCH,
            "/api/v1/accounts/update_credentials",
            Some(json!({"note": bio, "display_name": "Anna <svg onload=window.__pwned=42>"})),
        )
        .await;
    assert_eq!(updated.status(), 200);
    // A reply from another server, as HTML arrives: content, summary and name.
    let bert = signer(&beta, "bert").await;
    let public = "https://www.w3.org/ns/activitystreams#Public";
    let note = json!({
        "id": format!("{}/p/vijandig", beta.base), "type": "Note", "attributedTo": bert.actor,
        "content": format!("<p>remote-corpus-marker</p>{}", CORPUS.join("")),
        "summary": "<script>window.__pwned=43</script>let op",
        "name": "<img src=x onerror=window.__pwned=44>",
        "inReplyTo": post_uri, "to": [public], "cc": [alpha.url("/u/anna")],
    });
    let create = json!({"@context": "https://www.w3.org/ns/activitystreams", "id": format!("{}/activities/vijandig", beta.base),
        "type": "Create", "actor": bert.actor, "to": [public], "object": note});
    let response =
        crate::inbox::post_signed(&alpha.url("/inbox"), create.to_string().as_bytes(), &bert, SystemTime::now()).await;
    assert_eq!(response.status(), 202);
    let page = alpha.browser().get(&format!("/p/{post_id}")).await.text().await.unwrap();
    assert!(page.contains("remote-corpus-marker"), "the reply from elsewhere is on the post's page");

    let artifacts = tempfile::tempdir().unwrap();
    let pages = json!([
        {"path": format!("/p/{post_id}"), "signedIn": false},
        {"path": format!("/p/{thread_id}"), "signedIn": false},
        {"path": "/g/tuin", "signedIn": false},
        {"path": "/u/anna", "signedIn": false},
        {"path": "/", "signedIn": false},
        {"path": format!("/p/{post_id}"), "signedIn": true},
        {"path": "/meldingen", "signedIn": true},
    ]);
    let env = [
        ("BASE", alpha.base.as_str()),
        ("PAGES", &pages.to_string()),
        ("LOGIN", "anna"),
        ("PASSWORD", PASSWORD),
        ("ARTIFACTS", &artifacts.path().to_string_lossy()),
    ];
    let stdout = node(dir, "hostile.mjs", &env, artifacts.path(), "hostile: 7 pages, no script ran").await;
    assert!(stdout.contains("ok /meldingen (signed in)"), "{stdout}");
    alpha.stop().await;
    beta.stop().await;
}

async fn a_visitor_reports_a_post_and_a_moderator_removes_it_with_a_statement(b: Backend) {
    assert!(Path::new("/usr/bin/chromium").exists(), "Debian's chromium is needed (scripts/test installs it)");
    let dir = tokio::task::spawn_blocking(browser_packages).await.unwrap();
    let app = TestApp::spawn(b).await;
    let anna = app.api_user("anna").await;
    let post = anna.post("/api/v1/statuses", json!({"status": "Mijn buurman is een oplichter"})).await;
    let id = post["id"].as_str().unwrap().to_string();
    app.create_user("sanne", Role::Moderator).await;
    let artifacts = tempfile::tempdir().unwrap();
    let path = format!("/p/{id}");
    let env = [
        ("BASE", app.base.as_str()),
        ("POST", path.as_str()),
        ("MODERATOR", "sanne"),
        ("PASSWORD", PASSWORD),
        ("AUTHOR", "anna"),
        ("ARTIFACTS", &artifacts.path().to_string_lossy()),
    ];
    node(dir, "moderation.mjs", &env, artifacts.path(), "done").await;
    // What the browser did is what was stored: one decision, answering the closed report.
    let mut conn = app.state.pool.get().await.unwrap();
    let decisions = buurt::db::models::moderation_action::ModerationAction::page(&mut conn, None, 10).await.unwrap();
    assert_eq!(decisions.len(), 1);
    assert_eq!(decisions[0].kind, "remove_post");
    let report =
        buurt::db::models::report::Report::by_id(&mut conn, decisions[0].report_id.unwrap()).await.unwrap().unwrap();
    assert_eq!(report.state, "resolved");
    assert_eq!(report.action_id, Some(decisions[0].id.0));
    drop(conn);
    app.stop().await;
}

async fn an_event_is_made_and_answered_by_keyboard(b: Backend) {
    assert!(Path::new("/usr/bin/chromium").exists(), "Debian's chromium is needed (scripts/test installs it)");
    let dir = tokio::task::spawn_blocking(browser_packages).await.unwrap();
    let app = TestApp::spawn(b).await;
    app.create_user("anna", Role::Member).await;
    app.create_user("bert", Role::Member).await;
    let artifacts = tempfile::tempdir().unwrap();
    let env = [
        ("BASE", app.base.as_str()),
        ("ORGANISER", "anna"),
        ("NEIGHBOUR", "bert"),
        ("PASSWORD", PASSWORD),
        ("ARTIFACTS", &artifacts.path().to_string_lossy()),
    ];
    node(dir, "events.mjs", &env, artifacts.path(), "events: all passed").await;
    // What the browser did is what was stored.
    let mut conn = app.state.pool.get().await.unwrap();
    let now = buurt::db::now();
    let events = buurt::db::models::event::Event::upcoming(&mut conn, Default::default(), now, None, 10).await.unwrap();
    assert_eq!(events.len(), 1);
    let e = &events[0];
    assert_eq!((e.title.as_str(), e.capacity, e.participant_count), ("Samen koken in het buurthuis", Some(12), 1));
    assert_eq!(e.starts_at.to_string(), "2031-06-14 16:00:00");
    assert_eq!(e.accessibility, "wheelchair");
    let going = buurt::db::models::event_participant::Participant::list(
        &mut conn,
        e.id,
        &[buurt::db::models::event_participant::Rsvp::Going],
        10,
    )
    .await
    .unwrap();
    assert_eq!(going[0].0.message, "Ik maak soep");
}
