//! Reporting (`/melden?post=ID`, `?actor=ID`, `?group=NAME`): a form for residents and
//! anonymous visitors alike, and a resident's own reports with their outcome
//! (`/melden/mijn`). The moderators' queues are in [`queue`].

pub mod queue;
pub mod view;

use axum::extract::Query;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::db::models::actor::{Actor, ActorId};
use crate::db::models::post::{Post, PostId};
use crate::db::models::report::{Category, ReportState};
use crate::domain::moderation::reports::{self, NewReport, Subject};
use crate::domain::validate::FieldErrors;
use crate::domain::visibility::{self, Viewer};
use crate::domain::{DomainError, groups};
use crate::web::context::Ctx;
use crate::web::error::{WebError, WebResult};
use crate::web::form::{CsrfForm, Field, FieldKind, Form};
use crate::web::page::{FormPage, MessagePage, page};
use view::{MinePage, MineRow};

/// What is reported, as the query (and the form's hidden fields) name it.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct SubjectQuery {
    post: String,
    actor: String,
    group: String,
}

impl SubjectQuery {
    fn subject(&self) -> Option<Subject> {
        if !self.post.is_empty() {
            return self.post.trim().parse().ok().map(|id| Subject::Post(PostId(id)));
        }
        if !self.actor.is_empty() {
            return self.actor.trim().parse().ok().map(|id| Subject::Actor(ActorId(id)));
        }
        (!self.group.trim().is_empty()).then(|| Subject::Group(self.group.trim().to_string()))
    }
}

/// What the form sends.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ReportForm {
    post: String,
    actor: String,
    group: String,
    category: String,
    legal_ground: String,
    comment: String,
    forward: String,
    email: String,
}

/// What is reported, described for the form: a sentence, a quote, and whether it is held
/// elsewhere (then it may be forwarded). `None`: nothing the visitor may see.
struct Described {
    sentence: String,
    quote: Option<String>,
    remote: bool,
}

async fn describe(ctx: &Ctx, subject: &Subject) -> WebResult<Option<Described>> {
    let viewer = Viewer::of(ctx.account.as_ref().map(|a| a.actor.id));
    let mut conn = ctx.state.pool.get().await?;
    Ok(match subject {
        Subject::Post(id) => {
            let Some(post) = Post::by_id(&mut conn, *id).await? else { return Ok(None) };
            if !visibility::can_see(&mut conn, viewer, &post).await? {
                return Ok(None);
            }
            let Some(author) = Actor::by_id(&mut conn, post.author_id).await? else { return Ok(None) };
            Some(Described {
                sentence: ctx.t1("report-subject-post", "name", author.shown_name()),
                quote: Some(crate::util::html::excerpt(&post.content, 280)),
                remote: !post.local,
            })
        }
        Subject::Actor(id) => {
            let Some(actor) = Actor::by_id(&mut conn, *id).await?.filter(|a| !a.deleted) else { return Ok(None) };
            let key = if actor.kind().is_group() { "report-subject-group" } else { "report-subject-actor" };
            Some(Described { sentence: ctx.t1(key, "name", actor.shown_name()), quote: None, remote: !actor.local })
        }
        Subject::Group(name) => {
            let Some(group) = groups::local(&mut conn, &ctx.state.settings, name).await? else { return Ok(None) };
            Some(Described {
                sentence: ctx.t1("report-subject-group", "name", group.actor.shown_name()),
                quote: None,
                remote: false,
            })
        }
    })
}

/// The subject refused: it does not exist or the visitor may not see it.
fn unknown_subject(ctx: &Ctx, status: StatusCode) -> Response {
    let title = ctx.t("report-title");
    page(status, &MessagePage { ctx, title, paragraphs: vec![ctx.t("error-report-subject-unknown")] })
}

fn category_options(ctx: &Ctx) -> Vec<(String, String)> {
    let mut options = vec![(String::new(), ctx.t("report-category-choose"))];
    options.extend(
        Category::ALL.iter().map(|c| (c.as_str().to_string(), ctx.t(&format!("report-category-{}", c.as_str())))),
    );
    options
}

