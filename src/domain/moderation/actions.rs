//! Moderators' decisions about someone's content or account. Each one is recorded with its
//! statement of reasons (DSA article 17: what was decided, on which ground, the facts, and how
//! to appeal), which the person affected receives and which appears, without the people
//! concerned, in the public moderation log. Every decision can be undone.
//!
//! Who may decide: a post written in a group, its moderators (and site moderators); any other
//! post and every account, site moderators and admins. Nobody moderates their own account,
//! and a moderator does not suspend or silence staff of the same or a higher role.

use super::{ModeratorOf, moderator_of};
use crate::db::DbConn;
use crate::db::models::actor::{Actor, ActorId, ActorUpdate};
use crate::db::models::local_user::{Account, LocalUser, LocalUserUpdate, Role, Status};
use crate::db::models::membership::Membership;
use crate::db::models::moderation_action::{ActionId, ActionInsert, ActionKind, Ground, ModerationAction};
use crate::db::models::post::{Post, PostId, PostUpdate};
use crate::db::now;
use crate::domain::groups;
use crate::domain::validate::FieldErrors;
use crate::domain::{DomainError, DomainResult, notifications};
use crate::state::AppState;

/// The longest statement of facts.
pub const MAX_FACTS: usize = 5000;
/// The longest legal ground ("Art. 137d Wetboek van Strafrecht").
pub const MAX_LAW: usize = 300;

/// What a moderator decides, with the statement of reasons.
#[derive(Debug, Clone, Default)]
pub struct Decision {
    /// `hide_post`, `remove_post`, `lock_thread`, `ban_member`, `silence_account`, `suspend_account`.
    pub kind: String,
    pub post: Option<PostId>,
    /// The person (for account measures and bans).
    pub actor: Option<ActorId>,
    /// The group a ban is from.
    pub group: Option<ActorId>,
    /// `illegal`, `terms`, `group_rules`, `harassment`, `spam`, `privacy` or `other`.
    pub ground: String,
    /// The law broken (required for `illegal`).
    pub law: String,
    /// The facts and circumstances.
    pub facts: String,
    /// The report it answers.
    pub report: Option<i64>,
}

/// A decision whose words were checked.
struct Checked {
    kind: ActionKind,
    ground: Ground,
    law: Option<String>,
    facts: String,
}

impl Decision {
    fn check(&self) -> DomainResult<Checked> {
        let mut errors = FieldErrors::default();
        let kind = ActionKind::parse(&self.kind);
        if kind.is_none() {
            errors.add("kind", "error-moderation-kind");
        }
        let ground = Ground::parse(&self.ground);
        if ground.is_none() {
            errors.add("ground", "error-moderation-ground");
        }
        let law = self.law.trim();
        if ground == Some(Ground::Illegal) && law.is_empty() {
            errors.add("law", "error-moderation-law-required");
        }
        if law.chars().count() > MAX_LAW {
            errors.add("law", "error-moderation-law-long");
        }
        let facts = self.facts.trim();
        if facts.is_empty() {
            errors.add("facts", "error-moderation-facts-required");
        } else if facts.chars().count() > MAX_FACTS {
            errors.add("facts", "error-moderation-facts-long");
        }
        match (kind, ground) {
            (Some(kind), Some(ground)) if errors.is_empty() => {
                Ok(Checked { kind, ground, law: (!law.is_empty()).then(|| law.to_string()), facts: facts.to_string() })
            }
            _ => Err(DomainError::Invalid(errors)),
        }
    }
}

/// Decides, applies and records: the statement of reasons goes to the person affected.
pub async fn decide(state: &AppState, by: &Account, decision: &Decision) -> DomainResult<ModerationAction> {
    let checked = decision.check()?;
    let (target, post, group, report) = {
        let mut conn = state.pool.get().await?;
        let (target, post, group) = authorize(&mut conn, by, checked.kind, decision).await?;
        let report = match decision.report {
            Some(id) => {
                Some(super::reports::answered_by(&mut conn, by, id, post.as_ref().map(|p| p.id), target).await?)
            }
            None => None,
        };
        (target, post, group, report)
    };
    apply(state, by, checked.kind, target, post.as_ref(), group).await?;
    let action = {
        let mut conn = state.pool.write().await?;
        let form = ActionInsert {
            kind: checked.kind.as_str(),
            moderator_id: Some(by.actor.id),
            target_actor_id: Some(target),
            post_id: post.as_ref().map(|p| p.id),
            group_id: group,
            report_id: decision.report,
            ground: checked.ground.as_str(),
            law: checked.law.as_deref(),
            facts: &checked.facts,
            ends_at: None,
            created_at: now(),
        };
        let action = ModerationAction::insert(&mut conn, &form).await?;
        super::tell_affected(&mut conn, &state.settings, &action, &notifications::kinds::MODERATION_DECISION).await?;
        if let Some(report) = &report {
            super::reports::resolve_by_decision(&mut conn, state, by, report, &action).await?;
        }
        action
    };
    state.jobs_wake.notify_waiters();
    tracing::info!(action = action.id.0, kind = action.kind, moderator = %by.actor.username, "moderation decision");
    Ok(action)
}

