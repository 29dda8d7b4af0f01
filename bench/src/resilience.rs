//! Resilience under load: a fan-out to N instances during which a Buurt process is killed with
//! SIGKILL and started again. On PostgreSQL two processes of the same instance share the
//! queue and one of them is killed; SQLite is for one process, so that one is killed. Every
//! delivery must arrive, and the receiver counts any that arrive twice.

use std::time::Duration;

use anyhow::bail;

use crate::Ctx;
use crate::fanout::seed_followers;
use crate::remote::Remote;
use crate::server::{Backend, Server};

pub struct ResilienceResult {
    pub backend: Backend,
    pub instances: usize,
    pub processes: usize,
    /// Deliveries acknowledged when the process was killed.
    pub acknowledged_at_kill: usize,
    /// From the kill until the process answered again.
    pub down: Duration,
    /// From the post until every delivery was acknowledged.
    pub elapsed: Duration,
    /// Distinct deliveries (inbox, activity) that arrived.
    pub arrived: usize,
    /// Deliveries that arrived a second time.
    pub repeats: usize,
    /// Delivery rows left in the queue once everything arrived.
    pub left_in_queue: i64,
}

impl ResilienceResult {
    pub const HEADER: &'static str = "| backend | processes | deliveries | acknowledged at the kill | process down | all arrived after | arrived | lost | arrived twice | left in queue |\n|---|---|---|---|---|---|---|---|---|---|";

    pub fn row(&self) -> String {
        let lost = self.instances.saturating_sub(self.arrived);
        format!(
            "| {} | {} | {} | {} | {:.1} s | {:.1} s | {} | {} {} | {} | {} |",
            self.backend.label(),
            self.processes,
            self.instances,
            self.acknowledged_at_kill,
            self.down.as_secs_f64(),
            self.elapsed.as_secs_f64(),
            self.arrived,
            lost,
            if lost == 0 { "✅" } else { "❌" },
            self.repeats,
            self.left_in_queue,
        )
    }
}

/// Runs the scenario; the process is killed once `kill_at` of the deliveries were acknowledged.
pub async fn run(ctx: &Ctx, backend: Backend, instances: usize, kill_at: f64) -> anyhow::Result<ResilienceResult> {
    eprintln!(
        "== resilience: fan-out to {instances} instances on {}, SIGKILL at {:.0}%",
        backend.label(),
        kill_at * 100.0
    );
    let remote = Remote::start(instances, true).await?;
    let mut first = Server::start(ctx, backend).await?;
    remote.set_buurt(&first.url(""));
    let state = first.admin_state().await?;
    let token = first.seed_people(&state, &["anna".to_string()]).await?;
    seed_followers(&first, &remote, instances).await?;
    eprintln!("   {instances} followers seeded");
    let second = match backend {
        Backend::Postgres => Some(first.another_process().await?),
        Backend::Sqlite => None,
    };

    let started = tokio::time::Instant::now();
    first.post_status(&token, "Vanavond om acht uur buurtoverleg in het wijkcentrum.").await?;
    let threshold = ((instances as f64 * kill_at) as usize).max(1);
    remote.wait_for("Create", threshold, Duration::from_secs(1800)).await?;
    first.kill().await?;
    let killed = tokio::time::Instant::now();
    let acknowledged_at_kill = remote.count("Create");
    let repeats_before_kill = remote.repeats("Create");
    eprintln!("   killed after {acknowledged_at_kill} deliveries ({:.1} s)", started.elapsed().as_secs_f64());
    tokio::time::sleep(Duration::from_secs(2)).await;
    first.restart().await?;
    let down = killed.elapsed();
    // The killed process's leases run out after 20 s; then its instances are taken up again.
    remote.wait_for("Create", instances, Duration::from_secs(1800)).await?;
    let elapsed = started.elapsed();

    // The queue must be empty: nothing still in flight that could arrive a second time later.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(120);
    let left_in_queue = loop {
        let mut conn = state.pool.get().await?;
        let pending = buurt::db::models::delivery::count_pending(&mut conn).await?;
        if pending == 0 || tokio::time::Instant::now() > deadline {
            break pending;
        }
        drop(conn);
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    let result = ResilienceResult {
        backend,
        instances,
        processes: if second.is_some() { 2 } else { 1 },
        acknowledged_at_kill,
        down,
        elapsed,
        arrived: remote.count("Create"),
        repeats: remote.repeats("Create"),
        left_in_queue,
    };
    eprintln!("   {} ({repeats_before_kill} repeats before the kill)", result.row());
    for (name, server) in [("first", Some(&first)), ("second", second.as_ref())] {
        if let Some(server) = server {
            let log = server.log();
            let notable: Vec<&str> = log.lines().filter(|l| l.contains("WARN") || l.contains("will retry")).collect();
            eprintln!("   {name} process: {} warnings and retried deliveries in its log", notable.len());
            for line in notable.iter().take(8) {
                eprintln!("     {line}");
            }
        }
    }
    if remote.rejected() > 0 {
        bail!("the receiver refused {} deliveries", remote.rejected());
    }
    state.pool.close();
    if let Some(second) = second {
        second.stop().await?;
    }
    first.stop().await?;
    Ok(result)
}
