//! Limits against exhaustion and abuse: rate limits, sign-in lockout, connection timeouts,
//! bounded decoding, redirects and token scopes.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use buurt::config::Rate;
use buurt::db::models::local_user::Role;
use buurt::db::models::oauth::OauthToken;
use reqwest::multipart::{Form, Part};
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::both;
use crate::util::*;

both!(
    a_half_sent_request_head_and_an_idle_connection_are_closed,
    a_stalled_request_body_is_closed_by_the_idle_timeout,
    sign_in_is_limited_per_address_with_a_translated_429,
    forwarded_for_counts_only_from_a_trusted_proxy,
    failed_sign_ins_lock_out_the_address_not_the_account,
    registration_is_limited_per_address_and_changes_nothing,
    posting_is_limited_per_account_and_address_with_mastodon_headers,
    posting_on_the_web_is_limited_with_a_translated_page,
    password_changes_are_limited_per_account,
    the_inbox_is_limited_per_remote_instance,
    image_decoding_waits_for_a_free_place,
    the_proxy_waits_for_a_free_place_before_fetching,
    the_proxy_refuses_a_remote_image_larger_than_the_cap,
    a_next_with_a_tab_does_not_lead_away,
    read_endpoints_need_a_read_scope,
);

/// Reads from `stream` until the server closes it (end of file or an error); false when it is
/// still open at the deadline.
async fn closed_by_server(stream: &mut tokio::net::TcpStream) -> bool {
    let mut buf = [0u8; 4096];
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        match tokio::time::timeout_at(deadline, stream.read(&mut buf)).await {
            Err(_) => return false,
            Ok(Ok(0)) | Ok(Err(_)) => return true,
            Ok(Ok(_)) => continue,
        }
    }
}

fn host_port(app: &TestApp) -> String {
    app.settings().server.bind.clone()
}

async fn a_half_sent_request_head_and_an_idle_connection_are_closed(b: Backend) {
    let app = TestApp::spawn_with(b, |s| s.server.header_read_timeout_secs = 1).await;
    // Half a request head, then nothing.
    let mut half = tokio::net::TcpStream::connect(host_port(&app)).await.unwrap();
    half.write_all(b"GET / HTTP/1.1\r\nHost: localhost\r\nAccept: text/").await.unwrap();
    assert!(closed_by_server(&mut half).await, "a connection with half a request head stays open");

    // A kept-alive connection that sends no next request is closed too.
    let mut idle = tokio::net::TcpStream::connect(host_port(&app)).await.unwrap();
    idle.write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n").await.unwrap();
    let mut first = [0u8; 12];
    idle.read_exact(&mut first).await.unwrap();
    assert_eq!(&first, b"HTTP/1.1 200");
    assert!(closed_by_server(&mut idle).await, "an idle kept-alive connection stays open");

    // Whole requests are still answered.
    assert_eq!(app.browser().get("/healthz").await.status(), 200);
}

async fn a_stalled_request_body_is_closed_by_the_idle_timeout(b: Backend) {
    let app = TestApp::spawn_with(b, |s| {
        s.server.idle_timeout_secs = 1;
        // Only here shorter than the request timeout, so the idle timeout is what acts.
        s.server.request_timeout_secs = 300;
    })
    .await;
    let mut stream = tokio::net::TcpStream::connect(host_port(&app)).await.unwrap();
    stream
        .write_all(
            b"POST /inloggen HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-www-form-urlencoded\r\n\
              Content-Length: 100\r\n\r\nlogin=anna",
        )
        .await
        .unwrap();
    assert!(closed_by_server(&mut stream).await, "a connection with a stalled body stays open");
}

/// A browser whose requests say they were forwarded for `client` (believed only from a
/// trusted proxy) and that asks for `lang`.
fn browser_from(app: &TestApp, client: &str, lang: &str) -> Browser {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert("x-forwarded-for", client.parse().unwrap());
    headers.insert("accept-language", lang.parse().unwrap());
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .default_headers(headers)
        .build()
        .unwrap();
    Browser { client, base: app.base.clone() }
}

