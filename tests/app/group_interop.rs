//! Groups and other fediverse software, through the real signed inbox, with JSON in the shapes
//! Lemmy, Mastodon, Friendica and Mobilizon send (fixtures under `tests/fixtures/<software>/`,
//! their hosts pointed at a server on loopback that serves the actors and posts): a Lemmy
//! community's and a Mobilizon group's posts arrive as written in them, posts from Mastodon and
//! Friendica start threads in a group here or are refused by its posting rule, and a group (or a
//! person) relaying what was not written in it puts nothing anywhere.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use axum::http::{Method, StatusCode, Uri, header};
use buurt::db::models::actor::{Actor, ActorKind};
use buurt::db::models::follow::Follow;
use buurt::db::models::post::{Post, Visibility};
use serde_json::{Value, json};

use crate::both;
use crate::inbox::post_signed;
use crate::util::*;

both!(
    a_lemmy_communitys_posts_arrive_as_written_in_it,
    a_mastodon_post_mentioning_a_group_starts_a_thread_or_is_rejected,
    a_friendica_forum_post_starts_a_thread,
    a_mobilizon_groups_posts_arrive_as_written_in_it,
    nothing_is_put_into_a_group_by_whoever_does_not_own_it,
);

const LEMMY: &str = "https://lemmy.example";
const MASTODON: &str = "https://mastodon.example";
const FRIENDICA: &str = "https://friendica.example";
const MOBILIZON: &str = "https://mobilizon.example";
/// The host of the group here in every fixture.
const HERE: &str = "https://oost.buurt.example";

fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!("{}/tests/fixtures/{name}.json", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

type Documents = Arc<Mutex<HashMap<String, Value>>>;

/// A server elsewhere on loopback: serves the documents it is given at their ids (actors with
/// the test key pair), and keeps what is posted to its inboxes.
struct Remote {
    base: String,
    /// The host its fixtures name, replaced by `base`.
    host: &'static str,
    documents: Documents,
    received: Arc<Mutex<Vec<Value>>>,
    _server: tokio::task::JoinHandle<()>,
}

impl Remote {
    async fn start(host: &'static str) -> Remote {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://localhost:{}", listener.local_addr().unwrap().port());
        let documents: Documents = Arc::default();
        let received: Arc<Mutex<Vec<Value>>> = Arc::default();
        let (docs, inbox) = (documents.clone(), received.clone());
        let router = axum::Router::new().fallback(move |method: Method, uri: Uri, body: axum::body::Bytes| {
            let (docs, inbox) = (docs.clone(), inbox.clone());
            async move {
                let json = [(header::CONTENT_TYPE, "application/activity+json")];
                if method == Method::POST {
                    if let Ok(activity) = serde_json::from_slice(&body) {
                        inbox.lock().unwrap().push(activity);
                    }
                    return (StatusCode::ACCEPTED, json, String::new());
                }
                match docs.lock().unwrap().get(uri.path()) {
                    Some(document) => (StatusCode::OK, json, document.to_string()),
                    None => (StatusCode::NOT_FOUND, json, String::new()),
                }
            }
        });
        let server = tokio::spawn(async move {
            let _ = axum::serve(listener, router).await;
        });
        Remote { base, host, documents, received, _server: server }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// A fixture with its hosts replaced: this server's and `app`'s.
    fn localized(&self, name: &str, app: &TestApp) -> Value {
        self.shaped(&fixture(name), app)
    }

    fn shaped(&self, text: &str, app: &TestApp) -> Value {
        serde_json::from_str(&text.replace(self.host, &self.base).replace(HERE, &app.base)).unwrap()
    }

    /// Serves `document` at its id (an actor with the test public key).
    fn serve(&self, mut document: Value) {
        if document.get("publicKey").is_some() {
            document["publicKey"]["publicKeyPem"] = include_str!("../fixtures/test_public_key.pem").into();
        }
        let id = url::Url::parse(document["id"].as_str().unwrap()).unwrap();
        self.documents.lock().unwrap().insert(id.path().to_string(), document);
    }

    /// Signs as the actor `id` served here.
    fn signer(&self, id: &str) -> Signer {
        Signer {
            key_id: format!("{id}#main-key"),
            actor: id.to_string(),
            pem: include_str!("../fixtures/test_private_key.pem").into(),
        }
    }

    /// What reached its inboxes, of `kind`.
    fn received(&self, kind: &str) -> Vec<Value> {
        self.received.lock().unwrap().iter().filter(|a| a["type"] == kind).cloned().collect()
    }
}

/// Posts `activity` signed by `by` to `inbox` on `app`; the status.
async fn deliver(app: &TestApp, inbox: &str, by: &Signer, activity: &Value) -> u16 {
    let response = post_signed(&app.url(inbox), activity.to_string().as_bytes(), by, SystemTime::now()).await;
    let status = response.status().as_u16();
    if status >= 300 {
        eprintln!("{inbox}: {status} {}", response.text().await.unwrap_or_default());
    }
    status
}

async fn post_by_ap_id(app: &TestApp, ap_id: &str) -> Option<Post> {
    let mut conn = app.state.pool.get().await.unwrap();
    Post::by_ap_id(&mut conn, ap_id).await.unwrap()
}

async fn actor_by_ap_id(app: &TestApp, ap_id: &str) -> Option<Actor> {
    let mut conn = app.state.pool.get().await.unwrap();
    Actor::by_ap_id(&mut conn, ap_id).await.unwrap()
}

/// How many posts with this id are stored (never more than one).
async fn copies(app: &TestApp, ap_id: &str) -> i64 {
    use buurt::db::schema::post as p;
    use diesel::prelude::*;
    use diesel_async::RunQueryDsl;
    let mut conn = app.state.pool.get().await.unwrap();
    buurt::dispatch!(&mut conn, c => p::table.filter(p::ap_id.eq(ap_id)).count().get_result(c).await).unwrap()
}

async fn group(api: &Api, name: &str, content: &str, posting: &str) {
    let made = api
        .post(
            "/api/buurt/v1/groups",
            json!({"name": name, "display_name": format!("Groep {name}"), "openness": "open",
                "content": content, "posting": posting}),
        )
        .await;
    assert_eq!(made["name"], name, "{made}");
}

/// The resident `name` follows the group `group` served by `remote`, which accepts with
/// `accept` (its software's shape of an Accept, the Follow's id filled in). Returns the group.
async fn follow_group_elsewhere(app: &TestApp, name: &str, remote: &Remote, group: &str, accept: &str) -> Actor {
    let account = app.account(name).await.unwrap();
    let data = app.state.data().unwrap();
    let found = buurt::domain::remote_actors::resolve(group, &data).await.unwrap().actor;
    assert_eq!(found.kind(), ActorKind::Group);
    buurt::domain::follows::follow(&app.state, &account, &found).await.unwrap();
    app.drain().await;
    let follow = remote.received("Follow").into_iter().find(|f| f["object"] == group).expect("the Follow arrives");
    let mut answer = remote.localized(accept, app);
    answer["object"]["id"] = follow["id"].clone();
    answer["object"]["actor"] = follow["actor"].clone();
    assert_eq!(deliver(app, &format!("/u/{name}/inbox"), &remote.signer(group), &answer).await, 202);
    let mut conn = app.state.pool.get().await.unwrap();
    let follow = Follow::find(&mut conn, account.actor.id, found.id).await.unwrap().unwrap();
    assert!(follow.accepted, "the group's Accept is taken");
    found
}

/// A second community on the Lemmy server, `/c/anders`.
fn another_community(lemmy: &Remote, app: &TestApp) -> Value {
    let text = fixture("lemmy/group").replace("/c/buurt", "/c/anders").replace("\"buurt\"", "\"anders\"");
    lemmy.shaped(&text, app)
}

async fn home_has(api: &Api, uri: &str) -> bool {
    api.get("/api/v1/timelines/home").await.as_array().unwrap().iter().any(|s| s["uri"] == uri)
}

async fn a_lemmy_communitys_posts_arrive_as_written_in_it(b: Backend) {
    let alpha = TestApp::spawn_federated(b).await;
    let anna = alpha.api_user("anna").await;
    let lemmy = Remote::start(LEMMY).await;
    lemmy.serve(lemmy.localized("lemmy/group", &alpha));
    lemmy.serve(lemmy.localized("lemmy/person", &alpha));
    let community = lemmy.url("/c/buurt");
    let by_community = lemmy.signer(&community);
    let community_here = follow_group_elsewhere(&alpha, "anna", &lemmy, &community, "lemmy/accept-follow").await;

    // The community's Announce of Marie's Create(Page): her post, written in the community,
    // on Anna's home timeline though Anna does not follow Marie.
    let announce = lemmy.localized("lemmy/announce-create-page", &alpha);
    assert_eq!(deliver(&alpha, "/inbox", &by_community, &announce).await, 202);
    let page_id = lemmy.url("/post/55");
    let post = post_by_ap_id(&alpha, &page_id).await.expect("the post is stored");
    assert_eq!(post.audience_id, Some(community_here.id), "written in the community");
    assert_eq!(post.name.as_deref(), Some("Rommelmarkt op zaterdag"));
    assert_eq!(post.visibility, Visibility::Public);
    let marie = actor_by_ap_id(&alpha, &lemmy.url("/u/marie")).await.expect("the author is fetched");
    assert_eq!(post.author_id, marie.id);
    assert!(home_has(&anna, &page_id).await, "on the home timeline of the community's follower");
    // Lemmy's second Announce, of the Page itself (for Mastodon): the same post, once.
    let page = lemmy.localized("lemmy/announce-page", &alpha);
    assert_eq!(deliver(&alpha, "/inbox", &by_community, &page).await, 202);
    assert_eq!(copies(&alpha, &page_id).await, 1);

    // An Announce whose object is only an id: fetched from the community's server.
    let mut other = lemmy.localized("lemmy/page", &alpha);
    other["id"] = json!(lemmy.url("/post/56"));
    other["name"] = json!("Fietsenrek kapot");
    lemmy.serve(other);
    let mut by_id = lemmy.localized("lemmy/announce-page", &alpha);
    by_id["id"] = json!(lemmy.url("/activities/announce/page/56"));
    by_id["object"] = json!(lemmy.url("/post/56"));
    assert_eq!(deliver(&alpha, "/inbox", &by_community, &by_id).await, 202);
    let fetched = post_by_ap_id(&alpha, &lemmy.url("/post/56")).await.expect("the post is fetched");
    assert_eq!((fetched.audience_id, fetched.name.as_deref()), (Some(community_here.id), Some("Fietsenrek kapot")));

    // A community nobody here follows: its Announce stores nothing.
    let anders = lemmy.url("/c/anders");
    lemmy.serve(another_community(&lemmy, &alpha));
    let text = fixture("lemmy/announce-create-page").replace("/c/buurt", "/c/anders").replace("/post/55", "/post/57");
    let mut unfollowed = lemmy.shaped(&text, &alpha);
    unfollowed["id"] = json!(lemmy.url("/activities/announce/create/57"));
    unfollowed["object"]["id"] = json!(lemmy.url("/activities/create/57"));
    assert_eq!(deliver(&alpha, "/inbox", &lemmy.signer(&anders), &unfollowed).await, 202);
    assert!(post_by_ap_id(&alpha, &lemmy.url("/post/57")).await.is_none(), "nobody here follows it");

    // Lemmy keeps persons and communities apart: a person named as the community is another
    // actor here, under a name of its own, and both keep working.
    let text = fixture("lemmy/person").replace("/u/marie", "/u/buurt").replace("\"marie\"", "\"buurt\"");
    lemmy.serve(lemmy.shaped(&text, &alpha));
    let data = alpha.state.data().unwrap();
    let namesake = buurt::domain::remote_actors::resolve(&lemmy.url("/u/buurt"), &data).await.expect("stored");
    assert_ne!(namesake.actor.id, community_here.id);
    assert_eq!(namesake.actor.username, "buurt");
    assert_eq!(actor_by_ap_id(&alpha, &community).await.unwrap().id, community_here.id);
    let mut again = lemmy.localized("lemmy/announce-create-page", &alpha);
    again["id"] = json!(lemmy.url("/activities/announce/create/58"));
    assert_eq!(deliver(&alpha, "/inbox", &by_community, &again).await, 202, "the community still signs");
    alpha.stop().await;
}

async fn a_mastodon_post_mentioning_a_group_starts_a_thread_or_is_rejected(b: Backend) {
    let alpha = TestApp::spawn_federated(b).await;
    let anna = alpha.api_user("anna").await;
    group(&anna, "oosterpark", "public", "anyone").await;
    group(&anna, "tuin", "public", "members").await;
    let mastodon = Remote::start(MASTODON).await;
    mastodon.serve(mastodon.localized("mastodon/actor", &alpha));
    let piet = mastodon.signer(&mastodon.url("/users/piet"));

    // A post that mentions the group (Mention tag and cc): a thread, titled from its first line
    // without the mention.
    let create = mastodon.localized("mastodon/create-note-to-group", &alpha);
    assert_eq!(deliver(&alpha, "/g/oosterpark/inbox", &piet, &create).await, 202);
    let threads = anna.get("/api/buurt/v1/groups/oosterpark/threads").await;
    let threads = threads.as_array().unwrap();
    assert_eq!(threads.len(), 1, "{threads:?}");
    assert_eq!(threads[0]["title"], "Wie heeft er een ladder te leen?");
    let note_id = mastodon.url("/users/piet/statuses/1130");
    let oosterpark = actor_by_ap_id(&alpha, &alpha.url("/g/oosterpark")).await.unwrap();
    assert_eq!(post_by_ap_id(&alpha, &note_id).await.unwrap().audience_id, Some(oosterpark.id));
    // The group relays it: the unchanged Create, and the Note itself for Mastodon.
    let announces = queued_by(&alpha, "oosterpark", "Announce").await;
    assert!(announces.iter().any(|a| a["object"] == create), "the Create unchanged: {announces:?}");
    assert!(announces.iter().any(|a| a["object"] == note_id.as_str()), "{announces:?}");

    // Members-only posting, and Piet is no member: a Reject of his activity, nothing stored.
    let text = fixture("mastodon/create-note-to-group").replace("/g/oosterpark", "/g/tuin").replace("1130", "1131");
    let refused = mastodon.shaped(&text, &alpha);
    assert_eq!(deliver(&alpha, "/g/tuin/inbox", &piet, &refused).await, 202);
    assert!(post_by_ap_id(&alpha, &mastodon.url("/users/piet/statuses/1131")).await.is_none());
    let rejects = queued_by(&alpha, "tuin", "Reject").await;
    assert_eq!(rejects.len(), 1, "{rejects:?}");
    assert_eq!(rejects[0]["object"], refused["id"], "the Reject echoes the activity's id");
    assert_eq!(rejects[0]["to"], json!([piet.actor]));
    assert_eq!(anna.get("/api/buurt/v1/groups/tuin/threads").await, json!([]));

    // The thread locked: Piet's reply (Mastodon fills in the group's mention) is refused too;
    // so is one without the mention, which names the thread only by `inReplyTo`.
    let thread = threads[0]["id"].as_str().unwrap();
    anna.post(
        "/api/buurt/v1/moderation/decisions",
        json!({"kind": "lock_thread", "status_id": thread, "ground": "group_rules", "facts": "Uitgepraat."}),
    )
    .await;
    for (n, mention) in [(1132, true), (1133, false)] {
        let text = fixture("mastodon/create-note-to-group").replace("1130", &n.to_string());
        let mut reply = mastodon.shaped(&text, &alpha);
        reply["object"]["inReplyTo"] = json!(note_id);
        if !mention {
            reply["cc"] = json!([mastodon.url("/users/piet/followers")]);
            reply["object"]["cc"] = reply["cc"].clone();
            reply["object"]["tag"] = json!([]);
            reply["object"]["content"] = json!("<p>Nog iemand?</p>");
        }
        assert_eq!(deliver(&alpha, "/inbox", &piet, &reply).await, 202);
        let reply_id = reply["object"]["id"].as_str().unwrap();
        assert!(post_by_ap_id(&alpha, reply_id).await.is_none(), "reply {n} is not stored");
        let rejects = queued_by(&alpha, "oosterpark", "Reject").await;
        assert!(rejects.iter().any(|r| r["object"] == reply["id"]), "reply {n} is rejected: {rejects:?}");
    }
    alpha.stop().await;
}

async fn a_friendica_forum_post_starts_a_thread(b: Backend) {
    let alpha = TestApp::spawn_federated(b).await;
    let anna = alpha.api_user("anna").await;
    group(&anna, "oosterpark", "public", "anyone").await;
    let friendica = Remote::start(FRIENDICA).await;
    friendica.serve(friendica.localized("friendica/actor", &alpha));
    let jan = friendica.signer(&friendica.url("/profile/jan"));

    // A post to the forum (`!oosterpark`, addressed to the group only, with its audience): a
    // thread under the title Friendica sends.
    let create = friendica.localized("friendica/create-forum-post", &alpha);
    assert_eq!(deliver(&alpha, "/g/oosterpark/inbox", &jan, &create).await, 202);
    let threads = anna.get("/api/buurt/v1/groups/oosterpark/threads").await;
    assert_eq!(threads.as_array().unwrap().len(), 1, "{threads}");
    assert_eq!(threads[0]["title"], "Broodjesmarkt op het plein");
    assert!(threads[0]["content"].as_str().unwrap().contains("verse broodjes"), "{threads}");
    let announces = queued_by(&alpha, "oosterpark", "Announce").await;
    assert!(announces.iter().any(|a| a["object"] == create), "relayed unchanged: {announces:?}");

    // Without a title: the first line, without the `!` mention.
    let text = fixture("friendica/create-forum-post").replace("8c2e3f40", "9d3f4a51");
    let mut untitled = friendica.shaped(&text, &alpha);
    untitled["object"].as_object_mut().unwrap().remove("name");
    assert_eq!(deliver(&alpha, "/g/oosterpark/inbox", &jan, &untitled).await, 202);
    let threads = anna.get("/api/buurt/v1/groups/oosterpark/threads").await;
    let titles: Vec<&str> = threads.as_array().unwrap().iter().filter_map(|t| t["title"].as_str()).collect();
    assert!(titles.contains(&"Zaterdag vanaf zeven uur verse broodjes."), "{titles:?}");
    alpha.stop().await;
}

async fn a_mobilizon_groups_posts_arrive_as_written_in_it(b: Backend) {
    let alpha = TestApp::spawn_federated(b).await;
    let anna = alpha.api_user("anna").await;
    let mobilizon = Remote::start(MOBILIZON).await;
    mobilizon.serve(mobilizon.localized("mobilizon/group", &alpha));
    mobilizon.serve(mobilizon.localized("mobilizon/person", &alpha));
    let group = mobilizon.url("/@buurtgroep");
    let by_group = mobilizon.signer(&group);
    let buurtgroep = follow_group_elsewhere(&alpha, "anna", &mobilizon, &group, "mobilizon/accept-follow").await;

    // Mobilizon announces the group's post itself (an Article attributed to the group, its
    // member as `actor`): stored as written in the group, by that member.
    let announce = mobilizon.localized("mobilizon/announce-post", &alpha);
    assert_eq!(deliver(&alpha, "/inbox", &by_group, &announce).await, 202);
    let article_id = announce["object"]["id"].as_str().unwrap();
    let post = post_by_ap_id(&alpha, article_id).await.expect("the group's post is stored");
    assert_eq!(post.audience_id, Some(buurtgroep.id));
    assert_eq!(post.name.as_deref(), Some("Nieuwe bankjes in het park"));
    assert_eq!(post.kind, "article");
    let marie = actor_by_ap_id(&alpha, &mobilizon.url("/@marie")).await.expect("the member is fetched");
    assert_eq!(post.author_id, marie.id);
    assert!(home_has(&anna, article_id).await);

    // Its Announce of an event: accepted, and not taken for a post.
    let event = mobilizon.localized("mobilizon/announce-event", &alpha);
    assert_eq!(deliver(&alpha, "/inbox", &by_group, &event).await, 202);
    assert!(post_by_ap_id(&alpha, event["object"]["id"].as_str().unwrap()).await.is_none());
    alpha.stop().await;
}

async fn nothing_is_put_into_a_group_by_whoever_does_not_own_it(b: Backend) {
    let alpha = TestApp::spawn_federated(b).await;
    let anna = alpha.api_user("anna").await;
    group(&anna, "oosterpark", "public", "anyone").await;
    let lemmy = Remote::start(LEMMY).await;
    lemmy.serve(lemmy.localized("lemmy/group", &alpha));
    lemmy.serve(another_community(&lemmy, &alpha));
    lemmy.serve(lemmy.localized("lemmy/person", &alpha));
    let elsewhere = Remote::start("https://elders.example").await;
    let mut stranger = lemmy.localized("lemmy/person", &alpha);
    let stranger_id = elsewhere.url("/u/kees");
    stranger["id"] = json!(stranger_id);
    stranger["inbox"] = json!(elsewhere.url("/u/kees/inbox"));
    stranger["publicKey"]["id"] = json!(format!("{stranger_id}#main-key"));
    stranger["publicKey"]["owner"] = json!(stranger_id);
    elsewhere.serve(stranger);
    let (g1, anders) = (lemmy.url("/c/buurt"), lemmy.url("/c/anders"));
    follow_group_elsewhere(&alpha, "anna", &lemmy, &g1, "lemmy/accept-follow").await;
    let bert = alpha.create_user("bert", buurt::db::models::local_user::Role::Member).await;
    let g2 = buurt::domain::remote_actors::resolve(&anders, &alpha.state.data().unwrap()).await.unwrap().actor;
    buurt::domain::follows::follow(&alpha.state, &bert, &g2).await.unwrap();
    let oosterpark = alpha.url("/g/oosterpark");

    // An Announce by G1 of a Create whose post says it was written in `audience`, numbered `n`.
    let relayed = |n: u32, audience: &str| -> Value {
        let mut announce = lemmy.localized("lemmy/announce-create-page", &alpha);
        announce["id"] = json!(lemmy.url(&format!("/activities/announce/create/{n}")));
        announce["object"]["id"] = json!(lemmy.url(&format!("/activities/create/{n}")));
        announce["object"]["object"]["id"] = json!(lemmy.url(&format!("/post/{n}")));
        for pointer in ["/object", "/object/object"] {
            let object = announce.pointer_mut(pointer).unwrap();
            object["audience"] = json!(audience);
            object["to"] = json!([audience, buurt::apub::protocol::PUBLIC]);
        }
        announce
    };
    let by_g1 = lemmy.signer(&g1);
    let groups_posts = |group: String| {
        let alpha = &alpha;
        async move {
            let mut conn = alpha.state.pool.get().await.unwrap();
            let g = Actor::by_ap_id(&mut conn, &group).await.unwrap().unwrap();
            buurt::db::views::discussions::threads(&mut conn, g.id, None, 50).await.unwrap().len()
        }
    };

    // G1 announcing into a group here, and into G2 elsewhere: refused, nothing stored.
    assert_eq!(deliver(&alpha, "/inbox", &by_g1, &relayed(60, &oosterpark)).await, 403);
    assert_eq!(deliver(&alpha, "/g/oosterpark/inbox", &by_g1, &relayed(61, &oosterpark)).await, 403);
    assert_eq!(deliver(&alpha, "/inbox", &by_g1, &relayed(62, &anders)).await, 403);
    for n in [60, 61, 62] {
        assert!(post_by_ap_id(&alpha, &lemmy.url(&format!("/post/{n}"))).await.is_none(), "post {n}");
    }
    assert_eq!(groups_posts(oosterpark.clone()).await, 0);
    assert_eq!(groups_posts(anders.clone()).await, 0);
    assert_eq!(groups_posts(g1.clone()).await, 0);

    // A person "announcing" a Create into a group (here, or one elsewhere): a boost of a post
    // nobody has, not a post in any group.
    let by_marie = lemmy.signer(&lemmy.url("/u/marie"));
    for (n, audience) in [(63, &oosterpark), (64, &g1)] {
        let mut announce = relayed(n, audience);
        announce["actor"] = json!(by_marie.actor);
        assert_eq!(deliver(&alpha, "/inbox", &by_marie, &announce).await, 202);
        assert!(post_by_ap_id(&alpha, &lemmy.url(&format!("/post/{n}"))).await.is_none(), "post {n}");
    }
    assert_eq!(groups_posts(oosterpark.clone()).await, 0);
    assert_eq!(groups_posts(g1.clone()).await, 0);

    // A Create whose post is attributed to someone on another host than the post's id: refused,
    // whether the activity names that someone or the post's own host's person as its actor.
    for (n, actor) in [(65, stranger_id.clone()), (66, lemmy.url("/u/marie"))] {
        let mut announce = relayed(n, &g1);
        announce["object"]["actor"] = json!(actor);
        announce["object"]["object"]["attributedTo"] = json!(stranger_id);
        assert_eq!(deliver(&alpha, "/inbox", &by_g1, &announce).await, 403, "post {n}");
        assert!(post_by_ap_id(&alpha, &lemmy.url(&format!("/post/{n}"))).await.is_none(), "post {n}");
    }
    // The same post on the stranger's host, which says it is Marie's: refused too.
    let mut forged = lemmy.localized("lemmy/page", &alpha);
    forged["id"] = json!(elsewhere.url("/post/67"));
    elsewhere.serve(forged);
    let mut announce = relayed(67, &g1);
    announce["object"]["object"] = json!(elsewhere.url("/post/67"));
    assert_eq!(deliver(&alpha, "/inbox", &by_g1, &announce).await, 403);
    assert!(post_by_ap_id(&alpha, &elsewhere.url("/post/67")).await.is_none());
    assert_eq!(groups_posts(g1.clone()).await, 0);
    alpha.stop().await;
}
