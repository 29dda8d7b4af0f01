//! Images: uploads kept in media storage and attachments of remote posts, linked by URL.

use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use diesel_derive_newtype::DieselNewType;

use super::actor::ActorId;
use super::post::PostId;
use crate::db::schema::media;
use crate::db::{DbConn, DbResult};
use crate::dispatch;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, DieselNewType, serde::Serialize, serde::Deserialize)]
pub struct MediaId(pub i64);

/// What an image is for (the `purpose` column).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// A photo on a post; needs a description.
    Attachment,
    /// A person's or group's avatar (`icon`).
    Avatar,
    /// A profile's header image (`image`).
    Header,
}

impl Purpose {
    pub fn as_str(self) -> &'static str {
        match self {
            Purpose::Attachment => "attachment",
            Purpose::Avatar => "avatar",
            Purpose::Header => "header",
        }
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = media)]
pub struct Media {
    pub id: MediaId,
    pub owner_id: ActorId,
    pub post_id: Option<PostId>,
    pub purpose: String,
    pub sort_order: i32,
    pub content_type: String,
    /// Storage key of the (size-capped) original; none for a remote attachment.
    pub file_key: Option<String>,
    pub width: Option<i32>,
    pub height: Option<i32>,
    pub size: i64,
    pub small_key: Option<String>,
    pub small_width: Option<i32>,
    pub small_height: Option<i32>,
    pub small_size: Option<i64>,
    /// The alt text.
    pub description: String,
    pub blurhash: Option<String>,
    pub focus: Option<String>,
    /// Where a remote attachment lives.
    pub remote_url: Option<String>,
    pub created_at: chrono::NaiveDateTime,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = media)]
pub struct MediaInsert {
    pub owner_id: ActorId,
    pub post_id: Option<PostId>,
    pub purpose: String,
    pub sort_order: i32,
    pub content_type: String,
    pub file_key: Option<String>,
    pub width: Option<i32>,
    pub height: Option<i32>,
    pub size: i64,
    pub small_key: Option<String>,
    pub small_width: Option<i32>,
    pub small_height: Option<i32>,
    pub small_size: Option<i64>,
    pub description: String,
    pub blurhash: Option<String>,
    pub focus: Option<String>,
    pub remote_url: Option<String>,
    pub created_at: chrono::NaiveDateTime,
}

#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = media)]
pub struct MediaUpdate {
    pub post_id: Option<Option<PostId>>,
    pub sort_order: Option<i32>,
    pub description: Option<String>,
    pub focus: Option<Option<String>>,
}

impl Media {
    /// Storage keys of this row's files.
    pub fn keys(&self) -> Vec<String> {
        self.file_key.iter().chain(self.small_key.iter()).cloned().collect()
    }

    pub async fn insert(conn: &mut DbConn, form: &MediaInsert) -> DbResult<Media> {
        dispatch!(conn, c => diesel::insert_into(media::table).values(form).returning(Media::as_returning()).get_result(c).await)
            .map_err(Into::into)
    }

    pub async fn by_id(conn: &mut DbConn, id: MediaId) -> DbResult<Option<Media>> {
        dispatch!(conn, c => media::table.find(id).select(Media::as_select()).first(c).await.optional())
            .map_err(Into::into)
    }

    pub async fn by_ids(conn: &mut DbConn, ids: &[MediaId]) -> DbResult<Vec<Media>> {
        let ids = ids.to_vec();
        dispatch!(conn, c => media::table.filter(media::id.eq_any(ids.clone())).select(Media::as_select()).load(c).await)
            .map_err(Into::into)
    }

    /// A stored file by its key (either variant), for serving.
    pub async fn by_key(conn: &mut DbConn, key: &str) -> DbResult<Option<Media>> {
        dispatch!(conn, c => media::table
            .filter(media::file_key.eq(key).or(media::small_key.eq(key)))
            .select(Media::as_select())
            .first(c)
            .await
            .optional())
        .map_err(Into::into)
    }

    pub async fn update(conn: &mut DbConn, id: MediaId, form: &MediaUpdate) -> DbResult<()> {
        dispatch!(conn, c => diesel::update(media::table.find(id)).set(form).execute(c).await)?;
        Ok(())
    }

    pub async fn delete(conn: &mut DbConn, id: MediaId) -> DbResult<()> {
        dispatch!(conn, c => diesel::delete(media::table.find(id)).execute(c).await)?;
        Ok(())
    }

    /// Attachments of these posts, in their order.
    pub async fn of_posts(conn: &mut DbConn, posts: &[PostId]) -> DbResult<Vec<Media>> {
        let ids: Vec<PostId> = posts.to_vec();
        dispatch!(conn, c => media::table
            .filter(media::post_id.eq_any(ids.clone()))
            .order((media::post_id, media::sort_order, media::id))
            .select(Media::as_select())
            .load(c)
            .await)
        .map_err(Into::into)
    }

    /// An actor's images of one purpose other than `keep` (an avatar being replaced).
    pub async fn of_owner(conn: &mut DbConn, owner: ActorId, purpose: Purpose) -> DbResult<Vec<Media>> {
        dispatch!(conn, c => media::table
            .filter(media::owner_id.eq(owner))
            .filter(media::purpose.eq(purpose.as_str()))
            .select(Media::as_select())
            .load(c)
            .await)
        .map_err(Into::into)
    }

    /// Uploads never attached to a post and older than `before`.
    pub async fn unattached_before(
        conn: &mut DbConn,
        before: chrono::NaiveDateTime,
        limit: i64,
    ) -> DbResult<Vec<Media>> {
        dispatch!(conn, c => media::table
            .filter(media::post_id.is_null())
            .filter(media::purpose.eq(Purpose::Attachment.as_str()))
            .filter(media::created_at.lt(before))
            .order(media::id)
            .limit(limit)
            .select(Media::as_select())
            .load(c)
            .await)
        .map_err(Into::into)
    }

    /// Removes a post's remote attachments (before storing the ones of an update).
    pub async fn delete_of_post(conn: &mut DbConn, post: PostId) -> DbResult<usize> {
        dispatch!(conn, c => diesel::delete(media::table.filter(media::post_id.eq(post))).execute(c).await)
            .map_err(Into::into)
    }
}
