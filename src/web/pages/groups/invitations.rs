//! Group invitations on the web: `/g/{name}/uitnodigingen`, where a group's administrators make
//! invitation links and mail them; `/g/{name}/uitnodiging/{code}`, the link itself (join when
//! signed in, otherwise register or sign in first); and `/groepen/uitnodigingen`, where a
//! resident answers the invitations of groups here and elsewhere.

use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::view::{GroupInvitesPage, InvitationPage, InviteRow, MyInvitation, MyInvitationsPage};
use crate::db::models::actor::ActorId;
use crate::db::models::membership::Membership;
use crate::domain::DomainError;
use crate::domain::groups::invitations::{self, NewGroupInvite};
use crate::domain::groups::{self, Group, members};
use crate::domain::validate::FieldErrors;
use crate::web::context::Ctx;
use crate::web::error::{WebError, WebResult};
use crate::web::form::{CsrfForm, Field, FieldKind, Form};
use crate::web::page::page;

async fn local_group(ctx: &Ctx, name: &str) -> WebResult<Group> {
    let mut conn = ctx.state.pool.get().await?;
    groups::local(&mut conn, &ctx.state.settings, name).await?.ok_or(WebError::NotFound)
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct DoneQuery {
    gedaan: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct LinkForm {
    max_uses: String,
    expires_days: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct MailForm {
    email: String,
    email_days: String,
}

/// The forms as sent, with their errors.
#[derive(Default)]
struct Forms {
    link: LinkForm,
    link_errors: FieldErrors,
    mail: MailForm,
    mail_errors: FieldErrors,
    notice: Option<String>,
}

/// `GET /g/{name}/uitnodigingen`: the group's invitations and the forms that make them.
pub async fn page_of(ctx: Ctx, Path(name): Path<String>, Query(q): Query<DoneQuery>) -> WebResult<Response> {
    let group = local_group(&ctx, &name).await?;
    let notice = match q.gedaan.as_str() {
        "link" => Some(ctx.t("group-invites-made")),
        "mail" => Some(ctx.t("group-invites-mailed")),
        _ => None,
    };
    let forms = Forms {
        link: LinkForm { max_uses: "10".into(), expires_days: "14".into() },
        mail: MailForm { email: String::new(), email_days: "14".into() },
        notice,
        ..Default::default()
    };
    render(&ctx, &group, forms, StatusCode::OK).await
}

/// `POST /g/{name}/uitnodigingen`: a new invitation link.
pub async fn create_link(Path(name): Path<String>, CsrfForm { ctx, form }: CsrfForm<LinkForm>) -> WebResult<Response> {
    let me = ctx.require_account()?;
    let group = local_group(&ctx, &name).await?;
    let input = NewGroupInvite {
        max_uses: form.max_uses.clone(),
        expires_days: form.expires_days.clone(),
        email: String::new(),
    };
    match invitations::create(&ctx.state, me, &group, &input).await {
        Ok(_) => Ok(Redirect::to(&format!("/g/{}/uitnodigingen?gedaan=link", group.actor.name_key)).into_response()),
        Err(DomainError::Invalid(errors)) => {
            let forms = Forms { link: form, link_errors: errors, ..Default::default() };
            render(&ctx, &group, forms, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /g/{name}/uitnodigingen/e-mail`: an invitation mailed to one address.
pub async fn create_mail(Path(name): Path<String>, CsrfForm { ctx, form }: CsrfForm<MailForm>) -> WebResult<Response> {
    let me = ctx.require_account()?;
    let group = local_group(&ctx, &name).await?;
    let input =
        NewGroupInvite { max_uses: "1".into(), expires_days: form.email_days.clone(), email: form.email.clone() };
    match invitations::create(&ctx.state, me, &group, &input).await {
        Ok(_) => Ok(Redirect::to(&format!("/g/{}/uitnodigingen?gedaan=mail", group.actor.name_key)).into_response()),
        Err(DomainError::Invalid(errors)) => {
            // The mail form names its days field apart from the link form's.
            let mut mail_errors = FieldErrors::default();
            for e in &errors.0 {
                mail_errors.add(if e.field == "expires_days" { "email_days" } else { e.field }, e.message);
            }
            let forms = Forms { mail: form, mail_errors, ..Default::default() };
            render(&ctx, &group, forms, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => Err(e.into()),
    }
}

async fn render(ctx: &Ctx, group: &Group, forms: Forms, status: StatusCode) -> WebResult<Response> {
    let me = ctx.require_account()?;
    let invites = invitations::list(&ctx.state, me, group).await?;
    let rows = invites
        .into_iter()
        .map(|i| InviteRow {
            link: invitations::link(&ctx.state.settings, &group.actor, &i.code),
            uses: format!("{} / {}", i.uses, i.max_uses),
            expires: i.expires_at.map(|t| ctx.datetime(t)).unwrap_or_default(),
            to: i.email.unwrap_or_default(),
        })
        .collect();
    let path = format!("/g/{}/uitnodigingen", group.actor.name_key);
    let fields = vec![
        Field::new(ctx, FieldKind::Number, "max_uses", "field-invite-max-uses", &forms.link.max_uses).required(),
        Field::new(ctx, FieldKind::Number, "expires_days", "field-invite-days", &forms.link.expires_days).required(),
    ];
    let form = Form::new(ctx, &path, "group-invites-create", fields).with_errors(ctx, &forms.link_errors);
    let fields = vec![
        Field::new(ctx, FieldKind::Email, "email", "field-invite-email", &forms.mail.email)
            .autocomplete("off")
            .required(),
        Field::new(ctx, FieldKind::Number, "email_days", "field-invite-days", &forms.mail.email_days).required(),
    ];
    let email_form =
        Form::new(ctx, &format!("{path}/e-mail"), "group-invites-mail", fields).with_errors(ctx, &forms.mail_errors);
    let template = GroupInvitesPage {
        ctx,
        title: ctx.t1("group-invites-title", "name", &group.actor.display_name),
        group_path: format!("/g/{}", group.actor.name_key),
        form,
        email_form,
        rows,
        notice: forms.notice,
    };
    Ok(page(status, &template))
}

/// `GET /g/{name}/uitnodiging/{code}`: what the link offers — or why it no longer works.
pub async fn landing(ctx: Ctx, Path((name, code)): Path<(String, String)>) -> WebResult<Response> {
    let group = local_group(&ctx, &name).await?;
    let invite = invitations::find(&ctx.state, &group, &code).await?;
    let problem = invitations::unusable(invite.as_ref(), &group).map(|key| ctx.t(key));
    let status = if problem.is_some() { StatusCode::GONE } else { StatusCode::OK };
    Ok(page(status, &invitation_page(&ctx, &group, &code, problem)))
}

fn invitation_page<'a>(ctx: &'a Ctx, group: &Group, code: &str, problem: Option<String>) -> InvitationPage<'a> {
    let code = crate::util::url::urlencode(code);
    InvitationPage {
        ctx,
        title: ctx.t1("group-invitation-title", "name", &group.actor.display_name),
        group_path: format!("/g/{}", group.actor.name_key),
        action: format!("/g/{}/uitnodiging/{code}", group.actor.name_key),
        register: format!("/registreren?code={code}"),
        problem,
        signed_in: ctx.account.is_some(),
    }
}

/// `POST /g/{name}/uitnodiging/{code}`: a signed-in resident uses the invitation and joins.
pub async fn redeem(
    Path((name, code)): Path<(String, String)>,
    CsrfForm { ctx, .. }: CsrfForm<AnswerForm>,
) -> WebResult<Response> {
    let me = ctx.require_account()?;
    let group = local_group(&ctx, &name).await?;
    match invitations::redeem(&ctx.state, me, &group, &code).await {
        Ok(_) => Ok(Redirect::to(&format!("/g/{}/leden?gedaan=joined", group.actor.name_key)).into_response()),
        Err(DomainError::Invalid(errors)) => {
            let problem = errors.0.first().map(|e| ctx.t(e.message));
            Ok(page(StatusCode::UNPROCESSABLE_ENTITY, &invitation_page(&ctx, &group, &code, problem)))
        }
        Err(e) => Err(e.into()),
    }
}

/// `GET /groepen/uitnodigingen`: the resident's open invitations, here and elsewhere.
pub async fn mine(ctx: Ctx) -> WebResult<Response> {
    let me = ctx.require_account()?;
    let rows = {
        let mut conn = ctx.state.pool.get().await?;
        Membership::invitations_of(&mut conn, me.actor.id).await?
    };
    let invitations = rows
        .into_iter()
        .map(|(_, g)| MyInvitation {
            id: g.id.0,
            name: g.shown_name(),
            href: if g.local { format!("/g/{}", g.name_key) } else { g.url.clone().unwrap_or_else(|| g.ap_id.clone()) },
            handle: format!("@{}@{}", g.username, g.domain),
        })
        .collect();
    Ok(page(StatusCode::OK, &MyInvitationsPage { ctx: &ctx, invitations }))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct AnswerForm {
    /// `accept` or `decline`.
    answer: String,
}

/// `POST /groepen/uitnodigingen/{group}`: accept (join) or decline (leave) an invitation.
pub async fn answer(Path(group): Path<i64>, CsrfForm { ctx, form }: CsrfForm<AnswerForm>) -> WebResult<Response> {
    let me = ctx.require_account()?;
    let group = {
        let mut conn = ctx.state.pool.get().await?;
        let membership = Membership::find(&mut conn, ActorId(group), me.actor.id).await?;
        if membership.is_none_or(|m| m.state() != crate::db::models::membership::MemberState::Invited) {
            return Err(WebError::NotFound);
        }
        let actor =
            crate::db::models::actor::Actor::by_id(&mut conn, ActorId(group)).await?.ok_or(WebError::NotFound)?;
        groups::with_profile(&mut conn, actor).await?
    };
    match form.answer.as_str() {
        "accept" => {
            members::join(&ctx.state, me, &group, "").await.map_err(super::members::refused)?;
        }
        "decline" => members::leave(&ctx.state, me, &group).await.map_err(super::members::refused)?,
        _ => return Err(WebError::BadRequest("error-choice-invalid")),
    }
    Ok(Redirect::to("/groepen/uitnodigingen").into_response())
}
