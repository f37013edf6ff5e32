//! Writes of validated domain records. Each function takes a connection inside the caller's transaction,
//! so a form, an import of thousands of rows or a generator commits all or nothing. Codes that parse but
//! are not in the registry are refused here with the field named, before the database sees them.

use crate::db::RegionRegistry;
use crate::domain::{Assessment, FieldError, FieldErrors, PredicateRecord, RegionCode, ServiceUnit, TrainingEvent, TrainingMode};
use sqlx::error::ErrorKind;
use sqlx::{AnyConnection, Row};

#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// The record is refused; each error names its field.
    #[error("{0}")]
    Invalid(FieldErrors),
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
}

fn known(reg: &RegionRegistry, errs: &mut FieldErrors, field: &'static str, code: RegionCode) {
    if !reg.contains(code) {
        errs.push(FieldError::with(field, "unknown_region", code.to_string()));
    }
}

fn level_str(code: RegionCode) -> &'static str {
    match code {
        RegionCode::Province(_) => "province",
        RegionCode::Regency(..) => "regency",
    }
}

/// An optional decimal bound as text and cast in SQL: sqlx 0.9 sends a missing `f64` as a 4-byte float,
/// and PostgreSQL, which fixes a prepared statement's parameter types from its first use, then refuses the
/// next row that has a value (`22P03`). Text is exact for `f64`'s shortest representation.
fn opt_decimal(v: Option<f64>) -> Option<String> {
    v.map(|v| v.to_string())
}

fn demo_flag(demo: bool) -> i64 {
    i64::from(demo)
}

/// A statement being built on the `Any` driver.
type AnyQuery<'q> = sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments>;

/// Refuses an event whose organiser or breakdown regions are not in the registry.
fn check_event(reg: &RegionRegistry, e: &TrainingEvent) -> Result<(), WriteError> {
    let mut errs = FieldErrors::default();
    known(reg, &mut errs, "organiser_code", e.organiser);
    for b in &e.by_regency {
        known(reg, &mut errs, "participants_by_regency", b.key);
    }
    if errs.is_empty() { Ok(()) } else { Err(WriteError::Invalid(errs)) }
}

/// The stored columns of an event (all but `is_demo`), in the order [`bind_event`] binds them; the test
/// means (0-based 14 and 15) are the decimals [`bind_score`] casts.
const EVENT_COLUMNS: &str = "organiser_code, province_code, organiser_level, title, kind, start_date, end_date, year, days, venue,
    mode, participants_offline, participants_online, institutions, pre_test_mean, post_test_mean, certificate_issuer,
    source_url, all_regencies, assessment, programme, facilitators, notes";
const EVENT_COLUMN_COUNT: usize = 23;
const EVENT_SCORE_COLUMNS: [usize; 2] = [14, 15];

/// Binds an event's stored columns in [`EVENT_COLUMNS`] order. A count nobody reported is bound as NULL.
fn bind_event<'q>(q: AnyQuery<'q>, e: &'q TrainingEvent, style: Placeholders) -> AnyQuery<'q> {
    let q = q
        .bind(e.organiser.to_string())
        .bind(e.organiser.province().to_string())
        .bind(level_str(e.organiser))
        .bind(&e.title)
        .bind(e.kind.as_str())
        .bind(e.start_date.to_string())
        .bind(e.end_date.map(|d| d.to_string()))
        .bind(i64::from(e.year()))
        .bind(e.days())
        .bind(&e.venue)
        .bind(e.mode.map(TrainingMode::as_str))
        .bind(e.participants_offline)
        .bind(e.participants_online)
        .bind(e.institutions);
    let q = bind_score(q, e.pre_test_mean, style);
    bind_score(q, e.post_test_mean, style)
        .bind(&e.certificate_issuer)
        .bind(&e.source_url)
        .bind(i64::from(e.all_regencies))
        .bind(e.assessment.map(Assessment::as_str))
        .bind(&e.programme)
        .bind(&e.facilitators)
        .bind(&e.notes)
}

