//! Notifications by e-mail: right away for the kinds a person chose (`Channel::Email`), and the
//! unsubscribe link every such mail carries, which works without signing in.

use super::kinds::{self, Kind};
use crate::db::models::actor::Actor;
use crate::db::models::local_user::{Account, LocalUserId};
use crate::db::models::notification::Notification;
use crate::db::models::post::Post;
use crate::db::{DbConn, DbResult};
use crate::domain::mail::{self, Letter};
use crate::jobs::{JobError, NewJob, Running};
use crate::state::AppState;

/// The job that mails one notification.
pub const MAIL_JOB: &str = "notification.mail";

/// Queues the mail of a notification the person wants by e-mail right away (inside the
/// transaction that wrote it).
pub async fn queue(conn: &mut DbConn, notification: &Notification) -> DbResult<()> {
    if notification.channel == super::Channel::Email.as_str() {
        crate::jobs::enqueue(conn, NewJob::new(MAIL_JOB, &notification.id)).await?;
    }
    Ok(())
}

/// Whether mails other than confirmations and resets may go to this person's address: once
/// confirmed, or always where the instance does not ask for confirmation.
pub fn may_mail(state: &AppState, account: &Account) -> bool {
    account.user.email_confirmed_at.is_some() || !state.settings.mail.confirm_email
}

/// The [`MAIL_JOB`] handler: renders the mail in the person's language and queues it, completing
/// this job in the same transaction (so one notification gives one mail).
pub async fn send(state: AppState, job: Running) -> Result<(), JobError> {
    let id: i64 = job.payload()?;
    let mut tx = state.pool.begin().await?;
    let Some(notification) = Notification::by_id(&mut tx, id).await? else {
        // Dismissed before the mail went: nothing to say any more.
        return Ok(());
    };
    let Some(account) = Account::by_actor(&mut tx, notification.recipient_id).await? else {
        return Ok(());
    };
    let Some(kind) = kinds::kind(&notification.kind) else {
        return Err(JobError::Fail(format!("unknown notification kind {:?}", notification.kind)));
    };
    if !may_mail(&state, &account) {
        return Ok(());
    }
    let from = match notification.from_actor_id {
        Some(id) => Actor::by_id(&mut tx, id).await?,
        None => None,
    };
    let post = match notification.post_id {
        Some(id) => Post::by_id(&mut tx, id).await?,
        None => None,
    };
    let lang = crate::domain::accounts::letters::lang_of(&state.settings, Some(&account.user));
    let who = from.as_ref().map(Actor::shown_name).unwrap_or_default();
    let mut paragraphs = vec![lang.t_args(&format!("notification-mail-{}", kind.name), &[("name", who.clone())])];
    if let Some(post) = &post {
        paragraphs.push(format!("“{}”", crate::util::html::excerpt(&post.content, 280)));
    }
    let letter = Letter {
        lang,
        to: account.user.email.clone(),
        subject: lang.t_args(&format!("notification-mail-{}-subject", kind.name), &[("name", who.clone())]),
        greeting: lang.t_args("mail-greeting", &[("name", account.actor.display_name.clone())]),
        paragraphs,
        action: Some((lang.t("notification-mail-open"), format!("{}/meldingen", state.base_url))),
        sections: vec![],
        reason: lang.t("notification-mail-reason"),
        unsubscribe: Some(unsubscribe_link(&state, account.user.id, kind)),
    };
    mail::queue(&mut tx, &state.settings, &letter).await?;
    if !job.complete_in(&mut tx).await? {
        // Another worker took the job over; it sends the mail.
        return Ok(());
    }
    tx.commit().await?;
    crate::jobs::wake(&state);
    Ok(())
}

/// Stops the mails of a kind: its notifications stay in the app; the digest stops.
pub async fn unsubscribe(pool: &crate::db::DbPool, user: LocalUserId, kind: &Kind) -> crate::domain::DomainResult<()> {
    use crate::db::models::notification_preference::NotificationPreference;
    let channel = if kind.name == super::digest::DIGEST.name { super::Channel::Off } else { super::Channel::InApp };
    let mut conn = pool.write().await?;
    let row = NotificationPreference {
        local_user_id: user,
        kind: kind.name.to_string(),
        scope: String::new(),
        channel: channel.as_str().to_string(),
    };
    NotificationPreference::set(&mut conn, &row).await?;
    tracing::info!(user = user.0, kind = kind.name, "unsubscribed from mails by link");
    Ok(())
}

/// What an unsubscribe link signs: the person and the kind.
fn unsubscribe_message(user: LocalUserId, kind: &str) -> String {
    format!("{}:{kind}", user.0)
}

/// `/afmelden?u=…&k=…&t=…`: stops mails of one kind (or the digest) without signing in.
pub fn unsubscribe_link(state: &AppState, user: LocalUserId, kind: &Kind) -> String {
    let token = crate::util::tokens::sign(&state.site.secret, "unsubscribe", &unsubscribe_message(user, kind.name));
    format!("{}/afmelden?u={}&k={}&t={token}", state.base_url, user.0, kind.name)
}

/// The person and kind an unsubscribe link names, if its signature is ours.
pub fn check_unsubscribe(state: &AppState, user: i64, kind: &str, token: &str) -> Option<(LocalUserId, &'static Kind)> {
    let kind = if kind == super::digest::DIGEST.name { &super::digest::DIGEST } else { kinds::kind(kind)? };
    let user = LocalUserId(user);
    crate::util::tokens::verify(&state.site.secret, "unsubscribe", &unsubscribe_message(user, kind.name), token)
        .then_some((user, kind))
}
