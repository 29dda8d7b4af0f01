//! The account flows that go through a person's mailbox: address confirmation, password reset
//! and e-mail change. Each sends a single-use link whose token is stored only as a hash
//! (`email_token`); following the link takes the token in the same transaction as its effect, so
//! a link works once, and a refused link changes nothing.

use chrono::TimeDelta;

use super::letters;
use crate::config::Settings;
use crate::db::models::email_token::{EmailToken, EmailTokenInsert, Purpose};
use crate::db::models::local_user::{Account, LocalUser, LocalUserUpdate, Status};
use crate::db::models::oauth::{OauthCode, OauthToken};
use crate::db::models::session;
use crate::db::{DbConn, DbError, DbPool, now};
use crate::domain::validate::{self, FieldErrors};
use crate::domain::{DomainError, DomainResult, mail, password};
use crate::state::AppState;
use crate::util::tokens::random_token;

/// How long a confirmation link (registration, e-mail change) works.
pub const CONFIRM_HOURS: i64 = 48;
/// How long a password reset link works.
pub const RESET_HOURS: i64 = 1;

/// Why a link from a mail was refused. Each has its own message; none changes anything.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkProblem {
    /// No such link (mistyped, cut off or made up).
    Unknown,
    /// Already followed, or replaced by a newer link.
    Used,
    Expired,
}

impl LinkProblem {
    /// The message key of a page that explains it.
    pub fn message(self) -> &'static str {
        match self {
            LinkProblem::Unknown => "email-link-unknown",
            LinkProblem::Used => "email-link-used",
            LinkProblem::Expired => "email-link-expired",
        }
    }
}

/// The outcome of following a link: done, or refused and why.
pub type Followed<T> = DomainResult<Result<T, LinkProblem>>;

/// Stores a new token for `purpose` and returns the token for the link.
async fn issue(
    conn: &mut DbConn,
    user: &LocalUser,
    purpose: Purpose,
    email: Option<&str>,
    hours: i64,
) -> DomainResult<String> {
    let token = random_token(32);
    let t = now();
    EmailToken::insert(
        conn,
        &EmailTokenInsert {
            local_user_id: user.id,
            purpose: purpose.as_str(),
            token_hash: &super::token_hash(&token),
            email,
            expires_at: t + TimeDelta::hours(hours),
            created_at: t,
        },
    )
    .await?;
    Ok(token)
}

/// A link is at most this long; anything longer is not one of ours.
const TOKEN_MAX: usize = 100;

/// Why `token` no longer works (it was not taken).
async fn problem(conn: &mut DbConn, purpose: Purpose, token: &str) -> DomainResult<LinkProblem> {
    if token.is_empty() || token.len() > TOKEN_MAX {
        return Ok(LinkProblem::Unknown);
    }
    Ok(match EmailToken::find(conn, purpose, &super::token_hash(token)).await? {
        None => LinkProblem::Unknown,
        Some(t) if t.used_at.is_some() => LinkProblem::Used,
        Some(_) => LinkProblem::Expired,
    })
}

/// Whether `token` would work now, without using it (the reset page shows its form only then).
pub async fn check(pool: &DbPool, purpose: Purpose, token: &str) -> Followed<Account> {
    let mut conn = pool.get().await?;
    if token.is_empty() || token.len() > TOKEN_MAX {
        return Ok(Err(LinkProblem::Unknown));
    }
    match EmailToken::find(&mut conn, purpose, &super::token_hash(token)).await? {
        Some(t) if t.used_at.is_none() && t.expires_at > now() => {
            Ok(Account::by_id(&mut conn, t.local_user_id).await?.ok_or(LinkProblem::Unknown))
        }
        _ => Ok(Err(problem(&mut conn, purpose, token).await?)),
    }
}

fn link(settings: &Settings, path: &str, token: &str) -> String {
    format!("{}{path}?t={token}", settings.base_url())
}

/// Queues the confirmation mail for the account's address in the caller's transaction.
pub(super) async fn queue_confirmation(conn: &mut DbConn, settings: &Settings, account: &Account) -> DomainResult<()> {
    EmailToken::void_unused(conn, account.user.id, Purpose::Confirm, now()).await?;
    let email = account.user.email.as_str();
    let token = issue(conn, &account.user, Purpose::Confirm, Some(email), CONFIRM_HOURS).await?;
    let letter = letters::confirm(settings, account, email, link(settings, "/bevestigen", &token));
    mail::queue(conn, settings, &letter).await?;
    Ok(())
}

