//! The Mastodon-shaped API as libraries call it: every body encoding Mastodon takes (JSON, a form,
//! a multipart form) with arrays in each, and JSON errors for unknown paths and wrong methods.

use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};

use crate::both;
use crate::util::*;

both!(
    statuses_take_multipart_with_media_ids_arrays,
    apps_and_tokens_take_multipart_forms,
    update_credentials_takes_every_encoding,
    unknown_api_paths_answer_json_404_in_their_apis_shape,
    wrong_methods_on_api_paths_answer_json_405
);

/// An uploaded photo's id, with alt text so a post takes it.
async fn upload(api: &Api, name: &str) -> String {
    let part = Part::bytes(crate::media::jpeg_with_exif(64, 48, 1)).file_name(format!("{name}.jpg"));
    let form = Form::new().part("file", part).text("description", format!("Foto {name}"));
    let response =
        api.client.post(format!("{}/api/v2/media", api.base)).bearer_auth(&api.token).multipart(form).send().await;
    let response = response.unwrap();
    assert_eq!(response.status(), 200);
    response.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_string()
}

async fn post_status(api: &Api, request: reqwest::RequestBuilder) -> Value {
    let response = request.bearer_auth(&api.token).send().await.unwrap();
    let status = response.status();
    let body = response.text().await.unwrap();
    assert_eq!(status, 200, "{body}");
    serde_json::from_str(&body).unwrap()
}

async fn statuses_take_multipart_with_media_ids_arrays(b: Backend) {
    let app = TestApp::spawn(b).await;
    let anna = app.api_user("anna").await;
    let url = app.url("/api/v1/statuses");
    let (one, two, three) = (upload(&anna, "een").await, upload(&anna, "twee").await, upload(&anna, "drie").await);

    // Multipart, as masto.js and Tusky send it: repeated `media_ids[]` and a boolean as text.
    let form = Form::new()
        .text("status", "Met twee fotos")
        .text("visibility", "public")
        .text("sensitive", "true")
        .text("media_ids[]", one.clone())
        .text("media_ids[]", two.clone());
    let status = post_status(&anna, anna.client.post(&url).multipart(form)).await;
    assert_eq!(status["content"], "<p>Met twee fotos</p>");
    assert_eq!(status["sensitive"], true);
    let ids: Vec<&str> =
        status["media_attachments"].as_array().unwrap().iter().map(|m| m["id"].as_str().unwrap()).collect();
    assert_eq!(ids, [one.as_str(), two.as_str()]);

    // The same array in a plain form and in JSON.
    let form = [("status", "In een formulier"), ("media_ids[]", three.as_str())];
    let status = post_status(&anna, anna.client.post(&url).form(&form)).await;
    assert_eq!(status["media_attachments"][0]["id"], three);
    let status =
        post_status(&anna, anna.client.post(&url).json(&json!({"status": "Zonder foto", "media_ids": []}))).await;
    assert_eq!(status["media_attachments"], json!([]));

    // A multipart status that is not valid is refused like any other.
    let form = Form::new().text("status", "").text("media_ids[]", "geen-nummer");
    let response = anna.client.post(&url).bearer_auth(&anna.token).multipart(form).send().await.unwrap();
    assert_eq!(response.status(), 422);
    assert!(response.json::<Value>().await.unwrap()["error"].as_str().unwrap().contains("media_ids"));
    // A body in an encoding no app uses is still 415.
    let response =
        anna.client.post(&url).bearer_auth(&anna.token).header("content-type", "text/plain").body("hoi").send().await;
    assert_eq!(response.unwrap().status(), 415);
}

