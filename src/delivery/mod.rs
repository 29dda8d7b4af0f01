//! The persistent outgoing queue and its workers.
//!
//! Activities are stored in `outbox_activity` in the transaction of the change that caused them.
//! A worker expands each into one `delivery` row per inbox (shared inboxes, so one request per
//! server, not per follower), claims remote instances with expiring leases, and sends each
//! instance's deliveries in order. Failures back off per instance with jitter, honour
//! Retry-After, and after days without success the instance is marked dead until it shows life.
//! Several processes on one PostgreSQL share the work: a lease keeps two from sending to the
//! same instance, and a delivery row is deleted only after its inbox accepted it.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use chrono::TimeDelta;
use rand::Rng;
use tokio::sync::{mpsc, oneshot, watch};
use tokio::task::JoinSet;

use crate::apub::signatures;
use crate::db::models::actor::{Actor, ActorId};
use crate::db::models::delivery::{self as queue, OutboxActivity, PendingDelivery};
use crate::db::models::follow::Follow;
use crate::db::{DbPool, now};
use crate::state::AppState;

/// How long a claimed instance stays ours without renewal. A crashed process's instances are
/// free again after this; a live one renews well before it runs out.
const LEASE: TimeDelta = TimeDelta::seconds(20);
/// Deliveries read per batch for one instance.
const BATCH: i64 = 16;
/// Failing this long without a single success makes an instance dead.
const DEAD_AFTER: TimeDelta = TimeDelta::hours(72);
/// Backoff cap.
const MAX_BACKOFF: Duration = Duration::from_secs(6 * 3600);
/// How often the worker looks for work when nobody wakes it.
const POLL: Duration = Duration::from_millis(500);
/// Free sending slots are claimed this many at a time (or all, when nothing is being sent).
const CLAIM_BATCH: usize = 8;
/// How often idle instances are checked for deliveries that arrived as they became idle.
const SWEEP: Duration = Duration::from_secs(30);
/// At most this many acknowledged deliveries are recorded in one write.
const RECORD_GROUP: usize = 256;
/// Connections of the queue's own pool on PostgreSQL ([`DbPool::for_queue`]): the recorder,
/// the claims, and the few sends that read or fail at the same moment.
const QUEUE_POOL: usize = 4;
/// A fan-out adding at least this many deliveries refreshes the queue's planner statistics
/// (PostgreSQL; see [`queue::analyze`]).
const ANALYZE_AFTER: usize = 1_000;

/// The backoff after the `n`th failure in a row: 2 s · 2^(n−1), at most 6 h, ± 20 % jitter.
pub fn backoff(n: i32) -> Duration {
    let exp = n.clamp(1, 30) - 1;
    let base = Duration::from_secs(2).saturating_mul(1u32 << exp.min(20)).min(MAX_BACKOFF);
    let jitter = rand::thread_rng().gen_range(0.8..1.2);
    base.mul_f64(jitter)
}

/// What an inbox answered.
#[derive(Debug)]
enum Outcome {
    /// 2xx: done.
    Delivered,
    /// A 4xx other than 401/408/429: the peer will never take it; drop it. (A 401 can be a key the
    /// peer has cached from before a change; it refetches and a later attempt passes.)
    Refused(u16),
    /// Network error, 5xx, 401, 408 or 429: try again later (at the earliest after `retry_after`).
    Retry { reason: String, retry_after: Option<Duration> },
}