/// An event's breakdowns, written beside it (after any old ones were deleted).
async fn insert_breakdowns(conn: &mut AnyConnection, id: i64, e: &TrainingEvent) -> Result<(), sqlx::Error> {
    for b in &e.by_regency {
        sqlx::query("insert into training_participants_by_regency (event_id, regency_code, participants) values ($1, $2, $3)")
            .bind(id)
            .bind(b.key.to_string())
            .bind(b.participants)
            .execute(&mut *conn)
            .await?;
    }
    for b in &e.by_kind {
        sqlx::query("insert into training_participants_by_kind (event_id, provider_kind, participants) values ($1, $2, $3)")
            .bind(id)
            .bind(b.key.as_str())
            .bind(b.participants)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

pub async fn insert_training_event(
    conn: &mut AnyConnection,
    reg: &RegionRegistry,
    e: &TrainingEvent,
    demo: bool,
) -> Result<i64, WriteError> {
    check_event(reg, e)?;
    let style = Placeholders::of(conn);
    let sql = multi_row_sql(
        &format!("insert into training_events ({EVENT_COLUMNS}, is_demo)"),
        EVENT_COLUMN_COUNT + 1,
        1,
        " returning id",
        style,
        &EVENT_SCORE_COLUMNS,
    );
    // Safe: the SQL holds only this module's column names and numbered placeholders.
    let q = sqlx::query(sqlx::AssertSqlSafe(sql));
    let id: i64 = bind_event(q, e, style).bind(demo_flag(demo)).fetch_one(&mut *conn).await?.try_get(0)?;
    insert_breakdowns(conn, id, e).await?;
    Ok(id)
}

/// Binds a unit's 8 stored columns (all but `is_demo`), in the order the statements below list them.
fn bind_unit<'q>(q: AnyQuery<'q>, u: &'q ServiceUnit) -> AnyQuery<'q> {
    q.bind(u.regency.to_string())
        .bind(u.regency.province().to_string())
        .bind(u.kind.as_str())
        .bind(&u.name)
        .bind(u.total_staff)
        .bind(u.certified_staff)
        .bind(u.latest_certificate_year.map(i64::from))
        .bind(&u.certificate_issuer)
}

fn check_regency(reg: &RegionRegistry, code: RegionCode) -> Result<(), WriteError> {
    let mut errs = FieldErrors::default();
    known(reg, &mut errs, "regency_code", code);
    if errs.is_empty() { Ok(()) } else { Err(WriteError::Invalid(errs)) }
}

pub async fn insert_service_unit(conn: &mut AnyConnection, reg: &RegionRegistry, u: &ServiceUnit, demo: bool) -> Result<i64, WriteError> {
    check_regency(reg, u.regency)?;
    let q = sqlx::query(
        "insert into service_units (regency_code, province_code, kind, name, total_staff, certified_staff,
             latest_certificate_year, certificate_issuer, is_demo)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9) returning id",
    );
    Ok(bind_unit(q, u).bind(demo_flag(demo)).fetch_one(&mut *conn).await?.try_get(0)?)
}

/// Binds a predicate record's 10 stored columns (all but `is_demo`), in the order the statements below list
/// them (scores as text, cast in SQL: see [`opt_decimal`]).
fn bind_predicate<'q>(q: AnyQuery<'q>, p: &'q PredicateRecord) -> AnyQuery<'q> {
    q.bind(p.regency.to_string())
        .bind(p.regency.province().to_string())
        .bind(i64::from(p.award_year))
        .bind(p.data_year.map(i64::from))
        .bind(opt_decimal(p.score_self_assessment))
        .bind(opt_decimal(p.score_administrative))
        .bind(opt_decimal(p.score_field))
        .bind(opt_decimal(p.score_final))
        .bind(p.predicate.map(super::super::domain::predicate::Predicate::as_str))
        .bind(&p.source_url)
}

