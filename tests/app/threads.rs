//! Threads and taking part: the post page shows a post in its thread with reply, like and
//! share for residents; the client API's `context`, `favourited_by` and `reblogged_by`. Tried
//! from the wrong side too: a stranger, a neighbour who does not follow, a follower, the author.

use buurt::db::models::actor::{Actor, ActorInsert};
use buurt::db::models::local_user::Role;
use buurt::db::models::post::{Post, PostInsert, Visibility};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::both;
use crate::notifications::notifications_of;
use crate::util::*;

both!(
    context_lists_ancestors_and_replies_depth_first_in_order,
    context_stops_at_the_depth_bound_and_keeps_the_whole_chain_above,
    followers_only_replies_stay_out_of_threads_of_those_who_may_not_see_them,
    direct_posts_have_no_page_context_or_reactors_for_others,
    residents_reply_like_and_share_on_the_post_page,
    post_page_refuses_what_one_may_not_do_and_changes_nothing,
    post_page_forms_refuse_a_missing_csrf_token,
    other_servers_posts_get_a_page_for_residents_and_a_way_there_for_visitors,
    favourited_and_reblogged_by_list_accounts_newest_first_in_pages,
    replies_that_loop_end_the_thread_without_repeating_a_post,
);

/// A person here: a signed-in browser and an API token of the same account.
struct Person {
    browser: Browser,
    api: Api,
    id: String,
}

async fn person(app: &TestApp, name: &str) -> Person {
    let browser = app.signed_in(name, Role::Member).await;
    let account = app.account(name).await.unwrap();
    let token = buurt::domain::oauth::admin_token(&app.state.pool, &account, "test").await.unwrap();
    let api = Api { client: reqwest::Client::new(), base: app.base.clone(), token };
    Person { browser, api, id: account.actor.id.0.to_string() }
}

/// Posts a status (a reply when `to` is given); its id.
async fn say(p: &Person, text: &str, visibility: &str, to: Option<&str>) -> String {
    let mut body = json!({"status": text, "visibility": visibility});
    if let Some(to) = to {
        body["in_reply_to_id"] = json!(to);
    }
    p.api.post("/api/v1/statuses", body).await["id"].as_str().unwrap().to_string()
}

async fn follow(follower: &Person, target: &Person) {
    let r = follower.api.post(&format!("/api/v1/accounts/{}/follow", target.id), json!({})).await;
    assert_eq!(r["following"], true, "{r}");
}

fn ids(list: &Value) -> Vec<String> {
    list.as_array().unwrap().iter().map(|s| s["id"].as_str().unwrap().to_string()).collect()
}

/// `GET` without a token: what a stranger's app sees.
async fn anonymous_get(app: &TestApp, path: &str) -> reqwest::Response {
    reqwest::Client::new().get(app.url(path)).send().await.unwrap()
}

