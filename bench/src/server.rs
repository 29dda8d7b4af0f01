//! The Buurt under test: the release `buurt` binary as a child process with its own temporary
//! configuration and database (a SQLite file, or a fresh PostgreSQL database that is dropped
//! afterwards), plus an in-process handle on the same database for seeding and for measuring
//! the database alone.

use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use anyhow::{Context, bail};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use serde_json::{Value, json};
use tokio::process::{Child, Command};

use crate::stats::{self, Memory};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn label(self) -> &'static str {
        match self {
            Backend::Sqlite => "SQLite",
            Backend::Postgres => "PostgreSQL",
        }
    }
}

/// A running Buurt.
pub struct Server {
    pub domain: String,
    /// The port this process listens on (the first process's is also in `domain`).
    pub port: u16,
    binary: PathBuf,
    db_url: String,
    config: PathBuf,
    child: Child,
    pg_name: Option<String>,
    pg_admin: String,
    public_cache_ms: Option<u64>,
    /// Kept for the lifetime of the server (config, SQLite file, log).
    dir: tempfile::TempDir,
    pub http: reqwest::Client,
}

/// The `buurt` next to this program (both come from `cargo build --release --workspace`).
pub fn default_binary() -> anyhow::Result<PathBuf> {
    let exe = std::env::current_exe()?;
    let bin = exe.parent().context("program without a directory")?.join("buurt");
    if !bin.exists() {
        bail!("{} not found: run `cargo build --release --workspace` first, or pass --buurt", bin.display());
    }
    Ok(bin)
}

/// The configuration of a benchmark server: listening on `port`, known as `domain`. Buurt logs
/// warnings and errors, or what `BENCH_BUURT_LOG` says (e.g. `info` to see every retried delivery).
/// `public_cache_ms` sets the cache of anonymous reads (None: Buurt's default).
fn config_text(port: u16, domain: &str, db_url: &str, public_cache_ms: Option<u64>) -> String {
    let level = std::env::var("BENCH_BUURT_LOG").ok().filter(|l| l.chars().all(|c| c.is_ascii_alphanumeric()));
    let level = level.as_deref().unwrap_or("warn");
    let cache = public_cache_ms.map(|ms| format!("public_cache_ms = {ms}\n")).unwrap_or_default();
    format!(
        "[server]\nbind = \"127.0.0.1:{port}\"\n{cache}\n[instance]\ndomain = \"{domain}\"\nregistration = \"closed\"\n\n\
         [database]\nurl = \"{db_url}\"\npool_size = 8\n\n\
         [federation]\nallow_http = true\nallow_private_addresses = true\n\n{LIMITS}\n[log]\nlevel = \"{level}\"\n"
    )
}

/// Rate limits no benchmark reaches: all load comes from 127.0.0.1 and a few peers. The
/// limiters still run, so their cost is measured.
const LIMITS: &str = "[limits]\n\
    sign_in_per_address = { requests = 1000000, per_secs = 1 }\n\
    sign_in_per_account = { requests = 1000000, per_secs = 1 }\n\
    register_per_address = { requests = 1000000, per_secs = 1 }\n\
    password_change_per_address = { requests = 1000000, per_secs = 1 }\n\
    password_change_per_account = { requests = 1000000, per_secs = 1 }\n\
    post_per_address = { requests = 1000000, per_secs = 1 }\n\
    post_per_account = { requests = 1000000, per_secs = 1 }\n\
    inbox_per_instance = { requests = 1000000, per_secs = 1 }\n\
    lockout_after = 1000\n";

/// Starts `buurt serve`, logging to `buurt.log` in `dir` (appended, so a restart keeps the log).
fn spawn(binary: &std::path::Path, config: &std::path::Path, dir: &std::path::Path) -> anyhow::Result<Child> {
    let log = std::fs::OpenOptions::new().create(true).append(true).open(dir.join("buurt.log"))?;
    Command::new(binary)
        .arg("--config")
        .arg(config)
        .arg("serve")
        .current_dir(dir)
        .env_remove("RUST_LOG")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(log)
        .kill_on_drop(true)
        .spawn()
        .with_context(|| format!("starting {}", binary.display()))
}

fn free_port() -> anyhow::Result<u16> {
    Ok(std::net::TcpListener::bind(("127.0.0.1", 0))?.local_addr()?.port())
}

