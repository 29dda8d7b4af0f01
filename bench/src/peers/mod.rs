//! Buurt beside two independent fediverse servers: the Fedify-based peer and bovine-herd that
//! the federation tests run (`federation-tests/peers/`). The same reads (wrk against the
//! endpoints all three have) and the same signed inbox load (Follow, Create(Note) and Like
//! from remote actors served by the receiver of `remote.rs`), in one run, one server at a time;
//! Buurt's figures as ratios to theirs.

mod inbox;
mod process;
mod reads;
mod report;
#[cfg(test)]
mod tests;

use inbox::*;
use process::*;
use reads::*;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use anyhow::{Context, bail};
use axum::http::Method;
use serde_json::{Value, json};
use tokio::process::{Child, Command};

use crate::Ctx;
use crate::hosts::HostsBlock;
use crate::remote::{self, Remote};
use crate::server::{Backend, Server};
use crate::stats::{self, WrkResult};

const FEDIFY_HOST: &str = "fedify.bench.test";
const BOVINE_HOST: &str = "bovine.bench.test";
/// Remote instances the sending actors live on (at most one actor per instance below that).
const INSTANCES: usize = 10;
const PUBLIC: &str = "https://www.w3.org/ns/activitystreams#Public";
const ENDPOINTS: [&str; 4] = ["actor JSON", "WebFinger", "NodeInfo", "outbox page"];

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum PeerKind {
    Fedify,
    Bovine,
}

#[derive(Debug, clap::Args)]
pub struct PeersArgs {
    /// Signed activities sent to each server's inbox (after one warm-up Follow per actor).
    #[arg(long, default_value_t = 5000)]
    activities: usize,
    /// Remote actors sending them.
    #[arg(long, default_value_t = 50)]
    actors: usize,
    /// Concurrent senders.
    #[arg(long, default_value_t = 64)]
    senders: usize,
    /// Seconds of wrk per endpoint.
    #[arg(long, default_value_t = 30)]
    duration: u64,
    /// wrk connections.
    #[arg(long, default_value_t = 64)]
    connections: usize,
    /// Public posts each server has before the loads (the outbox pages and the Likes use them).
    #[arg(long, default_value_t = 30)]
    posts: usize,
    /// The peers to compare with.
    #[arg(long, value_enum, default_values_t = [PeerKind::Fedify, PeerKind::Bovine], value_delimiter = ',')]
    peers: Vec<PeerKind>,
    /// Folder of the peer harnesses (default: `federation-tests/peers` of this source tree).
    #[arg(long)]
    peers_dir: Option<PathBuf>,
    /// bovine's virtualenv (default: `bovine-venv` next to this program, made with the
    /// harness's setup.sh when missing or when requirements.txt changed).
    #[arg(long)]
    bovine_venv: Option<PathBuf>,
    /// Keep each peer's log in this folder (`fedify.log`, `bovine.log`).
    #[arg(long)]
    peer_logs: Option<PathBuf>,
    /// The peers log at debug (Fedify) and INFO (bovine) level instead of warning, to find
    /// out why something is refused. Not for measuring.
    #[arg(long)]
    peer_debug: bool,
}

/// Which server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Buurt(Backend),
    Peer(PeerKind),
}

impl Kind {
    pub fn label(self) -> &'static str {
        match self {
            Kind::Buurt(Backend::Sqlite) => "Buurt SQLite",
            Kind::Buurt(Backend::Postgres) => "Buurt PostgreSQL",
            Kind::Peer(PeerKind::Fedify) => "Fedify peer",
            Kind::Peer(PeerKind::Bovine) => "bovine",
        }
    }

    fn short(self) -> &'static str {
        match self {
            Kind::Buurt(b) => b.label(),
            Kind::Peer(PeerKind::Fedify) => "Fedify",
            Kind::Peer(PeerKind::Bovine) => "bovine",
        }
    }

    /// Part of the ids of the activities sent to this server.
    fn tag(self) -> &'static str {
        match self {
            Kind::Buurt(Backend::Sqlite) => "sqlite",
            Kind::Buurt(Backend::Postgres) => "pg",
            Kind::Peer(PeerKind::Fedify) => "fedify",
            Kind::Peer(PeerKind::Bovine) => "bovine",
        }
    }
}

/// One endpoint's wrk figures.
pub struct ReadFigure {
    pub endpoint: &'static str,
    pub wrk: WrkResult,
}

/// The inbox load's figures.
pub struct InboxFigures {
    pub activities: usize,
    pub per_sec: f64,
    pub p50: Duration,
    pub p99: Duration,
    /// Answers outside 2xx, network errors included.
    pub failed: usize,
    /// Answers by status (`"202"`, `"error"`).
    pub statuses: BTreeMap<String, usize>,
    /// From the start of the load until the server had processed every accepted activity
    /// (None: not within the timeout).
    pub processed_after: Option<Duration>,
    pub processed: usize,
    pub rss_kib: u64,
    pub hwm_kib: u64,
}

/// Everything measured on one server.
pub struct TargetResult {
    pub kind: Kind,
    pub reads: Vec<ReadFigure>,
    pub rss_after_reads_kib: Option<u64>,
    pub inbox: Option<InboxFigures>,
    pub notes: Vec<String>,
    pub error: Option<String>,
}

