//! Instance-wide federation controls: a policy per remote server (limit, block, refuse media or
//! reports, allow in allow-list mode), blocking a remote actor, Mastodon's CSV block lists, and
//! what the federation status pages read. Staff only: site moderators see the status and block
//! remote actors; admins set server policies. Each change is stored, then the policy held in
//! memory ([`crate::federation_policy`]) is read again, so it holds at once.

pub mod csv;
pub mod visibility;

use crate::db::models::actor::{Actor, ActorId};
use crate::db::models::delivery as deliveries;
use crate::db::models::follow::Follow;
use crate::db::models::instance::{Instance, InstanceStatus, Policy, Severity};
use crate::db::models::local_user::{Account, Role, Status};
use crate::db::models::remote_actor_block::{self, RemoteActorBlock};
use crate::db::{DbConn, DbPool};
use crate::domain::validate::FieldErrors;
use crate::domain::{DomainError, DomainResult};
use crate::state::AppState;

/// Longest comment kept with a policy or a block.
pub const COMMENT_MAX: usize = 1_000;
/// Longest domain name (RFC 1035), with room for a port.
const DOMAIN_MAX: usize = 260;

/// Whether `account` is active with at least `role`.
pub fn require(account: &Account, role: Role) -> DomainResult<()> {
    if account.user.status() == Status::Active && account.user.role() >= role {
        Ok(())
    } else {
        Err(DomainError::Forbidden)
    }
}

/// A policy as a form or the API sends it.
#[derive(Debug, Clone, Default)]
pub struct PolicyInput {
    pub domain: String,
    /// `none`, `silence` or `suspend` (also `noop`).
    pub severity: String,
    pub reject_media: bool,
    pub reject_reports: bool,
    pub public_comment: String,
    pub private_comment: String,
    pub obfuscate: bool,
}

/// A domain as policies name it: lowercase host with an optional port, no scheme or path.
/// `None` when it is not one.
pub fn normalize_domain(input: &str) -> Option<String> {
    let domain = input.trim().trim_end_matches('.').to_ascii_lowercase();
    if domain.is_empty() || domain.len() > DOMAIN_MAX {
        return None;
    }
    let (host, port) = match domain.rsplit_once(':') {
        Some((host, port)) => (host, Some(port)),
        None => (domain.as_str(), None),
    };
    if port.is_some_and(|p| p.is_empty() || p.len() > 5 || !p.bytes().all(|b| b.is_ascii_digit())) {
        return None;
    }
    let label_ok = |l: &str| {
        !l.is_empty()
            && l.len() <= 63
            && !l.starts_with('-')
            && !l.ends_with('-')
            && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    };
    host.split('.').all(label_ok).then_some(domain)
}

/// Checks a policy; the errors name the fields.
fn check(state: &AppState, input: &PolicyInput) -> Result<(String, Policy), FieldErrors> {
    let mut errors = FieldErrors::default();
    let domain = normalize_domain(&input.domain);
    match &domain {
        None => errors.add("domain", "federation-error-domain"),
        Some(d) if *d == state.settings.instance.domain.to_ascii_lowercase() => {
            errors.add("domain", "federation-error-own-domain")
        }
        Some(_) => {}
    }
    let severity = Severity::parse(input.severity.trim());
    if severity.is_none() {
        errors.add("severity", "federation-error-severity");
    }
    crate::domain::validate::max_len("public_comment", &input.public_comment, COMMENT_MAX, &mut errors);
    crate::domain::validate::max_len("private_comment", &input.private_comment, COMMENT_MAX, &mut errors);
    match (domain, severity) {
        (Some(domain), Some(severity)) if errors.is_empty() => Ok((
            domain,
            Policy {
                severity,
                reject_media: input.reject_media,
                reject_reports: input.reject_reports,
                public_comment: input.public_comment.trim().to_string(),
                private_comment: input.private_comment.trim().to_string(),
                obfuscate: input.obfuscate,
            },
        )),
        _ => Err(errors),
    }
}

/// Sets the policy of a remote server (admins). Blocking it removes the follows between our
/// people and its actors (and those of servers under its domain) and drops what was waiting
/// to be delivered to them; nothing is sent to tell them.
pub async fn set_policy(state: &AppState, by: &Account, input: &PolicyInput) -> DomainResult<Instance> {
    require(by, Role::Admin)?;
    apply_policy(state, input, &by.actor.username).await
}