/// Runs workers until `stop` turns true, then waits for sends in flight.
///
/// One loop expands new activities into deliveries and hands out instances: it claims free
/// slots in batches (one claim per instance made sending to 10,000 instances wait on 10,000
/// claim transactions in a row), and expands activities only when woken or on its timer, not
/// each time a send finishes.
pub async fn run(state: AppState, mut stop: watch::Receiver<bool>) {
    let owner = format!("{}-{}", std::process::id(), crate::domain::accounts::random_token(6));
    let queue = state.pool.for_queue(&state.settings.database.url, QUEUE_POOL).unwrap_or_else(|e| {
        tracing::warn!(error = %e, "no pool of its own for the delivery queue; it shares the main one");
        state.pool.clone()
    });
    let (recorder, recording) = Recorder::start(queue.clone(), owner.clone());
    let worker = Arc::new(Worker { state: state.clone(), queue, keys: SigningKeys::default(), recorder, owner });
    let mut running: JoinSet<()> = JoinSet::new();
    let mut fan_out_due = true;
    let mut swept = tokio::time::Instant::now();
    let parallel = state.settings.federation.delivery_parallel_instances;
    loop {
        if *stop.borrow() {
            break;
        }
        if fan_out_due {
            if let Err(e) = fan_out(&state).await {
                tracing::warn!(error = %e, "delivery fan-out failed");
            }
            fan_out_due = false;
        }
        if swept.elapsed() > SWEEP {
            swept = tokio::time::Instant::now();
            if let Err(e) = wake_stranded(&worker.queue).await {
                tracing::warn!(error = %e, "looking for stranded deliveries failed");
            }
        }
        while running.try_join_next().is_some() {}
        let free = parallel.saturating_sub(running.len());
        if free >= CLAIM_BATCH.min(parallel) || running.is_empty() {
            match claim(&worker.queue, &worker.owner, free as i64).await {
                Ok(claimed) => {
                    for claim in claimed {
                        let worker = worker.clone();
                        let instance = claim.instance;
                        running.spawn(async move {
                            if let Err(e) = send_to_instance(&worker, claim).await {
                                tracing::warn!(instance, error = %e, "delivery batch failed");
                                let _ = release(&worker.queue, instance, &worker.owner).await;
                            }
                        });
                    }
                }
                Err(e) => tracing::warn!(error = %e, "claiming delivery targets failed"),
            }
        }
        tokio::select! {
            _ = state.delivery_wake.notified() => fan_out_due = true,
            _ = tokio::time::sleep(POLL) => fan_out_due = true,
            Some(_) = running.join_next(), if !running.is_empty() => {}
            _ = stop.changed() => {}
        }
    }
    // Sends in flight finish; anything not acknowledged stays queued for the next start.
    while running.join_next().await.is_some() {}
    drop(worker);
    let _ = recording.await;
}

/// What the sends of one worker share.
struct Worker {
    state: AppState,
    /// For the queue's reads and writes ([`DbPool::for_queue`]).
    queue: DbPool,
    keys: SigningKeys,
    recorder: Recorder,
    /// Names this worker's leases.
    owner: String,
}

/// A sent delivery to record, and who waits for it to be recorded.
struct Ack {
    delivery: i64,
    /// The instance, when this was the last delivery waiting for it.
    finished: Option<i64>,
    recorded: oneshot::Sender<Result<(), String>>,
}

/// Records acknowledged deliveries for the worker's sends, in groups: everything acknowledged
/// while one group is written goes into the next (group commit). Nothing waits for a timer: a
/// lone acknowledgement is written at once. It stops when the worker is dropped.
struct Recorder(mpsc::UnboundedSender<Ack>);

impl Recorder {
    fn start(pool: DbPool, owner: String) -> (Recorder, tokio::task::JoinHandle<()>) {
        let (tx, mut rx) = mpsc::unbounded_channel::<Ack>();
        let task = tokio::spawn(async move {
            let mut group = Vec::with_capacity(RECORD_GROUP);
            while rx.recv_many(&mut group, RECORD_GROUP).await > 0 {
                let sent: Vec<i64> = group.iter().map(|a| a.delivery).collect();
                let finished: Vec<i64> = group.iter().filter_map(|a| a.finished).collect();
                let written = async {
                    let mut conn = pool.write().await?;
                    queue::record_sent(&mut conn, &sent, &finished, &owner, now()).await
                };
                let result = written.await.map_err(|e| e.to_string());
                for ack in group.drain(..) {
                    let _ = ack.recorded.send(result.clone());
                }
            }
        });
        (Recorder(tx), task)
    }

