//! The delivery queue against a scripted remote server: Retry-After is honoured, an instance
//! failing for days is given up, and a sign of life brings it back.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use buurt::apub::signatures;
use buurt::db::models::delivery as deliveries;
use buurt::db::models::delivery_target as targets;
use buurt::db::models::outbox_activity::{self, NewOutboxActivity, OutboxActivity};
use buurt::db::models::received_activity;
use serde_json::{Value, json};

use crate::both;
use crate::util::*;

both!(retry_after_is_honoured_and_dead_instances_come_back);

/// What the fake server answers and what it received.
#[derive(Default)]
struct Script {
    /// Statuses to answer, in order; 202 when used up.
    answers: Vec<(u16, Option<&'static str>)>,
    received: Vec<(Instant, Value)>,
}

#[derive(Clone)]
struct Fake {
    base: String,
    script: Arc<Mutex<Script>>,
}

async fn inbox(State(fake): State<Fake>, body: String) -> impl IntoResponse {
    let mut script = fake.script.lock().unwrap();
    script.received.push((Instant::now(), serde_json::from_str(&body).unwrap_or(Value::Null)));
    let (status, retry_after) = if script.answers.is_empty() { (202, None) } else { script.answers.remove(0) };
    let mut response = StatusCode::from_u16(status).unwrap().into_response();
    if let Some(after) = retry_after {
        response.headers_mut().insert("retry-after", after.parse().unwrap());
    }
    response
}

async fn actor(State(fake): State<Fake>) -> impl IntoResponse {
    let id = format!("{}/users/rita", fake.base);
    (
        [("content-type", "application/activity+json")],
        json!({
            "@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"],
            "type": "Person", "id": id, "preferredUsername": "rita", "inbox": format!("{}/inbox", fake.base),
            "publicKey": {"id": format!("{id}#main-key"), "owner": id, "publicKeyPem": include_str!("../fixtures/test_public_key.pem")}
        })
        .to_string(),
    )
}

async fn start_fake() -> Fake {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://localhost:{}", listener.local_addr().unwrap().port());
    let fake = Fake { base, script: Arc::default() };
    let app = axum::Router::new()
        .route("/inbox", axum::routing::post(inbox))
        .route("/users/rita", axum::routing::get(actor))
        .with_state(fake.clone());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    fake
}

async fn send_signed(fake: &Fake, to: &str, activity: Value) -> u16 {
    let url = url::Url::parse(to).unwrap();
    let body = activity.to_string();
    let key_id = format!("{}/users/rita#main-key", fake.base);
    let pem = include_str!("../fixtures/test_private_key.pem");
    let headers = signatures::sign(
        &axum::http::Method::POST,
        &url,
        Some(body.as_bytes()),
        Some("application/activity+json"),
        &key_id,
        pem,
        SystemTime::now(),
    )
    .unwrap();
    let mut request = reqwest::Client::new().post(to).body(body);
    for (name, value) in headers {
        request = request.header(name, value);
    }
    request.send().await.unwrap().status().as_u16()
}

fn received_types(fake: &Fake) -> Vec<String> {
    fake.script.lock().unwrap().received.iter().map(|(_, v)| v["type"].as_str().unwrap_or("").to_string()).collect()
}

