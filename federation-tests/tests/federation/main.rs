//! Three Buurt instances — alpha, beta, gamma — as separate processes on 127.0.0.2–4,
//! federating over real HTTP, on SQLite and on PostgreSQL.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use federation_tests::{Backend, Instance, both, eventually};
use serde_json::{Value, json};

mod group_peers;
mod peers;

both!(
    discovery_and_follows_of_persons_and_groups_work_across_instances,
    posts_reach_every_follower_instance_once_and_edits_deletes_and_unfollows_propagate,
    a_kill_during_fan_out_loses_no_delivery,
    an_instance_that_was_down_receives_everything_after_it_returns,
    a_reply_from_another_buurt_instance_notifies_the_author,
);

async fn get_as(url: &str, accept: &str) -> (u16, Value) {
    let response = reqwest::Client::new().get(url).header("accept", accept).send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn discovery_and_follows_of_persons_and_groups_work_across_instances(b: Backend) {
    let (alpha, beta) = tokio::join!(Instance::start("alpha", b), Instance::start("beta", b));
    let anna = alpha.user("anna").await;
    let out = alpha.cli_group("oosterpark").await;
    assert!(out.contains("created group"), "{out}");
    let bert = beta.user("bert").await;
    drop(anna);

    // WebFinger and the actor document, fetched from another instance's point of view.
    let (status, wf) = get_as(
        &alpha.url(&format!("/.well-known/webfinger?resource=acct:{}", alpha.handle("anna"))),
        "application/jrd+json",
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(wf["links"][0]["href"], alpha.url("/u/anna"));
    let (status, actor) = get_as(&alpha.url("/u/anna"), "application/activity+json").await;
    assert_eq!(status, 200);
    assert_eq!(actor["inbox"], alpha.url("/u/anna/inbox"));

    // Bert follows a person and a group on alpha; both Accepts arrive.
    let anna_id = bert.follow(&alpha.handle("anna")).await;
    let group_id = bert.follow(&alpha.handle("oosterpark")).await;
    let group = bert.get(&format!("/api/v1/accounts/{group_id}")).await;
    assert_eq!(group["group"], true);
    assert_eq!(group["acct"], alpha.handle("oosterpark"));
    let remote_anna = bert.get(&format!("/api/v1/accounts/{anna_id}")).await;
    assert_eq!(remote_anna["url"], alpha.url("/u/anna"));
    let (_, followers) = get_as(&alpha.url("/g/oosterpark/followers"), "application/activity+json").await;
    assert_eq!(followers["orderedItems"], json!([beta.url("/u/bert")]));
}

/// How many statuses with this URI an account's home timeline has.
async fn copies(api: &federation_tests::Api, uri: &str) -> usize {
    api.home().await.iter().filter(|s| s["uri"] == uri).count()
}

async fn posts_reach_every_follower_instance_once_and_edits_deletes_and_unfollows_propagate(b: Backend) {
    let (alpha, beta, gamma) =
        tokio::join!(Instance::start("alpha", b), Instance::start("beta", b), Instance::start("gamma", b));
    let anna = alpha.user("anna").await;
    let (bert, bo, gerda) = (beta.user("bert").await, beta.user("bo").await, gamma.user("gerda").await);
    for follower in [&bert, &bo, &gerda] {
        follower.follow(&alpha.handle("anna")).await;
    }
    let status = anna.post("/api/v1/statuses", json!({"status": "Buurtfeest op het plein!"})).await;
    let uri = status["uri"].as_str().unwrap().to_string();
    for (who, api) in [("bert", &bert), ("bo", &bo), ("gerda", &gerda)] {
        let (api, uri2) = (api.clone(), uri.clone());
        eventually(&format!("the post reaches {who}"), move || {
            let (api, uri) = (api.clone(), uri2.clone());
            async move { copies(&api, &uri).await == 1 }
        })
        .await;
    }
    // Two followers on beta, one shared inbox: beta stored the post once.
    assert!(beta.log().matches(&format!("{}/activity", uri)).count() <= 2, "one delivery per instance");

    // An edit and then a delete reach both instances.
    let id = status["id"].as_str().unwrap();
    anna.send(
        reqwest::Method::PUT,
        &format!("/api/v1/statuses/{id}"),
        Some(json!({"status": "Buurtfeest gaat door!"})),
    )
    .await;
    for api in [&bert, &gerda] {
        let (api, uri) = (api.clone(), uri.clone());
        eventually("the edit arrives", move || {
            let (api, uri) = (api.clone(), uri.clone());
            async move {
                api.home()
                    .await
                    .iter()
                    .any(|s| s["uri"] == uri.as_str() && s["content"] == "<p>Buurtfeest gaat door!</p>")
            }
        })
        .await;
    }
    anna.send(reqwest::Method::DELETE, &format!("/api/v1/statuses/{id}"), None).await;
    for api in [&bert, &gerda] {
        let (api, uri) = (api.clone(), uri.clone());
        eventually("the delete arrives", move || {
            let (api, uri) = (api.clone(), uri.clone());
            async move { copies(&api, &uri).await == 0 }
        })
        .await;
    }

    // Gerda unfollows: the next post reaches beta but not gamma.
    let anna_on_gamma = gerda.resolve(&alpha.handle("anna")).await;
    gerda.post(&format!("/api/v1/accounts/{anna_on_gamma}/unfollow"), json!({})).await;
    eventually("alpha processed the Undo(Follow)", || async {
        get_as(&alpha.url("/u/anna/followers"), "application/activity+json").await.1["totalItems"] == 2
    })
    .await;
    let later = anna.post("/api/v1/statuses", json!({"status": "Alleen nog voor volgers"})).await;
    let later_uri = later["uri"].as_str().unwrap().to_string();
    let (api, u) = (bert.clone(), later_uri.clone());
    eventually("the later post reaches bert", move || {
        let (api, u) = (api.clone(), u.clone());
        async move { copies(&api, &u).await == 1 }
    })
    .await;
    assert_eq!(copies(&gerda, &later_uri).await, 0);
}

async fn a_kill_during_fan_out_loses_no_delivery(b: Backend) {
    let (mut alpha, beta, gamma) =
        tokio::join!(Instance::start("alpha", b), Instance::start("beta", b), Instance::start("gamma", b));
    let anna = alpha.user("anna").await;
    let mut followers = Vec::new();
    for i in 0..6 {
        let (instance, name) = if i % 2 == 0 { (&beta, format!("b{i}")) } else { (&gamma, format!("g{i}")) };
        let api = instance.user(&name).await;
        api.follow(&alpha.handle("anna")).await;
        followers.push(api);
    }
    // Many posts in a burst, then SIGKILL while deliveries are in flight.
    let mut uris = Vec::new();
    for i in 0..40 {
        let s = anna.post("/api/v1/statuses", json!({"status": format!("bericht {i}")})).await;
        uris.push(s["uri"].as_str().unwrap().to_string());
    }
    alpha.kill9();
    let delivered_before = followers[0].home().await.len();
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    alpha.run().await;
    for api in [&followers[0], &followers[1]] {
        let (api, uris) = (api.clone(), uris.clone());
        eventually("every post arrives after the restart", move || {
            let (api, uris) = (api.clone(), uris.clone());
            async move {
                let home = api.home().await;
                uris.iter().all(|u| home.iter().filter(|s| s["uri"] == u.as_str()).count() == 1)
            }
        })
        .await;
    }
    for api in &followers {
        let home = api.home().await;
        assert_eq!(home.len(), 40, "each post exactly once (delivered before the kill: {delivered_before})");
    }
}

async fn an_instance_that_was_down_receives_everything_after_it_returns(b: Backend) {
    let (alpha, beta, mut gamma) =
        tokio::join!(Instance::start("alpha", b), Instance::start("beta", b), Instance::start("gamma", b));
    let anna = alpha.user("anna").await;
    let bert = beta.user("bert").await;
    let gerda = gamma.user("gerda").await;
    bert.follow(&alpha.handle("anna")).await;
    gerda.follow(&alpha.handle("anna")).await;
    gamma.kill9();
    let mut uris = Vec::new();
    for i in 0..5 {
        let s = anna.post("/api/v1/statuses", json!({"status": format!("terwijl gamma weg is {i}")})).await;
        uris.push(s["uri"].as_str().unwrap().to_string());
    }
    // Beta is not held up by gamma being down.
    let (api, u) = (bert.clone(), uris.clone());
    eventually("beta gets everything while gamma is down", move || {
        let (api, u) = (api.clone(), u.clone());
        async move { api.home().await.len() == u.len() }
    })
    .await;
    tokio::time::sleep(std::time::Duration::from_secs(3)).await;
    gamma.run().await;
    let (api, u) = (gerda.clone(), uris.clone());
    eventually("gamma catches up after it returns", move || {
        let (api, u) = (api.clone(), u.clone());
        async move {
            let home = api.home().await;
            u.iter().all(|uri| home.iter().filter(|s| s["uri"] == uri.as_str()).count() == 1)
        }
    })
    .await;
    assert!(alpha.log().contains("delivery failed; will retry"), "alpha noticed gamma was down");
}

/// Two processes of alpha on one PostgreSQL database share the delivery queue: leases keep
/// them from sending the same delivery twice, and every post still arrives.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_processes_on_one_postgres_never_send_a_delivery_twice() {
    let b = Backend::Postgres;
    let (alpha, beta, gamma) =
        tokio::join!(Instance::start("alpha", b), Instance::start("beta", b), Instance::start("gamma", b));
    let twin = alpha.second_process().await;
    let anna = alpha.user("anna").await;
    let bert = beta.user("bert").await;
    let gerda = gamma.user("gerda").await;
    bert.follow(&alpha.handle("anna")).await;
    gerda.follow(&alpha.handle("anna")).await;
    let mut uris = Vec::new();
    for i in 0..30 {
        let s = anna.post("/api/v1/statuses", json!({"status": format!("gedeeld werk {i}")})).await;
        uris.push(s["uri"].as_str().unwrap().to_string());
    }
    for api in [&bert, &gerda] {
        let (api, uris) = (api.clone(), uris.clone());
        eventually("every post arrives", move || {
            let (api, uris) = (api.clone(), uris.clone());
            async move {
                let home = api.home().await;
                uris.iter().all(|u| home.iter().filter(|s| s["uri"] == u.as_str()).count() == 1)
            }
        })
        .await;
    }
    // Each of alpha's 62 deliveries (2 Accepts, 30 posts to 2 instances) was sent once, by one
    // of the two processes.
    let sent = |log: String| log.lines().filter(|l| l.contains("delivered") && l.contains("inbox=")).count();
    let (first, second) = (sent(alpha.log()), sent(twin.log()));
    assert_eq!(first + second, 62, "deliveries sent: {first} + {second}");
    // Receivers log a repeated activity id; neither saw one.
    for (name, instance) in [("beta", &beta), ("gamma", &gamma)] {
        assert!(!instance.log().contains("already processed"), "{name} received an activity twice");
    }
    drop(twin);
}

async fn a_reply_from_another_buurt_instance_notifies_the_author(b: Backend) {
    let (alpha, beta) = tokio::join!(Instance::start("alpha", b), Instance::start("beta", b));
    let anna = alpha.user("anna").await;
    let bert = beta.user("bert").await;
    // Anna follows bert, so his posts (and replies) are delivered to alpha.
    anna.follow(&beta.handle("bert")).await;
    let status = anna.post("/api/v1/statuses", json!({"status": "Wie leent me een ladder?"})).await;
    let uri = status["uri"].as_str().unwrap().to_string();
    let found = bert.get(&format!("/api/v2/search?q={uri}&resolve=true")).await;
    let id = found["statuses"][0]["id"].as_str().unwrap_or_else(|| panic!("{found}")).to_string();
    bert.post("/api/v1/statuses", json!({"status": "Ik heb er een, kom maar langs", "in_reply_to_id": id})).await;

    let cookie = alpha.web_session("anna").await;
    eventually("anna is notified of bert's reply", || async {
        alpha.page(&cookie, "/meldingen").await.contains("reageerde op je bericht.")
    })
    .await;
    let page = alpha.page(&cookie, "/meldingen").await;
    assert!(page.contains("Ik heb er een, kom maar langs"), "the reply's excerpt");
    assert!(page.contains("1 ongelezen melding"), "the unread count");
    // Bert, on beta, heard of anna's follow (from alpha), not of his own reply.
    let bert_cookie = beta.web_session("bert").await;
    let page = beta.page(&bert_cookie, "/meldingen").await;
    assert!(page.contains("volgt je nu."), "anna's follow");
    assert!(!page.contains("reageerde op je bericht."), "not his own reply");
}
