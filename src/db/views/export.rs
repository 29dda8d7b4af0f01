//! Everything stored about one local person, for "download my data": their rows in every table,
//! with the other side of each relation named by its ActivityPub id. Only what is theirs:
//! reports they filed (not reports about them, not other reporters), moderation decisions about
//! them and their appeals (not who decided or who reported).

use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use crate::db::models::actor::ActorId;
use crate::db::models::local_user::LocalUserId;
use crate::db::models::media::Media;
use crate::db::models::moderation_action::{Appeal, ModerationAction};
use crate::db::models::notification_preference::NotificationPreference;
use crate::db::models::post::{Post, PostId};
use crate::db::models::post_edit::PostEdit;
use crate::db::schema::{
    actor, actor_block, actor_mute, announce, domain_block_personal, event, event_participant, follow, hidden_post,
    media, membership, moderation_action, moderation_appeal, post, post_edit, post_like, push_subscription, report,
};
use crate::db::{DbConn, DbResult};
use crate::dispatch;

type Time = chrono::NaiveDateTime;

/// A relation to another actor or post: its ActivityPub id and when it was made.
#[derive(Debug, Clone)]
pub struct Link {
    pub ap_id: String,
    pub created_at: Time,
}

/// A follow, with whether it was accepted.
#[derive(Debug, Clone)]
pub struct FollowLink {
    pub ap_id: String,
    pub accepted: bool,
    pub created_at: Time,
}

/// A membership of a group.
#[derive(Debug, Clone)]
pub struct MembershipLink {
    pub group: String,
    pub role: String,
    pub state: String,
    pub created_at: Time,
}

/// An answer to an event.
#[derive(Debug, Clone)]
pub struct EventAnswer {
    pub event: String,
    pub title: String,
    pub state: String,
    pub message: String,
    pub created_at: Time,
}

/// A mute of an actor.
#[derive(Debug, Clone)]
pub struct MuteLink {
    pub ap_id: String,
    pub notifications: bool,
    pub expires_at: Option<Time>,
    pub created_at: Time,
}

/// A report the person filed: what about, why, and how it ended.
#[derive(Debug, Clone, Queryable)]
pub struct FiledReport {
    pub id: i64,
    pub subject_kind: String,
    pub post_id: Option<PostId>,
    pub actor_id: Option<ActorId>,
    pub group_id: Option<ActorId>,
    pub category: String,
    pub legal_ground: Option<String>,
    pub comment: String,
    pub forward: bool,
    pub state: String,
    pub resolution: Option<String>,
    pub created_at: Time,
    pub resolved_at: Option<Time>,
}

/// Everything stored about one person.
#[derive(Debug, Clone, Default)]
pub struct PersonData {
    pub posts: Vec<Post>,
    pub post_edits: Vec<PostEdit>,
    pub likes: Vec<Link>,
    pub boosts: Vec<Link>,
    pub following: Vec<FollowLink>,
    pub followers: Vec<FollowLink>,
    pub memberships: Vec<MembershipLink>,
    pub event_answers: Vec<EventAnswer>,
    /// Ids of the events the person organised themselves.
    pub events_organised: Vec<String>,
    pub neighbourhood: Option<String>,
    pub notification_preferences: Vec<NotificationPreference>,
    pub push_endpoints: Vec<Link>,
    pub blocks: Vec<Link>,
    pub mutes: Vec<MuteLink>,
    pub domain_blocks: Vec<Link>,
    pub hidden_posts: Vec<Link>,
    pub reports: Vec<FiledReport>,
    pub decisions: Vec<ModerationAction>,
    pub appeals: Vec<Appeal>,
    pub media: Vec<Media>,
}

fn links(rows: Vec<(String, Time)>) -> Vec<Link> {
    rows.into_iter().map(|(ap_id, created_at)| Link { ap_id, created_at }).collect()
}

fn follow_links(rows: Vec<(String, bool, Time)>) -> Vec<FollowLink> {
    rows.into_iter().map(|(ap_id, accepted, created_at)| FollowLink { ap_id, accepted, created_at }).collect()
}

