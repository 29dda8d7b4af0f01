//! Invitations: one mechanism for the instance now and for groups and events later. An
//! invitation is a code with a use count and an expiry, shared as a link or mailed to an
//! address; it may name where the invitee lands after registering. Registering with a code uses
//! it ([`super::register`]) and tells the inviter ([`on_invite_used`]).
//!
//! A later feature makes invitations of its own kind with [`create`] (`kind` 'group' or 'event',
//! `subject` its ActivityPub id, `landing` its page) after checking who may invite to it; this
//! module's instance forms ([`create_invite`], [`invite_by_email`]) are the first callers.

use chrono::TimeDelta;

use super::{letters, require};
use crate::config::Settings;
use crate::db::models::invite::{Invite, InviteInsert};
use crate::db::models::local_user::{Account, Role};
use crate::db::{DbConn, DbPool, now};
use crate::domain::notifications::{self, Notice, kinds};
use crate::domain::validate::{self, FieldErrors};
use crate::domain::{DomainResult, mail};
use crate::state::AppState;
use crate::util::tokens::random_code;

/// An invitation to the instance itself.
pub const KIND_INSTANCE: &str = "instance";

pub const INVITE_MAX_USES: i32 = 100;
pub const INVITE_MAX_DAYS: i64 = 365;
/// A landing path is a local path of at most this length.
const LANDING_MAX: usize = 300;

/// An invitation as a feature asks for it; [`create`] checks and stores it.
#[derive(Debug, Clone)]
pub struct InviteSpec<'a> {
    /// 'instance', or the kind of a later feature ('group', 'event').
    pub kind: &'static str,
    /// The ActivityPub id of the group or event invited to; `None` for the instance.
    pub subject: Option<&'a str>,
    /// A local path ("/g/tuin") where the invitee lands after registering.
    pub landing: Option<&'a str>,
    /// Mail the link to this address.
    pub email: Option<&'a str>,
    pub max_uses: i32,
    pub expires_in: TimeDelta,
    /// The local group whoever uses a 'group' invitation joins (its link and mail are the
    /// group's own: `crate::domain::groups::invitations`).
    pub group: Option<&'a crate::db::models::actor::Actor>,
}

/// The registration link of an invitation.
pub fn link(settings: &Settings, invite: &Invite) -> String {
    format!("{}/registreren?code={}", settings.base_url(), invite.code)
}

/// A landing path must stay on this instance: "/…" but not "//…" (another host).
fn landing_ok(path: &str) -> bool {
    path.starts_with('/')
        && !path.starts_with("//")
        && !path.contains('\\')
        && path.len() <= LANDING_MAX
        && !path.chars().any(|c| c.is_control() || c.is_whitespace())
}

/// Stores an invitation and, when it names an address, queues the mail with its link. The
/// caller has checked that `by` may invite to what the invitation is for.
pub async fn create(state: &AppState, by: &Account, spec: &InviteSpec<'_>) -> DomainResult<Invite> {
    let mut errors = FieldErrors::default();
    let email = spec.email.map(|e| e.trim().to_lowercase());
    if let Some(email) = &email {
        validate::email(email, &mut errors);
    }
    let landing = spec.landing.map(str::trim).filter(|l| !l.is_empty());
    if landing.is_some_and(|l| !landing_ok(l)) {
        errors.add("landing", "error-landing-invalid");
    }
    if !(1..=INVITE_MAX_USES).contains(&spec.max_uses) {
        errors.add("max_uses", "error-number-range");
    }
    if spec.expires_in <= TimeDelta::zero() || spec.expires_in > TimeDelta::days(INVITE_MAX_DAYS) {
        errors.add("expires_days", "error-number-range");
    }
    errors.into_result()?;
    let t = now();
    let code = random_code(10);
    let settings = &state.settings;
    let mut tx = state.pool.begin().await?;
    let invite = Invite::insert(
        &mut tx,
        &InviteInsert {
            code: &code,
            created_by: by.user.id,
            max_uses: spec.max_uses,
            uses: 0,
            expires_at: Some(t + spec.expires_in),
            created_at: t,
            email: email.as_deref(),
            kind: spec.kind,
            subject: spec.subject,
            landing,
            group_id: spec.group.map(|g| g.id),
        },
    )
    .await?;
    if let Some(to) = &email {
        let days = spec.expires_in.num_days();
        let letter = match spec.group {
            Some(group) => {
                let link = crate::domain::groups::invitations::link(settings, group, &invite.code);
                crate::domain::groups::invitations::letter(settings, by, to, group, days, link)
            }
            None => letters::invitation(settings, by, to, days, link(settings, &invite)),
        };
        mail::queue(&mut tx, settings, &letter).await?;
    }
    tx.commit().await?;
    if email.is_some() {
        crate::jobs::wake(state);
    }
    tracing::info!(kind = spec.kind, by = by.actor.username, mailed = email.is_some(), "invitation created");
    Ok(invite)
}

