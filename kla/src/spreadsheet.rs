//! Spreadsheet files in and out: an uploaded CSV or XLSX becomes CSV text for [`crate::import`] within
//! documented limits (rows, columns, unpacked size); records become CSV or XLSX downloads (templates with an
//! example row, and exports). XLSX cells are written as text so that codes such as `63.10` survive Excel
//! unchanged; CSV text cells that a spreadsheet would run as a formula are neutralised ([`csv_cell`]).

use calamine::{Data, Reader};
use std::borrow::Cow;
use std::io::Read;

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

fn cell_text(c: &Data) -> String {
    match c {
        Data::Empty => String::new(),
        Data::String(s) => s.trim().to_string(),
        Data::Int(i) => i.to_string(),
        // Excel keeps every number as a double: 25 comes back as 25.0, and is meant as 25.
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(d) => {
            let (y, m, day, ..) = d.to_ymd_hms_milli();
            format!("{y:04}-{m:02}-{day:02}")
        }
        Data::DateTimeIso(s) => s.split('T').next().unwrap_or(s).to_string(),
        Data::DurationIso(s) => s.clone(),
        Data::Error(e) => format!("#{e:?}"),
    }
}

fn workbook_error(e: impl std::fmt::Display) -> SpreadsheetError {
    SpreadsheetError::Workbook(e.to_string())
}

/// Reads the first sheet cell by cell (never as a dense range, which is allocated from the positions the
/// file names), after [`check_archive`] has bounded every part.
fn xlsx_to_csv(bytes: &[u8], limits: Limits) -> Result<String, SpreadsheetError> {
    read_xlsx(bytes, limits, MAX_CELLS_VISITED)
}

/// [`xlsx_to_csv`] with the number of cells it may visit (tests use a small one). The declared size
/// (`<dimension ref=…>`) is not consulted: nothing is allocated from it, and LibreOffice or Excel declare
/// the extent of formatting, not of data. Empty cells (formatting only) are skipped before any limit is
/// applied, so only cells holding data are held to the row and column limits.
fn read_xlsx(bytes: &[u8], limits: Limits, max_cells: u64) -> Result<String, SpreadsheetError> {
    check_archive(bytes)?;
    let mut book: calamine::Xlsx<_> = calamine::Xlsx::new(std::io::Cursor::new(bytes)).map_err(workbook_error)?;
    let first = book.sheet_names().first().cloned().ok_or(SpreadsheetError::NoSheet)?;
    let mut cells = book.worksheet_cells_reader(&first).map_err(workbook_error)?;
    let mut visited = 0u64;
    // Rows longer than the header are written as they are, for the import to name.
    let mut w = csv::WriterBuilder::new().flexible(true).from_writer(Vec::new());
    let mut row: Vec<String> = Vec::new();
    let mut width = 0usize;
    let mut at: Option<u32> = None;
    // The first row with data is the header; its first used column is where records start, as it was
    // for a dense range.
    let mut first_column: Option<u32> = None;
    let flush = |w: &mut csv::Writer<Vec<u8>>, row: &mut Vec<String>, width: &mut usize| -> Result<(), SpreadsheetError> {
        // Rows left empty (formatting only) are not records.
        if !row.iter().all(String::is_empty) {
            // As wide as the header (a dense range was): empty cells at the end are not stored.
            if *width == 0 {
                *width = row.len();
            }
            if row.len() < *width {
                row.resize(*width, String::new());
            }
            // Neutralised as an export is, so that the import's restoring gives back exactly the cell.
            write_csv_record(w, row.iter()).map_err(workbook_error)?;
            if w.get_ref().len() > MAX_TEXT_BYTES {
                return Err(SpreadsheetError::TextTooLarge { mb: MAX_TEXT_BYTES / 1_000_000 });
            }
        }
        row.clear();
        Ok(())
    };
    while let Some(cell) = cells.next_cell().map_err(workbook_error)? {
        visited += 1;
        if visited > max_cells {
            return Err(SpreadsheetError::TooManyElements { part: first.clone(), limit: max_cells });
        }
        // Formatting only (or blanks): not data, so no limit applies to where it lies.
        let text = cell_text(&Data::from(cell.get_value().clone()));
        if text.is_empty() {
            continue;
        }
        let (r, c) = cell.get_position();
        if r as usize > limits.max_rows {
            return Err(SpreadsheetError::TooManyRows { limit: limits.max_rows });
        }
        if c as usize >= MAX_COLUMNS {
            return Err(SpreadsheetError::TooManyColumns { limit: MAX_COLUMNS });
        }
        match at {
            Some(a) if a == r => {}
            Some(a) if a > r => return Err(SpreadsheetError::RowsOutOfOrder { row: r as u64 + 1 }),
            _ => {
                flush(&mut w, &mut row, &mut width)?;
                at = Some(r);
            }
        }
        let start = *first_column.get_or_insert(c);
        let Some(i) = c.checked_sub(start) else {
            return Err(SpreadsheetError::LeftOfHeader { cell: format!("{}{}", column_name(c), r as u64 + 1) });
        };
        let i = i as usize;
        if row.len() <= i {
            row.resize(i + 1, String::new());
        }
        row[i] = text;
    }
    flush(&mut w, &mut row, &mut width)?;
    let out = w.into_inner().map_err(workbook_error)?;
    if out.len() > MAX_TEXT_BYTES {
        return Err(SpreadsheetError::TextTooLarge { mb: MAX_TEXT_BYTES / 1_000_000 });
    }
    String::from_utf8(out).map_err(workbook_error)
}

/// `0` → `A`, `26` → `AA`: a column as a spreadsheet names it.
fn column_name(mut c: u32) -> String {
    let mut s = Vec::new();
    loop {
        s.push(b'A' + (c % 26) as u8);
        if c < 26 {
            break;
        }
        c = c / 26 - 1;
    }
    s.reverse();
    String::from_utf8(s).expect("ASCII letters")
}

