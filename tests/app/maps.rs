//! Maps: a group's meeting place set through its form, shown on the group page, the map page and
//! the home page, in the group's ActivityPub document, and carried to another instance.

use buurt::db::models::local_user::Role;
use reqwest::StatusCode;
use serde_json::Value;

use crate::both;
use crate::util::*;

both!(
    a_moderator_sets_a_meeting_place_that_pages_and_the_actor_show,
    wrong_coordinates_are_refused_next_to_their_fields,
    only_moderators_change_a_meeting_place,
    a_remote_group_brings_its_meeting_place,
);

async fn actor_json(app: &TestApp, path: &str) -> Value {
    activity_json(app.url(path)).await
}

/// The JSON the map script reads on a page.
fn map_data(html: &scraper::Html) -> Option<Value> {
    let sel = scraper::Selector::parse("script.map__data").unwrap();
    html.select(&sel).next().map(|e| serde_json::from_str(&e.text().collect::<String>()).unwrap())
}

async fn a_moderator_sets_a_meeting_place_that_pages_and_the_actor_show(b: Backend) {
    let app = TestApp::spawn(b).await;
    buurt::domain::groups::create_group(&app.state.pool, app.settings(), "tuin", "De Buurttuin").await.unwrap();
    // Nothing on the map yet: the home page has no map section, the map page says so.
    let home = app.browser().get_html("/").await;
    assert!(map_data(&home).is_none());
    assert!(app.browser().get("/kaart").await.text().await.unwrap().contains("nog geen plekken"));

    let moderator = app.signed_in("mo", Role::Moderator).await;
    let page = moderator.get_html("/g/tuin").await;
    assert_eq!(text_of(&page, "a[href='/g/tuin/plek']").as_deref(), Some("Plek wijzigen"));
    let fields = [
        ("place_name", "Buurthuis De Meeuw"),
        ("street_address", "Oosterparkstraat 1"),
        ("postal_code", "1091 AA"),
        ("locality", "Amsterdam"),
        ("latitude", "52,3596"),
        ("longitude", "4.917"),
    ];
    let response = moderator.submit("/g/tuin/plek", "/g/tuin/plek", &fields).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(response.headers()["location"], "/g/tuin");

    // The group page: the address in the list, one marker in the map's data.
    let page = app.browser().get_html("/g/tuin").await;
    let list = text_of(&page, ".map__list").unwrap();
    assert!(list.contains("Buurthuis De Meeuw, Oosterparkstraat 1, 1091 AA Amsterdam"), "{list}");
    let data = map_data(&page).unwrap();
    assert_eq!(data["points"].as_array().unwrap().len(), 1);
    assert_eq!(data["points"][0]["lat"], 52.3596);
    assert_eq!(data["points"][0]["lon"], 4.917);
    assert_eq!(data["tiles"], "http://127.0.0.1:9/{z}/{x}/{y}.png");
    // Anonymous visitors cannot change it and see no link.
    assert!(text_of(&page, "a[href='/g/tuin/plek']").is_none());

    // The map page and the home page list the group.
    for path in ["/kaart", "/"] {
        let page = app.browser().get_html(path).await;
        let data = map_data(&page).unwrap_or_else(|| panic!("{path} has no map"));
        assert_eq!(data["points"][0]["href"], "/g/tuin", "{path}");
        assert!(text_of(&page, ".map__list").unwrap().contains("De Buurttuin"), "{path}");
    }

    // The group's ActivityPub document has the place as Mobilizon sends it.
    let json = actor_json(&app, "/g/tuin").await;
    assert_eq!(json["location"]["type"], "Place");
    assert_eq!(json["location"]["latitude"], 52.3596);
    assert_eq!(json["location"]["address"]["postalCode"], "1091 AA");
    assert_eq!(json["location"]["address"]["addressLocality"], "Amsterdam");

    // The form shows what is stored; emptying every field removes the place.
    let form = moderator.get_html("/g/tuin/plek").await;
    let sel = scraper::Selector::parse("#latitude").unwrap();
    assert_eq!(form.select(&sel).next().unwrap().value().attr("value"), Some("52.3596"));
    let empty: Vec<(&str, &str)> = fields.iter().map(|(k, _)| (*k, "")).collect();
    let response = moderator.submit("/g/tuin/plek", "/g/tuin/plek", &empty).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert!(actor_json(&app, "/g/tuin").await.get("location").is_none());
    assert!(map_data(&app.browser().get_html("/g/tuin").await).is_none());
}

