//! The store: the database pool and everything loaded beside it once at start (the region registry, the
//! predicate bands, the scorecard targets, where evidence documents live) and the limits in force. The
//! server and every command open one the same way.

use crate::db::{DbSetupError, Engine, RegionRegistry};
use crate::domain::PredicateBands;
use crate::evaluation::files::Storage;
use crate::import::ImportLimits;
use crate::reference::Targets;
use sqlx::AnyPool;
use std::sync::Arc;

#[derive(Clone)]
pub struct Store {
    pub pool: AnyPool,
    pub engine: Engine,
    pub regions: Arc<RegionRegistry>,
    pub bands: Arc<PredicateBands>,
    pub targets: Arc<Targets>,
    /// Where evidence documents are kept (a local folder, or S3-compatible storage).
    pub storage: Storage,
    /// Rows per imported file and drafts per user (`--import-max-rows`, `--import-max-drafts`).
    pub import: ImportLimits,
    /// The most bytes of evidence documents one regency may keep, all cycles together
    /// (`--evidence-quota-bytes`).
    pub evidence_quota_bytes: i64,
}

impl Store {
    /// Connects, migrates, seeds the regions and the instruments and loads the registry: everything a server
    /// or a command needs before it runs. Evidence documents go beside the database until
    /// [`Store::with_storage`] says otherwise.
    pub async fn open(database_url: &str, max_connections: u32) -> Result<Self, DbSetupError> {
        let (pool, engine) = crate::db::connect(database_url, max_connections).await?;
        crate::db::regions::seed(&pool).await.map_err(DbSetupError::Regions)?;
        let regions = RegionRegistry::load(&pool).await.map_err(DbSetupError::Regions)?;
        crate::evaluation::instrument::seed(&pool).await.map_err(|e| DbSetupError::Instruments(e.to_string()))?;
        let storage = Storage::open(&Storage::default_location(database_url)).map_err(|e| DbSetupError::Storage(e.to_string()))?;
        Ok(Self {
            pool,
            engine,
            regions: Arc::new(regions),
            bands: Arc::new(PredicateBands::published()),
            targets: Arc::new(Targets::bundled()),
            storage,
            import: ImportLimits::default(),
            evidence_quota_bytes: crate::evaluation::files::DEFAULT_QUOTA_BYTES,
        })
    }

    /// Keeps evidence documents elsewhere (from `--storage`).
    pub fn with_storage(mut self, storage: Storage) -> Self {
        self.storage = storage;
        self
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }
}
