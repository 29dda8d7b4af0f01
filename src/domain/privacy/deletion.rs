//! Deleting an account, by its owner (after their password) or by an admin: the actor becomes a
//! Tombstone (410) and a `Delete` of it goes to the servers that know the person; sessions and
//! tokens end; the e-mail address is freed; follows, memberships and the person's own records
//! go. Their posts are removed (tombstoned, images deleted) or kept as by a former resident.

use crate::apub::protocol::{self, Activity, ActivityKind, Addresses, PUBLIC};
use crate::db::models::actor::Actor;
use crate::db::models::local_user::{Account, Role};
use crate::db::models::oauth::{OauthCode, OauthToken};
use crate::db::{erasure, now};
use crate::domain::outbox::{enqueue, new_activity_id};
use crate::domain::validate::FieldErrors;
use crate::domain::{DomainError, DomainResult, password};
use crate::state::AppState;

/// What happens to the person's posts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Content {
    /// Every post becomes a tombstone and every image is deleted.
    Remove,
    /// Posts stay readable, shown as by a former resident, without name or profile.
    Anonymise,
}

impl Content {
    /// `remove` or `anonymise` (also `anonymize`), as forms and the API send it.
    pub fn parse(s: &str) -> Option<Content> {
        match s.trim() {
            "remove" => Some(Content::Remove),
            "anonymise" | "anonymize" => Some(Content::Anonymise),
            _ => None,
        }
    }
}

/// The owner deletes their own account: the password must be right and the choice made, and
/// the last active admin may not leave the instance without one. Errors name the form field
/// (`password`, `content`, or `account` for the last admin) with a message key; nothing
/// changes then.
pub async fn delete_own_account(
    state: &AppState,
    account: &Account,
    password_given: &str,
    content: Option<Content>,
) -> DomainResult<()> {
    let mut errors = FieldErrors::default();
    if !password::verify(Some(account.user.password_hash.clone()), password_given).await {
        errors.add("password", "error-password-wrong");
    }
    if content.is_none() {
        errors.add("content", "privacy-delete-choose");
    }
    if account.user.role() == Role::Admin {
        let mut conn = state.pool.get().await?;
        if erasure::other_active_admins(&mut conn, account.user.id).await? == 0 {
            errors.add("account", "privacy-delete-last-admin");
        }
    }
    errors.into_result()?;
    delete_account(state, account, content.unwrap_or(Content::Remove)).await
}

/// Deletes a local account (also `buurt admin delete-user`), in one transaction; the files of
/// removed images are deleted after it committed.
pub async fn delete_account(state: &AppState, account: &Account, content: Content) -> DomainResult<()> {
    crate::domain::actors::prepare_keys(&state.pool, &account.actor).await?;
    let mut tx = state.pool.begin().await?;
    let actor = Actor::by_id(&mut tx, account.actor.id).await?.ok_or(DomainError::NotFound)?;
    if actor.deleted {
        return Err(DomainError::NotFound);
    }
    let actor = crate::domain::actors::ensure_keys(&mut tx, actor).await?;
    // Addressed to each server that knows the person, read before follows and memberships go.
    let contacts = erasure::remote_contacts(&mut tx, actor.id).await?;
    let id = new_activity_id(&state.base_url, "delete");
    let delete = Activity::new(id, ActivityKind::Delete, actor.ap_id.clone(), protocol::Id(actor.ap_id.clone()))
        .to(Addresses::list([PUBLIC]))
        .cc(Addresses::list(actor.followers_url.clone()));
    enqueue(&mut tx, &actor, &delete, false, &contacts).await?;
    let at = now();
    let files = match content {
        Content::Remove => {
            erasure::remove_posts(&mut tx, actor.id, at).await?;
            erasure::remove_media(&mut tx, actor.id, false).await?
        }
        Content::Anonymise => erasure::remove_media(&mut tx, actor.id, true).await?,
    };
    // Their answers to events go (their seats to the first in line), and with "remove" the
    // events they organised themselves.
    crate::domain::events::rsvp::forget_person(&mut tx, state, actor.id, content == Content::Remove).await?;
    erasure::remove_relations(&mut tx, actor.id, account.user.id).await?;
    crate::db::models::session::delete_others(&mut tx, account.user.id, None).await?;
    OauthToken::delete_for_user(&mut tx, account.user.id).await?;
    OauthCode::delete_for_user(&mut tx, account.user.id).await?;
    erasure::wipe_account(&mut tx, account.user.id, at).await?;
    erasure::wipe_actor(&mut tx, actor.id, at).await?;
    tx.commit().await?;
    state.delivery_wake.notify_waiters();
    state.media.storage.delete_all(&files).await;
    tracing::info!(actor = %actor.ap_id, ?content, "account deleted");
    Ok(())
}
