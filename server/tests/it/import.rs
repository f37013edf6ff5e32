//! Imports are all-or-nothing: a file with any bad row, or a row the database refuses, writes nothing, and
//! every error names its row and column — on SQLite and on PostgreSQL alike.

use crate::common::{Engine, TestApp};
use kla::import::ImportError;

on_both_engines!(a_file_with_bad_rows_writes_nothing_and_names_each_row, |app: TestApp| async move {
    let err = app.import_fixture("service_units_bad.csv").await.unwrap_err();
    let ImportError::Rows(rows) = err else { panic!("expected row errors, got {err:?}") };
    let at: Vec<(usize, &str)> = rows.iter().map(|e| (e.row, e.column.as_str())).collect();
    assert_eq!(at, vec![(3, "regency_code"), (4, "certified_staff"), (5, "kind")]);
    assert!(rows[0].message.contains("63.99"), "{}", rows[0].message);
    assert_eq!(app.count("service_units").await, 0, "the good row 2 was not written either");
});

on_both_engines!(a_row_the_database_refuses_rolls_back_the_whole_file, |app: TestApp| async move {
    assert_eq!(app.import_fixture("predicate_records.csv").await.unwrap(), 4);
    // A second import of the same records: every row duplicates a stored one; nothing new may stay.
    let err = app.import_fixture("predicate_records.csv").await.unwrap_err();
    let ImportError::Rows(rows) = err else { panic!("expected a row error, got {err:?}") };
    assert_eq!((rows[0].row, rows[0].column.as_str()), (2, "award_year"));
    assert_eq!(app.count("predicate_records").await, 4);
});

on_both_engines!(breakdowns_are_stored_with_their_event, |app: TestApp| async move {
    app.import_fixture("training_events.csv").await.unwrap();
    assert_eq!(app.count("training_events").await, 5);
    assert_eq!(app.count("training_participants_by_regency").await, 2);
    assert_eq!(app.count("training_participants_by_kind").await, 2);
});

on_both_engines!(a_missing_score_before_a_present_one_imports_on_every_engine, |app: TestApp| async move {
    // PostgreSQL fixes a statement's parameter types on first use; a first row without a test score must
    // not make the second row's score unwritable.
    let csv = "organiser_code,title,kind,start_date,end_date,venue,mode,participants_offline,participants_online,institutions,participants_by_regency,participants_by_kind,pre_test_mean,post_test_mean,certificate_issuer,source_url\n\
63.10,Tanpa tes,pelatihan,2025-01-10,2025-01-11,,luring,20,0,5,,,,,,\n\
63.10,Dengan tes,pelatihan,2025-02-10,2025-02-11,,luring,20,0,5,,,55.5,80.25,,\n";
    let parsed = kla::import::parse(csv, &app.state.regions, &app.state.bands, kla::i18n::Lang::En).unwrap();
    kla::import::write(
        &app.state.pool,
        &app.state.regions,
        &parsed,
        &kla::audit::Actor::cli(),
        kla::audit::Via::Cli,
        false,
        kla::i18n::Lang::En,
        |_| {},
    )
    .await
    .unwrap();
    let post: Option<f64> = sqlx::query_scalar("select post_test_mean from training_events where title = 'Dengan tes'")
        .fetch_one(&app.state.pool)
        .await
        .unwrap();
    assert_eq!(post, Some(80.25));
    let records = "regency_code,award_year,data_year,score_self_assessment,score_administrative,score_field,score_final,predicate,source_url\n\
63.10,2023,2022,,,,,madya,\n63.72,2025,2024,802,760,771.5,770,,\n";
    let parsed = kla::import::parse(records, &app.state.regions, &app.state.bands, kla::i18n::Lang::En).unwrap();
    kla::import::write(
        &app.state.pool,
        &app.state.regions,
        &parsed,
        &kla::audit::Actor::cli(),
        kla::audit::Via::Cli,
        false,
        kla::i18n::Lang::En,
        |_| {},
    )
    .await
    .unwrap();
    let (_, html) = app.get("/kabkota/63.72").await;
    assert!(html.contains("771,50"));
});
