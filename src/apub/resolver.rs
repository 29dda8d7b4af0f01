//! Name resolution for the client that talks to other servers: an asynchronous, caching resolver
//! (hickory) that refuses names pointing at private addresses unless the configuration allows
//! them.
//!
//! Why not the system's `getaddrinfo`: glibc keeps no cache, so each new connection to an
//! instance is a fresh lookup; each lookup takes a blocking thread; and it parses the whole of
//! `/etc/hosts` every time. Sending one post to a few thousand instances spent 15% of Buurt's CPU
//! there (BENCHMARKS.md, "Where the fan-out's CPU goes"). hickory keeps answers for their DNS
//! lifetime, resolves on the async threads, and reads `/etc/hosts` once, when the first name is
//! resolved: a change to that file is seen after a restart.

use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, OnceLock};

use hickory_resolver::config::ResolveHosts;
use hickory_resolver::proto::op::Query;
use hickory_resolver::proto::rr::RecordType;
use hickory_resolver::{Hosts, TokioResolver};
use reqwest::dns::{Addrs, Name, Resolve, Resolving};

/// How many names (with their addresses) are kept; one per instance a post goes to.
const CACHE_NAMES: u64 = 20_000;

/// A [`Resolve`] for reqwest: hickory with the system's configuration (`/etc/resolv.conf` and
/// `/etc/hosts`), or the system resolver when that configuration cannot be read.
#[derive(Clone)]
pub struct Resolver {
    inner: Arc<OnceLock<Backend>>,
    refuse_private: bool,
}

enum Backend {
    /// `/etc/hosts` first, then DNS, as `getaddrinfo` does by default.
    Hickory { hosts: Hosts, dns: Box<TokioResolver> },
    /// `/etc/resolv.conf` is missing or unreadable: resolve as the rest of the system does.
    System,
}

/// A name that must not be contacted, or that did not resolve.
#[derive(Debug, thiserror::Error)]
pub enum ResolveError {
    #[error("{0} resolves to the non-public address {1}")]
    Private(String, IpAddr),
    #[error("{0} has no address")]
    NoAddress(String),
    #[error("resolving {0}: {1}")]
    Lookup(String, String),
}

impl Resolver {
    /// `refuse_private`: fail for names with a loopback, private or otherwise non-public
    /// address (the configuration's `federation.allow_private_addresses` turned off).
    pub fn new(refuse_private: bool) -> Resolver {
        Resolver { inner: Arc::new(OnceLock::new()), refuse_private }
    }

    /// Made on first use, inside the runtime that runs hickory's background work.
    fn backend(&self) -> &Backend {
        self.inner.get_or_init(|| {
            let built = TokioResolver::builder_tokio().and_then(|mut builder| {
                let options = builder.options_mut();
                options.cache_size = CACHE_NAMES;
                // The hosts file is consulted here, before DNS: hickory's own use of it asks DNS
                // for the IPv6 address of a name that the file gives only an IPv4 address.
                options.use_hosts_file = ResolveHosts::Never;
                builder.build()
            });
            match built {
                Ok(dns) => Backend::Hickory { hosts: Hosts::from_system().unwrap_or_default(), dns: Box::new(dns) },
                Err(e) => {
                    tracing::warn!(error = %e, "no DNS configuration readable; using the system resolver");
                    Backend::System
                }
            }
        })
    }

    /// The addresses of `host`, checked against the private-address rule.
    pub async fn lookup(&self, host: &str) -> Result<Vec<IpAddr>, ResolveError> {
        let host = host.trim_end_matches('.');
        let addresses: Vec<IpAddr> = match (host.parse::<IpAddr>(), self.backend()) {
            (Ok(ip), _) => vec![ip],
            (Err(_), Backend::Hickory { hosts, dns }) => match in_hosts(hosts, host) {
                Some(addresses) => addresses,
                None => dns
                    .lookup_ip(host)
                    .await
                    .map_err(|e| ResolveError::Lookup(host.to_string(), e.to_string()))?
                    .iter()
                    .collect(),
            },
            (Err(_), Backend::System) => tokio::net::lookup_host((host, 0))
                .await
                .map_err(|e| ResolveError::Lookup(host.to_string(), e.to_string()))?
                .map(|a| a.ip())
                .collect(),
        };
        if addresses.is_empty() {
            return Err(ResolveError::NoAddress(host.to_string()));
        }
        if self.refuse_private
            && let Some(ip) = addresses.iter().find(|ip| !super::is_public(**ip))
        {
            return Err(ResolveError::Private(host.to_string(), *ip));
        }
        Ok(addresses)
    }
}

