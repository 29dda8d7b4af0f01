//! Template data: the structs askama renders. Forms are data (a list of fields) so every form
//! gets labels, hints and errors tied to its fields the same way.

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

use super::context::Ctx;
use crate::domain::validate::FieldErrors;

/// Renders a template into a page response, or a 500 when the template fails.
pub fn page(status: StatusCode, template: &impl Template) -> Response {
    match template.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response()
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    Text,
    Email,
    Password,
    Number,
    TextArea,
    Select,
    /// An image file (`accept` limits the choice to the formats taken).
    Image,
}

#[derive(Debug, Clone)]
pub struct Field {
    pub name: &'static str,
    pub label: String,
    pub kind: FieldKind,
    pub value: String,
    pub hint: Option<String>,
    pub error: Option<String>,
    pub autocomplete: &'static str,
    pub required: bool,
    /// (value, label) for selects.
    pub options: Vec<(String, String)>,
    /// The on-screen keyboard to offer (`decimal` for coordinates); empty for the default.
    pub inputmode: &'static str,
}

impl Field {
    pub fn new(ctx: &Ctx, kind: FieldKind, name: &'static str, label_key: &str, value: &str) -> Field {
        Field {
            name,
            label: ctx.t(label_key),
            kind,
            value: if kind == FieldKind::Password { String::new() } else { value.to_string() },
            hint: None,
            error: None,
            autocomplete: "off",
            required: false,
            options: Vec::new(),
            inputmode: "",
        }
    }
    /// A number with decimals, typed with a point or a comma.
    pub fn decimal(mut self) -> Field {
        self.inputmode = "decimal";
        self
    }
    pub fn hint(mut self, ctx: &Ctx, key: &str) -> Field {
        self.hint = Some(ctx.t(key));
        self
    }
    pub fn autocomplete(mut self, value: &'static str) -> Field {
        self.autocomplete = value;
        self
    }
    pub fn required(mut self) -> Field {
        self.required = true;
        self
    }
    pub fn options(mut self, options: Vec<(String, String)>) -> Field {
        self.options = options;
        self
    }
    pub fn type_attr(&self) -> &'static str {
        match self.kind {
            FieldKind::Email => "email",
            FieldKind::Password => "password",
            FieldKind::Number => "number",
            _ => "text",
        }
    }
    pub fn is_textarea(&self) -> bool {
        self.kind == FieldKind::TextArea
    }
    pub fn is_select(&self) -> bool {
        self.kind == FieldKind::Select
    }
    pub fn is_image(&self) -> bool {
        self.kind == FieldKind::Image
    }
    /// Ids of the hint and error, for `aria-describedby`.
    pub fn described_by(&self) -> String {
        let mut ids = Vec::new();
        if self.hint.is_some() {
            ids.push(format!("{}-hint", self.name));
        }
        if self.error.is_some() {
            ids.push(format!("{}-error", self.name));
        }
        ids.join(" ")
    }
}

#[derive(Debug, Clone)]
pub struct Form {
    pub action: String,
    pub submit: String,
    pub fields: Vec<Field>,
    pub hidden: Vec<(&'static str, String)>,
    /// Shown above the fields when the form has errors.
    pub error_summary: Option<String>,
    /// Sent as `multipart/form-data` (it has file fields).
    pub multipart: bool,
    /// Images shown above the fields (the current avatar, header or icon).
    pub images: Vec<Image>,
}

/// Formats an image field accepts.
pub const IMAGE_ACCEPT: &str = "image/jpeg,image/png,image/webp,image/gif";

/// An image as a page shows it.
#[derive(Debug, Clone)]
pub struct Image {
    /// What the image is (a caption; may be empty for photos with alt text).
    pub caption: String,
    pub src: String,
    /// Link to the full size.
    pub href: String,
    pub alt: String,
    pub width: Option<i32>,
    pub height: Option<i32>,
}

impl Image {
    /// A post photo, shown small and linked to its full size.
    pub fn photo(view: &crate::media::ImageView) -> Image {
        Image {
            caption: String::new(),
            src: view.small_url.clone(),
            href: view.url.clone(),
            alt: view.alt.clone(),
            width: view.small_width,
            height: view.small_height,
        }
    }
}

impl Form {
    pub fn new(ctx: &Ctx, action: &str, submit_key: &str, fields: Vec<Field>) -> Form {
        let multipart = fields.iter().any(|f| f.kind == FieldKind::Image);
        Form {
            action: action.to_string(),
            submit: ctx.t(submit_key),
            fields,
            hidden: Vec::new(),
            error_summary: None,
            multipart,
            images: Vec::new(),
        }
    }
    pub fn images(mut self, images: Vec<Image>) -> Form {
        self.images = images;
        self
    }
    pub fn hidden(mut self, name: &'static str, value: &str) -> Form {
        self.hidden.push((name, value.to_string()));
        self
    }
    /// Ties each error to its field and adds a summary; an error for a field the form does not
    /// show goes in the summary.
    pub fn with_errors(mut self, ctx: &Ctx, errors: &FieldErrors) -> Form {
        if errors.is_empty() {
            return self;
        }
        let mut unplaced = Vec::new();
        for e in &errors.0 {
            match self.fields.iter_mut().find(|f| f.name == e.field) {
                Some(f) => f.error = Some(ctx.t(e.message)),
                None => unplaced.push(ctx.t(e.message)),
            }
        }
        let mut summary = ctx.t("form-has-errors");
        for u in unplaced {
            summary.push(' ');
            summary.push_str(&u);
        }
        self.error_summary = Some(summary);
        self
    }
}

#[derive(Template)]
#[template(path = "form_page.html")]
pub struct FormPage<'a> {
    pub ctx: &'a Ctx,
    pub title: String,
    pub intro: Vec<String>,
    /// A message above the form (e.g. "your password was changed").
    pub notice: Option<String>,
    pub form: Form,
    /// Links below the form: (href, text).
    pub links: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "map_page.html")]
