//! Notifications: telling a local person that something concerns them. Every cause (a mention,
//! a like, a new follower, a registration to approve, and the kinds later features register in
//! [`kinds`]) calls [`notify`] (one person) or [`notify_many`] (everyone of an [`Audience`])
//! inside the transaction of the change, whether it arrived from a form, the client API or
//! another server. Who hears of what is decided here: the person's preferences ([`prefs`]),
//! whether they may see the post it is about (`domain::visibility`), and [`silenced`].

pub mod causes;
pub mod describe;
pub mod digest;
pub mod email;
pub mod kinds;
pub mod prefs;
pub mod read;
pub mod reading;

pub use kinds::{Channel, KINDS, Kind};

use super::DomainResult;
use super::visibility::{self as seen, Viewer};
use crate::db::models::actor::ActorId;
use crate::db::models::notification::{Audience, Notification, NotificationInsert};
use crate::db::models::post::{Post, PostId};
use crate::db::models::push_subscription::PushSubscription;
use crate::db::{DbConn, DbResult, now};

/// What happened, to whom.
#[derive(Debug, Clone)]
pub struct Notice {
    pub kind: &'static Kind,
    /// The local person's actor.
    pub recipient: ActorId,
    /// Who did it, when someone did.
    pub from: Option<ActorId>,
    pub post: Option<PostId>,
    /// The ActivityPub id of what it is about when that is not a post (a group, an event, …).
    /// It is also the scope of the person's preferences: a preference for this id (a followed
    /// group, say) comes before their preference for the kind.
    pub subject: Option<String>,
}

impl Notice {
    /// A notice of `kind` for `recipient`, caused by `from`.
    pub fn new(kind: &'static Kind, recipient: ActorId, from: Option<ActorId>) -> Notice {
        Notice { kind, recipient, from, post: None, subject: None }
    }

    /// About a post.
    pub fn post(mut self, post: PostId) -> Notice {
        self.post = Some(post);
        self
    }

    /// Notifications with the same key are shown together: for grouped kinds, all of that kind
    /// about one thing; otherwise each stands alone (a key of its own).
    pub fn group_key(&self) -> String {
        group_key(self.kind, self.post, self.subject.as_deref())
    }
}

fn group_key(kind: &Kind, post: Option<PostId>, subject: Option<&str>) -> String {
    let about = match (post, subject) {
        (Some(post), _) => format!("post:{}", post.0),
        (None, Some(subject)) => format!("subject:{subject}"),
        (None, None) => "none".to_string(),
    };
    if kind.grouped {
        format!("{}:{about}", kind.name)
    } else {
        format!("{}:{about}:{}", kind.name, crate::util::tokens::random_token(8))
    }
}

/// Whether `recipient` does not want to hear from `from` at all: either blocks the other, the
/// recipient blocks `from`'s domain, or mutes `from` with notifications. The same condition is
/// in `Notification::insert_for`'s SQL (for [`notify_many`]); the lists leave out what came
/// before (`db::views::screen::screen_notifications`).
pub async fn silenced(conn: &mut DbConn, recipient: ActorId, from: Option<ActorId>) -> DbResult<bool> {
    use crate::db::models::actor::Actor;
    use crate::db::models::actor_block::ActorBlock;
    use crate::db::models::actor_mute::ActorMute;
    use crate::db::models::domain_block_personal::DomainBlock;
    let Some(from) = from else { return Ok(false) };
    if ActorBlock::between(conn, recipient, from).await? {
        return Ok(true);
    }
    if ActorMute::find(conn, recipient, from).await?.is_some_and(|m| m.notifications) {
        return Ok(true);
    }
    match Actor::by_id(conn, from).await? {
        Some(actor) if !actor.local => DomainBlock::has(conn, recipient, &actor.domain).await,
        _ => Ok(false),
    }
}

/// Writes a notification unless the person turned the kind off (for the notice's subject, or
/// in general), may not see the post it is about, caused it themselves or silenced its cause;
/// returns it when written. The channel stored is the one the person chose (or the kind's
/// default): what the e-mail and digest jobs read.
pub async fn notify(conn: &mut DbConn, notice: Notice) -> DomainResult<Option<Notification>> {
    if notice.from == Some(notice.recipient) || silenced(conn, notice.recipient, notice.from).await? {
        return Ok(None);
    }
    if let Some(post) = notice.post {
        let Some(post) = Post::by_id(conn, post).await? else { return Ok(None) };
        if !seen::can_see(conn, Viewer::Actor(notice.recipient), &post).await? {
            return Ok(None);
        }
    }
    let Some(notification) = Notification::insert_one(conn, notice.recipient, &insert_form(&notice)).await? else {
        return Ok(None);
    };
    email::queue(conn, &notification).await?;
    super::push::queue(conn, &notification).await?;
    Ok(Some(notification))
}

/// One cause that concerns many local people: a notification for each person of `audience`
/// (a group's 10,000 local followers), written by one `INSERT … SELECT` that applies each
/// person's preferences in SQL; then the mails of those who chose e-mail right away and the
/// pushes of those with a push subscription are queued. `notice.recipient` is ignored. Returns
/// how many were written. A post the audience may not all see (a direct post, or a
/// followers-only post to anyone but its author's followers) notifies nobody.
pub async fn notify_many(conn: &mut DbConn, audience: Audience, notice: Notice) -> DomainResult<usize> {
    if let Some(post) = notice.post {
        let Some(post) = Post::by_id(conn, post).await? else { return Ok(0) };
        let all_see = match audience {
            Audience::One(actor) => seen::can_see(conn, Viewer::Actor(actor), &post).await?,
            Audience::FollowersOf(actor) => seen::followers_of_see(&post, actor),
            Audience::Staff | Audience::Admins => seen::anyone_sees(&post),
        };
        if !all_see {
            return Ok(0);
        }
    }
    let form = insert_form(&notice);
    let written = Notification::insert_for(conn, audience, &form).await?;
    let mails: Vec<crate::jobs::NewJob> = written
        .iter()
        .filter(|w| w.channel == Channel::Email.as_str())
        .map(|w| crate::jobs::NewJob::new(email::MAIL_JOB, &w.id))
        .collect();
    crate::jobs::enqueue_many(conn, mails).await?;
    let subscribed = PushSubscription::subscribed_actors(conn).await?;
    for w in written.iter().filter(|w| subscribed.contains(&w.recipient_id)) {
        super::push::queue(conn, &w.notification(&form)).await?;
    }
    Ok(written.len())
}

fn insert_form(notice: &Notice) -> NotificationInsert {
    NotificationInsert {
        recipient_id: notice.recipient,
        kind: notice.kind.name.to_string(),
        from_actor_id: notice.from,
        post_id: notice.post,
        subject: notice.subject.clone(),
        group_key: notice.group_key(),
        channel: notice.kind.default.as_str().to_string(),
        created_at: now(),
    }
}