/// What a part of the archive is, by the name the XLSX reader looks it up by (lower-case, `/`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part {
    /// A worksheet: read as a stream, bounded only by the whole archive's limit.
    Sheet,
    /// The shared strings: held in memory whole.
    SharedStrings,
    /// The package relationships, which say where the workbook is.
    PackageRels,
    Other,
}

impl Part {
    fn of(name: &str) -> Part {
        match name {
            "_rels/.rels" => Part::PackageRels,
            "xl/sharedstrings.xml" => Part::SharedStrings,
            n if n.starts_with("xl/worksheets/") && !n[14..].contains('/') => Part::Sheet,
            _ => Part::Other,
        }
    }
    fn limit(self) -> u64 {
        match self {
            Part::Sheet => MAX_UNPACKED_BYTES,
            Part::SharedStrings => MAX_SHARED_STRINGS_BYTES,
            // Read whole here to find the workbook; Excel writes under a kilobyte.
            Part::PackageRels => MAX_PACKAGE_RELS_BYTES,
            Part::Other => MAX_OTHER_PART_BYTES,
        }
    }
}

/// Checks an XLSX archive before the XLSX reader opens it: the number of parts, each part's and the whole
/// archive's unpacked size (measured by unpacking, not taken from the headers), every XML part's longest
/// token, and the shared strings, declared and present. The workbook must be where Excel puts it
/// (`xl/workbook.xml`), so that only worksheets get the worksheet limit.
pub fn check_archive(bytes: &[u8]) -> Result<(), SpreadsheetError> {
    // Opening the archive reads its whole directory into memory (about 200 bytes an entry): count the
    // directory's entry signatures first, so a file of a quarter million empty entries costs nothing.
    if bytes.windows(4).filter(|w| *w == b"PK\x01\x02").nth(MAX_ZIP_ENTRIES).is_some() {
        return Err(SpreadsheetError::TooManyParts { limit: MAX_ZIP_ENTRIES });
    }
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(workbook_error)?;
    if zip.len() > MAX_ZIP_ENTRIES {
        return Err(SpreadsheetError::TooManyParts { limit: MAX_ZIP_ENTRIES });
    }
    let mut total = 0u64;
    let mut workbook_found = false;
    let mut buf = vec![0u8; 64 * 1024];
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).map_err(workbook_error)?;
        let name = entry.name().map_err(workbook_error)?.replace('\\', "/").to_ascii_lowercase();
        let shown: String = name.chars().filter(|c| !c.is_control()).take(100).collect();
        let part = Part::of(&name);
        let too_large = || SpreadsheetError::PartTooLarge { part: shown.clone(), mb: part.limit() / (1024 * 1024) };
        if entry.size() > part.limit() {
            return Err(too_large());
        }
        let xml = name.ends_with(".xml") || name.ends_with(".rels");
        let mut meter = XmlMeter::new(part == Part::SharedStrings);
        let mut kept = Vec::new();
        let mut size = 0u64;
        loop {
            let n = entry.read(&mut buf).map_err(workbook_error)?;
            if n == 0 {
                break;
            }
            size += n as u64;
            total += n as u64;
            if size > part.limit() {
                return Err(too_large());
            }
            if total > MAX_UNPACKED_BYTES {
                return Err(SpreadsheetError::UnpackedTooLarge { mb: MAX_UNPACKED_BYTES / (1024 * 1024) });
            }
            if xml {
                meter.feed(&buf[..n]).map_err(|e| match e {
                    MeterError::LongToken => SpreadsheetError::LongValue { part: shown.clone(), kb: MAX_XML_TOKEN_BYTES / 1024 },
                    MeterError::Declaration => SpreadsheetError::Declaration { part: shown.clone() },
                })?;
                if part == Part::SharedStrings && meter.count > MAX_SHARED_STRINGS {
                    return Err(SpreadsheetError::TooManyStrings { limit: MAX_SHARED_STRINGS });
                }
                if matches!(part, Part::Other | Part::PackageRels) && meter.elements > MAX_XML_ELEMENTS {
                    return Err(SpreadsheetError::TooManyElements { part: shown.clone(), limit: MAX_XML_ELEMENTS });
                }
            }
            if part == Part::PackageRels {
                kept.extend_from_slice(&buf[..n]);
            }
        }
        match part {
            Part::PackageRels => {
                let targets = office_documents(&String::from_utf8_lossy(&kept));
                workbook_found = !targets.is_empty() && targets.iter().all(|t| t == "xl/workbook.xml");
            }
            Part::SharedStrings => {
                // The reader reserves room for the count the first `sst` element declares, wherever it is.
                let tag = String::from_utf8_lossy(meter.sst.as_deref().unwrap_or_default()).into_owned();
                for attr in ["uniqueCount", "count"] {
                    if declared_count(&tag, attr).is_some_and(|n| n > MAX_SHARED_STRINGS) {
                        return Err(SpreadsheetError::TooManyStrings { limit: MAX_SHARED_STRINGS });
                    }
                }
            }
            _ => {}
        }
    }
    if !workbook_found {
        return Err(SpreadsheetError::WorkbookElsewhere);
    }
    Ok(())
}

/// An attribute's value in the first tag that has it (`<sst … uniqueCount="3">`).
fn attr_value<'a>(xml: &'a str, tag_start: usize, attr: &str) -> Option<&'a str> {
    let tag = &xml[tag_start..];
    let tag = &tag[..tag.find('>').unwrap_or(tag.len())];
    let mut from = 0;
    while let Some(at) = tag[from..].find(attr) {
        let at = from + at;
        let before = tag[..at].chars().last();
        let rest = tag[at + attr.len()..].trim_start();
        if before.is_some_and(char::is_whitespace)
            && let Some(rest) = rest.strip_prefix('=')
        {
            let rest = rest.trim_start();
            let quote = rest.chars().next()?;
            if quote == '"' || quote == '\'' {
                let value = &rest[1..];
                return value.find(quote).map(|end| &value[..end]);
            }
        }
        from = at + attr.len();
    }
    None
}