/// [`set_policy`] without a role check, for the command line (whoever runs it has the database)
/// and after one; `by` names who did it in the log.
pub async fn apply_policy(state: &AppState, input: &PolicyInput, by: &str) -> DomainResult<Instance> {
    let (domain, policy) = check(state, input).map_err(DomainError::Invalid)?;
    let mut tx = state.pool.begin().await?;
    let instance = store_policy(&mut tx, &domain, &policy).await?;
    tx.commit().await?;
    reload(state).await?;
    tracing::info!(domain, severity = policy.severity.as_str(), by, "federation policy set");
    Ok(instance)
}

/// Stores one policy and its consequences, in the caller's transaction.
async fn store_policy(conn: &mut DbConn, domain: &str, policy: &Policy) -> DomainResult<Instance> {
    let instance = Instance::set_policy(conn, domain, policy).await?;
    if policy.severity == Severity::Suspend {
        for id in Instance::ids_within(conn, domain).await? {
            Follow::delete_with_instance(conn, id).await?;
            deliveries::drop_for_instance(conn, id).await?;
        }
    }
    Ok(instance)
}

/// Lifts every policy of a server (admins): it is treated like any other again. Follows that
/// a block removed are not restored.
pub async fn clear_policy(state: &AppState, by: &Account, domain: &str) -> DomainResult<()> {
    require(by, Role::Admin)?;
    lift_policy(state, domain, &by.actor.username).await
}

/// [`clear_policy`] without a role check (the command line).
pub async fn lift_policy(state: &AppState, domain: &str, by: &str) -> DomainResult<()> {
    let domain = normalize_domain(domain).ok_or(DomainError::NotFound)?;
    let mut conn = state.pool.write().await?;
    if Instance::by_domain(&mut conn, &domain).await?.is_none() {
        return Err(DomainError::NotFound);
    }
    Instance::set_policy(&mut conn, &domain, &Policy::default()).await?;
    drop(conn);
    reload(state).await?;
    tracing::info!(domain, by, "federation policy lifted");
    Ok(())
}

/// Puts a server on the allow-list or takes it off (admins; it matters in allow-list mode).
pub async fn set_allowed(state: &AppState, by: &Account, domain: &str, allowed: bool) -> DomainResult<Instance> {
    require(by, Role::Admin)?;
    let domain = normalize_domain(domain).ok_or_else(|| invalid("domain", "federation-error-domain"))?;
    let mut conn = state.pool.write().await?;
    let instance = Instance::set_allowed(&mut conn, &domain, allowed).await?;
    drop(conn);
    reload(state).await?;
    Ok(instance)
}

fn invalid(field: &'static str, key: &'static str) -> DomainError {
    DomainError::Invalid(FieldErrors::one(field, key))
}

/// Reads the policies again into memory and forgets cached public answers.
async fn reload(state: &AppState) -> DomainResult<()> {
    let mut conn = state.pool.get().await?;
    state.federation_policy.reload(&mut conn).await?;
    state.public_cache.invalidate();
    Ok(())
}

/// Blocks a remote actor for the whole instance (site moderators): nothing is taken from or
/// sent to it any more, its follows here end, and what it wrote is hidden.
pub async fn block_actor(state: &AppState, by: &Account, actor: ActorId, comment: &str) -> DomainResult<Actor> {
    require(by, Role::Moderator)?;
    if comment.chars().count() > COMMENT_MAX {
        return Err(invalid("comment", "error-too-long"));
    }
    let mut tx = state.pool.begin().await?;
    let target = Actor::by_id(&mut tx, actor).await?.ok_or(DomainError::NotFound)?;
    if target.local {
        return Err(invalid("actor", "federation-error-local-actor"));
    }
    remote_actor_block::block(&mut tx, target.id, comment.trim(), Some(by.actor.id)).await?;
    tx.commit().await?;
    state.signers.invalidate(&target.ap_id);
    reload(state).await?;
    tracing::info!(actor = target.ap_id, by = by.actor.username, "remote actor blocked");
    Ok(target)
}

