//! `hidden_post`: a resident hid one post from what they see; nobody else is affected.

use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use super::actor::ActorId;
use super::actor_block::IdPage;
use super::post::{PostId, PostView};
use crate::db::schema::{actor, hidden_post, post};
use crate::db::{DbConn, DbResult, now};
use crate::dispatch;

pub struct HiddenPost;

impl HiddenPost {
    /// Hides `post` for `actor`; false when it was hidden already.
    pub async fn insert(conn: &mut DbConn, actor: ActorId, post: PostId) -> DbResult<bool> {
        let row = (hidden_post::actor_id.eq(actor), hidden_post::post_id.eq(post), hidden_post::created_at.eq(now()));
        let n = dispatch!(conn, c => diesel::insert_into(hidden_post::table)
            .values(row)
            .on_conflict((hidden_post::actor_id, hidden_post::post_id))
            .do_nothing()
            .execute(c)
            .await)?;
        Ok(n > 0)
    }

    /// Shows it again; whether it was hidden.
    pub async fn delete(conn: &mut DbConn, actor: ActorId, post: PostId) -> DbResult<bool> {
        let n = dispatch!(conn, c => diesel::delete(
            hidden_post::table.filter(hidden_post::actor_id.eq(actor)).filter(hidden_post::post_id.eq(post)),
        )
        .execute(c)
        .await)?;
        Ok(n > 0)
    }

    /// Which of `posts` `actor` hid.
    pub async fn among(
        conn: &mut DbConn,
        actor: ActorId,
        posts: &[PostId],
    ) -> DbResult<std::collections::HashSet<PostId>> {
        if posts.is_empty() {
            return Ok(Default::default());
        }
        let posts = posts.to_vec();
        let rows: Vec<PostId> = dispatch!(conn, c => hidden_post::table
            .filter(hidden_post::actor_id.eq(actor))
            .filter(hidden_post::post_id.eq_any(posts.clone()))
            .select(hidden_post::post_id)
            .load(c)
            .await)?;
        Ok(rows.into_iter().collect())
    }

    /// A page of the posts `actor` hid, newest hide first, with the row's id as cursor.
    pub async fn list(conn: &mut DbConn, actor: ActorId, page: &IdPage) -> DbResult<Vec<(i64, PostView)>> {
        let ascending = page.ascending();
        let mut rows: Vec<(i64, PostView)> = dispatch!(conn, c => {
            let q = hidden_post::table
                .inner_join(post::table.inner_join(actor::table))
                .filter(hidden_post::actor_id.eq(actor))
                .filter(hidden_post::id.gt(page.lower()))
                .filter(hidden_post::id.lt(page.upper()))
                .select((hidden_post::id, PostView::as_select()))
                .limit(page.limit)
                .into_boxed();
            let q = if ascending { q.order(hidden_post::id.asc()) } else { q.order(hidden_post::id.desc()) };
            q.load(c).await
        })?;
        if ascending {
            rows.reverse();
        }
        Ok(rows)
    }
}
