//! A group's discussions: its threads (pinned first, then newest first) with their authors and
//! how many replies each has. Who may read them is decided by `domain::groups::rights`.

use std::collections::HashMap;

use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use crate::db::models::actor::{Actor, ActorId};
use crate::db::models::post::{Post, PostId, PostView, Visibility};
use crate::db::schema::{actor, post};
use crate::db::{DbConn, DbResult};
use crate::dispatch;

/// A thread starter in the list.
#[derive(Debug, Clone)]
pub struct ThreadRow {
    pub post: Post,
    pub author: Actor,
    /// Replies to it (not deleted).
    pub replies: i64,
}

/// The threads of `group`: the pinned ones, then the newest, `limit` in all, less what the
/// viewer screened out (`screen`).
pub async fn threads(
    conn: &mut DbConn,
    group: ActorId,
    screen: Option<super::screen::Screen>,
    limit: i64,
) -> DbResult<Vec<ThreadRow>> {
    macro_rules! starters {
        () => {{
            let query = post::table
                .inner_join(actor::table.on(actor::id.eq(post::author_id)))
                .filter(post::audience_id.eq(group))
                .filter(post::in_reply_to.is_null())
                .filter(post::deleted.eq(false))
                .filter(post::hidden_at.is_null())
                .filter(actor::suspended_at.is_null())
                .select(PostView::as_select())
                .into_boxed();
            match screen {
                Some(screen) => super::screen::screen_posts!(query, screen),
                None => query,
            }
        }};
    }
    let mut views: Vec<PostView> = dispatch!(conn, c => starters!()
        .filter(post::pinned_at.is_not_null())
        .order(post::pinned_at.desc())
        .limit(limit)
        .load(c)
        .await)?;
    let rest = limit - views.len() as i64;
    if rest > 0 {
        let more: Vec<PostView> = dispatch!(conn, c => starters!()
            .filter(post::pinned_at.is_null())
            .order(post::id.desc())
            .limit(rest)
            .load(c)
            .await)?;
        views.extend(more);
    }
    let ap_ids: Vec<&str> = views.iter().map(|v| v.post.ap_id.as_str()).collect();
    let counts = reply_counts(conn, &ap_ids).await?;
    Ok(views
        .into_iter()
        .map(|v| {
            let replies = counts.get(&v.post.ap_id).copied().unwrap_or(0);
            ThreadRow { post: v.post, author: v.author, replies }
        })
        .collect())
}

/// How many replies (not deleted) each of `ap_ids` has.
async fn reply_counts(conn: &mut DbConn, ap_ids: &[&str]) -> DbResult<HashMap<String, i64>> {
    if ap_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<(Option<String>, i64)> = dispatch!(conn, c => post::table
        .filter(post::in_reply_to.eq_any(ap_ids))
        .filter(post::deleted.eq(false))
        .filter(post::hidden_at.is_null())
        .group_by(post::in_reply_to)
        .select((post::in_reply_to, diesel::dsl::count_star()))
        .load(c)
        .await)?;
    Ok(rows.into_iter().filter_map(|(parent, n)| Some((parent?, n))).collect())
}

/// The pinned threads of `group`, most recently pinned first, with their authors.
pub async fn pinned(conn: &mut DbConn, group: ActorId, limit: i64) -> DbResult<Vec<(Post, Actor)>> {
    let views: Vec<PostView> = dispatch!(conn, c => post::table
        .inner_join(actor::table.on(actor::id.eq(post::author_id)))
        .filter(post::audience_id.eq(group))
        .filter(post::in_reply_to.is_null())
        .filter(post::deleted.eq(false))
        .filter(post::hidden_at.is_null())
        .filter(actor::suspended_at.is_null())
        .filter(post::pinned_at.is_not_null())
        .order(post::pinned_at.desc())
        .limit(limit)
        .select(PostView::as_select())
        .load(c)
        .await)?;
    Ok(views.into_iter().map(|v| (v.post, v.author)).collect())
}

/// The public threads of `group`, newest first: a page of `limit` before the post `before`,
/// and how many there are in all.
pub async fn public_starters(
    conn: &mut DbConn,
    group: ActorId,
    before: Option<PostId>,
    limit: i64,
) -> DbResult<(i64, Vec<(Post, Actor)>)> {
    macro_rules! starters {
        () => {
            post::table
                .filter(post::audience_id.eq(group))
                .filter(post::in_reply_to.is_null())
                .filter(post::deleted.eq(false))
                .filter(post::hidden_at.is_null())
                .filter(post::visibility.eq(Visibility::Public))
        };
    }
    let total: i64 = dispatch!(conn, c => starters!().count().get_result(c).await)?;
    let views: Vec<PostView> = dispatch!(conn, c => {
        let mut q = starters!()
            .inner_join(actor::table.on(actor::id.eq(post::author_id)))
            .order(post::id.desc())
            .limit(limit)
            .select(PostView::as_select())
            .into_boxed();
        if let Some(before) = before {
            q = q.filter(post::id.lt(before));
        }
        q.load(c).await
    })?;
    Ok((total, views.into_iter().map(|v| (v.post, v.author)).collect()))
}