/// Lifts the block of a remote actor (site moderators).
pub async fn unblock_actor(state: &AppState, by: &Account, actor: ActorId) -> DomainResult<()> {
    require(by, Role::Moderator)?;
    let mut conn = state.pool.write().await?;
    if !remote_actor_block::unblock(&mut conn, actor).await? {
        return Err(DomainError::NotFound);
    }
    drop(conn);
    reload(state).await
}

/// A remote actor by ActivityPub id or `@name@domain` among those we store.
pub async fn stored_remote_actor(pool: &DbPool, by: &Account, handle: &str) -> DomainResult<Actor> {
    require(by, Role::Moderator)?;
    let mut conn = pool.get().await?;
    let handle = handle.trim();
    let found = if handle.starts_with("https://") || handle.starts_with("http://") {
        Actor::by_ap_id(&mut conn, handle).await?
    } else {
        match handle.trim_start_matches('@').split_once('@') {
            Some((name, domain)) => Actor::by_name(&mut conn, name, domain).await?,
            None => None,
        }
    };
    found.filter(|a| !a.local).ok_or(DomainError::NotFound)
}

/// The blocked remote actors (site moderators).
pub async fn blocked_actors(pool: &DbPool, by: &Account) -> DomainResult<Vec<RemoteActorBlock>> {
    require(by, Role::Moderator)?;
    Ok(remote_actor_block::all(&mut pool.get().await?).await?)
}

/// Whether a remote actor is blocked (for its profile page; staff only).
pub async fn actor_blocked(pool: &DbPool, by: &Account, actor: ActorId) -> DomainResult<bool> {
    require(by, Role::Moderator)?;
    Ok(remote_actor_block::is_blocked(&mut pool.get().await?, actor).await?)
}

/// A page of the servers we know with their delivery state (site moderators).
pub async fn overview(
    pool: &DbPool,
    by: &Account,
    search: &str,
    after: Option<&str>,
    limit: i64,
) -> DomainResult<Vec<InstanceStatus>> {
    require(by, Role::Moderator)?;
    Ok(Instance::statuses(&mut pool.get().await?, search, after, limit.clamp(1, 200)).await?)
}

/// One server with its delivery state (site moderators); `None` when we never heard of it.
pub async fn status_of(pool: &DbPool, by: &Account, domain: &str) -> DomainResult<Option<InstanceStatus>> {
    require(by, Role::Moderator)?;
    let domain = normalize_domain(domain).ok_or(DomainError::NotFound)?;
    Ok(Instance::status(&mut pool.get().await?, &domain).await?)
}

/// The servers with a policy (admins; for the export and the API).
pub async fn policies(pool: &DbPool, by: &Account) -> DomainResult<Vec<Instance>> {
    require(by, Role::Moderator)?;
    Ok(Instance::with_policy(&mut pool.get().await?).await?)
}

/// A limited or blocked server as the public list shows it.
#[derive(Debug, Clone)]
pub struct PublicBlock {
    /// Partly hidden when staff chose so.
    pub domain: String,
    /// SHA-256 of the real domain in hex (Mastodon's `digest`), so a reader who knows a domain
    /// can recognise it even when hidden.
    pub digest: String,
    pub severity: Severity,
    pub comment: String,
}

/// The limited and blocked servers, for everyone (Mastodon lists them on its about page).
pub async fn public_list(pool: &DbPool) -> DomainResult<Vec<PublicBlock>> {
    let rows = Instance::with_policy(&mut pool.get().await?).await?;
    Ok(rows
        .into_iter()
        .filter(|i| i.severity() != Severity::None)
        .map(|i| PublicBlock {
            domain: if i.obfuscate { obfuscate(&i.domain) } else { i.domain.clone() },
            digest: crate::util::hex::hex(ring::digest::digest(&ring::digest::SHA256, i.domain.as_bytes()).as_ref()),
            severity: i.severity(),
            comment: i.public_comment,
        })
        .collect())
}

/// A domain with the middle half of its characters hidden (dots stay), as Mastodon shows an
/// obfuscated block: `bad.example` → `ba*.****le`.
pub fn obfuscate(domain: &str) -> String {
    let chars: Vec<char> = domain.chars().collect();
    let n = chars.len();
    let (from, to) = (n / 4, n - n / 4);
    chars.iter().enumerate().map(|(i, c)| if i >= from && i < to && *c != '.' { '*' } else { *c }).collect()
}
