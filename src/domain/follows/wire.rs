//! Follows on the wire: Follow, its Accept, and the Undo of it.

use crate::apub::protocol::{Activity, ActivityKind, Addresses, Id};
use crate::db::models::actor::Actor;

pub fn follow(id: &str, follower: &Actor, target: &Actor) -> Activity<Id> {
    Activity::new(id, ActivityKind::Follow, follower.ap_id.clone(), Id(target.ap_id.clone()))
        .to(Addresses::list([target.ap_id.clone()]))
}

/// Accept (or Reject) of a Follow, with the Follow embedded and its id echoed verbatim.
pub fn answer(
    kind: ActivityKind,
    id: &str,
    target: &Actor,
    follow_id: &str,
    follower: &Actor,
) -> Activity<Activity<Id>> {
    let follow = Activity::new(follow_id, ActivityKind::Follow, follower.ap_id.clone(), Id(target.ap_id.clone()));
    Activity::new(id, kind, target.ap_id.clone(), follow).to(Addresses::list([follower.ap_id.clone()]))
}

/// The Undo of an activity, addressed as it was.
pub fn undo<O>(id: &str, actor: &Actor, inner: Activity<O>) -> Activity<Activity<O>> {
    let to = inner.to.clone().unwrap_or_default();
    let cc = inner.cc.clone().unwrap_or_default();
    Activity::new(id, ActivityKind::Undo, actor.ap_id.clone(), inner).to(to).cc(cc)
}
