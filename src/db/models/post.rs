//! Posts (notes and articles), their likes and announces.

use std::collections::HashMap;

use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use diesel_derive_newtype::DieselNewType;

use super::actor::{Actor, ActorId};
use crate::db::schema::{actor, announce, follow, post, post_like};
use crate::db::{DbConn, DbResult, now};
use crate::dispatch;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, DieselNewType, serde::Serialize, serde::Deserialize)]
pub struct PostId(pub i64);

/// Who a post is addressed to. Stored as text; who may *see* a post is decided by
/// `domain::visibility`, which every read of a post asks.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, diesel::expression::AsExpression, diesel::deserialize::FromSqlRow,
)]
#[diesel(sql_type = diesel::sql_types::Text)]
pub enum Visibility {
    /// Anyone, and listed in public timelines.
    Public,
    /// Anyone who has the link; not listed in public timelines.
    Unlisted,
    /// The author's accepted followers (Mastodon's `private`).
    Followers,
    /// The people it is addressed to.
    Direct,
    /// The members of the group it was written in (`audience_id`): members-only content.
    Members,
}

impl Visibility {
    /// Those that anyone may see, logged in or not.
    pub const OPEN: [Visibility; 2] = [Visibility::Public, Visibility::Unlisted];

    pub fn as_str(self) -> &'static str {
        match self {
            Visibility::Public => "public",
            Visibility::Unlisted => "unlisted",
            Visibility::Followers => "followers",
            Visibility::Direct => "direct",
            Visibility::Members => "members",
        }
    }

    /// The stored name.
    pub fn parse(s: &str) -> Option<Visibility> {
        match s {
            "public" => Some(Visibility::Public),
            "unlisted" => Some(Visibility::Unlisted),
            "followers" => Some(Visibility::Followers),
            "direct" => Some(Visibility::Direct),
            "members" => Some(Visibility::Members),
            _ => None,
        }
    }

    /// Whether anyone may see it, without knowing who looks.
    pub fn is_open(self) -> bool {
        Self::OPEN.contains(&self)
    }
}

impl<DB> diesel::serialize::ToSql<diesel::sql_types::Text, DB> for Visibility
where
    DB: diesel::backend::Backend,
    str: diesel::serialize::ToSql<diesel::sql_types::Text, DB>,
{
    fn to_sql<'b>(&'b self, out: &mut diesel::serialize::Output<'b, '_, DB>) -> diesel::serialize::Result {
        self.as_str().to_sql(out)
    }
}

impl<DB> diesel::deserialize::FromSql<diesel::sql_types::Text, DB> for Visibility
where
    DB: diesel::backend::Backend,
    String: diesel::deserialize::FromSql<diesel::sql_types::Text, DB>,
{
    fn from_sql(bytes: DB::RawValue<'_>) -> diesel::deserialize::Result<Self> {
        let name = String::from_sql(bytes)?;
        Visibility::parse(&name).ok_or_else(|| format!("unknown post visibility {name:?}").into())
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = post)]
pub struct Post {
    pub id: PostId,
    pub ap_id: String,
    pub author_id: ActorId,
    /// `note` or `article`.
    pub kind: String,
    pub name: Option<String>,
    /// Sanitized HTML.
    pub content: String,
    pub summary: Option<String>,
    pub sensitive: bool,
    pub language: Option<String>,
    pub in_reply_to: Option<String>,
    pub url: Option<String>,
    pub visibility: Visibility,
    pub local: bool,
    pub deleted: bool,
    pub published: chrono::NaiveDateTime,
    pub updated_at: Option<chrono::NaiveDateTime>,
    /// The group it was written in (FEP-1b12 `audience`).
    pub audience_id: Option<ActorId>,
    /// A locked thread takes no new replies.
    pub locked: bool,
    /// Pinned to the top of its group (the group's `featured` collection).
    pub pinned_at: Option<chrono::NaiveDateTime>,
    /// What the author typed (Markdown), for editing.
    pub source: Option<String>,
    /// Hidden by a moderator: seen only by its author and moderators, in no list.
    pub hidden_at: Option<chrono::NaiveDateTime>,
    /// Removed by a moderator (`deleted` too; the content is kept so it can be restored).
    pub removed_at: Option<chrono::NaiveDateTime>,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = post)]
