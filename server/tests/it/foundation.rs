//! The foundation, read as a specification: a new database holds every region, each page type shows the
//! figures computed by hand from the fixtures (see tests/fixtures/README.md), and bad input gets a clear
//! error and changes nothing — on SQLite and on PostgreSQL alike.

use crate::common::{Engine, TestApp, stat, stat_note};
use kla::aggregate::{self, Scope};
use kla::domain::{Predicate, ProviderKind, RegionCode};

on_both_engines!(healthz_reports_a_reachable_database, |app: TestApp| async move {
    let (status, body) = app.get("/healthz").await;
    assert_eq!(status, 200);
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["status"], "ok");
    assert_eq!(v["database"], "reachable");
});

on_both_engines!(a_new_database_holds_all_38_provinces_and_514_regencies, |app: TestApp| async move {
    let provinces: i64 =
        sqlx::query_scalar("select count(*) from regions where level = 'province'").fetch_one(&app.state.pool).await.unwrap();
    let regencies: i64 =
        sqlx::query_scalar("select count(*) from regions where level = 'regency'").fetch_one(&app.state.pool).await.unwrap();
    let kota: i64 = sqlx::query_scalar("select count(*) from regions where kind = 'kota'").fetch_one(&app.state.pool).await.unwrap();
    assert_eq!((provinces, regencies, kota), (38, 514, 98));
    let (status, html) = app.get("/").await;
    assert_eq!(status, 200);
    assert_eq!(html.matches("<a href=\"/provinsi/").count(), 38, "the national table links every province");
    assert!(html.contains(">Kalimantan Selatan</a>"));
});

on_both_engines!(every_province_and_regency_page_answers, |app: TestApp| async move {
    let codes: Vec<String> = app.state.regions.provinces().chain(app.state.regions.regencies()).map(|r| r.code.to_string()).collect();
    assert_eq!(codes.len(), 552);
    for code in codes {
        let path = if code.contains('.') { format!("/kabkota/{code}") } else { format!("/provinsi/{code}") };
        let (status, html) = app.get(&path).await;
        assert_eq!(status, 200, "{path}");
        let name = app.state.regions.find(&code).unwrap().name.clone();
        assert!(html.contains(&format!("<h1>{name}</h1>")), "{path} shows its name");
    }
});

on_both_engines!(pages_are_complete_without_javascript, |app: TestApp| async move {
    app.import_all_fixtures().await;
    for path in ["/", "/provinsi/63", "/kabkota/63.10", "/kabkota/63.99"] {
        let (_, html) = app.get(path).await;
        assert!(!html.contains("<template"), "{path} streams out-of-order chunks");
        assert!(!html.contains("Loading"), "{path} shows a loading placeholder");
        assert!(!html.contains("/pkg/"), "{path} asks for hydration scripts");
        assert!(html.contains("</footer>"), "{path} is rendered whole");
    }
});

