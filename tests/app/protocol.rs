//! The protocol layer (`apub::protocol`) against other servers' JSON — fixtures under
//! `tests/fixtures/<software>/`, written from their documented shapes — and against what Buurt
//! emits: every fixture parses, Buurt's own documents round-trip exactly, a Mastodon post goes
//! through the inbox end to end, and FEDERATION.md lists every type accepted and emitted.

use std::path::{Path, PathBuf};
use std::time::SystemTime;

use buurt::apub::protocol::{
    self, ACCEPTED, ACTOR_TYPES, Activity, ActivityKind, ActorJson, EMITTED, Event, Id, Note, NoteKind, Object,
    Tombstone,
};
use buurt::db::models::actor::Actor;
use buurt::db::models::local_user::Role;
use serde_json::{Value, json};

use crate::both;
use crate::inbox::post_signed;
use crate::util::*;

both!(
    buurts_own_documents_round_trip_exactly,
    a_mastodon_post_goes_through_the_inbox,
    an_actor_without_preferred_username_can_sign_activities,
);

const SOFTWARE: &[&str] = &["mastodon", "lemmy", "mobilizon", "gancio", "friendica", "pleroma", "misskey"];

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// Every fixture: (software/name, JSON).
fn fixtures() -> Vec<(String, Value)> {
    let mut all = Vec::new();
    for software in SOFTWARE {
        let mut files: Vec<_> =
            std::fs::read_dir(fixtures_dir().join(software)).unwrap().map(|e| e.unwrap().path()).collect();
        files.sort();
        for file in files.into_iter().filter(|f| f.extension().is_some_and(|e| e == "json")) {
            let name = format!("{software}/{}", file.file_stem().unwrap().to_string_lossy());
            all.push((name, serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap()));
        }
    }
    all
}

fn fixture(name: &str) -> Value {
    fixtures().into_iter().find(|(n, _)| n == name).unwrap_or_else(|| panic!("no fixture {name}")).1
}

/// What a fixture parses into, by its `type`.
#[derive(Debug)]
enum Parsed {
    Actor(Box<ActorJson>),
    Note(Box<Note>),
    Event(Box<Event>),
    Activity(Box<Activity<Object>>),
}

fn parse(value: &Value) -> Result<Parsed, String> {
    let kind = value["type"].as_str().unwrap_or_default();
    if ACTOR_TYPES.contains(&kind) {
        return protocol::values::from_value(value.clone()).map(|a| Parsed::Actor(Box::new(a)));
    }
    if NoteKind::parse(kind).is_some() {
        return protocol::values::from_value(value.clone()).map(|n| Parsed::Note(Box::new(n)));
    }
    if kind == "Event" {
        return protocol::values::from_value(value.clone()).map(|e| Parsed::Event(Box::new(e)));
    }
    Activity::<Object>::parse(value.to_string().as_bytes())
        .map(|a| Parsed::Activity(Box::new(a)))
        .map_err(|e| e.to_string())
}

#[test]
fn every_software_has_an_actor_a_post_or_event_and_activities() {
    let all = fixtures();
    for software in SOFTWARE {
        let kinds: Vec<&str> = all
            .iter()
            .filter(|(n, _)| n.starts_with(&format!("{software}/")))
            .filter_map(|(_, v)| v["type"].as_str())
            .collect();
        assert!(kinds.iter().any(|k| ACTOR_TYPES.contains(k)), "{software}: an actor");
        assert!(kinds.iter().any(|k| NoteKind::parse(k).is_some() || *k == "Event"), "{software}: a post or event");
        assert!(kinds.contains(&"Create"), "{software}: a Create");
        assert!(
            kinds.iter().any(|k| ["Follow", "Like", "Announce", "Delete", "Undo"].contains(k)),
            "{software}: a Follow, Like, Announce, Delete or Undo"
        );
    }
}