    /// Records a sent delivery (with the instance, when it was the last one waiting for it)
    /// and returns once it is written.
    async fn record(&self, delivery: i64, finished: Option<i64>) -> anyhow::Result<()> {
        let (recorded, answer) = oneshot::channel();
        // When the recorder is gone `recorded` is dropped with the message, and `answer` says so.
        let _ = self.0.send(Ack { delivery, finished, recorded });
        match answer.await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(e)) => anyhow::bail!("recording sent deliveries: {e}"),
            Err(_) => anyhow::bail!("the delivery recorder stopped"),
        }
    }
}

async fn wake_stranded(pool: &DbPool) -> anyhow::Result<()> {
    let mut conn = pool.write().await?;
    let woken = queue::wake_stranded(&mut conn, now()).await?;
    if woken > 0 {
        tracing::info!(woken, "instances with waiting deliveries were idle; sending again");
    }
    Ok(())
}

async fn claim(pool: &DbPool, owner: &str, limit: i64) -> anyhow::Result<Vec<queue::Claimed>> {
    let t = now();
    Ok(queue::claim(pool, owner, t, t + LEASE, limit, BATCH).await?)
}

async fn release(pool: &DbPool, instance: i64, owner: &str) -> anyhow::Result<()> {
    let mut conn = pool.write().await?;
    queue::release(&mut conn, instance, owner).await?;
    Ok(())
}

/// Expands stored activities into deliveries: the actor's remote followers (one row per shared
/// inbox) plus any explicitly addressed remote actors. Replaying it changes nothing.
pub async fn fan_out(state: &AppState) -> anyhow::Result<usize> {
    let mut done = 0;
    let mut added = 0;
    loop {
        let mut tx = state.pool.begin().await?;
        let batch = OutboxActivity::unfanned(&mut tx, 20).await?;
        if batch.is_empty() {
            tx.rollback().await?;
            if added >= ANALYZE_AFTER && matches!(state.pool, DbPool::Pg(_)) {
                // Apart from the loop: ANALYZE waits for a vacuum of the same table.
                let pool = state.pool.clone();
                tokio::spawn(async move {
                    let analyzed = async { queue::analyze(&mut pool.get().await?).await };
                    if let Err(e) = analyzed.await {
                        tracing::warn!(error = %e, "refreshing the delivery queue's statistics failed");
                    }
                });
            }
            return Ok(done);
        }
        for activity in &batch {
            let mut inboxes: Vec<(String, i64)> = Vec::new();
            if activity.to_followers {
                inboxes.extend(Follow::remote_follower_inboxes(&mut tx, activity.actor_id).await?);
            }
            for target in activity.target_actors() {
                if let Some(actor) = Actor::by_id(&mut tx, target).await?
                    && !actor.local
                    && let Some(instance) = actor.instance_id
                {
                    inboxes.push((actor.shared_inbox_url.clone().unwrap_or(actor.inbox_url.clone()), instance));
                }
            }
            inboxes.sort();
            inboxes.dedup();
            let instances: Vec<i64> = inboxes.iter().map(|(_, i)| *i).collect();
            let dead = queue::dead_among(&mut tx, &instances).await?;
            inboxes.retain(|(_, i)| !dead.contains(i));
            queue::add_deliveries(&mut tx, activity.id, &inboxes, now()).await?;
            added += inboxes.len();
            OutboxActivity::mark_fanned_out(&mut tx, activity.id).await?;
        }
        tx.commit().await?;
        done += batch.len();
    }
}