/// Reads everything stored about the person with actor `me` and account `user`.
pub async fn person_data(
    conn: &mut DbConn,
    me: ActorId,
    user: LocalUserId,
    home: Option<ActorId>,
) -> DbResult<PersonData> {
    let posts = dispatch!(conn, c => post::table
        .filter(post::author_id.eq(me))
        .order(post::id.asc())
        .select(Post::as_select())
        .load(c)
        .await)?;
    let mut data = PersonData { posts, ..Default::default() };
    let mine = post::table.filter(post::author_id.eq(me)).select(post::id);
    data.post_edits = dispatch!(conn, c => post_edit::table
        .filter(post_edit::post_id.eq_any(mine))
        .order(post_edit::id.asc())
        .select(PostEdit::as_select())
        .load(c)
        .await)?;
    data.likes = links(dispatch!(conn, c => post_like::table
        .inner_join(post::table.on(post::id.eq(post_like::post_id)))
        .filter(post_like::actor_id.eq(me))
        .order(post_like::id.asc())
        .select((post::ap_id, post_like::created_at))
        .load(c)
        .await)?);
    data.boosts = links(dispatch!(conn, c => announce::table
        .inner_join(post::table.on(post::id.eq(announce::post_id)))
        .filter(announce::actor_id.eq(me))
        .order(announce::id.asc())
        .select((post::ap_id, announce::created_at))
        .load(c)
        .await)?);
    data.following = follow_links(dispatch!(conn, c => follow::table
        .inner_join(actor::table.on(actor::id.eq(follow::target_id)))
        .filter(follow::follower_id.eq(me))
        .order(follow::id.asc())
        .select((actor::ap_id, follow::accepted, follow::created_at))
        .load(c)
        .await)?);
    data.followers = follow_links(dispatch!(conn, c => follow::table
        .inner_join(actor::table.on(actor::id.eq(follow::follower_id)))
        .filter(follow::target_id.eq(me))
        .order(follow::id.asc())
        .select((actor::ap_id, follow::accepted, follow::created_at))
        .load(c)
        .await)?);
    let memberships: Vec<(String, String, String, Time)> = dispatch!(conn, c => membership::table
        .inner_join(actor::table.on(actor::id.eq(membership::group_id)))
        .filter(membership::member_id.eq(me))
        .order(membership::id.asc())
        .select((actor::ap_id, membership::role, membership::state, membership::created_at))
        .load(c)
        .await)?;
    data.memberships = memberships
        .into_iter()
        .map(|(group, role, state, created_at)| MembershipLink { group, role, state, created_at })
        .collect();
    let answers: Vec<(String, String, String, String, Time)> = dispatch!(conn, c => event_participant::table
        .inner_join(event::table)
        .filter(event_participant::actor_id.eq(me))
        .order(event_participant::id.asc())
        .select((event::ap_id, event::title, event_participant::state, event_participant::message, event_participant::created_at))
        .load(c)
        .await)?;
    data.event_answers = answers
        .into_iter()
        .map(|(event, title, state, message, created_at)| EventAnswer { event, title, state, message, created_at })
        .collect();
    data.events_organised = dispatch!(conn, c => event::table
        .filter(event::organiser_id.eq(me).or(event::created_by.eq(me)))
        .order(event::id.asc())
        .select(event::ap_id)
        .load(c)
        .await)?;
    if let Some(home) = home {
        data.neighbourhood = dispatch!(conn, c => actor::table
            .filter(actor::id.eq(home))
            .select(actor::ap_id)
            .first(c)
            .await
            .optional())?;
    }
    data.notification_preferences = NotificationPreference::of(conn, user).await?;
    data.push_endpoints = links(dispatch!(conn, c => push_subscription::table
        .filter(push_subscription::actor_id.eq(me))
        .order(push_subscription::id.asc())
        .select((push_subscription::endpoint, push_subscription::created_at))
        .load(c)
        .await)?);
    data.blocks = links(dispatch!(conn, c => actor_block::table
        .inner_join(actor::table.on(actor::id.eq(actor_block::target_id)))
        .filter(actor_block::actor_id.eq(me))
        .order(actor_block::id.asc())
        .select((actor::ap_id, actor_block::created_at))
        .load(c)
        .await)?);
    let mutes: Vec<(String, bool, Option<Time>, Time)> = dispatch!(conn, c => actor_mute::table
        .inner_join(actor::table.on(actor::id.eq(actor_mute::target_id)))
        .filter(actor_mute::actor_id.eq(me))
        .order(actor_mute::id.asc())
        .select((actor::ap_id, actor_mute::notifications, actor_mute::expires_at, actor_mute::created_at))
        .load(c)
        .await)?;
    data.mutes = mutes
        .into_iter()
        .map(|(ap_id, notifications, expires_at, created_at)| MuteLink { ap_id, notifications, expires_at, created_at })
        .collect();
    data.domain_blocks = links(dispatch!(conn, c => domain_block_personal::table
        .filter(domain_block_personal::actor_id.eq(me))
        .order(domain_block_personal::id.asc())
        .select((domain_block_personal::domain, domain_block_personal::created_at))
        .load(c)
        .await)?);
    data.hidden_posts = links(dispatch!(conn, c => hidden_post::table
        .inner_join(post::table.on(post::id.eq(hidden_post::post_id)))
        .filter(hidden_post::actor_id.eq(me))
        .order(hidden_post::id.asc())
        .select((post::ap_id, hidden_post::created_at))
        .load(c)
        .await)?);
    data.reports = dispatch!(conn, c => report::table
        .filter(report::reporter_id.eq(me))
        .order(report::id.asc())
        .select((
            report::id,
            report::subject_kind,
            report::post_id,
            report::actor_id,
            report::group_id,
            report::category,
            report::legal_ground,
            report::comment,
            report::forward,
            report::state,
            report::resolution,
            report::created_at,
            report::resolved_at,
        ))
        .load(c)
        .await)?;
    let my_posts = post::table.filter(post::author_id.eq(me)).select(post::id.nullable());
    data.decisions = dispatch!(conn, c => moderation_action::table
        .filter(moderation_action::target_actor_id.eq(me).or(moderation_action::post_id.eq_any(my_posts)))
        .order(moderation_action::id.asc())
        .select(ModerationAction::as_select())
        .load(c)
        .await)?;
    data.appeals = dispatch!(conn, c => moderation_appeal::table
        .filter(moderation_appeal::appellant_id.eq(me))
        .order(moderation_appeal::id.asc())
        .select(Appeal::as_select())
        .load(c)
        .await)?;
    data.media = dispatch!(conn, c => media::table
        .filter(media::owner_id.eq(me))
        .order(media::id.asc())
        .select(Media::as_select())
        .load(c)
        .await)?;
    Ok(data)
}