async fn retry_after_is_honoured_and_dead_instances_come_back(b: Backend) {
    let alpha = TestApp::spawn_federated(b).await;
    let fake = start_fake().await;
    let anna = alpha.api_user("anna").await;
    fake.script.lock().unwrap().answers = vec![(503, Some("2"))];

    // Rita follows anna; alpha's Accept first meets a 503 with Retry-After: 2.
    let follow = json!({"id": format!("{}/follows/1", fake.base), "type": "Follow", "actor": format!("{}/users/rita", fake.base), "object": alpha.url("/u/anna")});
    assert_eq!(send_signed(&fake, &alpha.url("/inbox"), follow).await, 202);
    alpha.drain().await;
    let times: Vec<Instant> = fake.script.lock().unwrap().received.iter().map(|(t, _)| *t).collect();
    assert_eq!(received_types(&fake), ["Accept", "Accept"], "one refused attempt, one accepted");
    let waited = times[1] - times[0];
    assert!(waited >= Duration::from_millis(1900), "waited only {waited:?} despite Retry-After: 2");

    // Failing for more than 72 hours without success: the next failure gives the instance up.
    let instance = {
        let mut conn = alpha.state.pool.get().await.unwrap();
        let rita = buurt::db::models::actor::Actor::by_ap_id(&mut conn, &format!("{}/users/rita", fake.base))
            .await
            .unwrap()
            .unwrap();
        let id = rita.instance_id.unwrap();
        let long_ago = buurt::db::now() - chrono::TimeDelta::hours(73);
        use buurt::db::schema::delivery_target as t;
        use diesel::{ExpressionMethods, QueryDsl};
        buurt::dispatch!(&mut conn, c => diesel_async::RunQueryDsl::execute(
            diesel::update(t::table.filter(t::instance_id.eq(id))).set((t::first_failure_at.eq(Some(long_ago)), t::last_success_at.eq(Some(long_ago)), t::fail_count.eq(20))),
            c,
        )
        .await)
        .unwrap();
        id
    };
    fake.script.lock().unwrap().answers = vec![(500, None)];
    anna.post("/api/v1/statuses", json!({"status": "Komt niet aan"})).await;
    alpha.drain().await;
    let target = {
        let mut conn = alpha.state.pool.get().await.unwrap();
        targets::target(&mut conn, instance).await.unwrap().unwrap()
    };
    assert_eq!(target.state, "dead");
    // While dead, nothing is queued or sent.
    let before = received_types(&fake).len();
    anna.post("/api/v1/statuses", json!({"status": "Ook niet"})).await;
    alpha.drain().await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(received_types(&fake).len(), before);

    // A valid activity from the instance revives it: the next post arrives.
    let like = json!({"id": format!("{}/likes/1", fake.base), "type": "Wave", "actor": format!("{}/users/rita", fake.base), "object": alpha.url("/u/anna")});
    assert_eq!(send_signed(&fake, &alpha.url("/inbox"), like).await, 202);
    anna.post("/api/v1/statuses", json!({"status": "Weer terug"})).await;
    alpha.drain().await;
    let last = fake.script.lock().unwrap().received.last().map(|(_, v)| v.clone()).unwrap();
    assert_eq!(last["type"], "Create");
    assert_eq!(last["object"]["content"], "<p>Weer terug</p>");

    // On PostgreSQL the worker kept the queue on connections of its own (`DbPool::for_queue`).
    if b == Backend::Postgres {
        #[derive(diesel::QueryableByName)]
        struct Count {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            n: i64,
        }
        let query = diesel::sql_query(
            "SELECT count(*) AS n FROM pg_stat_activity \
             WHERE datname = current_database() AND application_name = 'buurt delivery queue'",
        );
        let mut conn = alpha.state.pool.get().await.unwrap();
        let count: Count =
            buurt::dispatch!(&mut conn, c => diesel_async::RunQueryDsl::get_result(query, c).await).unwrap();
        assert!(count.n >= 1, "no connection of the delivery queue's pool");
    }
}

both!(old_rows_are_pruned_but_pending_deliveries_stay);

async fn old_rows_are_pruned_but_pending_deliveries_stay(b: Backend) {
    let app = TestApp::spawn(b).await;
    let account = app.create_user("pim", buurt::db::models::local_user::Role::Member).await;
    let mut conn = app.state.pool.get().await.unwrap();
    let old = buurt::db::now() - chrono::TimeDelta::days(40);
    let instance = buurt::db::models::instance::Instance::get_or_create(&mut conn, "far.example").await.unwrap();
    let mut ids = Vec::new();
    for (n, pending) in [(1, false), (2, true)] {
        let ap_id = format!("{}/activities/like/{n}", app.base);
        let new = NewOutboxActivity {
            ap_id: &ap_id,
            actor_id: account.actor.id,
            kind: "Like",
            payload: "{}",
            to_followers: false,
            to_actors: &[],
            group_reach: None,
            now: old,
        };
        let id = OutboxActivity::enqueue(&mut conn, &new).await.unwrap();
        OutboxActivity::mark_fanned_out(&mut conn, id).await.unwrap();
        if pending {
            deliveries::add_deliveries(&mut conn, id, &[("https://far.example/inbox".into(), instance.id)], old)
                .await
                .unwrap();
        }
        ids.push(ap_id);
    }
    assert!(received_activity::mark_received(&mut conn, "https://far.example/a/1", old).await.unwrap());
    assert_eq!(
        outbox_activity::prune_outbox(&mut conn, buurt::db::now() - chrono::TimeDelta::days(30)).await.unwrap(),
        1
    );
    assert!(OutboxActivity::by_ap_id(&mut conn, &ids[0]).await.unwrap().is_none(), "delivered and old: gone");
    assert!(OutboxActivity::by_ap_id(&mut conn, &ids[1]).await.unwrap().is_some(), "still to deliver: kept");
    assert_eq!(
        received_activity::prune_received(&mut conn, buurt::db::now() - chrono::TimeDelta::days(7)).await.unwrap(),
        1
    );
    assert!(
        received_activity::mark_received(&mut conn, "https://far.example/a/1", buurt::db::now()).await.unwrap(),
        "forgotten, so new again"
    );
}

