//! The federation policy in memory: which other servers and remote actors are blocked, limited,
//! allowed, or have their media refused. Loaded from the database at start-up and replaced
//! whole when staff change a policy, so that the inbox, the fetcher, the delivery worker and the
//! image proxy decide with a few hash lookups, never a query (a block list of 10,000 domains
//! costs the inbox nothing it can measure; BENCHMARKS.md).
//!
//! A domain's policy holds for its subdomains too, as Mastodon's does: blocking `example.com`
//! blocks `social.example.com`.

use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};

use crate::db::models::instance::{Instance, Severity};
use crate::db::models::remote_actor_block;
use crate::db::{DbConn, DbResult};

/// Set once any instance of this process loaded a policy that hides someone's content: until
/// then the visibility rule need not ask the database about authors' instances.
static MAY_HIDE: AtomicBool = AtomicBool::new(false);

/// Whether stored content may be hidden by a federation policy (see [`MAY_HIDE`]).
pub fn may_hide() -> bool {
    MAY_HIDE.load(Ordering::Relaxed)
}

/// The policy of every server we decided something about, and the blocked remote actors.
#[derive(Debug, Default, Clone)]
pub struct PolicySet {
    /// Suspended domains.
    blocked: HashSet<String>,
    /// Silenced domains.
    limited: HashSet<String>,
    /// Domains whose media are not fetched.
    reject_media: HashSet<String>,
    /// Domains whose reports are not taken.
    reject_reports: HashSet<String>,
    /// Domains on the allow-list.
    allowed: HashSet<String>,
    /// Instance ids of the suspended domains (the fan-out knows instances by id).
    blocked_instances: HashSet<i64>,
    /// Instance ids of the allowed domains.
    allowed_instances: HashSet<i64>,
    /// Blocked remote actors by ActivityPub id.
    blocked_actors: HashSet<String>,
}

impl PolicySet {
    /// Reads every policy from the database.
    pub async fn load(conn: &mut DbConn) -> DbResult<PolicySet> {
        let mut set = PolicySet::default();
        for instance in Instance::with_policy(conn).await? {
            set.add_instance(&instance);
        }
        for block in remote_actor_block::all(conn).await? {
            set.blocked_actors.insert(block.actor.ap_id);
        }
        Ok(set)
    }

    /// Adds (or, with no policy, leaves out) one instance's policy.
    pub fn add_instance(&mut self, instance: &Instance) {
        let domain = instance.domain.to_ascii_lowercase();
        match instance.severity() {
            Severity::Suspend => {
                self.blocked.insert(domain.clone());
                self.blocked_instances.insert(instance.id);
            }
            Severity::Silence => {
                self.limited.insert(domain.clone());
            }
            Severity::None => {}
        }
        if instance.reject_media {
            self.reject_media.insert(domain.clone());
        }
        if instance.reject_reports {
            self.reject_reports.insert(domain.clone());
        }
        if instance.allowed {
            self.allowed.insert(domain);
            self.allowed_instances.insert(instance.id);
        }
    }

    /// Blocks `domain` (a benchmark fills a set this way).
    pub fn block_domain(&mut self, domain: &str) {
        self.blocked.insert(domain.to_ascii_lowercase());
    }

    fn hides_anything(&self) -> bool {
        !self.blocked.is_empty() || !self.limited.is_empty() || !self.blocked_actors.is_empty()
    }
}

/// Whether `domain` (a host, with `:port` when not the default) or a domain it is part of is in
/// `set`: the whole name, the host without its port, then each parent (`a.b.example` →
/// `b.example` → `example`).
fn listed(set: &HashSet<String>, domain: &str) -> bool {
    if set.is_empty() {
        return false;
    }
    let domain = domain.trim_end_matches('.');
    let lower;
    let domain = if domain.bytes().any(|b| b.is_ascii_uppercase()) {
        lower = domain.to_ascii_lowercase();
        lower.as_str()
    } else {
        domain
    };
    if set.contains(domain) {
        return true;
    }
    let host = match domain.rsplit_once(':') {
        Some((host, port)) if !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit()) => host,
        _ => domain,
    };
    let mut rest = host;
    loop {
        if set.contains(rest) {
            return true;
        }
        match rest.split_once('.') {
            Some((_, parent)) if !parent.is_empty() => rest = parent,
            _ => return false,
        }
    }
}

/// The host of a URL as instances are named: with the port when it is not the default.
pub fn domain_of(url: &url::Url) -> String {
    match (url.host_str(), url.port()) {
        (Some(h), Some(p)) => format!("{h}:{p}"),
        (Some(h), None) => h.to_string(),
        _ => String::new(),
    }
}