/// Whether `by` may take `kind` on what `decision` names: the person affected, the post and
/// the group it is about.
async fn authorize(
    conn: &mut DbConn,
    by: &Account,
    kind: ActionKind,
    decision: &Decision,
) -> DomainResult<(ActorId, Option<Post>, Option<ActorId>)> {
    if kind.on_post() {
        let id = decision.post.ok_or(DomainError::NotFound)?;
        let post = Post::by_id(conn, id).await?.filter(|p| !p.deleted).ok_or(DomainError::NotFound)?;
        if kind == ActionKind::LockThread && post.in_reply_to.is_some() {
            return Err(DomainError::Invalid(FieldErrors::one("kind", "error-moderation-lock-reply")));
        }
        let group = post.audience_id;
        match moderator_of(conn, by, group).await? {
            ModeratorOf::Nothing => return Err(DomainError::Forbidden),
            ModeratorOf::Group if kind == ActionKind::LockThread || group.is_some() => {}
            ModeratorOf::Group => return Err(DomainError::Forbidden),
            ModeratorOf::Site => {}
        }
        if kind == ActionKind::LockThread && group.is_none() {
            return Err(DomainError::Invalid(FieldErrors::one("kind", "error-moderation-lock-reply")));
        }
        return Ok((post.author_id, Some(post), group));
    }
    let target = decision.actor.ok_or(DomainError::NotFound)?;
    if target == by.actor.id {
        return Err(DomainError::Forbidden);
    }
    let actor = Actor::by_id(conn, target).await?.filter(|a| !a.deleted).ok_or(DomainError::NotFound)?;
    if kind == ActionKind::BanMember {
        let group = decision.group.ok_or(DomainError::NotFound)?;
        if moderator_of(conn, by, Some(group)).await? == ModeratorOf::Nothing {
            return Err(DomainError::Forbidden);
        }
        return Ok((actor.id, None, Some(group)));
    }
    if moderator_of(conn, by, None).await? != ModeratorOf::Site {
        return Err(DomainError::Forbidden);
    }
    // Staff are moderated by someone above them.
    if let Some(account) = Account::by_actor(conn, actor.id).await?
        && account.user.role() >= Role::Moderator
        && by.user.role() <= account.user.role()
    {
        return Err(DomainError::Forbidden);
    }
    Ok((actor.id, None, None))
}

/// Carries the measure out.
async fn apply(
    state: &AppState,
    by: &Account,
    kind: ActionKind,
    target: ActorId,
    post: Option<&Post>,
    group: Option<ActorId>,
) -> DomainResult<()> {
    let t = Some(now());
    match (kind, post) {
        (ActionKind::HidePost, Some(post)) => {
            let mut conn = state.pool.write().await?;
            Post::update(&mut conn, post.id, &PostUpdate { hidden_at: Some(t), ..Default::default() }).await?;
        }
        (ActionKind::RemovePost, Some(post)) => super::content::remove(state, post).await?,
        (ActionKind::LockThread, Some(post)) => {
            let mut conn = state.pool.write().await?;
            Post::update(&mut conn, post.id, &PostUpdate { locked: Some(true), ..Default::default() }).await?;
        }
        (ActionKind::BanMember, _) => {
            let group = groups::by_id(&mut state.pool.get().await?, group.ok_or(DomainError::NotFound)?).await?;
            groups::members::remove(state, by, &group, target, true).await?;
        }
        (ActionKind::SilenceAccount, _) => {
            let mut conn = state.pool.write().await?;
            Actor::update(&mut conn, target, &ActorUpdate { silenced_at: Some(t), ..Default::default() }).await?;
        }
        (ActionKind::SuspendAccount, _) => {
            let mut tx = state.pool.begin().await?;
            Actor::update(&mut tx, target, &ActorUpdate { suspended_at: Some(t), ..Default::default() }).await?;
            if let Some(account) = Account::by_actor(&mut tx, target).await? {
                let suspended = LocalUserUpdate { status: Some(Status::Suspended.as_str()), ..Default::default() };
                LocalUser::update(&mut tx, account.user.id, &suspended).await?;
                crate::db::models::session::delete_others(&mut tx, account.user.id, None).await?;
                crate::db::models::oauth::OauthToken::delete_for_user(&mut tx, account.user.id).await?;
            }
            tx.commit().await?;
        }
        _ => return Err(DomainError::NotFound),
    }
    Ok(())
}

