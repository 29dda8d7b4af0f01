//! Harness for federation tests: real `buurt` processes, each on its own loopback address and
//! host name (`alpha.test` → 127.0.0.2, …), configured only through the documented keys, each
//! with its own SQLite or PostgreSQL database; and independent fediverse servers as peers.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use serde_json::Value;

pub const PASSWORD: &str = "fiets-molen-Kanaal-93";

/// Test host names and their loopback addresses.
pub const HOSTS: &[(&str, &str)] = &[
    ("alpha.test", "127.0.0.2"),
    ("beta.test", "127.0.0.3"),
    ("gamma.test", "127.0.0.4"),
    ("fedify.test", "127.0.0.5"),
    ("bovine.test", "127.0.0.7"),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Generates one test per backend for an `async fn(Backend)`.
#[macro_export]
macro_rules! both {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$name(federation_tests::Backend::Sqlite).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                super::$name(federation_tests::Backend::Postgres).await
            }
        }
    )*};
}

/// Makes the test host names resolve, appending them to /etc/hosts when missing (tests run as
/// root in CI). Only loopback addresses are written, the file is only ever appended to, and a
/// lock keeps parallel tests from appending twice.
pub fn ensure_hosts() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    with_lock("etc-hosts", || {
        let hosts = std::fs::read_to_string("/etc/hosts").expect("read /etc/hosts");
        let missing: Vec<String> = HOSTS
            .iter()
            .filter(|(name, _)| !hosts.lines().any(|l| l.split_whitespace().skip(1).any(|n| n == *name)))
            .map(|(name, ip)| format!("{ip} {name}"))
            .collect();
        if missing.is_empty() {
            return;
        }
        let mut text = String::new();
        if !hosts.is_empty() && !hosts.ends_with('\n') {
            text.push('\n');
        }
        text.push_str("# Buurt federation tests (loopback only)\n");
        text.push_str(&missing.join("\n"));
        text.push('\n');
        use std::io::Write;
        std::fs::OpenOptions::new()
            .append(true)
            .open("/etc/hosts")
            .and_then(|mut f| f.write_all(text.as_bytes()))
            .unwrap_or_else(|e| {
                panic!("federation tests need these lines in /etc/hosts (run as root or add them): {missing:?}: {e}")
            });
    })
}

/// The `buurt` binary the test build made (target/<profile>/buurt next to deps/).
pub fn buurt_binary() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let dir = exe.parent().and_then(Path::parent).unwrap();
    let bin = dir.join("buurt");
    assert!(bin.exists(), "{} not found: build the workspace (cargo nextest run --workspace builds it)", bin.display());
    bin
}

pub fn postgres_admin_url() -> String {
    std::env::var("TEST_POSTGRES_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".into())
}

/// A free port on `ip`.
pub fn free_port(ip: &str) -> u16 {
    std::net::TcpListener::bind((ip, 0)).unwrap().local_addr().unwrap().port()
}

/// A running (or stopped) Buurt instance.
pub struct Instance {
    pub name: String,
    pub ip: String,
    pub port: u16,
    pub domain: String,
    pub backend: Backend,
    pub db_url: String,
    pg_name: Option<String>,
    dir: tempfile::TempDir,
    child: Option<Child>,
    pub log: Arc<Mutex<String>>,
}

