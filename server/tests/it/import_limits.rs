//! Imports under hostile files and careless users (issue 11): every file that would take unbounded memory
//! or work is refused with a message naming the limit — by the real binary too, whose peak memory is read
//! from /proc — a preview of many bad rows stays small, CSV exports neutralise formulas and import them
//! back unchanged, and one user's drafts are capped.

use crate::common::officer::{PASSWORD, add_user, sign_in};
use crate::common::{Engine, TestApp};
use kla::spreadsheet::{self, hostile};
use std::io::{BufRead, Write};
use std::process::{Command, Stdio};

fn units_csv(rows: &[&str]) -> Vec<u8> {
    let mut s = String::from("regency_code,kind,name,total_staff,certified_staff,latest_certificate_year,certificate_issuer\n");
    for r in rows {
        s.push_str(r);
        s.push('\n');
    }
    s.into_bytes()
}

on_both_engines!(a_formula_typed_by_a_regency_is_neutralised_in_the_export_and_imports_back_unchanged, |app: TestApp| async move {
    add_user(&app, "rina", "regency", Some("63.10")).await;
    let rina = sign_in(&app, "rina").await;
    let title = "=HYPERLINK(\"http://x.example\",\"klik\")";
    let file = units_csv(&[&format!("63.10,paud,\"{}\",4,2,2025,-DP3A", title.replace('"', "\"\""))]);
    assert_eq!(rina.import("unit.csv", file).await.0, 303);
    let stored: String = sqlx::query_scalar("select name from service_units").fetch_one(&app.state.pool).await.unwrap();
    assert_eq!(stored, title);

    let get = |path: &'static str| {
        let (client, base, cookie) = (app.client.clone(), app.base.clone(), rina.cookie.clone());
        async move { client.get(format!("{base}{path}")).header("cookie", cookie).send().await.unwrap().bytes().await.unwrap().to_vec() }
    };
    let csv = String::from_utf8(get("/kelola/ekspor/unit.csv").await).unwrap();
    assert!(csv.contains("\"'=HYPERLINK(\"\"http://x.example\"\",\"\"klik\"\")\""), "{csv}");
    assert!(csv.contains(",4,2,2025,'-DP3A"), "numbers stay numbers, a text after '-' is neutralised: {csv}");
    // The XLSX keeps the text as typed, as a text cell.
    let xlsx = get("/kelola/ekspor/unit.xlsx").await;
    let text = spreadsheet::to_csv_text(&xlsx, spreadsheet::Limits::default()).unwrap();
    assert!(text.contains("HYPERLINK"), "{text}");

    // The export, as Excel saves it again, imports back to the same values: imported with "update", its
    // row is the stored record unchanged; without its id column, it adds the same record again.
    let (status, html) = rina.upload_as("unit-edited.csv", csv.clone().into_bytes(), "update").await;
    assert_eq!(status, 200);
    assert!(html.contains("0 ditambah, 0 diubah, 1 tidak berubah"), "{}", &html[html.find("<main").unwrap()..]);
    sqlx::query("delete from service_units").execute(&app.state.pool).await.unwrap();
    let without_id: String = csv.lines().map(|l| format!("{}\n", l.split_once(',').unwrap().1)).collect();
    assert_eq!(rina.import("unit-edited.csv", without_id.into_bytes()).await.0, 303);
    let (name, issuer): (String, String) =
        sqlx::query_as("select name, certificate_issuer from service_units").fetch_one(&app.state.pool).await.unwrap();
    assert_eq!((name.as_str(), issuer.as_str()), (title, "-DP3A"));
});

on_both_engines!(a_preview_of_many_bad_rows_lists_the_first_and_counts_the_rest, |app: TestApp| async move {
    add_user(&app, "rina", "regency", Some("63.10")).await;
    let rina = sign_in(&app, "rina").await;
    assert!(rina.get("/kelola/impor").await.1.contains("dan 100.000 baris data"), "the form names the limits");
    let (status, html) = rina.upload("buruk.csv", hostile::bad_rows_csv(50_000)).await;
    assert_eq!(status, 422);
    let listed = html.matches("<th scope=\"row\">").count();
    assert_eq!(listed, kla::import::MAX_ROW_ERRORS);
    assert!(html.contains("galat lainnya"), "the rest are counted");
    assert!(html.len() < 200_000, "the page stays small: {} bytes", html.len());
    // A file beyond the row limit is refused as a whole, naming the limit.
    let (status, html) = rina.upload("besar.csv", hostile::bad_rows_csv(180_000)).await;
    assert_eq!(status, 422);
    assert!(
        html.contains("lebih dari 100.000 baris data"),
        "{}",
        &html[html.find("<main").unwrap_or(0)..].chars().take(2000).collect::<String>()
    );
});

