//! `remote_actor_block`: remote actors staff blocked for the whole instance.

use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use super::actor::{Actor, ActorId};
use crate::db::schema::{actor, follow, remote_actor_block};
use crate::db::{DbConn, DbResult, now};
use crate::dispatch;

/// A blocked remote actor with why.
#[derive(Debug, Clone)]
pub struct RemoteActorBlock {
    pub actor: Actor,
    pub comment: String,
    pub created_at: chrono::NaiveDateTime,
}

/// Adds a block (or updates its comment); removes the follows between the actor and anyone.
pub async fn block(conn: &mut DbConn, actor_id: ActorId, comment: &str, by: Option<ActorId>) -> DbResult<()> {
    let row = (
        remote_actor_block::actor_id.eq(actor_id.0),
        remote_actor_block::comment.eq(comment),
        remote_actor_block::created_by.eq(by.map(|a| a.0)),
        remote_actor_block::created_at.eq(now()),
    );
    dispatch!(conn, c => diesel::insert_into(remote_actor_block::table)
        .values(row)
        .on_conflict(remote_actor_block::actor_id)
        .do_update()
        .set(remote_actor_block::comment.eq(comment))
        .execute(c)
        .await)?;
    dispatch!(conn, c => diesel::delete(
        follow::table.filter(follow::follower_id.eq(actor_id).or(follow::target_id.eq(actor_id))),
    )
    .execute(c)
    .await)?;
    Ok(())
}

/// Lifts a block; whether there was one.
pub async fn unblock(conn: &mut DbConn, actor_id: ActorId) -> DbResult<bool> {
    let n = dispatch!(conn, c => diesel::delete(remote_actor_block::table.find(actor_id.0)).execute(c).await)?;
    Ok(n > 0)
}

/// Every block with its actor, newest first.
pub async fn all(conn: &mut DbConn) -> DbResult<Vec<RemoteActorBlock>> {
    let rows: Vec<(Actor, String, chrono::NaiveDateTime)> = dispatch!(conn, c => remote_actor_block::table
        .inner_join(actor::table.on(actor::id.eq(remote_actor_block::actor_id)))
        .order(remote_actor_block::created_at.desc())
        .select((Actor::as_select(), remote_actor_block::comment, remote_actor_block::created_at))
        .load(c)
        .await)?;
    Ok(rows.into_iter().map(|(actor, comment, created_at)| RemoteActorBlock { actor, comment, created_at }).collect())
}

/// Whether `actor` is blocked.
pub async fn is_blocked(conn: &mut DbConn, actor_id: ActorId) -> DbResult<bool> {
    let n: i64 = dispatch!(conn, c => remote_actor_block::table
        .filter(remote_actor_block::actor_id.eq(actor_id.0))
        .count()
        .get_result(c)
        .await)?;
    Ok(n > 0)
}
