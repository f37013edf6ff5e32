//! An XLSX workbook's first sheet as CSV text, read cell by cell within the limits, after the archive check.

use super::*;
use calamine::{Data, Reader};

pub(super) fn cell_text(c: &Data) -> String {
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

/// Reads the first sheet cell by cell (never as a dense range, which is allocated from the positions the
/// file names), after [`check_archive`] has bounded every part.
pub(super) fn xlsx_to_csv(bytes: &[u8], limits: Limits) -> Result<String, SpreadsheetError> {
    read_xlsx(bytes, limits, MAX_CELLS_VISITED)
}

/// [`xlsx_to_csv`] with the number of cells it may visit (tests use a small one). The declared size
/// (`<dimension ref=…>`) is not consulted: nothing is allocated from it, and LibreOffice or Excel declare
/// the extent of formatting, not of data. Empty cells (formatting only) are skipped before any limit is
/// applied, so only cells holding data are held to the row and column limits.
pub(super) fn read_xlsx(bytes: &[u8], limits: Limits, max_cells: u64) -> Result<String, SpreadsheetError> {
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
pub(super) fn column_name(mut c: u32) -> String {
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

#[cfg(test)]
mod tests {
    use super::column_name;

    #[test]
    fn columns_are_named_as_a_spreadsheet_names_them() {
        assert_eq!(column_name(0), "A");
        assert_eq!(column_name(25), "Z");
        assert_eq!(column_name(26), "AA");
        assert_eq!(column_name(16_383), "XFD");
    }
}
