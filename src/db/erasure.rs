//! The writes that erase a deleted person across tables (`domain::privacy::deletion`): what
//! was theirs alone goes, what others rely on (reports, moderation records, their actor's id)
//! stays without their details. Each function runs in the caller's transaction.

use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use crate::db::models::actor::ActorId;
use crate::db::models::local_user::{LocalUserId, Status};
use crate::db::models::media::Purpose;
use crate::db::schema::{
    actor, actor_block, actor_mute, announce, digest, domain_block_personal, email_token, follow, hidden_post,
    local_user, marker, media, membership, notification, notification_preference, post, post_edit, post_like,
    push_subscription, report,
};
use crate::db::{DbConn, DbResult};
use crate::dispatch;

/// Active admins other than `except`: the last one may not delete their account.
pub async fn other_active_admins(conn: &mut DbConn, except: LocalUserId) -> DbResult<i64> {
    dispatch!(conn, c => local_user::table
        .filter(local_user::role.eq("admin"))
        .filter(local_user::status.eq("active"))
        .filter(local_user::id.ne(except))
        .count()
        .get_result(c)
        .await)
    .map_err(Into::into)
}

/// Remote actors who must hear of the deletion: those who follow the person, those the person
/// follows, and the remote groups they are in (read before the follows and memberships go).
pub async fn remote_contacts(conn: &mut DbConn, me: ActorId) -> DbResult<Vec<ActorId>> {
    let followers = follow::table
        .inner_join(actor::table.on(actor::id.eq(follow::follower_id)))
        .filter(follow::target_id.eq(me))
        .filter(actor::local.eq(false))
        .select(actor::id);
    let mut ids: Vec<ActorId> = dispatch!(conn, c => followers.load(c).await)?;
    let followed: Vec<ActorId> = dispatch!(conn, c => follow::table
        .inner_join(actor::table.on(actor::id.eq(follow::target_id)))
        .filter(follow::follower_id.eq(me))
        .filter(actor::local.eq(false))
        .select(actor::id)
        .load(c)
        .await)?;
    let groups: Vec<ActorId> = dispatch!(conn, c => membership::table
        .inner_join(actor::table.on(actor::id.eq(membership::group_id)))
        .filter(membership::member_id.eq(me))
        .filter(actor::local.eq(false))
        .select(actor::id)
        .load(c)
        .await)?;
    ids.extend(followed);
    ids.extend(groups);
    ids.sort_unstable_by_key(|a| a.0);
    ids.dedup();
    Ok(ids)
}

/// Removes what was the person's alone: follows both ways, memberships, likes and boosts they
/// gave, their blocks, mutes, domain blocks and hidden posts, their notifications, markers,
/// preferences, digests, e-mail links and push subscriptions. Sessions and tokens are the
/// caller's (they have their own model functions).
pub async fn remove_relations(conn: &mut DbConn, me: ActorId, user: LocalUserId) -> DbResult<()> {
    dispatch!(conn, c => {
        diesel::delete(follow::table.filter(follow::follower_id.eq(me).or(follow::target_id.eq(me)))).execute(c).await?;
        diesel::delete(membership::table.filter(membership::member_id.eq(me))).execute(c).await?;
        diesel::delete(post_like::table.filter(post_like::actor_id.eq(me))).execute(c).await?;
        diesel::delete(announce::table.filter(announce::actor_id.eq(me))).execute(c).await?;
        diesel::delete(actor_block::table.filter(actor_block::actor_id.eq(me))).execute(c).await?;
        diesel::delete(actor_mute::table.filter(actor_mute::actor_id.eq(me))).execute(c).await?;
        diesel::delete(domain_block_personal::table.filter(domain_block_personal::actor_id.eq(me))).execute(c).await?;
        diesel::delete(hidden_post::table.filter(hidden_post::actor_id.eq(me))).execute(c).await?;
        // Theirs, and those that would name them to others ("anna liked your post").
        diesel::delete(notification::table.filter(notification::recipient_id.eq(me).or(notification::from_actor_id.eq(me))))
            .execute(c)
            .await?;
        diesel::delete(push_subscription::table.filter(push_subscription::actor_id.eq(me))).execute(c).await?;
        diesel::delete(marker::table.filter(marker::local_user_id.eq(user))).execute(c).await?;
        diesel::delete(notification_preference::table.filter(notification_preference::local_user_id.eq(user))).execute(c).await?;
        diesel::delete(digest::table.filter(digest::local_user_id.eq(user))).execute(c).await?;
        diesel::delete(email_token::table.filter(email_token::local_user_id.eq(user))).execute(c).await?;
        // Their reports stay for the moderators, without the reporter.
        diesel::update(report::table.filter(report::reporter_id.eq(me)))
            .set((report::reporter_id.eq(None::<ActorId>), report::contact_email.eq(None::<String>)))
            .execute(c)
            .await?;
        Ok::<(), diesel::result::Error>(())
    })?;
    Ok(())
}