async fn context_lists_ancestors_and_replies_depth_first_in_order(b: Backend) {
    let app = TestApp::spawn(b).await;
    let anna = person(&app, "anna").await;
    let bert = person(&app, "bert").await;
    let carl = person(&app, "carl").await;
    let root = say(&anna, "Wie weet waar de sleutel van de schuur is?", "public", None).await;
    let r1 = say(&bert, "Bij de bakker, denk ik.", "public", Some(&root)).await;
    let r2 = say(&carl, "Ik heb hem niet.", "public", Some(&root)).await;
    let r1a = say(&anna, "Welke bakker?", "public", Some(&r1)).await;
    let r1a1 = say(&bert, "Die op de hoek.", "unlisted", Some(&r1a)).await;
    let r1b = say(&carl, "Hij ligt daar al een week.", "public", Some(&r1)).await;
    let unrelated = say(&carl, "Iets anders.", "public", None).await;

    // Depth first, each level in order of publication; nothing from outside the thread.
    let context = anonymous_get(&app, &format!("/api/v1/statuses/{root}/context")).await;
    assert_eq!(context.status(), 200);
    let context: Value = context.json().await.unwrap();
    assert_eq!(ids(&context["ancestors"]), Vec::<String>::new());
    assert_eq!(ids(&context["descendants"]), vec![r1.clone(), r1a.clone(), r1a1.clone(), r1b.clone(), r2.clone()]);
    assert!(!context.to_string().contains(&format!("\"id\":\"{unrelated}\"")));
    assert_eq!(context["descendants"][1]["in_reply_to_id"], json!(r1), "statuses as the API shows them");
    // Each status counts its direct replies.
    let counts: Vec<&Value> = context["descendants"].as_array().unwrap().iter().map(|s| &s["replies_count"]).collect();
    assert_eq!(counts, [&json!(2), &json!(1), &json!(0), &json!(0), &json!(0)], "r1, r1a, r1a1, r1b, r2");
    assert_eq!(anna.api.get(&format!("/api/v1/statuses/{root}")).await["replies_count"], 2);

    // From the middle: the chain above oldest first, and what is below it only.
    let context = anna.api.get(&format!("/api/v1/statuses/{r1a}/context")).await;
    assert_eq!(ids(&context["ancestors"]), vec![root.clone(), r1.clone()]);
    assert_eq!(ids(&context["descendants"]), vec![r1a1.clone()]);
    assert_eq!(context["ancestors"][0]["favourited"], false, "the caller's own state with a token");

    // The page shows the same thread: the chain above, the post, the replies nested below.
    let page = app.browser().get_html(&format!("/p/{r1}")).await;
    let text = page.root_element().text().collect::<String>();
    for (i, (before, after)) in [
        ("Wie weet waar", "Bij de bakker"),
        ("Bij de bakker", "Welke bakker"),
        ("Welke bakker", "Die op de hoek"),
        ("Die op de hoek", "ligt daar al"),
    ]
    .iter()
    .enumerate()
    {
        let (a, b) = (text.find(before).expect(before), text.find(after).expect(after));
        assert!(a < b, "step {i}: {before:?} comes before {after:?}");
    }
    assert!(!text.contains("Ik heb hem niet"), "a sibling of the post is not below it");
    let nested = scraper::Selector::parse(".thread--below .thread__list .thread__list .thread__post").unwrap();
    assert_eq!(page.select(&nested).count(), 1, "the reply to a reply is nested one level down");
}

async fn context_stops_at_the_depth_bound_and_keeps_the_whole_chain_above(b: Backend) {
    let app = TestApp::spawn(b).await;
    let anna = person(&app, "anna").await;
    let mut chain = vec![say(&anna, "Begin van een lange draad.", "public", None).await];
    for i in 0..24 {
        let to = chain.last().unwrap().clone();
        chain.push(say(&anna, &format!("Antwoord nummer {i}."), "public", Some(&to)).await);
    }
    let context = anna.api.get(&format!("/api/v1/statuses/{}/context", chain[0])).await;
    assert_eq!(ids(&context["descendants"]), chain[1..=20].to_vec(), "replies down to depth 20");
    let last = chain.last().unwrap();
    let context = anna.api.get(&format!("/api/v1/statuses/{last}/context")).await;
    assert_eq!(ids(&context["ancestors"]), chain[..24].to_vec(), "the whole chain above (up to 40)");
}