#[test]
fn every_fixture_parses_into_the_protocol_structs() {
    for (name, value) in fixtures() {
        let parsed = parse(&value).unwrap_or_else(|e| panic!("{name}: {e}"));
        let id = value["id"].as_str().unwrap();
        match &parsed {
            Parsed::Actor(a) => {
                assert_eq!(a.id.as_str(), id, "{name}");
                assert!(!a.username().is_empty(), "{name}");
            }
            Parsed::Note(n) => assert_eq!(n.id, id, "{name}"),
            Parsed::Event(e) => assert_eq!(e.id, id, "{name}"),
            Parsed::Activity(a) => {
                assert_eq!(a.id, id, "{name}");
                assert_eq!(a.kind.as_str(), value["type"].as_str().unwrap(), "{name}");
                a.envelope().unwrap_or_else(|e| panic!("{name}: {e}"));
                // An embedded object is read by its type; a link stays a link.
                match (&value["object"], &a.object) {
                    (Value::String(link), Object::Link(parsed)) => assert_eq!(link, parsed, "{name}"),
                    (Value::Object(object), parsed) => {
                        assert_eq!(object.get("id").and_then(Value::as_str), parsed.id(), "{name}");
                        let expected = object["type"].as_str().unwrap();
                        assert_eq!(parsed.kind(), Some(expected), "{name}");
                        let typed = match parsed {
                            Object::Post(_) => NoteKind::parse(expected).is_some(),
                            Object::Event(_) => expected == "Event",
                            Object::Tombstone(_) => expected == "Tombstone",
                            Object::Actor { .. } => ACTOR_TYPES.contains(&expected),
                            Object::Activity(_) => !matches!(ActivityKind::parse(expected), ActivityKind::Other(_)),
                            Object::Member(_) => expected == "Member",
                            _ => false,
                        };
                        assert!(typed, "{name}: {parsed:?}");
                    }
                    (Value::Array(items), Object::List(parsed)) => assert_eq!(items.len(), parsed.len(), "{name}"),
                    (object, parsed) => panic!("{name}: {object} read as {parsed:?}"),
                }
            }
        }
    }
}

#[test]
fn fixtures_are_read_as_their_software_means_them() {
    // Mastodon: the photo with its alt text, focal point and size; mentions; the language.
    let Ok(Parsed::Activity(create)) = parse(&fixture("mastodon/create-note")) else { panic!() };
    let Object::Post(note) = &create.object else { panic!() };
    assert!(note.attributed_to("https://mastodon.example/users/piet"));
    assert_eq!(note.language(), Some("nl"));
    let photo = note.attachment.first().unwrap();
    assert_eq!(photo.name.as_deref(), Some("Een houten ladder tegen een muur"));
    assert_eq!((photo.width, photo.height, photo.focal_point), (Some(1200), Some(800), Some([0.0, 0.0])));
    assert!(note.addressed().contains(&"https://oost.buurt.example/u/anna"));
    // Pleroma: `sensitive: null`, and the image's URL and media type inside a list of Links.
    let Ok(Parsed::Note(note)) = parse(&fixture("pleroma/note")) else { panic!() };
    assert!(!note.sensitive);
    let image = note.attachment.first().unwrap();
    assert_eq!(image.url().as_deref(), Some("https://pleroma.example/media/band.png"));
    assert_eq!(image.media_type(), Some("image/png"));
    // Misskey: `image: null`, the shared inbox at the top level too.
    let Ok(Parsed::Actor(kees)) = parse(&fixture("misskey/actor")) else { panic!() };
    assert_eq!(kees.image_url(), None);
    assert_eq!(kees.shared_inbox().map(url::Url::as_str), Some("https://misskey.example/inbox"));
    // Lemmy: a Page with a title, and the community's Announce carrying the Create whole.
    let Ok(Parsed::Note(page)) = parse(&fixture("lemmy/page")) else { panic!() };
    assert_eq!((page.kind, page.name.as_deref()), (NoteKind::Page, Some("Rommelmarkt op zaterdag")));
    let Ok(Parsed::Activity(announce)) = parse(&fixture("lemmy/announce-create-page")) else { panic!() };
    let Object::Activity(inner) = &announce.object else { panic!() };
    assert_eq!(inner.kind, ActivityKind::Create);
    assert_eq!(inner.object.as_ref().map(Id::as_str), Some("https://lemmy.example/post/55"));
    // Mobilizon: the event's place with its postal address, capacity and banner; the group's place.
    let Ok(Parsed::Event(event)) = parse(&fixture("mobilizon/event")) else { panic!() };
    let place = event.place().unwrap();
    assert!(matches!(&place.address, Some(protocol::Address::Postal(a)) if a.postal_code == "1091 AA"));
    assert_eq!(event.maximum_attendee_capacity, Some(40));
    assert_eq!(event.banner().and_then(|b| b.url()).as_deref(), Some("https://mobilizon.example/media/banner.jpg"));
    assert_eq!(event.start_time.map(|t| t.0.to_rfc3339()).as_deref(), Some("2025-06-14T08:00:00+00:00"));
    let Ok(Parsed::Actor(group)) = parse(&fixture("mobilizon/group")) else { panic!() };
    assert_eq!(group.place().and_then(|p| p.name.as_deref()), Some("Buurthuis De Meeuw"));
    // Gancio: a Place with the address as text next to a VirtualLocation.
    let Ok(Parsed::Event(event)) = parse(&fixture("gancio/event")) else { panic!() };
    assert!(matches!(&event.place().unwrap().address, Some(protocol::Address::Text(t)) if t.starts_with("Oosterpark")));
    assert_eq!(event.location.iter().count(), 2);
    // Friendica: the Note's HTML, and an Event with only a place name.
    let Ok(Parsed::Event(event)) = parse(&fixture("friendica/event")) else { panic!() };
    assert_eq!(event.name.as_deref(), Some("Broodjesmarkt"));
    // Types Buurt does not act on are well-formed and kept by name.
    let Ok(Parsed::Activity(react)) = parse(&fixture("pleroma/emoji-react")) else { panic!() };
    assert_eq!(react.kind, ActivityKind::Other("EmojiReact".into()));
}

