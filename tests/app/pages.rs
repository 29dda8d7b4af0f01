//! Pages every visitor sees: language choice, error pages, assets, headers, translations.

use std::collections::BTreeSet;

use buurt::db::models::local_user::Role;

use crate::both;
use crate::util::*;

both!(
    anonymous_pages_without_a_form_are_shared_until_a_write,
    dutch_by_default_english_by_accept_language_and_by_switch,
    unknown_pages_get_a_friendly_404_in_the_visitors_language,
    pages_carry_security_headers_and_assets_are_cached_for_long,
    the_signed_in_home_page_puts_whom_one_follows_first,
);

/// Signed in, the home page starts with the posts of whom the resident follows; everyone sees
/// the neighbourhood's recent public posts.
async fn the_signed_in_home_page_puts_whom_one_follows_first(b: Backend) {
    let app = TestApp::spawn(b).await;
    let anna = app.api_user("anna").await;
    let bert = app.api_user("bert").await;
    anna.post("/api/v1/statuses", serde_json::json!({"status": "Anna zoekt een ladder"})).await;
    bert.post("/api/v1/statuses", serde_json::json!({"status": "Bert bakt taart"})).await;
    let sanne = app.signed_in("sanne", Role::Member).await;
    let texts = |page: &scraper::Html, heading: &str| -> Vec<String> {
        // The cards right after a heading.
        let sel = scraper::Selector::parse(&format!("#{heading} + ul .card div")).unwrap();
        page.select(&sel).map(|e| e.text().collect::<String>()).collect()
    };
    let page = sanne.get_html("/").await;
    assert!(text_of(&page, "#followed-heading + p").unwrap().contains("Je volgt nog niemand"));
    // The photo hint names the configured upload limit.
    assert!(text_of(&page, "#file-hint").unwrap().contains("tot 10 MB"), "{:?}", text_of(&page, "#file-hint"));
    assert_eq!(texts(&page, "posts-heading").len(), 2);
    sanne.submit("/u/anna", "/u/anna/volgen", &[("action", "follow")]).await;
    let page = sanne.get_html("/").await;
    assert_eq!(texts(&page, "followed-heading"), ["Anna zoekt een ladder"]);
    assert_eq!(texts(&page, "posts-heading"), ["Bert bakt taart", "Anna zoekt een ladder"]);
    // Visitors see no such section.
    assert!(text_of(&app.browser().get_html("/").await, "#followed-heading").is_none());
}

async fn dutch_by_default_english_by_accept_language_and_by_switch(b: Backend) {
    let app = TestApp::spawn(b).await;
    let browser = app.browser();
    let page = browser.get_html("/inloggen").await;
    assert_eq!(text_of(&page, "h1").as_deref(), Some("Inloggen"));
    assert!(page.html().contains("<html lang=\"nl\">"));

    let english = reqwest::Client::new()
        .get(app.url("/inloggen"))
        .header("accept-language", "en-US,en;q=0.8,nl;q=0.5")
        .send()
        .await
        .unwrap();
    let page = html(english).await;
    assert_eq!(text_of(&page, "h1").as_deref(), Some("Sign in"));
    assert!(page.html().contains("<html lang=\"en\">"));

    // The switcher remembers the choice and goes back where the person was.
    let response = browser.submit("/inloggen", "/taal", &[("language", "en"), ("next", "/inloggen")]).await;
    assert_eq!(response.status(), 303);
    assert_eq!(response.headers()["location"], "/inloggen");
    assert_eq!(text_of(&browser.get_html("/inloggen").await, "h1").as_deref(), Some("Sign in"));
    let response = browser.submit("/inloggen", "/taal", &[("language", "de"), ("next", "/")]).await;
    assert_eq!(response.status(), 400);

    // Signed in, the switch is stored in the account.
    let member = app.signed_in("sanne", Role::Member).await;
    member.submit("/", "/taal", &[("language", "en"), ("next", "/")]).await;
    assert_eq!(app.account("sanne").await.unwrap().user.language.as_deref(), Some("en"));
}

