//! Page handlers, one folder per area: `mod.rs` holds the handlers, `view.rs` the area's own
//! template structs (templates in `templates/<area>/`).

pub mod accounts;
pub mod admin;
pub mod blocks;
pub mod email;
pub mod error;
pub mod events;
pub mod groups;
pub mod health;
pub mod home;
pub mod interaction;
pub mod map;
pub mod moderation;
pub mod neighbourhoods;
pub mod notifications;
pub mod oauth;
pub mod posts;
pub mod privacy;
pub mod profile;
pub mod reports;
pub mod settings;
pub mod statement;
pub mod unsubscribe;