on_both_engines!(an_upload_cut_off_is_told_so_not_called_too_large, |app: TestApp| async move {
    add_user(&app, "rina", "regency", Some("63.10")).await;
    let rina = sign_in(&app, "rina").await;
    let csrf = rina.csrf().await;
    // A weak network drops the connection mid-file: the body ends without its closing boundary.
    let body = format!(
        "--X\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n--X\r\nContent-Disposition: form-data; \
         name=\"file\"; filename=\"unit.csv\"\r\n\r\nregency_code,kind,name,total_staff"
    );
    let res = app
        .client
        .post(format!("{}/kelola/impor", app.base))
        .header("cookie", &rina.cookie)
        .header("content-type", "multipart/form-data; boundary=X")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 400);
    let html = res.text().await.unwrap();
    assert!(
        html.contains("unggahan terputus sebelum selesai"),
        "{}",
        &html[html.find("<main").unwrap_or(0)..].chars().take(1500).collect::<String>()
    );
    let drafts: i64 = sqlx::query_scalar("select count(*) from import_drafts").fetch_one(&app.state.pool).await.unwrap();
    assert_eq!(drafts, 0, "nothing kept");
});

on_both_engines!(drafts_per_user_are_capped_and_expired_ones_swept, |app: TestApp| async move {
    let app = TestApp::spawn_on_with(app.database_url.clone(), |mut s| {
        s.import.max_drafts = 2;
        s
    })
    .await;
    add_user(&app, "rina", "regency", Some("63.10")).await;
    add_user(&app, "budi", "regency", Some("63.10")).await;
    let rina = sign_in(&app, "rina").await;
    let good = || units_csv(&["63.10,paud,PAUD Melati,4,2,2025,DP3A"]);
    for _ in 0..2 {
        assert_eq!(rina.upload("unit.csv", good()).await.0, 200);
    }
    let (status, html) = rina.upload("unit.csv", good()).await;
    assert_eq!(status, 429);
    assert!(
        html.contains("sudah memiliki 2 berkas"),
        "{}",
        &html[html.find("<main").unwrap_or(0)..].chars().take(2000).collect::<String>()
    );
    let drafts: i64 = sqlx::query_scalar("select count(*) from import_drafts").fetch_one(&app.state.pool).await.unwrap();
    assert_eq!(drafts, 2, "nothing more was stored");
    // Another user is not held up by rina's drafts.
    assert_eq!(sign_in(&app, "budi").await.upload("unit.csv", good()).await.0, 200);
    // Expired drafts no longer count, and are swept.
    sqlx::query("update import_drafts set created_at = created_at - 7200").execute(&app.state.pool).await.unwrap();
    assert_eq!(rina.upload("unit.csv", good()).await.0, 200);
    let drafts: i64 = sqlx::query_scalar("select count(*) from import_drafts").fetch_one(&app.state.pool).await.unwrap();
    assert_eq!(drafts, 1);
});

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_pantau-kla"))
}

/// The peak resident memory of a running process so far, in bytes.
fn peak_rss(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("/proc/PID/status");
    let line = status.lines().find(|l| l.starts_with("VmHWM:")).expect("VmHWM");
    line.split_whitespace().nth(1).unwrap().parse::<u64>().unwrap() * 1024
}

