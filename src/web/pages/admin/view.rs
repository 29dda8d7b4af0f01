//! The admin pages' templates.

use askama::Template;

use crate::web::context::Ctx;
use crate::web::form::Form;

/// A pending registration as the admin page shows it.
pub struct PendingRow {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub email: String,
    pub reason: String,
    pub registered: String,
}

#[derive(Template)]
#[template(path = "admin/registrations.html")]
pub struct RegistrationsPage<'a> {
    pub ctx: &'a Ctx,
    pub rows: Vec<PendingRow>,
    pub notice: Option<String>,
}

pub struct InviteRow {
    pub link: String,
    pub uses: String,
    pub expires: String,
    /// The address it was mailed to (empty for a link).
    pub to: String,
    pub landing: String,
}

#[derive(Template)]
#[template(path = "admin/invites.html")]
pub struct InvitesPage<'a> {
    pub ctx: &'a Ctx,
    /// The invitation by link.
    pub form: Form,
    /// The invitation by e-mail.
    pub email_form: Form,
    pub rows: Vec<InviteRow>,
    pub mode_note: Option<String>,
    pub notice: Option<String>,
}
