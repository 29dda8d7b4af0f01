//! Buurt's own JSON API under `/api/buurt/v1`, for what Mastodon has no concept of: its
//! handlers, its error shape in the caller's language, and its OpenAPI document.

pub mod admin;
pub mod controls;
pub mod discussions;
pub mod errors;
pub mod events;
pub mod federation;
pub mod group_admin;
pub mod group_members;
pub mod groups;
pub mod media;
pub mod moderation;
pub mod neighbourhoods;
pub mod notification_preferences;
pub mod openapi;
pub mod privacy;
pub mod reports;
pub mod routes;

/// Where every route of this API lives.
pub const PREFIX: &str = "/api/buurt/v1";
