//! `buurt-bench`: Buurt's benchmark suite. Each scenario starts the release `buurt` binary as a
//! separate process on a fresh SQLite or PostgreSQL database, loads it with real clients (wrk,
//! or this program's own signed requests) and a receiving process acting as many remote
//! instances, and prints Markdown rows for BENCHMARKS.md. See BENCHMARKS.md for how to run it.

mod ceiling;
mod events;
mod fanout;
mod groups;
mod growth;
mod hosts;
mod inbox;
mod moderation;
mod notifications_api;
mod notify;
mod peers;
mod reads;
mod remote;
mod resilience;
mod server;
mod soak;
mod stats;
mod threads;

use std::path::PathBuf;
use std::time::Duration;

use clap::{Parser, Subcommand};

use server::Backend;

#[derive(Debug, Parser)]
#[command(name = "buurt-bench", about = "Benchmarks of a release-built Buurt (see BENCHMARKS.md)")]
struct Cli {
    /// The buurt binary (default: `buurt` next to this program).
    #[arg(long, global = true)]
    buurt: Option<PathBuf>,
    /// Backends to run on.
    #[arg(long, global = true, value_enum, default_values_t = [Backend::Sqlite, Backend::Postgres], value_delimiter = ',')]
    backend: Vec<Backend>,
    /// PostgreSQL server for the `postgres` backend (a database is created and dropped).
    #[arg(long, global = true, default_value = "postgres://postgres@127.0.0.1:5432")]
    postgres: String,
    /// A setting for the benchmark's PostgreSQL database (`ALTER DATABASE … SET`), e.g.
    /// `synchronous_commit=off`, to try what a setting changes. Repeatable.
    #[arg(long = "pg-set", global = true, value_name = "KEY=VALUE")]
    pg_set: Vec<String>,
    /// Seconds each ceiling (signatures/s, verifications/s) is measured.
    #[arg(long, global = true, default_value_t = 3)]
    ceiling_secs: u64,
    /// Buurt's `server.public_cache_ms` (the cache of anonymous public reads); 0 turns it off.
    /// Default: Buurt's own default, except for `growth`, which measures the database and runs
    /// with the cache off.
    #[arg(long, global = true)]
    public_cache_ms: Option<u64>,
    /// Only the read endpoints whose name contains this (case-insensitive), for `reads`,
    /// `growth` and `all`; repeatable. Default: every endpoint.
    #[arg(long = "endpoint", global = true, value_name = "NAME")]
    endpoints: Vec<String>,
    #[command(subcommand)]
    command: Scenario,
}

#[derive(Debug, Subcommand)]
enum Scenario {
    /// One public post to followers on N distinct remote instances.
    Fanout {
        #[arg(long, default_value_t = 1000)]
        instances: usize,
    },
    /// Signed activities into the shared and personal inboxes.
    Inbox(InboxArgs),
    /// wrk against the read endpoints, with resident memory idle and under load.
    Reads(ReadArgs),
    /// Resident memory of a started, lightly used server.
    Memory,
    /// A fan-out during which a Buurt process is killed with SIGKILL and restarted (on
    /// PostgreSQL one of two processes sharing the queue): nothing may be lost.
    Resilience {
        #[arg(long, default_value_t = 10_000)]
        instances: usize,
        /// Share of the deliveries acknowledged when the process is killed.
        #[arg(long, default_value_t = 0.3)]
        kill_at: f64,
    },
    /// A long moderate mixed load: reads, inbox activities and posts that fan out; no errors,
    /// nothing lost, memory flat.
    Soak {
        #[arg(long, default_value_t = 30)]
        minutes: u64,
        #[arg(long, default_value_t = 100)]
        reads_per_sec: u32,
        #[arg(long, default_value_t = 10)]
        activities_per_sec: u32,
        /// Seconds between two posts.
        #[arg(long, default_value_t = 20)]
        post_every: u64,
    },
    /// The reads and the inbox at 1k, 10k and 100k stored posts and followers.
    Growth(GrowthArgs),
    /// A notification for each of N local followers at once (`notify_many`), timed.
    Notify {
        #[arg(long, default_value_t = 10_000)]
        followers: usize,
        #[arg(long, default_value_t = 5)]
        rounds: usize,
    },
    /// Many residents answer "going" at once to an event with fewer seats (the seat race).
    Rsvp {
        #[arg(long, default_value_t = 2_000)]
        joins: usize,
        #[arg(long, default_value_t = 1_000)]
        seats: usize,
    },
    /// The same reads and inbox load on Buurt, the Fedify peer and bovine-herd; ratios.
    Peers(peers::PeersArgs),
    /// Everything: memory, fan-out to 1,000 and 10,000 instances, inbox ingestion, reads.
    All {
        #[command(flatten)]
        inbox: InboxArgs,
        #[command(flatten)]
        reads: ReadArgs,
        /// Fan-out sizes.
        #[arg(long, default_values_t = [1000, 10000], value_delimiter = ',')]
        instances: Vec<usize>,
    },
}

