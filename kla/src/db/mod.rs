//! The database: one `sqlx::AnyPool` for SQLite (the embedded default) or PostgreSQL, chosen by the URL;
//! migrations per engine; writes of validated domain records. Every query here is portable SQL that runs
//! unchanged on both engines. The pool's size, its acquire timeout and the settings every PostgreSQL
//! connection gets are decided here (docs/operations.md explains them).

pub mod regions;
pub mod writes;

use sqlx::any::AnyPoolOptions;
use sqlx::pool::PoolConnection;
use sqlx::{Any, AnyPool, Executor, Transaction};
use std::path::Path;
use std::time::{Duration, Instant};

pub use regions::{Region, RegionRegistry};

/// The engine behind a pool, told by its URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

#[derive(Debug, thiserror::Error)]
pub enum DbSetupError {
    #[error("DATABASE_URL {0:?} is neither sqlite:… nor postgres://…")]
    UnknownScheme(String),
    #[error("could not create the folder {path} for the SQLite database: {source}")]
    CreateDir { path: String, source: std::io::Error },
    #[error("could not connect to the database: {0}")]
    Connect(#[source] sqlx::Error),
    #[error("could not apply the migrations: {0}")]
    Migrate(#[source] sqlx::migrate::MigrateError),
    #[error("could not load the region registry: {0}")]
    Regions(String),
    #[error("could not load the evaluation instruments: {0}")]
    Instruments(String),
    #[error("could not open the evidence storage: {0}")]
    Storage(String),
}

impl Engine {
    pub fn of_url(url: &str) -> Result<Self, DbSetupError> {
        if url.starts_with("sqlite:") {
            Ok(Engine::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Engine::Postgres)
        } else {
            Err(DbSetupError::UnknownScheme(redact(url)))
        }
    }
    pub fn name(self) -> &'static str {
        match self {
            Engine::Sqlite => "sqlite",
            Engine::Postgres => "postgres",
        }
    }
}

/// A URL with any password blanked, safe for logs and error messages.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}{}:***{}", &url[..s + 3], user, &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

/// The SQLite file a `sqlite:` URL names, if it names one (not `sqlite::memory:`).
pub fn sqlite_file(url: &str) -> Option<&str> {
    let rest = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or("");
    (!path.is_empty() && !path.starts_with(":memory:")).then_some(path)
}

/// How long a query waits for a free connection before it fails with "pool timed out" (a 500 page). A wait
/// that long means every connection is held by slower work — on a small server, heavy aggregate queries of
/// fresh renders — and a queue that long is better ended than grown: the reader gets an answer, the
/// server's backlog shrinks. Well under the request timeout (300 s), well over one page's aggregates.
pub const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(10);

/// Connections per process by default for a machine with `cores` processor cores: 2 × cores + 1, between
/// 5 and 32. More connections than that make a small database server switch between queries rather than
/// finish them (each PostgreSQL connection is a process; SQLite readers share the same cores), and fewer
/// would leave a request waiting for a connection while the processor idles.
pub fn default_max_connections(cores: usize) -> u32 {
    u32::try_from(cores.saturating_mul(2).saturating_add(1)).unwrap_or(u32::MAX).clamp(5, 32)
}

/// The processor cores this process may use (1 when unknown).
pub fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, std::num::NonZero::get)
}

/// The settings every PostgreSQL connection starts with. Parallel query is off: on a small server its
/// workers compete with the app and with other readers for the same few cores, and one heavy aggregate
/// would take several backends' worth of processor at once; our queries are tuned to run well serially.
/// There is no `statement_timeout`: a 100,000-row import runs as long statements in one transaction and
/// must never be cut off, and web requests are already bounded by the request timeout.
pub const POSTGRES_SESSION_SETTINGS: &str = "set max_parallel_workers_per_gather = 0";

/// A connection from the pool, the wait recorded as `pantau_db_acquire_seconds` (see docs/operations.md).
pub async fn acquire(pool: &AnyPool) -> Result<PoolConnection<Any>, sqlx::Error> {
    let started = Instant::now();
    let conn = pool.acquire().await;
    metrics::histogram!(ACQUIRE_SECONDS).record(started.elapsed().as_secs_f64());
    conn
}

/// A transaction on a connection from the pool, the wait for it (and its `begin`) recorded as
/// `pantau_db_acquire_seconds`.
pub async fn begin(pool: &AnyPool) -> Result<Transaction<'static, Any>, sqlx::Error> {
    let started = Instant::now();
    // On SQLite the write lock is taken at once (`begin immediate`), so a writer that reads before it writes
    // waits its turn (busy_timeout) instead of failing with "database is locked" when another writer
    // committed in between.
    let tx = if pool.connect_options().database_url.scheme() == "sqlite" {
        pool.begin_with("begin immediate").await
    } else {
        pool.begin().await
    };
    metrics::histogram!(ACQUIRE_SECONDS).record(started.elapsed().as_secs_f64());
    tx
}

/// The histogram of waits for a connection where the code takes one explicitly ([`acquire`], [`begin`]).
pub const ACQUIRE_SECONDS: &str = "pantau_db_acquire_seconds";

