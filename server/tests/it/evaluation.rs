//! Evaluation preparation through the real server, on SQLite and PostgreSQL: evidence uploads (good, too
//! large, wrong type by content, cut off mid-way), the submit → verify/reject → follow-up → re-submit cycle
//! with the score ledger and the audit trail, the public view, the evidence pack, role scoping of every
//! evidence route, and a new instrument version loaded as data.

use crate::common::officer::{Officer, add_user, sign_in};
use crate::common::{Engine, TestApp};

const SHEET: &str = "/kelola/evaluasi/2025/63.10";

pub(crate) fn pdf(text: &str) -> Vec<u8> {
    format!("%PDF-1.4\n% {text}\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n").into_bytes()
}

/// Accounts on both sides of the exchange, the fixtures, and the 2025 cycle (data year 2024) made by the
/// administrator through the form.
pub(crate) async fn setup(app: &TestApp) {
    app.import_all_fixtures().await;
    add_user(app, "admin-kla", "admin", None).await;
    add_user(app, "dp3a-tanahbumbu", "regency", Some("63.10")).await;
    add_user(app, "dp3a-banjarbaru", "regency", Some("63.72")).await;
    add_user(app, "prov-kalsel", "province", Some("63")).await;
    add_user(app, "prov-kalteng", "province", Some("62")).await;
    let admin = sign_in(app, "admin-kla").await;
    let cycle = [
        ("scope", "cycle"),
        ("award_year", "2025"),
        ("data_year", "2024"),
        ("instrument", "permen-pppa-12-2022"),
        ("self_deadline", "2025-03-31"),
        ("verify_deadline", "2025-04-30"),
    ];
    let (status, location, _) = admin.post("/kelola/evaluasi/siklus", &cycle).await;
    assert_eq!((status, location.as_str()), (303, "/kelola/evaluasi?tahun=2025&pesan=siklus"));
    let (status, _, html) = admin.post("/kelola/evaluasi/siklus", &cycle).await;
    assert_eq!(status, 422, "a second cycle for the same award year is refused");
    assert!(html.contains("siklus untuk tahun penghargaan ini sudah ada"));
}

/// The id of an evidence item by its code.
pub(crate) async fn item_id(app: &TestApp, code: &str) -> i64 {
    sqlx::query_scalar("select id from evidence_items where code = $1").bind(code).fetch_one(&app.state.pool).await.unwrap()
}

pub(crate) async fn upload(
    o: &Officer<'_>,
    indicator: i64,
    item: i64,
    name: &str,
    bytes: Vec<u8>,
    doc_year: &str,
) -> (u16, String, String) {
    upload_to(o, SHEET, indicator, item, name, bytes, doc_year).await
}

/// An upload to another regency's sheet (`sheet` is its path).
async fn upload_to(
    o: &Officer<'_>,
    sheet: &str,
    indicator: i64,
    item: i64,
    name: &str,
    bytes: Vec<u8>,
    doc_year: &str,
) -> (u16, String, String) {
    let csrf = o.csrf().await;
    let form = reqwest::multipart::Form::new()
        .text("csrf", csrf)
        .text("scope", item.to_string())
        .text("item", item.to_string())
        .text("doc_year", doc_year.to_string())
        .part("file", reqwest::multipart::Part::bytes(bytes).file_name(name.to_string()));
    let res = o
        .app
        .client
        .post(format!("{}{sheet}/{indicator}/unggah", o.app.base))
        .header("cookie", &o.cookie)
        .multipart(form)
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    let location = res.headers().get("location").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
    (status, location, res.text().await.unwrap())
}

/// Files in the evidence store, at any depth (temporary ones included).
fn stored_files(dir: &std::path::Path) -> usize {
    std::fs::read_dir(dir).map_or(0, |rd| rd.flatten().map(|e| if e.path().is_dir() { stored_files(&e.path()) } else { 1 }).sum())
}

async fn written(app: &TestApp) -> (i64, i64, usize) {
    (app.count("evidence_files").await, app.count("audit_log where entity = 'evidence_file'").await, stored_files(&app.storage_dir))
}

