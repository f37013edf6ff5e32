//! Bounds the fresh renders in progress — overall, and per client address — so that a client asking for
//! page after uncached page cannot take the machine from everyone else. Cache hits never come here. A
//! client over its share waits up to a short deadline, then is told to come back later (503).

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// Fresh renders at once from one client address by default. A reader's browser needs one page at a time,
/// but many Indonesian phones share one carrier-grade NAT address, so two readers behind it may each load a
/// page the cache does not have. On a small server the overall bound (cores − 1) is what holds the flood's
/// share of the processor; this one keeps one address from taking every slot of a larger server.
pub const DEFAULT_PER_CLIENT: usize = 2;
/// How long a request over a limit waits for a slot by default, in milliseconds: long enough for a queue of
/// renders of about 0.1–0.3 s each (readers behind one NAT after a write), short enough that a flood's
/// requests are told to come back rather than piled up.
pub const DEFAULT_WAIT_MS: u64 = 3000;
/// Fresh renders at once overall by default: one per processor core but one, at least 1 — a core is left
/// for cache hits. Renders run on the same worker threads as hits, so as many renders as cores make every
/// cached page wait behind them: on 2 cores, flooded from many addresses, another visitor's p99 was 97 ms
/// with 2 renders at once and 43 ms with 1 (scripts/bench/flood.sh, debug build). Concurrent requests for
/// one page share a render (`app::cache::ResponseCache::join`), so a burst after a write costs one.
pub fn default_overall() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get().saturating_sub(1).max(1))
}

/// The client a request is counted against: its address, IPv6 by its /64 (one subscriber's block).
pub fn client_of(addr: Option<IpAddr>) -> IpAddr {
    match addr {
        Some(IpAddr::V6(v6)) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let s = v6.segments();
                IpAddr::V6(std::net::Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
            }
        },
        Some(v4) => v4,
        // No peer address (a test calling the router directly): one shared client.
        None => IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED),
    }
}

#[derive(Debug)]
pub struct RenderLimiter {
    overall: Arc<Semaphore>,
    per_client: usize,
    wait: Duration,
    // Only clients with a render in progress or waiting are listed, so the map stays as small as the
    // number of requests in flight.
    clients: Mutex<HashMap<IpAddr, Arc<Semaphore>>>,
    granted: std::sync::atomic::AtomicU64,
}

impl Default for RenderLimiter {
    fn default() -> Self {
        RenderLimiter::new(default_overall(), DEFAULT_PER_CLIENT, Duration::from_millis(DEFAULT_WAIT_MS))
    }
}

/// A slot for one fresh render; it is given back when dropped.
#[derive(Debug)]
pub struct RenderPermit {
    _overall: OwnedSemaphorePermit,
    client: Option<ClientPermit>,
}

#[derive(Debug)]
struct ClientPermit {
    limiter: Arc<RenderLimiter>,
    client: IpAddr,
    permit: Option<OwnedSemaphorePermit>,
}

impl Drop for ClientPermit {
    fn drop(&mut self) {
        let mut clients = self.limiter.clients.lock().expect("render limiter lock");
        self.permit.take();
        // Nobody else holds or awaits this client's semaphore (they would hold a clone): forget the client.
        if clients.get(&self.client).is_some_and(|s| Arc::strong_count(s) == 1) {
            clients.remove(&self.client);
        }
    }
}

/// No slot came free before the deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Busy;

impl RenderLimiter {
    /// At most `overall` renders at once, `per_client` of them from one client (0: no per-client limit,
    /// e.g. behind a reverse proxy where every request comes from its address); `wait` before giving up.
    pub fn new(overall: usize, per_client: usize, wait: Duration) -> Self {
        RenderLimiter {
            overall: Arc::new(Semaphore::new(overall.max(1))),
            per_client,
            wait,
            clients: Mutex::new(HashMap::new()),
            granted: std::sync::atomic::AtomicU64::new(0),
        }
    }

    /// How long a request may wait for a slot: the `Retry-After` hint, rounded up to whole seconds.
    pub fn retry_after_seconds(&self) -> u64 {
        self.wait.as_millis().div_ceil(1000).max(1) as u64
    }

