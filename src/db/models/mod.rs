//! One file per table: the row, its insert form, and every query on it.

pub mod invite;
pub mod local_name;
pub mod local_user;
pub mod person;
pub mod session;
pub mod site;
