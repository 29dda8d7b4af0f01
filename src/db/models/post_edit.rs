//! `post_edit`: the earlier versions of an edited post, for its history.

use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use super::post::{Post, PostId};
use crate::db::schema::post_edit;
use crate::db::{DbConn, DbResult};
use crate::dispatch;

/// One earlier version of a post.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = post_edit)]
pub struct PostEdit {
    pub id: i64,
    pub post_id: PostId,
    pub name: Option<String>,
    pub content: String,
    pub summary: Option<String>,
    /// When this version was written: the post's publication or an earlier edit.
    pub written_at: chrono::NaiveDateTime,
}

impl PostEdit {
    /// Keeps the version of `post` about to be replaced by an edit.
    pub async fn record(conn: &mut DbConn, post: &Post) -> DbResult<()> {
        let row = (
            post_edit::post_id.eq(post.id),
            post_edit::name.eq(&post.name),
            post_edit::content.eq(&post.content),
            post_edit::summary.eq(&post.summary),
            post_edit::written_at.eq(post.updated_at.unwrap_or(post.published)),
        );
        dispatch!(conn, c => diesel::insert_into(post_edit::table).values(row).execute(c).await)?;
        Ok(())
    }

    /// The earlier versions of a post, oldest first.
    pub async fn of_post(conn: &mut DbConn, post: PostId) -> DbResult<Vec<PostEdit>> {
        dispatch!(conn, c => post_edit::table
            .filter(post_edit::post_id.eq(post))
            .order(post_edit::id.asc())
            .select(PostEdit::as_select())
            .load(c)
            .await)
        .map_err(Into::into)
    }
}
