//! Two instances on loopback federating through the real HTTP paths: discovery, follows,
//! posts, edits, deletes, likes, boosts and unfollows.

use serde_json::json;

use crate::both;
use crate::util::*;

both!(a_remote_follow_is_accepted_and_posts_updates_and_deletes_arrive);

async fn a_remote_follow_is_accepted_and_posts_updates_and_deletes_arrive(b: Backend) {
    let alpha = TestApp::spawn_federated(b).await;
    let beta = TestApp::spawn_federated(b).await;
    let anna = alpha.api_user("anna").await;
    let bert = beta.api_user("bert").await;

    // Bert finds Anna through WebFinger and follows her.
    let found = bert.get(&format!("/api/v2/search?q=@{}&resolve=true&type=accounts", alpha.handle("anna"))).await;
    let accounts = found["accounts"].as_array().unwrap();
    assert_eq!(accounts.len(), 1, "{found}");
    assert_eq!(accounts[0]["acct"], alpha.handle("anna"));
    assert_eq!(accounts[0]["url"], alpha.url("/u/anna"));
    let anna_on_beta = accounts[0]["id"].as_str().unwrap().to_string();
    let relationship = bert.post(&format!("/api/v1/accounts/{anna_on_beta}/follow"), json!({})).await;
    assert_eq!(relationship["requested"], true);

    // The Accept arrives: beta shows the follow as accepted, alpha lists bert as follower.
    eventually("the Accept reaches beta", || {
        let bert = bert.clone();
        let id = anna_on_beta.clone();
        async move { bert.get(&format!("/api/v1/accounts/relationships?id[]={id}")).await[0]["following"] == true }
    })
    .await;
    let followers: serde_json::Value = activity_json(alpha.url("/u/anna/followers")).await;
    assert_eq!(followers["totalItems"], 1);
    assert_eq!(followers["orderedItems"][0], beta.url("/u/bert"));

    // A public post reaches bert's home timeline.
    let status = anna.post("/api/v1/statuses", json!({"status": "Wie helpt zaterdag met de buurtschoonmaak?"})).await;
    let post_uri = status["uri"].as_str().unwrap().to_string();
    assert_eq!(post_uri, alpha.url(&format!("/p/{}", status["id"].as_str().unwrap())));
    alpha.drain().await;
    let home = bert.get("/api/v1/timelines/home").await;
    let remote = home.as_array().unwrap().iter().find(|s| s["uri"] == post_uri.as_str()).expect("post arrived").clone();
    assert_eq!(remote["content"], "<p>Wie helpt zaterdag met de buurtschoonmaak?</p>");
    assert_eq!(remote["account"]["acct"], alpha.handle("anna"));
    let remote_id = remote["id"].as_str().unwrap().to_string();

    // Edits and likes travel; the like is counted on alpha.
    anna.send(
        reqwest::Method::PUT,
        &format!("/api/v1/statuses/{}", status["id"].as_str().unwrap()),
        Some(json!({"status": "Wie helpt zondag?"})),
    )
    .await;
    alpha.drain().await;
    let edited = bert.get(&format!("/api/v1/statuses/{remote_id}")).await;
    assert_eq!(edited["content"], "<p>Wie helpt zondag?</p>");
    assert!(edited["edited_at"].is_string());
    bert.post(&format!("/api/v1/statuses/{remote_id}/favourite"), json!({})).await;
    beta.drain().await;
    let liked = anna.get(&format!("/api/v1/statuses/{}", status["id"].as_str().unwrap())).await;
    assert_eq!(liked["favourites_count"], 1);
    bert.post(&format!("/api/v1/statuses/{remote_id}/unfavourite"), json!({})).await;
    beta.drain().await;
    let unliked = anna.get(&format!("/api/v1/statuses/{}", status["id"].as_str().unwrap())).await;
    assert_eq!(unliked["favourites_count"], 0);
    // Boosts travel the same way.
    let boosted = bert.post(&format!("/api/v1/statuses/{remote_id}/reblog"), json!({})).await;
    assert_eq!(boosted["reblogged"], true);
    beta.drain().await;
    assert_eq!(anna.get(&format!("/api/v1/statuses/{}", status["id"].as_str().unwrap())).await["reblogs_count"], 1);
    bert.post(&format!("/api/v1/statuses/{remote_id}/unreblog"), json!({})).await;
    beta.drain().await;
    assert_eq!(anna.get(&format!("/api/v1/statuses/{}", status["id"].as_str().unwrap())).await["reblogs_count"], 0);

    // Deleting removes it on beta too.
    anna.send(reqwest::Method::DELETE, &format!("/api/v1/statuses/{}", status["id"].as_str().unwrap()), None).await;
    alpha.drain().await;
    let gone = bert.send(reqwest::Method::GET, &format!("/api/v1/statuses/{remote_id}"), None).await;
    assert_eq!(gone.status(), 404);

    // After Undo(Follow) nothing more is delivered.
    bert.post(&format!("/api/v1/accounts/{anna_on_beta}/unfollow"), json!({})).await;
    beta.drain().await;
    eventually("alpha sees the unfollow", || {
        let url = alpha.url("/u/anna/followers");
        async move {
            let v: serde_json::Value = activity_json(url).await;
            v["totalItems"] == 0
        }
    })
    .await;
    let later = anna.post("/api/v1/statuses", json!({"status": "Niet meer voor bert"})).await;
    alpha.drain().await;
    let home = bert.get("/api/v1/timelines/home").await;
    assert!(!home.as_array().unwrap().iter().any(|s| s["uri"] == later["uri"]));
}

