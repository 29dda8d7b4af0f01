//! A thread's read: the posts above one (its `in_reply_to` chain) and below it (replies of
//! replies), each with its author, in a bounded number of queries — a recursive query for the
//! ids, one for the rows. Who may see which of them is decided by `domain::posts::thread`.

use std::collections::HashMap;

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Integer, Nullable};
use diesel_async::RunQueryDsl;

use crate::db::models::post::{PostId, PostView, Visibility};
use crate::db::schema::{actor, post};
use crate::db::{DbConn, DbResult};
use crate::dispatch;

#[derive(QueryableByName)]
struct AboveRow {
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = Integer)]
    depth: i32,
}

#[derive(QueryableByName)]
struct BelowRow {
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = Nullable<BigInt>)]
    parent_id: Option<i64>,
    #[diesel(sql_type = Integer)]
    depth: i32,
}

/// A reply below the post a thread is read for, with the post it answers.
#[derive(Debug, Clone)]
pub struct ReplyRow {
    pub view: PostView,
    pub parent: PostId,
    /// 1 for a reply to the post itself.
    pub depth: u32,
}

/// The rows around one post, as stored: nothing is filtered here.
#[derive(Debug, Clone, Default)]
pub struct ThreadRows {
    /// Up the chain, nearest first.
    pub ancestors: Vec<PostView>,
    /// Below, in no particular order.
    pub descendants: Vec<ReplyRow>,
}

impl ThreadRows {
    /// The posts up to `max_up` above `id` and up to `max_rows` below it, down to `max_depth`.
    pub async fn around(
        conn: &mut DbConn,
        id: PostId,
        max_up: i64,
        max_depth: i64,
        max_rows: i64,
    ) -> DbResult<ThreadRows> {
        let above: Vec<AboveRow> = dispatch!(conn, c => diesel::sql_query(include_str!("thread.ancestors.sql"))
            .bind::<BigInt, _>(id.0)
            .bind::<BigInt, _>(max_up)
            .load(c)
            .await)?;
        let below: Vec<BelowRow> = dispatch!(conn, c => diesel::sql_query(include_str!("thread.descendants.sql"))
            .bind::<BigInt, _>(id.0)
            .bind::<BigInt, _>(max_depth)
            .bind::<BigInt, _>(max_rows)
            .load(c)
            .await)?;
        let ids: Vec<PostId> = above.iter().map(|a| PostId(a.id)).chain(below.iter().map(|b| PostId(b.id))).collect();
        let mut views = views_by_id(conn, &ids).await?;
        let ancestors = above.iter().filter_map(|a| views.get(&PostId(a.id)).cloned().map(|v| (a.depth, v)));
        let mut ancestors: Vec<(i32, PostView)> = ancestors.collect();
        ancestors.sort_by_key(|(depth, _)| *depth);
        let descendants = below
            .iter()
            .filter_map(|b| {
                let view = views.remove(&PostId(b.id))?;
                Some(ReplyRow { view, parent: PostId(b.parent_id?), depth: u32::try_from(b.depth).ok()? })
            })
            .collect();
        Ok(ThreadRows { ancestors: ancestors.into_iter().map(|(_, v)| v).collect(), descendants })
    }
}

/// Posts with their authors, by id.
async fn views_by_id(conn: &mut DbConn, ids: &[PostId]) -> DbResult<HashMap<PostId, PostView>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let ids = ids.to_vec();
    let rows: Vec<PostView> = dispatch!(conn, c => post::table
        .inner_join(actor::table)
        .filter(post::id.eq_any(ids.clone()))
        .select(PostView::as_select())
        .load(c)
        .await)?;
    Ok(rows.into_iter().map(|v| (v.post.id, v)).collect())
}

/// How many replies each of `ap_ids` has that anyone may see (public and unlisted ones that
/// are not deleted): a count that tells nobody of a reply they may not see.
pub async fn open_reply_counts(conn: &mut DbConn, ap_ids: &[&str]) -> DbResult<HashMap<String, i64>> {
    if ap_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let ap_ids: Vec<String> = ap_ids.iter().map(|s| s.to_string()).collect();
    let rows: Vec<(Option<String>, i64)> = dispatch!(conn, c => post::table
        .filter(post::in_reply_to.eq_any(ap_ids.clone()))
        .filter(post::deleted.eq(false))
        .filter(post::visibility.eq_any(Visibility::OPEN))
        .group_by(post::in_reply_to)
        .select((post::in_reply_to, diesel::dsl::count_star()))
        .load(c)
        .await)?;
    Ok(rows.into_iter().filter_map(|(ap, n)| Some((ap?, n))).collect())
}