on_both_engines!(uploads_are_checked_by_content_and_size_and_a_cut_off_upload_leaves_nothing, |app: TestApp| async move {
    setup(&app).await;
    let dp3a = sign_in(&app, "dp3a-tanahbumbu").await;
    let item = item_id(&app, "2.a").await;

    // A good PDF: stored, listed, downloadable as sent.
    let body = pdf("SK Gugus Tugas KLA");
    let (status, location, _) = upload(&dp3a, 2, item, "SK Gugus Tugas.pdf", body.clone(), "2024").await;
    assert_eq!(status, 303);
    assert_eq!(location, format!("{SHEET}/2?pesan=diunggah#butir-{item}"));
    assert_eq!(written(&app).await, (1, 1, 1));
    let (_, page) = dp3a.get(&format!("{SHEET}/2")).await;
    let shown = &page[page.find(&format!("id=\"butir-{item}\"")).expect("the item")..];
    assert!(
        shown.contains("SK Gugus Tugas.pdf") && shown.contains("terunggah") && shown.contains("2024"),
        "the item shows its file: {}",
        &shown[..1500]
    );
    let file_id: i64 = sqlx::query_scalar("select id from evidence_files").fetch_one(&app.state.pool).await.unwrap();
    let res = app.client.get(format!("{}/kelola/bukti/{file_id}", app.base)).header("cookie", &dp3a.cookie).send().await.unwrap();
    assert_eq!(res.headers()["content-type"], "application/pdf");
    assert!(res.headers()["content-disposition"].to_str().unwrap().starts_with("attachment"));
    assert_eq!(res.bytes().await.unwrap().to_vec(), body);

    // A program named .pdf: refused by its bytes, nothing written.
    let (status, _, html) = upload(&dp3a, 2, item, "laporan.pdf", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff".to_vec(), "").await;
    assert_eq!(status, 422);
    assert!(
        html.contains("jenis berkas tidak diterima") && html.contains("href=\"#f-file\"") && html.contains("id=\"f-file\""),
        "the error names the file field"
    );
    // A year outside the cycle: refused, nothing written.
    let (status, _, html) = upload(&dp3a, 2, item, "b.pdf", pdf("b"), "1999").await;
    assert_eq!(status, 422);
    assert!(html.contains("isi tahun antara 2000 dan tahun penghargaan"));
    // Over the limit: refused with the limit named, nothing written.
    let mut big = pdf("besar");
    big.resize(kla::evaluation::files::MAX_FILE_BYTES + 1, b' ');
    let (status, _, html) = upload(&dp3a, 2, item, "besar.pdf", big, "").await;
    assert_eq!(status, 413);
    assert!(html.contains("berkas lebih dari 20 MB"), "the limit is named");
    assert_eq!(written(&app).await, (1, 1, 1), "refused uploads store nothing");

    // A large scan (9 MB, over the response cache's limit) marked public downloads whole for anyone.
    let mut scan = pdf("pindaian");
    scan.resize(9 * 1024 * 1024, b'0');
    assert_eq!(upload(&dp3a, 2, item, "pindaian.pdf", scan.clone(), "").await.0, 303);
    let scan_id: i64 =
        sqlx::query_scalar("select id from evidence_files where file_name = 'pindaian.pdf'").fetch_one(&app.state.pool).await.unwrap();
    let (status, back, _) = dp3a.post(&format!("/kelola/bukti/{scan_id}/publik"), &[("public", "1")]).await;
    assert_eq!(status, 303);
    assert!(back.starts_with(&format!("{SHEET}/2?")), "back to the file's indicator page: {back}");
    for _ in 0..2 {
        let res = app.client.get(format!("{}/bukti/{scan_id}", app.base)).send().await.unwrap();
        assert_eq!(res.status().as_u16(), 200);
        assert_eq!(res.headers()["cache-control"], "no-cache");
        assert_eq!(res.bytes().await.unwrap().len(), scan.len());
    }
    assert_eq!(dp3a.post(&format!("/kelola/bukti/{scan_id}/hapus"), &[]).await.0, 303);
    assert_eq!(written(&app).await, (1, 4, 1), "the removed scan has no row and no object; its audit entries stay");

    // An item of another indicator cannot be reached from this indicator's page, nor a page that is no indicator.
    let other = item_id(&app, "15.a").await;
    assert_eq!(upload(&dp3a, 2, other, "x.pdf", pdf("x"), "").await.0, 404);
    let res = upload(&dp3a, 0, item, "x.pdf", pdf("x"), "").await;
    assert_eq!(res.0, 404);
    assert_eq!(written(&app).await, (1, 4, 1));

    // An upload cut off mid-way (a weak network): the connection closes after half the announced body.
    use tokio::io::AsyncWriteExt;
    let csrf = dp3a.csrf().await;
    let boundary = "----kla-terputus";
    let head = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"item\"\r\n\r\n{item}\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"terputus.pdf\"\r\nContent-Type: application/pdf\r\n\r\n"
    );
    let mut sent = head.into_bytes();
    sent.extend(pdf("terputus"));
    sent.resize(200_000, b'x');
    let addr = app.base.trim_start_matches("http://");
    let mut tcp = tokio::net::TcpStream::connect(addr).await.unwrap();
    let request = format!(
        "POST {SHEET}/2/unggah HTTP/1.1\r\nHost: {addr}\r\nCookie: {}\r\nContent-Type: multipart/form-data; boundary={boundary}\r\nContent-Length: 1000000\r\n\r\n",
        dp3a.cookie
    );
    tcp.write_all(request.as_bytes()).await.unwrap();
    tcp.write_all(&sent).await.unwrap();
    tcp.flush().await.unwrap();
    drop(tcp);
    // Give the server time to notice the closed connection.
    for _ in 0..20 {
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(written(&app).await, (1, 4, 1), "an interrupted upload leaves no row, no audit entry and no object");
    let status: String =
        sqlx::query_scalar("select status from evidence where item_id = $1").bind(item).fetch_one(&app.state.pool).await.unwrap();
    assert_eq!(status, "uploaded");
});

on_both_engines!(submit_verify_reject_follow_up_resubmit_publish, |app: TestApp| async move {
    setup(&app).await;
    let dp3a = sign_in(&app, "dp3a-tanahbumbu").await;
    let prov = sign_in(&app, "prov-kalsel").await;
    let (a, b, c) = (item_id(&app, "2.a").await, item_id(&app, "2.b").await, item_id(&app, "2.c").await);

    // The regency prepares indicator 2: a document, a training event already in Pantau KLA, a self score;
    // indicator 1 gets a self score without evidence.
    assert_eq!(upload(&dp3a, 2, a, "SK Gugus Tugas.pdf", pdf("SK"), "2024").await.0, 303);
    let (_, page) = dp3a.get(&format!("{SHEET}/2")).await;
    assert!(page.contains("Pelatihan KHA bagi tenaga kesehatan"), "the regency's 2024 training event is offered for 2.c");
    assert!(!page.contains("Sosialisasi KHA untuk guru PAUD"), "events of other years are not offered");
    let event: i64 = sqlx::query_scalar("select id from training_events where title = 'Pelatihan KHA bagi tenaga kesehatan'")
        .fetch_one(&app.state.pool)
        .await
        .unwrap();
    let (status, _, _) = dp3a
        .post(&format!("{SHEET}/2/tautan"), &[("scope", &c.to_string()), ("item", &c.to_string()), ("record", &event.to_string())])
        .await;
    assert_eq!(status, 303);
    let (status, _, html) =
        dp3a.post(&format!("{SHEET}/2/skor"), &[("scope", "score"), ("stage", "self_assessment"), ("score", "50")]).await;
    assert_eq!(status, 422, "above the indicator's 41.67 points");
    assert!(html.contains("isi angka dari 0 sampai nilai maksimal indikator") && html.contains("value=\"50\""));
    assert_eq!(dp3a.post(&format!("{SHEET}/2/skor"), &[("scope", "score"), ("stage", "self_assessment"), ("score", "40")]).await.0, 303);
    // An evaluation step refreshes its kab/kota's page (which shows the preparation) and nothing else.
    let versions = || async {
        let mut v = Vec::new();
        for code in ["63.10", "63", kla::summaries::NATIONAL, "63.72"] {
            v.push(kla::summaries::version(&app.state.pool, code).await.unwrap());
        }
        v
    };
    let before = versions().await;
    assert_eq!(dp3a.post(&format!("{SHEET}/1/skor"), &[("scope", "score"), ("stage", "self_assessment"), ("score", "30")]).await.0, 303);
    let after = versions().await;
    assert_eq!(after.iter().zip(&before).map(|(a, b)| a - b).collect::<Vec<_>>(), [1, 0, 0, 0], "{before:?} → {after:?}");

    // The simulator: 70 points, none of them a band; at risk 30 (indicator 1, nothing uploaded) + 40 × 1/3
    // (indicator 2, 2.b missing) = 43.33.
    let (_, sheet) = dp3a.get(SHEET).await;
    assert_eq!(crate::common::stat(&sheet, "Proyeksi nilai mandiri"), "70,00");
    assert_eq!(crate::common::stat(&sheet, "Poin berisiko"), "43,33");
    assert_eq!(crate::common::stat(&sheet, "Menuju predikat berikutnya"), "430,00");
    assert!(sheet.contains("Bobot asumsi."), "the simulator says its weights are assumed");
    assert!(sheet.contains("Batas evaluasi mandiri (31 Mar 2025) sudah lewat"), "a sheet still open after its deadline says so");

    // Submitted: locked for the regency.
    let (status, location, _) = dp3a.post(&format!("{SHEET}/ajukan"), &[]).await;
    assert_eq!((status, location.as_str()), (303, "/kelola/evaluasi/2025/63.10?pesan=diajukan"));
    let (status, _, html) = upload(&dp3a, 2, b, "x.pdf", pdf("x"), "").await;
    assert_eq!(status, 422);
    assert!(html.contains("Lembar sudah diajukan ke provinsi"));

    // The province verifies 2.a and 2.c, rejects 2.b (a comment and a due date are required).
    let review = |item: i64, decision: &'static str, comment: &'static str, due: String| {
        let prov = &prov;
        async move {
            let id = item.to_string();
            prov.post(
                &format!("{SHEET}/2/periksa"),
                &[("scope", &id), ("item", &id), ("decision", decision), ("comment", comment), ("due_date", &due)],
            )
            .await
        }
    };
    let due = (chrono::Utc::now().date_naive() + chrono::Days::new(7)).format("%Y-%m-%d").to_string();
    assert_eq!(review(a, "verify", "", String::new()).await.0, 303);
    assert_eq!(review(c, "reject", "Daftar hadir peserta belum dilampirkan", due.clone()).await.0, 303);
    let (status, _, html) = review(b, "reject", "", due.clone()).await;
    assert_eq!(status, 422);
    assert!(html.contains("tulis apa yang kurang") && html.contains("id=\"f-comment\""));
    let (status, _, html) = review(b, "reject", "RAD belum ditandatangani", "2020-01-01".into()).await;
    assert_eq!(status, 422);
    assert!(html.contains("tenggat tidak boleh sebelum hari ini"));
    assert_eq!(review(b, "reject", "RAD belum ditandatangani", due.clone()).await.0, 303);
    assert_eq!(prov.post(&format!("{SHEET}/2/skor"), &[("scope", "score"), ("stage", "administrative"), ("score", "30")]).await.0, 303);
    let (status, _, _) = prov.post(&format!("{SHEET}/selesai"), &[]).await;
    assert_eq!(status, 303);
    let status: String = sqlx::query_scalar("select status from submissions").fetch_one(&app.state.pool).await.unwrap();
    assert_eq!(status, "returned");

    // Both dashboards show the open follow-up.
    let (_, dash) = prov.get("/kelola/evaluasi").await;
    assert!(
        dash.contains("63.10 Kabupaten Tanah Bumbu · Butir 2.b"),
        "the province dashboard lists the follow-up: {}",
        &dash[dash.find("<main").unwrap_or(0)..]
    );
    let (_, sheet) = dp3a.get(SHEET).await;
    assert!(sheet.contains("RAD belum ditandatangani") && sheet.contains("dikembalikan untuk dilengkapi"));
    let (_, own) = dp3a.get("/kelola/evaluasi").await;
    assert!(own.contains("Butir 2.b"), "the regency's dashboard lists it too");

    // Saving the same links again does not answer a rejection; adding the attendance list does.
    let status_of = |item: i64| {
        let pool = app.state.pool.clone();
        async move {
            sqlx::query_scalar::<_, String>("select status from evidence where item_id = $1").bind(item).fetch_one(&pool).await.unwrap()
        }
    };
    let event_id = event.to_string();
    assert_eq!(
        dp3a.post(&format!("{SHEET}/2/tautan"), &[("item", &c.to_string()), ("record", &event_id), ("record", &event_id)]).await.0,
        303
    );
    assert_eq!(status_of(c).await, "rejected");
    assert_eq!(upload(&dp3a, 2, c, "Daftar hadir.pdf", pdf("hadir"), "2024").await.0, 303);
    assert_eq!(status_of(c).await, "uploaded");
    // A review of an item from another indicator's page is not found.
    assert_eq!(review(item_id(&app, "15.a").await, "verify", "", String::new()).await.0, 404);

    // The regency answers and submits again; the province verifies and the follow-ups close.
    assert_eq!(upload(&dp3a, 2, b, "RAD KLA 2024.pdf", pdf("RAD"), "2024").await.0, 303);
    assert_eq!(dp3a.post(&format!("{SHEET}/ajukan"), &[]).await.0, 303);
    assert_eq!(review(b, "verify", "", String::new()).await.0, 303);
    assert_eq!(review(c, "verify", "Daftar hadir sesuai", String::new()).await.0, 303);
    let open: i64 = app.count("follow_ups where closed_at is null").await;
    assert_eq!(open, 0);
    assert_eq!(prov.post(&format!("{SHEET}/2/skor"), &[("scope", "score"), ("stage", "administrative"), ("score", "38,5")]).await.0, 303);
    assert_eq!(prov.post(&format!("{SHEET}/selesai"), &[]).await.0, 303);
    let status: String = sqlx::query_scalar("select status from submissions").fetch_one(&app.state.pool).await.unwrap();
    assert_eq!(status, "verified");

    // The ledger keeps every score with who recorded it.
    let ledger: Vec<(String, f64, String)> =
        sqlx::query_as("select stage, score, actor from score_ledger order by id").fetch_all(&app.state.pool).await.unwrap();
    assert_eq!(
        ledger,
        vec![
            ("self_assessment".into(), 40.0, "dp3a-tanahbumbu".into()),
            ("self_assessment".into(), 30.0, "dp3a-tanahbumbu".into()),
            ("administrative".into(), 30.0, "prov-kalsel".into()),
            ("administrative".into(), 38.5, "prov-kalsel".into()),
        ]
    );
    let (_, ind) = prov.get(&format!("{SHEET}/2")).await;
    assert!(
        ind.contains("38,50") && ind.contains("30,00") && ind.contains("prov-kalsel") && ind.contains("Verifikasi administrasi"),
        "the ledger is shown"
    );

    // The whole exchange is in the audit trail.
    let trail: Vec<(String, String, String)> = sqlx::query_as("select entity, action, actor from audit_log where region_code = '63.10' and entity <> 'training_event' and entity <> 'service_unit' and entity <> 'predicate_record' order by id")
        .fetch_all(&app.state.pool)
        .await
        .unwrap();
    for expected in [
        ("evidence_file", "create", "dp3a-tanahbumbu"),
        ("evidence_link", "create", "dp3a-tanahbumbu"),
        ("score", "create", "dp3a-tanahbumbu"),
        ("submission", "update", "dp3a-tanahbumbu"),
        ("evidence", "update", "prov-kalsel"),
        ("score", "create", "prov-kalsel"),
        ("submission", "update", "prov-kalsel"),
    ] {
        assert!(
            trail.iter().any(|(e, a, who)| (e.as_str(), a.as_str(), who.as_str()) == expected),
            "audit trail lacks {expected:?}: {trail:?}"
        );
    }
    let (_, history) = dp3a.get("/kelola/riwayat?wilayah=63.10").await;
    assert!(history.contains("RAD belum ditandatangani"), "the region history shows the verifier's comment");
    assert!(
        history.contains("<del>terunggah</del> → <ins>ditolak</ins>") || history.contains("<del>belum ada</del> → <ins>ditolak</ins>"),
        "statuses in words"
    );

    // The public page: completeness per cluster, no documents, no scores until published.
    let (_, public) = app.get("/kabkota/63.10").await;
    assert!(
        public.contains("Persiapan evaluasi KLA 2025") && public.contains("42,9% (3/7)"),
        "Kelembagaan has evidence for 3 of its 7 items"
    );
    assert!(!public.contains("SK Gugus Tugas.pdf") && !public.contains("RAD KLA 2024.pdf"), "documents stay private");
    assert!(public.contains("Skor terverifikasi tampil setelah provinsi menerbitkannya"));
    assert_eq!(prov.post(&format!("{SHEET}/terbitkan"), &[("published", "1")]).await.0, 303);
    let (_, public) = app.get("/kabkota/63.10").await;
    assert!(public.contains("– / 125,00") && public.contains("belum lengkap"), "a cluster without a score for every indicator shows none");
    for (no, score) in [(1, "0"), (3, "20")] {
        assert_eq!(
            prov.post(&format!("{SHEET}/{no}/skor"), &[("scope", "score"), ("stage", "administrative"), ("score", score)]).await.0,
            303
        );
    }
    let (_, public) = app.get("/kabkota/63.10").await;
    assert!(public.contains("58,50 / 125,00"), "the published verified score of Kelembagaan (38.5 + 0 + 20)");
    // An officer marks one document public: it is listed and downloadable; the other is not.
    let (public_id, private_id): (i64, i64) = (
        sqlx::query_scalar("select id from evidence_files where file_name = 'SK Gugus Tugas.pdf'")
            .fetch_one(&app.state.pool)
            .await
            .unwrap(),
        sqlx::query_scalar("select id from evidence_files where file_name = 'RAD KLA 2024.pdf'").fetch_one(&app.state.pool).await.unwrap(),
    );
    assert_eq!(dp3a.post(&format!("/kelola/bukti/{public_id}/publik"), &[("public", "1")]).await.0, 303);
    let (_, public) = app.get("/kabkota/63.10").await;
    assert!(public.contains("SK Gugus Tugas.pdf") && !public.contains("RAD KLA 2024.pdf"));
    assert_eq!(app.get(&format!("/bukti/{public_id}")).await.0, 200);
    assert_eq!(app.get(&format!("/bukti/{private_id}")).await.0, 404);
});

on_both_engines!(every_evidence_route_is_scoped, |app: TestApp| async move {
    setup(&app).await;
    let dp3a = sign_in(&app, "dp3a-tanahbumbu").await;
    let a = item_id(&app, "2.a").await;
    assert_eq!(upload(&dp3a, 2, a, "SK.pdf", pdf("SK"), "").await.0, 303);
    let file_id: i64 = sqlx::query_scalar("select id from evidence_files").fetch_one(&app.state.pool).await.unwrap();
    let before =
        (app.count("evidence_files").await, app.count("audit_log").await, app.count("score_ledger").await, stored_files(&app.storage_dir));
    let id = a.to_string();
    let gets = [SHEET.to_string(), format!("{SHEET}/2"), format!("/kelola/bukti/{file_id}"), "/kelola/paket/2025/63.10".to_string()];
    let posts: Vec<(String, Vec<(&str, &str)>)> = vec![
        (format!("{SHEET}/ajukan"), vec![]),
        (format!("{SHEET}/selesai"), vec![]),
        (format!("{SHEET}/terbitkan"), vec![("published", "1")]),
        (format!("{SHEET}/2/skor"), vec![("stage", "self_assessment"), ("score", "10")]),
        (format!("{SHEET}/2/skor"), vec![("stage", "administrative"), ("score", "10")]),
        (format!("{SHEET}/2/periksa"), vec![("item", &id), ("decision", "verify")]),
        (format!("{SHEET}/2/tautan"), vec![("item", &id)]),
        (format!("/kelola/bukti/{file_id}/hapus"), vec![]),
        (format!("/kelola/bukti/{file_id}/publik"), vec![("public", "1")]),
    ];
    // Officers of a neighbouring regency and of another province reach nothing of 63.10.
    for name in ["dp3a-banjarbaru", "prov-kalteng"] {
        let o = sign_in(&app, name).await;
        for path in &gets {
            let (status, body) = o.get(path).await;
            assert_eq!(status, 403, "{name} GET {path}");
            assert!(
                body.contains("Tidak berwenang") && !body.contains("SK.pdf"),
                "{name} GET {path}: the error page, nothing of the sheet"
            );
        }
        for (path, fields) in &posts {
            assert_eq!(o.post(path, fields).await.0, 403, "{name} POST {path}");
        }
        assert_eq!(upload(&o, 2, a, "x.pdf", pdf("x"), "").await.0, 403, "{name} uploads");
    }
    // The province may read and verify, never act for the regency; the regency never verifies.
    let prov = sign_in(&app, "prov-kalsel").await;
    for path in &gets {
        assert_eq!(prov.get(path).await.0, 200, "province GET {path}");
    }
    assert_eq!(upload(&prov, 2, a, "x.pdf", pdf("x"), "").await.0, 403, "the province does not upload for the regency");
    assert_eq!(prov.post(&format!("{SHEET}/ajukan"), &[]).await.0, 403);
    assert_eq!(prov.post(&format!("{SHEET}/2/skor"), &[("stage", "self_assessment"), ("score", "10")]).await.0, 403);
    assert_eq!(prov.post(&format!("/kelola/bukti/{file_id}/hapus"), &[]).await.0, 403);
    for (path, fields) in [
        (format!("{SHEET}/2/periksa"), vec![("item", id.as_str()), ("decision", "verify")]),
        (format!("{SHEET}/selesai"), vec![]),
        (format!("{SHEET}/2/skor"), vec![("stage", "final"), ("score", "10")]),
        ("/kelola/evaluasi/siklus".to_string(), vec![("award_year", "2026")]),
    ] {
        assert_eq!(dp3a.post(&path, &fields).await.0, 403, "regency POST {path}");
    }
    assert_eq!(prov.post("/kelola/evaluasi/siklus", &[("award_year", "2026")]).await.0, 403, "only administrators make cycles");
    assert_eq!(
        before,
        (app.count("evidence_files").await, app.count("audit_log").await, app.count("score_ledger").await, stored_files(&app.storage_dir)),
        "refusals change nothing"
    );
    // Signed out: sent to sign in, or 401 for a post; the document is not public.
    assert_eq!(app.get(SHEET).await.0, 303);
    assert_eq!(app.client.post(format!("{}{SHEET}/ajukan", app.base)).send().await.unwrap().status().as_u16(), 401);
    assert_eq!(app.get(&format!("/bukti/{file_id}")).await.0, 404);
    // Unknown cycles, regencies and indicators are 404.
    for path in ["/kelola/evaluasi/2031/63.10", "/kelola/evaluasi/2025/63.99", "/kelola/evaluasi/2025/63.10/25"] {
        assert_eq!(dp3a.get(path).await.0, 404, "{path}");
    }
});

on_both_engines!(the_evidence_pack_holds_every_document_and_an_a4_index, |app: TestApp| async move {
    setup(&app).await;
    let dp3a = sign_in(&app, "dp3a-tanahbumbu").await;
    let (a, c) = (item_id(&app, "2.a").await, item_id(&app, "2.c").await);
    let sk = pdf("SK Gugus Tugas");
    assert_eq!(upload(&dp3a, 2, a, "SK Gugus Tugas.pdf", sk.clone(), "2024").await.0, 303);
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89".to_vec();
    assert_eq!(upload(&dp3a, 2, a, "foto.png", png.clone(), "").await.0, 303);
    let event: i64 = sqlx::query_scalar("select id from training_events where title = 'Pelatihan KHA bagi tenaga kesehatan'")
        .fetch_one(&app.state.pool)
        .await
        .unwrap();
    assert_eq!(dp3a.post(&format!("{SHEET}/2/tautan"), &[("item", &c.to_string()), ("record", &event.to_string())]).await.0, 303);
    // A title typed as a formula must not run in the spreadsheet of whoever opens the pack's CSV.
    sqlx::query("update training_events set title = '=' || title where id = $1").bind(event).execute(&app.state.pool).await.unwrap();

    let res = app.client.get(format!("{}/kelola/paket/2025/63.10", app.base)).header("cookie", &dp3a.cookie).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 200);
    assert_eq!(res.headers()["content-type"], "application/zip");
    assert!(res.headers()["content-disposition"].to_str().unwrap().contains("bukti-kla-2025-63.10.zip"));
    let bytes = res.bytes().await.unwrap().to_vec();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let names: Vec<String> = zip.file_names().map(|n| n.unwrap().to_string()).collect();
    let read = |zip: &mut zip::ZipArchive<std::io::Cursor<Vec<u8>>>, name: &str| {
        use std::io::Read;
        let mut out = Vec::new();
        zip.by_name(name).unwrap().read_to_end(&mut out).unwrap();
        out
    };
    let sk_path = names
        .iter()
        .find(|n| n.starts_with("bukti/02/2.a/") && n.ends_with("-SK Gugus Tugas.pdf"))
        .expect("the PDF in its indicator's folder")
        .clone();
    let png_path = names.iter().find(|n| n.ends_with("-foto.png")).expect("the image").clone();
    assert_eq!(read(&mut zip, &sk_path), sk);
    assert_eq!(read(&mut zip, &png_path), png);
    let index = String::from_utf8(read(&mut zip, "indeks.html")).unwrap();
    assert!(index.contains("size: A4") && index.contains("page-break-after: always"));
    assert_eq!(index.matches("<section>").count(), 25, "a cover page and one page per indicator");
    assert!(index.contains(&sk_path) && index.contains("Pelatihan KHA bagi tenaga kesehatan"));
    let data = String::from_utf8(read(&mut zip, "data-pantau-kla.csv")).unwrap();
    assert!(data.contains("2.c,training_event") && data.contains("'=Pelatihan KHA bagi tenaga kesehatan"), "{data}");

    // An object lost from the store leaves the rest of the pack intact and is named on the cover.
    let key: String =
        sqlx::query_scalar("select object_key from evidence_files where file_name = 'foto.png'").fetch_one(&app.state.pool).await.unwrap();
    std::fs::remove_file(app.storage_dir.join(&key)).unwrap();
    let res = app.client.get(format!("{}/kelola/paket/2025/63.10", app.base)).header("cookie", &dp3a.cookie).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 200);
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(res.bytes().await.unwrap().to_vec())).unwrap();
    assert_eq!(read(&mut zip, &sk_path), sk);
    assert!(zip.by_name(&png_path).is_err());
    let index = String::from_utf8(read(&mut zip, "indeks.html")).unwrap();
    assert!(index.contains("tidak dapat dibaca dari penyimpanan") && index.contains(&png_path));
});

