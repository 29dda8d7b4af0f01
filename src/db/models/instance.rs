//! Other servers, one row per host, with what staff decided about each (its policy).

use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use super::actor::ActorId;
use crate::db::schema::{actor, delivery, delivery_target, instance, remote_actor_block};
use crate::db::{DbConn, DbResult, now};
use crate::dispatch;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = instance)]
pub struct Instance {
    pub id: i64,
    pub domain: String,
    pub software: Option<String>,
    pub version: Option<String>,
    pub created_at: chrono::NaiveDateTime,
    pub updated_at: chrono::NaiveDateTime,
    /// `none`, `silence` (limited) or `suspend` (blocked): [`Severity`].
    pub severity: String,
    pub reject_media: bool,
    pub reject_reports: bool,
    /// Shown on the public list of limited and blocked instances.
    pub public_comment: String,
    /// Seen by staff only.
    pub private_comment: String,
    /// The public list shows the domain partly hidden.
    pub obfuscate: bool,
    /// On the allow-list (`federation.allow_list_mode`).
    pub allowed: bool,
    pub policy_updated_at: Option<chrono::NaiveDateTime>,
}

/// How far an instance is cut off, in Mastodon's words.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Nothing but the flags (`reject_media`, `reject_reports`).
    #[default]
    None,
    /// Limited: its posts reach only its followers here, its mentions notify only them.
    Silence,
    /// Blocked (defederated): nothing is taken from or sent to it, its content is hidden.
    Suspend,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::None => "none",
            Severity::Silence => "silence",
            Severity::Suspend => "suspend",
        }
    }

    /// Also Mastodon's CSV spelling `noop` for none.
    pub fn parse(s: &str) -> Option<Severity> {
        match s {
            "none" | "noop" => Some(Severity::None),
            "silence" => Some(Severity::Silence),
            "suspend" => Some(Severity::Suspend),
            _ => None,
        }
    }
}

/// What staff set about an instance.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Policy {
    pub severity: Severity,
    pub reject_media: bool,
    pub reject_reports: bool,
    pub public_comment: String,
    pub private_comment: String,
    pub obfuscate: bool,
}

impl Policy {
    /// Whether it changes anything (else the instance has no policy).
    pub fn is_set(&self) -> bool {
        self.severity != Severity::None || self.reject_media || self.reject_reports
    }
}

/// An instance with its delivery state and how many of our people follow or are followed by
/// its actors: a line of the federation overview.
#[derive(Debug, Clone)]
pub struct InstanceStatus {
    pub instance: Instance,
    /// Deliveries waiting for it.
    pub pending: i64,
    /// Failed attempts since its last success.
    pub failures: i32,
    /// Given up after days of failure, until it shows life.
    pub dead: bool,
    pub last_success_at: Option<chrono::NaiveDateTime>,
    /// Its actors that follow someone here.
    pub followers: i64,
    /// Its actors followed by someone here.
    pub following: i64,
}

impl Instance {
    pub fn severity(&self) -> Severity {
        Severity::parse(&self.severity).unwrap_or_default()
    }

    pub fn policy(&self) -> Policy {
        Policy {
            severity: self.severity(),
            reject_media: self.reject_media,
            reject_reports: self.reject_reports,
            public_comment: self.public_comment.clone(),
            private_comment: self.private_comment.clone(),
            obfuscate: self.obfuscate,
        }
    }

    /// The row for `domain` (host, with port when not the default), made when first seen.
    pub async fn get_or_create(conn: &mut DbConn, domain: &str) -> DbResult<Instance> {
        let t = now();
        let row = (instance::domain.eq(domain), instance::created_at.eq(t), instance::updated_at.eq(t));
        dispatch!(conn, c => {
            diesel::insert_into(instance::table).values(row).on_conflict(instance::domain).do_nothing().execute(c).await?;
            instance::table.filter(instance::domain.eq(domain)).select(Instance::as_select()).first(c).await
        })
        .map_err(Into::into)
    }

