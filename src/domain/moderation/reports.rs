//! Reports: anyone — a resident, an anonymous visitor, another server's moderators — tells
//! the moderators about a post, a person or a group. Who handles which report is decided here
//! ([`may_handle`], [`may_see_queue`]): the site's moderators and admins every report, a
//! group's moderators the reports about what was written in their group; nobody the reports
//! about themselves. The reporter hears the outcome (a notification, or a mail to the address
//! an anonymous visitor left).

use super::flags;
use crate::db::models::actor::{Actor, ActorId};
use crate::db::models::local_user::Account;
use crate::db::models::moderation_action::ModerationAction;
use crate::db::models::post::{Post, PostId};
use crate::db::models::report::{Category, Queue, Report, ReportInsert, ReportNote, ReportState, SubjectKind};
use crate::db::{DbConn, DbResult, now};
use crate::domain::groups::{self, rights::Standing};
use crate::domain::mail::{self, Letter};
use crate::domain::notifications::{self, Notice, kinds};
use crate::domain::visibility::{self, Viewer};
use crate::domain::{DomainError, DomainResult, validate::FieldErrors};
use crate::state::AppState;

/// Longest comment, outcome or note, in characters.
pub const TEXT_MAX: usize = 5000;
/// Longest legal ground, in characters.
pub const LEGAL_GROUND_MAX: usize = 500;
/// Reports listed on one page of a queue.
pub const PAGE: i64 = 50;

/// What a report is about, as the reporter names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Subject {
    Post(PostId),
    /// A person or a group, here or elsewhere, by its actor's id.
    Actor(ActorId),
    /// A local group by its name.
    Group(String),
}

/// A report as a form or an API sends it.
#[derive(Debug, Clone, Default)]
pub struct NewReport {
    pub subject: Option<Subject>,
    /// `illegal`, `harassment`, `spam`, `privacy` or `other`.
    pub category: String,
    /// For illegal content: the law or ground it breaks.
    pub legal_ground: String,
    pub comment: String,
    /// Send it on to the server that holds the content, when that is another server.
    pub forward: bool,
    /// An anonymous visitor's address to hear the outcome at (optional).
    pub contact_email: String,
    /// Further posts of the reported actor (Mastodon's `status_ids`).
    pub posts: Vec<PostId>,
}

/// What a report is about, found.
struct Found {
    kind: SubjectKind,
    post: Option<Post>,
    actor: Actor,
    /// The local group whose moderators handle it too.
    group: Option<ActorId>,
    posts: Vec<PostId>,
}

fn invalid(field: &'static str, key: &'static str) -> DomainError {
    DomainError::Invalid(FieldErrors::one(field, key))
}

/// Checks the fields that need no database.
fn check(input: &NewReport, anonymous: bool) -> DomainResult<Category> {
    let mut errors = FieldErrors::default();
    let category = Category::parse(input.category.trim());
    if category.is_none() {
        errors.add("category", "error-report-category");
    }
    if category == Some(Category::Illegal) {
        if input.legal_ground.trim().is_empty() {
            errors.add("legal_ground", "error-report-legal-ground");
        }
        if input.comment.trim().is_empty() {
            errors.add("comment", "error-report-explain");
        }
    }
    crate::domain::validate::max_len("legal_ground", &input.legal_ground, LEGAL_GROUND_MAX, &mut errors);
    crate::domain::validate::max_len("comment", &input.comment, TEXT_MAX, &mut errors);
    let email = input.contact_email.trim();
    if anonymous && !email.is_empty() {
        crate::domain::validate::email(email, &mut errors);
    }
    if input.subject.is_none() {
        errors.add("subject", "error-report-subject-unknown");
    }
    errors.into_result()?;
    category.ok_or_else(|| invalid("category", "error-report-category"))
}