/// The error summary of a form page.
async fn summary(response: reqwest::Response) -> String {
    text_of(&html(response).await, ".error-summary").unwrap_or_default()
}

async fn sign_in_is_limited_per_address_with_a_translated_429(b: Backend) {
    let app = TestApp::spawn_with(b, |s| {
        s.limits.sign_in_per_address = Rate::new(3, 3600);
        s.limits.lockout_after = 0;
    })
    .await;
    app.create_user("anna", Role::Member).await;
    let dutch = browser_from(&app, "198.51.100.1", "nl");
    for _ in 0..3 {
        assert_eq!(dutch.login("anna", "verkeerd-wachtwoord").await.status(), 401);
    }
    // The next attempt is refused, even with the right password, before it is checked.
    let refused = dutch.login("anna", PASSWORD).await;
    assert_eq!(refused.status(), 429);
    let wait: u64 = refused.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!(wait >= 1, "Retry-After {wait}");
    assert!(summary(refused).await.contains("Te veel pogingen om in te loggen"));
    // In English for an English browser (the same address, so also refused).
    let english = browser_from(&app, "198.51.100.2", "en");
    let refused = english.login("anna", PASSWORD).await;
    assert_eq!(refused.status(), 429);
    assert!(summary(refused).await.contains("Too many attempts to sign in"));
    // Nobody was signed in.
    assert_eq!(dutch.get("/instellingen").await.status(), 303);
}

async fn forwarded_for_counts_only_from_a_trusted_proxy(b: Backend) {
    // Untrusted: every request counts as 127.0.0.1, whatever X-Forwarded-For says.
    let app = TestApp::spawn_with(b, |s| {
        s.limits.sign_in_per_address = Rate::new(2, 3600);
        s.limits.lockout_after = 0;
    })
    .await;
    let statuses = |app: &TestApp| {
        let browsers: Vec<Browser> =
            ["198.51.100.1", "198.51.100.2", "198.51.100.3"].iter().map(|c| browser_from(app, c, "nl")).collect();
        async move {
            let mut out = Vec::new();
            for browser in &browsers {
                out.push(browser.login("nobody", "verkeerd-wachtwoord").await.status().as_u16());
            }
            out
        }
    };
    assert_eq!(statuses(&app).await, [401, 401, 429]);

    // Behind a trusted proxy, each forwarded address has its own allowance.
    let proxied = TestApp::spawn_with(b, |s| {
        s.limits.sign_in_per_address = Rate::new(2, 3600);
        s.limits.lockout_after = 0;
        s.limits.trusted_proxies = vec!["127.0.0.0/8".into()];
    })
    .await;
    assert_eq!(statuses(&proxied).await, [401, 401, 401]);
    let same = browser_from(&proxied, "198.51.100.1", "nl");
    assert_eq!(same.login("nobody", "verkeerd-wachtwoord").await.status(), 401);
    assert_eq!(same.login("nobody", "verkeerd-wachtwoord").await.status(), 429);
}

async fn failed_sign_ins_lock_out_the_address_not_the_account(b: Backend) {
    let app = TestApp::spawn_with(b, |s| {
        s.limits.lockout_after = 3;
        s.limits.lockout_base_secs = 600;
        s.limits.trusted_proxies = vec!["127.0.0.1".into()];
    })
    .await;
    app.create_user("anna", Role::Member).await;
    // The same answers for a known and an unknown name.
    for name in ["anna", "niemand"] {
        let guesser = browser_from(&app, "198.51.100.7", "nl");
        for _ in 0..3 {
            let wrong = guesser.login(name, "verkeerd-wachtwoord").await;
            assert_eq!(wrong.status(), 401, "{name}");
        }
        // Locked out: even the right password is refused, with a time to wait.
        let refused = guesser.login(name, PASSWORD).await;
        assert_eq!(refused.status(), 429, "{name}");
        let wait: u64 = refused.headers()["retry-after"].to_str().unwrap().parse().unwrap();
        assert!((1..=600).contains(&wait), "Retry-After {wait}");
        assert!(summary(refused).await.contains("Te veel pogingen om in te loggen"), "{name}");
        assert_eq!(guesser.get("/instellingen").await.status(), 303);
    }
    // The owner, from another address, still signs in.
    let owner = browser_from(&app, "203.0.113.5", "nl");
    assert_eq!(owner.login("anna", PASSWORD).await.status(), 303);
    assert_eq!(owner.get("/instellingen").await.status(), 200);
}