/// The count an `sst` tag declares in `attr`; a value that is not a number counts as too many.
fn declared_count(tag: &str, attr: &str) -> Option<u64> {
    attr_value(tag, 0, attr).map(|v| v.trim().parse().unwrap_or(u64::MAX))
}

/// Where the package relationships put the workbook (`xl/workbook.xml` as Excel writes it): every
/// `officeDocument` relationship's target, with or without a namespace prefix (the reader follows the
/// last one; all must point to the same place).
fn office_documents(xml: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(at) = xml[from..].find("Relationship") {
        let name_at = from + at;
        from = name_at + "Relationship".len();
        let opens = xml[..name_at].ends_with('<')
            || xml[..name_at].rsplit('<').next().is_some_and(|p| p.ends_with(':') && !p.contains(['>', ' ', '"', '\'']));
        if !opens || !xml[from..].starts_with(char::is_whitespace) {
            continue;
        }
        if attr_value(xml, name_at, "Type").is_some_and(|t| t.ends_with("/relationships/officeDocument")) {
            let target = attr_value(xml, name_at, "Target").unwrap_or_default();
            out.push(target.trim_start_matches('/').replace('\\', "/").to_ascii_lowercase());
        }
    }
    out
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum MeterError {
    LongToken,
    Declaration,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum MeterState {
    Text,
    /// Just after `<`: an element, `<?…?>`, or `<!…`.
    Open,
    Tag,
    Quoted(u8),
    /// After `<!`: a comment or CDATA section, told by their first bytes.
    Bang,
    Comment,
    Cdata,
    Instruction,
}

/// Follows an XML part as it is unpacked, byte by byte, as the XML reader will split it: the length of
/// each token it would hold at once (text, a tag with its quoted attributes, a comment, a CDATA section, a
/// processing instruction); in the shared strings part, how often `si` opens and the first `sst` tag. A
/// document type declaration is refused: no XLSX part has one.
struct XmlMeter {
    shared_strings: bool,
    count: u64,
    /// Elements opened, of any name.
    elements: u64,
    /// The first `sst` tag, whole (at most one token long).
    sst: Option<Vec<u8>>,
    capturing: bool,
    state: MeterState,
    token: usize,
    name: Vec<u8>,
    naming: bool,
    last: [u8; 2],
}

impl XmlMeter {
    fn new(shared_strings: bool) -> Self {
        Self {
            shared_strings,
            count: 0,
            elements: 0,
            sst: None,
            capturing: false,
            state: MeterState::Text,
            token: 0,
            name: Vec::new(),
            naming: false,
            last: [0; 2],
        }
    }

    fn feed(&mut self, bytes: &[u8]) -> Result<(), MeterError> {
        use MeterState::*;
        for &b in bytes {
            self.token += 1;
            if self.token > MAX_XML_TOKEN_BYTES {
                return Err(MeterError::LongToken);
            }
            if self.capturing
                && let Some(tag) = &mut self.sst
            {
                tag.push(b);
            }
            match self.state {
                Text => {
                    if b == b'<' {
                        self.token = 1;
                        self.state = Open;
                    }
                }
                Open => match b {
                    b'!' => {
                        self.name.clear();
                        self.state = Bang;
                    }
                    b'?' => self.state = Instruction,
                    // An end tag: no element opens.
                    b'/' => {
                        self.naming = false;
                        self.state = Tag;
                    }
                    _ => {
                        self.name.clear();
                        self.naming = true;
                        self.state = Tag;
                        self.tag_byte(b);
                    }
                },
                Tag => self.tag_byte(b),
                Quoted(q) => {
                    if b == q {
                        self.state = Tag;
                    }
                }
                Bang => {
                    self.name.push(b);
                    if self.name == b"--" {
                        self.state = Comment;
                    } else if self.name == b"[CDATA[" {
                        self.state = Cdata;
                    } else if !b"--".starts_with(&self.name) && !b"[CDATA[".starts_with(&self.name) {
                        return Err(MeterError::Declaration);
                    }
                }
                Comment | Cdata | Instruction => {
                    let end: &[u8; 2] = match self.state {
                        Comment => b"--",
                        Cdata => b"]]",
                        _ => b"??",
                    };
                    let closed = if self.state == Instruction { self.last[1] == b'?' } else { &self.last == end };
                    if b == b'>' && closed {
                        self.end_token();
                    }
                }
            }
            self.last = [self.last[1], b];
        }
        Ok(())
    }

    fn tag_byte(&mut self, b: u8) {
        if self.naming {
            if b.is_ascii_whitespace() || b == b'>' || b == b'/' {
                self.naming = false;
                let local = self.name.rsplit(|&c| c == b':').next().unwrap_or(&[]);
                self.elements += 1;
                if self.shared_strings && local == b"si" {
                    self.count += 1;
                }
                if self.shared_strings && local == b"sst" && self.sst.is_none() {
                    let mut tag = vec![b'<'];
                    tag.extend_from_slice(&self.name);
                    tag.push(b);
                    self.sst = Some(tag);
                    self.capturing = true;
                }
            } else if self.name.len() < 64 {
                self.name.push(b);
            }
        }
        match b {
            b'"' | b'\'' => self.state = MeterState::Quoted(b),
            b'>' => self.end_token(),
            _ => {}
        }
    }

    fn end_token(&mut self) {
        self.capturing = false;
        self.state = MeterState::Text;
        self.token = 0;
    }
}

/// Whether a spreadsheet would read `s` as the start of a formula: it begins with `=`, `+`, `-`, `@`, a
/// tab or a carriage return (OWASP's list) and is not simply a number such as `-5` or `-3.25`; or it
/// begins with an apostrophe before such a text, so that one apostrophe more keeps it apart from a
/// neutralised cell.
fn needs_quote(s: &str) -> bool {
    match s.as_bytes().first() {
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r') => !is_plain_number(s),
        Some(b'\'') => needs_quote(&s[1..]),
        _ => false,
    }
}

/// Digits with an optional sign, decimal separators and exponent: nothing a formula could call.
fn is_plain_number(s: &str) -> bool {
    let body = s.strip_prefix(['+', '-']).unwrap_or(s);
    let (mantissa, exponent) = match body.find(['e', 'E']) {
        Some(i) => (&body[..i], Some(&body[i + 1..])),
        None => (body, None),
    };
    let digits = mantissa.bytes().any(|b| b.is_ascii_digit()) && mantissa.bytes().all(|b| b.is_ascii_digit() || b == b'.' || b == b',');
    let exponent_ok = exponent.is_none_or(|e| {
        let e = e.strip_prefix(['+', '-']).unwrap_or(e);
        !e.is_empty() && e.bytes().all(|b| b.is_ascii_digit())
    });
    digits && exponent_ok
}

/// A cell as it goes into a CSV file: text a spreadsheet would run as a formula gets a leading apostrophe
/// (shown as text, not run); numbers, negative ones included, stay numbers. Every CSV the product writes
/// goes through this ([`write_csv_record`]).
pub fn csv_cell(s: &str) -> Cow<'_, str> {
    if needs_quote(s) { Cow::Owned(format!("'{s}")) } else { Cow::Borrowed(s) }
}

/// A cell as it comes back from a CSV file: the apostrophe [`csv_cell`] added is removed again, so an
/// export edited in a spreadsheet imports unchanged. Any other leading apostrophe stays.
pub fn restore_cell(s: &str) -> &str {
    match s.strip_prefix('\'') {
        Some(rest) if needs_quote(rest) => rest,
        _ => s,
    }
}

/// Writes one CSV record with every cell neutralised by [`csv_cell`].
pub fn write_csv_record<W: std::io::Write, S: AsRef<str>>(w: &mut csv::Writer<W>, cells: impl IntoIterator<Item = S>) -> csv::Result<()> {
    w.write_record(cells.into_iter().map(|c| csv_cell(c.as_ref()).into_owned()))
}

/// A table as a file: a header row of `columns`, then `rows`.
pub fn write(format: Format, sheet: &str, columns: &[&str], rows: &[Vec<String>]) -> Vec<u8> {
    match format {
        Format::Csv => {
            let mut w = csv::Writer::from_writer(Vec::new());
            write_csv_record(&mut w, columns).expect("writing to memory");
            for r in rows {
                write_csv_record(&mut w, r).expect("writing to memory");
            }
            w.into_inner().expect("writing to memory")
        }
        Format::Xlsx => xlsx(sheet, columns, rows),
    }
}

fn xlsx(sheet: &str, columns: &[&str], rows: &[Vec<String>]) -> Vec<u8> {
    use rust_xlsxwriter::{Format as CellFormat, Workbook};
    let mut book = Workbook::new();
    let header = CellFormat::new().set_bold();
    let text = CellFormat::new().set_num_format("@");
    let ws = book.add_worksheet();
    // Sheet names are at most 31 characters and plain; ours are fixed words.
    let _ = ws.set_name(sheet);
    for (c, name) in columns.iter().enumerate() {
        let _ = ws.write_string_with_format(0, c as u16, *name, &header);
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            let _ = ws.write_string_with_format(r as u32 + 1, c as u16, v, &text);
        }
    }
    let _ = ws.set_freeze_panes(1, 0);
    ws.set_autofit_max_width(400);
    ws.autofit();
    book.save_to_buffer().expect("an XLSX workbook in memory")
}

