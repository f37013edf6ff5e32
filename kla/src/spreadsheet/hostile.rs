//! Hostile files built in code, for the tests of this crate and of the server (which runs the real binary
//! on them): each breaks one limit above. Not used by the product itself.

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
