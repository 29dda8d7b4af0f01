//! The admins' list of accounts (`/beheer/gebruikers`): find a person by handle, name or
//! address, see their account, set their role, and reach the decision form to limit or
//! suspend them (a measure always comes with its statement of reasons).

use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::view::{UserPage, UserRow, UsersPage};
use crate::db::models::local_user::{Account, LocalUserId, Role};
use crate::domain::DomainError;
use crate::domain::accounts::users::{self, UserSearch};
use crate::domain::validate::FieldErrors;
use crate::util::url::urlencode;
use crate::web::context::Ctx;
use crate::web::error::{WebError, WebResult};
use crate::web::form::{CsrfForm, Field, FieldKind, Form};
use crate::web::page::page;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct UsersQuery {
    q: String,
    /// `member`, `moderator`, `admin` or empty for all.
    rol: String,
    /// The last account of the previous page.
    voor: Option<i64>,
}

fn row(ctx: &Ctx, a: &Account) -> UserRow {
    UserRow {
        id: a.user.id.0,
        username: a.actor.username.clone(),
        display_name: a.actor.display_name.clone(),
        email: a.user.email.clone(),
        role: ctx.t(&format!("admin-role-{}", a.user.role().as_str())),
        status: ctx.t(&format!("admin-status-{}", status_of(a))),
        registered: ctx.datetime(a.user.created_at),
    }
}

/// `active`, `pending`, `suspended` (by a decision or the account closed) or `silenced`.
fn status_of(a: &Account) -> &'static str {
    use crate::db::models::local_user::Status;
    match a.user.status() {
        Status::Pending => "pending",
        Status::Suspended => "suspended",
        Status::Active if a.actor.suspended_at.is_some() => "suspended",
        Status::Active if a.actor.silenced_at.is_some() => "silenced",
        Status::Active => "active",
    }
}

/// `GET /beheer/gebruikers`.
pub async fn list(ctx: Ctx, Query(q): Query<UsersQuery>) -> WebResult<Response> {
    let admin = ctx.require_account()?;
    let role = match q.rol.as_str() {
        "" => None,
        r => Some(Role::parse(r).ok_or(WebError::BadRequest("error-choice-invalid"))?),
    };
    let search = UserSearch { text: q.q.clone(), role, before: q.voor.map(LocalUserId) };
    let accounts = users::search(&ctx.state.pool, admin, &search).await?;
    let next = (accounts.len() as i64 == users::PAGE).then(|| {
        let last = accounts.last().map_or(0, |a| a.user.id.0);
        format!("/beheer/gebruikers?q={}&rol={}&voor={last}", urlencode(&q.q), urlencode(&q.rol))
    });
    let rows = accounts.iter().map(|a| row(&ctx, a)).collect();
    let roles = ["", "member", "moderator", "admin"]
        .iter()
        .map(|r| {
            let label = if r.is_empty() { ctx.t("admin-users-all-roles") } else { ctx.t(&format!("admin-role-{r}")) };
            (r.to_string(), label, *r == q.rol)
        })
        .collect();
    Ok(page(StatusCode::OK, &UsersPage { ctx: &ctx, rows, search: q.q, roles, next }))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct DoneQuery {
    gedaan: String,
}

/// `GET /beheer/gebruikers/{id}`.
pub async fn detail(ctx: Ctx, Path(id): Path<i64>, Query(q): Query<DoneQuery>) -> WebResult<Response> {
    let admin = ctx.require_account()?;
    let account = users::one(&ctx.state.pool, admin, LocalUserId(id)).await?;
    let notice = (q.gedaan == "rol").then(|| ctx.t("admin-user-role-saved"));
    user_page(&ctx, &account, account.user.role().as_str(), FieldErrors::default(), notice, StatusCode::OK)
}

fn user_page(
    ctx: &Ctx,
    account: &Account,
    role: &str,
    errors: FieldErrors,
    notice: Option<String>,
    status: StatusCode,
) -> WebResult<Response> {
    let me = ctx.require_account()?;
    let own = me.user.id == account.user.id;
    // One's own account has no role form: an error about it is shown as the page's notice.
    let notice = match errors.0.first() {
        Some(e) if own => Some(ctx.t(e.message)),
        _ => notice,
    };
    let form = (!own).then(|| {
        let options = ["member", "moderator", "admin"]
            .iter()
            .map(|r| (r.to_string(), ctx.t(&format!("admin-role-{r}"))))
            .collect();
        let fields = vec![Field::new(ctx, FieldKind::Select, "role", "admin-user-role", role).options(options)];
        Form::new(ctx, &format!("/beheer/gebruikers/{}/rol", account.user.id.0), "admin-user-role-submit", fields)
            .with_errors(ctx, &errors)
    });
    let data = UserPage {
        ctx,
        row: row(ctx, account),
        profile: format!("/u/{}", account.actor.username),
        last_login: account.user.last_login_at.map(|t| ctx.datetime(t)),
        form,
        // Staff act on others through a decision; nobody on themselves.
        decide: (!own).then_some(account.actor.id.0),
        notice,
    };
    Ok(page(status, &data))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RoleForm {
    role: String,
}

/// `POST /beheer/gebruikers/{id}/rol`.
pub async fn set_role(Path(id): Path<i64>, CsrfForm { ctx, form }: CsrfForm<RoleForm>) -> WebResult<Response> {
    let admin = ctx.require_account()?;
    let id = LocalUserId(id);
    let result = match Role::parse(&form.role) {
        Some(role) => users::set_role(&ctx.state.pool, admin, id, role).await,
        None => Err(DomainError::Invalid(FieldErrors::one("role", "error-choice-invalid"))),
    };
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/beheer/gebruikers/{}?gedaan=rol", id.0)).into_response()),
        Err(DomainError::Invalid(errors)) => {
            let account = users::one(&ctx.state.pool, admin, id).await?;
            user_page(&ctx, &account, &form.role, errors, None, StatusCode::UNPROCESSABLE_ENTITY)
        }
        Err(e) => Err(e.into()),
    }
}
