//! Each actor's counts of posts and follows (`actor_count`), kept by database triggers in the
//! transaction that changes the counted rows (migration 000005), so reading them costs one row
//! instead of counting every post or follow. An actor without a row has counted nothing yet.

use std::collections::HashMap;

use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use super::actor::ActorId;
use crate::db::schema::{actor, actor_count};
use crate::db::{DbConn, DbResult};
use crate::dispatch;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = actor_count)]
pub struct ActorCount {
    /// Public and unlisted posts, not deleted: what profiles, the outbox and `statuses_count` show.
    pub posts: i64,
    /// Posts of any visibility, not deleted: NodeInfo's local posts.
    pub all_posts: i64,
    /// Accepted follows of this actor.
    pub followers: i64,
    /// Accepted follows by this actor.
    pub following: i64,
}

impl ActorCount {
    /// The counts of `actor` (zeros when it has none).
    pub async fn of(conn: &mut DbConn, actor: ActorId) -> DbResult<ActorCount> {
        let row: Option<ActorCount> = dispatch!(conn, c => actor_count::table
            .find(actor)
            .select(ActorCount::as_select())
            .first(c)
            .await
            .optional())?;
        Ok(row.unwrap_or_default())
    }

    /// The counts of each of `actors`, in one query (absent: zeros).
    pub async fn of_each(conn: &mut DbConn, actors: &[ActorId]) -> DbResult<HashMap<ActorId, ActorCount>> {
        let rows: Vec<(ActorId, ActorCount)> = dispatch!(conn, c => actor_count::table
            .filter(actor_count::actor_id.eq_any(actors))
            .select((actor_count::actor_id, ActorCount::as_select()))
            .load(c)
            .await)?;
        Ok(rows.into_iter().collect())
    }

    /// Local posts of any visibility, not deleted: the sum over the local actors.
    pub async fn local_posts(conn: &mut DbConn) -> DbResult<i64> {
        // From the (few) local actors to their counts: every remote follower has a row too.
        let counts: Vec<i64> = dispatch!(conn, c => actor::table
            .inner_join(actor_count::table)
            .filter(actor::local.eq(true))
            .select(actor_count::all_posts)
            .load(c)
            .await)?;
        Ok(counts.into_iter().sum())
    }
}
