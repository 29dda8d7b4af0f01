//! Accounts: registration in each mode, sign-in, sessions, passwords and approval; the flows
//! through the mailbox (`email`), invitations (`invites`) and their mails (`letters`).

use chrono::TimeDelta;
use sha2::{Digest, Sha256};

use super::validate::{self, FieldErrors};
use super::{DomainError, DomainResult, password};
use crate::config::{RegistrationMode, Settings};
use crate::db::models::actor::{Actor, ActorKind, ActorUpdate};
use crate::db::models::invite::Invite;
use crate::db::models::local_name;
use crate::db::models::local_user::{Account, LocalUser, LocalUserId, LocalUserInsert, LocalUserUpdate, Role, Status};
use crate::db::models::session::{self, SessionInsert};
use crate::db::{DbConn, DbError, DbPool, now};
use crate::state::AppState;
use crate::util::tokens::random_token;

pub mod email;
pub mod invites;
pub mod letters;
pub mod users;

pub use invites::{NewEmailInvite, NewInvite, create_invite, invite_by_email, list_invites};

/// How long a sign-in lasts.
pub const SESSION_DAYS: i64 = 30;

/// What a person fills in to register.
#[derive(Debug, Default, Clone)]
pub struct Registration {
    pub username: String,
    pub display_name: String,
    pub email: String,
    pub password: String,
    pub password_confirm: String,
    /// Why they want to join (approval mode).
    pub reason: String,
    /// Invitation code (invite mode).
    pub invite: String,
}

/// A registration that went through.
#[derive(Debug, Clone)]
pub struct Registered {
    pub account: Account,
    /// Where the person goes next: the invitation's landing path, or the home page.
    pub landing: String,
    /// A confirmation link was mailed and the person must follow it before signing in.
    pub must_confirm: bool,
}

/// Registers a person as the configured mode allows. In approval mode the account is pending
/// until an admin approves it, unless the person came with an invitation. An invitation code
/// is used in every mode but `closed`; in invite mode it is required. With `[mail]
/// confirm_email` the person confirms the address before signing in (an invitation mailed to
/// that same address already proves it).
pub async fn register(state: &AppState, form: &Registration) -> DomainResult<Registered> {
    let settings = &state.settings;
    let mode = state.runtime.registration();
    if mode == RegistrationMode::Closed {
        return Err(DomainError::Forbidden);
    }
    let mut errors = check_new_account(form);
    let code = form.invite.trim();
    // A group's invitation (made by any group administrator) makes its user a member of the
    // group; it is no invitation to the instance where registering needs one or an approval.
    let group_code = !code.is_empty() && invites::is_group_code(&state.pool, code).await?;
    match mode {
        RegistrationMode::Approval if (code.is_empty() || group_code) && form.reason.trim().is_empty() => {
            errors.add("reason", "error-required")
        }
        RegistrationMode::Invite if code.is_empty() => errors.add("invite", "error-required"),
        RegistrationMode::Invite if group_code => errors.add("invite", "error-invite-group-only"),
        _ => {}
    }
    validate::max_len("reason", &form.reason, validate::REASON_MAX, &mut errors);
    validate::max_len("invite", &form.invite, 64, &mut errors);
    let approval = mode == RegistrationMode::Approval && (code.is_empty() || group_code);
    let status = if approval { Status::Pending } else { Status::Active };
    let reason = approval.then(|| form.reason.trim());
    let new = NewAccount {
        role: Role::Member,
        status,
        reason,
        invite: (!code.is_empty()).then_some(code),
        confirmed: false,
        confirm: settings.mail.confirm_email,
    };
    let registered = create(&state.pool, settings, form, errors, new).await?;
    crate::jobs::wake(state);
    Ok(registered)
}

/// Creates an active account with a confirmed address, without looking at the registration
/// mode (`buurt admin create-user`).
pub async fn create_by_admin(
    pool: &DbPool,
    settings: &Settings,
    form: &Registration,
    role: Role,
) -> DomainResult<Account> {
    let errors = check_new_account(form);
    let new = NewAccount { role, status: Status::Active, reason: None, invite: None, confirmed: true, confirm: false };
    Ok(create(pool, settings, form, errors, new).await?.account)
}

fn check_new_account(form: &Registration) -> FieldErrors {
    let mut errors = FieldErrors::default();
    validate::username(&form.username, &mut errors);
    validate::display_name(&form.display_name, &mut errors);
    validate::email(form.email.trim(), &mut errors);
    let inputs = [form.username.as_str(), form.email.as_str(), form.display_name.as_str(), "buurt"];
    validate::new_password(&form.password, &form.password_confirm, &inputs, &mut errors);
    errors
}

