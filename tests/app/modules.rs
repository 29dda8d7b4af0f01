//! Modules: `[modules]` turns a part of the platform off; its pages, API and ActivityPub routes
//! then answer 404 and it leaves the navigation and the home page. The core stays.

use buurt::db::models::local_user::Role;
use buurt::domain::places::PlaceInput;
use reqwest::StatusCode;

use crate::both;
use crate::util::*;

both!(
    by_default_every_module_is_there,
    with_groups_off_group_pages_and_actors_are_gone,
    with_the_map_off_its_page_link_and_sections_are_gone,
);

/// A group `tuin` that meets somewhere.
async fn group_with_a_place(app: &TestApp) {
    let group =
        buurt::domain::groups::create_group(&app.state.pool, app.settings(), "tuin", "De Buurttuin").await.unwrap();
    let place = PlaceInput {
        place_name: "Buurthuis De Meeuw".into(),
        latitude: "52.3596".into(),
        longitude: "4.917".into(),
        ..Default::default()
    };
    buurt::domain::places::set_group_place(&app.state, &group, &place).await.unwrap();
}

async fn status_as_activity_json(app: &TestApp, path: &str) -> StatusCode {
    reqwest::Client::new()
        .get(app.url(path))
        .header("accept", "application/activity+json")
        .send()
        .await
        .unwrap()
        .status()
}

fn has(page: &scraper::Html, selector: &str) -> bool {
    page.select(&scraper::Selector::parse(selector).unwrap()).next().is_some()
}

async fn by_default_every_module_is_there(b: Backend) {
    let app = TestApp::spawn(b).await;
    group_with_a_place(&app).await;
    let home = app.browser().get_html("/").await;
    assert!(has(&home, "nav a[href='/kaart']"));
    assert!(has(&home, "#groups-heading") && has(&home, "a[href='/g/tuin']"));
    assert!(has(&home, "#neighbourhood-map-heading"));
    assert_eq!(app.browser().get("/kaart").await.status(), StatusCode::OK);
    assert_eq!(app.browser().get("/g/tuin").await.status(), StatusCode::OK);
    assert_eq!(status_as_activity_json(&app, "/g/tuin").await, StatusCode::OK);
    assert_eq!(status_as_activity_json(&app, "/g/tuin/outbox").await, StatusCode::OK);
    let moderator = app.signed_in("mo", Role::Moderator).await;
    let page = moderator.get_html("/g/tuin").await;
    assert!(has(&page, "#meeting-place-heading") && has(&page, "a[href='/g/tuin/plek']"));
    assert_eq!(moderator.get("/g/tuin/plek").await.status(), StatusCode::OK);
}

async fn with_groups_off_group_pages_and_actors_are_gone(b: Backend) {
    let app = TestApp::spawn_with(b, |s| s.modules.groups = false).await;
    group_with_a_place(&app).await;
    app.create_user("anna", Role::Member).await;
    let moderator = app.signed_in("mo", Role::Moderator).await;
    for path in ["/g/tuin", "/g/tuin/bewerken", "/g/tuin/plek"] {
        let response = moderator.get(path).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{path}");
        // The friendly error page, with the site's navigation.
        assert!(response.text().await.unwrap().contains("Pagina niet gevonden"), "{path}");
    }
    let follow = moderator.submit("/u/anna", "/g/tuin/volgen", &[("action", "follow")]).await;
    assert_eq!(follow.status(), StatusCode::NOT_FOUND);
    for path in ["/g/tuin", "/g/tuin/outbox", "/g/tuin/followers", "/g/tuin/following", "/g/tuin/featured"] {
        assert_eq!(status_as_activity_json(&app, path).await, StatusCode::NOT_FOUND, "{path}");
    }
    let inbox = reqwest::Client::new()
        .post(app.url("/g/tuin/inbox"))
        .header("content-type", "application/activity+json")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(inbox.status(), StatusCode::NOT_FOUND);

    // The home page lists no groups and the map shows no group's place; the rest is there.
    for browser in [app.browser(), moderator] {
        let home = browser.get_html("/").await;
        assert!(!has(&home, "#groups-heading"));
        assert!(!has(&home, "a[href^='/g/']"), "{}", home.html());
        assert!(has(&home, "#posts-heading") && has(&home, "#about-heading"));
        assert!(has(&home, "nav a[href='/kaart']"));
        assert!(!browser.get_html("/kaart").await.html().contains("De Buurttuin"));
    }
    // The core stays.
    assert_eq!(app.browser().get("/u/anna").await.status(), StatusCode::OK);
    assert_eq!(status_as_activity_json(&app, "/u/anna/outbox").await, StatusCode::OK);
}

async fn with_the_map_off_its_page_link_and_sections_are_gone(b: Backend) {
    let app = TestApp::spawn_with(b, |s| s.modules.map = false).await;
    group_with_a_place(&app).await;
    assert_eq!(app.browser().get("/kaart").await.status(), StatusCode::NOT_FOUND);
    let moderator = app.signed_in("mo", Role::Moderator).await;
    for browser in [app.browser(), moderator.clone()] {
        let home = browser.get_html("/").await;
        assert!(!has(&home, "a[href='/kaart']"), "{}", home.html());
        assert!(!has(&home, "#neighbourhood-map-heading") && !has(&home, "script.map__data"));
        // The groups are still listed.
        assert!(has(&home, "a[href='/g/tuin']"));
        // Error pages carry the same navigation.
        let missing = browser.get_html("/kaart").await;
        assert!(has(&missing, "nav a[href='/']") && !has(&missing, "a[href='/kaart']"));
    }
    // The group page shows no meeting place and no way to set one.
    let page = moderator.get_html("/g/tuin").await;
    assert!(has(&page, "h1"));
    assert!(!has(&page, "#meeting-place-heading") && !has(&page, "a[href='/g/tuin/plek']"));
    assert_eq!(moderator.get("/g/tuin/plek").await.status(), StatusCode::NOT_FOUND);
}
