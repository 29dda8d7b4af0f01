//! One file per table: the row, its insert form, and every query on it.

pub mod actor;
pub mod actor_count;
pub mod delivery;
pub mod delivery_target;
pub mod digest;
pub mod email_token;
pub mod follow;
pub mod instance;
pub mod invite;
pub mod job;
pub mod local_name;
pub mod local_user;
pub mod marker;
pub mod media;
pub mod notification;
pub mod notification_preference;
pub mod oauth;
pub mod outbox_activity;
pub mod place;
pub mod post;
pub mod push_subscription;
pub mod received_activity;
pub mod session;
pub mod site;
