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

/// An account on the admins' list.
pub struct UserRow {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub email: String,
    pub role: String,
    pub status: String,
    pub registered: String,
}

#[derive(Template)]
#[template(path = "admin/users.html")]
pub struct UsersPage<'a> {
    pub ctx: &'a Ctx,
    pub rows: Vec<UserRow>,
    pub search: String,
    /// (value, label, chosen)
    pub roles: Vec<(String, String, bool)>,
    pub next: Option<String>,
}

#[derive(Template)]
#[template(path = "admin/user.html")]
pub struct UserPage<'a> {
    pub ctx: &'a Ctx,
    pub row: UserRow,
    pub profile: String,
    pub last_login: Option<String>,
    /// The role form (not for one's own account).
    pub form: Option<Form>,
    /// The actor id the decision links name (not for one's own account).
    pub decide: Option<i64>,
    pub notice: Option<String>,
}

/// A staff page on the overview: where, what it is for, and what waits there.
pub struct AdminLink {
    pub href: &'static str,
    pub title: String,
    pub about: String,
    pub waiting: Option<String>,
}

impl AdminLink {
    pub fn new(ctx: &Ctx, href: &'static str, title: &str, about: &str, waiting: Option<String>) -> AdminLink {
        AdminLink { href, title: ctx.t(title), about: ctx.t(about), waiting }
    }
}

#[derive(Template)]
#[template(path = "admin/overview.html")]
pub struct OverviewPage<'a> {
    pub ctx: &'a Ctx,
    pub links: Vec<AdminLink>,
}

#[derive(Template)]
#[template(path = "admin/settings.html")]
pub struct SettingsPage<'a> {
    pub ctx: &'a Ctx,
    pub form: Form,
    pub notice: Option<String>,
}
