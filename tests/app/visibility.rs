//! Who may see a post, tried from the wrong side: a stranger, a signed-in neighbour who does not
//! follow, a follower, the author and other instances, on every route that takes a post id or
//! URI — the client API, search, interactions, pages, ActivityPub GETs and the inbox.

use std::time::SystemTime;

use buurt::apub::signatures;
use buurt::db::models::local_user::Role;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::both;
use crate::inbox::post_signed;
use crate::util::*;

both!(
    every_route_to_a_post_answers_only_those_who_may_see_it,
    other_instances_see_a_followers_only_post_only_as_a_follower,
    reactions_from_the_fediverse_to_posts_the_actor_may_not_see_change_nothing,
    an_author_who_blocks_someone_is_seen_by_them_nowhere,
);

/// The four kinds of post, by the names the client API takes, with a text to look for.
const KINDS: [(&str, &str); 4] = [
    ("public", "openbaar-bericht-aan-iedereen"),
    ("unlisted", "stil-openbaar-bericht"),
    ("private", "alleen-voor-volgers-bericht"),
    ("direct", "privebericht-aan-niemand"),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Who {
    /// Not signed in.
    Stranger,
    /// Signed in here, not following the author.
    Neighbour,
    /// Signed in here, an accepted follower of the author.
    Follower,
    Author,
    /// The instance's admin, not following the author: staff read no private conversation.
    Staff,
}

/// The rule, written out for the test: what each viewer may see.
fn may_see(who: Who, kind: &str) -> bool {
    match kind {
        "public" | "unlisted" => true,
        "private" => matches!(who, Who::Follower | Who::Author),
        _ => who == Who::Author,
    }
}

/// A person here: a signed-in browser and an API token for the same account.
struct Person {
    browser: Browser,
    api: Api,
}

async fn person(app: &TestApp, name: &str) -> Person {
    person_with(app, name, Role::Member).await
}

async fn person_with(app: &TestApp, name: &str, role: Role) -> Person {
    let browser = app.signed_in(name, role).await;
    let account = app.account(name).await.unwrap();
    let token = buurt::domain::oauth::admin_token(&app.state.pool, &account, "test").await.unwrap();
    Person { browser, api: Api { client: reqwest::Client::new(), base: app.base.clone(), token } }
}

struct Posted {
    kind: &'static str,
    text: &'static str,
    id: String,
    uri: String,
}

async fn post_all_kinds(author: &Api) -> Vec<Posted> {
    let mut out = Vec::new();
    for (kind, text) in KINDS {
        let status = author.post("/api/v1/statuses", json!({"status": text, "visibility": kind})).await;
        out.push(Posted {
            kind,
            text,
            id: status["id"].as_str().unwrap().to_string(),
            uri: status["uri"].as_str().unwrap().to_string(),
        });
    }
    out
}

/// A request with the viewer's token, or none for the stranger.
async fn call(
    app: &TestApp,
    viewer: Option<&Person>,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> reqwest::Response {
    match viewer {
        Some(p) => p.api.send(method, path, body).await,
        None => {
            let mut request = reqwest::Client::new().request(method, app.url(path));
            if let Some(body) = body {
                request = request.json(&body);
            }
            request.send().await.unwrap()
        }
    }
}

/// The ids of our posts in a list of statuses.
fn ours(list: &Value, posts: &[Posted]) -> Vec<&'static str> {
    let ids: Vec<&str> = list.as_array().unwrap().iter().filter_map(|s| s["id"].as_str()).collect();
    posts.iter().filter(|p| ids.contains(&p.id.as_str())).map(|p| p.kind).collect()
}

async fn favourites_count(author: &Api, post: &Posted) -> i64 {
    author.get(&format!("/api/v1/statuses/{}", post.id)).await["favourites_count"].as_i64().unwrap()
}

async fn every_route_to_a_post_answers_only_those_who_may_see_it(b: Backend) {
    let app = TestApp::spawn(b).await;
    let anna = person(&app, "anna").await;
    let fenna = person(&app, "fenna").await;
    let olga = person(&app, "olga").await;
    let ada = person_with(&app, "ada", Role::Admin).await;
    let anna_id = anna.api.get("/api/v1/accounts/verify_credentials").await["id"].as_str().unwrap().to_string();
    let follow = fenna.api.post(&format!("/api/v1/accounts/{anna_id}/follow"), json!({})).await;
    assert_eq!(follow["following"], true, "a local follow is accepted at once: {follow}");
    let posts = post_all_kinds(&anna.api).await;

    let viewers: [(Who, Option<&Person>); 5] = [
        (Who::Stranger, None),
        (Who::Neighbour, Some(&olga)),
        (Who::Follower, Some(&fenna)),
        (Who::Author, Some(&anna)),
        (Who::Staff, Some(&ada)),
    ];
    for (who, viewer) in viewers {
        let anonymous = app.browser();
        let browser = viewer.map_or(&anonymous, |p| &p.browser);
        for post in &posts {
            let visible = may_see(who, post.kind);
            let what = format!("{who:?} and a {} post", post.kind);
            let hidden = if visible { StatusCode::OK } else { StatusCode::NOT_FOUND };

            // The status itself.
            let response = call(&app, viewer, Method::GET, &format!("/api/v1/statuses/{}", post.id), None).await;
            assert_eq!(response.status(), hidden, "GET status: {what}");
            assert_eq!(response.text().await.unwrap().contains(post.text), visible, "status text: {what}");
            // Its thread and who reacted to it.
            for part in ["context", "favourited_by", "reblogged_by"] {
                let path = format!("/api/v1/statuses/{}/{part}", post.id);
                assert_eq!(call(&app, viewer, Method::GET, &path, None).await.status(), hidden, "{part}: {what}");
            }

            // Search by its URI: the hole through which every direct message could be walked.
            let path = format!("/api/v2/search?q={}&type=statuses", urlencode(&post.uri));
            let found: Value = call(&app, viewer, Method::GET, &path, None).await.json().await.unwrap();
            assert_eq!(found["statuses"].as_array().unwrap().len(), usize::from(visible), "search: {what}: {found}");
            assert_eq!(found.to_string().contains(post.text), visible, "search text: {what}");

            // The page.
            let response = browser.get(&format!("/p/{}", post.id)).await;
            assert_eq!(response.status(), hidden, "page: {what}");
            assert_eq!(response.text().await.unwrap().contains(post.text), visible, "page text: {what}");

            let Some(me) = viewer else { continue };
            // Likes and their undoing answer with the post: only with one the liker may see.
            for action in ["favourite", "unfavourite"] {
                let response = me.api.send(Method::POST, &format!("/api/v1/statuses/{}/{action}", post.id), None).await;
                assert_eq!(response.status(), hidden, "{action}: {what}");
                assert_eq!(response.text().await.unwrap().contains(post.text), visible, "{action} text: {what}");
            }
            if !visible {
                let response =
                    me.api.send(Method::POST, &format!("/api/v1/statuses/{}/favourite", post.id), None).await;
                assert_eq!(response.status(), StatusCode::NOT_FOUND);
                assert_eq!(favourites_count(&anna.api, post).await, 0, "a refused like changes nothing: {what}");
            }
            // Boosts: only what anyone may see can be shared.
            let boost = me.api.send(Method::POST, &format!("/api/v1/statuses/{}/reblog", post.id), None).await;
            let expected = match (visible, post.kind) {
                (false, _) => StatusCode::NOT_FOUND,
                (true, "public" | "unlisted") => StatusCode::OK,
                (true, _) => StatusCode::FORBIDDEN,
            };
            assert_eq!(boost.status(), expected, "reblog: {what}");
            let unboost = me.api.send(Method::POST, &format!("/api/v1/statuses/{}/unreblog", post.id), None).await;
            assert_eq!(
                unboost.status(),
                if visible { StatusCode::OK } else { StatusCode::NOT_FOUND },
                "unreblog: {what}"
            );

            // A reply to a post one may not see does not tell that it exists.
            let reply = json!({"status": "een antwoord", "in_reply_to_id": post.id, "visibility": "direct"});
            let response = me.api.send(Method::POST, "/api/v1/statuses", Some(reply)).await;
            assert_eq!(response.status(), hidden, "reply: {what}");

            // Editing and deleting someone else's post: forbidden, or not found when unseen.
            if who != Who::Author {
                let expected = if visible { StatusCode::FORBIDDEN } else { StatusCode::NOT_FOUND };
                let edit = json!({"status": "overgenomen"});
                let response = me.api.send(Method::PUT, &format!("/api/v1/statuses/{}", post.id), Some(edit)).await;
                assert_eq!(response.status(), expected, "edit: {what}");
                let response = me.api.send(Method::DELETE, &format!("/api/v1/statuses/{}", post.id), None).await;
                assert_eq!(response.status(), expected, "delete: {what}");
                assert!(!response.text().await.unwrap().contains(post.text), "delete answers no text: {what}");
            }

            // The remote-interaction page finds the post by its URI.
            let response = browser.get(&format!("/authorize_interaction?uri={}", urlencode(&post.uri))).await;
            assert_eq!(response.status(), if visible { StatusCode::OK } else { StatusCode::BAD_REQUEST }, "{what}");
            assert_eq!(response.text().await.unwrap().contains(post.text), visible, "interaction text: {what}");
        }

        // Lists: the author's statuses, the public timeline and the home timeline.
        let list: Value = call(&app, viewer, Method::GET, &format!("/api/v1/accounts/{anna_id}/statuses"), None)
            .await
            .json()
            .await
            .unwrap();
        // Lists never include direct posts (Mastodon lists them as conversations).
        let listed = |who: Who| -> Vec<&str> {
            posts.iter().filter(|p| p.kind != "direct" && may_see(who, p.kind)).map(|p| p.kind).collect()
        };
        assert_eq!(ours(&list, &posts), listed(who), "account statuses as {who:?}");
        let public: Value =
            call(&app, viewer, Method::GET, "/api/v1/timelines/public", None).await.json().await.unwrap();
        assert_eq!(ours(&public, &posts), ["public"], "public timeline as {who:?}");
        if let Some(me) = viewer {
            let home = me.api.get("/api/v1/timelines/home").await;
            let expected = if matches!(who, Who::Neighbour | Who::Staff) { vec![] } else { listed(who) };
            assert_eq!(ours(&home, &posts), expected, "home timeline as {who:?}");
        }
        let front = browser.get("/").await.text().await.unwrap();
        for post in &posts {
            let shown = post.kind == "public" || matches!(who, Who::Follower | Who::Author) && post.kind != "direct";
            assert_eq!(front.contains(post.text), shown, "home page as {who:?}: a {} post", post.kind);
        }
    }

    // Unsigned ActivityPub GETs: only what anyone may see.
    for post in &posts {
        let open = matches!(post.kind, "public" | "unlisted");
        let expected = if open { StatusCode::OK } else { StatusCode::NOT_FOUND };
        for path in [format!("/p/{}", post.id), format!("/p/{}/activity", post.id)] {
            let response = reqwest::Client::new()
                .get(app.url(&path))
                .header("accept", "application/activity+json")
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), expected, "unsigned GET {path} of a {} post", post.kind);
            assert_eq!(response.text().await.unwrap().contains(post.text), open, "{path}");
        }
    }
    let outbox = activity_json(app.url("/u/anna/outbox?page=true")).await.to_string();
    for post in &posts {
        assert_eq!(outbox.contains(post.text), matches!(post.kind, "public" | "unlisted"), "outbox: {}", post.kind);
    }
    // Nothing any refused call did shows on the posts.
    for post in &posts {
        assert_eq!(favourites_count(&anna.api, post).await, 0, "{}", post.kind);
        let status = anna.api.get(&format!("/api/v1/statuses/{}", post.id)).await;
        assert_eq!(status["content"], format!("<p>{}</p>", post.text), "{}", post.kind);
    }
}

