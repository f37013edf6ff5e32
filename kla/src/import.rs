//! Spreadsheet import (CSV text; XLSX arrives here through [`crate::spreadsheet`]): detects which record a
//! file holds from its header, validates every row (listing each error with its row and column), checks the
//! rows lie in the importer's region, finds the stored records rows repeat or (when the importer chose to
//! update) change, and writes all rows with their audit entries in one transaction, or none. The preview is
//! the same write rolled back, so it runs every check the confirmation runs.

use crate::audit::{Actor, Via};
use crate::auth::Role;
use crate::db::RegionRegistry;
use crate::db::writes::{BatchError, WriteError};
use crate::domain::{FieldErrors, PredicateBands, RegionCode};
use crate::i18n::{Lang, trf};
use crate::records::{self, Entity, OutOfScope, Record, Stored, Valid, Values, with_record};
use serde::Serialize;
use serde::de::DeserializeOwned;
use sqlx::{AnyConnection, AnyPool};
use std::collections::{BTreeSet, HashMap, HashSet};

/// The optional column naming a stored record (exports write it first); the templates do not have it.
pub const ID_COLUMN: &str = "id";

/// What an import does with a row that names a stored record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Mode {
    /// Every row adds a record (the default): a row naming or repeating a stored record is refused.
    #[default]
    Add,
    /// A row naming a stored record changes it — by its `id`, or a predicate record by its kab/kota and
    /// award year; the other rows add records.
    Update,
}

impl Mode {
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Add => "add",
            Mode::Update => "update",
        }
    }
    /// The mode a form sent: anything but `update` adds only.
    pub fn parse(s: &str) -> Self {
        if s.trim() == "update" { Mode::Update } else { Mode::Add }
    }
}

/// The largest file the upload form accepts (a 50,000-row CSV of training events is about 8 MB).
pub const MAX_UPLOAD_BYTES: usize = 25_000_000;

/// Errors kept for a file, in row order; the rest are only counted, so a file of bad rows costs a bounded
/// amount of memory and the preview page stays small.
pub const MAX_ROW_ERRORS: usize = 200;

/// Live drafts (checked files waiting for confirmation) a user may have unless configured otherwise
/// (`--import-max-drafts`).
pub const DEFAULT_MAX_DRAFTS: usize = 5;

/// The configurable limits of imports (`--import-max-rows`, `--import-max-drafts`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImportLimits {
    /// Data rows per file.
    pub max_rows: usize,
    /// Drafts per user waiting for confirmation.
    pub max_drafts: usize,
}

impl Default for ImportLimits {
    fn default() -> Self {
        Self { max_rows: crate::spreadsheet::DEFAULT_MAX_ROWS, max_drafts: DEFAULT_MAX_DRAFTS }
    }
}

impl ImportLimits {
    pub fn spreadsheet(self) -> crate::spreadsheet::Limits {
        crate::spreadsheet::Limits { max_rows: self.max_rows }
    }
}

/// A file's row errors: the first [`MAX_ROW_ERRORS`] in row order, and how many there are in all. Reads as
/// the slice of the kept ones.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RowErrors {
    kept: Vec<RowError>,
    total: usize,
}

impl RowErrors {
    pub fn push(&mut self, e: RowError) {
        self.total += 1;
        if self.kept.len() < MAX_ROW_ERRORS {
            self.kept.push(e);
        }
    }
    /// Every error, the ones not kept included.
    pub fn total(&self) -> usize {
        self.total
    }
    /// The errors counted but not kept.
    pub fn more(&self) -> usize {
        self.total - self.kept.len()
    }
    /// Both lists in row order, the first [`MAX_ROW_ERRORS`] kept (each list holds the first of its own).
    pub fn merge(self, other: RowErrors) -> RowErrors {
        let total = self.total + other.total;
        let mut kept = self.kept;
        kept.extend(other.kept);
        kept.sort_by_key(|e| e.row);
        kept.dedup();
        kept.truncate(MAX_ROW_ERRORS);
        // A row may be listed twice (out of scope and invalid): the count stays an upper bound.
        RowErrors { kept, total }
    }
    pub fn into_vec(self) -> Vec<RowError> {
        self.kept
    }
}

