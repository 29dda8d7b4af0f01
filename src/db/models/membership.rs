//! `membership`: who belongs to a group, in which role, and where their request or invitation
//! stands. Membership is not following: a member may follow or not, and a follower is no member.

use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use super::actor::{Actor, ActorId};
use super::text_enum;
use crate::db::schema::{actor, membership};
use crate::db::{DbConn, DbResult, now};
use crate::dispatch;

text_enum! {
    /// A member's role within one group (not the site-wide `local_user.role`).
    pub enum GroupRole {
        Member = "member",
        /// A buurtverbinder of the group: accepts members, moderates discussions.
        Moderator = "moderator",
        /// Also edits the group and changes roles.
        Administrator = "administrator",
    }
}

impl GroupRole {
    /// How much the role may do: member < moderator < administrator.
    pub fn rank(self) -> u8 {
        match self {
            GroupRole::Member => 0,
            GroupRole::Moderator => 1,
            GroupRole::Administrator => 2,
        }
    }
}

text_enum! {
    pub enum MemberState {
        /// Asked to join; waits for a moderator.
        Pending = "pending",
        /// Invited by a moderator; waits for the invitee.
        Invited = "invited",
        Accepted = "accepted",
        /// Removed and kept out: may not ask again.
        Banned = "banned",
    }
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = membership)]
pub struct Membership {
    pub id: i64,
    pub group_id: ActorId,
    pub member_id: ActorId,
    pub role: String,
    pub state: String,
    pub ap_id: String,
    pub invited_by: Option<ActorId>,
    pub message: String,
    pub created_at: chrono::NaiveDateTime,
    pub updated_at: chrono::NaiveDateTime,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = membership)]
pub struct MembershipInsert<'a> {
    pub group_id: ActorId,
    pub member_id: ActorId,
    pub role: &'a str,
    pub state: &'a str,
    pub ap_id: &'a str,
    pub invited_by: Option<ActorId>,
    pub message: &'a str,
    pub created_at: chrono::NaiveDateTime,
    pub updated_at: chrono::NaiveDateTime,
}

impl Membership {
    /// Unknown text reads as the least: a member, and not accepted.
    pub fn role(&self) -> GroupRole {
        GroupRole::parse(&self.role).unwrap_or(GroupRole::Member)
    }
    pub fn state(&self) -> MemberState {
        MemberState::parse(&self.state).unwrap_or(MemberState::Pending)
    }
    /// An accepted member (any role).
    pub fn is_member(&self) -> bool {
        self.state() == MemberState::Accepted
    }
    /// An accepted moderator or administrator.
    pub fn moderates(&self) -> bool {
        self.is_member() && self.role().rank() >= GroupRole::Moderator.rank()
    }

    pub async fn insert(conn: &mut DbConn, form: &MembershipInsert<'_>) -> DbResult<Membership> {
        dispatch!(conn, c => diesel::insert_into(membership::table)
            .values(form)
            .returning(Membership::as_returning())
            .get_result(c)
            .await)
        .map_err(Into::into)
    }

    pub async fn find(conn: &mut DbConn, group: ActorId, member: ActorId) -> DbResult<Option<Membership>> {
        dispatch!(conn, c => membership::table
            .filter(membership::group_id.eq(group))
            .filter(membership::member_id.eq(member))
            .select(Membership::as_select())
            .first(c)
            .await
            .optional())
        .map_err(Into::into)
    }

    pub async fn by_ap_id(conn: &mut DbConn, ap_id: &str) -> DbResult<Option<Membership>> {
        dispatch!(conn, c => membership::table
            .filter(membership::ap_id.eq(ap_id))
            .select(Membership::as_select())
            .first(c)
            .await
            .optional())
        .map_err(Into::into)
    }

    /// Sets the state and role of a membership.
    pub async fn set(conn: &mut DbConn, id: i64, state: MemberState, role: GroupRole) -> DbResult<()> {
        dispatch!(conn, c => diesel::update(membership::table.find(id))
            .set((
                membership::state.eq(state.as_str()),
                membership::role.eq(role.as_str()),
                membership::updated_at.eq(now()),
            ))
            .execute(c)
            .await)?;
        Ok(())
    }

