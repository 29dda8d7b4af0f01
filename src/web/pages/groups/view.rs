//! The groups module's templates: the home page's section, the directory and the members page.

use askama::Template;

use crate::db::models::actor::Actor;
use crate::db::models::group_profile::GroupStatus;
use crate::db::models::membership::{GroupRole, MemberState, Membership};
use crate::domain::groups::Group;
use crate::domain::groups::rights::JoinAnswer;
use crate::web::context::Ctx;

#[derive(Template)]
#[template(path = "groups/home_section.html")]
pub struct GroupsSection<'a> {
    pub ctx: &'a Ctx,
    pub groups: Vec<Actor>,
}

/// One member as the members page shows them.
pub struct MemberRow {
    pub id: i64,
    pub name: String,
    pub handle: String,
    pub href: String,
    /// The role's words ("Beheerder"), for accepted members above plain members.
    pub role: Option<String>,
    pub is_admin: bool,
    pub message: String,
}

impl MemberRow {
    pub fn of(ctx: &Ctx, m: &Membership, a: &Actor) -> MemberRow {
        let role = m.role();
        MemberRow {
            id: a.id.0,
            name: a.shown_name(),
            handle: format!("@{}@{}", a.username, a.domain),
            href: if a.local { format!("/u/{}", a.username) } else { a.url.clone().unwrap_or_else(|| a.ap_id.clone()) },
            role: (role != GroupRole::Member).then(|| ctx.t(&format!("group-role-{}", role.as_str()))),
            is_admin: role == GroupRole::Administrator,
            message: m.message.clone(),
        }
    }
}

#[derive(Template)]
#[template(path = "groups/members.html")]
pub struct MembersPage<'a> {
    pub ctx: &'a Ctx,
    pub group: Group,
    /// What joining would lead to for the visitor.
    pub join: JoinAnswer,
    /// The visitor's membership state.
    pub state: Option<MemberState>,
    pub moderates: bool,
    /// A site moderator or admin (approves pending groups).
    pub site_moderator: bool,
    pub administers: bool,
    pub count: i64,
    /// Whether the visitor may see who the members are.
    pub sees: bool,
    pub members: Vec<MemberRow>,
    pub requests: Vec<MemberRow>,
    pub invited: Vec<MemberRow>,
    pub older: Option<String>,
    pub notice: Option<String>,
}

impl MembersPage<'_> {
    pub fn is_member(&self) -> bool {
        self.state == Some(MemberState::Accepted)
    }
    pub fn is_pending(&self) -> bool {
        self.state == Some(MemberState::Pending)
    }
    pub fn is_invited(&self) -> bool {
        self.state == Some(MemberState::Invited)
    }
    /// The key of the sentence saying why joining is not possible, if it is not.
    pub fn refusal(&self) -> Option<&'static str> {
        match self.join {
            JoinAnswer::Refused(key) => Some(key),
            _ => None,
        }
    }
    pub fn is_pending_group(&self) -> bool {
        self.group.profile.status() == GroupStatus::Pending
    }
    pub fn is_archived(&self) -> bool {
        self.group.profile.status() == GroupStatus::Archived
    }
    pub fn asks_approval(&self) -> bool {
        self.join == JoinAnswer::Pending
    }
    pub fn roles(&self) -> Vec<(&'static str, String)> {
        GroupRole::ALL.iter().map(|r| (r.as_str(), self.ctx.t(&format!("group-role-{}", r.as_str())))).collect()
    }
}

/// The group directory (`/groepen`).
#[derive(Template)]
#[template(path = "groups/directory.html")]
pub struct DirectoryPage<'a> {
    pub ctx: &'a Ctx,
    pub groups: Vec<Group>,
    pub search: String,
    pub kind: String,
    /// `(value, words)` of each kind for the filter.
    pub kinds: Vec<(&'static str, String)>,
    /// The neighbourhood filtered on (its name), or empty.
    pub neighbourhood: String,
    /// `(name, words)` of each neighbourhood for the filter.
    pub neighbourhoods: Vec<(String, String)>,
    pub may_create: bool,
    pub older: Option<String>,
}

impl DirectoryPage<'_> {
    pub fn kind_words(&self, g: &Group) -> String {
        self.ctx.t(&format!("group-kind-{}", g.profile.kind().as_str()))
    }
    pub fn status_words(&self, g: &Group) -> String {
        self.ctx.t(&format!("group-status-{}", g.profile.status().as_str()))
    }
}

/// An invitation as the group's invitations page lists it.
pub struct InviteRow {
    pub link: String,
    pub uses: String,
    pub expires: String,
    /// The address it was mailed to (empty for a link).
    pub to: String,
}

#[derive(Template)]
#[template(path = "groups/invites.html")]
pub struct GroupInvitesPage<'a> {
    pub ctx: &'a Ctx,
    pub title: String,
    pub group_path: String,
    /// A new invitation link.
    pub form: crate::web::form::Form,
    /// An invitation by e-mail.
    pub email_form: crate::web::form::Form,
    pub rows: Vec<InviteRow>,
    pub notice: Option<String>,
}

/// The page of an invitation link.
#[derive(Template)]
#[template(path = "groups/invitation.html")]
pub struct InvitationPage<'a> {
    pub ctx: &'a Ctx,
    pub title: String,
    pub group_path: String,
    /// Where the join button posts.
    pub action: String,
    /// Registering with the code.
    pub register: String,
    /// Why the link no longer works.
    pub problem: Option<String>,
    pub signed_in: bool,
}

/// An invitation a resident has not answered.
pub struct MyInvitation {
    /// The group's actor id.
    pub id: i64,
    pub name: String,
    pub href: String,
    pub handle: String,
}

#[derive(Template)]
#[template(path = "groups/my_invitations.html")]
pub struct MyInvitationsPage<'a> {
    pub ctx: &'a Ctx,
    pub invitations: Vec<MyInvitation>,
}