#[test]
fn a_parse_error_names_the_field() {
    let error = |json: Value| Activity::<Object>::parse(json.to_string().as_bytes()).unwrap_err();
    let base = |object: Value| json!({"id": "https://a.example/1", "type": "Create", "actor": "https://a.example/u", "object": object});
    let e = error(base(json!({"type": "Note", "content": "x"})));
    assert_eq!(e.field, "object");
    assert!(e.message.contains("id"), "{e}");
    let e = error(json!({"id": "https://a.example/1", "type": "Follow", "object": "https://b.example/u"}));
    assert!(e.to_string().contains("actor"), "{e}");
    let e = error(base(json!(42)));
    assert_eq!(e.field, "object");
    let e = error(json!({"id": "https://a.example/1", "type": "Like", "actor": {"name": "no id"}, "object": "x"}));
    assert_eq!(e.field, "actor");
    let ok = Activity::<Object>::parse(base(json!("https://a.example/p/1")).to_string().as_bytes()).unwrap();
    let e = Activity { id: "ftp://a.example/1".into(), ..ok }.envelope().unwrap_err();
    assert_eq!(e.field, "id");
}

/// FEDERATION.md's "Types" section lists exactly the protocol's ACCEPTED and EMITTED types.
#[test]
fn federation_md_lists_every_type_accepted_and_emitted() {
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("FEDERATION.md")).unwrap();
    let section = |heading: &str| -> Vec<String> {
        let start = text.find(heading).unwrap_or_else(|| panic!("FEDERATION.md has no {heading:?}"));
        let rest = &text[start + heading.len()..];
        let end = rest.find("\n#").unwrap_or(rest.len());
        rest[..end].split('`').skip(1).step_by(2).map(str::to_string).collect()
    };
    for (heading, types) in [("### Types accepted", ACCEPTED), ("### Types emitted", EMITTED)] {
        let listed = section(heading);
        for t in types {
            assert!(listed.iter().any(|l| l == t), "FEDERATION.md {heading} misses `{t}`");
        }
        for l in &listed {
            assert!(types.contains(&l.as_str()), "FEDERATION.md {heading} lists `{l}`, which the protocol does not");
        }
    }
}

/// Serializes `value` as `T` and back: what Buurt emits reads into the protocol structs and
/// comes out the same.
fn round_trips<T: serde::de::DeserializeOwned + serde::Serialize>(what: &str, mut value: Value) {
    if let Some(map) = value.as_object_mut() {
        map.remove("@context");
    }
    let typed: T = protocol::values::from_value(value.clone()).unwrap_or_else(|e| panic!("{what}: {e}"));
    assert_eq!(serde_json::to_value(&typed).unwrap(), value, "{what}");
}

