//! Who may do what in a group: the one place that decides it. A person's standing in a group
//! is their membership there (role and state) together with their site-wide role: a site
//! moderator (a buurtverbinder) moderates every group of the instance, a site admin also
//! administers them; group roles act within their own group only.

use crate::config::GroupCreation;
use crate::db::models::actor::ActorId;
use crate::db::models::group_profile::{ContentVisibility, GroupProfile, GroupStatus, Openness, Posting};
use crate::db::models::local_user::{Account, Role, Status};
use crate::db::models::membership::{GroupRole, MemberState, Membership};
use crate::db::{DbConn, DbResult};

/// A person's standing in one group.
#[derive(Debug, Clone, Default)]
pub struct Standing {
    /// Their site-wide role, for a local account that is active.
    pub site: Option<Role>,
    /// Their membership (in any state), if any.
    pub membership: Option<Membership>,
}

impl Standing {
    /// The standing of `account` (none: an anonymous visitor) in `group`.
    pub async fn of(conn: &mut DbConn, group: ActorId, account: Option<&Account>) -> DbResult<Standing> {
        let Some(account) = account else { return Ok(Standing::default()) };
        Standing::of_actor(conn, group, account.actor.id, Some(account)).await
    }

    /// The standing of an actor, local (with its account) or remote.
    pub async fn of_actor(
        conn: &mut DbConn,
        group: ActorId,
        actor: ActorId,
        account: Option<&Account>,
    ) -> DbResult<Standing> {
        let site = account.filter(|a| a.user.status() == Status::Active).map(|a| a.user.role());
        Ok(Standing { site, membership: Membership::find(conn, group, actor).await? })
    }

    pub fn state(&self) -> Option<MemberState> {
        self.membership.as_ref().map(Membership::state)
    }

    /// An accepted member (any role).
    pub fn is_member(&self) -> bool {
        self.state() == Some(MemberState::Accepted)
    }

    /// Kept out of the group by its moderators.
    pub fn is_banned(&self) -> bool {
        self.state() == Some(MemberState::Banned)
    }

    /// The role they hold as an accepted member.
    pub fn role(&self) -> Option<GroupRole> {
        self.membership.as_ref().filter(|m| m.is_member()).map(Membership::role)
    }

    /// Accepts members, moderates discussions: a group moderator or administrator, or a site
    /// moderator or admin.
    pub fn moderates(&self) -> bool {
        self.site.is_some_and(|r| r >= Role::Moderator) || self.role().is_some_and(|r| r.rank() >= 1)
    }

    /// Edits the group and changes roles: a group administrator or a site admin.
    pub fn administers(&self) -> bool {
        self.site == Some(Role::Admin) || self.role() == Some(GroupRole::Administrator)
    }
}

/// Whether someone with `standing` sees the group's discussions and member list.
pub fn sees_content(profile: &GroupProfile, standing: &Standing) -> bool {
    match profile.status() {
        GroupStatus::Pending => standing.moderates(),
        _ => profile.content() == ContentVisibility::Public || standing.is_member() || standing.moderates(),
    }
}

/// Whether the group is shown at all (its page, the directory): a pending group only to the
/// site's moderators and its own administrators.
pub fn sees_group(profile: &GroupProfile, standing: &Standing) -> bool {
    profile.status() != GroupStatus::Pending || standing.moderates()
}

/// Whether someone with `standing` may start threads and reply in the group.
pub fn may_post(profile: &GroupProfile, standing: &Standing) -> bool {
    if profile.status() != GroupStatus::Active || standing.is_banned() {
        return false;
    }
    match profile.posting() {
        Posting::Anyone => profile.content() == ContentVisibility::Public || standing.is_member(),
        Posting::Members => standing.is_member(),
        Posting::Moderators => standing.role().is_some_and(|r| r.rank() >= 1) || standing.moderates(),
    }
}

/// What asking to join leads to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JoinAnswer {
    /// A member at once.
    Accepted,
    /// A request the group's moderators answer.
    Pending,
    /// Not possible: the message key says why.
    Refused(&'static str),
}

/// What a request to join by someone with `standing` leads to.
pub fn join_answer(profile: &GroupProfile, standing: &Standing) -> JoinAnswer {
    if profile.status() != GroupStatus::Active {
        return JoinAnswer::Refused("error-group-closed");
    }
    match standing.state() {
        Some(MemberState::Accepted) => return JoinAnswer::Accepted,
        Some(MemberState::Banned) => return JoinAnswer::Refused("error-group-banned"),
        Some(MemberState::Invited) => return JoinAnswer::Accepted,
        Some(MemberState::Pending) => return JoinAnswer::Pending,
        None => {}
    }
    match profile.openness() {
        Openness::Open => JoinAnswer::Accepted,
        Openness::Approval => JoinAnswer::Pending,
        Openness::Invite => JoinAnswer::Refused("error-group-invite-only"),
    }
}

/// The status a new group of `account`'s starts in under the instance's rule `who`, or `None`
/// when they may not create one.
pub fn creation(who: GroupCreation, account: &Account) -> Option<GroupStatus> {
    let active = account.user.status() == Status::Active;
    let staff = account.user.role() >= Role::Moderator;
    match (active, who) {
        (false, _) => None,
        (true, _) if staff => Some(GroupStatus::Active),
        (true, GroupCreation::Anyone) => Some(GroupStatus::Active),
        (true, GroupCreation::Approval) => Some(GroupStatus::Pending),
        (true, GroupCreation::Staff) => None,
    }
}