/// The policy set in use, replaced whole when staff change a policy.
#[derive(Debug)]
pub struct FederationPolicy {
    current: RwLock<Arc<PolicySet>>,
    /// `federation.allow_list_mode`: only allowed domains are talked to.
    allow_list_mode: bool,
}

impl FederationPolicy {
    pub fn new(set: PolicySet, allow_list_mode: bool) -> FederationPolicy {
        if set.hides_anything() {
            MAY_HIDE.store(true, Ordering::Relaxed);
        }
        FederationPolicy { current: RwLock::new(Arc::new(set)), allow_list_mode }
    }

    /// Reads the policies again from the database and puts them in use.
    pub async fn reload(&self, conn: &mut DbConn) -> DbResult<()> {
        let set = PolicySet::load(conn).await?;
        self.replace(set);
        Ok(())
    }

    /// Puts `set` in use.
    pub fn replace(&self, set: PolicySet) {
        if set.hides_anything() {
            MAY_HIDE.store(true, Ordering::Relaxed);
        }
        let mut current = self.current.write().unwrap_or_else(std::sync::PoisonError::into_inner);
        *current = Arc::new(set);
    }

    /// The set in use.
    pub fn current(&self) -> Arc<PolicySet> {
        self.current.read().unwrap_or_else(std::sync::PoisonError::into_inner).clone()
    }

    pub fn allow_list_mode(&self) -> bool {
        self.allow_list_mode
    }

    /// Whether nothing may be taken from or sent to `domain`: it (or a domain it is part of) is
    /// blocked, or allow-list mode is on and it is not allowed.
    pub fn refuses_domain(&self, domain: &str) -> bool {
        self.refuses_in(&self.current(), domain)
    }

    fn refuses_in(&self, set: &PolicySet, domain: &str) -> bool {
        if self.allow_list_mode && !listed(&set.allowed, domain) {
            return true;
        }
        listed(&set.blocked, domain)
    }

    /// [`FederationPolicy::refuses_domain`] for the host of a URL.
    pub fn refuses_url(&self, url: &url::Url) -> bool {
        self.refuses_domain(&domain_of(url))
    }

    /// Whether a remote actor (by ActivityPub id) is blocked, itself or through its domain.
    pub fn refuses_actor(&self, ap_id: &str) -> bool {
        let set = self.current();
        if set.blocked_actors.contains(ap_id) {
            return true;
        }
        match url::Url::parse(ap_id) {
            Ok(url) => self.refuses_in(&set, &domain_of(&url)),
            Err(_) => true,
        }
    }

    /// Whether the instance with this id is blocked (or not allowed in allow-list mode): the
    /// fan-out knows inboxes by instance.
    pub fn refuses_instance(&self, instance_id: i64) -> bool {
        let set = self.current();
        if self.allow_list_mode {
            return !set.allowed_instances.contains(&instance_id);
        }
        set.blocked_instances.contains(&instance_id)
    }

    /// Whether `domain` is limited (silenced).
    pub fn limits_domain(&self, domain: &str) -> bool {
        listed(&self.current().limited, domain)
    }

    /// Whether media at `url` are not fetched: its server is refused or its media are.
    pub fn rejects_media(&self, url: &url::Url) -> bool {
        let domain = domain_of(url);
        self.refuses_domain(&domain) || listed(&self.current().reject_media, &domain)
    }

    /// Whether reports from `domain` are not taken.
    pub fn rejects_reports(&self, domain: &str) -> bool {
        self.refuses_domain(domain) || listed(&self.current().reject_reports, domain)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(domains: &[&str]) -> HashSet<String> {
        domains.iter().map(|d| d.to_string()).collect()
    }

    #[test]
    fn a_domain_is_listed_with_its_subdomains_and_ports() {
        let blocked = set(&["example.com", "localhost:4000"]);
        for yes in ["example.com", "social.example.com", "a.b.example.com", "EXAMPLE.com", "example.com:8443"] {
            assert!(listed(&blocked, yes), "{yes}");
        }
        assert!(listed(&blocked, "localhost:4000"));
        for no in ["example.org", "notexample.com", "com", "localhost:4001", "localhost", ""] {
            assert!(!listed(&blocked, no), "{no}");
        }
    }

    #[test]
    fn allow_list_mode_refuses_every_domain_not_allowed() {
        let policies = PolicySet { allowed: set(&["friends.example"]), ..Default::default() };
        let policy = FederationPolicy::new(policies, true);
        assert!(!policy.refuses_domain("friends.example"));
        assert!(!policy.refuses_domain("social.friends.example"));
        assert!(policy.refuses_domain("stranger.example"));
        assert!(policy.refuses_actor("https://stranger.example/u/x"));
        assert!(policy.refuses_actor("not a url"));
    }
}
