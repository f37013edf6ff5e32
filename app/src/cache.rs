//! The page cache: a page's aggregates are kept in memory, keyed by the page and its URL state, and reused
//! while the database's data version (bumped by triggers on every write, see migration 0002) is unchanged.
//! Each request reads that version — one tiny query — so a write is visible on the very next request, on
//! every app server sharing the database. Beside it, the response cache keeps whole rendered responses of
//! public pages under the same rule.

use crate::error::AppError;
use sqlx::AnyPool;
use std::any::Any;
use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};

/// Entries kept at most; past it the cache starts afresh (pages are cheap to reload, memory stays bounded).
pub const MAX_ENTRIES: usize = 4096;

type Entry = (i64, Arc<dyn Any + Send + Sync>);

#[derive(Default)]
pub struct PageCache {
    entries: Mutex<HashMap<String, Entry>>,
}

impl std::fmt::Debug for PageCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PageCache").field("entries", &self.len()).finish()
    }
}

/// The database's data version now.
pub async fn data_version(pool: &AnyPool) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("select version from data_version where id = 1").fetch_one(pool).await
}

impl PageCache {
    pub fn len(&self) -> usize {
        self.entries.lock().expect("cache lock").len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The value for `key` at the current data version, loaded by `load` when missing or stale.
    pub async fn get_or_load<T, F, Fut>(&self, pool: &AnyPool, key: String, load: F) -> Result<T, AppError>
    where
        T: Clone + Send + Sync + 'static,
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<T, AppError>>,
    {
        let version = data_version(pool).await?;
        if let Some((v, value)) = self.entries.lock().expect("cache lock").get(&key)
            && *v == version
            && let Some(t) = value.downcast_ref::<T>()
        {
            return Ok(t.clone());
        }
        let value = load().await?;
        let mut entries = self.entries.lock().expect("cache lock");
        if entries.len() >= MAX_ENTRIES {
            entries.clear();
        }
        entries.insert(key, (version, Arc::new(value.clone())));
        Ok(value)
    }
}

/// Entries kept at most, and their total size; past either the cache starts afresh.
const MAX_RESPONSES: usize = 2_000;
const MAX_BYTES: usize = 128 * 1024 * 1024;
/// A response as sent: its headers and (compressed) body, and the data version it shows.
#[derive(Clone)]
pub struct CachedResponse {
    pub version: i64,
    pub headers: http::HeaderMap,
    pub body: axum::body::Bytes,
}

/// Whole responses of public pages and downloads, per URL, language and encoding (see
/// `server/src/response_cache.rs`), for the current data version only.
#[derive(Default)]
pub struct ResponseCache {
    inner: Mutex<(HashMap<String, CachedResponse>, usize)>,
}

impl ResponseCache {
    pub fn len(&self) -> usize {
        self.inner.lock().expect("cache lock").0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn get(&self, key: &str, version: i64) -> Option<CachedResponse> {
        let guard = self.inner.lock().expect("cache lock");
        guard.0.get(key).filter(|e| e.version == version).cloned()
    }

    pub fn put(&self, key: String, entry: CachedResponse) {
        let mut guard = self.inner.lock().expect("cache lock");
        let (map, bytes) = &mut *guard;
        // Older versions are dead: drop them; and start afresh when the bounds are reached.
        if map.values().next().is_some_and(|e| e.version != entry.version) || map.len() >= MAX_RESPONSES || *bytes + entry.body.len() > MAX_BYTES {
            map.clear();
            *bytes = 0;
        }
        *bytes += entry.body.len();
        if let Some(old) = map.insert(key, entry) {
            *bytes -= old.body.len();
        }
    }
}


#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_version_empties_the_response_cache() {
        let c = ResponseCache::default();
        let e = |v| CachedResponse { version: v, headers: http::HeaderMap::new(), body: axum::body::Bytes::from_static(b"x") };
        c.put("a".into(), e(1));
        assert!(c.get("a", 1).is_some() && c.get("a", 2).is_none());
        c.put("b".into(), e(2));
        assert!(c.get("a", 1).is_none(), "entries of an older version are dropped");
        assert_eq!(c.inner.lock().unwrap().1, 1);
    }
}