/// How an account is made, beyond what the person filled in.
struct NewAccount<'a> {
    role: Role,
    status: Status,
    reason: Option<&'a str>,
    /// An invitation code to use.
    invite: Option<&'a str>,
    /// The address counts as confirmed from the start (made by an admin).
    confirmed: bool,
    /// The person must confirm the address before signing in.
    confirm: bool,
}

async fn create(
    pool: &DbPool,
    settings: &Settings,
    form: &Registration,
    mut errors: FieldErrors,
    new: NewAccount<'_>,
) -> DomainResult<Registered> {
    let email = form.email.trim().to_lowercase();
    // Checked before the transaction so that all problems are reported at once; the unique
    // constraints below still decide when two registrations race.
    {
        let mut conn = pool.get().await?;
        if !errors.has("username") && local_name::is_taken(&mut conn, &form.username).await? {
            errors.add("username", "error-username-taken");
        }
        if !errors.has("email") && LocalUser::email_taken(&mut conn, &email).await? {
            errors.add("email", "error-email-taken");
        }
        if let Some(code) = new.invite
            && invites::usable(pool, code).await?.is_none()
        {
            errors.add("invite", "error-invite-invalid");
        }
    }
    errors.into_result()?;
    let hash = password::hash(&form.password).await?;

    let mut tx = pool.begin().await?;
    let t = now();
    let invite = match new.invite {
        Some(code) => match Invite::consume(&mut tx, code, t).await? {
            Some(invite) => Some(invite),
            None => return Err(DomainError::Invalid(FieldErrors::one("invite", "error-invite-invalid"))),
        },
        None => None,
    };
    // The invitation's mail went to this address: following its link proved it.
    let proven = invite.as_ref().is_some_and(|i| i.email.as_deref() == Some(email.as_str()));
    let username = form.username.as_str();
    local_name::reserve(&mut tx, username, "person")
        .await
        .map_err(|e| conflict_as(e, "username", "error-username-taken"))?;
    let display_name = form.display_name.trim();
    let display_name = if display_name.is_empty() { username } else { display_name };
    let actor =
        Actor::insert(&mut tx, &super::actors::local_form(settings, ActorKind::Person, username, display_name)).await?;
    let user = LocalUser::insert(
        &mut tx,
        &LocalUserInsert {
            actor_id: actor.id,
            email: &email,
            password_hash: &hash,
            role: new.role.as_str(),
            status: new.status.as_str(),
            language: None,
            registration_reason: new.reason,
            invite_id: invite.as_ref().map(|i| i.id),
            created_at: t,
            updated_at: t,
            email_confirmed_at: (new.confirmed || proven).then_some(t),
        },
    )
    .await
    .map_err(|e| conflict_as(e, "email", "error-email-taken"))?;
    if new.status == Status::Active {
        super::actors::queue_keys(&mut tx, actor.id).await?;
    }
    if new.status == Status::Pending {
        super::notifications::causes::registration_waiting(&mut tx, &actor).await?;
    }
    let account = Account { user, actor };
    let must_confirm = new.confirm && !account.user.email_confirmed();
    if must_confirm {
        email::queue_confirmation(&mut tx, settings, &account).await?;
    }
    if let Some(invite) = &invite {
        invites::on_invite_used(&mut tx, invite, &account).await?;
    }
    tx.commit().await?;
    tracing::info!(username, role = new.role.as_str(), status = new.status.as_str(), "account created");
    let landing = invite.and_then(|i| i.landing).unwrap_or_else(|| "/".to_string());
    Ok(Registered { account, landing, must_confirm })
}

fn conflict_as(e: DbError, field: &'static str, message: &'static str) -> DomainError {
    match e {
        DbError::Conflict(_) => DomainError::Invalid(FieldErrors::one(field, message)),
        other => DomainError::Db(other),
    }
}

/// Why a sign-in failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoginError {
    /// Unknown login or wrong password: deliberately the same answer.
    WrongCredentials,
    Pending,
    Suspended,
    /// `[mail] confirm_email` is on and the address is not confirmed yet.
    Unconfirmed,
}

