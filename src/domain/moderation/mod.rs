//! Moderation: reports and the queues that handle them ([`reports`], [`flags`] for reports
//! between servers), moderators' decisions with their statements of reasons ([`actions`]), removing
//! and restoring content ([`content`]), appeals ([`appeals`]), the public moderation log
//! ([`log`]), and verified organisations ([`verified`]).

pub mod actions;
pub mod appeals;
mod content;
pub mod flags;
pub mod log;
pub mod reports;
pub mod verified;

use crate::config::Settings;
use crate::db::DbConn;
use crate::db::models::actor::ActorId;
use crate::db::models::local_user::{Account, Role, Status};
use crate::db::models::moderation_action::ModerationAction;
use crate::db::models::post::Post;
use crate::domain::DomainResult;
use crate::domain::groups::rights::Standing;
use crate::domain::notifications::{self, Notice, kinds::Kind};

/// How far a person moderates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ModeratorOf {
    Nothing,
    /// The group asked about (its moderators and administrators).
    Group,
    /// The whole instance (site moderators — buurtverbinders — and admins).
    Site,
}

/// How far `by` moderates what is in `group` (none: what is in no group).
pub async fn moderator_of(conn: &mut DbConn, by: &Account, group: Option<ActorId>) -> DomainResult<ModeratorOf> {
    if by.user.status() == Status::Active && by.user.role() >= Role::Moderator {
        return Ok(ModeratorOf::Site);
    }
    if let Some(group) = group
        && Standing::of(conn, group, Some(by)).await?.moderates()
    {
        return Ok(ModeratorOf::Group);
    }
    Ok(ModeratorOf::Nothing)
}

/// Where the statement of reasons of `action` is read.
pub fn statement_path(action: &ModerationAction) -> String {
    format!("/moderatie/besluiten/{}", action.id.0)
}

/// Tells the person affected by `action` (a local person) about it: in the app, with a link to
/// the statement, and by a mail with the whole statement — also when their account is
/// suspended. The moderator is not named.
pub(crate) async fn tell_affected(
    conn: &mut DbConn,
    settings: &Settings,
    action: &ModerationAction,
    kind: &'static Kind,
) -> DomainResult<()> {
    let Some(target) = action.target_actor_id else { return Ok(()) };
    let Some(account) = Account::by_actor(conn, target).await? else { return Ok(()) };
    let subject = Some(format!("{}{}", settings.base_url(), statement_path(action)));
    let notice = Notice { kind, recipient: account.actor.id, from: None, post: None, subject };
    notifications::notify(conn, notice).await?;
    let excerpt = match action.post_id {
        Some(id) => Post::by_id(conn, id).await?.map(|p| crate::util::html::html_to_text(&p.content)),
        None => None,
    };
    let letter = log::letter(settings, &account, action, kind, excerpt.as_deref());
    crate::domain::mail::queue(conn, settings, &letter).await?;
    Ok(())
}
