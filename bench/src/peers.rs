//! Buurt beside two independent fediverse servers: the Fedify-based peer and bovine-herd that
//! the federation tests run (`federation-tests/peers/`). The same reads (wrk against the
//! endpoints all three have) and the same signed inbox load (Follow, Create(Note) and Like
//! from remote actors served by the receiver of `remote.rs`), in one run, one server at a time;
//! Buurt's figures as ratios to theirs.

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

impl PeerProcess {
    /// Starts `program args` in `cwd` and waits until `control + health` answers 2xx.
    async fn start(
        program: &Path,
        args: &[String],
        cwd: &Path,
        dir: tempfile::TempDir,
        control: String,
        health: &str,
    ) -> anyhow::Result<PeerProcess> {
        let log = std::fs::File::create(dir.path().join("peer.log"))?;
        let child = Command::new(program)
            .args(args)
            .current_dir(cwd)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log)
            .kill_on_drop(true)
            .spawn()
            .with_context(|| format!("starting {}", program.display()))?;
        let mut peer = PeerProcess { child, dir, control };
        let http = reqwest::Client::builder().timeout(Duration::from_secs(10)).build()?;
        let deadline = tokio::time::Instant::now() + Duration::from_secs(120);
        let url = format!("{}{health}", peer.control);
        loop {
            if http.get(&url).send().await.is_ok_and(|r| r.status().is_success()) {
                return Ok(peer);
            }
            if let Ok(Some(status)) = peer.child.try_wait() {
                bail!("{} exited ({status}):\n{}", program.display(), peer.log_tail());
            }
            if tokio::time::Instant::now() > deadline {
                bail!("{} did not answer {url}:\n{}", program.display(), peer.log_tail());
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    fn log_tail(&self) -> String {
        let text = std::fs::read_to_string(self.dir.path().join("peer.log")).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(40)..].join("\n")
    }

    /// Stops the process; its log is copied to `keep` if given.
    async fn stop(mut self, keep: Option<PathBuf>) {
        let _ = self.child.start_kill();
        let _ = tokio::time::timeout(Duration::from_secs(10), self.child.wait()).await;
        if let Some(to) = keep {
            let copied = to.parent().map_or(Ok(()), std::fs::create_dir_all).and_then(|()| {
                std::fs::copy(self.dir.path().join("peer.log"), &to)?;
                // bovine's own log file (its stderr has the same lines at its level).
                let data_log = self.dir.path().join("data/peer.log");
                if data_log.exists() {
                    std::fs::copy(data_log, to.with_extension("data.log"))?;
                }
                Ok(())
            });
            match copied {
                Ok(()) => eprintln!("   peer log kept in {}", to.display()),
                Err(e) => eprintln!("   could not keep the peer log in {}: {e}", to.display()),
            }
        }
    }
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

impl Target {
    fn pid(&self) -> anyhow::Result<u32> {
        match &self.process {
            Process::Buurt(s) => s.pid(),
            Process::Peer(p) => p.child.id().context("the peer has exited"),
        }
    }

    fn log_tail(&self) -> String {
        match &self.process {
            Process::Buurt(s) => s.log_tail(),
            Process::Peer(p) => p.log_tail(),
        }
    }

    /// bovine answers only signed GETs of its actor and collections (authorized fetch).
    fn signs_reads(&self) -> bool {
        self.kind == Kind::Peer(PeerKind::Bovine)
    }

    /// Activities the server has processed so far, for servers that process after answering;
    /// None for those that answer after processing (Buurt; the Fedify peer's inbox listeners
    /// also run before its 202, which `/control/received` is checked against).
    async fn processed(&self, inbox: &str) -> anyhow::Result<Option<usize>> {
        match (&self.process, self.kind) {
            (Process::Peer(p), Kind::Peer(PeerKind::Fedify)) => {
                let received: Value =
                    self.http.get(format!("{}/received", p.control)).send().await?.error_for_status()?.json().await?;
                Ok(Some(received["activities"].as_array().map_or(0, Vec::len)))
            }
            (Process::Peer(_), Kind::Peer(PeerKind::Bovine)) => {
                // GET /received proxies every item through bovine's own HTTP API (thousands
                // of requests); the inbox collection's rows in its SQLite file say the same.
                let (python, db) = self.bovine_db.as_ref().context("bovine without database")?;
                let out = Command::new(python)
                    .arg("-c")
                    .arg(
                        "import sqlite3, sys\n\
                         c = sqlite3.connect('file:' + sys.argv[1] + '?mode=ro', uri=True, timeout=30)\n\
                         print(c.execute('select count(*) from collectionitem where part_of = ?', (sys.argv[2],)).fetchone()[0])",
                    )
                    .arg(db)
                    .arg(inbox)
                    .output()
                    .await?;
                if !out.status.success() {
                    bail!("counting bovine's inbox: {}", String::from_utf8_lossy(&out.stderr));
                }
                Ok(Some(String::from_utf8_lossy(&out.stdout).trim().parse()?))
            }
            _ => Ok(None),
        }
    }

    async fn stop(self, logs: Option<&Path>) -> anyhow::Result<()> {
        match self.process {
            Process::Buurt(s) => s.stop().await,
            Process::Peer(p) => {
                p.stop(logs.map(|dir| dir.join(format!("{}.log", self.kind.tag())))).await;
                Ok(())
            }
        }
    }
}

fn free_port() -> anyhow::Result<u16> {
    Ok(std::net::TcpListener::bind(("127.0.0.1", 0))?.local_addr()?.port())
}

/// Runs `f` holding the lock directory the federation tests use for the same set-up, so a
/// test run and the benchmark never install a peer's packages at the same time.
fn with_lock<T>(name: &str, f: impl FnOnce() -> anyhow::Result<T>) -> anyhow::Result<T> {
    let lock = std::env::temp_dir().join(format!("buurt-fedtest-{name}.lock"));
    let deadline = std::time::Instant::now() + Duration::from_secs(600);
    while std::fs::create_dir(&lock).is_err() {
        if std::time::Instant::now() > deadline {
            bail!("lock {} held for ten minutes", lock.display());
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    let out = f();
    let _ = std::fs::remove_dir(&lock);
    out
}

/// `npm ci` in the Fedify peer's folder when its packages are missing (as the federation tests do).
async fn ensure_fedify(dir: PathBuf) -> anyhow::Result<()> {
    tokio::task::spawn_blocking(move || {
        with_lock("fedify-npm", || {
            if !dir.join("node_modules/@fedify/fedify").exists() {
                eprintln!("   installing the Fedify peer's packages (npm ci)");
                let status = std::process::Command::new("npm")
                    .args(["ci", "--no-audit", "--no-fund", "--loglevel=error"])
                    .current_dir(&dir)
                    .status()
                    .context("running npm")?;
                if !status.success() {
                    bail!("npm ci for the Fedify peer failed");
                }
            }
            Ok(())
        })
    })
    .await?
}

/// bovine's virtualenv, made with the harness's setup.sh when missing or when requirements.txt
/// changed (a copy of it in the venv marks what was installed, as in the federation tests).
async fn ensure_bovine(dir: PathBuf, venv: PathBuf) -> anyhow::Result<()> {
    tokio::task::spawn_blocking(move || {
        with_lock("bovine-venv", || {
            let marker = venv.join("requirements.txt");
            let wanted = std::fs::read_to_string(dir.join("requirements.txt"))?;
            if std::fs::read_to_string(&marker).ok().as_deref() != Some(wanted.as_str()) {
                eprintln!("   making bovine's virtualenv in {} (setup.sh)", venv.display());
                let _ = std::fs::remove_dir_all(&venv);
                let status = std::process::Command::new("bash")
                    .arg(dir.join("setup.sh"))
                    .arg(&venv)
                    .status()
                    .context("running bash")?;
                if !status.success() {
                    bail!("setting up the bovine peer failed");
                }
                std::fs::write(&marker, wanted)?;
            }
            Ok(())
        })
    })
    .await?
}

/// Signed-GET headers (draft-cavage, as remote actor `reader{n}` of instance 0) for `url`. The
/// signature covers the path without the query: bovine rebuilds `(request-target)` that way.
fn signed_get(remote: &Remote, url: &str, reader: usize) -> anyhow::Result<Vec<String>> {
    let mut parsed = url::Url::parse(url)?;
    parsed.set_query(None);
    let name = if reader == 0 { "reader".to_string() } else { format!("reader{reader}") };
    let key_id = format!("{}#main-key", remote.actor_url(0, &name));
    let headers = buurt::apub::signatures::sign(
        &Method::GET,
        &parsed,
        None,
        None,
        &key_id,
        remote.private_pem(),
        SystemTime::now(),
    )?;
    Ok(headers.into_iter().map(|(name, value)| format!("{name}: {value}")).collect())
}

/// GET `url` as JSON (signed when the server needs it; up to three signing actors).
async fn get_json(target: &Target, remote: &Remote, url: &str, accept: &str) -> anyhow::Result<Value> {
    let mut attempt = 0;
    loop {
        let mut request = target.http.get(url).header("accept", accept);
        let reader = target.reader.load(std::sync::atomic::Ordering::Relaxed);
        if target.signs_reads() {
            for header in signed_get(remote, url, reader)? {
                if let Some((name, value)) = header.split_once(": ") {
                    request = request.header(name, value);
                }
            }
        }
        let response = request.send().await?;
        let status = response.status();
        let text = response.text().await?;
        if status == reqwest::StatusCode::UNAUTHORIZED && target.signs_reads() && attempt < 2 {
            eprintln!("   {}: GET {url} signed as reader{reader} refused (401); another key", target.kind.label());
            target.reader.store(reader + 1, std::sync::atomic::Ordering::Relaxed);
            attempt += 1;
            continue;
        }
        if !status.is_success() {
            bail!("GET {url}: {status} {}", text.chars().take(300).collect::<String>());
        }
        return serde_json::from_str(&text).with_context(|| format!("GET {url}: not JSON"));
    }
}

/// Waits (up to a minute) until `url` answers within 300 ms again: a slow server still works
/// through the requests wrk left queued, which would otherwise count against the next load.
async fn settle(target: &Target, url: &str, headers: &[String]) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    loop {
        let mut request = target.http.get(url);
        for h in headers {
            if let Some((n, v)) = h.split_once(": ") {
                request = request.header(n, v);
            }
        }
        let t = tokio::time::Instant::now();
        let answered = request.send().await.is_ok();
        if (answered && t.elapsed() < Duration::from_millis(300)) || tokio::time::Instant::now() > deadline {
            return;
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}

/// The NodeInfo document with the highest 2.x schema a `/.well-known/nodeinfo` lists: (version, href).
pub fn nodeinfo_href(discovery: &Value) -> Option<(String, String)> {
    let version_key = |v: &str| v.split('.').map(|p| p.parse::<u32>().unwrap_or(0)).collect::<Vec<u32>>();
    discovery["links"]
        .as_array()?
        .iter()
        .filter_map(|link| {
            let version = link["rel"].as_str()?.strip_prefix("http://nodeinfo.diaspora.software/ns/schema/")?;
            version.starts_with("2.").then_some(())?;
            Some((version.to_string(), link["href"].as_str()?.to_string()))
        })
        .max_by_key(|(version, _)| version_key(version))
}

/// Where the first page of an outbox collection is.
#[derive(Debug, PartialEq, Eq)]
pub enum OutboxPage {
    /// At this URL (`first`, a link or an embedded page's id).
    First(String),
    /// The collection itself carries all its items (no `first`).
    Inline(usize),
}

pub fn outbox_page(collection: &Value) -> Option<OutboxPage> {
    match &collection["first"] {
        Value::String(url) => Some(OutboxPage::First(url.clone())),
        Value::Object(page) => page.get("id").and_then(Value::as_str).map(|id| OutboxPage::First(id.to_string())),
        _ => items_in(collection).map(OutboxPage::Inline),
    }
}

/// Number of items of a collection or page as served.
pub fn items_in(collection: &Value) -> Option<usize> {
    collection["orderedItems"].as_array().or_else(|| collection["items"].as_array()).map(Vec::len)
}

/// The parent pid from a `/proc/PID/stat` line.
pub fn parse_ppid(stat: &str) -> Option<u32> {
    stat.rsplit_once(')')?.1.split_whitespace().nth(1)?.parse().ok()
}

/// Resident memory of `pid` and all its descendants (`VmRSS` summed), and the peak (`VmHWM`) of `pid`.
fn tree_memory(pid: u32) -> anyhow::Result<(u64, u64)> {
    let main = stats::memory_of(pid)?;
    let mut children: HashMap<u32, Vec<u32>> = HashMap::new();
    for entry in std::fs::read_dir("/proc")?.flatten() {
        let Some(p) = entry.file_name().to_str().and_then(|n| n.parse::<u32>().ok()) else { continue };
        if let Some(ppid) = std::fs::read_to_string(format!("/proc/{p}/stat")).ok().as_deref().and_then(parse_ppid) {
            children.entry(ppid).or_default().push(p);
        }
    }
    let (mut rss, mut stack) = (main.rss_kib, children.get(&pid).cloned().unwrap_or_default());
    while let Some(p) = stack.pop() {
        rss += stats::memory_of(p).map_or(0, |m| m.rss_kib);
        stack.extend(children.get(&p).cloned().unwrap_or_default());
    }
    Ok((rss, main.hwm_kib))
}

/// Activity `j` of remote actor `a` (URL `actor`) to `target` (an actor with handle `@mention`):
/// per ten, five Create(Note) addressed to and mentioning it, three Likes of distinct posts
/// (of `posts`), two Follows of it. `tag` makes the ids unique per server.
pub fn activity(actor: &str, a: usize, j: usize, tag: &str, target: &str, mention: &str, posts: &[String]) -> Value {
    let id = format!("{tag}-{a}-{j}");
    match j % 10 {
        0..5 => {
            let note = format!("{actor}/statuses/{id}");
            let cc = [target.to_string(), format!("{actor}/followers")];
            json!({
                "@context": "https://www.w3.org/ns/activitystreams",
                "id": format!("{note}/activity"),
                "type": "Create",
                "actor": actor,
                "to": [PUBLIC],
                "cc": cc,
                "object": {
                    "id": note,
                    "type": "Note",
                    "attributedTo": actor,
                    "content": format!("<p><span class=\"h-card\"><a href=\"{target}\" class=\"u-url mention\">{mention}</a></span> Zullen we zaterdag samen de geveltuintjes doen? Ik neem de schoffels mee. ({id})</p>"),
                    "published": "2026-11-29T10:00:00Z",
                    "to": [PUBLIC],
                    "cc": cc,
                    "tag": [{"type": "Mention", "href": target, "name": mention}],
                },
            })
        }
        5..8 => {
            let like = (j / 10) * 3 + (j % 10 - 5);
            let post = posts.get((a + like) % posts.len().max(1)).map_or("", String::as_str);
            json!({"@context": "https://www.w3.org/ns/activitystreams", "id": format!("{actor}/likes/{id}"),
                "type": "Like", "actor": actor, "object": post})
        }
        _ => json!({"@context": "https://www.w3.org/ns/activitystreams", "id": format!("{actor}/follows/{id}"),
            "type": "Follow", "actor": actor, "object": target}),
    }
}

fn actor_of(remote: &Remote, a: usize) -> String {
    remote.actor_url(a % INSTANCES, &format!("a{a}"))
}

async fn start_buurt(ctx: &Ctx, backend: Backend, posts: usize) -> anyhow::Result<Target> {
    let server = Server::start(ctx, backend).await?;
    let state = server.admin_state().await?;
    let token = server.seed_people(&state, &["anna".to_string()]).await?;
    state.pool.close();
    let mut ids = Vec::with_capacity(posts);
    for i in 0..posts {
        let status = server
            .post_status(
                &token,
                &format!("Bericht {i} over de buurt: de bibliotheek is zaterdag open van tien tot vier."),
            )
            .await?;
        ids.push(status["uri"].as_str().context("status without uri")?.to_string());
    }
    Ok(Target {
        kind: Kind::Buurt(backend),
        base: server.url(""),
        domain: server.domain.clone(),
        user: "anna".into(),
        actor: server.url("/u/anna"),
        posts: ids,
        http: server.http.clone(),
        bovine_db: None,
        reader: Default::default(),
        process: Process::Buurt(server),
    })
}

async fn start_peer(kind: PeerKind, args: &PeersArgs, peers_dir: &Path, venv: &Path) -> anyhow::Result<Target> {
    let port = free_port()?;
    let dir = tempfile::tempdir()?;
    let http = reqwest::Client::builder().timeout(Duration::from_secs(60)).build()?;
    let (process, host, id_field, bovine_db) = match kind {
        PeerKind::Fedify => {
            let cwd = peers_dir.join("fedify");
            ensure_fedify(cwd.clone()).await?;
            let origin = format!("http://{FEDIFY_HOST}:{port}");
            let argv: Vec<String> = [
                "peer.mjs",
                "--bind",
                "127.0.0.1",
                "--port",
                &port.to_string(),
                "--origin",
                &origin,
                // Our receiver reads draft-cavage; Fedify would otherwise knock with RFC 9421 first.
                "--first-knock",
                "draft-cavage-http-signatures-12",
                "--log-level",
                if args.peer_debug { "debug" } else { "warning" },
            ]
            .iter()
            .map(|s| s.to_string())
            .collect();
            let control = format!("{origin}/control");
            let p = PeerProcess::start(Path::new("node"), &argv, &cwd, dir, control, "/health").await?;
            (p, FEDIFY_HOST, "id", None)
        }
        PeerKind::Bovine => {
            let harness = peers_dir.join("bovine");
            ensure_bovine(harness.clone(), venv.to_path_buf()).await?;
            let control_port = free_port()?;
            let data = dir.path().join("data");
            let argv: Vec<String> = vec![
                harness.join("peer.py").display().to_string(),
                "--bind".into(),
                format!("127.0.0.1:{port}"),
                "--domain".into(),
                format!("{BOVINE_HOST}:{port}"),
                "--control-port".into(),
                control_port.to_string(),
                "--data-dir".into(),
                data.display().to_string(),
                // Its default INFO logs every request; Buurt runs at warn.
                "--log-level".into(),
                if args.peer_debug { "INFO" } else { "WARNING" }.into(),
            ];
            let python = venv.join("bin/python");
            let cwd = dir.path().to_path_buf();
            let control = format!("http://127.0.0.1:{control_port}");
            let p = PeerProcess::start(&python, &argv, &cwd, dir, control, "/health").await?;
            (p, BOVINE_HOST, "object", Some((python, data.join("bovine.sqlite3"))))
        }
    };
    let health: Value = http.get(format!("{}/health", process.control)).send().await?.json().await?;
    let actor = health["actor"].as_str().context("peer health without actor")?.to_string();
    let mut posts = Vec::with_capacity(args.posts);
    for i in 0..args.posts {
        let response = http
            .post(format!("{}/post", process.control))
            .json(&json!({"content": format!("<p>Bericht {i} over de buurt: de bibliotheek is zaterdag open van tien tot vier.</p>")}))
            .send()
            .await?;
        let status = response.status();
        let body: Value = response.json().await.unwrap_or(Value::Null);
        if !status.is_success() {
            bail!("posting through the peer's control API: {status} {body}");
        }
        posts.push(body[id_field].as_str().with_context(|| format!("post without {id_field}: {body}"))?.to_string());
    }
    Ok(Target {
        kind: Kind::Peer(kind),
        base: format!("http://{host}:{port}"),
        domain: format!("{host}:{port}"),
        user: "peer".into(),
        actor,
        posts,
        http,
        bovine_db,
        reader: Default::default(),
        process: Process::Peer(process),
    })
}

/// wrk against one endpoint.
async fn wrk(args: &PeersArgs, url: &str, headers: &[String]) -> anyhow::Result<WrkResult> {
    let mut cmd = Command::new("wrk");
    // A 10 s timeout instead of wrk's 2 s: the slower servers' latencies are then measured
    // rather than counted as errors.
    cmd.args([
        "-t2",
        &format!("-c{}", args.connections),
        &format!("-d{}s", args.duration),
        "--latency",
        "--timeout",
        "10s",
    ]);
    for h in headers {
        cmd.args(["-H", h]);
    }
    let output = cmd.arg(url).output().await.context("running wrk (apt-get install wrk)")?;
    let text = String::from_utf8_lossy(&output.stdout);
    stats::parse_wrk(&text).with_context(|| format!("wrk output for {url}:\n{text}"))
}

/// The reads: actor JSON, WebFinger, NodeInfo and the first outbox page, each found through
/// the server's own documents and checked once before wrk runs.
async fn reads(
    target: &Target,
    remote: &Remote,
    args: &PeersArgs,
    notes: &mut Vec<String>,
) -> anyhow::Result<Vec<ReadFigure>> {
    let accept = "application/activity+json";
    let actor_doc = get_json(target, remote, &target.actor, accept).await?;
    let webfinger = format!("{}/.well-known/webfinger?resource=acct:{}@{}", target.base, target.user, target.domain);
    let discovery =
        get_json(target, remote, &format!("{}/.well-known/nodeinfo", target.base), "application/json").await?;
    let (version, nodeinfo) = nodeinfo_href(&discovery).context("no NodeInfo 2.x in /.well-known/nodeinfo")?;
    let outbox = actor_doc["outbox"].as_str().context("actor without outbox")?.to_string();
    let collection = get_json(target, remote, &outbox, accept).await?;
    let (page_url, items) = match outbox_page(&collection).context("outbox without first page or items")? {
        OutboxPage::First(url) => {
            let page = get_json(target, remote, &url, accept).await?;
            (url, items_in(&page).unwrap_or(0))
        }
        OutboxPage::Inline(n) => (outbox, n),
    };
    let path = |url: &str| url::Url::parse(url).map_or(url.to_string(), |u| u[url::Position::BeforePath..].to_string());
    notes.push(format!(
        "NodeInfo {version} at `{}`; outbox page `{}` with {items} items",
        path(&nodeinfo),
        path(&page_url)
    ));
    let endpoints = [
        (ENDPOINTS[0], target.actor.clone(), Some(accept), true),
        (ENDPOINTS[1], webfinger, None, false),
        (ENDPOINTS[2], nodeinfo, None, false),
        (ENDPOINTS[3], page_url, Some(accept), true),
    ];
    let mut out = Vec::new();
    for (name, url, accept, may_sign) in endpoints {
        let mut headers: Vec<String> = accept.map(|a| format!("Accept: {a}")).into_iter().collect();
        if may_sign && target.signs_reads() {
            headers.extend(signed_get(remote, &url, target.reader.load(std::sync::atomic::Ordering::Relaxed))?);
        }
        let mut check = target.http.get(&url);
        for h in &headers {
            if let Some((n, v)) = h.split_once(": ") {
                check = check.header(n, v);
            }
        }
        let status = check.send().await?.status();
        if !status.is_success() {
            bail!("{name} ({url}) answers {status}");
        }
        let result = wrk(args, &url, &headers).await?;
        settle(target, &url, &headers).await;
        eprintln!(
            "   {} {name}: {:.0}/s, p50 {}, p99 {}, {} errors",
            target.kind.label(),
            result.requests_per_sec,
            stats::ms(result.p50),
            stats::ms(result.p99),
            result.errors
        );
        out.push(ReadFigure { endpoint: name, wrk: result });
    }
    Ok(out)
}

/// Polls until `remote` has counted `n` deliveries of `kind` (ignoring refusals, unlike
/// `Remote::wait_for`); false after `timeout`.
async fn wait_count(remote: &Remote, kind: &str, n: usize, timeout: Duration) -> bool {
    let deadline = tokio::time::Instant::now() + timeout;
    while remote.count(kind) < n {
        if tokio::time::Instant::now() > deadline {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    true
}

/// Polls `target.processed` until it reaches `n`; the count reached and whether in time.
async fn wait_processed(target: &Target, inbox: &str, n: usize, timeout: Duration) -> anyhow::Result<(usize, bool)> {
    let deadline = tokio::time::Instant::now() + timeout;
    loop {
        let Some(count) = target.processed(inbox).await? else { return Ok((n, true)) };
        if count >= n {
            return Ok((count, true));
        }
        if tokio::time::Instant::now() > deadline {
            return Ok((count, false));
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

/// The inbox load: one Follow per actor first (each server fetches and caches every actor's
/// key), then the timed activities, signed beforehand, by concurrent senders.
async fn inbox(
    target: &Target,
    remote: &Remote,
    args: &PeersArgs,
    notes: &mut Vec<String>,
) -> anyhow::Result<InboxFigures> {
    let actor_doc = get_json(target, remote, &target.actor, "application/activity+json").await?;
    let personal = actor_doc["inbox"].as_str().context("actor without inbox")?.to_string();
    let shared = actor_doc["endpoints"]["sharedInbox"].as_str().map(str::to_string);
    notes.push(match &shared {
        Some(_) => "activities alternately to the shared and the personal inbox".to_string(),
        None => "no shared inbox: all activities to the personal inbox".to_string(),
    });
    let mention = format!("@{}@{}", target.user, target.domain);
    let tag = target.kind.tag();
    // Accepts from this server are verified with its key.
    remote.set_buurt(&target.base);
    let accepts_before = remote.count("Accept");
    let processed_before = target.processed(&personal).await?.unwrap_or(0);

    let warm = (0..args.actors)
        .map(|a| {
            let actor = actor_of(remote, a);
            let body = json!({"@context": "https://www.w3.org/ns/activitystreams",
                "id": format!("{actor}/follows/warm-{tag}"), "type": "Follow", "actor": actor, "object": target.actor});
            (personal.clone(), actor, body.to_string().into_bytes())
        })
        .collect();
    let pem = remote.private_pem().to_string();
    let signed = tokio::task::spawn_blocking(move || remote::sign_all(&pem, warm)).await??;
    let (sent, _) = remote::send_all(&target.http, Arc::new(signed), 16).await;
    if let Some(bad) = sent.iter().find(|s| !s.status.is_some_and(|c| (200..300).contains(&c))) {
        bail!("warm-up Follow answered {:?}:\n{}", bad.status, target.log_tail());
    }
    let (count, done) =
        wait_processed(target, &personal, processed_before + args.actors, Duration::from_secs(300)).await?;
    if !done {
        bail!("warm-up: {count} of {} Follows processed:\n{}", processed_before + args.actors, target.log_tail());
    }
    // Buurt and the Fedify peer accept Follows; let those Accepts go out before timing.
    if target.kind != Kind::Peer(PeerKind::Bovine)
        && !wait_count(remote, "Accept", accepts_before + args.actors, Duration::from_secs(120)).await
    {
        eprintln!(
            "   {}: {} of {} Accepts of the warm-up arrived ({} refused by the receiver)",
            target.kind.label(),
            remote.count("Accept") - accepts_before,
            args.actors,
            remote.rejected()
        );
    }
    let processed_before = target.processed(&personal).await?.unwrap_or(0);

    let requests: Vec<(String, String, Vec<u8>)> = (0..args.activities)
        .map(|k| {
            let (a, j) = (k % args.actors, k / args.actors);
            let actor = actor_of(remote, a);
            let body = activity(&actor, a, j, tag, &target.actor, &mention, &target.posts);
            let inbox = match &shared {
                Some(s) if k.is_multiple_of(2) => s.clone(),
                _ => personal.clone(),
            };
            (inbox, actor, body.to_string().into_bytes())
        })
        .collect();
    let pem = remote.private_pem().to_string();
    let signed = tokio::task::spawn_blocking(move || remote::sign_all(&pem, requests)).await??;
    tokio::time::sleep(Duration::from_secs(1)).await;
    let client = reqwest::Client::builder().timeout(Duration::from_secs(120)).build()?;
    let started = tokio::time::Instant::now();
    let (sent, wall) = remote::send_all(&client, Arc::new(signed), args.senders).await;
    let ok = |s: &remote::Sent| s.status.is_some_and(|c| (200..300).contains(&c));
    let failed = sent.iter().filter(|s| !ok(s)).count();
    let mut statuses = BTreeMap::new();
    for s in &sent {
        *statuses.entry(s.status.map_or("error".to_string(), |c| c.to_string())).or_insert(0) += 1;
    }
    if failed > 0 {
        eprintln!("   {}: {failed} activities not accepted: {statuses:?}\n{}", target.kind.label(), target.log_tail());
    }
    let accepted = args.activities - failed;
    let (processed, done) =
        wait_processed(target, &personal, processed_before + accepted, Duration::from_secs(1200)).await?;
    let processed_after = done.then(|| started.elapsed().max(wall));
    let (rss_kib, hwm_kib) = tree_memory(target.pid()?)?;
    let mut latencies: Vec<Duration> = sent.iter().map(|s| s.latency).collect();
    latencies.sort();
    let figures = InboxFigures {
        activities: args.activities,
        per_sec: accepted as f64 / wall.as_secs_f64(),
        p50: stats::percentile(&latencies, 50.0).unwrap_or_default(),
        p99: stats::percentile(&latencies, 99.0).unwrap_or_default(),
        failed,
        statuses,
        processed_after,
        processed: processed.saturating_sub(processed_before),
        rss_kib,
        hwm_kib,
    };
    eprintln!(
        "   {} inbox: {:.0}/s, p50 {}, p99 {}, {failed} not 2xx, processed after {}",
        target.kind.label(),
        figures.per_sec,
        stats::ms(figures.p50),
        stats::ms(figures.p99),
        figures.processed_after.map_or("(not all)".to_string(), |d| format!("{:.1} s", d.as_secs_f64()))
    );
    Ok(figures)
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

async fn command_output(program: &Path, args: &[&str], cwd: Option<&Path>) -> Option<String> {
    let mut cmd = Command::new(program);
    cmd.args(args);
    if let Some(dir) = cwd {
        cmd.current_dir(dir);
    }
    let out = cmd.output().await.ok()?;
    out.status.success().then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

async fn versions(ctx: &Ctx, kinds: &[Kind], peers_dir: &Path, venv: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let source = Path::new(env!("CARGO_MANIFEST_DIR"));
    let buurt = command_output(&ctx.binary, &["--version"], None).await.unwrap_or_else(|| "buurt".into());
    let commit = command_output(Path::new("git"), &["rev-parse", "--short", "HEAD"], Some(source)).await;
    out.push(format!(
        "Buurt: {buurt}{} (release build), SQLite file or PostgreSQL 15 database on the same machine, pool of 8",
        commit.map_or(String::new(), |c| format!(", commit {c}"))
    ));
    if kinds.contains(&Kind::Peer(PeerKind::Fedify)) {
        let package = std::fs::read_to_string(peers_dir.join("fedify/node_modules/@fedify/fedify/package.json"))
            .ok()
            .and_then(|t| serde_json::from_str::<Value>(&t).ok())
            .and_then(|v| v["version"].as_str().map(str::to_string))
            .unwrap_or_else(|| "?".into());
        let node = command_output(Path::new("node"), &["--version"], None).await.unwrap_or_else(|| "?".into());
        out.push(format!(
            "Fedify peer: @fedify/fedify {package} on Node.js {node} (federation-tests/peers/fedify/peer.mjs); \
             storage in memory (Fedify's MemoryKvStore and the peer's arrays), in-process queue for outgoing activities"
        ));
    }
    if kinds.contains(&Kind::Peer(PeerKind::Bovine)) {
        let script = "import sys; from importlib.metadata import version as v; \
                      print('bovine-herd', v('bovine-herd'), '/ bovine', v('bovine'), '/ Quart', v('Quart'), \
                      '/ Hypercorn', v('Hypercorn'), 'on Python', sys.version.split()[0])";
        let bovine =
            command_output(&venv.join("bin/python"), &["-c", script], None).await.unwrap_or_else(|| "?".into());
        out.push(format!(
            "bovine: {bovine} (federation-tests/peers/bovine/peer.py); storage: SQLite through tortoise-orm/aiosqlite, \
             a fresh file per run"
        ));
    }
    out
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

/// One table row: a figure for every server, then Buurt ÷ peer for every pair.
fn row(
    first: &str,
    figure: &str,
    values: &[Option<f64>],
    kinds: &[Kind],
    show: fn(f64) -> String,
    ratios: bool,
) -> String {
    let mut cells = vec![first.to_string(), figure.to_string()];
    cells.extend(values.iter().map(|v| v.map_or("–".to_string(), show)));
    for (i, _) in kinds.iter().enumerate().filter(|(_, k)| matches!(k, Kind::Buurt(_))) {
        for (j, _) in kinds.iter().enumerate().filter(|(_, k)| matches!(k, Kind::Peer(_))) {
            cells.push(match (ratios, values[i], values[j]) {
                (true, Some(x), Some(y)) if y > 0.0 => format!("{:.2}×", x / y),
                _ => "–".to_string(),
            });
        }
    }
    format!("| {} |", cells.join(" | "))
}

fn header(first: &str, kinds: &[Kind]) -> String {
    let mut cells = vec![first.to_string(), "figure".to_string()];
    cells.extend(kinds.iter().map(|k| k.label().to_string()));
    for b in kinds.iter().filter(|k| matches!(k, Kind::Buurt(_))) {
        for p in kinds.iter().filter(|k| matches!(k, Kind::Peer(_))) {
            cells.push(format!("{} ÷ {}", b.short(), p.short()));
        }
    }
    format!("| {} |\n|{}", cells.join(" | "), "---|".repeat(cells.len()))
}

/// A row of the inbox table: figure, its value, how it is shown, whether ratios make sense.
type InboxRow = (&'static str, fn(&InboxFigures) -> Option<f64>, fn(f64) -> String, bool);

fn per_sec(v: f64) -> String {
    format!("{v:.0}/s")
}

fn millis(v: f64) -> String {
    stats::ms(Duration::from_secs_f64(v / 1000.0))
}

fn count(v: f64) -> String {
    format!("{v:.0}")
}

fn megabytes(v: f64) -> String {
    stats::mib(v as u64)
}

fn seconds(v: f64) -> String {
    format!("{v:.1} s")
}

impl PeersReport {
    pub fn print(&self) {
        let kinds: Vec<Kind> = self.results.iter().map(|r| r.kind).collect();
        println!(
            "### Buurt beside the Fedify peer and bovine\n\nRun {}; load average at the start {}. Ratios are Buurt ÷ peer: \
             above 1 is better for Buurt in requests/s and accepted/s, below 1 in latencies, times and memory.\n",
            self.started, self.load_at_start
        );
        println!(
            "#### Reads (wrk -t2 -c{} -d{}s --latency, {} posts on each server)\n\n{}",
            self.connections,
            self.duration,
            self.posts,
            header("endpoint", &kinds)
        );
        let read = |name: &str, f: fn(&WrkResult) -> f64| -> Vec<Option<f64>> {
            self.results.iter().map(|r| r.reads.iter().find(|x| x.endpoint == name).map(|x| f(&x.wrk))).collect()
        };
        for name in ENDPOINTS {
            println!("{}", row(name, "requests/s", &read(name, |w| w.requests_per_sec), &kinds, count, true));
            // A latency of 0 means wrk recorded none (every request timed out): no figure.
            let latency = |v: Vec<Option<f64>>| v.into_iter().map(|x| x.filter(|ms| *ms > 0.0)).collect::<Vec<_>>();
            let p50 = latency(read(name, |w| w.p50.as_secs_f64() * 1000.0));
            let p99 = latency(read(name, |w| w.p99.as_secs_f64() * 1000.0));
            println!("{}", row("", "p50", &p50, &kinds, millis, true));
            println!("{}", row("", "p99", &p99, &kinds, millis, true));
            println!("{}", row("", "errors", &read(name, |w| w.errors as f64), &kinds, count, false));
        }
        let rss: Vec<Option<f64>> = self.results.iter().map(|r| r.rss_after_reads_kib.map(|k| k as f64)).collect();
        println!("{}", row("memory", "RSS after the reads", &rss, &kinds, megabytes, true));
        println!(
            "\n#### Inbox ({} signed activities from {} actors, {} concurrent senders)\n\n{}",
            self.activities,
            self.actors,
            self.senders,
            header("load", &kinds)
        );
        let inbox = |f: fn(&InboxFigures) -> Option<f64>| -> Vec<Option<f64>> {
            self.results.iter().map(|r| r.inbox.as_ref().and_then(f)).collect()
        };
        let rows: [InboxRow; 8] = [
            ("accepted/s", |i| Some(i.per_sec), per_sec, true),
            ("p50", |i| Some(i.p50.as_secs_f64() * 1000.0), millis, true),
            ("p99", |i| Some(i.p99.as_secs_f64() * 1000.0), millis, true),
            ("not 2xx", |i| Some(i.failed as f64), count, false),
            ("all processed after", |i| i.processed_after.map(|d| d.as_secs_f64()), seconds, true),
            (
                "processed/s",
                |i| i.processed_after.map(|d| (i.activities - i.failed) as f64 / d.as_secs_f64()),
                per_sec,
                true,
            ),
            ("RSS after the load", |i| Some(i.rss_kib as f64), megabytes, true),
            ("peak RSS (VmHWM)", |i| Some(i.hwm_kib as f64), megabytes, true),
        ];
        for (i, (figure, f, show, ratios)) in rows.into_iter().enumerate() {
            println!("{}", row(if i == 0 { "inbox" } else { "" }, figure, &inbox(f), &kinds, show, ratios));
        }
        println!("\nNotes:\n");
        for r in &self.results {
            let mut parts = r.notes.clone();
            if let Some(i) = &r.inbox {
                let statuses: Vec<String> = i.statuses.iter().map(|(s, n)| format!("{n}× {s}")).collect();
                parts.push(format!("inbox answers {}", statuses.join(", ")));
                if i.processed_after.is_none() {
                    parts.push(format!("only {} of the accepted activities processed within 20 minutes", i.processed));
                }
            }
            if let Some(e) = &r.error {
                parts.push(format!("**failed: {e}**"));
            }
            println!("- {}: {}.", r.kind.label(), parts.join("; "));
        }
        for v in &self.versions {
            println!("- {v}.");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_highest_nodeinfo_2_is_chosen() {
        let doc = json!({"links": [
            {"rel": "http://nodeinfo.diaspora.software/ns/schema/2.0", "href": "http://b.test/nodeinfo/2.0"},
            {"rel": "http://nodeinfo.diaspora.software/ns/schema/2.1", "href": "http://b.test/nodeinfo/2.1"},
            {"rel": "http://nodeinfo.diaspora.software/ns/schema/1.0", "href": "http://b.test/nodeinfo/1.0"},
            {"rel": "https://www.w3.org/ns/activitystreams#Application", "href": "http://b.test/actor"},
        ]});
        assert_eq!(nodeinfo_href(&doc), Some(("2.1".into(), "http://b.test/nodeinfo/2.1".into())));
        let bovine = json!({"links": [
            {"href": "http://b.test/activitypub/nodeinfo2_0", "rel": "http://nodeinfo.diaspora.software/ns/schema/2.0"},
            {"href": "http://b.test/activitypub/bovine", "rel": "https://www.w3.org/ns/activitystreams#Application"},
        ]});
        assert_eq!(nodeinfo_href(&bovine), Some(("2.0".into(), "http://b.test/activitypub/nodeinfo2_0".into())));
        let only_old = json!({"links": [{"rel": "http://nodeinfo.diaspora.software/ns/schema/1.1", "href": "x"}]});
        assert_eq!(nodeinfo_href(&only_old), None);
        assert_eq!(nodeinfo_href(&json!({})), None);
    }

    #[test]
    fn the_first_outbox_page_is_found() {
        let buurt = json!({"type": "OrderedCollection", "first": "http://a.test/u/anna/outbox?page=true", "orderedItems": [1, 2]});
        assert_eq!(outbox_page(&buurt), Some(OutboxPage::First("http://a.test/u/anna/outbox?page=true".into())));
        let embedded = json!({"first": {"id": "http://a.test/outbox?p=1", "orderedItems": []}});
        assert_eq!(outbox_page(&embedded), Some(OutboxPage::First("http://a.test/outbox?p=1".into())));
        let inline = json!({"type": "OrderedCollection", "totalItems": 3, "orderedItems": [1, 2, 3]});
        assert_eq!(outbox_page(&inline), Some(OutboxPage::Inline(3)));
        assert_eq!(outbox_page(&json!({"items": []})), Some(OutboxPage::Inline(0)));
        assert_eq!(outbox_page(&json!({"type": "OrderedCollection"})), None);
        assert_eq!(items_in(&json!({"type": "OrderedCollectionPage", "orderedItems": [1]})), Some(1));
    }

    #[test]
    fn parent_pid_from_proc_stat() {
        assert_eq!(parse_ppid("4242 (node (x) y) S 17 4242 4242 0 -1"), Some(17));
        assert_eq!(parse_ppid("4242 (python) S"), None);
        assert_eq!(parse_ppid("garbage"), None);
    }

    #[test]
    fn the_mix_per_ten_and_distinct_likes() {
        let posts: Vec<String> = (0..30).map(|i| format!("http://b.test/p/{i}")).collect();
        let actor = "http://r00001.bench.test:1/users/a1";
        let target = "http://b.test/users/peer";
        let all: Vec<Value> = (0..100).map(|j| activity(actor, 1, j, "t", target, "@peer@b.test", &posts)).collect();
        let of = |t: &str| all.iter().filter(|a| a["type"] == t).count();
        assert_eq!((of("Create"), of("Like"), of("Follow")), (50, 30, 20));
        let mut liked: Vec<&str> =
            all.iter().filter(|a| a["type"] == "Like").filter_map(|a| a["object"].as_str()).collect();
        liked.sort();
        liked.dedup();
        assert_eq!(liked.len(), 30, "30 Likes of 30 distinct posts");
        let mut ids: Vec<&str> = all.iter().filter_map(|a| a["id"].as_str()).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), 100, "every activity has its own id");
        let create = &all[0];
        assert_eq!(create["cc"][0], target);
        assert_eq!(create["object"]["tag"][0]["href"], target);
        assert!(all.iter().all(|a| a["actor"] == actor));
        assert!(all.iter().filter(|a| a["type"] == "Follow").all(|a| a["object"] == target));
    }
}
