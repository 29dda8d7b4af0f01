//! Read models: what pages and APIs list, joined from several tables for display. They only
//! read; who may see what is still decided in `domain` (`domain::visibility`).

pub mod discussions;
pub mod export;
pub mod notification_page;
pub mod notifications;
pub mod reactors;
pub mod screen;
pub mod thread;