/// The scenario's output: one result per server, in the order they ran.
#[derive(Default)]
pub struct PeersReport {
    pub started: String,
    pub load_at_start: String,
    pub results: Vec<TargetResult>,
    pub versions: Vec<String>,
    pub activities: usize,
    pub actors: usize,
    pub senders: usize,
    pub duration: u64,
    pub connections: usize,
    pub posts: usize,
}

/// A peer's child process, its log and data in a temporary folder.
struct PeerProcess {
    child: Child,
    dir: tempfile::TempDir,
    control: String,
}

enum Process {
    Buurt(Server),
    Peer(PeerProcess),
}

/// A running server and what the loads need to know about it.
struct Target {
    kind: Kind,
    process: Process,
    /// `http://host:port` of its federation side.
    base: String,
    /// `host:port` of its account addresses.
    domain: String,
    user: String,
    actor: String,
    posts: Vec<String>,
    http: reqwest::Client,
    /// bovine: the Python that reads its database, and the database.
    bovine_db: Option<(PathBuf, PathBuf)>,
    /// Which remote actor (`reader`, `reader1`, …) signs GETs: bovine remembers a failed key
    /// fetch for the life of the process, so after a 401 another actor (key) is used.
    reader: std::sync::atomic::AtomicUsize,
}

/// Reads, then the inbox load, on one started server.
async fn measure(target: &Target, remote: &Remote, args: &PeersArgs) -> TargetResult {
    let mut result = TargetResult {
        kind: target.kind,
        reads: Vec::new(),
        rss_after_reads_kib: None,
        inbox: None,
        notes: Vec::new(),
        error: None,
    };
    match reads(target, remote, args, &mut result.notes).await {
        Ok(r) => {
            result.reads = r;
            result.rss_after_reads_kib = target.pid().ok().and_then(|p| tree_memory(p).ok()).map(|(rss, _)| rss);
        }
        Err(e) => {
            eprintln!("   {} reads failed: {e:#}", target.kind.label());
            result.error = Some(format!("reads: {e}"));
        }
    }
    match inbox(target, remote, args, &mut result.notes).await {
        Ok(f) => result.inbox = Some(f),
        Err(e) => {
            eprintln!("   {} inbox failed: {e:#}", target.kind.label());
            let previous = result.error.take().map_or(String::new(), |p| format!("{p}; "));
            result.error = Some(format!("{previous}inbox: {}", e.to_string().lines().next().unwrap_or("")));
        }
    }
    result
}

/// Runs the scenario: each Buurt backend, then each peer, one after another and alone.
pub async fn run(
    ctx: &Ctx,
    backends: &[Backend],
    args: &PeersArgs,
    report: &mut Option<PeersReport>,
) -> anyhow::Result<()> {
    if args.actors == 0 || args.posts == 0 {
        bail!("--actors and --posts must be at least 1");
    }
    let peers_dir = args
        .peers_dir
        .clone()
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../federation-tests/peers"));
    let venv = match &args.bovine_venv {
        Some(v) => v.clone(),
        None => std::env::current_exe()?.parent().context("program without a directory")?.join("bovine-venv"),
    };
    let mut kinds: Vec<Kind> = backends.iter().map(|b| Kind::Buurt(*b)).collect();
    kinds.extend(args.peers.iter().map(|p| Kind::Peer(*p)));
    let date = command_output(Path::new("date"), &["-u", "+%Y-%m-%d %H:%M UTC"], None).await.unwrap_or_default();
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    *report = Some(PeersReport {
        started: date,
        load_at_start: load.split_whitespace().take(3).collect::<Vec<_>>().join(" "),
        versions: Vec::new(),
        results: Vec::new(),
        activities: args.activities,
        actors: args.actors,
        senders: args.senders,
        duration: args.duration,
        connections: args.connections,
        posts: args.posts,
    });
    eprintln!("== peers: {} one after another", kinds.iter().map(|k| k.label()).collect::<Vec<_>>().join(", "));
    let remote = Remote::start(INSTANCES.min(args.actors), false).await?;
    let _hosts =
        HostsBlock::write_labeled(Some("peers"), "127.0.0.1", &[FEDIFY_HOST.to_string(), BOVINE_HOST.to_string()])?;
    for kind in kinds.iter().copied() {
        eprintln!("== {}", kind.label());
        let started = match kind {
            Kind::Buurt(backend) => start_buurt(ctx, backend, args.posts).await,
            Kind::Peer(peer) => start_peer(peer, args, &peers_dir, &venv).await,
        };
        let result = match started {
            Ok(target) => {
                let result = measure(&target, &remote, args).await;
                target.stop(args.peer_logs.as_deref()).await?;
                result
            }
            Err(e) => {
                eprintln!("   {} did not start: {e:#}", kind.label());
                TargetResult {
                    kind,
                    reads: Vec::new(),
                    rss_after_reads_kib: None,
                    inbox: None,
                    notes: Vec::new(),
                    error: Some(format!("did not start: {}", e.to_string().lines().next().unwrap_or(""))),
                }
            }
        };
        if let Some(r) = report.as_mut() {
            r.results.push(result);
        }
    }
    let v = versions(ctx, &kinds, &peers_dir, &venv).await;
    if let Some(r) = report.as_mut() {
        r.versions = v;
    }
    Ok(())
}
