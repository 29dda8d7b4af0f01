//! Events: made on the web and through the API, shown on their page, in agendas and feeds
//! (iCalendar, Atom) and as ActivityStreams `Event`s; answered (going, maybe, not going) with
//! seats that many answers at once never exceed and a waiting list that moves up in order;
//! approval by the organiser; bad input refused in the person's language with nothing stored;
//! and across instances: events of followed organisers arriving (another Buurt, Mobilizon's and
//! Gancio's shapes), a resident elsewhere joining with `Join`/`Accept`, and changes and
//! cancellations reaching them.

use std::time::SystemTime;

use buurt::db::models::event::Event;
use buurt::db::models::event_participant::{Participant, Rsvp};
use buurt::db::models::local_user::Role;
use reqwest::Method;
use serde_json::{Value, json};

use crate::both;
use crate::inbox::post_signed;
use crate::util::*;

both!(
    an_event_is_made_on_the_web_and_shown_everywhere,
    calendar_files_read_back_with_an_independent_parser,
    a_deleted_account_frees_its_seat_and_its_answers_are_in_its_export,
    those_going_are_reminded_the_day_before,
    a_residents_own_agenda_is_private_and_its_feed_address_revocable,
    bad_input_is_refused_and_changes_nothing,
    seats_are_never_exceeded_when_many_answer_at_once,
    approval_events_wait_for_the_organiser,
    strangers_cannot_manage_an_event,
    residents_elsewhere_answer_and_hear_of_changes,
    events_from_mobilizon_and_gancio_reach_the_agenda,
);

const EVENTS: &str = "/api/buurt/v1/events";

/// A future event's fields (the year keeps it upcoming).
fn event_body(title: &str) -> Value {
    json!({
        "title": title,
        "description": "Samen prikken we **zwerfafval**.",
        "starts": "2031-06-14T10:00",
        "ends": "2031-06-14T13:00",
        "place_name": "Buurthuis De Meeuw",
        "street_address": "Oosterparkstraat 1",
        "postal_code": "1091 AA",
        "locality": "Amsterdam",
        "latitude": "52.3596",
        "longitude": "4.917",
        "category": "nature",
        "accessibility": ["wheelchair", "hearing_loop"],
    })
}

/// An event for the accessibility crawl's pages.
pub fn event_body_for_pages() -> Value {
    event_body("Buurtschoonmaak")
}

async fn stored(app: &TestApp, id: &str) -> Event {
    let mut conn = app.state.pool.get().await.unwrap();
    Event::by_id(&mut conn, id.parse().unwrap()).await.unwrap().expect("stored")
}

async fn answers(app: &TestApp, id: i64, state: Rsvp) -> Vec<Participant> {
    let mut conn = app.state.pool.get().await.unwrap();
    Participant::list(&mut conn, id, &[state], 10_000).await.unwrap().into_iter().map(|(p, _)| p).collect()
}

