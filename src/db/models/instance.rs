//! Other servers, one row per host.

use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use crate::db::schema::instance;
use crate::db::{DbConn, DbResult, now};
use crate::dispatch;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = instance)]
pub struct Instance {
    pub id: i64,
    pub domain: String,
    pub software: Option<String>,
    pub version: Option<String>,
    pub created_at: chrono::NaiveDateTime,
    pub updated_at: chrono::NaiveDateTime,
}

impl Instance {
    /// The row for `domain` (host, with port when not the default), made when first seen.
    pub async fn get_or_create(conn: &mut DbConn, domain: &str) -> DbResult<Instance> {
        let t = now();
        let row = (instance::domain.eq(domain), instance::created_at.eq(t), instance::updated_at.eq(t));
        dispatch!(conn, c => {
            diesel::insert_into(instance::table).values(row).on_conflict(instance::domain).do_nothing().execute(c).await?;
            instance::table.filter(instance::domain.eq(domain)).select(Instance::as_select()).first(c).await
        })
        .map_err(Into::into)
    }

    /// What a server runs, as its NodeInfo says.
    pub async fn set_software(conn: &mut DbConn, domain: &str, software: &str, version: Option<&str>) -> DbResult<()> {
        let form = (instance::software.eq(software), instance::version.eq(version), instance::updated_at.eq(now()));
        dispatch!(conn, c => diesel::update(instance::table.filter(instance::domain.eq(domain))).set(form).execute(c).await)?;
        Ok(())
    }

    /// How many other servers we know (NodeInfo and the instance API report it).
    pub async fn count(conn: &mut DbConn) -> DbResult<i64> {
        dispatch!(conn, c => instance::table.count().get_result(c).await).map_err(Into::into)
    }
}