pub struct PostInsert {
    /// Given for a local post, whose URL carries its id ([`Post::next_id`]); `None`: the
    /// database chooses.
    pub id: Option<PostId>,
    pub ap_id: String,
    pub author_id: ActorId,
    pub kind: String,
    pub name: Option<String>,
    pub content: String,
    pub summary: Option<String>,
    pub sensitive: bool,
    pub language: Option<String>,
    pub in_reply_to: Option<String>,
    pub url: Option<String>,
    pub visibility: Visibility,
    pub local: bool,
    pub deleted: bool,
    pub published: chrono::NaiveDateTime,
    pub updated_at: Option<chrono::NaiveDateTime>,
    /// The group it was written in (FEP-1b12 `audience`).
    pub audience_id: Option<ActorId>,
    /// A locked thread takes no new replies.
    pub locked: bool,
    /// Pinned to the top of its group (the group's `featured` collection).
    pub pinned_at: Option<chrono::NaiveDateTime>,
    /// What the author typed (Markdown), for editing.
    pub source: Option<String>,
}

#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = post)]
pub struct PostUpdate {
    pub ap_id: Option<String>,
    pub name: Option<Option<String>>,
    pub content: Option<String>,
    pub summary: Option<Option<String>>,
    pub sensitive: Option<bool>,
    pub url: Option<Option<String>>,
    pub deleted: Option<bool>,
    pub updated_at: Option<Option<chrono::NaiveDateTime>>,
    pub locked: Option<bool>,
    pub pinned_at: Option<Option<chrono::NaiveDateTime>>,
    pub source: Option<Option<String>>,
    pub hidden_at: Option<Option<chrono::NaiveDateTime>>,
    pub removed_at: Option<Option<chrono::NaiveDateTime>>,
}

/// A post with its author, as timelines and the API show it.
#[derive(Debug, Clone, Queryable, Selectable)]
pub struct PostView {
    #[diesel(embed)]
    pub post: Post,
    #[diesel(embed)]
    pub author: Actor,
}

/// Which visibilities a list of posts includes. The default lists public posts only.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Shown {
    /// Public posts: public timelines.
    #[default]
    Listed,
    /// Public and unlisted posts: what anyone sees of an author.
    Open,
    /// Also followers-only posts: only for the author, their accepted followers, or a home
    /// timeline (which lists only authors the viewer follows).
    WithFollowersOnly,
}

impl Shown {
    pub fn visibilities(self) -> &'static [Visibility] {
        match self {
            Shown::Listed => &[Visibility::Public],
            Shown::Open => &Visibility::OPEN,
            Shown::WithFollowersOnly => &[Visibility::Public, Visibility::Unlisted, Visibility::Followers],
        }
    }
}

/// Which posts a timeline query returns.
#[derive(Debug, Clone, Default)]
pub struct TimelineQuery {
    /// Only posts by this author.
    pub author: Option<ActorId>,
    /// Only posts by the actors this one follows (accepted follows), and its own: a home timeline.
    pub followed_by: Option<ActorId>,
    pub local_only: bool,
    /// Which posts the viewer may see here: `domain::visibility` decides.
    pub shown: Shown,
    /// What the viewer screened out (blocks, mutes, hidden posts): `domain::visibility::screen_for`.
    pub screen: Option<crate::db::views::screen::Screen>,
    pub max_id: Option<i64>,
    pub since_id: Option<i64>,
    pub min_id: Option<i64>,
    pub limit: i64,
}

impl Post {
    pub async fn insert(conn: &mut DbConn, form: &PostInsert) -> DbResult<Post> {
        dispatch!(conn, c => diesel::insert_into(post::table).values(form).returning(Post::as_returning()).get_result(c).await)
            .map_err(Into::into)
    }