/// Hostile files built in code, for the tests of this crate and of the server (which runs the real binary
/// on them): each breaks one limit above. Not used by the product itself.
#[doc(hidden)]
pub mod hostile {
    use std::io::Write;

    const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>"#;
    const PACKAGE_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;
    const WORKBOOK: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="data" sheetId="1" r:id="rId1"/></sheets></workbook>"#;
    const WORKBOOK_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#;
    pub const SHEET_START: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">"#;

    /// A workbook whose sheet XML is `sheet` (written in pieces, so a huge sheet is never in memory) and
    /// whose shared strings part is `strings`.
    pub fn workbook(sheet: &mut dyn Iterator<Item = Vec<u8>>, strings: &str) -> Vec<u8> {
        workbook_with_rels(PACKAGE_RELS, sheet, strings)
    }

    /// As [`workbook`], with other package relationships (which say where the workbook is).
    pub fn workbook_with_rels(package_rels: &str, sheet: &mut dyn Iterator<Item = Vec<u8>>, strings: &str) -> Vec<u8> {
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .compression_level(Some(1))
            .large_file(true);
        for (name, body) in [
            ("[Content_Types].xml", CONTENT_TYPES),
            ("_rels/.rels", package_rels),
            ("xl/workbook.xml", WORKBOOK),
            ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS),
            ("xl/sharedStrings.xml", strings),
        ] {
            zip.start_file(name, opts).expect("zip in memory");
            zip.write_all(body.as_bytes()).expect("zip in memory");
        }
        zip.start_file("xl/worksheets/sheet1.xml", opts).expect("zip in memory");
        for piece in sheet {
            zip.write_all(&piece).expect("zip in memory");
        }
        zip.finish().expect("zip in memory").into_inner()
    }

    fn sheet_of(xml: String) -> Vec<u8> {
        workbook(
            &mut std::iter::once(xml.into_bytes()),
            r#"<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="0" uniqueCount="0"></sst>"#,
        )
    }

    /// One cell, A1, in a sheet declaring A1:XFD1048576 (a dense range of it is 512 GB). Read cell by cell it
    /// breaks no limit: it is read as its one header cell.
    pub fn dimension_bomb() -> Vec<u8> {
        sheet_of(format!(
            r#"{SHEET_START}<dimension ref="A1:XFD1048576"/><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>regency_code</t></is></c></row></sheetData></worksheet>"#
        ))
    }

    /// Cells at A1 and XFD1048576, no declared size.
    pub fn far_cell() -> Vec<u8> {
        sheet_of(format!(
            r#"{SHEET_START}<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>regency_code</t></is></c></row><row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData></worksheet>"#
        ))
    }

    /// A sheet whose XML unpacks to `bytes` (padding between rows), packed to about a thousandth of that.
    pub fn zip_bomb(bytes: u64) -> Vec<u8> {
        const PIECE: usize = 1024 * 1024;
        let head = format!(r#"{SHEET_START}<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>regency_code</t></is></c></row>"#);
        let pad = std::iter::repeat_n("<row/>".repeat(PIECE / 6).into_bytes(), (bytes as usize).div_ceil(PIECE));
        let mut pieces = std::iter::once(head.into_bytes()).chain(pad).chain(std::iter::once(b"</sheetData></worksheet>".to_vec()));
        workbook(&mut pieces, r#"<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="0" uniqueCount="0"></sst>"#)
    }

    /// An archive of `n` empty entries besides a workbook's parts.
    pub fn many_parts(n: usize) -> Vec<u8> {
        let sheet = format!(r#"{SHEET_START}<sheetData></sheetData></worksheet>"#);
        let book = workbook(&mut std::iter::once(sheet.into_bytes()), r#"<sst count="0" uniqueCount="0"></sst>"#);
        let mut zip = zip::ZipWriter::new_append(std::io::Cursor::new(book)).expect("zip in memory");
        let opts = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
        for i in 0..n {
            zip.start_file(format!("x/{i:x}"), opts).expect("zip in memory");
        }
        zip.finish().expect("zip in memory").into_inner()
    }

    /// A styles part of `n` empty cell formats (each one a structure in memory).
    pub fn many_styles(n: usize) -> Vec<u8> {
        let sheet = format!(
            r#"{SHEET_START}<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>regency_code</t></is></c></row></sheetData></worksheet>"#
        );
        let book = workbook(&mut std::iter::once(sheet.into_bytes()), r#"<sst count="0" uniqueCount="0"></sst>"#);
        let mut zip = zip::ZipWriter::new_append(std::io::Cursor::new(book)).expect("zip in memory");
        zip.start_file("xl/styles.xml", zip::write::SimpleFileOptions::default()).expect("zip in memory");
        let body = format!(
            "<styleSheet><fonts><font/></fonts><fills><fill/></fills><borders><border/></borders><cellXfs>{}</cellXfs></styleSheet>",
            "<xf/>".repeat(n)
        );
        zip.write_all(body.as_bytes()).expect("zip in memory");
        zip.finish().expect("zip in memory").into_inner()
    }

    /// A shared strings part declaring four billion strings, holding one.
    pub fn huge_unique_count() -> Vec<u8> {
        let sheet = format!(r#"{SHEET_START}<sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row></sheetData></worksheet>"#);
        workbook(
            &mut std::iter::once(sheet.into_bytes()),
            r#"<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="4000000000" uniqueCount="4000000000"><si><t>regency_code</t></si></sst>"#,
        )
    }

    /// A cell of `bytes` characters in one text run.
    pub fn long_cell(bytes: usize) -> Vec<u8> {
        sheet_of(format!(
            r#"{SHEET_START}<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>{}</t></is></c></row></sheetData></worksheet>"#,
            "x".repeat(bytes)
        ))
    }

    /// A header of service units and `rows` rows of one number each: Excel's largest sheet is 1,048,576
    /// rows.
    pub fn many_rows(rows: usize) -> Vec<u8> {
        let head = format!(r#"{SHEET_START}<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>regency_code</t></is></c></row>"#);
        let body = (0..rows).step_by(10_000).map(move |from| {
            (from..(from + 10_000).min(rows))
                .map(|i| format!(r#"<row r="{r}"><c r="A{r}"><v>1</v></c></row>"#, r = i + 2))
                .collect::<String>()
                .into_bytes()
        });
        let mut pieces = std::iter::once(head.into_bytes()).chain(body).chain(std::iter::once(b"</sheetData></worksheet>".to_vec()));
        workbook(&mut pieces, r#"<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="0" uniqueCount="0"></sst>"#)
    }

    /// A CSV of service units whose every row is wrong in three columns.
    pub fn bad_rows_csv(rows: usize) -> Vec<u8> {
        let mut out = b"regency_code,kind,name,total_staff,certified_staff,latest_certificate_year,certificate_issuer\n".to_vec();
        for _ in 0..rows {
            out.extend_from_slice(b"99.99,nothing,PAUD,x,y,1800,DP3A\n");
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xlsx_round_trips_through_csv_text() {
        let rows = vec![vec!["63.10".to_string(), "PAUD \"Melati\", Banjar".to_string(), "4".to_string(), String::new()]];
        let bytes = write(Format::Xlsx, "unit", &["regency_code", "name", "total_staff", "latest_certificate_year"], &rows);
        assert!(bytes.starts_with(b"PK\x03\x04"));
        let text = to_csv_text(&bytes, Limits::default()).unwrap();
        let mut r = csv::Reader::from_reader(text.as_bytes());
        assert_eq!(r.headers().unwrap().iter().collect::<Vec<_>>(), vec!["regency_code", "name", "total_staff", "latest_certificate_year"]);
        let rec = r.records().next().unwrap().unwrap();
        assert_eq!(rec.iter().collect::<Vec<_>>(), vec!["63.10", "PAUD \"Melati\", Banjar", "4", ""]);
    }

    #[test]
    fn numbers_and_dates_from_excel_read_as_people_typed_them() {
        assert_eq!(cell_text(&Data::Float(25.0)), "25");
        assert_eq!(cell_text(&Data::Float(588.4)), "588.4");
        assert_eq!(cell_text(&Data::DateTimeIso("2025-03-14T00:00:00".into())), "2025-03-14");
    }

    #[test]
    fn formula_cells_are_neutralised_and_numbers_stay_numbers() {
        for (cell, written) in [
            ("=HYPERLINK(\"http://x.example\")", "'=HYPERLINK(\"http://x.example\")"),
            ("+1+cmd|' /C calc'!A0", "'+1+cmd|' /C calc'!A0"),
            ("-2+3", "'-2+3"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tx", "'\tx"),
            ("\rx", "'\rx"),
            ("'=x", "''=x"),
            ("-5", "-5"),
            ("-3.25", "-3.25"),
            ("+7", "+7"),
            ("-1e5", "-1e5"),
            ("-", "'-"),
            ("-inf", "'-inf"),
            ("63.10", "63.10"),
            ("PAUD Melati", "PAUD Melati"),
            ("'quoted", "'quoted"),
            ("", ""),
        ] {
            assert_eq!(csv_cell(cell), written, "{cell:?}");
            assert_eq!(restore_cell(&csv_cell(cell)), cell, "{cell:?} comes back");
        }
        let csv = write(Format::Csv, "kegiatan", &["title", "n"], &[vec!["=1+1".into(), "-4".into()]]);
        assert_eq!(String::from_utf8(csv).unwrap(), "title,n\n'=1+1,-4\n");
    }

    #[test]
    fn xlsx_stays_typed_and_a_formula_like_text_comes_back_as_typed() {
        let bytes = write(Format::Xlsx, "unit", &["name"], &[vec!["=1+1".into()]]);
        let mut book: calamine::Xlsx<_> = calamine::Xlsx::new(std::io::Cursor::new(&bytes)).unwrap();
        let range = book.worksheet_range("unit").unwrap();
        assert_eq!(range.get((1, 0)), Some(&Data::String("=1+1".into())), "a string, not a formula");
        let text = to_csv_text(&bytes, Limits::default()).unwrap();
        let rec = csv::Reader::from_reader(text.as_bytes()).records().next().unwrap().unwrap();
        assert_eq!(restore_cell(&rec[0]), "=1+1");
    }

    #[test]
    fn a_declared_size_beyond_the_limits_is_harmless_and_the_data_is_read() {
        // A1:XFD1048576 as a dense range is 512 GB; read cell by cell it is its one header cell.
        assert_eq!(to_csv_text(&hostile::dimension_bomb(), Limits::default()).unwrap(), "regency_code\n");
        assert_eq!(to_csv_text(&hostile::dimension_bomb(), Limits { max_rows: 1 }).unwrap(), "regency_code\n");
    }

    /// A sheet of the given rows (`<row>` elements and their cells), as LibreOffice or Excel write them.
    fn sheet_xml(dimension: &str, rows: &str) -> Vec<u8> {
        let xml = format!(r#"{}<dimension ref="{dimension}"/><sheetData>{rows}</sheetData></worksheet>"#, hostile::SHEET_START);
        hostile::workbook(&mut std::iter::once(xml.into_bytes()), "<sst/>")
    }

    fn text_cell(v: &str, at: &str) -> String {
        format!(r#"<c r="{at}" s="1" t="inlineStr"><is><t>{v}</t></is></c>"#)
    }

    /// Styled empty cells from `from` (0-based) to AMJ (1023) on row `r`, as LibreOffice writes a row
    /// formatted by its header.
    fn styled_to_amj(r: u64, from: u32) -> String {
        (from..1024).map(|c| format!(r#"<c r="{}{r}" s="1"/>"#, column_name(c))).collect()
    }

    #[test]
    fn styled_empty_cells_out_to_amj_read_as_the_data() {
        let header = format!("{}{}{}", text_cell("regency_code", "A1"), text_cell("name", "B1"), styled_to_amj(1, 2));
        let mut rows = format!(r#"<row r="1" s="1" customFormat="true">{header}</row>"#);
        for r in 2..=20u64 {
            rows += &format!(
                r#"<row r="{r}">{}{}<c r="C{r}" s="1"/><c r="D{r}" s="1" t="inlineStr"><is><t>  </t></is></c></row>"#,
                text_cell("63.10", &format!("A{r}")),
                text_cell(&format!("PAUD {r}"), &format!("B{r}"))
            );
        }
        let book = sheet_xml("A1:AMJ20", &rows);
        let text = to_csv_text(&book, Limits::default()).unwrap();
        let expected: String =
            std::iter::once("regency_code,name\n".to_string()).chain((2..=20).map(|r| format!("63.10,PAUD {r}\n"))).collect();
        assert_eq!(text, expected);
        // Only the data counts: 19 data rows fit a limit of 19, not of 18.
        assert_eq!(to_csv_text(&book, Limits { max_rows: 19 }).unwrap(), expected);
        assert_eq!(to_csv_text(&book, Limits { max_rows: 18 }), Err(SpreadsheetError::TooManyRows { limit: 18 }));
    }

    #[test]
    fn styled_empty_rows_past_the_row_limit_read_fine() {
        let limits = Limits { max_rows: 3 };
        let mut rows = format!(r#"<row r="1">{}</row><row r="2">{}</row>"#, text_cell("regency_code", "A1"), text_cell("63.10", "A2"));
        // Formats filled down far past the limit, as Excel writes them, out to its last row.
        for r in (3..=40u64).chain([100_001, 100_002, 1_048_576]) {
            rows += &format!(
                r#"<row r="{r}" s="1" customFormat="1"><c r="A{r}" s="1"/><c r="B{r}" s="1"/><c r="BM{r}" s="1"/><c r="XFD{r}" s="1"/></row>"#
            );
        }
        let book = sheet_xml("A1:XFD1048576", &rows);
        assert_eq!(to_csv_text(&book, limits).unwrap(), "regency_code\n63.10\n");
        assert_eq!(to_csv_text(&book, Limits::default()).unwrap(), "regency_code\n63.10\n");
    }

    #[test]
    fn a_real_cell_beyond_the_column_or_row_limit_is_still_refused() {
        // BL is the 64th column, the last allowed; BM is past the limit. Styled cells around them do not matter.
        assert_eq!((column_name(MAX_COLUMNS as u32 - 1), column_name(MAX_COLUMNS as u32)), ("BL".to_string(), "BM".to_string()));
        let at = |cell: &str| {
            format!(
                r#"<row r="1">{}{}</row>"#,
                text_cell("regency_code", "A1"),
                styled_to_amj(1, 1).replace(&format!(r#"<c r="{cell}" s="1"/>"#), &text_cell("x", cell))
            )
        };
        assert_eq!(
            to_csv_text(&sheet_xml("A1:AMJ1", &at("BM1")), Limits::default()),
            Err(SpreadsheetError::TooManyColumns { limit: MAX_COLUMNS })
        );
        let last = to_csv_text(&sheet_xml("A1:AMJ1", &at("BL1")), Limits::default()).unwrap();
        assert_eq!(last, format!("regency_code{}x\n", ",".repeat(MAX_COLUMNS - 1)), "the 64th column is within the limit");
        let limits = Limits { max_rows: 3 };
        let beyond_row = format!(
            r#"<row r="1">{}</row><row r="5"><c r="A5" s="1"/></row><row r="6">{}</row>"#,
            text_cell("regency_code", "A1"),
            text_cell("63.10", "A6")
        );
        assert_eq!(to_csv_text(&sheet_xml("A1:A1", &beyond_row), limits), Err(SpreadsheetError::TooManyRows { limit: 3 }));
        // A number (not only text) counts as data; a blank text does not.
        let number = format!(r#"<row r="1">{}</row><row r="6"><c r="A6"><v>0</v></c></row>"#, text_cell("regency_code", "A1"));
        assert_eq!(to_csv_text(&sheet_xml("A1:A1", &number), limits), Err(SpreadsheetError::TooManyRows { limit: 3 }));
        let blank = format!(r#"<row r="1">{}</row><row r="6">{}</row>"#, text_cell("regency_code", "A1"), text_cell(" ", "A6"));
        assert_eq!(to_csv_text(&sheet_xml("A1:A1", &blank), limits).unwrap(), "regency_code\n");
    }

    #[test]
    fn the_cells_visited_are_capped_empty_ones_included() {
        let rows = format!(r#"<row r="1">{}{}</row>"#, text_cell("regency_code", "A1"), styled_to_amj(1, 1));
        let book = sheet_xml("A1:AMJ1", &rows);
        // 1,024 cells: one with data, 1,023 styled empty ones.
        assert_eq!(read_xlsx(&book, Limits::default(), 1_024).unwrap(), "regency_code\n");
        assert_eq!(
            read_xlsx(&book, Limits::default(), 1_023),
            Err(SpreadsheetError::TooManyElements { part: "data".into(), limit: 1_023 })
        );
        assert_eq!(to_csv_text(&book, Limits::default()).unwrap(), "regency_code\n", "far below the real cap");
        assert_eq!(MAX_CELLS_VISITED, 20_000_000);
    }

    #[test]
    fn a_cell_beyond_the_limits_is_refused_not_allocated_for() {
        assert_eq!(to_csv_text(&hostile::far_cell(), Limits::default()), Err(SpreadsheetError::TooManyRows { limit: DEFAULT_MAX_ROWS }));
        assert_eq!(
            to_csv_text(&hostile::far_cell(), Limits { max_rows: 2_000_000 }),
            Err(SpreadsheetError::TooManyColumns { limit: MAX_COLUMNS })
        );
    }

    #[test]
    fn a_zip_bomb_is_refused_by_what_it_unpacks_to() {
        let bomb = hostile::zip_bomb(MAX_UNPACKED_BYTES + 1024 * 1024);
        assert!(bomb.len() < 5_000_000, "{} bytes packed", bomb.len());
        let refused = SpreadsheetError::PartTooLarge { part: "xl/worksheets/sheet1.xml".into(), mb: MAX_UNPACKED_BYTES / (1024 * 1024) };
        assert_eq!(to_csv_text(&bomb, Limits::default()), Err(refused));
    }

    #[test]
    fn an_archive_of_too_many_parts_is_refused_before_its_directory_is_read() {
        assert_eq!(
            to_csv_text(&hostile::many_parts(MAX_ZIP_ENTRIES), Limits::default()),
            Err(SpreadsheetError::TooManyParts { limit: MAX_ZIP_ENTRIES })
        );
        assert_eq!(to_csv_text(&hostile::many_parts(10), Limits::default()), Ok(String::new()), "a few more parts are fine");
    }

    #[test]
    fn a_part_of_too_many_elements_is_refused() {
        // 1.6 million cell formats (8 MB) took 250 MB to open.
        let refused = SpreadsheetError::TooManyElements { part: "xl/styles.xml".into(), limit: MAX_XML_ELEMENTS };
        assert_eq!(to_csv_text(&hostile::many_styles(1_600_000), Limits::default()), Err(refused));
        assert_eq!(to_csv_text(&hostile::many_styles(1_000), Limits::default()).unwrap(), "regency_code\n");
    }

    #[test]
    fn declared_shared_strings_beyond_the_limit_are_refused() {
        assert_eq!(
            to_csv_text(&hostile::huge_unique_count(), Limits::default()),
            Err(SpreadsheetError::TooManyStrings { limit: MAX_SHARED_STRINGS })
        );
    }

    #[test]
    fn a_value_longer_than_the_token_limit_is_refused() {
        assert!(matches!(
            to_csv_text(&hostile::long_cell(MAX_XML_TOKEN_BYTES + 1), Limits::default()),
            Err(SpreadsheetError::LongValue { .. })
        ));
        assert_eq!(to_csv_text(&hostile::long_cell(10_000), Limits::default()).unwrap().trim_end().len(), 10_000);
    }

    #[test]
    fn rows_beyond_the_row_limit_are_refused_in_xlsx_and_csv() {
        let limits = Limits { max_rows: 3 };
        assert_eq!(to_csv_text(&hostile::many_rows(3), limits).unwrap().lines().count(), 4);
        assert_eq!(to_csv_text(&hostile::many_rows(4), limits), Err(SpreadsheetError::TooManyRows { limit: 3 }));
        assert!(to_csv_text(&hostile::bad_rows_csv(3), limits).is_ok());
        assert_eq!(to_csv_text(&hostile::bad_rows_csv(4), limits), Err(SpreadsheetError::TooManyRows { limit: 3 }));
        // A quoted cell spanning lines is one row.
        assert!(to_csv_text(b"a,b\n\"1\n2\n3\n4\",x\n", limits).is_ok());
        assert_eq!(
            to_csv_text(&hostile::many_rows(1_048_575), Limits::default()),
            Err(SpreadsheetError::TooManyRows { limit: DEFAULT_MAX_ROWS })
        );
    }

    #[test]
    fn xml_tokens_are_measured_as_the_reader_splits_them() {
        let mut m = XmlMeter::new(true);
        m.feed(b"<?xml version=\"1.0\"?><!-- <sst uniqueCount=\"1\"> --><x:sst count=\"2\"\n uniqueCount='9000000000'><si><t>a>b</t></si><x:si/><!-- > --><![CDATA[ <> ]]></x:sst>").unwrap();
        assert_eq!((m.count, m.elements), (2, 4), "sst, si, t, x:si; declarations, comments and end tags are no elements");
        let tag = String::from_utf8(m.sst.unwrap()).unwrap();
        assert_eq!(tag, "<x:sst count=\"2\"\n uniqueCount='9000000000'>", "the first sst tag, not one in a comment");
        assert_eq!(declared_count(&tag, "uniqueCount"), Some(9_000_000_000));
        let mut m = XmlMeter::new(false);
        assert_eq!(m.feed(b"<!DOCTYPE x [<!ENTITY a \"b\">]>"), Err(MeterError::Declaration));
        // A '>' inside a quoted attribute or a CDATA section does not end the token.
        let long = format!("<c a=\"{}\">", ">".repeat(MAX_XML_TOKEN_BYTES));
        assert_eq!(XmlMeter::new(false).feed(long.as_bytes()), Err(MeterError::LongToken));
        let long = format!("<![CDATA[{}]]>", "<>".repeat(MAX_XML_TOKEN_BYTES / 2));
        assert_eq!(XmlMeter::new(false).feed(long.as_bytes()), Err(MeterError::LongToken));
    }

    #[test]
    fn odd_structures_are_refused_with_their_reason() {
        let sheet = |xml: &str| {
            hostile::workbook(&mut std::iter::once(format!("{}{xml}</worksheet>", hostile::SHEET_START).into_bytes()), "<sst/>")
        };
        let t = |v: &str, at: &str| format!(r#"<c r="{at}" t="inlineStr"><is><t>{v}</t></is></c>"#);
        let ok =
            sheet(&format!(r#"<sheetData><row r="2">{}{}</row><row r="3">{}</row></sheetData>"#, t("a", "B2"), t("b", "C2"), t("1", "B3")));
        assert_eq!(to_csv_text(&ok, Limits::default()).unwrap(), "a,b\n1,\n", "the header's first column is where records start");
        let left = sheet(&format!(r#"<sheetData><row r="2">{}</row><row r="3">{}</row></sheetData>"#, t("a", "B2"), t("1", "A3")));
        assert_eq!(to_csv_text(&left, Limits::default()), Err(SpreadsheetError::LeftOfHeader { cell: "A3".into() }));
        let unordered = sheet(&format!(r#"<sheetData><row r="3">{}</row><row r="2">{}</row></sheetData>"#, t("a", "A3"), t("1", "A2")));
        assert_eq!(to_csv_text(&unordered, Limits::default()), Err(SpreadsheetError::RowsOutOfOrder { row: 2 }));
        let dtd = sheet(r#"<!DOCTYPE x [<!ENTITY e "e">]><sheetData/>"#);
        assert_eq!(to_csv_text(&dtd, Limits::default()), Err(SpreadsheetError::Declaration { part: "xl/worksheets/sheet1.xml".into() }));
        let rels = r#"<Relationships><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/worksheets/sheet1.xml"/></Relationships>"#;
        let elsewhere = hostile::workbook_with_rels(rels, &mut std::iter::once(b"<worksheet><sheetData/></worksheet>".to_vec()), "<sst/>");
        assert_eq!(to_csv_text(&elsewhere, Limits::default()), Err(SpreadsheetError::WorkbookElsewhere));
    }

    #[test]
    fn the_workbook_must_be_where_excel_puts_it() {
        let rels = "<Relationships><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"/xl/worksheets/wb.xml\"/></Relationships>";
        assert_eq!(office_documents(rels), vec!["xl/worksheets/wb.xml"]);
        // The reader follows the last officeDocument relationship, prefixed or not: every one is checked.
        let two = "<Relationships><Relationship Type='x/relationships/officeDocument' Target='xl/workbook.xml'/>\
                   <p:Relationship\nType=\"x/relationships/officeDocument\" Target=\"/XL/worksheets/wb.xml\"/><x Relationship='y'/></Relationships>";
        assert_eq!(office_documents(two), vec!["xl/workbook.xml", "xl/worksheets/wb.xml"]);
        assert_eq!(declared_count("<sst xmlns=\"x\" count=\"5\" uniqueCount=\"3\">", "uniqueCount"), Some(3));
        assert_eq!(declared_count("<sst xmlns=\"x\" count=\"5\" uniqueCount=\"3\">", "count"), Some(5));
        assert_eq!(declared_count("<sst xmlns=\"x\" count=\"&#53;\">", "count"), Some(u64::MAX), "not a plain number: refused");
        assert_eq!(column_name(0), "A");
        assert_eq!(column_name(16_383), "XFD");
    }

    #[test]
    fn binary_that_is_not_a_workbook_is_refused() {
        assert_eq!(to_csv_text(b"", Limits::default()), Err(SpreadsheetError::Empty));
        assert_eq!(to_csv_text(&[0xff, 0xfe, 0x00, 0x41], Limits::default()), Err(SpreadsheetError::NotASpreadsheet));
        assert!(matches!(to_csv_text(b"PK\x03\x04garbage", Limits::default()), Err(SpreadsheetError::Workbook(_))));
        assert_eq!(to_csv_text(b"a,b\n1,2\n", Limits::default()).unwrap(), "a,b\n1,2\n");
    }
}
