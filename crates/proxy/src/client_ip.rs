//! The client's address, for the rate limit: the TCP peer, unless the peer is a trusted proxy
//! (a load balancer), in which case the address it names in `Forwarded` (RFC 7239) or, without
//! that, `X-Forwarded-For`.
//!
//! The forwarded list is read from the right (the hop nearest this proxy): trusted proxies are
//! skipped, and the first address that is not one is the client. A client can put anything at
//! the left of the list, so nothing left of the first untrusted hop is believed. A hop that is not
//! an address (`unknown`, an obfuscated name) stops the walk at the last trusted hop. From an
//! untrusted peer the headers are never read.

use std::net::IpAddr;

use axum::http::{HeaderMap, HeaderName, header};
use ipnet::IpNet;

static X_FORWARDED_FOR: HeaderName = HeaderName::from_static("x-forwarded-for");

/// The address the rate limit keys on for a request from `peer`.
pub(crate) fn resolve(peer: IpAddr, headers: &HeaderMap, trusted: &[IpNet]) -> IpAddr {
    if trusted.is_empty() || !is_trusted(peer, trusted) {
        return peer;
    }
    let forwarded = hops(headers, &header::FORWARDED, forwarded_for);
    let hops =
        if forwarded.is_empty() { hops(headers, &X_FORWARDED_FOR, |s| Some(s.trim())) } else { forwarded };
    let mut client = peer;
    for hop in hops.iter().rev() {
        match parse_node(hop) {
            Some(ip) if is_trusted(ip, trusted) => client = ip,
            Some(ip) => return ip,
            None => return client,
        }
    }
    client
}

/// Whether `ip` (IPv4-mapped IPv6 as IPv4) is in one of the `trusted` networks.
pub(crate) fn is_trusted(ip: IpAddr, trusted: &[IpNet]) -> bool {
    let ip = match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        IpAddr::V4(_) => ip,
    };
    trusted.iter().any(|net| net.contains(&ip))
}

/// Every element of every instance of the header, in order, as `pick` extracts it.
fn hops<'a>(headers: &'a HeaderMap, name: &HeaderName, pick: fn(&'a str) -> Option<&'a str>) -> Vec<&'a str> {
    headers
        .get_all(name)
        .iter()
        .flat_map(|value| value.to_str().unwrap_or("unknown").split(','))
        .map(|element| pick(element).unwrap_or("unknown"))
        .collect()
}

/// The `for=` parameter of one `Forwarded` element.
fn forwarded_for(element: &str) -> Option<&str> {
    element.split(';').find_map(|pair| {
        let (key, value) = pair.split_once('=')?;
        key.trim().eq_ignore_ascii_case("for").then(|| value.trim().trim_matches('"'))
    })
}

/// An address from `1.2.3.4`, `1.2.3.4:80`, `2001:db8::1` or `[2001:db8::1]:80`.
fn parse_node(node: &str) -> Option<IpAddr> {
    if let Ok(ip) = node.parse::<IpAddr>() {
        return Some(ip);
    }
    if let Some(rest) = node.strip_prefix('[') {
        return rest.split_once(']')?.0.parse().ok();
    }
    node.rsplit_once(':')?.0.parse::<std::net::Ipv4Addr>().ok().map(IpAddr::V4)
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().expect("an address")
    }

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(
                HeaderName::from_bytes(name.as_bytes()).expect("name"),
                HeaderValue::from_str(value).expect("value"),
            );
        }
        map
    }

    fn trusted() -> Vec<IpNet> {
        vec!["10.0.0.0/8".parse().expect("cidr"), "2001:db8:ff::/48".parse().expect("cidr")]
    }

    #[test]
    fn untrusted_peers_are_the_client_whatever_they_claim() {
        let h = headers(&[("x-forwarded-for", "198.51.100.9"), ("forwarded", "for=198.51.100.9")]);
        assert_eq!(resolve(ip("203.0.113.5"), &h, &trusted()), ip("203.0.113.5"));
        assert_eq!(resolve(ip("10.0.0.1"), &h, &[]), ip("10.0.0.1"), "no trusted list: never read");
    }

    #[test]
    fn a_trusted_peer_names_the_client_and_spoofed_left_entries_are_ignored() {
        let h = headers(&[("x-forwarded-for", "6.6.6.6, 198.51.100.9, 10.1.1.1")]);
        assert_eq!(resolve(ip("10.0.0.1"), &h, &trusted()), ip("198.51.100.9"));
        let h = headers(&[("x-forwarded-for", "6.6.6.6"), ("x-forwarded-for", "198.51.100.9:4711")]);
        assert_eq!(resolve(ip("10.0.0.1"), &h, &trusted()), ip("198.51.100.9"), "instances in order");
    }

    #[test]
    fn forwarded_wins_over_x_forwarded_for_and_takes_every_form() {
        let h = headers(&[
            ("forwarded", r#"for=192.0.2.60;proto=http, For="[2001:db8:cafe::17]:4711""#),
            ("x-forwarded-for", "198.51.100.9"),
        ]);
        assert_eq!(resolve(ip("10.0.0.1"), &h, &trusted()), ip("2001:db8:cafe::17"));
        let h = headers(&[("forwarded", "for=192.0.2.43:80")]);
        assert_eq!(resolve(ip("::ffff:10.0.0.1"), &h, &trusted()), ip("192.0.2.43"), "mapped peer");
    }

    #[test]
    fn unknown_hops_stop_at_the_last_trusted_one() {
        let h = headers(&[("forwarded", "for=unknown, for=10.2.2.2")]);
        assert_eq!(resolve(ip("10.0.0.1"), &h, &trusted()), ip("10.2.2.2"));
        assert_eq!(resolve(ip("10.0.0.1"), &HeaderMap::new(), &trusted()), ip("10.0.0.1"), "no header");
        let h = headers(&[("x-forwarded-for", "not an ip")]);
        assert_eq!(resolve(ip("10.0.0.1"), &h, &trusted()), ip("10.0.0.1"));
    }
}
