//! `pantau-kla demo`, read as a specification: the default demo fills a fresh database with exactly the
//! generated dataset, every row marked as demo, and the pages say so; a second run is refused unless it
//! replaces the first; a database holding real data is refused unless forced, and real rows are never
//! touched — on SQLite and on PostgreSQL alike.

use crate::common::{Engine, TestApp};
use kla::demo::{self, DEFAULT_SEED, DemoData, Scale};
use pantau_kla::commands;
use pantau_kla::config::{DbArgs, DemoArgs, DemoScale};

async fn run_demo(app: &TestApp, force: bool, replace: bool) -> anyhow::Result<()> {
    let db = DbArgs { database_url: app.database_url.clone(), db_max_connections: 4 };
    commands::demo(&db, &DemoArgs { seed: DEFAULT_SEED, scale: DemoScale::Demo, force, replace }).await
}

fn expected(app: &TestApp) -> DemoData {
    demo::generate(&app.state.regions, &app.state.bands, DEFAULT_SEED, Scale::Demo)
}

async fn count_where(app: &TestApp, table: &str, condition: &str) -> i64 {
    sqlx::query_scalar(sqlx::AssertSqlSafe(format!("select count(*) from {table} where {condition}")))
        .fetch_one(&app.state.pool)
        .await
        .unwrap()
}

async fn assert_holds(app: &TestApp, data: &DemoData) {
    assert_eq!(app.count("training_events").await, data.events.len() as i64);
    assert_eq!(app.count("training_participants_by_regency").await, data.by_regency_rows() as i64);
    assert_eq!(app.count("training_participants_by_kind").await, data.by_kind_rows() as i64);
    assert_eq!(app.count("service_units").await, data.units.len() as i64);
    assert_eq!(app.count("predicate_records").await, data.predicates.len() as i64);
}

on_both_engines!(the_default_demo_fills_a_fresh_database_marked_as_demo, |app: TestApp| async move {
    let data = expected(&app);
    assert!(data.events.len() >= 38 * 9 * 10 && data.units.len() >= 514 * 20, "the default size");
    run_demo(&app, false, false).await.unwrap();
    assert_holds(&app, &data).await;
    for table in ["training_events", "service_units", "predicate_records"] {
        assert_eq!(count_where(&app, table, "is_demo <> 1").await, 0, "{table}: every row is demo");
    }
    // Breakdowns belong to demo events only.
    assert_eq!(
        count_where(&app, "training_participants_by_regency", "event_id not in (select id from training_events where is_demo = 1)").await,
        0
    );
    // The 2025 awards as published: 22 Utama, 69 Nindya, 125 Madya, 139 Pratama; nobody at the KLA level.
    for (predicate, n) in [("utama", 22), ("nindya", 69), ("madya", 125), ("pratama", 139), ("kla", 0)] {
        assert_eq!(
            count_where(&app, "predicate_records", &format!("award_year = 2025 and predicate = '{predicate}'")).await,
            n,
            "{predicate}"
        );
    }
    assert_eq!(count_where(&app, "predicate_records", "award_year in (2020, 2024)").await, 0, "no round in 2020 or 2024");

    let (status, html) = app.get("/").await;
    assert_eq!(status, 200);
    assert!(html.contains("class=\"demo-banner\""), "the national page labels demo data");
    let (_, html) = app.get("/kabkota/63.10").await;
    assert!(html.contains("class=\"demo-banner\""), "so does a regency page");
    // A phone on a weak network: every page type, with every chart drawn twice (wide and for a phone), stays
    // under 100 KB as transferred, in both languages; the largest province is the heaviest province page.
    // A comparison of six regions, the nation among them, is drawn from their pages' data: under it too.
    let compare = "/banding?kode=nasional,35,32,33,31,63";
    let compare_en = format!("{compare}&lang=en");
    for path in [
        "/",
        "/provinsi/35",
        "/kabkota/63.10",
        "/jalur",
        "/?lang=en",
        "/provinsi/35?lang=en",
        "/kabkota/63.10?lang=en",
        "/jalur?lang=en",
        compare,
        &compare_en,
    ] {
        let res = app.client.get(format!("{}{path}", app.base)).header("accept-encoding", "gzip").send().await.unwrap();
        assert_eq!(res.headers()["content-encoding"], "gzip", "{path}");
        let bytes = res.bytes().await.unwrap().len();
        assert!(bytes < 100 * 1024, "{path}: {bytes} bytes as transferred");
    }

    // A second run is refused and writes nothing …
    let err = run_demo(&app, false, false).await.unwrap_err().to_string();
    assert!(err.contains("demo record") && err.contains("--replace") && err.contains("nothing was written"), "{err}");
    assert_holds(&app, &data).await;
    // … unless it replaces the first, in one transaction: the same rows, not twice as many.
    run_demo(&app, false, true).await.unwrap();
    assert_holds(&app, &data).await;
    assert_eq!(count_where(&app, "training_events", "is_demo <> 1").await, 0);
});

