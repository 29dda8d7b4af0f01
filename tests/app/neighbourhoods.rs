//! Neighbourhoods: importing them from CBS-shaped GeoJSON (RD New and WGS 84, all or nothing),
//! their page (boundary, groups, residents), groups that belong to one, residents choosing a
//! home neighbourhood (list, map, postcode through a geocoder on loopback), the home page, the
//! API and the actor document — each from the wrong side too.

use std::collections::HashMap;

use buurt::db::models::local_user::Role;
use buurt::domain::neighbourhoods::import::{self, ImportError, ImportOptions, Outcome};
use serde_json::json;

use crate::both;
use crate::util::*;

both!(
    the_import_reads_rd_new_and_wgs84_and_updates_by_code,
    a_broken_file_stores_nothing,
    the_command_line_reports_a_dry_run,
    a_neighbourhood_page_shows_its_boundary_groups_and_residents,
    residents_choose_their_home_neighbourhood,
    the_api_lists_neighbourhoods_and_sets_the_home_one,
);

fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!("{}/tests/fixtures/cbs/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

fn gm9999() -> ImportOptions {
    ImportOptions { municipality: Some("GM9999".into()), ..Default::default() }
}

/// Imports the RD New fixture of municipality GM9999.
async fn import_rd(app: &TestApp) -> import::Report {
    import::import(&app.state.pool, app.settings(), &fixture("buurten-rd.geojson"), &gm9999()).await.unwrap()
}

/// An anonymous GET that bypasses the public cache: the tests import in-process, as another
/// process (the command line) would, whose writes the cache shows only after its lifetime.
async fn fresh(app: &TestApp, path: &str) -> serde_json::Value {
    let response = reqwest::Client::new().get(app.url(path)).header("cookie", "vers=1").send().await.unwrap();
    response.json().await.unwrap()
}

/// The neighbourhoods as the API lists them, by name.
async fn listed(app: &TestApp) -> HashMap<String, serde_json::Value> {
    let body = fresh(app, "/api/buurt/v1/neighbourhoods").await;
    body.as_array().unwrap().iter().map(|n| (n["name"].as_str().unwrap().to_string(), n.clone())).collect()
}

async fn detail(app: &TestApp, name: &str) -> serde_json::Value {
    fresh(app, &format!("/api/buurt/v1/neighbourhoods/{name}")).await
}

async fn the_import_reads_rd_new_and_wgs84_and_updates_by_code(b: Backend) {
    let app = TestApp::spawn(b).await;
    // A person already has the name the first neighbourhood would get.
    app.create_user("centrum", Role::Member).await;

    let dry = import::import(
        &app.state.pool,
        app.settings(),
        &fixture("buurten-rd.geojson"),
        &ImportOptions { dry_run: true, ..gm9999() },
    )
    .await
    .unwrap();
    assert_eq!((dry.new_count(), dry.updated_count(), dry.skipped_count()), (2, 0, 2), "{dry}");
    assert!(listed(&app).await.is_empty(), "a dry run stores nothing");

    let report = import_rd(&app).await;
    let outcomes: Vec<(&str, &Outcome)> = report.entries.iter().map(|e| (e.code.as_str(), &e.outcome)).collect();
    assert_eq!(
        outcomes,
        vec![
            ("BU99990001", &Outcome::New("centrum-2".into())),
            ("BU99990002", &Outcome::New("oud-west-sint-jozef".into())),
            ("BU99990003", &Outcome::Skipped("water".into())),
        ],
        "{report}"
    );
    assert_eq!(report.other_municipality, 1);
    let text = report.to_string();
    assert!(text.contains("RD New") && text.contains("2 new, 0 updated, 2 skipped"), "{text}");

    // Stored in WGS 84: the grid's origin (155000, 463000) is near 52.155 N, 5.387 E.
    let centrum = detail(&app, "centrum-2").await;
    assert_eq!(centrum["code"], "BU99990001");
    assert_eq!(centrum["display_name"], "Centrum");
    assert_eq!(centrum["boundary"]["type"], "Polygon", "one polygon is stored as a Polygon");
    let corner = &centrum["boundary"]["coordinates"][0][0];
    let (lon, lat) = (corner[0].as_f64().unwrap(), corner[1].as_f64().unwrap());
    assert!((lon - 5.3872).abs() < 0.001 && (lat - 52.1552).abs() < 0.001, "{corner}");
    let middle = centrum["centroid"].as_array().unwrap();
    assert!((middle[0].as_f64().unwrap() - 5.3945).abs() < 0.002, "{middle:?}");
    assert!((middle[1].as_f64().unwrap() - 52.1597).abs() < 0.002, "{middle:?}");
    // The hole of Oud-West stays a hole.
    let west = detail(&app, "oud-west-sint-jozef").await;
    assert_eq!(west["boundary"]["coordinates"].as_array().unwrap().len(), 2);

    // The same codes again (now in WGS 84, without a crs member): updated, not doubled.
    let again =
        import::import(&app.state.pool, app.settings(), &fixture("buurten-wgs84.geojson"), &ImportOptions::default())
            .await
            .unwrap();
    assert_eq!(again.crs, Some(buurt::domain::neighbourhoods::geo::Crs::Wgs84));
    assert_eq!(again.entries[0].outcome, Outcome::Updated("centrum-2".into()));
    assert_eq!(again.entries[1].outcome, Outcome::New("zuid".into()));
    let all = listed(&app).await;
    assert_eq!(all.len(), 3, "{all:?}");
    assert_eq!(all["centrum-2"]["display_name"], "Centrum-Oost");
    assert_eq!(detail(&app, "centrum-2").await["boundary"]["coordinates"][0][1], json!([5.402, 52.155]));
    // Neighbourhoods are open, public groups of their own kind.
    let group = fresh(&app, "/api/buurt/v1/groups/zuid").await;
    assert_eq!(group["kind"], "neighbourhood");
    app.stop().await;
}

async fn a_broken_file_stores_nothing(b: Backend) {
    let app = TestApp::spawn(b).await;
    let good = r#"{"type":"Feature","properties":{"buurtcode":"BU1","buurtnaam":"Goed"},"geometry":{"type":"Polygon","coordinates":[[[5.0,52.0],[5.1,52.0],[5.1,52.1],[5.0,52.0]]]}}"#;
    let file = |second: &str| format!(r#"{{"type":"FeatureCollection","features":[{good},{second}]}}"#);
    let feature = |coordinates: &str| {
        format!(
            r#"{{"type":"Feature","properties":{{"buurtcode":"BU2","buurtnaam":"Kapot"}},"geometry":{{"type":"Polygon","coordinates":{coordinates}}}}}"#
        )
    };
    for (text, says) in [
        (file(&feature("[[[5.0,52.0],[5.1,52.0],[5.1,52.1],[5.0,52.2]]]")), "not closed"),
        (file(&feature("[[[5.0,52.0],[5.1,52.0],[5.0,52.0]]]")), "at least 4"),
        (file(&feature(r#"[[[5.0,52.0],["NaN",52.0],[5.1,52.1],[5.0,52.0]]]"#)), "finite"),
        (file(&feature("[5.0,52.0]")), "ring"),
    ] {
        let error =
            import::import(&app.state.pool, app.settings(), &text, &ImportOptions::default()).await.unwrap_err();
        let message = error.to_string();
        assert!(message.contains("feature 2") && message.contains(says), "{message}");
        assert!(message.contains("nothing was stored"), "{message}");
    }
    let points = r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"buurtcode":"BU1","buurtnaam":"Punt"},"geometry":{"type":"Point","coordinates":[5,52]}}]}"#;
    for (text, says) in [
        (points, "no Polygon"),
        ("{ niet eens json", "not readable JSON"),
        (r#"{"type":"Point","coordinates":[5,52]}"#, "not a GeoJSON FeatureCollection"),
        (
            r#"{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"EPSG:3857"}},"features":[]}"#,
            "not supported",
        ),
    ] {
        match import::import(&app.state.pool, app.settings(), text, &ImportOptions::default()).await {
            Err(ImportError::File(message)) => assert!(message.contains(says), "{message}"),
            other => panic!("{says}: {other:?}"),
        }
    }
    assert!(listed(&app).await.is_empty(), "the good feature before a broken one is not stored either");
    app.stop().await;
}

async fn the_command_line_reports_a_dry_run(b: Backend) {
    let app = TestApp::spawn(b).await;
    let path = format!("{}/tests/fixtures/cbs/buurten-rd.geojson", env!("CARGO_MANIFEST_DIR"));
    let (url, domain) = (app.settings().database.url.clone(), app.settings().instance.domain.clone());
    let args = ["admin", "import-neighbourhoods", path.as_str(), "--municipality", "GM9999", "--dry-run"];
    let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    let (ok, out, err) = tokio::task::spawn_blocking(move || {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        run_buurt(&url, &domain, &args, "")
    })
    .await
    .unwrap();
    assert!(ok, "{err}");
    assert!(out.contains("new      @centrum") && out.contains("skip     (water)"), "{out}");
    assert!(out.contains("1 feature(s) of other municipalities skipped"), "{out}");
    assert!(out.contains("dry run: nothing was stored"), "{out}");
    assert!(listed(&app).await.is_empty());
    // A file that is not there: an error, nothing stored.
    let (url, domain) = (app.settings().database.url.clone(), app.settings().instance.domain.clone());
    let (ok, _, err) = tokio::task::spawn_blocking(move || {
        run_buurt(&url, &domain, &["admin", "import-neighbourhoods", "/nergens/buurten.geojson"], "")
    })
    .await
    .unwrap();
    assert!(!ok && err.contains("/nergens/buurten.geojson"), "{err}");
    app.stop().await;
}

async fn a_neighbourhood_page_shows_its_boundary_groups_and_residents(b: Backend) {
    let app = TestApp::spawn(b).await;
    import_rd(&app).await;
    // A resident makes a group in Centrum (its administrator), another in no neighbourhood.
    let anna = app.api_user("anna").await;
    let made = anna
        .post(
            "/api/buurt/v1/groups",
            json!({"name": "moestuin", "display_name": "Moestuin", "neighbourhood": "centrum"}),
        )
        .await;
    assert_eq!(made["status"], "active");
    anna.post("/api/buurt/v1/groups", json!({"name": "koor", "display_name": "Koor"})).await;
    // An unknown neighbourhood: refused, nothing made.
    let response = anna
        .send(
            reqwest::Method::POST,
            "/api/buurt/v1/groups",
            Some(json!({"name": "fout", "display_name": "Fout", "neighbourhood": "nergens"})),
        )
        .await;
    assert_eq!(response.status(), 422);
    assert!(app.account("fout").await.is_none());
    let missing = reqwest::get(app.url("/api/buurt/v1/groups/fout")).await.unwrap();
    assert_eq!(missing.status(), 404);

    // Someone who does not administer the group may not move it.
    let otto = app.api_user("otto").await;
    let response =
        otto.send(reqwest::Method::PATCH, "/api/buurt/v1/groups/koor", Some(json!({"neighbourhood": "centrum"}))).await;
    assert_eq!(response.status(), 403);
    let koor = anna.get("/api/buurt/v1/groups/koor").await;
    assert_eq!(koor["neighbourhood"], serde_json::Value::Null);
    // Its administrator may, and back again.
    let moved = anna
        .send(
            reqwest::Method::PATCH,
            "/api/buurt/v1/groups/koor",
            Some(json!({"neighbourhood": "oud-west-sint-jozef"})),
        )
        .await;
    assert_eq!(moved.status(), 200);
    assert_eq!(anna.get("/api/buurt/v1/groups/koor").await["neighbourhood"], "oud-west-sint-jozef");

    // One resident lives in Centrum.
    anna.send(reqwest::Method::PUT, "/api/buurt/v1/me/neighbourhood", Some(json!({"name": "centrum"}))).await;
    let page = app.browser().get_html("/g/centrum").await;
    let text = page.root_element().text().collect::<String>();
    assert!(text.contains("Er woont 1 bewoner in deze buurt."), "{text}");
    assert!(text.contains("Moestuin") && !text.contains("Koor"), "{text}");
    let data = text_of(&page, "script.map__data").unwrap();
    let data: serde_json::Value = serde_json::from_str(&data).unwrap();
    assert_eq!(data["area"]["type"], "Polygon", "the boundary is on the map");
    // Two residents, in English.
    otto.send(reqwest::Method::PUT, "/api/buurt/v1/me/neighbourhood", Some(json!({"name": "centrum"}))).await;
    let english =
        reqwest::Client::new().get(app.url("/g/centrum")).header("accept-language", "en").send().await.unwrap();
    let english = english.text().await.unwrap();
    assert!(english.contains("2 residents live in this neighbourhood."), "{english}");
    // The group's page names its neighbourhood.
    let moestuin = app.browser().get_html("/g/moestuin").await;
    assert!(moestuin.root_element().html().contains("href=\"/g/centrum\""));

    // The directory filters by neighbourhood, kind and words, on the web and in the API.
    let page = app.browser().get_html("/groepen?buurt=centrum").await;
    let names: Vec<String> = select_texts(&page, ".card h2");
    assert_eq!(names, vec!["Moestuin"]);
    let page = app.browser().get_html("/groepen?soort=neighbourhood").await;
    assert_eq!(select_texts(&page, ".card h2"), vec!["Centrum", "Oud-West / Sint Jozef"]);
    let page = app.browser().get_html("/groepen?q=koo").await;
    assert_eq!(select_texts(&page, ".card h2"), vec!["Koor"]);
    let api: serde_json::Value = reqwest::get(app.url("/api/buurt/v1/groups?neighbourhood=oud-west-sint-jozef"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let api: Vec<&str> = api.as_array().unwrap().iter().map(|g| g["name"].as_str().unwrap()).collect();
    assert_eq!(api, vec!["koor"]);
    let unknown = reqwest::get(app.url("/api/buurt/v1/groups?kind=buurtje")).await.unwrap();
    assert_eq!(unknown.status(), 422);

    // The actor document carries the boundary and a Place at its middle.
    let actor = activity_json(app.url("/g/centrum")).await;
    assert_eq!(actor["buurt:boundary"]["type"], "Polygon");
    assert_eq!(actor["location"]["type"], "Place");
    assert!((actor["location"]["latitude"].as_f64().unwrap() - 52.1597).abs() < 0.002, "{actor}");
    let person = activity_json(app.url("/u/anna")).await;
    assert!(person.get("buurt:boundary").is_none());
    app.stop().await;
}

fn select_texts(html: &scraper::Html, selector: &str) -> Vec<String> {
    let selector = scraper::Selector::parse(selector).unwrap();
    html.select(&selector).map(|e| e.text().collect::<String>().trim().to_string()).collect()
}

/// A geocoder on loopback answering like PDOK Locatieserver's `free`: 1234 AB lies in Centrum,
/// 5000 AA outside every neighbourhood, anything else is unknown.
async fn geocoder() -> String {
    use axum::extract::Query;
    let app = axum::Router::new().route(
        "/free",
        axum::routing::get(|Query(q): Query<HashMap<String, String>>| async move {
            let query = q.get("q").cloned().unwrap_or_default().replace(' ', "").to_uppercase();
            let docs = match query.as_str() {
                "1234AB" => {
                    json!([{"type": "postcode", "weergavenaam": "1234AB", "centroide_ll": "POINT(5.3945 52.1597)"}])
                }
                "5000AA" => json!([{"type": "postcode", "centroide_ll": "POINT(5.0 51.5)"}]),
                _ => json!([]),
            };
            axum::Json(json!({"response": {"numFound": docs.as_array().map_or(0, Vec::len), "docs": docs}}))
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    format!("http://{addr}/free")
}

async fn home_of(app: &TestApp, name: &str) -> Option<String> {
    let account = app.account(name).await.unwrap();
    let id = account.user.home_neighbourhood_id?;
    let mut conn = app.state.pool.get().await.unwrap();
    Some(buurt::db::models::actor::Actor::by_id(&mut conn, id).await.unwrap().unwrap().username)
}

async fn residents_choose_their_home_neighbourhood(b: Backend) {
    let url = geocoder().await;
    let app = TestApp::spawn_with(b, |s| s.map.geocoder_url = url).await;
    // Without neighbourhoods the home page does not ask for one.
    let bea = app.signed_in("bea", Role::Member).await;
    let home = bea.get_html("/").await;
    assert!(text_of(&home, "#home-neighbourhood-heading").is_none());
    import_rd(&app).await;
    let home = bea.get_html("/").await;
    assert_eq!(text_of(&home, "#home-neighbourhood-heading").as_deref(), Some("Jouw buurt"));
    // Strangers have no settings.
    let stranger = app.browser().get("/instellingen/buurt").await;
    assert_eq!(stranger.status(), 303);

    // From the list.
    let page = "/instellingen/buurt";
    let done = bea.submit(page, page, &[("by", "list"), ("neighbourhood", "centrum")]).await;
    assert_eq!(done.status(), 303);
    assert_eq!(home_of(&app, "bea").await.as_deref(), Some("centrum"));
    // Not a neighbourhood: refused, unchanged.
    app.create_user("piet", Role::Member).await;
    for (fields, field) in [
        (vec![("by", "list"), ("neighbourhood", "piet")], "neighbourhood"),
        (vec![("by", "list"), ("neighbourhood", "nergens")], "neighbourhood"),
        (vec![("by", "map"), ("latitude", "51,5"), ("longitude", "5")], "latitude"),
        (vec![("by", "map"), ("latitude", "noord"), ("longitude", "5")], "latitude"),
        (vec![("by", "map"), ("latitude", "52"), ("longitude", "500")], "longitude"),
        (vec![("by", "postcode"), ("postcode", "9999 ZZ")], "postcode"),
        (vec![("by", "postcode"), ("postcode", "5000 AA")], "postcode"),
        (vec![("by", "postcode"), ("postcode", "")], "postcode"),
    ] {
        let response = bea.submit(page, page, &fields).await;
        assert_eq!(response.status(), 422, "{fields:?}");
        let html = html(response).await;
        assert!(field_error(&html, field).is_some(), "{fields:?}");
        assert_eq!(home_of(&app, "bea").await.as_deref(), Some("centrum"), "{fields:?}");
    }
    let response = bea.submit(page, page, &[("by", "postcode"), ("postcode", "9999 ZZ")]).await;
    let text = html(response).await.root_element().text().collect::<String>();
    assert!(text.contains("Deze postcode of dit adres kennen we niet."), "{text}");

    // By clicking the map (the script sends the point); a decimal comma is fine.
    let west = detail(&app, "oud-west-sint-jozef").await;
    let [lon, lat] = [west["centroid"][0].as_f64().unwrap(), west["centroid"][1].as_f64().unwrap()];
    // The middle of Oud-West is its hole: a point in the hole is in no neighbourhood.
    let (lat_s, lon_s) = (format!("{lat}").replace('.', ","), format!("{lon}"));
    let response = bea.submit(page, page, &[("by", "map"), ("latitude", &lat_s), ("longitude", &lon_s)]).await;
    assert_eq!(response.status(), 422);
    let (lat_s, lon_s) = (format!("{}", lat - 0.003), format!("{}", lon - 0.005));
    let response = bea.submit(page, page, &[("by", "map"), ("latitude", &lat_s), ("longitude", &lon_s)]).await;
    assert_eq!(response.status(), 303);
    assert_eq!(home_of(&app, "bea").await.as_deref(), Some("oud-west-sint-jozef"));
    // By postcode.
    let response = bea.submit(page, page, &[("by", "postcode"), ("postcode", "1234 ab")]).await;
    assert_eq!(response.status(), 303);
    assert_eq!(home_of(&app, "bea").await.as_deref(), Some("centrum"));

    // The home page shows it first, with what the neighbourhood posted.
    let home = bea.get_html("/").await;
    assert_eq!(text_of(&home, "#home-neighbourhood-heading").as_deref(), Some("Jouw buurt: Centrum"));
    let html = home.root_element().html();
    let (first, grid) = (html.find("home-neighbourhood-heading").unwrap(), html.find("home-grid").unwrap());
    assert!(first < grid, "the neighbourhood comes before the posts");
    // Cleared.
    let response = bea.submit(page, page, &[("by", "list"), ("neighbourhood", "")]).await;
    assert_eq!(response.status(), 303);
    assert_eq!(home_of(&app, "bea").await, None);
    app.stop().await;
}

async fn the_api_lists_neighbourhoods_and_sets_the_home_one(b: Backend) {
    let app = TestApp::spawn(b).await;
    import_rd(&app).await;
    let all = listed(&app).await;
    assert_eq!(all.len(), 2);
    let centrum = &all["centrum"];
    assert_eq!(centrum["code"], "BU99990001");
    assert_eq!(centrum["handle"], format!("@centrum@{}", app.settings().instance.domain));
    assert_eq!((centrum["residents_count"].as_i64(), centrum["groups_count"].as_i64()), (Some(0), Some(0)));
    // A group that is not a neighbourhood is not one here.
    let anna = app.api_user("anna").await;
    anna.post("/api/buurt/v1/groups", json!({"name": "koor", "display_name": "Koor"})).await;
    assert_eq!(reqwest::get(app.url("/api/buurt/v1/neighbourhoods/koor")).await.unwrap().status(), 404);

    let me = "/api/buurt/v1/me/neighbourhood";
    let set = anna.send(reqwest::Method::PUT, me, Some(json!({"latitude": 52.1597, "longitude": 5.3945}))).await;
    assert_eq!(set.status(), 200);
    let set: serde_json::Value = set.json().await.unwrap();
    assert_eq!(set["neighbourhood"]["name"], "centrum");
    assert_eq!(set["neighbourhood"]["residents_count"], 1);
    // Bad choices: 422 with the field's message in the caller's language, nothing changed.
    for (body, field) in [
        (json!({"name": "koor"}), "neighbourhood"),
        (json!({"latitude": 10, "longitude": 10}), "latitude"),
        (json!({"latitude": "x", "longitude": 5}), "latitude"),
        (json!({"postcode": "1234 AB"}), "postcode"),
    ] {
        let response = anna.send(reqwest::Method::PUT, me, Some(body.clone())).await;
        assert_eq!(response.status(), 422, "{body}");
        let error: serde_json::Value = response.json().await.unwrap();
        assert!(error["fields"][field].as_str().is_some_and(|m| !m.is_empty()), "{error}");
    }
    let english = reqwest::Client::new()
        .put(app.url(me))
        .bearer_auth(&anna.token)
        .header("accept-language", "en")
        .json(&json!({"postcode": "1234 AB"}))
        .send()
        .await
        .unwrap();
    let error: serde_json::Value = english.json().await.unwrap();
    assert!(error["fields"]["postcode"].as_str().unwrap_or_default().contains("postcode"), "{error}");
    assert_eq!(listed(&app).await["centrum"]["residents_count"], 1);
    // Without a token nobody sets a home.
    let anonymous = reqwest::Client::new().put(app.url(me)).json(&json!({"name": "centrum"})).send().await.unwrap();
    assert_eq!(anonymous.status(), 401);
    // Cleared.
    let cleared: serde_json::Value = anna.send(reqwest::Method::PUT, me, Some(json!({}))).await.json().await.unwrap();
    assert_eq!(cleared["neighbourhood"], serde_json::Value::Null);
    assert_eq!(listed(&app).await["centrum"]["residents_count"], 0);
    app.stop().await;
}