    pub async fn by_domain(conn: &mut DbConn, domain: &str) -> DbResult<Option<Instance>> {
        dispatch!(conn, c => instance::table
            .filter(instance::domain.eq(domain))
            .select(Instance::as_select())
            .first(c)
            .await
            .optional())
        .map_err(Into::into)
    }

    /// What a server runs, as its NodeInfo says.
    pub async fn set_software(conn: &mut DbConn, domain: &str, software: &str, version: Option<&str>) -> DbResult<()> {
        let form = (instance::software.eq(software), instance::version.eq(version), instance::updated_at.eq(now()));
        dispatch!(conn, c => diesel::update(instance::table.filter(instance::domain.eq(domain))).set(form).execute(c).await)?;
        Ok(())
    }

    /// How many other servers we know and have not blocked (NodeInfo and the instance API
    /// report it; an imported block list adds rows for servers we never talked to).
    pub async fn count(conn: &mut DbConn) -> DbResult<i64> {
        dispatch!(conn, c => instance::table
            .filter(instance::severity.ne(Severity::Suspend.as_str()))
            .count()
            .get_result(c)
            .await)
        .map_err(Into::into)
    }

    /// Stores the policy of an instance (made when unknown).
    pub async fn set_policy(conn: &mut DbConn, domain: &str, policy: &Policy) -> DbResult<Instance> {
        let row = Instance::get_or_create(conn, domain).await?;
        let form = (
            instance::severity.eq(policy.severity.as_str()),
            instance::reject_media.eq(policy.reject_media),
            instance::reject_reports.eq(policy.reject_reports),
            instance::public_comment.eq(&policy.public_comment),
            instance::private_comment.eq(&policy.private_comment),
            instance::obfuscate.eq(policy.obfuscate),
            instance::policy_updated_at.eq(Some(now())),
        );
        dispatch!(conn, c => diesel::update(instance::table.find(row.id)).set(form).execute(c).await)?;
        Ok(Instance { ..Instance::by_domain(conn, domain).await?.unwrap_or(row) })
    }

    /// Puts an instance on the allow-list or takes it off.
    pub async fn set_allowed(conn: &mut DbConn, domain: &str, allowed: bool) -> DbResult<Instance> {
        let row = Instance::get_or_create(conn, domain).await?;
        let form = (instance::allowed.eq(allowed), instance::policy_updated_at.eq(Some(now())));
        dispatch!(conn, c => diesel::update(instance::table.find(row.id)).set(form).execute(c).await)?;
        Ok(Instance { allowed, ..row })
    }

    /// Instances with a policy or on the allow-list, by domain: what is loaded into memory at
    /// start-up, listed publicly and exported.
    pub async fn with_policy(conn: &mut DbConn) -> DbResult<Vec<Instance>> {
        dispatch!(conn, c => instance::table
            .filter(
                instance::severity
                    .ne(Severity::None.as_str())
                    .or(instance::reject_media.eq(true))
                    .or(instance::reject_reports.eq(true))
                    .or(instance::allowed.eq(true)),
            )
            .order(instance::domain.asc())
            .select(Instance::as_select())
            .load(c)
            .await)
        .map_err(Into::into)
    }

    /// A page of instances by domain (after `after`), with their delivery state and follows:
    /// the federation overview. `search` narrows to domains containing it.
    pub async fn statuses(
        conn: &mut DbConn,
        search: &str,
        after: Option<&str>,
        limit: i64,
    ) -> DbResult<Vec<InstanceStatus>> {
        let pattern = format!("%{}%", search.replace(['%', '_'], ""));
        let after = after.unwrap_or("").to_string();
        let rows: Vec<Instance> = dispatch!(conn, c => instance::table
            .filter(instance::domain.like(pattern.clone()))
            .filter(instance::domain.gt(after.clone()))
            .order(instance::domain.asc())
            .limit(limit)
            .select(Instance::as_select())
            .load(c)
            .await)?;
        Instance::with_statuses(conn, rows).await
    }

