//! `group_profile`: what a group-like actor (neighbourhood, interest group, organisation) is
//! beyond its actor row — kind, who may join, who sees and who may post, status, the
//! neighbourhood it belongs to and a neighbourhood's boundary.

use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use super::actor::{Actor, ActorId};
use super::text_enum;
use crate::db::schema::{actor, group_profile};
use crate::db::{DbConn, DbResult};
use crate::dispatch;

diesel::define_sql_function! {
    /// SQL's `lower`, for searching names without regard to case on both backends.
    fn lower(x: diesel::sql_types::Text) -> diesel::sql_types::Text;
}

text_enum! {
    /// What a group is.
    pub enum GroupKind {
        /// A buurt or wijk, with a boundary; residents pick one as their home.
        Neighbourhood = "neighbourhood",
        /// People around a shared interest (a garden, a choir, a street).
        Interest = "interest",
        /// An association, business, care provider or the municipality: an `Organization` actor.
        Organisation = "organisation",
    }
}

text_enum! {
    /// What kind of organisation an organisation is (`org_type`).
    pub enum OrgType {
        /// A club, foundation or residents' association.
        Association = "association",
        Business = "business",
        /// Home care, a GP practice, a community nurse.
        CareProvider = "care_provider",
        /// The municipality itself.
        Municipality = "municipality",
        Other = "other",
    }
}

text_enum! {
    /// Who may join.
    pub enum Openness {
        Open = "open",
        /// A group moderator accepts each request.
        Approval = "approval",
        /// Only people invited by a moderator.
        Invite = "invite",
    }
}

text_enum! {
    /// Who sees the group's discussions.
    pub enum ContentVisibility {
        Public = "public",
        /// Members only: never shown to others, delivered only to members' servers.
        Members = "members",
    }
}

text_enum! {
    /// Who may start threads and reply.
    pub enum Posting {
        Members = "members",
        Anyone = "anyone",
        /// `postingRestrictedToMods`.
        Moderators = "moderators",
    }
}

text_enum! {
    pub enum GroupStatus {
        Active = "active",
        /// Created by a resident where a site moderator approves new groups.
        Pending = "pending",
        /// Kept for reading; nobody joins or posts.
        Archived = "archived",
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = group_profile)]
pub struct GroupProfile {
    pub actor_id: ActorId,
    pub kind: String,
    pub openness: String,
    pub content: String,
    pub posting: String,
    pub status: String,
    pub neighbourhood_id: Option<ActorId>,
    pub boundary: Option<String>,
    pub code: Option<String>,
    pub members_url: Option<String>,
    pub created_by: Option<ActorId>,
    pub created_at: chrono::NaiveDateTime,
    pub updated_at: chrono::NaiveDateTime,
    /// An organisation's [`OrgType`]; `None` for other kinds.
    pub org_type: Option<String>,
}

impl GroupProfile {
    /// Unknown text in a column (never written by this code) reads as the most closed choice.
    pub fn kind(&self) -> GroupKind {
        GroupKind::parse(&self.kind).unwrap_or(GroupKind::Interest)
    }
    pub fn openness(&self) -> Openness {
        Openness::parse(&self.openness).unwrap_or(Openness::Invite)
    }
    pub fn content(&self) -> ContentVisibility {
        ContentVisibility::parse(&self.content).unwrap_or(ContentVisibility::Members)
    }
    pub fn posting(&self) -> Posting {
        Posting::parse(&self.posting).unwrap_or(Posting::Moderators)
    }
    pub fn status(&self) -> GroupStatus {
        GroupStatus::parse(&self.status).unwrap_or(GroupStatus::Archived)
    }
    /// An organisation's type (unknown text reads as `other`); `None` for other kinds.
    pub fn org_type(&self) -> Option<OrgType> {
        (self.kind() == GroupKind::Organisation)
            .then(|| self.org_type.as_deref().and_then(OrgType::parse).unwrap_or(OrgType::Other))
    }

    pub async fn insert(conn: &mut DbConn, row: &GroupProfile) -> DbResult<()> {
        dispatch!(conn, c => diesel::insert_into(group_profile::table).values(row).execute(c).await)?;
        Ok(())
    }

    /// Writes every column of the row (by its actor).
    pub async fn save(conn: &mut DbConn, row: &GroupProfile) -> DbResult<()> {
        dispatch!(conn, c => diesel::update(group_profile::table.find(row.actor_id)).set(row).execute(c).await)?;
        Ok(())
    }

    pub async fn of(conn: &mut DbConn, actor: ActorId) -> DbResult<Option<GroupProfile>> {
        dispatch!(conn, c => group_profile::table
            .find(actor)
            .select(GroupProfile::as_select())
            .first(c)
            .await
            .optional())
        .map_err(Into::into)
    }

    /// The groups that are not active (waiting for approval): few, left out of lists.
    pub async fn pending_ids(conn: &mut DbConn) -> DbResult<std::collections::HashSet<ActorId>> {
        let ids: Vec<ActorId> = dispatch!(conn, c => group_profile::table
            .filter(group_profile::status.eq(GroupStatus::Pending.as_str()))
            .select(group_profile::actor_id)
            .load(c)
            .await)?;
        Ok(ids.into_iter().collect())
    }

    pub async fn by_code(conn: &mut DbConn, code: &str) -> DbResult<Option<GroupProfile>> {
        dispatch!(conn, c => group_profile::table
            .filter(group_profile::code.eq(code))
            .select(GroupProfile::as_select())
            .first(c)
            .await
            .optional())
        .map_err(Into::into)
    }

    /// Local groups for the directory, by name: of `kind` and in `neighbourhood` when given,
    /// whose name or handle contains `search`, active (or also pending and archived for staff).
    pub async fn directory(conn: &mut DbConn, q: &DirectoryQuery<'_>) -> DbResult<Vec<(Actor, GroupProfile)>> {
        let pattern = q
            .search
            .map(|s| s.trim().to_lowercase().replace(['%', '_', '\\'], ""))
            .filter(|s| !s.is_empty())
            .map(|s| format!("%{s}%"));
        // A boxed query is bound to one backend: it is built inside each branch.
        macro_rules! directory_query {
            () => {{
                let mut query = group_profile::table
                    .inner_join(actor::table.on(actor::id.eq(group_profile::actor_id)))
                    .filter(actor::local.eq(true))
                    .filter(actor::deleted.eq(false))
                    .select((Actor::as_select(), GroupProfile::as_select()))
                    .order((actor::name_key.asc(), actor::id.asc()))
                    .limit(q.limit)
                    .offset(q.offset)
                    .into_boxed();
                if let Some(kind) = q.kind {
                    query = query.filter(group_profile::kind.eq(kind.as_str()));
                }
                if let Some(n) = q.neighbourhood {
                    query = query.filter(group_profile::neighbourhood_id.eq(n));
                }
                if !q.all_statuses {
                    query = query.filter(group_profile::status.eq(GroupStatus::Active.as_str()));
                }
                if let Some(p) = &pattern {
                    query =
                        query.filter(actor::name_key.like(p.clone()).or(lower(actor::display_name).like(p.clone())));
                }
                query
            }};
        }
        dispatch!(conn, c => directory_query!().load(c).await).map_err(Into::into)
    }
}

/// What the group directory asks for.
#[derive(Debug, Clone, Default)]
pub struct DirectoryQuery<'a> {
    pub kind: Option<GroupKind>,
    pub neighbourhood: Option<ActorId>,
    pub search: Option<&'a str>,
    pub all_statuses: bool,
    pub limit: i64,
    pub offset: i64,
}