    /// The id the next post will get, taken before its insert so that the insert itself writes
    /// the URL that carries it. PostgreSQL hands it out from the sequence; on SQLite it is what
    /// the insert would choose, which holds inside the write transaction (`BEGIN IMMEDIATE`)
    /// the caller must be in.
    pub async fn next_id(conn: &mut DbConn) -> DbResult<PostId> {
        use diesel::dsl::max;
        let id: i64 = match conn {
            DbConn::Pg(c) => {
                let c: &mut diesel_async::AsyncPgConnection = c;
                diesel::select(diesel::dsl::sql::<diesel::sql_types::BigInt>(
                    "nextval(pg_get_serial_sequence('post', 'id'))",
                ))
                .get_result(c)
                .await?
            }
            DbConn::Sqlite(c) => {
                let c: &mut crate::db::pool::SqliteConn = c;
                post::table.select(max(post::id)).get_result::<Option<PostId>>(c).await?.map_or(1, |m| m.0 + 1)
            }
        };
        Ok(PostId(id))
    }

    /// Inserts a post, or returns the one stored with its `ap_id` (one statement when it is new).
    pub async fn insert_or_get(conn: &mut DbConn, form: &PostInsert) -> DbResult<Post> {
        dispatch!(conn, c => {
            let inserted = diesel::insert_into(post::table)
                .values(form)
                .on_conflict(post::ap_id)
                .do_nothing()
                .returning(Post::as_returning())
                .get_result(c)
                .await
                .optional()?;
            match inserted {
                Some(post) => Ok(post),
                None => post::table.filter(post::ap_id.eq(&form.ap_id)).select(Post::as_select()).first(c).await,
            }
        })
        .map_err(Into::into)
    }

    pub async fn update(conn: &mut DbConn, id: PostId, form: &PostUpdate) -> DbResult<()> {
        dispatch!(conn, c => diesel::update(post::table.find(id)).set(form).execute(c).await)?;
        Ok(())
    }

    pub async fn by_id(conn: &mut DbConn, id: PostId) -> DbResult<Option<Post>> {
        dispatch!(conn, c => post::table.find(id).select(Post::as_select()).first(c).await.optional())
            .map_err(Into::into)
    }

    pub async fn by_ap_id(conn: &mut DbConn, ap_id: &str) -> DbResult<Option<Post>> {
        dispatch!(conn, c => post::table.filter(post::ap_id.eq(ap_id)).select(Post::as_select()).first(c).await.optional())
            .map_err(Into::into)
    }

    /// `(ap_id, id, author)` of the stored posts among `ap_ids`.
    pub async fn ids_by_ap_ids(conn: &mut DbConn, ap_ids: &[&str]) -> DbResult<HashMap<String, (PostId, ActorId)>> {
        if ap_ids.is_empty() {
            return Ok(HashMap::new());
        }
        let rows: Vec<(String, PostId, ActorId)> = dispatch!(conn, c => post::table
            .filter(post::ap_id.eq_any(ap_ids))
            .select((post::ap_id, post::id, post::author_id))
            .load(c)
            .await)?;
        Ok(rows.into_iter().map(|(ap, id, author)| (ap, (id, author))).collect())
    }
}

impl PostView {
    pub async fn by_id(conn: &mut DbConn, id: PostId) -> DbResult<Option<PostView>> {
        dispatch!(conn, c => post::table
            .inner_join(actor::table)
            .filter(post::id.eq(id))
            .select(PostView::as_select())
            .first(c)
            .await
            .optional())
        .map_err(Into::into)
    }

