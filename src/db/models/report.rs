//! `report`, `report_post` and `report_note`: what someone told the moderators about a post, a
//! person or a group (here or elsewhere), the further posts it names, and the moderators'
//! internal notes on it.

use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use super::actor::{Actor, ActorId};
use super::local_user::{Account, Role, Status};
use super::post::{Post, PostId};
use super::text_enum;
use crate::db::schema::{actor, local_user, post, report, report_note, report_post};
use crate::db::{DbConn, DbResult, now};
use crate::dispatch;

text_enum! {
    /// What a report is about. A later kind (an event, a listing, a proposal) is one more
    /// value here with the id it needs, not a table.
    pub enum SubjectKind {
        Post = "post",
        /// A person or another actor that is no group.
        Actor = "actor",
        Group = "group",
    }
}

text_enum! {
    /// Why someone reports.
    pub enum Category {
        /// Illegal content (Digital Services Act, article 16): the law or ground is named.
        Illegal = "illegal",
        Harassment = "harassment",
        Spam = "spam",
        Privacy = "privacy",
        Other = "other",
    }
}

text_enum! {
    pub enum ReportState {
        Open = "open",
        /// Handled, with an outcome told to the reporter.
        Resolved = "resolved",
        /// Closed without action.
        Dismissed = "dismissed",
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = report)]
pub struct Report {
    pub id: i64,
    pub subject_kind: String,
    pub post_id: Option<PostId>,
    pub actor_id: Option<ActorId>,
    pub group_id: Option<ActorId>,
    pub reporter_id: Option<ActorId>,
    pub contact_email: Option<String>,
    pub category: String,
    pub legal_ground: Option<String>,
    pub comment: String,
    pub forward: bool,
    pub origin_instance: Option<String>,
    pub ap_id: Option<String>,
    pub state: String,
    pub assigned_to: Option<ActorId>,
    pub resolution: Option<String>,
    pub resolved_by: Option<ActorId>,
    pub action_id: Option<i64>,
    pub created_at: chrono::NaiveDateTime,
    pub updated_at: chrono::NaiveDateTime,
    pub resolved_at: Option<chrono::NaiveDateTime>,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = report)]
pub struct ReportInsert {
    pub subject_kind: String,
    pub post_id: Option<PostId>,
    pub actor_id: Option<ActorId>,
    pub group_id: Option<ActorId>,
    pub reporter_id: Option<ActorId>,
    pub contact_email: Option<String>,
    pub category: String,
    pub legal_ground: Option<String>,
    pub comment: String,
    pub forward: bool,
    pub origin_instance: Option<String>,
    pub ap_id: Option<String>,
    pub state: String,
    pub created_at: chrono::NaiveDateTime,
    pub updated_at: chrono::NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = report_note)]
pub struct ReportNote {
    pub id: i64,
    pub report_id: i64,
    pub author_id: Option<ActorId>,
    pub content: String,
    pub created_at: chrono::NaiveDateTime,
}

/// Which reports a queue lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Queue {
    /// Every report: the site's moderators and admins.
    Instance,
    /// The reports about what was written in one local group.
    Group(ActorId),
}

impl Report {
    pub fn subject(&self) -> SubjectKind {
        SubjectKind::parse(&self.subject_kind).unwrap_or(SubjectKind::Actor)
    }
    pub fn category(&self) -> Category {
        Category::parse(&self.category).unwrap_or(Category::Other)
    }
    pub fn state(&self) -> ReportState {
        ReportState::parse(&self.state).unwrap_or(ReportState::Open)
    }

    /// Stores a report with the further posts it names.
    pub async fn insert(conn: &mut DbConn, form: &ReportInsert, posts: &[PostId]) -> DbResult<Report> {
        let row: Report = dispatch!(conn, c => diesel::insert_into(report::table)
            .values(form)
            .returning(Report::as_returning())
            .get_result(c)
            .await)?;
        // A report names a few posts: one statement each.
        for post in posts.iter().filter(|p| Some(**p) != form.post_id) {
            dispatch!(conn, c => diesel::insert_into(report_post::table)
                .values((report_post::report_id.eq(row.id), report_post::post_id.eq(*post)))
                .on_conflict_do_nothing()
                .execute(c)
                .await)?;
        }
        Ok(row)
    }

    pub async fn by_id(conn: &mut DbConn, id: i64) -> DbResult<Option<Report>> {
        dispatch!(conn, c => report::table.find(id).select(Report::as_select()).first(c).await.optional())
            .map_err(Into::into)
    }

    /// A queue's reports in a state (all states: `None`), newest first, leaving out those
    /// about `not_about` (a moderator never sees the reports about themselves).
    pub async fn list(
        conn: &mut DbConn,
        queue: Queue,
        state: Option<ReportState>,
        not_about: ActorId,
        limit: i64,
    ) -> DbResult<Vec<Report>> {
        dispatch!(conn, c => {
            let mut q = report::table
                .filter(report::actor_id.is_null().or(report::actor_id.ne(not_about)))
                .select(Report::as_select())
                .order(report::id.desc())
                .limit(limit)
                .into_boxed();
            if let Queue::Group(group) = queue {
                q = q.filter(report::group_id.eq(group));
            }
            if let Some(state) = state {
                q = q.filter(report::state.eq(state.as_str()));
            }
            q.load(c).await
        })
        .map_err(Into::into)
    }

