//! Writing a dataset: counting what is stored, the refusals (`--force`, `--replace`), deleting earlier demo
//! rows, and writing every row marked `is_demo` in one transaction with progress reports.

use super::DemoData;
use crate::db::RegionRegistry;
use crate::db::writes::{self, BatchError};
use crate::domain::PredicateRecord;
use sqlx::{AnyConnection, AnyPool};
use std::collections::HashSet;

/// Rows already in the three fact tables (training events, service units, predicate records).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Existing {
    /// Rows not marked as demo: imported or entered data.
    pub real: i64,
    /// Rows marked as demo.
    pub demo: i64,
}

/// What to do when the database is not empty.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WriteOptions {
    /// Write even when the database holds non-demo data.
    pub force: bool,
    /// Delete earlier demo rows first, in the same transaction.
    pub replace: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error(
        "the database already holds {0} record(s) that are not demo data; demo rows would be mixed with them \
         (use an empty database, or --force to write anyway)"
    )]
    RealData(i64),
    #[error("the database already holds {0} demo record(s) (use --replace to delete them and write the new set)")]
    DemoPresent(i64),
    #[error("a demo record was refused: {0}")]
    Write(#[from] BatchError),
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
}

/// What [`write()`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Written {
    /// Earlier demo rows deleted (`replace`), fact tables only.
    pub deleted: u64,
    pub events: usize,
    pub by_regency: usize,
    pub by_kind: usize,
    pub units: usize,
    pub predicates: usize,
    /// Predicate records left out because the regency already has one for that award year (`force`).
    pub predicates_skipped: usize,
}

/// Progress of [`write()`]: the table being written (reported as each table starts and after each batch;
/// `commit` at the end) and fact-table rows written so far.
#[derive(Debug, Clone, Copy)]
pub struct Progress {
    pub table: &'static str,
    pub done: usize,
    pub total: usize,
}

const FACT_TABLES: [&str; 3] = ["training_events", "service_units", "predicate_records"];

async fn count_existing(conn: &mut AnyConnection) -> Result<Existing, sqlx::Error> {
    let mut e = Existing::default();
    for table in FACT_TABLES {
        // Safe: the table names are this module's constants.
        let (real, demo): (i64, i64) = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "select cast(coalesce(sum(case when is_demo = 0 then 1 else 0 end), 0) as bigint),
                    cast(coalesce(sum(is_demo), 0) as bigint) from {table}"
        )))
        .fetch_one(&mut *conn)
        .await?;
        e.real += real;
        e.demo += demo;
    }
    Ok(e)
}

/// Counts the rows already stored, to refuse before generating anything.
pub async fn existing(pool: &AnyPool) -> Result<Existing, sqlx::Error> {
    let mut conn = crate::db::acquire(pool).await?;
    count_existing(&mut conn).await
}

/// Whether the options allow writing over what is stored.
pub fn check(existing: &Existing, options: WriteOptions) -> Result<(), DemoError> {
    if existing.real > 0 && !options.force {
        return Err(DemoError::RealData(existing.real));
    }
    if existing.demo > 0 && !options.replace {
        return Err(DemoError::DemoPresent(existing.demo));
    }
    Ok(())
}

/// Deletes every demo row (breakdowns of demo events included); returns the fact-table rows deleted.
async fn delete_demo(conn: &mut AnyConnection) -> Result<u64, sqlx::Error> {
    for table in ["training_participants_by_regency", "training_participants_by_kind"] {
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "delete from {table} where event_id in (select id from training_events where is_demo = 1)"
        )))
        .execute(&mut *conn)
        .await?;
    }
    // Demo records linked as evidence stop counting as evidence (as a deleted record does): the links go,
    // and an item left with nothing is missing again.
    sqlx::query(
        "delete from evidence_links where (entity = 'training_event' and record_id in (select id from training_events where is_demo = 1))
         or (entity = 'service_unit' and record_id in (select id from service_units where is_demo = 1))",
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "update evidence set status = 'missing' where status in ('uploaded', 'verified')
         and not exists (select 1 from evidence_links l where l.evidence_id = evidence.id)
         and not exists (select 1 from evidence_files f where f.evidence_id = evidence.id)",
    )
    .execute(&mut *conn)
    .await?;
    let mut deleted = 0;
    for table in FACT_TABLES {
        deleted +=
            sqlx::query(sqlx::AssertSqlSafe(format!("delete from {table} where is_demo = 1"))).execute(&mut *conn).await?.rows_affected();
    }
    Ok(deleted)
}

/// Records per call to the batched writers, between two progress reports.
const PROGRESS_STEP: usize = 10_000;

/// Writes a dataset in one transaction, every row marked as demo: all of it or, on any error or refusal,
/// nothing. The stored rows are checked again inside the transaction (see [`check`]); with `replace` the
/// earlier demo rows are deleted in the same transaction; with `force` a predicate record for a regency and
/// award year that already has one is left out.
pub async fn write(
    pool: &AnyPool,
    registry: &RegionRegistry,
    data: &DemoData,
    options: WriteOptions,
    mut progress: impl FnMut(Progress),
) -> Result<Written, DemoError> {
    let mut tx = crate::db::begin(pool).await?;
    check(&count_existing(&mut tx).await?, options)?;
    let mut written = Written::default();
    if options.replace {
        written.deleted = delete_demo(&mut tx).await?;
    }
    let total = data.records();
    let mut done = 0;
    progress(Progress { table: "training_events", done, total });
    for chunk in data.events.chunks(PROGRESS_STEP) {
        writes::insert_training_events(&mut tx, registry, chunk, true).await?;
        done += chunk.len();
        progress(Progress { table: "training_events", done, total });
    }
    written.events = data.events.len();
    written.by_regency = data.by_regency_rows();
    written.by_kind = data.by_kind_rows();
    progress(Progress { table: "service_units", done, total });
    for chunk in data.units.chunks(PROGRESS_STEP * 5) {
        writes::insert_service_units(&mut tx, registry, chunk, true).await?;
        done += chunk.len();
        progress(Progress { table: "service_units", done, total });
    }
    written.units = data.units.len();
    progress(Progress { table: "predicate_records", done, total });
    let stored: Vec<(String, i64)> = sqlx::query_as("select regency_code, award_year from predicate_records").fetch_all(&mut *tx).await?;
    let stored: HashSet<(String, i64)> = stored.into_iter().collect();
    let predicates: Vec<PredicateRecord> =
        data.predicates.iter().filter(|p| !stored.contains(&(p.regency.to_string(), i64::from(p.award_year)))).cloned().collect();
    written.predicates_skipped = data.predicates.len() - predicates.len();
    writes::insert_predicate_records(&mut tx, registry, &predicates, true).await?;
    written.predicates = predicates.len();
    progress(Progress { table: "commit", done: total, total });
    crate::summaries::commit(tx).await?;
    Ok(written)
}
