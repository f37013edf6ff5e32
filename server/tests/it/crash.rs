//! Crash safety (issue 11, item 8), on SQLite and PostgreSQL: the real server is killed with SIGKILL in
//! the middle of a 100,000-row web import and in the middle of a burst of concurrent form writes, then
//! restarted on the same database. The database must be consistent (SQLite `integrity_check` and
//! `foreign_key_check`; on both, every record with its audit entry), the import wholly absent, and every
//! write that was acknowledged (303) present. The CLI import is killed the same way.

use crate::common::process::{Server, add_user, bin, csrf_of, sign_in_at};
use crate::common::{Engine, fresh_database};
use sqlx::Connection;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Rows in the import that is interrupted: the benchmark's import size.
const IMPORT_ROWS: usize = 100_000;
/// The bound for anything the test waits on (a debug build on a shared 2-core machine).
const EVENTUALLY: Duration = Duration::from_secs(240);

/// A training-events CSV of `n` valid rows over the real kab/kota codes (the shape of
/// scripts/bench/events.awk), every title marked `tag`.
fn events_csv(n: usize, tag: &str) -> String {
    let registry = std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../kla/data/regions.csv")).unwrap();
    let codes: Vec<&str> =
        registry.lines().filter(|l| l.split(',').nth(2) == Some("regency")).map(|l| l.split(',').next().unwrap()).collect();
    let mut csv = String::from(
        "organiser_code,title,kind,start_date,end_date,venue,mode,participants_offline,participants_online,institutions,participants_by_regency,participants_by_kind,pre_test_mean,post_test_mean,certificate_issuer,source_url\n",
    );
    for i in 0..n {
        let code = codes[i * 7919 % codes.len()];
        let (year, month, day) = (2018 + i % 8, 1 + i % 12, 1 + i % 26);
        csv.push_str(&format!(
            "{code},Bimtek KHA {tag} {i},pelatihan,{year:04}-{month:02}-{day:02},{year:04}-{month:02}-{day:02},Aula DP3A,luring,{},0,{},,,,,DP3A {code},\n",
            10 + i % 60,
            1 + i % 40
        ));
    }
    csv
}

async fn connect(url: &str) -> sqlx::AnyConnection {
    sqlx::any::install_default_drivers();
    sqlx::AnyConnection::connect(url).await.expect("connect to the test database")
}

async fn scalar(url: &str, sql: &str) -> i64 {
    let mut c = connect(url).await;
    let v = sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_string())).fetch_one(&mut c).await.unwrap();
    c.close().await.ok();
    v
}

/// Bytes written into the database while the import runs before the kill: a fifth or so of the import,
/// well after its first batch (a write committed batch by batch would be caught half-way).
const WRITTEN_BEFORE_KILL: u64 = 4_000_000;

/// How much the database holds on disk, committed or not: on SQLite the file and its write-ahead log
/// (uncommitted pages spill into the log), on PostgreSQL the training-events table with its indexes
/// (uncommitted rows are written to its pages too).
async fn stored_bytes(engine: Engine, url: &str) -> u64 {
    match engine {
        Engine::Sqlite => {
            let path = sqlite_path(url);
            let size = |p: String| std::fs::metadata(p).map_or(0, |m| m.len());
            size(path.to_string()) + size(format!("{path}-wal"))
        }
        Engine::Postgres => scalar(url, "select pg_total_relation_size('training_events')::bigint").await as u64,
    }
}

/// Whether the import's write is well under way.
async fn writing(engine: Engine, url: &str, from: u64) -> bool {
    stored_bytes(engine, url).await > from + WRITTEN_BEFORE_KILL
}

fn sqlite_path(url: &str) -> &str {
    url.strip_prefix("sqlite:").unwrap().split('?').next().unwrap()
}

