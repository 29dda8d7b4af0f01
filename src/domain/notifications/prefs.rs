//! A person's notification preferences: per kind (scope `''`) and per followed thing (scope =
//! the ActivityPub id of the person or group they follow). What is not chosen is the kind's
//! default; staff-only kinds are only for staff.

use super::kinds::{Channel, KINDS, Kind};
use crate::db::models::actor::Actor;
use crate::db::models::follow::Follow;
use crate::db::models::local_user::{Account, Role};
use crate::db::models::notification_preference::{ANY_SCOPE, NotificationPreference};
use crate::domain::validate::FieldErrors;
use crate::domain::{DomainError, DomainResult};
use crate::state::AppState;

/// Longest scope accepted (an ActivityPub id).
const SCOPE_MAX: usize = 2000;
/// Most preferences changed in one request.
const CHANGES_MAX: usize = 200;

/// One preference as a person sees it.
#[derive(Debug, Clone)]
pub struct Pref {
    pub kind: &'static Kind,
    /// `''` for the kind in general, else the ActivityPub id of a followed person or group.
    pub scope: String,
    pub channel: Channel,
    /// Whether the person chose it (false: the kind's default).
    pub chosen: bool,
}

/// One change: a channel for a kind (and scope), or `None` to go back to the default.
#[derive(Debug, Clone)]
pub struct PrefChange {
    pub kind: String,
    pub scope: String,
    pub channel: Option<String>,
}

/// The kinds a person has a preference for: staff-only kinds only for staff, then the digest.
pub fn kinds_for(account: &Account) -> impl Iterator<Item = &'static Kind> + '_ {
    let staff = account.user.role() >= Role::Moderator;
    KINDS.iter().copied().filter(move |k| staff || !k.staff_only).chain(std::iter::once(&super::digest::DIGEST))
}

/// Every kind the person has with its channel (chosen or default), then their preferences for
/// followed things.
pub async fn list(state: &AppState, account: &Account) -> DomainResult<Vec<Pref>> {
    let stored = {
        let mut conn = state.pool.get().await?;
        NotificationPreference::of(&mut conn, account.user.id).await?
    };
    let mut out: Vec<Pref> = kinds_for(account)
        .map(|kind| {
            let chosen = stored.iter().find(|p| p.kind == kind.name && p.scope == ANY_SCOPE);
            let channel = chosen.and_then(|p| Channel::parse(&p.channel));
            Pref { kind, scope: String::new(), channel: channel.unwrap_or(kind.default), chosen: channel.is_some() }
        })
        .collect();
    for p in stored.iter().filter(|p| p.scope != ANY_SCOPE) {
        if let (Some(kind), Some(channel)) = (kinds_for(account).find(|k| k.name == p.kind), Channel::parse(&p.channel))
        {
            out.push(Pref { kind, scope: p.scope.clone(), channel, chosen: true });
        }
    }
    Ok(out)
}

/// Applies changes, all or none: an unknown kind or channel, a staff-only kind for someone
/// who is not staff, or a scope that is not something the person follows is refused with the
/// field it concerns (the kind's name, or `kind` for an unknown one), and nothing is changed.
pub async fn set(state: &AppState, account: &Account, changes: &[PrefChange]) -> DomainResult<()> {
    let mut errors = FieldErrors::default();
    if changes.len() > CHANGES_MAX {
        errors.add("preferences", "error-too-long");
        return Err(DomainError::Invalid(errors));
    }
    let mut checked: Vec<(&'static Kind, &str, Option<Channel>)> = Vec::with_capacity(changes.len());
    {
        let mut conn = state.pool.get().await?;
        for change in changes {
            let Some(kind) = kinds_for(account).find(|k| k.name == change.kind) else {
                errors.add("kind", "error-choice-invalid");
                continue;
            };
            let field = kind.name;
            let channel = match change.channel.as_deref() {
                None | Some("default") => None,
                Some(c) => match Channel::parse(c).filter(|c| kind.channels.contains(c)) {
                    Some(c) => Some(c),
                    None => {
                        errors.add(field, "error-choice-invalid");
                        continue;
                    }
                },
            };
            if !change.scope.is_empty() {
                let followed = if change.scope.len() <= SCOPE_MAX {
                    Actor::by_ap_id(&mut conn, &change.scope).await?
                } else {
                    None
                };
                let follows = match &followed {
                    Some(target) => Follow::find(&mut conn, account.actor.id, target.id).await?.is_some(),
                    None => false,
                };
                if !follows {
                    errors.add(field, "error-notification-scope");
                    continue;
                }
            }
            checked.push((kind, change.scope.as_str(), channel));
        }
    }
    errors.into_result()?;
    let mut tx = state.pool.begin().await?;
    for (kind, scope, channel) in checked {
        match channel {
            Some(channel) => {
                let row = NotificationPreference {
                    local_user_id: account.user.id,
                    kind: kind.name.to_string(),
                    scope: scope.to_string(),
                    channel: channel.as_str().to_string(),
                };
                NotificationPreference::set(&mut tx, &row).await?;
            }
            None => NotificationPreference::unset(&mut tx, account.user.id, kind.name, scope).await?,
        }
    }
    tx.commit().await?;
    Ok(())
}
