//! Peer pathways (`/jalur`, `/api/v1/jalur`, the regency page's "next step") on a history built by hand, on
//! SQLite and PostgreSQL: who moved, who stayed, who fell, which pair is a gap, and every figure checked
//! against the arithmetic below.

use crate::common::{Engine, TestApp, import_text};

/// Rounds 2021, 2022, 2023. 63.01 Madya → Nindya (score 650 before); 63.02 and 63.05 stay Madya (63.02
/// scored 610); 63.03 Madya 2021 → Nindya 2023, no 2022 record (a gap); 63.04 Madya → Pratama (a drop).
const RECORDS: &str =
    "regency_code,award_year,data_year,score_self_assessment,score_administrative,score_field,score_final,predicate,source_url
63.01,2022,,,,,650,madya,
63.01,2023,,,,,,nindya,
63.02,2022,,,,,610,madya,
63.02,2023,,,,,,madya,
63.03,2021,,,,,,madya,
63.03,2023,,,,,,nindya,
63.04,2022,,,,,,madya,
63.04,2023,,,,,,pratama,
63.05,2022,,,,,,madya,
63.05,2023,,,,,,madya,
";

/// 63.01: three events in 2021 and one in 2022, 40 participants each (the window of its 2023 step: 2 a year,
/// 80 participants a year). 63.02: one event in 2019 only (it reports, so 0 in its window is known). 63.05
/// reports no training: unknown, not 0.
const TRAININGS: &str = "organiser_code,title,kind,start_date,end_date,venue,mode,participants_offline,participants_online,institutions,participants_by_regency,participants_by_kind,pre_test_mean,post_test_mean,certificate_issuer,source_url
63.01,Pelatihan KHA 1,pelatihan,2021-03-01,2021-03-02,Pelaihari,luring,40,0,,,,,,,
63.01,Pelatihan KHA 2,pelatihan,2021-06-01,2021-06-02,Pelaihari,luring,40,0,,,,,,,
63.01,Pelatihan KHA 3,pelatihan,2021-09-01,2021-09-02,Pelaihari,luring,40,0,,,,,,,
63.01,Pelatihan KHA 4,pelatihan,2022-03-01,2022-03-02,Pelaihari,luring,40,0,,,,,,,
63.02,Pelatihan KHA lama,pelatihan,2019-03-01,2019-03-02,Kotabaru,luring,20,0,,,,,,,
";

const UNITS: &str = "regency_code,kind,name,total_staff,certified_staff,latest_certificate_year,certificate_issuer
63.01,puskesmas_ramah_anak,Puskesmas A,10,4,2024,DP3A
63.01,puskesmas_ramah_anak,Puskesmas B,8,0,,
";

async fn build(app: &TestApp) {
    for text in [RECORDS, TRAININGS, UNITS] {
        import_text(&app.state, text).await.unwrap();
    }
}

/// `path` as served once `shows` holds of it, or after a minute (the caller's assertion then fails):
/// pages show the nation's pathways as last computed until a background recomputation lands.
async fn until_shows(app: &TestApp, path: &str, shows: impl Fn(&str) -> bool) -> String {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    let mut html = app.get(path).await.1;
    while !shows(&html) && std::time::Instant::now() < deadline {
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        html = app.get(path).await.1;
    }
    html
}

fn step<'a>(json: &'a serde_json::Value, slug: &str) -> &'a serde_json::Value {
    json["data"]["steps"].as_array().unwrap().iter().find(|s| s["slug"] == slug).unwrap_or_else(|| panic!("step {slug}"))
}