/// Refuses a second record for the same regency and award year (other than record `except`), naming
/// `award_year`.
async fn check_predicate(
    conn: &mut AnyConnection,
    reg: &RegionRegistry,
    p: &PredicateRecord,
    except: Option<i64>,
) -> Result<(), WriteError> {
    check_regency(reg, p.regency)?;
    let other: Option<i64> =
        sqlx::query_scalar("select id from predicate_records where regency_code = $1 and award_year = $2 and id <> $3")
            .bind(p.regency.to_string())
            .bind(i64::from(p.award_year))
            .bind(except.unwrap_or(-1))
            .fetch_optional(&mut *conn)
            .await?;
    if other.is_some() { Err(duplicate_predicate(p)) } else { Ok(()) }
}

fn duplicate_predicate(p: &PredicateRecord) -> WriteError {
    WriteError::Invalid(FieldErrors(vec![FieldError::with("award_year", "duplicate_predicate", format!("{} {}", p.regency, p.award_year))]))
}

/// Inserts a predicate record; a second record for the same regency and award year is refused, naming
/// `award_year`.
pub async fn insert_predicate_record(
    conn: &mut AnyConnection,
    reg: &RegionRegistry,
    p: &PredicateRecord,
    demo: bool,
) -> Result<i64, WriteError> {
    check_predicate(conn, reg, p, None).await?;
    let q = sqlx::query(
        "insert into predicate_records (regency_code, province_code, award_year, data_year, score_self_assessment,
             score_administrative, score_field, score_final, predicate, source_url, is_demo)
         values ($1, $2, $3, $4, cast($5 as double precision), cast($6 as double precision),
                 cast($7 as double precision), cast($8 as double precision), $9, $10, $11) returning id",
    );
    match bind_predicate(q, p).bind(demo_flag(demo)).fetch_one(&mut *conn).await {
        Ok(row) => Ok(row.try_get(0)?),
        // Another transaction wrote the same regency and year in between.
        Err(sqlx::Error::Database(db)) if db.kind() == ErrorKind::UniqueViolation => Err(duplicate_predicate(p)),
        Err(e) => Err(e.into()),
    }
}

// ---------------------------------------------------------------------------------------------------------
// Batched writes: many records per multi-row INSERT, for generators and large imports. Same checks as the
// single-record functions above; the caller's transaction still makes the whole batch all-or-nothing.

/// A refused record of a batch: its position in the slice given, and why. A database error that concerns a
/// whole statement names the first record of that statement.
#[derive(Debug, thiserror::Error)]
#[error("record {index}: {source}")]
pub struct BatchError {
    pub index: usize,
    #[source]
    pub source: WriteError,
}

/// Rows per INSERT statement, chosen so that rows × columns stays far below SQLite's 32 766 bound
/// parameters (and PostgreSQL's 65 535).
const EVENT_ROWS_PER_STATEMENT: usize = 500; // 24 columns → 12 000 parameters
const UNIT_ROWS_PER_STATEMENT: usize = 1_000; // 9 columns → 9 000 parameters
const PREDICATE_ROWS_PER_STATEMENT: usize = 500; // 11 columns → 5 500 parameters
const BREAKDOWN_ROWS_PER_STATEMENT: usize = 2_000; // 3 columns → 6 000 parameters

/// How a statement names its parameters: PostgreSQL needs `$1, $2, …`; SQLite takes those too but looks
/// each name up in a list, which makes a statement of thousands of parameters quadratic to prepare and
/// bind, so there plain positional `?` is used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Placeholders {
    Numbered,
    Positional,
}

impl Placeholders {
    pub(crate) fn of(conn: &AnyConnection) -> Self {
        if conn.backend_name().eq_ignore_ascii_case("sqlite") { Placeholders::Positional } else { Placeholders::Numbered }
    }
}