on_both_engines!(national_figures_are_the_hand_computed_ones, |app: TestApp| async move {
    app.import_all_fixtures().await;
    let pool = &app.state.pool;
    let t = aggregate::training_totals(pool, Scope::National, None).await.unwrap();
    assert_eq!((t.events, t.participants_offline, t.participants_online, t.institutions), (5, Some(145), Some(570), Some(145)));
    assert_eq!(t.days, Some(3 + 1 + 2 + 3 + 3));
    let t25 = aggregate::training_totals(pool, Scope::National, Some(2025)).await.unwrap();
    assert_eq!((t25.events, t25.participants().known(), t25.institutions), (4, Some(675), Some(120)));
    let u = aggregate::unit_totals(pool, Scope::National).await.unwrap();
    assert_eq!((u.units, u.certified_units, u.staff, u.certified_staff), (6, 3, 91, 27));
    let latest = aggregate::latest_predicates(pool, Scope::National).await.unwrap();
    let d = aggregate::Distribution::from_latest(&latest);
    assert_eq!(d.awarded(), 3);
    assert_eq!(d.count(Some(Predicate::Madya)), 1);
    assert_eq!(d.count(Some(Predicate::Utama)), 1);
    let by_year = aggregate::training_by_year(pool, Scope::National).await.unwrap();
    assert_eq!(by_year.iter().map(|y| (y.year, y.totals.events)).collect::<Vec<_>>(), vec![(2024, 1), (2025, 4)]);

    let (status, html) = app.get("/").await;
    assert_eq!(status, 200);
    assert_eq!(stat(&html, "Kegiatan pelatihan KHA"), "5");
    assert_eq!(stat(&html, "Peserta"), "715");
    assert_eq!(stat_note(&html, "Peserta"), "145 luring · 570 daring");
    assert_eq!(stat(&html, "Satuan layanan bersertifikat KHA"), "50,0%");
    assert_eq!(stat(&html, "Kab/kota berpredikat"), "3 / 514");
    assert!(
        html.contains("<svg aria-describedby=\"pelatihan-per-tahun-desc\" role=\"img\""),
        "a plotters chart with its description is on the page"
    );
    assert!(!html.contains("demo-banner"), "fixture data is not demo data");

    let (_, html) = app.get("/?tahun=2025").await;
    assert_eq!(stat(&html, "Kegiatan pelatihan KHA"), "4");
    assert_eq!(stat(&html, "Peserta"), "675");
});

on_both_engines!(a_province_rolls_up_its_regencies_and_its_own_events, |app: TestApp| async move {
    app.import_all_fixtures().await;
    let kalsel = RegionCode::Province(63);
    let pool = &app.state.pool;
    let t = aggregate::training_totals(pool, Scope::Province(kalsel), None).await.unwrap();
    assert_eq!((t.events, t.participants_offline, t.participants_online, t.institutions), (4, Some(115), Some(570), Some(127)));
    let by_org = aggregate::training_by_child(pool, Scope::Province(kalsel), None).await.unwrap();
    assert_eq!(by_org["63"].participants().known(), Some(475), "the province's own bimtek");
    assert_eq!(by_org["63.10"].events, 2);
    let u = aggregate::unit_totals(pool, Scope::Province(kalsel)).await.unwrap();
    assert_eq!((u.units, u.certified_units), (5, 3));

    let (status, html) = app.get("/provinsi/63").await;
    assert_eq!(status, 200);
    assert!(html.contains("<h1>Kalimantan Selatan</h1>"));
    assert_eq!(stat(&html, "Kegiatan pelatihan KHA"), "4");
    assert_eq!(stat(&html, "Peserta"), "685");
    assert_eq!(stat(&html, "Satuan layanan bersertifikat KHA"), "60,0%");
    assert_eq!(stat(&html, "Kab/kota berpredikat"), "2 / 13");
    assert!(html.contains("Diselenggarakan provinsi sendiri: 1 kegiatan · 475 peserta"));
    let table = &html[html.find("<table class=\"regions\">").expect("regencies table")..];
    assert_eq!(table.matches("<a href=\"/kabkota/63.").count(), 13, "every regency of the province is listed");
    assert!(html.contains("Madya (2025)"));
    assert!(html.contains("604,10"));
});

