//! Moderation pages: the public moderation log (`/moderatie`), the decision form of moderators
//! (`/moderatie/besluit`), a decision's statement of reasons with the appeal form and the undo
//! form (`/moderatie/besluiten/{id}`), and the admins' appeals (`/beheer/bezwaren`).

use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::db::models::actor::{Actor, ActorId};
use crate::db::models::moderation_action::{ActionId, ActionKind, AppealState, Ground};
use crate::db::models::post::PostId;
use crate::domain::DomainError;
use crate::domain::moderation::{self, actions, appeals, log};
use crate::domain::validate::FieldErrors;
use crate::domain::visibility::{self, Viewer};
use crate::web::context::Ctx;
use crate::web::error::{WebError, WebResult};
use crate::web::form::{CsrfForm, Field, FieldKind, Form};
use crate::web::page::{FormPage, page};

pub mod view;
use view::{AppealRow, AppealsPage, LogPage, LogRow, StatementPage};

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct LogQuery {
    /// Decisions older than this one.
    voor: Option<i64>,
}

/// `GET /moderatie`: the public log, for everyone.
pub async fn log_page(ctx: Ctx, Query(q): Query<LogQuery>) -> WebResult<Response> {
    let entries = log::page(&mut ctx.state.pool.get().await?, q.voor.map(ActionId)).await?;
    let older = (entries.len() as i64 == log::PAGE).then(|| entries.last().map(|e| e.id.0)).flatten();
    let rows = entries
        .into_iter()
        .map(|e| LogRow {
            date: ctx.datetime(e.created_at),
            what: ctx.t(&format!("moderation-kind-{}", e.kind.as_str())),
            ground: match e.law {
                Some(law) => format!("{} ({law})", ctx.t(&format!("moderation-ground-{}", e.ground.as_str()))),
                None => ctx.t(&format!("moderation-ground-{}", e.ground.as_str())),
            },
            group: e.group,
            reversed: e.reversed_at.map(|t| ctx.t1("moderation-log-reversed", "date", ctx.datetime(t))),
        })
        .collect();
    Ok(page(StatusCode::OK, &LogPage { ctx: &ctx, rows, older }))
}

/// What the decision form sends (and its page is asked with).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct DecideForm {
    kind: String,
    post: Option<i64>,
    account: Option<i64>,
    group: Option<i64>,
    ground: String,
    law: String,
    facts: String,
    report: Option<i64>,
}

/// `GET /moderatie/besluit?post=ID&kind=…` or `?account=ID`: the form, for those who may decide.
pub async fn decide_page(ctx: Ctx, Query(form): Query<DecideForm>) -> WebResult<Response> {
    render_decide(&ctx, &form, &FieldErrors::default(), StatusCode::OK).await
}

