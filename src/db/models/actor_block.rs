//! `actor_block`: one actor blocks another — a resident here blocking a person or a group, or a
//! remote actor's `Block` of one of our people. Who sees what because of it is decided by
//! `domain::visibility`; the lists' SQL form of that is in `db::views::screen`.

use std::collections::HashSet;

use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use super::actor::{Actor, ActorId};
use crate::db::schema::{actor, actor_block};
use crate::db::{DbConn, DbResult, now};
use crate::dispatch;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = actor_block)]
pub struct ActorBlock {
    pub id: i64,
    pub actor_id: ActorId,
    pub target_id: ActorId,
    /// The Block's id as sent or received: its Undo names it.
    pub ap_id: String,
    pub created_at: chrono::NaiveDateTime,
}

/// A page of a list by row id, Mastodon's cursors: `max_id` and `since_id` exclusive,
/// `min_id` the rows right after it (returned newest first all the same).
#[derive(Debug, Clone, Copy, Default)]
pub struct IdPage {
    pub max_id: Option<i64>,
    pub since_id: Option<i64>,
    pub min_id: Option<i64>,
    pub limit: i64,
}

impl IdPage {
    pub fn ascending(&self) -> bool {
        self.min_id.is_some()
    }
    /// The exclusive lower bound.
    pub fn lower(&self) -> i64 {
        self.since_id.unwrap_or(0).max(self.min_id.unwrap_or(0))
    }
    /// The exclusive upper bound.
    pub fn upper(&self) -> i64 {
        self.max_id.unwrap_or(i64::MAX)
    }
}

impl ActorBlock {
    /// Records that `actor` blocks `target`; the block as stored (an existing one is kept).
    pub async fn insert(conn: &mut DbConn, actor: ActorId, target: ActorId, ap_id: &str) -> DbResult<ActorBlock> {
        let row = (
            actor_block::actor_id.eq(actor),
            actor_block::target_id.eq(target),
            actor_block::ap_id.eq(ap_id),
            actor_block::created_at.eq(now()),
        );
        dispatch!(conn, c => diesel::insert_into(actor_block::table)
            .values(row)
            .on_conflict((actor_block::actor_id, actor_block::target_id))
            .do_nothing()
            .execute(c)
            .await)?;
        Self::find(conn, actor, target).await?.ok_or(crate::db::DbError::NotFound)
    }

    pub async fn find(conn: &mut DbConn, actor: ActorId, target: ActorId) -> DbResult<Option<ActorBlock>> {
        dispatch!(conn, c => actor_block::table
            .filter(actor_block::actor_id.eq(actor))
            .filter(actor_block::target_id.eq(target))
            .select(ActorBlock::as_select())
            .first(c)
            .await
            .optional())
        .map_err(Into::into)
    }

    pub async fn by_ap_id(conn: &mut DbConn, ap_id: &str) -> DbResult<Option<ActorBlock>> {
        dispatch!(conn, c => actor_block::table
            .filter(actor_block::ap_id.eq(ap_id))
            .select(ActorBlock::as_select())
            .first(c)
            .await
            .optional())
        .map_err(Into::into)
    }

    /// Removes the block of `target` by `actor`; the block when there was one.
    pub async fn delete(conn: &mut DbConn, actor: ActorId, target: ActorId) -> DbResult<Option<ActorBlock>> {
        dispatch!(conn, c => diesel::delete(
            actor_block::table.filter(actor_block::actor_id.eq(actor)).filter(actor_block::target_id.eq(target)),
        )
        .returning(ActorBlock::as_returning())
        .get_result(c)
        .await
        .optional())
        .map_err(Into::into)
    }

    /// Whether either of the two blocks the other.
    pub async fn between(conn: &mut DbConn, a: ActorId, b: ActorId) -> DbResult<bool> {
        let n: i64 = dispatch!(conn, c => actor_block::table
            .filter(
                actor_block::actor_id.eq(a).and(actor_block::target_id.eq(b))
                    .or(actor_block::actor_id.eq(b).and(actor_block::target_id.eq(a))),
            )
            .count()
            .get_result(c)
            .await)?;
        Ok(n > 0)
    }

    /// Of `others`, those `me` blocks and those who block `me`, in one query each.
    pub async fn among(
        conn: &mut DbConn,
        me: ActorId,
        others: &[ActorId],
    ) -> DbResult<(HashSet<ActorId>, HashSet<ActorId>)> {
        if others.is_empty() {
            return Ok((HashSet::new(), HashSet::new()));
        }
        let others = others.to_vec();
        let blocking: Vec<ActorId> = dispatch!(conn, c => actor_block::table
            .filter(actor_block::actor_id.eq(me))
            .filter(actor_block::target_id.eq_any(others.clone()))
            .select(actor_block::target_id)
            .load(c)
            .await)?;
        let blocked_by: Vec<ActorId> = dispatch!(conn, c => actor_block::table
            .filter(actor_block::target_id.eq(me))
            .filter(actor_block::actor_id.eq_any(others.clone()))
            .select(actor_block::actor_id)
            .load(c)
            .await)?;
        Ok((blocking.into_iter().collect(), blocked_by.into_iter().collect()))
    }

    /// A page of the actors `me` blocks, newest block first, with the block's id as cursor.
    pub async fn list(conn: &mut DbConn, me: ActorId, page: &IdPage) -> DbResult<Vec<(i64, Actor)>> {
        let ascending = page.ascending();
        let mut rows: Vec<(i64, Actor)> = dispatch!(conn, c => {
            let q = actor_block::table
                .inner_join(actor::table.on(actor::id.eq(actor_block::target_id)))
                .filter(actor_block::actor_id.eq(me))
                .filter(actor_block::id.gt(page.lower()))
                .filter(actor_block::id.lt(page.upper()))
                .select((actor_block::id, Actor::as_select()))
                .limit(page.limit)
                .into_boxed();
            let q = if ascending { q.order(actor_block::id.asc()) } else { q.order(actor_block::id.desc()) };
            q.load(c).await
        })?;
        if ascending {
            rows.reverse();
        }
        Ok(rows)
    }
}