/// A GET signed with a remote actor's key, as Mastodon fetches a post it was not sent.
pub async fn signed_get(url: &str, s: &Signer) -> reqwest::Response {
    let parsed = url::Url::parse(url).unwrap();
    let headers =
        signatures::sign(&axum::http::Method::GET, &parsed, None, None, &s.key_id, &s.pem, SystemTime::now()).unwrap();
    let mut request = reqwest::Client::new().get(url).header("accept", "application/activity+json");
    for (name, value) in headers {
        request = request.header(name, value);
    }
    request.send().await.unwrap()
}

/// `ben` on beta follows `anna` on alpha through the real follow; returns anna's id on beta.
async fn follow_across(alpha: &TestApp, beta: &TestApp, follower: &Api) -> String {
    let found = follower.get(&format!("/api/v2/search?q=@{}&resolve=true&type=accounts", alpha.handle("anna"))).await;
    let anna_on_beta = found["accounts"][0]["id"].as_str().unwrap().to_string();
    follower.post(&format!("/api/v1/accounts/{anna_on_beta}/follow"), json!({})).await;
    beta.drain().await;
    eventually("the Accept reaches beta", || {
        let follower = follower.clone();
        let id = anna_on_beta.clone();
        async move { follower.get(&format!("/api/v1/accounts/relationships?id[]={id}")).await[0]["following"] == true }
    })
    .await;
    anna_on_beta
}

