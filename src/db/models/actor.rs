//! Actors: local and remote persons, groups, the instance itself and other remote actors.

use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use diesel_derive_newtype::DieselNewType;

use crate::db::schema::actor;
use crate::db::{DbConn, DbResult};
use crate::dispatch;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, DieselNewType, serde::Serialize, serde::Deserialize)]
pub struct ActorId(pub i64);

/// What kind of actor a row is (the `kind` column).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActorKind {
    Person,
    Group,
    /// The instance actor of a server (ours or another).
    Application,
    Organization,
    Service,
    /// One of our events: an actor so that people can follow it for its news.
    Event,
}

impl ActorKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ActorKind::Person => "person",
            ActorKind::Group => "group",
            ActorKind::Application => "application",
            ActorKind::Organization => "organization",
            ActorKind::Service => "service",
            ActorKind::Event => "event",
        }
    }
    pub fn parse(s: &str) -> Option<ActorKind> {
        match s {
            "person" => Some(ActorKind::Person),
            "group" => Some(ActorKind::Group),
            "application" => Some(ActorKind::Application),
            "organization" => Some(ActorKind::Organization),
            "service" => Some(ActorKind::Service),
            "event" => Some(ActorKind::Event),
            _ => None,
        }
    }
    /// The ActivityStreams type name.
    pub fn ap_type(self) -> &'static str {
        match self {
            ActorKind::Person => "Person",
            ActorKind::Group => "Group",
            ActorKind::Application => "Application",
            ActorKind::Organization => "Organization",
            ActorKind::Service => "Service",
            ActorKind::Event => "Event",
        }
    }
    /// Groups and organisations: actors with members, under `/g/`.
    pub fn is_group(self) -> bool {
        matches!(self, ActorKind::Group | ActorKind::Organization)
    }
    /// The `actor.kind` values a query for actors of this kind matches: asking for groups
    /// also finds organisations.
    pub fn stored_as(self) -> Vec<&'static str> {
        if self == ActorKind::Group { vec!["group", "organization"] } else { vec![self.as_str()] }
    }
    /// The kind a URL names (`/g/` or `/u/`): an organisation lives where groups do.
    pub fn family(self) -> ActorKind {
        if self.is_group() { ActorKind::Group } else { self }
    }
    pub fn from_ap_type(s: &str) -> Option<ActorKind> {
        match s {
            "Person" => Some(ActorKind::Person),
            "Group" => Some(ActorKind::Group),
            "Application" => Some(ActorKind::Application),
            "Organization" => Some(ActorKind::Organization),
            "Service" => Some(ActorKind::Service),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = actor)]
pub struct Actor {
    pub id: ActorId,
    pub ap_id: String,
    pub kind: String,
    pub username: String,
    pub name_key: String,
    pub domain: String,
    pub display_name: String,
    pub summary: String,
    pub url: Option<String>,
    pub icon_url: Option<String>,
    pub inbox_url: String,
    pub shared_inbox_url: Option<String>,
    pub outbox_url: Option<String>,
    pub followers_url: Option<String>,
    pub public_key: Option<String>,
    pub private_key: Option<String>,
    pub manually_approves_followers: bool,
    pub discoverable: bool,
    pub local: bool,
    pub deleted: bool,
    pub instance_id: Option<i64>,
    pub published: chrono::NaiveDateTime,
    pub updated_at: chrono::NaiveDateTime,
    pub last_fetched_at: Option<chrono::NaiveDateTime>,
    /// The header image.
    pub image_url: Option<String>,
    /// Where a group meets (see `place`).
    pub place_id: Option<i64>,
    /// Silenced by a moderator: their posts are in no one's lists but their followers'.
    pub silenced_at: Option<chrono::NaiveDateTime>,
    /// Suspended by a moderator: their posts are seen by moderators only.
    pub suspended_at: Option<chrono::NaiveDateTime>,
    /// A verified organisation: staff checked that it is who it says it is.
    pub verified_at: Option<chrono::NaiveDateTime>,
    pub verified_by: Option<ActorId>,
}

