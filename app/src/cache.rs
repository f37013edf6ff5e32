//! The page cache: a page's aggregates are kept in memory, keyed by the page and its URL state, and reused
//! while the version of the page's region is unchanged (`kla::summaries::version`: bumped in the transaction
//! of any write that page shows, and only then — migration 0006). Each request reads that version — one
//! tiny query — so a write is visible on the very next request, on every app server sharing the database,
//! while the pages of other regions stay warm. Concurrent misses of one key load it once. Beside it, the
//! response cache keeps whole rendered responses of public pages under the same rule.
//!
//! A few aggregates read by many pages cost more than the pages themselves (the nation's pathways, which
//! every write anywhere makes stale): [`PageCache::get_recent_or_load`] serves the last value kept while one
//! background load brings it up to date, so no reader waits for that recomputation after a write.
//!
//! Both are segmented LRU caches ([`Slru`]): a key seen once waits in a small probation segment, and only a
//! second request moves it to the protected segment, so a flood of one-off URLs (random searches, every
//! combination of the URL state) churns probation and never pushes out the pages people actually read.

use crate::error::AppError;
use sqlx::AnyPool;
use std::any::Any;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Page aggregates kept at most (both segments); memory stays bounded because each is a page's figures.
pub const MAX_ENTRIES: usize = 4096;

/// The share of a cache (entries and bytes) kept for keys asked for more than once, in percent. The rest
/// is probation, the only part a flood of one-off requests can churn.
pub const PROTECTED_PERCENT: usize = 80;

/// When [`PageCache::get_recent_or_load`] brings a stale value up to date in the background.
#[derive(Debug, Clone, Copy)]
pub struct Refresh {
    /// How long after the first stale read the load starts, so a burst of writes is loaded once.
    pub settle: Duration,
    /// The least time between the end of one load and the start of the next.
    pub every: Duration,
}

/// Limits of one segment: entries and the sum of their weights (bytes, or 1 per entry).
#[derive(Debug, Clone, Copy)]
struct Limit {
    entries: usize,
    weight: usize,
}

struct Slot<V> {
    value: V,
    weight: usize,
    tick: u64,
    protected: bool,
}

/// A segmented LRU map with a weight bound. New keys enter probation; a hit there promotes the key to
/// protected; protected overflows back into probation (its least recently used first), and probation
/// overflows out of the cache. Re-inserting a known key keeps its segment, so a page that was popular
/// before a write stays protected when it is rendered afresh.
pub struct Slru<V> {
    map: HashMap<String, Slot<V>>,
    // Least recently used first, per segment: 0 = probation, 1 = protected.
    order: [BTreeMap<u64, String>; 2],
    used: [Limit; 2],
    limits: [Limit; 2],
    tick: u64,
}

impl<V> Slru<V> {
    /// A cache of at most `entries` entries and `weight` total weight, [`PROTECTED_PERCENT`] of each for
    /// the protected segment.
    pub fn new(entries: usize, weight: usize) -> Self {
        let protected = Limit { entries: entries * PROTECTED_PERCENT / 100, weight: weight * PROTECTED_PERCENT / 100 };
        let probation = Limit { entries: entries - protected.entries, weight: weight - protected.weight };
        Slru {
            map: HashMap::new(),
            order: [BTreeMap::new(), BTreeMap::new()],
            used: [Limit { entries: 0, weight: 0 }; 2],
            limits: [probation, protected],
            tick: 0,
        }
    }

    pub fn len(&self) -> usize {
        self.map.len()
    }

    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    /// Whether `key` is in the protected segment.
    pub fn is_protected(&self, key: &str) -> bool {
        self.map.get(key).is_some_and(|s| s.protected)
    }

    /// The total weight held (bytes for the response cache).
    pub fn weight(&self) -> usize {
        self.used[0].weight + self.used[1].weight
    }

    fn next_tick(&mut self) -> u64 {
        self.tick += 1;
        self.tick
    }

    fn unlink(&mut self, key: &str) -> Option<Slot<V>> {
        let slot = self.map.remove(key)?;
        let seg = slot.protected as usize;
        self.order[seg].remove(&slot.tick);
        self.used[seg].entries -= 1;
        self.used[seg].weight -= slot.weight;
        Some(slot)
    }