async fn an_event_is_made_on_the_web_and_shown_everywhere(b: Backend) {
    let app = TestApp::spawn(b).await;
    let anna = app.signed_in("anna", Role::Member).await;
    let fields = [
        ("title", "Buurtschoonmaak Oosterpark"),
        ("description", "Samen prikken we **zwerfafval**. Grijpers zijn er."),
        ("starts", "2031-06-14T10:00"),
        ("ends", "2031-06-14T13:00"),
        ("timezone", "Europe/Amsterdam"),
        ("place_name", "Buurthuis De Meeuw"),
        ("street_address", "Oosterparkstraat 1"),
        ("postal_code", "1091 AA"),
        ("locality", "Amsterdam"),
        ("latitude", "52,3596"),
        ("longitude", "4,917"),
        ("category", "nature"),
        ("join_mode", "free"),
        ("capacity", "40"),
        ("status", "confirmed"),
        ("access_wheelchair", "true"),
        ("price", ""),
    ];
    let response = anna.submit("/activiteiten/nieuw", "/activiteiten/nieuw", &fields).await;
    assert_eq!(response.status(), 303, "{}", response.text().await.unwrap());
    let location = response.headers()["location"].to_str().unwrap().to_string();
    let path = location.split('?').next().unwrap().to_string();
    assert!(path.starts_with("/e/buurtschoonmaak_oost"), "{path}");

    // The page, for anyone: when (in Dutch, in the event's zone), where, accessibility, seats.
    let visitor = app.browser();
    let page = visitor.get_html(&path).await;
    let text = page.root_element().text().collect::<String>();
    for expected in [
        "Buurtschoonmaak Oosterpark",
        "za 14 juni 2031, 10:00–13:00",
        "Buurthuis De Meeuw, Oosterparkstraat 1, 1091 AA Amsterdam",
        "Rolstoeltoegankelijk",
        "Gratis",
        "Log in om je aan te melden",
    ] {
        assert!(text.contains(expected), "{expected} missing from the event page");
    }
    assert!(page.html().contains("<strong>zwerfafval</strong>"), "Markdown rendered");
    assert!(page.html().contains(&format!("href=\"{path}/agenda.ics\"")));

    // The agenda, the home page and the feeds list it.
    let agenda = visitor.get_html("/activiteiten").await.root_element().text().collect::<String>();
    assert!(agenda.contains("Buurtschoonmaak Oosterpark") && agenda.contains("za 14 juni 2031"), "{agenda}");
    let home = visitor.get_html("/").await;
    assert!(home.html().contains(&format!("href=\"{path}\"")), "the home page's upcoming events");
    assert!(home.html().contains("type=\"text/calendar\""), "the home page announces the instance's calendar");
    let ics = visitor.get("/activiteiten.ics").await;
    assert_eq!(ics.headers()["content-type"], "text/calendar; charset=utf-8");
    let ics = ics.text().await.unwrap();
    assert!(ics.contains("BEGIN:VCALENDAR") && ics.contains("SUMMARY:Buurtschoonmaak Oosterpark"), "{ics}");
    assert!(ics.contains("DTSTART:20310614T080000Z") && ics.contains("DTEND:20310614T110000Z"), "{ics}");
    assert!(ics.contains(&format!("URL:{}", app.url(&path))), "{ics}");
    let atom = visitor.get("/activiteiten.atom").await.text().await.unwrap();
    assert!(atom.contains("<feed") && atom.contains("Buurtschoonmaak Oosterpark"), "{atom}");

    // The ActivityStreams document: an Event that is also an actor.
    let doc = activity_json(app.url(&path)).await;
    assert_eq!(doc["type"], "Event");
    assert_eq!(doc["id"], app.url(&path));
    assert_eq!(doc["name"], "Buurtschoonmaak Oosterpark");
    assert_eq!(doc["startTime"], "2031-06-14T10:00:00+02:00");
    assert_eq!(doc["endTime"], "2031-06-14T13:00:00+02:00");
    assert_eq!(doc["timezone"], "Europe/Amsterdam");
    assert_eq!(
        doc["summary"],
        "za 14 juni 2031, 10:00–13:00 · Buurthuis De Meeuw, Oosterparkstraat 1, 1091 AA Amsterdam"
    );
    assert_eq!(doc["location"]["type"], "Place");
    assert_eq!(doc["location"]["address"]["postalCode"], "1091 AA");
    assert_eq!(doc["location"]["latitude"], 52.3596);
    assert_eq!(doc["maximumAttendeeCapacity"], 40);
    assert_eq!(doc["joinMode"], "free");
    assert_eq!(doc["attributedTo"], app.url("/u/anna"));
    assert_eq!(doc["inbox"], app.url(&format!("{path}/inbox")));
    assert!(doc["to"].as_array().unwrap().contains(&json!("https://www.w3.org/ns/activitystreams#Public")));
    // Its place has an address of its own: a page with the events held there, and a Place.
    let place_id = doc["location"]["id"].as_str().unwrap().to_string();
    assert!(place_id.starts_with(&app.url("/plekken/")), "{place_id}");
    let place = activity_json(&place_id).await;
    assert_eq!((place["type"].as_str(), place["address"]["postalCode"].as_str()), (Some("Place"), Some("1091 AA")));
    let place_page =
        visitor.get_html(place_id.trim_start_matches(&app.base)).await.root_element().text().collect::<String>();
    assert!(
        place_page.contains("Buurthuis De Meeuw") && place_page.contains("Buurtschoonmaak Oosterpark"),
        "{place_page}"
    );
    // It reads back through the protocol layer.
    let parsed: buurt::apub::protocol::Event = serde_json::from_value(doc.clone()).unwrap();
    assert_eq!(parsed.place().and_then(|p| p.name.clone()).as_deref(), Some("Buurthuis De Meeuw"));
    // Announced to anna's followers.
    let created = queued_by(&app, "anna", "Create").await;
    assert!(created.iter().any(|c| c["object"]["type"] == "Event" && c["object"]["id"] == doc["id"]));

    // Bert answers: going, then maybe; the count follows.
    let bert = app.signed_in("bert", Role::Member).await;
    let answer = |rsvp: &'static str| {
        let (bert, path) = (bert.clone(), path.clone());
        async move {
            bert.submit(&path, &format!("{path}/aanmelden"), &[("rsvp", rsvp), ("message", "Ik neem een grijper mee")])
                .await
        }
    };
    assert_eq!(answer("going").await.status(), 303);
    let page = bert.get_html(&path).await.root_element().text().collect::<String>();
    assert!(page.contains("Je gaat. Tot dan!") && page.contains("1 gaat / 40"), "{page}");
    let id = stored_id(&app, &path).await;
    assert_eq!(stored(&app, &id.to_string()).await.participant_count, 1);
    assert_eq!(answer("maybe").await.status(), 303);
    assert_eq!(stored(&app, &id.to_string()).await.participant_count, 0);
    assert_eq!(answers(&app, id, Rsvp::Maybe).await.len(), 1);

    // The API shows the same event.
    let api = app.api_user("carla").await;
    let listed = api.get(EVENTS).await;
    assert_eq!(listed[0]["title"], "Buurtschoonmaak Oosterpark");
    assert_eq!(listed[0]["starts_at"], "2031-06-14T08:00:00Z");
    assert_eq!(listed[0]["seats_left"], 40);
    assert_eq!(listed[0]["accessibility"], json!(["wheelchair"]));
}

async fn stored_id(app: &TestApp, path: &str) -> i64 {
    let mut conn = app.state.pool.get().await.unwrap();
    Event::by_ap_id(&mut conn, &app.url(path)).await.unwrap().expect("event").id
}

async fn count_events(app: &TestApp) -> usize {
    let mut conn = app.state.pool.get().await.unwrap();
    let now = buurt::db::now() - chrono::Duration::days(3650);
    Event::between(&mut conn, Default::default(), now, now + chrono::Duration::days(7300), 1000).await.unwrap().len()
}