on_both_engines!(movers_and_stayers_are_counted_and_measured_by_hand, |app: TestApp| async move {
    build(&app).await;
    let (status, body) = app.get("/api/v1/jalur").await;
    assert_eq!(status, 200, "{body}");
    let json: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(json["data"]["rounds"], serde_json::json!([2021, 2022, 2023]));
    assert_eq!(json["data"]["gaps"], 1, "63.03 had no 2022 record");
    let mn = step(&json, "madya-nindya");
    assert_eq!(mn["movers"]["regencies"], serde_json::json!(["63.01"]));
    assert_eq!(mn["stayers"]["regencies"], serde_json::json!(["63.02", "63.05"]));
    assert_eq!(mn["drops"], 1, "63.04 fell to Pratama");
    assert_eq!(mn["movers"]["events_per_year"], serde_json::json!({ "n": 1, "median": 2.0, "mean": 2.0 }));
    assert_eq!(mn["movers"]["participants_per_year"]["median"], 80.0);
    assert_eq!(mn["movers"]["score"], serde_json::json!({ "n": 1, "median": 650.0, "mean": 650.0 }));
    assert_eq!(mn["movers"]["certified_share"]["median"], 0.5, "one of two units has certified staff");
    assert_eq!(mn["stayers"]["events_per_year"], serde_json::json!({ "n": 1, "median": 0.0, "mean": 0.0 }), "63.05 is unknown");
    assert_eq!(mn["stayers"]["score"]["n"], 1);
    assert_eq!(mn["stayers"]["certified_share"]["n"], 0, "no units: no share, not 0 %");
    assert_eq!(step(&json, "pratama-madya")["movers"]["regencies"], serde_json::json!([]));

    // The figure as CSV: one row per group, every measure beside its n.
    let (_, csv) = app.get("/api/v1/jalur/jalur-predikat.csv").await;
    assert!(csv.starts_with("step,group,regencies,events_per_year_median,"), "{csv}");
    assert!(csv.contains("\nMadya → Nindya,Naik,1,2,2,1,80,1,650,1,0.5,1,1\n"), "{csv}");
    assert!(csv.contains("\nMadya → Nindya,Tetap,2,0,0,1,0,1,610,1,,0,1\n"), "{csv}");

    // The page: the step's table, flagged small, the caveats, in both languages.
    let (status, html) = app.get("/jalur").await;
    assert_eq!(status, 200);
    assert!(html.contains("id=\"madya-nindya\"") && html.contains("kelompok kecil (kurang dari 5)"), "small groups flagged");
    assert!(html.contains("Yang tidak dibuktikan angka ini") && html.contains("bukan sebab-akibat"));
    assert!(html.contains("median 2,0 · rata-rata 2,0 (n = 1)"), "a figure with its n");
    assert!(!html.contains("demo-banner"), "no demo data here");
    let en = app.get("/jalur?lang=en").await.1;
    assert!(en.contains("What these figures do not prove") && en.contains("median 2.0 · mean 2.0 (n = 1)"));
    let (status, bad) = app.get("/jalur?tahun=dua").await;
    assert_eq!(status, 400);
    assert!(bad.contains("tahun"), "the parameter is named");

    // The regency page: the step it is on, linked to that step's table.
    let page = app.get("/kabkota/63.05").await.1;
    assert!(page.contains("Langkah berikutnya") && page.contains("langkah berikutnya Madya → Nindya"), "the step");
    assert!(page.contains("href=\"/jalur#madya-nindya\""));
    assert!(page.contains("tidak diketahui (catatan pelatihannya tidak mencakup tahun-tahun itu)"), "its own unknown training is said so");
    let top = app.get("/kabkota/63.01").await.1;
    assert!(top.contains("langkah berikutnya Nindya → Utama"));

    // A later round: 63.02 moves up in 2025, and the pathways show it at once.
    import_text(&app.state, "regency_code,award_year,data_year,score_self_assessment,score_administrative,score_field,score_final,predicate,source_url\n63.02,2025,,,,,,nindya,\n")
        .await
        .unwrap();
    let json: serde_json::Value = serde_json::from_str(&app.get("/api/v1/jalur").await.1).unwrap();
    let mn = step(&json, "madya-nindya");
    assert_eq!(mn["movers"]["regencies"], serde_json::json!(["63.01", "63.02"]), "its latest pair is the move");
    assert_eq!(mn["stayers"]["regencies"], serde_json::json!(["63.05"]));
    let y2023: serde_json::Value = serde_json::from_str(&app.get("/api/v1/jalur?tahun=2023").await.1).unwrap();
    assert_eq!(step(&y2023, "madya-nindya")["stayers"]["regencies"], serde_json::json!(["63.02", "63.05"]), "2023 pairs only");

    // 63.05's page was cached before that write, which bumped 63.02's version, not 63.05's: its comparison
    // still shows the move at once.
    assert!(page.contains("1 kab/kota pernah menempuh langkah ini dan 2 tetap"), "before");
    let page = app.get("/kabkota/63.05").await.1;
    assert!(page.contains("2 kab/kota pernah menempuh langkah ini dan 1 tetap"), "after a write elsewhere");
    // A write that changes nothing it shows (a training of a kab/kota with no predicate record, in a year
    // already measured) leaves both numbers its cached response is kept under as they were.
    let version = kla::summaries::version(&app.state.pool, "63.05").await.unwrap();
    let shown = app::pages::regency::pathways_shown(&app.state, "63.05").await.unwrap();
    import_text(
        &app.state,
        &format!(
            "{}\n62.71,Pelatihan KHA kota,pelatihan,2022-05-01,2022-05-02,Palangka Raya,luring,30,0,,,,,,,\n",
            TRAININGS.lines().next().unwrap()
        ),
    )
    .await
    .unwrap();
    assert_eq!(kla::summaries::version(&app.state.pool, "63.05").await.unwrap(), version);
    assert_eq!(app::pages::regency::pathways_shown(&app.state, "63.05").await.unwrap(), shown, "served from the cache");

    // A write elsewhere that changes 63.05's comparison, with no other page asked for in between: the
    // regency page does not wait for the nation's pathways (it shows them as they were while one background
    // recomputation is due, `pathways::RECOMPUTE`: seconds), and the page follows them once that lands.
    import_text(&app.state, "regency_code,award_year,data_year,score_self_assessment,score_administrative,score_field,score_final,predicate,source_url\n63.06,2023,,,,,,madya,\n63.06,2025,,,,,,madya,\n")
        .await
        .unwrap();
    let (before, after) = ("2 kab/kota pernah menempuh langkah ini dan 1 tetap", "2 kab/kota pernah menempuh langkah ini dan 2 tetap");
    let first = app.get("/kabkota/63.05").await.1;
    assert!(first.contains(before) || first.contains(after), "the last pathways or the new ones, never an error");
    let page = until_shows(&app, "/kabkota/63.05", |html| html.contains(after)).await;
    assert!(page.contains(after), "63.06 stays Madya: two stayers once the recomputation lands");
    // /jalur was cached before that write and is kept under the version its pathways were computed at: it
    // follows them too: two movers and, now, two stayers in the step's first row.
    let stayers = |html: &str| {
        let step = html.split("id=\"madya-nindya\"").nth(1).unwrap_or("");
        step.split("</tr>").nth(1).is_some_and(|row| row.contains("Kab/kota</th><td>2 — kelompok kecil (kurang dari 5)</td><td>2 — "))
    };
    let jalur = until_shows(&app, "/jalur", stayers).await;
    assert!(stayers(&jalur), "the page follows the recomputation");
});
