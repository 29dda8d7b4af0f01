//! Page handlers, one file per group of pages.

pub mod accounts;
pub mod admin;
pub mod error;
pub mod group;
pub mod health;
pub mod home;
pub mod interaction;
pub mod map;
pub mod oauth;
pub mod post;
pub mod profile;
pub mod settings;
pub mod statement;
