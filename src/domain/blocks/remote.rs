//! Blocks from elsewhere: an actor on another server blocks one of our people (`Block`), or
//! lifts it (`Undo(Block)`). The block is stored as ours are, so the same rule reads it: the
//! follows end both ways (nothing of our person's followers-only posts goes to them any more),
//! they cannot follow again, and they no longer notify our person or see their posts here.

use crate::db::DbConn;
use crate::db::models::actor::Actor;
use crate::db::models::actor_block::ActorBlock;
use crate::db::models::follow::Follow;
use crate::domain::DomainResult;

/// `actor` blocks the local actor `target` (its id as the Block named it); an unknown or
/// remote target concerns nobody here.
pub async fn blocked(conn: &mut DbConn, actor: &Actor, block_id: &str, target: &str) -> DomainResult<()> {
    let Some(target) = Actor::by_ap_id(conn, target).await?.filter(|t| t.local) else {
        tracing::debug!(actor = %actor.ap_id, target, "block of an actor not here");
        return Ok(());
    };
    ActorBlock::insert(conn, actor.id, target.id, block_id).await?;
    Follow::delete(conn, actor.id, target.id).await?;
    Follow::delete(conn, target.id, actor.id).await?;
    tracing::info!(actor = %actor.ap_id, target = %target.ap_id, "blocked by a remote actor");
    Ok(())
}

/// `actor` lifts its block: by the Block's id, else by the target it names.
pub async fn unblocked(conn: &mut DbConn, actor: &Actor, block_id: &str, target: Option<&str>) -> DomainResult<()> {
    let mut block = ActorBlock::by_ap_id(conn, block_id).await?;
    if block.is_none()
        && let Some(target) = target
        && let Some(target) = Actor::by_ap_id(conn, target).await?
    {
        block = ActorBlock::find(conn, actor.id, target.id).await?;
    }
    if let Some(b) = block.filter(|b| b.actor_id == actor.id) {
        ActorBlock::delete(conn, b.actor_id, b.target_id).await?;
    }
    Ok(())
}