/// Sends a new confirmation link to a signed-in person whose address is not confirmed.
pub async fn send_confirmation(state: &AppState, account: &Account) -> DomainResult<()> {
    if account.user.email_confirmed() {
        return Ok(());
    }
    let mut tx = state.pool.begin().await?;
    queue_confirmation(&mut tx, &state.settings, account).await?;
    tx.commit().await?;
    crate::jobs::wake(state);
    Ok(())
}

/// Sends a new confirmation link to `email` when an account with that address waits for one.
/// The caller shows the same answer either way: nobody learns which addresses have accounts.
pub async fn resend_confirmation(state: &AppState, email: &str) -> DomainResult<()> {
    let Some(account) = by_address(&state.pool, email).await? else { return Ok(()) };
    if account.user.status() == Status::Suspended {
        return Ok(());
    }
    send_confirmation(state, &account).await
}

async fn by_address(pool: &DbPool, email: &str) -> DomainResult<Option<Account>> {
    let email = email.trim().to_lowercase();
    if !email.contains('@') || email.len() > validate::EMAIL_MAX {
        return Ok(None);
    }
    let mut conn = pool.get().await?;
    Ok(Account::by_login(&mut conn, &email).await?)
}

/// Follows a confirmation link: the address it was sent to becomes confirmed.
pub async fn confirm_address(pool: &DbPool, token: &str) -> Followed<Account> {
    let mut tx = pool.begin().await?;
    let t = now();
    let Some(taken) = take(&mut tx, Purpose::Confirm, token).await? else {
        drop(tx);
        let mut conn = pool.get().await?;
        return Ok(Err(problem(&mut conn, Purpose::Confirm, token).await?));
    };
    let Some(account) = Account::by_id(&mut tx, taken.local_user_id).await? else {
        return Ok(Err(LinkProblem::Unknown));
    };
    // A link to an address the account no longer has confirms nothing.
    if taken.email.as_deref() != Some(account.user.email.as_str()) {
        return Ok(Err(LinkProblem::Used));
    }
    let form = LocalUserUpdate { email_confirmed_at: Some(Some(t)), updated_at: Some(t), ..Default::default() };
    LocalUser::update(&mut tx, account.user.id, &form).await?;
    tx.commit().await?;
    tracing::info!(username = account.actor.username, "e-mail address confirmed");
    Ok(Ok(account))
}

async fn take(conn: &mut DbConn, purpose: Purpose, token: &str) -> DomainResult<Option<EmailToken>> {
    if token.is_empty() || token.len() > TOKEN_MAX {
        return Ok(None);
    }
    Ok(EmailToken::take(conn, purpose, &super::token_hash(token), now()).await?)
}

/// Sends a password reset link to `email` when an account has that address. The caller shows
/// the same answer either way.
pub async fn request_reset(state: &AppState, email: &str) -> DomainResult<()> {
    let Some(account) = by_address(&state.pool, email).await? else { return Ok(()) };
    if account.user.status() == Status::Suspended {
        return Ok(());
    }
    let settings = &state.settings;
    let mut tx = state.pool.begin().await?;
    // Only the newest link works.
    EmailToken::void_unused(&mut tx, account.user.id, Purpose::Reset, now()).await?;
    let token = issue(&mut tx, &account.user, Purpose::Reset, None, RESET_HOURS).await?;
    let letter = letters::reset(settings, &account, link(settings, "/wachtwoord-herstellen", &token));
    mail::queue(&mut tx, settings, &letter).await?;
    tx.commit().await?;
    crate::jobs::wake(state);
    tracing::info!(username = account.actor.username, "password reset link sent");
    Ok(())
}

