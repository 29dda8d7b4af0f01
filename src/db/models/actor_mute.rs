//! `actor_mute`: a resident mutes an actor — gone from their timelines and, when they chose so,
//! their notifications, until the mute ends; the actor's profile stays reachable.

use std::collections::HashSet;

use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use super::actor::{Actor, ActorId};
use super::actor_block::IdPage;
use crate::db::schema::{actor, actor_mute};
use crate::db::{DbConn, DbResult, now};
use crate::dispatch;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = actor_mute)]
pub struct ActorMute {
    pub id: i64,
    pub actor_id: ActorId,
    pub target_id: ActorId,
    /// Also hides the target's notifications.
    pub notifications: bool,
    /// When the mute ends by itself; `None`: never.
    pub expires_at: Option<chrono::NaiveDateTime>,
    pub created_at: chrono::NaiveDateTime,
}

impl ActorMute {
    /// Mutes `target` for `actor`, or changes the mute that exists.
    pub async fn upsert(
        conn: &mut DbConn,
        actor: ActorId,
        target: ActorId,
        notifications: bool,
        expires_at: Option<chrono::NaiveDateTime>,
    ) -> DbResult<ActorMute> {
        let row = (
            actor_mute::actor_id.eq(actor),
            actor_mute::target_id.eq(target),
            actor_mute::notifications.eq(notifications),
            actor_mute::expires_at.eq(expires_at),
            actor_mute::created_at.eq(now()),
        );
        dispatch!(conn, c => diesel::insert_into(actor_mute::table)
            .values(row)
            .on_conflict((actor_mute::actor_id, actor_mute::target_id))
            .do_update()
            .set((actor_mute::notifications.eq(notifications), actor_mute::expires_at.eq(expires_at)))
            .returning(ActorMute::as_returning())
            .get_result(c)
            .await)
        .map_err(Into::into)
    }

    /// The mute of `target` by `actor` that has not ended.
    pub async fn find(conn: &mut DbConn, actor: ActorId, target: ActorId) -> DbResult<Option<ActorMute>> {
        let t = now();
        dispatch!(conn, c => actor_mute::table
            .filter(actor_mute::actor_id.eq(actor))
            .filter(actor_mute::target_id.eq(target))
            .filter(actor_mute::expires_at.is_null().or(actor_mute::expires_at.gt(t)))
            .select(ActorMute::as_select())
            .first(c)
            .await
            .optional())
        .map_err(Into::into)
    }

    /// Ends the mute; whether there was one.
    pub async fn delete(conn: &mut DbConn, actor: ActorId, target: ActorId) -> DbResult<bool> {
        let n = dispatch!(conn, c => diesel::delete(
            actor_mute::table.filter(actor_mute::actor_id.eq(actor)).filter(actor_mute::target_id.eq(target)),
        )
        .execute(c)
        .await)?;
        Ok(n > 0)
    }

    /// Which of `others` `me` mutes now.
    pub async fn among(conn: &mut DbConn, me: ActorId, others: &[ActorId]) -> DbResult<HashSet<ActorId>> {
        if others.is_empty() {
            return Ok(HashSet::new());
        }
        let (others, t) = (others.to_vec(), now());
        let rows: Vec<ActorId> = dispatch!(conn, c => actor_mute::table
            .filter(actor_mute::actor_id.eq(me))
            .filter(actor_mute::target_id.eq_any(others.clone()))
            .filter(actor_mute::expires_at.is_null().or(actor_mute::expires_at.gt(t)))
            .select(actor_mute::target_id)
            .load(c)
            .await)?;
        Ok(rows.into_iter().collect())
    }

    /// A page of the actors `me` mutes now, newest mute first, with the mute's id as cursor.
    pub async fn list(conn: &mut DbConn, me: ActorId, page: &IdPage) -> DbResult<Vec<(ActorMute, Actor)>> {
        let (ascending, t) = (page.ascending(), now());
        let mut rows: Vec<(ActorMute, Actor)> = dispatch!(conn, c => {
            let q = actor_mute::table
                .inner_join(actor::table.on(actor::id.eq(actor_mute::target_id)))
                .filter(actor_mute::actor_id.eq(me))
                .filter(actor_mute::expires_at.is_null().or(actor_mute::expires_at.gt(t)))
                .filter(actor_mute::id.gt(page.lower()))
                .filter(actor_mute::id.lt(page.upper()))
                .select((ActorMute::as_select(), Actor::as_select()))
                .limit(page.limit)
                .into_boxed();
            let q = if ascending { q.order(actor_mute::id.asc()) } else { q.order(actor_mute::id.desc()) };
            q.load(c).await
        })?;
        if ascending {
            rows.reverse();
        }
        Ok(rows)
    }
}
