//! `/p/{id}`: a post as a page — in its thread, with reply, like and share for residents — or as
//! a Note for fediverse software. Other servers' posts stored here get a page for residents;
//! visitors are sent to where such a post lives.

use std::collections::HashMap;

use axum::extract::{Path, Query};
use axum::http::header::VARY;
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::db::models::post::{PostId, PostView, Reaction, Visibility};
use crate::db::views::thread::{open_reply_counts, reaction_counts};
use crate::domain::DomainError;
use crate::domain::posts::thread::{self, Thread};
use crate::domain::posts::{self, NewPost};
use crate::domain::validate::FieldErrors;
use crate::domain::visibility::{self, Viewer};
use crate::media::ImageView;
use crate::web::context::Ctx;
use crate::web::error::{WebError, WebResult};
use crate::web::form::{CsrfForm, Field, FieldKind, Form};
use crate::web::page::{Image, page};

pub mod view;
use view::{Actions, PostPage, ThreadPost, ThreadReply};

/// What the page says after an action (`?gedaan=…`).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct DoneQuery {
    gedaan: String,
}

pub async fn show(
    ctx: Ctx,
    uri: Uri,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Query(q): Query<DoneQuery>,
) -> WebResult<Response> {
    if crate::apub::wants_activity_json(&headers) {
        return Ok(crate::apub::http::post_document(&ctx.state, id, &uri, &headers).await.into_response());
    }
    let notice = match q.gedaan.as_str() {
        "reactie" => Some("post-done-replied"),
        "leuk" => Some("post-done-liked"),
        "niet-leuk" => Some("post-done-unliked"),
        "gedeeld" => Some("post-done-shared"),
        "niet-gedeeld" => Some("post-done-unshared"),
        "vastgezet" => Some("thread-done-pinned"),
        "losgemaakt" => Some("thread-done-unpinned"),
        "gesloten" => Some("thread-done-locked"),
        "geopend" => Some("thread-done-unlocked"),
        "bewerkt" => Some("thread-done-edited"),
        "verborgen" => Some("blocks-done-hidden"),
        "zichtbaar" => Some("blocks-done-unhidden"),
        _ => None,
    };
    let mut response = render(&ctx, PostId(id), &ReplyForm::default(), &FieldErrors::default(), notice).await?;
    response.headers_mut().insert(VARY, HeaderValue::from_static("Accept"));
    Ok(response)
}

/// The page of post `id` with the reply form as given (and its errors), or the visitor sent
/// to another server's post.
async fn render(
    ctx: &Ctx,
    id: PostId,
    values: &ReplyForm,
    errors: &FieldErrors,
    notice: Option<&str>,
) -> WebResult<Response> {
    let viewer = Viewer::of(ctx.account.as_ref().map(|a| a.actor.id));
    let mut conn = ctx.state.pool.get().await?;
    let Thread { post, ancestors, descendants } = thread::read(&mut conn, viewer, id).await?;
    // Where another server's post lives: a link of http(s) only, whatever that server sent.
    let original = (!post.post.local)
        .then(|| post.post.url.clone().unwrap_or_else(|| post.post.ap_id.clone()))
        .filter(|url| url.starts_with("https://") || url.starts_with("http://"));
    if ctx.account.is_none() && !post.post.local {
        // Visitors read it where it lives.
        return original.map(|url| Redirect::to(&url).into_response()).ok_or(WebError::NotFound);
    }
    let all: Vec<&PostView> = ancestors.iter().chain([&post]).chain(descendants.iter().map(|r| &r.view)).collect();
    let ids: Vec<PostId> = all.iter().map(|v| v.post.id).collect();
    let ap_ids: Vec<&str> = all.iter().map(|v| v.post.ap_id.as_str()).collect();
    let mut media = crate::media::by_post(&mut conn, &ids).await?;
    let replies = open_reply_counts(&mut conn, &ap_ids).await?;
    let one = [post.post.id];
    let (likes, shares) = reaction_counts(&mut conn, post.post.id).await?;
    let (liked, shared) = match &ctx.account {
        Some(me) => (
            !Reaction::Like.mine(&mut conn, me.actor.id, &one).await?.is_empty(),
            !Reaction::Announce.mine(&mut conn, me.actor.id, &one).await?.is_empty(),
        ),
        None => (false, false),
    };
    drop(conn);
    let own = ctx.account.as_ref().is_some_and(|me| me.actor.id == post.author.id);
    let hidden = crate::web::pages::blocks::hidden(ctx, post.post.id).await?;
    let actions = Actions { likes, shares, liked, shared, can_share: visibility::can_share(&post.post), own, hidden };
    let mut shown = |v: PostView| {
        let images = media.remove(&v.post.id).unwrap_or_default();
        thread_post(ctx, v, images, &replies)
    };
    // The first post of its thread in its group: up the chain while the group stays the same.
    let starter = ancestors
        .iter()
        .rev()
        .map(|a| &a.post)
        .take_while(|a| a.audience_id == post.post.audience_id)
        .last()
        .unwrap_or(&post.post)
        .clone();
    let ancestors: Vec<ThreadPost> = ancestors.into_iter().map(&mut shown).collect();
    let depths: Vec<u32> = descendants.iter().map(|r| r.depth).collect();
    let replies_shown = descendants
        .into_iter()
        .enumerate()
        .map(|(i, r)| {
            let next = depths.get(i + 1).copied().unwrap_or(1);
            ThreadReply { post: shown(r.view), opens: next > r.depth, closes: r.depth.saturating_sub(next) as usize }
        })
        .collect();
    let visibility = post.post.visibility;
    let hidden = post.post.hidden_at.is_some();
    let moderation = moderation_links(ctx, &post.post).await?;
    let group = crate::web::pages::groups::discussions::bar(ctx, &post.post, &starter).await?;
    let post = shown(post);
    let reply = match &group {
        // In a group: its posting rule and lock decide, and the group's content setting decides
        // who sees the reply.
        Some(bar) => bar.may_reply.then(|| reply_form(ctx, post.id, None, values, errors)),
        None => ctx.account.is_some().then(|| reply_form(ctx, post.id, Some(visibility), values, errors)),
    };
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let sign_in = format!("/inloggen?next={}", crate::util::url::urlencode(&post.path));
    Ok(page(
        status,
        &PostPage {
            ctx,
            post,
            ancestors,
            replies: replies_shown,
            actions,
            reply,
            notice: notice.map(|key| ctx.t(key)),
            original,
            sign_in,
            group,
            hidden,
            moderation,
        },
    ))
}

