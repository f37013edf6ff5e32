//! Migrations on a populated database: a database of the previous schema, filled with the demo data (events
//! with both breakdowns, units, predicates), is migrated and checked row by row — nothing lost, no breakdown
//! cascaded away, the data-version triggers still counting, ids kept and new ones after them.

use crate::common::{Engine, fresh_database};
use kla::db::{self, regions::RegionRegistry};
use kla::demo::{self, DEFAULT_SEED, Scale};
use kla::domain::PredicateBands;
use sqlx::AnyPool;

/// Every row of the tables 0005 rebuilds or depends on, as text, in a fixed order.
async fn snapshot(pool: &AnyPool) -> Vec<String> {
    let mut rows = Vec::new();
    for sql in [
        "select id || '|' || organiser_code || '|' || title || '|' || start_date || '|' || coalesce(days, -1) || '|' || \
         coalesce(participants_offline, -1) || '|' || coalesce(participants_online, -1) || '|' || \
         coalesce(institutions, -1) || '|' || coalesce(pre_test_mean, -1) || '|' || is_demo from training_events order by id",
        "select event_id || '|' || regency_code || '|' || participants from training_participants_by_regency order by event_id, regency_code",
        "select event_id || '|' || provider_kind || '|' || participants from training_participants_by_kind order by event_id, provider_kind",
        "select cast(count(*) as text) from service_units",
        "select id || '|' || regency_code || '|' || award_year || '|' || coalesce(data_year, -1) || '|' || \
         coalesce(score_final, -1) || '|' || coalesce(predicate, '') || '|' || is_demo from predicate_records order by id",
    ] {
        let part: Vec<String> = sqlx::query_scalar(sql).fetch_all(pool).await.unwrap();
        assert!(!part.is_empty(), "{sql}");
        rows.extend(part);
    }
    rows
}

async fn version(pool: &AnyPool) -> i64 {
    sqlx::query_scalar("select version from data_version where id = 1").fetch_one(pool).await.unwrap()
}

async fn unknown_counts_keep_every_row(engine: Engine) {
    let Some((url, _dir)) = fresh_database(engine).await else { return };
    let (pool, engine) = db::open_pool(&url, 4).await.unwrap();
    db::migrate_to(&pool, engine, 4).await.unwrap();
    db::regions::seed(&pool).await.unwrap();
    let registry = RegionRegistry::load(&pool).await.unwrap();
    let data = demo::generate(&registry, &PredicateBands::published(), DEFAULT_SEED, Scale::Demo);
    demo::write(&pool, &registry, &data, demo::WriteOptions::default(), |_| {}).await.unwrap();
    assert!(data.by_regency_rows() > 0 && data.by_kind_rows() > 0, "the demo has both breakdowns");
    let before = snapshot(&pool).await;
    let max_id: i64 = sqlx::query_scalar("select max(id) from training_events").fetch_one(&pool).await.unwrap();

    db::migrate(&pool, engine).await.unwrap();
    assert_eq!(snapshot(&pool).await, before, "every event, breakdown, unit and predicate as it was");

    // The counts may now be unknown, and the table still works as before: a new event gets a new id, the
    // data version moves on every change, and deleting an event still takes its breakdowns with it.
    let v = version(&pool).await;
    let id: i64 = sqlx::query_scalar(
        "insert into training_events (organiser_code, province_code, organiser_level, title, kind, start_date, end_date, year, mode)
         values ('63.10', '63', 'regency', 'Tanpa jumlah peserta', 'sosialisasi', '2025-03-01', '2025-03-01', 2025, 'luring')
         returning id",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert!(id > max_id, "ids continue after the kept ones: {id} after {max_id}");
    assert!(version(&pool).await > v, "an insert bumps the data version");
    let (offline, institutions): (Option<i64>, Option<i64>) =
        sqlx::query_as("select participants_offline, institutions from training_events where id = $1")
            .bind(id)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!((offline, institutions), (None, None), "unknown stays unknown");
    let event: i64 = sqlx::query_scalar("select min(event_id) from training_participants_by_regency").fetch_one(&pool).await.unwrap();
    let v = version(&pool).await;
    sqlx::query("delete from training_events where id = $1").bind(event).execute(&pool).await.unwrap();
    assert!(version(&pool).await > v, "a delete bumps the data version");
    let left: i64 = sqlx::query_scalar("select count(*) from training_participants_by_regency where event_id = $1")
        .bind(event)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(left, 0, "the breakdowns still follow their event");
    let bad = sqlx::query("update training_events set participants_online = -1 where id = $1").bind(id).execute(&pool).await;
    assert!(bad.is_err(), "the checks on known counts stay");

    // A predicate from an award list: no data year, no scores; still one record per kab/kota and award year.
    let v = version(&pool).await;
    let insert =
        "insert into predicate_records (regency_code, province_code, award_year, predicate) values ('63.10', '63', 2016, 'pratama')";
    sqlx::query(insert).execute(&pool).await.unwrap();
    assert!(version(&pool).await > v, "an insert bumps the data version");
    assert!(sqlx::query(insert).execute(&pool).await.is_err(), "the unique key stays");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_counts_keep_every_row_sqlite() {
    unknown_counts_keep_every_row(Engine::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_counts_keep_every_row_postgres() {
    unknown_counts_keep_every_row(Engine::Postgres).await;
}
