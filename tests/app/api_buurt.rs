//! Buurt's own API (`/api/buurt/v1`): its OpenAPI document covers every route, errors have a
//! stable code and a message in the caller's language, groups and media work as documented.

use std::collections::BTreeSet;

use buurt::db::models::local_user::Role;
use reqwest::Method;
use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};

use crate::both;
use crate::util::*;

both!(
    every_route_is_in_the_openapi_document,
    groups_are_listed_with_their_places,
    only_moderators_edit_a_group,
    errors_speak_the_callers_language,
    media_upload_read_and_update
);

const PREFIX: &str = "/api/buurt/v1";

/// An API client for a new account with `role`.
async fn api_with_role(app: &TestApp, name: &str, role: Role) -> Api {
    let account = app.create_user(name, role).await;
    let token = buurt::domain::oauth::admin_token(&app.state.pool, &account, "test").await.unwrap();
    Api { client: reqwest::Client::new(), base: app.base.clone(), token }
}

async fn document(app: &TestApp) -> Value {
    let response = reqwest::get(app.url(&format!("{PREFIX}/openapi.json"))).await.unwrap();
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

/// The documented operations as (method, path).
fn operations(doc: &Value) -> BTreeSet<(String, String)> {
    let mut out = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in ["get", "put", "post", "delete", "patch"] {
            if item.get(method).is_some() {
                out.insert((method.to_uppercase(), path.clone()));
            }
        }
    }
    out
}