both!(profile_updates_and_account_deletion_reach_followers);

async fn profile_updates_and_account_deletion_reach_followers(b: Backend) {
    let alpha = TestApp::spawn_federated(b).await;
    let beta = TestApp::spawn_federated(b).await;
    let _anna = alpha.api_user("anna").await;
    let bert = beta.api_user("bert").await;
    let found = bert.get(&format!("/api/v2/search?q=@{}&resolve=true", alpha.handle("anna"))).await;
    let id = found["accounts"][0]["id"].as_str().unwrap().to_string();
    bert.post(&format!("/api/v1/accounts/{id}/follow"), json!({})).await;
    alpha.drain().await;
    beta.drain().await;

    // Anna renames herself on the web: beta gets an Update and refetches her profile.
    let browser = alpha.browser();
    assert_eq!(browser.login("anna", PASSWORD).await.status(), 303);
    let saved = browser
        .submit("/instellingen", "/instellingen", &[("display_name", "Anna van het Plein"), ("language", "")])
        .await;
    assert_eq!(saved.status(), 303);
    alpha.drain().await;
    eventually("the new name reaches beta", || {
        let (bert, id) = (bert.clone(), id.clone());
        async move { bert.get(&format!("/api/v1/accounts/{id}")).await["display_name"] == "Anna van het Plein" }
    })
    .await;

    // Her account is deleted: the actor is gone here and there.
    let account = alpha.account("anna").await.unwrap();
    buurt::domain::profile::delete_account(&alpha.state, &account).await.unwrap();
    alpha.drain().await;
    let gone = reqwest::Client::new()
        .get(alpha.url("/u/anna"))
        .header("accept", "application/activity+json")
        .send()
        .await
        .unwrap();
    assert_eq!(gone.status(), 410);
    assert_eq!(bert.send(reqwest::Method::GET, &format!("/api/v1/accounts/{id}"), None).await.status(), 404);
    assert_eq!(browser.get("/instellingen").await.status(), 303, "her sessions ended");
}

both!(authorized_fetch_mode_answers_only_signed_requests);

