//! Training effectiveness (issue 16): pre/post-test gains by kind of training, computed by hand from the
//! fixtures plus events with one test only, equal what the three region pages say, what their figure's CSV
//! and JSON hold and what the pages' API data carries — for every year and for one year, on SQLite and on
//! PostgreSQL alike. The summary the figure reads (`test_summary`) stays exact and `check` verifies it.

use crate::common::{Engine, TestApp, import_text};
use serde_json::Value;

const HEADER: &str = "organiser_code,title,kind,start_date,end_date,venue,mode,participants_offline,participants_online,institutions,participants_by_regency,participants_by_kind,pre_test_mean,post_test_mean,certificate_issuer,source_url";

/// Beside the fixtures (63.10 pelatihan 2024 60 → 78; 63 bimtek 2025 61.5 → 82; three events without tests):
/// a test with both means, one with a pre-test only, one with a post-test only.
const EXTRA: &str = "63.10,Pelatihan KHA guru SRA,pelatihan,2025-08-05,2025-08-06,Batulicin,luring,30,0,10,,,50,70,,
63.10,Bimtek KHA tanpa tes akhir,bimtek,2025-09-01,2025-09-01,Batulicin,luring,20,0,5,,,40,,,
63.72,Pelatihan KHA tanpa tes awal,pelatihan,2024-10-01,2024-10-02,Banjarbaru,luring,25,0,8,,,,90,,
";

async fn body(app: &TestApp, path: &str) -> String {
    let (status, body) = app.get(path).await;
    assert_eq!(status, 200, "{path}: {body}");
    body
}

async fn json(app: &TestApp, path: &str) -> Value {
    serde_json::from_str(&body(app, path).await).unwrap_or_else(|e| panic!("{path}: not JSON ({e})"))
}

/// The figure's CSV rows (keys header), as text.
async fn csv_rows(app: &TestApp, path: &str) -> Vec<String> {
    let text = body(app, path).await;
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("training_kind,events,tested_events,test_share,one_test_events,mean_pre,mean_post,mean_gain"));
    lines.map(str::to_string).collect()
}

fn close(v: &Value, want: f64) -> bool {
    v.as_f64().is_some_and(|x| (x - want).abs() < 1e-9)
}

