//! Predicate records as award lists publish them (no data year, no score) through the real server, on SQLite
//! and PostgreSQL: the form, the regency page's chart and summary, the API and the exports; and `/kelola`
//! writing numbers, names and times as the public pages do.

use crate::common::officer::{add_user, sign_in};
use crate::common::{Engine, TestApp};

on_both_engines!(an_award_list_line_is_entered_charted_and_served_without_scores, |app: TestApp| async move {
    add_user(&app, "rina", "regency", Some("63.10")).await;
    let rina = sign_in(&app, "rina").await;
    // The form takes regency → predicate for an award year, nothing else.
    let form = rina.get("/kelola/predikat/baru?wilayah=63.10").await.1;
    assert!(form.contains("Kabupaten/kota penerima predikat.") && form.contains("daftar penerima penghargaan"), "hints for award lists");
    assert!(!form.contains("satuan layanan berada") && !form.contains("berita kegiatan"), "no hint about service units or event news");
    let (status, _, html) =
        rina.post("/kelola/predikat/baru", &[("regency_code", "63.10"), ("award_year", "2019"), ("predicate", "madya")]).await;
    assert_eq!(status, 303, "{html}");
    let data_year: Option<i64> = sqlx::query_scalar("select data_year from predicate_records where regency_code = '63.10'")
        .fetch_one(&app.state.pool)
        .await
        .unwrap();
    assert_eq!(data_year, None, "stored as unknown, not 0");
    // The regency page draws the predicate-only history and says no final score was published.
    let (status, page) = app.get("/kabkota/63.10").await;
    assert_eq!(status, 200);
    let figure = &page[page.find("<figure id=\"nilai-per-tahap\"").expect("the predicate figure")..];
    let figure = &figure[..figure.find("</figure>").unwrap()];
    assert!(figure.contains("<svg") && !figure.contains("Belum ada data"), "drawn without scores");
    assert!(page.contains("Predikat terakhir: Madya (2019); nilai akhirnya tidak diumumkan.") && !page.contains("nilai akhir –"));
    // API: null in JSON, empty in CSV.
    let (_, json) = app.get("/api/v1/kabkota/63.10/nilai-per-tahap.json").await;
    let json: serde_json::Value = serde_json::from_str(&json).unwrap();
    let row = &json["rows"][0];
    assert!(row["data_year"].is_null() && row["final"].is_null() && row["self_assessment_band"].is_null(), "{row}");
    assert_eq!((row["award_year"].as_i64(), row["predicate"].as_str()), (Some(2019), Some("Madya")));
    let (_, csv) = app.get("/api/v1/kabkota/63.10/nilai-per-tahap.csv").await;
    assert!(csv.contains("\n2019,,,,,,Madya,\n"), "{csv}");
    let export = app
        .client
        .get(format!("{}/kelola/ekspor/predikat.csv?wilayah=63.10", app.base))
        .header("cookie", &rina.cookie)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(export.contains("63.10,2019,,,,,,madya,"), "{export}");
    // A self-assessment score in another band than the final predicate is said as such.
    let (status, _, html) = rina
        .post(
            "/kelola/predikat/baru",
            &[
                ("regency_code", "63.10"),
                ("award_year", "2025"),
                ("data_year", "2024"),
                ("score_self_assessment", "961.86"),
                ("score_final", "800.38"),
            ],
        )
        .await;
    assert_eq!(status, 303, "{html}");
    let page = app.get("/kabkota/63.10").await.1;
    assert!(page.contains("Nilai evaluasi mandiri 961,86 berada di rentang KLA, sedangkan predikat akhirnya Nindya."), "band apart");
    let en = app.get("/kabkota/63.10?lang=en").await.1;
    assert!(en.contains("Self-assessment score 961.86 lies in the KLA band, while the final predicate is Nindya."));
});

on_both_engines!(kelola_writes_numbers_names_and_times_as_the_public_pages_do, |app: TestApp| async move {
    add_user(&app, "rina", "regency", Some("63.10")).await;
    let rina = sign_in(&app, "rina").await;
    let fields = [("regency_code", "63.10"), ("award_year", "2025"), ("data_year", "2024"), ("score_final", "800.38")];
    assert_eq!(rina.post("/kelola/predikat/baru", &fields).await.0, 303);
    // The list: a decimal comma in Indonesian, a point in English, as on the public page.
    let list = rina.get("/kelola?wilayah=63.10").await.1;
    assert!(list.contains("<td>800,38</td>") && !list.contains("800.38"), "Indonesian list");
    let list_en = rina.get("/kelola?wilayah=63.10&lang=en").await.1;
    assert!(list_en.contains("<td>800.38</td>") && !list_en.contains("800,38"), "English list");
    assert!(app.get("/kabkota/63.10").await.1.contains("800,38"), "the public page writes it so too");
    // The history: Jakarta time and names, not UTC and keys.
    let history = rina.get("/kelola/riwayat?wilayah=63.10").await.1;
    assert!(history.contains(" WIB</time>") && !history.contains("UTC"), "times in WIB");
    assert!(history.contains("<ins>800,38</ins>") && history.contains("<ins>Nindya</ins>") && !history.contains(">nindya<"), "{history}");
    let id: i64 = sqlx::query_scalar("select id from predicate_records").fetch_one(&app.state.pool).await.unwrap();
    let record = rina.get(&format!("/kelola/predikat/{id}/riwayat?lang=en")).await.1;
    assert!(record.contains("<ins>800.38</ins>") && record.contains(" WIB</time>"));
    // The delete confirmation writes the values the same way.
    let confirm = rina.get(&format!("/kelola/predikat/{id}/hapus")).await.1;
    assert!(confirm.contains("<dd>800,38</dd>") && confirm.contains("<dd>Nindya</dd>"), "{confirm}");
});

on_both_engines!(counts_before_a_noun_agree_in_english, |app: TestApp| async move {
    add_user(&app, "prov63", "province", Some("63")).await;
    let prov = sign_in(&app, "prov63").await;
    let event = [
        ("organiser_code", "63"),
        ("title", "Bimtek KHA provinsi"),
        ("kind", "bimtek"),
        ("start_date", "2026-03-10"),
        ("end_date", "2026-03-11"),
        ("mode", "luring"),
        ("participants_offline", "1"),
        ("participants_online", "0"),
        ("institutions", "1"),
    ];
    let (status, _, html) = prov.post("/kelola/kegiatan/baru", &event).await;
    assert_eq!(status, 303, "{html}");
    let en = app.get("/provinsi/63?lang=en").await.1;
    assert!(en.contains("Organised by the province itself: 1 event · 1 participant"), "singular in English");
    assert!(!en.contains("1 events") && !en.contains("1 participants"));
    let id = app.get("/provinsi/63").await.1;
    assert!(id.contains(": 1 kegiatan · 1 peserta"), "Indonesian has no plural");
});
