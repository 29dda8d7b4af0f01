//! `group_profile`: what a group-like actor (neighbourhood, interest group, organisation) is
//! beyond its actor row — kind, who may join, who sees and who may post, status, the
//! neighbourhood it belongs to and a neighbourhood's boundary.

use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use super::actor::{Actor, ActorId};
use super::text_enum;
use crate::db::schema::{actor, group_profile};
use crate::db::{DbConn, DbResult, contains_pattern, lower};
use crate::dispatch;

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

    /// Local groups for the directory, by name: of `kind` and in `neighbourhood` when given,
    /// whose name or handle contains `search`, active (or also pending and archived for staff).
    pub async fn directory(conn: &mut DbConn, q: &DirectoryQuery<'_>) -> DbResult<Vec<(Actor, GroupProfile)>> {
        let pattern = q.search.and_then(contains_pattern);
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

/// Neighbourhoods: the local groups of kind `neighbourhood`, their boundaries and who lives
/// in them.
impl GroupProfile {
    /// The local, active neighbourhoods by name, with their codes (not their boundaries).
    pub async fn neighbourhoods(conn: &mut DbConn) -> DbResult<Vec<(Actor, Option<String>)>> {
        dispatch!(conn, c => group_profile::table
            .inner_join(actor::table.on(actor::id.eq(group_profile::actor_id)))
            .filter(actor::local.eq(true))
            .filter(actor::deleted.eq(false))
            .filter(group_profile::kind.eq(GroupKind::Neighbourhood.as_str()))
            .filter(group_profile::status.eq(GroupStatus::Active.as_str()))
            .select((Actor::as_select(), group_profile::code))
            .order((actor::name_key.asc(), actor::id.asc()))
            .load(c)
            .await)
        .map_err(Into::into)
    }

    /// The boundary of every local, active neighbourhood that has one: `(actor, GeoJSON)`.
    pub async fn boundaries(conn: &mut DbConn) -> DbResult<Vec<(ActorId, String)>> {
        let rows: Vec<(ActorId, Option<String>)> = dispatch!(conn, c => group_profile::table
            .inner_join(actor::table.on(actor::id.eq(group_profile::actor_id)))
            .filter(actor::local.eq(true))
            .filter(actor::deleted.eq(false))
            .filter(group_profile::kind.eq(GroupKind::Neighbourhood.as_str()))
            .filter(group_profile::status.eq(GroupStatus::Active.as_str()))
            .filter(group_profile::boundary.is_not_null())
            .select((group_profile::actor_id, group_profile::boundary))
            .order(group_profile::actor_id.asc())
            .load(c)
            .await)?;
        Ok(rows.into_iter().filter_map(|(id, b)| b.map(|b| (id, b))).collect())
    }

    /// A neighbourhood (any status) by its import code.
    pub async fn neighbourhood_by_code(conn: &mut DbConn, code: &str) -> DbResult<Option<GroupProfile>> {
        dispatch!(conn, c => group_profile::table
            .filter(group_profile::kind.eq(GroupKind::Neighbourhood.as_str()))
            .filter(group_profile::code.eq(code))
            .select(GroupProfile::as_select())
            .first(c)
            .await
            .optional())
        .map_err(Into::into)
    }

    /// How many active local groups belong to each neighbourhood.
    pub async fn group_counts(conn: &mut DbConn) -> DbResult<std::collections::HashMap<ActorId, i64>> {
        let rows: Vec<(Option<ActorId>, i64)> = dispatch!(conn, c => group_profile::table
            .filter(group_profile::neighbourhood_id.is_not_null())
            .filter(group_profile::status.eq(GroupStatus::Active.as_str()))
            .group_by(group_profile::neighbourhood_id)
            .select((group_profile::neighbourhood_id, diesel::dsl::count_star()))
            .load(c)
            .await)?;
        Ok(rows.into_iter().filter_map(|(id, n)| id.map(|id| (id, n))).collect())
    }

    /// How many residents picked each neighbourhood as their home.
    pub async fn resident_counts(conn: &mut DbConn) -> DbResult<std::collections::HashMap<ActorId, i64>> {
        use crate::db::schema::local_user;
        let rows: Vec<(Option<ActorId>, i64)> = dispatch!(conn, c => local_user::table
            .filter(local_user::home_neighbourhood_id.is_not_null())
            .group_by(local_user::home_neighbourhood_id)
            .select((local_user::home_neighbourhood_id, diesel::dsl::count_star()))
            .load(c)
            .await)?;
        Ok(rows.into_iter().filter_map(|(id, n)| id.map(|id| (id, n))).collect())
    }

    /// How many residents picked `neighbourhood` as their home.
    pub async fn residents(conn: &mut DbConn, neighbourhood: ActorId) -> DbResult<i64> {
        use crate::db::schema::local_user;
        dispatch!(conn, c => local_user::table
            .filter(local_user::home_neighbourhood_id.eq(neighbourhood))
            .count()
            .get_result(c)
            .await)
        .map_err(Into::into)
    }

    /// Sets (or, with `None`, clears) the home neighbourhood of the person with this actor.
    pub async fn set_home(conn: &mut DbConn, person: ActorId, neighbourhood: Option<ActorId>) -> DbResult<()> {
        use crate::db::schema::local_user;
        dispatch!(conn, c => diesel::update(local_user::table.filter(local_user::actor_id.eq(person)))
            .set(local_user::home_neighbourhood_id.eq(neighbourhood))
            .execute(c)
            .await)?;
        Ok(())
    }
}

impl GroupProfile {
    /// The profiles of the groups `ids` that have one, in one query.
    pub async fn of_many(conn: &mut DbConn, ids: &[ActorId]) -> DbResult<Vec<GroupProfile>> {
        dispatch!(conn, c => group_profile::table
            .filter(group_profile::actor_id.eq_any(ids))
            .select(GroupProfile::as_select())
            .load(c)
            .await)
        .map_err(Into::into)
    }
}

impl GroupProfile {
    /// Whether the instance has any active neighbourhood (one index lookup).
    pub async fn has_neighbourhoods(conn: &mut DbConn) -> DbResult<bool> {
        let found: Option<ActorId> = dispatch!(conn, c => group_profile::table
            .filter(group_profile::kind.eq(GroupKind::Neighbourhood.as_str()))
            .filter(group_profile::status.eq(GroupStatus::Active.as_str()))
            .select(group_profile::actor_id)
            .first(c)
            .await
            .optional())?;
        Ok(found.is_some())
    }
}