async fn authorized_fetch_mode_answers_only_signed_requests(b: Backend) {
    let alpha = TestApp::spawn_federated_with(b, |s| s.federation.signed_fetch_only = true).await;
    let beta = TestApp::spawn_federated(b).await;
    alpha.create_user("anna", buurt::db::models::local_user::Role::Member).await;
    let client = reqwest::Client::new();
    let json = "application/activity+json";
    assert_eq!(client.get(alpha.url("/u/anna")).header("accept", json).send().await.unwrap().status(), 401);
    assert_eq!(client.get(alpha.url("/u/anna/outbox")).header("accept", json).send().await.unwrap().status(), 401);
    // Pages, discovery and the instance actor stay open.
    assert_eq!(client.get(alpha.url("/u/anna")).send().await.unwrap().status(), 200);
    assert_eq!(client.get(alpha.url("/actor")).header("accept", json).send().await.unwrap().status(), 200);
    let wf = alpha.url(&format!("/.well-known/webfinger?resource=acct:{}", alpha.handle("anna")));
    assert_eq!(client.get(wf).send().await.unwrap().status(), 200);
    // Another server's fetches are signed by its instance actor, so they work.
    let bert = beta.api_user("bert").await;
    let found = bert.get(&format!("/api/v2/search?q={}&resolve=true", alpha.url("/u/anna"))).await;
    assert_eq!(found["accounts"][0]["acct"], alpha.handle("anna"), "{found}");
}

both!(remote_interaction_page_follows_an_actor_of_another_server);

async fn remote_interaction_page_follows_an_actor_of_another_server(b: Backend) {
    let alpha = TestApp::spawn_federated(b).await;
    let beta = TestApp::spawn_federated(b).await;
    alpha.create_user("anna", buurt::db::models::local_user::Role::Member).await;
    // The page behind the subscribe template beta publishes in its WebFinger.
    let bert = beta.signed_in("bert", buurt::db::models::local_user::Role::Member).await;
    let path = format!(
        "/authorize_interaction?uri={}",
        buurt::util::url::urlencode(&format!("acct:{}", alpha.handle("anna")))
    );
    let page = bert.get_html(&path).await;
    assert_eq!(text_of(&page, "h1").as_deref(), Some("anna"));
    assert!(page.html().contains(&format!("Volg @anna@{}", alpha.settings().instance.domain)));
    let response =
        bert.submit(&path, "/authorize_interaction", &[("uri", &format!("acct:{}", alpha.handle("anna")))]).await;
    assert_eq!(response.status(), 303);
    beta.drain().await;
    alpha.drain().await;
    let page = bert.get_html(&path).await;
    assert!(page.html().contains("Je volgt @anna@"), "{}", page.html());
    // An address that leads nowhere is a clear 400, and signing in comes first.
    assert_eq!(bert.get("/authorize_interaction?uri=acct:nobody@localhost:1").await.status(), 400);
    assert_eq!(beta.browser().get(&path).await.status(), 303);
}

both!(remote_follow_form_explains_what_went_wrong);

async fn remote_follow_form_explains_what_went_wrong(b: Backend) {
    let alpha = TestApp::spawn_federated(b).await;
    alpha.create_user("anna", buurt::db::models::local_user::Role::Member).await;
    let visitor = alpha.browser();
    for (handle, message) in [
        ("geen adres", "Vul je adres in zoals @naam@server.nl."),
        ("@x@localhost:1", "Die server kunnen we nu niet bereiken."),
    ] {
        let response = visitor.submit("/u/anna", "/u/anna/op-afstand", &[("handle", handle)]).await;
        assert_eq!(response.status(), 422, "{handle}");
        let page = html(response).await;
        assert_eq!(text_of(&page, "#remote-handle-error").as_deref(), Some(message), "{handle}");
        assert!(page.html().contains(&format!("value=\"{handle}\"")), "what was typed is kept");
    }
    // A server that answers: sent to its subscribe template with our actor's URL.
    let beta = TestApp::spawn_federated(b).await;
    beta.create_user("bert", buurt::db::models::local_user::Role::Member).await;
    let response =
        visitor.submit("/u/anna", "/u/anna/op-afstand", &[("handle", &format!("@{}", beta.handle("bert")))]).await;
    assert_eq!(response.status(), 303);
    let location = response.headers()["location"].to_str().unwrap().to_string();
    assert_eq!(
        location,
        format!("{}/authorize_interaction?uri={}", beta.base, buurt::util::url::urlencode(&alpha.url("/u/anna")))
    );
}
