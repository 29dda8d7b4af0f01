//! Follows between actors, local or remote.

use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use super::actor::{Actor, ActorId, ActorKind};
use crate::db::schema::{actor, follow};
use crate::db::{DbConn, DbResult, now};
use crate::dispatch;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = follow)]
pub struct Follow {
    pub id: i64,
    pub ap_id: String,
    pub follower_id: ActorId,
    pub target_id: ActorId,
    pub accepted: bool,
    pub created_at: chrono::NaiveDateTime,
}

/// Which follows of an actor: who follows it, or whom it follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Followers,
    Following,
}

/// Which follows [`Follow::list`] returns: Mastodon's cursors (follow ids) and, optionally, only
/// actors of one kind.
#[derive(Debug, Clone, Default)]
pub struct FollowQuery {
    pub kind: Option<ActorKind>,
    pub max_id: Option<i64>,
    pub since_id: Option<i64>,
    pub min_id: Option<i64>,
    pub limit: i64,
}

impl Follow {
    /// Records a follow (or refreshes its activity id and state when it exists).
    pub async fn upsert(
        conn: &mut DbConn,
        ap_id: &str,
        follower: ActorId,
        target: ActorId,
        accepted: bool,
    ) -> DbResult<Follow> {
        let row = (
            follow::ap_id.eq(ap_id),
            follow::follower_id.eq(follower),
            follow::target_id.eq(target),
            follow::accepted.eq(accepted),
            follow::created_at.eq(now()),
        );
        dispatch!(conn, c => diesel::insert_into(follow::table)
            .values(row)
            .on_conflict((follow::follower_id, follow::target_id))
            .do_update()
            .set((follow::ap_id.eq(ap_id), follow::accepted.eq(accepted)))
            .returning(Follow::as_returning())
            .get_result(c)
            .await)
        .map_err(Into::into)
    }

    pub async fn find(conn: &mut DbConn, follower: ActorId, target: ActorId) -> DbResult<Option<Follow>> {
        dispatch!(conn, c => follow::table
            .filter(follow::follower_id.eq(follower))
            .filter(follow::target_id.eq(target))
            .select(Follow::as_select())
            .first(c)
            .await
            .optional())
        .map_err(Into::into)
    }

    pub async fn by_ap_id(conn: &mut DbConn, ap_id: &str) -> DbResult<Option<Follow>> {
        dispatch!(conn, c => follow::table.filter(follow::ap_id.eq(ap_id)).select(Follow::as_select()).first(c).await.optional())
            .map_err(Into::into)
    }

    pub async fn set_accepted(conn: &mut DbConn, id: i64) -> DbResult<()> {
        dispatch!(conn, c => diesel::update(follow::table.find(id)).set(follow::accepted.eq(true)).execute(c).await)?;
        Ok(())
    }

    pub async fn delete(conn: &mut DbConn, follower: ActorId, target: ActorId) -> DbResult<usize> {
        dispatch!(conn, c => diesel::delete(
            follow::table.filter(follow::follower_id.eq(follower)).filter(follow::target_id.eq(target)),
        )
        .execute(c)
        .await)
        .map_err(Into::into)
    }

    /// Removes every follow from and to an actor (it was deleted).
    pub async fn delete_all_of(conn: &mut DbConn, actor_id: ActorId) -> DbResult<usize> {
        dispatch!(conn, c => diesel::delete(
            follow::table.filter(follow::follower_id.eq(actor_id).or(follow::target_id.eq(actor_id))),
        )
        .execute(c)
        .await)
        .map_err(Into::into)
    }