impl Server {
    pub async fn start(ctx: &crate::Ctx, backend: Backend) -> anyhow::Result<Server> {
        let (binary, pg_admin) = (&ctx.binary, ctx.pg_admin.as_str());
        let dir = tempfile::tempdir()?;
        let port = free_port()?;
        let domain = format!("127.0.0.1:{port}");
        let (db_url, pg_name) = match backend {
            Backend::Sqlite => (format!("sqlite://{}", dir.path().join("buurt.sqlite").display()), None),
            Backend::Postgres => {
                let name = format!("buurt_bench_{}_{port}", std::process::id());
                let mut conn = AsyncPgConnection::establish(&format!("{pg_admin}/postgres"))
                    .await
                    .with_context(|| format!("connecting to PostgreSQL at {pg_admin}"))?;
                diesel::sql_query(format!("CREATE DATABASE {name}")).execute(&mut conn).await?;
                for setting in &ctx.pg_set {
                    let (key, value) = setting.split_once('=').context("--pg-set takes KEY=VALUE")?;
                    if !key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                        || !value.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
                    {
                        bail!("--pg-set {setting}: only letters, digits, _ and . are accepted");
                    }
                    diesel::sql_query(format!("ALTER DATABASE {name} SET {key} = '{value}'"))
                        .execute(&mut conn)
                        .await?;
                }
                (format!("{pg_admin}/{name}"), Some(name))
            }
        };
        let config = dir.path().join("buurt.toml");
        std::fs::write(&config, config_text(port, &domain, &db_url, ctx.public_cache_ms))?;
        let child = spawn(binary, &config, dir.path())?;
        buurt::install_crypto();
        let http = reqwest::Client::builder().timeout(Duration::from_secs(60)).build()?;
        let server = Server {
            domain,
            port,
            binary: binary.clone(),
            db_url,
            config,
            child,
            pg_name,
            pg_admin: pg_admin.to_string(),
            public_cache_ms: ctx.public_cache_ms,
            dir,
            http,
        };
        server.wait_ready().await?;
        Ok(server)
    }

    /// A second process of the same instance (same domain and database), listening on a port
    /// of its own. Only on PostgreSQL: SQLite is for one process.
    pub async fn another_process(&self) -> anyhow::Result<Server> {
        let dir = tempfile::tempdir()?;
        let port = free_port()?;
        let config = dir.path().join("buurt.toml");
        std::fs::write(&config, config_text(port, &self.domain, &self.db_url, self.public_cache_ms))?;
        let child = spawn(&self.binary, &config, dir.path())?;
        let server = Server {
            domain: self.domain.clone(),
            port,
            binary: self.binary.clone(),
            db_url: self.db_url.clone(),
            config,
            child,
            pg_name: None,
            pg_admin: self.pg_admin.clone(),
            public_cache_ms: self.public_cache_ms,
            dir,
            http: self.http.clone(),
        };
        server.wait_ready().await?;
        Ok(server)
    }

    /// Kills the process with SIGKILL: no shutdown, no cleanup, whatever it was doing is cut off.
    pub async fn kill(&mut self) -> anyhow::Result<()> {
        self.child.start_kill()?;
        self.child.wait().await?;
        Ok(())
    }

    /// Starts the process again with the same configuration and database.
    pub async fn restart(&mut self) -> anyhow::Result<()> {
        let _ = self.child.start_kill();
        let _ = self.child.wait().await;
        self.child = spawn(&self.binary, &self.config, self.dir.path())?;
        self.wait_ready().await
    }