    /// Posts, newest first, by the Mastodon paging rules: `max_id` and `since_id` are
    /// exclusive bounds; `min_id` returns the posts right after it (still newest first).
    pub async fn timeline(conn: &mut DbConn, q: &TimelineQuery) -> DbResult<Vec<PostView>> {
        let ascending = q.min_id.is_some();
        let mut rows: Vec<PostView> = dispatch!(conn, c => {
            let mut query = post::table
                .inner_join(actor::table)
                .filter(post::deleted.eq(false))
                .filter(post::hidden_at.is_null())
                .filter(actor::suspended_at.is_null())
                .select(PostView::as_select())
                .limit(q.limit)
                .into_boxed();
            // A silenced person's posts are in their followers' and their own lists only.
            if q.followed_by.is_none() && q.author.is_none() {
                query = query.filter(actor::silenced_at.is_null());
            }
            if let Some(author) = q.author {
                query = query.filter(post::author_id.eq(author));
            }
            if let Some(me) = q.followed_by {
                let followed = follow::table
                    .filter(follow::follower_id.eq(me))
                    .filter(follow::accepted.eq(true))
                    .select(follow::target_id);
                // And what was written in groups they follow (a Lemmy community, a Mobilizon
                // group): its members' posts, relayed by the group.
                let groups = follow::table
                    .filter(follow::follower_id.eq(me))
                    .filter(follow::accepted.eq(true))
                    .select(follow::target_id.nullable());
                query = query.filter(
                    post::author_id.eq_any(followed).or(post::author_id.eq(me)).or(post::audience_id.eq_any(groups)),
                );
            }
            if q.local_only {
                query = query.filter(post::local.eq(true));
            } else {
                // The federation policy: blocked servers and actors are left out of every list,
                // limited servers out of those for readers who need not follow them.
                use crate::db::schema::{instance, remote_actor_block};
                let severities: &[&str] = match q.shown {
                    Shown::WithFollowersOnly => &["suspend"],
                    _ => &["suspend", "silence"],
                };
                let restricted = instance::table
                    .filter(instance::severity.eq_any(severities))
                    .select(instance::id.nullable());
                query = query
                    .filter(actor::instance_id.is_null().or(actor::instance_id.ne_all(restricted)))
                    .filter(actor::id.ne_all(remote_actor_block::table.select(remote_actor_block::actor_id)));
            }
            query = match q.shown {
                Shown::Listed => query.filter(post::visibility.eq(Visibility::Public)),
                shown => query.filter(post::visibility.eq_any(shown.visibilities())),
            };
            if let Some(screen) = q.screen {
                query = crate::db::views::screen::screen_posts!(query, screen);
            }
            if let Some(max) = q.max_id {
                query = query.filter(post::id.lt(max));
            }
            if let Some(since) = q.since_id {
                query = query.filter(post::id.gt(since));
            }
            if let Some(min) = q.min_id {
                query = query.filter(post::id.gt(min));
            }
            query = if ascending { query.order(post::id.asc()) } else { query.order(post::id.desc()) };
            query.load(c).await
        })?;
        if ascending {
            rows.reverse();
        }
        Ok(rows)
    }
}

/// Likes and announces have the same shape; `Reaction` names which table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reaction {
    Like,
    Announce,
}

impl Reaction {
    /// Records a reaction; returns false when it existed.
    pub async fn add(self, conn: &mut DbConn, ap_id: &str, actor_id: ActorId, post_id: PostId) -> DbResult<bool> {
        let t = now();
        let n = match self {
            Reaction::Like => dispatch!(conn, c => diesel::insert_into(post_like::table)
                .values((post_like::ap_id.eq(ap_id), post_like::actor_id.eq(actor_id), post_like::post_id.eq(post_id), post_like::created_at.eq(t)))
                .on_conflict_do_nothing()
                .execute(c)
                .await)?,
            Reaction::Announce => dispatch!(conn, c => diesel::insert_into(announce::table)
                .values((announce::ap_id.eq(ap_id), announce::actor_id.eq(actor_id), announce::post_id.eq(post_id), announce::created_at.eq(t)))
                .on_conflict_do_nothing()
                .execute(c)
                .await)?,
        };
        Ok(n > 0)
    }

