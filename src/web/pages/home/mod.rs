//! The instance's home page: what is happening in the neighbourhood, "alles op één plek".
//! The posts are the core's; every module that is on adds its section (see `web::layout`).
//! Signed-in residents write posts here, with a photo and its alt text.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::db::models::actor::{Actor, ActorKind};
use crate::db::models::post::{PostView, Shown, TimelineQuery};
use crate::domain::DomainError;
use crate::domain::posts::{self, NewPost};
use crate::domain::validate::FieldErrors;
use crate::domain::visibility::{self, List, Viewer};
use crate::media::ImageView;
use crate::web::context::Ctx;
use crate::web::error::WebResult;
use crate::web::form::{Field, FieldKind, Form, UploadForm};
use crate::web::layout::Placement;
use crate::web::page::{Image, page};

pub mod view;
use view::{HomePage, HomePost};

/// Recent public posts of this instance on the home page.
const RECENT_POSTS: i64 = 10;

/// What the write-a-post form sends.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ComposeForm {
    status: String,
    description: String,
}

pub async fn show(ctx: Ctx) -> WebResult<Response> {
    render(&ctx, &ComposeForm::default(), &FieldErrors::default(), StatusCode::OK).await
}

async fn render(ctx: &Ctx, compose: &ComposeForm, errors: &FieldErrors, status: StatusCode) -> WebResult<Response> {
    let (members, views, followed, media, replies) = {
        let mut conn = ctx.state.pool.get().await?;
        let members = Actor::count_local(&mut conn, ActorKind::Person).await?;
        let viewer = Viewer::of(ctx.account.as_ref().map(|a| a.actor.id));
        let screen = visibility::screen_for(viewer, List::Timeline);
        let query =
            TimelineQuery { local_only: true, shown: Shown::Listed, screen, limit: RECENT_POSTS, ..Default::default() };
        let views = PostView::timeline(&mut conn, &query).await?;
        // Signed in, the neighbourhood as the resident follows it comes first: the people and
        // groups they follow (here and on other servers), and their own posts.
        let followed = match &ctx.account {
            Some(me) => {
                // Followed authors only, whose follows are accepted: all their posts are visible.
                let query = TimelineQuery {
                    followed_by: Some(me.actor.id),
                    shown: Shown::WithFollowersOnly,
                    screen,
                    limit: RECENT_POSTS,
                    ..Default::default()
                };
                PostView::timeline(&mut conn, &query).await?
            }
            None => Vec::new(),
        };
        let ids: Vec<_> = views.iter().chain(&followed).map(|v| v.post.id).collect();
        let media = crate::media::by_post(&mut conn, &ids).await?;
        let ap_ids: Vec<&str> = views.iter().chain(&followed).map(|v| v.post.ap_id.as_str()).collect();
        let replies = crate::db::views::thread::open_reply_counts(&mut conn, &ap_ids).await?;
        (members, views, followed, media, replies)
    };
    let card = |v: PostView| {
        let former = super::privacy::shown_author(ctx, &v.author);
        HomePost {
            images: media
                .get(&v.post.id)
                .map(|list| list.iter().map(|m| Image::photo(&ImageView::of(&ctx.state.media, m))).collect())
                .unwrap_or_default(),
            published: ctx.datetime(v.post.published),
            thread_path: format!("/p/{}", v.post.id.0),
            replies: replies.get(&v.post.ap_id).copied().unwrap_or(0),
            // Other servers' posts and people link to where they live.
            path: if v.post.local { format!("/p/{}", v.post.id.0) } else { v.post.url.clone().unwrap_or(v.post.ap_id) },
            author_path: if former.is_some() {
                String::new()
            } else if v.author.local {
                format!("/{}/{}", crate::domain::actors::path_prefix(v.author.kind()), v.author.name_key)
            } else {
                v.author.url.clone().unwrap_or(v.author.ap_id)
            },
            author: former.unwrap_or(v.author.display_name),
            content: v.post.content,
        }
    };
    let followed: Vec<HomePost> = followed.into_iter().map(card).collect();
    let posts: Vec<HomePost> = views.into_iter().map(card).collect();
    let description = ctx.state.runtime.current().description.clone();
    let (mut first, mut aside, mut below) = (Vec::new(), Vec::new(), Vec::new());
    for section in &ctx.layout.home {
        if let Some(section) = section(ctx).await? {
            match section.placement {
                Placement::First => first.push(section.html),
                Placement::Aside => aside.push(section.html),
                Placement::Below => below.push(section.html),
            }
        }
    }
    let compose = ctx.account.is_some().then(|| compose_form(ctx, compose, errors));
    Ok(page(status, &HomePage { ctx, description, members, posts, followed, compose, first, aside, below }))
}

/// The write-a-post form; easy to extend with more fields.
fn compose_form(ctx: &Ctx, values: &ComposeForm, errors: &FieldErrors) -> Form {
    let fields = vec![
        Field::new(ctx, FieldKind::TextArea, "status", "field-post-text", &values.status),
        Field {
            hint: Some(ctx.t1("field-photo-hint", "size", ctx.state.settings.media.max_upload_bytes.div_ceil(1 << 20))),
            ..Field::new(ctx, FieldKind::Image, "file", "field-photo", "")
        },
        Field::new(ctx, FieldKind::Text, "description", "field-alt-text", &values.description)
            .hint(ctx, "field-alt-text-hint"),
    ];
    Form::new(ctx, "/schrijven", "compose-submit", fields).with_errors(ctx, errors)
}

/// `POST /schrijven`: a public post with an optional photo, whose alt text is then required.
/// Everything is checked before the photo is stored, and once.
pub async fn compose(client: crate::limits::ClientAddr, mut upload: UploadForm<ComposeForm>) -> WebResult<Response> {
    let file = upload.take_file("file");
    let UploadForm { ctx, form, .. } = upload;
    let me = ctx.require_account()?.clone();
    ctx.state.limits.check_post(&client, &me)?;
    let new = NewPost { text: form.status.clone(), visibility: "public".into(), ..Default::default() };
    let (checked, mut errors) = match new.check(file.is_some()) {
        Ok(checked) => (Some(checked), FieldErrors::default()),
        Err(DomainError::Invalid(errors)) => (None, errors),
        Err(e) => return Err(e.into()),
    };
    if file.is_some() && form.description.trim().is_empty() {
        errors.add("description", "error-alt-text-required");
    }
    crate::domain::media::check_description("description", &form.description, &mut errors);
    let Some(checked) = checked.filter(|_| errors.is_empty()) else {
        if file.is_some() {
            errors.add("file", "error-photo-choose-again");
        }
        return render(&ctx, &form, &errors, StatusCode::UNPROCESSABLE_ENTITY).await;
    };
    let mut media_ids = Vec::new();
    if let Some(bytes) = file {
        match crate::domain::media::upload_attachment(&ctx.state, &me.actor, bytes, &form.description, None).await {
            Ok(m) => media_ids.push(m.id),
            Err(DomainError::Invalid(errors)) => {
                return render(&ctx, &form, &errors, StatusCode::UNPROCESSABLE_ENTITY).await;
            }
            Err(e) => return Err(e.into()),
        }
    }
    match posts::create(&ctx.state, &me, checked.with_media(media_ids)).await {
        Ok(post) => Ok(Redirect::to(&format!("/p/{}", post.id.0)).into_response()),
        Err(DomainError::Invalid(errors)) => render(&ctx, &form, &errors, StatusCode::UNPROCESSABLE_ENTITY).await,
        Err(e) => Err(e.into()),
    }
}
