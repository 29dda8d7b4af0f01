//! Start-up of the real binary: a fresh machine gets its database and keys, a second start
//! reuses them, SIGTERM stops it cleanly, and two processes can migrate one database at once.

use std::io::{BufRead, BufReader};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use buurt::db::DbPool;
use buurt::db::models::site::Site;

use crate::both;
use crate::util::*;

/// A `buurt serve` process and the address it listens on.
struct Process {
    child: Child,
    addr: String,
    log: std::sync::Arc<std::sync::Mutex<String>>,
}

impl Process {
    fn start(cwd: &std::path::Path, db_url: Option<&str>) -> Process {
        let mut cmd = buurt_command();
        cmd.current_dir(cwd).env("BUURT_SERVER__BIND", "127.0.0.1:0").env("BUURT_LOG__LEVEL", "info").arg("serve");
        if let Some(url) = db_url {
            cmd.env("BUURT_DATABASE__URL", url);
        }
        let mut child = cmd.stderr(Stdio::piped()).stdout(Stdio::null()).spawn().unwrap();
        let stderr = child.stderr.take().unwrap();
        let log = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
        let (tx, rx) = std::sync::mpsc::channel();
        let sink = log.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if let Some(rest) = line.split("listening on http://").nth(1) {
                    let _ = tx.send(rest.split_whitespace().next().unwrap_or("").to_string());
                }
                sink.lock().unwrap().push_str(&(line + "\n"));
            }
        });
        let addr = rx
            .recv_timeout(Duration::from_secs(60))
            .unwrap_or_else(|_| panic!("no listening line; log:\n{}", log.lock().unwrap()));
        Process { child, addr, log }
    }

    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    fn log(&self) -> String {
        self.log.lock().unwrap().clone()
    }

    /// SIGTERM, then wait for a clean exit.
    fn terminate(mut self) -> String {
        let status = std::process::Command::new("kill").args(["-TERM", &self.child.id().to_string()]).status().unwrap();
        assert!(status.success());
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                assert!(status.success(), "exit after SIGTERM: {status}; log:\n{}", self.log());
                break;
            }
            assert!(Instant::now() < deadline, "did not stop after SIGTERM");
            std::thread::sleep(Duration::from_millis(50));
        }
        // Let the reader thread take the last lines.
        std::thread::sleep(Duration::from_millis(100));
        self.log()
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn site_key(url: &str) -> String {
    let pool = DbPool::new(url, 1).unwrap();
    let mut conn = pool.get().await.unwrap();
    let key = Site::get(&mut conn).await.unwrap().expect("site row").public_key;
    drop(conn);
    pool.close();
    key
}

both!(fresh_start_creates_the_database_and_a_second_start_reuses_it);

async fn fresh_start_creates_the_database_and_a_second_start_reuses_it(b: Backend) {
    buurt::install_crypto();
    let cwd = tempfile::tempdir().unwrap();
    let pg = match b {
        Backend::Postgres => Some(TestDb::new(b).await),
        Backend::Sqlite => None,
    };
    let db_url = pg.as_ref().map(|d| d.url.clone());
    let effective_url =
        db_url.clone().unwrap_or_else(|| format!("sqlite://{}", cwd.path().join("data/buurt.sqlite").display()));

    let first = {
        let (path, url) = (cwd.path().to_path_buf(), db_url.clone());
        tokio::task::spawn_blocking(move || Process::start(&path, url.as_deref())).await.unwrap()
    };
    if b == Backend::Sqlite {
        assert!(
            cwd.path().join("data/buurt.sqlite").exists(),
            "the default SQLite file is created under the working directory"
        );
    }
    let client = reqwest::Client::new();
    assert_eq!(client.get(first.url("/healthz")).send().await.unwrap().text().await.unwrap(), "ok");
    assert_eq!(client.get(first.url("/readyz")).send().await.unwrap().status(), 200);
    assert_eq!(client.get(first.url("/")).send().await.unwrap().status(), 200);
    let log = tokio::task::spawn_blocking(move || first.terminate()).await.unwrap();
    assert!(log.contains("applied migration"), "{log}");
    assert!(log.contains("generating the instance's keys"), "{log}");
    assert!(log.contains("stopped"), "{log}");
    let key = site_key(&effective_url).await;
    assert!(key.starts_with("-----BEGIN PUBLIC KEY-----"));

    let second = {
        let (path, url) = (cwd.path().to_path_buf(), db_url.clone());
        tokio::task::spawn_blocking(move || Process::start(&path, url.as_deref())).await.unwrap()
    };
    assert_eq!(client.get(second.url("/readyz")).send().await.unwrap().status(), 200);
    let log = tokio::task::spawn_blocking(move || second.terminate()).await.unwrap();
    assert!(!log.contains("applied migration"), "nothing to migrate the second time: {log}");
    assert!(!log.contains("generating"), "keys are reused: {log}");
    assert_eq!(site_key(&effective_url).await, key);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_processes_starting_at_once_on_postgres_share_one_migration_and_one_key() {
    let db = TestDb::new(Backend::Postgres).await;
    let settings = || {
        let mut s = buurt::config::Settings::default();
        s.database.url = db.url.clone();
        s
    };
    let (a, b) = tokio::join!(buurt::server::prepare(settings()), buurt::server::prepare(settings()));
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!(a.site.public_key, b.site.public_key);
    assert_eq!(site_key(&db.url).await, a.site.public_key);
    a.pool.close();
    b.pool.close();
    assert!(buurt::db::migrate::run(&db.url).await.unwrap().is_empty());
}

both!(a_start_that_finds_the_instance_actor_before_its_key_completes_it);

/// Two processes starting at once: one has stored the instance actor but not yet its private
/// key when the other reads the row. The second must not start without a key to sign with.
async fn a_start_that_finds_the_instance_actor_before_its_key_completes_it(b: Backend) {
    use buurt::db::models::actor::{Actor, ActorUpdate};
    let db = TestDb::new(b).await;
    let mut settings = buurt::config::Settings::default();
    settings.database.url = db.url.clone();
    let first = buurt::server::prepare(settings.clone()).await.unwrap();
    let actor_id = first.instance_actor.id;
    {
        let mut conn = first.pool.get().await.unwrap();
        let half_made = ActorUpdate { private_key: Some(None), ..Default::default() };
        Actor::update(&mut conn, actor_id, &half_made).await.unwrap();
    }
    first.pool.close();

    let second = buurt::server::prepare(settings).await.unwrap();
    assert_eq!(second.instance_actor.id, actor_id);
    assert_eq!(second.instance_actor.private_key.as_deref(), Some(second.site.private_key.as_str()));
    let mut conn = second.pool.get().await.unwrap();
    let stored = Actor::by_id(&mut conn, actor_id).await.unwrap().unwrap();
    assert_eq!(stored.private_key, Some(first.site.private_key.clone()));
    drop(conn);
    second.pool.close();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn readyz_reports_a_lost_database_while_healthz_stays_up() {
    let app = TestApp::spawn(Backend::Postgres).await;
    let client = reqwest::Client::new();
    assert_eq!(client.get(app.url("/readyz")).send().await.unwrap().status(), 200);
    lose_database(&app).await;
    assert_eq!(client.get(app.url("/readyz")).send().await.unwrap().status(), 503);
    assert_eq!(client.get(app.url("/healthz")).send().await.unwrap().status(), 200);
}