/// `POST /moderatie/besluit`: decides; an incomplete statement changes nothing.
pub async fn decide(CsrfForm { ctx, form }: CsrfForm<DecideForm>) -> WebResult<Response> {
    let me = ctx.require_account()?;
    let decision = actions::Decision {
        kind: form.kind.clone(),
        post: form.post.map(PostId),
        actor: form.account.map(ActorId),
        group: form.group.map(ActorId),
        ground: form.ground.clone(),
        law: form.law.clone(),
        facts: form.facts.clone(),
        report: form.report,
    };
    match actions::decide(&ctx.state, me, &decision).await {
        Ok(action) => Ok(Redirect::to(&moderation::statement_path(&action)).into_response()),
        Err(DomainError::Invalid(errors)) => {
            render_decide(&ctx, &form, &errors, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => Err(e.into()),
    }
}

/// The kinds of decision that fit what the form is about.
fn kinds_for(form: &DecideForm) -> &'static [ActionKind] {
    match (form.post, form.group) {
        (Some(_), _) => &[ActionKind::HidePost, ActionKind::RemovePost, ActionKind::LockThread],
        (None, Some(_)) => &[ActionKind::BanMember],
        (None, None) => &[ActionKind::SilenceAccount, ActionKind::SuspendAccount],
    }
}

async fn render_decide(ctx: &Ctx, form: &DecideForm, errors: &FieldErrors, status: StatusCode) -> WebResult<Response> {
    let me = ctx.require_account()?;
    let mut intro = vec![ctx.t("moderation-decide-intro")];
    {
        let mut conn = ctx.state.pool.get().await?;
        match (form.post, form.account) {
            (Some(post), _) => {
                let view = visibility::visible_post(&mut conn, Viewer::Actor(me.actor.id), PostId(post)).await?;
                let group = view.post.audience_id;
                if moderation::moderator_of(&mut conn, me, group).await? == moderation::ModeratorOf::Nothing {
                    return Err(WebError::Forbidden);
                }
                intro.push(ctx.t("moderation-decide-about-post"));
                intro.push(crate::util::html::html_to_text(&view.post.content));
            }
            (None, Some(account)) => {
                let actor = Actor::by_id(&mut conn, ActorId(account)).await?.ok_or(WebError::NotFound)?;
                let scope = form.group.map(ActorId);
                if moderation::moderator_of(&mut conn, me, scope).await? == moderation::ModeratorOf::Nothing {
                    return Err(WebError::Forbidden);
                }
                intro.push(ctx.t1("moderation-decide-about-account", "name", actor.shown_name()));
            }
            (None, None) => return Err(WebError::NotFound),
        }
    }
    let kinds =
        kinds_for(form).iter().map(|k| (k.as_str().to_string(), ctx.t(&format!("moderation-kind-{}", k.as_str()))));
    let grounds =
        Ground::ALL.iter().map(|g| (g.as_str().to_string(), ctx.t(&format!("moderation-ground-{}", g.as_str()))));
    let fields = vec![
        Field::new(ctx, FieldKind::Select, "kind", "field-moderation-kind", &form.kind)
            .options(kinds.collect())
            .required(),
        Field::new(ctx, FieldKind::Select, "ground", "field-moderation-ground", &form.ground)
            .options(grounds.collect())
            .required(),
        Field::new(ctx, FieldKind::Text, "law", "field-moderation-law", &form.law),
        Field::new(ctx, FieldKind::TextArea, "facts", "field-moderation-facts", &form.facts)
            .hint(ctx, "field-moderation-facts-hint")
            .required(),
    ];
    let mut f = Form::new(ctx, "/moderatie/besluit", "moderation-decide-submit", fields).with_errors(ctx, errors);
    for (name, value) in
        [("post", form.post), ("account", form.account), ("group", form.group), ("report", form.report)]
    {
        if let Some(v) = value {
            f = f.hidden(name, &v.to_string());
        }
    }
    let title = ctx.t("moderation-decide-title");
    Ok(page(status, &FormPage { ctx, title, intro, notice: None, form: f, links: Vec::new() }))
}

/// `GET /moderatie/besluiten/{id}`: the statement, for the person affected, moderators and
/// admins (others: 404, as for a decision that does not exist).
pub async fn statement(ctx: Ctx, Path(id): Path<i64>) -> WebResult<Response> {
    render_statement(&ctx, id, &FieldErrors::default(), StatusCode::OK).await
}

async fn render_statement(ctx: &Ctx, id: i64, errors: &FieldErrors, status: StatusCode) -> WebResult<Response> {
    let me = ctx.require_account()?;
    let s = log::statement(&mut ctx.state.pool.get().await?, me, ActionId(id)).await?;
    let path = format!("/moderatie/besluiten/{id}");
    let appeal_form = (s.affected && s.appeal.is_none() && !s.action.reversed()).then(|| {
        let fields = vec![Field::new(ctx, FieldKind::TextArea, "text", "field-appeal-text", "").required()];
        Form::new(ctx, &format!("{path}/bezwaar"), "moderation-appeal-submit", fields).with_errors(ctx, errors)
    });
    let reverse_form = s.may_reverse.then(|| {
        let fields = vec![Field::new(ctx, FieldKind::TextArea, "reason", "field-moderation-reason", "").required()];
        Form::new(ctx, &format!("{path}/terugdraaien"), "moderation-reverse-submit", fields)
    });
    let appeal = s.appeal.as_ref().map(|a| match (a.state(), &a.answer) {
        (AppealState::Upheld, Some(answer)) => ctx.t1("moderation-appeal-upheld", "answer", answer),
        (AppealState::Reversed, Some(answer)) => ctx.t1("moderation-appeal-reversed", "answer", answer),
        _ => ctx.t1("moderation-appeal-filed", "date", ctx.datetime(a.created_at)),
    });
    let view = StatementPage {
        ctx,
        title: ctx.t1(
            "moderation-statement-title",
            "what",
            ctx.t(&format!("moderation-kind-{}", s.action.kind().as_str())),
        ),
        date: ctx.t1("moderation-statement-date", "date", ctx.datetime(s.action.created_at)),
        group: s.group.as_ref().map(|g| ctx.t1("moderation-statement-in-group", "group", g.shown_name())),
        ground: ctx.t1("moderation-statement-ground", "ground", log::grounds(ctx.lang, &s.action)),
        facts: s.action.facts.clone(),
        excerpt: s.excerpt.clone().filter(|e| !e.is_empty()),
        undone: s.action.reversed_at.map(|t| {
            ctx.t_args(
                "moderation-statement-undone",
                &[("date", ctx.datetime(t)), ("reason", s.action.reversal_reason.clone().unwrap_or_default())],
            )
        }),
        redress: (s.affected && !s.action.reversed())
            .then(|| ctx.t1("moderation-statement-redress", "days", appeals::APPEAL_DAYS)),
        appeal,
        appeal_form,
        reverse_form,
    };
    Ok(page(status, &view))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct AppealForm {
    text: String,
}

/// `POST /moderatie/besluiten/{id}/bezwaar`: the person affected appeals.
pub async fn appeal(Path(id): Path<i64>, CsrfForm { ctx, form }: CsrfForm<AppealForm>) -> WebResult<Response> {
    let me = ctx.require_account()?;
    match appeals::file(&ctx.state, me, ActionId(id), &form.text).await {
        Ok(_) => Ok(Redirect::to(&format!("/moderatie/besluiten/{id}")).into_response()),
        Err(DomainError::Invalid(errors)) => {
            render_statement(&ctx, id, &errors, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ReverseForm {
    reason: String,
}

/// `POST /moderatie/besluiten/{id}/terugdraaien`: who may decide undoes the decision.
pub async fn reverse(Path(id): Path<i64>, CsrfForm { ctx, form }: CsrfForm<ReverseForm>) -> WebResult<Response> {
    let me = ctx.require_account()?;
    match actions::reverse(&ctx.state, me, ActionId(id), &form.reason).await {
        Ok(_) => Ok(Redirect::to(&format!("/moderatie/besluiten/{id}")).into_response()),
        Err(DomainError::Invalid(_)) => Err(WebError::BadRequest("error-moderation-reason-required")),
        Err(e) => Err(e.into()),
    }
}

/// `GET /beheer/bezwaren`: the open appeals, for admins.
pub async fn appeals_page(ctx: Ctx) -> WebResult<Response> {
    let me = ctx.require_account()?;
    let open = appeals::open(&ctx.state, me).await?;
    let rows = open
        .into_iter()
        .map(|(appeal, action)| AppealRow {
            id: appeal.id,
            statement: moderation::statement_path(&action),
            what: ctx.t(&format!("moderation-kind-{}", action.kind().as_str())),
            date: ctx.datetime(appeal.created_at),
            text: appeal.text,
        })
        .collect();
    Ok(page(StatusCode::OK, &AppealsPage { ctx: &ctx, rows }))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct AnswerForm {
    answer: String,
    /// `uphold` or `undo`.
    decision: String,
}

/// `POST /beheer/bezwaren/{id}`: an admin answers an appeal.
pub async fn answer(Path(id): Path<i64>, CsrfForm { ctx, form }: CsrfForm<AnswerForm>) -> WebResult<Response> {
    let me = ctx.require_account()?;
    let undo = match form.decision.as_str() {
        "undo" => true,
        "uphold" => false,
        _ => return Err(WebError::BadRequest("error-choice-invalid")),
    };
    match appeals::answer(&ctx.state, me, id, undo, &form.answer).await {
        Ok(_) => Ok(Redirect::to("/beheer/bezwaren").into_response()),
        Err(DomainError::Invalid(_)) => Err(WebError::BadRequest("error-appeal-text-required")),
        Err(e) => Err(e.into()),
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct VerifyForm {
    actor: i64,
    /// `ja` to verify, anything else to withdraw.
    verified: String,
}

/// `POST /beheer/verificatie`: an admin verifies an organisation or withdraws it, from its page.
pub async fn verify(CsrfForm { ctx, form }: CsrfForm<VerifyForm>) -> WebResult<Response> {
    let me = ctx.require_account()?;
    let actor = moderation::verified::set_verified(&ctx.state, me, ActorId(form.actor), form.verified == "ja").await?;
    let path = format!("/{}/{}", crate::domain::actors::path_prefix(actor.kind()), actor.name_key);
    Ok(Redirect::to(&path).into_response())
}
