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
    let pages = json!([
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
        {"path": "/u/anna/blokkeren", "signedIn": true},
        // The admin has an unread notification (piet's registration): the count in the
        // navigation and an unread entry are checked too.
        {"path": "/meldingen", "signedIn": true},
        {"path": "/instellingen/meldingen", "signedIn": true},
        {"path": "/instellingen/e-mail", "signedIn": true},
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
    let stdout = node(dir, "axe.mjs", &env, &artifacts, "axe: 114 page checks, 0 violations").await;
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
