//! The persistent outgoing queue and its workers.
//!
//! Activities are stored in `outbox_activity` in the transaction of the change that caused them
//! ([`enqueue`]). A worker expands each into one `delivery` row per inbox ([`fan_out`]; shared
//! inboxes, so one request per server, not per follower), claims remote instances with expiring
//! leases, and sends each instance's deliveries in order ([`run`]). Failures back off per
//! instance with jitter, honour Retry-After, and after days without success the instance is
//! marked dead until it shows life. Several processes on one PostgreSQL share the work: a lease
//! keeps two from sending to the same instance, and a delivery row is deleted only after its
//! inbox accepted it. The queue's tables and SQL are in `db::models` (`outbox_activity`,
//! `delivery`, `delivery_target`, `received_activity`).

mod enqueue;
mod fanout;
pub mod keys;
mod recorder;
mod send;
mod worker;

use std::time::Duration;

pub use enqueue::enqueue;
pub use fanout::fan_out;
pub use worker::run;

use crate::db::DbPool;
use crate::db::models::{delivery, outbox_activity};

/// Waits until every stored activity is fanned out and every delivery made (tests use this).
pub async fn wait_idle(pool: &DbPool, timeout: Duration) -> anyhow::Result<()> {
    let deadline = tokio::time::Instant::now() + timeout;
    loop {
        let (unfanned, pending) = {
            let mut conn = pool.get().await?;
            (outbox_activity::count_unfanned(&mut conn).await?, delivery::count_pending(&mut conn).await?)
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
