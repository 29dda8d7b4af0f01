//! Notifications: telling a local person that something concerns them. Every cause (a mention,
//! a like, a new follower, a registration to approve, and the kinds later features register in
//! [`kinds`]) calls [`notify`] inside the transaction of the change, whether it arrived from a
//! form, the client API or another server.

pub mod describe;
pub mod digest;
pub mod email;
pub mod kinds;
pub mod read;

pub use kinds::{Channel, KINDS, Kind};

use crate::db::models::actor::ActorId;
use crate::db::models::notification::{Notification, NotificationInsert};
use crate::db::models::post::PostId;
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
    pub subject: Option<String>,
}

impl Notice {
    /// Notifications with the same key are shown together: for grouped kinds, all of that kind
    /// about one thing; otherwise each stands alone (a key of its own).
    pub fn group_key(&self) -> String {
        let about = match (&self.post, &self.subject) {
            (Some(post), _) => format!("post:{}", post.0),
            (None, Some(subject)) => format!("subject:{subject}"),
            (None, None) => "none".to_string(),
        };
        if self.kind.grouped {
            format!("{}:{about}", self.kind.name)
        } else {
            format!("{}:{about}:{}", self.kind.name, crate::util::tokens::random_token(8))
        }
    }
}

/// Writes a notification unless the person turned the kind off; returns it when written.
pub async fn notify(conn: &mut DbConn, notice: Notice) -> DbResult<Option<Notification>> {
    let channel = notice.kind.default;
    if channel == Channel::Off {
        return Ok(None);
    }
    let form = NotificationInsert {
        recipient_id: notice.recipient,
        kind: notice.kind.name.to_string(),
        from_actor_id: notice.from,
        post_id: notice.post,
        subject: notice.subject.clone(),
        group_key: notice.group_key(),
        channel: channel.as_str().to_string(),
        created_at: now(),
    };
    let notification = Notification::insert(conn, &form).await?;
    email::queue(conn, &notification).await?;
    super::push::queue(conn, &notification).await?;
    Ok(Some(notification))
}