async fn bad_input_is_refused_and_changes_nothing(b: Backend) {
    let app = TestApp::spawn(b).await;
    let anna = app.signed_in("anna", Role::Member).await;
    // On the web: every wrong field named, in Dutch, and the form kept.
    let response = anna
        .submit(
            "/activiteiten/nieuw",
            "/activiteiten/nieuw",
            &[
                ("title", "Kerstmarkt"),
                ("starts", "2031-12-20T16:00"),
                ("ends", "2031-12-20T12:00"),
                ("timezone", "Mars/Olympus"),
                ("capacity", "nul"),
                ("online_url", "javascript:alert(1)"),
            ],
        )
        .await;
    assert_eq!(response.status(), 422);
    let page = html(response).await;
    assert!(field_error(&page, "timezone").unwrap().contains("geen bekende tijdzone"));
    assert!(field_error(&page, "capacity").unwrap().contains("aantal plaatsen"));
    assert!(field_error(&page, "online_url").unwrap().contains("https://"));
    assert!(page.html().contains("value=\"Kerstmarkt\""), "what was typed stays");
    let mut body = event_body("Kerstmarkt");
    body["ends"] = json!("2031-06-14T09:00");
    let api = app.api_user("bert").await;
    let response = api.send(Method::POST, EVENTS, Some(body)).await;
    assert_eq!(response.status(), 422);
    let error: Value = response.json().await.unwrap();
    assert_eq!(error["error"], "validation_failed");
    assert_eq!(error["fields"]["ends"], "Het einde ligt voor het begin.", "{error}");
    let mut body = event_body("Kerstmarkt");
    body["starts"] = json!("2031-03-30T02:30");
    body["ends"] = json!("");
    assert_eq!(api.send(Method::POST, EVENTS, Some(body)).await.status(), 422, "a time the clocks skip");
    assert_eq!(count_events(&app).await, 0, "nothing stored");

    // Seats below those going, answers to a cancelled event: refused, nothing changed.
    let mut body = event_body("Kerstmarkt");
    body["capacity"] = json!("3");
    let event = api.post(EVENTS, body.clone()).await;
    let id = event["id"].as_str().unwrap().to_string();
    for name in ["carla", "dirk"] {
        let p = app.api_user(name).await;
        assert_eq!(p.post(&format!("{EVENTS}/{id}/rsvp"), json!({"rsvp": "going"})).await["state"], "going");
    }
    body["capacity"] = json!("1");
    let response = api.send(Method::PUT, &format!("{EVENTS}/{id}"), Some(body)).await;
    assert_eq!(response.status(), 422);
    assert!(response.text().await.unwrap().contains("meer mensen"));
    assert_eq!(stored(&app, &id).await.capacity, Some(3));
    let eva = app.api_user("eva").await;
    let wrong = eva.send(Method::POST, &format!("{EVENTS}/{id}/rsvp"), Some(json!({"rsvp": "soms"}))).await;
    assert_eq!(wrong.status(), 422);
    api.post(&format!("{EVENTS}/{id}/cancel"), json!({})).await;
    let late = eva.send(Method::POST, &format!("{EVENTS}/{id}/rsvp"), Some(json!({"rsvp": "going"}))).await;
    assert_eq!(late.status(), 422);
    assert!(late.text().await.unwrap().contains("geannuleerd"));
    assert_eq!(answers(&app, id.parse().unwrap(), Rsvp::Going).await.len(), 2, "eva is not going");
    // The participants heard of the cancellation.
    let notes = crate::notifications::notifications_of(&app, "carla").await;
    assert!(notes.iter().any(|n| n.0 == "event_cancelled"), "{notes:?}");
    // A month that is not one.
    assert_eq!(app.browser().get("/activiteiten?maand=2031-13").await.status(), 400);
}

async fn seats_are_never_exceeded_when_many_answer_at_once(b: Backend) {
    let app = TestApp::spawn(b).await;
    let anna = app.api_user("anna").await;
    let mut body = event_body("Workshop");
    body["capacity"] = json!("10");
    let id = anna.post(EVENTS, body).await["id"].as_str().unwrap().to_string();
    let mut people = vec![];
    for i in 0..40 {
        people.push(app.api_user(&format!("p{i}")).await);
    }
    let path = format!("{EVENTS}/{id}/rsvp");
    let handles: Vec<_> = people
        .iter()
        .map(|p| {
            let (p, path) = (p.clone(), path.clone());
            tokio::spawn(
                async move { p.post(&path, json!({"rsvp": "going"})).await["state"].as_str().unwrap().to_string() },
            )
        })
        .collect();
    let mut states = vec![];
    for h in handles {
        states.push(h.await.unwrap());
    }
    assert_eq!(states.iter().filter(|s| *s == "going").count(), 10, "{states:?}");
    assert_eq!(states.iter().filter(|s| *s == "waiting").count(), 30, "{states:?}");
    let event_id: i64 = id.parse().unwrap();
    assert_eq!(stored(&app, &id).await.participant_count, 10);
    // Someone going leaves: the first in line gets the seat, and hears so.
    let going = answers(&app, event_id, Rsvp::Going).await;
    let waiting = answers(&app, event_id, Rsvp::Waiting).await;
    let first_in_line = waiting[0].actor_id.unwrap();
    let leaver = going[0].actor_id.unwrap();
    let mut conn = app.state.pool.get().await.unwrap();
    let leaver_name = buurt::db::models::actor::Actor::by_id(&mut conn, leaver).await.unwrap().unwrap().username;
    drop(conn);
    let index: usize = leaver_name.trim_start_matches('p').parse().unwrap();
    assert_eq!(people[index].post(&path, json!({"rsvp": "not_going"})).await["state"], "not_going");
    let now_going = answers(&app, event_id, Rsvp::Going).await;
    assert_eq!(now_going.len(), 10);
    assert!(now_going.iter().any(|p| p.actor_id == Some(first_in_line)), "the first in line moved up");
    assert_eq!(answers(&app, event_id, Rsvp::Waiting).await.len(), 29);
    let mut conn = app.state.pool.get().await.unwrap();
    let promoted = buurt::db::models::actor::Actor::by_id(&mut conn, first_in_line).await.unwrap().unwrap();
    drop(conn);
    let notes = crate::notifications::notifications_of(&app, &promoted.username).await;
    assert!(notes.iter().any(|n| n.0 == "event_accepted"), "{notes:?}");
    // More seats let the line in, in order.
    let mut body = event_body("Workshop");
    body["capacity"] = json!("15");
    anna.send(Method::PUT, &format!("{EVENTS}/{id}"), Some(body)).await.error_for_status().unwrap();
    assert_eq!(answers(&app, event_id, Rsvp::Going).await.len(), 15);
    assert_eq!(stored(&app, &id).await.participant_count, 15);
}