async fn followers_only_replies_stay_out_of_threads_of_those_who_may_not_see_them(b: Backend) {
    let app = TestApp::spawn(b).await;
    let anna = person(&app, "anna").await;
    let bert = person(&app, "bert").await;
    let fenna = person(&app, "fenna").await;
    let olga = person(&app, "olga").await;
    follow(&fenna, &bert).await;
    let root = say(&anna, "Openbare vraag over de markt.", "public", None).await;
    let secret = say(&bert, "geheime-reactie-voor-volgers", "private", Some(&root)).await;
    let below = say(&fenna, "reactie-onder-het-geheim", "public", Some(&secret)).await;
    let open = say(&olga, "open-reactie-van-olga", "public", Some(&root)).await;

    let anonymous = app.browser();
    // (who, their API, their browser, whether they may see bert's reply)
    let viewers: [(&str, Option<&Api>, &Browser, bool); 4] = [
        ("stranger", None, &anonymous, false),
        ("neighbour", Some(&olga.api), &olga.browser, false),
        ("follower", Some(&fenna.api), &fenna.browser, true),
        ("author", Some(&bert.api), &bert.browser, true),
    ];
    for (who, api, browser, sees) in viewers {
        let path = format!("/api/v1/statuses/{root}/context");
        let context: Value = match api {
            Some(api) => api.get(&path).await,
            None => anonymous_get(&app, &path).await.json().await.unwrap(),
        };
        let expected = if sees { vec![secret.clone(), below.clone(), open.clone()] } else { vec![open.clone()] };
        assert_eq!(ids(&context["descendants"]), expected, "context of the root for the {who}");
        assert_eq!(context.to_string().contains("geheime-reactie"), sees, "{who}");
        // What is below a reply one may not see is left out with it.
        assert_eq!(context.to_string().contains("reactie-onder-het-geheim"), sees, "{who}");

        let page = browser.get(&format!("/p/{root}")).await;
        assert_eq!(page.status(), 200);
        let page = page.text().await.unwrap();
        assert_eq!(page.contains("geheime-reactie"), sees, "page of the root for the {who}");
        assert_eq!(page.contains("reactie-onder-het-geheim"), sees, "page of the root for the {who}");
        assert!(page.contains("open-reactie-van-olga"), "{who}");

        // Seen from below, the chain above stops at what one may not see.
        let path = format!("/api/v1/statuses/{below}/context");
        let context: Value = match api {
            Some(api) => api.get(&path).await,
            None => anonymous_get(&app, &path).await.json().await.unwrap(),
        };
        let above = if sees { vec![root.clone(), secret.clone()] } else { vec![] };
        assert_eq!(ids(&context["ancestors"]), above, "ancestors for the {who}");
        let page = browser.get(&format!("/p/{below}")).await.text().await.unwrap();
        assert_eq!(page.contains("geheime-reactie"), sees, "page of the reply below for the {who}");
    }
    // The secret's own page, context and reactors: 404 for those who may not see it.
    for path in [
        format!("/api/v1/statuses/{secret}/context"),
        format!("/api/v1/statuses/{secret}/favourited_by"),
        format!("/api/v1/statuses/{secret}/reblogged_by"),
    ] {
        assert_eq!(anonymous_get(&app, &path).await.status(), 404, "{path}");
        assert_eq!(olga.api.send(Method::GET, &path, None).await.status(), 404, "{path}");
        assert_eq!(fenna.api.send(Method::GET, &path, None).await.status(), 200, "{path}");
    }
    assert_eq!(olga.browser.get(&format!("/p/{secret}")).await.status(), 404);
    // Counts on cards and the page tell nobody of a reply they may not see: one open reply.
    let home = anonymous.get_html("/").await;
    let card = scraper::Selector::parse(".card__thread").unwrap();
    let root_link = format!("href=\"/p/{root}\"");
    let counts: Vec<String> =
        home.select(&card).filter(|c| c.html().contains(&root_link)).map(|c| c.text().collect()).collect();
    assert_eq!(counts, vec!["Reageren · Reacties: 1".to_string()], "the root's card");
}

async fn direct_posts_have_no_page_context_or_reactors_for_others(b: Backend) {
    let app = TestApp::spawn(b).await;
    let anna = person(&app, "anna").await;
    let fenna = person(&app, "fenna").await;
    follow(&fenna, &anna).await;
    let direct = say(&anna, "privebericht-van-anna", "direct", None).await;
    for path in [
        format!("/api/v1/statuses/{direct}/context"),
        format!("/api/v1/statuses/{direct}/favourited_by"),
        format!("/api/v1/statuses/{direct}/reblogged_by"),
    ] {
        assert_eq!(anonymous_get(&app, &path).await.status(), 404, "{path}");
        let response = fenna.api.send(Method::GET, &path, None).await;
        assert_eq!(response.status(), 404, "{path}");
        assert!(!response.text().await.unwrap().contains("privebericht"));
        assert_eq!(anna.api.send(Method::GET, &path, None).await.status(), 200, "{path} for the author");
    }
    for browser in [&app.browser(), &fenna.browser] {
        let page = browser.get(&format!("/p/{direct}")).await;
        assert_eq!(page.status(), 404);
        assert!(!page.text().await.unwrap().contains("privebericht"));
    }
    let own = anna.browser.get_html(&format!("/p/{direct}")).await;
    assert!(text_of(&own, ".e-content").unwrap().contains("privebericht-van-anna"));
    assert!(text_of(&own, ".post__actions").unwrap().contains("niet delen"), "no share button: {own:?}");
}