/// Every documented operation is routed, every routed method is documented (a method the
/// document leaves out answers 405), and nothing under the prefix is routed outside `routes!`,
/// which registers a handler and its description together.
async fn every_route_is_in_the_openapi_document(b: Backend) {
    let app = TestApp::spawn(b).await;
    let doc = document(&app).await;
    // A valid OpenAPI 3.1 document.
    let spec = oas3::from_json(doc.to_string()).unwrap();
    assert!(spec.openapi.starts_with("3.1"), "{}", spec.openapi);
    assert!(spec.components.as_ref().unwrap().security_schemes.contains_key("bearer"));
    assert!(doc["components"]["schemas"]["ErrorBody"].is_object());
    // What the parser leaves to us: operation ids are unique, every response is described,
    // parameters in a path are in that path, and every `$ref` resolves.
    let mut ids = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            assert!(ids.insert(op["operationId"].as_str().unwrap().to_string()), "{method} {path}: operationId twice");
            for (status, response) in op["responses"].as_object().unwrap() {
                assert!(response["description"].as_str().is_some_and(|d| !d.is_empty()), "{method} {path} {status}");
            }
            for param in op["parameters"].as_array().into_iter().flatten() {
                let in_path = path.contains(&format!("{{{}}}", param["name"].as_str().unwrap()));
                assert_eq!(param["in"] == "path", in_path, "{method} {path}: {param}");
            }
        }
    }
    let text = doc.to_string();
    for piece in text.split("\"#/components/schemas/").skip(1) {
        let name = piece.split('"').next().unwrap();
        assert!(doc["components"]["schemas"][name].is_object(), "$ref to {name}");
    }

    let documented = operations(&doc);
    let expected: BTreeSet<(String, String)> = [
        ("GET", "/openapi.json"),
        ("GET", "/events"),
        ("POST", "/events"),
        ("GET", "/events/{id}"),
        ("PUT", "/events/{id}"),
        ("DELETE", "/events/{id}"),
        ("POST", "/events/{id}/cancel"),
        ("POST", "/events/{id}/rsvp"),
        ("GET", "/events/{id}/participants"),
        ("POST", "/events/{id}/participants/{participant}"),
        ("GET", "/groups"),
        ("POST", "/groups"),
        ("GET", "/groups/{name}"),
        ("PATCH", "/groups/{name}"),
        ("DELETE", "/groups/{name}"),
        ("GET", "/groups/{name}/members"),
        ("POST", "/groups/{name}/join"),
        ("POST", "/groups/{name}/leave"),
        ("POST", "/groups/{name}/members/{account_id}"),
        ("POST", "/groups/{name}/invitations"),
        ("POST", "/groups/{name}/approve"),
        ("POST", "/groups/{name}/archive"),
        ("POST", "/groups/{name}/unarchive"),
        ("GET", "/groups/{name}/invite-links"),
        ("POST", "/groups/{name}/invite-links"),
        ("POST", "/groups/{name}/redeem"),
        ("GET", "/groups/{name}/threads"),
        ("POST", "/groups/{name}/threads"),
        ("POST", "/threads/{id}/{action}"),
        ("POST", "/media"),
        ("GET", "/media/{id}"),
        ("PATCH", "/media/{id}"),
        ("GET", "/moderation/log"),
        ("POST", "/moderation/decisions"),
        ("GET", "/moderation/decisions/{id}"),
        ("POST", "/moderation/decisions/{id}/reverse"),
        ("POST", "/moderation/decisions/{id}/appeal"),
        ("GET", "/moderation/appeals"),
        ("POST", "/moderation/appeals/{id}"),
        ("GET", "/neighbourhoods"),
        ("GET", "/neighbourhoods/{name}"),
        ("PUT", "/me/neighbourhood"),
        ("GET", "/notification_preferences"),
        ("PUT", "/notification_preferences"),
        ("GET", "/me/blocks"),
        ("POST", "/me/blocks"),
        ("DELETE", "/me/blocks/{account_id}"),
        ("GET", "/me/mutes"),
        ("POST", "/me/mutes"),
        ("DELETE", "/me/mutes/{account_id}"),
        ("GET", "/me/domain_blocks"),
        ("POST", "/me/domain_blocks"),
        ("DELETE", "/me/domain_blocks/{domain}"),
        ("GET", "/me/hidden_posts"),
        ("POST", "/me/hidden_posts"),
        ("DELETE", "/me/hidden_posts/{post_id}"),
        ("GET", "/federation/instances"),
        ("GET", "/federation/policies"),
        ("PUT", "/federation/policies/{domain}"),
        ("DELETE", "/federation/policies/{domain}"),
        ("POST", "/federation/policies/import"),
        ("GET", "/federation/policies/export"),
        ("GET", "/federation/actor_blocks"),
        ("POST", "/federation/actor_blocks"),
        ("DELETE", "/federation/actor_blocks/{id}"),
        ("GET", "/reports"),
        ("POST", "/reports"),
        ("GET", "/reports/{id}"),
        ("POST", "/reports/{id}/notes"),
        ("POST", "/reports/{id}/assign"),
        ("POST", "/reports/{id}/resolve"),
        ("GET", "/admin/accounts"),
        ("PUT", "/admin/accounts/{id}/role"),
        ("GET", "/admin/settings"),
        ("PUT", "/admin/settings"),
        ("GET", "/me/export"),
        ("DELETE", "/me"),
    ]
    .iter()
    .map(|(m, p)| (m.to_string(), format!("{PREFIX}{p}")))
    .collect();
    assert_eq!(documented, expected);

    let api = app.api_user("anna").await;
    let paths: BTreeSet<&String> = documented.iter().map(|(_, p)| p).collect();
    for path in paths {
        let concrete = path.replace("{name}", "onbekend").replace("{id}", "1");
        for method in ["GET", "PUT", "POST", "DELETE", "PATCH"] {
            let response = api.send(Method::from_bytes(method.as_bytes()).unwrap(), &concrete, Some(json!({}))).await;
            let status = response.status();
            // `GET /me/export` answers a zip, not JSON.
            let body: Value = response.json().await.unwrap_or(Value::Null);
            if documented.contains(&(method.to_string(), path.clone())) {
                assert_ne!(body["error"], "unknown_endpoint", "{method} {path} is documented but not routed");
                assert_ne!(status, 405, "{method} {path} is documented but not routed");
            } else {
                assert_eq!(status, 405, "{method} {path} is routed but not documented: {body}");
            }
        }
    }

    // Routes under the prefix are registered only through `routes!` (handler and description at
    // once): no plain `.route(` in the module, except the catch-all 404s outside the prefix.
    let dir = format!("{}/src/api/buurt", env!("CARGO_MANIFEST_DIR"));
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        for line in text.lines().filter(|l| l.contains(".route(")) {
            assert!(line.contains("unknown_endpoint"), "{}: {line}", path.display());
        }
    }
}