on_both_engines!(gains_computed_by_hand_equal_the_pages_and_downloads, |app: TestApp| async move {
    app.import_all_fixtures().await;
    import_text(&app.state, &format!("{HEADER}\n{EXTRA}")).await.expect("extra events");
    let differences = kla::summaries::check(&app.state.pool).await.unwrap();
    assert!(differences.is_empty(), "{differences:?}");

    // Tanah Bumbu, every year: 4 events; both tests in two (60 → 78, 50 → 70), a pre-test only in one.
    let html = body(&app, "/kabkota/63.10").await;
    assert!(html.contains("id=\"efektivitas-pelatihan\""));
    assert!(html.contains(
        "Rata-rata nilai naik 19,0 poin (dari 55,0 menjadi 74,0) pada 2 dari 4 kegiatan yang mengadakan tes awal dan akhir. \
         1 kegiatan hanya mencatat salah satu tes dan tidak dihitung."
    ));
    assert_eq!(
        csv_rows(&app, "/api/v1/kabkota/63.10/efektivitas-pelatihan.csv").await,
        ["Pelatihan,2,2,1,0,55,74,19", "Bimtek,1,0,0,1,,,", "Sosialisasi,1,0,0,0,,,", "Semua jenis,4,2,0.5,1,55,74,19"],
        "a kind without both tests has no mean (empty, not 0)"
    );
    let data = json(&app, "/api/v1/kabkota/63.10").await;
    let all = &data["data"]["effectiveness"]["all"];
    assert_eq!((all["events"].as_i64(), all["tested_events"].as_i64(), all["one_test_events"].as_i64()), (Some(4), Some(2), Some(1)));
    assert!(
        close(&all["mean_gain"], 19.0) && close(&all["mean_pre"], 55.0) && close(&all["mean_post"], 74.0) && close(&all["test_share"], 0.5)
    );
    assert!(data["figures"].as_array().unwrap().iter().any(|f| f["id"] == "efektivitas-pelatihan"));
    let bimtek = &data["data"]["effectiveness"]["by_kind"][1];
    assert_eq!(bimtek["kind"], "bimtek");
    assert!(bimtek["gains"]["mean_gain"].is_null(), "unknown is null, never 0");
    let fig = json(&app, "/api/v1/kabkota/63.10/efektivitas-pelatihan.json").await;
    assert!(close(&fig["rows"][3]["mean_gain"], 19.0) && fig["rows"][1]["mean_pre"].is_null());
    assert_eq!(fig["demo"], false);

    // The year filter: 2025 has three of its events, one with both tests (50 → 70).
    let html = body(&app, "/kabkota/63.10?tahun=2025").await;
    assert!(html.contains("Rata-rata nilai naik 20,0 poin (dari 50,0 menjadi 70,0) pada 1 dari 3 kegiatan"));
    assert_eq!(
        csv_rows(&app, "/api/v1/kabkota/63.10/efektivitas-pelatihan.csv?tahun=2025").await.last().map(String::as_str),
        Some("Semua jenis,3,1,0.333333,1,50,70,20")
    );
    // A year without events: said in words, no chart, no rows.
    let html = body(&app, "/kabkota/63.10?tahun=2019").await;
    let fig = &html[html.find("id=\"efektivitas-pelatihan\"").unwrap()..];
    let fig = &fig[..fig.find("</figure>").unwrap()];
    assert!(fig.contains("Belum ada kegiatan pelatihan yang tercatat, jadi belum ada nilai tes.") && !fig.contains("<svg"), "{fig}");
    assert_eq!(csv_rows(&app, "/api/v1/kabkota/63.10/efektivitas-pelatihan.csv?tahun=2019").await, Vec::<String>::new());
    // Banjarbaru in 2025: an event, but no test: said so, no chart, no 0.
    let html = body(&app, "/kabkota/63.72?tahun=2025&lang=en").await;
    let fig = &html[html.find("id=\"efektivitas-pelatihan\"").unwrap()..];
    let fig = &fig[..fig.find("</figure>").unwrap()];
    assert!(fig.contains("The 1 event did not record both a pre-test and a post-test score, so no gain can be computed yet."), "{fig}");
    assert!(!fig.contains("<svg") && !fig.contains("0.0 points"));

    // Kalimantan Selatan: its regencies' events and its own — 7 events, both tests in 3 (60 → 78, 50 → 70,
    // 61.5 → 82), one test only in 2.
    let html = body(&app, "/provinsi/63").await;
    assert!(html.contains("Rata-rata nilai naik 19,5 poin (dari 57,2 menjadi 76,7) pada 3 dari 7 kegiatan"), "province");
    let rows = csv_rows(&app, "/api/v1/provinsi/63/efektivitas-pelatihan.csv").await;
    assert_eq!(rows.last().map(String::as_str), Some("Semua jenis,7,3,0.428571,2,57.166667,76.666667,19.5"));
    assert!(rows.contains(&"Bimtek,3,1,0.333333,1,61.5,82,20.5".to_string()), "{rows:?}");
    assert!(rows.contains(&"Pelatihan,3,2,0.666667,1,55,74,19".to_string()), "{rows:?}");
    let p = json(&app, "/api/v1/provinsi/63?tahun=2024").await;
    let all = &p["data"]["effectiveness"]["all"];
    assert_eq!((all["events"].as_i64(), all["tested_events"].as_i64(), all["one_test_events"].as_i64()), (Some(2), Some(1), Some(1)));
    assert!(close(&all["mean_gain"], 18.0));

    // Indonesia: one more event (ToT in Semarang, no test).
    let html = body(&app, "/?lang=en").await;
    assert!(html.contains(
        "In 3 of 8 events both a pre-test and a post-test were recorded; there, average scores rose by 19.5 points (from 57.2 to 76.7)."
    ));
    assert!(html.contains("2 events recorded only one of the two tests and are not counted."));
    let n = json(&app, "/api/v1/nasional").await;
    assert_eq!(n["data"]["effectiveness"]["all"]["events"], 8);
    let rows = csv_rows(&app, "/api/v1/nasional/efektivitas-pelatihan.csv?lang=en").await;
    assert_eq!(rows[0], "Training,3,2,0.666667,1,55,74,19");
    assert!(rows.contains(&"Training of trainers,1,0,0,0,,,".to_string()), "{rows:?}");

    // A write by hand (no settle): the next reader settles it and every page shows the new gain.
    sqlx::query("update training_events set post_test_mean = 91.5 where organiser_code = '63' and kind = 'bimtek'")
        .execute(&app.state.pool)
        .await
        .unwrap();
    let n = json(&app, "/api/v1/nasional").await;
    assert!(close(&n["data"]["effectiveness"]["all"]["mean_gain"], (18.0 + 20.0 + 30.0) / 3.0), "{}", n["data"]["effectiveness"]);
    assert!(kla::summaries::check(&app.state.pool).await.unwrap().is_empty());

    // `check` sees a test summary that no longer equals the records.
    sqlx::query("update test_summary set gain_sum = gain_sum + 1 where organiser_code = '63.10' and kind = 'pelatihan' and year = 2025")
        .execute(&app.state.pool)
        .await
        .unwrap();
    let differences = kla::summaries::check(&app.state.pool).await.unwrap();
    assert!(!differences.is_empty() && differences.iter().all(|d| d.table == "test_summary"), "{differences:?}");
    kla::summaries::rebuild(&app.state.pool).await.unwrap();
    assert!(kla::summaries::check(&app.state.pool).await.unwrap().is_empty(), "a rebuild repairs it");
});
