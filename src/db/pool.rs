//! Connection pools for both backends and an explicit transaction handle.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::{Connection, SqliteConnection};
use diesel_async::pooled_connection::deadpool::{Object, Pool};
use diesel_async::pooled_connection::{AsyncDieselConnectionManager, ManagerConfig, RecyclingMethod};
use diesel_async::sync_connection_wrapper::{SpawnBlocking, SyncConnectionWrapper};
use diesel_async::{AsyncConnection, AsyncPgConnection, TransactionManager};
use futures_util::FutureExt;

use super::{DbError, DbResult};

pub type SqliteConn = SyncConnectionWrapper<SqliteConnection, Inline>;

/// Runs SQLite's statements on the calling thread, as SQLite is made to be used, instead of
/// handing each one to a blocking thread and back (diesel-async's default). A statement on a
/// warm WAL database takes microseconds, less than the two thread switches of a hand-off, and
/// a transaction that makes no other await runs start to commit without yielding, so SQLite's
/// write lock is held only for the time its statements take. Writes queue at the write gate
/// (an async lock) before they reach SQLite, so a statement does not wait for the lock on the
/// runtime's thread except for another process's write (SQLite's busy timeout).
pub struct Inline;

impl SpawnBlocking for Inline {
    fn spawn_blocking<'a, R>(
        &mut self,
        task: impl FnOnce() -> R + Send + 'static,
    ) -> futures_util::future::BoxFuture<'a, Result<R, Box<dyn std::error::Error + Send + Sync + 'static>>>
    where
        R: Send + 'static,
    {
        std::future::ready(Ok(task())).boxed()
    }

    fn get_runtime() -> Self {
        Inline
    }
}

/// Which database a URL names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn of_url(url: &str) -> Backend {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Backend::Postgres
        } else {
            Backend::Sqlite
        }
    }
}

/// The file path in a `sqlite://path`, `sqlite:path` URL (`:memory:` stays as it is).
pub fn sqlite_path(url: &str) -> &str {
    url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:")).unwrap_or(url)
}

/// How long a writer waits for the database's one write lock before it gives up; the same for
/// SQLite's own busy handler (other processes) and for the write gate (this process).
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// Pragmas every SQLite connection gets, after `busy_timeout` ([`BUSY_TIMEOUT`]), which comes
/// first so that switching the journal mode waits for other connections instead of failing.
const SQLITE_PRAGMAS: &str = "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;";

/// Opens a plain SQLite connection with the pragmas set, creating the file's folder first.
pub fn open_sqlite(path: &str) -> Result<SqliteConnection, DbError> {
    if path != ":memory:"
        && let Some(dir) = Path::new(path).parent().filter(|d| !d.as_os_str().is_empty() && !d.exists())
    {
        std::fs::create_dir_all(dir)
            .map_err(|e| DbError::Connection(format!("cannot create {}: {e}", dir.display())))?;
    }
    let mut conn = SqliteConnection::establish(path).map_err(|e| DbError::Connection(format!("{path}: {e}")))?;
    conn.batch_execute(&format!("PRAGMA busy_timeout = {}; {SQLITE_PRAGMAS}", BUSY_TIMEOUT.as_millis()))?;
    Ok(conn)
}

/// How the delivery queue's PostgreSQL connections ([`DbPool::for_queue`]) are set up; the
/// name shows them apart in `pg_stat_activity`.
const QUEUE_SESSION: &str = "SET synchronous_commit = off; SET application_name = 'buurt delivery queue'";

/// A pool of connections to one database.
#[derive(Clone)]
pub enum DbPool {
    Pg(Pool<AsyncPgConnection>),
    Sqlite(Pool<SqliteConn>, WriteGate),
}

/// SQLite lets one connection write at a time. When a second one tries, SQLite's busy handler
/// puts its thread to sleep, for 1 ms and then longer, while it holds a pooled connection: in a
/// fan-out to 3,000 instances that was 2,000 sleeps and a quarter of both cores idle. Writers of
/// this process queue here instead, without a thread or a connection, and are woken in turn as
/// soon as the one before them is done.
type WriteGate = Arc<tokio::sync::Mutex<()>>;