    /// How many of a queue's reports are in `state`, leaving out those about `not_about`.
    pub async fn count(conn: &mut DbConn, queue: Queue, state: ReportState, not_about: ActorId) -> DbResult<i64> {
        dispatch!(conn, c => {
            let mut q = report::table
                .filter(report::state.eq(state.as_str()))
                .filter(report::actor_id.is_null().or(report::actor_id.ne(not_about)))
                .count()
                .into_boxed();
            if let Queue::Group(group) = queue {
                q = q.filter(report::group_id.eq(group));
            }
            q.get_result(c).await
        })
        .map_err(Into::into)
    }

    /// The further posts a report names.
    pub async fn posts(conn: &mut DbConn, id: i64) -> DbResult<Vec<Post>> {
        dispatch!(conn, c => report_post::table
            .inner_join(post::table)
            .filter(report_post::report_id.eq(id))
            .order(post::id.asc())
            .select(Post::as_select())
            .load(c)
            .await)
        .map_err(Into::into)
    }

    /// Posts by their ids (those that exist).
    pub async fn posts_by_ids(conn: &mut DbConn, ids: &[PostId]) -> DbResult<Vec<Post>> {
        if ids.is_empty() {
            return Ok(vec![]);
        }
        dispatch!(conn, c => post::table.filter(post::id.eq_any(ids)).select(Post::as_select()).load(c).await)
            .map_err(Into::into)
    }

    /// Assigns an open report to a moderator, or to nobody.
    pub async fn assign(conn: &mut DbConn, id: i64, to: Option<ActorId>) -> DbResult<bool> {
        let n = dispatch!(conn, c => diesel::update(report::table.find(id))
            .filter(report::state.eq(ReportState::Open.as_str()))
            .set((report::assigned_to.eq(to), report::updated_at.eq(now())))
            .execute(c)
            .await)?;
        Ok(n == 1)
    }

    /// Closes an open report with an outcome; false when it was closed already.
    pub async fn close(
        conn: &mut DbConn,
        id: i64,
        state: ReportState,
        resolution: &str,
        by: ActorId,
    ) -> DbResult<bool> {
        let t = now();
        let n = dispatch!(conn, c => diesel::update(report::table.find(id))
            .filter(report::state.eq(ReportState::Open.as_str()))
            .set((
                report::state.eq(state.as_str()),
                report::resolution.eq(resolution),
                report::resolved_by.eq(by),
                report::resolved_at.eq(t),
                report::updated_at.eq(t),
            ))
            .execute(c)
            .await)?;
        Ok(n == 1)
    }

    /// Links a closed report to the decision that answered it.
    pub async fn link_action(conn: &mut DbConn, id: i64, action: i64) -> DbResult<()> {
        dispatch!(conn, c => diesel::update(report::table.find(id))
            .set(report::action_id.eq(action))
            .execute(c)
            .await)?;
        Ok(())
    }

    /// The site's moderators and admins (active local accounts).
    pub async fn staff(conn: &mut DbConn) -> DbResult<Vec<Actor>> {
        dispatch!(conn, c => local_user::table
            .inner_join(actor::table)
            .filter(local_user::status.eq(Status::Active.as_str()))
            .filter(local_user::role.eq_any([Role::Admin.as_str(), Role::Moderator.as_str()]))
            .order(actor::username.asc())
            .select(Actor::as_select())
            .load(c)
            .await)
        .map_err(Into::into)
    }

    /// The reports a resident made, newest first.
    pub async fn by_reporter(conn: &mut DbConn, reporter: ActorId, limit: i64) -> DbResult<Vec<Report>> {
        dispatch!(conn, c => report::table
            .filter(report::reporter_id.eq(reporter))
            .order(report::id.desc())
            .limit(limit)
            .select(Report::as_select())
            .load(c)
            .await)
        .map_err(Into::into)
    }

    /// Whether an account may be told things as staff (an active moderator or admin).
    pub fn is_staff(account: &Account) -> bool {
        account.user.status() == Status::Active && account.user.role() >= Role::Moderator
    }
}

impl ReportNote {
    pub async fn insert(conn: &mut DbConn, report: i64, author: ActorId, content: &str) -> DbResult<ReportNote> {
        dispatch!(conn, c => diesel::insert_into(report_note::table)
            .values((
                report_note::report_id.eq(report),
                report_note::author_id.eq(author),
                report_note::content.eq(content),
                report_note::created_at.eq(now()),
            ))
            .returning(ReportNote::as_returning())
            .get_result(c)
            .await)
        .map_err(Into::into)
    }

    pub async fn of_report(conn: &mut DbConn, report: i64) -> DbResult<Vec<ReportNote>> {
        dispatch!(conn, c => report_note::table
            .filter(report_note::report_id.eq(report))
            .order(report_note::id.asc())
            .select(ReportNote::as_select())
            .load(c)
            .await)
        .map_err(Into::into)
    }
}