impl Actor {
    /// Unknown text (never written by this code) reads as a person.
    pub fn kind(&self) -> ActorKind {
        ActorKind::parse(&self.kind).unwrap_or(ActorKind::Person)
    }

    /// How the actor is named in sentences (notifications, mails, push): its display name as
    /// plain text (other servers send HTML there), or its username when it has none.
    pub fn shown_name(&self) -> String {
        let name = self.display_name.trim();
        if name.is_empty() { self.username.clone() } else { crate::util::html::plain_text(name) }
    }
}

#[derive(Debug, Clone, Insertable, AsChangeset)]
#[diesel(table_name = actor)]
pub struct ActorInsert {
    pub ap_id: String,
    pub kind: String,
    pub username: String,
    pub name_key: String,
    pub domain: String,
    pub display_name: String,
    pub summary: String,
    pub url: Option<String>,
    pub icon_url: Option<String>,
    pub inbox_url: String,
    pub shared_inbox_url: Option<String>,
    pub outbox_url: Option<String>,
    pub followers_url: Option<String>,
    pub public_key: Option<String>,
    pub manually_approves_followers: bool,
    pub discoverable: bool,
    pub local: bool,
    pub deleted: bool,
    pub instance_id: Option<i64>,
    pub published: chrono::NaiveDateTime,
    pub updated_at: chrono::NaiveDateTime,
    pub last_fetched_at: Option<chrono::NaiveDateTime>,
    pub image_url: Option<String>,
}

#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = actor)]
pub struct ActorUpdate<'a> {
    pub display_name: Option<&'a str>,
    pub summary: Option<&'a str>,
    pub private_key: Option<Option<&'a str>>,
    pub public_key: Option<Option<&'a str>>,
    pub deleted: Option<bool>,
    pub icon_url: Option<Option<&'a str>>,
    pub image_url: Option<Option<&'a str>>,
    pub updated_at: Option<chrono::NaiveDateTime>,
    pub silenced_at: Option<Option<chrono::NaiveDateTime>>,
    pub suspended_at: Option<Option<chrono::NaiveDateTime>>,
    pub verified_at: Option<Option<chrono::NaiveDateTime>>,
    pub verified_by: Option<Option<ActorId>>,
}

impl Actor {
    pub async fn insert(conn: &mut DbConn, form: &ActorInsert) -> DbResult<Actor> {
        dispatch!(conn, c => diesel::insert_into(actor::table).values(form).returning(Actor::as_returning()).get_result(c).await)
            .map_err(Into::into)
    }

    /// Inserts a remote actor or refreshes the stored copy, by `ap_id`.
    pub async fn upsert(conn: &mut DbConn, form: &ActorInsert) -> DbResult<Actor> {
        dispatch!(conn, c => diesel::insert_into(actor::table)
            .values(form)
            .on_conflict(actor::ap_id)
            .do_update()
            .set(form)
            .returning(Actor::as_returning())
            .get_result(c)
            .await)
        .map_err(Into::into)
    }

    pub async fn update(conn: &mut DbConn, id: ActorId, form: &ActorUpdate<'_>) -> DbResult<()> {
        dispatch!(conn, c => diesel::update(actor::table.find(id)).set(form).execute(c).await)?;
        Ok(())
    }

    /// Stores a key pair unless the actor has one already; returns whether it was stored.
    pub async fn set_keys_once(conn: &mut DbConn, id: ActorId, public_key: &str, private_key: &str) -> DbResult<bool> {
        let n = dispatch!(conn, c => diesel::update(actor::table.find(id).filter(actor::private_key.is_null()))
            .set((actor::public_key.eq(public_key), actor::private_key.eq(private_key)))
            .execute(c)
            .await)?;
        Ok(n > 0)
    }

    pub async fn delete(conn: &mut DbConn, id: ActorId) -> DbResult<()> {
        dispatch!(conn, c => diesel::delete(actor::table.find(id)).execute(c).await)?;
        Ok(())
    }

    pub async fn by_id(conn: &mut DbConn, id: ActorId) -> DbResult<Option<Actor>> {
        dispatch!(conn, c => actor::table.find(id).select(Actor::as_select()).first(c).await.optional())
            .map_err(Into::into)
    }

