//! Who liked or boosted a post: the actors, newest reaction first, paged by the reaction's id
//! (Mastodon's `favourited_by` and `reblogged_by`). Who may see the post is asked first by the
//! caller, of `domain::visibility`.

use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use crate::db::models::actor::Actor;
use crate::db::models::post::{PostId, Reaction};
use crate::db::schema::{actor, announce, post_like};
use crate::db::{DbConn, DbResult};
use crate::dispatch;

/// Bounds of a page of reactions: exclusive, by reaction id.
#[derive(Debug, Clone, Copy, Default)]
pub struct ReactorPage {
    pub max_id: Option<i64>,
    pub since_id: Option<i64>,
    pub min_id: Option<i64>,
    pub limit: i64,
}

/// Up to `page.limit` actors who reacted to `post`, each with the reaction's id, newest first
/// (with `min_id`: those right after it, still newest first).
pub async fn reactors(
    conn: &mut DbConn,
    reaction: Reaction,
    post: PostId,
    page: ReactorPage,
) -> DbResult<Vec<(i64, Actor)>> {
    let ascending = page.min_id.is_some();
    // The two tables differ only in their name.
    macro_rules! page_of {
        ($t:ident) => {
            dispatch!(conn, c => {
                let mut q = $t::table
                    .inner_join(actor::table.on(actor::id.eq($t::actor_id)))
                    .filter($t::post_id.eq(post))
                    .filter(actor::deleted.eq(false))
                    .select(($t::id, Actor::as_select()))
                    .limit(page.limit)
                    .into_boxed();
                if let Some(max) = page.max_id {
                    q = q.filter($t::id.lt(max));
                }
                if let Some(since) = page.since_id {
                    q = q.filter($t::id.gt(since));
                }
                if let Some(min) = page.min_id {
                    q = q.filter($t::id.gt(min));
                }
                q = if ascending { q.order($t::id.asc()) } else { q.order($t::id.desc()) };
                q.load(c).await
            })
        };
    }
    let mut rows: Vec<(i64, Actor)> = match reaction {
        Reaction::Like => page_of!(post_like),
        Reaction::Announce => page_of!(announce),
    }?;
    if ascending {
        rows.reverse();
    }
    Ok(rows)
}