/// Each hostile file, and a word of the refusal it must get (in Indonesian, the default).
fn hostile_files() -> Vec<(&'static str, Vec<u8>, &'static str)> {
    vec![
        // The declared size A1:XFD1048576 is harmless (cells are read one by one): the file is read, and
        // refused only because its one header cell matches no template.
        ("dimensi.xlsx", hostile::dimension_bomb(), "Baris judul tidak cocok dengan templat"),
        ("sel-jauh.xlsx", hostile::far_cell(), "lebih dari 100.000 baris data"),
        ("bom.xlsx", hostile::zip_bomb(spreadsheet::MAX_UNPACKED_BYTES + 1024 * 1024), "setelah dibuka"),
        ("teks.xlsx", hostile::huge_unique_count(), "lebih dari 1.000.000 teks"),
        ("bagian.xlsx", hostile::many_parts(240_000), "lebih dari 1.000 bagian"),
        ("gaya.xlsx", hostile::many_styles(1_600_000), "lebih dari 200.000 elemen"),
        ("sel-panjang.xlsx", hostile::long_cell(4 * 1024 * 1024), "lebih panjang dari 1.024 KB"),
        ("sejuta.xlsx", hostile::many_rows(1_048_575), "lebih dari 100.000 baris data"),
        ("buruk.csv", hostile::bad_rows_csv(180_000), "lebih dari 100.000 baris data"),
        ("buruk-sedikit.csv", hostile::bad_rows_csv(99_000), "galat lainnya"),
    ]
}

/// The release situation: the real binary serving, an officer uploading every hostile file. Each is
/// refused with its message, and the server's peak memory stays within 256 MB of its idle peak.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_served_binary_refuses_hostile_files_within_256_mb() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite:{}", dir.path().join("rss.db").display());
    let mut add = bin()
        .args(["user", "add", "rina", "--role", "regency", "--region", "63.10", "--password-stdin"])
        .env("DATABASE_URL", &db)
        .env("RUST_LOG", "warn")
        .stdin(Stdio::piped())
        .spawn()
        .unwrap();
    writeln!(add.stdin.take().unwrap(), "{PASSWORD}").unwrap();
    assert!(add.wait().unwrap().success());
    let mut server = bin()
        .args(["serve", "--addr", "127.0.0.1:0"])
        .env("DATABASE_URL", &db)
        .env("RUST_LOG", "info")
        .env("NO_COLOR", "1")
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let pid = server.id();
    let mut log = std::io::BufReader::new(server.stderr.take().unwrap());
    let base = loop {
        let mut line = String::new();
        assert!(log.read_line(&mut line).unwrap() > 0, "the server stopped before listening");
        if let Some(at) = line.find("listening on http://") {
            break line[at + "listening on ".len()..].split_whitespace().next().unwrap().to_string();
        }
    };
    // Keep reading the log so the server never blocks on a full pipe.
    std::thread::spawn(move || for _ in log.lines() {});

    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let res = client.get(format!("{base}/masuk")).send().await.unwrap();
    let anon = crate::common::officer::cookie_value(&crate::common::officer::set_cookie(&res, "kla_csrf").unwrap());
    let csrf = crate::common::officer::csrf_in(&res.text().await.unwrap());
    let res = client
        .post(format!("{base}/masuk"))
        .header("cookie", anon)
        .form(&[("csrf", csrf.as_str()), ("username", "rina"), ("password", PASSWORD), ("kembali", "/kelola")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 303);
    let cookie = crate::common::officer::cookie_value(&crate::common::officer::set_cookie(&res, "kla_sesi").unwrap());
    let page = client.get(format!("{base}/kelola/impor")).header("cookie", &cookie).send().await.unwrap().text().await.unwrap();
    let csrf = crate::common::officer::csrf_in(&page);
    // A clean upload first, so the idle peak includes what any import costs.
    let upload = |name: &'static str, bytes: Vec<u8>| {
        let form =
            reqwest::multipart::Form::new().text("csrf", csrf.clone()).part("file", reqwest::multipart::Part::bytes(bytes).file_name(name));
        client.post(format!("{base}/kelola/impor")).header("cookie", &cookie).multipart(form).send()
    };
    let res = upload("unit.csv", units_csv(&["63.10,paud,PAUD Melati,4,2,2025,DP3A"])).await.unwrap();
    assert_eq!(res.status().as_u16(), 200);
    let idle = peak_rss(pid);

    for (name, bytes, refusal) in hostile_files() {
        let res = upload(name, bytes).await.unwrap();
        let status = res.status().as_u16();
        let html = res.text().await.unwrap();
        assert_eq!(status, 422, "{name}");
        assert!(html.contains(refusal), "{name}: {}", &html[html.find("<main").unwrap_or(0)..].chars().take(1500).collect::<String>());
        assert!(html.len() < 200_000, "{name}: a page of {} bytes", html.len());
        eprintln!("{name}: peak so far {} MB", peak_rss(pid) >> 20);
    }
    let peak = peak_rss(pid);
    // The server is still there to read from, and answers.
    assert_eq!(client.get(format!("{base}/")).send().await.unwrap().status().as_u16(), 200);
    server.kill().unwrap();
    server.wait().unwrap();
    let grown = peak.saturating_sub(idle);
    eprintln!("idle peak {} MB, peak {} MB", idle >> 20, peak >> 20);
    assert!(grown < 256 * 1024 * 1024, "the server grew by {} MB", grown >> 20);
}

