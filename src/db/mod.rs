//! The database: one pool type over SQLite or PostgreSQL, migrations, schema, and every query.
//!
//! Queries are written once in the diesel DSL inside [`dispatch!`], which compiles the body for
//! each backend. Backend-specific SQL goes in a `match` on [`DbConn`] in the model that needs it.

pub mod backup;
pub mod erasure;
pub mod migrate;
pub mod models;
pub mod pool;
pub mod schema;
pub mod views;

pub use pool::{DbConn, DbPool, Tx, WriteConn};

/// Runs `$body` with `$c` bound to the backend connection inside a [`DbConn`].
///
/// ```ignore
/// dispatch!(conn, c => users::table.count().get_result::<i64>(c).await)
/// ```
#[macro_export]
macro_rules! dispatch {
    ($conn:expr, $c:ident => $body:expr) => {
        match $conn {
            $crate::db::DbConn::Pg(obj) => {
                let $c: &mut ::diesel_async::AsyncPgConnection = &mut *obj;
                $body
            }
            $crate::db::DbConn::Sqlite(obj) => {
                let $c: &mut $crate::db::pool::SqliteConn = &mut *obj;
                $body
            }
        }
    };
}

/// What can go wrong talking to the database.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// A unique constraint was violated; carries the constraint or column text from the backend.
    #[error("already exists: {0}")]
    Conflict(String),
    #[error("not found")]
    NotFound,
    #[error("database: {0}")]
    Query(diesel::result::Error),
    #[error("database pool: {0}")]
    Pool(String),
    #[error("database connection: {0}")]
    Connection(String),
    #[error("migration: {0}")]
    Migration(String),
}

impl From<diesel::result::Error> for DbError {
    fn from(e: diesel::result::Error) -> Self {
        use diesel::result::{DatabaseErrorKind, Error};
        match e {
            Error::NotFound => DbError::NotFound,
            Error::DatabaseError(DatabaseErrorKind::UniqueViolation, info) => {
                DbError::Conflict(info.constraint_name().unwrap_or(info.message()).to_string())
            }
            other => DbError::Query(other),
        }
    }
}

pub type DbResult<T> = Result<T, DbError>;

diesel::define_sql_function! {
    /// SQL's `lower`, for searching names without regard to case on both backends.
    fn lower(x: diesel::sql_types::Text) -> diesel::sql_types::Text;
}

/// A search text as a `LIKE` pattern that finds it anywhere, lowercase, without the pattern's
/// own wildcards; `None` when nothing is left to search for.
pub fn contains_pattern(search: &str) -> Option<String> {
    let s = search.trim().to_lowercase().replace(['%', '_', '\\'], "");
    (!s.is_empty()).then(|| format!("%{s}%"))
}

/// Current time as stored: naive UTC with millisecond precision (both backends keep it exactly).
pub fn now() -> chrono::NaiveDateTime {
    let now = chrono::Utc::now().naive_utc();
    chrono::DurationRound::duration_trunc(now, chrono::TimeDelta::milliseconds(1)).unwrap_or(now)
}
