//! The test harness: a real router on a fresh database (SQLite file or PostgreSQL database) per
//! test, HTTP clients with their own cookies, and helpers to read pages.

#![allow(dead_code)]

use std::sync::atomic::{AtomicU64, Ordering};

use buurt::config::{LimitsSettings, Rate, RegistrationMode, Settings};
use buurt::db::DbPool;
use buurt::db::models::local_user::{Account, Role};
use buurt::db::models::site::{SITE_ID, Site};
use buurt::domain::accounts::{self, Registration};
use buurt::state::AppState;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use reqwest::redirect::Policy;
use scraper::{Html, Selector};
use tokio::sync::oneshot;

pub const PASSWORD: &str = "fiets-molen-Kanaal-93";

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
                super::$name($crate::util::Backend::Sqlite).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                super::$name($crate::util::Backend::Postgres).await
            }
        }
    )*};
}

/// The PostgreSQL server tests create their databases on.
pub fn postgres_admin_url() -> String {
    std::env::var("TEST_POSTGRES_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".into())
}

/// A fresh, empty database that is removed when dropped.
pub struct TestDb {
    pub url: String,
    pg_name: Option<String>,
    _dir: Option<tempfile::TempDir>,
}

impl TestDb {
    pub async fn new(backend: Backend) -> TestDb {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().expect("temp dir");
                let url = format!("sqlite://{}", dir.path().join("buurt.sqlite").display());
                TestDb { url, pg_name: None, _dir: Some(dir) }
            }
            Backend::Postgres => {
                let name = format!(
                    "buurt_test_{}_{}_{}",
                    std::process::id(),
                    COUNTER.fetch_add(1, Ordering::Relaxed),
                    rand_suffix()
                );
                let mut conn = AsyncPgConnection::establish(&format!("{}/postgres", postgres_admin_url()))
                    .await
                    .expect("PostgreSQL must run on 127.0.0.1:5432 (see README)");
                diesel::sql_query(format!("CREATE DATABASE {name}")).execute(&mut conn).await.expect("create database");
                TestDb { url: format!("{}/{name}", postgres_admin_url()), pg_name: Some(name), _dir: None }
            }
        }
    }
}

