//! The group directory (`/groepen`, with search and filters by kind and neighbourhood) and creating a group
//! (`/groepen/nieuw`).

use axum::extract::Query;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::choices;
use super::view::DirectoryPage;
use crate::db::models::group_profile::{
    ContentVisibility, DirectoryQuery, GroupKind, GroupStatus, Openness, OrgType, Posting,
};
use crate::domain::DomainError;
use crate::domain::groups::{self, NewGroup, rights};
use crate::domain::validate::FieldErrors;
use crate::web::context::Ctx;
use crate::web::error::{WebError, WebResult};
use crate::web::form::{CsrfForm, Field, FieldKind, Form};
use crate::web::page::{FormPage, page};

/// Groups on one page of the directory.
const PAGE: i64 = 30;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct DirectoryParams {
    q: String,
    soort: String,
    /// A neighbourhood's name: only its groups.
    buurt: String,
    pagina: i64,
}

pub async fn list(ctx: Ctx, Query(p): Query<DirectoryParams>) -> WebResult<Response> {
    let kind = GroupKind::parse(&p.soort);
    let search = p.q.chars().take(100).collect::<String>();
    let page_no = p.pagina.clamp(0, 10_000);
    let neighbourhoods = crate::domain::neighbourhoods::names(&mut ctx.state.pool.get().await?).await?;
    let wanted = p.buurt.to_lowercase();
    let neighbourhood = neighbourhoods.iter().find(|n| !wanted.is_empty() && n.name_key == wanted);
    let query = DirectoryQuery {
        kind,
        neighbourhood: neighbourhood.map(|n| n.id),
        search: Some(search.as_str()),
        limit: PAGE,
        offset: page_no * PAGE,
        // Site moderators also see the groups waiting for their approval.
        all_statuses: true,
    };
    let found = groups::directory(&ctx.state, ctx.account.as_ref(), &query).await?;
    let older = (found.len() as i64 == PAGE).then(|| {
        let mut q = url::form_urlencoded::Serializer::new(String::new());
        q.append_pair("q", &search).append_pair("soort", kind.map_or("", |k| k.as_str()));
        q.append_pair("buurt", neighbourhood.map_or("", |n| n.name_key.as_str()));
        q.append_pair("pagina", &(page_no + 1).to_string());
        format!("/groepen?{}", q.finish())
    });
    let template = DirectoryPage {
        ctx: &ctx,
        groups: found,
        kind: kind.map_or(String::new(), |k| k.as_str().to_string()),
        search,
        kinds: GroupKind::ALL.iter().map(|k| (k.as_str(), ctx.t(&format!("group-kind-{}", k.as_str())))).collect(),
        neighbourhood: neighbourhood.map_or(String::new(), |n| n.name_key.clone()),
        neighbourhoods: neighbourhoods.iter().map(|n| (n.name_key.clone(), n.shown_name())).collect(),
        may_create: ctx
            .account
            .as_ref()
            .is_some_and(|a| rights::creation(ctx.state.runtime.group_creation(), a).is_some()),
        older,
    };
    Ok(page(StatusCode::OK, &template))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct NewGroupForm {
    username: String,
    display_name: String,
    summary: String,
    kind: String,
    openness: String,
    content: String,
    posting: String,
    org_type: String,
}

pub async fn new_page(ctx: Ctx) -> WebResult<Response> {
    let account = ctx.require_account()?;
    if rights::creation(ctx.state.runtime.group_creation(), account).is_none() {
        return Err(WebError::Forbidden);
    }
    let form = NewGroupForm {
        kind: GroupKind::Interest.as_str().into(),
        openness: Openness::Open.as_str().into(),
        content: ContentVisibility::Public.as_str().into(),
        posting: Posting::Members.as_str().into(),
        ..Default::default()
    };
    Ok(render(&ctx, &form, &FieldErrors::default(), StatusCode::OK))
}

pub async fn create(CsrfForm { ctx, form }: CsrfForm<NewGroupForm>) -> WebResult<Response> {
    let account = ctx.require_account()?;
    let input = NewGroup {
        name: form.username.clone(),
        display_name: form.display_name.clone(),
        summary: form.summary.clone(),
        kind: form.kind.clone(),
        openness: form.openness.clone(),
        content: form.content.clone(),
        posting: form.posting.clone(),
        org_type: form.org_type.clone(),
    };
    match groups::create(&ctx.state, account, &input).await {
        Ok(group) => {
            let notice = if group.profile.status() == GroupStatus::Pending { "pending" } else { "created" };
            Ok(Redirect::to(&format!("/g/{}/leden?gedaan={notice}", group.actor.name_key)).into_response())
        }
        Err(DomainError::Invalid(errors)) => Ok(render(&ctx, &form, &errors, StatusCode::UNPROCESSABLE_ENTITY)),
        Err(e) => Err(e.into()),
    }
}

/// The type of an organisation: only asked of organisations (the first choice is for the
/// other kinds).
fn org_type_field(ctx: &Ctx, value: &str) -> Field {
    let mut options = vec![(String::new(), ctx.t("group-org_type-none"))];
    options.extend(
        OrgType::ALL.iter().map(|o| (o.as_str().to_string(), ctx.t(&format!("group-org_type-{}", o.as_str())))),
    );
    Field::new(ctx, FieldKind::Select, "org_type", "field-group-org_type", value)
        .options(options)
        .hint(ctx, "field-group-org_type-hint")
}

fn render(ctx: &Ctx, form: &NewGroupForm, errors: &FieldErrors, status: StatusCode) -> Response {
    let staff = ctx.is_moderator();
    let kinds = GroupKind::ALL.iter().filter(|k| staff || **k != GroupKind::Neighbourhood).map(|k| k.as_str());
    let fields = vec![
        Field::new(ctx, FieldKind::Text, "display_name", "field-group-name", &form.display_name).required(),
        Field::new(ctx, FieldKind::Text, "username", "field-group-handle", &form.username)
            .hint(ctx, "field-group-handle-hint")
            .required(),
        Field::new(ctx, FieldKind::TextArea, "summary", "field-group-summary", &form.summary)
            .hint(ctx, "field-group-summary-hint"),
        choices(ctx, "kind", &form.kind, kinds),
        org_type_field(ctx, &form.org_type),
        choices(ctx, "openness", &form.openness, Openness::ALL.iter().map(|o| o.as_str())),
        choices(ctx, "content", &form.content, ContentVisibility::ALL.iter().map(|o| o.as_str())),
        choices(ctx, "posting", &form.posting, Posting::ALL.iter().map(|o| o.as_str())),
    ];
    let f = Form::new(ctx, "/groepen/nieuw", "group-create-submit", fields).with_errors(ctx, errors);
    let mut intro = vec![ctx.t("group-create-intro")];
    if ctx.account.as_ref().and_then(|a| rights::creation(ctx.state.runtime.group_creation(), a))
        == Some(GroupStatus::Pending)
    {
        intro.push(ctx.t("group-create-approval"));
    }
    page(
        status,
        &FormPage {
            ctx,
            title: ctx.t("group-create-title"),
            intro,
            notice: None,
            form: f,
            links: vec![("/groepen".into(), ctx.t("groups-title"))],
        },
    )
}
