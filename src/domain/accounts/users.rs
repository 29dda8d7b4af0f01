//! The admins' list of the accounts here: find a person by handle, name or address, and set
//! their role. Limiting or suspending an account is a moderation decision with its statement
//! of reasons (`domain::moderation::actions`), never a switch on this list.

use super::{DomainError, DomainResult, require};
use crate::db::DbPool;
use crate::db::models::local_user::{Account, LocalUser, LocalUserId, LocalUserUpdate, Role};
use crate::db::now;
use crate::domain::validate::FieldErrors;

/// Accounts on one page of the list.
pub const PAGE: i64 = 50;

/// What the admins' list is asked for.
#[derive(Debug, Clone, Default)]
pub struct UserSearch {
    /// Part of a handle, a name or an e-mail address.
    pub text: String,
    pub role: Option<Role>,
    /// Accounts older than this one (the last of the previous page).
    pub before: Option<LocalUserId>,
}

/// A page of accounts, newest first, for an admin.
pub async fn search(pool: &DbPool, admin: &Account, q: &UserSearch) -> DomainResult<Vec<Account>> {
    require(admin, Role::Admin)?;
    let mut conn = pool.get().await?;
    Ok(Account::search(&mut conn, &q.text, q.role, q.before, PAGE).await?)
}

/// One account, for an admin.
pub async fn one(pool: &DbPool, admin: &Account, id: LocalUserId) -> DomainResult<Account> {
    require(admin, Role::Admin)?;
    let mut conn = pool.get().await?;
    Account::by_id(&mut conn, id).await?.filter(|a| !a.actor.deleted).ok_or(DomainError::NotFound)
}

/// An admin sets someone's role. Nobody changes their own role here (another admin does), so
/// the instance always keeps an admin.
pub async fn set_role(pool: &DbPool, admin: &Account, id: LocalUserId, role: Role) -> DomainResult<Account> {
    require(admin, Role::Admin)?;
    let mut tx = pool.begin().await?;
    let account = Account::by_id(&mut tx, id).await?.filter(|a| !a.actor.deleted).ok_or(DomainError::NotFound)?;
    if account.user.id == admin.user.id {
        return Err(DomainError::Invalid(FieldErrors::one("role", "error-admin-own-role")));
    }
    let update = LocalUserUpdate { role: Some(role.as_str()), updated_at: Some(now()), ..Default::default() };
    LocalUser::update(&mut tx, account.user.id, &update).await?;
    let changed = Account::by_id(&mut tx, id).await?.ok_or(DomainError::NotFound)?;
    tx.commit().await?;
    tracing::info!(username = %changed.actor.username, role = role.as_str(), by = %admin.actor.username, "role set");
    Ok(changed)
}
