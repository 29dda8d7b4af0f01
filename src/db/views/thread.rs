//! A thread's read: the posts above one (its `in_reply_to` chain) and below it (replies of
//! replies), each with its author, in two queries — a recursive one for the ids, one for the
//! rows. Who may see which of them is decided by `domain::posts::thread`.

use std::collections::HashMap;

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Integer, Nullable};
use diesel_async::RunQueryDsl;

use crate::db::models::post::{PostId, PostView, Visibility};
use crate::db::schema::{actor, post};
use crate::db::{DbConn, DbResult};
use crate::dispatch;

/// One post of the thread's recursive read: above the post (negative depth) or below it.
#[derive(QueryableByName)]
struct AroundRow {
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
}

/// The rows around one post, as stored: nothing is filtered here.
#[derive(Debug, Clone)]
pub struct ThreadRows {
    /// The post itself.
    pub post: PostView,
    /// Up the chain, nearest first.
    pub ancestors: Vec<PostView>,
    /// Below, in no particular order.
    pub descendants: Vec<ReplyRow>,
}

impl ThreadRows {
    /// Post `id` with up to `max_up` posts above it and up to `max_rows` below it, down to
    /// `max_depth`, in two queries: the ids, then the rows; `None` when there is no such post.
    pub async fn around(
        conn: &mut DbConn,
        id: PostId,
        max_up: i64,
        max_depth: i64,
        max_rows: i64,
    ) -> DbResult<Option<ThreadRows>> {
        let around: Vec<AroundRow> = dispatch!(conn, c => diesel::sql_query(include_str!("thread.sql"))
            .bind::<BigInt, _>(id.0)
            .bind::<BigInt, _>(max_up)
            .bind::<BigInt, _>(max_depth)
            .bind::<BigInt, _>(max_rows)
            .load(c)
            .await)?;
        let ids: Vec<PostId> = std::iter::once(id).chain(around.iter().map(|r| PostId(r.id))).collect();
        let mut views = views_by_id(conn, &ids).await?;
        let Some(post) = views.get(&id).cloned() else {
            return Ok(None);
        };
        let (mut above, below): (Vec<&AroundRow>, Vec<&AroundRow>) = around.iter().partition(|r| r.depth < 0);
        above.sort_by_key(|r| std::cmp::Reverse(r.depth));
        let ancestors = above.iter().filter_map(|r| views.get(&PostId(r.id)).cloned()).collect();
        let descendants = below
            .iter()
            .filter_map(|r| Some(ReplyRow { parent: PostId(r.parent_id?), view: views.remove(&PostId(r.id))? }))
            .collect();
        Ok(Some(ThreadRows { post, ancestors, descendants }))
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
        .filter(post::hidden_at.is_null())
        .filter(post::visibility.eq_any(Visibility::OPEN))
        .group_by(post::in_reply_to)
        .select((post::in_reply_to, diesel::dsl::count_star()))
        .load(c)
        .await)?;
    Ok(rows.into_iter().filter_map(|(ap, n)| Some((ap?, n))).collect())
}

/// How many likes and shares a post has, in one query.
pub async fn reaction_counts(conn: &mut DbConn, id: PostId) -> DbResult<(i64, i64)> {
    use crate::db::schema::{announce, post_like};
    let (likes, shares): (Option<i64>, Option<i64>) = dispatch!(conn, c => diesel::select((
        post_like::table.filter(post_like::post_id.eq(id)).count().single_value(),
        announce::table.filter(announce::post_id.eq(id)).count().single_value(),
    ))
    .get_result(c)
    .await)?;
    Ok((likes.unwrap_or(0), shares.unwrap_or(0)))
}