/// A bare database (no delivery worker touches its queue) with a group and a remote instance,
/// for tests of the queue's statements.
struct QueueFixture {
    group: buurt::db::models::actor::Actor,
    instance: buurt::db::models::instance::Instance,
    queued: std::sync::atomic::AtomicU32,
}

impl QueueFixture {
    async fn new(b: Backend) -> (TestDb, buurt::db::DbPool, QueueFixture) {
        let db = TestDb::new(b).await;
        buurt::db::migrate::run(&db.url).await.unwrap();
        let pool = buurt::db::DbPool::new(&db.url, 2).unwrap();
        let settings = buurt::config::Settings::default();
        let group = buurt::domain::groups::create_group(&pool, &settings, "tuin", "Tuin").await.unwrap();
        let mut conn = pool.get().await.unwrap();
        let instance = buurt::db::models::instance::Instance::get_or_create(&mut conn, "far.example").await.unwrap();
        drop(conn);
        (db, pool, QueueFixture { group, instance, queued: Default::default() })
    }

    /// Queues another Like of the group for the instance's inbox.
    async fn enqueue(&self, conn: &mut buurt::db::DbConn) {
        let n = self.queued.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let ap_id = format!("https://here.example/activities/like/{n}");
        let new = NewOutboxActivity {
            ap_id: &ap_id,
            actor_id: self.group.id,
            kind: "Like",
            payload: "{}",
            to_followers: false,
            to_actors: &[],
            group_reach: None,
            now: buurt::db::now(),
        };
        let id = OutboxActivity::enqueue(conn, &new).await.unwrap();
        OutboxActivity::mark_fanned_out(conn, id).await.unwrap();
        deliveries::add_deliveries(
            conn,
            id,
            &[("https://far.example/inbox".into(), self.instance.id)],
            buurt::db::now(),
        )
        .await
        .unwrap();
    }
}

both!(instances_without_deliveries_are_idle_and_new_ones_wake_them);

/// An instance with nothing to send is idle (out of the claim query's index range); new
/// deliveries make it due again, also when they slipped in while it was being made idle.
/// Runs on a bare database: no delivery worker may touch the queue meanwhile.
async fn instances_without_deliveries_are_idle_and_new_ones_wake_them(b: Backend) {
    let (_db, pool, queued) = QueueFixture::new(b).await;
    let instance = &queued.instance;
    let mut conn = pool.get().await.unwrap();
    async fn due(conn: &mut buurt::db::DbConn, id: i64) -> bool {
        targets::target(conn, id).await.unwrap().unwrap().next_attempt_at <= buurt::db::now()
    }
    let claimed = async || -> Vec<i64> {
        let t = buurt::db::now();
        let claimed = targets::claim(&pool, "test", t, t + chrono::TimeDelta::seconds(20), 10, 10).await.unwrap();
        claimed.into_iter().map(|c| c.instance).collect()
    };

    queued.enqueue(&mut conn).await;
    assert!(due(&mut conn, instance.id).await);
    assert_eq!(claimed().await, vec![instance.id]);
    // A success with a delivery still waiting keeps the instance due.
    targets::record_success(&mut conn, instance.id, "test", buurt::db::now()).await.unwrap();
    assert!(due(&mut conn, instance.id).await);
    // With nothing waiting it is idle and not claimed.
    assert_eq!(claimed().await, vec![instance.id]);
    // A worker whose lease was taken over records nothing and releases nothing.
    targets::record_success(&mut conn, instance.id, "someone else", buurt::db::now()).await.unwrap();
    let target = targets::target(&mut conn, instance.id).await.unwrap().unwrap();
    assert_eq!(target.lease_owner.as_deref(), Some("test"));
    for d in deliveries::pending_for(&mut conn, instance.id, 10).await.unwrap() {
        deliveries::delete_delivery(&mut conn, d.delivery.id).await.unwrap();
    }
    targets::record_success(&mut conn, instance.id, "test", buurt::db::now()).await.unwrap();
    assert!(!due(&mut conn, instance.id).await);
    assert!(claimed().await.is_empty());
    // New work wakes it.
    queued.enqueue(&mut conn).await;
    assert!(due(&mut conn, instance.id).await);
    // A delivery that slipped in as the instance went idle is found by the sweep.
    {
        use buurt::db::schema::delivery_target as t;
        use diesel::{ExpressionMethods, QueryDsl};
        buurt::dispatch!(&mut conn, c => diesel_async::RunQueryDsl::execute(
            diesel::update(t::table.filter(t::instance_id.eq(instance.id))).set(t::next_attempt_at.eq(targets::idle())),
            c,
        )
        .await)
        .unwrap();
    }
    assert!(claimed().await.is_empty());
    assert_eq!(targets::wake_stranded(&mut conn, buurt::db::now()).await.unwrap(), 1);
    assert_eq!(claimed().await, vec![instance.id]);
    assert_eq!(targets::wake_stranded(&mut conn, buurt::db::now()).await.unwrap(), 0);
    drop(conn);
    pool.close();
}