/// The database is sound after the crash: SQLite's own checks, and on both engines no training event
/// without its audit entry or audit entry without its event.
async fn assert_consistent(engine: Engine, url: &str) {
    if engine == Engine::Sqlite {
        let mut c = connect(url).await;
        let check: String = sqlx::query_scalar("pragma integrity_check").fetch_one(&mut c).await.unwrap();
        assert_eq!(check, "ok");
        let fk: Vec<(String, i64)> =
            sqlx::query_as("select \"table\", rowid from pragma_foreign_key_check").fetch_all(&mut c).await.unwrap();
        assert!(fk.is_empty(), "foreign keys hold: {fk:?}");
        c.close().await.ok();
    }
    let orphans = scalar(
        url,
        "select count(*) from training_events e where not exists (select 1 from audit_log a where a.entity = 'training_event' and a.record_id = e.id and a.action = 'create')",
    )
    .await;
    assert_eq!(orphans, 0, "every training event has its audit entry");
    let dangling = scalar(
        url,
        "select count(*) from audit_log a where a.entity = 'training_event' and a.action = 'create' and not exists (select 1 from training_events e where e.id = a.record_id)",
    )
    .await;
    assert_eq!(dangling, 0, "no audit entry of an event that is not there");
}

async fn until(what: &str, mut check: impl AsyncFnMut() -> bool) {
    let deadline = tokio::time::Instant::now() + EVENTUALLY;
    while !check().await {
        assert!(tokio::time::Instant::now() < deadline, "{what} did not happen in time");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

async fn killed_mid_import(engine: Engine) {
    let Some((url, _dir)) = fresh_database(engine).await else { return };
    add_user(&url, "admin-kla", "admin", None);
    let mut server = Server::start(&url, &[]);
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let cookie = sign_in_at(&client, &server.base, "admin-kla").await;

    // Upload and preview: the file waits as a draft.
    let form = reqwest::multipart::Form::new()
        .text("csrf", csrf_of(&client, &server.base, &cookie).await)
        .part("file", reqwest::multipart::Part::bytes(events_csv(IMPORT_ROWS, "impor").into_bytes()).file_name("kegiatan.csv"));
    let res = client.post(format!("{}/kelola/impor", server.base)).header("cookie", &cookie).multipart(form).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 200);
    let html = res.text().await.unwrap();
    let at = html.find("name=\"draft\" value=\"").expect("a draft to confirm") + "name=\"draft\" value=\"".len();
    let draft = html[at..at + 64].to_string();

    // The preview wrote the rows and rolled them back: on SQLite the WAL kept those frames, and the
    // confirmation would write over them before the files grow. Emptied, growth measures the confirmation.
    if engine == Engine::Sqlite {
        sqlx::query("pragma wal_checkpoint(TRUNCATE)").execute(&mut connect(&url).await).await.unwrap();
    }
    // Confirm, and kill the server while the import's transaction is being written.
    let from = stored_bytes(engine, &url).await;
    let csrf = csrf_of(&client, &server.base, &cookie).await;
    let confirm = {
        let (client, base, cookie) = (client.clone(), server.base.clone(), cookie.clone());
        tokio::spawn(async move {
            client
                .post(format!("{base}/kelola/impor/simpan"))
                .header("cookie", cookie)
                .form(&[("csrf", csrf), ("draft", draft)])
                .send()
                .await
                .map(|r| r.status().as_u16())
        })
    };
    until("the import's write", async || writing(engine, &url, from).await).await;
    server.kill();
    let answer = confirm.await.unwrap();
    assert!(answer.is_err(), "the import was not acknowledged (killed mid-write), got {answer:?}");

    let server = Server::start(&url, &[]);
    assert_consistent(engine, &url).await;
    assert_eq!(scalar(&url, "select count(*) from training_events").await, 0, "the import is wholly absent");
    assert_eq!(scalar(&url, "select count(*) from audit_log where entity = 'training_event'").await, 0);
    let res = client.get(format!("{}/", server.base)).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 200, "the restarted server serves");
}