async fn unknown_pages_get_a_friendly_404_in_the_visitors_language(b: Backend) {
    let app = TestApp::spawn(b).await;
    let response = reqwest::get(app.url("/bestaat/niet")).await.unwrap();
    assert_eq!(response.status(), 404);
    assert!(response.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
    let page = html(response).await;
    assert_eq!(text_of(&page, "h1").as_deref(), Some("Pagina niet gevonden"));
    assert!(page.html().contains("href=\"/\""), "a way back");

    let response = reqwest::Client::new().get(app.url("/nope")).header("accept-language", "en").send().await.unwrap();
    assert_eq!(text_of(&html(response).await, "h1").as_deref(), Some("Page not found"));

    // A non-numeric id in an admin path is a 4xx, not a crash.
    let admin = app.signed_in("tom", Role::Admin).await;
    let response = admin.submit("/beheer/aanmeldingen", "/beheer/aanmeldingen/abc", &[("decision", "approve")]).await;
    assert!(response.status().is_client_error());
}

async fn pages_carry_security_headers_and_assets_are_cached_for_long(b: Backend) {
    let app = TestApp::spawn(b).await;
    let response = reqwest::get(app.url("/")).await.unwrap();
    let headers = response.headers().clone();
    assert_eq!(headers["x-frame-options"], "DENY");
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert!(headers["content-security-policy"].to_str().unwrap().contains("frame-ancestors 'none'"));
    let page = html(response).await;
    let css = scraper::Selector::parse("link[rel=stylesheet]").unwrap();
    let href = page.select(&css).next().unwrap().value().attr("href").unwrap().to_string();
    assert!(href.starts_with("/static/buurt-") && href.ends_with(".css"), "{href}");
    let asset = reqwest::get(app.url(&href)).await.unwrap();
    assert_eq!(asset.status(), 200);
    assert_eq!(asset.headers()["cache-control"], "public, max-age=31536000, immutable");
    assert!(asset.text().await.unwrap().contains("--nl-document-color"));
    assert_eq!(reqwest::get(app.url("/static/buurt-000000000000.css")).await.unwrap().status(), 404);
    // Text assets go compressed to clients that take gzip, and are the same file unpacked.
    let plain = reqwest::get(app.url(&href)).await.unwrap().bytes().await.unwrap();
    let packed = reqwest::Client::new().get(app.url(&href)).header("accept-encoding", "gzip").send().await.unwrap();
    assert_eq!(packed.headers()["content-encoding"], "gzip");
    assert_eq!(packed.headers()["vary"], "accept-encoding");
    let packed = packed.bytes().await.unwrap();
    assert!(packed.len() < plain.len() / 2, "{} of {}", packed.len(), plain.len());
    let mut unpacked = Vec::new();
    std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&packed[..]), &mut unpacked).unwrap();
    assert_eq!(unpacked, plain);
    // The skip link leads to the main content.
    assert!(page.html().contains("href=\"#main\"") && page.html().contains("id=\"main\""));
}

/// The keys of every catalogue file of a language (fluent-templates loads them all).
fn catalogue_keys(lang: &str) -> BTreeSet<String> {
    let dir = format!("{}/locales/{lang}", env!("CARGO_MANIFEST_DIR"));
    let mut text = String::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "ftl") {
            text.push_str(&std::fs::read_to_string(path).unwrap());
            text.push('\n');
        }
    }
    text.lines()
        .filter(|l| !l.starts_with(' ') && !l.starts_with('#'))
        .filter_map(|l| l.split_once(" =").map(|(k, _)| k.trim().to_string()))
        .collect()
}

