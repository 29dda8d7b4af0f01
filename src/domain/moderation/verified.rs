//! Verified organisations: admins mark an organisation (the municipality's own, a care
//! provider) as checked to be who it says it is. Official responses and municipal news come
//! only from verified organisations (`is_verified`); pages show a badge and the client API a
//! verified profile field.

use crate::db::models::actor::{Actor, ActorId, ActorKind, ActorUpdate};
use crate::db::models::local_user::{Account, Role, Status};
use crate::db::now;
use crate::domain::{DomainError, DomainResult};
use crate::state::AppState;

/// Whether `actor` is a verified organisation.
pub fn is_verified(actor: &Actor) -> bool {
    actor.kind() == ActorKind::Organization && actor.verified_at.is_some()
}

/// An admin verifies organisation `org` (here or on another server), or withdraws it.
pub async fn set_verified(state: &AppState, by: &Account, org: ActorId, verified: bool) -> DomainResult<Actor> {
    if by.user.status() != Status::Active || by.user.role() != Role::Admin {
        return Err(DomainError::Forbidden);
    }
    let mut conn = state.pool.write().await?;
    let actor = Actor::by_id(&mut conn, org).await?.filter(|a| !a.deleted).ok_or(DomainError::NotFound)?;
    if actor.kind() != ActorKind::Organization {
        return Err(DomainError::NotFound);
    }
    let form = if verified {
        ActorUpdate { verified_at: Some(Some(now())), verified_by: Some(Some(by.actor.id)), ..Default::default() }
    } else {
        ActorUpdate { verified_at: Some(None), verified_by: Some(None), ..Default::default() }
    };
    Actor::update(&mut conn, actor.id, &form).await?;
    tracing::info!(organisation = %actor.name_key, verified, admin = %by.actor.username, "verification changed");
    Actor::by_id(&mut conn, org).await?.ok_or(DomainError::NotFound)
}
