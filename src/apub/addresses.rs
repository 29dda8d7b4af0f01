//! Which IP addresses requests to other servers may reach: the globally reachable ones, by the
//! IANA IPv4 and IPv6 Special-Purpose Address Registries (`IpAddr::is_global` is unstable).
//! Addresses that carry an IPv4 address (IPv4-mapped, IPv4-compatible, NAT64, 6to4) are judged
//! by that IPv4 address, since they lead to it.
//!
//! Where the registry marks a few addresses inside a refused block as globally reachable (the
//! PCP and TURN anycast addresses in 192.0.0.0/24 and 2001::/23, AMT and AS112 in 2001::/23),
//! the whole block is refused all the same: no fediverse server lives there.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// IPv4 ranges never contacted: (network, prefix length, what it is).
const IPV4_REFUSED: &[(Ipv4Addr, u8, &str)] = &[
    (Ipv4Addr::new(0, 0, 0, 0), 8, "\"this network\" (RFC 791); 0.0.0.0 reaches loopback on Linux"),
    (Ipv4Addr::new(10, 0, 0, 0), 8, "private use (RFC 1918)"),
    (Ipv4Addr::new(100, 64, 0, 0), 10, "shared address space, carrier-grade NAT (RFC 6598)"),
    (Ipv4Addr::new(127, 0, 0, 0), 8, "loopback (RFC 1122)"),
    (Ipv4Addr::new(169, 254, 0, 0), 16, "link local (RFC 3927)"),
    (Ipv4Addr::new(172, 16, 0, 0), 12, "private use (RFC 1918)"),
    (Ipv4Addr::new(192, 0, 0, 0), 24, "IETF protocol assignments (RFC 6890)"),
    (Ipv4Addr::new(192, 0, 2, 0), 24, "documentation, TEST-NET-1 (RFC 5737)"),
    (Ipv4Addr::new(192, 88, 99, 0), 24, "6to4 relay anycast, deprecated (RFC 7526)"),
    (Ipv4Addr::new(192, 168, 0, 0), 16, "private use (RFC 1918)"),
    (Ipv4Addr::new(198, 18, 0, 0), 15, "benchmarking (RFC 2544)"),
    (Ipv4Addr::new(198, 51, 100, 0), 24, "documentation, TEST-NET-2 (RFC 5737)"),
    (Ipv4Addr::new(203, 0, 113, 0), 24, "documentation, TEST-NET-3 (RFC 5737)"),
    (Ipv4Addr::new(224, 0, 0, 0), 4, "multicast (RFC 5771)"),
    (Ipv4Addr::new(240, 0, 0, 0), 4, "reserved (RFC 1112), with the limited broadcast 255.255.255.255"),
];

/// What an IPv6 range is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum V6 {
    /// Never contacted.
    Refused,
    /// Its last 32 bits are an IPv4 address, which decides.
    EmbedsLast32,
    /// 6to4 (RFC 3056): bits 16 to 47 are an IPv4 address, which decides.
    SixToFour,
}