/// Undoes a decision: hidden or removed content comes back, a lock, ban, silence or suspension
/// is lifted. Who may take the decision may undo it; the person affected is told.
pub async fn reverse(state: &AppState, by: &Account, id: ActionId, reason: &str) -> DomainResult<ModerationAction> {
    let reason = reason.trim();
    if reason.is_empty() || reason.chars().count() > MAX_FACTS {
        return Err(DomainError::Invalid(FieldErrors::one("reason", "error-moderation-reason-required")));
    }
    let action = {
        let mut conn = state.pool.get().await?;
        let action = ModerationAction::by_id(&mut conn, id).await?.ok_or(DomainError::NotFound)?;
        let scope =
            if action.kind().on_post() || action.kind() == ActionKind::BanMember { action.group_id } else { None };
        let standing = moderator_of(&mut conn, by, scope).await?;
        if standing == ModeratorOf::Nothing || (scope.is_none() && standing != ModeratorOf::Site) {
            return Err(DomainError::Forbidden);
        }
        action
    };
    undo(state, &action).await?;
    let mut conn = state.pool.write().await?;
    if !ModerationAction::reverse(&mut conn, id, by.actor.id, reason).await? {
        return Err(DomainError::NotFound);
    }
    let action = ModerationAction::by_id(&mut conn, id).await?.ok_or(DomainError::NotFound)?;
    super::tell_affected(&mut conn, &state.settings, &action, &notifications::kinds::MODERATION_REVERSED).await?;
    drop(conn);
    state.jobs_wake.notify_waiters();
    Ok(action)
}

/// Lifts the measure of `action` (also when an appeal succeeds).
pub(super) async fn undo(state: &AppState, action: &ModerationAction) -> DomainResult<()> {
    if action.reversed() {
        return Err(DomainError::NotFound);
    }
    let target = action.target_actor_id.ok_or(DomainError::NotFound)?;
    match action.kind() {
        ActionKind::HidePost | ActionKind::LockThread => {
            let id = action.post_id.ok_or(DomainError::NotFound)?;
            let mut conn = state.pool.write().await?;
            let form = match action.kind() {
                ActionKind::HidePost => PostUpdate { hidden_at: Some(None), ..Default::default() },
                _ => PostUpdate { locked: Some(false), ..Default::default() },
            };
            Post::update(&mut conn, id, &form).await?;
        }
        ActionKind::RemovePost => super::content::restore(state, action.post_id.ok_or(DomainError::NotFound)?).await?,
        ActionKind::BanMember => {
            let mut conn = state.pool.write().await?;
            let group = action.group_id.ok_or(DomainError::NotFound)?;
            if let Some(m) = Membership::find(&mut conn, group, target)
                .await?
                .filter(|m| m.state() == crate::db::models::membership::MemberState::Banned)
            {
                Membership::delete(&mut conn, m.id).await?;
            }
        }
        ActionKind::SilenceAccount => {
            let mut conn = state.pool.write().await?;
            Actor::update(&mut conn, target, &ActorUpdate { silenced_at: Some(None), ..Default::default() }).await?;
        }
        ActionKind::SuspendAccount => {
            let mut tx = state.pool.begin().await?;
            Actor::update(&mut tx, target, &ActorUpdate { suspended_at: Some(None), ..Default::default() }).await?;
            if let Some(account) = Account::by_actor(&mut tx, target).await? {
                let active = LocalUserUpdate { status: Some(Status::Active.as_str()), ..Default::default() };
                LocalUser::update(&mut tx, account.user.id, &active).await?;
            }
            tx.commit().await?;
        }
    }
    Ok(())
}