/// Sends a claimed instance's deliveries in order until none are left or one fails: first
/// those read in the claim, then batches read as it goes. Each acknowledged delivery is
/// written (by the [`Recorder`]) before the next is sent, so that a crash repeats at most one
/// send per instance.
async fn send_to_instance(worker: &Worker, claim: queue::Claimed) -> anyhow::Result<()> {
    let Worker { state, queue: pool, keys, recorder, owner } = worker;
    let instance = claim.instance;
    let mut first = (!claim.first.is_empty() || claim.complete).then_some((claim.first, claim.complete));
    let mut renewed = tokio::time::Instant::now();
    loop {
        let (pending, last_batch) = match first.take() {
            Some(read_in_claim) => read_in_claim,
            None => {
                let mut conn = pool.get().await?;
                let pending = queue::pending_for(&mut conn, instance, BATCH).await?;
                let last = (pending.len() as i64) < BATCH;
                (pending, last)
            }
        };
        if pending.is_empty() {
            let mut conn = pool.write().await?;
            queue::record_success(&mut conn, instance, owner, now()).await?;
            return Ok(());
        }
        let count = pending.len();
        for (i, item) in pending.into_iter().enumerate() {
            // A send can take up to the request timeout: renew the lease in time.
            if renewed.elapsed() > Duration::from_secs(5) {
                let mut conn = pool.write().await?;
                if !queue::renew_lease(&mut conn, instance, owner, now() + LEASE).await? {
                    tracing::warn!(instance, "lease lost; another worker continues");
                    return Ok(());
                }
                renewed = tokio::time::Instant::now();
            }
            let (key_id, private_key) = &*keys.of(state, item.actor_id).await?;
            match send(state, &item, key_id, private_key).await {
                Outcome::Delivered => {
                    tracing::debug!(inbox = %item.delivery.inbox_url, activity = %item.activity_ap_id, "delivered");
                }
                Outcome::Refused(status) => {
                    tracing::info!(inbox = %item.delivery.inbox_url, activity = %item.activity_ap_id, status, "inbox refused the activity; dropped");
                }
                Outcome::Retry { reason, retry_after } => {
                    return fail(worker, instance, &item, &reason, retry_after).await;
                }
            }
            // Nothing more was waiting after the last: recording it releases the instance
            // (anything added since keeps it due).
            let finished = (last_batch && i + 1 == count).then_some(instance);
            recorder.record(item.delivery.id, finished).await?;
            if finished.is_some() {
                return Ok(());
            }
        }
    }
}

/// Records a failure: back off (or wait as long as the peer asked), or give the instance up
/// as dead when it has failed for days without a success.
async fn fail(
    worker: &Worker,
    instance: i64,
    item: &PendingDelivery,
    reason: &str,
    retry_after: Option<Duration>,
) -> anyhow::Result<()> {
    let owner = &worker.owner;
    let mut conn = worker.queue.write().await?;
    let Some(target) = queue::target(&mut conn, instance).await? else {
        return Ok(());
    };
    let t = now();
    if target.first_failure_at.is_some_and(|first| t - first > DEAD_AFTER)
        && target.last_success_at.is_none_or(|s| t - s > DEAD_AFTER)
    {
        let dropped = queue::mark_dead(&mut conn, instance).await?;
        worker.state.live_instances.invalidate(&instance);
        queue::release(&mut conn, instance, owner).await?;
        tracing::warn!(instance, inbox = %item.delivery.inbox_url, dropped, "instance failing for 72 hours: marked dead, pending deliveries dropped");
        return Ok(());
    }
    let wait = backoff(target.fail_count + 1).max(retry_after.unwrap_or_default()).min(Duration::from_secs(24 * 3600));
    let next = t + TimeDelta::from_std(wait).unwrap_or(TimeDelta::hours(6));
    queue::record_failure(&mut conn, &target, owner, t, next).await?;
    tracing::info!(inbox = %item.delivery.inbox_url, reason, retry_in_secs = wait.as_secs(), "delivery failed; will retry");
    Ok(())
}

/// The key ids and private keys of the local actors that deliveries are signed for, kept while
/// the worker runs (an actor's key pair never changes once made): a post to followers on
/// thousands of instances reads its author's key once, not once per instance.
struct SigningKeys(moka::sync::Cache<ActorId, Arc<(String, String)>>);

impl Default for SigningKeys {
    fn default() -> Self {
        SigningKeys(moka::sync::Cache::builder().max_capacity(1000).time_to_idle(Duration::from_secs(3600)).build())
    }
}

