//! Limits against exhaustion and abuse: rate limits per client address, account and remote
//! instance (`[limits]`), the sign-in lockout, the client's address behind trusted proxies, and
//! gates that bound how much expensive work runs at the same time.

pub mod client;
pub mod idle;

use std::num::NonZeroU32;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use governor::clock::{Clock, DefaultClock};
use governor::middleware::StateInformationMiddleware;
use governor::state::keyed::DefaultKeyedStateStore;
use governor::{Quota, RateLimiter};

pub use client::{ClientAddr, address_key};

use crate::config::{Rate, Settings};

type Keyed = RateLimiter<String, DefaultKeyedStateStore<String>, DefaultClock, StateInformationMiddleware>;

/// A request refused by a limit: how many the limit allows and when to try again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Refused {
    /// Requests the limit allows per period (0 for the lockout, which is not a rate).
    pub limit: u32,
    pub retry_after: Duration,
}

impl Refused {
    /// Whole seconds to wait, at least 1 (the `Retry-After` header).
    pub fn retry_after_secs(&self) -> u64 {
        self.retry_after.as_secs() + u64::from(self.retry_after.subsec_nanos() > 0)
    }
}

/// What is left of a limit after a request it let through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Allowance {
    /// Requests the limit allows per period (`u32::MAX`: no limit).
    pub limit: u32,
    /// Requests still allowed right now.
    pub remaining: u32,
    /// When the whole allowance is back.
    pub full_after: Duration,
}

impl Allowance {
    const UNLIMITED: Allowance = Allowance { limit: u32::MAX, remaining: u32::MAX, full_after: Duration::ZERO };

    /// The tighter of two.
    fn min(self, other: Allowance) -> Allowance {
        if other.remaining < self.remaining { other } else { self }
    }

    /// Whether a limit applies at all.
    pub fn is_limited(&self) -> bool {
        self.limit != u32::MAX
    }
}

/// One rate limit, kept per key (a client address, an account, a remote host). Keys not seen for
/// a period are forgotten by [`Limits::sweep`], so the state does not grow without bound.
pub struct Limiter {
    inner: Option<Keyed>,
    requests: u32,
}

impl Limiter {
    pub fn new(rate: Rate) -> Limiter {
        let quota = NonZeroU32::new(rate.requests).and_then(|burst| {
            let period = Duration::from_secs(rate.per_secs.max(1)) / burst.get();
            Quota::with_period(period.max(Duration::from_nanos(1))).map(|q| q.allow_burst(burst))
        });
        let inner = quota.map(|q| RateLimiter::dashmap(q).with_middleware::<StateInformationMiddleware>());
        Limiter { inner, requests: rate.requests }
    }

    /// Counts one request for `key`; refused when its allowance is used up.
    pub fn check(&self, key: &str) -> Result<Allowance, Refused> {
        let Some(limiter) = &self.inner else { return Ok(Allowance::UNLIMITED) };
        match limiter.check_key(&key.to_string()) {
            Ok(snapshot) => {
                let remaining = snapshot.remaining_burst_capacity();
                let used = self.requests.saturating_sub(remaining);
                Ok(Allowance {
                    limit: self.requests,
                    remaining,
                    full_after: snapshot.quota().replenish_interval().saturating_mul(used),
                })
            }
            Err(not_until) => {
                Err(Refused { limit: self.requests, retry_after: not_until.wait_time_from(limiter.clock().now()) })
            }
        }
    }

    fn sweep(&self) {
        if let Some(limiter) = &self.inner {
            limiter.retain_recent();
            limiter.shrink_to_fit();
        }
    }
}

/// Failed sign-ins of one account name from one address.
#[derive(Debug, Clone, Copy)]
struct Failures {
    count: u32,
    last: Instant,
}

/// Exponential backoff after repeated failed sign-ins, per (account name, client address): one
/// address guessing cannot lock the owner out from elsewhere, and an unknown name is counted
/// like a known one, so the answers do not tell which accounts exist.
struct Lockout {
    after: u32,
    base: Duration,
    max: Duration,
    failures: moka::sync::Cache<(String, String), Failures>,
}

impl Lockout {
    fn new(settings: &crate::config::LimitsSettings) -> Lockout {
        let max = Duration::from_secs(settings.lockout_max_secs.max(1));
        Lockout {
            after: settings.lockout_after,
            base: Duration::from_secs(settings.lockout_base_secs.max(1)),
            max,
            // Forgotten a while after the longest wait: the count starts again.
            failures: moka::sync::Cache::builder().max_capacity(100_000).time_to_live(max * 2).build(),
        }
    }

    fn wait(&self, f: &Failures) -> Option<Duration> {
        if self.after == 0 || f.count < self.after {
            return None;
        }
        let doublings = (f.count - self.after).min(20);
        let wait = self.base.saturating_mul(1 << doublings).min(self.max);
        (f.last + wait).checked_duration_since(Instant::now()).filter(|d| !d.is_zero())
    }

    fn check(&self, key: &(String, String)) -> Result<(), Refused> {
        match self.failures.get(key).and_then(|f| self.wait(&f)) {
            Some(retry_after) => Err(Refused { limit: 0, retry_after }),
            None => Ok(()),
        }
    }

