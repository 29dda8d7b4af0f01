//! The instance's own row: its secret, the key pair of its `Application` actor and its VAPID
//! key for web push.

use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use crate::db::schema::site;
use crate::db::{DbConn, DbResult};
use crate::dispatch;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = site)]
pub struct Site {
    pub id: i64,
    /// Key for HMACs the instance makes (CSRF tokens). Never leaves the server.
    pub secret: String,
    pub public_key: String,
    pub private_key: String,
    pub created_at: chrono::NaiveDateTime,
    /// The VAPID private key (P-256, base64url), made at the first start of a version with push.
    pub vapid_private_key: Option<String>,
}

/// The site row always has this id.
pub const SITE_ID: i64 = 1;

impl Site {
    pub async fn get(conn: &mut DbConn) -> DbResult<Option<Site>> {
        dispatch!(conn, c => site::table.find(SITE_ID).select(Site::as_select()).first(c).await.optional())
            .map_err(Into::into)
    }

    /// Inserts `new` unless a site row exists, and returns the row that is stored: when two
    /// processes start at once, both end up with the same keys.
    pub async fn insert_or_get(conn: &mut DbConn, new: &Site) -> DbResult<Site> {
        dispatch!(conn, c => {
            diesel::insert_into(site::table).values(new).on_conflict_do_nothing().execute(c).await?;
            site::table.find(SITE_ID).select(Site::as_select()).first(c).await
        })
        .map_err(Into::into)
    }

    /// Stores a VAPID key unless one is stored, and returns the stored one: when two processes
    /// start at once, both end up with the same key.
    pub async fn set_vapid_if_missing(conn: &mut DbConn, key: &str) -> DbResult<Option<String>> {
        dispatch!(conn, c => {
            diesel::update(site::table.find(SITE_ID).filter(site::vapid_private_key.is_null()))
                .set(site::vapid_private_key.eq(key))
                .execute(c)
                .await?;
            site::table.find(SITE_ID).select(site::vapid_private_key).first(c).await
        })
        .map_err(Into::into)
    }
}
