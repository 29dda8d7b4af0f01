//! A group's discussions on the web: the list of threads on the group's page, starting a thread
//! (`/g/{name}/gesprekken/nieuw`), and on a thread's page (`/p/{id}`) what its moderators do —
//! pin, lock, remove (`/p/{id}/gesprek`) — and editing a thread (`/p/{id}/bewerken`).

use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::db::models::actor::Actor;
use crate::db::models::post::{Post, PostId};
use crate::db::models::post_edit::PostEdit;
use crate::db::views::discussions::ThreadRow;
use crate::domain::groups::discussions::{self, NewThread};
use crate::domain::groups::rights::{self, JoinAnswer, Standing};
use crate::domain::groups::{self, Group};
use crate::domain::validate::FieldErrors;
use crate::domain::visibility::{self, Viewer};
use crate::domain::{DomainError, DomainResult};
use crate::web::context::Ctx;
use crate::web::error::{WebError, WebResult};
use crate::web::form::{CsrfForm, Field, FieldKind, Form};
use crate::web::page::{FormPage, page};

/// Threads listed on a group's page.
pub const THREADS_SHOWN: i64 = 30;

/// The discussions section of a group's page.
pub struct Discussions {
    /// Whether the visitor may read them (a members-only group: its members).
    pub visible: bool,
    pub threads: Vec<ThreadLink>,
    /// Where to start a thread, when the visitor may.
    pub new_path: Option<String>,
    /// How a signed-in visitor who is no member yet becomes one, when they may.
    pub join: Option<JoinOffer>,
}

/// Joining from the group's page: one button for an open group; a link to the membership
/// page (where the request's message is written) for a group that approves its members.
pub struct JoinOffer {
    pub path: String,
    pub direct: bool,
}

/// A thread in the list.
pub struct ThreadLink {
    pub href: String,
    pub title: String,
    pub author: String,
    pub published: String,
    pub replies: i64,
    pub pinned: bool,
    pub locked: bool,
    pub announcement: bool,
}