async fn buurts_own_documents_round_trip_exactly(b: Backend) {
    use buurt::domain::follows::wire as follows;
    use buurt::domain::reactions;
    let app = TestApp::spawn(b).await;
    let anna = app.api_user("anna").await;
    app.create_user("bert", Role::Member).await;
    let status = anna
        .post(
            "/api/v1/statuses",
            json!({"status": "Wie helpt zaterdag?", "spoiler_text": "Schoonmaak", "language": "nl"}),
        )
        .await;
    let id = status["id"].as_str().unwrap().to_string();

    let create = activity_json(app.url(&format!("/p/{id}/activity"))).await;
    // The keys Buurt has always sent, and no others.
    let mut keys: Vec<&str> = create["object"].as_object().unwrap().keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "attachment",
            "attributedTo",
            "cc",
            "content",
            "contentMap",
            "id",
            "inReplyTo",
            "mediaType",
            "published",
            "sensitive",
            "summary",
            "tag",
            "to",
            "type",
            "url"
        ]
    );
    assert_eq!(create["object"]["summary"], "Schoonmaak");
    assert_eq!(create["published"], create["object"]["published"]);
    round_trips::<Activity<Note>>("Create", create.clone());
    let parsed = Activity::<Object>::parse(create.to_string().as_bytes()).unwrap();
    assert!(
        matches!(&parsed.object, Object::Post(n) if n.attributed_to(&app.url("/u/anna")) && n.language() == Some("nl"))
    );
    round_trips::<Note>("Note", activity_json(app.url(&format!("/p/{id}"))).await);
    round_trips::<ActorJson>("Person", activity_json(app.url("/u/anna")).await);
    round_trips::<ActorJson>("Application", activity_json(app.url("/actor")).await);
    let outbox = activity_json(app.url("/u/anna/outbox?page=true")).await;
    round_trips::<protocol::OrderedCollectionPage<Activity<Note>>>("outbox page", outbox);

    // The activities of follows and reactions, built from the rows as the domain sends them.
    let (a, bert, post) = {
        let mut conn = app.state.pool.get().await.unwrap();
        let a = Actor::by_name(&mut conn, "anna", &app.settings().instance.domain).await.unwrap().unwrap();
        let bert = Actor::by_name(&mut conn, "bert", &app.settings().instance.domain).await.unwrap().unwrap();
        let post =
            buurt::db::models::post::Post::by_id(&mut conn, buurt::db::models::post::PostId(id.parse().unwrap()))
                .await
                .unwrap()
                .unwrap();
        (a, bert, post)
    };
    let follow = follows::follow("https://x.example/f/1", &bert, &a);
    let accept = follows::answer(ActivityKind::Accept, "https://x.example/a/1", &a, "https://x.example/f/1", &bert);
    let like = reactions::like("https://x.example/l/1", &bert, &post, &a);
    let announce = reactions::announce("https://x.example/b/1", &bert, &post, &a, buurt::db::now().into());
    let undo = follows::undo("https://x.example/u/1", &bert, like.clone());
    for (what, value) in [
        ("Follow", serde_json::to_value(&follow).unwrap()),
        ("Like", serde_json::to_value(&like).unwrap()),
        ("Announce", serde_json::to_value(&announce).unwrap()),
    ] {
        round_trips::<Activity<Id>>(what, value);
    }
    round_trips::<Activity<Activity<Id>>>("Accept", serde_json::to_value(&accept).unwrap());
    round_trips::<Activity<Activity<Id>>>("Undo", serde_json::to_value(&undo).unwrap());
    let accept = Activity::<Object>::parse(serde_json::to_value(&accept).unwrap().to_string().as_bytes()).unwrap();
    assert!(matches!(&accept.object, Object::Activity(f) if f.id.as_deref() == Some("https://x.example/f/1")));

    // A deleted post is a Tombstone.
    anna.send(reqwest::Method::DELETE, &format!("/api/v1/statuses/{id}"), None).await;
    let gone = reqwest::Client::new()
        .get(app.url(&format!("/p/{id}")))
        .header("accept", "application/activity+json")
        .send()
        .await
        .unwrap();
    assert_eq!(gone.status(), 410);
    round_trips::<Tombstone>("Tombstone", gone.json().await.unwrap());
}

/// A server on loopback that serves one actor document at `/users/piet`.
struct Peer {
    base: String,
    _server: tokio::task::JoinHandle<()>,
}

impl Peer {
    /// Serves `actor(base)`, with the test key pair's public key.
    async fn start(actor: impl FnOnce(&str) -> Value) -> Peer {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://localhost:{}", listener.local_addr().unwrap().port());
        let mut document = actor(&base);
        document["publicKey"]["publicKeyPem"] = include_str!("../fixtures/test_public_key.pem").into();
        let body = document.to_string();
        let router = axum::Router::new().route(
            "/users/piet",
            axum::routing::get(move || async move { ([("content-type", "application/activity+json")], body) }),
        );
        let server = tokio::spawn(async move {
            let _ = axum::serve(listener, router).await;
        });
        Peer { base, _server: server }
    }

    fn signer(&self) -> Signer {
        Signer {
            key_id: format!("{}/users/piet#main-key", self.base),
            actor: format!("{}/users/piet", self.base),
            pem: include_str!("../fixtures/test_private_key.pem").into(),
        }
    }
}

