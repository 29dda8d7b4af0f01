//! The connection pool and its transactions.

use buurt::db::{DbConn, DbPool};
use diesel::sql_types::BigInt;

use crate::both;
use crate::util::*;

#[derive(diesel::QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// Runs a statement on either backend.
pub async fn exec(conn: &mut DbConn, sql: &str) -> Result<usize, diesel::result::Error> {
    match conn {
        DbConn::Pg(c) => diesel_async::RunQueryDsl::execute(diesel::sql_query(sql), &mut ***c).await,
        DbConn::Sqlite(c) => diesel_async::RunQueryDsl::execute(diesel::sql_query(sql), &mut **c).await,
    }
}

/// Rows in `marker`, a temporary table: it exists only on the connection that made it, so an
/// error here means the pool handed out a different connection.
pub async fn marker_rows(pool: &DbPool) -> Result<i64, diesel::result::Error> {
    let query = diesel::sql_query("SELECT count(*) AS n FROM marker");
    let count: Count = match &mut pool.get().await.unwrap() {
        DbConn::Pg(c) => diesel_async::RunQueryDsl::get_result(query, &mut ***c).await?,
        DbConn::Sqlite(c) => diesel_async::RunQueryDsl::get_result(query, &mut **c).await?,
    };
    Ok(count.n)
}

/// Makes `marker` on the pool's (only) connection.
pub async fn mark_connection(pool: &DbPool) {
    exec(&mut pool.get().await.unwrap(), "CREATE TEMP TABLE marker (n INTEGER)").await.unwrap();
}

both!(a_transaction_ended_without_commit_keeps_nothing);

/// A transaction that ends without a commit, by `rollback` or by being dropped (an error, a
/// cancelled request), keeps none of its writes. Rolled back, its connection goes back to the
/// pool; dropped, it does too on SQLite, where the rollback runs at once; on PostgreSQL the
/// connection is closed instead.
async fn a_transaction_ended_without_commit_keeps_nothing(b: Backend) {
    let db = TestDb::new(b).await;
    let pool = DbPool::new(&db.url, 1).unwrap();
    mark_connection(&pool).await;

    let mut tx = pool.begin().await.unwrap();
    exec(&mut tx, "INSERT INTO marker VALUES (1)").await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(marker_rows(&pool).await.unwrap(), 1, "a commit keeps the row");

    let mut tx = pool.begin().await.unwrap();
    exec(&mut tx, "INSERT INTO marker VALUES (2)").await.unwrap();
    tx.rollback().await.unwrap();
    assert_eq!(marker_rows(&pool).await.unwrap(), 1, "rolled back, on the same connection");

    let mut tx = pool.begin().await.unwrap();
    exec(&mut tx, "INSERT INTO marker VALUES (3)").await.unwrap();
    drop(tx);
    match b {
        Backend::Sqlite => assert_eq!(marker_rows(&pool).await.unwrap(), 1, "rolled back, on the same connection"),
        Backend::Postgres => assert!(marker_rows(&pool).await.is_err(), "the connection was closed"),
    }
    pool.close();
}

both!(an_idle_delivery_worker_keeps_its_database_connection);

/// With nothing to send, the delivery worker looks for new activities twice a second and on
/// every wake-up. Each look used to drop its transaction, which closed the connection, and the
/// next checkout opened a new one (on PostgreSQL a new server process): thousands an hour.
async fn an_idle_delivery_worker_keeps_its_database_connection(b: Backend) {
    let app = TestApp::spawn_with(b, |s| s.database.pool_size = 1).await;
    let pool = &app.state.pool;
    mark_connection(pool).await;
    for _ in 0..3 {
        assert_eq!(buurt::delivery::fan_out(&app.state).await.unwrap(), 0);
    }
    // The worker's own looks, every 500 ms.
    tokio::time::sleep(std::time::Duration::from_millis(1200)).await;
    assert_eq!(marker_rows(pool).await.unwrap(), 0, "still the first connection");
    app.stop().await;
}

both!(the_delivery_queue_has_connections_of_its_own_on_postgresql);

/// The delivery queue's pool: on PostgreSQL connections of its own whose commits do not wait
/// for the disk, while the pool that serves requests still waits; on SQLite the same pool, whose
/// writers queue at the same gate as everyone else's.
async fn the_delivery_queue_has_connections_of_its_own_on_postgresql(b: Backend) {
    let db = TestDb::new(b).await;
    let pool = DbPool::new(&db.url, 2).unwrap();
    let queue = pool.for_queue(&db.url, 2).unwrap();
    match b {
        Backend::Postgres => {
            assert_eq!(setting(&pool, "synchronous_commit").await, "on");
            assert_eq!(setting(&queue, "synchronous_commit").await, "off");
            assert_eq!(setting(&queue, "application_name").await, "buurt delivery queue");
            queue.close();
        }
        Backend::Sqlite => {
            let tx = pool.begin().await.unwrap();
            let writer = tokio::spawn(async move { queue.write().await.map(drop) });
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            assert!(!writer.is_finished(), "a queue writer waits for the open transaction");
            tx.commit().await.unwrap();
            writer.await.unwrap().unwrap();
        }
    }
    pool.close();
}

/// A PostgreSQL setting as the pool's connection sees it.
pub async fn setting(pool: &DbPool, name: &str) -> String {
    #[derive(diesel::QueryableByName)]
    struct Setting {
        #[diesel(sql_type = diesel::sql_types::Text)]
        value: String,
    }
    let query = diesel::sql_query("SELECT current_setting($1) AS value").bind::<diesel::sql_types::Text, _>(name);
    let DbConn::Pg(c) = &mut pool.get().await.unwrap() else { panic!("a PostgreSQL pool") };
    let row: Setting = diesel_async::RunQueryDsl::get_result(query, &mut ***c).await.unwrap();
    row.value
}
