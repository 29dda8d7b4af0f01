//! Reminders the day before: when an event is made or moved, a job (`event.remind`) is queued
//! for 24 hours before its start, keyed by the event and that start, so a moved event gets a
//! new reminder and the old one finds the start changed and does nothing. It tells everyone
//! here who is going (in the app, by e-mail or in the digest, as each chose).

use crate::db::models::event::{Event, EventStatus};
use crate::db::models::event_participant::{Participant, Rsvp};
use crate::db::{DbConn, DbResult, now};
use crate::domain::notifications::{self, Notice, kinds};
use crate::jobs::{JobError, NewJob, Running};
use crate::state::AppState;

pub const REMIND_JOB: &str = "event.remind";

/// How long before the start the reminder goes.
const BEFORE: chrono::TimeDelta = chrono::TimeDelta::hours(24);

#[derive(serde::Serialize, serde::Deserialize)]
struct Remind {
    event: i64,
    /// The start it was queued for (`NaiveDateTime`'s text).
    starts_at: String,
}

/// Queues the reminder of one of our events (in the caller's transaction), when its start is
/// more than a day away.
pub async fn queue(conn: &mut DbConn, event: &Event) -> DbResult<()> {
    if !event.local || event.starts_at - BEFORE <= now() {
        return Ok(());
    }
    let starts_at = event.starts_at.to_string();
    let key = format!("{REMIND_JOB}:{}:{starts_at}", event.id);
    let job = NewJob::new(REMIND_JOB, &Remind { event: event.id, starts_at }).at(event.starts_at - BEFORE).unique(key);
    crate::jobs::enqueue(conn, job).await.map(drop)
}

/// The `event.remind` handler.
pub async fn remind(state: AppState, job: Running) -> Result<(), JobError> {
    let Remind { event, starts_at } = job.payload()?;
    let mut tx = state.pool.begin().await?;
    if let Some(event) = Event::by_id(&mut tx, event).await?
        && event.starts_at.to_string() == starts_at
        && event.status() != EventStatus::Cancelled
    {
        for (_, actor) in Participant::list(&mut tx, event.id, &[Rsvp::Going], 100_000).await? {
            let Some(actor) = actor.filter(|a| a.local) else { continue };
            let notice =
                Notice { subject: Some(event.ap_id.clone()), ..Notice::new(&kinds::EVENT_REMINDER, actor.id, None) };
            notifications::notify(&mut tx, notice).await.map_err(|e| JobError::Retry(e.to_string()))?;
        }
    }
    if job.complete_in(&mut tx).await? {
        tx.commit().await?;
    }
    Ok(())
}