impl std::ops::Deref for RowErrors {
    type Target = [RowError];
    fn deref(&self) -> &[RowError] {
        &self.kept
    }
}

impl FromIterator<RowError> for RowErrors {
    fn from_iter<I: IntoIterator<Item = RowError>>(iter: I) -> Self {
        let mut out = RowErrors::default();
        for e in iter {
            out.push(e);
        }
        out
    }
}

/// One refused row: its line number in the file (the header is line 1), the column, and the reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowError {
    pub row: usize,
    pub column: String,
    pub message: String,
}

impl std::fmt::Display for RowError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "row {}, column {}: {}", self.row, self.column, self.message)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("the file is not readable CSV: {0}")]
    Unreadable(String),
    #[error("the header names no known record (expected the columns of training events, service units or predicate records)")]
    UnknownHeader,
    #[error("unknown column {0:?}")]
    UnknownColumn(String),
    #[error("missing column {0:?}")]
    MissingColumn(String),
    #[error("{} row(s) refused; nothing was written", .0.total())]
    Rows(RowErrors),
    #[error("the database refused the import; nothing was written")]
    Database(#[source] sqlx::Error),
}

/// One validated row: its line in the file, the stored record it names (the `id` column), the record, and
/// the values as the file gave them, `id` apart (for the audit trail).
#[derive(Debug, Clone)]
pub struct Row<T> {
    pub line: usize,
    pub id: Option<i64>,
    pub record: T,
    pub values: Values,
}

/// Validated rows of one record kind, ready to write, with the bands they were checked against (stored
/// records are read back with them to find the ones a row repeats).
#[derive(Debug, Clone)]
pub struct Parsed {
    entity: Entity,
    rows: Vec<Row<Valid>>,
    bands: PredicateBands,
}

impl Parsed {
    /// The record kind of every row.
    pub fn entity(&self) -> Entity {
        self.entity
    }
    pub fn rows(&self) -> &[Row<Valid>] {
        &self.rows
    }
    pub fn len(&self) -> usize {
        self.rows.len()
    }
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }
    /// Each row's line and region, in file order.
    pub fn regions(&self) -> Vec<(usize, RegionCode)> {
        self.rows.iter().map(|r| (r.line, r.record.region())).collect()
    }
    /// Each row's values, in file order.
    pub fn values(&self) -> Vec<&Values> {
        self.rows.iter().map(|r| &r.values).collect()
    }
}

/// The rows a role may not write (outside its region), each named with its row and region column. An
/// administrator and the command line may write everywhere.
pub fn out_of_scope(parsed: &Parsed, role: Role, lang: Lang) -> RowErrors {
    let column = parsed.entity().region_column();
    parsed
        .regions()
        .into_iter()
        .filter(|(_, region)| !role.covers(*region))
        .map(|(line, region)| RowError {
            row: line,
            column: column.to_string(),
            message: crate::i18n::trf(lang, "error.outside_scope", &[("detail", region.to_string())]),
        })
        .collect()
}

fn reader(text: &str) -> csv::Reader<&[u8]> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let first = text.lines().next().unwrap_or("");
    // Spreadsheets saved in an Indonesian locale separate with semicolons.
    let delimiter = if first.contains(';') && !first.contains(',') { b';' } else { b',' };
    csv::ReaderBuilder::new().delimiter(delimiter).trim(csv::Trim::All).from_reader(text.as_bytes())
}

/// Which record the header describes: the kind whose columns it shares most. Then every column must be
/// known and every column a record requires present, so a header with a typo is named, not guessed around;
/// an optional column may be left out (files made with an older template still import), its cells empty.
/// [`ID_COLUMN`] may be there or not.
pub fn detect(headers: &[String]) -> Result<Entity, ImportError> {
    let (kind, shared) = Entity::ALL
        .into_iter()
        .map(|k| (k, headers.iter().filter(|h| k.columns().contains(&h.as_str())).count()))
        .max_by_key(|&(_, n)| n)
        .expect("three kinds");
    if shared < 2 {
        return Err(ImportError::UnknownHeader);
    }
    if let Some(h) = headers.iter().find(|h| *h != ID_COLUMN && !kind.columns().contains(&h.as_str())) {
        return Err(ImportError::UnknownColumn(h.clone()));
    }
    if let Some(c) = kind.columns().iter().find(|c| kind.required(c) && !headers.iter().any(|h| h == *c)) {
        return Err(ImportError::MissingColumn(c.to_string()));
    }
    Ok(kind)
}