/// Links to the decision form for whoever moderates `post` (not on their own post): hide,
/// remove, and lock a thread in a group.
async fn moderation_links(ctx: &Ctx, post: &crate::db::models::post::Post) -> WebResult<Vec<(String, String)>> {
    use crate::domain::moderation::{ModeratorOf, moderator_of};
    let Some(me) = ctx.account.as_ref().filter(|me| me.actor.id != post.author_id) else { return Ok(Vec::new()) };
    if moderator_of(&mut ctx.state.pool.get().await?, me, post.audience_id).await? == ModeratorOf::Nothing {
        return Ok(Vec::new());
    }
    let mut kinds = vec![("hide_post", "moderation-link-hide"), ("remove_post", "moderation-link-remove")];
    if post.audience_id.is_some() && post.in_reply_to.is_none() && !post.locked {
        kinds.push(("lock_thread", "moderation-link-lock"));
    }
    Ok(kinds
        .into_iter()
        .map(|(kind, label)| (format!("/moderatie/besluit?post={}&kind={kind}", post.id.0), ctx.t(label)))
        .collect())
}

fn thread_post(
    ctx: &Ctx,
    v: PostView,
    media: Vec<crate::db::models::media::Media>,
    replies: &HashMap<String, i64>,
) -> ThreadPost {
    let domain = if v.author.local { ctx.state.settings.instance.domain.as_str() } else { v.author.domain.as_str() };
    let own = ctx.account.as_ref().is_some_and(|a| a.actor.id == v.author.id);
    let former = super::privacy::shown_author(ctx, &v.author);
    ThreadPost {
        report_path: (!own).then(|| format!("/melden?post={}", v.post.id.0)),
        id: v.post.id.0,
        path: format!("/p/{}", v.post.id.0),
        handle: if former.is_some() { String::new() } else { format!("@{}@{}", v.author.username, domain) },
        author_path: if former.is_some() {
            String::new()
        } else if v.author.local {
            format!("/{}/{}", crate::domain::actors::path_prefix(v.author.kind()), v.author.name_key)
        } else {
            v.author.url.clone().unwrap_or_else(|| v.author.ap_id.clone())
        },
        author: former.unwrap_or(v.author.display_name),
        replies: replies.get(&v.post.ap_id).copied().unwrap_or(0),
        published: ctx.datetime(v.post.published),
        published_utc: v.post.published.and_utc().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        images: media.iter().map(|m| Image::photo(&ImageView::of(&ctx.state.media, m))).collect(),
        name: v.post.name,
        content: v.post.content,
        summary: v.post.summary,
    }
}

/// What the reply form sends.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ReplyForm {
    status: String,
    visibility: String,
}