async fn groups_are_listed_with_their_places(b: Backend) {
    use buurt::domain::places::{PlaceInput, set_group_place};
    let app = TestApp::spawn(b).await;
    let pool = &app.state.pool;
    let tuin = buurt::domain::groups::create_group(pool, app.settings(), "tuin", "De Tuin").await.unwrap();
    buurt::domain::groups::create_group(pool, app.settings(), "koor", "Het Koor").await.unwrap();
    let place = PlaceInput {
        place_name: "Buurthuis".into(),
        street_address: "Dorpsstraat 1".into(),
        latitude: "52,36".into(),
        longitude: "4.91".into(),
        ..PlaceInput::default()
    };
    set_group_place(&app.state, &tuin, &place).await.unwrap();

    // Anyone may read; newest first.
    let list: Value = reqwest::get(app.url(&format!("{PREFIX}/groups"))).await.unwrap().json().await.unwrap();
    let names: Vec<&str> = list.as_array().unwrap().iter().map(|g| g["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["koor", "tuin"]);
    assert_eq!(list[0]["place"], Value::Null);
    assert_eq!(list[1]["place"]["address"], "Buurthuis, Dorpsstraat 1");
    assert_eq!(list[1]["place"]["latitude"], 52.36);
    let limited: Value =
        reqwest::get(app.url(&format!("{PREFIX}/groups?limit=1"))).await.unwrap().json().await.unwrap();
    assert_eq!(limited.as_array().unwrap().len(), 1);

    let api = app.api_user("anna").await;
    let group = api.get(&format!("{PREFIX}/groups/tuin")).await;
    assert_eq!(group["display_name"], "De Tuin");
    assert_eq!(group["id"], tuin.id.0.to_string());
    assert_eq!(group["ap_id"], tuin.ap_id);
    assert_eq!(group["place"]["name"], "Buurthuis");
    assert_eq!(group["place"]["longitude"], 4.91);
    // A person is not a group; an unknown name is not found.
    for name in ["anna", "onbekend"] {
        let response = api.send(Method::GET, &format!("{PREFIX}/groups/{name}"), None).await;
        assert_eq!(response.status(), 404, "{name}");
        assert_eq!(response.json::<Value>().await.unwrap()["error"], "not_found");
    }
}

async fn only_moderators_edit_a_group(b: Backend) {
    let app = TestApp::spawn(b).await;
    buurt::domain::groups::create_group(&app.state.pool, app.settings(), "tuin", "De Tuin").await.unwrap();
    let path = format!("{PREFIX}/groups/tuin");
    let change = json!({"display_name": "De Moestuin"});

    // A stranger without a token, and a token that is not valid.
    let response = reqwest::Client::new().patch(app.url(&path)).json(&change).send().await.unwrap();
    assert_eq!(response.status(), 401);
    assert_eq!(response.json::<Value>().await.unwrap()["error"], "unauthorized");
    let bad = Api { client: reqwest::Client::new(), base: app.base.clone(), token: "fout".into() };
    assert_eq!(bad.send(Method::PATCH, &path, Some(change.clone())).await.status(), 401);
    // Another resident.
    let resident = app.api_user("bert").await;
    let response = resident.send(Method::PATCH, &path, Some(change.clone())).await;
    assert_eq!(response.status(), 403);
    assert_eq!(response.json::<Value>().await.unwrap()["error"], "forbidden");
    assert_eq!(resident.get(&path).await["display_name"], "De Tuin", "nothing changed");

    // The one who looks after it: a moderator. What is left out stays.
    let moderator = api_with_role(&app, "mo", Role::Moderator).await;
    let response =
        moderator.send(Method::PATCH, &path, Some(json!({"summary": "Wij tuinieren.\n\nElke zaterdag."}))).await;
    assert_eq!(response.status(), 200);
    let group: Value = response.json().await.unwrap();
    assert_eq!(group["summary"], "<p>Wij tuinieren.</p><p>Elke zaterdag.</p>");
    assert_eq!(group["display_name"], "De Tuin");
    let response = moderator.send(Method::PATCH, &path, Some(change.clone())).await;
    let group: Value = response.json().await.unwrap();
    assert_eq!(group["display_name"], "De Moestuin");
    assert_eq!(group["summary"], "<p>Wij tuinieren.</p><p>Elke zaterdag.</p>", "the summary kept");
    // As a form too; an invalid field names itself.
    let response = moderator
        .client
        .patch(app.url(&path))
        .bearer_auth(&moderator.token)
        .form(&[("summary", "x".repeat(2001))])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 422);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"], "validation_failed");
    assert!(body["fields"]["summary"].is_string(), "{body}");
    // Unknown group: 404 for the moderator too.
    let response = moderator.send(Method::PATCH, &format!("{PREFIX}/groups/onbekend"), Some(change)).await;
    assert_eq!(response.status(), 404);
}

async fn errors_speak_the_callers_language(b: Backend) {
    let app = TestApp::spawn(b).await;
    let path = format!("{PREFIX}/media/1");
    let anonymous = |lang: &'static str| {
        let request = reqwest::Client::new().get(app.url(&path)).header("accept-language", lang);
        async move { request.send().await.unwrap().json::<Value>().await.unwrap() }
    };
    assert_eq!(
        anonymous("en-GB,en;q=0.9").await,
        json!({"error": "unauthorized", "message": "The access token is missing or not valid."})
    );
    assert_eq!(anonymous("nl").await["message"], "Het toegangstoken ontbreekt of is niet geldig.");
    assert_eq!(anonymous("de").await["message"], "Het toegangstoken ontbreekt of is niet geldig.", "the default");

    // A signed-in caller gets their account's language, whatever the header says.
    let anna = app.api_user("anna").await;
    let account = app.account("anna").await.unwrap();
    let settings =
        buurt::domain::accounts::AccountSettings { display_name: "Anna".into(), language: "en".into(), note: None };
    buurt::domain::accounts::update_settings(&app.state, &account, &settings).await.unwrap();
    let request = anna.client.get(app.url(&path)).bearer_auth(&anna.token).header("accept-language", "nl");
    let response = request.send().await.unwrap();
    assert_eq!(response.status(), 404);
    assert_eq!(
        response.json::<Value>().await.unwrap(),
        json!({"error": "not_found", "message": "This does not exist (any more)."})
    );

    // Every message key this API uses is in both catalogues.
    let read = |lang: &str| std::fs::read_to_string(format!("{}/locales/{lang}/main.ftl", env!("CARGO_MANIFEST_DIR")));
    let (nl, en) = (read("nl").unwrap(), read("en").unwrap());
    let source = std::fs::read_to_string(format!("{}/src/api/error.rs", env!("CARGO_MANIFEST_DIR"))).unwrap();
    let keys: Vec<&str> =
        source.split('"').filter(|p| p.starts_with("api-error-") || p.starts_with("error-")).collect();
    assert!(keys.len() > 10);
    for key in keys {
        let line = format!("\n{key} = ");
        assert!(nl.contains(&line) && en.contains(&line), "{key} is not in both catalogues");
    }
}