async fn residents_reply_like_and_share_on_the_post_page(b: Backend) {
    let app = TestApp::spawn(b).await;
    let anna = person(&app, "anna").await;
    let bert = person(&app, "bert").await;
    let post = say(&anna, "Wie komt er zaterdag helpen in de moestuin?", "public", None).await;
    let page = format!("/p/{post}");

    // Anonymous visitors read, and are asked to sign in to reply.
    let visitor = app.browser().get_html(&page).await;
    assert!(text_of(&visitor, "a[href^='/inloggen?next=']").unwrap().contains("Log in om te reageren"));
    assert!(text_of(&visitor, "form[action$='/leuk']").is_none());

    // A reply through the form: back to the post with a notice, in the thread, and anna hears of it.
    let response = bert
        .browser
        .submit(&page, &format!("{page}/reageren"), &[("status", "Ik kom om tien uur!"), ("visibility", "public")])
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let location = response.headers()["location"].to_str().unwrap().to_string();
    assert!(location.starts_with(&format!("{page}?gedaan=reactie#p-")), "{location}");
    let shown = bert.browser.get_html(&location).await;
    assert_eq!(text_of(&shown, ".notice").unwrap(), "Je reactie is geplaatst.");
    assert!(text_of(&shown, ".thread--below").unwrap().contains("Ik kom om tien uur!"));
    let reply: i64 = location.rsplit("#p-").next().unwrap().parse().unwrap();
    let told = notifications_of(&app, "anna").await;
    assert_eq!(told, vec![("reply".to_string(), Some("bert".to_string()), Some(reply))]);
    let context = anna.api.get(&format!("/api/v1/statuses/{post}/context")).await;
    assert_eq!(ids(&context["descendants"]), vec![reply.to_string()]);
    assert_eq!(context["descendants"][0]["visibility"], "public");

    // An empty reply: the page again with the error by its field, nothing posted.
    let response = bert.browser.submit(&page, &format!("{page}/reageren"), &[("status", "  ")]).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let form = html(response).await;
    assert!(field_error(&form, "status").is_some(), "the error is by the text field");
    let context = anna.api.get(&format!("/api/v1/statuses/{post}/context")).await;
    assert_eq!(ids(&context["descendants"]).len(), 1);

    // Like and unlike: the count goes up and down.
    let response = bert.browser.submit(&page, &format!("{page}/leuk"), &[("doen", "aan")]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(response.headers()["location"], format!("{page}?gedaan=leuk").as_str());
    let shown = bert.browser.get_html(&format!("{page}?gedaan=leuk")).await;
    assert_eq!(text_of(&shown, "#likes-count").unwrap(), "Leuk gevonden: 1");
    assert_eq!(text_of(&shown, "form[action$='/leuk'] button").unwrap(), "Niet meer leuk");
    assert_eq!(anna.api.get(&format!("/api/v1/statuses/{post}")).await["favourites_count"], 1);
    bert.browser.submit(&page, &format!("{page}/leuk"), &[("doen", "uit")]).await;
    assert_eq!(text_of(&bert.browser.get_html(&page).await, "#likes-count").unwrap(), "Leuk gevonden: 0");

    // Share and unshare.
    let response = bert.browser.submit(&page, &format!("{page}/delen"), &[("doen", "aan")]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let shown = bert.browser.get_html(&page).await;
    assert_eq!(text_of(&shown, "#shares-count").unwrap(), "Gedeeld: 1");
    let by = anna.api.get(&format!("/api/v1/statuses/{post}/reblogged_by")).await;
    assert_eq!(ids(&by), vec![bert.id.clone()]);
    bert.browser.submit(&page, &format!("{page}/delen"), &[("doen", "uit")]).await;
    assert_eq!(text_of(&bert.browser.get_html(&page).await, "#shares-count").unwrap(), "Gedeeld: 0");

    // The home page's card leads to the post page, with its reply count.
    let home = app.browser().get_html("/").await;
    let link = scraper::Selector::parse(&format!(".card__thread a[href='{page}']")).unwrap();
    assert_eq!(home.select(&link).count(), 1, "the card links to the post page");
}

async fn post_page_refuses_what_one_may_not_do_and_changes_nothing(b: Backend) {
    let app = TestApp::spawn(b).await;
    let anna = person(&app, "anna").await;
    let fenna = person(&app, "fenna").await;
    let olga = person(&app, "olga").await;
    follow(&fenna, &anna).await;
    let open = say(&anna, "Een open bericht.", "public", None).await;
    let private = say(&anna, "alleen-voor-volgers", "private", None).await;
    let count = |field: &'static str| {
        let api = anna.api.clone();
        let private = private.clone();
        async move { api.get(&format!("/api/v1/statuses/{private}")).await[field].as_i64().unwrap() }
    };
    let replies =
        || async { ids(&anna.api.get(&format!("/api/v1/statuses/{private}/context")).await["descendants"]).len() };

    // A neighbour who does not follow: the post does not exist for them, whatever they send
    // (with a valid token from a page they may see).
    let from = format!("/p/{open}");
    for (action, fields) in [
        ("leuk", vec![("doen", "aan")]),
        ("delen", vec![("doen", "aan")]),
        ("reageren", vec![("status", "Ik zie dit niet, toch?")]),
    ] {
        let response = olga.browser.submit(&from, &format!("/p/{private}/{action}"), &fields).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{action}");
    }
    assert_eq!(count("favourites_count").await, 0);
    assert_eq!(count("reblogs_count").await, 0);
    assert_eq!(replies().await, 0);

    // A follower may like and reply, but not share a followers-only post; the page offers no
    // share button and a forced share is refused in Dutch.
    let page = fenna.browser.get_html(&format!("/p/{private}")).await;
    assert!(text_of(&page, "form[action$='/delen']").is_none());
    assert!(text_of(&page, "form[action$='/leuk']").is_some());
    let response = fenna.browser.submit(&from, &format!("/p/{private}/delen"), &[("doen", "aan")]).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert!(response.text().await.unwrap().contains("kun je niet delen"));
    assert_eq!(count("reblogs_count").await, 0);
    // The reply form offers no wider audience than the post's.
    let options: Vec<String> = page
        .select(&scraper::Selector::parse("select[name=visibility] option").unwrap())
        .map(|o| o.value().attr("value").unwrap().to_string())
        .collect();
    assert_eq!(options, vec!["followers".to_string()]);
    let response = fenna
        .browser
        .submit(&from, &format!("/p/{private}/reageren"), &[("status", "Ik ook."), ("visibility", "followers")])
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    // Her reply is for her followers: she sees it below the post (anna, who does not follow
    // her, does not: direct recipients are not stored yet).
    let context = fenna.api.get(&format!("/api/v1/statuses/{private}/context")).await;
    assert_eq!(ids(&context["descendants"]).len(), 1);
    assert_eq!(replies().await, 0);

    // A toggle with a value it does not know changes nothing.
    let response = fenna.browser.submit(&from, &format!("/p/{open}/leuk"), &[("doen", "misschien")]).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert_eq!(anna.api.get(&format!("/api/v1/statuses/{open}")).await["favourites_count"], 0);
    // Signed out, the forms lead to the sign-in page.
    let visitor = app.browser();
    // (A visitor sees no such form; the token comes from a page with a form for visitors.)
    let response = visitor.submit("/inloggen", &format!("/p/{open}/leuk"), &[("doen", "aan")]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert!(response.headers()["location"].to_str().unwrap().starts_with("/inloggen?next="));
    assert_eq!(anna.api.get(&format!("/api/v1/statuses/{open}")).await["favourites_count"], 0);
}

async fn post_page_forms_refuse_a_missing_csrf_token(b: Backend) {
    let app = TestApp::spawn(b).await;
    let anna = person(&app, "anna").await;
    let bert = person(&app, "bert").await;
    let post = say(&anna, "Een bericht om leuk te vinden.", "public", None).await;
    for (action, fields) in
        [("leuk", vec![("doen", "aan")]), ("delen", vec![("doen", "aan")]), ("reageren", vec![("status", "Hoi")])]
    {
        for csrf in [None, Some("vervalst")] {
            let mut body = fields.clone();
            if let Some(token) = csrf {
                body.push(("csrf", token));
            }
            let response =
                bert.browser.client.post(app.url(&format!("/p/{post}/{action}"))).form(&body).send().await.unwrap();
            assert_eq!(response.status(), StatusCode::FORBIDDEN, "{action} with {csrf:?}");
        }
    }
    let status = anna.api.get(&format!("/api/v1/statuses/{post}")).await;
    assert_eq!((status["favourites_count"].as_i64(), status["reblogs_count"].as_i64()), (Some(0), Some(0)));
    assert_eq!(ids(&anna.api.get(&format!("/api/v1/statuses/{post}/context")).await["descendants"]).len(), 0);
}

/// Mo, a person on another server, as stored here.
async fn remote_actor(app: &TestApp) -> Actor {
    let now = buurt::db::now();
    let mut conn = app.state.pool.get().await.unwrap();
    let form = ActorInsert {
        ap_id: "https://elders.example/users/mo".into(),
        kind: "Person".into(),
        username: "mo".into(),
        name_key: "mo".into(),
        domain: "elders.example".into(),
        display_name: "Mo van Elders".into(),
        summary: String::new(),
        url: Some("https://elders.example/@mo".into()),
        icon_url: None,
        inbox_url: "https://elders.example/users/mo/inbox".into(),
        shared_inbox_url: None,
        outbox_url: None,
        followers_url: None,
        public_key: None,
        manually_approves_followers: false,
        discoverable: true,
        local: false,
        deleted: false,
        instance_id: None,
        published: now,
        updated_at: now,
        last_fetched_at: None,
        image_url: None,
    };
    Actor::insert(&mut conn, &form).await.unwrap()
}

/// Mo's public post number `n`, as stored from his server.
async fn remote_post(app: &TestApp, mo: &Actor, n: u32, content: &str, in_reply_to: Option<u32>) -> Post {
    let status = |n: u32| format!("https://elders.example/users/mo/statuses/{n}");
    let mut conn = app.state.pool.get().await.unwrap();
    let form = PostInsert {
        id: None,
        ap_id: status(n),
        author_id: mo.id,
        kind: "note".into(),
        name: None,
        content: content.into(),
        summary: None,
        sensitive: false,
        language: None,
        in_reply_to: in_reply_to.map(status),
        url: Some(format!("https://elders.example/@mo/{n}")),
        visibility: Visibility::Public,
        local: false,
        deleted: false,
        published: buurt::db::now(),
        updated_at: None,
        audience_id: None,
        locked: false,
        pinned_at: None,
        source: None,
    };
    Post::insert(&mut conn, &form).await.unwrap()
}

async fn replies_that_loop_end_the_thread_without_repeating_a_post(b: Backend) {
    let app = TestApp::spawn(b).await;
    let bert = person(&app, "bert").await;
    let mo = remote_actor(&app).await;
    // Another server says 1 answers 3, 2 answers 1 and 3 answers 2: a loop.
    let one = remote_post(&app, &mo, 1, "<p>een</p>", Some(3)).await;
    let two = remote_post(&app, &mo, 2, "<p>twee</p>", Some(1)).await;
    let three = remote_post(&app, &mo, 3, "<p>drie</p>", Some(2)).await;
    let context = bert.api.get(&format!("/api/v1/statuses/{}/context", one.id.0)).await;
    assert_eq!(ids(&context["ancestors"]), vec![two.id.0.to_string(), three.id.0.to_string()]);
    assert_eq!(ids(&context["descendants"]), Vec::<String>::new(), "each post once: {context}");
    let page = bert.browser.get(&format!("/p/{}", two.id.0)).await;
    assert_eq!(page.status(), 200);
}

async fn other_servers_posts_get_a_page_for_residents_and_a_way_there_for_visitors(b: Backend) {
    let app = TestApp::spawn(b).await;
    let bert = person(&app, "bert").await;
    let mo = remote_actor(&app).await;
    let remote = remote_post(&app, &mo, 1, "<p>bericht-van-elders</p>", None).await;
    let page = format!("/p/{}", remote.id.0);
    let visitor = app.browser().get(&page).await;
    assert_eq!(visitor.status(), StatusCode::SEE_OTHER, "a visitor is sent to where the post lives");
    assert_eq!(visitor.headers()["location"], "https://elders.example/@mo/1");

    let shown = bert.browser.get_html(&page).await;
    assert!(text_of(&shown, ".e-content").unwrap().contains("bericht-van-elders"));
    assert!(text_of(&shown, ".post__author").unwrap().contains("@mo@elders.example"));
    let response =
        bert.browser.submit(&page, &format!("{page}/reageren"), &[("status", "Groeten uit de buurt!")]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let shown = bert.browser.get_html(&page).await;
    assert!(text_of(&shown, ".thread--below").unwrap().contains("Groeten uit de buurt!"));
    // The reply goes to the author of the post on the other server, who does not follow bert.
    let location = response.headers()["location"].to_str().unwrap().to_string();
    let reply = location.rsplit("#p-").next().unwrap();
    let mut conn = app.state.pool.get().await.unwrap();
    let create = buurt::db::models::outbox_activity::OutboxActivity::by_ap_id(
        &mut conn,
        &format!("{}/p/{reply}/activity", app.state.base_url),
    )
    .await
    .unwrap()
    .expect("the reply's Create is queued");
    assert_eq!(create.target_actors(), vec![mo.id]);
    drop(conn);
    bert.browser.submit(&page, &format!("{page}/leuk"), &[("doen", "aan")]).await;
    assert_eq!(text_of(&bert.browser.get_html(&page).await, "#likes-count").unwrap(), "Leuk gevonden: 1");
}

async fn favourited_and_reblogged_by_list_accounts_newest_first_in_pages(b: Backend) {
    let app = TestApp::spawn(b).await;
    let anna = person(&app, "anna").await;
    let post = say(&anna, "Wie vindt dit leuk?", "public", None).await;
    let mut fans = Vec::new();
    for name in ["bert", "carl", "dirk"] {
        let p = person(&app, name).await;
        p.api.post(&format!("/api/v1/statuses/{post}/favourite"), json!({})).await;
        fans.push(p.id.clone());
    }
    let first = anonymous_get(&app, &format!("/api/v1/statuses/{post}/favourited_by?limit=2")).await;
    assert_eq!(first.status(), 200);
    let link = first.headers()["link"].to_str().unwrap().to_string();
    let list: Value = first.json().await.unwrap();
    assert_eq!(ids(&list), vec![fans[2].clone(), fans[1].clone()], "newest first");
    assert_eq!(list[0]["acct"], "dirk");
    assert!(list[0]["followers_count"].is_number(), "Account entities: {list}");
    let next = link.split(", ").find(|p| p.ends_with("rel=\"next\"")).unwrap();
    let next = next.trim_start_matches('<').split('>').next().unwrap().trim_start_matches(&app.base).to_string();
    assert!(next.starts_with(&format!("/api/v1/statuses/{post}/favourited_by?limit=2&max_id=")), "{next}");
    let rest = anna.api.get(&next).await;
    assert_eq!(ids(&rest), vec![fans[0].clone()]);
    // An empty boost list is an empty array.
    assert_eq!(anna.api.get(&format!("/api/v1/statuses/{post}/reblogged_by")).await, json!([]));
    // A status that does not exist: 404, as one the caller may not see.
    assert_eq!(anonymous_get(&app, "/api/v1/statuses/999999/favourited_by").await.status(), 404);
    assert_eq!(anonymous_get(&app, "/api/v1/statuses/nee/context").await.status(), 404);
}