impl Instance {
    /// Starts `buurt serve` as `http://{name}.test:{port}` on the name's loopback address.
    pub async fn start(name: &str, backend: Backend) -> Instance {
        ensure_hosts();
        let host = format!("{name}.test");
        let ip = HOSTS.iter().find(|(h, _)| *h == host).map(|(_, ip)| ip.to_string()).expect("known test host");
        let port = free_port(&ip);
        let dir = tempfile::tempdir().unwrap();
        let (db_url, pg_name) = match backend {
            Backend::Sqlite => (format!("sqlite://{}", dir.path().join("data/buurt.sqlite").display()), None),
            Backend::Postgres => {
                let db = format!("buurt_fed_{name}_{}_{port}", std::process::id());
                let mut conn =
                    AsyncPgConnection::establish(&format!("{}/postgres", postgres_admin_url())).await.unwrap();
                diesel::sql_query(format!("CREATE DATABASE {db}")).execute(&mut conn).await.unwrap();
                (format!("{}/{db}", postgres_admin_url()), Some(db))
            }
        };
        let mut instance = Instance {
            name: name.to_string(),
            domain: format!("{host}:{port}"),
            ip,
            port,
            backend,
            db_url,
            pg_name,
            dir,
            child: None,
            log: Arc::new(Mutex::new(String::new())),
        };
        instance.run().await;
        instance
    }

    fn command(&self) -> Command {
        let mut cmd = Command::new(buurt_binary());
        cmd.current_dir(self.dir.path())
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("BUURT_SERVER__BIND", format!("{}:{}", self.ip, self.port))
            .env("BUURT_DATABASE__POOL_SIZE", "8")
            .env("BUURT_INSTANCE__DOMAIN", &self.domain)
            .env("BUURT_INSTANCE__REGISTRATION", "closed")
            .env("BUURT_DATABASE__URL", &self.db_url)
            .env("BUURT_FEDERATION__ALLOW_HTTP", "true")
            .env("BUURT_FEDERATION__ALLOW_PRIVATE_ADDRESSES", "true")
            .env("BUURT_LOG__LEVEL", "info,buurt=debug");
        cmd
    }