/// Who may see a reply, from the most open: a reply is offered no wider than its post, and
/// that is what it gets unless the resident chooses narrower (as Mastodon's apps do).
const WIDENESS: [(Visibility, &str, &str); 4] = [
    (Visibility::Public, "public", "post-visibility-public"),
    (Visibility::Unlisted, "unlisted", "post-visibility-unlisted"),
    (Visibility::Followers, "followers", "post-visibility-followers"),
    (Visibility::Direct, "direct", "post-visibility-direct"),
];

/// The reply form; `parent`: the visibility of the post answered, to choose from (none in a
/// group, whose content setting decides).
fn reply_form(ctx: &Ctx, id: i64, parent: Option<Visibility>, values: &ReplyForm, errors: &FieldErrors) -> Form {
    let text = Field::new(ctx, FieldKind::TextArea, "status", "post-reply-text", &values.status).required();
    let Some(parent) = parent else {
        return Form::new(ctx, &format!("/p/{id}/reageren"), "post-reply-submit", vec![text]).with_errors(ctx, errors);
    };
    let from = WIDENESS.iter().position(|(v, _, _)| *v == parent).unwrap_or(0);
    // Direct posts are seen by their author only for now: offered only below one.
    let options: Vec<(String, String)> = WIDENESS[from..]
        .iter()
        .filter(|(v, _, _)| *v != Visibility::Direct || parent == Visibility::Direct)
        .map(|(_, v, key)| (v.to_string(), ctx.t(key)))
        .collect();
    let chosen = if values.visibility.is_empty() { WIDENESS[from].1 } else { values.visibility.as_str() };
    let fields =
        vec![text, Field::new(ctx, FieldKind::Select, "visibility", "post-reply-visibility", chosen).options(options)];
    Form::new(ctx, &format!("/p/{id}/reageren"), "post-reply-submit", fields).with_errors(ctx, errors)
}

/// `POST /p/{id}/reageren`: a reply, written as the client API writes one.
pub async fn reply(
    client: crate::limits::ClientAddr,
    Path(id): Path<i64>,
    CsrfForm { ctx, form }: CsrfForm<ReplyForm>,
) -> WebResult<Response> {
    let me = signed_in(&ctx, id)?.clone();
    ctx.state.limits.check_post(&client, &me)?;
    let parent = PostId(id);
    let new = NewPost {
        text: form.status.clone(),
        visibility: form.visibility.clone(),
        in_reply_to: Some(parent),
        ..Default::default()
    };
    match posts::create_post(&ctx.state, &me, &new).await {
        Ok(post) => Ok(Redirect::to(&format!("/p/{id}?gedaan=reactie#p-{}", post.id.0)).into_response()),
        Err(DomainError::Invalid(errors)) => render(&ctx, parent, &form, &errors, None).await,
        Err(e) => Err(e.into()),
    }
}

/// The resident, or the sign-in page and back to the post.
fn signed_in(ctx: &Ctx, id: i64) -> WebResult<&crate::db::models::local_user::Account> {
    ctx.account.as_ref().ok_or_else(|| WebError::SignInRequired(format!("/p/{id}")))
}

/// What a like or share button sends: `aan` to do it, `uit` to take it back.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ToggleForm {
    doen: String,
}

/// `POST /p/{id}/leuk`: like or unlike.
pub async fn like(Path(id): Path<i64>, CsrfForm { ctx, form }: CsrfForm<ToggleForm>) -> WebResult<Response> {
    react(&ctx, id, Reaction::Like, &form, ["leuk", "niet-leuk"]).await
}

/// `POST /p/{id}/delen`: share (boost) or take the share back.
pub async fn share(Path(id): Path<i64>, CsrfForm { ctx, form }: CsrfForm<ToggleForm>) -> WebResult<Response> {
    react(&ctx, id, Reaction::Announce, &form, ["gedeeld", "niet-gedeeld"]).await
}

async fn react(ctx: &Ctx, id: i64, reaction: Reaction, form: &ToggleForm, done: [&str; 2]) -> WebResult<Response> {
    let me = signed_in(ctx, id)?;
    let on = match form.doen.as_str() {
        "aan" => true,
        "uit" => false,
        _ => return Err(WebError::BadRequest("error-form-malformed")),
    };
    match crate::domain::reactions::react(&ctx.state, me, PostId(id), reaction, on).await {
        Ok(_) => {
            let done = if on { done[0] } else { done[1] };
            Ok(Redirect::to(&format!("/p/{id}?gedaan={done}")).into_response())
        }
        Err(DomainError::Forbidden) => Err(WebError::BadRequest("post-share-refused")),
        Err(e) => Err(e.into()),
    }
}