#[derive(Debug, clap::Args)]
struct InboxArgs {
    #[arg(long, default_value_t = 20_000)]
    activities: usize,
    #[arg(long, default_value_t = 200)]
    actors: usize,
    #[arg(long, default_value_t = 64)]
    senders: usize,
    /// Domains blocked by the federation policy during the timed run (none of the senders):
    /// several (`--blocked-domains 0,10000`) run the scenario once each, in the same run, so
    /// the cost of a block list on the inbox shows beside none.
    #[arg(long, default_values_t = [0], value_delimiter = ',')]
    blocked_domains: Vec<usize>,
}

#[derive(Debug, clap::Args)]
struct ReadArgs {
    /// Seconds per endpoint.
    #[arg(long, default_value_t = 30)]
    duration: u64,
    #[arg(long, default_value_t = 64)]
    connections: usize,
}

#[derive(Debug, clap::Args)]
struct GrowthArgs {
    /// Posts of anna and followers of anna in each database.
    #[arg(long, default_values_t = [1000, 10000, 100000], value_delimiter = ',')]
    sizes: Vec<usize>,
    /// Seconds per endpoint and size.
    #[arg(long, default_value_t = 10)]
    duration: u64,
    #[arg(long, default_value_t = 64)]
    connections: usize,
    /// Activities into the inboxes at each size.
    #[arg(long, default_value_t = 5000)]
    activities: usize,
    #[arg(long, default_value_t = 200)]
    actors: usize,
    #[arg(long, default_value_t = 64)]
    senders: usize,
}

/// What every scenario needs.
pub struct Ctx {
    pub binary: PathBuf,
    pub pg_admin: String,
    pub pg_set: Vec<String>,
    pub ceiling_time: Duration,
    /// `server.public_cache_ms` for the servers started (None: Buurt's default).
    pub public_cache_ms: Option<u64>,
    pub duration: Duration,
    pub connections: usize,
    /// `--endpoint`: the read endpoints to measure (empty: all).
    pub endpoints: Vec<String>,
}

#[derive(Default)]
struct Report {
    fanout: Vec<fanout::FanoutResult>,
    inbox: Vec<inbox::InboxResult>,
    reads: Vec<reads::ReadResult>,
    memory: Vec<(Backend, u64)>,
    resilience: Vec<resilience::ResilienceResult>,
    soak: Vec<soak::SoakResult>,
    growth: Vec<growth::SizeResult>,
    notify: Vec<notify::NotifyResult>,
    rsvp: Vec<events::RaceResult>,
    peers: Option<peers::PeersReport>,
}