/// Binds an optional score. On PostgreSQL it travels as text and the statement casts it (see
/// [`multi_row_sql`]): sqlx 0.9's Any driver binds a NULL `f64` as a `float4` (upstream sqlx issue #4284),
/// and PostgreSQL keeps the parameter types of a prepared statement's first execution, so a cached
/// statement first run with a missing score would refuse a later score ("incorrect binary data format").
/// As text, present and missing scores declare the same type. Rust writes the shortest text that reads
/// back as the same `f64`, so nothing is lost.
fn bind_score<'q>(
    q: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments>,
    v: Option<f64>,
    style: Placeholders,
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments> {
    match style {
        Placeholders::Numbered => q.bind(v.map(|x| x.to_string())),
        Placeholders::Positional => q.bind(v),
    }
}

/// `head values ($1, …, $cols), ($cols+1, …), … tail` (or with `?`) for `rows` rows. On PostgreSQL the
/// columns listed in `score_cols` (0-based) read `cast($n as double precision)`, to go with [`bind_score`].
pub(crate) fn multi_row_sql(head: &str, cols: usize, rows: usize, tail: &str, style: Placeholders, score_cols: &[usize]) -> String {
    let mut sql = String::with_capacity(head.len() + tail.len() + rows * cols * 7);
    sql.push_str(head);
    sql.push_str(" values ");
    for r in 0..rows {
        sql.push_str(if r == 0 { "(" } else { ", (" });
        for c in 0..cols {
            if c > 0 {
                sql.push_str(", ");
            }
            match style {
                Placeholders::Numbered if score_cols.contains(&c) => {
                    sql.push_str("cast($");
                    sql.push_str(&(r * cols + c + 1).to_string());
                    sql.push_str(" as double precision)");
                }
                Placeholders::Numbered => {
                    sql.push('$');
                    sql.push_str(&(r * cols + c + 1).to_string());
                }
                Placeholders::Positional => sql.push('?'),
            }
        }
        sql.push(')');
    }
    sql.push_str(tail);
    sql
}

fn batch_err(index: usize) -> impl Fn(sqlx::Error) -> BatchError {
    move |e| BatchError { index, source: WriteError::Db(e) }
}

