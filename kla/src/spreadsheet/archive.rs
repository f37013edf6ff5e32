//! The guard in front of the XLSX reader: every part of the archive unpacked and measured (sizes, part
//! count, XML elements and tokens, shared strings) before anything is allocated from what the file declares.

use super::*;
use std::io::Read;

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
pub(super) fn declared_count(tag: &str, attr: &str) -> Option<u64> {
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
pub(super) enum MeterError {
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
pub(super) struct XmlMeter {
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
    pub(super) fn new(shared_strings: bool) -> Self {
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

    pub(super) fn feed(&mut self, bytes: &[u8]) -> Result<(), MeterError> {
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

#[cfg(test)]
mod tests {
    use super::*;

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
    }
}
