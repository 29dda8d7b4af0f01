//! The groups module's pages: the directory and creating a group ([`directory`]), the members
//! page with joining, leaving and moderation ([`members`]), `/g/{name}/bewerken` where a
//! group's administrators (and site moderators) edit its name, description, rules and icon,
//! and the groups section of the home page. (A group's own page is a profile, in
//! `pages/profile`.)

use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use futures_util::future::BoxFuture;
use serde::Deserialize;

use crate::db::models::actor::{Actor, ActorKind};
use crate::db::models::group_profile::{ContentVisibility, Openness, Posting};
use crate::db::models::media::Purpose;
use crate::domain::groups::rights::Standing;
use crate::domain::groups::{self, GroupEdit};
use crate::domain::validate::FieldErrors;
use crate::domain::{DomainError, media};
use crate::web::context::Ctx;
use crate::web::error::{WebError, WebResult};
use crate::web::form::{Field, FieldKind, Form, UploadForm};
use crate::web::layout::{HomeSection, Placement};
use crate::web::page::{FormPage, Image, page};

pub mod directory;
pub mod discussions;
pub mod invitations;
pub mod members;
pub mod view;
use view::GroupsSection;

/// Groups listed on the home page.
const HOME_GROUPS: i64 = 12;

/// The instance's groups, beside the posts on the home page.
pub fn home_section(ctx: &Ctx) -> BoxFuture<'_, WebResult<Option<HomeSection>>> {
    Box::pin(async move {
        let groups = {
            let mut conn = ctx.state.pool.get().await?;
            let pending = crate::db::models::group_profile::GroupProfile::pending_ids(&mut conn).await?;
            let mut groups = Actor::list_local(&mut conn, ActorKind::Group, HOME_GROUPS).await?;
            groups.retain(|g| !pending.contains(&g.id));
            groups
        };
        HomeSection::render(Placement::Aside, &GroupsSection { ctx, groups }).map(Some)
    })
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct GroupForm {
    display_name: String,
    summary: String,
    openness: String,
    content: String,
    posting: String,
    /// The name of the neighbourhood it belongs to; empty for none.
    neighbourhood: String,
}

/// The neighbourhoods a group may belong to, for its form's select (none when the group is
/// itself a neighbourhood or the instance has none).
async fn neighbourhood_options(ctx: &Ctx, group: &Actor) -> WebResult<Vec<(String, String)>> {
    let mut conn = ctx.state.pool.get().await?;
    let profile = groups::with_profile(&mut conn, group.clone()).await?.profile;
    if profile.kind() == crate::db::models::group_profile::GroupKind::Neighbourhood {
        return Ok(Vec::new());
    }
    let list = crate::domain::neighbourhoods::names(&mut conn).await?;
    if list.is_empty() {
        return Ok(Vec::new());
    }
    let mut options = vec![(String::new(), ctx.t("field-group-neighbourhood-none"))];
    options.extend(list.into_iter().map(|n| (n.name_key.clone(), n.shown_name())));
    Ok(options)
}

/// A select of a group setting (`group-{name}-{value}` names each choice).
pub fn choices<'a>(ctx: &Ctx, name: &'static str, value: &str, values: impl Iterator<Item = &'a str>) -> Field {
    let options = values.map(|v| (v.to_string(), ctx.t(&format!("group-{name}-{v}")))).collect();
    Field::new(ctx, FieldKind::Select, name, &format!("field-group-{name}"), value).options(options).required()
}

/// The group, when the visitor may edit it (its administrators, site moderators and admins).
async fn editable(ctx: &Ctx, name: &str) -> WebResult<Actor> {
    let account = ctx.require_account()?;
    let mut conn = ctx.state.pool.get().await?;
    let group = groups::local(&mut conn, &ctx.state.settings, name).await?.ok_or(WebError::NotFound)?;
    let standing = Standing::of(&mut conn, group.actor.id, Some(account)).await?;
    if !(standing.administers() || ctx.is_moderator()) {
        return Err(WebError::Forbidden);
    }
    Ok(group.actor)
}

/// A description stored as paragraphs, back as the text that was typed.
pub async fn edit_page(ctx: Ctx, Path(name): Path<String>) -> WebResult<Response> {
    let group = editable(&ctx, &name).await?;
    let profile = {
        let mut conn = ctx.state.pool.get().await?;
        groups::with_profile(&mut conn, group.clone()).await?.profile
    };
    let neighbourhood = match profile.neighbourhood_id {
        Some(id) => Actor::by_id(&mut ctx.state.pool.get().await?, id).await?.map(|a| a.name_key).unwrap_or_default(),
        None => String::new(),
    };
    let form = GroupForm {
        display_name: group.display_name.clone(),
        summary: crate::util::html::html_to_text(&group.summary),
        openness: profile.openness,
        content: profile.content,
        posting: profile.posting,
        neighbourhood,
    };
    let options = neighbourhood_options(&ctx, &group).await?;
    Ok(render(&ctx, &group, &form, &options, &FieldErrors::default(), StatusCode::OK))
}

