//! `[limits]`: rate limits, the sign-in lockout and the trusted reverse proxies.

use super::{ConfigError, Settings};
use serde::{Deserialize, Serialize};

/// At most `requests` in `per_secs` seconds, as a burst or spread out; `requests = 0` turns the
/// limit off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Rate {
    /// Requests allowed in the period; 0: no limit.
    pub requests: u32,
    /// The period, in seconds: the allowance refills evenly over it.
    pub per_secs: u64,
}

impl Rate {
    pub const fn new(requests: u32, per_secs: u64) -> Rate {
        Rate { requests, per_secs }
    }
}

impl Default for Rate {
    fn default() -> Self {
        Rate::new(0, 60)
    }
}

/// Rate limits, the sign-in lockout and who may tell the client's address. A refused request
/// is answered with 429 and `Retry-After`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LimitsSettings {
    /// Reverse proxies (addresses or CIDR ranges such as `10.0.0.0/8`) whose
    /// `X-Forwarded-For` names the client. Requests from other peers are counted by their own
    /// address. Empty: `X-Forwarded-For` is never read.
    pub trusted_proxies: Vec<String>,
    /// Sign-in attempts per client address (IPv6: per /64).
    pub sign_in_per_address: Rate,
    /// Sign-in attempts per account name, from all addresses together.
    pub sign_in_per_account: Rate,
    /// Registration attempts (every form sent) per client address.
    pub register_per_address: Rate,
    /// Password change attempts per client address.
    pub password_change_per_address: Rate,
    /// Password change attempts per account.
    pub password_change_per_account: Rate,
    /// Forms that send a mail (forgotten password, confirmation again, e-mail change) per
    /// client address.
    pub mail_per_address: Rate,
    /// Mails those forms send to one address (whether or not an account has it).
    pub mail_per_recipient: Rate,
    /// Post attempts (the web form and `POST /api/v1/statuses`) per client address.
    pub post_per_address: Rate,
    /// Post attempts per account.
    pub post_per_account: Rate,
    /// Inbox deliveries per remote instance and sending address (the host of the signature's
    /// key, and the address it comes from), checked before the signature is.
    pub inbox_per_instance: Rate,
    /// Failed sign-ins for one account from one address before that address must wait; 0
    /// turns the lockout off.
    pub lockout_after: u32,
    /// The first wait, in seconds; it doubles with each further failure.
    pub lockout_base_secs: u64,
    /// The longest wait, in seconds.
    pub lockout_max_secs: u64,
}

impl Default for LimitsSettings {
    fn default() -> Self {
        Self {
            trusted_proxies: Vec::new(),
            sign_in_per_address: Rate::new(25, 300),
            sign_in_per_account: Rate::new(50, 3600),
            register_per_address: Rate::new(10, 1800),
            password_change_per_address: Rate::new(10, 3600),
            password_change_per_account: Rate::new(10, 3600),
            mail_per_address: Rate::new(10, 3600),
            mail_per_recipient: Rate::new(5, 3600),
            post_per_address: Rate::new(1000, 3600),
            post_per_account: Rate::new(300, 10800),
            inbox_per_instance: Rate::new(30000, 300),
            lockout_after: 5,
            lockout_base_secs: 60,
            lockout_max_secs: 3600,
        }
    }
}

/// An address (`10.1.2.3`, `::1`) or a range (`10.0.0.0/8`, `fd00::/8`).
pub fn parse_net(text: &str) -> Option<ipnet::IpNet> {
    let text = text.trim();
    text.parse::<ipnet::IpNet>().ok().or_else(|| text.parse::<std::net::IpAddr>().ok().map(ipnet::IpNet::from))
}

impl LimitsSettings {
    /// The trusted proxies as ranges (checked at start-up; a bad entry is skipped here).
    pub fn trusted_nets(&self) -> Vec<ipnet::IpNet> {
        self.trusted_proxies.iter().filter_map(|p| parse_net(p)).collect()
    }

    /// Every limit turned off (benchmarks and the tests of other features).
    pub fn off() -> Self {
        let off = Rate::new(0, 60);
        Self {
            trusted_proxies: Vec::new(),
            sign_in_per_address: off,
            sign_in_per_account: off,
            register_per_address: off,
            password_change_per_address: off,
            password_change_per_account: off,
            mail_per_address: off,
            mail_per_recipient: off,
            post_per_address: off,
            post_per_account: off,
            inbox_per_instance: off,
            lockout_after: 0,
            lockout_base_secs: 60,
            lockout_max_secs: 3600,
        }
    }
}

impl Settings {
    pub(super) fn validate_limits(&self) -> Result<(), ConfigError> {
        let invalid = |m: String| Err(ConfigError::Invalid(m));
        let server = &self.server;
        if server.header_read_timeout_secs == 0 {
            return invalid("server.header_read_timeout_secs must be at least 1".into());
        }
        if server.idle_timeout_secs <= server.request_timeout_secs {
            return invalid("server.idle_timeout_secs must be longer than server.request_timeout_secs".into());
        }
        let limits = &self.limits;
        for proxy in &limits.trusted_proxies {
            if parse_net(proxy).is_none() {
                return invalid(format!(
                    "limits.trusted_proxies: {proxy:?} is not an address or range such as 10.0.0.0/8"
                ));
            }
        }
        for (key, rate) in [
            ("sign_in_per_address", limits.sign_in_per_address),
            ("sign_in_per_account", limits.sign_in_per_account),
            ("register_per_address", limits.register_per_address),
            ("password_change_per_address", limits.password_change_per_address),
            ("password_change_per_account", limits.password_change_per_account),
            ("mail_per_address", limits.mail_per_address),
            ("mail_per_recipient", limits.mail_per_recipient),
            ("post_per_address", limits.post_per_address),
            ("post_per_account", limits.post_per_account),
            ("inbox_per_instance", limits.inbox_per_instance),
        ] {
            if rate.per_secs == 0 {
                return invalid(format!("limits.{key}.per_secs must be at least 1"));
            }
        }
        if limits.lockout_base_secs == 0 || limits.lockout_max_secs < limits.lockout_base_secs {
            return invalid("limits.lockout_base_secs must be at least 1 and at most limits.lockout_max_secs".into());
        }
        if self.media.max_concurrent_proxy_fetches == 0 {
            return invalid("media.max_concurrent_proxy_fetches must be at least 1".into());
        }
        Ok(())
    }
}