    /// The actors of `ids` that exist, in one query.
    pub async fn by_ids(conn: &mut DbConn, ids: &[ActorId]) -> DbResult<Vec<Actor>> {
        dispatch!(conn, c => actor::table.filter(actor::id.eq_any(ids)).select(Actor::as_select()).load(c).await)
            .map_err(Into::into)
    }

    pub async fn by_ap_id(conn: &mut DbConn, ap_id: &str) -> DbResult<Option<Actor>> {
        dispatch!(conn, c => actor::table.filter(actor::ap_id.eq(ap_id)).select(Actor::as_select()).first(c).await.optional())
            .map_err(Into::into)
    }

    /// Whether any of `ap_ids` is a local actor that was not deleted (one statement).
    pub async fn any_local(conn: &mut DbConn, ap_ids: &[String]) -> DbResult<bool> {
        if ap_ids.is_empty() {
            return Ok(false);
        }
        // The rows by their unique ids, checked here: the plan cannot turn into a scan of
        // all actors, as an EXISTS with `local` and `deleted` as parameters can on PostgreSQL.
        let ids = ap_ids.to_vec();
        let found: Vec<(bool, bool)> = dispatch!(conn, c => actor::table
            .filter(actor::ap_id.eq_any(ids.clone()))
            .select((actor::local, actor::deleted))
            .load(c)
            .await)?;
        Ok(found.iter().any(|&(local, deleted)| local && !deleted))
    }

    /// The local people (not deleted) among `ap_ids`, in one statement.
    pub async fn local_people(conn: &mut DbConn, ap_ids: &[String]) -> DbResult<Vec<ActorId>> {
        if ap_ids.is_empty() {
            return Ok(Vec::new());
        }
        let ids = ap_ids.to_vec();
        let found: Vec<(ActorId, bool, bool, String)> = dispatch!(conn, c => actor::table
            .filter(actor::ap_id.eq_any(ids.clone()))
            .select((actor::id, actor::local, actor::deleted, actor::kind))
            .load(c)
            .await)?;
        Ok(found
            .into_iter()
            .filter(|(_, local, deleted, kind)| *local && !*deleted && kind == ActorKind::Person.as_str())
            .map(|(id, ..)| id)
            .collect())
    }

    /// The actor `@name@domain`, any case of name.
    pub async fn by_name(conn: &mut DbConn, name: &str, domain: &str) -> DbResult<Option<Actor>> {
        let key = name.to_lowercase();
        dispatch!(conn, c => actor::table
            .filter(actor::name_key.eq(&key))
            .filter(actor::domain.eq(domain))
            .select(Actor::as_select())
            .first(c)
            .await
            .optional())
        .map_err(Into::into)
    }

    /// Local actors of a kind, newest first.
    pub async fn list_local(conn: &mut DbConn, kind: ActorKind, limit: i64) -> DbResult<Vec<Actor>> {
        dispatch!(conn, c => actor::table
            .filter(actor::local.eq(true))
            .filter(actor::deleted.eq(false))
            .filter(actor::kind.eq_any(kind.stored_as()))
            .order(actor::id.desc())
            .limit(limit)
            .select(Actor::as_select())
            .load(c)
            .await)
        .map_err(Into::into)
    }

    pub async fn count_local(conn: &mut DbConn, kind: ActorKind) -> DbResult<i64> {
        dispatch!(conn, c => actor::table
            .filter(actor::local.eq(true))
            .filter(actor::deleted.eq(false))
            .filter(actor::kind.eq_any(kind.stored_as()))
            .count()
            .get_result(c)
            .await)
        .map_err(Into::into)
    }
}

/// Where to deliver to actors, from their `(inbox, shared inbox, instance)`: the shared inbox
/// where there is one, each once, sorted; actors without an instance (local ones) left out.
pub fn delivery_inboxes(rows: Vec<(String, Option<String>, Option<i64>)>) -> Vec<(String, i64)> {
    let mut out: Vec<(String, i64)> =
        rows.into_iter().filter_map(|(inbox, shared, instance)| Some((shared.unwrap_or(inbox), instance?))).collect();
    out.sort();
    out.dedup();
    out
}