impl Report {
    fn print(&self) {
        println!("\n{}\n", machine());
        if let Some(peers) = &self.peers {
            peers.print();
            println!();
        }
        if !self.fanout.is_empty() {
            println!("### Delivery fan-out\n\n{}", fanout::FanoutResult::HEADER);
            self.fanout.iter().for_each(|r| println!("{}", r.row()));
            println!();
        }
        if !self.inbox.is_empty() {
            println!("### Inbox ingestion\n\n{}", inbox::InboxResult::HEADER);
            self.inbox.iter().for_each(|r| println!("{}", r.row()));
            for r in &self.inbox {
                if let Some((sign, verify)) = r.openssl {
                    println!(
                        "\nOpenSSL on the same cores ({}): {sign:.0} signatures/s, {verify:.0} verifications/s \
                         ({:.1}× Buurt's verification).",
                        r.backend.label(),
                        verify / r.verify_per_sec
                    );
                }
            }
            println!();
        }
        if !self.reads.is_empty() {
            println!("### Reads\n\n{}", reads::ReadResult::HEADER);
            self.reads.iter().for_each(|r| println!("{}", r.row()));
            println!();
        }
        if !self.resilience.is_empty() {
            println!("### Resilience\n\n{}", resilience::ResilienceResult::HEADER);
            self.resilience.iter().for_each(|r| println!("{}", r.row()));
            println!();
        }
        if !self.soak.is_empty() {
            println!("### Soak\n\n{}", soak::SoakResult::HEADER);
            self.soak.iter().for_each(|r| println!("{}", r.row()));
            for r in &self.soak {
                let curve: Vec<String> = r.rss.iter().map(|(m, kib)| format!("{m}: {}", stats::mib(*kib))).collect();
                println!("\nRSS per minute ({}): {}", r.backend.label(), curve.join(", "));
            }
            println!();
        }
        if !self.rsvp.is_empty() {
            println!("### The seat race\n\n{}", events::RaceResult::HEADER);
            self.rsvp.iter().for_each(|r| println!("{}", r.row()));
        }
        if !self.notify.is_empty() {
            println!("### Notifications to many\n\n{}", notify::NotifyResult::HEADER);
            self.notify.iter().for_each(|r| println!("{}", r.row()));
            println!();
        }
        if !self.growth.is_empty() {
            println!("### Growth\n\n{}", growth::report(&self.growth));
        }
        if !self.memory.is_empty() {
            println!(
                "### Memory\n\n| backend | idle RSS (target < 30 MB) | peak RSS per load (target < 200 MB) |\n|---|---|---|"
            );
            for (backend, idle) in &self.memory {
                let mut loads: Vec<String> = Vec::new();
                for f in self.fanout.iter().filter(|f| f.backend == *backend) {
                    loads.push(format!("fan-out {}: {}", f.instances, stats::mib(f.peak_rss_kib)));
                }
                for i in self.inbox.iter().filter(|i| i.backend == *backend) {
                    loads.push(format!("inbox: {}", stats::mib(i.peak_rss_kib)));
                }
                if let Some(peak) = self.reads.iter().filter(|r| r.backend == *backend).map(|r| r.peak_rss_kib).max() {
                    loads.push(format!("reads: {}", stats::mib(peak)));
                }
                let worst = self
                    .fanout
                    .iter()
                    .filter(|f| f.backend == *backend)
                    .map(|f| f.peak_rss_kib)
                    .chain(self.inbox.iter().filter(|i| i.backend == *backend).map(|i| i.peak_rss_kib))
                    .chain(self.reads.iter().filter(|r| r.backend == *backend).map(|r| r.peak_rss_kib))
                    .max()
                    .unwrap_or(0);
                println!(
                    "| {} | {} {} | {} {} |",
                    backend.label(),
                    stats::mib(*idle),
                    if *idle < 30 * 1024 { "✅" } else { "❌" },
                    if loads.is_empty() { "–".to_string() } else { loads.join("; ") },
                    if worst == 0 {
                        ""
                    } else if worst < 200 * 1024 {
                        "✅"
                    } else {
                        "❌"
                    },
                );
            }
        }
    }
}

