//! Local accounts: sign-in data, role and status of a person registered here.

use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use diesel_derive_newtype::DieselNewType;

use super::actor::{Actor, ActorId};
use crate::db::schema::{actor, local_user};
use crate::db::{DbConn, DbResult, contains_pattern, lower};
use crate::dispatch;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, DieselNewType, serde::Serialize, serde::Deserialize)]
pub struct LocalUserId(pub i64);

/// What an account may do on this instance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Role {
    Member,
    /// Buurtverbinder: moderates and welcomes.
    Moderator,
    Admin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Member => "member",
            Role::Moderator => "moderator",
            Role::Admin => "admin",
        }
    }
    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "member" => Some(Role::Member),
            "moderator" => Some(Role::Moderator),
            "admin" => Some(Role::Admin),
            _ => None,
        }
    }
}

/// Where an account stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Active,
    /// Registered in approval mode, waiting for an admin.
    Pending,
    Suspended,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Active => "active",
            Status::Pending => "pending",
            Status::Suspended => "suspended",
        }
    }
    pub fn parse(s: &str) -> Option<Status> {
        match s {
            "active" => Some(Status::Active),
            "pending" => Some(Status::Pending),
            "suspended" => Some(Status::Suspended),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = local_user)]
pub struct LocalUser {
    pub id: LocalUserId,
    pub actor_id: ActorId,
    pub email: String,
    pub password_hash: String,
    pub role: String,
    pub status: String,
    pub language: Option<String>,
    pub registration_reason: Option<String>,
    pub invite_id: Option<i64>,
    pub created_at: chrono::NaiveDateTime,
    pub updated_at: chrono::NaiveDateTime,
    pub last_login_at: Option<chrono::NaiveDateTime>,
    /// When the person followed a confirmation link to `email` (`None`: not confirmed).
    pub email_confirmed_at: Option<chrono::NaiveDateTime>,
    /// The neighbourhood (a group actor of kind neighbourhood) the person lives in.
    pub home_neighbourhood_id: Option<ActorId>,
}

impl LocalUser {
    /// Whether the address is confirmed. Mail other than confirmations and password resets goes
    /// only to confirmed addresses.
    pub fn email_confirmed(&self) -> bool {
        self.email_confirmed_at.is_some()
    }
    /// Unknown text in the column (never written by this code) counts as the least privilege.
    pub fn role(&self) -> Role {
        Role::parse(&self.role).unwrap_or(Role::Member)
    }
    pub fn status(&self) -> Status {
        Status::parse(&self.status).unwrap_or(Status::Suspended)
    }
}

#[derive(Debug, Insertable)]
#[diesel(table_name = local_user)]
pub struct LocalUserInsert<'a> {
    pub actor_id: ActorId,
    pub email: &'a str,
    pub password_hash: &'a str,
    pub role: &'a str,
    pub status: &'a str,
    pub language: Option<&'a str>,
    pub registration_reason: Option<&'a str>,
    pub invite_id: Option<i64>,
    pub created_at: chrono::NaiveDateTime,
    pub updated_at: chrono::NaiveDateTime,
    pub email_confirmed_at: Option<chrono::NaiveDateTime>,
}

/// `Option<Option<T>>`: outer `None` leaves the column alone, `Some(None)` sets NULL.
#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = local_user)]
pub struct LocalUserUpdate<'a> {
    pub email: Option<&'a str>,
    pub email_confirmed_at: Option<Option<chrono::NaiveDateTime>>,
    pub password_hash: Option<&'a str>,
    pub role: Option<&'a str>,
    pub status: Option<&'a str>,
    pub language: Option<Option<&'a str>>,
    pub updated_at: Option<chrono::NaiveDateTime>,
    pub last_login_at: Option<Option<chrono::NaiveDateTime>>,
}

/// An account with its actor.
#[derive(Debug, Clone, Queryable, Selectable)]
pub struct Account {
    #[diesel(embed)]
    pub user: LocalUser,
    #[diesel(embed)]
    pub actor: Actor,
}

impl LocalUser {
    pub async fn insert(conn: &mut DbConn, form: &LocalUserInsert<'_>) -> DbResult<LocalUser> {
        dispatch!(conn, c => diesel::insert_into(local_user::table).values(form).returning(LocalUser::as_returning()).get_result(c).await)
            .map_err(Into::into)
    }

    pub async fn update(conn: &mut DbConn, id: LocalUserId, form: &LocalUserUpdate<'_>) -> DbResult<()> {
        dispatch!(conn, c => diesel::update(local_user::table.find(id)).set(form).execute(c).await)?;
        Ok(())
    }