async fn registration_is_limited_per_address_and_changes_nothing(b: Backend) {
    let app = TestApp::spawn_with(b, |s| s.limits.register_per_address = Rate::new(1, 3600)).await;
    let first = app.browser();
    let fields = registration("anna");
    assert_eq!(first.register(&as_refs(&fields)).await.status(), 303);
    let users = app.count_users().await;
    let second = app.browser();
    let fields = registration("bram");
    let refused = second.register(&as_refs(&fields)).await;
    assert_eq!(refused.status(), 429);
    assert!(refused.headers().contains_key("retry-after"));
    let text = html(refused).await.root_element().text().collect::<String>();
    assert!(text.contains("Je hebt dit te vaak gedaan in korte tijd"), "{text}");
    assert_eq!(app.count_users().await, users);
    assert!(app.account("bram").await.is_none());
}

async fn statuses_count(api: &Api) -> i64 {
    api.get("/api/v1/accounts/verify_credentials").await["statuses_count"].as_i64().unwrap()
}

async fn posting_is_limited_per_account_and_address_with_mastodon_headers(b: Backend) {
    let app = TestApp::spawn_with(b, |s| {
        s.limits.post_per_account = Rate::new(2, 3600);
        s.limits.post_per_address = Rate::new(3, 3600);
    })
    .await;
    let anna = app.api_user("anna").await;
    // Every post says what is left, as Mastodon does.
    for remaining in ["1", "0"] {
        let posted = anna.send(reqwest::Method::POST, "/api/v1/statuses", Some(json!({"status": "bericht"}))).await;
        assert_eq!(posted.status(), 200);
        assert_eq!(posted.headers()["x-ratelimit-limit"], "2");
        assert_eq!(posted.headers()["x-ratelimit-remaining"], remaining);
        assert!(posted.headers().contains_key("x-ratelimit-reset"));
    }
    let refused = anna.send(reqwest::Method::POST, "/api/v1/statuses", Some(json!({"status": "nog een"}))).await;
    assert_eq!(refused.status(), 429);
    let headers = refused.headers().clone();
    assert_eq!(headers["x-ratelimit-limit"], "2");
    assert_eq!(headers["x-ratelimit-remaining"], "0");
    let reset = chrono::DateTime::parse_from_rfc3339(headers["x-ratelimit-reset"].to_str().unwrap()).unwrap();
    assert!(reset > chrono::Utc::now());
    let wait: u64 = headers["retry-after"].to_str().unwrap().parse().unwrap();
    assert!(wait >= 1);
    let body: serde_json::Value = refused.json().await.unwrap();
    assert!(body["error"].as_str().is_some_and(|e| !e.is_empty()), "{body}");
    assert_eq!(statuses_count(&anna).await, 2);
    // The address has used its three: another account from it waits too.
    let bram = app.api_user("bram").await;
    let refused = bram.send(reqwest::Method::POST, "/api/v1/statuses", Some(json!({"status": "hallo"}))).await;
    assert_eq!(refused.status(), 429);
    assert_eq!(refused.headers()["x-ratelimit-limit"], "3");
    assert_eq!(statuses_count(&bram).await, 0);
}