/// IPv6 ranges with a rule of their own, first match wins. Everything outside 2000::/3 (the
/// only global unicast space IANA allocates) that is not listed is refused too.
const IPV6_RANGES: &[(Ipv6Addr, u8, V6, &str)] = &[
    (Ipv6Addr::new(0, 0, 0, 0, 0, 0, 0, 0), 128, V6::Refused, "unspecified (RFC 4291)"),
    (Ipv6Addr::new(0, 0, 0, 0, 0, 0, 0, 1), 128, V6::Refused, "loopback (RFC 4291)"),
    (Ipv6Addr::new(0, 0, 0, 0, 0, 0xffff, 0, 0), 96, V6::EmbedsLast32, "IPv4-mapped (RFC 4291)"),
    (Ipv6Addr::new(0, 0, 0, 0, 0, 0, 0, 0), 96, V6::EmbedsLast32, "IPv4-compatible, deprecated (RFC 4291)"),
    (Ipv6Addr::new(0x64, 0xff9b, 0, 0, 0, 0, 0, 0), 96, V6::EmbedsLast32, "NAT64 well-known prefix (RFC 6052)"),
    (Ipv6Addr::new(0x64, 0xff9b, 1, 0, 0, 0, 0, 0), 48, V6::Refused, "local-use IPv4/IPv6 translation (RFC 8215)"),
    (Ipv6Addr::new(0x100, 0, 0, 0, 0, 0, 0, 0), 64, V6::Refused, "discard-only (RFC 6666)"),
    (Ipv6Addr::new(0x100, 0, 0, 1, 0, 0, 0, 0), 64, V6::Refused, "dummy prefix (RFC 9780)"),
    (Ipv6Addr::new(0x2001, 0, 0, 0, 0, 0, 0, 0), 23, V6::Refused, "IETF protocol assignments, Teredo (RFC 2928)"),
    (Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 0), 32, V6::Refused, "documentation (RFC 3849)"),
    (Ipv6Addr::new(0x2002, 0, 0, 0, 0, 0, 0, 0), 16, V6::SixToFour, "6to4 (RFC 3056)"),
    (Ipv6Addr::new(0x3fff, 0, 0, 0, 0, 0, 0, 0), 20, V6::Refused, "documentation (RFC 9637)"),
    (Ipv6Addr::new(0x5f00, 0, 0, 0, 0, 0, 0, 0), 16, V6::Refused, "segment routing SIDs (RFC 9602)"),
    (Ipv6Addr::new(0xfc00, 0, 0, 0, 0, 0, 0, 0), 7, V6::Refused, "unique local (RFC 4193)"),
    (Ipv6Addr::new(0xfe80, 0, 0, 0, 0, 0, 0, 0), 10, V6::Refused, "link-local unicast (RFC 4291)"),
    (Ipv6Addr::new(0xfec0, 0, 0, 0, 0, 0, 0, 0), 10, V6::Refused, "site-local, deprecated (RFC 3879)"),
    (Ipv6Addr::new(0xff00, 0, 0, 0, 0, 0, 0, 0), 8, V6::Refused, "multicast (RFC 4291)"),
];

fn in_v4(ip: Ipv4Addr, network: Ipv4Addr, len: u8) -> bool {
    let mask = if len == 0 { 0 } else { u32::MAX << (32 - u32::from(len)) };
    u32::from(ip) & mask == u32::from(network) & mask
}

fn in_v6(ip: Ipv6Addr, network: Ipv6Addr, len: u8) -> bool {
    let mask = if len == 0 { 0 } else { u128::MAX << (128 - u32::from(len)) };
    u128::from(ip) & mask == u128::from(network) & mask
}

/// Whether an address is globally reachable, so that a request to another server may go there.
pub fn is_global(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_global_v4(v4),
        IpAddr::V6(v6) => is_global_v6(v6),
    }
}

fn is_global_v4(ip: Ipv4Addr) -> bool {
    !IPV4_REFUSED.iter().any(|(network, len, _)| in_v4(ip, *network, *len))
}

