//! The spreadsheet reader and writer held to hostile files and to what people type.

use super::read::{cell_text, column_name, read_xlsx};
use super::*;
use calamine::{Data, Reader};

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
    assert_eq!(read_xlsx(&book, Limits::default(), 1_023), Err(SpreadsheetError::TooManyElements { part: "data".into(), limit: 1_023 }));
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
fn odd_structures_are_refused_with_their_reason() {
    let sheet =
        |xml: &str| hostile::workbook(&mut std::iter::once(format!("{}{xml}</worksheet>", hostile::SHEET_START).into_bytes()), "<sst/>");
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
fn binary_that_is_not_a_workbook_is_refused() {
    assert_eq!(to_csv_text(b"", Limits::default()), Err(SpreadsheetError::Empty));
    assert_eq!(to_csv_text(&[0xff, 0xfe, 0x00, 0x41], Limits::default()), Err(SpreadsheetError::NotASpreadsheet));
    assert!(matches!(to_csv_text(b"PK\x03\x04garbage", Limits::default()), Err(SpreadsheetError::Workbook(_))));
    assert_eq!(to_csv_text(b"a,b\n1,2\n", Limits::default()).unwrap(), "a,b\n1,2\n");
}
