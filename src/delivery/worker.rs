//! The worker: claims instances with leases and sends each one's deliveries in order, backing
//! off on failure and giving up on instances that fail for days.

use std::sync::Arc;
use std::time::Duration;

use chrono::TimeDelta;
use tokio::sync::watch;
use tokio::task::JoinSet;

use super::fanout::fan_out;
use super::keys::SigningKeys;
use super::recorder::Recorder;
use super::send::{Outcome, send};
use crate::db::models::delivery::{self as deliveries, PendingDelivery};
use crate::db::models::delivery_target::{self as targets, Claimed};
use crate::db::{DbPool, now};
use crate::state::AppState;
use crate::util::backoff::backoff;

/// How long a claimed instance stays ours without renewal. A crashed process's instances are
/// free again after this; a live one renews well before it runs out.
const LEASE: TimeDelta = TimeDelta::seconds(20);
/// Deliveries read per batch for one instance.
const BATCH: i64 = 16;
/// Failing this long without a single success makes an instance dead.
const DEAD_AFTER: TimeDelta = TimeDelta::hours(72);
/// How often the worker looks for work when nobody wakes it.
const POLL: Duration = Duration::from_millis(500);
/// Free sending slots are claimed this many at a time (or all, when nothing is being sent).
const CLAIM_BATCH: usize = 8;
/// How often idle instances are checked for deliveries that arrived as they became idle.
const SWEEP: Duration = Duration::from_secs(30);
/// Connections of the queue's own pool on PostgreSQL ([`DbPool::for_queue`]): the recorder,
/// the claims, and the few sends that read or fail at the same moment.
const QUEUE_POOL: usize = 4;

/// Runs workers until `stop` turns true, then waits for sends in flight.
///
/// One loop expands new activities into deliveries and hands out instances: it claims free
/// slots in batches (one claim per instance made sending to 10,000 instances wait on 10,000
/// claim transactions in a row), and expands activities only when woken or on its timer, not
/// each time a send finishes.
pub async fn run(state: AppState, mut stop: watch::Receiver<bool>) {
    // Unique enough among the processes sharing a database.
    let owner = format!("{}-{}", std::process::id(), crate::util::tokens::random_token(6));
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

async fn wake_stranded(pool: &DbPool) -> anyhow::Result<()> {
    let mut conn = pool.write().await?;
    let woken = targets::wake_stranded(&mut conn, now()).await?;
    if woken > 0 {
        tracing::info!(woken, "instances with waiting deliveries were idle; sending again");
    }
    Ok(())
}

async fn claim(pool: &DbPool, owner: &str, limit: i64) -> anyhow::Result<Vec<Claimed>> {
    let t = now();
    Ok(targets::claim(pool, owner, t, t + LEASE, limit, BATCH).await?)
}

async fn release(pool: &DbPool, instance: i64, owner: &str) -> anyhow::Result<()> {
    let mut conn = pool.write().await?;
    targets::release(&mut conn, instance, owner).await?;
    Ok(())
}

/// Sends a claimed instance's deliveries in order until none are left or one fails: first
/// those read in the claim, then batches read as it goes. Each acknowledged delivery is
/// written (by the [`Recorder`]) before the next is sent, so that a crash repeats at most one
/// send per instance.
async fn send_to_instance(worker: &Worker, claim: Claimed) -> anyhow::Result<()> {
    let Worker { state, queue: pool, keys, recorder, owner } = worker;
    let instance = claim.instance;
    let mut first = (!claim.first.is_empty() || claim.complete).then_some((claim.first, claim.complete));
    let mut renewed = tokio::time::Instant::now();
    loop {
        let (pending, last_batch) = match first.take() {
            Some(read_in_claim) => read_in_claim,
            None => {
                let mut conn = pool.get().await?;
                let pending = deliveries::pending_for(&mut conn, instance, BATCH).await?;
                let last = (pending.len() as i64) < BATCH;
                (pending, last)
            }
        };
        if pending.is_empty() {
            let mut conn = pool.write().await?;
            targets::record_success(&mut conn, instance, owner, now()).await?;
            return Ok(());
        }
        let count = pending.len();
        for (i, item) in pending.into_iter().enumerate() {
            // A send can take up to the request timeout: renew the lease in time.
            if renewed.elapsed() > Duration::from_secs(5) {
                let mut conn = pool.write().await?;
                if !targets::renew_lease(&mut conn, instance, owner, now() + LEASE).await? {
                    tracing::warn!(instance, "lease lost; another worker continues");
                    return Ok(());
                }
                renewed = tokio::time::Instant::now();
            }
            let (key_id, private_key) = &*keys.of(&state.pool, item.actor_id).await?;
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
    let Some(target) = targets::target(&mut conn, instance).await? else {
        return Ok(());
    };
    let t = now();
    if target.first_failure_at.is_some_and(|first| t - first > DEAD_AFTER)
        && target.last_success_at.is_none_or(|s| t - s > DEAD_AFTER)
    {
        let dropped = targets::mark_dead(&mut conn, instance).await?;
        worker.state.live_instances.invalidate(&instance);
        targets::release(&mut conn, instance, owner).await?;
        tracing::warn!(instance, inbox = %item.delivery.inbox_url, dropped, "instance failing for 72 hours: marked dead, pending deliveries dropped");
        return Ok(());
    }
    let wait = backoff(target.fail_count + 1).max(retry_after.unwrap_or_default()).min(Duration::from_secs(24 * 3600));
    let next = t + TimeDelta::from_std(wait).unwrap_or(TimeDelta::hours(6));
    targets::record_failure(&mut conn, &target, owner, t, next).await?;
    tracing::info!(inbox = %item.delivery.inbox_url, reason, retry_in_secs = wait.as_secs(), "delivery failed; will retry");
    Ok(())
}