fn push_field_errors(out: &mut RowErrors, row: usize, errs: &FieldErrors, lang: Lang) {
    for e in &errs.0 {
        let msg = e.message(lang.code());
        let message = msg.split_once(": ").map(|(_, m)| m.to_string()).unwrap_or(msg);
        out.push(RowError { row, column: e.field.to_string(), message });
    }
}

/// Keeps a valid row only while the file has no error: a file with one is refused whole, so its rows
/// would be memory spent for nothing.
fn keep<T>(ok: &mut Vec<Row<T>>, errors: &RowErrors, row: Row<T>) {
    if errors.total() == 0 {
        ok.push(row);
    }
}

/// Each record of the file, read as it is needed (a file is never held as rows twice): its line, the input,
/// and its values; or the row's error.
fn rows<'r, I: DeserializeOwned>(rdr: &'r mut csv::Reader<&[u8]>) -> impl Iterator<Item = Result<(usize, I, Values), RowError>> + 'r {
    let headers = rdr.headers().cloned().unwrap_or_default();
    rdr.records().enumerate().map(move |(i, rec)| {
        let row = i + 2;
        rec.map_err(|e| e.to_string())
            .and_then(|rec| {
                // The apostrophe an export puts before a formula-like text is not part of the value.
                let rec: csv::StringRecord = rec.iter().map(crate::spreadsheet::restore_cell).collect();
                let values: Values =
                    headers.iter().zip(rec.iter()).map(|(h, v)| (h.to_string(), serde_json::Value::String(v.to_string()))).collect();
                rec.deserialize::<I>(Some(&headers)).map(|input| (row, input, values)).map_err(|e| e.to_string())
            })
            .map_err(|message| RowError { row, column: "-".into(), message })
    })
}

/// The rows of a file whose region lies outside what `role` may write, read from the region column even
/// when other columns of the row are wrong, so one preview lists every problem.
pub fn out_of_scope_rows(text: &str, role: Role, lang: Lang) -> RowErrors {
    let Ok(entity) = kind_of(text) else { return RowErrors::default() };
    let column = entity.region_column();
    let mut rdr = reader(text);
    let Some(at) = rdr.headers().ok().and_then(|h| h.iter().position(|c| c.eq_ignore_ascii_case(column))) else {
        return RowErrors::default();
    };
    rdr.records()
        .enumerate()
        .filter_map(|(i, rec)| {
            let rec = rec.ok()?;
            let region = crate::domain::RegionCode::parse(rec.get(at)?).ok()?;
            (!role.covers(region)).then(|| RowError {
                row: i + 2,
                column: column.to_string(),
                message: crate::i18n::trf(lang, "error.outside_scope", &[("detail", region.to_string())]),
            })
        })
        .collect()
}

/// Which record a file holds, from its header alone.
pub fn kind_of(text: &str) -> Result<Entity, ImportError> {
    let mut rdr = reader(text);
    let headers: Vec<String> = rdr.headers().map_err(|e| ImportError::Unreadable(e.to_string()))?.iter().map(str::to_lowercase).collect();
    detect(&headers)
}

/// Validates a whole file. Region codes are checked against the registry and duplicate rows within the
/// file are refused, so the preview lists every problem before anything is written.
pub fn parse(text: &str, registry: &RegionRegistry, bands: &PredicateBands, lang: Lang) -> Result<Parsed, ImportError> {
    let mut rdr = reader(text);
    let headers: Vec<String> = rdr.headers().map_err(|e| ImportError::Unreadable(e.to_string()))?.iter().map(str::to_lowercase).collect();
    let kind = detect(&headers)?;
    rdr.set_headers(csv::StringRecord::from(headers));
    let mut errors = RowErrors::default();
    let rows = with_record!(kind, T => parse_rows::<T>(&mut rdr, registry, bands, lang, &mut errors));
    let parsed = Parsed { entity: kind, rows, bands: bands.clone() };
    if errors.is_empty() { Ok(parsed) } else { Err(ImportError::Rows(errors)) }
}