    pub async fn delete(conn: &mut DbConn, id: i64) -> DbResult<usize> {
        dispatch!(conn, c => diesel::delete(membership::table.find(id)).execute(c).await).map_err(Into::into)
    }

    /// The members of a group in a state with their actors: administrators first, then
    /// moderators, then by name; `after` pages by name key.
    pub async fn of_group(
        conn: &mut DbConn,
        group: ActorId,
        state: MemberState,
        limit: i64,
        offset: i64,
    ) -> DbResult<Vec<(Membership, Actor)>> {
        let mut rows: Vec<(Membership, Actor)> = dispatch!(conn, c => membership::table
            .inner_join(actor::table.on(actor::id.eq(membership::member_id)))
            .filter(membership::group_id.eq(group))
            .filter(membership::state.eq(state.as_str()))
            .filter(actor::deleted.eq(false))
            .order((actor::name_key.asc(), actor::id.asc()))
            .select((Membership::as_select(), Actor::as_select()))
            .limit(limit)
            .offset(offset)
            .load(c)
            .await)?;
        rows.sort_by_key(|(m, _)| std::cmp::Reverse(m.role().rank()));
        Ok(rows)
    }

    /// How many accepted members a group has (one indexed count).
    pub async fn count(conn: &mut DbConn, group: ActorId, state: MemberState) -> DbResult<i64> {
        dispatch!(conn, c => membership::table
            .filter(membership::group_id.eq(group))
            .filter(membership::state.eq(state.as_str()))
            .count()
            .get_result(c)
            .await)
        .map_err(Into::into)
    }

    /// How many accepted members of a group hold `role` (one indexed count).
    pub async fn count_role(conn: &mut DbConn, group: ActorId, role: GroupRole) -> DbResult<i64> {
        dispatch!(conn, c => membership::table
            .filter(membership::group_id.eq(group))
            .filter(membership::state.eq(MemberState::Accepted.as_str()))
            .filter(membership::role.eq(role.as_str()))
            .count()
            .get_result(c)
            .await)
        .map_err(Into::into)
    }

    /// The accepted members of a group on other servers: who receives its Delete.
    pub async fn remote_members(conn: &mut DbConn, group: ActorId) -> DbResult<Vec<ActorId>> {
        dispatch!(conn, c => membership::table
            .inner_join(actor::table.on(actor::id.eq(membership::member_id)))
            .filter(membership::group_id.eq(group))
            .filter(membership::state.eq(MemberState::Accepted.as_str()))
            .filter(actor::local.eq(false))
            .select(actor::id)
            .load(c)
            .await)
        .map_err(Into::into)
    }

    /// The inboxes (shared where there is one) of a group's accepted members on other servers,
    /// with their instances: where its members-only content goes.
    pub async fn remote_member_inboxes(conn: &mut DbConn, group: ActorId) -> DbResult<Vec<(String, i64)>> {
        let rows: Vec<(String, Option<String>, Option<i64>)> = dispatch!(conn, c => membership::table
            .inner_join(actor::table.on(actor::id.eq(membership::member_id)))
            .filter(membership::group_id.eq(group))
            .filter(membership::state.eq(MemberState::Accepted.as_str()))
            .filter(actor::local.eq(false))
            .select((actor::inbox_url, actor::shared_inbox_url, actor::instance_id))
            .load(c)
            .await)?;
        Ok(super::actor::delivery_inboxes(rows))
    }

    /// Whether any local person belongs to `group` (accepted): a group elsewhere's posts are
    /// then stored.
    pub async fn has_local_member(conn: &mut DbConn, group: ActorId) -> DbResult<bool> {
        let n: i64 = dispatch!(conn, c => membership::table
            .inner_join(actor::table.on(actor::id.eq(membership::member_id)))
            .filter(membership::group_id.eq(group))
            .filter(membership::state.eq(MemberState::Accepted.as_str()))
            .filter(actor::local.eq(true))
            .count()
            .get_result(c)
            .await)?;
        Ok(n > 0)
    }

