//! Spreadsheet import (CSV text; XLSX arrives here through [`crate::spreadsheet`]): detects which record a
//! file holds from its header, validates every row (listing each error with its row and column), checks the
//! rows lie in the importer's region, and writes all rows with their audit entries in one transaction, or none.

use crate::audit::{Actor, Via};
use crate::auth::Role;
use crate::db::RegionRegistry;
use crate::db::writes::{BatchError, WriteError};
use crate::domain::{FieldErrors, PredicateBands, RegionCode};
use crate::i18n::Lang;
use crate::records::{Entity, Record, Valid, Values, with_record};
use serde::Serialize;
use serde::de::DeserializeOwned;
use sqlx::AnyPool;
use std::collections::HashSet;

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

/// One validated row: its line in the file, the record, and the values as the file gave them (for the audit
/// trail and the preview).
#[derive(Debug, Clone)]
pub struct Row<T> {
    pub line: usize,
    pub record: T,
    pub values: Values,
}

/// Validated rows of one record kind, ready to write.
#[derive(Debug, Clone)]
pub struct Parsed {
    entity: Entity,
    rows: Vec<Row<Valid>>,
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
pub fn detect(headers: &[String]) -> Result<Entity, ImportError> {
    let (kind, shared) = Entity::ALL
        .into_iter()
        .map(|k| (k, headers.iter().filter(|h| k.columns().contains(&h.as_str())).count()))
        .max_by_key(|&(_, n)| n)
        .expect("three kinds");
    if shared < 2 {
        return Err(ImportError::UnknownHeader);
    }
    if let Some(h) = headers.iter().find(|h| !kind.columns().contains(&h.as_str())) {
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
    let parsed = Parsed { entity: kind, rows };
    if errors.is_empty() { Ok(parsed) } else { Err(ImportError::Rows(errors)) }
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
        let (row, input, values) = match item {
            Ok(r) => r,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        match T::parse(input, bands) {
            Ok(record) => {
                let mut errs = FieldErrors::default();
                for (field, code) in record.region_codes() {
                    if !registry.contains(code) {
                        errs.push(crate::domain::FieldError::with(field, "unknown_region", code.to_string()));
                    }
                }
                if !seen.insert(record.duplicate_key()) {
                    errs.push(crate::domain::FieldError::new(T::DUPLICATE_COLUMN, "duplicate_row"));
                }
                if errs.is_empty() {
                    keep(&mut ok, errors, Row { line: row, record: record.into_valid(), values });
                } else {
                    push_field_errors(errors, row, &errs, lang);
                }
            }
            Err(errs) => push_field_errors(errors, row, &errs, lang),
        }
    }
    ok
}

/// Rows written per batch (one multi-row statement per table or so), and between progress reports.
const ROWS_PER_BATCH: usize = 2_000;

/// Writes validated rows and one audit entry per row in one transaction: a row the database refuses (a
/// predicate record that already exists, say) rolls back every row. `progress` is called after each batch
/// with the rows written so far.
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
    let mut tx = pool.begin().await.map_err(ImportError::Database)?;
    let n = write_in(&mut tx, registry, parsed, actor, via, demo, lang, progress).await?;
    tx.commit().await.map_err(ImportError::Database)?;
    Ok(n)
}

/// [`write`](fn@write) inside a transaction the caller commits (with other work of the same step: the web import
/// removes its draft in it, so a confirmation sent twice imports once).
#[allow(clippy::too_many_arguments)]
pub async fn write_in(
    tx: &mut sqlx::AnyConnection,
    registry: &RegionRegistry,
    parsed: &Parsed,
    actor: &Actor,
    via: Via,
    demo: bool,
    lang: Lang,
    mut progress: impl FnMut(usize),
) -> Result<usize, ImportError> {
    let regions = parsed.regions();
    let batch_err = |offset: usize, e: BatchError| match e.source {
        WriteError::Invalid(errs) => {
            let mut out = RowErrors::default();
            push_field_errors(&mut out, regions[offset + e.index].0, &errs, lang);
            ImportError::Rows(out)
        }
        WriteError::Db(e) => ImportError::Database(e),
    };
    let entity = parsed.entity();
    let values = parsed.values();
    let mut n = 0;
    while n < parsed.len() {
        let end = (n + ROWS_PER_BATCH).min(parsed.len());
        let ids = with_record!(entity, T => {
            let batch: Vec<T> = parsed.rows[n..end].iter().filter_map(|r| r.record.get::<T>().cloned()).collect();
            T::insert_batch(&mut *tx, registry, &batch, demo).await.map_err(|e| batch_err(n, e))?
        });
        let entries: Vec<(i64, RegionCode, &Values)> =
            ids.iter().zip(&regions[n..end]).zip(&values[n..end]).map(|((id, (_, region)), v)| (*id, *region, *v)).collect();
        crate::audit::record_created(&mut *tx, actor, via, entity.audit_name(), &entries).await.map_err(ImportError::Database)?;
        n = end;
        progress(n);
    }
    Ok(n)
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
    fn a_clean_file_parses_every_row() {
        let csv = "\u{feff}regency_code,award_year,data_year,score_self_assessment,score_administrative,score_field,score_final,predicate,source_url\n\
                   63.10,2025,2024,721,588.40,,588.40,,\n\
                   63.72,2025,2024,,,,702.5,nindya,https://example.org/x\n";
        let p = parse(csv, &registry(), &PredicateBands::published(), Lang::Id).unwrap();
        assert_eq!(p.entity(), Entity::PredicateRecord);
        assert_eq!(p.len(), 2);
    }
}