/// The stored record a row names: its `id` cell, taken out of the values. Empty is none.
fn take_id(values: &mut Values, errs: &mut FieldErrors) -> Option<i64> {
    let text = values.remove(ID_COLUMN)?;
    let text = text.as_str().unwrap_or("").trim();
    if text.is_empty() {
        return None;
    }
    // A spreadsheet may have turned the number into a decimal (`12.0`).
    let text = text.strip_suffix(".0").unwrap_or(text);
    match text.parse::<i64>() {
        Ok(id) if id > 0 => Some(id),
        _ => {
            errs.push(crate::domain::FieldError::with(ID_COLUMN, "record_id", text.to_string()));
            None
        }
    }
}

/// Validates every row of a file of records `T`: each row's field errors, region codes not in the registry
/// and rows repeating an earlier one, into `errors`; the valid rows while there is no error.
fn parse_rows<T: Record>(
    rdr: &mut csv::Reader<&[u8]>,
    registry: &RegionRegistry,
    bands: &PredicateBands,
    lang: Lang,
    errors: &mut RowErrors,
) -> Vec<Row<Valid>> {
    let mut seen = HashSet::new();
    let mut ok = Vec::new();
    for item in rows::<T::Input>(rdr) {
        let (row, input, mut values) = match item {
            Ok(r) => r,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        let mut errs = FieldErrors::default();
        let id = take_id(&mut values, &mut errs);
        match T::parse(input, bands) {
            Ok(record) => {
                for (field, code) in record.region_codes() {
                    if !registry.contains(code) {
                        errs.push(crate::domain::FieldError::with(field, "unknown_region", code.to_string()));
                    }
                }
                if !seen.insert(record.duplicate_key()) {
                    errs.push(crate::domain::FieldError::new(T::DUPLICATE_COLUMN, "duplicate_row"));
                }
                if errs.is_empty() {
                    keep(&mut ok, errors, Row { line: row, id, record: record.into_valid(), values });
                } else {
                    push_field_errors(errors, row, &errs, lang);
                }
            }
            Err(more) => {
                errs.0.extend(more.0);
                push_field_errors(errors, row, &errs, lang);
            }
        }
    }
    ok
}

/// Rows written per batch (one multi-row statement per table or so), and between progress reports.
const ROWS_PER_BATCH: usize = 2_000;

/// What one row of an import does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowAction {
    /// Adds a record.
    Add,
    /// Changes a stored record.
    Change,
    /// Names a stored record and gives it the values it has: nothing is written, nor audited.
    Unchanged,
}

/// One row as stored: its line, what it does, the record's id, its values as read back and, for a row
/// naming a stored record, the values before.
#[derive(Debug, Clone)]
pub struct Planned {
    pub line: usize,
    pub action: RowAction,
    pub id: i64,
    pub new: Values,
    pub old: Option<Values>,
}

/// What an import did (or, rolled back as a preview, would do): rows per action, and the first rows as
/// stored.
#[derive(Debug, Clone, Default)]
pub struct Applied {
    pub added: usize,
    pub changed: usize,
    pub unchanged: usize,
    pub sample: Vec<Planned>,
}

impl Applied {
    /// Rows that add or change a record.
    pub fn written(&self) -> usize {
        self.added + self.changed
    }
}

/// Who imports and how: the mode, the role whose scope every changed record must lie in (old region and
/// new), the actor and channel of the audit entries, and how many rows to read back for a preview.
#[derive(Debug, Clone)]
pub struct How<'a> {
    pub mode: Mode,
    pub role: Role,
    pub actor: &'a Actor,
    pub via: Via,
    pub demo: bool,
    pub lang: Lang,
    /// Rows returned in [`Applied::sample`], from the first.
    pub sample: usize,
}

/// Writes validated rows and one audit entry per row in one transaction, adding only: a row the database refuses or that repeats a stored record rolls back every row. `progress` is
/// called after each batch with the rows written so far.
#[allow(clippy::too_many_arguments)]
pub async fn write(
    pool: &AnyPool,
    registry: &RegionRegistry,
    parsed: &Parsed,
    actor: &Actor,
    via: Via,
    demo: bool,
    lang: Lang,
    progress: impl FnMut(usize),
) -> Result<usize, ImportError> {
    let how = How { mode: Mode::Add, role: Role::Admin, actor, via, demo, lang, sample: 0 };
    Ok(write_as(pool, registry, parsed, &how, progress).await?.written())
}