on_both_engines!(a_new_instrument_version_is_loaded_as_data, |app: TestApp| async move {
    use kla::evaluation::instrument::{self, LoadError, Meta};
    let text = "indicator,cluster,indicator_name_id,indicator_name_en,weight,item,item_name_id,item_name_en,offers\n\
                1,kelembagaan,Perda KLA revisi,Revised KLA regulation,2,1.a,Perda revisi,Revised regulation,\n\
                2,klaster_3,Puskesmas Ramah Anak,Child-friendly puskesmas,3,2.a,SK Puskesmas,Decree,unit:puskesmas_ramah_anak\n";
    let parsed = instrument::parse(text).unwrap();
    let meta = Meta {
        code: "uji-2027".into(),
        name: "Instrumen uji 2027".into(),
        source: "uji".into(),
        weights_note: "Bobot uji.".into(),
        weights_assumed: true,
    };
    instrument::store(&app.state.pool, &meta, &parsed, &kla::audit::Actor::cli()).await.unwrap();
    assert!(
        matches!(instrument::store(&app.state.pool, &meta, &parsed, &kla::audit::Actor::cli()).await, Err(LoadError::Exists(_))),
        "a version is never replaced"
    );
    app.import_all_fixtures().await;
    add_user(&app, "admin-kla", "admin", None).await;
    add_user(&app, "dp3a-tanahbumbu", "regency", Some("63.10")).await;
    let admin = sign_in(&app, "admin-kla").await;
    let fields = [
        ("award_year", "2027"),
        ("data_year", "2026"),
        ("instrument", "uji-2027"),
        ("self_deadline", "2027-03-31"),
        ("verify_deadline", "2027-04-30"),
    ];
    assert_eq!(admin.post("/kelola/evaluasi/siklus", &fields).await.0, 303);
    let dp3a = sign_in(&app, "dp3a-tanahbumbu").await;
    let (status, sheet) = dp3a.get("/kelola/evaluasi/2027/63.10").await;
    assert_eq!(status, 200);
    assert!(
        sheet.contains("Perda KLA revisi")
            && sheet.contains("Puskesmas Ramah Anak")
            && !sheet.contains("Anak yang memiliki akta kelahiran")
    );
    assert!(sheet.contains("400,00") && sheet.contains("600,00"), "points follow the weights 2:3");
    let (_, ind) = dp3a.get("/kelola/evaluasi/2027/63.10/2").await;
    assert!(ind.contains("Puskesmas Batulicin"), "the regency's puskesmas are offered as evidence");
});

