//! A post's thread as one viewer may see it: the posts it answers, above, and the replies to it
//! and to them, below — for the post page and the client API's `context`. Every post in it is
//! one `domain::visibility` lets the viewer see; a reply they may not see is left out with the
//! replies below it, and the chain above stops at the first post they may not see.

use std::collections::{HashMap, HashSet};

use crate::db::DbConn;
use crate::db::models::post::{PostId, PostView};
use crate::db::views::thread::{ReplyRow, ThreadRows};
use crate::domain::visibility::{self as seen, Viewer};
use crate::domain::{DomainError, DomainResult};

/// At most this many posts above (Mastodon's limit too).
pub const MAX_ANCESTORS: i64 = 40;
/// At most this many replies below.
pub const MAX_DESCENDANTS: usize = 60;
/// Replies of replies down to this depth.
pub const MAX_DEPTH: i64 = 20;
/// Rows read below a post before they are filtered: room for replies the viewer may not see.
const ROWS_BELOW: i64 = 240;

/// A reply in a thread.
#[derive(Debug, Clone)]
pub struct Reply {
    pub view: PostView,
    /// 1 for a reply to the post itself, 2 for a reply to such a reply, …
    pub depth: u32,
}

/// A post with what it answers and what answers it.
#[derive(Debug, Clone)]
pub struct Thread {
    pub post: PostView,
    /// The chain above, the first post of the conversation first.
    pub ancestors: Vec<PostView>,
    /// The replies below, depth first, each level in order of publication.
    pub descendants: Vec<Reply>,
}

/// The thread of post `id` as `viewer` may see it; `NotFound` when they may not see the post.
pub async fn read(conn: &mut DbConn, viewer: Viewer, id: PostId) -> DomainResult<Thread> {
    let rows =
        ThreadRows::around(conn, id, MAX_ANCESTORS, MAX_DEPTH, ROWS_BELOW).await?.ok_or(DomainError::NotFound)?;
    // The same answer as for a post that does not exist.
    if !seen::can_see(conn, viewer, &rows.post.post).await?
        || !seen::author_shown(conn, viewer, &rows.post.author).await?
    {
        return Err(DomainError::NotFound);
    }
    let post = rows.post;
    let posts = rows.ancestors.iter().map(|v| &v.post).chain(rows.descendants.iter().map(|r| &r.view.post));
    let mut visible = seen::seen_among(conn, viewer, posts).await?;
    // A suspended person's replies are gone too (moderators still see them).
    let suspended = rows.ancestors.iter().chain(rows.descendants.iter().map(|r| &r.view));
    let suspended: Vec<_> = suspended.filter(|v| v.author.suspended_at.is_some()).collect();
    if let Some(first) = suspended.first()
        && !seen::author_shown(conn, viewer, &first.author).await?
    {
        for v in suspended {
            visible.remove(&v.post.id);
        }
    }
    let mut shown: HashSet<PostId> = HashSet::from([id]);
    let mut ancestors = Vec::new();
    for view in rows.ancestors {
        // A loop in the chain ends it as well.
        if !visible.contains(&view.post.id) || !shown.insert(view.post.id) {
            break;
        }
        ancestors.push(view);
    }
    ancestors.reverse();
    let descendants = depth_first(id, rows.descendants, &visible, &mut shown);
    Ok(Thread { post, ancestors, descendants })
}

/// The visible replies below `root`, depth first, each level oldest first; a reply that is not
/// visible hides the replies below it, as they are reached only through it.
fn depth_first(
    root: PostId,
    rows: Vec<ReplyRow>,
    visible: &HashSet<PostId>,
    shown: &mut HashSet<PostId>,
) -> Vec<Reply> {
    let mut children: HashMap<PostId, Vec<PostView>> = HashMap::new();
    for row in rows.into_iter().filter(|r| visible.contains(&r.view.post.id)) {
        children.entry(row.parent).or_default().push(row.view);
    }
    for list in children.values_mut() {
        // Newest last, so that popping from the stack's end takes the oldest first.
        list.sort_by_key(|v| std::cmp::Reverse((v.post.published, v.post.id.0)));
    }
    let mut out = Vec::new();
    let mut stack: Vec<(PostView, u32)> =
        children.remove(&root).unwrap_or_default().into_iter().map(|v| (v, 1)).collect();
    while let Some((view, depth)) = stack.pop() {
        if out.len() >= MAX_DESCENDANTS {
            break;
        }
        if !shown.insert(view.post.id) {
            continue;
        }
        if let Some(below) = children.remove(&view.post.id) {
            stack.extend(below.into_iter().map(|v| (v, depth + 1)));
        }
        out.push(Reply { view, depth });
    }
    out
}
