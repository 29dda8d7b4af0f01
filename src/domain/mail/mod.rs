//! E-mail from the domain: a [`Letter`] is rendered in the recipient's language and queued as a
//! `mail.send` job in the transaction of its cause; the job hands it to the mail server
//! (`crate::mail`), retrying while the server is down.

pub mod letter;

pub use letter::{Item, Letter, Section};

use crate::db::{DbConn, DbResult};
use crate::jobs::{JobError, NewJob, Running};
use crate::mail::{MailError, Outgoing};
use crate::state::AppState;

/// The job kind that sends one mail.
pub const SEND: &str = "mail.send";

/// Renders `letter` and queues it in the caller's transaction; call `jobs::wake` after commit.
pub async fn queue(conn: &mut DbConn, settings: &crate::config::Settings, letter: &Letter) -> DbResult<()> {
    let outgoing =
        letter.render(settings).map_err(|e| crate::db::DbError::Pool(format!("rendering a mail failed: {e}")))?;
    crate::jobs::enqueue(conn, NewJob::new(SEND, &outgoing)).await?;
    Ok(())
}

/// The `mail.send` handler.
pub async fn send(state: AppState, job: Running) -> Result<(), JobError> {
    let mail: Outgoing = job.payload()?;
    state.mailer.send(&mail).await.map_err(|e| match e {
        MailError::Temporary(reason) => JobError::Retry(reason),
        MailError::Permanent(reason) => JobError::Fail(reason),
    })
}