both!(finishing_an_instance_deletes_its_delivery_and_releases_it_only_for_its_owner);

/// `record_sent` of an instance's last delivery is `delete_delivery` plus `record_success` in
/// one trip: the instance stays due when more was queued meanwhile, goes idle when nothing was,
/// and a worker that lost its lease releases nothing. `claim` takes a due instance once.
async fn finishing_an_instance_deletes_its_delivery_and_releases_it_only_for_its_owner(b: Backend) {
    let (_db, pool, queued) = QueueFixture::new(b).await;
    let instance = &queued.instance;
    let mut conn = pool.get().await.unwrap();
    let claim_with_first = async |owner: &str, per_instance: i64| {
        let t = buurt::db::now();
        targets::claim(&pool, owner, t, t + chrono::TimeDelta::seconds(20), 10, per_instance).await.unwrap()
    };
    let claim =
        async |owner: &str| -> Vec<i64> { claim_with_first(owner, 10).await.into_iter().map(|c| c.instance).collect() };
    let pending = async |conn: &mut buurt::db::DbConn| deliveries::pending_for(conn, instance.id, 10).await.unwrap();

    queued.enqueue(&mut conn).await;
    queued.enqueue(&mut conn).await;
    // The claim reads the instance's first deliveries with it: both, in order, and says so.
    let claimed = claim_with_first("w1", 10).await;
    assert_eq!(claimed.len(), 1);
    assert_eq!(claimed[0].instance, instance.id);
    let ids: Vec<i64> = claimed[0].first.iter().map(|p| p.delivery.id).collect();
    let waiting: Vec<i64> = pending(&mut conn).await.iter().map(|p| p.delivery.id).collect();
    assert_eq!(ids, waiting);
    assert_eq!(ids.len(), 2);
    assert!(ids[0] < ids[1]);
    assert!(claimed[0].complete, "all that was waiting");
    assert!(
        claimed[0]
            .first
            .iter()
            .all(|p| p.activity_ap_id.contains("/activities/like/") && p.actor_id == queued.group.id)
    );
    targets::release(&mut conn, instance.id, "w1").await.unwrap();
    // Read with a limit that cuts it short: not complete, and the worker reads on.
    let cut = claim_with_first("w1", 1).await;
    assert_eq!((cut[0].first.len(), cut[0].complete), (1, false));
    targets::release(&mut conn, instance.id, "w1").await.unwrap();
    assert_eq!(claim("w1").await, vec![instance.id]);
    assert!(claim("w2").await.is_empty(), "a leased instance is not claimed again");
    // The first of two: deleted, and the instance stays due for the second.
    let first = pending(&mut conn).await[0].delivery.id;
    targets::record_sent(&mut conn, &[first], &[instance.id], "w1", buurt::db::now()).await.unwrap();
    assert_eq!(pending(&mut conn).await.len(), 1);
    let target = targets::target(&mut conn, instance.id).await.unwrap().unwrap();
    assert_eq!(target.lease_owner, None);
    assert!(target.next_attempt_at <= buurt::db::now());
    assert!(target.last_success_at.is_some());
    // A worker that lost its lease: its delivery is gone all the same, the lease stays.
    assert_eq!(claim("w2").await, vec![instance.id]);
    let second = pending(&mut conn).await[0].delivery.id;
    targets::record_sent(&mut conn, &[second], &[instance.id], "w1", buurt::db::now()).await.unwrap();
    assert!(pending(&mut conn).await.is_empty());
    let target = targets::target(&mut conn, instance.id).await.unwrap().unwrap();
    assert_eq!(target.lease_owner.as_deref(), Some("w2"));
    // The owner finishing the last one makes the instance idle.
    queued.enqueue(&mut conn).await;
    let third = pending(&mut conn).await[0].delivery.id;
    targets::record_sent(&mut conn, &[third], &[instance.id], "w2", buurt::db::now()).await.unwrap();
    let target = targets::target(&mut conn, instance.id).await.unwrap().unwrap();
    assert_eq!(target.lease_owner, None);
    assert_eq!(target.next_attempt_at, targets::idle());
    assert!(claim("w1").await.is_empty());
    drop(conn);
    pool.close();
}