async fn wrong_coordinates_are_refused_next_to_their_fields(b: Backend) {
    let app = TestApp::spawn(b).await;
    buurt::domain::groups::create_group(&app.state.pool, app.settings(), "tuin", "De Buurttuin").await.unwrap();
    let admin = app.signed_in("wijkadmin", Role::Admin).await;
    let cases = [
        (("52.36", ""), "longitude", "Vul de breedtegraad en de lengtegraad allebei in"),
        (("95", "4.9"), "latitude", "tussen -90 en 90"),
        (("52.3", "oost"), "longitude", "tussen -180 en 180"),
    ];
    for ((lat, lon), field, message) in cases {
        let fields = [("place_name", "Het Hofje"), ("latitude", lat), ("longitude", lon)];
        let response = admin.submit("/g/tuin/plek", "/g/tuin/plek", &fields).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let page = html(response).await;
        let error = field_error(&page, field).unwrap_or_else(|| panic!("no error at {field} for {lat}/{lon}"));
        assert!(error.contains(message), "{error}");
        // What was typed stays in the form.
        let sel = scraper::Selector::parse("#place_name").unwrap();
        assert_eq!(page.select(&sel).next().unwrap().value().attr("value"), Some("Het Hofje"));
    }
    let long = "x".repeat(201);
    let response = admin.submit("/g/tuin/plek", "/g/tuin/plek", &[("locality", long.as_str())]).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(field_error(&html(response).await, "locality").is_some());
    // Nothing was stored.
    assert!(actor_json(&app, "/g/tuin").await.get("location").is_none());
}

async fn only_moderators_change_a_meeting_place(b: Backend) {
    let app = TestApp::spawn(b).await;
    buurt::domain::groups::create_group(&app.state.pool, app.settings(), "tuin", "De Buurttuin").await.unwrap();
    let anonymous = app.browser();
    let response = anonymous.get("/g/tuin/plek").await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert!(response.headers()["location"].to_str().unwrap().starts_with("/inloggen"));
    let member = app.signed_in("anna", Role::Member).await;
    assert_eq!(member.get("/g/tuin/plek").await.status(), StatusCode::FORBIDDEN);
    let csrf = member.csrf("/instellingen").await;
    let response = member
        .client
        .post(app.url("/g/tuin/plek"))
        .form(&[("csrf", csrf.as_str()), ("latitude", "52"), ("longitude", "5")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert!(actor_json(&app, "/g/tuin").await.get("location").is_none());
    // A person has no meeting place page.
    let moderator = app.signed_in("mo", Role::Moderator).await;
    assert_eq!(moderator.get("/g/anna/plek").await.status(), StatusCode::NOT_FOUND);
}

async fn a_remote_group_brings_its_meeting_place(b: Backend) {
    let alpha = TestApp::spawn_federated(b).await;
    let beta = TestApp::spawn_federated(b).await;
    let group =
        buurt::domain::groups::create_group(&alpha.state.pool, alpha.settings(), "tuin", "De Buurttuin").await.unwrap();
    let input = buurt::domain::places::PlaceInput {
        place_name: "Buurthuis De Meeuw".into(),
        locality: "Amsterdam".into(),
        latitude: "52.3596".into(),
        longitude: "4.917".into(),
        ..Default::default()
    };
    buurt::domain::places::set_group_place(&alpha.state, &group, &input).await.unwrap();

    // Bert on beta finds the group; beta stores its place.
    let bert = beta.api_user("bert").await;
    let found = bert.get(&format!("/api/v2/search?q=@{}&resolve=true&type=accounts", alpha.handle("tuin"))).await;
    let id = found["accounts"][0]["id"].as_str().expect("group found").to_string();
    bert.post(&format!("/api/v1/accounts/{id}/follow"), serde_json::json!({})).await;
    let stored = |app: &TestApp| {
        let pool = app.state.pool.clone();
        let ap_id = alpha.url("/g/tuin");
        async move {
            let mut conn = pool.get().await.unwrap();
            let actor = buurt::db::models::actor::Actor::by_ap_id(&mut conn, &ap_id).await.unwrap().unwrap();
            match actor.place_id {
                Some(id) => buurt::db::models::place::Place::by_id(&mut conn, id).await.unwrap(),
                None => None,
            }
        }
    };
    let place = stored(&beta).await.expect("beta stored the place");
    assert_eq!(place.coordinates(), Some((52.3596, 4.917)));
    assert_eq!(place.locality, "Amsterdam");
    assert_eq!(place.name, "Buurthuis De Meeuw");

    // The group moves: followers get an Update and beta follows suit.
    eventually("bert's follow is accepted", || {
        let bert = bert.clone();
        let id = id.clone();
        async move { bert.get(&format!("/api/v1/accounts/relationships?id[]={id}")).await[0]["following"] == true }
    })
    .await;
    let group = {
        let mut conn = alpha.state.pool.get().await.unwrap();
        buurt::domain::actors::local_by_name(&mut conn, alpha.settings(), "tuin").await.unwrap().unwrap()
    };
    let moved = buurt::domain::places::PlaceInput { latitude: "52.37".into(), longitude: "4.89".into(), ..input };
    buurt::domain::places::set_group_place(&alpha.state, &group, &moved).await.unwrap();
    alpha.drain().await;
    let place = stored(&beta).await.expect("still a place");
    assert_eq!(place.coordinates(), Some((52.37, 4.89)));
}
