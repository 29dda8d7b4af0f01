//! The job workers: claim due jobs with a lease, run each one's handler while renewing the
//! lease, then complete, retry with backoff, or give up.

use std::sync::Arc;
use std::time::Duration;

use chrono::TimeDelta;
use tokio::sync::watch;
use tokio::task::JoinSet;

use super::{Handlers, JobError, Running};
use crate::db::models::job::Job;
use crate::db::now;
use crate::state::AppState;

/// How long a claimed job stays ours without renewal; a crashed process's jobs are free again
/// after this.
const LEASE: TimeDelta = TimeDelta::seconds(60);
/// How often a running job's lease is renewed.
const RENEW: Duration = Duration::from_secs(20);
/// How often the workers look for due jobs when nobody wakes them.
const POLL: Duration = Duration::from_secs(1);
/// Jobs running at once in one process.
const PARALLEL: usize = 4;
/// After this many tries a job that still asks to be retried is given up.
const MAX_ATTEMPTS: i32 = 25;

/// Runs jobs until `stop` turns true, then waits for those running.
pub async fn run(state: AppState, handlers: Handlers, mut stop: watch::Receiver<bool>) {
    let owner: Arc<str> = format!("{}-{}", std::process::id(), crate::util::tokens::random_token(6)).into();
    let handlers = Arc::new(handlers);
    let mut running: JoinSet<()> = JoinSet::new();
    loop {
        if *stop.borrow() {
            break;
        }
        while running.try_join_next().is_some() {}
        let free = PARALLEL.saturating_sub(running.len());
        if free > 0 {
            match claim(&state, &handlers, &owner, free as i64).await {
                Ok(jobs) => {
                    for job in jobs {
                        let (state, handlers, owner) = (state.clone(), handlers.clone(), owner.clone());
                        running.spawn(async move { run_one(state, &handlers, job, owner).await });
                    }
                }
                Err(e) => tracing::warn!(error = %e, "claiming jobs failed"),
            }
        }
        tokio::select! {
            _ = state.jobs_wake.notified() => {}
            _ = tokio::time::sleep(POLL) => {}
            Some(_) = running.join_next(), if !running.is_empty() => {}
            _ = stop.changed() => {}
        }
    }
    while running.join_next().await.is_some() {}
}

async fn claim(state: &AppState, handlers: &Handlers, owner: &str, limit: i64) -> anyhow::Result<Vec<Job>> {
    let kinds: Vec<&str> = handlers.kinds().collect();
    let t = now();
    {
        let mut conn = state.pool.get().await?;
        if !Job::any_due(&mut conn, &kinds, t).await? {
            return Ok(vec![]);
        }
    }
    let mut tx = state.pool.begin().await?;
    let jobs = Job::claim(&mut tx, &kinds, owner, t, t + LEASE, limit).await?;
    tx.commit().await?;
    Ok(jobs)
}

/// Runs one claimed job to its end.
async fn run_one(state: AppState, handlers: &Handlers, job: Job, owner: Arc<str>) {
    let running = Running { id: job.id, payload: job.payload.clone(), attempt: job.attempts, owner: owner.clone() };
    let outcome = match handlers.get(&job.kind) {
        None => Err(JobError::Fail(format!("no handler for job kind {:?}", job.kind))),
        Some(handler) => {
            let work = handler(state.clone(), running);
            tokio::pin!(work);
            let mut renewal = tokio::time::interval_at(tokio::time::Instant::now() + RENEW, RENEW);
            loop {
                tokio::select! {
                    outcome = &mut work => break outcome,
                    _ = renewal.tick() => {
                        if !renew(&state, job.id, &owner).await {
                            // Another worker took it over: let that one finish it.
                            tracing::warn!(job = job.id, kind = %job.kind, "job lease lost; another worker continues");
                            return;
                        }
                    }
                }
            }
        }
    };
    if let Err(e) = finish(&state, &job, &owner, outcome).await {
        // The lease runs out and the job is tried again.
        tracing::warn!(job = job.id, kind = %job.kind, error = %e, "recording a job's outcome failed");
    }
}

async fn renew(state: &AppState, id: i64, owner: &str) -> bool {
    match state.pool.write().await {
        Ok(mut conn) => Job::renew(&mut conn, id, owner, now() + LEASE).await.unwrap_or(false),
        Err(_) => false,
    }
}

async fn finish(state: &AppState, job: &Job, owner: &str, outcome: Result<(), JobError>) -> anyhow::Result<()> {
    let mut conn = state.pool.write().await?;
    match outcome {
        // A handler that completed the job in its own transaction left nothing to delete.
        Ok(()) => {
            Job::complete(&mut conn, job.id, owner).await?;
            tracing::debug!(job = job.id, kind = %job.kind, "job done");
        }
        Err(JobError::Retry(reason)) if job.attempts < MAX_ATTEMPTS => {
            let wait = crate::util::backoff::backoff(job.attempts).max(Duration::from_secs(1));
            let at = now() + TimeDelta::from_std(wait).unwrap_or(TimeDelta::hours(6));
            Job::retry(&mut conn, job.id, owner, &reason, at).await?;
            tracing::info!(job = job.id, kind = %job.kind, reason, retry_in_secs = wait.as_secs(), "job failed; will retry");
        }
        Err(e) => {
            let reason = e.to_string();
            Job::give_up(&mut conn, job.id, owner, &reason, now()).await?;
            tracing::error!(job = job.id, kind = %job.kind, reason, attempts = job.attempts, "job given up");
        }
    }
    Ok(())
}
