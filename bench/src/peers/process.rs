//! Starting the servers (Buurt and the peers, with their packages) and watching their processes.

use super::*;

impl PeerProcess {
    /// Starts `program args` in `cwd` and waits until `control + health` answers 2xx.
    pub(super) async fn start(
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

    pub(super) fn log_tail(&self) -> String {
        let text = std::fs::read_to_string(self.dir.path().join("peer.log")).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(40)..].join("\n")
    }

    /// Stops the process; its log is copied to `keep` if given.
    pub(super) async fn stop(mut self, keep: Option<PathBuf>) {
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

impl Target {
    pub(super) fn pid(&self) -> anyhow::Result<u32> {
        match &self.process {
            Process::Buurt(s) => s.pid(),
            Process::Peer(p) => p.child.id().context("the peer has exited"),
        }
    }

    pub(super) fn log_tail(&self) -> String {
        match &self.process {
            Process::Buurt(s) => s.log_tail(),
            Process::Peer(p) => p.log_tail(),
        }
    }

    /// bovine answers only signed GETs of its actor and collections (authorized fetch).
    pub(super) fn signs_reads(&self) -> bool {
        self.kind == Kind::Peer(PeerKind::Bovine)
    }

    /// Activities the server has processed so far, for servers that process after answering;
    /// None for those that answer after processing (Buurt; the Fedify peer's inbox listeners
    /// also run before its 202, which `/control/received` is checked against).
    pub(super) async fn processed(&self, inbox: &str) -> anyhow::Result<Option<usize>> {
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

    pub(super) async fn stop(self, logs: Option<&Path>) -> anyhow::Result<()> {
        match self.process {
            Process::Buurt(s) => s.stop().await,
            Process::Peer(p) => {
                p.stop(logs.map(|dir| dir.join(format!("{}.log", self.kind.tag())))).await;
                Ok(())
            }
        }
    }
}

pub(super) fn free_port() -> anyhow::Result<u16> {
    Ok(std::net::TcpListener::bind(("127.0.0.1", 0))?.local_addr()?.port())
}

/// Runs `f` holding the lock directory the federation tests use for the same set-up, so a
/// test run and the benchmark never install a peer's packages at the same time.
pub(super) fn with_lock<T>(name: &str, f: impl FnOnce() -> anyhow::Result<T>) -> anyhow::Result<T> {
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
pub(super) async fn ensure_fedify(dir: PathBuf) -> anyhow::Result<()> {
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
pub(super) async fn ensure_bovine(dir: PathBuf, venv: PathBuf) -> anyhow::Result<()> {
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

/// The parent pid from a `/proc/PID/stat` line.
pub fn parse_ppid(stat: &str) -> Option<u32> {
    stat.rsplit_once(')')?.1.split_whitespace().nth(1)?.parse().ok()
}

/// Resident memory of `pid` and all its descendants (`VmRSS` summed), and the peak (`VmHWM`) of `pid`.
pub(super) fn tree_memory(pid: u32) -> anyhow::Result<(u64, u64)> {
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

pub(super) fn actor_of(remote: &Remote, a: usize) -> String {
    remote.actor_url(a % INSTANCES, &format!("a{a}"))
}

pub(super) async fn start_buurt(ctx: &Ctx, backend: Backend, posts: usize) -> anyhow::Result<Target> {
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

pub(super) async fn start_peer(
    kind: PeerKind,
    args: &PeersArgs,
    peers_dir: &Path,
    venv: &Path,
) -> anyhow::Result<Target> {
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

pub(super) async fn command_output(program: &Path, args: &[&str], cwd: Option<&Path>) -> Option<String> {
    let mut cmd = Command::new(program);
    cmd.args(args);
    if let Some(dir) = cwd {
        cmd.current_dir(dir);
    }
    let out = cmd.output().await.ok()?;
    out.status.success().then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

pub(super) async fn versions(ctx: &Ctx, kinds: &[Kind], peers_dir: &Path, venv: &Path) -> Vec<String> {
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