both!(deliveries_to_several_instances_are_recorded_in_one_write);

/// The delivery worker records what several sends acknowledged in one `record_sent`: every
/// listed delivery is deleted; of the instances listed as finished, the one with a delivery
/// still waiting stays due and the other goes idle, both released; an instance whose
/// delivery was recorded but which is not finished keeps its lease (its worker sends on).
async fn deliveries_to_several_instances_are_recorded_in_one_write(b: Backend) {
    use buurt::db::models::instance::Instance;
    let (_db, pool, queued) = QueueFixture::new(b).await;
    let mut conn = pool.get().await.unwrap();
    let a = queued.instance.id;
    let mut others = Vec::new();
    for host in ["b.example", "c.example"] {
        let instance = Instance::get_or_create(&mut conn, host).await.unwrap();
        others.push(instance.id);
    }
    let (b_id, c_id) = (others[0], others[1]);
    queued.enqueue(&mut conn).await;
    queued.enqueue(&mut conn).await;
    // One more activity, to b and c.
    queued.enqueue(&mut conn).await;
    let activity = deliveries::pending_for(&mut conn, a, 10).await.unwrap()[2].delivery.activity_id;
    let inboxes = [("https://b.example/inbox".to_string(), b_id), ("https://c.example/inbox".to_string(), c_id)];
    deliveries::add_deliveries(&mut conn, activity, &inboxes, buurt::db::now()).await.unwrap();
    let t = buurt::db::now();
    let claimed = targets::claim(&pool, "w1", t, t + chrono::TimeDelta::seconds(20), 10, 10).await.unwrap();
    assert_eq!(claimed.len(), 3);
    let first_of =
        |instance: i64| claimed.iter().find(|c| c.instance == instance).map(|c| c.first[0].delivery.id).unwrap();
    let sent = [first_of(a), first_of(b_id), first_of(c_id)];

    targets::record_sent(&mut conn, &sent, &[a, b_id], "w1", buurt::db::now()).await.unwrap();
    let left: Vec<i64> =
        deliveries::pending_for(&mut conn, a, 10).await.unwrap().iter().map(|p| p.delivery.id).collect();
    assert_eq!(left.len(), 2, "a's first delivery is gone, two are waiting");
    assert!(!left.contains(&sent[0]));
    assert!(deliveries::pending_for(&mut conn, b_id, 10).await.unwrap().is_empty());
    assert!(deliveries::pending_for(&mut conn, c_id, 10).await.unwrap().is_empty());
    async fn target(conn: &mut buurt::db::DbConn, id: i64) -> targets::DeliveryTarget {
        targets::target(conn, id).await.unwrap().unwrap()
    }
    let ta = target(&mut conn, a).await;
    assert_eq!(ta.lease_owner, None);
    assert!(ta.next_attempt_at <= buurt::db::now(), "more waiting: due");
    let tb = target(&mut conn, b_id).await;
    assert_eq!((tb.lease_owner, tb.next_attempt_at), (None, targets::idle()));
    assert!(tb.last_success_at.is_some());
    let tc = target(&mut conn, c_id).await;
    assert_eq!(tc.lease_owner.as_deref(), Some("w1"), "not finished: still leased");
    // Nothing to record changes nothing.
    targets::record_sent(&mut conn, &[], &[], "w1", buurt::db::now()).await.unwrap();
    assert_eq!(deliveries::count_pending(&mut conn).await.unwrap(), 2);
    drop(conn);
    pool.close();
}