fn rand_suffix() -> u32 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.subsec_nanos()).unwrap_or(0)
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some(name) = self.pg_name.take() {
            // A separate thread with its own runtime: Drop cannot await.
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

/// The site row tests use: a key pair made once, since a fresh key proves nothing here.
pub fn test_site() -> Site {
    Site {
        id: SITE_ID,
        secret: "test-secret-0123456789abcdef".into(),
        public_key: include_str!("../fixtures/test_public_key.pem").into(),
        private_key: include_str!("../fixtures/test_private_key.pem").into(),
        created_at: buurt::db::now(),
        vapid_private_key: None,
    }
}

/// Limits no test of another feature reaches (every test's requests come from 127.0.0.1); the
/// tests in `limits.rs` set small ones.
pub fn generous_limits() -> LimitsSettings {
    let generous = Rate::new(1_000_000, 1);
    LimitsSettings {
        trusted_proxies: Vec::new(),
        sign_in_per_address: generous,
        sign_in_per_account: generous,
        register_per_address: generous,
        password_change_per_address: generous,
        password_change_per_account: generous,
        mail_per_address: generous,
        mail_per_recipient: generous,
        post_per_address: generous,
        post_per_account: generous,
        inbox_per_instance: generous,
        lockout_after: 1_000,
        ..LimitsSettings::default()
    }
}

/// A running Buurt instance on a loopback port with its own database.
pub struct TestApp {
    pub state: AppState,
    pub base: String,
    pub backend: Backend,
    stop: Option<oneshot::Sender<()>>,
    server: Option<tokio::task::JoinHandle<()>>,
    /// Where uploaded images go (`media.dir`).
    pub media_dir: tempfile::TempDir,
    // Dropped last: the database goes after the server stopped.
    pub db: TestDb,
}

impl TestApp {
    pub async fn spawn(backend: Backend) -> TestApp {
        Self::spawn_with(backend, |_| {}).await
    }

    /// An instance that federates with others on this machine: named `localhost:PORT`, with
    /// plain http and loopback addresses allowed.
    pub async fn spawn_federated(backend: Backend) -> TestApp {
        Self::spawn_federated_with(backend, |_| {}).await
    }

    /// [`TestApp::spawn_federated`] with more settings changed.
    pub async fn spawn_federated_with(backend: Backend, configure: impl FnOnce(&mut Settings)) -> TestApp {
        Self::spawn_with(backend, |s| {
            s.instance.domain = s.instance.domain.replace("127.0.0.1", "localhost");
            s.federation.allow_http = true;
            s.federation.allow_private_addresses = true;
            configure(s);
        })
        .await
    }

    pub async fn spawn_with(backend: Backend, configure: impl FnOnce(&mut Settings)) -> TestApp {
        buurt::install_crypto();
        let db = TestDb::new(backend).await;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        let mut settings = Settings::default();
        settings.server.bind = addr.to_string();
        settings.instance.domain = addr.to_string();
        settings.instance.registration = RegistrationMode::Open;
        settings.database.url = db.url.clone();
        settings.database.pool_size = 4;
        let media_dir = tempfile::tempdir().expect("media dir");
        settings.media.dir = media_dir.path().display().to_string();
        // Without a mail server, mails are written beside the media, never into the checkout.
        settings.mail.folder = media_dir.path().join("mail").display().to_string();
        // Browsers in tests never fetch map tiles from the internet; tests that want tiles serve them.
        settings.map.tile_url = "http://127.0.0.1:9/{z}/{x}/{y}.png".into();
        settings.limits = generous_limits();
        // Tests write behind the server's back (domain calls, jobs): the anonymous read cache is
        // on only where a test says so (api.rs and pages.rs test it).
        settings.server.public_cache_ms = 0;
        configure(&mut settings);

        buurt::db::migrate::run(&settings.database.url).await.expect("migrate");
        {
            let pool = DbPool::new(&settings.database.url, 1).expect("pool");
            let mut conn = pool.get().await.expect("conn");
            Site::insert_or_get(&mut conn, &test_site()).await.expect("site");
            drop(conn);
            pool.close();
        }
        let state = buurt::server::prepare(settings).await.expect("prepare");
        let (stop, stopped) = oneshot::channel::<()>();
        let server_state = state.clone();
        let server = tokio::spawn(async move {
            let _ = buurt::server::serve(server_state, listener, async {
                let _ = stopped.await;
            })
            .await;
        });
        let base = state.base_url.to_string();
        TestApp { base, state, backend, stop: Some(stop), server: Some(server), media_dir, db }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// A new browser: its own cookies, redirects not followed (tests look at them).
    pub fn browser(&self) -> Browser {
        let client = reqwest::Client::builder().cookie_store(true).redirect(Policy::none()).build().expect("client");
        Browser { client, base: self.base.clone() }
    }

    pub fn settings(&self) -> &Settings {
        &self.state.settings
    }

    /// Creates an active account directly through the domain layer.
    pub async fn create_user(&self, name: &str, role: Role) -> Account {
        let form = Registration {
            username: name.into(),
            email: format!("{}@buurt.example", name.to_lowercase()),
            password: PASSWORD.into(),
            password_confirm: PASSWORD.into(),
            ..Default::default()
        };
        accounts::create_by_admin(&self.state.pool, &self.state.settings, &form, role).await.expect("create user")
    }

    /// A browser signed in as a new account with `role`.
    pub async fn signed_in(&self, name: &str, role: Role) -> Browser {
        self.create_user(name, role).await;
        let browser = self.browser();
        let response = browser.login(name, PASSWORD).await;
        assert_eq!(response.status(), 303, "login of {name} should redirect");
        browser
    }

    pub async fn count_users(&self) -> i64 {
        let mut conn = self.state.pool.get().await.expect("conn");
        buurt::db::models::local_user::LocalUser::count(&mut conn).await.expect("count")
    }

    pub async fn account(&self, name: &str) -> Option<Account> {
        let mut conn = self.state.pool.get().await.expect("conn");
        Account::by_username(&mut conn, name).await.expect("query")
    }

    pub async fn stop(mut self) {
        self.shutdown().await;
    }

    async fn shutdown(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(server) = self.server.take() {
            let _ = server.await;
        }
        self.state.pool.close();
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(server) = self.server.take() {
            server.abort();
        }
        self.state.pool.close();
    }
}

/// An HTTP client with a cookie jar, like one browser.
#[derive(Clone)]
pub struct Browser {
    pub client: reqwest::Client,
    pub base: String,
}

impl Browser {
    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(format!("{}{path}", self.base)).send().await.expect("GET")
    }

    pub async fn get_html(&self, path: &str) -> Html {
        let response = self.get(path).await;
        Html::parse_document(&response.text().await.expect("body"))
    }

    /// The CSRF token of the form on `path`.
    pub async fn csrf(&self, path: &str) -> String {
        csrf_of(&self.get_html(path).await)
    }

    /// Posts a form the way a browser does: with the token from the page it was on, when the
    /// page has one (an anonymous visitor's forms that change nothing here carry none).
    pub async fn submit(&self, page: &str, action: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        let html = self.get_html(page).await;
        let selector = Selector::parse("input[name=csrf]").expect("selector");
        let token = html.select(&selector).next().and_then(|e| e.value().attr("value")).map(str::to_string);
        let mut body: Vec<(&str, &str)> = fields.to_vec();
        if let Some(token) = &token {
            body.push(("csrf", token));
        }
        self.client.post(format!("{}{action}", self.base)).form(&body).send().await.expect("POST")
    }

    pub async fn login(&self, login: &str, password: &str) -> reqwest::Response {
        self.submit("/inloggen", "/inloggen", &[("login", login), ("password", password)]).await
    }

    pub async fn register(&self, fields: &[(&str, &str)]) -> reqwest::Response {
        self.submit("/registreren", "/registreren", fields).await
    }
}

pub fn csrf_of(html: &Html) -> String {
    let selector = Selector::parse("input[name=csrf]").expect("selector");
    html.select(&selector).next().and_then(|e| e.value().attr("value")).expect("page has a csrf field").to_string()
}

/// Text of the first element matching `selector`, whitespace collapsed.
pub fn text_of(html: &Html, selector: &str) -> Option<String> {
    let s = Selector::parse(selector).expect("selector");
    html.select(&s)
        .next()
        .map(|e| e.text().collect::<Vec<_>>().join(" ").split_whitespace().collect::<Vec<_>>().join(" "))
}

/// The error message shown next to the field `name`.
pub fn field_error(html: &Html, name: &str) -> Option<String> {
    text_of(html, &format!("#{name}-error"))
}

pub async fn html(response: reqwest::Response) -> Html {
    Html::parse_document(&response.text().await.expect("body"))
}

/// A form of a registration with good values, to change one field at a time.
pub fn registration(name: &str) -> Vec<(&'static str, String)> {
    vec![
        ("username", name.to_string()),
        ("display_name", format!("{name} de Vries")),
        ("email", format!("{}@buurt.example", name.to_lowercase())),
        ("password", PASSWORD.to_string()),
        ("password_confirm", PASSWORD.to_string()),
    ]
}

pub fn as_refs<'a>(fields: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    fields.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

/// Replaces or adds a field.
pub fn with(mut fields: Vec<(&'static str, String)>, key: &'static str, value: &str) -> Vec<(&'static str, String)> {
    fields.retain(|(k, _)| *k != key);
    fields.push((key, value.to_string()));
    fields
}

/// The `buurt` binary, run where no config/buurt.toml is found and without BUURT_ variables
/// from outside the test.
pub fn buurt_command() -> std::process::Command {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_buurt"));
    cmd.current_dir(std::env::temp_dir());
    for (key, _) in std::env::vars() {
        if key.starts_with("BUURT_") {
            cmd.env_remove(key);
        }
    }
    cmd
}

/// Runs `buurt` with `args` against a database, writing `stdin`; returns (success, stdout, stderr).
pub fn run_buurt(db_url: &str, domain: &str, args: &[&str], stdin: &str) -> (bool, String, String) {
    use std::io::Write;
    let mut child = buurt_command()
        .env("BUURT_DATABASE__URL", db_url)
        .env("BUURT_INSTANCE__DOMAIN", domain)
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn buurt");
    child.stdin.take().expect("stdin").write_all(stdin.as_bytes()).expect("write stdin");
    let out = child.wait_with_output().expect("wait");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A local actor of another test instance whose private key the test holds, to sign as it.
pub struct Signer {
    pub key_id: String,
    pub actor: String,
    pub pem: String,
}

/// A new account `name` on `app`, to sign as.
pub async fn signer(app: &TestApp, name: &str) -> Signer {
    app.create_user(name, Role::Member).await;
    signer_of(app, name).await
}

/// The existing account `name` on `app`, to sign as.
pub async fn signer_of(app: &TestApp, name: &str) -> Signer {
    let account = app.account(name).await.expect("account exists");
    let mut conn = app.state.pool.get().await.expect("connection");
    let actor = buurt::domain::actors::ensure_keys(&mut conn, account.actor).await.expect("keys");
    Signer {
        key_id: format!("{}#main-key", actor.ap_id),
        actor: actor.ap_id.clone(),
        pem: actor.private_key.expect("a local actor has a private key"),
    }
}

/// A client of the Mastodon-style API with a bearer token.
#[derive(Clone)]
pub struct Api {
    pub client: reqwest::Client,
    pub base: String,
    pub token: String,
}

impl Api {
    pub async fn get(&self, path: &str) -> serde_json::Value {
        let response =
            self.client.get(format!("{}{path}", self.base)).bearer_auth(&self.token).send().await.expect("GET");
        let status = response.status();
        let body = response.text().await.expect("body");
        assert!(status.is_success(), "GET {path}: {status} {body}");
        serde_json::from_str(&body).expect("JSON")
    }

    pub async fn post(&self, path: &str, body: serde_json::Value) -> serde_json::Value {
        let response = self
            .client
            .post(format!("{}{path}", self.base))
            .bearer_auth(&self.token)
            .json(&body)
            .send()
            .await
            .expect("POST");
        let status = response.status();
        let text = response.text().await.expect("body");
        assert!(status.is_success(), "POST {path}: {status} {text}");
        serde_json::from_str(&text).expect("JSON")
    }

    pub async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<serde_json::Value>,
    ) -> reqwest::Response {
        let mut request = self.client.request(method, format!("{}{path}", self.base)).bearer_auth(&self.token);
        if let Some(body) = body {
            request = request.json(&body);
        }
        request.send().await.expect("request")
    }
}

impl TestApp {
    /// An API client for a new account named `name` (token made like `buurt admin create-token`).
    pub async fn api_user(&self, name: &str) -> Api {
        let account = self.create_user(name, Role::Member).await;
        let token = buurt::domain::oauth::admin_token(&self.state.pool, &account, "test").await.expect("token");
        Api { client: reqwest::Client::new(), base: self.base.clone(), token }
    }

    /// An API client for a new account with `role` whose token has the admin scopes too.
    pub async fn staff_api(&self, name: &str, role: Role) -> Api {
        let account = self.create_user(name, role).await;
        let token = buurt::util::tokens::random_token(32);
        let mut conn = self.state.pool.get().await.expect("connection");
        buurt::db::models::oauth::OauthToken::insert(
            &mut conn,
            &buurt::domain::accounts::token_hash(&token),
            None,
            Some(account.user.id),
            "test",
            "read write follow admin:read admin:write",
            buurt::db::now(),
        )
        .await
        .expect("token");
        Api { client: reqwest::Client::new(), base: self.base.clone(), token }
    }

    /// Waits until every stored activity of this instance is delivered.
    pub async fn drain(&self) {
        buurt::delivery::wait_idle(&self.state.pool, std::time::Duration::from_secs(30))
            .await
            .expect("deliveries drained");
    }

    /// Waits until no job is due (mails sent, digests made).
    pub async fn run_jobs(&self) {
        buurt::jobs::wait_idle(&self.state.pool, std::time::Duration::from_secs(30)).await.expect("jobs done");
    }

    /// The mails written to the mail folder (no SMTP server configured), oldest first.
    pub fn mails_in_folder(&self) -> Vec<String> {
        let Ok(dir) = std::fs::read_dir(&self.settings().mail.folder) else {
            return vec![];
        };
        let mut files: Vec<_> = dir
            .flatten()
            .filter(|e| e.path().extension().is_some_and(|x| x == "eml"))
            .map(|e| (e.metadata().and_then(|m| m.modified()).ok(), e.path()))
            .collect();
        files.sort();
        files.into_iter().map(|(_, p)| std::fs::read_to_string(p).unwrap()).collect()
    }

    /// `@name@domain` of a local account.
    pub fn handle(&self, name: &str) -> String {
        format!("{name}@{}", self.settings().instance.domain)
    }
}

/// Waits until `check` returns true (federation is asynchronous), failing after 30 seconds.
pub async fn eventually<F, Fut>(what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        if check().await {
            return;
        }
        assert!(tokio::time::Instant::now() < deadline, "timed out waiting for: {what}");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

/// Drops a running PostgreSQL app's database under it (as if the server were lost); returns the
/// database's name.
pub async fn lose_database(app: &TestApp) -> String {
    let name = app.db.url.rsplit('/').next().unwrap().to_string();
    let mut conn = AsyncPgConnection::establish(&format!("{}/postgres", postgres_admin_url())).await.unwrap();
    diesel::sql_query(format!("DROP DATABASE {name} WITH (FORCE)")).execute(&mut conn).await.unwrap();
    name
}

/// A Python virtual environment under the build directory with `requirements` installed, made
/// once (again when the requirements change); returns its python.
pub fn python_venv(name: &str, requirements: &str) -> std::path::PathBuf {
    let venv = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let python = venv.join("bin/python");
    let marker = venv.join("installed.txt");
    let wanted = std::fs::read_to_string(requirements).unwrap();
    // Tests run as separate processes: one builds, the others wait for it.
    let lock = venv.with_extension("lock");
    let _ = std::fs::create_dir_all(env!("CARGO_TARGET_TMPDIR"));
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(900);
    while std::fs::create_dir(&lock).is_err() {
        assert!(std::time::Instant::now() < deadline, "waiting for {} too long", lock.display());
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    struct Unlock(std::path::PathBuf);
    impl Drop for Unlock {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir(&self.0);
        }
    }
    let _unlock = Unlock(lock);
    if !python.exists() || std::fs::read_to_string(&marker).ok().as_deref() != Some(wanted.as_str()) {
        // Built aside and moved into place, so two tests never use a half-made environment.
        let building = venv.with_extension(format!("building-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&building);
        let status = std::process::Command::new("python3").args(["-m", "venv"]).arg(&building).status().unwrap();
        assert!(status.success(), "python3 -m venv");
        let status = std::process::Command::new(building.join("bin/python"))
            .args(["-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-r", requirements])
            .status()
            .unwrap();
        assert!(status.success(), "pip install -r {requirements}");
        // A venv's scripts name its path; rebuild them for the final place.
        let _ = std::fs::remove_dir_all(&venv);
        if std::fs::rename(&building, &venv).is_ok() {
            let status =
                std::process::Command::new("python3").args(["-m", "venv", "--upgrade"]).arg(&venv).status().unwrap();
            assert!(status.success(), "python3 -m venv --upgrade");
            std::fs::write(&marker, &wanted).unwrap();
        } else {
            let _ = std::fs::remove_dir_all(&building);
        }
    }
    python
}

/// The ActivityStreams document at `url`, as another server would fetch it (unsigned).
pub async fn activity_json(url: impl reqwest::IntoUrl) -> serde_json::Value {
    reqwest::Client::new()
        .get(url)
        .header("accept", "application/activity+json")
        .send()
        .await
        .expect("fetch")
        .json()
        .await
        .expect("json")
}

/// The activities of `kind` the local actor `name` queued, as JSON.
pub async fn queued_by(app: &TestApp, name: &str, kind: &str) -> Vec<serde_json::Value> {
    use buurt::db::schema::outbox_activity as o;
    use diesel::{ExpressionMethods, QueryDsl};
    let mut conn = app.state.pool.get().await.unwrap();
    let domain = app.settings().instance.domain.clone();
    let actor = buurt::db::models::actor::Actor::by_name(&mut conn, name, &domain).await.unwrap().unwrap();
    let rows: Vec<String> = buurt::dispatch!(&mut conn, c => o::table
        .filter(o::actor_id.eq(actor.id.0))
        .filter(o::kind.eq(kind))
        .select(o::payload)
        .load(c)
        .await)
    .unwrap();
    rows.iter().map(|p| serde_json::from_str(p).unwrap()).collect()
}