/// The machine: cores, CPU model, memory, load.
fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|t| {
            t.lines()
                .find(|l| l.starts_with("model name"))
                .map(|l| l.split(':').nth(1).unwrap_or("").trim().to_string())
        })
        .unwrap_or_default();
    let mem = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|t| t.lines().next().and_then(|l| l.split_whitespace().nth(1)).and_then(|k| k.parse::<u64>().ok()))
        .map_or(String::new(), |kib| format!("{:.1} GiB", kib as f64 / 1024.0 / 1024.0));
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    format!(
        "Machine: {} cores ({cpu}), {mem} RAM; load average at the end: {}",
        ceiling::cores(),
        load.split_whitespace().take(3).collect::<Vec<_>>().join(" ")
    )
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    buurt::install_crypto();
    let binary = match cli.buurt {
        Some(b) => b,
        None => server::default_binary()?,
    };
    let (duration, connections) = match &cli.command {
        Scenario::Reads(r) | Scenario::All { reads: r, .. } => (Duration::from_secs(r.duration), r.connections),
        Scenario::Growth(g) => (Duration::from_secs(g.duration), g.connections),
        _ => (Duration::from_secs(30), 64),
    };
    let ctx = Ctx {
        binary,
        pg_admin: cli.postgres.clone(),
        pg_set: cli.pg_set.clone(),
        ceiling_time: Duration::from_secs(cli.ceiling_secs),
        public_cache_ms: match &cli.command {
            Scenario::Growth(_) => Some(cli.public_cache_ms.unwrap_or(0)),
            _ => cli.public_cache_ms,
        },
        duration,
        connections,
        endpoints: cli.endpoints.iter().map(|e| e.to_lowercase()).collect(),
    };
    let mut report = Report::default();
    let mut terminate = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
    let interrupted = async move {
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = terminate.recv() => {}
        }
    };
    let work = async {
        if let Scenario::Peers(a) = &cli.command {
            return peers::run(&ctx, &cli.backend, a, &mut report.peers).await;
        }
        for &backend in &cli.backend {
            match &cli.command {
                Scenario::Fanout { instances } => report.fanout.push(fanout::run(&ctx, backend, *instances).await?),
                Scenario::Inbox(a) => {
                    for &blocked in &a.blocked_domains {
                        report.inbox.push(inbox::run(&ctx, backend, a.activities, a.actors, a.senders, blocked).await?)
                    }
                }
                Scenario::Reads(_) => {
                    let (rows, memory) = reads::run(&ctx, backend).await?;
                    report.reads.extend(rows);
                    report.memory.push((backend, memory));
                }
                Scenario::Growth(g) => {
                    growth::run(&ctx, backend, &g.sizes, (g.activities, g.actors, g.senders), &mut report.growth)
                        .await?
                }
                Scenario::Notify { followers, rounds } => {
                    report.notify.push(notify::run(&ctx, backend, *followers, *rounds).await?)
                }
                Scenario::Rsvp { joins, seats } => report.rsvp.push(events::race(&ctx, backend, *joins, *seats).await?),
                Scenario::Peers(_) => {}
                Scenario::Memory => {
                    let (_remote, server) = reads::seeded(&ctx, backend, 10, 5).await?;
                    let idle = reads::idle_memory(&server).await?;
                    server.stop().await?;
                    eprintln!("   idle RSS on {}: {}", backend.label(), stats::mib(idle));
                    report.memory.push((backend, idle));
                }
                Scenario::Resilience { instances, kill_at } => {
                    report.resilience.push(resilience::run(&ctx, backend, *instances, *kill_at).await?)
                }
                Scenario::Soak { minutes, reads_per_sec, activities_per_sec, post_every } => {
                    // All backends at once (see soak::run_all).
                    if backend == cli.backend[0] {
                        report.soak.extend(
                            soak::run_all(
                                &ctx,
                                &cli.backend,
                                Duration::from_secs(minutes * 60),
                                *reads_per_sec,
                                *activities_per_sec,
                                Duration::from_secs(*post_every),
                            )
                            .await?,
                        );
                    }
                }
                Scenario::All { inbox: a, instances, .. } => {
                    let (_remote, server) = reads::seeded(&ctx, backend, 10, 5).await?;
                    let idle = reads::idle_memory(&server).await?;
                    server.stop().await?;
                    report.memory.push((backend, idle));
                    for &n in instances {
                        report.fanout.push(fanout::run(&ctx, backend, n).await?);
                    }
                    for &blocked in &a.blocked_domains {
                        report.inbox.push(inbox::run(&ctx, backend, a.activities, a.actors, a.senders, blocked).await?);
                    }
                    let (rows, _) = reads::run(&ctx, backend).await?;
                    report.reads.extend(rows);
                }
            }
        }
        anyhow::Ok(())
    };
    // Ctrl-C or SIGTERM drops the work, which stops Buurt, drops its database and removes the host names.
    let outcome = tokio::select! {
        r = work => r,
        _ = interrupted => Err(anyhow::anyhow!("interrupted")),
    };
    report.print();
    outcome
}