/// The cells of the evaluation index's row for `regency`, tags stripped (`None` when the table has no such row).
fn index_row(html: &str, regency: &str) -> Option<Vec<String>> {
    let table = &html[html.find("<table class=\"evaluation\">").expect("the regencies' table")..];
    let table = &table[..table.find("</table>").expect("the table ends")];
    let at = table.find(&format!("href=\"/kelola/evaluasi/2025/{regency}\""))?;
    let row = &table[table[..at].rfind("<tr").expect("the row starts")..];
    let row = &row[..row.find("</tr>").expect("the row ends")];
    Some(row.split("</t").filter_map(|cell| cell.rfind("<td").or(cell.rfind("<th")).map(|i| text_of(&cell[i..]))).collect())
}

/// Text with its tags (and Leptos's comment markers) left out.
fn text_of(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for ch in html.chars() {
        match ch {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

/// The lines of the index's list of open follow-ups, in order.
fn follow_up_lines(html: &str) -> Vec<String> {
    let Some(start) = html.find("<ul class=\"follow-ups\">") else { return vec![] };
    let list = &html[start..];
    let list = &list[..list.find("</ul>").unwrap()];
    list.split("</li>").filter(|l| l.contains("<li")).map(text_of).collect()
}

// The index reads every regency's sheet at once; each row shows the same figures the regency's own sheet has.
on_both_engines!(the_index_shows_each_regencys_figures, |app: TestApp| async move {
    setup(&app).await;
    let tanah_bumbu = sign_in(&app, "dp3a-tanahbumbu").await;
    let banjarbaru = sign_in(&app, "dp3a-banjarbaru").await;
    let prov = sign_in(&app, "prov-kalsel").await;
    let review = |sheet: &'static str, indicator: i64, item: i64, decision: &'static str, comment: &'static str, due: String| {
        let prov = &prov;
        async move {
            let id = item.to_string();
            prov.post(
                &format!("{sheet}/{indicator}/periksa"),
                &[("scope", &id), ("item", &id), ("decision", decision), ("comment", comment), ("due_date", &due)],
            )
            .await
            .0
        }
    };
    let post_score = |sheet: &'static str, indicator: i64, stage: &'static str, value: &'static str, who: u8| {
        let o = match who {
            0 => &tanah_bumbu,
            1 => &banjarbaru,
            _ => &prov,
        };
        async move { o.post(&format!("{sheet}/{indicator}/skor"), &[("scope", "score"), ("stage", stage), ("score", value)]).await.0 }
    };
    const OTHER: &str = "/kelola/evaluasi/2025/63.72";
    let (a, b, c) = (item_id(&app, "2.a").await, item_id(&app, "2.b").await, item_id(&app, "2.c").await);
    let one_a = item_id(&app, "1.a").await;

    // Tanah Bumbu: a document (2.a), a linked training event (2.c), self scores 40 + 30; submitted, then
    // returned: 2.c verified, 2.a and 2.b rejected (two follow-ups), an administrative score for indicator 2.
    assert_eq!(upload(&tanah_bumbu, 2, a, "SK.pdf", pdf("SK"), "2024").await.0, 303);
    let event: i64 = sqlx::query_scalar("select id from training_events where title = 'Pelatihan KHA bagi tenaga kesehatan'")
        .fetch_one(&app.state.pool)
        .await
        .unwrap();
    let link = [("scope", c.to_string()), ("item", c.to_string()), ("record", event.to_string())];
    let link: Vec<(&str, &str)> = link.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert_eq!(tanah_bumbu.post(&format!("{SHEET}/2/tautan"), &link).await.0, 303);
    assert_eq!(post_score(SHEET, 2, "self_assessment", "40", 0).await, 303);
    assert_eq!(post_score(SHEET, 1, "self_assessment", "30", 0).await, 303);
    assert_eq!(tanah_bumbu.post(&format!("{SHEET}/ajukan"), &[]).await.0, 303);
    let due = |days: u64| (chrono::Utc::now().date_naive() + chrono::Days::new(days)).format("%Y-%m-%d").to_string();
    assert_eq!(review(SHEET, 2, c, "verify", "", String::new()).await, 303);
    assert_eq!(review(SHEET, 2, a, "reject", "SK belum ditandatangani", due(7)).await, 303);
    assert_eq!(review(SHEET, 2, b, "reject", "RAD belum ada", due(14)).await, 303);
    assert_eq!(post_score(SHEET, 2, "administrative", "30", 2).await, 303);
    assert_eq!(prov.post(&format!("{SHEET}/selesai"), &[]).await.0, 303);

    // Banjarbaru: one document (1.a), a self score of 20; submitted and verified with an administrative score
    // of 1 for every indicator and a field score of 5 for indicator 1 (the more advanced stage counts): 28.
    assert_eq!(upload_to(&banjarbaru, OTHER, 1, one_a, "Perda.pdf", pdf("Perda"), "2024").await.0, 303);
    assert_eq!(post_score(OTHER, 1, "self_assessment", "20", 1).await, 303);
    assert_eq!(banjarbaru.post(&format!("{OTHER}/ajukan"), &[]).await.0, 303);
    assert_eq!(review(OTHER, 1, one_a, "verify", "", String::new()).await, 303);
    for no in 1..=24 {
        assert_eq!(post_score(OTHER, no, "administrative", "1", 2).await, 303);
    }
    assert_eq!(post_score(OTHER, 1, "field", "5", 2).await, 303);
    assert_eq!(prov.post(&format!("{OTHER}/selesai"), &[]).await.0, 303);

    let tanah_bumbu_row = vec!["63.10 Kabupaten Tanah Bumbu", "dikembalikan untuk dilengkapi", "1/49", "70,00", "–", "2"];
    let banjarbaru_row = vec!["63.72 Kota Banjarbaru", "terverifikasi", "1/49", "20,00", "28,00", "0"];
    let not_started = vec!["63.01 Kabupaten Tanah Laut", "belum mulai", "0/49", "0,00", "–", "0"];
    let follow_ups = vec![
        format!("63.10 Kabupaten Tanah Bumbu · Butir 2.a · Tenggat {}", kla::format::date(&due(7), kla::i18n::Lang::Id)),
        format!("63.10 Kabupaten Tanah Bumbu · Butir 2.b · Tenggat {}", kla::format::date(&due(14), kla::i18n::Lang::Id)),
    ];
    // Each sheet agrees with its row.
    let (_, sheet) = tanah_bumbu.get(SHEET).await;
    assert_eq!(crate::common::stat(&sheet, "Proyeksi nilai mandiri"), "70,00");
    let (_, sheet) = banjarbaru.get(OTHER).await;
    assert_eq!(crate::common::stat(&sheet, "Proyeksi nilai mandiri"), "20,00");
    assert_eq!(crate::common::stat(&sheet, "Skor terverifikasi"), "28,00");

    // The province sees all its regencies, started or not.
    let (status, dash) = prov.get("/kelola/evaluasi").await;
    assert_eq!(status, 200);
    assert_eq!(index_row(&dash, "63.10").unwrap(), tanah_bumbu_row);
    assert_eq!(index_row(&dash, "63.72").unwrap(), banjarbaru_row);
    assert_eq!(index_row(&dash, "63.01").unwrap(), not_started);
    let table = &dash[dash.find("<table class=\"evaluation\">").unwrap()..];
    assert_eq!(
        table[..table.find("</table>").unwrap()].matches("<th scope=\"row\">").count(),
        13,
        "the 13 regencies of Kalimantan Selatan"
    );
    assert_eq!(follow_up_lines(&dash), follow_ups);
    // The follow-ups link to the item's indicator.
    assert!(dash.contains("href=\"/kelola/evaluasi/2025/63.10/2\""));

    // A regency sees its own row only.
    let (_, own) = banjarbaru.get("/kelola/evaluasi").await;
    assert_eq!(index_row(&own, "63.72").unwrap(), banjarbaru_row);
    assert_eq!(index_row(&own, "63.10"), None);
    assert!(follow_up_lines(&own).is_empty() && own.contains("Tidak ada tindak lanjut terbuka."));
    let (_, own) = tanah_bumbu.get("/kelola/evaluasi").await;
    assert_eq!(index_row(&own, "63.10").unwrap(), tanah_bumbu_row);
    assert_eq!(follow_up_lines(&own), follow_ups);

    // An administrator without a province sees the regencies that have started; with one, all of its regencies.
    let admin = sign_in(&app, "admin-kla").await;
    let (_, all) = admin.get("/kelola/evaluasi").await;
    assert_eq!(index_row(&all, "63.10").unwrap(), tanah_bumbu_row);
    assert_eq!(index_row(&all, "63.72").unwrap(), banjarbaru_row);
    assert_eq!(index_row(&all, "63.01"), None);
    let (_, kalsel) = admin.get("/kelola/evaluasi?tahun=2025&provinsi=63").await;
    assert_eq!(index_row(&kalsel, "63.01").unwrap(), not_started);
    assert_eq!(index_row(&kalsel, "63.72").unwrap(), banjarbaru_row);
    // Another province's regencies have not started.
    let (_, kalteng) = admin.get("/kelola/evaluasi?tahun=2025&provinsi=62").await;
    assert!(index_row(&kalteng, "63.10").is_none() && follow_up_lines(&kalteng).is_empty());
});

/// An S3-compatible server on port 0 (s3s-fs: S3 over a temporary folder) with one bucket, `kla`.
async fn s3_server() -> (String, tempfile::TempDir) {
    use hyper_util::rt::{TokioExecutor, TokioIo};
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("kla")).unwrap();
    let fs = s3s_fs::FileSystem::new(dir.path()).unwrap();
    let mut builder = s3s::service::S3ServiceBuilder::new(fs);
    builder.set_auth(s3s::auth::SimpleAuth::from_single("kla-test", "kla-test-secret"));
    let service = builder.build();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let endpoint = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        let http = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new());
        while let Ok((socket, _)) = listener.accept().await {
            let conn = http.serve_connection(TokioIo::new(socket), service.clone()).into_owned();
            tokio::spawn(async move {
                let _ = conn.await;
            });
        }
    });
    (endpoint, dir)
}