/// Finds what a report is about, as `viewer` may see it; what does not exist, or is not
/// theirs to see, is refused alike.
async fn find(conn: &mut DbConn, state: &AppState, viewer: Viewer, input: &NewReport) -> DomainResult<Found> {
    let unknown = || invalid("subject", "error-report-subject-unknown");
    let mut found = match input.subject.as_ref().ok_or_else(unknown)? {
        Subject::Post(id) => {
            let post = Post::by_id(conn, *id).await?.ok_or_else(unknown)?;
            if !visibility::can_see(conn, viewer, &post).await? {
                return Err(unknown());
            }
            let actor = Actor::by_id(conn, post.author_id).await?.ok_or_else(unknown)?;
            let group = match post.audience_id {
                Some(g) => Actor::by_id(conn, g).await?.filter(|g| g.local).map(|g| g.id),
                None => None,
            };
            Found { kind: SubjectKind::Post, post: Some(post), actor, group, posts: vec![] }
        }
        Subject::Actor(id) => {
            let actor = Actor::by_id(conn, *id).await?.filter(|a| !a.deleted).ok_or_else(unknown)?;
            if actor.id == state.instance_actor.id {
                return Err(unknown());
            }
            let kind = if actor.kind().is_group() { SubjectKind::Group } else { SubjectKind::Actor };
            if kind == SubjectKind::Group && actor.local {
                let group = groups::with_profile(conn, actor.clone()).await?;
                if !seen_group(conn, viewer, &group).await? {
                    return Err(unknown());
                }
            }
            Found { kind, post: None, actor, group: None, posts: vec![] }
        }
        Subject::Group(name) => {
            let group = groups::local(conn, &state.settings, name).await?.ok_or_else(unknown)?;
            if !seen_group(conn, viewer, &group).await? {
                return Err(unknown());
            }
            Found { kind: SubjectKind::Group, post: None, actor: group.actor, group: None, posts: vec![] }
        }
    };
    for id in &input.posts {
        let post = Post::by_id(conn, *id).await?.ok_or_else(|| invalid("posts", "error-report-subject-unknown"))?;
        if post.author_id != found.actor.id || !visibility::can_see(conn, viewer, &post).await? {
            return Err(invalid("posts", "error-report-subject-unknown"));
        }
        if found.group.is_none()
            && let Some(g) = post.audience_id
        {
            found.group = Actor::by_id(conn, g).await?.filter(|g| g.local).map(|g| g.id);
        }
        found.posts.push(post.id);
    }
    Ok(found)
}

/// Whether a visitor sees a local group at all (a pending group is not shown).
async fn seen_group(conn: &mut DbConn, viewer: Viewer, group: &groups::Group) -> DomainResult<bool> {
    let account = match viewer {
        Viewer::Actor(a) => Account::by_actor(conn, a).await?,
        Viewer::Anonymous => None,
    };
    let standing = Standing::of(conn, group.actor.id, account.as_ref()).await?;
    Ok(groups::rights::sees_group(&group.profile, &standing))
}

