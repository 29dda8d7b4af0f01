//! What moderation shows: the public moderation log (decisions without the people concerned
//! or the facts, which may name them), the statement of reasons as its reader sees it, and the
//! mail that carries a statement to the person affected.

use super::{ModeratorOf, moderator_of, statement_path};
use crate::config::Settings;
use crate::db::DbConn;
use crate::db::models::actor::Actor;
use crate::db::models::local_user::{Account, Role};
use crate::db::models::moderation_action::{ActionId, ActionKind, Appeal, Ground, ModerationAction};
use crate::db::models::post::Post;
use crate::domain::mail::letter::Letter;
use crate::domain::notifications::kinds::Kind;
use crate::domain::{DomainError, DomainResult};
use crate::i18n::Lang;

/// Decisions per page of the log.
pub const PAGE: i64 = 50;

/// A line of the public log.
#[derive(Debug, Clone)]
pub struct LogEntry {
    pub id: ActionId,
    pub kind: ActionKind,
    pub ground: Ground,
    pub law: Option<String>,
    pub created_at: chrono::NaiveDateTime,
    pub reversed_at: Option<chrono::NaiveDateTime>,
    /// The group whose moderators decided or where the content was: (path, name).
    pub group: Option<(String, String)>,
}

/// The newest decisions, older than `before` when given.
pub async fn page(conn: &mut DbConn, before: Option<ActionId>) -> DomainResult<Vec<LogEntry>> {
    let actions = ModerationAction::page(conn, before, PAGE).await?;
    let mut ids: Vec<_> = actions.iter().filter_map(|a| a.group_id).collect();
    ids.sort_unstable_by_key(|g| g.0);
    ids.dedup();
    let groups = Actor::by_ids(conn, &ids).await?;
    Ok(actions
        .into_iter()
        .map(|a| LogEntry {
            id: a.id,
            kind: a.kind(),
            ground: a.ground(),
            law: a.law.clone(),
            created_at: a.created_at,
            reversed_at: a.reversed_at,
            group: a
                .group_id
                .and_then(|g| groups.iter().find(|x| x.id == g))
                .map(|g| (format!("/{}/{}", crate::domain::actors::path_prefix(g.kind()), g.name_key), g.shown_name())),
        })
        .collect())
}

/// A statement of reasons as its reader sees it.
#[derive(Debug, Clone)]
pub struct Statement {
    pub action: ModerationAction,
    pub appeal: Option<Appeal>,
    /// The content it is about, as text (also when it was removed).
    pub excerpt: Option<String>,
    pub group: Option<Actor>,
    /// The reader is the person affected (and may appeal).
    pub affected: bool,
    /// The reader may undo it.
    pub may_reverse: bool,
    /// The reader answers appeals (an admin).
    pub answers_appeals: bool,
}

/// The statement of decision `id`, for the person affected, moderators of its scope and admins;
/// `NotFound` for everyone else, as for a decision that does not exist.
pub async fn statement(conn: &mut DbConn, reader: &Account, id: ActionId) -> DomainResult<Statement> {
    let action = ModerationAction::by_id(conn, id).await?.ok_or(DomainError::NotFound)?;
    let affected = action.target_actor_id == Some(reader.actor.id);
    let scope = if action.kind().on_post() || action.kind() == ActionKind::BanMember { action.group_id } else { None };
    let moderates = match moderator_of(conn, reader, scope).await? {
        ModeratorOf::Site => true,
        ModeratorOf::Group => scope.is_some(),
        ModeratorOf::Nothing => false,
    };
    if !affected && !moderates {
        return Err(DomainError::NotFound);
    }
    let appeal = Appeal::of_action(conn, action.id).await?;
    let excerpt = match action.post_id {
        Some(post) => Post::by_id(conn, post).await?.map(|p| crate::util::html::html_to_text(&p.content)),
        None => None,
    };
    let group = match action.group_id {
        Some(g) => Actor::by_id(conn, g).await?,
        None => None,
    };
    let answers_appeals = reader.user.role() == Role::Admin;
    Ok(Statement {
        may_reverse: moderates && !action.reversed(),
        action,
        appeal,
        excerpt,
        group,
        affected,
        answers_appeals,
    })
}

/// The words of a decision's measure, its ground and (for illegal content) the law.
pub fn grounds(lang: Lang, action: &ModerationAction) -> String {
    let ground = lang.t(&format!("moderation-ground-{}", action.ground().as_str()));
    match &action.law {
        Some(law) => format!("{ground} ({law})"),
        None => ground,
    }
}

/// The mail of a decision (`kind`: decided, undone, appeal answered) to the person affected,
/// with the whole statement and how to appeal.
pub fn letter(
    settings: &Settings,
    to: &Account,
    action: &ModerationAction,
    kind: &Kind,
    excerpt: Option<&str>,
) -> Letter {
    let lang = crate::domain::accounts::letters::lang_of(settings, Some(&to.user));
    let link = format!("{}{}", settings.base_url(), statement_path(action));
    let what = lang.t(&format!("moderation-kind-{}", action.kind().as_str()));
    let args = [("site", settings.instance.name.as_str().into()), ("what", what.as_str().into())];
    let mut paragraphs = vec![lang.t_with(&format!("mail-{}-body", kind.name), &args)];
    paragraphs.push(lang.t_with("moderation-statement-ground", &[("ground", grounds(lang, action).into())]));
    paragraphs.push(lang.t_with("moderation-statement-facts", &[("facts", action.facts.as_str().into())]));
    if let Some(text) = excerpt.filter(|t| !t.is_empty()) {
        let short: String = text.chars().take(500).collect();
        paragraphs.push(lang.t_with("moderation-statement-content", &[("content", short.into())]));
    }
    if let Some(reason) = &action.reversal_reason {
        paragraphs.push(lang.t_with("moderation-statement-reversed", &[("reason", reason.as_str().into())]));
    } else {
        paragraphs.push(lang.t_with("moderation-statement-redress", &[("days", super::appeals::APPEAL_DAYS.into())]));
    }
    Letter {
        lang,
        to: to.user.email.clone(),
        subject: lang.t_with(&format!("mail-{}-subject", kind.name), &args),
        greeting: lang.t("moderation-mail-greeting"),
        paragraphs,
        action: Some((lang.t("moderation-mail-action"), link)),
        sections: Vec::new(),
        reason: lang.t_with("moderation-mail-reason", &args),
        unsubscribe: None,
    }
}
