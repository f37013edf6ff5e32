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
    // Read as a page reads it: the raw SQL below commits without settling, so this settles it first.
    kla::summaries::version(pool, kla::summaries::NATIONAL).await.unwrap()
}

/// Writes part of the demo data as the 0004 schema held it: every count a number (an unreported one was
/// stored as 0 then), an end date and a mode on every event. Returns the rows of each breakdown written.
async fn write_0004(pool: &AnyPool, data: &demo::DemoData) -> (usize, usize) {
    let mut tx = pool.begin().await.unwrap();
    let (mut by_regency, mut by_kind) = (0, 0);
    // Provincial events first: they carry the breakdowns by regency.
    let mut events: Vec<_> = data.events.iter().filter(|e| !e.by_regency.is_empty()).take(150).collect();
    events.extend(data.events.iter().filter(|e| e.by_regency.is_empty()).take(150));
    for e in events {
        let id: i64 = sqlx::query_scalar(
            "insert into training_events (organiser_code, province_code, organiser_level, title, kind, start_date, end_date, year,
                 days, venue, mode, participants_offline, participants_online, institutions, pre_test_mean, post_test_mean,
                 certificate_issuer, source_url, is_demo)
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, cast($15 as double precision),
                 cast($16 as double precision), $17, $18, 1)
             returning id",
        )
        .bind(e.organiser.to_string())
        .bind(e.organiser.province().to_string())
        .bind(if e.organiser.level() == kla::domain::RegionLevel::Province { "province" } else { "regency" })
        .bind(&e.title)
        .bind(e.kind.as_str())
        .bind(e.start_date.to_string())
        .bind(e.end_date.unwrap_or(e.start_date).to_string())
        .bind(i64::from(e.year()))
        .bind(e.days().unwrap_or(1))
        .bind(&e.venue)
        .bind(e.mode.map_or("luring", |m| m.as_str()))
        .bind(e.participants_offline.unwrap_or(0))
        .bind(e.participants_online.unwrap_or(0))
        .bind(e.institutions.unwrap_or(0))
        .bind(e.pre_test_mean.map(|v| v.to_string()))
        .bind(e.post_test_mean.map(|v| v.to_string()))
        .bind(&e.certificate_issuer)
        .bind(&e.source_url)
        .fetch_one(&mut *tx)
        .await
        .unwrap();
        for b in &e.by_regency {
            sqlx::query("insert into training_participants_by_regency (event_id, regency_code, participants) values ($1, $2, $3)")
                .bind(id)
                .bind(b.key.to_string())
                .bind(b.participants.unwrap_or(0))
                .execute(&mut *tx)
                .await
                .unwrap();
            by_regency += 1;
        }
        for b in &e.by_kind {
            sqlx::query("insert into training_participants_by_kind (event_id, provider_kind, participants) values ($1, $2, $3)")
                .bind(id)
                .bind(b.key.as_str())
                .bind(b.participants.unwrap_or(0))
                .execute(&mut *tx)
                .await
                .unwrap();
            by_kind += 1;
        }
    }
    for u in data.units.iter().take(200) {
        sqlx::query(
            "insert into service_units (regency_code, province_code, kind, name, total_staff, certified_staff, is_demo)
             values ($1, $2, $3, $4, $5, $6, 1)",
        )
        .bind(u.regency.to_string())
        .bind(u.regency.province().to_string())
        .bind(u.kind.as_str())
        .bind(&u.name)
        .bind(u.total_staff)
        .bind(u.certified_staff)
        .execute(&mut *tx)
        .await
        .unwrap();
    }
    for p in data.predicates.iter().filter(|p| p.data_year.is_some()).take(300) {
        sqlx::query(
            "insert into predicate_records (regency_code, province_code, award_year, data_year, score_final, predicate, is_demo)
             values ($1, $2, $3, $4, cast($5 as double precision), $6, 1)",
        )
        .bind(p.regency.to_string())
        .bind(p.regency.province().to_string())
        .bind(i64::from(p.award_year))
        .bind(p.data_year.map(i64::from))
        .bind(p.score_final.map(|v| v.to_string()))
        .bind(p.predicate.map(kla::domain::Predicate::as_str))
        .execute(&mut *tx)
        .await
        .unwrap();
    }
    tx.commit().await.unwrap();
    (by_regency, by_kind)
}

async fn unknown_counts_keep_every_row(engine: Engine) {
    let Some((url, _dir)) = fresh_database(engine).await else { return };
    let (pool, engine) = db::open_pool(&url, 4).await.unwrap();
    db::migrate_to(&pool, engine, 4).await.unwrap();
    db::regions::seed(&pool).await.unwrap();
    let registry = RegionRegistry::load(&pool).await.unwrap();
    let data = demo::generate(&registry, &PredicateBands::published(), DEFAULT_SEED, Scale::Demo);
    let (by_regency, by_kind) = write_0004(&pool, &data).await;
    assert!(by_regency > 0 && by_kind > 0, "the database has both breakdowns");
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

    // A kab/kota or a kind named without a count, and the breakdown tables' own triggers still counting.
    let v = version(&pool).await;
    sqlx::query("insert into training_participants_by_regency (event_id, regency_code, participants) values ($1, '63.10', null)")
        .bind(id)
        .execute(&pool)
        .await
        .unwrap();
    assert!(version(&pool).await > v, "a breakdown insert bumps the data version");
    let v = version(&pool).await;
    sqlx::query("insert into training_participants_by_kind (event_id, provider_kind, participants) values ($1, 'bkb', null)")
        .bind(id)
        .execute(&pool)
        .await
        .unwrap();
    assert!(version(&pool).await > v, "a kind breakdown insert bumps the data version");
    // What reports carry as text starts empty; an event with test means used a pre/post test.
    let (events, tested, pre_post, blank): (i64, i64, i64, i64) = sqlx::query_as(
        "select count(*),
                cast(sum(case when pre_test_mean is not null or post_test_mean is not null then 1 else 0 end) as bigint),
                cast(sum(case when assessment = 'pre_post' then 1 else 0 end) as bigint),
                cast(sum(case when notes = '' and facilitators = '' and programme = '' and all_regencies = 0 then 1 else 0 end) as bigint)
         from training_events",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert!(tested > 0, "the demo has tested events");
    assert_eq!((pre_post, blank), (tested, events));

    // A predicate from an award list: no data year, no scores; still one record per kab/kota and award year.
    let v = version(&pool).await;
    let insert =
        "insert into predicate_records (regency_code, province_code, award_year, predicate) values ('63.10', '63', 2016, 'pratama')";
    sqlx::query(insert).execute(&pool).await.unwrap();
    assert!(version(&pool).await > v, "an insert bumps the data version");
    assert!(sqlx::query(insert).execute(&pool).await.is_err(), "the unique key stays");
    // Migration 0006 filled the summaries from the rows already there, and the writes since kept them exact.
    let differences = kla::summaries::check(&pool).await.unwrap();
    assert!(differences.is_empty(), "{differences:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_counts_keep_every_row_sqlite() {
    unknown_counts_keep_every_row(Engine::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_counts_keep_every_row_postgres() {
    unknown_counts_keep_every_row(Engine::Postgres).await;
}