on_both_engines!(a_regency_shows_its_events_units_and_predicate_history, |app: TestApp| async move {
    app.import_all_fixtures().await;
    let tanah_bumbu = RegionCode::Regency(63, 10);
    let pool = &app.state.pool;
    let part = aggregate::provincial_part(pool, tanah_bumbu, None).await.unwrap();
    assert_eq!((part.events, part.participants().known()), (1, Some(25)));
    assert_eq!(aggregate::provincial_part(pool, tanah_bumbu, Some(2024)).await.unwrap().events, 0);
    let kinds = aggregate::units_by_kind(pool, Scope::Regency(tanah_bumbu)).await.unwrap();
    let pkm = kinds.iter().find(|k| k.kind == ProviderKind::PuskesmasRamahAnak).unwrap();
    assert_eq!((pkm.totals.units, pkm.totals.certified_units, pkm.totals.staff, pkm.totals.certified_staff), (2, 1, 42, 13));
    let history = aggregate::predicate_history(pool, tanah_bumbu).await.unwrap();
    assert_eq!(history.iter().map(|h| h.award_year).collect::<Vec<_>>(), vec![2023, 2025]);
    assert_eq!(history[1].predicate(), Some(Predicate::Madya), "derived from the final score 604.10");
    assert_eq!(history[1].score_administrative, Some(588.40));

    let (status, html) = app.get("/kabkota/63.10").await;
    assert_eq!(status, 200);
    assert!(html.contains("<h1>Kabupaten Tanah Bumbu</h1>"));
    assert!(html.contains("href=\"/provinsi/63\">Kalimantan Selatan</a>"), "breadcrumb to the province");
    assert_eq!(stat(&html, "Kegiatan pelatihan KHA"), "2");
    assert_eq!(stat(&html, "Peserta"), "160");
    assert_eq!(stat(&html, "Ikut kegiatan pelatihan provinsi"), "1 kegiatan");
    assert_eq!(stat_note(&html, "Ikut kegiatan pelatihan provinsi"), "25 peserta");
    assert_eq!(stat(&html, "Satuan layanan bersertifikat KHA"), "50,0%");
    assert_eq!(stat(&html, "Predikat terakhir"), "Madya");
    for text in
        ["721,00", "588,40", "604,10", "Puskesmas Ramah Anak", "31,0%", "Pelatihan KHA bagi tenaga kesehatan", "60,0 → 78,0 (+18,0)"]
    {
        assert!(html.contains(text), "regency page shows {text}");
    }
    assert!(!html.contains("Puskesmas Batulicin"), "unit names are not listed on the public page");

    let (_, html) = app.get("/kabkota/63.10?tahun=2025").await;
    assert_eq!(stat(&html, "Kegiatan pelatihan KHA"), "1");
    assert_eq!(stat(&html, "Peserta"), "120");
    assert!(!html.contains("Pelatihan KHA bagi tenaga kesehatan"), "the 2024 event is filtered out");
});

on_both_engines!(unknown_codes_and_paths_answer_404_with_a_page, |app: TestApp| async move {
    for path in ["/kabkota/63.99", "/kabkota/63", "/provinsi/99", "/provinsi/63.10", "/provinsi/abc", "/tidak-ada"] {
        let (status, html) = app.get(path).await;
        assert_eq!(status, 404, "{path}");
        assert!(html.contains("Halaman tidak ditemukan"), "{path} shows the not-found page");
    }
});

on_both_engines!(a_bad_year_answers_400_naming_the_parameter, |app: TestApp| async move {
    for path in ["/?tahun=abc", "/provinsi/63?tahun=1800", "/kabkota/63.10?tahun=20255"] {
        let (status, html) = app.get(path).await;
        assert_eq!(status, 400, "{path}");
        assert!(html.contains("tahun: harus berupa tahun antara 2000 dan 2100"), "{path}");
    }
});