    /// A page of an actor's accepted followers or followed actors that are not deleted, newest
    /// follow first (oldest first from `min_id`, returned newest first), the follow id as cursor:
    /// the client API's lists and a profile's groups.
    pub async fn list(
        conn: &mut DbConn,
        actor_id: ActorId,
        side: Side,
        q: &FollowQuery,
    ) -> DbResult<Vec<(i64, Actor)>> {
        let ascending = q.min_id.is_some();
        macro_rules! list_of {
            ($mine:expr, $theirs:expr) => {
                dispatch!(conn, c => {
                    let mut query = follow::table
                        .inner_join(actor::table.on(actor::id.eq($theirs)))
                        .filter($mine.eq(actor_id))
                        .filter(follow::accepted.eq(true))
                        .filter(actor::deleted.eq(false))
                        .select((follow::id, Actor::as_select()))
                        .limit(q.limit)
                        .into_boxed();
                    if let Some(kind) = q.kind {
                        query = query.filter(actor::kind.eq_any(kind.stored_as()));
                    }
                    if let Some(max) = q.max_id {
                        query = query.filter(follow::id.lt(max));
                    }
                    if let Some(since) = q.since_id {
                        query = query.filter(follow::id.gt(since));
                    }
                    if let Some(min) = q.min_id {
                        query = query.filter(follow::id.gt(min));
                    }
                    query = if ascending { query.order(follow::id.asc()) } else { query.order(follow::id.desc()) };
                    query.load(c).await
                })
            };
        }
        let mut rows: Vec<(i64, Actor)> = match side {
            Side::Followers => list_of!(follow::target_id, follow::follower_id),
            Side::Following => list_of!(follow::follower_id, follow::target_id),
        }?;
        if ascending {
            rows.reverse();
        }
        Ok(rows)
    }

    /// A page of an actor's accepted followers or followed actors, newest follow first, with
    /// the follow id as cursor.
    pub async fn page(
        conn: &mut DbConn,
        actor_id: ActorId,
        side: Side,
        before: Option<i64>,
        limit: i64,
    ) -> DbResult<Vec<(i64, Actor)>> {
        // The two sides differ only in which column is "me" and which is "them".
        macro_rules! page_of {
            ($mine:expr, $theirs:expr) => {
                dispatch!(conn, c => {
                    let mut q = follow::table
                        .inner_join(actor::table.on(actor::id.eq($theirs)))
                        .filter($mine.eq(actor_id))
                        .filter(follow::accepted.eq(true))
                        .select((follow::id, Actor::as_select()))
                        .order(follow::id.desc())
                        .limit(limit)
                        .into_boxed();
                    if let Some(before) = before {
                        q = q.filter(follow::id.lt(before));
                    }
                    q.load(c).await
                })
            };
        }
        match side {
            Side::Followers => page_of!(follow::target_id, follow::follower_id),
            Side::Following => page_of!(follow::follower_id, follow::target_id),
        }
        .map_err(Into::into)
    }

    /// Distinct inboxes (shared inbox where known) of remote accepted followers, with the
    /// follower's instance: the fan-out of one activity.
    pub async fn remote_follower_inboxes(conn: &mut DbConn, target: ActorId) -> DbResult<Vec<(String, i64)>> {
        let rows: Vec<(String, Option<String>, Option<i64>)> = dispatch!(conn, c => follow::table
            .inner_join(actor::table.on(actor::id.eq(follow::follower_id)))
            .filter(follow::target_id.eq(target))
            .filter(follow::accepted.eq(true))
            .filter(actor::local.eq(false))
            .select((actor::inbox_url, actor::shared_inbox_url, actor::instance_id))
            .load(c)
            .await)?;
        Ok(super::actor::delivery_inboxes(rows))
    }

    /// [`Follow::remote_follower_inboxes`] of the followers whose server runs one of `software`
    /// (as its NodeInfo names it): where a group's replies go (FEP-1b12).
    pub async fn remote_follower_inboxes_on(
        conn: &mut DbConn,
        target: ActorId,
        software: &[&str],
    ) -> DbResult<Vec<(String, i64)>> {
        use crate::db::schema::instance;
        let rows: Vec<(String, Option<String>, Option<i64>)> = dispatch!(conn, c => follow::table
            .inner_join(actor::table.on(actor::id.eq(follow::follower_id)))
            .inner_join(instance::table.on(actor::instance_id.eq(instance::id.nullable())))
            .filter(follow::target_id.eq(target))
            .filter(follow::accepted.eq(true))
            .filter(actor::local.eq(false))
            .filter(instance::software.eq_any(software))
            .select((actor::inbox_url, actor::shared_inbox_url, actor::instance_id))
            .load(c)
            .await)?;
        Ok(super::actor::delivery_inboxes(rows))
    }