/// Files a report by `reporter` (none: an anonymous visitor). What is reported must exist and
/// be visible to the reporter; nobody reports themselves. About content elsewhere, `forward`
/// sends it on as a `Flag` from this instance (never naming the reporter). The moderators who
/// handle it are told.
pub async fn create(state: &AppState, reporter: Option<&Account>, input: &NewReport) -> DomainResult<Report> {
    let category = check(input, reporter.is_none())?;
    let viewer = Viewer::of(reporter.map(|a| a.actor.id));
    let found = {
        let mut conn = state.pool.get().await?;
        find(&mut conn, state, viewer, input).await?
    };
    if reporter.is_some_and(|r| r.actor.id == found.actor.id) {
        return Err(invalid("subject", "error-report-own"));
    }
    let forward = input.forward && !found.actor.local;
    let t = now();
    let legal_ground = input.legal_ground.trim();
    let email = input.contact_email.trim();
    let mut form = ReportInsert {
        subject_kind: found.kind.as_str().into(),
        post_id: found.post.as_ref().map(|p| p.id),
        actor_id: Some(found.actor.id),
        group_id: found.group,
        reporter_id: reporter.map(|r| r.actor.id),
        contact_email: (reporter.is_none() && !email.is_empty()).then(|| email.to_string()),
        category: category.as_str().into(),
        legal_ground: (category == Category::Illegal && !legal_ground.is_empty()).then(|| legal_ground.to_string()),
        comment: input.comment.trim().to_string(),
        forward,
        origin_instance: None,
        ap_id: None,
        state: ReportState::Open.as_str().into(),
        created_at: t,
        updated_at: t,
    };
    let mut flagged: Vec<&Post> = found.post.iter().collect();
    let extra = if found.posts.is_empty() {
        vec![]
    } else {
        let mut conn = state.pool.get().await?;
        Report::posts_by_ids(&mut conn, &found.posts).await?
    };
    flagged.extend(extra.iter());
    let mut tx = state.pool.begin().await?;
    if forward {
        form.ap_id = Some(flags::send(&mut tx, state, &found.actor, &flagged, &form.comment).await?);
    }
    let report = Report::insert(&mut tx, &form, &found.posts).await?;
    tell_handlers(&mut tx, state, &report).await?;
    tx.commit().await?;
    if forward {
        state.delivery_wake.notify_waiters();
    }
    tracing::info!(report = report.id, kind = found.kind.as_str(), forward, "report filed");
    Ok(report)
}

/// The page of the queue a report is in (the group's when it has one).
pub fn report_url(state: &AppState, report: &Report) -> String {
    format!("{}/beheer/meldingen/{}", state.base_url, report.id)
}

/// Tells those who handle a new report (in the caller's transaction): every staff member, and
/// the group's local moderators who are not staff — except the person it is about.
pub async fn tell_handlers(conn: &mut DbConn, state: &AppState, report: &Report) -> DomainResult<()> {
    let staff = Report::staff(conn).await?;
    for person in &staff {
        if Some(person.id) == report.actor_id {
            continue;
        }
        let notice = Notice {
            subject: Some(report_url(state, report)),
            ..Notice::new(&kinds::REPORT, person.id, report.reporter_id)
        };
        notifications::notify(conn, notice).await?;
    }
    if let Some(group) = report.group_id
        && let Some(group) = Actor::by_id(conn, group).await?
    {
        for moderator in crate::db::models::membership::Membership::moderators(conn, group.id).await? {
            if !moderator.local || Some(moderator.id) == report.actor_id || staff.iter().any(|s| s.id == moderator.id) {
                continue;
            }
            let notice = Notice {
                subject: Some(format!("{}/g/{}/meldingen/{}", state.base_url, group.username, report.id)),
                ..Notice::new(&kinds::GROUP_REPORT, moderator.id, report.reporter_id)
            };
            notifications::notify(conn, notice).await?;
        }
    }
    Ok(())
}

/// Whether `account` handles `report`: never one about themselves; staff every one; a
/// group's moderators those about what was written in their group.
pub async fn may_handle(conn: &mut DbConn, account: &Account, report: &Report) -> DbResult<bool> {
    if report.actor_id == Some(account.actor.id) {
        return Ok(false);
    }
    if Report::is_staff(account) {
        return Ok(true);
    }
    match report.group_id {
        Some(group) => Ok(Standing::of(conn, group, Some(account)).await?.moderates()),
        None => Ok(false),
    }
}

/// Whether `account` may open a queue.
pub async fn may_see_queue(conn: &mut DbConn, account: &Account, queue: Queue) -> DbResult<bool> {
    match queue {
        Queue::Instance => Ok(Report::is_staff(account)),
        Queue::Group(group) => Ok(Standing::of(conn, group, Some(account)).await?.moderates()),
    }
}

/// A report with what a moderator sees of it.
#[derive(Debug, Clone)]
pub struct ReportView {
    pub report: Report,
    /// The reported post (kind post).
    pub post: Option<Post>,
    /// The reported actor, or the post's author.
    pub actor: Option<Actor>,
    pub group: Option<Actor>,
    /// The resident or other server's actor who reported it (none: anonymous).
    pub reporter: Option<Actor>,
    pub assignee: Option<Actor>,
}