/// [`write`](fn@write) as `how` says (the command line's `--update`), in its own transaction.
pub async fn write_as(
    pool: &AnyPool,
    registry: &RegionRegistry,
    parsed: &Parsed,
    how: &How<'_>,
    progress: impl FnMut(usize),
) -> Result<Applied, ImportError> {
    let mut tx = crate::db::begin(pool).await.map_err(ImportError::Database)?;
    let applied = apply_in(&mut tx, registry, parsed, how, progress).await?;
    crate::summaries::commit(tx).await.map_err(ImportError::Database)?;
    Ok(applied)
}

/// Writes the rows inside a transaction the caller commits (with other work of the same step: the web import
/// removes its draft in it, so a confirmation sent twice imports once) or rolls back (the preview). First
/// every row is matched with the stored records it names or repeats, and refused, each naming its row, when
/// it names a record that is not there or not the importer's to change, repeats one while adding, or names
/// the record of another row; then changes are written one by one (a row that changes nothing is counted,
/// not written), additions in batches, each with its audit entry.
pub async fn apply_in(
    tx: &mut AnyConnection,
    registry: &RegionRegistry,
    parsed: &Parsed,
    how: &How<'_>,
    progress: impl FnMut(usize),
) -> Result<Applied, ImportError> {
    with_record!(parsed.entity(), T => apply_rows::<T>(tx, registry, parsed, how, progress).await)
}

/// The row error of a write the database layer refused.
fn write_error(line: usize, e: WriteError, lang: Lang) -> ImportError {
    match e {
        WriteError::Invalid(errs) => {
            let mut out = RowErrors::default();
            push_field_errors(&mut out, line, &errs, lang);
            ImportError::Rows(out)
        }
        WriteError::Db(e) => ImportError::Database(e),
    }
}

async fn apply_rows<T: Record>(
    tx: &mut AnyConnection,
    registry: &RegionRegistry,
    parsed: &Parsed,
    how: &How<'_>,
    mut progress: impl FnMut(usize),
) -> Result<Applied, ImportError> {
    let olds = match_stored::<T>(tx, parsed, how).await?;
    let entity = parsed.entity();
    let mut applied = Applied::default();
    let mut sample: Vec<Option<Planned>> = vec![None; how.sample.min(parsed.len())];
    let mut done = 0;
    for (i, (row, old)) in parsed.rows.iter().zip(&olds).enumerate() {
        let Some(old) = old else { continue };
        let new = records::replace(tx, registry, old, &row.record).await.map_err(|e| write_error(row.line, e, how.lang))?;
        let action = if new.values == old.values {
            applied.unchanged += 1;
            RowAction::Unchanged
        } else {
            records::audit_update(tx, how.actor, how.via, entity, old, &new).await.map_err(ImportError::Database)?;
            applied.changed += 1;
            RowAction::Change
        };
        if let Some(slot) = sample.get_mut(i) {
            *slot = Some(Planned { line: row.line, action, id: old.id, new: new.values, old: Some(old.values.clone()) });
        }
        done += 1;
        if done % ROWS_PER_BATCH == 0 {
            progress(done);
        }
    }
    let adds: Vec<usize> = olds.iter().enumerate().filter(|(_, o)| o.is_none()).map(|(i, _)| i).collect();
    for chunk in adds.chunks(ROWS_PER_BATCH) {
        let batch: Vec<T> = chunk.iter().filter_map(|&i| parsed.rows[i].record.get::<T>().cloned()).collect();
        let ids = T::insert_batch(&mut *tx, registry, &batch, how.demo)
            .await
            .map_err(|e: BatchError| write_error(parsed.rows[chunk[e.index]].line, e.source, how.lang))?;
        let entries: Vec<(i64, RegionCode, &Values)> =
            ids.iter().zip(chunk).map(|(id, &i)| (*id, parsed.rows[i].record.region(), &parsed.rows[i].values)).collect();
        crate::audit::record_created(&mut *tx, how.actor, how.via, entity.audit_name(), &entries).await.map_err(ImportError::Database)?;
        for (id, &i) in ids.iter().zip(chunk) {
            if let Some(slot) = sample.get_mut(i) {
                let stored = records::load(tx, entity, *id).await.map_err(ImportError::Database)?;
                let new = stored.map_or_else(|| parsed.rows[i].values.clone(), |s| s.values);
                *slot = Some(Planned { line: parsed.rows[i].line, action: RowAction::Add, id: *id, new, old: None });
            }
        }
        applied.added += chunk.len();
        done += chunk.len();
        progress(done);
    }
    applied.sample = sample.into_iter().flatten().collect();
    Ok(applied)
}

