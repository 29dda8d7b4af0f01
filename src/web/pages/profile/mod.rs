//! Actor pages: `/u/{name}` and `/g/{name}` serve HTML to browsers and ActivityStreams JSON to
//! fediverse software (content negotiation, `Vary: Accept`).

use axum::extract::Path;
use axum::http::header::VARY;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};

use crate::db::models::actor::{Actor, ActorKind};
use crate::db::models::actor_count::ActorCount;
use crate::db::models::follow::Follow;
use crate::web::context::Ctx;
use crate::web::error::{WebError, WebResult};
use crate::web::form::CsrfForm;
use crate::web::map::{MapPlace, MapView};
use crate::web::page::{Image, page};

pub mod view;
use view::ProfilePage;

pub async fn person(ctx: Ctx, headers: HeaderMap, Path(name): Path<String>) -> WebResult<Response> {
    show(ctx, headers, &name, ActorKind::Person).await
}

pub async fn group(ctx: Ctx, headers: HeaderMap, Path(name): Path<String>) -> WebResult<Response> {
    show(ctx, headers, &name, ActorKind::Group).await
}

async fn show(ctx: Ctx, headers: HeaderMap, name: &str, kind: ActorKind) -> WebResult<Response> {
    let actor = {
        let mut conn = ctx.state.pool.get().await?;
        Actor::by_name(&mut conn, name, &ctx.state.settings.instance.domain).await?
    };
    let Some(actor) = actor.filter(|a| a.local && a.kind() == kind) else {
        return Err(WebError::NotFound);
    };
    if crate::apub::wants_activity_json(&headers) {
        return Ok(crate::apub::http::actor_document(&ctx.state, actor).await.into_response());
    }
    if actor.deleted {
        return Err(WebError::NotFound);
    }
    let mut response = render(&ctx, actor, kind, StatusCode::OK, None, String::new()).await?;
    response.headers_mut().insert(VARY, HeaderValue::from_static("Accept"));
    Ok(response)
}

/// The profile page, with the remote-follow form's error (and what was typed) when there is one.
async fn render(
    ctx: &Ctx,
    actor: Actor,
    kind: ActorKind,
    status: StatusCode,
    remote_error: Option<String>,
    remote_value: String,
) -> WebResult<Response> {
    let handle = format!("@{}@{}", actor.username, ctx.state.settings.instance.domain);
    let (following, followers) = {
        let mut conn = ctx.state.pool.get().await?;
        let following = match &ctx.account {
            Some(me) if me.actor.id != actor.id => {
                Some(Follow::find(&mut conn, me.actor.id, actor.id).await?.is_some())
            }
            _ => None,
        };
        (following, ActorCount::of(&mut conn, actor.id).await?.followers)
    };
    let path = format!("/{}/{}", crate::domain::actors::path_prefix(kind), actor.name_key);
    let is_group = kind == ActorKind::Group;
    let image = |url: &Option<String>, key: &str| {
        url.as_ref().map(|u| Image {
            caption: String::new(),
            src: crate::media::remote_url(&ctx.state.media, u),
            href: String::new(),
            alt: ctx.t1(key, "name", &actor.display_name),
            width: None,
            height: None,
        })
    };
    let avatar = image(&actor.icon_url, "profile-avatar-alt");
    let header = image(&actor.image_url, "profile-header-alt");
    let edit_path = (is_group && ctx.is_moderator()).then(|| format!("{path}/bewerken"));
    // Meeting places belong to the map module.
    let maps = ctx.state.settings.modules.map;
    let map = if maps { meeting_place(ctx, &actor).await? } else { None };
    let can_edit_place = maps && is_group && ctx.is_moderator();
    let data = ProfilePage {
        ctx,
        is_group,
        handle,
        actor,
        following,
        followers,
        path,
        remote_error,
        remote_value,
        avatar,
        header,
        edit_path,
        map,
        can_edit_place,
    };
    Ok(page(status, &data))
}

/// A group's meeting place as a one-place map.
async fn meeting_place(ctx: &Ctx, actor: &Actor) -> WebResult<Option<MapView>> {
    if actor.place_id.is_none() {
        return Ok(None);
    }
    let place = crate::db::models::place::Place::of_actor(&mut ctx.state.pool.get().await?, actor).await?;
    Ok(place.map(|p| {
        let label = ctx.t1("profile-place-map-label", "group", &actor.display_name);
        let intro = ctx.t("profile-place-intro");
        MapView::new(&ctx.state, label, intro, vec![MapPlace::of_group(actor, &p)], false, None)
    }))
}

/// The local actor `name` of `kind`, or 404.
async fn local_actor(ctx: &Ctx, name: &str, kind: ActorKind) -> WebResult<Actor> {
    let mut conn = ctx.state.pool.get().await?;
    let actor = crate::domain::actors::local_by_name(&mut conn, &ctx.state.settings, name).await?;
    actor.filter(|a| a.kind() == kind).ok_or(WebError::NotFound)
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct FollowForm {
    /// `follow` or `unfollow`.
    action: String,
}

/// `POST /u/{name}/volgen` and `/g/{name}/volgen`: a signed-in resident follows or unfollows.
pub async fn follow_person(Path(name): Path<String>, form: CsrfForm<FollowForm>) -> WebResult<Response> {
    follow(form, &name, ActorKind::Person).await
}

pub async fn follow_group(Path(name): Path<String>, form: CsrfForm<FollowForm>) -> WebResult<Response> {
    follow(form, &name, ActorKind::Group).await
}

async fn follow(CsrfForm { ctx, form }: CsrfForm<FollowForm>, name: &str, kind: ActorKind) -> WebResult<Response> {
    let me = ctx.require_account()?;
    let actor = local_actor(&ctx, name, kind).await?;
    match form.action.as_str() {
        "follow" => {
            crate::domain::follows::follow(&ctx.state, me, &actor).await?;
        }
        "unfollow" => crate::domain::follows::unfollow(&ctx.state, me, &actor).await?,
        _ => return Err(WebError::BadRequest("error-choice-invalid")),
    }
    let path = format!("/{}/{}", crate::domain::actors::path_prefix(kind), actor.name_key);
    Ok(Redirect::to(&path).into_response())
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct RemoteFollowForm {
    /// The visitor's own address, `@name@their.server`.
    handle: String,
}

/// `POST /u/{name}/op-afstand` and `/g/…`: a visitor from another server enters their address
/// and is sent to their own server's "follow this" page (its WebFinger subscribe template).
pub async fn remote_person(Path(name): Path<String>, form: CsrfForm<RemoteFollowForm>) -> WebResult<Response> {
    remote_follow(form, &name, ActorKind::Person).await
}

pub async fn remote_group(Path(name): Path<String>, form: CsrfForm<RemoteFollowForm>) -> WebResult<Response> {
    remote_follow(form, &name, ActorKind::Group).await
}

async fn remote_follow(
    CsrfForm { ctx, form }: CsrfForm<RemoteFollowForm>,
    name: &str,
    kind: ActorKind,
) -> WebResult<Response> {
    let actor = local_actor(&ctx, name, kind).await?;
    match crate::domain::resolve::subscribe_template(&ctx.state, &form.handle).await {
        Ok(template) => {
            let target = template.replace("{uri}", &crate::util::url::urlencode(&actor.ap_id));
            Ok(Redirect::to(&target).into_response())
        }
        Err(message) => {
            render(&ctx, actor, kind, StatusCode::UNPROCESSABLE_ENTITY, Some(ctx.t(message)), form.handle).await
        }
    }
}
