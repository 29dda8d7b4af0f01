//! Server-rendered pages: routes, request context, forms, templates and static assets.

pub mod assets;
pub mod context;
pub mod error;
pub mod form;
pub mod layout;
pub mod map;
pub mod media;
pub mod page;
pub mod pages;
pub mod routes;