/// Inserts training events with their breakdowns, several hundred per statement, and returns their ids in
/// the order given.
pub async fn insert_training_events(
    conn: &mut AnyConnection,
    reg: &RegionRegistry,
    events: &[TrainingEvent],
    demo: bool,
) -> Result<Vec<i64>, BatchError> {
    for (index, e) in events.iter().enumerate() {
        check_event(reg, e).map_err(|source| BatchError { index, source })?;
    }
    let style = Placeholders::of(conn);
    let mut ids = vec![0_i64; events.len()];
    for (chunk_no, chunk) in events.chunks(EVENT_ROWS_PER_STATEMENT).enumerate() {
        let first = chunk_no * EVENT_ROWS_PER_STATEMENT;
        let sql = multi_row_sql(
            &format!("insert into training_events ({EVENT_COLUMNS}, is_demo)"),
            EVENT_COLUMN_COUNT + 1,
            chunk.len(),
            " returning id, organiser_code, title, start_date",
            style,
            &EVENT_SCORE_COLUMNS,
        );
        // Safe: the SQL holds only this function's column names and numbered placeholders.
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for e in chunk {
            q = bind_event(q, e, style).bind(demo_flag(demo));
        }
        let rows = q.fetch_all(&mut *conn).await.map_err(batch_err(first))?;
        // RETURNING's row order is not promised by either engine, so each id is matched to its record by
        // (organiser, title, start date); records sharing that key take the ids in the order returned.
        let mut by_key: std::collections::HashMap<(String, String, String), std::collections::VecDeque<usize>> =
            std::collections::HashMap::with_capacity(chunk.len());
        for (i, e) in chunk.iter().enumerate() {
            by_key.entry((e.organiser.to_string(), e.title.clone(), e.start_date.to_string())).or_default().push_back(i);
        }
        for row in &rows {
            let id: i64 = row.try_get(0).map_err(batch_err(first))?;
            let organiser: String = row.try_get(1).map_err(batch_err(first))?;
            let title: String = row.try_get(2).map_err(batch_err(first))?;
            let start: String = row.try_get(3).map_err(batch_err(first))?;
            let i = by_key
                .get_mut(&(organiser, title, start))
                .and_then(std::collections::VecDeque::pop_front)
                .ok_or_else(|| batch_err(first)(sqlx::Error::Protocol("insert returned a row that matches no record".into())))?;
            ids[first + i] = id;
        }
        if rows.len() != chunk.len() {
            return Err(batch_err(first)(sqlx::Error::Protocol("insert returned fewer rows than records".into())));
        }
    }
    let by_regency: Vec<(i64, String, Option<i64>)> =
        events.iter().zip(&ids).flat_map(|(e, &id)| e.by_regency.iter().map(move |b| (id, b.key.to_string(), b.participants))).collect();
    for chunk in by_regency.chunks(BREAKDOWN_ROWS_PER_STATEMENT) {
        let sql = multi_row_sql(
            "insert into training_participants_by_regency (event_id, regency_code, participants)",
            3,
            chunk.len(),
            "",
            style,
            &[],
        );
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for (id, code, n) in chunk {
            q = q.bind(*id).bind(code.clone()).bind(*n);
        }
        q.execute(&mut *conn).await.map_err(batch_err(0))?;
    }
    let by_kind: Vec<(i64, &'static str, Option<i64>)> =
        events.iter().zip(&ids).flat_map(|(e, &id)| e.by_kind.iter().map(move |b| (id, b.key.as_str(), b.participants))).collect();
    for chunk in by_kind.chunks(BREAKDOWN_ROWS_PER_STATEMENT) {
        let sql = multi_row_sql(
            "insert into training_participants_by_kind (event_id, provider_kind, participants)",
            3,
            chunk.len(),
            "",
            style,
            &[],
        );
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for (id, kind, n) in chunk {
            q = q.bind(*id).bind(*kind).bind(*n);
        }
        q.execute(&mut *conn).await.map_err(batch_err(0))?;
    }
    Ok(ids)
}

/// Inserts service units, a thousand per statement; returns their ids in the order given.
pub async fn insert_service_units(
    conn: &mut AnyConnection,
    reg: &RegionRegistry,
    units: &[ServiceUnit],
    demo: bool,
) -> Result<Vec<i64>, BatchError> {
    for (index, u) in units.iter().enumerate() {
        check_regency(reg, u.regency).map_err(|source| BatchError { index, source })?;
    }
    let style = Placeholders::of(conn);
    let mut ids = Vec::with_capacity(units.len());
    for (chunk_no, chunk) in units.chunks(UNIT_ROWS_PER_STATEMENT).enumerate() {
        let sql = multi_row_sql(
            "insert into service_units (regency_code, province_code, kind, name, total_staff, certified_staff,
                 latest_certificate_year, certificate_issuer, is_demo)",
            9,
            chunk.len(),
            " returning id, regency_code, kind, name",
            style,
            &[],
        );
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for u in chunk {
            q = q
                .bind(u.regency.to_string())
                .bind(u.regency.province().to_string())
                .bind(u.kind.as_str())
                .bind(u.name.clone())
                .bind(u.total_staff)
                .bind(u.certified_staff)
                .bind(u.latest_certificate_year.map(i64::from))
                .bind(u.certificate_issuer.clone())
                .bind(demo_flag(demo));
        }
        let first = chunk_no * UNIT_ROWS_PER_STATEMENT;
        let rows = q.fetch_all(&mut *conn).await.map_err(batch_err(first))?;
        let keys = chunk.iter().map(|u| (u.regency.to_string(), u.kind.as_str().to_string(), u.name.clone()));
        ids.extend(match_returned(&rows, keys, first, |row| Ok((row.try_get(1)?, row.try_get(2)?, row.try_get(3)?)))?);
    }
    Ok(ids)
}