    pub async fn delete(conn: &mut DbConn, id: LocalUserId) -> DbResult<()> {
        dispatch!(conn, c => diesel::delete(local_user::table.find(id)).execute(c).await)?;
        Ok(())
    }

    pub async fn email_taken(conn: &mut DbConn, email_lower: &str) -> DbResult<bool> {
        let n: i64 = dispatch!(conn, c => local_user::table.filter(local_user::email.eq(email_lower)).count().get_result(c).await)?;
        Ok(n > 0)
    }

    /// Active accounts, optionally only those that signed in since `since`.
    pub async fn count_active_since(conn: &mut DbConn, since: Option<chrono::NaiveDateTime>) -> DbResult<i64> {
        dispatch!(conn, c => {
            let mut q = local_user::table.filter(local_user::status.eq(Status::Active.as_str())).into_boxed();
            if let Some(since) = since {
                q = q.filter(local_user::last_login_at.ge(since));
            }
            q.count().get_result(c).await
        })
        .map_err(Into::into)
    }

    pub async fn count(conn: &mut DbConn) -> DbResult<i64> {
        dispatch!(conn, c => local_user::table.count().get_result(c).await).map_err(Into::into)
    }
}

impl Account {
    pub async fn by_id(conn: &mut DbConn, id: LocalUserId) -> DbResult<Option<Account>> {
        dispatch!(conn, c => local_user::table
            .inner_join(actor::table)
            .filter(local_user::id.eq(id))
            .select(Account::as_select())
            .first(c)
            .await
            .optional())
        .map_err(Into::into)
    }

    /// The account of a local actor.
    pub async fn by_actor(conn: &mut DbConn, actor_id: ActorId) -> DbResult<Option<Account>> {
        dispatch!(conn, c => local_user::table
            .inner_join(actor::table)
            .filter(local_user::actor_id.eq(actor_id))
            .select(Account::as_select())
            .first(c)
            .await
            .optional())
        .map_err(Into::into)
    }

    /// Finds an account by username (any case) or e-mail address (stored lowercase).
    pub async fn by_login(conn: &mut DbConn, login: &str) -> DbResult<Option<Account>> {
        let lower = login.trim().to_lowercase();
        let by_email = lower.contains('@');
        dispatch!(conn, c => {
            let query = local_user::table
                .inner_join(actor::table)
                .filter(actor::local.eq(true))
                .select(Account::as_select())
                .into_boxed();
            let query = if by_email {
                query.filter(local_user::email.eq(&lower))
            } else {
                query.filter(actor::name_key.eq(&lower))
            };
            query.first(c).await.optional()
        })
        .map_err(Into::into)
    }

    pub async fn by_username(conn: &mut DbConn, name: &str) -> DbResult<Option<Account>> {
        match Self::by_login(conn, name).await? {
            Some(a) if a.actor.username.eq_ignore_ascii_case(name.trim()) => Ok(Some(a)),
            _ => Ok(None),
        }
    }

    /// Accounts for the admins' list, newest first, older than `before` (an account id): those
    /// whose handle, name or e-mail address contains `search`, of `role` when given. Deleted
    /// accounts are left out.
    pub async fn search(
        conn: &mut DbConn,
        search: &str,
        role: Option<Role>,
        before: Option<LocalUserId>,
        limit: i64,
    ) -> DbResult<Vec<Account>> {
        let pattern = contains_pattern(search);
        // A boxed query is bound to one backend: it is built inside each branch.
        macro_rules! search_query {
            () => {{
                let mut query = local_user::table
                    .inner_join(actor::table)
                    .filter(actor::deleted.eq(false))
                    .order(local_user::id.desc())
                    .limit(limit)
                    .select(Account::as_select())
                    .into_boxed();
                if let Some(role) = role {
                    query = query.filter(local_user::role.eq(role.as_str()));
                }
                if let Some(before) = before {
                    query = query.filter(local_user::id.lt(before));
                }
                if let Some(p) = &pattern {
                    query = query.filter(
                        actor::name_key
                            .like(p.clone())
                            .or(lower(actor::display_name).like(p.clone()))
                            .or(lower(local_user::email).like(p.clone())),
                    );
                }
                query
            }};
        }
        dispatch!(conn, c => search_query!().load(c).await).map_err(Into::into)
    }

    /// Accounts waiting for approval, oldest first.
    pub async fn pending(conn: &mut DbConn) -> DbResult<Vec<Account>> {
        dispatch!(conn, c => local_user::table
            .inner_join(actor::table)
            .filter(local_user::status.eq(Status::Pending.as_str()))
            .order(local_user::id.asc())
            .select(Account::as_select())
            .load(c)
            .await)
        .map_err(Into::into)
    }
}
