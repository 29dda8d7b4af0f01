//! An online copy of a SQLite database (`buurt admin backup`); PostgreSQL is backed up with its
//! own tools (`pg_dump`, docs/operating.md).

use std::path::{Path, PathBuf};

use diesel::RunQueryDsl;

use super::pool::{Backend, sqlite_path};
use super::{DbConn, DbError, DbPool};

/// Why no backup was made. Nothing was written in any of these cases.
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error(
        "`buurt admin backup` copies SQLite databases, and this instance uses PostgreSQL: back it up \
         with pg_dump, e.g. `pg_dump --format=custom --file=buurt.dump \"$DATABASE_URL\"`, and restore \
         it with pg_restore (docs/operating.md, \"Backup and restore\")"
    )]
    Postgres,
    #[error("there is no database at {0}")]
    NoDatabase(String),
    #[error("{0} already exists: a backup never overwrites a file; choose a new name")]
    Exists(PathBuf),
    #[error("cannot write a backup to {path}: {reason}")]
    Unwritable { path: PathBuf, reason: String },
    #[error("the copy did not pass SQLite's check: {0}")]
    Damaged(String),
    #[error(transparent)]
    Db(#[from] DbError),
}

/// Copies the database at `url` to the new file `target` while the server keeps running.
///
/// `VACUUM INTO` reads one consistent snapshot (in WAL mode writers go on meanwhile) and writes
/// it compacted. It writes to a hidden file beside `target`, which is checked, synced and only
/// then linked to `target`: an interrupted backup leaves no file that looks complete, and a file
/// made at `target` in the meantime is not overwritten.
pub async fn backup_sqlite(url: &str, target: &Path) -> Result<(), BackupError> {
    if Backend::of_url(url) == Backend::Postgres {
        return Err(BackupError::Postgres);
    }
    let source = sqlite_path(url);
    if source == ":memory:" || !Path::new(source).is_file() {
        return Err(BackupError::NoDatabase(source.to_string()));
    }
    if target.exists() {
        return Err(BackupError::Exists(target.to_path_buf()));
    }
    let unwritable = |reason: String| BackupError::Unwritable { path: target.to_path_buf(), reason };
    let name = target.file_name().ok_or_else(|| unwritable("it names no file".into()))?;
    let dir = match target.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    if !dir.is_dir() {
        return Err(unwritable(format!("{} is not a folder", dir.display())));
    }
    let mut partial_name = std::ffi::OsString::from(".");
    partial_name.push(name);
    partial_name.push(format!(".partial-{}", std::process::id()));
    let partial = dir.join(partial_name);
    // Made empty first (VACUUM INTO takes an empty file): this is where an unwritable folder shows.
    std::fs::OpenOptions::new().write(true).create_new(true).open(&partial).map_err(|e| unwritable(e.to_string()))?;
    let made = async {
        let partial_text = partial.to_str().ok_or_else(|| unwritable("the path is not valid UTF-8".into()))?;
        // One connection of its own: no migrations, no instance set-up (a backup before an
        // upgrade must copy the database as the old version left it).
        let pool = DbPool::new(url, 1)?;
        let copied = async {
            let mut conn = pool.write().await?;
            let DbConn::Sqlite(c) = &mut *conn else {
                return Err(BackupError::Postgres);
            };
            let into = partial_text.to_string();
            c.spawn_blocking(move |inner| {
                diesel::sql_query("VACUUM INTO ?").bind::<diesel::sql_types::Text, _>(&into).execute(inner)
            })
            .await
            .map_err(DbError::from)?;
            Ok(())
        };
        let copied = copied.await;
        pool.close();
        copied?;
        check(partial_text)?;
        std::fs::File::open(&partial).and_then(|f| f.sync_all()).map_err(|e| unwritable(e.to_string()))?;
        link(&partial, target).map_err(|e| match e.kind() {
            std::io::ErrorKind::AlreadyExists => BackupError::Exists(target.to_path_buf()),
            _ => unwritable(e.to_string()),
        })
    };
    let result = made.await;
    let _ = std::fs::remove_file(&partial);
    result
}

/// `PRAGMA quick_check` on the copy: a backup nobody can open is worse than none.
fn check(path: &str) -> Result<(), BackupError> {
    #[derive(diesel::QueryableByName)]
    struct Line {
        #[diesel(sql_type = diesel::sql_types::Text)]
        quick_check: String,
    }
    // A plain connection: the pragmas of `open_sqlite` would switch the copy to WAL.
    let mut conn = <diesel::SqliteConnection as diesel::Connection>::establish(path)
        .map_err(|e| DbError::Connection(format!("{path}: {e}")))?;
    let lines: Vec<Line> = diesel::sql_query("PRAGMA quick_check").load(&mut conn).map_err(DbError::from)?;
    match lines.first() {
        Some(line) if line.quick_check == "ok" => Ok(()),
        Some(line) => Err(BackupError::Damaged(line.quick_check.clone())),
        None => Err(BackupError::Damaged("no answer".into())),
    }
}

/// Gives the finished copy its name without replacing a file of that name. A hard link does
/// that in one step; where links are not supported, a rename after one more look.
fn link(partial: &Path, target: &Path) -> std::io::Result<()> {
    match std::fs::hard_link(partial, target) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Err(e),
        Err(_) if target.exists() => Err(std::io::ErrorKind::AlreadyExists.into()),
        Err(_) => std::fs::rename(partial, target),
    }
}