/// Matches the ids a multi-row `INSERT … RETURNING id, key…` gave back to the records of the chunk, since
/// neither engine promises RETURNING's row order: by key, records sharing a key taking the ids in the order
/// returned. Returns the ids in the chunk's order.
fn match_returned<K: std::hash::Hash + Eq>(
    rows: &[sqlx::any::AnyRow],
    keys: impl Iterator<Item = K>,
    first: usize,
    key_of: impl Fn(&sqlx::any::AnyRow) -> Result<K, sqlx::Error>,
) -> Result<Vec<i64>, BatchError> {
    let mut by_key: std::collections::HashMap<K, std::collections::VecDeque<usize>> = std::collections::HashMap::new();
    let mut n = 0;
    for (i, k) in keys.enumerate() {
        by_key.entry(k).or_default().push_back(i);
        n += 1;
    }
    if rows.len() != n {
        return Err(batch_err(first)(sqlx::Error::Protocol("insert returned fewer rows than records".into())));
    }
    let mut ids = vec![0_i64; n];
    for row in rows {
        let id: i64 = row.try_get(0).map_err(batch_err(first))?;
        let k = key_of(row).map_err(batch_err(first))?;
        let i = by_key
            .get_mut(&k)
            .and_then(std::collections::VecDeque::pop_front)
            .ok_or_else(|| batch_err(first)(sqlx::Error::Protocol("insert returned a row that matches no record".into())))?;
        ids[i] = id;
    }
    Ok(ids)
}

/// Inserts predicate records, several hundred per statement; returns their ids in the order given. A record for a
/// regency and award year that is already stored, or that appears twice in the batch, is refused naming
/// `award_year`, before anything of the batch is written.
pub async fn insert_predicate_records(
    conn: &mut AnyConnection,
    reg: &RegionRegistry,
    records: &[PredicateRecord],
    demo: bool,
) -> Result<Vec<i64>, BatchError> {
    let stored: Vec<(String, i64)> =
        sqlx::query_as("select regency_code, award_year from predicate_records").fetch_all(&mut *conn).await.map_err(batch_err(0))?;
    let mut seen: std::collections::HashSet<(String, i64)> = stored.into_iter().collect();
    for (index, p) in records.iter().enumerate() {
        let mut errs = FieldErrors::default();
        known(reg, &mut errs, "regency_code", p.regency);
        if errs.is_empty() && !seen.insert((p.regency.to_string(), i64::from(p.award_year))) {
            return Err(BatchError { index, source: duplicate_predicate(p) });
        }
        if !errs.is_empty() {
            return Err(BatchError { index, source: WriteError::Invalid(errs) });
        }
    }
    let style = Placeholders::of(conn);
    let mut ids = Vec::with_capacity(records.len());
    for (chunk_no, chunk) in records.chunks(PREDICATE_ROWS_PER_STATEMENT).enumerate() {
        let sql = multi_row_sql(
            "insert into predicate_records (regency_code, province_code, award_year, data_year, score_self_assessment,
                 score_administrative, score_field, score_final, predicate, source_url, is_demo)",
            11,
            chunk.len(),
            " returning id, regency_code, award_year",
            style,
            &[4, 5, 6, 7],
        );
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for p in chunk {
            q = q
                .bind(p.regency.to_string())
                .bind(p.regency.province().to_string())
                .bind(i64::from(p.award_year))
                .bind(p.data_year.map(i64::from));
            for score in [p.score_self_assessment, p.score_administrative, p.score_field, p.score_final] {
                q = bind_score(q, score, style);
            }
            q = q
                .bind(p.predicate.map(super::super::domain::predicate::Predicate::as_str))
                .bind(p.source_url.clone())
                .bind(demo_flag(demo));
        }
        let first = chunk_no * PREDICATE_ROWS_PER_STATEMENT;
        let rows = q.fetch_all(&mut *conn).await.map_err(batch_err(first))?;
        let keys = chunk.iter().map(|p| (p.regency.to_string(), i64::from(p.award_year)));
        ids.extend(match_returned(&rows, keys, first, |row| Ok((row.try_get(1)?, row.try_get(2)?)))?);
    }
    Ok(ids)
}