/// `POST /g/{name}/bewerken`: every field (and the icon) is checked before anything changes.
pub async fn save(Path(name): Path<String>, mut upload: UploadForm<GroupForm>) -> WebResult<Response> {
    let icon = upload.take_file("icon");
    let UploadForm { ctx, form, .. } = upload;
    let group = editable(&ctx, &name).await?;
    let me = ctx.require_account()?;
    let choice = |v: &str| (!v.is_empty()).then(|| v.to_string());
    let edit = GroupEdit {
        display_name: form.display_name.clone(),
        summary: form.summary.clone(),
        openness: choice(&form.openness),
        content: choice(&form.content),
        posting: choice(&form.posting),
    };
    let options = neighbourhood_options(&ctx, &group).await?;
    let invalid =
        |errors: &FieldErrors| Ok(render(&ctx, &group, &form, &options, errors, StatusCode::UNPROCESSABLE_ENTITY));
    if let Err(DomainError::Invalid(errors)) = groups::check_group_edit(&edit) {
        return invalid(&errors);
    }
    // The neighbourhood is checked with the rest, before anything changes.
    if !options.is_empty() {
        let mut conn = ctx.state.pool.get().await?;
        let picked = crate::domain::neighbourhoods::pick_for_group(
            &mut conn,
            &ctx.state.settings,
            Some(group.id),
            &form.neighbourhood,
        )
        .await;
        if let Err(DomainError::Invalid(errors)) = picked {
            return invalid(&errors);
        }
    }
    let icon = match icon {
        Some(bytes) => match media::process_upload(&ctx.state, "icon", bytes).await {
            Ok(image) => Some(image),
            Err(DomainError::Invalid(errors)) => return invalid(&errors),
            Err(e) => return Err(e.into()),
        },
        None => None,
    };
    let updated = groups::update_group(&ctx.state, me, &group, &edit).await?;
    if !options.is_empty() {
        crate::domain::neighbourhoods::set_group_neighbourhood(&ctx.state, me, &updated, &form.neighbourhood).await?;
    }
    if let Some(image) = icon {
        media::set_profile_image(&ctx.state, &updated, Purpose::Avatar, image).await?;
    }
    Ok(Redirect::to(&format!("/g/{}", group.name_key)).into_response())
}

fn render(
    ctx: &Ctx,
    group: &Actor,
    form: &GroupForm,
    neighbourhoods: &[(String, String)],
    errors: &FieldErrors,
    status: StatusCode,
) -> Response {
    let mut fields = vec![
        Field::new(ctx, FieldKind::Text, "display_name", "field-group-name", &form.display_name),
        Field::new(ctx, FieldKind::TextArea, "summary", "field-group-summary", &form.summary)
            .hint(ctx, "field-group-summary-hint"),
        choices(ctx, "openness", &form.openness, Openness::ALL.iter().map(|o| o.as_str())),
        choices(ctx, "content", &form.content, ContentVisibility::ALL.iter().map(|o| o.as_str())),
        choices(ctx, "posting", &form.posting, Posting::ALL.iter().map(|o| o.as_str())),
        Field::new(ctx, FieldKind::Image, "icon", "field-group-icon", "").hint(ctx, "field-group-icon-hint"),
    ];
    if !neighbourhoods.is_empty() {
        let field =
            Field::new(ctx, FieldKind::Select, "neighbourhood", "field-group-neighbourhood", &form.neighbourhood)
                .hint(ctx, "field-group-neighbourhood-hint")
                .options(neighbourhoods.to_vec());
        fields.insert(fields.len() - 1, field);
    }
    let current = group
        .icon_url
        .as_ref()
        .map(|url| Image {
            caption: ctx.t("field-group-icon-current"),
            src: url.clone(),
            href: url.clone(),
            alt: String::new(),
            width: None,
            height: None,
        })
        .into_iter()
        .collect();
    let action = format!("/g/{}/bewerken", group.name_key);
    let f = Form::new(ctx, &action, "group-edit-submit", fields).with_errors(ctx, errors).images(current);
    page(
        status,
        &FormPage {
            ctx,
            title: ctx.t1("group-edit-title", "name", &group.display_name),
            intro: vec![],
            notice: None,
            form: f,
            links: vec![(format!("/g/{}", group.name_key), ctx.t("group-edit-back"))],
        },
    )
}
