//! The metrics the page and response caches and the renderer record: their names, their (bounded) labels
//! and the one-line calls the caches make. The server describes them and serves them at `/metrics`
//! (`server/src/metrics.rs`, docs/operations.md). Every call is a no-op until the server installs a
//! recorder, which it does only with `serve --metrics-addr`.

use std::future::Future;
use std::time::Instant;

/// Page-aggregate cache lookups, by `page` and `result` (`hit`, `miss`, `stale`: the last
/// value served while a background load brings it up to date).
pub const PAGE_CACHE: &str = "pantau_page_cache_lookups_total";
/// Time to load one page's aggregates from the database on a page-cache miss, by `page`: the cost of the
/// aggregate queries, which is what holds database connections.
pub const PAGE_LOAD_SECONDS: &str = "pantau_page_aggregate_load_seconds";
/// Response-cache lookups of public pages and downloads, by `result` (`hit`, `miss`).
pub const RESPONSE_CACHE: &str = "pantau_response_cache_lookups_total";
/// Requests that found the page they asked for being rendered by another request and waited for it.
pub const FOLLOWER_WAITS: &str = "pantau_response_cache_follower_waits_total";
/// Time of a fresh render behind the response cache (a miss), up to the response being ready to send.
pub const RENDER_SECONDS: &str = "pantau_render_seconds";

/// The pages whose aggregates are cached; anything else is counted as `other`, so a key can never add a
/// label value (each value is a time series the monitoring server keeps).
const PAGES: [&str; 3] = ["nasional", "provinsi", "kabkota"];

/// The `page` label of a page-cache key (`provinsi/63?tahun=2025` → `provinsi`).
pub fn page_of(key: &str) -> &'static str {
    let name = key.split(['/', '?']).next().unwrap_or("");
    PAGES.into_iter().find(|p| *p == name).unwrap_or("other")
}

pub fn page_cache_hit(key: &str) {
    metrics::counter!(PAGE_CACHE, "page" => page_of(key), "result" => "hit").increment(1);
}

pub fn page_cache_miss(key: &str) {
    metrics::counter!(PAGE_CACHE, "page" => page_of(key), "result" => "miss").increment(1);
}

/// A value one version old served while a background load brings it up to date.
pub fn page_cache_stale(key: &str) {
    metrics::counter!(PAGE_CACHE, "page" => page_of(key), "result" => "stale").increment(1);
}

/// Runs `load` (a page's aggregate queries) and records how long it took.
pub async fn time_page_load<T>(key: &str, load: impl Future<Output = T>) -> T {
    let started = Instant::now();
    let value = load.await;
    metrics::histogram!(PAGE_LOAD_SECONDS, "page" => page_of(key)).record(started.elapsed().as_secs_f64());
    value
}

pub fn response_cache_hit() {
    metrics::counter!(RESPONSE_CACHE, "result" => "hit").increment(1);
}

pub fn response_cache_miss() {
    metrics::counter!(RESPONSE_CACHE, "result" => "miss").increment(1);
}

pub fn follower_wait() {
    metrics::counter!(FOLLOWER_WAITS).increment(1);
}

/// Runs a fresh render and records how long it took.
pub async fn time_render<T>(render: impl Future<Output = T>) -> T {
    let started = Instant::now();
    let value = render.await;
    metrics::histogram!(RENDER_SECONDS).record(started.elapsed().as_secs_f64());
    value
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_labels_are_the_known_pages_only() {
        assert_eq!(page_of("nasional?"), "nasional");
        assert_eq!(page_of("provinsi/63?tahun=2025"), "provinsi");
        assert_eq!(page_of("kabkota/63.10?"), "kabkota");
        assert_eq!(page_of("anything-else/63"), "other");
        assert_eq!(page_of(""), "other");
    }
}