fn render_form(
    ctx: &Ctx,
    described: &Described,
    form: &ReportForm,
    errors: &FieldErrors,
    status: StatusCode,
) -> Response {
    let mut fields = vec![
        Field::new(ctx, FieldKind::Select, "category", "report-field-category", &form.category)
            .options(category_options(ctx))
            .required(),
        Field::new(ctx, FieldKind::Text, "legal_ground", "report-field-legal-ground", &form.legal_ground)
            .hint(ctx, "report-field-legal-ground-hint"),
        Field::new(ctx, FieldKind::TextArea, "comment", "report-field-comment", &form.comment)
            .hint(ctx, "report-field-comment-hint"),
    ];
    if described.remote {
        let options =
            vec![("ja".to_string(), ctx.t("report-forward-yes")), ("nee".to_string(), ctx.t("report-forward-no"))];
        let chosen = if form.forward.is_empty() { "ja" } else { form.forward.as_str() };
        fields.push(
            Field::new(ctx, FieldKind::Select, "forward", "report-field-forward", chosen)
                .options(options)
                .hint(ctx, "report-field-forward-hint"),
        );
    }
    if ctx.account.is_none() {
        fields.push(
            Field::new(ctx, FieldKind::Email, "email", "report-field-email", &form.email)
                .hint(ctx, "report-field-email-hint")
                .autocomplete("email"),
        );
    }
    let mut built = Form::new(ctx, "/melden", "report-submit", fields).with_errors(ctx, errors);
    for (name, value) in [("post", &form.post), ("actor", &form.actor), ("group", &form.group)] {
        if !value.is_empty() {
            built = built.hidden(name, value);
        }
    }
    let mut intro = vec![described.sentence.clone()];
    intro.extend(described.quote.iter().filter(|q| !q.is_empty()).map(|q| format!("“{q}”")));
    intro.push(ctx.t("report-intro"));
    let title = ctx.t("report-title");
    page(status, &FormPage { ctx, title, intro, notice: None, form: built, links: vec![] })
}

/// `GET /melden?post=ID` (or `actor=ID`, `group=NAME`): the report form.
pub async fn form_page(ctx: Ctx, Query(q): Query<SubjectQuery>) -> WebResult<Response> {
    let Some(subject) = q.subject() else { return Ok(unknown_subject(&ctx, StatusCode::NOT_FOUND)) };
    let Some(described) = describe(&ctx, &subject).await? else {
        return Ok(unknown_subject(&ctx, StatusCode::NOT_FOUND));
    };
    let form = ReportForm { post: q.post, actor: q.actor, group: q.group, ..Default::default() };
    Ok(render_form(&ctx, &described, &form, &FieldErrors::default(), StatusCode::OK))
}

/// `POST /melden`: files the report; rate-limited like posts.
pub async fn submit(
    client: crate::limits::ClientAddr,
    CsrfForm { ctx, form }: CsrfForm<ReportForm>,
) -> WebResult<Response> {
    ctx.state.limits.check_report(&client, ctx.account.as_ref())?;
    let query = SubjectQuery { post: form.post.clone(), actor: form.actor.clone(), group: form.group.clone() };
    let subject = query.subject();
    let input = NewReport {
        subject: subject.clone(),
        category: form.category.clone(),
        legal_ground: form.legal_ground.clone(),
        comment: form.comment.clone(),
        forward: form.forward != "nee",
        contact_email: form.email.clone(),
        posts: vec![],
    };
    match reports::create(&ctx.state, ctx.account.as_ref(), &input).await {
        Ok(_) => {
            let title = ctx.t("report-thanks-title");
            let mut paragraphs = vec![ctx.t("report-thanks")];
            if ctx.account.is_some() {
                paragraphs.push(ctx.t("report-thanks-mine"));
            } else if !form.email.trim().is_empty() {
                paragraphs.push(ctx.t("report-thanks-email"));
            }
            Ok(page(StatusCode::OK, &MessagePage { ctx: &ctx, title, paragraphs }))
        }
        Err(DomainError::Invalid(errors))
            if errors.has("subject") && errors.get("subject") != Some("error-report-own") =>
        {
            Ok(unknown_subject(&ctx, StatusCode::UNPROCESSABLE_ENTITY))
        }
        Err(DomainError::Invalid(errors)) => {
            let Some(described) = (match &subject {
                Some(s) => describe(&ctx, s).await?,
                None => None,
            }) else {
                return Ok(unknown_subject(&ctx, StatusCode::UNPROCESSABLE_ENTITY));
            };
            Ok(render_form(&ctx, &described, &form, &errors, StatusCode::UNPROCESSABLE_ENTITY))
        }
        Err(e) => Err(e.into()),
    }
}

/// `GET /melden/mijn`: the signed-in resident's reports and what came of them.
pub async fn mine(ctx: Ctx) -> WebResult<Response> {
    let me = ctx.require_account()?;
    let views = reports::mine(&ctx.state, me).await?;
    let rows = views
        .iter()
        .map(|v| MineRow {
            subject: view::subject_sentence(&ctx, v),
            category: ctx.t(&format!("report-category-{}", v.report.category().as_str())),
            state: ctx.t(&format!("report-state-{}", v.report.state().as_str())),
            outcome: v.report.resolution.clone().filter(|r| !r.is_empty() && v.report.state() != ReportState::Open),
            created: ctx.datetime(v.report.created_at),
        })
        .collect();
    Ok(page(StatusCode::OK, &MinePage { ctx: &ctx, rows }))
}

/// Back to a page after an action, with a notice key.
pub(crate) fn back(path: &str, done: &str) -> Response {
    Redirect::to(&format!("{path}?gedaan={done}")).into_response()
}

/// A domain refusal on a moderator's form: its first message.
pub(crate) fn refusal(e: DomainError) -> WebError {
    match e {
        DomainError::Invalid(errors) => WebError::BadRequest(errors.0.first().map_or("error-invalid", |f| f.message)),
        other => other.into(),
    }
}
