//! The one integration-test binary: every test starts the real router on a fresh database, and
//! every database test runs on SQLite and on PostgreSQL.

#![allow(clippy::unwrap_used, clippy::expect_used)]
// The axe crawl lists every page type in one `json!`.
#![recursion_limit = "512"]

mod util;

mod account_mail;
mod accounts;
mod admin;
mod admin_pages;
mod api;
mod api_buurt;
mod api_forms;
mod api_notifications;
mod backup;
mod blocks;
mod browser;
mod config;
mod database;
mod defederation;
mod delivery;
mod digests;
mod discovery;
mod discussions;
mod events;
mod federation;
mod group_federation;
mod group_interop;
mod groups;
mod inbox;
mod jobs;
mod layering;
mod limits;
mod mail;
mod maps;
mod media;
mod moderation;
mod modules;
mod neighbourhoods;
mod notifications;
mod organisations;
mod pages;
mod privacy;
mod profiles;
mod protocol;
mod push;
mod reports;
mod schema;
mod signatures;
mod smtp;
mod startup;
mod threads;
mod visibility;

/// Every row of the job queue but the digest scheduler's own job (always queued).
pub async fn jobs_table(app: &util::TestApp) -> Vec<buurt::db::models::job::Job> {
    use diesel::prelude::*;
    use diesel_async::RunQueryDsl;
    let mut conn = app.state.pool.get().await.unwrap();
    buurt::dispatch!(&mut conn, c => buurt::db::schema::job::table
        .filter(buurt::db::schema::job::kind.ne(buurt::domain::notifications::digest::SCHEDULE_JOB))
        .select(buurt::db::models::job::Job::as_select())
        .load(c)
        .await)
    .unwrap()
}