async fn posting_on_the_web_is_limited_with_a_translated_page(b: Backend) {
    let app = TestApp::spawn_with(b, |s| s.limits.post_per_account = Rate::new(1, 3600)).await;
    let anna = app.signed_in("anna", Role::Member).await;
    let compose = |text: &'static str| {
        let anna = anna.clone();
        async move {
            let token = anna.csrf("/").await;
            let form = Form::new().text("csrf", token).text("status", text);
            anna.client.post(format!("{}/schrijven", anna.base)).multipart(form).send().await.unwrap()
        }
    };
    assert_eq!(compose("Eerste bericht").await.status(), 303);
    let refused = compose("Tweede bericht").await;
    assert_eq!(refused.status(), 429);
    assert!(refused.headers().contains_key("retry-after"));
    let text = html(refused).await.root_element().text().collect::<String>();
    assert!(text.contains("Je hebt dit te vaak gedaan in korte tijd"), "{text}");
    let home = anna.get_html("/").await.root_element().text().collect::<String>();
    assert!(home.contains("Eerste bericht") && !home.contains("Tweede bericht"));
}

async fn password_changes_are_limited_per_account(b: Backend) {
    let app = TestApp::spawn_with(b, |s| s.limits.password_change_per_account = Rate::new(1, 3600)).await;
    let anna = app.signed_in("anna", Role::Member).await;
    let change = |current: &'static str| {
        let anna = anna.clone();
        async move {
            anna.submit(
                "/instellingen/wachtwoord",
                "/instellingen/wachtwoord",
                &[
                    ("current_password", current),
                    ("password", "nieuw-Molen-Fiets-77"),
                    ("password_confirm", "nieuw-Molen-Fiets-77"),
                ],
            )
            .await
        }
    };
    assert_eq!(change("verkeerd-wachtwoord").await.status(), 422);
    // Refused before the current password is even checked: the right one changes nothing.
    assert_eq!(change(PASSWORD).await.status(), 429);
    assert_eq!(app.browser().login("anna", PASSWORD).await.status(), 303);
}

async fn the_inbox_is_limited_per_remote_instance(b: Backend) {
    let app = TestApp::spawn_with(b, |s| s.limits.inbox_per_instance = Rate::new(2, 3600)).await;
    let client = reqwest::Client::new();
    let deliver = |host: &str| {
        let signature = format!(
            "keyId=\"https://{host}/users/a#main-key\",algorithm=\"rsa-sha256\",headers=\"(request-target) host date\",signature=\"AAAA\""
        );
        client
            .post(app.url("/inbox"))
            .header("content-type", "application/activity+json")
            .header("signature", signature)
            .body(r#"{"type":"Follow","actor":"https://x/users/a","object":"https://y/u/b"}"#)
            .send()
    };
    for _ in 0..2 {
        assert_ne!(deliver("mastodon.example").await.unwrap().status(), 429);
    }
    let refused = deliver("mastodon.example").await.unwrap();
    assert_eq!(refused.status(), 429);
    assert!(refused.headers().contains_key("retry-after"));
    // Another instance has its own allowance.
    assert_ne!(deliver("lemmy.example").await.unwrap().status(), 429);
}

/// A PNG of `side`×`side`.
fn png(side: u32) -> Vec<u8> {
    let mut out = Vec::new();
    image::RgbImage::from_fn(side, side, |x, y| image::Rgb([(x % 256) as u8, (y % 256) as u8, 90]))
        .write_with_encoder(image::codecs::png::PngEncoder::new(&mut out))
        .unwrap();
    out
}

fn upload(app: &TestApp, api: &Api) -> impl std::future::Future<Output = reqwest::Response> + use<> {
    let part = Part::bytes(png(64)).file_name("foto.png").mime_str("image/png").unwrap();
    let request =
        api.client.post(app.url("/api/v2/media")).bearer_auth(&api.token).multipart(Form::new().part("file", part));
    async move { request.send().await.unwrap() }
}

async fn image_decoding_waits_for_a_free_place(b: Backend) {
    let app = TestApp::spawn_with(b, |s| s.media.max_concurrent_decodes = 1).await;
    let api = app.api_user("anna").await;
    let gate = &app.state.limits.decodes;
    // The only place is taken: an upload waits for it.
    let place = gate.enter().await.unwrap();
    let waiting = tokio::spawn(upload(&app, &api));
    eventually("the upload waits for the decoding place", || async { gate.waiting() == 1 }).await;
    assert!(!waiting.is_finished());
    drop(place);
    assert_eq!(waiting.await.unwrap().status(), 200);
    // Two at once with one place: both are decoded, one after the other.
    let (one, two) = tokio::join!(upload(&app, &api), upload(&app, &api));
    assert_eq!((one.status().as_u16(), two.status().as_u16()), (200, 200));
    assert_eq!(gate.waiting(), 0);
}

/// A loopback server that answers every request with a small PNG and counts the requests.
async fn image_server() -> (String, Arc<AtomicUsize>) {
    image_server_with(png(8), true).await
}

/// A loopback server that answers every request with `body` as image/png, with or without a
/// `Content-Length` (without: the body ends when the connection closes).
async fn image_server_with(body: Vec<u8>, length: bool) -> (String, Arc<AtomicUsize>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let hits = Arc::new(AtomicUsize::new(0));
    let counted = hits.clone();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            counted.fetch_add(1, Ordering::SeqCst);
            let body = body.clone();
            tokio::spawn(async move {
                let mut head = Vec::new();
                let mut buf = [0u8; 1024];
                while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                    match stream.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => head.extend_from_slice(&buf[..n]),
                    }
                }
                let length = if length { format!("Content-Length: {}\r\n", body.len()) } else { String::new() };
                let answer = format!("HTTP/1.1 200 OK\r\nContent-Type: image/png\r\n{length}Connection: close\r\n\r\n");
                let _ = stream.write_all(answer.as_bytes()).await;
                let _ = stream.write_all(&body).await;
            });
        }
    });
    (format!("http://{addr}/plaatje.png"), hits)
}