async fn apps_and_tokens_take_multipart_forms(b: Backend) {
    let app = TestApp::spawn(b).await;
    let client = reqwest::Client::new();
    // `redirect_uris[]` and `scopes[]` as arrays in a multipart form.
    let form = Form::new()
        .text("client_name", "Multipart-app")
        .text("redirect_uris[]", "nl.buurt.test://een")
        .text("redirect_uris[]", "nl.buurt.test://twee")
        .text("scopes[]", "read")
        .text("scopes[]", "write:statuses");
    let response = client.post(app.url("/api/v1/apps")).multipart(form).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let registered: Value = response.json().await.unwrap();
    assert_eq!(registered["name"], "Multipart-app");
    assert_eq!(registered["redirect_uris"], json!(["nl.buurt.test://een", "nl.buurt.test://twee"]));
    assert_eq!(registered["scopes"], json!(["read", "write:statuses"]));
    // Mastodon's own way, one string each, in JSON.
    let body = json!({"client_name": "Json-app", "redirect_uris": "urn:ietf:wg:oauth:2.0:oob", "scopes": "read write"});
    let json_app: Value = client.post(app.url("/api/v1/apps")).json(&body).send().await.unwrap().json().await.unwrap();
    assert_eq!(json_app["scopes"], json!(["read", "write"]));

    // The token endpoint takes a multipart form too.
    let form = Form::new()
        .text("grant_type", "client_credentials")
        .text("client_id", registered["client_id"].as_str().unwrap().to_string())
        .text("client_secret", registered["client_secret"].as_str().unwrap().to_string())
        .text("scope", "read");
    let response = client.post(app.url("/oauth/token")).multipart(form).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let token: Value = response.json().await.unwrap();
    assert_eq!(token["token_type"], "Bearer");
    let instance = client.get(app.url("/api/v1/instance")).bearer_auth(token["access_token"].as_str().unwrap());
    assert_eq!(instance.send().await.unwrap().status(), 200);
    // A wrong secret is refused as OAuth says, whatever the encoding.
    let form = Form::new()
        .text("grant_type", "client_credentials")
        .text("client_id", registered["client_id"].as_str().unwrap().to_string())
        .text("client_secret", "fout");
    let response = client.post(app.url("/oauth/token")).multipart(form).send().await.unwrap();
    assert_eq!(response.status(), 401);
    assert_eq!(response.json::<Value>().await.unwrap()["error"], "invalid_client");
}

async fn update_credentials_takes_every_encoding(b: Backend) {
    let app = TestApp::spawn(b).await;
    let anna = app.api_user("anna").await;
    let url = app.url("/api/v1/accounts/update_credentials");
    let send = |request: reqwest::RequestBuilder| {
        let token = anna.token.clone();
        async move {
            let response = request.bearer_auth(token).send().await.unwrap();
            assert_eq!(response.status(), 200);
            response.json::<Value>().await.unwrap()
        }
    };
    let me = send(anna.client.patch(&url).multipart(Form::new().text("display_name", "Anna M"))).await;
    assert_eq!(me["display_name"], "Anna M");
    let me = send(anna.client.patch(&url).form(&[("display_name", "Anna F")])).await;
    assert_eq!(me["display_name"], "Anna F");
    let me = send(anna.client.patch(&url).json(&json!({"display_name": "Anna J"}))).await;
    assert_eq!(me["display_name"], "Anna J");
}

async fn unknown_api_paths_answer_json_404_in_their_apis_shape(b: Backend) {
    let app = TestApp::spawn(b).await;
    let anna = app.api_user("anna").await;
    let client = reqwest::Client::new();
    for path in [
        "/api/v1/bestaat-niet",
        "/api/v2/filters",
        "/api/v1/accounts/1/featured_tags",
        "/api/v1/statuses/1/context/extra",
        "/api/v3/iets",
        "/api",
        "/api/",
    ] {
        for request in [client.get(app.url(path)), client.post(app.url(path)), anna.client.get(app.url(path))] {
            let response = request.bearer_auth(&anna.token).send().await.unwrap();
            assert_eq!(response.status(), 404, "{path}");
            assert!(response.headers()["content-type"].to_str().unwrap().starts_with("application/json"), "{path}");
            assert_eq!(response.json::<Value>().await.unwrap(), json!({"error": "Record not found"}), "{path}");
        }
    }
    for path in ["/api/buurt", "/api/buurt/", "/api/buurt/v1/bestaat-niet", "/api/buurt/v2/groups", "/api/buurt/v1"] {
        let response = client.get(app.url(path)).header("accept-language", "en").send().await.unwrap();
        assert_eq!(response.status(), 404, "{path}");
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["error"], "unknown_endpoint", "{path}");
        assert_eq!(body["message"], "There is no API endpoint at this address.");
    }
    // Pages outside /api/ keep their HTML page.
    let page = client.get(app.url("/bestaat-niet")).send().await.unwrap();
    assert_eq!(page.status(), 404);
    assert!(page.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
}

async fn wrong_methods_on_api_paths_answer_json_405(b: Backend) {
    let app = TestApp::spawn(b).await;
    let anna = app.api_user("anna").await;
    for (method, path) in [
        (reqwest::Method::GET, "/api/v1/statuses"),
        (reqwest::Method::DELETE, "/api/v1/instance"),
        (reqwest::Method::PUT, "/api/v1/apps"),
        (reqwest::Method::GET, "/oauth/token"),
    ] {
        let response = anna.send(method.clone(), path, None).await;
        assert_eq!(response.status(), 405, "{method} {path}");
        assert!(response.headers().contains_key("allow"), "{method} {path}");
        assert_eq!(response.json::<Value>().await.unwrap(), json!({"error": "Method not allowed"}));
    }
    let response = anna.send(reqwest::Method::DELETE, "/api/buurt/v1/groups", None).await;
    assert_eq!(response.status(), 405);
    assert_eq!(response.json::<Value>().await.unwrap()["error"], "method_not_allowed");
}
