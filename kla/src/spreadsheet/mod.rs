//! Spreadsheet files in and out: an uploaded CSV or XLSX becomes CSV text for [`crate::import`] within
//! documented limits (rows, columns, unpacked size); records become CSV or XLSX downloads (templates with an
//! example row, and exports). XLSX cells are written as text so that codes such as `63.10` survive Excel
//! unchanged; CSV text cells that a spreadsheet would run as a formula are neutralised ([`csv_cell`]).
//!
//! Here: the limits, the errors and [`to_csv_text`]; [`archive`](check_archive) bounds an XLSX before it is
//! opened, `read` turns its first sheet into CSV text cell by cell, `write` makes the downloads, and
//! `hostile` builds the hostile files the tests throw at all of it.

mod archive;
#[doc(hidden)]
pub mod hostile;
mod read;
mod write;

pub use archive::check_archive;
pub use write::{csv_cell, restore_cell, write, write_csv_record};

use read::xlsx_to_csv;

fn workbook_error(e: impl std::fmt::Display) -> SpreadsheetError {
    SpreadsheetError::Workbook(e.to_string())
}

/// Data rows a file may hold unless configured otherwise (`--import-max-rows`): the benchmark imports
/// 100,000 training events in one file.
pub const DEFAULT_MAX_ROWS: usize = 100_000;
/// Columns a sheet may use: the widest record (training events) has 16.
pub const MAX_COLUMNS: usize = 64;
/// The largest CSV text a file may become: the same as the largest upload, so a workbook holds no more
/// than a CSV file may.
pub const MAX_TEXT_BYTES: usize = crate::import::MAX_UPLOAD_BYTES;
/// Parts (files) inside an XLSX archive; Excel writes about a dozen.
pub const MAX_ZIP_ENTRIES: usize = 1_000;
/// All parts of a workbook together, unpacked. A 100,000-row sheet of training events is about 80 MB of
/// XML; this bounds the work of reading a zip bomb.
pub const MAX_UNPACKED_BYTES: u64 = 256 * 1024 * 1024;
/// The shared strings part, unpacked: it is held in memory whole while the sheet is read.
pub const MAX_SHARED_STRINGS_BYTES: u64 = 64 * 1024 * 1024;
/// Shared strings, declared (`uniqueCount`, `count`) or present: the reader reserves memory for the
/// declared number before reading any.
pub const MAX_SHARED_STRINGS: u64 = 1_000_000;
/// Every other part (workbook, styles, relationships, pictures …), unpacked: these are read whole.
pub const MAX_OTHER_PART_BYTES: u64 = 8 * 1024 * 1024;
/// The package relationships (`_rels/.rels`), which say where the workbook is.
pub const MAX_PACKAGE_RELS_BYTES: u64 = 64 * 1024;
/// Elements in any XML part read whole other than the shared strings (styles, workbook, relationships):
/// the reader keeps a structure of up to 150 bytes for an element of five (`<xf/>`). Excel allows 64,000
/// cell formats.
pub const MAX_XML_ELEMENTS: u64 = 200_000;
/// The longest XML token (a tag with its attributes, a text run, a CDATA section) the XML reader may have
/// to hold at once. Excel's own limit for a cell is 32,767 characters.
pub const MAX_XML_TOKEN_BYTES: usize = 1024 * 1024;

/// Cells of the sheet the reader may visit, empty ones included: a cell that is only formatted (LibreOffice
/// writes them out to column AMJ when a whole row is bolded) costs no memory and is skipped, but visiting it
/// costs time, so their number is bounded. Far above what the largest file the limits allow holds
/// (100,001 rows of 64 columns is 6.4 million cells).
pub const MAX_CELLS_VISITED: u64 = 20_000_000;
const _: () = assert!(MAX_CELLS_VISITED >= ((DEFAULT_MAX_ROWS + 1) * MAX_COLUMNS) as u64);