async fn killed_mid_burst(engine: Engine) {
    const WRITERS: usize = 16;
    const KILL_AFTER: usize = 40;
    let Some((url, _dir)) = fresh_database(engine).await else { return };
    add_user(&url, "dp3a-tanahbumbu", "regency", Some("63.10"));
    let mut server = Server::start(&url, &[]);
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let cookie = sign_in_at(&client, &server.base, "dp3a-tanahbumbu").await;
    let csrf = csrf_of(&client, &server.base, &cookie).await;

    let acknowledged = Arc::new(Mutex::new(Vec::<String>::new()));
    let writers: Vec<_> = (0..WRITERS)
        .map(|w| {
            let (client, base, cookie, csrf, acknowledged) =
                (client.clone(), server.base.clone(), cookie.clone(), csrf.clone(), acknowledged.clone());
            tokio::spawn(async move {
                for i in 0.. {
                    let title = format!("Burst {w}-{i}");
                    let form = [
                        ("csrf", csrf.as_str()),
                        ("organiser_code", "63.10"),
                        ("title", &title),
                        ("kind", "pelatihan"),
                        ("start_date", "2026-03-10"),
                        ("end_date", "2026-03-12"),
                        ("mode", "luring"),
                        ("participants_offline", "40"),
                        ("participants_online", "0"),
                        ("institutions", "12"),
                    ];
                    match client.post(format!("{base}/kelola/kegiatan/baru")).header("cookie", &cookie).form(&form).send().await {
                        Ok(r) if r.status().as_u16() == 303 => acknowledged.lock().unwrap().push(title),
                        Ok(r) => panic!("a form write was refused: {}", r.status()),
                        Err(_) => return,
                    }
                }
            })
        })
        .collect();
    until("the first acknowledged writes", async || acknowledged.lock().unwrap().len() >= KILL_AFTER).await;
    server.kill();
    for w in writers {
        w.await.unwrap();
    }
    let acknowledged = acknowledged.lock().unwrap().clone();

    let _server = Server::start(&url, &[]);
    assert_consistent(engine, &url).await;
    let mut c = connect(&url).await;
    let stored: Vec<String> = sqlx::query_scalar("select title from training_events").fetch_all(&mut c).await.unwrap();
    c.close().await.ok();
    for title in &acknowledged {
        assert_eq!(stored.iter().filter(|t| *t == title).count(), 1, "the acknowledged write {title} is present once");
    }
    assert!(stored.len() >= acknowledged.len());
}

/// `pantau-kla import` killed while writing: nothing of the file is in the database.
async fn cli_import_killed_mid_write(engine: Engine) {
    let Some((url, _dir)) = fresh_database(engine).await else { return };
    let files = tempfile::tempdir().unwrap();
    let file = files.path().join("kegiatan.csv");
    std::fs::write(&file, events_csv(IMPORT_ROWS, "cli")).unwrap();
    // Migrations first, so the baseline is taken after them.
    assert!(bin().args(["instrument", "list"]).env("DATABASE_URL", &url).env("RUST_LOG", "warn").output().unwrap().status.success());
    let from = stored_bytes(engine, &url).await;
    let mut import = bin()
        .arg("import")
        .arg(&file)
        .env("DATABASE_URL", &url)
        .env("RUST_LOG", "warn")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    until("the CLI import's write", async || writing(engine, &url, from).await).await;
    import.kill().unwrap();
    let status = import.wait().unwrap();
    assert!(!status.success(), "killed before it finished");
    // Opening the database again recovers it (SQLite rolls back the unfinished transaction).
    assert!(bin().args(["instrument", "list"]).env("DATABASE_URL", &url).env("RUST_LOG", "warn").output().unwrap().status.success());
    assert_consistent(engine, &url).await;
    assert_eq!(scalar(&url, "select count(*) from training_events").await, 0, "the import is wholly absent");
}

macro_rules! both {
    ($name:ident) => {
        mod $name {
            use super::*;
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$name(Engine::Sqlite).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                super::$name(Engine::Postgres).await
            }
        }
    };
}

both!(killed_mid_import);
both!(killed_mid_burst);
both!(cli_import_killed_mid_write);