    fn link(&mut self, key: String, mut slot: Slot<V>) {
        let seg = slot.protected as usize;
        slot.tick = self.next_tick();
        self.order[seg].insert(slot.tick, key.clone());
        self.used[seg].entries += 1;
        self.used[seg].weight += slot.weight;
        self.map.insert(key, slot);
    }

    fn over(&self, seg: usize) -> bool {
        self.used[seg].entries > self.limits[seg].entries || self.used[seg].weight > self.limits[seg].weight
    }

    /// Demotes protected overflow to probation, then drops probation overflow.
    fn rebalance(&mut self) {
        while self.over(1) {
            let Some(key) = self.order[1].first_key_value().map(|(_, k)| k.clone()) else { break };
            if let Some(mut slot) = self.unlink(&key) {
                slot.protected = false;
                self.link(key, slot);
            }
        }
        while self.over(0) {
            let Some(key) = self.order[0].first_key_value().map(|(_, k)| k.clone()) else { break };
            self.unlink(&key);
        }
    }

    /// The value for `key`, counting as a use: a key found in probation moves to protected.
    pub fn get(&mut self, key: &str) -> Option<&V> {
        let mut slot = self.unlink(key)?;
        slot.protected = true;
        self.link(key.to_string(), slot);
        self.rebalance();
        self.map.get(key).map(|s| &s.value)
    }

    /// Stores `value`: a new key enters probation, a known one keeps its segment. A value heavier than the
    /// probation segment can hold is not kept.
    pub fn insert(&mut self, key: String, value: V, weight: usize) {
        let protected = self.unlink(&key).is_some_and(|s| s.protected);
        let seg = protected as usize;
        if weight > self.limits[seg].weight || self.limits[seg].entries == 0 {
            return;
        }
        self.link(key, Slot { value, weight, tick: 0, protected });
        self.rebalance();
    }
}

/// A kept value: the version it was loaded at, when the load finished, the value.
type Entry = (i64, Instant, Arc<dyn Any + Send + Sync>);

pub struct PageCache {
    entries: Mutex<Slru<Entry>>,
    // Loads in progress by key: a request for a key being loaded waits for that load, then reads its result.
    loading: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
    // Keys being brought up to date in the background by `get_recent_or_load`: one load per key at a time.
    refreshing: Mutex<HashSet<String>>,
}

/// A load that may run in the background (or the read of the version it loads at): owned, sendable, and
/// boxed once so that the functions it passes through name one type.
pub type Loader<T> = Box<dyn FnOnce() -> std::pin::Pin<Box<dyn Future<Output = Result<T, AppError>> + Send>> + Send>;

/// Takes a key off the set of background loads when that load ends, however it ends.
struct Refreshing(Arc<PageCache>, String);

impl Drop for Refreshing {
    fn drop(&mut self) {
        self.0.refreshing.lock().expect("cache lock").remove(&self.1);
    }
}

impl Default for PageCache {
    fn default() -> Self {
        PageCache {
            entries: Mutex::new(Slru::new(MAX_ENTRIES, MAX_ENTRIES)),
            loading: Mutex::new(HashMap::new()),
            refreshing: Mutex::new(HashSet::new()),
        }
    }
}

impl std::fmt::Debug for PageCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PageCache").field("entries", &self.len()).finish()
    }
}

/// The version of the pages of `region` (a region code, or `kla::summaries::NATIONAL`) now.
pub async fn version(pool: &AnyPool, region: &str) -> Result<i64, sqlx::Error> {
    kla::summaries::version(pool, region).await
}

impl PageCache {
    pub fn len(&self) -> usize {
        self.entries.lock().expect("cache lock").len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether `key` has been asked for often enough to be protected from floods (for tests).
    pub fn is_protected(&self, key: &str) -> bool {
        self.entries.lock().expect("cache lock").is_protected(key)
    }

    /// The value kept for `key`, the version it was loaded at and when.
    fn kept<T: Clone + 'static>(&self, key: &str) -> Option<(T, i64, Instant)> {
        let mut entries = self.entries.lock().expect("cache lock");
        let (v, at, value) = entries.get(key)?;
        Some((value.downcast_ref::<T>()?.clone(), *v, *at))
    }

