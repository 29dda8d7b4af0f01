//! `[database]`: the SQLite file or PostgreSQL server.

use serde::{Deserialize, Serialize};

/// The database: SQLite file or PostgreSQL server.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DatabaseSettings {
    /// `sqlite://path/to/file.sqlite` (relative to the working directory) or `postgres://…`.
    pub url: String,
    /// Connections kept open at most.
    pub pool_size: usize,
}

impl Default for DatabaseSettings {
    fn default() -> Self {
        Self { url: "sqlite://data/buurt.sqlite".into(), pool_size: 8 }
    }
}
