//! One file per table: the row, its insert form, and every query on it.

pub mod actor;
pub mod instance;
pub mod invite;
pub mod local_name;
pub mod local_user;
pub mod session;
pub mod site;