    fn failed(&self, key: (String, String)) {
        if self.after == 0 {
            return;
        }
        self.failures.entry(key).and_upsert_with(|old| {
            let count = old.map_or(0, |e| e.into_value().count).saturating_add(1);
            Failures { count, last: Instant::now() }
        });
    }

    fn succeeded(&self, key: &(String, String)) {
        self.failures.invalidate(key);
    }
}

/// A bound on work running at the same time (decoding images, fetching remote images): who
/// comes when all places are taken waits for one.
pub struct Gate {
    permits: Arc<tokio::sync::Semaphore>,
    waiting: Arc<AtomicUsize>,
}

impl Gate {
    pub fn new(places: usize) -> Gate {
        Gate { permits: Arc::new(tokio::sync::Semaphore::new(places.max(1))), waiting: Arc::new(AtomicUsize::new(0)) }
    }

    /// Waits for a place; the work may run while the permit lives (move it into a blocking task).
    pub async fn enter(&self) -> Option<tokio::sync::OwnedSemaphorePermit> {
        struct Waiting(Arc<AtomicUsize>);
        impl Drop for Waiting {
            fn drop(&mut self) {
                self.0.fetch_sub(1, Ordering::Relaxed);
            }
        }
        self.waiting.fetch_add(1, Ordering::Relaxed);
        let _waiting = Waiting(self.waiting.clone());
        self.permits.clone().acquire_owned().await.ok()
    }

    /// Runs `work` on a blocking thread once a place is free. The place is held until the work
    /// ends, even when the caller stops waiting (a request that went away); `None` when the
    /// blocking thread failed.
    pub async fn run_blocking<T: Send + 'static>(&self, work: impl FnOnce() -> T + Send + 'static) -> Option<T> {
        let permit = self.enter().await;
        tokio::task::spawn_blocking(move || {
            let result = work();
            drop(permit);
            result
        })
        .await
        .map_err(|e| tracing::error!(error = %e, "blocking work stopped"))
        .ok()
    }

    /// How many wait for a place now.
    pub fn waiting(&self) -> usize {
        self.waiting.load(Ordering::Relaxed)
    }
}

/// Number of processor cores (at least 1).
pub fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// Every limit of a process, built from `[limits]` and `[media]`.
pub struct Limits {
    pub sign_in_per_address: Limiter,
    pub sign_in_per_account: Limiter,
    pub register_per_address: Limiter,
    pub password_change_per_address: Limiter,
    pub password_change_per_account: Limiter,
    pub mail_per_address: Limiter,
    pub mail_per_recipient: Limiter,
    pub post_per_address: Limiter,
    pub post_per_account: Limiter,
    pub inbox_per_instance: Limiter,
    lockout: Lockout,
    /// Images being decoded (`media.max_concurrent_decodes`).
    pub decodes: Gate,
    /// Remote images being fetched by the proxy (`media.max_concurrent_proxy_fetches`).
    pub proxy_fetches: Gate,
    trusted_proxies: Vec<ipnet::IpNet>,
}

impl Limits {
    pub fn new(settings: &Settings) -> Limits {
        let l = &settings.limits;
        let decodes = match settings.media.max_concurrent_decodes {
            0 => cores(),
            n => n,
        };
        Limits {
            sign_in_per_address: Limiter::new(l.sign_in_per_address),
            sign_in_per_account: Limiter::new(l.sign_in_per_account),
            register_per_address: Limiter::new(l.register_per_address),
            password_change_per_address: Limiter::new(l.password_change_per_address),
            password_change_per_account: Limiter::new(l.password_change_per_account),
            mail_per_address: Limiter::new(l.mail_per_address),
            mail_per_recipient: Limiter::new(l.mail_per_recipient),
            post_per_address: Limiter::new(l.post_per_address),
            post_per_account: Limiter::new(l.post_per_account),
            inbox_per_instance: Limiter::new(l.inbox_per_instance),
            lockout: Lockout::new(l),
            decodes: Gate::new(decodes),
            proxy_fetches: Gate::new(settings.media.max_concurrent_proxy_fetches),
            trusted_proxies: l.trusted_nets(),
        }
    }

    /// The reverse proxies whose `X-Forwarded-For` is believed.
    pub fn trusted_proxies(&self) -> &[ipnet::IpNet] {
        &self.trusted_proxies
    }

    /// Checks a limit per address and one per account; both count the request. Returns the
    /// tighter allowance that is left.
    fn check_both(
        &self,
        per_address: &Limiter,
        per_account: &Limiter,
        client: &ClientAddr,
        account: &str,
    ) -> Result<Allowance, Refused> {
        let address = per_address.check(&client.key())?;
        Ok(address.min(per_account.check(account)?))
    }

    /// Before a post, on the web or through the client API: per address and per account.
    pub fn check_post(
        &self,
        client: &ClientAddr,
        account: &crate::db::models::local_user::Account,
    ) -> Result<Allowance, Refused> {
        self.check_both(&self.post_per_address, &self.post_per_account, client, &account.user.id.0.to_string())
    }

