//! Embedded migrations for both backends, run at start-up and by `buurt migrate`.

use diesel_async::{AsyncConnection, AsyncMigrationHarness, AsyncPgConnection, RunQueryDsl};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

use super::pool::{Backend, open_sqlite, sqlite_path};
use super::{DbError, DbResult};

const POSTGRES: EmbeddedMigrations = embed_migrations!("migrations/postgres");
const SQLITE: EmbeddedMigrations = embed_migrations!("migrations/sqlite");

/// Key of the PostgreSQL advisory lock that serialises migrations of several processes.
const MIGRATION_LOCK: i64 = 0x6275_7572_745f_6d67; // "buurt_mg"

/// Applies every pending migration and returns the names of those it applied.
///
/// On PostgreSQL an advisory lock makes a second process wait while the first migrates; it then
/// finds nothing left to do. Needs the multi-threaded tokio runtime (the harness blocks in place).
pub async fn run(url: &str) -> DbResult<Vec<String>> {
    match Backend::of_url(url) {
        Backend::Sqlite => {
            let path = sqlite_path(url).to_string();
            tokio::task::spawn_blocking(move || {
                let mut conn = open_sqlite(&path)?;
                let applied = conn.run_pending_migrations(SQLITE).map_err(|e| DbError::Migration(e.to_string()))?;
                Ok(applied.iter().map(ToString::to_string).collect())
            })
            .await
            .map_err(|e| DbError::Migration(e.to_string()))?
        }
        Backend::Postgres => {
            let mut conn = AsyncPgConnection::establish(url).await.map_err(|e| DbError::Connection(e.to_string()))?;
            diesel::sql_query(format!("SELECT pg_advisory_lock({MIGRATION_LOCK})")).execute(&mut conn).await?;
            let mut harness = AsyncMigrationHarness::new(conn);
            let result = harness
                .run_pending_migrations(POSTGRES)
                .map(|applied| applied.iter().map(ToString::to_string).collect())
                .map_err(|e| DbError::Migration(e.to_string()));
            let mut conn = harness.into_inner();
            diesel::sql_query(format!("SELECT pg_advisory_unlock({MIGRATION_LOCK})")).execute(&mut conn).await?;
            result
        }
    }
}
