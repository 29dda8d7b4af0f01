//! `calendar_feed`: the secret address of a resident's own agenda (only its token's SHA-256).

use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use super::local_user::LocalUserId;
use crate::db::schema::calendar_feed;
use crate::db::{DbConn, DbResult};
use crate::dispatch;

pub struct CalendarFeed;

impl CalendarFeed {
    /// Sets the person's feed token (replacing, and so revoking, an earlier one).
    pub async fn set(
        conn: &mut DbConn,
        user: LocalUserId,
        token_hash: &str,
        at: chrono::NaiveDateTime,
    ) -> DbResult<()> {
        dispatch!(conn, c => {
            diesel::delete(calendar_feed::table.find(user)).execute(c).await?;
            diesel::insert_into(calendar_feed::table)
                .values((
                    calendar_feed::local_user_id.eq(user),
                    calendar_feed::token_hash.eq(token_hash),
                    calendar_feed::created_at.eq(at),
                ))
                .execute(c)
                .await
        })?;
        Ok(())
    }

    /// Whether the person has a feed address.
    pub async fn exists(conn: &mut DbConn, user: LocalUserId) -> DbResult<bool> {
        let n: i64 = dispatch!(conn, c => calendar_feed::table.find(user).count().get_result(c).await)?;
        Ok(n > 0)
    }

    /// Whose feed a token hash opens.
    pub async fn owner(conn: &mut DbConn, token_hash: &str) -> DbResult<Option<LocalUserId>> {
        dispatch!(conn, c => calendar_feed::table
            .filter(calendar_feed::token_hash.eq(token_hash))
            .select(calendar_feed::local_user_id)
            .first(c)
            .await
            .optional())
        .map_err(Into::into)
    }
}