/// The discussions of `group` as `ctx`'s visitor sees them: `limit` threads at most.
pub async fn section(ctx: &Ctx, group: &Actor, limit: i64) -> WebResult<Discussions> {
    let mut conn = ctx.state.pool.get().await?;
    let group = groups::with_profile(&mut conn, group.clone()).await?;
    let standing = Standing::of(&mut conn, group.actor.id, ctx.account.as_ref()).await?;
    let new_path =
        rights::may_post(&group.profile, &standing).then(|| format!("/g/{}/gesprekken/nieuw", group.actor.name_key));
    let join = match (&ctx.account, standing.state()) {
        (Some(_), None) if group.actor.local => match rights::join_answer(&group.profile, &standing) {
            JoinAnswer::Accepted => {
                Some(JoinOffer { path: format!("/g/{}/lid-worden", group.actor.name_key), direct: true })
            }
            JoinAnswer::Pending => {
                Some(JoinOffer { path: format!("/g/{}/leden", group.actor.name_key), direct: false })
            }
            JoinAnswer::Refused(_) => None,
        },
        _ => None,
    };
    let rows = match discussions::threads(
        &mut conn,
        &group,
        &standing,
        Viewer::of(ctx.account.as_ref().map(|a| a.actor.id)),
        limit,
    )
    .await
    {
        Ok(rows) => rows,
        Err(DomainError::Forbidden) => {
            return Ok(Discussions { visible: false, threads: Vec::new(), new_path, join });
        }
        Err(e) => return Err(e.into()),
    };
    let threads = rows
        .into_iter()
        .map(|ThreadRow { post, author, replies }| ThreadLink {
            href: format!("/p/{}", post.id.0),
            title: post.name.clone().unwrap_or_else(|| crate::util::html::excerpt(&post.content, 80)),
            author: crate::web::pages::privacy::shown_author(ctx, &author).unwrap_or(author.display_name),
            published: ctx.datetime(post.published),
            replies,
            pinned: post.pinned_at.is_some(),
            locked: post.locked,
            announcement: post.kind == "article",
        })
        .collect();
    Ok(Discussions { visible: true, threads, new_path, join })
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ThreadForm {
    title: String,
    text: String,
    /// `discussion` or `announcement`.
    kind: String,
}

/// A local group the signed-in visitor may start a thread in, and whether they moderate it.
async fn postable(ctx: &Ctx, name: &str) -> WebResult<(Group, bool)> {
    let account = ctx.require_account()?;
    let mut conn = ctx.state.pool.get().await?;
    let group = groups::local(&mut conn, &ctx.state.settings, name).await?.ok_or(WebError::NotFound)?;
    let standing = Standing::of(&mut conn, group.actor.id, Some(account)).await?;
    if !rights::sees_group(&group.profile, &standing) {
        return Err(WebError::NotFound);
    }
    if !rights::may_post(&group.profile, &standing) {
        return Err(WebError::Forbidden);
    }
    Ok((group, standing.moderates()))
}

/// `GET /g/{name}/gesprekken/nieuw`.
pub async fn new_page(ctx: Ctx, Path(name): Path<String>) -> WebResult<Response> {
    let (group, moderates) = postable(&ctx, &name).await?;
    Ok(thread_form(&ctx, &group, moderates, &ThreadForm::default(), &FieldErrors::default(), StatusCode::OK))
}

/// `POST /g/{name}/gesprekken/nieuw`: the thread, then its page.
pub async fn create(Path(name): Path<String>, CsrfForm { ctx, form }: CsrfForm<ThreadForm>) -> WebResult<Response> {
    let (group, moderates) = postable(&ctx, &name).await?;
    let me = ctx.require_account()?;
    let new =
        NewThread { title: form.title.clone(), text: form.text.clone(), announcement: form.kind == "announcement" };
    match discussions::start_thread(&ctx.state, me, &group, &new).await {
        Ok(post) => Ok(Redirect::to(&format!("/p/{}", post.id.0)).into_response()),
        Err(DomainError::Invalid(errors)) => {
            Ok(thread_form(&ctx, &group, moderates, &form, &errors, StatusCode::UNPROCESSABLE_ENTITY))
        }
        Err(e) => Err(e.into()),
    }
}

fn thread_form(
    ctx: &Ctx,
    group: &Group,
    moderates: bool,
    form: &ThreadForm,
    errors: &FieldErrors,
    status: StatusCode,
) -> Response {
    let mut fields = vec![
        Field::new(ctx, FieldKind::Text, "title", "field-thread-title", &form.title).required(),
        Field::new(ctx, FieldKind::TextArea, "text", "field-thread-text", &form.text)
            .hint(ctx, "field-thread-text-hint")
            .required(),
    ];
    if moderates {
        let options = ["discussion", "announcement"].map(|k| (k.to_string(), ctx.t(&format!("thread-kind-{k}"))));
        fields.push(
            Field::new(ctx, FieldKind::Select, "kind", "field-thread-kind", &form.kind).options(options.to_vec()),
        );
    }
    let action = format!("/g/{}/gesprekken/nieuw", group.actor.name_key);
    let f = Form::new(ctx, &action, "thread-new-submit", fields).with_errors(ctx, errors);
    page(
        status,
        &FormPage {
            ctx,
            title: ctx.t1("thread-new-title", "group", &group.actor.display_name),
            intro: vec![],
            notice: None,
            form: f,
            links: vec![(format!("/g/{}", group.actor.name_key), ctx.t("group-edit-back"))],
        },
    )
}

/// What a thread's page shows of its group and lets its moderators do.
pub struct GroupBar {
    pub group: String,
    pub group_path: String,
    /// The form for pin, lock and remove (moderators; the author may remove).
    pub act_path: String,
    pub moderates: bool,
    /// The visitor wrote it (then locking it is their own business, not a decision).
    pub own: bool,
    pub may_remove: bool,
    pub starter: bool,
    pub pinned: bool,
    pub locked: bool,
    pub announcement: bool,
    /// Where its author edits it.
    pub edit_path: Option<String>,
    /// Earlier versions, oldest first: (when, HTML).
    pub history: Vec<(String, String)>,
    /// Whether the visitor may reply (the posting rule, and the lock).
    pub may_reply: bool,
}

/// The group bar of a post written in a group; `starter`: the first post of its thread there.
pub async fn bar(ctx: &Ctx, post: &Post, starter: &Post) -> WebResult<Option<GroupBar>> {
    let Some(group_id) = post.audience_id else { return Ok(None) };
    let mut conn = ctx.state.pool.get().await?;
    let group = groups::by_id(&mut conn, group_id).await?;
    let standing = Standing::of(&mut conn, group.actor.id, ctx.account.as_ref()).await?;
    let moderates = group.actor.local && standing.moderates();
    let mine = ctx.account.as_ref().is_some_and(|a| a.actor.id == post.author_id);
    let history = if post.updated_at.is_some() {
        PostEdit::of_post(&mut conn, post.id)
            .await?
            .into_iter()
            .map(|e| (ctx.datetime(e.written_at), e.content))
            .collect()
    } else {
        Vec::new()
    };
    let is_starter = post.in_reply_to.is_none();
    Ok(Some(GroupBar {
        group: group.actor.display_name.clone(),
        group_path: crate::web::pages::profile::actor_href(&group.actor),
        act_path: format!("/p/{}/gesprek", post.id.0),
        moderates,
        own: mine,
        // Its author removes it here; a moderator takes a decision with a statement of reasons
        // (the post page links to its form).
        may_remove: mine && post.local,
        starter: is_starter,
        pinned: post.pinned_at.is_some(),
        locked: starter.locked,
        announcement: post.kind == "article",
        edit_path: (mine && post.local && is_starter && post.source.is_some())
            .then(|| format!("/p/{}/bewerken", post.id.0)),
        history,
        may_reply: ctx.account.is_some()
            && rights::may_post(&group.profile, &standing)
            && (!starter.locked || standing.moderates()),
    }))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ActForm {
    /// `pin`, `unpin`, `lock`, `unlock` or `remove`.
    action: String,
}

/// `POST /p/{id}/gesprek`: a moderator pins, locks or removes a thread (or its author removes it).
pub async fn act(Path(id): Path<i64>, CsrfForm { ctx, form }: CsrfForm<ActForm>) -> WebResult<Response> {
    let me = ctx.require_account()?;
    let (state, id) = (&ctx.state, PostId(id));
    let result: DomainResult<&str> = match form.action.as_str() {
        "pin" => discussions::set_pinned(state, me, id, true).await.map(|()| "vastgezet"),
        "unpin" => discussions::set_pinned(state, me, id, false).await.map(|()| "losgemaakt"),
        "lock" => discussions::set_locked(state, me, id, true).await.map(|()| "gesloten"),
        "unlock" => discussions::set_locked(state, me, id, false).await.map(|()| "geopend"),
        "remove" => {
            // Back to the group: read before the post is gone.
            let group_path = {
                let mut conn = state.pool.get().await?;
                let post = visibility::visible_post(&mut conn, Viewer::Actor(me.actor.id), id).await?.post;
                let group = discussions::group_of(&mut conn, &post).await?.ok_or(WebError::NotFound)?;
                crate::web::pages::profile::actor_href(&group.actor)
            };
            discussions::remove(state, me, id).await?;
            return Ok(Redirect::to(&group_path).into_response());
        }
        _ => return Err(WebError::BadRequest("unknown action")),
    };
    Ok(Redirect::to(&format!("/p/{}?gedaan={}", id.0, result?)).into_response())
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct EditForm {
    title: String,
    text: String,
}

/// `GET /p/{id}/bewerken`: a thread's author edits its title and text.
pub async fn edit_page(ctx: Ctx, Path(id): Path<i64>) -> WebResult<Response> {
    let me = ctx.require_account()?;
    let post = {
        let mut conn = ctx.state.pool.get().await?;
        visibility::visible_post(&mut conn, Viewer::Actor(me.actor.id), PostId(id)).await?.post
    };
    if post.author_id != me.actor.id || post.source.is_none() || post.in_reply_to.is_some() {
        return Err(WebError::Forbidden);
    }
    let form = EditForm { title: post.name.clone().unwrap_or_default(), text: post.source.clone().unwrap_or_default() };
    Ok(edit_form(&ctx, id, &form, &FieldErrors::default(), StatusCode::OK))
}

/// `POST /p/{id}/bewerken`.
pub async fn edit(Path(id): Path<i64>, CsrfForm { ctx, form }: CsrfForm<EditForm>) -> WebResult<Response> {
    let me = ctx.require_account()?;
    match discussions::edit_thread(&ctx.state, me, PostId(id), &form.title, &form.text).await {
        Ok(_) => Ok(Redirect::to(&format!("/p/{id}?gedaan=bewerkt")).into_response()),
        Err(DomainError::Invalid(errors)) => Ok(edit_form(&ctx, id, &form, &errors, StatusCode::UNPROCESSABLE_ENTITY)),
        Err(e) => Err(e.into()),
    }
}

fn edit_form(ctx: &Ctx, id: i64, form: &EditForm, errors: &FieldErrors, status: StatusCode) -> Response {
    let fields = vec![
        Field::new(ctx, FieldKind::Text, "title", "field-thread-title", &form.title).required(),
        Field::new(ctx, FieldKind::TextArea, "text", "field-thread-text", &form.text)
            .hint(ctx, "field-thread-text-hint")
            .required(),
    ];
    let action = format!("/p/{id}/bewerken");
    let f = Form::new(ctx, &action, "thread-edit-submit", fields).with_errors(ctx, errors);
    page(
        status,
        &FormPage {
            ctx,
            title: ctx.t("thread-edit-title"),
            intro: vec![],
            notice: None,
            form: f,
            links: vec![(format!("/p/{id}"), ctx.t("thread-edit-back"))],
        },
    )
}