// ---------------------------------------------------------------------------------------------------------
// Updates and deletes of one record, by id, for the forms. Same registry checks as the inserts.

/// Replaces a training event's values and its breakdowns; `Ok(false)` when there is no such event.
pub async fn update_training_event(conn: &mut AnyConnection, reg: &RegionRegistry, id: i64, e: &TrainingEvent) -> Result<bool, WriteError> {
    check_event(reg, e)?;
    let style = Placeholders::of(conn);
    let assignments = EVENT_COLUMNS
        .split(',')
        .map(str::trim)
        .enumerate()
        .map(|(i, c)| match style {
            Placeholders::Numbered if EVENT_SCORE_COLUMNS.contains(&i) => format!("{c} = cast(${} as double precision)", i + 1),
            Placeholders::Numbered => format!("{c} = ${}", i + 1),
            Placeholders::Positional => format!("{c} = ?"),
        })
        .collect::<Vec<_>>()
        .join(", ");
    let id_placeholder = match style {
        Placeholders::Numbered => format!("${}", EVENT_COLUMN_COUNT + 1),
        Placeholders::Positional => "?".to_string(),
    };
    // Safe: the SQL holds only this module's column names and placeholders.
    let q = sqlx::query(sqlx::AssertSqlSafe(format!("update training_events set {assignments} where id = {id_placeholder}")));
    if bind_event(q, e, style).bind(id).execute(&mut *conn).await?.rows_affected() == 0 {
        return Ok(false);
    }
    sqlx::query("delete from training_participants_by_regency where event_id = $1").bind(id).execute(&mut *conn).await?;
    sqlx::query("delete from training_participants_by_kind where event_id = $1").bind(id).execute(&mut *conn).await?;
    insert_breakdowns(conn, id, e).await?;
    Ok(true)
}

pub async fn update_service_unit(conn: &mut AnyConnection, reg: &RegionRegistry, id: i64, u: &ServiceUnit) -> Result<bool, WriteError> {
    check_regency(reg, u.regency)?;
    let q = sqlx::query(
        "update service_units set regency_code = $1, province_code = $2, kind = $3, name = $4, total_staff = $5,
             certified_staff = $6, latest_certificate_year = $7, certificate_issuer = $8
         where id = $9",
    );
    Ok(bind_unit(q, u).bind(id).execute(&mut *conn).await?.rows_affected() > 0)
}

/// Replaces a predicate record's values; moving it onto a regency and award year that already has a record
/// is refused naming `award_year`.
pub async fn update_predicate_record(
    conn: &mut AnyConnection,
    reg: &RegionRegistry,
    id: i64,
    p: &PredicateRecord,
) -> Result<bool, WriteError> {
    check_predicate(conn, reg, p, Some(id)).await?;
    let q = sqlx::query(
        "update predicate_records set regency_code = $1, province_code = $2, award_year = $3, data_year = $4,
             score_self_assessment = cast($5 as double precision), score_administrative = cast($6 as double precision),
             score_field = cast($7 as double precision), score_final = cast($8 as double precision), predicate = $9,
             source_url = $10
         where id = $11",
    );
    Ok(bind_predicate(q, p).bind(id).execute(&mut *conn).await?.rows_affected() > 0)
}

#[cfg(test)]
mod batch_tests {
    use super::{Placeholders, multi_row_sql};

    #[test]
    fn multi_row_sql_numbers_every_placeholder() {
        assert_eq!(
            multi_row_sql("insert into t (a, b)", 2, 3, " returning id", Placeholders::Numbered, &[1]),
            "insert into t (a, b) values ($1, cast($2 as double precision)), ($3, cast($4 as double precision)), \
             ($5, cast($6 as double precision)) returning id"
        );
        assert_eq!(
            multi_row_sql("insert into t (a, b)", 2, 2, "", Placeholders::Positional, &[1]),
            "insert into t (a, b) values (?, ?), (?, ?)"
        );
    }
}
