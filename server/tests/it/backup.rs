//! `pantau-kla backup` (issue 11, item 9): a backup taken while the server serves and writes is a
//! consistent database with every document its rows refer to; served as it is, it shows the same pages and
//! the same document bytes. PostgreSQL, S3 and an existing folder are refused with a pointer to the
//! documented procedure.

use crate::common::officer::{Officer, add_user, sign_in};
use crate::common::process::{Server, bin, sign_in_at};
use crate::common::{Engine, TestApp};
use std::sync::atomic::{AtomicBool, Ordering};

const SHEET: &str = "/kelola/evaluasi/2025/63.10";

fn pdf(text: &str, filler: usize) -> Vec<u8> {
    let mut b = format!("%PDF-1.4\n% {text}\n1 0 obj << /Type /Catalog >> endobj\n").into_bytes();
    b.extend((0..filler).map(|i| b'a' + (i * 7 % 26) as u8));
    b.extend_from_slice(b"\ntrailer << /Root 1 0 R >>\n%%EOF\n");
    b
}

async fn item_id(app: &TestApp, code: &str) -> i64 {
    sqlx::query_scalar("select id from evidence_items where code = $1").bind(code).fetch_one(&app.state.pool).await.unwrap()
}

async fn upload(o: &Officer<'_>, item: i64, name: &str, bytes: Vec<u8>) -> u16 {
    let form = reqwest::multipart::Form::new()
        .text("csrf", o.csrf().await)
        .text("scope", item.to_string())
        .text("item", item.to_string())
        .text("doc_year", "2024")
        .part("file", reqwest::multipart::Part::bytes(bytes).file_name(name.to_string()));
    o.app
        .client
        .post(format!("{}{SHEET}/2/unggah", o.app.base))
        .header("cookie", &o.cookie)
        .multipart(form)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

fn event(title: &str) -> Vec<(&'static str, String)> {
    vec![
        ("organiser_code", "63.10".into()),
        ("title", title.to_string()),
        ("kind", "pelatihan".into()),
        ("start_date", "2026-03-10".into()),
        ("end_date", "2026-03-12".into()),
        ("mode", "luring".into()),
        ("participants_offline", "40".into()),
        ("participants_online", "0".into()),
        ("institutions", "12".into()),
    ]
}

async fn create_event(o: &Officer<'_>, title: &str) -> bool {
    let fields = event(title);
    let refs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    o.post("/kelola/kegiatan/baru", &refs).await.0 == 303
}

async fn body(client: &reqwest::Client, url: &str, cookie: Option<&str>) -> (u16, Vec<u8>) {
    let mut req = client.get(url);
    if let Some(c) = cookie {
        req = req.header("cookie", c);
    }
    let res = req.send().await.unwrap();
    (res.status().as_u16(), res.bytes().await.unwrap().to_vec())
}

/// A page without the per-render script nonces Leptos adds after `</html>`.
fn without_nonces(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(at) = rest.find("nonce=\"") {
        out.push_str(&rest[..at]);
        let after = &rest[at + "nonce=\"".len()..];
        rest = after.find('"').map_or("", |end| &after[end + 1..]);
    }
    out.push_str(rest);
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_taken_while_writing_serves_the_same_pages_and_documents() {
    let app = TestApp::spawn(Engine::Sqlite).await.unwrap();
    app.import_all_fixtures().await;
    add_user(&app, "admin-kla", "admin", None).await;
    add_user(&app, "dp3a-tanahbumbu", "regency", Some("63.10")).await;
    let admin = sign_in(&app, "admin-kla").await;
    let cycle = [
        ("scope", "cycle"),
        ("award_year", "2025"),
        ("data_year", "2024"),
        ("instrument", "permen-pppa-12-2022"),
        ("self_deadline", "2025-03-31"),
        ("verify_deadline", "2025-04-30"),
    ];
    assert_eq!(admin.post("/kelola/evaluasi/siklus", &cycle).await.0, 303);
    let dp3a = sign_in(&app, "dp3a-tanahbumbu").await;
    let item = item_id(&app, "2.a").await;
    for (i, size) in [100, 300_000, 2_000_000].into_iter().enumerate() {
        assert_eq!(upload(&dp3a, item, &format!("SK {i}.pdf"), pdf(&format!("SK {i}"), size)).await, 303);
    }
    let public_id: i64 = sqlx::query_scalar("select min(id) from evidence_files").fetch_one(&app.state.pool).await.unwrap();
    assert_eq!(dp3a.post(&format!("/kelola/bukti/{public_id}/publik"), &[("public", "1")]).await.0, 303);
    for i in 0..5 {
        assert!(create_event(&dp3a, &format!("Sebelum cadangan {i}")).await);
    }

    // The backup runs while the officer keeps writing records and documents.
    let dir = tempfile::tempdir().unwrap();
    let dest = dir.path().join("cadangan-2026-11-29");
    let done = AtomicBool::new(false);
    let backup = async {
        let (url, storage, dest) = (app.database_url.clone(), app.storage_dir.clone(), dest.clone());
        let out = tokio::task::spawn_blocking(move || {
            bin().arg("backup").arg(&dest).env("DATABASE_URL", url).env("PANTAU_STORAGE", storage).env("RUST_LOG", "warn").output().unwrap()
        })
        .await
        .unwrap();
        done.store(true, Ordering::SeqCst);
        out
    };
    let writer = async {
        let mut n = 0;
        while !done.load(Ordering::SeqCst) || n < 3 {
            assert!(create_event(&dp3a, &format!("Selama cadangan {n}")).await);
            if n % 3 == 0 {
                assert_eq!(upload(&dp3a, item, &format!("Selama {n}.pdf"), pdf(&format!("selama {n}"), 50_000)).await, 303);
            }
            n += 1;
        }
        n
    };
    let (out, written) = tokio::join!(backup, writer);
    assert!(out.status.success(), "backup: {}", String::from_utf8_lossy(&out.stderr));
    let said = String::from_utf8(out.stdout).unwrap();
    assert!(said.contains("evidence document(s)") && said.contains("serve it with DATABASE_URL=sqlite:"), "{said}");
    assert!(written >= 3);
    assert!(
        !std::fs::read_dir(dir.path()).unwrap().flatten().any(|e| e.file_name().to_string_lossy().contains("partial")),
        "no work folder is left"
    );

    // The copy is sound: every record that was acknowledged before the backup began, each record whole
    // with its audit entry, and nothing half-written.
    let copy_url = format!("sqlite:{}", dest.join("pantau-kla.db").display());
    {
        use sqlx::Connection;
        let mut copy = sqlx::AnyConnection::connect(&copy_url).await.unwrap();
        let check: String = sqlx::query_scalar("pragma integrity_check").fetch_one(&mut copy).await.unwrap();
        assert_eq!(check, "ok");
        let fk: Vec<(String, i64)> =
            sqlx::query_as("select \"table\", rowid from pragma_foreign_key_check").fetch_all(&mut copy).await.unwrap();
        assert!(fk.is_empty(), "{fk:?}");
        let before: i64 = sqlx::query_scalar("select count(*) from training_events where title like 'Sebelum cadangan %'")
            .fetch_one(&mut copy)
            .await
            .unwrap();
        assert_eq!(before, 5);
        let (events, audited): (i64, i64) = sqlx::query_as(
            "select count(*), (select count(*) from audit_log a where a.entity = 'training_event' and a.record_id in (select id from training_events where title like 'Selama cadangan %')) from training_events where title like 'Selama cadangan %'",
        )
        .fetch_one(&mut copy)
        .await
        .unwrap();
        assert_eq!(events, audited, "each record copied with its audit entry");
        copy.close().await.unwrap();
    }

    // Served as it is (documents found in bukti/ beside the database by default).
    let restored = Server::start(&copy_url, &[]);
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    for page in ["/kabkota/63.72", "/provinsi/62", "/kabkota/35.07?lang=en", "/cari?q=banjar"] {
        let (status, original) = app.get(page).await;
        let (again, copy) = body(&client, &format!("{}{page}", restored.base), None).await;
        assert_eq!((status, again), (200, 200), "{page}");
        let (original, copy) = (without_nonces(&original), without_nonces(&String::from_utf8(copy).unwrap()));
        if original != copy {
            let at = original.bytes().zip(copy.bytes()).position(|(a, b)| a != b).unwrap_or(original.len().min(copy.len()));
            let from = at.saturating_sub(300);
            panic!(
                "{page} differs from the backup's at byte {at}:\n{}\n---\n{}",
                &original[from..(at + 300).min(original.len())],
                &copy[from..(at + 300).min(copy.len())]
            );
        }
    }
    let (status, public) = body(&client, &format!("{}/bukti/{public_id}", restored.base), None).await;
    assert_eq!((status, public), (200, pdf("SK 0", 100)));
    let cookie = sign_in_at(&client, &restored.base, "dp3a-tanahbumbu").await;
    let ids: Vec<i64> = {
        use sqlx::Connection;
        let mut copy = sqlx::AnyConnection::connect(&copy_url).await.unwrap();
        sqlx::query_scalar("select id from evidence_files order by id").fetch_all(&mut copy).await.unwrap()
    };
    assert!(ids.len() >= 3, "the documents uploaded before the backup, and any committed during it: {ids:?}");
    for id in ids {
        let (s1, original) = body(&app.client, &format!("{}/kelola/bukti/{id}", app.base), Some(&dp3a.cookie)).await;
        let (s2, copy) = body(&client, &format!("{}/kelola/bukti/{id}", restored.base), Some(&cookie)).await;
        assert_eq!((s1, s2), (200, 200), "document {id}");
        assert!(original == copy, "document {id} is byte-identical");
    }
}

#[test]
fn postgres_s3_and_an_existing_folder_are_refused_with_the_procedure() {
    let dir = tempfile::tempdir().unwrap();
    let run = |url: &str, storage: Option<&str>, dest: &std::path::Path| {
        let mut cmd = bin();
        cmd.arg("backup").arg(dest).env("DATABASE_URL", url).env("RUST_LOG", "warn").env_remove("PANTAU_STORAGE");
        if let Some(s) = storage {
            cmd.env("PANTAU_STORAGE", s);
        }
        let out = cmd.output().unwrap();
        assert!(!out.status.success());
        String::from_utf8(out.stderr).unwrap()
    };
    let dest = dir.path().join("cadangan");
    let err = run("postgres://kla:rahasia@db:5432/kla", None, &dest);
    assert!(err.contains("pg_dump") && err.contains("docs/backup.md") && !err.contains("rahasia"), "{err}");
    let db = format!("sqlite:{}", dir.path().join("kla.db").display());
    let err = run(&db, None, &dest);
    assert!(err.contains("there is no database at"), "{err}");
    // A real database, then an S3 store and an occupied folder.
    let out = bin().args(["instrument", "list"]).env("DATABASE_URL", &db).env("RUST_LOG", "warn").output().unwrap();
    assert!(out.status.success());
    let err = run(&db, Some("s3://bukti-kla/prod"), &dest);
    assert!(err.contains("S3") && err.contains("docs/backup.md"), "{err}");
    std::fs::create_dir_all(&dest).unwrap();
    std::fs::write(dest.join("lain.txt"), "x").unwrap();
    let err = run(&db, None, &dest);
    assert!(err.contains("already exists and is not an empty folder"), "{err}");
    assert!(!dir.path().join("cadangan").join("pantau-kla.db").exists());
}
