//! The OpenAPI 3.1 document of Buurt's API, generated from the handlers' annotations, so a
//! route cannot be registered without being described (`routes!` does both).

use std::sync::Arc;

use axum::Extension;
use axum::response::Response;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use super::errors::ErrorBody;
use crate::api::json;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Buurt API",
        version = "1",
        description = "Buurt's own API, for what Mastodon's client API has no concept of. Sign in as for \
            the Mastodon API (OAuth 2 with `/api/v1/apps`, `/oauth/authorize` and `/oauth/token`) and \
            send the token as `Authorization: Bearer …`. Errors answer `{\"error\": code, \"message\": \
            text}`, the text in the language of the caller's account, else of `Accept-Language`.",
    ),
    tags(
        (name = "admin", description = "Admins: the accounts here and the settings that change while the instance runs"),
        (name = "controls", description = "The caller's own blocks, mutes, blocked domains and hidden posts"),
        (name = "discussions", description = "Threads in groups"),
        (name = "federation", description = "Staff: other servers, their policies and blocked remote actors"),
        (name = "groups", description = "Groups of the neighbourhood"),
        (name = "events", description = "Activities: agendas, events and answers (RSVP)"),
        (name = "neighbourhoods", description = "Neighbourhoods, their boundaries and residents' home neighbourhood"),
        (name = "media", description = "Photos for posts"),
        (name = "moderation", description = "Moderators' decisions with their statements of reasons, the public log and appeals"),
        (name = "meta", description = "This document"),
        (name = "notifications", description = "How the caller hears of notifications"),
        (name = "privacy", description = "The caller's own data: download it, delete the account"),
        (name = "reports", description = "Reports of posts, people and groups, and the moderators' queues"),
    ),
    components(schemas(ErrorBody)),
    modifiers(&Bearer),
)]
pub struct BaseDoc;

/// The OAuth bearer token, as for the Mastodon API.
struct Bearer;

impl Modify for Bearer {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("An access token from `/oauth/token`; scopes as Mastodon's"))
                    .build(),
            ),
        );
    }
}

/// This document.
#[utoipa::path(
    get,
    path = "/openapi.json",
    operation_id = "openapi_document",
    tag = "meta",
    responses((status = 200, description = "The OpenAPI 3.1 document of this API", content_type = "application/json")),
)]
pub async fn document(Extension(Document(document)): Extension<Document>) -> Response {
    json(&*document)
}

/// The document, made once with the router from the routes that are mounted.
#[derive(Clone)]
pub struct Document(pub Arc<serde_json::Value>);