async fn other_instances_see_a_followers_only_post_only_as_a_follower(b: Backend) {
    let alpha = TestApp::spawn_federated(b).await;
    let beta = TestApp::spawn_federated(b).await;
    let anna = alpha.api_user("anna").await;
    let ben = beta.api_user("ben").await;
    let sara = beta.api_user("sara").await;
    let anna_on_beta = follow_across(&alpha, &beta, &ben).await;
    let posts = post_all_kinds(&anna).await;
    alpha.drain().await;

    // Alpha: a signed fetch shows a followers-only post to a follower's key only.
    let (ben_key, sara_key) = (signer_of(&beta, "ben").await, signer_of(&beta, "sara").await);
    for post in &posts {
        for (who, key) in [("follower", Some(&ben_key)), ("stranger", Some(&sara_key)), ("unsigned", None)] {
            let visible = match post.kind {
                "public" | "unlisted" => true,
                "private" => who == "follower",
                _ => false,
            };
            for path in [format!("/p/{}", post.id), format!("/p/{}/activity", post.id)] {
                let response = match key {
                    Some(key) => signed_get(&alpha.url(&path), key).await,
                    None => reqwest::Client::new()
                        .get(alpha.url(&path))
                        .header("accept", "application/activity+json")
                        .send()
                        .await
                        .unwrap(),
                };
                let expected = if visible { StatusCode::OK } else { StatusCode::NOT_FOUND };
                assert_eq!(response.status(), expected, "{who} GET {path} of a {} post", post.kind);
                assert_eq!(response.text().await.unwrap().contains(post.text), visible, "{who} {path}");
            }
        }
    }
    // A signature that does not verify is no one.
    let mut forged = signer_of(&beta, "sara").await;
    forged.key_id = ben_key.key_id.clone();
    let private = posts.iter().find(|p| p.kind == "private").unwrap();
    let response = signed_get(&alpha.url(&format!("/p/{}", private.id)), &forged).await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND, "a forged follower signature");

    // Beta: the followers-only post arrived for ben, and beta shows it to ben alone.
    let home = ben.get("/api/v1/timelines/home").await;
    let arrived = home
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["uri"] == private.uri.as_str())
        .expect("followers-only post arrived");
    assert_eq!(arrived["visibility"], "private");
    let id = arrived["id"].as_str().unwrap();
    assert_eq!(ben.send(Method::GET, &format!("/api/v1/statuses/{id}"), None).await.status(), StatusCode::OK);
    for response in [
        sara.send(Method::GET, &format!("/api/v1/statuses/{id}"), None).await,
        reqwest::Client::new().get(beta.url(&format!("/api/v1/statuses/{id}"))).send().await.unwrap(),
        sara.send(Method::POST, &format!("/api/v1/statuses/{id}/favourite"), None).await,
    ] {
        assert_eq!(response.status(), StatusCode::NOT_FOUND);
        assert!(!response.text().await.unwrap().contains(private.text));
    }
    let search = sara.get(&format!("/api/v2/search?q={}&resolve=true", urlencode(&private.uri))).await;
    assert_eq!(search["statuses"], json!([]), "beta's search as a non-follower: {search}");
    let listed = sara.get(&format!("/api/v1/accounts/{anna_on_beta}/statuses")).await;
    assert!(!listed.to_string().contains(private.text), "{listed}");
    let listed = ben.get(&format!("/api/v1/accounts/{anna_on_beta}/statuses")).await;
    assert!(listed.to_string().contains(private.text), "{listed}");
}

