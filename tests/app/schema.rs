//! Both migration trees produce the same schema, and it is the one `src/db/schema.rs` declares.

use std::collections::BTreeMap;

use diesel::QueryableByName;
use diesel::sql_types::{BigInt, Text};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};

use crate::util::{Backend, TestDb};

/// table → column → (type, nullable)
type Columns = BTreeMap<String, BTreeMap<String, (String, bool)>>;
/// (table, columns, unique)
type Indexes = Vec<(String, Vec<String>, bool)>;

#[derive(QueryableByName)]
struct PgColumn {
    #[diesel(sql_type = Text)]
    table_name: String,
    #[diesel(sql_type = Text)]
    column_name: String,
    #[diesel(sql_type = Text)]
    data_type: String,
    #[diesel(sql_type = Text)]
    is_nullable: String,
}

#[derive(QueryableByName)]
struct PgIndex {
    #[diesel(sql_type = Text)]
    tablename: String,
    #[diesel(sql_type = Text)]
    indexname: String,
    #[diesel(sql_type = Text)]
    indexdef: String,
}

#[derive(QueryableByName)]
struct SqliteColumn {
    #[diesel(sql_type = Text)]
    table_name: String,
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = Text)]
    type_: String,
    #[diesel(sql_type = BigInt)]
    not_null: i64,
    #[diesel(sql_type = BigInt)]
    pk: i64,
}

#[derive(QueryableByName)]
struct SqliteIndex {
    #[diesel(sql_type = Text)]
    table_name: String,
    #[diesel(sql_type = Text)]
    index_name: String,
    #[diesel(sql_type = BigInt)]
    is_unique: i64,
    #[diesel(sql_type = Text)]
    column_name: String,
}

fn pg_type(t: &str) -> String {
    match t {
        "bigint" => "BigInt",
        "integer" => "Integer",
        "text" => "Text",
        "boolean" => "Bool",
        "timestamp without time zone" => "Timestamp",
        "double precision" => "Double",
        other => other,
    }
    .to_string()
}

fn sqlite_type(t: &str, pk: bool) -> String {
    match t.to_ascii_uppercase().as_str() {
        // `INTEGER PRIMARY KEY` is SQLite's 64-bit rowid.
        "INTEGER" if pk => "BigInt",
        "BIGINT" => "BigInt",
        "INTEGER" => "Integer",
        "TEXT" => "Text",
        "BOOLEAN" => "Bool",
        "TIMESTAMP" => "Timestamp",
        "DOUBLE PRECISION" => "Double",
        other => return other.to_string(),
    }
    .to_string()
}

async fn postgres_schema(url: &str) -> (Columns, Indexes) {
    let mut conn = AsyncPgConnection::establish(url).await.unwrap();
    let rows: Vec<PgColumn> = diesel::sql_query(
        "SELECT table_name::text, column_name::text, data_type::text, is_nullable::text FROM information_schema.columns \
         WHERE table_schema = 'public' AND table_name <> '__diesel_schema_migrations' ORDER BY table_name, ordinal_position",
    )
    .load(&mut conn)
    .await
    .unwrap();
    let mut columns = Columns::new();
    for r in rows {
        columns.entry(r.table_name).or_default().insert(r.column_name, (pg_type(&r.data_type), r.is_nullable == "YES"));
    }
    let rows: Vec<PgIndex> = diesel::sql_query(
        "SELECT tablename::text, indexname::text, indexdef::text FROM pg_indexes WHERE schemaname = 'public' \
         AND tablename <> '__diesel_schema_migrations'",
    )
    .load(&mut conn)
    .await
    .unwrap();
    let mut indexes: Indexes = rows
        .into_iter()
        .filter(|r| !r.indexname.ends_with("_pkey"))
        .map(|r| {
            // A partial index's definition ends with its `WHERE (…)`: the columns come before.
            let def = r.indexdef.split(" WHERE ").next().unwrap();
            let inner = def.rsplit_once('(').unwrap().1.trim_end_matches(')');
            let cols = inner.split(',').map(|c| c.trim().to_string()).collect();
            (r.tablename, cols, r.indexdef.starts_with("CREATE UNIQUE"))
        })
        .collect();
    indexes.sort();
    (columns, indexes)
}