/// A fixture with its hosts replaced by the peer's and the instance's.
fn localized(name: &str, peer: &Peer, app: &TestApp, other: &str) -> Value {
    let text = fixture(name).to_string().replace(other, &peer.base).replace("https://oost.buurt.example", &app.base);
    serde_json::from_str(&text).unwrap()
}

async fn a_mastodon_post_goes_through_the_inbox(b: Backend) {
    let alpha = TestApp::spawn_federated(b).await;
    alpha.create_user("anna", Role::Member).await;
    let mastodon = "https://mastodon.example";
    let peer = Peer::start(|base| {
        serde_json::from_str(&fixture("mastodon/actor").to_string().replace(mastodon, base)).unwrap()
    })
    .await;
    let create = localized("mastodon/create-note", &peer, &alpha, mastodon);
    let response =
        post_signed(&alpha.url("/inbox"), create.to_string().as_bytes(), &peer.signer(), SystemTime::now()).await;
    assert_eq!(response.status(), 202, "{}", response.text().await.unwrap());

    let mut conn = alpha.state.pool.get().await.unwrap();
    let note_id = format!("{}/users/piet/statuses/1128", peer.base);
    let post =
        buurt::db::models::post::Post::by_ap_id(&mut conn, &note_id).await.unwrap().expect("the mention is kept");
    assert!(post.content.contains("Wie heeft er een ladder te leen?"), "{}", post.content);
    assert_eq!(post.language.as_deref(), Some("nl"));
    assert_eq!(post.visibility, buurt::db::models::post::Visibility::Public);
    assert_eq!(post.url.as_deref(), Some(format!("{}/@piet/1128", peer.base).as_str()));
    let media = buurt::db::models::media::Media::of_posts(&mut conn, &[post.id]).await.unwrap();
    assert_eq!(media.len(), 1);
    assert_eq!(media[0].description, "Een houten ladder tegen een muur");
    assert_eq!((media[0].width, media[0].height), (Some(1200), Some(800)));
    let piet = Actor::by_ap_id(&mut conn, &peer.signer().actor).await.unwrap().expect("the author is stored");
    assert_eq!((piet.username.as_str(), piet.display_name.as_str()), ("piet", "Piet Jansen"));
    drop(conn);

    // The same Create with its Note's id left out: refused, naming the field, nothing stored.
    let mut broken = localized("mastodon/create-note", &peer, &alpha, mastodon);
    broken["id"] = format!("{}/users/piet/statuses/1129/activity", peer.base).into();
    broken["object"].as_object_mut().unwrap().remove("id");
    let response =
        post_signed(&alpha.url("/inbox"), broken.to_string().as_bytes(), &peer.signer(), SystemTime::now()).await;
    assert_eq!(response.status(), 400);
    let body: Value = response.json().await.unwrap();
    assert!(body["message"].as_str().unwrap().contains("object: missing field `id`"), "{body}");
}

async fn an_actor_without_preferred_username_can_sign_activities(b: Backend) {
    let alpha = TestApp::spawn_federated(b).await;
    alpha.create_user("anna", Role::Member).await;
    let mastodon = "https://mastodon.example";
    let peer = Peer::start(|base| {
        let mut actor: Value =
            serde_json::from_str(&fixture("mastodon/actor").to_string().replace(mastodon, base)).unwrap();
        let actor_map = actor.as_object_mut().unwrap();
        actor_map.remove("preferredUsername");
        actor_map.remove("name");
        actor
    })
    .await;
    let follow = localized("mastodon/follow", &peer, &alpha, mastodon);
    let response =
        post_signed(&alpha.url("/u/anna/inbox"), follow.to_string().as_bytes(), &peer.signer(), SystemTime::now())
            .await;
    assert_eq!(response.status(), 202, "{}", response.text().await.unwrap());
    let mut conn = alpha.state.pool.get().await.unwrap();
    let piet = Actor::by_ap_id(&mut conn, &peer.signer().actor).await.unwrap().expect("the signer is stored");
    // Named after the last segment of its id, as nothing else names it.
    assert_eq!((piet.username.as_str(), piet.display_name.as_str()), ("piet", "piet"));
    let anna = Actor::by_name(&mut conn, "anna", &alpha.settings().instance.domain).await.unwrap().unwrap();
    let counts = buurt::db::models::actor_count::ActorCount::of(&mut conn, anna.id).await.unwrap();
    assert_eq!(counts.followers, 1);
    drop(conn);
    alpha.drain().await;
}
