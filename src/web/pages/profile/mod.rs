//! Actor pages: `/u/{name}` and `/g/{name}` serve HTML to browsers and ActivityStreams JSON to
//! fediverse software (content negotiation, `Vary: Accept`). A person's page lists their posts
//! as the visitor may see them (paged, `?voor=ID` for older ones) and their groups.

use axum::extract::{Path, Query};
use axum::http::header::VARY;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};

use crate::db::models::actor::{Actor, ActorKind};
use crate::db::models::actor_count::ActorCount;
use crate::db::models::follow::Follow;
use crate::db::models::post::PostView;
use crate::domain::profile::PersonLists;
use crate::domain::visibility::Viewer;
use crate::media::ImageView;
use crate::web::context::Ctx;
use crate::web::error::{WebError, WebResult};
use crate::web::form::{CsrfForm, VisitorForm};
use crate::web::map::{MapPlace, MapView};
use crate::web::page::{Image, page};
use crate::web::pages::groups::discussions;

pub mod view;
use view::{GroupLink, ProfilePage};

/// How many posts a profile page shows at a time.
const POSTS_PER_PAGE: usize = 20;

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct ProfileQuery {
    /// Posts older than this id (the next page); anything else than a number is the first page.
    voor: String,
}

impl ProfileQuery {
    fn before(&self) -> Option<i64> {
        self.voor.parse().ok()
    }
}

pub async fn person(
    ctx: Ctx,
    headers: HeaderMap,
    Path(name): Path<String>,
    Query(q): Query<ProfileQuery>,
) -> WebResult<Response> {
    show(ctx, headers, &name, ActorKind::Person, q.before()).await
}

pub async fn group(ctx: Ctx, headers: HeaderMap, Path(name): Path<String>) -> WebResult<Response> {
    show(ctx, headers, &name, ActorKind::Group, None).await
}

async fn show(ctx: Ctx, headers: HeaderMap, name: &str, kind: ActorKind, before: Option<i64>) -> WebResult<Response> {
    let actor = {
        let mut conn = ctx.state.pool.get().await?;
        Actor::by_name(&mut conn, name, &ctx.state.settings.instance.domain).await?
    };
    let Some(actor) = actor.filter(|a| a.local && a.kind().family() == kind) else {
        return Err(WebError::NotFound);
    };
    if crate::apub::wants_activity_json(&headers) {
        return Ok(crate::apub::http::actor_document(&ctx.state, actor).await.into_response());
    }
    if actor.deleted {
        return Err(WebError::NotFound);
    }
    let mut response = render(&ctx, actor, kind, before, StatusCode::OK, None, String::new()).await?;
    response.headers_mut().insert(VARY, HeaderValue::from_static("Accept"));
    Ok(response)
}

/// Whether the visitor may see a group at all, whether they administer it, and what an
/// organisation is ("Organisatie · Zorgaanbieder").
async fn group_standing(ctx: &Ctx, group: &Actor) -> WebResult<(bool, bool, bool, Option<String>)> {
    use crate::domain::groups::{self, rights};
    let mut conn = ctx.state.pool.get().await?;
    let group = groups::with_profile(&mut conn, group.clone()).await?;
    let standing = rights::Standing::of(&mut conn, group.actor.id, ctx.account.as_ref()).await?;
    let label = group
        .profile
        .org_type()
        .map(|o| ctx.t1("profile-organisation", "type", ctx.t(&format!("group-org_type-{}", o.as_str()))));
    Ok((rights::sees_group(&group.profile, &standing), standing.administers(), standing.moderates(), label))
}

