//! Records out as CSV or XLSX (templates and exports): XLSX cells written as text, CSV cells a spreadsheet
//! would run as a formula neutralised.

use super::Format;
use std::borrow::Cow;

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