/// A report with its further posts and notes, for its page.
#[derive(Debug, Clone)]
pub struct ReportDetail {
    pub view: ReportView,
    pub posts: Vec<Post>,
    pub notes: Vec<(ReportNote, Option<Actor>)>,
    /// Those it may be assigned to.
    pub moderators: Vec<Actor>,
}

async fn views(conn: &mut DbConn, reports: Vec<Report>) -> DbResult<Vec<ReportView>> {
    let mut ids: Vec<ActorId> = vec![];
    for r in &reports {
        ids.extend([r.actor_id, r.group_id, r.reporter_id, r.assigned_to].into_iter().flatten());
    }
    ids.sort_by_key(|a| a.0);
    ids.dedup();
    let actors: std::collections::HashMap<ActorId, Actor> =
        Actor::by_ids(conn, &ids).await?.into_iter().map(|a| (a.id, a)).collect();
    let post_ids: Vec<PostId> = reports.iter().filter_map(|r| r.post_id).collect();
    let mut posts: std::collections::HashMap<PostId, Post> =
        Report::posts_by_ids(conn, &post_ids).await?.into_iter().map(|p| (p.id, p)).collect();
    let get = |id: Option<ActorId>| id.and_then(|id| actors.get(&id).cloned());
    Ok(reports
        .into_iter()
        .map(|report| ReportView {
            post: report.post_id.and_then(|p| posts.remove(&p)),
            actor: get(report.actor_id),
            group: get(report.group_id),
            reporter: get(report.reporter_id),
            assignee: get(report.assigned_to),
            report,
        })
        .collect())
}

/// A queue's reports in a state (`None`: all), newest first: 403 for someone who may not
/// open it.
pub async fn queue(
    state: &AppState,
    account: &Account,
    queue: Queue,
    filter: Option<ReportState>,
) -> DomainResult<Vec<ReportView>> {
    let mut conn = state.pool.get().await?;
    if !may_see_queue(&mut conn, account, queue).await? {
        return Err(DomainError::Forbidden);
    }
    let reports = Report::list(&mut conn, queue, filter, account.actor.id, PAGE).await?;
    Ok(views(&mut conn, reports).await?)
}

/// How many open reports wait in a queue (for the staff overview): 403 for someone who may not
/// open it.
pub async fn open_count(state: &AppState, account: &Account, queue: Queue) -> DomainResult<i64> {
    let mut conn = state.pool.get().await?;
    if !may_see_queue(&mut conn, account, queue).await? {
        return Err(DomainError::Forbidden);
    }
    Ok(Report::count(&mut conn, queue, ReportState::Open, account.actor.id).await?)
}

/// A report the account handles, or 404 (as for one that does not exist); in a group's queue
/// (`group`), only one of that group's.
async fn handled(conn: &mut DbConn, account: &Account, id: i64, group: Option<ActorId>) -> DomainResult<Report> {
    let report = Report::by_id(conn, id).await?.ok_or(DomainError::NotFound)?;
    if group.is_some_and(|g| report.group_id != Some(g)) || !may_handle(conn, account, &report).await? {
        return Err(DomainError::NotFound);
    }
    Ok(report)
}

/// One report with its notes, for someone who handles it.
pub async fn detail(
    state: &AppState,
    account: &Account,
    id: i64,
    group: Option<ActorId>,
) -> DomainResult<ReportDetail> {
    let mut conn = state.pool.get().await?;
    let report = handled(&mut conn, account, id, group).await?;
    let posts = Report::posts(&mut conn, report.id).await?;
    let notes = ReportNote::of_report(&mut conn, report.id).await?;
    let authors: Vec<ActorId> = notes.iter().filter_map(|n| n.author_id).collect();
    let authors: std::collections::HashMap<ActorId, Actor> =
        Actor::by_ids(&mut conn, &authors).await?.into_iter().map(|a| (a.id, a)).collect();
    let notes = notes
        .into_iter()
        .map(|n| {
            let author = n.author_id.and_then(|a| authors.get(&a).cloned());
            (n, author)
        })
        .collect();
    let moderators = handlers(&mut conn, &report).await?;
    let view = views(&mut conn, vec![report]).await?.pop().ok_or(DomainError::NotFound)?;
    Ok(ReportDetail { view, posts, notes, moderators })
}