impl SigningKeys {
    /// The key id and private key of a local actor, made if it has none yet.
    async fn of(&self, state: &AppState, actor: ActorId) -> anyhow::Result<Arc<(String, String)>> {
        if let Some(key) = self.0.get(&actor) {
            return Ok(key);
        }
        let mut conn = state.pool.get().await?;
        let actor = Actor::by_id(&mut conn, actor).await?.ok_or_else(|| anyhow::anyhow!("actor {actor:?} is gone"))?;
        let actor = crate::domain::actors::ensure_keys(&mut conn, actor).await?;
        let private_key = actor.private_key.clone().ok_or_else(|| anyhow::anyhow!("actor without private key"))?;
        let key = Arc::new((format!("{}#main-key", actor.ap_id), private_key));
        self.0.insert(actor.id, key.clone());
        Ok(key)
    }
}

async fn send(state: &AppState, item: &PendingDelivery, key_id: &str, private_key: &str) -> Outcome {
    let url = match url::Url::parse(&item.delivery.inbox_url) {
        Ok(u) if u.scheme() == "https" || (u.scheme() == "http" && state.settings.federation.allow_http) => u,
        _ => return Outcome::Refused(0),
    };
    // An inbox on a private address written in the URL is never contacted (names are checked when
    // they are resolved).
    if !crate::apub::address_allowed(&state.settings, &url) {
        return Outcome::Refused(0);
    }
    let body = item.payload.clone().into_bytes();
    let signed =
        signatures::sign_off_thread(url.clone(), body, crate::apub::ACTIVITY_JSON, key_id.into(), private_key.into())
            .await;
    let (headers, body) = match signed {
        Ok(signed) => signed,
        Err(e) => return Outcome::Retry { reason: format!("signing: {e}"), retry_after: None },
    };
    let mut request = state.http.post(url).header("accept", crate::apub::ACTIVITY_JSON).body(body);
    for (name, value) in headers {
        request = request.header(name, value);
    }
    match request.send().await {
        Ok(response) => {
            let status = response.status();
            if status.is_success() {
                Outcome::Delivered
            } else if status.is_client_error() && ![401, 408, 429].contains(&status.as_u16()) {
                Outcome::Refused(status.as_u16())
            } else {
                let retry_after =
                    response.headers().get("retry-after").and_then(|v| v.to_str().ok()).and_then(parse_retry_after);
                Outcome::Retry { reason: format!("status {status}"), retry_after }
            }
        }
        Err(e) => Outcome::Retry { reason: e.to_string(), retry_after: None },
    }
}

/// `Retry-After` as seconds or as an HTTP date.
pub fn parse_retry_after(value: &str) -> Option<Duration> {
    if let Ok(secs) = value.trim().parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = httpdate::parse_http_date(value.trim()).ok()?;
    Some(when.duration_since(SystemTime::now()).unwrap_or_default())
}

/// Waits until every stored activity is fanned out and every delivery made (tests use this).
pub async fn wait_idle(pool: &DbPool, timeout: Duration) -> anyhow::Result<()> {
    let deadline = tokio::time::Instant::now() + timeout;
    loop {
        let (unfanned, pending) = {
            let mut conn = pool.get().await?;
            (queue::count_unfanned(&mut conn).await?, queue::count_pending(&mut conn).await?)
        };
        if unfanned == 0 && pending == 0 {
            return Ok(());
        }
        if tokio::time::Instant::now() > deadline {
            anyhow::bail!("delivery queue not empty after {timeout:?}: {unfanned} unfanned, {pending} pending");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_is_capped() {
        let secs = |n| backoff(n).as_secs_f64();
        assert!((1.6..=2.4).contains(&secs(1)));
        assert!((3.2..=4.8).contains(&secs(2)));
        assert!((51.0..=77.0).contains(&secs(6)));
        assert!(secs(40) <= 6.0 * 3600.0 * 1.2);
        assert!(secs(40) >= 6.0 * 3600.0 * 0.8);
    }

    #[test]
    fn retry_after_in_both_forms() {
        assert_eq!(parse_retry_after("120"), Some(Duration::from_secs(120)));
        let later = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(300));
        let parsed = parse_retry_after(&later).unwrap();
        assert!(parsed > Duration::from_secs(290) && parsed <= Duration::from_secs(300));
        assert_eq!(parse_retry_after("soon"), None);
    }
}