    /// Before a report: a resident's count as posts (per address and account), an anonymous
    /// visitor's as posts from their address.
    pub fn check_report(
        &self,
        client: &ClientAddr,
        account: Option<&crate::db::models::local_user::Account>,
    ) -> Result<Allowance, Refused> {
        match account {
            Some(account) => self.check_post(client, account),
            None => self.post_per_address.check(&client.key()),
        }
    }

    /// Before a password change: per address and per account.
    pub fn check_password_change(
        &self,
        client: &ClientAddr,
        account: &crate::db::models::local_user::Account,
    ) -> Result<Allowance, Refused> {
        self.check_both(
            &self.password_change_per_address,
            &self.password_change_per_account,
            client,
            &account.user.id.0.to_string(),
        )
    }

    /// Before a form sends a mail to `recipient` (an address typed, known or not): per client
    /// address and per recipient, so neither one visitor nor many can flood a mailbox.
    pub fn check_mail(&self, client: &ClientAddr, recipient: &str) -> Result<Allowance, Refused> {
        self.check_both(&self.mail_per_address, &self.mail_per_recipient, client, &login_key(recipient))
    }

    /// Before a sign-in attempt: the rate limits and the lockout. The login is the name or
    /// e-mail address typed, so an unknown name is treated like a known one.
    pub fn check_sign_in(&self, login: &str, client: &ClientAddr) -> Result<(), Refused> {
        // The lockout first: a locked-out address's attempts use up no allowance.
        self.lockout.check(&lockout_key(login, client))?;
        self.check_both(&self.sign_in_per_address, &self.sign_in_per_account, client, &login_key(login)).map(|_| ())
    }

    /// After a wrong name or password.
    pub fn sign_in_failed(&self, login: &str, client: &ClientAddr) {
        self.lockout.failed(lockout_key(login, client));
    }

    /// After a right password: the address's failures for this name are forgotten.
    pub fn sign_in_succeeded(&self, login: &str, client: &ClientAddr) {
        self.lockout.succeeded(&lockout_key(login, client));
    }

    /// Forgets keys whose allowance is full again; run every minute.
    pub fn sweep(&self) {
        for limiter in [
            &self.sign_in_per_address,
            &self.sign_in_per_account,
            &self.register_per_address,
            &self.password_change_per_address,
            &self.password_change_per_account,
            &self.mail_per_address,
            &self.mail_per_recipient,
            &self.post_per_address,
            &self.post_per_account,
            &self.inbox_per_instance,
        ] {
            limiter.sweep();
        }
        self.lockout.failures.run_pending_tasks();
    }
}

/// A sign-in name as counted: case and surrounding spaces do not make another name.
fn login_key(login: &str) -> String {
    login.trim().chars().take(320).collect::<String>().to_lowercase()
}

fn lockout_key(login: &str, client: &ClientAddr) -> (String, String) {
    (login_key(login), client.key())
}

/// Runs [`Limits::sweep`] every minute until aborted.
pub async fn sweeper(limits: Arc<Limits>) {
    let mut interval = tokio::time::interval(Duration::from_secs(60));
    loop {
        interval.tick().await;
        limits.sweep();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rate_refuses_beyond_its_burst_and_says_when_to_return() {
        let limiter = Limiter::new(Rate::new(3, 3600));
        for remaining in [2, 1, 0] {
            assert_eq!(limiter.check("a").unwrap().remaining, remaining);
        }
        let refused = limiter.check("a").unwrap_err();
        assert_eq!(refused.limit, 3);
        assert!(refused.retry_after > Duration::from_secs(1000), "{refused:?}");
        // Another key has its own allowance.
        assert!(limiter.check("b").is_ok());
        // Off: never refuses.
        let off = Limiter::new(Rate::new(0, 60));
        assert!((0..1000).all(|_| off.check("a").is_ok()));
    }

    #[test]
    fn the_lockout_doubles_and_is_per_name_and_address() {
        let mut settings = crate::config::LimitsSettings::off();
        settings.lockout_after = 2;
        settings.lockout_base_secs = 60;
        settings.lockout_max_secs = 300;
        let lockout = Lockout::new(&settings);
        let key = ("anna".to_string(), "10.0.0.1".to_string());
        lockout.failed(key.clone());
        assert!(lockout.check(&key).is_ok());
        lockout.failed(key.clone());
        let first = lockout.check(&key).unwrap_err().retry_after;
        assert!(first > Duration::from_secs(50) && first <= Duration::from_secs(60), "{first:?}");
        lockout.failed(key.clone());
        let second = lockout.check(&key).unwrap_err().retry_after;
        assert!(second > Duration::from_secs(110), "{second:?}");
        for _ in 0..10 {
            lockout.failed(key.clone());
        }
        assert!(lockout.check(&key).unwrap_err().retry_after <= Duration::from_secs(300));
        assert!(lockout.check(&("anna".to_string(), "10.0.0.2".to_string())).is_ok());
        lockout.succeeded(&key);
        assert!(lockout.check(&key).is_ok());
    }
}