/// Follows a reset link with a new password: sets it, ends every session and app token of the
/// person, and uses the link. Following it proves the mailbox is theirs, so the address counts
/// as confirmed too.
pub async fn reset_password(pool: &DbPool, token: &str, new: &str, confirm: &str) -> Followed<Account> {
    let account = match check(pool, Purpose::Reset, token).await? {
        Ok(account) => account,
        Err(problem) => return Ok(Err(problem)),
    };
    let mut errors = FieldErrors::default();
    let inputs = [account.actor.username.as_str(), account.user.email.as_str(), account.actor.display_name.as_str()];
    validate::new_password(new, confirm, &inputs, &mut errors);
    errors.into_result()?;
    let hash = password::hash(new).await?;
    let t = now();
    let mut tx = pool.begin().await?;
    // Taken again inside the transaction: of two requests with one link, one wins.
    let Some(taken) = take(&mut tx, Purpose::Reset, token).await? else {
        return Ok(Err(LinkProblem::Used));
    };
    if taken.local_user_id != account.user.id {
        return Ok(Err(LinkProblem::Unknown));
    }
    let form = LocalUserUpdate {
        password_hash: Some(&hash),
        email_confirmed_at: account.user.email_confirmed_at.is_none().then_some(Some(t)),
        updated_at: Some(t),
        ..Default::default()
    };
    LocalUser::update(&mut tx, account.user.id, &form).await?;
    session::delete_others(&mut tx, account.user.id, None).await?;
    OauthToken::delete_for_user(&mut tx, account.user.id).await?;
    OauthCode::delete_for_user(&mut tx, account.user.id).await?;
    EmailToken::void_unused(&mut tx, account.user.id, Purpose::Reset, t).await?;
    tx.commit().await?;
    tracing::info!(username = account.actor.username, "password reset by e-mail");
    Ok(Ok(account))
}

/// Asks to move the account to `new_email`, after checking the current password: the link goes
/// to the new address, a notice to the old one; nothing changes until the link is followed.
pub async fn request_email_change(
    state: &AppState,
    account: &Account,
    new_email: &str,
    current_password: &str,
) -> DomainResult<()> {
    let mut errors = FieldErrors::default();
    let new = new_email.trim().to_lowercase();
    validate::email(&new, &mut errors);
    if !errors.has("email") && new == account.user.email {
        errors.add("email", "error-email-same");
    }
    if !password::verify(Some(account.user.password_hash.clone()), current_password).await {
        errors.add("current_password", "error-password-wrong");
    }
    if !errors.has("email") {
        let mut conn = state.pool.get().await?;
        if LocalUser::email_taken(&mut conn, &new).await? {
            errors.add("email", "error-email-taken");
        }
    }
    errors.into_result()?;
    let settings = &state.settings;
    let mut tx = state.pool.begin().await?;
    EmailToken::void_unused(&mut tx, account.user.id, Purpose::ChangeEmail, now()).await?;
    let token = issue(&mut tx, &account.user, Purpose::ChangeEmail, Some(&new), CONFIRM_HOURS).await?;
    let to_new = letters::change_to_new(settings, account, &new, link(settings, "/e-mail-wijzigen", &token));
    mail::queue(&mut tx, settings, &to_new).await?;
    let password_page = format!("{}/wachtwoord-vergeten", settings.base_url());
    mail::queue(&mut tx, settings, &letters::change_notice_to_old(settings, account, &new, password_page)).await?;
    tx.commit().await?;
    crate::jobs::wake(state);
    Ok(())
}

/// Follows an e-mail change link: the account's address becomes the new one, confirmed. When
/// someone else took that address in the meantime, the database's unique constraint refuses it
/// and nothing changes (the link keeps working until it expires, should the address come free).
pub async fn confirm_email_change(pool: &DbPool, token: &str) -> Followed<Account> {
    let mut tx = pool.begin().await?;
    let t = now();
    let Some(taken) = take(&mut tx, Purpose::ChangeEmail, token).await? else {
        drop(tx);
        let mut conn = pool.get().await?;
        return Ok(Err(problem(&mut conn, Purpose::ChangeEmail, token).await?));
    };
    let (Some(account), Some(new)) = (Account::by_id(&mut tx, taken.local_user_id).await?, taken.email.as_deref())
    else {
        return Ok(Err(LinkProblem::Unknown));
    };
    let form = LocalUserUpdate {
        email: Some(new),
        email_confirmed_at: Some(Some(t)),
        updated_at: Some(t),
        ..Default::default()
    };
    match LocalUser::update(&mut tx, account.user.id, &form).await {
        Ok(()) => {}
        Err(DbError::Conflict(_)) => {
            return Err(DomainError::Invalid(FieldErrors::one("email", "error-email-taken")));
        }
        Err(e) => return Err(e.into()),
    }
    // Links sent to the old address no longer confirm anything.
    EmailToken::void_unused(&mut tx, account.user.id, Purpose::Confirm, t).await?;
    tx.commit().await?;
    tracing::info!(username = account.actor.username, "e-mail address changed");
    let mut conn = pool.get().await?;
    Ok(Account::by_id(&mut conn, account.user.id).await?.ok_or(LinkProblem::Unknown))
}