    /// Slots given out since the start: the fresh renders begun.
    pub fn granted(&self) -> u64 {
        self.granted.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Clients with a render in progress or waiting (for tests: the map does not grow without bound).
    pub fn clients_tracked(&self) -> usize {
        self.clients.lock().expect("render limiter lock").len()
    }

    /// A slot for a render for `client`, waiting up to the deadline: the client's own share first, so a
    /// client over its share never holds an overall slot while it waits.
    /// `client: None` counts only against the overall bound (a signed-in officer: an office shares one
    /// address, and an account is no anonymous flood).
    pub async fn acquire(self: &Arc<Self>, client: Option<IpAddr>) -> Result<RenderPermit, Busy> {
        let deadline = tokio::time::Instant::now() + self.wait;
        let client_permit = match client {
            _ if self.per_client == 0 => None,
            None => None,
            Some(client) => {
                let sem = self
                    .clients
                    .lock()
                    .expect("render limiter lock")
                    .entry(client)
                    .or_insert_with(|| Arc::new(Semaphore::new(self.per_client)))
                    .clone();
                // Registered before waiting, so the entry is removed when this request gives up too.
                let mut slot = ClientPermit { limiter: self.clone(), client, permit: None };
                let acquired = match sem.clone().try_acquire_owned() {
                    Ok(p) => Some(p),
                    Err(_) => tokio::time::timeout_at(deadline, sem.clone().acquire_owned()).await.ok().and_then(Result::ok),
                };
                drop(sem);
                match acquired {
                    Some(p) => slot.permit = Some(p),
                    None => return Err(Busy),
                }
                Some(slot)
            }
        };
        let overall = match self.overall.clone().try_acquire_owned() {
            Ok(p) => p,
            Err(_) => {
                tokio::time::timeout_at(deadline, self.overall.clone().acquire_owned()).await.ok().and_then(Result::ok).ok_or(Busy)?
            }
        };
        self.granted.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        Ok(RenderPermit { _overall: overall, client: client_permit })
    }
}

impl RenderPermit {
    /// Whether this permit counts against a client's share.
    pub fn per_client(&self) -> bool {
        self.client.is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[tokio::test]
    async fn a_client_over_its_share_is_refused_while_another_is_served() {
        let l = Arc::new(RenderLimiter::new(4, 2, Duration::ZERO));
        let a1 = l.acquire(Some(ip("10.0.0.1"))).await.unwrap();
        let _a2 = l.acquire(Some(ip("10.0.0.1"))).await.unwrap();
        assert_eq!(l.acquire(Some(ip("10.0.0.1"))).await.err(), Some(Busy));
        let b = l.acquire(Some(ip("10.0.0.2"))).await.expect("another client is served");
        drop(a1);
        assert!(l.acquire(Some(ip("10.0.0.1"))).await.is_ok(), "a slot given back is free again");
        drop(b);
        assert_eq!(l.clients_tracked(), 1, "an idle client is forgotten");
    }

    #[tokio::test]
    async fn the_overall_bound_holds_across_clients() {
        let l = Arc::new(RenderLimiter::new(2, 2, Duration::ZERO));
        let _a = l.acquire(Some(ip("10.0.0.1"))).await.unwrap();
        let _b = l.acquire(Some(ip("10.0.0.2"))).await.unwrap();
        assert_eq!(l.acquire(Some(ip("10.0.0.3"))).await.err(), Some(Busy));
        assert_eq!(l.clients_tracked(), 2, "a refused client is not kept");
    }

    #[tokio::test]
    async fn a_waiting_request_gets_the_slot_given_back_before_its_deadline() {
        let l = Arc::new(RenderLimiter::new(4, 1, Duration::from_secs(30)));
        let first = l.acquire(Some(ip("10.0.0.1"))).await.unwrap();
        let waiter = tokio::spawn({
            let l = l.clone();
            async move { l.acquire(Some(ip("10.0.0.1"))).await.map(|_| ()) }
        });
        drop(first);
        assert_eq!(waiter.await.unwrap(), Ok(()));
    }

    #[test]
    fn ipv6_clients_are_counted_by_their_64_block() {
        assert_eq!(client_of(Some(ip("2001:db8:1:2:aaaa::1"))), client_of(Some(ip("2001:db8:1:2:bbbb::9"))));
        assert_ne!(client_of(Some(ip("2001:db8:1:2::1"))), client_of(Some(ip("2001:db8:1:3::1"))));
        assert_eq!(client_of(Some(ip("::ffff:10.0.0.1"))), ip("10.0.0.1"));
        assert_eq!(client_of(None), ip("0.0.0.0"));
    }
}
