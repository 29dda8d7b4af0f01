//! The report pages' templates and their rows.

use askama::Template;

use crate::db::models::actor::Actor;
use crate::db::models::post::Post;
use crate::db::models::report::SubjectKind;
use crate::domain::moderation::reports::ReportView;
use crate::web::context::Ctx;

/// A post's page: here, or where it lives.
pub fn post_href(p: &Post) -> String {
    if p.local { format!("/p/{}", p.id.0) } else { p.url.clone().unwrap_or_else(|| p.ap_id.clone()) }
}

/// An actor's page: here, or where it lives.
pub fn actor_href(a: &Actor) -> String {
    if a.local {
        format!("/{}/{}", crate::domain::actors::path_prefix(a.kind()), a.name_key)
    } else {
        a.url.clone().unwrap_or_else(|| a.ap_id.clone())
    }
}

/// What a report is about, in a sentence.
pub fn subject_sentence(ctx: &Ctx, v: &ReportView) -> String {
    let name = v.actor.as_ref().map_or_else(|| ctx.t("report-someone"), Actor::shown_name);
    let key = match v.report.subject() {
        SubjectKind::Post => "report-subject-post",
        SubjectKind::Actor => "report-subject-actor",
        SubjectKind::Group => "report-subject-group",
    };
    ctx.t1(key, "name", name)
}

/// A report as a queue lists it.
pub struct ReportRow {
    pub id: i64,
    pub path: String,
    pub subject: String,
    /// Where the reported post or actor is.
    pub subject_href: Option<String>,
    pub excerpt: Option<String>,
    pub category: String,
    pub state: String,
    pub created: String,
    /// Who reported: a name, "anonymous", or another server.
    pub reporter: String,
    pub assignee: Option<String>,
    pub group: Option<String>,
}

impl ReportRow {
    pub fn of(ctx: &Ctx, v: &ReportView, queue_path: &str) -> ReportRow {
        let r = &v.report;
        let subject_href = match (&v.post, &v.actor) {
            (Some(p), _) => Some(post_href(p)),
            (None, Some(a)) => Some(actor_href(a)),
            _ => None,
        };
        let reporter = match (&v.reporter, &r.origin_instance) {
            (_, Some(origin)) => ctx.t1("report-from-instance", "domain", origin),
            (Some(a), None) => format!("{} (@{}@{})", a.shown_name(), a.username, a.domain),
            (None, None) => ctx.t("report-anonymous"),
        };
        let category = ctx.t(&format!("report-category-{}", r.category().as_str()));
        ReportRow {
            id: r.id,
            path: format!("{queue_path}/{}", r.id),
            subject: subject_sentence(ctx, v),
            subject_href,
            excerpt: v.post.as_ref().map(|p| crate::util::html::excerpt(&p.content, 200)).filter(|e| !e.is_empty()),
            category: match &r.legal_ground {
                Some(ground) => format!("{category}: {ground}"),
                None => category,
            },
            state: ctx.t(&format!("report-state-{}", r.state().as_str())),
            created: ctx.datetime(r.created_at),
            reporter,
            assignee: v.assignee.as_ref().map(Actor::shown_name),
            group: v.group.as_ref().map(Actor::shown_name),
        }
    }
}

/// The words every row of a queue repeats, translated once for the page.
pub struct RowLabels {
    pub category: String,
    pub state: String,
    pub reporter: String,
    pub assignee: String,
    pub assignee_none: String,
    pub group: String,
    pub created: String,
}

impl RowLabels {
    pub fn new(ctx: &Ctx) -> RowLabels {
        RowLabels {
            category: ctx.t("report-field-category"),
            state: ctx.t("report-state"),
            reporter: ctx.t("report-reporter"),
            assignee: ctx.t("report-assignee"),
            assignee_none: ctx.t("report-assignee-none"),
            group: ctx.t("report-group"),
            created: ctx.t("report-created"),
        }
    }
}

#[derive(Template)]
#[template(path = "reports/queue.html")]
pub struct QueuePage<'a> {
    pub ctx: &'a Ctx,
    pub title: String,
    pub rows: Vec<ReportRow>,
    pub labels: RowLabels,
    /// (href, label, current)
    pub filters: Vec<(String, String, bool)>,
    pub notice: Option<String>,
}

pub struct NoteRow {
    pub author: String,
    pub when: String,
    pub text: String,
}

#[derive(Template)]
#[template(path = "reports/detail.html")]
pub struct DetailPage<'a> {
    pub ctx: &'a Ctx,
    pub title: String,
    pub row: ReportRow,
    /// Decisions that answer the report: (href, label).
    pub decisions: Vec<(String, String)>,
    /// The queue.
    pub back: String,
    /// Where the forms post.
    pub action: String,
    pub comment: String,
    pub legal_ground: Option<String>,
    pub origin: Option<String>,
    /// An anonymous reporter left an address (it is not shown).
    pub contact: bool,
    pub forwarded: bool,
    pub open: bool,
    pub resolution: Option<String>,
    /// (actor id, name, assigned now)
    pub assign_options: Vec<(String, String, bool)>,
    pub notes: Vec<NoteRow>,
    /// Further posts: (href, excerpt).
    pub posts: Vec<(String, String)>,
    pub notice: Option<String>,
}

pub struct MineRow {
    pub subject: String,
    pub category: String,
    pub state: String,
    pub outcome: Option<String>,
    pub created: String,
}

#[derive(Template)]
#[template(path = "reports/mine.html")]
pub struct MinePage<'a> {
    pub ctx: &'a Ctx,
    pub rows: Vec<MineRow>,
}
