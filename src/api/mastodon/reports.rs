//! `POST /api/v1/reports`: a resident reports an account and some of its posts from their app,
//! answered with Mastodon's Report entity. The rules are `domain::moderation::reports`'.

use axum::extract::State;
use serde::Deserialize;
use serde_json::json;

use super::entities;
use crate::api::{ApiError, ApiResult, Caller, Input, json};
use crate::db::models::actor::{Actor, ActorId};
use crate::db::models::post::PostId;
use crate::db::models::report::Category;
use crate::domain::moderation::reports::{self, NewReport, Subject};
use crate::state::AppState;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ReportForm {
    account_id: String,
    #[serde(rename = "status_ids[]", alias = "status_ids")]
    status_ids: Vec<String>,
    comment: String,
    #[serde(deserialize_with = "crate::api::lenient_bool")]
    forward: Option<bool>,
    /// `spam`, `legal`, `violation` or `other`.
    category: String,
}

/// Mastodon's categories as ours: `legal` is illegal content (its ground in the comment), a
/// rule `violation` is "other" here, where rules are not listed.
fn category(mastodon: &str) -> Result<Category, ApiError> {
    match mastodon {
        "" | "other" | "violation" => Ok(Category::Other),
        "spam" => Ok(Category::Spam),
        "legal" => Ok(Category::Illegal),
        _ => Err(ApiError::invalid_field(
            "category",
            "error-report-category",
            "Validation failed: category is not included in the list",
        )),
    }
}

fn id(s: &str, field: &'static str) -> Result<i64, ApiError> {
    s.trim().parse().map_err(|_| {
        ApiError::invalid_field(field, "error-report-subject-unknown", format!("Validation failed: {field}: not found"))
    })
}

pub async fn create(
    State(state): State<AppState>,
    client: crate::limits::ClientAddr,
    caller: Caller,
    Input(form): Input<ReportForm>,
) -> ApiResult {
    let me = caller.user("write:reports")?;
    state.limits.check_report(&client, Some(me))?;
    let cat = category(form.category.trim())?;
    let account = ActorId(id(&form.account_id, "account_id")?);
    let posts = form
        .status_ids
        .iter()
        .filter(|s| !s.is_empty())
        .map(|s| id(s, "status_ids").map(PostId))
        .collect::<Result<Vec<_>, _>>()?;
    let comment = form.comment.trim().to_string();
    let new = NewReport {
        subject: Some(Subject::Actor(account)),
        category: cat.as_str().into(),
        // Mastodon has no field for the ground: the comment names it.
        legal_ground: if cat == Category::Illegal { comment.clone() } else { String::new() },
        comment,
        forward: form.forward.unwrap_or(false),
        contact_email: String::new(),
        posts,
    };
    let report = reports::create(&state, Some(me), &new).await?;
    let mut conn = state.pool.get().await?;
    let target = Actor::by_id(&mut conn, account).await?.ok_or_else(ApiError::not_found)?;
    let target = entities::account(&state, &mut conn, &target).await?;
    let mut status_ids: Vec<String> = new.posts.iter().map(|p| p.0.to_string()).collect();
    status_ids.dedup();
    let mastodon_category = match cat {
        Category::Spam => "spam",
        Category::Illegal => "legal",
        _ if form.category == "violation" => "violation",
        _ => "other",
    };
    Ok(json(&json!({
        "id": report.id.to_string(),
        "action_taken": false,
        "action_taken_at": null,
        "category": mastodon_category,
        "comment": report.comment,
        "forwarded": report.forward,
        "created_at": entities::time(report.created_at),
        "status_ids": status_ids,
        "rule_ids": [],
        "target_account": target,
    })))
}
