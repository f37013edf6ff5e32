//! Who the client of a request is, for every limit counted per client (sign-in throttling, fresh renders,
//! open connections): the connection's address, or — when that is a reverse proxy listed in
//! `--trusted-proxies` — the nearest address in `X-Forwarded-For` that is not a trusted proxy. Without a
//! trusted proxy the header is ignored, since any client can write it.

use axum::extract::ConnectInfo;
use axum::http::HeaderMap;
use axum::http::request::Parts;
use std::net::{IpAddr, SocketAddr};

/// The client behind `peer`, reading `X-Forwarded-For` only when `peer` is a trusted proxy.
pub fn behind(peer: IpAddr, trusted: &[IpAddr], headers: &HeaderMap) -> IpAddr {
    forwarded(peer, trusted, headers.get_all("x-forwarded-for").iter().filter_map(|v| v.to_str().ok()))
}

/// The client of a request whose peer address axum knows (`None` when called without a connection, as a
/// test calling the router directly does).
pub fn of_request(extensions: &axum::http::Extensions, headers: &HeaderMap, trusted: &[IpAddr]) -> Option<IpAddr> {
    let peer = extensions.get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip())?;
    Some(behind(peer, trusted, headers))
}

/// [`of_request`] for a handler holding the request's parts.
pub fn of_parts(parts: &Parts, trusted: &[IpAddr]) -> Option<IpAddr> {
    of_request(&parts.extensions, &parts.headers, trusted)
}

fn forwarded<'a>(peer: IpAddr, trusted: &[IpAddr], headers: impl Iterator<Item = &'a str>) -> IpAddr {
    if !trusted.contains(&peer) {
        return peer;
    }
    let hops: Vec<&str> = headers.flat_map(|h| h.split(',')).map(str::trim).collect();
    let mut client = peer;
    for hop in hops.iter().rev() {
        match hop.parse::<IpAddr>() {
            Ok(ip) if trusted.contains(&ip) => client = ip,
            Ok(ip) => return ip,
            // Unreadable: stop at the last address known good rather than trust what lies beyond.
            Err(_) => return client,
        }
    }
    client
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_client_behind_a_trusted_proxy_is_the_nearest_untrusted_hop() {
        let ip = |s: &str| s.parse::<std::net::IpAddr>().unwrap();
        let proxy = [ip("10.0.0.1"), ip("10.0.0.2")];
        // Not from a proxy: the header is the client's own word, ignored.
        assert_eq!(forwarded(ip("203.0.113.9"), &proxy, ["198.51.100.1"].into_iter()), ip("203.0.113.9"));
        // From a proxy: the nearest hop that is no proxy, whatever the client put further left.
        assert_eq!(forwarded(ip("10.0.0.1"), &proxy, ["1.2.3.4, 198.51.100.7, 10.0.0.2"].into_iter()), ip("198.51.100.7"));
        assert_eq!(forwarded(ip("10.0.0.1"), &proxy, ["1.2.3.4", "198.51.100.7"].into_iter()), ip("198.51.100.7"));
        assert_eq!(forwarded(ip("10.0.0.1"), &proxy, ["bukan-alamat"].into_iter()), ip("10.0.0.1"));
        assert_eq!(forwarded(ip("10.0.0.1"), &proxy, std::iter::empty()), ip("10.0.0.1"));
    }

    #[test]
    fn a_request_without_a_connection_has_no_client() {
        assert_eq!(of_request(&axum::http::Extensions::new(), &HeaderMap::new(), &[]), None);
    }
}