async fn approval_events_wait_for_the_organiser(b: Backend) {
    let app = TestApp::spawn(b).await;
    let anna = app.api_user("anna").await;
    let mut body = event_body("Rondleiding");
    body["join_mode"] = json!("approval");
    body["capacity"] = json!("1");
    let id = anna.post(EVENTS, body).await["id"].as_str().unwrap().to_string();
    let bert = app.api_user("bert").await;
    let carla = app.api_user("carla").await;
    assert_eq!(
        bert.post(&format!("{EVENTS}/{id}/rsvp"), json!({"rsvp": "going", "message": "Graag!"})).await["state"],
        "pending"
    );
    assert_eq!(carla.post(&format!("{EVENTS}/{id}/rsvp"), json!({"rsvp": "going"})).await["state"], "pending");
    // Anna hears of the requests and sees them.
    let notes = crate::notifications::notifications_of(&app, "anna").await;
    assert!(notes.iter().any(|n| n.0 == "event_request" && n.1.as_deref() == Some("bert")), "{notes:?}");
    let list = anna.get(&format!("{EVENTS}/{id}/participants")).await;
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 2);
    assert_eq!(list[0]["message"], "Graag!");
    // Accepting bert gives him the seat; carla, accepted too, waits in line; a decided one
    // cannot be decided again.
    let bert_id = list[0]["id"].as_str().unwrap();
    let carla_id = list[1]["id"].as_str().unwrap();
    assert_eq!(
        anna.post(&format!("{EVENTS}/{id}/participants/{bert_id}"), json!({"accept": true})).await["state"],
        "going"
    );
    assert_eq!(
        anna.post(&format!("{EVENTS}/{id}/participants/{carla_id}"), json!({"accept": true})).await["state"],
        "waiting"
    );
    let again =
        anna.send(Method::POST, &format!("{EVENTS}/{id}/participants/{bert_id}"), Some(json!({"accept": false}))).await;
    assert_eq!(again.status(), 422);
    let notes = crate::notifications::notifications_of(&app, "bert").await;
    assert!(notes.iter().any(|n| n.0 == "event_accepted"), "{notes:?}");
    // The web list shows the same to anna.
    let web = app.signed_in("dirk", Role::Moderator).await;
    let page = web.get_html(&format!("/e/{}/deelnemers", event_name(&app, &id).await)).await;
    assert!(page.root_element().text().collect::<String>().contains("Wachtlijst"));
}

async fn event_name(app: &TestApp, id: &str) -> String {
    let e = stored(app, id).await;
    e.ap_id.rsplit('/').next().unwrap().to_string()
}

async fn strangers_cannot_manage_an_event(b: Backend) {
    let app = TestApp::spawn(b).await;
    let anna = app.api_user("anna").await;
    let id = anna.post(EVENTS, event_body("Repair café")).await["id"].as_str().unwrap().to_string();
    let name = event_name(&app, &id).await;
    let bert = app.api_user("bert").await;
    let mut changed = event_body("Gekaapt");
    changed["capacity"] = json!("2");
    assert_eq!(bert.send(Method::PUT, &format!("{EVENTS}/{id}"), Some(changed)).await.status(), 403);
    assert_eq!(bert.send(Method::POST, &format!("{EVENTS}/{id}/cancel"), None).await.status(), 403);
    assert_eq!(bert.send(Method::DELETE, &format!("{EVENTS}/{id}"), None).await.status(), 403);
    assert_eq!(bert.send(Method::GET, &format!("{EVENTS}/{id}/participants"), None).await.status(), 403);
    let web = app.signed_in("carla", Role::Member).await;
    assert_eq!(web.get(&format!("/e/{name}/bewerken")).await.status(), 403);
    assert_eq!(web.get(&format!("/e/{name}/deelnemers")).await.status(), 403);
    assert_eq!(web.submit(&format!("/e/{name}"), &format!("/e/{name}/verwijderen"), &[]).await.status(), 403);
    let page = web.get_html(&format!("/e/{name}")).await;
    assert!(!page.html().contains("/bewerken"), "no edit link for strangers");
    // Nothing changed; an anonymous visitor's answer goes to the sign-in page.
    let e = stored(&app, &id).await;
    assert_eq!((e.title.as_str(), e.capacity, e.status.as_str()), ("Repair café", None, "confirmed"));
    let visitor = app.browser();
    let response = visitor.submit(&format!("/e/{name}"), &format!("/e/{name}/aanmelden"), &[("rsvp", "going")]).await;
    assert!(response.status().is_redirection() || response.status() == 403, "{}", response.status());
    // A site moderator may manage it.
    let moderator = app.staff_api("mo", Role::Moderator).await;
    moderator.post(&format!("{EVENTS}/{id}/cancel"), json!({})).await;
    assert_eq!(stored(&app, &id).await.status, "cancelled");
    // Deleted by its organiser: gone, with a Tombstone sent.
    assert_eq!(anna.send(Method::DELETE, &format!("{EVENTS}/{id}"), None).await.status(), 200);
    assert_eq!(app.browser().get(&format!("/e/{name}")).await.status(), 404);
    let deletes = queued_by(&app, "anna", "Delete").await;
    assert!(deletes.iter().any(|d| d["object"]["type"] == "Tombstone" && d["object"]["formerType"] == "Event"));
}