/// Empties every post of the person (they become tombstones) and drops their earlier versions.
pub async fn remove_posts(conn: &mut DbConn, me: ActorId, now: chrono::NaiveDateTime) -> DbResult<usize> {
    let mine = post::table.filter(post::author_id.eq(me)).select(post::id);
    dispatch!(conn, c => {
        diesel::delete(post_edit::table.filter(post_edit::post_id.eq_any(mine))).execute(c).await?;
        diesel::update(post::table.filter(post::author_id.eq(me)))
            .set((
                post::deleted.eq(true),
                post::content.eq(""),
                post::name.eq(None::<String>),
                post::summary.eq(None::<String>),
                post::source.eq(None::<String>),
                post::pinned_at.eq(None::<chrono::NaiveDateTime>),
                post::updated_at.eq(Some(now)),
            ))
            .execute(c)
            .await
    })
    .map_err(Into::into)
}

/// Deletes the person's media rows (all of them, or only avatar and header) and returns the
/// storage keys of their files, to delete once the transaction committed.
pub async fn remove_media(conn: &mut DbConn, me: ActorId, profile_only: bool) -> DbResult<Vec<String>> {
    let purposes: Vec<&str> = if profile_only {
        vec![Purpose::Avatar.as_str(), Purpose::Header.as_str()]
    } else {
        vec![Purpose::Avatar.as_str(), Purpose::Header.as_str(), Purpose::Attachment.as_str()]
    };
    let keys: Vec<(Option<String>, Option<String>)> = dispatch!(conn, c => diesel::delete(
        media::table.filter(media::owner_id.eq(me)).filter(media::purpose.eq_any(&purposes)),
    )
    .returning((media::file_key, media::small_key))
    .get_results(c)
    .await)?;
    Ok(keys.into_iter().flat_map(|(a, b)| [a, b]).flatten().collect())
}

/// Wipes the account's personal details: the e-mail address (freed for a new account), the
/// password, language, motivation and home neighbourhood; the account stays, suspended, so the
/// records that name it hold.
pub async fn wipe_account(conn: &mut DbConn, user: LocalUserId, now: chrono::NaiveDateTime) -> DbResult<()> {
    let freed = format!("deleted-{}@deleted.invalid", user.0);
    dispatch!(conn, c => diesel::update(local_user::table.find(user))
        .set((
            local_user::email.eq(&freed),
            local_user::password_hash.eq(""),
            local_user::status.eq(Status::Suspended.as_str()),
            local_user::language.eq(None::<String>),
            local_user::registration_reason.eq(None::<String>),
            local_user::home_neighbourhood_id.eq(None::<ActorId>),
            local_user::email_confirmed_at.eq(None::<chrono::NaiveDateTime>),
            local_user::updated_at.eq(now),
        ))
        .execute(c)
        .await)?;
    Ok(())
}

/// Turns the actor into a tombstone without a name, bio or pictures. Its id and handle stay
/// taken, so nobody else can become this actor on other servers.
pub async fn wipe_actor(conn: &mut DbConn, me: ActorId, now: chrono::NaiveDateTime) -> DbResult<()> {
    dispatch!(conn, c => diesel::update(actor::table.find(me))
        .set((
            actor::deleted.eq(true),
            actor::display_name.eq(""),
            actor::summary.eq(""),
            actor::icon_url.eq(None::<String>),
            actor::image_url.eq(None::<String>),
            actor::place_id.eq(None::<i64>),
            actor::discoverable.eq(false),
            actor::updated_at.eq(now),
        ))
        .execute(c)
        .await)?;
    Ok(())
}