/// The addresses the hosts file gives the name `host` (both families), if it lists it at all.
fn in_hosts(hosts: &Hosts, host: &str) -> Option<Vec<IpAddr>> {
    let name = hickory_resolver::proto::rr::Name::from_ascii(host).ok()?;
    let addresses: Vec<IpAddr> = [RecordType::A, RecordType::AAAA]
        .into_iter()
        .filter_map(|kind| hosts.lookup_static_host(&Query::query(name.clone(), kind)))
        .flat_map(|lookup| lookup.answers().iter().filter_map(|r| r.data.ip_addr()).collect::<Vec<_>>())
        .collect();
    (!addresses.is_empty()).then_some(addresses)
}

impl Resolve for Resolver {
    fn resolve(&self, name: Name) -> Resolving {
        let resolver = self.clone();
        Box::pin(async move {
            let addresses = resolver.lookup(name.as_str()).await?;
            // The port is the URL's; reqwest sets it when it connects.
            let addrs: Addrs = Box::new(addresses.into_iter().map(|ip| SocketAddr::new(ip, 0)));
            Ok(addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn loopback_names_resolve_only_when_private_addresses_are_allowed() {
        let allowed = Resolver::new(false).lookup("localhost").await.unwrap();
        assert!(!allowed.is_empty() && allowed.iter().all(|ip| ip.is_loopback()), "{allowed:?}");
        let refused = Resolver::new(true).lookup("localhost").await;
        assert!(matches!(refused, Err(ResolveError::Private(_, ip)) if ip.is_loopback()), "{refused:?}");
    }

    #[tokio::test]
    async fn addresses_written_as_names_are_checked_too() {
        for special in ["10.1.2.3", "0.0.0.0", "240.0.0.1", "64:ff9b::7f00:1", "2002:a00:1::1", "::127.0.0.1"] {
            assert!(matches!(Resolver::new(true).lookup(special).await, Err(ResolveError::Private(..))), "{special}");
        }
        assert_eq!(Resolver::new(false).lookup("10.1.2.3").await.unwrap(), vec!["10.1.2.3".parse::<IpAddr>().unwrap()]);
    }

    #[test]
    fn the_hosts_file_answers_for_the_names_it_lists_in_the_families_it_lists() {
        let mut hosts = Hosts::default();
        hosts
            .read_hosts_conf("127.0.0.9 r1.bench.test\n::1 six.test\n127.0.0.8 both.test\n::2 both.test\n".as_bytes())
            .unwrap();
        let ip = |s: &str| s.parse::<IpAddr>().unwrap();
        assert_eq!(in_hosts(&hosts, "r1.bench.test"), Some(vec![ip("127.0.0.9")]));
        assert_eq!(in_hosts(&hosts, "six.test"), Some(vec![ip("::1")]));
        assert_eq!(in_hosts(&hosts, "both.test"), Some(vec![ip("127.0.0.8"), ip("::2")]));
        assert_eq!(in_hosts(&hosts, "elsewhere.test"), None);
    }

    #[tokio::test]
    async fn a_name_without_addresses_is_an_error() {
        // `.invalid` is reserved never to resolve (RFC 6761); hosts-file only, no query leaves
        // the machine when no name server answers.
        let result = Resolver::new(false).lookup("nothing.invalid").await;
        assert!(result.is_err(), "{result:?}");
    }
}