async fn reactions_from_the_fediverse_to_posts_the_actor_may_not_see_change_nothing(b: Backend) {
    let alpha = TestApp::spawn_federated(b).await;
    let beta = TestApp::spawn_federated(b).await;
    let anna = alpha.api_user("anna").await;
    let ben = beta.api_user("ben").await;
    follow_across(&alpha, &beta, &ben).await;
    let sara = signer(&beta, "sara").await;
    let ben_key = signer_of(&beta, "ben").await;
    let posts = post_all_kinds(&anna).await;
    alpha.drain().await;

    let react = |kind: &'static str, s: &Signer, post: &Posted, n: u32| {
        let id = format!("{}/activities/{}/test-{n}", s.actor, kind.to_lowercase());
        serde_json::to_vec(&json!({
            "@context": "https://www.w3.org/ns/activitystreams",
            "id": id, "type": kind, "actor": s.actor, "object": post.uri,
        }))
        .unwrap()
    };
    let mut n = 0;
    for post in &posts {
        for (who, key) in [("stranger", &sara), ("follower", &ben_key)] {
            for kind in ["Like", "Announce"] {
                n += 1;
                let response =
                    post_signed(&alpha.url("/inbox"), &react(kind, key, post, n), key, SystemTime::now()).await;
                assert_eq!(response.status(), StatusCode::ACCEPTED, "{who} {kind} of a {} post", post.kind);
            }
        }
        let status = anna.get(&format!("/api/v1/statuses/{}", post.id)).await;
        let (likes, boosts) = match post.kind {
            "public" | "unlisted" => (2, 2),
            // The follower may like it but not share it; the stranger may do neither.
            "private" => (1, 0),
            _ => (0, 0),
        };
        assert_eq!(status["favourites_count"], likes, "likes of a {} post", post.kind);
        assert_eq!(status["reblogs_count"], boosts, "boosts of a {} post", post.kind);
    }
}