    /// (Re)starts the process and waits until it listens.
    pub async fn run(&mut self) {
        let mut child = self.command().arg("serve").stdout(Stdio::null()).stderr(Stdio::piped()).spawn().unwrap();
        let stderr = child.stderr.take().unwrap();
        let log = self.log.clone();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if line.contains("listening on") {
                    let _ = tx.send(());
                }
                log.lock().unwrap().push_str(&(line + "\n"));
            }
        });
        self.child = Some(child);
        let log = self.log.clone();
        tokio::task::spawn_blocking(move || {
            rx.recv_timeout(Duration::from_secs(60))
                .unwrap_or_else(|_| panic!("instance did not start:\n{}", log.lock().unwrap()))
        })
        .await
        .unwrap();
    }

    /// A second process of the same instance (same database and domain) on another port: it
    /// serves nothing anyone uses, but its delivery workers share the queue.
    pub async fn second_process(&self) -> Instance {
        assert_eq!(self.backend, Backend::Postgres, "only PostgreSQL is shared by processes");
        let mut twin = Instance {
            name: format!("{}-2", self.name),
            ip: self.ip.clone(),
            port: free_port(&self.ip),
            domain: self.domain.clone(),
            backend: self.backend,
            db_url: self.db_url.clone(),
            pg_name: None,
            dir: tempfile::tempdir().unwrap(),
            child: None,
            log: Arc::new(Mutex::new(String::new())),
        };
        twin.run().await;
        twin
    }

    /// SIGKILL: no graceful anything.
    pub fn kill9(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.domain)
    }

    /// `name@domain`.
    pub fn handle(&self, name: &str) -> String {
        format!("{name}@{}", self.domain)
    }

    /// A new account and an API client for it, made with `buurt admin create-user` and
    /// `create-token` as an operator would.
    pub async fn user(&self, name: &str) -> Api {
        let (email, password) = (format!("{name}@{}.example", self.name), format!("{PASSWORD}\n"));
        let args_user = ["admin", "create-user", name, "--email", &email];
        let out_user = self.cli_blocking(&args_user, &password).await;
        assert!(out_user.contains("created"), "{out_user}");
        let out = self.cli_blocking(&["admin", "create-token", name], "").await;
        let token = out.lines().last().unwrap().trim().to_string();
        Api { client: reqwest::Client::new(), base: self.url(""), token }
    }

    /// [`Instance::user`] with a site moderator's role (`buurt admin set-role`).
    pub async fn moderator(&self, name: &str) -> Api {
        let api = self.user(name).await;
        let out = self.cli_blocking(&["admin", "set-role", name, "moderator"], "").await;
        assert!(out.contains("moderator"), "{out}");
        api
    }

    async fn cli_blocking(&self, args: &[&str], stdin: &str) -> String {
        let (args, stdin): (Vec<String>, String) = (args.iter().map(|s| s.to_string()).collect(), stdin.to_string());
        let mut cmd = self.command();
        tokio::task::spawn_blocking(move || {
            use std::io::Write;
            let mut child =
                cmd.args(&args).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
            child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
            let out = child.wait_with_output().unwrap();
            assert!(out.status.success(), "buurt {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
            String::from_utf8_lossy(&out.stdout).into_owned()
        })
        .await
        .unwrap()
    }

    pub fn log(&self) -> String {
        self.log.lock().unwrap().clone()
    }

    /// Signs `name` (made by [`Instance::user`]) in through the web's form, as a browser
    /// would; returns the `Cookie` header value of the session.
    pub async fn web_session(&self, name: &str) -> String {
        let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
        let form = client.get(self.url("/inloggen")).send().await.unwrap();
        let anon = set_cookie(&form, "buurt_anon").expect("an anonymous visitor's cookie");
        let html = form.text().await.unwrap();
        let csrf = html
            .split("name=\"csrf\" value=\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .expect("the sign-in form's token")
            .to_string();
        let body = format!("login={name}&password={}&csrf={csrf}", PASSWORD.replace('-', "%2D"));
        let signed_in = client
            .post(self.url("/inloggen"))
            .header("cookie", format!("buurt_anon={anon}"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await
            .unwrap();
        let session = set_cookie(&signed_in, "buurt_session")
            .unwrap_or_else(|| panic!("{name} could not sign in: {}", signed_in.status()));
        format!("buurt_session={session}")
    }

    /// A page as the signed-in person with `cookie` sees it.
    pub async fn page(&self, cookie: &str, path: &str) -> String {
        let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
        let response = client.get(self.url(path)).header("cookie", cookie).send().await.unwrap();
        assert_eq!(response.status(), 200, "{path}");
        response.text().await.unwrap()
    }
}

/// The value of cookie `name` a response sets.
fn set_cookie(response: &reqwest::Response, name: &str) -> Option<String> {
    response.headers().get_all("set-cookie").iter().find_map(|v| {
        let v = v.to_str().ok()?;
        let first = v.split(';').next()?;
        let (k, value) = first.split_once('=')?;
        (k.trim() == name).then(|| value.to_string())
    })
}

impl Drop for Instance {
    fn drop(&mut self) {
        self.kill9();
        if let Some(name) = self.pg_name.take() {
            let admin = format!("{}/postgres", postgres_admin_url());
            let _ = std::thread::spawn(move || {
                let Ok(rt) = tokio::runtime::Builder::new_current_thread().enable_all().build() else { return };
                rt.block_on(async {
                    if let Ok(mut conn) = AsyncPgConnection::establish(&admin).await {
                        let _ = diesel::sql_query(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                            .execute(&mut conn)
                            .await;
                    }
                });
            })
            .join();
        }
    }
}

/// A client of an instance's Mastodon-style API.
#[derive(Clone)]
pub struct Api {
    pub client: reqwest::Client,
    pub base: String,
    pub token: String,
}

impl Api {
    pub async fn get(&self, path: &str) -> Value {
        let response = self.client.get(format!("{}{path}", self.base)).bearer_auth(&self.token).send().await.unwrap();
        let status = response.status();
        let text = response.text().await.unwrap();
        assert!(status.is_success(), "GET {path}: {status} {text}");
        serde_json::from_str(&text).unwrap()
    }

    pub async fn post(&self, path: &str, body: Value) -> Value {
        let response =
            self.client.post(format!("{}{path}", self.base)).bearer_auth(&self.token).json(&body).send().await.unwrap();
        let status = response.status();
        let text = response.text().await.unwrap();
        assert!(status.is_success(), "POST {path}: {status} {text}");
        serde_json::from_str(&text).unwrap()
    }

    pub async fn send(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> reqwest::Response {
        let mut request = self.client.request(method, format!("{}{path}", self.base)).bearer_auth(&self.token);
        if let Some(body) = body {
            request = request.json(&body);
        }
        request.send().await.unwrap()
    }

    /// Finds a remote account (WebFinger through the instance) and returns its local id.
    pub async fn resolve(&self, handle: &str) -> String {
        let found = self.get(&format!("/api/v2/search?q=@{handle}&resolve=true&type=accounts")).await;
        found["accounts"][0]["id"].as_str().unwrap_or_else(|| panic!("{handle} not found: {found}")).to_string()
    }

    /// Follows `handle` and waits until the follow is accepted.
    pub async fn follow(&self, handle: &str) -> String {
        let id = self.resolve(handle).await;
        self.post(&format!("/api/v1/accounts/{id}/follow"), serde_json::json!({})).await;
        let api = self.clone();
        let id2 = id.clone();
        eventually(&format!("follow of {handle} accepted"), move || {
            let (api, id) = (api.clone(), id2.clone());
            async move { api.get(&format!("/api/v1/accounts/relationships?id[]={id}")).await[0]["following"] == true }
        })
        .await;
        id
    }

    /// All statuses in the home timeline (following the pages).
    pub async fn home(&self) -> Vec<Value> {
        let mut all = Vec::new();
        let mut max_id: Option<String> = None;
        loop {
            let path = match &max_id {
                Some(m) => format!("/api/v1/timelines/home?limit=40&max_id={m}"),
                None => "/api/v1/timelines/home?limit=40".to_string(),
            };
            let page = self.get(&path).await;
            let items = page.as_array().unwrap().clone();
            if items.is_empty() {
                return all;
            }
            max_id = items.last().and_then(|s| s["id"].as_str()).map(str::to_string);
            all.extend(items);
        }
    }
}

/// Waits until `check` is true, failing after 60 seconds.
pub async fn eventually<F, Fut>(what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    loop {
        if check().await {
            return;
        }
        assert!(tokio::time::Instant::now() < deadline, "timed out waiting for: {what}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

impl Instance {
    /// `buurt admin create-group NAME`.
    pub async fn cli_group(&self, name: &str) -> String {
        self.cli_blocking(&["admin", "create-group", name], "").await
    }
}

/// Runs `f` while holding a lock directory, so parallel tests set up a shared tool once.
pub fn with_lock<T>(name: &str, f: impl FnOnce() -> T) -> T {
    let lock = std::env::temp_dir().join(format!("buurt-fedtest-{name}.lock"));
    let deadline = std::time::Instant::now() + Duration::from_secs(600);
    while std::fs::create_dir(&lock).is_err() {
        assert!(std::time::Instant::now() < deadline, "lock {} held too long", lock.display());
        std::thread::sleep(Duration::from_millis(200));
    }
    struct Guard(PathBuf);
    impl Drop for Guard {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir(&self.0);
        }
    }
    let _guard = Guard(lock);
    f()
}

/// Folder of a peer harness (`federation-tests/peers/NAME`).
pub fn peer_dir(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("peers").join(name)
}

/// An independent server running as a child process, with a JSON control API.
pub struct Peer {
    child: Child,
    /// Base URL of the control API.
    pub control: String,
    pub log: Arc<Mutex<String>>,
}

impl Peer {
    /// Starts `program args` and waits until `health` answers.
    pub async fn start(program: &Path, args: &[String], cwd: &Path, control: String, health: &str) -> Peer {
        let mut child = Command::new(program)
            .args(args)
            .current_dir(cwd)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", program.display()));
        let stderr = child.stderr.take().unwrap();
        let log = Arc::new(Mutex::new(String::new()));
        let sink = log.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                sink.lock().unwrap().push_str(&(line + "\n"));
            }
        });
        let peer = Peer { child, control, log };
        let url = format!("{}{health}", peer.control);
        let client = reqwest::Client::new();
        let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
        loop {
            if client.get(&url).send().await.is_ok_and(|r| r.status().is_success()) {
                return peer;
            }
            assert!(tokio::time::Instant::now() < deadline, "peer did not start:\n{}", peer.log.lock().unwrap());
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    pub async fn get(&self, path: &str) -> Value {
        reqwest::get(format!("{}{path}", self.control)).await.unwrap().json().await.unwrap()
    }

    pub async fn post(&self, path: &str, body: Value) -> Value {
        let response = reqwest::Client::new().post(format!("{}{path}", self.control)).json(&body).send().await.unwrap();
        let status = response.status();
        let value: Value = response.json().await.unwrap_or(Value::Null);
        assert!(status.is_success(), "peer {path}: {status} {value}\n{}", self.log.lock().unwrap());
        value
    }
}

impl Drop for Peer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The Fedify peer on `fedify.test` (installs its npm packages once).
pub async fn fedify_peer() -> Peer {
    ensure_hosts();
    let dir = peer_dir("fedify");
    let install_dir = dir.clone();
    tokio::task::spawn_blocking(move || {
        with_lock("fedify-npm", || {
            if !install_dir.join("node_modules/@fedify/fedify").exists() {
                let status = Command::new("npm")
                    .args(["ci", "--no-audit", "--no-fund", "--loglevel=error"])
                    .current_dir(&install_dir)
                    .status()
                    .expect("npm");
                assert!(status.success(), "npm ci for the Fedify peer failed");
            }
        })
    })
    .await
    .unwrap();
    let port = free_port("127.0.0.5");
    let origin = format!("http://fedify.test:{port}");
    let args: Vec<String> = ["peer.mjs", "--bind", "127.0.0.5", "--port", &port.to_string(), "--origin", &origin]
        .iter()
        .map(|s| s.to_string())
        .collect();
    Peer::start(Path::new("node"), &args, &dir, origin, "/control/health").await
}

/// The bovine-herd peer on `bovine.test` (its Python environment is made once per build dir).
pub async fn bovine_peer() -> Peer {
    ensure_hosts();
    let dir = peer_dir("bovine");
    // Kept in the build directory, which CI keeps between runs.
    let venv = buurt_binary().parent().unwrap().join("bovine-venv");
    let (setup_dir, setup_venv) = (dir.clone(), venv.clone());
    tokio::task::spawn_blocking(move || {
        with_lock("bovine-venv", || {
            let marker = setup_venv.join("requirements.txt");
            let wanted = std::fs::read_to_string(setup_dir.join("requirements.txt")).unwrap();
            if std::fs::read_to_string(&marker).ok().as_deref() != Some(wanted.as_str()) {
                let _ = std::fs::remove_dir_all(&setup_venv);
                let status =
                    Command::new("bash").arg(setup_dir.join("setup.sh")).arg(&setup_venv).status().expect("bash");
                assert!(status.success(), "setting up the bovine peer failed");
                std::fs::write(&marker, wanted).unwrap();
            }
        })
    })
    .await
    .unwrap();
    let port = free_port("127.0.0.7");
    let control_port = free_port("127.0.0.7");
    let args: Vec<String> = vec![
        dir.join("peer.py").display().to_string(),
        "--bind".into(),
        format!("127.0.0.7:{port}"),
        "--domain".into(),
        format!("bovine.test:{port}"),
        "--control-port".into(),
        control_port.to_string(),
    ];
    let work = tempfile::tempdir().unwrap().keep();
    Peer::start(&venv.join("bin/python"), &args, &work, format!("http://127.0.0.7:{control_port}"), "/health").await
}