fn s3_storage(endpoint: &str) -> kla::evaluation::files::Storage {
    let s3 = kla::evaluation::files::AmazonS3Builder::new()
        .with_endpoint(endpoint)
        .with_allow_http(true)
        .with_region("us-east-1")
        .with_access_key_id("kla-test")
        .with_secret_access_key("kla-test-secret");
    kla::evaluation::files::Storage::open_with("s3://kla/bukti", s3).unwrap()
}

async fn two_servers_share_evidence_through_s3(engine: Engine) {
    let (endpoint, s3_dir) = s3_server().await;
    let Some(a) = TestApp::spawn_with(engine, |s| s.with_storage(s3_storage(&endpoint))).await else { return };
    let b = TestApp::spawn_on_with(a.database_url.clone(), |s| s.with_storage(s3_storage(&endpoint))).await;
    setup(&a).await;
    // The regency uploads through server A …
    let dp3a_a = sign_in(&a, "dp3a-tanahbumbu").await;
    let item = item_id(&a, "2.a").await;
    let body = pdf("SK lewat S3");
    assert_eq!(upload(&dp3a_a, 2, item, "SK.pdf", body.clone(), "").await.0, 303);
    assert_eq!(stored_files(&a.storage_dir), 0, "nothing in the local folder");
    assert_eq!(stored_files(&s3_dir.path().join("kla")), 1, "the object is in the bucket");
    // … and the province reads it, and its pack, through server B.
    let prov_b = sign_in(&b, "prov-kalsel").await;
    let file_id: i64 = sqlx::query_scalar("select id from evidence_files").fetch_one(&a.state.pool).await.unwrap();
    let res = b.client.get(format!("{}/kelola/bukti/{file_id}", b.base)).header("cookie", &prov_b.cookie).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 200);
    assert_eq!(res.bytes().await.unwrap().to_vec(), body);
    let res = b.client.get(format!("{}/kelola/paket/2025/63.10", b.base)).header("cookie", &prov_b.cookie).send().await.unwrap();
    let zip = zip::ZipArchive::new(std::io::Cursor::new(res.bytes().await.unwrap().to_vec())).unwrap();
    assert!(zip.file_names().any(|n| n.unwrap().ends_with("-SK.pdf")));
    // Removing it on B deletes the object from the bucket.
    let dp3a_b = sign_in(&b, "dp3a-tanahbumbu").await;
    assert_eq!(dp3a_b.post(&format!("/kelola/bukti/{file_id}/hapus"), &[]).await.0, 303);
    assert_eq!(stored_files(&s3_dir.path().join("kla")), 0);
    let status: String =
        sqlx::query_scalar("select status from evidence where item_id = $1").bind(item).fetch_one(&a.state.pool).await.unwrap();
    assert_eq!(status, "missing", "an item with nothing left is missing again");
}