/// The profile page, with the remote-follow form's error (and what was typed) when there is one.
async fn render(
    ctx: &Ctx,
    actor: Actor,
    kind: ActorKind,
    before: Option<i64>,
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
    let (administers, moderates, kind_label) = if is_group {
        let (sees, administers, moderates, label) = group_standing(ctx, &actor).await?;
        if !sees {
            // A group waiting for approval is shown only to those who may approve it.
            return Err(WebError::NotFound);
        }
        (administers, moderates, label)
    } else {
        (false, false, None)
    };
    let own = ctx.account.as_ref().is_some_and(|a| a.actor.id == actor.id);
    let report_path = (!own).then(|| {
        if is_group { format!("/melden?group={}", actor.name_key) } else { format!("/melden?actor={}", actor.id.0) }
    });
    let reports_path = (is_group && moderates).then(|| format!("{path}/meldingen"));
    let edit_path = (is_group && (ctx.is_moderator() || administers)).then(|| format!("{path}/bewerken"));
    // A neighbourhood's map, groups and residents; the neighbourhood another group is in.
    let neighbourhood = if is_group {
        let group = crate::domain::groups::with_profile(&mut ctx.state.pool.get().await?, actor.clone()).await?;
        crate::web::pages::neighbourhoods::profile_part(ctx, &group).await?
    } else {
        None
    };
    // Meeting places belong to the map module.
    let maps = ctx.state.settings.modules.map;
    let map = if maps { meeting_place(ctx, &actor).await? } else { None };
    let can_edit_place = maps && is_group && ctx.is_moderator();
    let (posts, older, groups) = if kind == ActorKind::Person {
        person_lists(ctx, &actor, &path, before).await?
    } else {
        (Vec::new(), None, Vec::new())
    };
    let discussions =
        if is_group { Some(discussions::section(ctx, &actor, discussions::THREADS_SHOWN).await?) } else { None };
    let data = ProfilePage {
        ctx,
        discussions,
        is_group,
        kind_label,
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
        neighbourhood,
        map,
        can_edit_place,
        is_person: kind == ActorKind::Person,
        posts,
        older,
        groups,
        report_path,
        reports_path,
    };
    Ok(page(status, &data))
}

/// A person's posts as the visitor may see them (a page of them, and the link to older ones),
/// and their groups.
async fn person_lists(
    ctx: &Ctx,
    actor: &Actor,
    path: &str,
    before: Option<i64>,
) -> WebResult<(Vec<crate::web::pages::home::view::HomePost>, Option<String>, Vec<GroupLink>)> {
    let viewer = Viewer::of(ctx.account.as_ref().map(|a| a.actor.id));
    let (PersonLists { posts, mut media, older, groups }, replies) = {
        let mut conn = ctx.state.pool.get().await?;
        let lists = crate::domain::profile::person_lists(&mut conn, viewer, actor, before, POSTS_PER_PAGE).await?;
        let ap_ids: Vec<&str> = lists.posts.iter().map(|v| v.post.ap_id.as_str()).collect();
        let replies = crate::db::views::thread::open_reply_counts(&mut conn, &ap_ids).await?;
        (lists, replies)
    };
    let older = older.map(|id| format!("{path}?voor={}", id.0));
    let posts = posts
        .into_iter()
        .map(|v| {
            let images = media.remove(&v.post.id).unwrap_or_default();
            let count = replies.get(&v.post.ap_id).copied().unwrap_or(0);
            card(ctx, v, images.iter().map(|m| Image::photo(&ImageView::of(&ctx.state.media, m))).collect(), count)
        })
        .collect();
    let groups = groups.into_iter().map(|g| GroupLink { href: actor_href(&g), name: g.shown_name() }).collect();
    Ok((posts, older, groups))
}

/// A post as a card of the shared post list.
fn card(ctx: &Ctx, v: PostView, images: Vec<Image>, replies: i64) -> crate::web::pages::home::view::HomePost {
    let former = super::privacy::shown_author(ctx, &v.author);
    crate::web::pages::home::view::HomePost {
        images,
        thread_path: format!("/p/{}", v.post.id.0),
        replies,
        published: ctx.datetime(v.post.published),
        path: if v.post.local { format!("/p/{}", v.post.id.0) } else { v.post.url.clone().unwrap_or(v.post.ap_id) },
        author_path: if former.is_some() { String::new() } else { actor_href(&v.author) },
        author: former.unwrap_or(v.author.display_name),
        content: v.post.content,
    }
}

/// Where an actor's page is: here for local actors, on their own server for remote ones.
pub fn actor_href(actor: &Actor) -> String {
    if actor.local {
        format!("/{}/{}", crate::domain::actors::path_prefix(actor.kind()), actor.name_key)
    } else {
        actor.url.clone().unwrap_or_else(|| actor.ap_id.clone())
    }
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
    actor.filter(|a| a.kind().family() == kind).ok_or(WebError::NotFound)
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
pub async fn remote_person(Path(name): Path<String>, form: VisitorForm<RemoteFollowForm>) -> WebResult<Response> {
    remote_follow(form, &name, ActorKind::Person).await
}

pub async fn remote_group(Path(name): Path<String>, form: VisitorForm<RemoteFollowForm>) -> WebResult<Response> {
    remote_follow(form, &name, ActorKind::Group).await
}

async fn remote_follow(
    VisitorForm { ctx, form }: VisitorForm<RemoteFollowForm>,
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
            render(&ctx, actor, kind, None, StatusCode::UNPROCESSABLE_ENTITY, Some(ctx.t(message)), form.handle).await
        }
    }
}