/// Opens the pool, creating an SQLite file and its folder on first start, and applies the migrations.
pub async fn connect(url: &str, max_connections: u32) -> Result<(AnyPool, Engine), DbSetupError> {
    let (pool, engine) = open_pool(url, max_connections).await?;
    migrate(&pool, engine).await?;
    // A migration notes the keys of rows that were already there: fill their summaries now.
    crate::summaries::settle_pending(&pool).await.map_err(DbSetupError::Connect)?;
    Ok((pool, engine))
}

/// [`connect`] without the migrations: the tests of a migration open an empty database with it.
pub async fn open_pool(url: &str, max_connections: u32) -> Result<(AnyPool, Engine), DbSetupError> {
    sqlx::any::install_default_drivers();
    let engine = Engine::of_url(url)?;
    let mut url = url.to_string();
    if engine == Engine::Sqlite {
        if let Some(file) = sqlite_file(&url)
            && let Some(dir) = Path::new(file).parent()
            && !dir.as_os_str().is_empty()
        {
            std::fs::create_dir_all(dir).map_err(|source| DbSetupError::CreateDir { path: dir.display().to_string(), source })?;
        }
        if !url.contains("mode=") {
            url.push_str(if url.contains('?') { "&mode=rwc" } else { "?mode=rwc" });
        }
    }
    let pool = AnyPoolOptions::new()
        .max_connections(max_connections)
        .acquire_timeout(ACQUIRE_TIMEOUT)
        .after_connect(move |conn, _meta| {
            Box::pin(async move {
                if engine == Engine::Sqlite {
                    // WAL lets readers run beside a writer; foreign keys are off by default in SQLite;
                    // busy_timeout makes a second writer wait instead of failing at once. synchronous =
                    // full syncs the log at every commit: with `normal` a commit survives the process being
                    // killed but not a power cut, and an acknowledged write must survive both. It costs one
                    // fsync per write transaction; reads are unaffected.
                    conn.execute(
                        "pragma journal_mode = wal; pragma foreign_keys = on; pragma busy_timeout = 5000; pragma synchronous = full;",
                    )
                    .await?;
                } else {
                    conn.execute(POSTGRES_SESSION_SETTINGS).await?;
                }
                Ok(())
            })
        })
        .connect(&url)
        .await
        .map_err(DbSetupError::Connect)?;
    Ok((pool, engine))
}

fn migrator(engine: Engine) -> sqlx::migrate::Migrator {
    match engine {
        Engine::Sqlite => sqlx::migrate!("../migrations/sqlite"),
        Engine::Postgres => sqlx::migrate!("../migrations/postgres"),
    }
}

/// Applies the engine's migrations (`migrations/sqlite` or `migrations/postgres`).
pub async fn migrate(pool: &AnyPool, engine: Engine) -> Result<(), DbSetupError> {
    migrator(engine).run(pool).await.map_err(DbSetupError::Migrate)
}

/// Applies the engine's migrations up to and including `version`: the tests build a database of an earlier
/// schema with it, fill it, and check what a later migration does to the rows.
pub async fn migrate_to(pool: &AnyPool, engine: Engine, version: i64) -> Result<(), DbSetupError> {
    migrator(engine).run_to(version, pool).await.map_err(DbSetupError::Migrate)
}

/// Whether the database answers, for `/healthz`.
pub async fn ping(pool: &AnyPool) -> bool {
    sqlx::query_scalar::<_, i64>("select 1").fetch_one(pool).await.is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn engine_follows_the_url() {
        assert_eq!(Engine::of_url("sqlite:data/x.db").unwrap(), Engine::Sqlite);
        assert_eq!(Engine::of_url("postgres://u:p@h/db").unwrap(), Engine::Postgres);
        assert!(Engine::of_url("mysql://h/db").is_err());
    }

    #[test]
    fn passwords_never_reach_messages() {
        assert_eq!(redact("postgres://kla:s3cret@db:5432/kla"), "postgres://kla:***@db:5432/kla");
        assert!(!Engine::of_url("mysql://u:s3cret@h/db").unwrap_err().to_string().contains("s3cret"));
    }

    #[tokio::test]
    async fn an_sqlite_commit_is_synced_before_it_is_acknowledged() {
        let dir = tempfile::tempdir().unwrap();
        let (pool, _) = connect(&format!("sqlite:{}", dir.path().join("kla.db").display()), 2).await.unwrap();
        let journal: String = sqlx::query_scalar("pragma journal_mode").fetch_one(&pool).await.unwrap();
        let synchronous: i64 = sqlx::query_scalar("pragma synchronous").fetch_one(&pool).await.unwrap();
        assert_eq!((journal.as_str(), synchronous), ("wal", 2), "WAL with synchronous = FULL (2)");
        pool.close().await;
    }

    #[test]
    fn the_default_pool_grows_with_the_cores_within_bounds() {
        assert_eq!([1, 2, 4, 8, 16, 64].map(default_max_connections), [5, 5, 9, 17, 32, 32]);
        assert_eq!(default_max_connections(usize::MAX), 32);
    }

    #[test]
    fn sqlite_file_names_the_path() {
        assert_eq!(sqlite_file("sqlite:data/pantau-kla.db"), Some("data/pantau-kla.db"));
        assert_eq!(sqlite_file("sqlite:///tmp/x.db?mode=rwc"), Some("/tmp/x.db"));
        assert_eq!(sqlite_file("sqlite::memory:"), None);
    }
}
