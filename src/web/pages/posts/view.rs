//! The post page's template: the post in its thread, and what a resident can do with it.

use askama::Template;

use crate::web::context::Ctx;
use crate::web::form::Form;
use crate::web::page::Image;

#[derive(Template)]
#[template(path = "posts/post.html")]
pub struct PostPage<'a> {
    pub ctx: &'a Ctx,
    pub post: ThreadPost,
    /// The posts it answers, the first of the conversation first.
    pub ancestors: Vec<ThreadPost>,
    /// The replies, depth first, as nested lists.
    pub replies: Vec<ThreadReply>,
    /// Counts, and for a resident their own likes and shares.
    pub actions: Actions,
    /// The reply form, for signed-in residents.
    pub reply: Option<Form>,
    /// What the last action did.
    pub notice: Option<String>,
    /// Where the post lives when it is another server's.
    pub original: Option<String>,
    /// The sign-in page, and back here.
    pub sign_in: String,
    /// The group it was written in, and what its moderators may do.
    pub group: Option<crate::web::pages::groups::discussions::GroupBar>,
    /// A moderator hid it (its author and moderators see this page).
    pub hidden: bool,
    /// The moderation decisions the visitor may take on it: (form link, label).
    pub moderation: Vec<(String, String)>,
}

/// A post as the thread shows it.
pub struct ThreadPost {
    pub id: i64,
    /// Its page here.
    pub path: String,
    pub author: String,
    pub author_path: String,
    /// `@name@domain`.
    pub handle: String,
    pub name: Option<String>,
    /// Sanitized HTML.
    pub content: String,
    pub summary: Option<String>,
    pub published: String,
    /// The stored UTC time, for `datetime`.
    pub published_utc: String,
    pub images: Vec<Image>,
    /// Replies anyone may see.
    pub replies: i64,
    /// Where to report it (none for the viewer's own post).
    pub report_path: Option<String>,
}

/// A reply with how the nested lists go on after it: `opens` a list of its own replies, or
/// ends its item and `closes` as many lists (and their items) as the next reply is shallower.
pub struct ThreadReply {
    pub post: ThreadPost,
    pub opens: bool,
    pub closes: usize,
}

/// The post's counts and the resident's own likes and shares, for the buttons.
pub struct Actions {
    pub likes: i64,
    pub shares: i64,
    pub liked: bool,
    pub shared: bool,
    /// Only what anyone may see can be shared.
    pub can_share: bool,
    /// The viewer wrote it (nothing to hide).
    pub own: bool,
    /// The viewer hid it from their lists.
    pub hidden: bool,
}
