//! The client's address: the connection's peer, or what a trusted reverse proxy says in
//! `X-Forwarded-For`. Every limit counts by this one function.

use std::net::{IpAddr, Ipv6Addr, SocketAddr};
use std::sync::Arc;

use axum::extract::{ConnectInfo, FromRef, FromRequestParts};
use axum::http::HeaderMap;
use axum::http::request::Parts;

use super::Limits;

/// The address a request comes from, as the limits count it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddr(pub IpAddr);

impl ClientAddr {
    /// The key limits count under: the address, or for IPv6 its /64 (one household or server
    /// gets a whole /64, so single addresses cost nothing to change).
    pub fn key(&self) -> String {
        address_key(self.0)
    }
}

/// See [`ClientAddr::key`].
pub fn address_key(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = v6.segments();
                format!("{}/64", Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
            }
        },
    }
}

/// The client's address: `peer` itself, unless `peer` is a trusted proxy; then the right-most
/// address of `X-Forwarded-For` that is not a trusted proxy (proxies append the address they
/// saw, so what is left of that was written by the client and proves nothing).
pub fn client_ip(peer: IpAddr, headers: &HeaderMap, trusted: &[ipnet::IpNet]) -> IpAddr {
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|net| net.contains(&canonical(*ip)));
    if !is_trusted(&peer) {
        return canonical(peer);
    }
    let forwarded: Vec<IpAddr> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|s| s.trim().parse::<IpAddr>())
        .collect::<Result<_, _>>()
        .unwrap_or_default();
    let mut client = canonical(peer);
    for ip in forwarded.iter().rev() {
        client = canonical(*ip);
        if !is_trusted(&client) {
            break;
        }
    }
    client
}

/// IPv4 addresses written as IPv6 (`::ffff:10.0.0.1`) as plain IPv4.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

/// Any router state that holds the limits (the server's `AppState` does).
impl<S> FromRequestParts<S> for ClientAddr
where
    S: Send + Sync,
    Arc<Limits>: FromRef<S>,
{
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let limits = Arc::<Limits>::from_ref(state);
        // Without connection information (a router driven directly) the request counts as
        // coming from nowhere in particular.
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map_or(IpAddr::from([0, 0, 0, 0]), |ConnectInfo(addr)| addr.ip());
        Ok(ClientAddr(client_ip(peer, &parts.headers, limits.trusted_proxies())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(xff: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert("x-forwarded-for", xff.parse().unwrap());
        h
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn forwarded_for_is_read_only_from_trusted_proxies() {
        let trusted = vec![crate::config::parse_net("10.0.0.0/8").unwrap(), crate::config::parse_net("::1").unwrap()];
        let h = headers("198.51.100.7, 203.0.113.9");
        // An untrusted peer's header is ignored.
        assert_eq!(client_ip(ip("192.0.2.1"), &h, &trusted), ip("192.0.2.1"));
        // A trusted proxy: the right-most address it did not append itself.
        assert_eq!(client_ip(ip("10.1.2.3"), &h, &trusted), ip("203.0.113.9"));
        assert_eq!(client_ip(ip("10.1.2.3"), &headers("198.51.100.7, 10.9.9.9"), &trusted), ip("198.51.100.7"));
        assert_eq!(client_ip(ip("::1"), &headers("198.51.100.7"), &trusted), ip("198.51.100.7"));
        // Nothing usable: the proxy itself.
        assert_eq!(client_ip(ip("10.1.2.3"), &headers("nonsense"), &trusted), ip("10.1.2.3"));
        assert_eq!(client_ip(ip("10.1.2.3"), &HeaderMap::new(), &trusted), ip("10.1.2.3"));
        // No trusted proxies: never read.
        assert_eq!(client_ip(ip("10.1.2.3"), &h, &[]), ip("10.1.2.3"));
    }

    #[test]
    fn ipv6_is_counted_per_64() {
        assert_eq!(address_key(ip("2001:db8:1:2:3:4:5:6")), "2001:db8:1:2::/64");
        assert_eq!(address_key(ip("2001:db8:1:2:ffff::1")), "2001:db8:1:2::/64");
        assert_eq!(address_key(ip("::ffff:192.0.2.1")), "192.0.2.1");
        assert_eq!(address_key(ip("192.0.2.1")), "192.0.2.1");
    }
}
