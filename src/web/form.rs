//! Forms: the form model (a list of fields, so every form gets labels, hints and errors tied to
//! its fields the same way) and form posts, whose content type, size and CSRF are checked
//! before a handler sees the fields.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::header::CONTENT_TYPE;
use serde::de::DeserializeOwned;

use super::context::Ctx;
use super::error::WebError;
use super::page::Image;
use crate::domain::validate::FieldErrors;
use crate::state::AppState;

/// A posted form whose CSRF token matched, with the page context.
/// A form with no fields besides its CSRF token (a button).
#[derive(Debug, Default, serde::Deserialize)]
pub struct NoFields {}

pub struct CsrfForm<T> {
    pub ctx: Ctx,
    pub form: T,
}

#[derive(serde::Deserialize)]
struct CsrfField {
    #[serde(default)]
    csrf: String,
}

impl<T: DeserializeOwned + Send> FromRequest<AppState> for CsrfForm<T> {
    type Rejection = WebError;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let (ctx, form) = read_form(request, state, |_| true).await?;
        Ok(CsrfForm { ctx, form })
    }
}

/// A posted form that an anonymous visitor may send without a token, because it changes
/// nothing stored here for them (switching the language, following from another server): their
/// pages then need no token and no cookie, and may be kept by the public cache. A signed-in
/// person's form still needs its token, as it may change their account.
pub struct VisitorForm<T> {
    pub ctx: Ctx,
    pub form: T,
}

impl<T: DeserializeOwned + Send> FromRequest<AppState> for VisitorForm<T> {
    type Rejection = WebError;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let (ctx, form) = read_form(request, state, |ctx| ctx.account.is_some()).await?;
        Ok(VisitorForm { ctx, form })
    }
}

/// Reads a urlencoded form post; another site's post is refused outright, and the CSRF token
/// is checked when `needs_token` says so for this visitor.
async fn read_form<T: DeserializeOwned>(
    request: Request,
    state: &AppState,
    needs_token: impl Fn(&Ctx) -> bool,
) -> Result<(Ctx, T), WebError> {
    let (mut parts, body) = request.into_parts();
    let content_type = parts.headers.get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    if !content_type
        .split(';')
        .next()
        .is_some_and(|m| m.trim().eq_ignore_ascii_case("application/x-www-form-urlencoded"))
    {
        return Err(WebError::UnsupportedMediaType);
    }
    // Browsers say where a request comes from; another site's form is refused outright.
    if parts.headers.get("sec-fetch-site").is_some_and(|v| v.as_bytes() == b"cross-site") {
        return Err(WebError::Csrf);
    }
    let ctx = Ctx::from_request_parts(&mut parts, state).await?;
    let bytes =
        Bytes::from_request(Request::from_parts(parts, body), state).await.map_err(|_| WebError::PayloadTooLarge)?;
    if needs_token(&ctx) {
        let token: CsrfField =
            serde_urlencoded::from_bytes(&bytes).map_err(|_| WebError::BadRequest("error-form-malformed"))?;
        check_token(&ctx, &token.csrf)?;
    }
    let form = serde_urlencoded::from_bytes(&bytes).map_err(|_| WebError::BadRequest("error-form-malformed"))?;
    Ok((ctx, form))
}

/// Whether `sent` is this visitor's token.
fn check_token(ctx: &Ctx, sent: &str) -> Result<(), WebError> {
    let mine = ctx.csrf.value();
    if mine.is_empty() || !constant_time_eq(sent.as_bytes(), mine.as_bytes()) {
        return Err(WebError::Csrf);
    }
    Ok(())
}

/// A posted form that may carry files (`multipart/form-data`; a plain form is taken too), whose
/// CSRF token matched. Text fields are parsed into `T`; files are kept apart.
pub struct UploadForm<T> {
    pub ctx: Ctx,
    pub form: T,
    pub files: Vec<crate::media::UploadedFile>,
}

impl<T> UploadForm<T> {
    /// Takes the file chosen in field `name` (none when nothing was chosen).
    pub fn take_file(&mut self, name: &str) -> Option<Vec<u8>> {
        let i = self.files.iter().position(|f| f.field == name)?;
        Some(self.files.swap_remove(i).bytes)
    }
}

impl<T: DeserializeOwned + Send> FromRequest<AppState> for UploadForm<T> {
    type Rejection = WebError;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let content_type =
            request.headers().get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("").to_ascii_lowercase();
        if !content_type.starts_with("multipart/form-data") {
            let CsrfForm { ctx, form } = CsrfForm::<T>::from_request(request, state).await?;
            return Ok(UploadForm { ctx, form, files: Vec::new() });
        }
        let (mut parts, body) = request.into_parts();
        if parts.headers.get("sec-fetch-site").is_some_and(|v| v.as_bytes() == b"cross-site") {
            return Err(WebError::Csrf);
        }
        let ctx = Ctx::from_request_parts(&mut parts, state).await?;
        let multipart = axum::extract::Multipart::from_request(Request::from_parts(parts, body), state)
            .await
            .map_err(|_| WebError::BadRequest("error-form-malformed"))?;
        let (fields, files) = crate::media::read_multipart(multipart).await.map_err(|e| {
            if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                WebError::PayloadTooLarge
            } else {
                WebError::BadRequest("error-form-malformed")
            }
        })?;
        let token = fields.iter().find(|(k, _)| k == "csrf").map(|(_, v)| v.as_str()).unwrap_or("");
        check_token(&ctx, token)?;
        let encoded = serde_urlencoded::to_string(&fields).map_err(|_| WebError::BadRequest("error-form-malformed"))?;
        let form = serde_urlencoded::from_str(&encoded).map_err(|_| WebError::BadRequest("error-form-malformed"))?;
        Ok(UploadForm { ctx, form, files })
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
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
    Url,
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
            FieldKind::Url => "url",
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

/// A new password and its confirmation, as registration and the password change ask them.
pub fn new_password_fields(ctx: &Ctx, label_key: &str) -> [Field; 2] {
    [
        Field::new(ctx, FieldKind::Password, "password", label_key, "")
            .hint(ctx, "field-password-hint")
            .autocomplete("new-password")
            .required(),
        Field::new(ctx, FieldKind::Password, "password_confirm", "field-password-confirm", "")
            .autocomplete("new-password")
            .required(),
    ]
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