impl std::fmt::Debug for DbPool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            DbPool::Pg(_) => "DbPool::Pg",
            DbPool::Sqlite(..) => "DbPool::Sqlite",
        })
    }
}

/// A pool of `size` connections with bounded waits.
///
/// Connections are handed out again without a `SELECT 1` first (diesel-async's default checks
/// each one that way): that doubled the statements of a short request, and on SQLite added a
/// hop to a blocking thread to every checkout. A broken one is still never handed out: one in
/// a failed transaction state, and a PostgreSQL connection whose socket the server closed, are
/// dropped when they come back.
fn build<C>(manager: AsyncDieselConnectionManager<C>, size: usize) -> DbResult<Pool<C>>
where
    AsyncDieselConnectionManager<C>: deadpool::managed::Manager,
{
    let timeouts = deadpool::managed::Timeouts {
        wait: Some(Duration::from_secs(30)),
        create: Some(Duration::from_secs(10)),
        recycle: Some(Duration::from_secs(10)),
    };
    Pool::builder(manager)
        .max_size(size)
        .timeouts(timeouts)
        .runtime(deadpool::Runtime::Tokio1)
        .build()
        .map_err(|e| DbError::Pool(e.to_string()))
}

/// A PostgreSQL pool of `size`; each new connection runs `session` (settings) first.
fn pg_pool(url: &str, size: usize, session: Option<&'static str>) -> DbResult<DbPool> {
    let mut config = ManagerConfig::<AsyncPgConnection>::default();
    config.recycling_method = RecyclingMethod::Fast;
    if let Some(session) = session {
        config.custom_setup = Box::new(move |url| {
            let url = url.to_string();
            async move {
                let mut conn = AsyncPgConnection::establish(&url).await?;
                diesel_async::SimpleAsyncConnection::batch_execute(&mut conn, session)
                    .await
                    .map_err(|e| diesel::ConnectionError::BadConnection(e.to_string()))?;
                Ok(conn)
            }
            .boxed()
        });
    }
    Ok(DbPool::Pg(build(AsyncDieselConnectionManager::new_with_config(url, config), size)?))
}

impl DbPool {
    /// Builds a pool for `url`. For SQLite the file's folder is created if needed.
    /// No connection is opened until the first use.
    pub fn new(url: &str, size: usize) -> DbResult<DbPool> {
        match Backend::of_url(url) {
            Backend::Postgres => pg_pool(url, size, None),
            Backend::Sqlite => {
                let mut config = ManagerConfig::<SqliteConn>::default();
                config.recycling_method = RecyclingMethod::Fast;
                config.custom_setup = Box::new(|url| {
                    let url = url.to_string();
                    async move {
                        let conn = tokio::task::spawn_blocking(move || open_sqlite(&url))
                            .await
                            .map_err(|e| diesel::ConnectionError::BadConnection(e.to_string()))?
                            .map_err(|e| diesel::ConnectionError::BadConnection(e.to_string()))?;
                        Ok(SyncConnectionWrapper::with_runtime(conn, Inline))
                    }
                    .boxed()
                });
                let manager = AsyncDieselConnectionManager::new_with_config(sqlite_path(url), config);
                Ok(DbPool::Sqlite(build(manager, size)?, WriteGate::default()))
            }
        }
    }

    /// A pool for the delivery queue's own bookkeeping (claims, leases, sent deliveries), whose
    /// writes may be lost in a crash of the database server without harm: a lost write only
    /// means that a delivery is sent again, which a crash of this process allows anyway.
    ///
    /// On PostgreSQL a pool of its own, of `size` connections that commit without waiting for
    /// the write-ahead log to reach the disk (`synchronous_commit = off`; the server still
    /// writes it within a fraction of a second, and a crash loses only the last commits, never
    /// consistency). A fan-out commits thousands of times: each would otherwise wait for a
    /// flush. The delivery worker's connections are also no longer taken from the pool that
    /// serves requests. On SQLite it is this pool: its writes must queue at the same gate, and
    /// SQLite's commits do not wait for the disk anyway (`synchronous = NORMAL` in WAL mode).
    pub fn for_queue(&self, url: &str, size: usize) -> DbResult<DbPool> {
        match self {
            DbPool::Sqlite(..) => Ok(self.clone()),
            DbPool::Pg(_) => pg_pool(url, size, Some(QUEUE_SESSION)),
        }
    }