/// Checks a login (username or e-mail) and password. With `[mail] confirm_email` an account
/// whose address is not confirmed cannot sign in yet.
pub async fn authenticate(
    pool: &DbPool,
    settings: &Settings,
    login: &str,
    password: &str,
) -> DomainResult<Result<Account, LoginError>> {
    if login.len() > validate::EMAIL_MAX || password.len() > validate::PASSWORD_MAX * 4 {
        return Ok(Err(LoginError::WrongCredentials));
    }
    let account = {
        let mut conn = pool.get().await?;
        Account::by_login(&mut conn, login).await?
    };
    let stored = account.as_ref().map(|a| a.user.password_hash.clone());
    if !password::verify(stored, password).await {
        return Ok(Err(LoginError::WrongCredentials));
    }
    let Some(account) = account else {
        return Ok(Err(LoginError::WrongCredentials));
    };
    Ok(match account.user.status() {
        Status::Active if settings.mail.confirm_email && !account.user.email_confirmed() => {
            Err(LoginError::Unconfirmed)
        }
        Status::Active => Ok(account),
        Status::Pending => Err(LoginError::Pending),
        Status::Suspended => Err(LoginError::Suspended),
    })
}

/// Hash under which a session token is stored.
pub fn token_hash(token: &str) -> String {
    crate::util::hex::hex(&Sha256::digest(token.as_bytes()))
}

/// Starts a session and returns the token for the cookie.
pub async fn start_session(pool: &DbPool, user: LocalUserId, user_agent: &str) -> DomainResult<String> {
    let token = random_token(32);
    let t = now();
    let mut conn = pool.get().await?;
    session::insert(
        &mut conn,
        &SessionInsert {
            token_hash: &token_hash(&token),
            local_user_id: user,
            user_agent: &user_agent.chars().take(300).collect::<String>(),
            created_at: t,
            expires_at: t + TimeDelta::days(SESSION_DAYS),
        },
    )
    .await?;
    LocalUser::update(&mut conn, user, &LocalUserUpdate { last_login_at: Some(Some(t)), ..Default::default() }).await?;
    Ok(token)
}

/// The account signed in with `token`, if the session is valid and the account active.
pub async fn session_account(pool: &DbPool, token: &str) -> DomainResult<Option<Account>> {
    if token.len() > 100 {
        return Ok(None);
    }
    let mut conn = pool.get().await?;
    let account = session::account(&mut conn, &token_hash(token), now()).await?;
    Ok(account.filter(|a| a.user.status() == Status::Active))
}

pub async fn end_session(pool: &DbPool, token: &str) -> DomainResult<()> {
    let mut conn = pool.get().await?;
    session::delete(&mut conn, &token_hash(token)).await?;
    Ok(())
}

/// Changes the password after checking the current one; ends every other session.
pub async fn change_password(
    pool: &DbPool,
    account: &Account,
    current: &str,
    new: &str,
    confirm: &str,
    session_token: Option<&str>,
) -> DomainResult<()> {
    let mut errors = FieldErrors::default();
    if !password::verify(Some(account.user.password_hash.clone()), current).await {
        errors.add("current_password", "error-password-wrong");
    }
    let inputs = [account.actor.username.as_str(), account.user.email.as_str(), account.actor.display_name.as_str()];
    validate::new_password(new, confirm, &inputs, &mut errors);
    errors.into_result()?;
    let hash = password::hash(new).await?;
    let keep = session_token.map(token_hash);
    let mut tx = pool.begin().await?;
    store_password(&mut tx, account.user.id, &hash).await?;
    session::delete_others(&mut tx, account.user.id, keep.as_deref()).await?;
    tx.commit().await?;
    Ok(())
}

/// Sets a password without knowing the old one (`buurt admin set-password`); ends all sessions.
pub async fn set_password(pool: &DbPool, username: &str, new: &str) -> DomainResult<()> {
    let account = {
        let mut conn = pool.get().await?;
        Account::by_username(&mut conn, username).await?.ok_or(DomainError::NotFound)?
    };
    let mut errors = FieldErrors::default();
    validate::new_password(new, new, &[account.actor.username.as_str(), account.user.email.as_str()], &mut errors);
    errors.into_result()?;
    let hash = password::hash(new).await?;
    let mut tx = pool.begin().await?;
    store_password(&mut tx, account.user.id, &hash).await?;
    session::delete_others(&mut tx, account.user.id, None).await?;
    tx.commit().await?;
    Ok(())
}