/// Every message key written in the code or templates, found by the prefixes keys use.
fn keys_used() -> BTreeSet<String> {
    const PREFIXES: &[&str] = &[
        "error-",
        "field-",
        "nav-",
        "home-",
        "register-",
        "registration-",
        "login-",
        "settings-",
        "password-",
        "admin-",
        "form-",
        "language-",
        "skip-",
        "back-",
        "footer-",
        "profile-",
        "oauth-",
        "interaction-",
        "statement-",
        "map-",
        "place-",
        "compose-",
        "group-",
        "mail-",
        "email-",
        "forgot-",
        "reset-",
        "confirm-",
        "resend-",
        "post-",
    ];
    let mut used = BTreeSet::new();
    let mut files = Vec::new();
    for dir in ["src", "templates"] {
        let mut stack = vec![std::path::PathBuf::from(format!("{}/{dir}", env!("CARGO_MANIFEST_DIR")))];
        while let Some(path) = stack.pop() {
            if path.is_dir() {
                stack.extend(std::fs::read_dir(&path).unwrap().map(|e| e.unwrap().path()));
            } else {
                files.push(path);
            }
        }
    }
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        for piece in text.split('"').skip(1).step_by(2) {
            let is_key = piece.len() > 3
                && PREFIXES.iter().any(|p| piece.starts_with(p))
                && piece.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
            if is_key {
                used.insert(piece.to_string());
            }
        }
    }
    // Class names and ids in templates share the prefixes; they are not messages.
    for not_a_key in ["error-summary", "form-links", "language-switch", "skip-link", "field--invalid", "home-grid"] {
        used.remove(not_a_key);
    }
    used
}

#[test]
fn dutch_and_english_catalogues_are_complete() {
    let nl = catalogue_keys("nl");
    let en = catalogue_keys("en");
    assert_eq!(nl, en, "nl and en catalogues have different keys");
    let missing: Vec<_> = keys_used().difference(&nl).cloned().collect();
    assert!(missing.is_empty(), "keys used but not translated: {missing:?}");
}

both!(home_page_shows_recent_posts_and_groups, accessibility_statement_comes_from_the_configuration);

async fn home_page_shows_recent_posts_and_groups(b: Backend) {
    let app = TestApp::spawn(b).await;
    let empty = app.browser().get_html("/").await;
    assert!(empty.html().contains("Er zijn nog geen berichten."));
    let anna = app.api_user("anna").await;
    anna.post("/api/v1/statuses", serde_json::json!({"status": "Zaterdag rommelmarkt!"})).await;
    anna.post("/api/v1/statuses", serde_json::json!({"status": "Alleen voor volgers", "visibility": "private"})).await;
    buurt::domain::groups::create_group(&app.state.pool, app.settings(), "tuin", "De Buurttuin").await.unwrap();
    let home = app.browser().get_html("/").await;
    let text = home.html();
    assert!(text.contains("Zaterdag rommelmarkt!"));
    assert!(!text.contains("Alleen voor volgers"), "only public posts on the home page");
    assert!(text.contains("href=\"/g/tuin\">De Buurttuin</a>"));
}

async fn accessibility_statement_comes_from_the_configuration(b: Backend) {
    let app = TestApp::spawn_with(b, |s| {
        s.instance.name = "Buurt Oosterpark".into();
        s.instance.contact_email = "toegankelijk@oosterpark.example".into();
    })
    .await;
    let page = app.browser().get_html("/toegankelijkheid").await;
    assert_eq!(text_of(&page, "h1").as_deref(), Some("Toegankelijkheid"));
    assert!(page.html().contains("Buurt Oosterpark wil dat iedereen"));
    assert!(page.html().contains("mailto:toegankelijk@oosterpark.example"));
    let home = app.browser().get_html("/").await;
    assert!(home.html().contains("href=\"/toegankelijkheid\""), "linked from every page");
}

both!(an_organisation_theme_file_restyles_every_page);