async fn residents_elsewhere_answer_and_hear_of_changes(b: Backend) {
    let alpha = TestApp::spawn_federated(b).await;
    let beta = TestApp::spawn_federated(b).await;
    let anna = alpha.api_user("anna").await;
    anna.post("/api/buurt/v1/groups", json!({"name": "tuin", "display_name": "Buurttuin"})).await;
    // Bert on beta follows the group.
    let bert = beta.api_user("bert").await;
    let found = bert.get(&format!("/api/v2/search?q=@{}&resolve=true&type=accounts", alpha.handle("tuin"))).await;
    let tuin = found["accounts"][0]["id"].as_str().unwrap().to_string();
    bert.post(&format!("/api/v1/accounts/{tuin}/follow"), json!({})).await;
    eventually("the follow is accepted", || {
        let (bert, tuin) = (bert.clone(), tuin.clone());
        async move { bert.get(&format!("/api/v1/accounts/relationships?id[]={tuin}")).await[0]["following"] == true }
    })
    .await;
    // The group's event reaches beta's agenda.
    let mut body = event_body("Snoeimiddag");
    body["group"] = json!("tuin");
    body["capacity"] = json!("5");
    let event = anna.post(EVENTS, body).await;
    let ap_id = event["ap_id"].as_str().unwrap().to_string();
    alpha.drain().await;
    let on_beta = bert.get(EVENTS).await;
    let on_beta = on_beta.as_array().unwrap().iter().find(|e| e["ap_id"] == ap_id.as_str()).expect("arrived").clone();
    assert_eq!(on_beta["local"], false);
    assert_eq!(on_beta["starts_at"], "2031-06-14T08:00:00Z");
    assert_eq!(on_beta["place"]["postal_code"], "1091 AA");
    assert_eq!(on_beta["organiser"]["ap_id"], alpha.url("/g/tuin"));
    let beta_id = on_beta["id"].as_str().unwrap().to_string();
    // Bert goes: a Join, answered by the group's Accept that names it; exactly one seat.
    assert_eq!(bert.post(&format!("{EVENTS}/{beta_id}/rsvp"), json!({"rsvp": "going"})).await["state"], "pending");
    beta.drain().await;
    alpha.drain().await;
    let alpha_id: i64 = event["id"].as_str().unwrap().parse().unwrap();
    eventually("bert's seat is his on beta", || {
        let beta = &beta;
        let beta_id = beta_id.clone();
        async move { answers(beta, beta_id.parse().unwrap(), Rsvp::Going).await.len() == 1 }
    })
    .await;
    let going = answers(&alpha, alpha_id, Rsvp::Going).await;
    assert_eq!(going.len(), 1);
    let accepts = queued_by(&alpha, "tuin", "Accept").await;
    let accept = accepts.iter().find(|a| a["object"]["type"] == "Join").expect("an Accept of the Join");
    assert_eq!(accept["object"]["id"], going[0].ap_id.clone().unwrap().as_str(), "the Join's id echoed");
    assert_eq!(accept["object"]["object"], ap_id.as_str());
    // A new time reaches beta; bert hears of it there? (he is remote to alpha: the Update
    // reaches his server, which shows the new time).
    let mut moved = event_body("Snoeimiddag");
    moved["starts"] = json!("2031-06-15T14:00");
    moved["ends"] = json!("2031-06-15T16:00");
    moved["capacity"] = json!("5");
    anna.send(Method::PUT, &format!("{EVENTS}/{alpha_id}"), Some(moved)).await.error_for_status().unwrap();
    alpha.drain().await;
    eventually("the new time reaches beta", || {
        let beta = &beta;
        let beta_id = beta_id.clone();
        async move { stored(beta, &beta_id).await.starts_at.to_string() == "2031-06-15 12:00:00" }
    })
    .await;
    // Bert no longer goes: a Leave frees his seat on alpha.
    bert.post(&format!("{EVENTS}/{beta_id}/rsvp"), json!({"rsvp": "not_going"})).await;
    beta.drain().await;
    eventually("the seat is free on alpha", || {
        let alpha = &alpha;
        async move { answers(alpha, alpha_id, Rsvp::Going).await.is_empty() }
    })
    .await;
    // Cancelled: beta shows it cancelled.
    anna.post(&format!("{EVENTS}/{alpha_id}/cancel"), json!({})).await;
    alpha.drain().await;
    eventually("the cancellation reaches beta", || {
        let beta = &beta;
        let beta_id = beta_id.clone();
        async move { stored(beta, &beta_id).await.status == "cancelled" }
    })
    .await;
    // A Join from a server the group banned… is refused: a Join for a cancelled event gets a Reject.
    let carla = signer(&beta, "carla").await;
    let join = json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": format!("{}/participations/late", beta.base), "type": "Join",
        "actor": carla.actor, "object": ap_id,
    });
    let response = post_signed(&alpha.url("/inbox"), join.to_string().as_bytes(), &carla, SystemTime::now()).await;
    assert_eq!(response.status(), 202);
    let rejects = queued_by(&alpha, "tuin", "Reject").await;
    assert!(rejects.iter().any(|r| r["object"]["id"] == join["id"]), "{rejects:?}");
    assert_eq!(answers(&alpha, alpha_id, Rsvp::Going).await.len(), 0);
}

fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!("{}/tests/fixtures/{name}.json", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

async fn events_from_mobilizon_and_gancio_reach_the_agenda(b: Backend) {
    let alpha = TestApp::spawn_federated(b).await;
    let beta = TestApp::spawn_federated(b).await;
    // "marie" on beta plays the Mobilizon organiser; anna here follows her.
    let marie = signer(&beta, "marie").await;
    let anna = alpha.api_user("anna").await;
    let found = anna.get(&format!("/api/v2/search?q=@{}&resolve=true&type=accounts", beta.handle("marie"))).await;
    let marie_here = found["accounts"][0]["id"].as_str().unwrap().to_string();
    anna.post(&format!("/api/v1/accounts/{marie_here}/follow"), json!({})).await;
    let shaped = |name: &str| -> Value {
        let text = fixture(name)
            .replace("https://mobilizon.example/@marie", &marie.actor)
            .replace("https://mobilizon.example/@buurtgroep", &marie.actor)
            .replace("https://gancio.example/federation/u/relay", &marie.actor)
            .replace("https://mobilizon.example", &beta.base)
            .replace("https://gancio.example", &beta.base)
            .replace("2025-06-14", "2031-06-14");
        serde_json::from_str(&text).unwrap()
    };
    let send = |body: Value| {
        let inbox = alpha.url("/inbox");
        let marie = &marie;
        async move { post_signed(&inbox, body.to_string().as_bytes(), marie, SystemTime::now()).await.status() }
    };
    // Mobilizon: the event with its postal address, capacity and banner.
    let create = shaped("mobilizon/create-event");
    assert_eq!(send(create.clone()).await, 202);
    let listed = anna.get(EVENTS).await;
    let event =
        listed.as_array().unwrap().iter().find(|e| e["ap_id"] == create["object"]["id"]).expect("stored").clone();
    assert_eq!(event["title"], create["object"]["name"]);
    assert_eq!(event["capacity"], 40);
    assert_eq!(event["place"]["postal_code"], "1091 AA");
    assert_eq!(event["starts_at"], "2031-06-14T08:00:00Z");
    // Gancio: a place in words and an online link (hybrid).
    let gancio = shaped("gancio/create-event");
    assert_eq!(send(gancio.clone()).await, 202);
    let listed = anna.get(EVENTS).await;
    let g = listed.as_array().unwrap().iter().find(|e| e["ap_id"] == gancio["object"]["id"]).expect("stored").clone();
    assert_eq!(g["online_url"], "https://meet.example/schoonmaak");
    assert_eq!(g["place"]["street_address"], "Oosterparkstraat 1, Amsterdam");
    // The agenda page shows both; the Delete of one removes it.
    let agenda = alpha.browser().get_html("/activiteiten").await.root_element().text().collect::<String>();
    assert!(agenda.contains("Buurtschoonmaak"), "{agenda}");
    let delete = shaped("mobilizon/delete-event");
    assert_eq!(send(delete).await, 202);
    let listed = anna.get(EVENTS).await;
    assert!(!listed.as_array().unwrap().iter().any(|e| e["ap_id"] == create["object"]["id"]), "deleted");
    // An event attributed to someone else than the sender is refused, nothing stored.
    let mut forged = shaped("gancio/create-event");
    forged["id"] = json!(format!("{}/federation/m/99#create", beta.base));
    forged["object"]["id"] = json!(format!("{}/federation/m/99", beta.base));
    forged["object"]["attributedTo"] = json!(format!("{}/u/someone", beta.base));
    assert_eq!(send(forged).await, 403);
    // An event addressed only to the organiser's followers is not kept (events here are public).
    let mut private = shaped("gancio/create-event");
    let text = private
        .to_string()
        .replace("/m/12", "/m/14")
        .replace("https://www.w3.org/ns/activitystreams#Public", &format!("{}/followers", marie.actor));
    private = serde_json::from_str(&text).unwrap();
    assert_eq!(send(private).await, 202);
    assert_eq!(anna.get(EVENTS).await.as_array().unwrap().len(), 1, "only the public Gancio event");
    // An event nobody here follows the organiser of is not kept.
    let olga = signer(&beta, "olga").await;
    let mut unfollowed = shaped("gancio/create-event");
    let text = unfollowed.to_string().replace(&marie.actor, &olga.actor).replace("/m/12", "/m/13");
    unfollowed = serde_json::from_str(&text).unwrap();
    let status =
        post_signed(&alpha.url("/inbox"), unfollowed.to_string().as_bytes(), &olga, SystemTime::now()).await.status();
    assert_eq!(status, 202);
    assert_eq!(anna.get(EVENTS).await.as_array().unwrap().len(), 1);

    // A Mastodon user's favourite of an event here counts as "maybe"; its Undo takes it back.
    let ours = anna.post(EVENTS, event_body("Open tuin")).await;
    let ours_id: i64 = ours["id"].as_str().unwrap().parse().unwrap();
    let like = json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": format!("{}/likes/1", beta.base), "type": "Like", "actor": marie.actor, "object": ours["ap_id"],
    });
    assert_eq!(send(like.clone()).await, 202);
    assert_eq!(answers(&alpha, ours_id, Rsvp::Maybe).await.len(), 1);
    let undo = json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": format!("{}/likes/1/undo", beta.base), "type": "Undo", "actor": marie.actor, "object": like,
    });
    assert_eq!(send(undo).await, 202);
    assert!(answers(&alpha, ours_id, Rsvp::Maybe).await.is_empty());
}

