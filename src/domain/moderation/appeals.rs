//! Appeals: the person affected by a decision asks the admins to look again (DSA article 20);
//! the admins uphold it or undo it, and the person is told with reasons.

use crate::db::models::local_user::{Account, Role, Status};
use crate::db::models::moderation_action::{ActionId, Appeal, AppealState, ModerationAction};
use crate::db::models::notification::Audience;
use crate::db::now;
use crate::domain::notifications::{self, Notice, kinds};
use crate::domain::validate::FieldErrors;
use crate::domain::{DomainError, DomainResult};
use crate::state::AppState;

/// How long after a decision it can be appealed (the DSA asks at least six months).
pub const APPEAL_DAYS: i64 = 183;
/// The longest appeal or answer.
pub const MAX_TEXT: usize = 5000;

fn checked_text(field: &'static str, text: &str) -> DomainResult<String> {
    let text = text.trim();
    if text.is_empty() {
        return Err(DomainError::Invalid(FieldErrors::one(field, "error-appeal-text-required")));
    }
    if text.chars().count() > MAX_TEXT {
        return Err(DomainError::Invalid(FieldErrors::one(field, "error-appeal-text-long")));
    }
    Ok(text.to_string())
}

/// The person affected appeals decision `id`, once, within [`APPEAL_DAYS`]; the admins hear
/// of it.
pub async fn file(state: &AppState, by: &Account, id: ActionId, text: &str) -> DomainResult<Appeal> {
    let text = checked_text("text", text)?;
    let mut conn = state.pool.write().await?;
    let action = ModerationAction::by_id(&mut conn, id).await?.ok_or(DomainError::NotFound)?;
    if action.target_actor_id != Some(by.actor.id) {
        return Err(DomainError::NotFound);
    }
    if action.reversed() || now() - action.created_at > chrono::Duration::days(APPEAL_DAYS) {
        return Err(DomainError::Invalid(FieldErrors::one("text", "error-appeal-closed")));
    }
    let Some(appeal) = Appeal::insert(&mut conn, id, by.actor.id, &text).await? else {
        return Err(DomainError::Invalid(FieldErrors::one("text", "error-appeal-exists")));
    };
    let subject = Some(format!("{}{}", state.base_url, super::statement_path(&action)));
    let notice = Notice { kind: &kinds::APPEAL, recipient: by.actor.id, from: Some(by.actor.id), post: None, subject };
    notifications::notify_many(&mut conn, Audience::Admins, notice).await?;
    drop(conn);
    state.jobs_wake.notify_waiters();
    Ok(appeal)
}

/// An admin answers an appeal: `undo` lifts the decision, else it stands; either way with a
/// reason, which the person affected receives.
pub async fn answer(state: &AppState, admin: &Account, appeal: i64, undo: bool, answer: &str) -> DomainResult<Appeal> {
    let answer = checked_text("answer", answer)?;
    if admin.user.status() != Status::Active || admin.user.role() != Role::Admin {
        return Err(DomainError::Forbidden);
    }
    let (found, action) = {
        let mut conn = state.pool.get().await?;
        let found = Appeal::by_id(&mut conn, appeal).await?.ok_or(DomainError::NotFound)?;
        let action = ModerationAction::by_id(&mut conn, found.action_id).await?.ok_or(DomainError::NotFound)?;
        (found, action)
    };
    if found.state() != AppealState::Open {
        return Err(DomainError::Invalid(FieldErrors::one("answer", "error-appeal-answered")));
    }
    if undo && !action.reversed() {
        super::actions::undo(state, &action).await?;
    }
    let mut conn = state.pool.write().await?;
    if undo {
        ModerationAction::reverse(&mut conn, action.id, admin.actor.id, &answer).await?;
    }
    let state_now = if undo { AppealState::Reversed } else { AppealState::Upheld };
    if !Appeal::decide(&mut conn, appeal, admin.actor.id, state_now, &answer).await? {
        return Err(DomainError::Invalid(FieldErrors::one("answer", "error-appeal-answered")));
    }
    let mut action = ModerationAction::by_id(&mut conn, action.id).await?.ok_or(DomainError::NotFound)?;
    // The mail gives the admins' answer as the reason.
    action.reversal_reason = Some(answer.clone());
    super::tell_affected(&mut conn, &state.settings, &action, &kinds::APPEAL_ANSWERED).await?;
    let found = Appeal::by_id(&mut conn, appeal).await?.ok_or(DomainError::NotFound)?;
    drop(conn);
    state.jobs_wake.notify_waiters();
    Ok(found)
}

/// The appeals waiting for an answer (admins only).
pub async fn open(state: &AppState, admin: &Account) -> DomainResult<Vec<(Appeal, ModerationAction)>> {
    if admin.user.role() != Role::Admin {
        return Err(DomainError::Forbidden);
    }
    let mut conn = state.pool.get().await?;
    let appeals = Appeal::in_state(&mut conn, AppealState::Open, 100).await?;
    let ids: Vec<ActionId> = appeals.iter().map(|a| a.action_id).collect();
    let mut actions: std::collections::HashMap<ActionId, ModerationAction> =
        ModerationAction::by_ids(&mut conn, &ids).await?.into_iter().map(|a| (a.id, a)).collect();
    Ok(appeals
        .into_iter()
        .filter_map(|appeal| Some((actions.remove(&appeal.action_id)?, appeal)))
        .map(|(a, p)| (p, a))
        .collect())
}
