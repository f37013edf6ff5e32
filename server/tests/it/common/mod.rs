//! The test harness: starts the real application on port 0 against a fresh database — an SQLite file in a
//! temporary folder, or a new database on the PostgreSQL server named by `TEST_DATABASE_URL` — and offers a
//! client for it. `scripts/test.sh` starts a throwaway PostgreSQL and sets `PANTAU_REQUIRE_POSTGRES=1`, so
//! there the PostgreSQL tests fail rather than skip when the server is missing.

pub mod officer;
pub mod process;

use app::AppState;
use kla::i18n::Lang;
use kla::import;
use sqlx::Connection;
use std::sync::atomic::{AtomicU32, Ordering};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

pub struct TestApp {
    pub base: String,
    pub client: reqwest::Client,
    pub state: AppState,
    pub database_url: String,
    /// The evidence store of this app: a folder of its own.
    pub storage_dir: std::path::PathBuf,
    _dir: Option<tempfile::TempDir>,
    _storage: tempfile::TempDir,
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

/// A database URL for a fresh, empty database of the engine; `None` when PostgreSQL is not configured
/// and not required.
pub async fn fresh_database(engine: Engine) -> Option<(String, Option<tempfile::TempDir>)> {
    match engine {
        Engine::Sqlite => {
            let dir = tempfile::tempdir().expect("temp dir");
            let url = format!("sqlite:{}", dir.path().join("nested/folder/pantau-kla.db").display());
            Some((url, Some(dir)))
        }
        Engine::Postgres => {
            let admin = match std::env::var("TEST_DATABASE_URL") {
                Ok(u) if !u.trim().is_empty() => u,
                _ => {
                    if std::env::var("PANTAU_REQUIRE_POSTGRES").is_ok_and(|v| v == "1") {
                        panic!("TEST_DATABASE_URL is not set but PANTAU_REQUIRE_POSTGRES=1: PostgreSQL tests must run");
                    }
                    eprintln!("skipping a PostgreSQL test: TEST_DATABASE_URL is not set (scripts/test.sh sets it)");
                    return None;
                }
            };
            sqlx::any::install_default_drivers();
            let name = format!(
                "pantau_test_{}_{}_{}",
                std::process::id(),
                COUNTER.fetch_add(1, Ordering::SeqCst),
                std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().subsec_nanos()
            );
            let mut conn = sqlx::AnyConnection::connect(&admin).await.expect("connect to TEST_DATABASE_URL");
            sqlx::query(sqlx::AssertSqlSafe(format!("create database {name}"))).execute(&mut conn).await.expect("create database");
            conn.close().await.ok();
            let (base, _) = admin.rsplit_once('/').expect("TEST_DATABASE_URL ends in /DATABASE");
            Some((format!("{base}/{name}"), None))
        }
    }
}

impl TestApp {
    /// Starts the app on a fresh database, or `None` when the engine is not available (PostgreSQL only).
    pub async fn spawn(engine: Engine) -> Option<TestApp> {
        let (url, dir) = fresh_database(engine).await?;
        Some(Self::spawn_on(url, dir).await)
    }

    /// Starts the app on an existing database URL (a restart, say).
    pub async fn spawn_on(url: String, dir: Option<tempfile::TempDir>) -> TestApp {
        Self::spawn_configured(url, dir, |s| s).await
    }

    /// Starts the app on an existing database URL with its state adjusted first (a second server, say).
    pub async fn spawn_on_with(url: String, configure: impl FnOnce(AppState) -> AppState) -> TestApp {
        Self::spawn_configured(url, None, configure).await
    }

    /// Starts the app on a fresh database with its state adjusted first (other targets, say).
    pub async fn spawn_with(engine: Engine, configure: impl FnOnce(AppState) -> AppState) -> Option<TestApp> {
        let (url, dir) = fresh_database(engine).await?;
        Some(Self::spawn_configured(url, dir, configure).await)
    }

