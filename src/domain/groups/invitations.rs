//! Invitations to a group by link or by e-mail: the invitation mechanism of the accounts
//! ([`crate::domain::accounts::invites`]) with kind 'group' and the group's id. Whoever follows
//! the link — signed in, or registering through it — becomes an accepted member, even of an
//! invite-only group. A code used after its expiry or past its count is refused with a clear
//! error and changes nothing. The group's administrators (and site admins) make them.

use chrono::TimeDelta;

use super::Group;
use super::members::{insert, member_id};
use super::rights::Standing;
use crate::config::Settings;
use crate::db::models::actor::Actor;
use crate::db::models::group_profile::GroupStatus;
use crate::db::models::invite::Invite;
use crate::db::models::local_user::{Account, Status};
use crate::db::models::membership::{MemberState, Membership};
use crate::db::{DbConn, now};
use crate::domain::accounts::invites::{self, INVITE_MAX_USES, InviteSpec};
use crate::domain::mail::Letter;
use crate::domain::validate::{self, FieldErrors};
use crate::domain::{DomainError, DomainResult};
use crate::state::AppState;

/// The kind of a group's invitations.
pub const KIND_GROUP: &str = "group";
/// Invitations a group's page lists.
pub const LISTED: i64 = 50;

/// The link of a group invitation: a page that lets a signed-in person join, and others
/// register or sign in first.
pub fn link(settings: &Settings, group: &Actor, code: &str) -> String {
    format!("{}/g/{}/uitnodiging/{code}", settings.base_url(), group.name_key)
}

/// The mail with a group's invitation.
pub fn letter(settings: &Settings, inviter: &Account, to: &str, group: &Actor, days: i64, link: String) -> Letter {
    let lang = crate::domain::accounts::letters::lang_of(settings, None);
    let args = [
        ("site", settings.instance.name.as_str().into()),
        ("inviter", inviter.actor.display_name.as_str().into()),
        ("group", group.display_name.as_str().into()),
        ("days", days.into()),
    ];
    Letter {
        lang,
        to: to.to_string(),
        subject: lang.t_with("mail-group-invite-subject", &args),
        greeting: lang.t("mail-group-invite-greeting"),
        paragraphs: vec![lang.t_with("mail-group-invite-body", &args), lang.t_with("mail-group-invite-valid", &args)],
        action: Some((lang.t("mail-group-invite-action"), link)),
        sections: Vec::new(),
        reason: lang.t_with("mail-group-invite-reason", &args),
        unsubscribe: None,
    }
}

/// What an administrator fills in: a link for `max_uses` people, or a mail to `email` (used
/// once); valid for `expires_days`.
#[derive(Debug, Clone, Default)]
pub struct NewGroupInvite {
    pub max_uses: String,
    pub expires_days: String,
    /// An address to mail the invitation to; empty for a link.
    pub email: String,
}

/// The group's administrators (and site admins) may invite by link and by e-mail.
async fn check_admin(conn: &mut DbConn, by: &Account, group: &Group) -> DomainResult<()> {
    if !group.actor.local {
        return Err(DomainError::NotFound);
    }
    if !Standing::of(conn, group.actor.id, Some(by)).await?.administers() {
        return Err(DomainError::Forbidden);
    }
    Ok(())
}

/// Makes an invitation to a local group: a link, or a mail with the link when `email` is
/// given (then for one use). Returns the invitation.
pub async fn create(state: &AppState, by: &Account, group: &Group, form: &NewGroupInvite) -> DomainResult<Invite> {
    {
        let mut conn = state.pool.get().await?;
        check_admin(&mut conn, by, group).await?;
    }
    if group.profile.status() != GroupStatus::Active {
        return Err(DomainError::Invalid(FieldErrors::one("group", "error-group-closed")));
    }
    let mut errors = FieldErrors::default();
    let email = form.email.trim();
    let max_uses = if email.is_empty() {
        form.max_uses.trim().parse::<i32>().ok().filter(|n| (1..=INVITE_MAX_USES).contains(n))
    } else {
        validate::email(email, &mut errors);
        Some(1)
    };
    if max_uses.is_none() {
        errors.add("max_uses", "error-number-range");
    }
    let expires_in: TimeDelta = invites::days(&form.expires_days, &mut errors);
    errors.into_result()?;
    let landing = format!("/g/{}", group.actor.name_key);
    let spec = InviteSpec {
        kind: KIND_GROUP,
        subject: Some(&group.actor.ap_id),
        landing: Some(&landing),
        email: (!email.is_empty()).then_some(email),
        max_uses: max_uses.unwrap_or(1),
        expires_in,
        group: Some(&group.actor),
    };
    invites::create(state, by, &spec).await
}

