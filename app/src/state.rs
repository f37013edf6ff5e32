//! Application state shared by every request: the core [`Store`] (pool, registry, bands, targets, storage,
//! limits) and what serving pages adds to it — the page and response caches, the render limiter, Leptos'
//! options and the HTTP settings. Pages reach it as Leptos context; axum handlers as state. It dereferences
//! to the store, so `state.pool` reads as it says.

use kla::Store;
use leptos::config::LeptosOptions;
use std::sync::Arc;

#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    /// Page aggregates, reused while the version of their region is unchanged.
    pub cache: Arc<crate::cache::PageCache>,
    /// Rendered public responses, reused while the version of their region is unchanged.
    pub responses: Arc<crate::cache::ResponseCache>,
    /// Bounds the fresh renders in progress, overall and per client (cache hits are not counted).
    pub renders: Arc<crate::render_limit::RenderLimiter>,
    pub leptos_options: LeptosOptions,
    /// Give cookies the `Secure` attribute on every response (`--secure-cookies`), not only when a proxy
    /// reports HTTPS.
    pub secure_cookies: bool,
    /// Reverse proxies whose `X-Forwarded-For` names the client (`--trusted-proxies`); empty: the peer
    /// address is the client.
    pub trusted_proxies: Arc<Vec<std::net::IpAddr>>,
    /// How long a built bulk download (`/api/v1/semua-angka.zip`) is served after a write before the next
    /// request builds it again (`--bulk-min-age`): at most one build per this long, whatever the writes and
    /// the clients asking.
    pub bulk_min_age: std::time::Duration,
}

/// The default of [`AppState::bulk_min_age`]: five minutes.
pub const DEFAULT_BULK_MIN_AGE_SECS: u64 = 300;

impl std::ops::Deref for AppState {
    type Target = Store;
    fn deref(&self) -> &Store {
        &self.store
    }
}

impl std::ops::DerefMut for AppState {
    fn deref_mut(&mut self) -> &mut Store {
        &mut self.store
    }
}

impl AppState {
    /// Serves pages from `store`, with empty caches and the default render limits.
    pub fn new(store: Store, leptos_options: LeptosOptions) -> Self {
        Self {
            store,
            cache: Arc::new(crate::cache::PageCache::default()),
            responses: Arc::new(crate::cache::ResponseCache::default()),
            renders: Arc::new(crate::render_limit::RenderLimiter::default()),
            leptos_options,
            secure_cookies: false,
            trusted_proxies: Arc::new(Vec::new()),
            bulk_min_age: std::time::Duration::from_secs(DEFAULT_BULK_MIN_AGE_SECS),
        }
    }

    /// Opens the store (see [`Store::open`]) and serves pages from it.
    pub async fn open(database_url: &str, max_connections: u32, leptos_options: LeptosOptions) -> Result<Self, kla::db::DbSetupError> {
        Ok(Self::new(Store::open(database_url, max_connections).await?, leptos_options))
    }

    /// Replaces the scorecard targets (from `--targets FILE`).
    pub fn with_targets(mut self, targets: kla::reference::Targets) -> Self {
        self.store.targets = Arc::new(targets);
        // The scorecard reads the targets when it renders, not from the cache; still, start clean.
        self.cache = Arc::new(crate::cache::PageCache::default());
        self.responses = Arc::new(crate::cache::ResponseCache::default());
        self
    }

    /// Bounds fresh renders as configured (`--render-concurrency`, `--render-per-client`, `--render-wait-ms`).
    pub fn with_render_limits(mut self, limiter: crate::render_limit::RenderLimiter) -> Self {
        self.renders = Arc::new(limiter);
        self
    }

    /// Keeps evidence documents elsewhere (from `--storage`).
    pub fn with_storage(mut self, storage: kla::evaluation::files::Storage) -> Self {
        self.store.storage = storage;
        self
    }
}

/// Leptos' router asks the state for its options.
impl axum::extract::FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}