async fn store_password(conn: &mut DbConn, user: LocalUserId, hash: &str) -> DomainResult<()> {
    let form = LocalUserUpdate { password_hash: Some(hash), updated_at: Some(now()), ..Default::default() };
    Ok(LocalUser::update(conn, user, &form).await?)
}

/// What a person can change in their account settings.
#[derive(Debug, Default, Clone)]
pub struct AccountSettings {
    pub display_name: String,
    /// "" follows the browser; otherwise one of the instance's languages.
    pub language: String,
    /// The bio ("Over mij") as typed, plain text; `None` leaves it as it is.
    pub note: Option<String>,
}

/// Saves account settings. A changed name or bio is announced to followers with an Update.
pub async fn update_settings(
    state: &crate::state::AppState,
    account: &Account,
    form: &AccountSettings,
) -> DomainResult<()> {
    let (pool, settings) = (&state.pool, &state.settings);
    let mut errors = FieldErrors::default();
    let display_name = form.display_name.trim();
    validate::display_name(display_name, &mut errors);
    if !form.language.is_empty() && !settings.instance.languages.contains(&form.language) {
        errors.add("language", "error-choice-invalid");
    }
    let summary = form.note.as_deref().map(|note| super::profile::bio_html(note, &mut errors));
    errors.into_result()?;
    let display_name = if display_name.is_empty() { account.actor.username.as_str() } else { display_name };
    let changed =
        display_name != account.actor.display_name || summary.as_ref().is_some_and(|s| *s != account.actor.summary);
    if changed {
        super::actors::prepare_keys(pool, &account.actor).await?;
    }
    let t = now();
    let mut tx = pool.begin().await?;
    let update = ActorUpdate {
        display_name: Some(display_name),
        summary: summary.as_deref(),
        updated_at: Some(t),
        ..Default::default()
    };
    Actor::update(&mut tx, account.actor.id, &update).await?;
    let language = (!form.language.is_empty()).then_some(form.language.as_str());
    LocalUser::update(
        &mut tx,
        account.user.id,
        &LocalUserUpdate { language: Some(language), updated_at: Some(t), ..Default::default() },
    )
    .await?;
    if changed && let Some(actor) = Actor::by_id(&mut tx, account.actor.id).await? {
        super::profile::announce_profile_update(state, &mut tx, &actor).await?;
    }
    tx.commit().await?;
    state.delivery_wake.notify_waiters();
    Ok(())
}

fn require(account: &Account, role: Role) -> DomainResult<()> {
    if account.user.status() == Status::Active && account.user.role() >= role {
        Ok(())
    } else {
        Err(DomainError::Forbidden)
    }
}

pub async fn pending_registrations(pool: &DbPool, admin: &Account) -> DomainResult<Vec<Account>> {
    require(admin, Role::Admin)?;
    let mut conn = pool.get().await?;
    Ok(Account::pending(&mut conn).await?)
}

/// An admin approves (`true`) or rejects (`false`) a pending registration. A rejected
/// application is deleted, so its name and address can be used again.
pub async fn decide_registration(
    pool: &DbPool,
    admin: &Account,
    user: LocalUserId,
    approve: bool,
) -> DomainResult<Account> {
    require(admin, Role::Admin)?;
    let mut tx = pool.begin().await?;
    let account = Account::by_id(&mut tx, user).await?.ok_or(DomainError::NotFound)?;
    if account.user.status() != Status::Pending {
        return Err(DomainError::NotFound);
    }
    if approve {
        let form =
            LocalUserUpdate { status: Some(Status::Active.as_str()), updated_at: Some(now()), ..Default::default() };
        LocalUser::update(&mut tx, user, &form).await?;
        super::actors::queue_keys(&mut tx, account.actor.id).await?;
    } else {
        LocalUser::delete(&mut tx, user).await?;
        Actor::delete(&mut tx, account.actor.id).await?;
        local_name::release(&mut tx, &account.actor.username).await?;
    }
    tx.commit().await?;
    tracing::info!(username = account.actor.username, approve, by = admin.actor.username, "registration decided");
    Ok(account)
}

/// Sets the role of an account (`buurt admin set-role`).
pub async fn set_role(pool: &DbPool, username: &str, role: Role) -> DomainResult<()> {
    let mut tx = pool.begin().await?;
    let account = Account::by_username(&mut tx, username).await?.ok_or(DomainError::NotFound)?;
    LocalUser::update(
        &mut tx,
        account.user.id,
        &LocalUserUpdate { role: Some(role.as_str()), updated_at: Some(now()), ..Default::default() },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
