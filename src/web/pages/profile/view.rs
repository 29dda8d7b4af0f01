//! The profile page's template.

use askama::Template;

use crate::web::context::Ctx;
use crate::web::page::Image;

#[derive(Template)]
#[template(path = "profile/profile.html")]
pub struct ProfilePage<'a> {
    pub ctx: &'a Ctx,
    pub actor: crate::db::models::actor::Actor,
    pub handle: String,
    pub is_group: bool,
    /// What an organisation is, shown instead of "Groep".
    pub kind_label: Option<String>,
    /// For a signed-in visitor other than the actor: whether they follow it.
    pub following: Option<bool>,
    pub followers: i64,
    /// `/u/name` or `/g/name`.
    pub path: String,
    /// The remote-follow form's error and what was typed.
    pub remote_error: Option<String>,
    pub remote_value: String,
    pub avatar: Option<Image>,
    pub header: Option<Image>,
    /// `/g/name/bewerken` when the visitor may edit the group.
    pub edit_path: Option<String>,
    /// What a group's page shows about neighbourhoods (rendered HTML), if anything.
    pub neighbourhood: Option<String>,
    /// A group's meeting place, on a small map.
    pub map: Option<crate::web::map::MapView>,
    /// Whether the visitor may change the group's meeting place.
    pub can_edit_place: bool,
    /// A person's page (posts and groups are listed) rather than a group's.
    pub is_person: bool,
    /// A page of the person's posts the visitor may see, newest first.
    pub posts: Vec<crate::web::pages::home::view::HomePost>,
    /// The link to the next page of older posts, when there are more.
    pub older: Option<String>,
    /// The groups the person is in.
    pub groups: Vec<GroupLink>,
    /// A group's discussions.
    pub discussions: Option<crate::web::pages::groups::discussions::Discussions>,
    /// Where to report the person or group (none on one's own profile).
    pub report_path: Option<String>,
    /// A group's reports, for its moderators.
    pub reports_path: Option<String>,
}

/// A group on a person's page.
pub struct GroupLink {
    pub href: String,
    /// Plain text.
    pub name: String,
}