async fn the_proxy_waits_for_a_free_place_before_fetching(b: Backend) {
    let app = TestApp::spawn_with(b, |s| {
        s.federation.allow_http = true;
        s.federation.allow_private_addresses = true;
        s.media.max_concurrent_proxy_fetches = 1;
    })
    .await;
    let (url, hits) = image_server().await;
    let sig = buurt::media::proxy_signature(&app.state.site.secret, &url);
    let proxied = app.url(&format!("/media/proxy?url={}&sig={sig}", buurt::util::url::urlencode(&url)));
    let gate = &app.state.limits.proxy_fetches;
    let place = gate.enter().await.unwrap();
    let waiting = tokio::spawn(reqwest::get(proxied.clone()));
    eventually("the proxy waits for a fetching place", || async { gate.waiting() == 1 }).await;
    // Nothing was fetched while no place was free.
    assert_eq!(hits.load(Ordering::SeqCst), 0);
    assert!(!waiting.is_finished());
    drop(place);
    let response = waiting.await.unwrap().unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "image/png");
    assert_eq!(hits.load(Ordering::SeqCst), 1);
}

/// The cap on the proxy's read (`media.max_upload_bytes`) was there before this issue; this
/// test keeps it, for a remote that states its size and one that does not.
async fn the_proxy_refuses_a_remote_image_larger_than_the_cap(b: Backend) {
    let cap = 64 * 1024;
    let app = TestApp::spawn_with(b, |s| {
        s.federation.allow_http = true;
        s.federation.allow_private_addresses = true;
        s.media.max_upload_bytes = cap;
    })
    .await;
    for length in [true, false] {
        let (url, hits) = image_server_with(vec![7u8; cap + 1], length).await;
        let sig = buurt::media::proxy_signature(&app.state.site.secret, &url);
        let proxied = app.url(&format!("/media/proxy?url={}&sig={sig}", buurt::util::url::urlencode(&url)));
        let response = reqwest::get(proxied).await.unwrap();
        assert_eq!(response.status(), 502, "with Content-Length: {length}");
        assert_eq!(hits.load(Ordering::SeqCst), 1);
        assert!(app.state.media.proxy_cache.get(&url).is_none());
    }
    // Right at the cap it is passed on.
    let (url, _) = image_server_with(vec![7u8; cap], false).await;
    let sig = buurt::media::proxy_signature(&app.state.site.secret, &url);
    let proxied = app.url(&format!("/media/proxy?url={}&sig={sig}", buurt::util::url::urlencode(&url)));
    let response = reqwest::get(proxied).await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.bytes().await.unwrap().len(), cap);
}

