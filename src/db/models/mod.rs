//! One file per table: the row, its insert form, and every query on it.

pub mod actor;
pub mod actor_block;
pub mod actor_count;
pub mod actor_mute;
pub mod calendar_feed;
pub mod delivery;
pub mod delivery_target;
pub mod digest;
pub mod domain_block_personal;
pub mod email_token;
pub mod event;
pub mod event_participant;
pub mod follow;
pub mod group_profile;
pub mod hidden_post;
pub mod instance;
pub mod invite;
pub mod job;
pub mod local_name;
pub mod local_user;
pub mod marker;
pub mod media;
pub mod membership;
pub mod moderation_action;
pub mod notification;
pub mod notification_preference;
pub mod oauth;
pub mod outbox_activity;
pub mod place;
pub mod post;
pub mod post_edit;
pub mod push_subscription;
pub mod received_activity;
pub mod remote_actor_block;
pub mod report;
pub mod session;
pub mod site;
pub mod site_setting;

/// An enum stored as text: `as_str`, `parse` and `ALL`, so a column's words are written once.
macro_rules! text_enum {
    ($(#[$meta:meta])* pub enum $name:ident { $($(#[$vmeta:meta])* $variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name { $($(#[$vmeta])* $variant),+ }

        impl $name {
            pub const ALL: &[$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            pub fn parse(s: &str) -> Option<$name> {
                match s { $($text => Some($name::$variant),)+ _ => None }
            }
        }
    };
}
pub(crate) use text_enum;