on_both_engines!(english_is_selectable_and_remembered, |app: TestApp| async move {
    app.import_all_fixtures().await;
    let res = app.client.get(format!("{}/?lang=en", app.base)).send().await.unwrap();
    let cookie = res.headers().get("set-cookie").expect("language cookie").to_str().unwrap().to_string();
    assert!(cookie.starts_with("lang=en;") && cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"));
    let html = res.text().await.unwrap();
    assert!(html.contains("<html lang=\"en\""));
    assert_eq!(stat(&html, "KHA-certified service units"), "50.0%");
    let (_, html) = app.get_with_cookie("/provinsi/63", "lang=en").await;
    // The province's name is Indonesian data on an English page.
    assert!(html.contains("<h1 lang=\"id\">Kalimantan Selatan</h1>") && html.contains("Regencies with a predicate"));
    assert!(html.contains("href=\"/provinsi/63?lang=id\""), "the link back to Bahasa Indonesia");
});

on_both_engines!(a_database_failure_never_reaches_the_reader, |app: TestApp| async move {
    // A table vanishing under the running server, as a broken migration or a wrong database would do.
    sqlx::query("alter table training_events rename to training_events_gone").execute(&app.state.pool).await.unwrap();
    let (status, html) = app.get("/kabkota/63.10").await;
    assert_eq!(status, 500);
    assert!(html.contains("Terjadi kesalahan"));
    let lower = html.to_lowercase();
    for leak in ["training_events", "no such table", "does not exist", "sqlx", "relation"] {
        assert!(!lower.contains(leak), "the page leaks {leak:?}");
    }
});

on_both_engines!(restarting_on_the_same_database_keeps_the_data, |app: TestApp| async move {
    app.import_all_fixtures().await;
    let again = TestApp::spawn_on(app.database_url.clone(), None).await;
    assert_eq!(again.count("regions").await, 552);
    assert_eq!(again.count("training_events").await, 5);
    let (_, html) = again.get("/").await;
    assert_eq!(stat(&html, "Peserta"), "715");
});

on_both_engines!(pages_carry_no_script_and_the_browser_defences, |app: TestApp| async move {
    app.import_all_fixtures().await;
    crate::common::officer::add_user(&app, "rina", "regency", Some("63.10")).await;
    let officer = crate::common::officer::sign_in(&app, "rina").await;
    let anonymous = ["/", "/provinsi/63", "/kabkota/63.10", "/cari?q=banjar", "/masuk", "/halaman-yang-tidak-ada"];
    for path in anonymous {
        let res = app.client.get(format!("{}{path}", app.base)).send().await.unwrap();
        let h = res.headers().clone();
        let csp = h["content-security-policy"].to_str().unwrap();
        let script = csp.split(';').map(str::trim).find(|d| d.starts_with("script-src")).unwrap_or("");
        assert_eq!(script, "script-src 'none'", "{path}: {csp}");
        assert!(h["permissions-policy"].to_str().unwrap().contains("camera=()"), "{path}");
        assert_eq!(h["x-content-type-options"], "nosniff");
        assert!(!h.contains_key("strict-transport-security"), "{path}: no HSTS over plain HTTP");
        let html = res.text().await.unwrap();
        assert!(!html.contains("<script"), "{path} carries an inline script");
        assert!(html.trim_end().ends_with("</html>"), "{path} ends with its document");
        assert!(html.contains("rel=\"icon\" href=\"/favicon.svg\""), "{path} names its icon");
    }
    for path in ["/kelola", "/akun", "/kelola/impor"] {
        let (status, html) = officer.get(path).await;
        assert_eq!(status, 200, "{path}");
        assert!(!html.contains("<script"), "{path} carries an inline script");
    }
    // Behind a proxy that terminated HTTPS, every response — a kept one too — gets HSTS.
    for _ in 0..2 {
        let res = app.client.get(format!("{}/provinsi/63", app.base)).header("x-forwarded-proto", "https").send().await.unwrap();
        assert_eq!(res.headers()["strict-transport-security"], "max-age=31536000");
    }
    let res = app.client.get(format!("{}/favicon.ico", app.base)).send().await.unwrap();
    assert_eq!((res.status().as_u16(), res.headers()["content-type"].to_str().unwrap()), (200, "image/x-icon"));
    assert!(res.bytes().await.unwrap().starts_with(&[0, 0, 1, 0]));
    let res = app.client.get(format!("{}/favicon.svg", app.base)).send().await.unwrap();
    assert_eq!((res.status().as_u16(), res.headers()["content-type"].to_str().unwrap()), (200, "image/svg+xml"));
});