    /// A connection for reads. (A single write works on it too, but on SQLite it waits for the
    /// lock in SQLite's busy handler, on the runtime's thread: use [`DbPool::write`].)
    pub async fn get(&self) -> DbResult<DbConn> {
        Ok(match self {
            DbPool::Pg(p) => DbConn::Pg(Box::new(p.get().await.map_err(|e| DbError::Pool(e.to_string()))?)),
            DbPool::Sqlite(p, _) => DbConn::Sqlite(p.get().await.map_err(|e| DbError::Pool(e.to_string()))?),
        })
    }

    /// A connection for writes outside a transaction: on SQLite it waits its turn at the write
    /// gate first. Hold it only for the writes.
    pub async fn write(&self) -> DbResult<WriteConn> {
        let gate = self.enter_gate().await?;
        Ok(WriteConn { conn: self.get().await?, _gate: gate })
    }

    /// On SQLite, waits until no other writer of this process is busy. A writer that waits
    /// longer than SQLite would gets the error SQLite would give.
    async fn enter_gate(&self) -> DbResult<Option<tokio::sync::OwnedMutexGuard<()>>> {
        match self {
            DbPool::Pg(_) => Ok(None),
            DbPool::Sqlite(_, gate) => {
                tokio::time::timeout(BUSY_TIMEOUT, gate.clone().lock_owned()).await.map(Some).map_err(|_| {
                    let waited = BUSY_TIMEOUT.as_secs();
                    DbError::Pool(format!("database is locked: a writer waited {waited} s for its turn"))
                })
            }
        }
    }

    /// Starts a transaction. On SQLite it is `BEGIN IMMEDIATE`, taken after the write gate, so
    /// writers queue up instead of failing when a read lock is upgraded.
    pub async fn begin(&self) -> DbResult<Tx> {
        let gate = self.enter_gate().await?;
        let mut conn = self.get().await?;
        match &mut conn {
            DbConn::Pg(c) => {
                <AsyncPgConnection as AsyncConnection>::TransactionManager::begin_transaction(&mut ***c).await?
            }
            DbConn::Sqlite(c) => {
                c.spawn_blocking(|inner| {
                    diesel::connection::AnsiTransactionManager::begin_transaction_sql(inner, "BEGIN IMMEDIATE")
                })
                .await?
            }
        }
        Ok(Tx { conn: Some(conn), _gate: gate })
    }

    /// Closes every idle connection and refuses new ones.
    pub fn close(&self) {
        match self {
            DbPool::Pg(p) => p.close(),
            DbPool::Sqlite(p, _) => p.close(),
        }
    }
}

/// One pooled connection of either backend.
pub enum DbConn {
    /// Boxed: the PostgreSQL connection is several times larger than SQLite's.
    Pg(Box<Object<AsyncPgConnection>>),
    Sqlite(Object<SqliteConn>),
}

/// A connection for writes; on SQLite this process's other writers wait until it is dropped.
pub struct WriteConn {
    conn: DbConn,
    _gate: Option<tokio::sync::OwnedMutexGuard<()>>,
}

impl std::ops::Deref for WriteConn {
    type Target = DbConn;
    fn deref(&self) -> &DbConn {
        &self.conn
    }
}

impl std::ops::DerefMut for WriteConn {
    fn deref_mut(&mut self) -> &mut DbConn {
        &mut self.conn
    }
}

