//! Spreadsheet files in and out: an uploaded CSV or XLSX becomes CSV text for [`crate::import`]; records
//! become CSV or XLSX downloads (templates with an example row, and exports). XLSX cells are written as
//! text so that codes such as `63.10` survive Excel unchanged.

use calamine::{Data, Reader};

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
}

/// The file as CSV text: an XLSX workbook (told by its bytes, a ZIP archive) gives its first worksheet;
/// anything else must be UTF-8 text.
pub fn to_csv_text(bytes: &[u8]) -> Result<String, SpreadsheetError> {
    if bytes.is_empty() {
        return Err(SpreadsheetError::Empty);
    }
    if bytes.starts_with(b"PK\x03\x04") {
        return xlsx_to_csv(bytes);
    }
    let text = std::str::from_utf8(bytes).map_err(|_| SpreadsheetError::NotASpreadsheet)?;
    if text.contains('\0') {
        return Err(SpreadsheetError::NotASpreadsheet);
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

fn xlsx_to_csv(bytes: &[u8]) -> Result<String, SpreadsheetError> {
    let mut book =
        calamine::open_workbook_auto_from_rs(std::io::Cursor::new(bytes)).map_err(|e| SpreadsheetError::Workbook(e.to_string()))?;
    let first = book.sheet_names().first().cloned().ok_or(SpreadsheetError::NoSheet)?;
    let range = book.worksheet_range(&first).map_err(|e| SpreadsheetError::Workbook(e.to_string()))?;
    let mut w = csv::Writer::from_writer(Vec::new());
    for row in range.rows() {
        let cells: Vec<String> = row.iter().map(cell_text).collect();
        // Rows left empty (formatting only) are not records.
        if cells.iter().all(String::is_empty) {
            continue;
        }
        w.write_record(&cells).map_err(|e| SpreadsheetError::Workbook(e.to_string()))?;
    }
    let out = w.into_inner().map_err(|e| SpreadsheetError::Workbook(e.to_string()))?;
    String::from_utf8(out).map_err(|e| SpreadsheetError::Workbook(e.to_string()))
}

/// A table as a file: a header row of `columns`, then `rows`.
pub fn write(format: Format, sheet: &str, columns: &[&str], rows: &[Vec<String>]) -> Vec<u8> {
    match format {
        Format::Csv => {
            let mut w = csv::Writer::from_writer(Vec::new());
            w.write_record(columns).expect("writing to memory");
            for r in rows {
                w.write_record(r).expect("writing to memory");
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xlsx_round_trips_through_csv_text() {
        let rows = vec![vec!["63.10".to_string(), "PAUD \"Melati\", Banjar".to_string(), "4".to_string(), "".to_string()]];
        let bytes = write(Format::Xlsx, "unit", &["regency_code", "name", "total_staff", "latest_certificate_year"], &rows);
        assert!(bytes.starts_with(b"PK\x03\x04"));
        let text = to_csv_text(&bytes).unwrap();
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
    fn binary_that_is_not_a_workbook_is_refused() {
        assert_eq!(to_csv_text(b""), Err(SpreadsheetError::Empty));
        assert_eq!(to_csv_text(&[0xff, 0xfe, 0x00, 0x41]), Err(SpreadsheetError::NotASpreadsheet));
        assert!(matches!(to_csv_text(b"PK\x03\x04garbage"), Err(SpreadsheetError::Workbook(_))));
        assert_eq!(to_csv_text(b"a,b\n1,2\n").unwrap(), "a,b\n1,2\n");
    }
}
