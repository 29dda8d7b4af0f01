//! The job queue: a job exists exactly when its cause committed, runs once to completion even
//! with several workers on one database, retries with backoff, gives up when it cannot succeed.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use buurt::db::models::job::Job;
use buurt::jobs::{Handlers, JobError, NewJob};

use crate::both;
use crate::util::{Backend, TestApp, eventually};

type Runs = Arc<Mutex<HashMap<i64, usize>>>;

/// Handlers that count how often each `test.count` job ran; `test.flaky` fails its first try;
/// `test.broken` can never succeed.
fn counting(runs: Runs) -> Handlers {
    let flaky = runs.clone();
    Handlers::default()
        .on("test.count", move |_state, job| {
            let runs = runs.clone();
            async move {
                let n: i64 = job.payload()?;
                // Takes a moment, so that several workers are busy at once.
                tokio::time::sleep(Duration::from_millis(5)).await;
                *runs.lock().unwrap().entry(n).or_default() += 1;
                Ok(())
            }
        })
        .on("test.flaky", move |_state, job| {
            let runs = flaky.clone();
            async move {
                let n: i64 = job.payload()?;
                *runs.lock().unwrap().entry(n).or_default() += 1;
                if job.attempt < 2 { Err(JobError::Retry("not yet".into())) } else { Ok(()) }
            }
        })
        .on("test.broken", |_state, _job| async { Err(JobError::Fail("cannot".into())) })
}

async fn all_jobs(app: &TestApp) -> Vec<Job> {
    crate::jobs_table(app).await
}

/// Workers of their own (the app's workers know no test kinds): `n` of them, as if `n`
/// processes shared the database.
fn workers(
    app: &TestApp,
    handlers: &Handlers,
    n: usize,
) -> (tokio::sync::watch::Sender<bool>, Vec<tokio::task::JoinHandle<()>>) {
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let handles =
        (0..n).map(|_| tokio::spawn(buurt::jobs::run(app.state.clone(), handlers.clone(), stopped.clone()))).collect();
    (stop, handles)
}

async fn a_job_exists_only_when_its_cause_committed(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let mut tx = app.state.pool.begin().await.unwrap();
    assert!(buurt::jobs::enqueue(&mut tx, NewJob::new("test.count", &1)).await.unwrap());
    tx.rollback().await.unwrap();
    assert!(all_jobs(&app).await.is_empty(), "a rolled-back cause leaves no job");

    let mut tx = app.state.pool.begin().await.unwrap();
    assert!(buurt::jobs::enqueue(&mut tx, NewJob::new("test.count", &2).unique("digest:7:2026-W50")).await.unwrap());
    assert!(!buurt::jobs::enqueue(&mut tx, NewJob::new("test.count", &3).unique("digest:7:2026-W50")).await.unwrap());
    tx.commit().await.unwrap();
    let jobs = all_jobs(&app).await;
    assert_eq!(jobs.len(), 1, "a unique key is queued once");
    assert_eq!(jobs[0].payload, "2");
    app.stop().await;
}

async fn several_workers_run_each_job_exactly_once(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let runs: Runs = Arc::default();
    {
        let mut tx = app.state.pool.begin().await.unwrap();
        for n in 0..120i64 {
            buurt::jobs::enqueue(&mut tx, NewJob::new("test.count", &n)).await.unwrap();
        }
        tx.commit().await.unwrap();
    }
    let (stop, handles) = workers(&app, &counting(runs.clone()), 3);
    eventually("all jobs ran", || async { runs.lock().unwrap().len() == 120 }).await;
    // (The app's own workers claim only kinds they know, not these.)
    let counts = runs.lock().unwrap().clone();
    assert!(counts.values().all(|&c| c == 1), "a job ran twice: {counts:?}");
    eventually("the queue is empty", || async { all_jobs(&app).await.is_empty() }).await;
    stop.send(true).unwrap();
    for h in handles {
        h.await.unwrap();
    }
    app.stop().await;
}

async fn failing_jobs_retry_with_backoff_and_broken_ones_are_given_up(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let runs: Runs = Arc::default();
    {
        let mut tx = app.state.pool.begin().await.unwrap();
        buurt::jobs::enqueue(&mut tx, NewJob::new("test.flaky", &7)).await.unwrap();
        buurt::jobs::enqueue(&mut tx, NewJob::new("test.broken", &8)).await.unwrap();
        tx.commit().await.unwrap();
    }
    let (stop, handles) = workers(&app, &counting(runs.clone()), 1);
    eventually("the flaky job succeeded on its second try", || async {
        runs.lock().unwrap().get(&7) == Some(&2) && all_jobs(&app).await.iter().all(|j| j.kind != "test.flaky")
    })
    .await;
    let jobs = all_jobs(&app).await;
    let broken = jobs.iter().find(|j| j.kind == "test.broken").expect("a broken job is kept for the operator");
    assert!(broken.failed_at.is_some());
    assert_eq!(broken.last_error.as_deref(), Some("gave up: cannot"));
    assert_eq!(jobs.len(), 1, "nothing else waits");
    stop.send(true).unwrap();
    for h in handles {
        h.await.unwrap();
    }
    app.stop().await;
}

async fn a_crashed_workers_job_is_taken_over_after_its_lease(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let runs: Runs = Arc::default();
    {
        let mut tx = app.state.pool.begin().await.unwrap();
        buurt::jobs::enqueue(&mut tx, NewJob::new("test.count", &5)).await.unwrap();
        tx.commit().await.unwrap();
    }
    // A worker that claimed it and died: its lease ran out a moment ago.
    let t = buurt::db::now();
    let id = {
        let mut tx = app.state.pool.begin().await.unwrap();
        let claimed = Job::claim(&mut tx, &["test.count"], "dead-process", t, t - chrono::TimeDelta::seconds(1), 10)
            .await
            .unwrap();
        assert_eq!(claimed.len(), 1);
        tx.commit().await.unwrap();
        claimed[0].id
    };
    let (stop, handles) = workers(&app, &counting(runs.clone()), 1);
    eventually("another worker ran it", || async { runs.lock().unwrap().get(&5) == Some(&1) }).await;
    eventually("and completed it", || async { all_jobs(&app).await.is_empty() }).await;
    let mut conn = app.state.pool.get().await.unwrap();
    // The dead worker, had it lived on, could not complete it a second time.
    assert!(!Job::complete(&mut conn, id, "dead-process").await.unwrap());
    drop(conn);
    stop.send(true).unwrap();
    for h in handles {
        h.await.unwrap();
    }
    app.stop().await;
}

async fn a_new_account_gets_its_keys_from_a_background_job(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let browser = app.browser();
    let response = browser.register(&crate::util::as_refs(&crate::util::registration("kees"))).await;
    assert!(response.status().is_success() || response.status().is_redirection(), "{}", response.status());
    app.run_jobs().await;
    let account = app.account("kees").await.expect("registered");
    assert!(account.actor.private_key.is_some() && account.actor.public_key.is_some(), "the job made the keys");
    app.stop().await;
}

both!(
    a_new_account_gets_its_keys_from_a_background_job,
    a_job_exists_only_when_its_cause_committed,
    several_workers_run_each_job_exactly_once,
    failing_jobs_retry_with_backoff_and_broken_ones_are_given_up,
    a_crashed_workers_job_is_taken_over_after_its_lease,
);
