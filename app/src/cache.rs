//! The page cache: a page's aggregates are kept in memory, keyed by the page and its URL state, and reused
//! while the database's data version (bumped by triggers on every write, see migration 0002) is unchanged.
//! Each request reads that version — one tiny query — so a write is visible on the very next request, on
//! every app server sharing the database.

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