    /// The value kept for `key` and the version it was loaded at, if that is `version` or newer.
    fn fresh<T: Clone + 'static>(&self, key: &str, version: i64) -> Option<(T, i64)> {
        // Versions only grow: a value kept at a newer version than the caller read is fresh for it too.
        self.kept(key).filter(|(_, v, _)| *v >= version).map(|(t, v, _)| (t, v))
    }

    /// The value for `key` at the current version of `region`'s pages, loaded by `load` when missing or
    /// stale — once, however many requests miss it together.
    pub async fn get_or_load<T, F, Fut>(&self, pool: &AnyPool, region: &str, key: String, load: F) -> Result<T, AppError>
    where
        T: Clone + Send + Sync + 'static,
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<T, AppError>>,
    {
        let version = version(pool, region).await?;
        Ok(self.load_at(version, key, load).await?.0)
    }

    /// The value for `key` at the current version of `region`'s pages if it is kept; else the last value
    /// kept, while a background load (`load`) brings it up to date for later requests. Only when nothing is
    /// kept does the request wait for `load`. The background load starts `refresh.settle` after the stale
    /// read (a burst of writes — an import, a busy minute of the season — is loaded once) and no sooner
    /// than `refresh.every` after the previous load finished, reading the version as it is then; one runs
    /// per key at a time. For aggregates whose readers tolerate figures that many seconds old, and that say
    /// what they showed (`ShownVersion`) so a cached response follows them: with the value comes the
    /// version of `region` it was loaded at.
    pub async fn get_recent_or_load<T: Clone + Send + Sync + 'static>(
        self: &Arc<Self>,
        pool: &AnyPool,
        region: &str,
        key: String,
        refresh: Refresh,
        load: Loader<T>,
    ) -> Result<(T, i64), AppError> {
        let version_now = version(pool, region).await?;
        let (pool, region) = (pool.clone(), region.to_owned());
        let current: Loader<i64> = Box::new(move || Box::pin(async move { Ok(version(&pool, &region).await?) }));
        self.recent_at(version_now, key, refresh, current, load).await
    }

    async fn recent_at<T: Clone + Send + Sync + 'static>(
        self: &Arc<Self>,
        version: i64,
        key: String,
        refresh: Refresh,
        current: Loader<i64>,
        load: Loader<T>,
    ) -> Result<(T, i64), AppError> {
        match self.kept::<T>(&key) {
            // A background load may have kept a newer version than this request read: newer is fine.
            Some((t, v, _)) if v >= version => {
                crate::metrics::page_cache_hit(&key);
                Ok((t, v))
            }
            Some((t, v, loaded)) => {
                crate::metrics::page_cache_stale(&key);
                let wait = refresh.every.saturating_sub(loaded.elapsed()).max(refresh.settle);
                self.refresh(wait, key, current, load);
                Ok((t, v))
            }
            None => self.load_at(version, key, load).await,
        }
    }

    /// Loads `key` in the background after `wait`, at the version `current` reads then — unless a
    /// background load of it is already waiting or running.
    fn refresh<T: Clone + Send + Sync + 'static>(self: &Arc<Self>, wait: Duration, key: String, current: Loader<i64>, load: Loader<T>) {
        if !self.refreshing.lock().expect("cache lock").insert(key.clone()) {
            return;
        }
        // Held by the task: the key leaves `refreshing` when the task ends, however it ends.
        let done = Refreshing(self.clone(), key.clone());
        tokio::spawn(async move {
            tokio::time::sleep(wait).await;
            // The same gate as a waiting load: a request that must wait (`get_or_load`) shares this load.
            let loaded = async { done.0.load_at(current().await?, key, load).await }.await;
            if loaded.is_err() {
                // The error is logged where it became an `AppError`; the next stale read tries again.
                tracing::warn!(page = %done.1, "background page load failed");
            }
        });
    }

    /// The value for `key` at `version` or newer, and the version it was loaded at.
    async fn load_at<T, F, Fut>(&self, version: i64, key: String, load: F) -> Result<(T, i64), AppError>
    where
        T: Clone + Send + Sync + 'static,
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<T, AppError>>,
    {
        if let Some(t) = self.fresh(&key, version) {
            crate::metrics::page_cache_hit(&key);
            return Ok(t);
        }
        crate::metrics::page_cache_miss(&key);
        let gate = self.loading.lock().expect("cache lock").entry(key.clone()).or_default().clone();
        let turn = gate.lock().await;
        // Whoever held the gate before may have loaded it meanwhile.
        let result = match self.fresh(&key, version) {
            Some(kept) => Ok(kept),
            None => crate::metrics::time_page_load(&key, load()).await.map(|value| {
                self.entries.lock().expect("cache lock").insert(key.clone(), (version, Instant::now(), Arc::new(value.clone())), 1);
                (value, version)
            }),
        };
        drop(turn);
        let mut loading = self.loading.lock().expect("cache lock");
        // The map and this function hold the last two references: nobody else waits, forget the gate.
        if loading.get(&key).is_some_and(|g| Arc::strong_count(g) == 2) {
            loading.remove(&key);
        }
        result
    }
}

