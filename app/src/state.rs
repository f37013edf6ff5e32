//! Application state shared by every request: the pool, the in-memory region registry and the predicate
//! bands. Pages reach it as Leptos context; axum handlers as state.

use crate::db::{Engine, RegionRegistry};
use crate::domain::PredicateBands;
use crate::reference::Targets;
use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use sqlx::AnyPool;
use std::sync::Arc;

#[derive(Clone, FromRef)]
pub struct AppState {
    pub pool: AnyPool,
    pub engine: Engine,
    pub regions: Arc<RegionRegistry>,
    pub bands: Arc<PredicateBands>,
    pub targets: Arc<Targets>,
    /// Page aggregates, reused while the data version is unchanged.
    pub cache: Arc<crate::cache::PageCache>,
    /// Rendered public responses, reused while the data version is unchanged.
    pub responses: Arc<crate::cache::ResponseCache>,
    /// Bounds the fresh renders in progress, overall and per client (cache hits are not counted).
    pub renders: Arc<crate::render_limit::RenderLimiter>,
    pub leptos_options: LeptosOptions,
    /// Give cookies the `Secure` attribute on every response (`--secure-cookies`), not only when a proxy
    /// reports HTTPS.
    pub secure_cookies: bool,
    /// Where evidence documents are kept (a local folder, or S3-compatible storage).
    pub storage: crate::evaluation::files::Storage,
    /// Rows per imported file and drafts per user (`--import-max-rows`, `--import-max-drafts`).
    pub import: crate::import::ImportLimits,
    /// The most bytes of evidence documents one regency may keep, all cycles together
    /// (`--evidence-quota-bytes`).
    pub evidence_quota_bytes: i64,
    /// Reverse proxies whose `X-Forwarded-For` names the client (`--trusted-proxies`); empty: the peer
    /// address is the client.
    pub trusted_proxies: Arc<Vec<std::net::IpAddr>>,
}

impl AppState {
    /// Connects, migrates and loads the registry: everything a server or a command needs before it runs.
    pub async fn open(database_url: &str, max_connections: u32, leptos_options: LeptosOptions) -> Result<Self, crate::db::DbSetupError> {
        let (pool, engine) = crate::db::connect(database_url, max_connections).await?;
        crate::db::regions::seed(&pool).await.map_err(crate::db::DbSetupError::Regions)?;
        let regions = RegionRegistry::load(&pool).await.map_err(crate::db::DbSetupError::Regions)?;
        crate::evaluation::instrument::seed(&pool).await.map_err(|e| crate::db::DbSetupError::Instruments(e.to_string()))?;
        let storage = crate::evaluation::files::Storage::open(&crate::evaluation::files::Storage::default_location(database_url))
            .map_err(|e| crate::db::DbSetupError::Storage(e.to_string()))?;
        Ok(Self {
            pool,
            engine,
            regions: Arc::new(regions),
            bands: Arc::new(PredicateBands::published()),
            targets: Arc::new(Targets::bundled()),
            cache: Arc::new(crate::cache::PageCache::default()),
            responses: Arc::new(crate::cache::ResponseCache::default()),
            renders: Arc::new(crate::render_limit::RenderLimiter::default()),
            leptos_options,
            secure_cookies: false,
            storage,
            import: crate::import::ImportLimits::default(),
            evidence_quota_bytes: crate::evaluation::files::DEFAULT_QUOTA_BYTES,
            trusted_proxies: Arc::new(Vec::new()),
        })
    }

    /// Replaces the scorecard targets (from `--targets FILE`).
    pub fn with_targets(mut self, targets: Targets) -> Self {
        self.targets = Arc::new(targets);
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
    pub fn with_storage(mut self, storage: crate::evaluation::files::Storage) -> Self {
        self.storage = storage;
        self
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }
}