/// An open transaction. [`Tx::commit`] or [`Tx::rollback`] ends it and gives the connection
/// back to the pool. Dropped without either (an error, a cancelled request), it is rolled back:
/// on SQLite at once, as statements run on the calling thread, and the connection goes back to
/// the pool; on PostgreSQL, where that would need an await, the connection is closed, which
/// ends the transaction on the server. On SQLite it holds the write gate until then.
pub struct Tx {
    conn: Option<DbConn>,
    _gate: Option<tokio::sync::OwnedMutexGuard<()>>,
}

impl Tx {
    pub async fn commit(mut self) -> DbResult<()> {
        let Some(mut conn) = self.conn.take() else {
            return Ok(());
        };
        match &mut conn {
            DbConn::Pg(c) => {
                <AsyncPgConnection as AsyncConnection>::TransactionManager::commit_transaction(&mut ***c).await?
            }
            DbConn::Sqlite(c) => {
                <SqliteConn as AsyncConnection>::TransactionManager::commit_transaction(&mut **c).await?
            }
        }
        Ok(())
    }

    /// Ends the transaction without keeping anything it wrote: for a transaction that found
    /// nothing to do. (Dropping it would do the same, but on PostgreSQL at the price of the
    /// connection: a new one is a new server process.)
    pub async fn rollback(mut self) -> DbResult<()> {
        let Some(mut conn) = self.conn.take() else {
            return Ok(());
        };
        match &mut conn {
            DbConn::Pg(c) => {
                <AsyncPgConnection as AsyncConnection>::TransactionManager::rollback_transaction(&mut ***c).await?
            }
            DbConn::Sqlite(c) => {
                <SqliteConn as AsyncConnection>::TransactionManager::rollback_transaction(&mut **c).await?
            }
        }
        Ok(())
    }
}

impl std::ops::Deref for Tx {
    type Target = DbConn;
    fn deref(&self) -> &DbConn {
        // `conn` is only taken by `commit`, which consumes the Tx.
        self.conn.as_ref().unwrap_or_else(|| unreachable!("transaction used after commit"))
    }
}

impl std::ops::DerefMut for Tx {
    fn deref_mut(&mut self) -> &mut DbConn {
        self.conn.as_mut().unwrap_or_else(|| unreachable!("transaction used after commit"))
    }
}

impl Drop for Tx {
    fn drop(&mut self) {
        match self.conn.take() {
            None => {}
            // The rollback runs inline (see `Inline`), so its future is ready at once. Reopening a
            // SQLite connection instead reads the schema and prepares every statement again.
            Some(DbConn::Sqlite(mut c)) => {
                let rollback = <SqliteConn as AsyncConnection>::TransactionManager::rollback_transaction(&mut *c);
                if !matches!(rollback.now_or_never(), Some(Ok(()))) {
                    drop(Object::take(c));
                }
            }
            // Detached from the pool: the connection closes and the server rolls back.
            Some(DbConn::Pg(c)) => drop(Object::take(*c)),
        }
    }
}

#[cfg(test)]
mod tests {
    use diesel::RunQueryDsl;

    #[derive(diesel::QueryableByName)]
    struct CompileOption {
        #[diesel(sql_type = diesel::sql_types::Text)]
        compile_options: String,
    }

    /// Without the planner stability guarantee, every statement with a bound `LIMIT` is
    /// re-prepared each time it runs (BENCHMARKS.md, round 5): `.cargo/config.toml` must reach
    /// the build of the bundled SQLite.
    #[test]
    fn sqlite_is_built_to_plan_without_looking_at_bound_values() {
        let mut conn = super::open_sqlite(":memory:").unwrap();
        let options: Vec<CompileOption> = diesel::sql_query("PRAGMA compile_options").load(&mut conn).unwrap();
        let options: Vec<String> = options.into_iter().map(|o| o.compile_options).collect();
        assert!(options.iter().any(|o| o == "ENABLE_QPSG"), "{options:?}");
    }
}

#[cfg(test)]
mod gate_tests {
    use diesel_async::RunQueryDsl;