/// Responses kept at most, and their total (compressed) size, over both segments.
pub const MAX_RESPONSES: usize = 2_000;
pub const MAX_BYTES: usize = 128 * 1024 * 1024;
/// The data a cached response shows: its region's version and, for a regency page, what it shows of the
/// nation's pathways (`pages::regency::pathways_shown`; 0 elsewhere).
pub type ShownVersion = (i64, u64);

/// A response as sent: its headers and (compressed) body, and the data version it shows.
#[derive(Clone)]
pub struct CachedResponse {
    pub version: ShownVersion,
    pub headers: http::HeaderMap,
    pub body: axum::body::Bytes,
}

/// Whole responses of public pages and downloads, per canonical URL, language and negotiated encoding (see
/// `server/src/response_cache.rs`), for the current data version only.
pub struct ResponseCache {
    inner: Mutex<Slru<CachedResponse>>,
    // Renders in progress by key: requests for a key being rendered wait for that render instead of
    // starting their own (after a write, every reader of a popular page would otherwise render it).
    in_flight: Mutex<HashMap<String, tokio::sync::watch::Sender<()>>>,
}

impl Default for ResponseCache {
    fn default() -> Self {
        ResponseCache { inner: Mutex::new(Slru::new(MAX_RESPONSES, MAX_BYTES)), in_flight: Mutex::new(HashMap::new()) }
    }
}

/// A request's part in rendering a key: the one that renders it, or one that waits for that render.
pub enum Flight {
    /// Render, store, then drop the guard: that wakes the followers.
    Leader(FlightGuard),
    /// Wait for [`FlightFollower::wait`], then look in the cache again.
    Follower(FlightFollower),
}

pub struct FlightGuard {
    cache: Arc<ResponseCache>,
    key: String,
}

impl Drop for FlightGuard {
    fn drop(&mut self) {
        // Dropping the sender wakes every follower, whether the render succeeded, failed or was abandoned.
        self.cache.in_flight.lock().expect("cache lock").remove(&self.key);
    }
}

pub struct FlightFollower(tokio::sync::watch::Receiver<()>);

impl FlightFollower {
    /// Until the leader is done, or `limit` has passed.
    pub async fn wait(mut self, limit: std::time::Duration) {
        let _ = tokio::time::timeout(limit, self.0.changed()).await;
    }
}