/// Those who may handle a report: staff and the group's local moderators, not the reported.
async fn handlers(conn: &mut DbConn, report: &Report) -> DbResult<Vec<Actor>> {
    let mut people = Report::staff(conn).await?;
    if let Some(group) = report.group_id {
        for m in crate::db::models::membership::Membership::moderators(conn, group).await? {
            if m.local && !people.iter().any(|p| p.id == m.id) {
                people.push(m);
            }
        }
    }
    people.retain(|p| Some(p.id) != report.actor_id);
    Ok(people)
}

/// Assigns a report to a moderator who may handle it (`None`: to nobody).
pub async fn assign(
    state: &AppState,
    account: &Account,
    id: i64,
    group: Option<ActorId>,
    to: Option<ActorId>,
) -> DomainResult<()> {
    let mut tx = state.pool.begin().await?;
    let report = handled(&mut tx, account, id, group).await?;
    if let Some(to) = to {
        let may = match crate::db::models::local_user::Account::by_actor(&mut tx, to).await? {
            Some(other) => may_handle(&mut tx, &other, &report).await?,
            None => false,
        };
        if !may {
            return Err(invalid("assignee", "error-report-assignee"));
        }
    }
    if !Report::assign(&mut tx, report.id, to).await? {
        return Err(invalid("assignee", "error-report-closed"));
    }
    tx.commit().await?;
    Ok(())
}

/// Adds an internal note: seen only by those who handle the report.
pub async fn add_note(
    state: &AppState,
    account: &Account,
    id: i64,
    group: Option<ActorId>,
    text: &str,
) -> DomainResult<ReportNote> {
    let text = text.trim();
    let mut errors = FieldErrors::default();
    if text.is_empty() {
        errors.add("note", "error-required");
    }
    crate::domain::validate::max_len("note", text, TEXT_MAX, &mut errors);
    errors.into_result()?;
    let mut tx = state.pool.begin().await?;
    let report = handled(&mut tx, account, id, group).await?;
    let note = ReportNote::insert(&mut tx, report.id, account.actor.id, text).await?;
    tx.commit().await?;
    Ok(note)
}

/// Closes a report: resolved with an outcome, or dismissed (the outcome optional). The
/// reporter hears of it: a resident by a notification, an anonymous visitor by mail.
pub async fn close(
    state: &AppState,
    account: &Account,
    id: i64,
    group: Option<ActorId>,
    outcome: ReportState,
    text: &str,
) -> DomainResult<Report> {
    let text = text.trim();
    let mut errors = FieldErrors::default();
    if outcome == ReportState::Open {
        errors.add("outcome", "error-choice-invalid");
    }
    if outcome == ReportState::Resolved && text.is_empty() {
        errors.add("resolution", "error-report-outcome");
    }
    crate::domain::validate::max_len("resolution", text, TEXT_MAX, &mut errors);
    errors.into_result()?;
    let mut tx = state.pool.begin().await?;
    let report = handled(&mut tx, account, id, group).await?;
    if !Report::close(&mut tx, report.id, outcome, text, account.actor.id).await? {
        return Err(invalid("resolution", "error-report-closed"));
    }
    let closed = Report::by_id(&mut tx, report.id).await?.ok_or(DomainError::NotFound)?;
    tell_reporter(&mut tx, state, &closed).await?;
    tx.commit().await?;
    crate::jobs::wake(state);
    tracing::info!(report = report.id, outcome = outcome.as_str(), "report closed");
    Ok(closed)
}

