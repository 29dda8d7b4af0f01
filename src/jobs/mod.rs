//! The job queue: work that is not ActivityPub delivery (e-mail, digests, imports, refetches,
//! cleanup).
//!
//! A cause writes its job with [`enqueue`] in its own transaction, so the job exists exactly
//! when the change does. Workers ([`run`]) claim due jobs with a lease, renew it while the job
//! runs, and delete the job when its handler succeeds; a handler that fails for now puts it back
//! with backoff, one that cannot succeed gives it up (kept with its error, see
//! `buurt admin jobs`). A crashed process's jobs are free again when their lease runs out.
//!
//! Never twice to completion: completing deletes the job only if this worker still holds its
//! lease. A handler whose effect is in the database completes the job in the effect's own
//! transaction ([`Job::complete`] inside it), so effect and completion commit together. An effect
//! outside the database (an e-mail handed to the SMTP server) cannot share a transaction: it is
//! done once unless the process dies between the effect and the delete, and such handlers make
//! a repeat recognisable (an e-mail keeps its `Message-ID`).
//!
//! Handlers live in the layers above (the domain) and are registered by kind name in
//! `server.rs` ([`Handlers`]); this module runs them and knows nothing of what they do.

mod worker;

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

pub use worker::run;

use crate::db::models::job::{Job, JobInsert};
use crate::db::{DbConn, DbPool, DbResult, now};
use crate::state::AppState;

/// A job to add.
#[derive(Debug, Clone)]
pub struct NewJob {
    kind: &'static str,
    payload: String,
    run_at: Option<chrono::NaiveDateTime>,
    unique_key: Option<String>,
}

impl NewJob {
    /// A job of `kind` with a JSON payload, due now.
    pub fn new(kind: &'static str, payload: &impl serde::Serialize) -> NewJob {
        let payload = serde_json::to_string(payload).unwrap_or_else(|_| "null".to_string());
        NewJob { kind, payload, run_at: None, unique_key: None }
    }

    /// Due at `at` instead of now.
    pub fn at(mut self, at: chrono::NaiveDateTime) -> NewJob {
        self.run_at = Some(at);
        self
    }

    /// At most one job with this key is queued at a time (a person's digest of one period).
    pub fn unique(mut self, key: impl Into<String>) -> NewJob {
        self.unique_key = Some(key.into());
        self
    }

    fn into_form(self, t: chrono::NaiveDateTime) -> JobInsert {
        JobInsert {
            kind: self.kind.to_string(),
            payload: self.payload,
            unique_key: self.unique_key,
            run_at: self.run_at.unwrap_or(t),
            attempts: 0,
            created_at: t,
        }
    }
}

/// Adds a job, normally inside the transaction of its cause; false when a job with its unique
/// key is already queued. Call [`wake`] after the commit to run it at once.
pub async fn enqueue(conn: &mut DbConn, job: NewJob) -> DbResult<bool> {
    Job::insert(conn, &job.into_form(now())).await
}

/// [`enqueue`] for many jobs at once (a mail for each of a group's members who chose one), in
/// a few statements. Jobs with a unique key go one by one, through [`enqueue`].
pub async fn enqueue_many(conn: &mut DbConn, jobs: Vec<NewJob>) -> DbResult<usize> {
    let t = now();
    let (keyed, plain): (Vec<NewJob>, Vec<NewJob>) = jobs.into_iter().partition(|j| j.unique_key.is_some());
    let forms: Vec<JobInsert> = plain.into_iter().map(|j| j.into_form(t)).collect();
    let mut added = Job::insert_many(conn, &forms).await?;
    for job in keyed {
        added += usize::from(enqueue(conn, job).await?);
    }
    Ok(added)
}

/// Tells this process's workers that jobs were added.
pub fn wake(state: &AppState) {
    state.jobs_wake.notify_one();
}

/// What a handler's failure means.
#[derive(Debug, thiserror::Error)]
pub enum JobError {
    /// Try again later (a server down, a timeout): the job backs off.
    #[error("will retry: {0}")]
    Retry(String),
    /// This job can never succeed (its subject is gone, its payload is bad): given up.
    #[error("gave up: {0}")]
    Fail(String),
}

impl From<crate::db::DbError> for JobError {
    fn from(e: crate::db::DbError) -> Self {
        JobError::Retry(e.to_string())
    }
}

/// The running job, as its handler sees it.
#[derive(Debug, Clone)]
pub struct Running {
    pub id: i64,
    pub payload: String,
    /// 1 on the first try.
    pub attempt: i32,
    /// The lease's owner: [`Job::complete`] in a handler's own transaction needs it.
    pub owner: Arc<str>,
}

impl Running {
    /// The payload as `T`; a payload that does not parse can never succeed.
    pub fn payload<T: serde::de::DeserializeOwned>(&self) -> Result<T, JobError> {
        serde_json::from_str(&self.payload).map_err(|e| JobError::Fail(format!("payload: {e}")))
    }

    /// Completes the job inside the caller's transaction (see the module's notes); false when
    /// another worker took it over and the caller should roll back.
    pub async fn complete_in(&self, conn: &mut DbConn) -> DbResult<bool> {
        Job::complete(conn, self.id, &self.owner).await
    }
}

type BoxFuture = Pin<Box<dyn Future<Output = Result<(), JobError>> + Send>>;
type Handler = Arc<dyn Fn(AppState, Running) -> BoxFuture + Send + Sync>;

/// The handlers of the job kinds, by name.
#[derive(Clone, Default)]
pub struct Handlers(HashMap<&'static str, Handler>);

impl Handlers {
    /// Registers the handler of `kind`.
    pub fn on<F, Fut>(mut self, kind: &'static str, handler: F) -> Handlers
    where
        F: Fn(AppState, Running) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<(), JobError>> + Send + 'static,
    {
        self.0.insert(kind, Arc::new(move |state, job| Box::pin(handler(state, job))));
        self
    }

    fn get(&self, kind: &str) -> Option<Handler> {
        self.0.get(kind).cloned()
    }

    /// The registered kinds.
    pub fn kinds(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.0.keys().copied()
    }
}

/// Waits until no job is due (tests use this); jobs due later do not count.
pub async fn wait_idle(pool: &DbPool, timeout: Duration) -> anyhow::Result<()> {
    let deadline = tokio::time::Instant::now() + timeout;
    loop {
        let due = {
            let mut conn = pool.get().await?;
            Job::count_due(&mut conn, now()).await?
        };
        if due == 0 {
            return Ok(());
        }
        if tokio::time::Instant::now() > deadline {
            anyhow::bail!("{due} jobs still due after {timeout:?}");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