fn is_global_v6(ip: Ipv6Addr) -> bool {
    let bits = u128::from(ip);
    match IPV6_RANGES.iter().find(|(network, len, _, _)| in_v6(ip, *network, *len)).map(|r| r.2) {
        Some(V6::Refused) => false,
        Some(V6::EmbedsLast32) => is_global_v4(Ipv4Addr::from(bits as u32)),
        Some(V6::SixToFour) => is_global_v4(Ipv4Addr::from((bits >> 80) as u32)),
        None => in_v6(ip, Ipv6Addr::new(0x2000, 0, 0, 0, 0, 0, 0, 0), 3),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(refused: &[&str], global: &[&str]) {
        for address in refused {
            assert!(!is_global(address.parse().unwrap()), "{address} must be refused");
        }
        for address in global {
            assert!(is_global(address.parse().unwrap()), "{address} is globally reachable");
        }
    }

    /// One address inside each IPv4 range (its first and last where the edges matter) and the
    /// public neighbours just outside it.
    #[test]
    fn ipv4_special_purpose_ranges_are_refused_and_their_neighbours_are_not() {
        check(&["0.0.0.0", "0.1.2.3", "0.255.255.255"], &["1.0.0.1"]);
        check(&["10.0.0.1", "10.255.255.255"], &["9.255.255.255", "11.0.0.1"]);
        check(&["100.64.0.1", "100.127.255.254"], &["100.63.255.255", "100.128.0.1"]);
        check(&["127.0.0.1", "127.255.255.254"], &["126.255.255.255", "128.0.0.1"]);
        check(&["169.254.1.1", "169.254.169.254"], &["169.253.255.255", "169.255.0.1"]);
        check(&["172.16.0.1", "172.31.255.255"], &["172.15.255.255", "172.32.0.1"]);
        check(&["192.0.0.1", "192.0.0.9", "192.0.0.255"], &["191.255.255.255", "192.0.1.1"]);
        check(&["192.0.2.1"], &["192.0.3.1"]);
        check(&["192.88.99.1"], &["192.88.98.255", "192.88.100.1"]);
        check(&["192.168.1.1", "192.168.255.255"], &["192.167.255.255", "192.169.0.1"]);
        check(&["198.18.0.1", "198.19.255.255"], &["198.17.255.255", "198.20.0.1"]);
        check(&["198.51.100.1"], &["198.51.99.255", "198.51.101.1"]);
        check(&["203.0.113.1"], &["203.0.112.255", "203.0.114.1"]);
        check(&["224.0.0.1", "239.255.255.255"], &["223.255.255.254"]);
        check(&["240.0.0.1", "255.255.255.254", "255.255.255.255"], &[]);
        check(&[], &["8.8.8.8", "93.184.216.34", "192.31.196.1", "192.175.48.1"]);
    }

    #[test]
    fn ipv6_special_purpose_ranges_are_refused_and_their_neighbours_are_not() {
        check(&["::", "::1"], &[]);
        // IPv4-mapped, IPv4-compatible, NAT64 and 6to4: the IPv4 address inside decides.
        check(&["::ffff:127.0.0.1", "::ffff:10.0.0.1", "::ffff:0.0.0.0"], &["::ffff:8.8.8.8"]);
        check(&["::127.0.0.1", "::10.1.2.3", "::0.0.0.2", "::169.254.169.254"], &["::8.8.8.8"]);
        check(&["64:ff9b::7f00:1", "64:ff9b::a00:1", "64:ff9b::c0a8:101", "64:ff9b::1"], &["64:ff9b::808:808"]);
        check(&["2002:7f00:1::1", "2002:c0a8:101::1", "2002:a9fe:a9fe::", "2002::1"], &["2002:808:808::1"]);
        check(&["64:ff9b:1::808:808", "64:ff9b:1:ffff::1"], &[]);
        check(&["100::1", "100::ffff:ffff:ffff:ffff"], &[]);
        check(&["100:0:0:1::1"], &[]);
        check(&["2001::1", "2001:0:4136:e378::1", "2001:2::1", "2001:1ff:ffff::1"], &["2001:200::1", "2000::1"]);
        check(&["2001:db8::1", "2001:db8:ffff::1"], &["2001:db7:ffff::1", "2001:db9::1"]);
        check(&["3fff::1", "3fff:fff::1"], &["3ffe:ffff::1", "3fff:1000::1"]);
        check(&["5f00::1"], &[]);
        check(&["fc00::1", "fd12:3456::1", "fe80::1", "febf::1", "fec0::1", "feff::1", "ff02::1", "ff0e::1"], &[]);
        // Outside 2000::/3 nothing is allocated for unicast.
        check(&["4000::1", "1234::1", "e000::1"], &["3fff:ffff::1"]);
        check(&[], &["2a00:1450::1", "2606:4700::1111", "2620:4f:8000::1"]);
    }
}