pub struct MapPage<'a> {
    pub ctx: &'a Ctx,
    pub title: String,
    /// `None` when there is no boundary and no place yet.
    pub map: Option<crate::web::map::MapView>,
}

/// A form with a map to pick a location on (a group's meeting place).
#[derive(Template)]
#[template(path = "place_form.html")]
pub struct PlaceFormPage<'a> {
    pub ctx: &'a Ctx,
    pub title: String,
    pub form: Form,
    pub map: crate::web::map::MapView,
    /// Where "back" goes.
    pub back: String,
}

#[derive(Template)]
#[template(path = "message.html")]
pub struct MessagePage<'a> {
    pub ctx: &'a Ctx,
    pub title: String,
    pub paragraphs: Vec<String>,
}

#[derive(Template)]
#[template(path = "home.html")]
pub struct HomePage<'a> {
    pub ctx: &'a Ctx,
    pub description: String,
    pub members: i64,
    pub groups: Vec<crate::db::models::actor::Actor>,
    pub posts: Vec<HomePost>,
    /// Signed in: recent posts of whom the resident follows, and their own.
    pub followed: Vec<HomePost>,
    /// The form to write a post, for signed-in residents.
    pub compose: Option<Form>,
    /// The neighbourhood on the map, when it has a boundary or places.
    pub map: Option<crate::web::map::MapView>,
}

/// A post as the home page lists it.
pub struct HomePost {
    pub path: String,
    pub author: String,
    pub author_path: String,
    /// Sanitized HTML.
    pub content: String,
    pub published: String,
    pub images: Vec<Image>,
}

#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorTemplate<'a> {
    pub ctx: &'a Ctx,
    pub status: u16,
    pub title: String,
    pub message: String,
}

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
#[template(path = "admin_registrations.html")]
pub struct RegistrationsPage<'a> {
    pub ctx: &'a Ctx,
    pub rows: Vec<PendingRow>,
    pub notice: Option<String>,
}

pub struct InviteRow {
    pub code: String,
    pub link: String,
    pub uses: String,
    pub expires: String,
}

#[derive(Template)]
#[template(path = "admin_invites.html")]
pub struct InvitesPage<'a> {
    pub ctx: &'a Ctx,
    pub form: Form,
    pub rows: Vec<InviteRow>,
    pub mode_note: Option<String>,
}

#[derive(Template)]
#[template(path = "profile.html")]
pub struct ProfilePage<'a> {
    pub ctx: &'a Ctx,
    pub actor: crate::db::models::actor::Actor,
    pub handle: String,
    pub is_group: bool,
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
    /// A group's meeting place, on a small map.
    pub map: Option<crate::web::map::MapView>,
    /// Whether the visitor may change the group's meeting place.
    pub can_edit_place: bool,
}

#[derive(Template)]
#[template(path = "post.html")]
pub struct PostPage<'a> {
    pub ctx: &'a Ctx,
    pub view: crate::db::models::post::PostView,
    pub published: String,
    pub handle: String,
    pub images: Vec<Image>,
}

#[derive(Template)]
#[template(path = "authorize.html")]
pub struct AuthorizePage<'a> {
    pub ctx: &'a Ctx,
    pub app_name: String,
    pub scopes: Vec<String>,
    pub hidden: Vec<(&'static str, String)>,
}

#[derive(Template)]
#[template(path = "interaction.html")]
pub struct InteractionPage<'a> {
    pub ctx: &'a Ctx,
    /// What was asked for, sent back with the follow form.
    pub uri: String,
    pub title: String,
    pub handle: String,
    /// Sanitized HTML (a profile summary or a post).
    pub content: String,
    pub link: String,
    pub can_follow: bool,
    pub following: bool,
    pub requested: bool,
}

#[derive(Template)]
#[template(path = "statement.html")]
pub struct StatementPage<'a> {
    pub ctx: &'a Ctx,
    /// Empty when none is configured.
    pub contact: String,
}