    /// Which of `groups` `member` belongs to (accepted): the set form of a membership check.
    pub async fn accepted_among(
        conn: &mut DbConn,
        member: ActorId,
        groups: &[ActorId],
    ) -> DbResult<std::collections::HashSet<ActorId>> {
        if groups.is_empty() {
            return Ok(Default::default());
        }
        let rows: Vec<ActorId> = dispatch!(conn, c => membership::table
            .filter(membership::member_id.eq(member))
            .filter(membership::group_id.eq_any(groups))
            .filter(membership::state.eq(MemberState::Accepted.as_str()))
            .select(membership::group_id)
            .load(c)
            .await)?;
        Ok(rows.into_iter().collect())
    }

    /// The accepted moderators and administrators of a group.
    pub async fn moderators(conn: &mut DbConn, group: ActorId) -> DbResult<Vec<Actor>> {
        let roles = [GroupRole::Moderator.as_str(), GroupRole::Administrator.as_str()];
        dispatch!(conn, c => membership::table
            .inner_join(actor::table.on(actor::id.eq(membership::member_id)))
            .filter(membership::group_id.eq(group))
            .filter(membership::state.eq(MemberState::Accepted.as_str()))
            .filter(membership::role.eq_any(roles))
            .order(actor::id.asc())
            .select(Actor::as_select())
            .load(c)
            .await)
        .map_err(Into::into)
    }

    /// The groups an actor belongs to (accepted) whose members anyone may see, by name, at most
    /// `limit`.
    pub async fn public_groups_of(conn: &mut DbConn, member: ActorId, limit: i64) -> DbResult<Vec<Actor>> {
        use crate::db::models::group_profile::ContentVisibility;
        use crate::db::schema::group_profile;
        dispatch!(conn, c => membership::table
            .inner_join(actor::table.on(actor::id.eq(membership::group_id)))
            .inner_join(group_profile::table.on(group_profile::actor_id.eq(membership::group_id)))
            .filter(membership::member_id.eq(member))
            .filter(membership::state.eq(MemberState::Accepted.as_str()))
            .filter(group_profile::content.eq(ContentVisibility::Public.as_str()))
            .filter(actor::deleted.eq(false))
            .order((actor::name_key.asc(), actor::id.asc()))
            .select(Actor::as_select())
            .limit(limit)
            .load(c)
            .await)
        .map_err(Into::into)
    }

    /// The groups an actor belongs to (accepted), with their actors, by name.
    pub async fn groups_of(conn: &mut DbConn, member: ActorId) -> DbResult<Vec<(Membership, Actor)>> {
        dispatch!(conn, c => membership::table
            .inner_join(actor::table.on(actor::id.eq(membership::group_id)))
            .filter(membership::member_id.eq(member))
            .filter(membership::state.eq(MemberState::Accepted.as_str()))
            .filter(actor::deleted.eq(false))
            .order((actor::name_key.asc(), actor::id.asc()))
            .select((Membership::as_select(), Actor::as_select()))
            .load(c)
            .await)
        .map_err(Into::into)
    }

    /// The invitations an actor has not answered yet, with their groups, newest first.
    pub async fn invitations_of(conn: &mut DbConn, member: ActorId) -> DbResult<Vec<(Membership, Actor)>> {
        dispatch!(conn, c => membership::table
            .inner_join(actor::table.on(actor::id.eq(membership::group_id)))
            .filter(membership::member_id.eq(member))
            .filter(membership::state.eq(MemberState::Invited.as_str()))
            .filter(actor::deleted.eq(false))
            .order(membership::id.desc())
            .select((Membership::as_select(), Actor::as_select()))
            .limit(100)
            .load(c)
            .await)
        .map_err(Into::into)
    }
}
