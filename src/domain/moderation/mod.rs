//! Moderation: reports and what moderators do about them.

pub mod flags;
pub mod reports;
