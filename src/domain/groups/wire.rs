//! Membership on the wire, in Mobilizon's shapes: `Join{id, actor, object: group}` answered by
//! `Accept{object: Member{id, actor, object: group, role}}` or `Reject{object: Join}`,
//! `Leave{object: group}`, `Invite{object: group, target: invitee}` and
//! `Remove{object: Member, origin: group}`, `Update{object: Member}` of a changed role, and an
//! invitee's `Accept`/`Reject{object: Member}`. The Join's id is the membership's id: answers are
//! matched on it.

use serde::Serialize;

use crate::apub::protocol::{Activity, ActivityKind, Addresses, Id};
use crate::db::models::actor::Actor;
use crate::db::models::membership::GroupRole;

/// Mobilizon's `Member` object: who belongs to which group in which role.
#[derive(Debug, Clone, Serialize)]
pub struct Member {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub id: String,
    pub actor: String,
    pub object: String,
    pub role: &'static str,
}

impl Member {
    pub fn new(id: &str, member: &Actor, group: &Actor, role: GroupRole) -> Member {
        Member {
            kind: "Member",
            id: id.to_string(),
            actor: member.ap_id.clone(),
            object: group.ap_id.clone(),
            role: role.as_str(),
        }
    }
}

/// A person asks to join a group.
pub fn join(id: &str, member: &Actor, group: &Actor) -> Activity<Id> {
    Activity::new(id, ActivityKind::Join, member.ap_id.clone(), Id(group.ap_id.clone()))
        .to(Addresses::list([group.ap_id.clone()]))
}

/// The group accepts a member.
pub fn accept(id: &str, group: &Actor, member: &Member) -> Activity<Member> {
    Activity::new(id, ActivityKind::Accept, group.ap_id.clone(), member.clone())
        .to(Addresses::list([member.actor.clone()]))
}

/// The group refuses a request to join: the Join embedded, its id echoed.
pub fn reject(id: &str, group: &Actor, join_id: &str, member: &Actor) -> Activity<Activity<Id>> {
    let join = Activity::new(join_id, ActivityKind::Join, member.ap_id.clone(), Id(group.ap_id.clone()));
    Activity::new(id, ActivityKind::Reject, group.ap_id.clone(), join).to(Addresses::list([member.ap_id.clone()]))
}

/// A member leaves.
pub fn leave(id: &str, member: &Actor, group: &Actor) -> Activity<Id> {
    Activity::new(id, ActivityKind::Leave, member.ap_id.clone(), Id(group.ap_id.clone()))
        .to(Addresses::list([group.ap_id.clone()]))
}

/// The group invites someone.
pub fn invite(id: &str, group: &Actor, invitee: &Actor) -> Activity<Id> {
    let mut invite = Activity::new(id, ActivityKind::Invite, group.ap_id.clone(), Id(group.ap_id.clone()))
        .to(Addresses::list([invitee.ap_id.clone()]));
    invite.target = Some(Id(invitee.ap_id.clone()));
    invite
}

/// The group removes a member.
pub fn remove(id: &str, group: &Actor, member: &Member) -> Activity<Member> {
    let mut remove = Activity::new(id, ActivityKind::Remove, group.ap_id.clone(), member.clone())
        .to(Addresses::list([member.actor.clone()]));
    remove.target = Some(Id(group.ap_id.clone()));
    remove
}

/// A person accepts (`Accept`) or declines (`Reject`) a group's invitation: the object is the
/// `Member` whose id is the Invite's, which Mobilizon looks the membership up by.
pub fn answer_invite(id: &str, accept: bool, person: &Actor, group: &Actor, member: &Member) -> Activity<Member> {
    let kind = if accept { ActivityKind::Accept } else { ActivityKind::Reject };
    Activity::new(id, kind, person.ap_id.clone(), member.clone()).to(Addresses::list([group.ap_id.clone()]))
}

/// The group tells of a member's changed role: an `Update` of the `Member` (Mobilizon).
pub fn update_member(id: &str, group: &Actor, member: &Member) -> Activity<Member> {
    Activity::new(id, ActivityKind::Update, group.ap_id.clone(), member.clone())
        .to(Addresses::list([member.actor.clone()]))
}