/// What one file may hold: the configurable part of the limits above.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Data rows, the header row not counted.
    pub max_rows: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self { max_rows: DEFAULT_MAX_ROWS }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Xlsx,
}

impl Format {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "csv" => Some(Format::Csv),
            "xlsx" => Some(Format::Xlsx),
            _ => None,
        }
    }
    pub fn extension(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Xlsx => "xlsx",
        }
    }
    pub fn content_type(self) -> &'static str {
        match self {
            Format::Csv => "text/csv; charset=utf-8",
            Format::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SpreadsheetError {
    #[error("the file is empty")]
    Empty,
    #[error("the file is neither CSV text (UTF-8) nor an Excel workbook (.xlsx)")]
    NotASpreadsheet,
    #[error("the workbook could not be read: {0}")]
    Workbook(String),
    #[error("the workbook has no worksheet")]
    NoSheet,
    #[error("the file has more than {limit} data rows")]
    TooManyRows { limit: usize },
    #[error("the sheet uses more than {limit} columns")]
    TooManyColumns { limit: usize },
    #[error("the data of the file, as text, is larger than {mb} MB")]
    TextTooLarge { mb: usize },
    #[error("the workbook holds more than {limit} parts")]
    TooManyParts { limit: usize },
    #[error("the part {part} of the workbook unpacks to more than {mb} MB")]
    PartTooLarge { part: String, mb: u64 },
    #[error("the workbook unpacks to more than {mb} MB")]
    UnpackedTooLarge { mb: u64 },
    #[error("the workbook has more than {limit} shared strings")]
    TooManyStrings { limit: u64 },
    #[error("the part {part} of the workbook holds a value longer than {kb} KB")]
    LongValue { part: String, kb: usize },
    #[error("the part {part} of the workbook holds more than {limit} elements")]
    TooManyElements { part: String, limit: u64 },
    #[error("the part {part} of the workbook has a document type declaration")]
    Declaration { part: String },
    #[error("the workbook is not at xl/workbook.xml, where spreadsheet programs put it")]
    WorkbookElsewhere,
    #[error("the sheet's row {row} comes after a later row")]
    RowsOutOfOrder { row: u64 },
    #[error("the cell {cell} lies left of the header row's first column")]
    LeftOfHeader { cell: String },
}

/// The file as CSV text, within `limits`: an XLSX workbook (told by its bytes, a ZIP archive) gives its
/// first worksheet; anything else must be UTF-8 text. Nothing is allocated for what a file declares before
/// what it holds has been checked, so a hostile file is refused with a clear error, not read.
pub fn to_csv_text(bytes: &[u8], limits: Limits) -> Result<String, SpreadsheetError> {
    if bytes.is_empty() {
        return Err(SpreadsheetError::Empty);
    }
    if bytes.starts_with(b"PK\x03\x04") {
        return xlsx_to_csv(bytes, limits);
    }
    if bytes.len() > MAX_TEXT_BYTES {
        return Err(SpreadsheetError::TextTooLarge { mb: MAX_TEXT_BYTES / 1_000_000 });
    }
    let text = std::str::from_utf8(bytes).map_err(|_| SpreadsheetError::NotASpreadsheet)?;
    if text.contains('\0') {
        return Err(SpreadsheetError::NotASpreadsheet);
    }
    // Records, not lines (a quoted cell may span lines); the delimiter does not change where records end.
    let mut rdr = csv::ReaderBuilder::new().flexible(true).has_headers(true).from_reader(text.as_bytes());
    let mut record = csv::ByteRecord::new();
    let mut rows = 0usize;
    while let Ok(true) = rdr.read_byte_record(&mut record) {
        rows += 1;
        if rows > limits.max_rows {
            return Err(SpreadsheetError::TooManyRows { limit: limits.max_rows });
        }
    }
    Ok(text.to_string())
}

#[cfg(test)]
mod tests;
