//! The neighbourhood templates: its part of a group's page, the resident's neighbourhood on
//! the home page and the page where a resident picks their home neighbourhood.

use askama::Template;

use crate::web::context::Ctx;
use crate::web::form::Form;
use crate::web::map::MapView;
use crate::web::pages::groups::discussions::Discussions;

/// A group that belongs to a neighbourhood, as its page lists it.
pub struct GroupItem {
    pub href: String,
    /// Plain text.
    pub name: String,
    /// "Interessegroep", "Organisatie".
    pub kind: String,
}

/// What a group's page shows about neighbourhoods.
pub enum NeighbourhoodPart {
    /// The group is a neighbourhood: its boundary on the map, its groups and its residents.
    Itself {
        /// The boundary and the groups' meeting places; its list works without JavaScript.
        map: Option<Box<MapView>>,
        groups: Vec<GroupItem>,
        /// "Er woont 1 bewoner in deze buurt."
        residents: String,
        code: Option<String>,
    },
    /// Another group that belongs to a neighbourhood: `(href, name)`.
    BelongsTo(String, String),
}

/// The neighbourhood part of `templates/profile/profile.html`.
#[derive(Template)]
#[template(path = "neighbourhoods/profile_part.html")]
pub struct ProfilePart<'a> {
    pub ctx: &'a Ctx,
    pub part: NeighbourhoodPart,
}

/// The resident's own neighbourhood, first on their home page.
#[derive(Template)]
#[template(path = "neighbourhoods/home_section.html")]
pub struct HomeSectionView<'a> {
    pub ctx: &'a Ctx,
    /// `(href, name)` of their neighbourhood; `None`: they have not chosen one yet.
    pub home: Option<(String, String)>,
    pub residents: String,
    /// The neighbourhood's newest threads (pinned first).
    pub discussions: Option<Discussions>,
}

/// `/instellingen/buurt`: choosing a home neighbourhood.
#[derive(Template)]
#[template(path = "neighbourhoods/settings.html")]
pub struct SettingsPage<'a> {
    pub ctx: &'a Ctx,
    /// `(href, name)` of the current home neighbourhood.
    pub current: Option<(String, String)>,
    pub notice: Option<String>,
    pub list: Form,
    pub click: Form,
    pub map: Option<MapView>,
    /// The postcode form, when a geocoder is configured.
    pub postcode: Option<Form>,
    pub none: bool,
}