async fn an_organisation_theme_file_restyles_every_page(b: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let theme = dir.path().join("gemeente.css");
    std::fs::write(&theme, ":root { --nl-header-background-color: #8b0000; --nl-link-color: #6b0000; }\n").unwrap();
    let path = theme.display().to_string();
    let logo = dir.path().join("wapen.png");
    std::fs::copy(concat!(env!("CARGO_MANIFEST_DIR"), "/static/avatar.png"), &logo).unwrap();
    let logo_path = logo.display().to_string();
    let app = TestApp::spawn_with(b, |s| {
        s.instance.theme_file = path;
        s.instance.logo_file = logo_path;
    })
    .await;
    let page = app.browser().get_html("/inloggen").await;
    let links: Vec<String> = {
        let sel = scraper::Selector::parse("link[rel=stylesheet]").unwrap();
        page.select(&sel).map(|e| e.value().attr("href").unwrap().to_string()).collect()
    };
    assert_eq!(links.len(), 2, "Buurt's stylesheet, then the theme");
    assert!(links[1].starts_with("/eigen/theme-") && links[1].ends_with(".css"));
    let css = reqwest::get(app.url(&links[1])).await.unwrap();
    assert_eq!(css.headers()["cache-control"], "public, max-age=31536000, immutable");
    assert!(css.text().await.unwrap().contains("--nl-header-background-color: #8b0000"));
    // A theme file that cannot be read stops start-up with a clear message.
    let mut settings = buurt::config::Settings::default();
    settings.instance.theme_file = "/nonexistent/theme.css".into();
    settings.database.url = app.db.url.clone();
    let err = buurt::server::prepare(settings).await.err().expect("refused").to_string();
    assert!(err.contains("instance.theme_file /nonexistent/theme.css"), "{err}");
    // The logo is in the header, decorative beside the name, and served with its type.
    let sel = scraper::Selector::parse("img.site-logo").unwrap();
    let img = page.select(&sel).next().expect("logo in the header");
    assert_eq!(img.value().attr("alt"), Some(""));
    let logo = reqwest::get(app.url(img.value().attr("src").unwrap())).await.unwrap();
    assert_eq!(logo.headers()["content-type"], "image/png");
}

both!(pages_stay_under_the_size_budget);

/// No page over 100 KB of HTML, CSS and JavaScript (as sent) before images on a first load.
async fn pages_stay_under_the_size_budget(b: Backend) {
    let area = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(
        area.path(),
        r#"{"type":"Polygon","coordinates":[[[4.91,52.35],[4.93,52.35],[4.93,52.37],[4.91,52.37],[4.91,52.35]]]}"#,
    )
    .unwrap();
    let area_file = area.path().to_string_lossy().into_owned();
    let app = TestApp::spawn_with(b, |s| s.map.area_file = area_file).await;
    let anna = app.api_user("anna").await;
    for i in 0..10 {
        anna.post(
            "/api/v1/statuses",
            serde_json::json!({"status": format!("Een bericht van gemiddelde lengte over de buurt, nummer {i}.")}),
        )
        .await;
    }
    let group =
        buurt::domain::groups::create_group(&app.state.pool, app.settings(), "tuin", "De Buurttuin").await.unwrap();
    let place = buurt::domain::places::PlaceInput {
        place_name: "Buurthuis".into(),
        latitude: "52.36".into(),
        longitude: "4.92".into(),
        ..Default::default()
    };
    buurt::domain::places::set_group_place(&app.state, &group, &place).await.unwrap();
    let browser = app.signed_in("mira", buurt::db::models::local_user::Role::Admin).await;
    let client = reqwest::Client::new();
    for path in [
        "/",
        "/inloggen",
        "/registreren",
        "/u/anna",
        "/g/tuin",
        "/g/tuin/plek",
        "/kaart",
        "/instellingen",
        "/beheer/aanmeldingen",
        "/toegankelijkheid",
    ] {
        let response = if path == "/inloggen" { app.browser().get(path).await } else { browser.get(path).await };
        assert_eq!(response.status(), 200, "{path}");
        let html = response.text().await.unwrap();
        let page = scraper::Html::parse_document(&html);
        let mut total = html.len();
        // What a browser downloads: assets come gzip-compressed (the HTML is counted as is).
        for selector in ["link[rel=stylesheet]", "script[src]"] {
            let sel = scraper::Selector::parse(selector).unwrap();
            for e in page.select(&sel) {
                let href = e.value().attr("href").or_else(|| e.value().attr("src")).unwrap();
                let asset = client.get(app.url(href)).header("accept-encoding", "gzip").send().await.unwrap();
                assert_eq!(asset.status(), 200, "{href}");
                total += asset.bytes().await.unwrap().len();
            }
        }
        assert!(total < 100 * 1024, "{path}: {total} bytes");
        println!("{path}: {total} bytes");
    }
}