    async fn spawn_configured(url: String, dir: Option<tempfile::TempDir>, configure: impl FnOnce(AppState) -> AppState) -> TestApp {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind port 0");
        let addr = listener.local_addr().unwrap();
        let storage = tempfile::tempdir().expect("temp dir");
        let store = kla::evaluation::files::Storage::open(&storage.path().display().to_string()).expect("evidence storage");
        let state =
            configure(AppState::open(&url, 4, pantau_kla::startup::leptos_options(addr)).await.expect("open database").with_storage(store));
        let serve_state = state.clone();
        tokio::spawn(async move { pantau_kla::startup::serve(listener, serve_state).await });
        let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
        TestApp {
            base: format!("http://{addr}"),
            client,
            state,
            database_url: url,
            storage_dir: storage.path().to_path_buf(),
            _dir: dir,
            _storage: storage,
        }
    }

    pub async fn get(&self, path: &str) -> (u16, String) {
        let res = self.client.get(format!("{}{path}", self.base)).send().await.expect("request");
        let status = res.status().as_u16();
        (status, res.text().await.expect("body"))
    }

    pub async fn get_with_cookie(&self, path: &str, cookie: &str) -> (u16, String) {
        let res = self.client.get(format!("{}{path}", self.base)).header("cookie", cookie).send().await.expect("request");
        let status = res.status().as_u16();
        (status, res.text().await.expect("body"))
    }

    /// Imports a fixture file the way `pantau-kla import` does.
    pub async fn import_fixture(&self, name: &str) -> Result<usize, import::ImportError> {
        import_text(&self.state, &std::fs::read_to_string(fixture(name)).expect("fixture")).await
    }

    pub async fn import_all_fixtures(&self) {
        for f in ["training_events.csv", "service_units.csv", "predicate_records.csv"] {
            self.import_fixture(f).await.unwrap_or_else(|e| panic!("{f}: {e:?}"));
        }
    }

    pub async fn count(&self, table: &str) -> i64 {
        sqlx::query_scalar(sqlx::AssertSqlSafe(format!("select count(*) from {table}"))).fetch_one(&self.state.pool).await.unwrap()
    }
}

/// Imports a file's text the way `pantau-kla import` does (one transaction, all or nothing).
pub async fn import_text(state: &AppState, text: &str) -> Result<usize, import::ImportError> {
    let parsed = import::parse(text, &state.regions, &state.bands, Lang::En)?;
    import::write(&state.pool, &state.regions, &parsed, &kla::audit::Actor::cli(), kla::audit::Via::Cli, false, Lang::En, |_| {}).await
}

pub fn fixture(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}

/// The value of the headline figure labelled `label` (`<dt>label</dt><dd><span class="value">…`).
pub fn stat(html: &str, label: &str) -> String {
    let start = html.find(&format!("<dt>{label}</dt>")).unwrap_or_else(|| panic!("no figure {label:?} on the page"));
    let rest = &html[start..];
    let v = rest.find("<span class=\"value\">").expect("value") + "<span class=\"value\">".len();
    rest[v..v + rest[v..].find('<').unwrap()].to_string()
}

/// The note under the headline figure labelled `label`.
pub fn stat_note(html: &str, label: &str) -> String {
    let start = html.find(&format!("<dt>{label}</dt>")).unwrap_or_else(|| panic!("no figure {label:?} on the page"));
    let rest = &html[start..];
    let v = rest.find("<span class=\"note\">").expect("note") + "<span class=\"note\">".len();
    rest[v..v + rest[v..].find('<').unwrap()].to_string()
}

/// Runs a test body once per engine, as `mod NAME { sqlite, postgres }`.
#[macro_export]
macro_rules! on_both_engines {
    ($name:ident, $body:expr) => {
        mod $name {
            use super::*;
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                if let Some(app) = TestApp::spawn(Engine::Sqlite).await {
                    ($body)(app).await;
                }
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if let Some(app) = TestApp::spawn(Engine::Postgres).await {
                    ($body)(app).await;
                }
            }
        }
    };
}