impl ResponseCache {
    pub fn len(&self) -> usize {
        self.inner.lock().expect("cache lock").len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether `key` has been asked for often enough to be protected from floods (for tests).
    pub fn is_protected(&self, key: &str) -> bool {
        self.inner.lock().expect("cache lock").is_protected(key)
    }

    /// The response for `key` if it shows data version `version`. A stale entry still counts as a use, so
    /// a popular page keeps its place while it is rendered afresh.
    pub fn get(&self, key: &str, version: ShownVersion) -> Option<CachedResponse> {
        let mut guard = self.inner.lock().expect("cache lock");
        guard.get(key).filter(|e| e.version == version).cloned()
    }

    /// Joins the render of `key` in progress, or becomes the request that renders it.
    pub fn join(self: &Arc<Self>, key: &str) -> Flight {
        let mut in_flight = self.in_flight.lock().expect("cache lock");
        match in_flight.get(key) {
            Some(tx) => Flight::Follower(FlightFollower(tx.subscribe())),
            None => {
                in_flight.insert(key.to_string(), tokio::sync::watch::channel(()).0);
                Flight::Leader(FlightGuard { cache: self.clone(), key: key.to_string() })
            }
        }
    }

    /// Requests waiting for the render of `key` in progress (for tests).
    pub fn waiting_for(&self, key: &str) -> usize {
        self.in_flight.lock().expect("cache lock").get(key).map_or(0, tokio::sync::watch::Sender::receiver_count)
    }

    pub fn put(&self, key: String, entry: CachedResponse) {
        let weight = entry.body.len() + key.len();
        self.inner.lock().expect("cache lock").insert(key, entry, weight);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resp(v: i64, size: usize) -> CachedResponse {
        CachedResponse { version: (v, 0), headers: http::HeaderMap::new(), body: axum::body::Bytes::from(vec![b'x'; size]) }
    }

    #[test]
    fn an_older_version_is_a_miss_and_is_replaced_in_place() {
        let c = ResponseCache::default();
        c.put("a".into(), resp(1, 1));
        assert!(c.get("a", (1, 0)).is_some() && c.get("a", (2, 0)).is_none());
        assert!(c.get("a", (1, 7)).is_none(), "a regency page whose comparison moved is a miss");
        assert!(c.is_protected("a"), "asked for twice");
        c.put("a".into(), resp(2, 1));
        assert!(c.get("a", (2, 0)).is_some() && c.get("a", (1, 0)).is_none());
        assert!(c.is_protected("a"), "a popular page keeps its place across a write");
        assert_eq!(c.len(), 1);
    }

    /// A load that counts itself and finishes only when `gate` lets it.
    fn gated(loads: &Arc<std::sync::atomic::AtomicUsize>, gate: &Arc<tokio::sync::Semaphore>, value: &'static str) -> Loader<&'static str> {
        let (loads, gate) = (loads.clone(), gate.clone());
        Box::new(move || {
            Box::pin(async move {
                loads.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                gate.acquire().await.expect("gate").forget();
                Ok(value)
            })
        })
    }

    fn at(version: i64) -> Loader<i64> {
        Box::new(move || Box::pin(async move { Ok(version) }))
    }

    async fn until(what: impl Fn() -> bool) {
        for _ in 0..400 {
            if what() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }

    const NOW: Refresh = Refresh { settle: Duration::ZERO, every: Duration::ZERO };

    #[tokio::test]
    async fn a_stale_value_is_served_while_one_background_load_catches_up() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        let cache = Arc::new(PageCache::default());
        let loads = Arc::new(AtomicUsize::new(0));
        let gate = Arc::new(tokio::sync::Semaphore::new(0));
        let count = || loads.load(Ordering::SeqCst);
        // Nothing kept: the request waits for the load.
        gate.add_permits(1);
        assert_eq!(cache.recent_at(1, "k".into(), NOW, at(1), gated(&loads, &gate, "v1")).await.unwrap().0, "v1");
        assert_eq!(cache.recent_at(1, "k".into(), NOW, at(1), gated(&loads, &gate, "unused")).await.unwrap(), ("v1", 1), "current");
        assert_eq!(count(), 1);
        // A newer version: the kept value at once, and one background load however many ask.
        for _ in 0..3 {
            let got = cache.recent_at(2, "k".into(), NOW, at(2), gated(&loads, &gate, "v2")).await.unwrap();
            assert_eq!(got, ("v1", 1), "served as it was, with the version it shows");
        }
        until(|| count() > 1).await;
        assert_eq!(count(), 2, "a single background load");
        gate.add_permits(1);
        until(|| cache.refreshing.lock().unwrap().is_empty()).await;
        assert_eq!(cache.recent_at(2, "k".into(), NOW, at(2), gated(&loads, &gate, "unused")).await.unwrap(), ("v2", 2), "caught up");
        // A waiting reader of an older version takes the newer value kept.
        assert_eq!(cache.load_at(1, "k".into(), gated(&loads, &gate, "unused")).await.unwrap(), ("v2", 2));
        assert_eq!(count(), 2);
    }

    #[tokio::test]
    async fn background_loads_wait_for_writes_to_settle_and_read_the_version_then() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        let cache = Arc::new(PageCache::default());
        let loads = Arc::new(AtomicUsize::new(0));
        let gate = Arc::new(tokio::sync::Semaphore::new(10));
        let count = || loads.load(Ordering::SeqCst);
        cache.recent_at(1, "k".into(), NOW, at(1), gated(&loads, &gate, "v1")).await.unwrap();
        // Loaded just now: the next load waits out `every` (an hour here), however stale the reads.
        let hourly = Refresh { settle: Duration::ZERO, every: Duration::from_secs(3600) };
        assert_eq!(cache.recent_at(2, "k".into(), hourly, at(2), gated(&loads, &gate, "v2")).await.unwrap().0, "v1");
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert_eq!((count(), cache.refreshing.lock().unwrap().len()), (1, 1), "waiting, not loading");

        // The load reads the version when it starts: writes during the wait are in it.
        let other = Arc::new(PageCache::default());
        other.recent_at(1, "k".into(), NOW, at(1), gated(&loads, &gate, "v1")).await.unwrap();
        let settle = Refresh { settle: Duration::from_millis(20), every: Duration::ZERO };
        assert_eq!(other.recent_at(2, "k".into(), settle, at(5), gated(&loads, &gate, "v5")).await.unwrap().0, "v1");
        until(|| other.refreshing.lock().unwrap().is_empty()).await;
        assert_eq!(other.recent_at(5, "k".into(), NOW, at(5), gated(&loads, &gate, "unused")).await.unwrap(), ("v5", 5));
        assert_eq!(count(), 3, "one load each, and none for the last read");
    }

    #[tokio::test]
    async fn requests_for_a_key_being_rendered_wait_for_that_render() {
        let c = Arc::new(ResponseCache::default());
        let Flight::Leader(guard) = c.join("k") else { panic!("the first request renders") };
        let Flight::Follower(follower) = c.join("k") else { panic!("the second waits") };
        assert!(matches!(c.join("other"), Flight::Leader(_)), "other keys are independent");
        assert_eq!(c.waiting_for("k"), 1);
        let waiter = tokio::spawn(follower.wait(std::time::Duration::from_secs(60)));
        c.put("k".into(), resp(1, 1));
        drop(guard);
        waiter.await.unwrap();
        assert!(c.get("k", (1, 0)).is_some());
        assert!(matches!(c.join("k"), Flight::Leader(_)), "done: the next miss renders again");
    }

    #[test]
    fn a_flood_of_one_off_keys_does_not_evict_a_popular_one() {
        let mut c: Slru<u32> = Slru::new(100, 100);
        c.insert("popular".into(), 1, 1);
        assert!(!c.is_protected("popular"), "seen once: probation");
        assert!(c.get("popular").is_some());
        assert!(c.is_protected("popular"));
        for i in 0..10_000 {
            c.insert(format!("flood-{i}"), i, 1);
        }
        assert_eq!(c.get("popular"), Some(&1));
        assert!(c.len() <= 100 && c.weight() <= 100, "bounded: {} entries", c.len());
        // The flood only churned probation: the oldest one-off keys are gone, the newest kept.
        assert!(c.get("flood-0").is_none() && c.get("flood-9999").is_some());
    }

    #[test]
    fn protected_overflow_is_demoted_then_evicted_least_recently_used_first() {
        let mut c: Slru<u32> = Slru::new(10, 10); // 8 protected, 2 probation
        for i in 0..9 {
            c.insert(format!("k{i}"), i, 1);
            c.get(&format!("k{i}"));
        }
        // k0 was the least recently used protected key: demoted to probation, not dropped.
        assert!(!c.is_protected("k0") && c.is_protected("k8") && c.len() == 9);
        c.insert("x".into(), 0, 1);
        c.insert("y".into(), 0, 1);
        assert!(c.get("k0").is_none(), "then dropped from probation by newer keys");
        assert!((1..9).all(|i| c.is_protected(&format!("k{i}"))));
    }

    #[test]
    fn weight_is_bounded_and_an_oversized_value_is_not_kept() {
        let mut c: Slru<u32> = Slru::new(1000, 100); // probation holds 20
        c.insert("big".into(), 0, 21);
        assert!(c.is_empty());
        for i in 0..50 {
            c.insert(format!("k{i}"), i, 10);
        }
        assert!(c.weight() <= 20 && c.len() == 2);
        let r = ResponseCache::default();
        for i in 0..(MAX_RESPONSES * 3) {
            r.put(format!("k{i}"), resp(1, 64 * 1024));
        }
        assert!(r.inner.lock().unwrap().weight() <= MAX_BYTES && r.len() <= MAX_RESPONSES);
    }
}
