//! The database: one `sqlx::AnyPool` for SQLite (the embedded default) or PostgreSQL, chosen by the URL;
//! migrations per engine; writes of validated domain records. Every query here is portable SQL that runs
//! unchanged on both engines.

pub mod regions;
pub mod writes;

use sqlx::any::AnyPoolOptions;
use sqlx::{AnyPool, Executor};
use std::path::Path;
use std::time::Duration;

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
        .acquire_timeout(Duration::from_secs(10))
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
    fn sqlite_file_names_the_path() {
        assert_eq!(sqlite_file("sqlite:data/pantau-kla.db"), Some("data/pantau-kla.db"));
        assert_eq!(sqlite_file("sqlite:///tmp/x.db?mode=rwc"), Some("/tmp/x.db"));
        assert_eq!(sqlite_file("sqlite::memory:"), None);
    }
}
