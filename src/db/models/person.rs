//! Persons: local residents and (later) remote actors.

use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use diesel_derive_newtype::DieselNewType;

use crate::db::schema::person;
use crate::db::{DbConn, DbResult};
use crate::dispatch;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, DieselNewType, serde::Serialize, serde::Deserialize)]
pub struct PersonId(pub i64);

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = person)]
pub struct Person {
    pub id: PersonId,
    pub username: String,
    pub display_name: String,
    pub summary: String,
    pub ap_id: String,
    pub local: bool,
    pub public_key: Option<String>,
    pub private_key: Option<String>,
    pub created_at: chrono::NaiveDateTime,
    pub updated_at: chrono::NaiveDateTime,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = person)]
pub struct PersonInsert<'a> {
    pub username: &'a str,
    pub display_name: &'a str,
    pub summary: &'a str,
    pub ap_id: &'a str,
    pub local: bool,
    pub created_at: chrono::NaiveDateTime,
    pub updated_at: chrono::NaiveDateTime,
}

#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = person)]
pub struct PersonUpdate<'a> {
    pub display_name: Option<&'a str>,
    pub summary: Option<&'a str>,
    pub updated_at: Option<chrono::NaiveDateTime>,
}

impl Person {
    pub async fn insert(conn: &mut DbConn, form: &PersonInsert<'_>) -> DbResult<Person> {
        dispatch!(conn, c => diesel::insert_into(person::table).values(form).returning(Person::as_returning()).get_result(c).await)
            .map_err(Into::into)
    }

    pub async fn update(conn: &mut DbConn, id: PersonId, form: &PersonUpdate<'_>) -> DbResult<()> {
        dispatch!(conn, c => diesel::update(person::table.find(id)).set(form).execute(c).await)?;
        Ok(())
    }

    pub async fn count_local(conn: &mut DbConn) -> DbResult<i64> {
        dispatch!(conn, c => person::table.filter(person::local.eq(true)).count().get_result(c).await)
            .map_err(Into::into)
    }
}

impl Person {
    pub async fn delete(conn: &mut DbConn, id: PersonId) -> DbResult<()> {
        dispatch!(conn, c => diesel::delete(person::table.find(id)).execute(c).await)?;
        Ok(())
    }
}