/// What an admin or moderator fills in to invite people by link.
#[derive(Debug, Clone, Default)]
pub struct NewInvite {
    pub max_uses: String,
    pub expires_days: String,
    pub landing: String,
}

/// What an admin or moderator fills in to invite one person by e-mail.
#[derive(Debug, Clone, Default)]
pub struct NewEmailInvite {
    pub email: String,
    pub expires_days: String,
    pub landing: String,
}

/// The number of days an invitation is valid, from a form (an error on `expires_days`).
pub fn days(text: &str, errors: &mut FieldErrors) -> TimeDelta {
    match text.trim().parse::<i64>().ok().filter(|n| (1..=INVITE_MAX_DAYS).contains(n)) {
        Some(n) => TimeDelta::days(n),
        None => {
            errors.add("expires_days", "error-number-range");
            TimeDelta::zero()
        }
    }
}

/// An invitation link to the instance (admins and moderators).
pub async fn create_invite(state: &AppState, by: &Account, form: &NewInvite) -> DomainResult<Invite> {
    require(by, Role::Moderator)?;
    let mut errors = FieldErrors::default();
    let max_uses = form.max_uses.trim().parse::<i32>().ok().filter(|n| (1..=INVITE_MAX_USES).contains(n));
    if max_uses.is_none() {
        errors.add("max_uses", "error-number-range");
    }
    let expires_in = days(&form.expires_days, &mut errors);
    errors.into_result()?;
    let spec = InviteSpec {
        kind: KIND_INSTANCE,
        subject: None,
        landing: Some(&form.landing),
        email: None,
        max_uses: max_uses.unwrap_or(1),
        expires_in,
        group: None,
    };
    create(state, by, &spec).await
}

/// An invitation to the instance mailed to one address (admins and moderators); used once.
pub async fn invite_by_email(state: &AppState, by: &Account, form: &NewEmailInvite) -> DomainResult<Invite> {
    require(by, Role::Moderator)?;
    let mut errors = FieldErrors::default();
    validate::email(form.email.trim(), &mut errors);
    let expires_in = days(&form.expires_days, &mut errors);
    errors.into_result()?;
    let spec = InviteSpec {
        kind: KIND_INSTANCE,
        subject: None,
        landing: Some(&form.landing),
        email: Some(&form.email),
        max_uses: 1,
        expires_in,
        group: None,
    };
    create(state, by, &spec).await
}

pub async fn list_invites(pool: &DbPool, by: &Account) -> DomainResult<Vec<Invite>> {
    require(by, Role::Moderator)?;
    let mut conn = pool.get().await?;
    Ok(Invite::list(&mut conn, KIND_INSTANCE, 100).await?)
}

/// The invitation of `code` if it can be used now (the registration page checks the link).
pub async fn usable(pool: &DbPool, code: &str) -> DomainResult<Option<Invite>> {
    let code = code.trim();
    if code.is_empty() || code.len() > 64 {
        return Ok(None);
    }
    let mut conn = pool.get().await?;
    Ok(Invite::usable(&mut conn, code, now()).await?)
}

/// Whether `code` is an invitation to a group (not to the instance).
pub async fn is_group_code(pool: &DbPool, code: &str) -> DomainResult<bool> {
    if code.len() > 64 {
        return Ok(false);
    }
    let mut conn = pool.get().await?;
    Ok(Invite::by_code(&mut conn, code)
        .await?
        .is_some_and(|i| i.kind == crate::domain::groups::invitations::KIND_GROUP))
}

/// Where a person who registered with an invitation lands (after confirming their address).
pub async fn landing_of(pool: &DbPool, account: &Account) -> DomainResult<Option<String>> {
    let Some(id) = account.user.invite_id else { return Ok(None) };
    let mut conn = pool.get().await?;
    Ok(Invite::by_id(&mut conn, id).await?.and_then(|i| i.landing))
}

/// Someone registered with `invite`: tells the inviter (a notification of kind `invite_used`,
/// by e-mail unless they chose otherwise), in the registration's transaction.
pub async fn on_invite_used(conn: &mut DbConn, invite: &Invite, invitee: &Account) -> DomainResult<()> {
    if invite.kind == crate::domain::groups::invitations::KIND_GROUP {
        crate::domain::groups::invitations::joined_by_registering(conn, invite, invitee).await?;
    }
    let Some(inviter) = Account::by_id(conn, invite.created_by).await? else { return Ok(()) };
    let notice = Notice::new(&kinds::INVITE_USED, inviter.actor.id, Some(invitee.actor.id));
    notifications::notify(conn, notice).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn landing_paths_stay_on_this_instance() {
        assert!(landing_ok("/g/tuin"));
        assert!(landing_ok("/"));
        for bad in ["//evil.example/x", "https://evil.example/", "g/tuin", "/\\evil.example", "/a\nb", ""] {
            assert!(!landing_ok(bad), "{bad:?}");
        }
    }
}
