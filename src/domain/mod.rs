//! The business operations, one module per area. These are the only writers: web pages, the
//! client API, the inbox and the command line all call them.

pub mod accounts;
pub mod actors;
pub mod blocks;
pub mod events;
pub mod federation;
pub mod follows;
pub mod groups;
pub mod inbox;
pub mod instances;
pub mod mail;
pub mod markers;
pub mod media;
pub mod moderation;
pub mod neighbourhoods;
pub mod notifications;
pub mod oauth;
pub mod outbox;
pub mod password;
pub mod places;
pub mod posts;
pub mod privacy;
pub mod profile;
pub mod push;
pub mod reactions;
pub mod remote_actors;
pub mod resolve;
pub mod site;
pub mod stats;
pub mod validate;
pub mod visibility;

use crate::db::DbError;

/// What a domain operation can fail with.
#[derive(Debug, thiserror::Error)]
pub enum DomainError {
    /// The input is wrong; each entry names a form field and a message key.
    #[error("invalid input: {0:?}")]
    Invalid(validate::FieldErrors),
    /// The caller may not do this.
    #[error("forbidden")]
    Forbidden,
    #[error("not found")]
    NotFound,
    #[error(transparent)]
    Db(#[from] DbError),
    #[error("internal: {0}")]
    Internal(String),
}

pub type DomainResult<T> = Result<T, DomainError>;

/// The handlers of every job kind the domain queues (`crate::jobs`).
pub fn job_handlers() -> crate::jobs::Handlers {
    use notifications::{digest, email};
    crate::jobs::Handlers::default()
        .on(mail::SEND, mail::send)
        .on(actors::KEYS_JOB, actors::make_keys)
        .on(instances::NODEINFO_JOB, instances::read_nodeinfo)
        .on(email::MAIL_JOB, email::send)
        .on(digest::SCHEDULE_JOB, digest::schedule)
        .on(events::reminders::REMIND_JOB, events::reminders::remind)
        .on(digest::SEND_JOB, digest::send)
        .on(push::JOB_KIND, |state, job| async move { push::deliver(&state, &job.payload).await.map_err(Into::into) })
}

/// What the federation endpoints answer for a domain error.
impl From<DomainError> for crate::apub::ApubError {
    fn from(e: DomainError) -> Self {
        match e {
            DomainError::NotFound => crate::apub::ApubError::NotFound,
            DomainError::Forbidden => crate::apub::ApubError::Forbidden("not allowed".into()),
            DomainError::Invalid(errors) => crate::apub::ApubError::BadRequest(format!("{errors:?}")),
            other => crate::apub::ApubError::Internal(other.to_string()),
        }
    }
}
