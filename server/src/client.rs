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
    let forwarded_for = headers.get_all("x-forwarded-for");
    if trusted.is_empty() && forwarded_for.iter().next().is_some() {
        warn_unlisted_proxy(peer.to_canonical());
    }
    forwarded(peer, trusted, forwarded_for.iter().filter_map(|v| v.to_str().ok()))
}

/// Whether `ip` is one of `trusted`, an IPv4 address arriving as `::ffff:a.b.c.d` on a dual-stack listener
/// included.
pub fn is_trusted(ip: IpAddr, trusted: &[IpAddr]) -> bool {
    let ip = ip.to_canonical();
    trusted.iter().any(|t| t.to_canonical() == ip)
}

/// A proxy on this machine or the local network sends `X-Forwarded-For` but none is listed: every client
/// behind it counts as one (sign-in throttling, render and connection limits). Said once, in the log.
fn warn_unlisted_proxy(peer: IpAddr) {
    static WARNED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
    let local = match peer {
        IpAddr::V4(v4) => v4.is_loopback() || v4.is_private() || v4.is_link_local(),
        IpAddr::V6(v6) => v6.is_loopback() || v6.is_unique_local(),
    };
    if local && !WARNED.swap(true, std::sync::atomic::Ordering::Relaxed) {
        tracing::warn!(
            proxy = %peer,
            "requests carry X-Forwarded-For from a local address but no trusted proxy is configured: every client behind it \
             counts as one for sign-in throttling and the render and connection limits; set PANTAU_TRUSTED_PROXIES"
        );
    }
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
    let peer = peer.to_canonical();
    if !is_trusted(peer, trusted) {
        return peer;
    }
    // Bounded: a header longer than hyper's read buffer never gets here.
    let hops: Vec<&str> = headers.flat_map(|h| h.split(',')).map(str::trim).collect();
    let mut client = peer;
    for hop in hops.iter().rev() {
        match hop.parse::<IpAddr>().map(|ip| ip.to_canonical()) {
            Ok(ip) if is_trusted(ip, trusted) => client = ip,
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
        // A dual-stack listener sees the IPv4 proxy as ::ffff:10.0.0.1: still the proxy.
        assert_eq!(forwarded(ip("::ffff:10.0.0.1"), &proxy, ["198.51.100.7"].into_iter()), ip("198.51.100.7"));
        assert!(is_trusted(ip("::ffff:10.0.0.2"), &proxy) && !is_trusted(ip("10.0.0.3"), &proxy));
    }

    #[test]
    fn a_request_without_a_connection_has_no_client() {
        assert_eq!(of_request(&axum::http::Extensions::new(), &HeaderMap::new(), &[]), None);
    }
}