/// A group's invitations, newest first, for its administrators.
pub async fn list(state: &AppState, by: &Account, group: &Group) -> DomainResult<Vec<Invite>> {
    let mut conn = state.pool.get().await?;
    check_admin(&mut conn, by, group).await?;
    Ok(Invite::of_group(&mut conn, group.actor.id, LISTED).await?)
}

/// Why a code cannot be used now (the message key), or `None` when it can: unknown or of
/// another group, expired, or used up.
pub fn unusable(invite: Option<&Invite>, group: &Group) -> Option<&'static str> {
    let Some(invite) = invite.filter(|i| i.kind == KIND_GROUP && i.group_id == Some(group.actor.id)) else {
        return Some("error-group-invite-unknown");
    };
    if invite.expires_at.is_some_and(|t| t <= now()) {
        Some("error-group-invite-expired")
    } else if invite.uses >= invite.max_uses {
        Some("error-group-invite-used-up")
    } else {
        None
    }
}

/// The invitation of `code` to `group`, whether usable or not (the invitation page).
pub async fn find(state: &AppState, group: &Group, code: &str) -> DomainResult<Option<Invite>> {
    let code = code.trim();
    if code.is_empty() || code.len() > 64 {
        return Ok(None);
    }
    let mut conn = state.pool.get().await?;
    Ok(Invite::by_code(&mut conn, code).await?.filter(|i| i.group_id == Some(group.actor.id)))
}

fn refused(key: &'static str) -> DomainError {
    DomainError::Invalid(FieldErrors::one("code", key))
}

/// A signed-in resident follows a group's invitation: an accepted member (one use of the code
/// taken), even of an invite-only group. A member already keeps the code's uses; a banned
/// person, a closed group, an unknown, expired or used-up code are refused and nothing changes.
pub async fn redeem(state: &AppState, account: &Account, group: &Group, code: &str) -> DomainResult<MemberState> {
    let invite = find(state, group, code).await?;
    if let Some(key) = unusable(invite.as_ref(), group) {
        return Err(refused(key));
    }
    if group.profile.status() != GroupStatus::Active {
        return Err(refused("error-group-closed"));
    }
    let mut tx = state.pool.begin().await?;
    let standing = Standing::of(&mut tx, group.actor.id, Some(account)).await?;
    if standing.is_banned() {
        return Err(refused("error-group-banned"));
    }
    if standing.is_member() {
        tx.rollback().await?;
        return Ok(MemberState::Accepted);
    }
    // One statement takes a use, so two people cannot both take the last one.
    if Invite::consume(&mut tx, code.trim(), now()).await?.is_none() {
        return Err(refused("error-group-invite-used-up"));
    }
    join(&mut tx, state, group, account.actor.id, standing.membership).await?;
    tx.commit().await?;
    tracing::info!(group = %group.actor.username, member = %account.actor.username, "joined by invitation");
    Ok(MemberState::Accepted)
}

/// Makes `member` an accepted member (a request or invitation becomes membership).
async fn join(
    conn: &mut DbConn,
    state: &AppState,
    group: &Group,
    member: crate::db::models::actor::ActorId,
    existing: Option<Membership>,
) -> DomainResult<()> {
    match existing {
        Some(m) => Membership::set(conn, m.id, MemberState::Accepted, m.role()).await?,
        None => {
            let id = member_id(&state.base_url);
            insert(conn, group.actor.id, member, MemberState::Accepted, &id, None, "").await?;
        }
    }
    Ok(())
}

/// Someone registered through a group's invitation (in the registration's transaction): an
/// accepted member of the group when their account is active and the group open for it.
pub async fn joined_by_registering(conn: &mut DbConn, invite: &Invite, account: &Account) -> DomainResult<()> {
    let Some(group_id) = invite.group_id else { return Ok(()) };
    if account.user.status() != Status::Active {
        return Ok(());
    }
    let Some(actor) = Actor::by_id(conn, group_id).await? else { return Ok(()) };
    let group = super::with_profile(conn, actor).await?;
    if group.actor.deleted || group.profile.status() != GroupStatus::Active {
        return Ok(());
    }
    if Membership::find(conn, group.actor.id, account.actor.id).await?.is_some() {
        return Ok(());
    }
    // A URL of this instance, under the group's.
    let id = member_id(&group.actor.ap_id);
    insert(conn, group.actor.id, account.actor.id, MemberState::Accepted, &id, None, "").await?;
    Ok(())
}