    /// Whether any local actor follows `target` (a remote actor's posts are then stored).
    pub async fn has_local_follower(conn: &mut DbConn, target: ActorId) -> DbResult<bool> {
        // A count, not EXISTS: PostgreSQL's generic plan for an EXISTS here expects half the
        // actors to be local, stops early on paper and scans every actor in fact (165 ms with
        // 100,000 remote actors; BENCHMARKS.md, round 7). Counting starts from the target's
        // follows on every plan.
        let n: i64 = dispatch!(conn, c => follow::table
            .inner_join(actor::table.on(actor::id.eq(follow::follower_id)))
            .filter(follow::target_id.eq(target))
            .filter(actor::local.eq(true))
            .count()
            .get_result(c)
            .await)?;
        Ok(n > 0)
    }
}

impl Follow {
    /// Which of `targets` `follower` follows with an accepted follow, in one query.
    pub async fn accepted_among(
        conn: &mut DbConn,
        follower: ActorId,
        targets: &[ActorId],
    ) -> DbResult<std::collections::HashSet<ActorId>> {
        if targets.is_empty() {
            return Ok(std::collections::HashSet::new());
        }
        let targets = targets.to_vec();
        let rows: Vec<ActorId> = dispatch!(conn, c => follow::table
            .filter(follow::follower_id.eq(follower))
            .filter(follow::target_id.eq_any(targets.clone()))
            .filter(follow::accepted.eq(true))
            .select(follow::target_id)
            .load(c)
            .await)?;
        Ok(rows.into_iter().collect())
    }
}

/// Follows across another server (the federation overview and blocking it).
impl Follow {
    /// Per instance of `instances`: (its actors' accepted follows of someone here, our accepted
    /// follows of its actors).
    pub async fn counts_by_instance(
        conn: &mut DbConn,
        instances: &[i64],
    ) -> DbResult<std::collections::HashMap<i64, (i64, i64)>> {
        let mut counts = std::collections::HashMap::new();
        if instances.is_empty() {
            return Ok(counts);
        }
        let ids = instances.to_vec();
        let followers: Vec<(Option<i64>, i64)> = dispatch!(conn, c => follow::table
            .inner_join(actor::table.on(actor::id.eq(follow::follower_id)))
            .filter(actor::instance_id.eq_any(ids.clone()))
            .filter(follow::accepted.eq(true))
            .group_by(actor::instance_id)
            .select((actor::instance_id, diesel::dsl::count_star()))
            .load(c)
            .await)?;
        let following: Vec<(Option<i64>, i64)> = dispatch!(conn, c => follow::table
            .inner_join(actor::table.on(actor::id.eq(follow::target_id)))
            .filter(actor::instance_id.eq_any(ids.clone()))
            .filter(follow::accepted.eq(true))
            .group_by(actor::instance_id)
            .select((actor::instance_id, diesel::dsl::count_star()))
            .load(c)
            .await)?;
        for (instance, n) in followers {
            if let Some(i) = instance {
                counts.entry(i).or_insert((0, 0)).0 = n;
            }
        }
        for (instance, n) in following {
            if let Some(i) = instance {
                counts.entry(i).or_insert((0, 0)).1 = n;
            }
        }
        Ok(counts)
    }

    /// Removes every follow from or to the actors of an instance (staff blocked it).
    pub async fn delete_with_instance(conn: &mut DbConn, instance_id: i64) -> DbResult<usize> {
        let actors = actor::table.filter(actor::instance_id.eq(instance_id)).select(actor::id);
        dispatch!(conn, c => diesel::delete(
            follow::table.filter(follow::follower_id.eq_any(actors).or(follow::target_id.eq_any(actors))),
        )
        .execute(c)
        .await)
        .map_err(Into::into)
    }
}
