//! Reports between servers: `Flag`. A report about content elsewhere that the reporter asks to
//! forward is sent from this instance's own actor to the server that holds it (Mastodon's
//! shape: `object` the actor and its posts, `content` the comment; never the reporter's name).
//! A `Flag` from another server lands in the instance queue with the domain it came from.

use super::reports;
use crate::apub::protocol::{Activity, ActivityKind};
use crate::db::models::actor::Actor;
use crate::db::models::post::Post;
use crate::db::models::report::{Category, Report, ReportInsert, ReportState, SubjectKind};
use crate::db::{DbConn, now};
use crate::domain::outbox::{enqueue, new_activity_id};
use crate::domain::{DomainError, DomainResult, validate::FieldErrors};
use crate::state::AppState;

/// Queues a `Flag` of `actor` and `posts` to the server that holds them (its shared inbox),
/// in the caller's transaction. Returns the Flag's id.
pub async fn send(
    conn: &mut DbConn,
    state: &AppState,
    actor: &Actor,
    posts: &[&Post],
    comment: &str,
) -> DomainResult<String> {
    let instance = state.instance_actor.as_ref();
    let id = new_activity_id(&state.base_url, "flag");
    let mut objects = vec![actor.ap_id.clone()];
    objects.extend(posts.iter().filter(|p| !p.local).map(|p| p.ap_id.clone()));
    let mut flag = Activity::new(id.clone(), ActivityKind::Flag, instance.ap_id.clone(), objects);
    flag.content = Some(comment.to_string());
    enqueue(conn, instance, &flag, false, &[actor.id]).await?;
    Ok(id)
}

/// A `Flag` another server's `signer` sent about things here (`objects`, all on this host:
/// the inbox checked that). Each must exist: otherwise nothing is stored and the sender hears
/// why. Lands in the instance queue (and a group's, for a post written there).
pub async fn received(
    conn: &mut DbConn,
    state: &AppState,
    signer: &Actor,
    flag_id: &str,
    objects: &[String],
    content: &str,
) -> DomainResult<()> {
    if state.federation_policy.rejects_reports(&signer.domain) {
        // Staff chose not to take reports from this server: taken in and dropped, as Mastodon does.
        tracing::info!(from = %signer.domain, "Flag dropped: reports from this server are refused");
        return Ok(());
    }
    let unknown = || DomainError::Invalid(FieldErrors::one("object", "error-report-subject-unknown"));
    let mut actor: Option<Actor> = None;
    let mut posts: Vec<Post> = vec![];
    for object in objects {
        if let Some(post) = Post::by_ap_id(conn, object).await?.filter(|p| p.local && !p.deleted) {
            posts.push(post);
        } else if let Some(found) = Actor::by_ap_id(conn, object).await?.filter(|a| a.local && !a.deleted) {
            if actor.as_ref().is_some_and(|a| a.id != found.id) {
                // One report is about one actor (and its posts).
                return Err(DomainError::Invalid(FieldErrors::one("object", "error-report-several-actors")));
            }
            actor = Some(found);
        } else {
            return Err(unknown());
        }
    }
    let actor = match (actor, posts.first()) {
        (Some(actor), _) => actor,
        (None, Some(post)) => Actor::by_id(conn, post.author_id).await?.ok_or_else(unknown)?,
        (None, None) => return Err(unknown()),
    };
    if posts.iter().any(|p| p.author_id != actor.id) {
        return Err(DomainError::Invalid(FieldErrors::one("object", "error-report-several-actors")));
    }
    let kind = match (posts.len(), actor.kind().is_group()) {
        (1, _) => SubjectKind::Post,
        (_, true) => SubjectKind::Group,
        _ => SubjectKind::Actor,
    };
    let mut group = None;
    for post in &posts {
        if let Some(g) = post.audience_id
            && Actor::by_id(conn, g).await?.is_some_and(|g| g.local)
        {
            group = Some(g);
            break;
        }
    }
    let comment: String = crate::util::html::excerpt(content, reports::TEXT_MAX);
    let t = now();
    let form = ReportInsert {
        subject_kind: kind.as_str().into(),
        post_id: posts.first().filter(|_| kind == SubjectKind::Post).map(|p| p.id),
        actor_id: Some(actor.id),
        group_id: group,
        reporter_id: Some(signer.id),
        contact_email: None,
        category: Category::Other.as_str().into(),
        legal_ground: None,
        comment,
        forward: false,
        origin_instance: Some(signer.domain.clone()),
        ap_id: Some(flag_id.to_string()),
        state: ReportState::Open.as_str().into(),
        created_at: t,
        updated_at: t,
    };
    let ids: Vec<_> = if kind == SubjectKind::Post { vec![] } else { posts.iter().map(|p| p.id).collect() };
    let report = Report::insert(conn, &form, &ids).await?;
    reports::tell_handlers(conn, state, &report).await?;
    tracing::info!(report = report.id, from = %signer.domain, "Flag received");
    Ok(())
}