/// `pantau-kla import` reads through the same limits: each hostile file is refused, naming the limit, and
/// nothing is written.
#[test]
fn the_import_command_refuses_hostile_files() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite:{}", dir.path().join("cli.db").display());
    for (name, bytes, _) in hostile_files() {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        let out = bin().args(["import", "--lang", "en"]).arg(&path).env("DATABASE_URL", &db).env("RUST_LOG", "warn").output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{name}");
        assert!(err.contains("nothing was imported"), "{name}: {err}");
        let expected = match name {
            "dimensi.xlsx" => "the header names no known record",
            "bom.xlsx" => "unpacks to more than 256 MB",
            "teks.xlsx" => "more than 1000000 shared strings",
            "bagian.xlsx" => "more than 1000 parts",
            "gaya.xlsx" => "more than 200000 elements",
            "sel-panjang.xlsx" => "longer than 1024 KB",
            "buruk-sedikit.csv" => "more error(s)",
            _ => "more than 100000 data rows",
        };
        assert!(err.contains(expected), "{name}: {}", err.chars().take(2000).collect::<String>());
        assert!(err.lines().count() < 300, "{name}: the errors listed are capped");
    }
    let out = bin()
        .args(["import", "--lang", "en", "--import-max-rows", "2"])
        .arg(crate::common::fixture("service_units.csv"))
        .env("DATABASE_URL", &db)
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains("more than 2 data rows"));
}

on_both_engines!(a_confirmation_sent_twice_imports_once, |app: TestApp| async move {
    crate::common::officer::add_user(&app, "rina", "regency", Some("63.10")).await;
    let rina = crate::common::officer::sign_in(&app, "rina").await;
    let csv = std::fs::read(crate::common::fixture("training_events.csv")).unwrap();
    let csv = String::from_utf8(csv).unwrap();
    // Only 63.10's rows: what this officer may import.
    let mut lines = csv.lines();
    let mut file = format!("{}\n", lines.next().unwrap());
    for l in lines.filter(|l| l.starts_with("63.10,")) {
        file.push_str(l);
        file.push('\n');
    }
    let (status, html) = rina.upload("kegiatan.csv", file.into_bytes()).await;
    assert_eq!(status, 200);
    let at = html.find("name=\"draft\" value=\"").expect("a draft") + "name=\"draft\" value=\"".len();
    let draft = html[at..at + 64].to_string();
    let before: i64 = sqlx::query_scalar("select count(*) from training_events").fetch_one(&app.state.pool).await.unwrap();
    // A double click: the same confirmation twice at once.
    let fields = [("draft", draft.as_str())];
    let (a, b) = tokio::join!(rina.post("/kelola/impor/simpan", &fields), rina.post("/kelola/impor/simpan", &fields));
    let mut statuses = [a.0, b.0];
    statuses.sort();
    assert_eq!(statuses, [303, 410], "one import, one 'already gone'");
    let after: i64 = sqlx::query_scalar("select count(*) from training_events").fetch_one(&app.state.pool).await.unwrap();
    let imported: i64 = sqlx::query_scalar("select count(*) from audit_log where via = 'import'").fetch_one(&app.state.pool).await.unwrap();
    assert_eq!(after - before, imported, "every imported row once, with its audit entry");
    assert!(imported > 0);
    let drafts: i64 = sqlx::query_scalar("select count(*) from import_drafts").fetch_one(&app.state.pool).await.unwrap();
    assert_eq!(drafts, 0);
});