mod s3_storage_shared_by_two_servers {
    use super::*;
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite() {
        two_servers_share_evidence_through_s3(Engine::Sqlite).await;
    }
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        two_servers_share_evidence_through_s3(Engine::Postgres).await;
    }
}

on_both_engines!(a_sweep_removes_only_objects_no_document_refers_to, |app: TestApp| async move {
    setup(&app).await;
    let dp3a = sign_in(&app, "dp3a-tanahbumbu").await;
    let item = item_id(&app, "2.a").await;
    let body = pdf("SK");
    assert_eq!(upload(&dp3a, 2, item, "SK.pdf", body.clone(), "").await.0, 303);
    // An object whose row was never committed (a server stopped in between).
    app.state.storage.put("2025/63.10/yatim", bytes::Bytes::from_static(b"%PDF-1.4 yatim")).await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    let s = &app.state.storage;
    let young = s.sweep(&app.state.pool, chrono::Duration::minutes(60), false).await.unwrap();
    assert_eq!((young.kept, young.orphans.len(), young.recent), (1, 0, 1), "a recent object may still be committing");
    let dry = s.sweep(&app.state.pool, chrono::Duration::zero(), true).await.unwrap();
    assert_eq!((dry.kept, dry.orphans.clone()), (1, vec!["2025/63.10/yatim".to_string()]));
    assert_eq!(stored_files(&app.storage_dir), 2, "a dry run removes nothing");
    let done = s.sweep(&app.state.pool, chrono::Duration::zero(), false).await.unwrap();
    assert_eq!(done.orphans, vec!["2025/63.10/yatim".to_string()]);
    assert_eq!(stored_files(&app.storage_dir), 1);
    let file_id: i64 = sqlx::query_scalar("select id from evidence_files").fetch_one(&app.state.pool).await.unwrap();
    let res = app.client.get(format!("{}/kelola/bukti/{file_id}", app.base)).header("cookie", &dp3a.cookie).send().await.unwrap();
    assert_eq!(res.bytes().await.unwrap().to_vec(), body, "the document with a row is untouched");
});