async fn a_next_with_a_tab_does_not_lead_away(b: Backend) {
    let app = TestApp::spawn(b).await;
    app.create_user("anna", Role::Member).await;
    let browser = app.browser();
    for next in ["/\t/evil.example", "/\\evil.example", "//evil.example", "/\n/evil.example"] {
        let response = browser
            .submit("/inloggen", "/inloggen", &[("login", "anna"), ("password", PASSWORD), ("next", next)])
            .await;
        assert_eq!(response.status(), 303, "{next:?}");
        assert_eq!(response.headers()["location"], "/", "{next:?}");
        browser.submit("/", "/uitloggen", &[]).await;
    }
    // A local path is still where the person goes.
    let response = browser
        .submit("/inloggen", "/inloggen", &[("login", "anna"), ("password", PASSWORD), ("next", "/kaart")])
        .await;
    assert_eq!(response.headers()["location"], "/kaart");
}

/// An API client for `name` whose token has only `scopes`.
async fn api_with_scopes(app: &TestApp, name: &str, scopes: &str) -> Api {
    let account = match app.account(name).await {
        Some(account) => account,
        None => app.create_user(name, Role::Member).await,
    };
    let token = format!("test-token-{name}-{}", scopes.replace([' ', ':'], "-"));
    let mut conn = app.state.pool.get().await.unwrap();
    OauthToken::insert(
        &mut conn,
        &buurt::domain::accounts::token_hash(&token),
        None,
        Some(account.user.id),
        "test",
        scopes,
        buurt::db::now(),
    )
    .await
    .unwrap();
    Api { client: reqwest::Client::new(), base: app.base.clone(), token }
}

async fn read_endpoints_need_a_read_scope(b: Backend) {
    let app = TestApp::spawn(b).await;
    let writer = app.api_user("anna").await;
    let status = writer.post("/api/v1/statuses", json!({"status": "Buurtfeest"})).await;
    let id = status["id"].as_str().unwrap().to_string();
    let account_id = status["account"]["id"].as_str().unwrap().to_string();
    let reads = [
        "/api/v1/timelines/home".to_string(),
        "/api/v1/timelines/public".to_string(),
        "/api/v1/accounts/verify_credentials".to_string(),
        format!("/api/v1/accounts/relationships?id[]={account_id}"),
        format!("/api/v1/statuses/{id}"),
        format!("/api/v1/accounts/{account_id}/statuses"),
        "/api/v2/search?q=anna".to_string(),
    ];
    let media_only = api_with_scopes(&app, "bram", "write:media").await;
    for path in &reads {
        let response = media_only.send(reqwest::Method::GET, path, None).await;
        assert_eq!(response.status(), 403, "{path}");
        let body: serde_json::Value = response.json().await.unwrap();
        assert!(body["error"].as_str().unwrap().starts_with("This action is outside the authorized scopes"), "{path}");
    }
    // `read`, or the granular scopes each endpoint names, may read.
    let reader = api_with_scopes(&app, "bram", "read").await;
    let granular = api_with_scopes(&app, "bram", "read:statuses read:accounts read:follows read:search").await;
    for api in [&reader, &granular] {
        for path in &reads {
            let response = api.send(reqwest::Method::GET, path, None).await;
            assert_eq!(response.status(), 200, "{path} with {}", api.token);
        }
    }
    // Without a token the public reads still work.
    let anonymous = reqwest::get(app.url("/api/v1/timelines/public")).await.unwrap();
    assert_eq!(anonymous.status(), 200);
}
