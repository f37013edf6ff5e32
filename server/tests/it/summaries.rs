//! The summary tables and scoped freshness (migration 0006), on SQLite and PostgreSQL: after every kind of
//! write — forms (create, edit, delete), imports confirmed and previewed (rolled back), province-wide
//! trainings, the demo generator, SQL by hand — the summaries equal a recomputation from the records; a
//! write refreshes only the regions whose pages show it, once per transaction; concurrent writers of one
//! kab/kota leave exact sums.

use crate::common::officer::{add_user, sign_in};
use crate::common::{Engine, TestApp, import_text, stat};
use kla::summaries::{self, NATIONAL};

async fn exact(app: &TestApp, after: &str) {
    let differences = summaries::check(&app.state.pool).await.unwrap();
    assert!(differences.is_empty(), "after {after}: {}", differences.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"));
}

async fn versions(app: &TestApp, codes: &[&str]) -> Vec<i64> {
    let mut out = Vec::new();
    for code in codes {
        out.push(summaries::version(&app.state.pool, code).await.unwrap());
    }
    out
}

fn event(region: &str, title: &str, offline: &str) -> Vec<(&'static str, String)> {
    vec![
        ("organiser_code", region.to_string()),
        ("title", title.to_string()),
        ("kind", "pelatihan".into()),
        ("start_date", "2026-03-10".into()),
        ("end_date", "2026-03-12".into()),
        ("mode", "luring".into()),
        ("participants_offline", offline.to_string()),
        ("participants_online", String::new()),
        ("institutions", String::new()),
    ]
}

fn refs<'a>(v: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    v.iter().map(|(k, s)| (*k, s.as_str())).collect()
}

const HEADER: &str = "organiser_code,title,kind,start_date,end_date,venue,mode,participants_offline,participants_online,institutions,participants_by_regency,participants_by_kind,pre_test_mean,post_test_mean,certificate_issuer,source_url";

on_both_engines!(summaries_equal_a_recomputation_after_every_kind_of_write, |app: TestApp| async move {
    exact(&app, "an empty database").await;
    app.import_all_fixtures().await;
    exact(&app, "imports").await;
    add_user(&app, "rina", "regency", Some("63.10")).await;
    let rina = sign_in(&app, "rina").await;

    // A form: create (with a count nobody reported), edit, delete.
    let (status, _, _) = rina.post("/kelola/kegiatan/baru", &refs(&event("63.10", "Sosialisasi KHA tanpa jumlah", ""))).await;
    assert_eq!(status, 303);
    exact(&app, "a new event without counts").await;
    let (_, html) = app.get("/kabkota/63.10").await;
    assert_eq!(stat(&html, "Kegiatan pelatihan KHA"), "3");
    let id: i64 = sqlx::query_scalar("select id from training_events where title = 'Sosialisasi KHA tanpa jumlah'")
        .fetch_one(&app.state.pool)
        .await
        .unwrap();
    let (status, _, _) =
        rina.post(&format!("/kelola/kegiatan/{id}/ubah"), &refs(&event("63.10", "Sosialisasi KHA tanpa jumlah", "31"))).await;
    assert_eq!(status, 303);
    exact(&app, "an edit").await;
    let (status, _, _) = rina.post(&format!("/kelola/kegiatan/{id}/hapus"), &[]).await;
    assert_eq!(status, 303);
    exact(&app, "a delete").await;
    let (_, html) = app.get("/kabkota/63.10").await;
    assert_eq!(stat(&html, "Kegiatan pelatihan KHA"), "2", "the deleted event is gone from the sums");

    // A previewed import is written and rolled back: nothing of it may stay in a summary.
    let events = app.count("training_events").await;
    let file = format!("{HEADER}\n63.10,Pelatihan pratinjau,pelatihan,2025-09-01,2025-09-02,,luring,25,0,12,,,,,,\n");
    let (status, html) = rina.upload("pratinjau.csv", file.into_bytes()).await;
    assert_eq!(status, 200, "{html}");
    exact(&app, "a preview rolled back").await;
    assert_eq!(app.count("training_events").await, events, "the preview wrote nothing");

    // SQL by hand commits without settling: the next reader settles it, the page shows it.
    sqlx::query(
        "insert into training_events (organiser_code, province_code, organiser_level, title, kind, start_date, year, participants_offline)
         values ('63.10', '63', 'regency', 'Ditulis dengan SQL', 'bimtek', '2025-05-01', 2025, 7)",
    )
    .execute(&app.state.pool)
    .await
    .unwrap();
    let (_, html) = app.get("/kabkota/63.10").await;
    assert_eq!(stat(&html, "Kegiatan pelatihan KHA"), "3", "a write that did not settle is still seen");
    exact(&app, "SQL by hand").await;
    sqlx::query("delete from service_units where regency_code = '63.10'").execute(&app.state.pool).await.unwrap();
    exact(&app, "units deleted by hand").await;

    // The demo generator replaces every demo row in one transaction.
    let data = kla::demo::generate(&app.state.regions, &app.state.bands, 7, kla::demo::Scale::Demo);
    let options = kla::demo::WriteOptions { force: true, replace: true };
    kla::demo::write(&app.state.pool, &app.state.regions, &data, options, |_| {}).await.unwrap();
    exact(&app, "demo data").await;

    // A rebuild leaves them as they are.
    summaries::rebuild(&app.state.pool).await.unwrap();
    exact(&app, "a rebuild").await;
});

