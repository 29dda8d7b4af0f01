//! The one integration-test binary: every test starts the real router on a fresh database, and
//! every database test runs on SQLite and on PostgreSQL.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod util;

mod accounts;
mod admin;
mod api;
mod api_buurt;
mod api_forms;
mod backup;
mod browser;
mod config;
mod database;
mod delivery;
mod discovery;
mod federation;
mod inbox;
mod layering;
mod limits;
mod maps;
mod media;
mod modules;
mod notifications;
mod pages;
mod protocol;
mod schema;
mod signatures;
mod startup;
mod visibility;