async fn media_upload_read_and_update(b: Backend) {
    let app = TestApp::spawn(b).await;
    let anna = app.api_user("anna").await;
    let bert = app.api_user("bert").await;
    let part = Part::bytes(crate::media::jpeg_with_exif(320, 240, 1)).file_name("bank.jpg");
    let form = Form::new().part("file", part).text("description", "Een bankje").text("focus", "0.5,-0.25");
    let response = anna.client.post(app.url(&format!("{PREFIX}/media"))).bearer_auth(&anna.token).multipart(form);
    let response = response.send().await.unwrap();
    assert_eq!(response.status(), 200);
    let media: Value = response.json().await.unwrap();
    assert_eq!(media["description"], "Een bankje");
    assert_eq!(media["focus"], json!({"x": 0.5, "y": -0.25}));
    assert_eq!((media["width"].as_i64(), media["height"].as_i64()), (Some(320), Some(240)));
    let id = media["id"].as_str().unwrap();
    let image = reqwest::get(media["url"].as_str().unwrap()).await.unwrap();
    assert_eq!(image.status(), 200);

    let path = format!("{PREFIX}/media/{id}");
    assert_eq!(anna.get(&path).await["description"], "Een bankje");
    let updated = anna.send(Method::PATCH, &path, Some(json!({"description": "Een bank in het park"}))).await;
    let updated: Value = updated.json().await.unwrap();
    assert_eq!(updated["description"], "Een bank in het park");
    assert_eq!(updated["focus"], json!({"x": 0.5, "y": -0.25}), "focus kept");
    let bad = anna.send(Method::PATCH, &path, Some(json!({"focus": "9,9"}))).await;
    assert_eq!(bad.status(), 422);
    // Someone else's upload does not exist for them.
    let response = bert.send(Method::GET, &path, None).await;
    assert_eq!(response.status(), 404);
    assert_eq!(bert.send(Method::PATCH, &path, Some(json!({"description": "van mij"}))).await.status(), 404);
    // No file: the field is named.
    let form = Form::new().text("description", "zonder bestand");
    let response =
        anna.client.post(app.url(&format!("{PREFIX}/media"))).bearer_auth(&anna.token).multipart(form).send().await;
    let response = response.unwrap();
    assert_eq!(response.status(), 422);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"], "validation_failed");
    assert!(body["fields"]["file"].is_string(), "{body}");
}