/// A failing database gives the friendly 500 page, without internals.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn internal_errors_show_a_500_page_without_internals() {
    let app = TestApp::spawn(Backend::Postgres).await;
    let name = lose_database(&app).await;
    let response = reqwest::get(app.url("/")).await.unwrap();
    assert_eq!(response.status(), 500);
    let body = response.text().await.unwrap();
    let page = scraper::Html::parse_document(&body);
    assert_eq!(text_of(&page, "h1").as_deref(), Some("Er ging iets mis"));
    for internal in ["database", "diesel", "postgres", name.as_str()] {
        assert!(!body.to_lowercase().contains(internal), "the page shows {internal:?}");
    }
}

/// A page an anonymous visitor gets without any form that needs a token sets no cookie and is
/// kept by the public cache, per language, until this process takes a write; a page with such
/// a form (signing in) gives the visitor their id cookie and is never kept; whoever sends a
/// cookie — a signed-in person above all — never gets a kept page.
async fn anonymous_pages_without_a_form_are_shared_until_a_write(b: Backend) {
    use buurt::domain::posts::{NewPost, create_post};
    let app = TestApp::spawn_with(b, |s| s.server.public_cache_ms = 600_000).await;
    let anna = app.api_user("anna").await;
    anna.post("/api/v1/statuses", serde_json::json!({"status": "Eerste bericht"})).await;
    let get = |path: &str, lang: &'static str| {
        let request = reqwest::Client::new().get(app.url(path)).header("accept-language", lang);
        async move {
            let response = request.send().await.unwrap();
            assert_eq!(response.status(), 200);
            let cookie = response.headers().contains_key("set-cookie");
            (cookie, response.text().await.unwrap())
        }
    };
    let (cookie, page) = get("/", "nl").await;
    assert!(!cookie, "a page without a form sets no cookie");
    assert!(page.contains("Eerste bericht") && !page.contains("name=\"csrf\""));

    // A post written behind the server's back: anonymous readers get the kept page…
    let account = app.account("anna").await.unwrap();
    let new = NewPost { text: "Tweede bericht".into(), visibility: "public".into(), ..Default::default() };
    create_post(&app.state, &account, &new).await.unwrap();
    assert!(!get("/", "nl").await.1.contains("Tweede bericht"), "served from the cache");
    // … in their language only: English is another page.
    let (_, english) = get("/", "en").await;
    assert!(english.contains("<html lang=\"en\">") && english.contains("Tweede bericht"));
    // A signed-in person (a cookie) gets the database's view.
    let sanne = app.signed_in("sanne", Role::Member).await;
    assert!(sanne.get_html("/").await.html().contains("Tweede bericht"));

    // The sign-in page has a form: the visitor gets an id cookie and the page is not kept.
    let (cookie, page) = get("/inloggen", "nl").await;
    assert!(cookie && page.contains("name=\"csrf\""));
    let (_, again) = get("/inloggen", "nl").await;
    assert_ne!(csrf_of(&scraper::Html::parse_document(&page)), csrf_of(&scraper::Html::parse_document(&again)));

    // Switching the language needs no token from a visitor, but does from a signed-in person.
    let switch = |client: reqwest::Client| {
        let url = app.url("/taal");
        async move { client.post(url).form(&[("language", "en"), ("next", "/")]).send().await.unwrap() }
    };
    let plain = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let response = switch(plain).await;
    assert_eq!(response.status(), 303);
    assert!(response.headers()["set-cookie"].to_str().unwrap().starts_with("buurt_lang=en"));
    let before = app.account("sanne").await.unwrap().user.language;
    let response = sanne.client.post(app.url("/taal")).form(&[("language", "en"), ("next", "/")]).send().await.unwrap();
    assert_eq!(response.status(), 403, "a signed-in person's switch without its token is refused");
    assert_eq!(app.account("sanne").await.unwrap().user.language, before);

    // A write through the server empties the cache.
    anna.post("/api/v1/statuses", serde_json::json!({"status": "Derde bericht"})).await;
    let (_, page) = get("/", "nl").await;
    assert!(page.contains("Tweede bericht") && page.contains("Derde bericht"));
}