/// Stored records of kind `T` whose `column` is one of `values` (SQL literals made here).
async fn fetch_in<T: Record>(conn: &mut AnyConnection, column: &str, values: &[String]) -> Result<Vec<Stored>, sqlx::Error> {
    let mut out = Vec::new();
    for chunk in values.chunks(500) {
        let condition = format!("{column} in ({})", chunk.join(","));
        out.extend(T::fetch(conn, &condition, None, "id").await?);
    }
    Ok(out)
}

/// For each row, the stored record it changes (`None`: it adds one), or every row that cannot be written
/// as asked. A stored record is named by the row's `id` (when updating), or, for a kind matched by key
/// ([`Record::MATCH_BY_KEY`]), by the row's [`Record::duplicate_key`]; it must exist and lie, before and
/// after, in the role's scope ([`records::check_scope`], as for the edit form). A row that repeats a stored
/// record it does not change is refused, as is a row naming a record another row names.
async fn match_stored<T: Record>(conn: &mut AnyConnection, parsed: &Parsed, how: &How<'_>) -> Result<Vec<Option<Stored>>, ImportError> {
    let lang = how.lang;
    let label = T::ENTITY.label(lang);
    let ids: BTreeSet<i64> = parsed.rows.iter().filter_map(|r| r.id).collect();
    let ids: Vec<String> = ids.iter().map(i64::to_string).collect();
    // Region codes are digits and dots, checked by their parser: safe as SQL literals.
    let regions: BTreeSet<String> = parsed.rows.iter().map(|r| format!("'{}'", r.record.region())).collect();
    let regions: Vec<String> = regions.into_iter().collect();
    let mut stored: HashMap<i64, Stored> = HashMap::new();
    for s in fetch_in::<T>(conn, "id", &ids).await.map_err(ImportError::Database)? {
        stored.insert(s.id, s);
    }
    // What makes a stored record the same as a row: its key, read back with today's rules (a stored record
    // they would refuse has no key; the database still refuses what it must).
    let mut by_key: HashMap<T::Key, i64> = HashMap::new();
    for s in fetch_in::<T>(conn, T::REGION_COLUMN, &regions).await.map_err(ImportError::Database)? {
        if let Ok(valid) = records::validate(T::ENTITY, &s.values, &parsed.bands)
            && let Some(record) = valid.get::<T>()
        {
            by_key.entry(record.duplicate_key()).or_insert(s.id);
        }
        stored.entry(s.id).or_insert(s);
    }
    let mut errors = RowErrors::default();
    let mut named: HashMap<i64, usize> = HashMap::new();
    let mut out = Vec::with_capacity(parsed.len());
    for row in &parsed.rows {
        let record = row.record.get::<T>().expect("the entity of the file");
        let mut error = |column: &str, message: String| errors.push(RowError { row: row.line, column: column.to_string(), message });
        let same = by_key.get(&record.duplicate_key()).copied();
        let target = match (how.mode, row.id) {
            (Mode::Add, Some(id)) => {
                error(ID_COLUMN, trf(lang, "import.id_without_update", &[("id", id.to_string()), ("kind", label.clone())]));
                out.push(None);
                continue;
            }
            (Mode::Update, Some(id)) => Some(id),
            (Mode::Update, None) if T::MATCH_BY_KEY => same,
            _ => None,
        };
        let old = match target.map(|id| (id, stored.get(&id))) {
            None => None,
            Some((id, found)) => {
                let scope = found.map(|old| records::check_scope(how.role, Some(old.region), Some(record.region())));
                match scope {
                    Some(Ok(())) => found.cloned(),
                    Some(Err(OutOfScope::New(region))) => {
                        error(T::REGION_COLUMN, trf(lang, "error.outside_scope", &[("detail", region.to_string())]));
                        None
                    }
                    // Another region's record is not told apart from a missing one, as on the edit form.
                    None | Some(Err(OutOfScope::Old(_))) => {
                        error(ID_COLUMN, trf(lang, "import.unknown_id", &[("id", id.to_string()), ("kind", label.clone())]));
                        None
                    }
                }
            }
        };
        if let Some(other) = same.filter(|s| Some(*s) != target) {
            let key = if how.mode == Mode::Add { "import.exists_add" } else { "import.exists_update" };
            error(T::DUPLICATE_COLUMN, trf(lang, key, &[("id", other.to_string()), ("kind", label.clone())]));
        }
        if let Some(id) = target
            && let Some(first) = named.insert(id, row.line)
        {
            let args = [("id", id.to_string()), ("row", first.to_string()), ("kind", label.clone())];
            error(if row.id.is_some() { ID_COLUMN } else { T::DUPLICATE_COLUMN }, trf(lang, "import.named_twice", &args));
        }
        out.push(old);
    }
    if errors.total() > 0 { Err(ImportError::Rows(errors)) } else { Ok(out) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::regions::bundled;

    fn registry() -> RegionRegistry {
        RegionRegistry::from_regions(bundled().unwrap())
    }

    #[test]
    fn detects_each_record_kind_and_refuses_unknown_columns() {
        let h = |cols: &[&str]| cols.iter().map(std::string::ToString::to_string).collect::<Vec<_>>();
        for entity in Entity::ALL {
            assert_eq!(detect(&h(entity.columns())).unwrap(), entity);
        }
        let unit_columns = Entity::ServiceUnit.columns();
        let mut extra = h(unit_columns);
        extra.push("nik".into());
        assert!(matches!(detect(&extra), Err(ImportError::UnknownColumn(c)) if c == "nik"));
        assert!(matches!(detect(&h(&unit_columns[..4])), Err(ImportError::MissingColumn(_))));
        assert!(matches!(detect(&h(&["a", "b"])), Err(ImportError::UnknownHeader)));
    }

    #[test]
    fn lists_every_bad_row_with_row_and_column() {
        let csv = "regency_code;kind;name;total_staff;certified_staff;latest_certificate_year;certificate_issuer\n\
                   63.10;paud;PAUD Melati;4;2;2024;DP3A\n\
                   63.99;paud;PAUD Mawar;4;2;2024;DP3A\n\
                   63.10;paud;PAUD Melati;4;2;2024;DP3A\n\
                   63.10;paud;PAUD Anggrek;4;9;2024;DP3A\n";
        let Err(ImportError::Rows(errs)) = parse(csv, &registry(), &PredicateBands::published(), Lang::En) else {
            panic!("expected row errors")
        };
        let at: Vec<(usize, &str)> = errs.iter().map(|e| (e.row, e.column.as_str())).collect();
        assert_eq!(at, vec![(3, "regency_code"), (4, "name"), (5, "certified_staff")]);
    }

    #[test]
    fn every_template_example_row_is_valid() {
        let reg = registry();
        for kind in Entity::ALL {
            for region in [None, Some(crate::domain::RegionCode::parse("35.07").unwrap())] {
                let mut w = csv::Writer::from_writer(Vec::new());
                w.write_record(kind.columns()).unwrap();
                w.write_record(kind.example_row(region)).unwrap();
                let text = String::from_utf8(w.into_inner().unwrap()).unwrap();
                let parsed = parse(&text, &reg, &PredicateBands::published(), Lang::En).unwrap_or_else(|e| panic!("{kind:?}: {e:?}"));
                assert_eq!((parsed.entity(), parsed.len()), (kind, 1));
            }
        }
    }

    #[test]
    fn the_apostrophe_of_an_export_is_removed_on_import() {
        let csv = "regency_code,kind,name,total_staff,certified_staff,latest_certificate_year,certificate_issuer\n\
                   63.10,paud,'=1+1,4,2,2024,'-DP3A\n\
                   63.10,paud,'Apostrof,4,2,2024,DP3A\n";
        let parsed = parse(csv, &registry(), &PredicateBands::published(), Lang::En).unwrap();
        assert_eq!(parsed.entity(), Entity::ServiceUnit);
        let rows = parsed.rows();
        let names: Vec<&str> = rows.iter().map(|r| r.values["name"].as_str().unwrap()).collect();
        assert_eq!(names, vec!["=1+1", "'Apostrof"]);
        assert_eq!(rows[0].values["certificate_issuer"], "-DP3A");
    }

    #[test]
    fn row_errors_keep_the_first_and_count_the_rest() {
        let mut csv = String::from("regency_code,kind,name,total_staff,certified_staff,latest_certificate_year,certificate_issuer\n");
        for _ in 0..1_000 {
            csv.push_str("63.10,paud,PAUD,x,2,2024,DP3A\n");
        }
        let Err(ImportError::Rows(errs)) = parse(&csv, &registry(), &PredicateBands::published(), Lang::En) else { panic!("row errors") };
        assert_eq!((errs.len(), errs.total(), errs.more()), (MAX_ROW_ERRORS, 1_000, 1_000 - MAX_ROW_ERRORS));
        assert_eq!((errs[0].row, errs[MAX_ROW_ERRORS - 1].row), (2, MAX_ROW_ERRORS + 1), "the first rows, in order");
        let other: RowErrors = [RowError { row: 1_000, column: "x".into(), message: "y".into() }].into_iter().collect();
        let merged = errs.merge(other);
        assert_eq!((merged.len(), merged.total()), (MAX_ROW_ERRORS, 1_001));
    }

    #[test]
    fn the_id_column_is_optional_and_names_a_stored_record() {
        let h = |cols: &[&str]| cols.iter().map(std::string::ToString::to_string).collect::<Vec<_>>();
        for entity in Entity::ALL {
            let mut with_id = vec![ID_COLUMN];
            with_id.extend(entity.columns());
            assert_eq!(detect(&h(&with_id)).unwrap(), entity);
        }
        let csv = "id,regency_code,kind,name,total_staff,certified_staff,latest_certificate_year,certificate_issuer\n\
                   12,63.10,paud,PAUD Melati,4,2,2024,DP3A\n\
                   ,63.10,paud,PAUD Mawar,4,2,2024,DP3A\n\
                   7.0,63.10,paud,PAUD Anggrek,4,2,2024,DP3A\n";
        let parsed = parse(csv, &registry(), &PredicateBands::published(), Lang::En).unwrap();
        let ids: Vec<Option<i64>> = parsed.rows().iter().map(|r| r.id).collect();
        assert_eq!(ids, vec![Some(12), None, Some(7)]);
        assert!(parsed.rows().iter().all(|r| !r.values.contains_key(ID_COLUMN)), "the id is not a value of the record");
        let bad = "id,regency_code,kind,name,total_staff,certified_staff,latest_certificate_year,certificate_issuer\n\
                   x,63.10,paud,PAUD Melati,4,2,2024,DP3A\n\
                   -3,63.10,paud,PAUD Mawar,x,2,2024,DP3A\n";
        let Err(ImportError::Rows(errs)) = parse(bad, &registry(), &PredicateBands::published(), Lang::En) else { panic!("row errors") };
        let at: Vec<(usize, &str)> = errs.iter().map(|e| (e.row, e.column.as_str())).collect();
        assert_eq!(at, vec![(2, "id"), (3, "id"), (3, "total_staff")], "a bad id is listed with the row's other errors");
    }

    #[test]
    fn only_update_updates() {
        assert_eq!(Mode::parse("update"), Mode::Update);
        for other in ["", "add", "UPDATE ", "perbarui"] {
            assert_eq!(Mode::parse(other) == Mode::Update, other.trim() == "update", "{other:?}");
        }
        assert_eq!(Mode::default(), Mode::Add);
        assert_eq!(Mode::parse(Mode::Update.as_str()), Mode::Update);
    }

    #[test]
    fn a_clean_file_parses_every_row() {
        let csv = "\u{feff}regency_code,award_year,data_year,score_self_assessment,score_administrative,score_field,score_final,predicate,source_url\n\
                   63.10,2025,2024,721,588.40,,588.40,,\n\
                   63.72,2025,2024,,,,702.5,nindya,https://example.org/x\n";
        let p = parse(csv, &registry(), &PredicateBands::published(), Lang::Id).unwrap();
        assert_eq!(p.entity(), Entity::PredicateRecord);
        assert_eq!(p.len(), 2);
    }
}