/// The events of an iCalendar file as Python's `icalendar` package reads them.
fn read_ics(text: &str) -> Value {
    let requirements = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/python/ical-requirements.txt");
    let python = python_venv("ical-venv", requirements);
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), text).unwrap();
    let output = std::process::Command::new(python)
        .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/python/read_ics.py"))
        .arg(file.path())
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    serde_json::from_slice(&output.stdout).unwrap()
}

async fn calendar_files_read_back_with_an_independent_parser(b: Backend) {
    let app = TestApp::spawn(b).await;
    let anna = app.api_user("anna").await;
    anna.post("/api/buurt/v1/groups", json!({"name": "tuin", "display_name": "Buurttuin"})).await;
    let mut body = event_body("Snoeimiddag; met \\ tekens, en komma's");
    body["group"] = json!("tuin");
    let timed = anna.post(EVENTS, body).await;
    let mut all_day = event_body("Zomerfeest");
    all_day["all_day"] = json!(true);
    all_day["starts"] = json!("2031-07-04");
    all_day["ends"] = json!("2031-07-05");
    let all_day = anna.post(EVENTS, all_day).await;
    anna.post(&format!("{EVENTS}/{}/cancel", all_day["id"].as_str().unwrap()), json!({})).await;

    let feed = app.browser().get("/activiteiten.ics").await.text().await.unwrap();
    let read = read_ics(&feed);
    assert_eq!(read["name"], "Activiteiten · Buurt");
    let events = read["events"].as_array().unwrap();
    assert_eq!(events.len(), 2, "{read}");
    let first = &events[0];
    assert_eq!(
        first["summary"], "Snoeimiddag; met \\ tekens, en komma's",
        "text with ; , and \\ escaped and read back"
    );
    assert_eq!(first["start"], "2031-06-14T08:00:00+00:00");
    assert_eq!(first["end"], "2031-06-14T11:00:00+00:00");
    assert_eq!(first["uid"], timed["ap_id"]);
    assert_eq!(first["url"], timed["url"]);
    assert_eq!(first["status"], "CONFIRMED");
    assert_eq!(first["location"], "Buurthuis De Meeuw, Oosterparkstraat 1, 1091 AA Amsterdam");
    assert!(first["description"].as_str().unwrap().contains("Samen prikken we zwerfafval."), "{first}");
    // An all-day event is a date (the end the day after its last), cancelled as it says.
    let second = &events[1];
    assert_eq!(second["start"], "2031-07-04");
    assert_eq!(second["end"], "2031-07-06");
    assert_eq!(second["status"], "CANCELLED");
    // The group's feed and one event's file.
    let group = read_ics(&app.browser().get("/g/tuin/activiteiten.ics").await.text().await.unwrap());
    assert_eq!(group["events"].as_array().unwrap().len(), 1);
    let url = timed["url"].as_str().unwrap();
    let path = url.trim_start_matches(&app.base);
    let one = app.browser().get(&format!("{path}/agenda.ics")).await;
    assert!(one.headers()["content-disposition"].to_str().unwrap().starts_with("attachment"));
    let one = read_ics(&one.text().await.unwrap());
    assert_eq!(one["events"][0]["uid"], timed["ap_id"]);
}

async fn a_deleted_account_frees_its_seat_and_its_answers_are_in_its_export(b: Backend) {
    let app = TestApp::spawn(b).await;
    let anna = app.api_user("anna").await;
    let mut body = event_body("Kookcursus");
    body["capacity"] = json!("1");
    let id = anna.post(EVENTS, body).await["id"].as_str().unwrap().to_string();
    let bert = app.api_user("bert").await;
    let carla = app.api_user("carla").await;
    bert.post(&format!("{EVENTS}/{id}/rsvp"), json!({"rsvp": "going", "message": "Ik neem messen mee"})).await;
    assert_eq!(carla.post(&format!("{EVENTS}/{id}/rsvp"), json!({"rsvp": "going"})).await["state"], "waiting");
    let own = bert.post(EVENTS, event_body("Berts fietstocht")).await["id"].as_str().unwrap().to_string();
    // Bert's export names his answer (with his message) and the event he organised.
    let (data, _) = crate::privacy::export_of(&bert).await;
    let exported = data["event_answers"].as_array().unwrap();
    assert_eq!(exported.len(), 1);
    assert_eq!((exported[0]["title"].as_str(), exported[0]["answer"].as_str()), (Some("Kookcursus"), Some("going")));
    assert_eq!(exported[0]["message"], "Ik neem messen mee");
    assert_eq!(data["events_organised"].as_array().unwrap().len(), 1);
    let (annas, _) = crate::privacy::export_of(&anna).await;
    assert!(annas["event_answers"].as_array().unwrap().is_empty(), "nothing of bert's in anna's export");
    // Bert goes, removing what he made: carla gets his seat, his own event is gone.
    let gone =
        bert.send(Method::DELETE, "/api/buurt/v1/me", Some(json!({"password": PASSWORD, "content": "remove"}))).await;
    assert_eq!(gone.status(), 204);
    let event_id: i64 = id.parse().unwrap();
    let going = answers(&app, event_id, Rsvp::Going).await;
    assert_eq!(going.len(), 1);
    assert_eq!(going[0].actor_id, Some(app.account("carla").await.unwrap().actor.id));
    assert_eq!(stored(&app, &id).await.participant_count, 1);
    let mut conn = app.state.pool.get().await.unwrap();
    assert!(Event::by_id(&mut conn, own.parse().unwrap()).await.unwrap().is_none());
}

/// `hours` from now in Amsterdam's local time, as the form takes it.
fn local_in(hours: i64) -> String {
    let tz: chrono_tz::Tz = "Europe/Amsterdam".parse().unwrap();
    (chrono::Utc::now() + chrono::Duration::hours(hours)).with_timezone(&tz).format("%Y-%m-%dT%H:%M").to_string()
}