on_both_engines!(real_data_is_refused_unless_forced_and_never_touched, |app: TestApp| async move {
    app.import_all_fixtures().await;
    let err = run_demo(&app, false, false).await.unwrap_err().to_string();
    assert!(err.contains("not demo data") && err.contains("--force") && err.contains("nothing was written"), "{err}");
    assert_eq!(app.count("training_events").await, 5);
    assert_eq!(count_where(&app, "service_units", "is_demo = 1").await, 0);
    // --replace alone does not override the refusal: it deletes demo rows only.
    assert!(run_demo(&app, false, true).await.is_err());

    let data = expected(&app);
    run_demo(&app, true, false).await.unwrap();
    let real_keys = [("63.10", 2023), ("63.10", 2025), ("63.72", 2025), ("33.74", 2025)];
    let skipped = data
        .predicates
        .iter()
        .filter(|p| real_keys.iter().any(|&(code, year)| p.regency.to_string() == code && p.award_year == year))
        .count() as i64;
    assert_eq!(count_where(&app, "training_events", "is_demo = 0").await, 5, "the imported events stay");
    assert_eq!(count_where(&app, "training_events", "is_demo = 1").await, data.events.len() as i64);
    assert_eq!(count_where(&app, "service_units", "is_demo = 0").await, 6);
    assert_eq!(count_where(&app, "predicate_records", "is_demo = 0").await, 4, "the imported records stay");
    assert_eq!(count_where(&app, "predicate_records", "is_demo = 1").await, data.predicates.len() as i64 - skipped);
    assert_eq!(
        count_where(&app, "predicate_records", "regency_code = '63.10' and award_year = 2025 and is_demo = 0 and score_final = 604.1")
            .await,
        1,
        "a real record is never replaced by a demo one"
    );

    // Replacing (still forced) deletes only the demo rows and their breakdowns.
    run_demo(&app, true, true).await.unwrap();
    assert_eq!(count_where(&app, "training_events", "is_demo = 0").await, 5);
    assert_eq!(count_where(&app, "training_events", "is_demo = 1").await, data.events.len() as i64);
    assert_eq!(app.count("training_participants_by_regency").await, 2 + data.by_regency_rows() as i64);
    assert_eq!(app.count("training_participants_by_kind").await, 2 + data.by_kind_rows() as i64);
});

on_both_engines!(batched_writes_take_a_missing_score_before_a_present_one, |app: TestApp| async move {
    // sqlx 0.9's Any driver declares a NULL f64 as float4 and PostgreSQL keeps a cached statement's first
    // parameter types: a batch whose first statement lacks a score must not refuse the next one's score.
    let data = expected(&app);
    let mut events: Vec<_> = data.events.iter().take(2).cloned().collect();
    events[0].pre_test_mean = None;
    events[0].post_test_mean = None;
    events[1].pre_test_mean = Some(61.5);
    events[1].post_test_mean = Some(82.0);
    let mut tx = app.state.pool.begin().await.unwrap();
    for one in events.chunks(1) {
        kla::db::writes::insert_training_events(&mut tx, &app.state.regions, one, true).await.unwrap();
    }
    tx.commit().await.unwrap();
    let means: Vec<(Option<f64>, Option<f64>)> =
        sqlx::query_as("select pre_test_mean, post_test_mean from training_events order by id").fetch_all(&app.state.pool).await.unwrap();
    assert_eq!(means, vec![(None, None), (Some(61.5), Some(82.0))]);
});