on_both_engines!(a_province_wide_training_reaches_every_regency_of_its_province, |app: TestApp| async move {
    app.import_all_fixtures().await;
    let regencies = ["63.01", "63.10", "63.72"];
    let before = versions(&app, &regencies).await;
    let other = versions(&app, &["62.71"]).await;
    let file = format!("{HEADER}\n63,Pelatihan KHA untuk semua kab/kota,pelatihan,2025-10-01,2025-10-02,,luring,,,,semua;63.10:12,,,,,\n");
    import_text(&app.state, &file).await.unwrap();
    exact(&app, "a province-wide training").await;
    let after = versions(&app, &regencies).await;
    assert!(before.iter().zip(&after).all(|(b, a)| a > b), "every kab/kota of the province is refreshed: {before:?} → {after:?}");
    assert_eq!(versions(&app, &["62.71"]).await, other, "another province's kab/kota is not");
    let part = kla::aggregate::provincial_part(&app.state.pool, kla::domain::RegionCode::Regency(63, 1), Some(2025)).await.unwrap();
    assert_eq!((part.events >= 1, part.participants), (true, None), "named by 'semua' without a count: unknown");
    let part = kla::aggregate::provincial_part(&app.state.pool, kla::domain::RegionCode::Regency(63, 10), Some(2025)).await.unwrap();
    assert_eq!(part.participants.map(|p| p >= 12), Some(true), "its own count where given");
});

on_both_engines!(a_write_refreshes_only_the_regions_that_show_it_once_per_transaction, |app: TestApp| async move {
    app.import_all_fixtures().await;
    let codes = ["63.10", "63", NATIONAL, "63.72", "62", "62.71"];
    let before = versions(&app, &codes).await;
    // Three rows for one kab/kota in one import: one transaction, one bump.
    let file = format!(
        "{HEADER}\n63.10,A,pelatihan,2025-09-01,2025-09-02,,luring,25,0,12,,,,,,\n63.10,B,bimtek,2025-09-03,2025-09-03,,luring,10,,,,,,,,\n63.10,C,pelatihan,2024-02-01,,,,,,,,,,,,\n"
    );
    import_text(&app.state, &file).await.unwrap();
    let after = versions(&app, &codes).await;
    let moved: Vec<i64> = before.iter().zip(&after).map(|(b, a)| a - b).collect();
    assert_eq!(moved, [1, 1, 1, 0, 0, 0], "the kab/kota, its province and the nation, once each: {codes:?}");

    // A cached page of another region is served from the cache after the write.
    let (_, first) = app.get("/kabkota/62.71").await;
    let renders = app.state.responses.len();
    import_text(&app.state, &format!("{HEADER}\n63.10,D,pelatihan,2025-09-05,2025-09-05,,luring,5,,,,,,,,\n")).await.unwrap();
    let key_version = summaries::version(&app.state.pool, "62.71").await.unwrap();
    assert_eq!(key_version, after[5], "62.71's pages stay at their version");
    let (_, again) = app.get("/kabkota/62.71").await;
    assert_eq!(first, again);
    assert_eq!(app.state.responses.len(), renders, "served from the cache, not rendered again");

    // An evaluation step (here a submission started by hand) refreshes its kab/kota's page only.
    let before = versions(&app, &["63.10", "63", NATIONAL]).await;
    let mut tx = app.state.pool.begin().await.unwrap();
    sqlx::query("insert into summary_dirty (kind, code, year) values ('evaluation', '63.10', 0)").execute(&mut *tx).await.unwrap();
    summaries::commit(tx).await.unwrap();
    let after = versions(&app, &["63.10", "63", NATIONAL]).await;
    assert!(after[0] > before[0] && after[1] == before[1] && after[2] == before[2], "{before:?} → {after:?}");
});

on_both_engines!(concurrent_writers_of_one_regency_leave_exact_sums, |app: TestApp| async move {
    app.import_all_fixtures().await;
    let mut writers = Vec::new();
    for i in 0..8 {
        let state = app.state.clone();
        writers.push(tokio::spawn(async move {
            let file = format!("{HEADER}\n63.10,Serentak {i},pelatihan,2025-09-01,2025-09-02,,luring,{i},,,,,,,,\n");
            import_text(&state, &file).await
        }));
    }
    for w in writers {
        w.await.unwrap().unwrap();
    }
    exact(&app, "eight concurrent imports into one kab/kota").await;
    let t = kla::aggregate::training_totals(
        &app.state.pool,
        kla::aggregate::Scope::Regency(kla::domain::RegionCode::Regency(63, 10)),
        Some(2025),
    )
    .await
    .unwrap();
    assert!(t.events >= 8);
});