/// The open report a decision answers, handled by who decides and about what the decision is
/// about (the post, or the person); checked before the measure is taken.
pub async fn answered_by(
    conn: &mut DbConn,
    account: &Account,
    id: i64,
    post: Option<PostId>,
    person: ActorId,
) -> DomainResult<Report> {
    let report = handled(conn, account, id, None).await?;
    if report.state() != ReportState::Open {
        return Err(invalid("report", "error-report-closed"));
    }
    let about = post.is_some_and(|p| report.post_id == Some(p)) || report.actor_id == Some(person);
    if !about {
        return Err(invalid("report", "error-moderation-report-other"));
    }
    Ok(report)
}

/// Closes the report a decision answered: resolved, linked to the decision; the reporter is
/// told a measure was taken and where the public log shows it (never whom it concerned).
pub async fn resolve_by_decision(
    conn: &mut DbConn,
    state: &AppState,
    account: &Account,
    report: &Report,
    action: &ModerationAction,
) -> DomainResult<()> {
    let lang = crate::domain::accounts::letters::lang_of(&state.settings, None);
    let outcome = lang.t_args(
        "report-resolution-decision",
        &[
            ("kind", lang.t(&format!("moderation-kind-{}", action.kind().as_str()))),
            ("log", format!("{}/moderatie", state.base_url)),
        ],
    );
    if !Report::close(conn, report.id, ReportState::Resolved, &outcome, account.actor.id).await? {
        // Closed by someone else meanwhile: the decision stands, the outcome is theirs.
        return Ok(());
    }
    Report::link_action(conn, report.id, action.id.0).await?;
    let closed = Report::by_id(conn, report.id).await?.ok_or(DomainError::NotFound)?;
    tell_reporter(conn, state, &closed).await?;
    tracing::info!(report = report.id, action = action.id.0, "report resolved by a decision");
    Ok(())
}

/// The reporter's own reports page, where the outcome is shown.
pub fn mine_url(state: &AppState) -> String {
    format!("{}/melden/mijn", state.base_url)
}

async fn tell_reporter(conn: &mut DbConn, state: &AppState, report: &Report) -> DomainResult<()> {
    if let Some(reporter) = report.reporter_id
        && let Some(actor) = Actor::by_id(conn, reporter).await?
        && actor.local
    {
        let notice = Notice { subject: Some(mine_url(state)), ..Notice::new(&kinds::REPORT_RESOLVED, actor.id, None) };
        notifications::notify(conn, notice).await?;
    }
    if let Some(to) = &report.contact_email {
        let lang = crate::domain::accounts::letters::lang_of(&state.settings, None);
        let key =
            if report.state() == ReportState::Resolved { "report-mail-resolved" } else { "report-mail-dismissed" };
        let mut paragraphs = vec![lang.t(key)];
        if let Some(outcome) = report.resolution.as_deref().filter(|o| !o.is_empty()) {
            paragraphs.push(lang.t_args("report-mail-outcome", &[("outcome", outcome.to_string())]));
        }
        let letter = Letter {
            lang,
            to: to.clone(),
            subject: lang.t("report-mail-subject"),
            greeting: lang.t("report-mail-greeting"),
            paragraphs,
            action: None,
            sections: vec![],
            reason: lang.t("report-mail-reason"),
            unsubscribe: None,
        };
        mail::queue(conn, &state.settings, &letter).await?;
    }
    Ok(())
}

/// A resident's own reports, newest first: what they reported, and the outcome (never the
/// moderators' notes or names).
pub async fn mine(state: &AppState, account: &Account) -> DomainResult<Vec<ReportView>> {
    let mut conn = state.pool.get().await?;
    let reports = Report::by_reporter(&mut conn, account.actor.id, PAGE).await?;
    let mut out = views(&mut conn, reports).await?;
    for v in &mut out {
        v.assignee = None;
        v.reporter = None;
        v.report.assigned_to = None;
        v.report.resolved_by = None;
    }
    Ok(out)
}
