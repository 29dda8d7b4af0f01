//! Read models that join tables for display, one file per read.

pub mod notification_page;