fn urlencode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// Anna blocks ben (on another instance) and lea (here): neither sees any of her posts by any
/// route — signed fetches, the client API, pages — while sara, a third person, sees what she
/// saw before; lifting the block gives it back.
async fn an_author_who_blocks_someone_is_seen_by_them_nowhere(b: Backend) {
    let alpha = TestApp::spawn_federated(b).await;
    let beta = TestApp::spawn_federated(b).await;
    let anna = alpha.api_user("anna").await;
    let lea = alpha.api_user("lea").await;
    let ben = beta.api_user("ben").await;
    beta.api_user("sara").await;
    follow_across(&alpha, &beta, &ben).await;
    let posts = post_all_kinds(&anna).await;
    alpha.drain().await;
    let public = posts.iter().find(|p| p.kind == "public").unwrap();
    let (ben_key, sara_key) = (signer_of(&beta, "ben").await, signer_of(&beta, "sara").await);
    let ben_here = anna.get(&format!("/api/v1/accounts/lookup?acct={}", beta.handle("ben"))).await["id"].clone();
    let lea_here = anna.get("/api/v1/accounts/lookup?acct=lea").await["id"].clone();
    for id in [&ben_here, &lea_here] {
        anna.post(&format!("/api/v1/accounts/{}/block", id.as_str().unwrap()), json!({})).await;
    }
    for post in &posts {
        let path = format!("/p/{}", post.id);
        // An open post is anyone's to fetch, signed or not (its fetch verifies no signature);
        // what only followers may see is gone for ben, whose follow the block ended.
        if !matches!(post.kind, "public" | "unlisted") {
            assert_eq!(signed_get(&alpha.url(&path), &ben_key).await.status(), StatusCode::NOT_FOUND, "ben {path}");
        }
        let sara_sees = matches!(post.kind, "public" | "unlisted");
        let expected = if sara_sees { StatusCode::OK } else { StatusCode::NOT_FOUND };
        assert_eq!(signed_get(&alpha.url(&path), &sara_key).await.status(), expected, "sara {path}");
        let api = lea.send(reqwest::Method::GET, &format!("/api/v1/statuses/{}", post.id), None).await;
        assert_eq!(api.status(), StatusCode::NOT_FOUND, "lea, API, {} post", post.kind);
    }
    let anna_id = lea.get("/api/v1/accounts/lookup?acct=anna").await["id"].as_str().unwrap().to_string();
    assert!(lea.get(&format!("/api/v1/accounts/{anna_id}/statuses")).await.as_array().unwrap().is_empty());
    assert!(!lea.get("/api/v1/timelines/public").await.to_string().contains(public.text));
    anna.post(&format!("/api/v1/accounts/{}/unblock", lea_here.as_str().unwrap()), json!({})).await;
    let api = lea.send(reqwest::Method::GET, &format!("/api/v1/statuses/{}", public.id), None).await;
    assert_eq!(api.status(), StatusCode::OK);
}