    /// Removes the reaction of `actor_id` on `post_id`; returns its activity id if there was one.
    pub async fn remove(self, conn: &mut DbConn, actor_id: ActorId, post_id: PostId) -> DbResult<Option<String>> {
        let removed: Option<String> = match self {
            Reaction::Like => dispatch!(conn, c => diesel::delete(
                post_like::table.filter(post_like::actor_id.eq(actor_id)).filter(post_like::post_id.eq(post_id)),
            )
            .returning(post_like::ap_id)
            .get_result(c)
            .await
            .optional())?,
            Reaction::Announce => dispatch!(conn, c => diesel::delete(
                announce::table.filter(announce::actor_id.eq(actor_id)).filter(announce::post_id.eq(post_id)),
            )
            .returning(announce::ap_id)
            .get_result(c)
            .await
            .optional())?,
        };
        Ok(removed)
    }

    /// Removes a reaction by its activity id (an incoming Undo); returns its post if it existed.
    pub async fn remove_by_ap_id(self, conn: &mut DbConn, ap_id: &str, actor_id: ActorId) -> DbResult<Option<PostId>> {
        let removed: Option<PostId> = match self {
            Reaction::Like => dispatch!(conn, c => diesel::delete(
                post_like::table.filter(post_like::ap_id.eq(ap_id)).filter(post_like::actor_id.eq(actor_id)),
            )
            .returning(post_like::post_id)
            .get_result(c)
            .await
            .optional())?,
            Reaction::Announce => dispatch!(conn, c => diesel::delete(
                announce::table.filter(announce::ap_id.eq(ap_id)).filter(announce::actor_id.eq(actor_id)),
            )
            .returning(announce::post_id)
            .get_result(c)
            .await
            .optional())?,
        };
        Ok(removed)
    }
}

impl Post {
    /// An author's public and unlisted posts, newest first (the outbox), with `id` as cursor.
    pub async fn outbox_page(
        conn: &mut DbConn,
        author: ActorId,
        before: Option<i64>,
        limit: i64,
    ) -> DbResult<Vec<Post>> {
        dispatch!(conn, c => {
            let mut q = post::table
                .filter(post::author_id.eq(author))
                .filter(post::deleted.eq(false))
                .filter(post::hidden_at.is_null())
                .filter(post::visibility.eq_any(Visibility::OPEN))
                .order(post::id.desc())
                .limit(limit)
                .select(Post::as_select())
                .into_boxed();
            if let Some(before) = before {
                q = q.filter(post::id.lt(before));
            }
            q.load(c).await
        })
        .map_err(Into::into)
    }
}

impl Reaction {
    /// Counts per post, in one query for a page of posts.
    pub async fn counts(self, conn: &mut DbConn, posts: &[PostId]) -> DbResult<std::collections::HashMap<PostId, i64>> {
        let ids: Vec<PostId> = posts.to_vec();
        let rows: Vec<(PostId, i64)> = match self {
            Reaction::Like => dispatch!(conn, c => post_like::table
                .filter(post_like::post_id.eq_any(ids.clone()))
                .group_by(post_like::post_id)
                .select((post_like::post_id, diesel::dsl::count_star()))
                .load(c)
                .await)?,
            Reaction::Announce => dispatch!(conn, c => announce::table
                .filter(announce::post_id.eq_any(ids.clone()))
                .group_by(announce::post_id)
                .select((announce::post_id, diesel::dsl::count_star()))
                .load(c)
                .await)?,
        };
        Ok(rows.into_iter().collect())
    }

    /// Which of `posts` the actor reacted to.
    pub async fn mine(
        self,
        conn: &mut DbConn,
        actor_id: ActorId,
        posts: &[PostId],
    ) -> DbResult<std::collections::HashSet<PostId>> {
        let ids: Vec<PostId> = posts.to_vec();
        let rows: Vec<PostId> = match self {
            Reaction::Like => dispatch!(conn, c => post_like::table
                .filter(post_like::actor_id.eq(actor_id))
                .filter(post_like::post_id.eq_any(ids.clone()))
                .select(post_like::post_id)
                .load(c)
                .await)?,
            Reaction::Announce => dispatch!(conn, c => announce::table
                .filter(announce::actor_id.eq(actor_id))
                .filter(announce::post_id.eq_any(ids.clone()))
                .select(announce::post_id)
                .load(c)
                .await)?,
        };
        Ok(rows.into_iter().collect())
    }
}
