//! `domain_block_personal`: a resident blocks a whole domain for themselves — everyone there is
//! gone from what they see. The admins' instance-wide block is another table.

use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use super::actor::ActorId;
use super::actor_block::IdPage;
use crate::db::schema::{actor, domain_block_personal, follow};
use crate::db::{DbConn, DbResult, now};
use crate::dispatch;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = domain_block_personal)]
pub struct DomainBlock {
    pub id: i64,
    pub actor_id: ActorId,
    pub domain: String,
    pub created_at: chrono::NaiveDateTime,
}

impl DomainBlock {
    /// Blocks `domain` for `actor`; false when it was blocked already.
    pub async fn insert(conn: &mut DbConn, actor: ActorId, domain: &str) -> DbResult<bool> {
        let row = (
            domain_block_personal::actor_id.eq(actor),
            domain_block_personal::domain.eq(domain),
            domain_block_personal::created_at.eq(now()),
        );
        let n = dispatch!(conn, c => diesel::insert_into(domain_block_personal::table)
            .values(row)
            .on_conflict((domain_block_personal::actor_id, domain_block_personal::domain))
            .do_nothing()
            .execute(c)
            .await)?;
        Ok(n > 0)
    }

    /// Lifts the block; whether there was one.
    pub async fn delete(conn: &mut DbConn, actor: ActorId, domain: &str) -> DbResult<bool> {
        let n = dispatch!(conn, c => diesel::delete(
            domain_block_personal::table
                .filter(domain_block_personal::actor_id.eq(actor))
                .filter(domain_block_personal::domain.eq(domain)),
        )
        .execute(c)
        .await)?;
        Ok(n > 0)
    }

    /// Whether `actor` blocks `domain`.
    pub async fn has(conn: &mut DbConn, actor: ActorId, domain: &str) -> DbResult<bool> {
        let n: i64 = dispatch!(conn, c => domain_block_personal::table
            .filter(domain_block_personal::actor_id.eq(actor))
            .filter(domain_block_personal::domain.eq(domain))
            .count()
            .get_result(c)
            .await)?;
        Ok(n > 0)
    }

    /// Every domain `actor` blocks (a person's list is short: the rule reads it whole).
    pub async fn domains_of(conn: &mut DbConn, actor: ActorId) -> DbResult<Vec<String>> {
        dispatch!(conn, c => domain_block_personal::table
            .filter(domain_block_personal::actor_id.eq(actor))
            .order(domain_block_personal::domain.asc())
            .select(domain_block_personal::domain)
            .load(c)
            .await)
        .map_err(Into::into)
    }

    /// A page of `actor`'s blocked domains, newest first, with the row's id as cursor.
    pub async fn list(conn: &mut DbConn, actor: ActorId, page: &IdPage) -> DbResult<Vec<DomainBlock>> {
        let ascending = page.ascending();
        let mut rows: Vec<DomainBlock> = dispatch!(conn, c => {
            let q = domain_block_personal::table
                .filter(domain_block_personal::actor_id.eq(actor))
                .filter(domain_block_personal::id.gt(page.lower()))
                .filter(domain_block_personal::id.lt(page.upper()))
                .select(DomainBlock::as_select())
                .limit(page.limit)
                .into_boxed();
            let q = if ascending {
                q.order(domain_block_personal::id.asc())
            } else {
                q.order(domain_block_personal::id.desc())
            };
            q.load(c).await
        })?;
        if ascending {
            rows.reverse();
        }
        Ok(rows)
    }

    /// Removes the follows between `actor` and the actors of `domain`, both ways; how many.
    pub async fn drop_follows(conn: &mut DbConn, actor: ActorId, domain: &str) -> DbResult<usize> {
        let there = || actor::table.filter(actor::domain.eq(domain.to_string())).select(actor::id);
        let n = dispatch!(conn, c => diesel::delete(
            follow::table.filter(
                follow::follower_id.eq(actor).and(follow::target_id.eq_any(there()))
                    .or(follow::target_id.eq(actor).and(follow::follower_id.eq_any(there()))),
            ),
        )
        .execute(c)
        .await)?;
        Ok(n)
    }
}