    async fn wait_ready(&self) -> anyhow::Result<()> {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
        let health = format!("http://127.0.0.1:{}/healthz", self.port);
        loop {
            if self.http.get(&health).send().await.is_ok_and(|r| r.status().is_success()) {
                return Ok(());
            }
            if tokio::time::Instant::now() > deadline {
                bail!("Buurt did not start:\n{}", self.log_tail());
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.domain)
    }

    pub fn pid(&self) -> anyhow::Result<u32> {
        self.child.id().context("Buurt has exited")
    }

    pub fn memory(&self) -> anyhow::Result<Memory> {
        stats::memory_of(self.pid()?)
    }

    /// Open file descriptors of the process (sockets included).
    pub fn open_fds(&self) -> anyhow::Result<usize> {
        Ok(std::fs::read_dir(format!("/proc/{}/fd", self.pid()?))?.count())
    }

    /// The whole log of this process (restarts included).
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("buurt.log")).unwrap_or_default()
    }

    pub fn log_tail(&self) -> String {
        let text = self.log();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(40)..].join("\n")
    }

    /// Buurt's settings, read from the same file the process uses.
    pub fn settings(&self) -> anyhow::Result<buurt::config::Settings> {
        Ok(buurt::config::Settings::load(Some(&self.config))?)
    }

    /// A state on the same database as the server (no HTTP server, no delivery workers).
    pub async fn admin_state(&self) -> anyhow::Result<buurt::state::AppState> {
        buurt::server::prepare(self.settings()?).await
    }

    /// Creates local people and returns an API token for the first.
    /// Registers a resident, as `buurt admin create-user` does: nothing more is made of her.
    pub async fn register(&self, state: &buurt::state::AppState, name: &str) -> anyhow::Result<()> {
        use buurt::db::models::local_user::Role;
        use buurt::domain::accounts::{Registration, create_by_admin};
        let form = Registration {
            username: name.to_string(),
            email: format!("{name}@bench.example"),
            password: "bench-password-Kanaal-93".into(),
            password_confirm: "bench-password-Kanaal-93".into(),
            ..Default::default()
        };
        create_by_admin(&state.pool, &state.settings, &form, Role::Member)
            .await
            .map_err(|e| anyhow::anyhow!("creating {name}: {e}"))?;
        Ok(())
    }

    pub async fn seed_people(&self, state: &buurt::state::AppState, names: &[String]) -> anyhow::Result<String> {
        use buurt::db::models::local_user::Account;
        for name in names {
            self.register(state, name).await?;
            // Keys now, as a person who has federated before has them. (Made lazily at the
            // first delivery instead, concurrent deliveries race: see BENCHMARKS.md.)
            let mut conn = state.pool.get().await?;
            let account = Account::by_username(&mut conn, name).await?.context("account just created is missing")?;
            buurt::domain::actors::ensure_keys(&mut conn, account.actor)
                .await
                .map_err(|e| anyhow::anyhow!("keys of {name}: {e}"))?;
        }
        let first = names.first().context("no people")?;
        let account = {
            let mut conn = state.pool.get().await?;
            Account::by_username(&mut conn, first).await?
        }
        .context("account just created is missing")?;
        buurt::domain::oauth::admin_token(&state.pool, &account, "bench")
            .await
            .map_err(|e| anyhow::anyhow!("token: {e}"))
    }

    /// Posts a public status through the client API; returns its JSON.
    pub async fn post_status(&self, token: &str, text: &str) -> anyhow::Result<Value> {
        let response = self
            .http
            .post(self.url("/api/v1/statuses"))
            .bearer_auth(token)
            .json(&json!({"status": text, "visibility": "public"}))
            .send()
            .await?;
        let status = response.status();
        let body = response.text().await?;
        if !status.is_success() {
            bail!("posting a status: {status} {body}");
        }
        Ok(serde_json::from_str(&body)?)
    }

    /// Stops the process and drops its PostgreSQL database.
    pub async fn stop(mut self) -> anyhow::Result<()> {
        let _ = self.child.start_kill();
        let _ = tokio::time::timeout(Duration::from_secs(10), self.child.wait()).await;
        if let Some(name) = self.pg_name.take() {
            drop_database(&self.pg_admin, &name).await?;
        }
        Ok(())
    }
}

async fn drop_database(pg_admin: &str, name: &str) -> anyhow::Result<()> {
    let mut conn = AsyncPgConnection::establish(&format!("{pg_admin}/postgres")).await?;
    diesel::sql_query(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).execute(&mut conn).await?;
    Ok(())
}

impl Drop for Server {
    /// After an error: the child is killed on drop; the database is dropped here.
    fn drop(&mut self) {
        if let Some(name) = self.pg_name.take() {
            let _ = self.child.start_kill();
            let admin = self.pg_admin.clone();
            let _ = std::thread::spawn(move || {
                let Ok(rt) = tokio::runtime::Builder::new_current_thread().enable_all().build() else { return };
                let _ = rt.block_on(drop_database(&admin, &name));
            })
            .join();
        }
    }
}