    /// A pool of `size` on a new SQLite file, and the statements run on it.
    async fn pool_with(size: usize, statements: &[&str]) -> (tempfile::TempDir, super::DbPool) {
        let dir = tempfile::tempdir().unwrap();
        let pool = super::DbPool::new(&format!("sqlite://{}/t.sqlite", dir.path().display()), size).unwrap();
        let mut conn = pool.get().await.unwrap();
        for statement in statements {
            crate::dispatch!(&mut conn, c => diesel::sql_query(*statement).execute(c).await).unwrap();
        }
        (dir, pool)
    }

    /// Runs `sql` on `conn`.
    async fn run(conn: &mut crate::db::DbConn, sql: &str) -> diesel::QueryResult<usize> {
        crate::dispatch!(conn, c => diesel::sql_query(sql).execute(c).await)
    }

    /// A transaction holds the write gate until it commits: a writer asking meanwhile waits
    /// without taking a connection (a reader still gets the pool's last one), and afterwards
    /// updates the committed row.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite_writers_take_turns_at_the_gate() {
        let (_dir, pool) = pool_with(2, &["CREATE TABLE t (n INTEGER)"]).await;
        let mut tx = pool.begin().await.unwrap();
        run(&mut tx, "INSERT INTO t VALUES (1)").await.unwrap();
        let writer = {
            let pool = pool.clone();
            tokio::spawn(async move {
                let mut conn = pool.write().await.unwrap();
                run(&mut conn, "UPDATE t SET n = n + 1").await.unwrap()
            })
        };
        // Time for the writer to reach the gate.
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        assert!(!writer.is_finished(), "the second writer waits for the transaction");
        let reader = tokio::time::timeout(std::time::Duration::from_secs(5), pool.get()).await;
        assert!(reader.is_ok(), "the waiting writer holds no connection");
        drop(reader);
        tx.commit().await.unwrap();
        assert_eq!(writer.await.unwrap(), 1, "and then updates the committed row");
        pool.close();
    }

    /// SQLite's statements run on the thread that awaits them, not on a blocking thread.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite_statements_run_on_the_calling_thread() {
        let (_dir, pool) = pool_with(2, &[]).await;
        let mut conn = pool.get().await.unwrap();
        let crate::db::DbConn::Sqlite(c) = &mut conn else { panic!("a SQLite connection") };
        let here = std::thread::current().id();
        let there = c.spawn_blocking(|_| Ok(std::thread::current().id())).await.unwrap();
        assert_eq!(here, there);
    }

    /// A write that did not queue at the gate, made while a transaction that awaits something
    /// else holds SQLite's lock, waits in SQLite's busy handler on its runtime thread, and
    /// completes once the transaction commits on another; readers are not held up meanwhile.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_write_past_the_gate_waits_for_the_open_transaction() {
        let (_dir, pool) = pool_with(4, &["CREATE TABLE t (n INTEGER)", "INSERT INTO t VALUES (1)"]).await;
        let mut tx = pool.begin().await.unwrap();
        run(&mut tx, "UPDATE t SET n = 10").await.unwrap();
        let writer = {
            let pool = pool.clone();
            tokio::spawn(async move { run(&mut pool.get().await.unwrap(), "UPDATE t SET n = n + 1").await })
        };
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        assert!(!writer.is_finished(), "the write waits for SQLite's lock");
        let reader = tokio::spawn({
            let pool = pool.clone();
            async move { run(&mut pool.get().await.unwrap(), "SELECT n FROM t").await }
        });
        assert!(tokio::time::timeout(std::time::Duration::from_secs(5), reader).await.is_ok(), "a reader is served");
        tx.commit().await.unwrap();
        assert_eq!(writer.await.unwrap().unwrap(), 1);
        let mut conn = pool.get().await.unwrap();
        #[derive(diesel::QueryableByName)]
        struct N {
            #[diesel(sql_type = diesel::sql_types::Integer)]
            n: i32,
        }
        let n: N = crate::dispatch!(&mut conn, c => diesel::sql_query("SELECT n FROM t").get_result(c).await).unwrap();
        assert_eq!(n.n, 11, "the waiting write applied after the transaction's");
        pool.close();
    }
}