async fn sqlite_schema(url: &str) -> (Columns, Indexes) {
    let pool = buurt::db::DbPool::new(url, 1).unwrap();
    let buurt::db::DbConn::Sqlite(mut conn) = pool.get().await.unwrap() else { panic!("sqlite") };
    let rows: Vec<SqliteColumn> = diesel::sql_query(
        "SELECT m.name AS table_name, p.name AS name, p.type AS type_, p.\"notnull\" AS not_null, p.pk AS pk \
         FROM sqlite_master m JOIN pragma_table_info(m.name) p \
         WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name <> '__diesel_schema_migrations' \
         ORDER BY m.name, p.cid",
    )
    .load(&mut *conn)
    .await
    .unwrap();
    let mut columns = Columns::new();
    for r in rows {
        let pk = r.pk > 0;
        columns.entry(r.table_name).or_default().insert(r.name, (sqlite_type(&r.type_, pk), r.not_null == 0 && !pk));
    }
    let rows: Vec<SqliteIndex> = diesel::sql_query(
        "SELECT m.name AS table_name, l.name AS index_name, l.\"unique\" AS is_unique, i.name AS column_name \
         FROM sqlite_master m JOIN pragma_index_list(m.name) l JOIN pragma_index_info(l.name) i \
         WHERE m.type = 'table' AND m.name <> '__diesel_schema_migrations' AND l.origin <> 'pk' \
         ORDER BY m.name, l.name, i.seqno",
    )
    .load(&mut *conn)
    .await
    .unwrap();
    let mut grouped: BTreeMap<(String, String), (Vec<String>, bool)> = BTreeMap::new();
    for r in rows {
        let entry = grouped.entry((r.table_name, r.index_name)).or_insert((Vec::new(), r.is_unique == 1));
        entry.0.push(r.column_name);
    }
    let mut indexes: Indexes = grouped.into_iter().map(|((t, _), (cols, unique))| (t, cols, unique)).collect();
    indexes.sort();
    (columns, indexes)
}

/// The tables and columns `src/db/schema.rs` declares.
fn declared_schema() -> Columns {
    let text = include_str!("../../src/db/schema.rs");
    let mut columns = Columns::new();
    for block in text.split("diesel::table! {").skip(1) {
        let body = block.split("\n}").next().unwrap();
        let mut lines = body.lines().map(str::trim).filter(|l| !l.is_empty());
        let header = lines.next().unwrap();
        let table = header.split_whitespace().next().unwrap().to_string();
        for line in lines {
            let Some((name, ty)) = line.trim_end_matches(',').split_once("->") else { continue };
            let ty = ty.trim();
            let (ty, nullable) = match ty.strip_prefix("Nullable<") {
                Some(inner) => (inner.trim_end_matches('>'), true),
                None => (ty, false),
            };
            columns.entry(table.clone()).or_default().insert(name.trim().to_string(), (ty.to_string(), nullable));
        }
    }
    columns
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn both_backends_produce_the_same_schema_as_declared() {
    let pg = TestDb::new(Backend::Postgres).await;
    let lite = TestDb::new(Backend::Sqlite).await;
    buurt::db::migrate::run(&pg.url).await.unwrap();
    buurt::db::migrate::run(&lite.url).await.unwrap();
    let (pg_columns, pg_indexes) = postgres_schema(&pg.url).await;
    let (lite_columns, lite_indexes) = sqlite_schema(&lite.url).await;
    assert!(!pg_columns.is_empty());
    assert_eq!(pg_columns, lite_columns, "columns differ between migrations/postgres and migrations/sqlite");
    assert_eq!(pg_indexes, lite_indexes, "indexes differ between migrations/postgres and migrations/sqlite");
    assert_eq!(pg_columns, declared_schema(), "src/db/schema.rs differs from the migrations");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn migrations_of_both_trees_have_the_same_names() {
    let names = |dir: &str| {
        let mut v: Vec<String> = std::fs::read_dir(format!("{}/migrations/{dir}", env!("CARGO_MANIFEST_DIR")))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    };
    assert_eq!(names("postgres"), names("sqlite"));
}