both!(a_due_instance_whose_deliveries_were_dropped_is_claimed_once_and_goes_idle);

/// The claim does not ask whether a due instance has deliveries (that cost a probe per due
/// instance): one whose deliveries were dropped meanwhile is claimed with nothing to send,
/// and the success recorded for it makes it idle. `analyze` (run after large fan-outs)
/// refreshes PostgreSQL's statistics and is a no-op on SQLite.
async fn a_due_instance_whose_deliveries_were_dropped_is_claimed_once_and_goes_idle(b: Backend) {
    let (_db, pool, queued) = QueueFixture::new(b).await;
    let instance = &queued.instance;
    let mut conn = pool.get().await.unwrap();
    let claim = async |owner: &str| {
        let t = buurt::db::now();
        targets::claim(&pool, owner, t, t + chrono::TimeDelta::seconds(20), 10, 10).await.unwrap()
    };

    queued.enqueue(&mut conn).await;
    for d in deliveries::pending_for(&mut conn, instance.id, 10).await.unwrap() {
        deliveries::delete_delivery(&mut conn, d.delivery.id).await.unwrap();
    }
    let claimed = claim("w1").await;
    assert_eq!(claimed.len(), 1);
    assert_eq!(claimed[0].instance, instance.id);
    assert!(claimed[0].first.is_empty() && claimed[0].complete, "claimed with nothing to send");
    targets::record_success(&mut conn, instance.id, "w1", buurt::db::now()).await.unwrap();
    assert_eq!(targets::target(&mut conn, instance.id).await.unwrap().unwrap().next_attempt_at, targets::idle());
    assert!(claim("w2").await.is_empty());

    deliveries::analyze(&mut conn).await.unwrap();
    if let buurt::db::DbConn::Pg(c) = &mut conn {
        use diesel::sql_types::{BigInt, Text};
        #[derive(diesel::QueryableByName)]
        struct Analyzed {
            #[diesel(sql_type = BigInt)]
            n: i64,
        }
        let analyzed: Analyzed = diesel_async::RunQueryDsl::get_result(
            diesel::sql_query(
                "SELECT count(*) AS n FROM pg_stat_user_tables WHERE relname = ANY(string_to_array($1, ',')) \
                 AND last_analyze IS NOT NULL",
            )
            .bind::<Text, _>("delivery,delivery_target"),
            c,
        )
        .await
        .unwrap();
        assert_eq!(analyzed.n, 2, "both queue tables analyzed");
    }
    drop(conn);
    pool.close();
}

both!(an_activity_is_expanded_by_one_process_only);

/// Two processes on one database both run the fan-out. While one is expanding an activity the
/// other must not read it as still to expand: it would insert the deliveries a second time,
/// possibly after the first had sent and deleted them.
async fn an_activity_is_expanded_by_one_process_only(b: Backend) {
    let db = TestDb::new(b).await;
    let mut settings = buurt::config::Settings::default();
    settings.database.url = db.url.clone();
    let state = buurt::server::prepare(settings).await.unwrap();
    let group = buurt::domain::groups::create_group(&state.pool, &state.settings, "tuin", "Tuin").await.unwrap();
    let mut conn = state.pool.get().await.unwrap();
    let like = json!({"id": "https://here.example/activities/like/1", "type": "Like"});
    buurt::delivery::enqueue(&mut conn, group.id, &like, true, &[]).await.unwrap();
    drop(conn);

    // The first process is expanding it…
    let mut first = state.pool.begin().await.unwrap();
    let batch = OutboxActivity::unfanned(&mut first, 20).await.unwrap();
    assert_eq!(batch.len(), 1);
    // …when the second one looks.
    let second = tokio::spawn({
        let state = state.clone();
        async move { buurt::delivery::fan_out(&state).await.unwrap() }
    });
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    OutboxActivity::mark_fanned_out(&mut first, batch[0].id).await.unwrap();
    first.commit().await.unwrap();
    assert_eq!(second.await.unwrap(), 0, "the second process expanded an activity the first was expanding");
    state.pool.close();
}
