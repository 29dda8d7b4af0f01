//! The SQL form of a person's own controls (blocks, mutes, blocked domains, hidden posts): the
//! conditions a paged list adds so that what its viewer screened out is left out in the query
//! itself, and a page is never short. Which list applies which is decided by
//! `domain::visibility` (`screen_for`); the macros only write the SQL.

use std::collections::HashSet;

use crate::db::models::actor::ActorId;
use crate::db::models::actor_block::ActorBlock;
use crate::db::models::actor_mute::ActorMute;
use crate::db::models::hidden_post::HiddenPost;
use crate::db::models::post::PostId;
use crate::db::schema::actor;
use crate::db::{DbConn, DbResult};
use crate::dispatch;

/// What a list leaves out for its viewer: the actors they block and those who block them, the
/// groups they block (with what was written in them), the domains they block, the posts they
/// hid, and — when `mutes` — the actors they mute now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Screen {
    pub viewer: ActorId,
    pub mutes: bool,
    /// The moment mutes are compared with (a mute that ended no longer screens).
    pub at: chrono::NaiveDateTime,
}

/// Adds the conditions of a [`Screen`] to a boxed query over `post` joined with its author
/// (`actor`): `NOT IN` subqueries on the viewer's rows, each read by its unique index.
macro_rules! screen_posts {
    ($query:expr, $screen:expr) => {{
        use $crate::db::schema::{actor, actor_block, actor_mute, domain_block_personal, hidden_post, post};
        let screen: $crate::db::views::screen::Screen = $screen;
        let me = screen.viewer;
        let mut query = $query
            .filter(
                post::author_id
                    .ne_all(actor_block::table.filter(actor_block::actor_id.eq(me)).select(actor_block::target_id)),
            )
            .filter(
                post::author_id
                    .ne_all(actor_block::table.filter(actor_block::target_id.eq(me)).select(actor_block::actor_id)),
            )
            .filter(post::audience_id.is_null().or(post::audience_id.ne_all(
                actor_block::table.filter(actor_block::actor_id.eq(me)).select(actor_block::target_id.nullable()),
            )))
            .filter(
                actor::domain.ne_all(
                    domain_block_personal::table
                        .filter(domain_block_personal::actor_id.eq(me))
                        .select(domain_block_personal::domain),
                ),
            )
            .filter(
                post::id.ne_all(hidden_post::table.filter(hidden_post::actor_id.eq(me)).select(hidden_post::post_id)),
            );
        if screen.mutes {
            query = query.filter(
                post::author_id.ne_all(
                    actor_mute::table
                        .filter(actor_mute::actor_id.eq(me))
                        .filter(actor_mute::expires_at.is_null().or(actor_mute::expires_at.gt(screen.at)))
                        .select(actor_mute::target_id),
                ),
            );
        }
        query
    }};
}
pub(crate) use screen_posts;

/// Adds to a boxed query over `notification` of `$me` the condition that its cause is not an
/// actor they block, who blocks them, whose domain they block, or whom they mute with
/// notifications (`$at`: now, for the mutes' ends).
macro_rules! screen_notifications {
    ($query:expr, $me:expr, $at:expr) => {{
        use $crate::db::schema::{actor, actor_block, actor_mute, domain_block_personal, notification};
        let me: $crate::db::models::actor::ActorId = $me;
        let at: chrono::NaiveDateTime = $at;
        let screened = diesel::alias!(actor as screened_actor);
        $query.filter(
            notification::from_actor_id.is_null().or(notification::from_actor_id
                .ne_all(
                    actor_block::table.filter(actor_block::actor_id.eq(me)).select(actor_block::target_id.nullable()),
                )
                .and(notification::from_actor_id.ne_all(
                    actor_block::table.filter(actor_block::target_id.eq(me)).select(actor_block::actor_id.nullable()),
                ))
                .and(
                    notification::from_actor_id.ne_all(
                        actor_mute::table
                            .filter(actor_mute::actor_id.eq(me))
                            .filter(actor_mute::notifications.eq(true))
                            .filter(actor_mute::expires_at.is_null().or(actor_mute::expires_at.gt(at)))
                            .select(actor_mute::target_id.nullable()),
                    ),
                )
                .and(
                    notification::from_actor_id.ne_all(
                        // Under another name: lists join `actor` for the notification's cause.
                        screened
                            .filter(
                                screened.field(actor::domain).eq_any(
                                    domain_block_personal::table
                                        .filter(domain_block_personal::actor_id.eq(me))
                                        .select(domain_block_personal::domain),
                                ),
                            )
                            .select(screened.field(actor::id).nullable()),
                    ),
                )),
        )
    }};
}
pub(crate) use screen_notifications;

/// Of some posts and their authors, what `me` screened out: the authors (blocked either way,
/// of a blocked domain, muted when `mutes`) and the posts they hid — the in-memory form of
/// [`screen_posts`] for lists read whole (a thread).
#[derive(Debug, Clone, Default)]
pub struct Screened {
    pub actors: HashSet<ActorId>,
    pub posts: HashSet<PostId>,
}

impl Screened {
    pub async fn among(conn: &mut DbConn, screen: Screen, authors: &[ActorId], posts: &[PostId]) -> DbResult<Screened> {
        use diesel::prelude::*;
        use diesel_async::RunQueryDsl;

        use crate::db::schema::domain_block_personal;
        let me = screen.viewer;
        let (blocking, blocked_by) = ActorBlock::among(conn, me, authors).await?;
        let mut actors: HashSet<ActorId> = blocking.into_iter().chain(blocked_by).collect();
        if screen.mutes {
            actors.extend(ActorMute::among(conn, me, authors).await?);
        }
        if !authors.is_empty() {
            let ids = authors.to_vec();
            let of_blocked_domains: Vec<ActorId> = dispatch!(conn, c => actor::table
                .filter(actor::id.eq_any(ids.clone()))
                .filter(actor::domain.eq_any(
                    domain_block_personal::table
                        .filter(domain_block_personal::actor_id.eq(me))
                        .select(domain_block_personal::domain),
                ))
                .select(actor::id)
                .load(c)
                .await)?;
            actors.extend(of_blocked_domains);
        }
        let posts = HiddenPost::among(conn, me, posts).await?;
        Ok(Screened { actors, posts })
    }
}