    /// One instance with its delivery state and follows.
    pub async fn status(conn: &mut DbConn, domain: &str) -> DbResult<Option<InstanceStatus>> {
        let Some(row) = Instance::by_domain(conn, domain).await? else { return Ok(None) };
        Ok(Instance::with_statuses(conn, vec![row]).await?.pop())
    }

    async fn with_statuses(conn: &mut DbConn, rows: Vec<Instance>) -> DbResult<Vec<InstanceStatus>> {
        let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
        let pending: Vec<(i64, i64)> = dispatch!(conn, c => delivery::table
            .filter(delivery::instance_id.eq_any(ids.clone()))
            .group_by(delivery::instance_id)
            .select((delivery::instance_id, diesel::dsl::count_star()))
            .load(c)
            .await)?;
        type Target = (i64, String, i32, Option<chrono::NaiveDateTime>);
        let targets: Vec<Target> = dispatch!(conn, c => delivery_target::table
            .filter(delivery_target::instance_id.eq_any(ids.clone()))
            .select((
                delivery_target::instance_id,
                delivery_target::state,
                delivery_target::fail_count,
                delivery_target::last_success_at,
            ))
            .load(c)
            .await)?;
        let follows = super::follow::Follow::counts_by_instance(conn, &ids).await?;
        let pending: std::collections::HashMap<i64, i64> = pending.into_iter().collect();
        let targets: std::collections::HashMap<i64, Target> = targets.into_iter().map(|t| (t.0, t)).collect();
        Ok(rows
            .into_iter()
            .map(|instance| {
                let target = targets.get(&instance.id);
                let (followers, following) = follows.get(&instance.id).copied().unwrap_or_default();
                InstanceStatus {
                    pending: pending.get(&instance.id).copied().unwrap_or_default(),
                    failures: target.map_or(0, |t| t.2),
                    dead: target.is_some_and(|t| t.1 == "dead"),
                    last_success_at: target.and_then(|t| t.3),
                    followers,
                    following,
                    instance,
                }
            })
            .collect())
    }

    /// The ids of the instance named `domain` and of those under it (`social.domain`).
    pub async fn ids_within(conn: &mut DbConn, domain: &str) -> DbResult<Vec<i64>> {
        let under = format!("%.{}", domain.replace(['%', '_'], ""));
        dispatch!(conn, c => instance::table
            .filter(instance::domain.eq(domain).or(instance::domain.like(under.clone())))
            .select(instance::id)
            .load(c)
            .await)
        .map_err(Into::into)
    }

    /// Of `authors`, those whose posts a policy hides: blocked (their instance is suspended, or
    /// they are blocked themselves) or limited (their instance is silenced).
    pub async fn restricted_authors(
        conn: &mut DbConn,
        authors: &[ActorId],
    ) -> DbResult<std::collections::HashMap<ActorId, Severity>> {
        if authors.is_empty() {
            return Ok(std::collections::HashMap::new());
        }
        let ids = authors.to_vec();
        let rows: Vec<(ActorId, Option<String>, Option<i64>)> = dispatch!(conn, c => actor::table
            .left_join(instance::table.on(actor::instance_id.eq(instance::id.nullable())))
            .left_join(remote_actor_block::table.on(remote_actor_block::actor_id.eq(actor::id)))
            .filter(actor::id.eq_any(ids.clone()))
            .filter(actor::local.eq(false))
            .filter(
                instance::severity
                    .nullable()
                    .ne(Severity::None.as_str())
                    .or(remote_actor_block::actor_id.nullable().is_not_null()),
            )
            .select((actor::id, instance::severity.nullable(), remote_actor_block::actor_id.nullable()))
            .load(c)
            .await)?;
        Ok(rows
            .into_iter()
            .map(|(actor, severity, blocked)| {
                let severity = if blocked.is_some() {
                    Severity::Suspend
                } else {
                    severity.as_deref().and_then(Severity::parse).unwrap_or_default()
                };
                (actor, severity)
            })
            .filter(|(_, severity)| *severity != Severity::None)
            .collect())
    }
}