/// The reminders queued, as if their time had come: due now.
async fn reminders_due_now(app: &TestApp) -> usize {
    use buurt::db::schema::job;
    use diesel::{ExpressionMethods, QueryDsl};
    use diesel_async::RunQueryDsl;
    let mut conn = app.state.pool.get().await.unwrap();
    let now = buurt::db::now();
    let n = buurt::dispatch!(&mut conn, c => diesel::update(job::table.filter(job::kind.eq("event.remind")))
        .set(job::run_at.eq(now))
        .execute(c)
        .await)
    .unwrap();
    buurt::jobs::wake(&app.state);
    n
}

async fn those_going_are_reminded_the_day_before(b: Backend) {
    let app = TestApp::spawn(b).await;
    let anna = app.api_user("anna").await;
    // Made 30 hours ahead: its reminder waits (due in 6 hours).
    let mut body = event_body("Wijkfeest");
    body["starts"] = json!(local_in(30));
    body["ends"] = json!("");
    let id = anna.post(EVENTS, body.clone()).await["id"].as_str().unwrap().to_string();
    let bert = app.api_user("bert").await;
    let carla = app.api_user("carla").await;
    bert.post(&format!("{EVENTS}/{id}/rsvp"), json!({"rsvp": "going"})).await;
    carla.post(&format!("{EVENTS}/{id}/rsvp"), json!({"rsvp": "maybe"})).await;
    app.run_jobs().await;
    let reminded = |name: &'static str| {
        let app = &app;
        async move {
            crate::notifications::notifications_of(app, name).await.iter().filter(|n| n.0 == "event_reminder").count()
        }
    };
    assert_eq!(reminded("bert").await, 0, "not yet: the reminder is due in six hours");
    // Moved to 40 hours ahead: a second reminder is queued, and when both come due only the
    // one for the new start reminds — those going, once.
    body["starts"] = json!(local_in(40));
    anna.send(Method::PUT, &format!("{EVENTS}/{id}"), Some(body)).await.error_for_status().unwrap();
    assert_eq!(reminders_due_now(&app).await, 2);
    app.run_jobs().await;
    assert_eq!(reminded("bert").await, 1);
    assert_eq!(reminded("carla").await, 0, "maybe is not going");
    assert_eq!(reminded("anna").await, 0);
    // A cancelled event reminds nobody.
    let mut other = event_body("Afgelast");
    other["starts"] = json!(local_in(50));
    other["ends"] = json!("");
    let other = anna.post(EVENTS, other).await["id"].as_str().unwrap().to_string();
    bert.post(&format!("{EVENTS}/{other}/rsvp"), json!({"rsvp": "going"})).await;
    anna.post(&format!("{EVENTS}/{other}/cancel"), json!({})).await;
    assert_eq!(reminders_due_now(&app).await, 1);
    app.run_jobs().await;
    assert_eq!(reminded("bert").await, 1);
}

async fn a_residents_own_agenda_is_private_and_its_feed_address_revocable(b: Backend) {
    let app = TestApp::spawn(b).await;
    let anna = app.api_user("anna").await;
    anna.post("/api/buurt/v1/groups", json!({"name": "tuin", "display_name": "Buurttuin"})).await;
    let mut in_group = event_body("Tuindag");
    in_group["group"] = json!("tuin");
    anna.post(EVENTS, in_group).await;
    let answered = anna.post(EVENTS, event_body("Lezing over bijen")).await;
    let carla = app.api_user("carla").await;
    carla.post(EVENTS, event_body("Carla's kaartavond")).await;
    let bert = app.api_user("bert").await;
    bert.post("/api/buurt/v1/groups/tuin/join", json!({})).await;
    bert.post(&format!("{EVENTS}/{}/rsvp", answered["id"].as_str().unwrap()), json!({"rsvp": "maybe"})).await;

    let web = app.browser();
    web.login("bert", PASSWORD).await;
    let page = web.get_html("/mijn-agenda").await.root_element().text().collect::<String>();
    assert!(page.contains("Tuindag") && page.contains("Lezing over bijen"), "{page}");
    assert!(!page.contains("kaartavond"), "not his: {page}");
    assert!(app.browser().get("/mijn-agenda").await.status().is_redirection(), "private");

    // The secret address, shown once; a new one revokes the old.
    let made = html(web.submit("/mijn-agenda", "/mijn-agenda/link", &[]).await).await;
    let url = made
        .select(&scraper::Selector::parse("#feed-url").unwrap())
        .next()
        .unwrap()
        .value()
        .attr("value")
        .unwrap()
        .to_string();
    assert!(url.starts_with(&app.url("/ical/")), "{url}");
    let path = url.trim_start_matches(&app.base).to_string();
    let feed = app.browser().get(&path).await;
    assert_eq!(feed.status(), 200);
    assert_eq!(feed.headers()["cache-control"], "private, no-store");
    let feed = feed.text().await.unwrap();
    assert!(
        feed.contains("SUMMARY:Tuindag") && feed.contains("SUMMARY:Lezing over bijen") && !feed.contains("kaartavond"),
        "{feed}"
    );
    let again = web.get_html("/mijn-agenda").await;
    assert!(again.select(&scraper::Selector::parse("#feed-url").unwrap()).next().is_none(), "shown only once");
    web.submit("/mijn-agenda", "/mijn-agenda/link", &[]).await;
    assert_eq!(app.browser().get(&path).await.status(), 404, "the old address no longer works");
    assert_eq!(app.browser().get("/ical/geraden").await.status(), 404);
}
