//! Blocks on the wire: `Block` of an actor, and its `Undo`. Mutes and hidden posts never leave
//! this server.

use crate::apub::protocol::{Activity, ActivityKind, Addresses, Id};
use crate::db::models::actor::Actor;

/// `Block` of `target` by `actor`, addressed to the target only (Mastodon, Misskey and Pleroma
/// read `object` as the blocked actor's id).
pub fn block(id: &str, actor: &Actor, target: &Actor) -> Activity<Id> {
    Activity::new(id, ActivityKind::Block, actor.ap_id.clone(), Id(target.ap_id.clone()))
        .to(Addresses::list([target.ap_id.clone()]))
}
