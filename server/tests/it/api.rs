//! The public JSON API under `/api/v1` (docs/api.md), read as a specification: each page's endpoint answers
//! with the figures computed by hand from the fixtures (tests/fixtures/README.md), every figure a page lists
//! downloads as CSV and JSON with the same rows, a download equals the data table the reader sees on the
//! page, the URL state flows through, bad input gets a JSON error naming the parameter, and the next request
//! after a write sees it — on SQLite and on PostgreSQL alike.

use crate::common::{Engine, TestApp};
use app::figures::Cell;
use kla::i18n::Lang;
use kla::import;
use serde_json::Value;

// ---------------------------------------------------------------------------------------------------------
// Helpers: one request with its headers, a small CSV reader, and the data tables of a page.

struct Res {
    status: u16,
    headers: reqwest::header::HeaderMap,
    body: String,
}

impl Res {
    fn header(&self, name: &str) -> String {
        self.headers.get(name).map(|v| v.to_str().unwrap().to_string()).unwrap_or_default()
    }
    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", &self.body[..self.body.len().min(300)]))
    }
}

async fn fetch(app: &TestApp, path: &str) -> Res {
    let res = app.client.get(format!("{}{path}", app.base)).send().await.expect("request");
    let status = res.status().as_u16();
    let headers = res.headers().clone();
    Res { status, headers, body: res.text().await.expect("body") }
}

/// A successful, uncached JSON answer.
async fn ok_json(app: &TestApp, path: &str) -> Value {
    let res = fetch(app, path).await;
    assert_eq!(res.status, 200, "{path}: {}", res.body);
    assert_eq!(res.header("content-type"), "application/json", "{path}");
    assert_eq!(res.header("cache-control"), "no-cache", "{path} is always fresh");
    res.json()
}

/// A JSON error answer: `{error, message}` with the status.
async fn error_json(app: &TestApp, path: &str, status: u16) -> (String, String) {
    let res = fetch(app, path).await;
    assert_eq!(res.status, status, "{path}: {}", res.body);
    assert_eq!(res.header("content-type"), "application/json", "{path} answers errors as JSON");
    let v = res.json();
    let obj = v.as_object().unwrap();
    assert_eq!(obj.len(), 2, "{path}: only error and message: {v}");
    let message = v["message"].as_str().unwrap().to_string();
    assert!(!message.is_empty(), "{path}");
    (v["error"].as_str().unwrap().to_string(), message)
}

/// An RFC 4180 reader: quoted fields, doubled quotes, `\n` line ends.
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let (mut row, mut field, mut quoted) = (Vec::new(), String::new(), false);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut field)),
            (false, '\n') => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (false, '\r') => {}
            (false, c) => field.push(c),
        }
    }
    assert!(field.is_empty() && row.is_empty(), "the CSV ends with a line end");
    rows
}

/// A downloaded figure as CSV: (header, rows), after checking the download headers.
async fn csv_of(app: &TestApp, path: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let res = fetch(app, path).await;
    assert_eq!(res.status, 200, "{path}: {}", res.body);
    assert_eq!(res.header("content-type"), "text/csv; charset=utf-8", "{path}");
    assert_eq!(res.header("cache-control"), "no-cache", "{path}");
    let disposition = res.header("content-disposition");
    assert!(disposition.starts_with("attachment; filename=\"pantau-kla-") && disposition.ends_with(".csv\""), "{path}: {disposition}");
    let mut rows = parse_csv(&res.body);
    assert!(!rows.is_empty(), "{path} has a header line");
    let header = rows.remove(0);
    (header, rows)
}

/// The value a CSV cell holds for a JSON cell (`Cell::raw`: numbers with a point, shares as fractions rounded
/// to six places, empty for no value), or why the JSON cell is not a plain value.
fn raw_of_json(v: &Value) -> Result<String, String> {
    match v {
        Value::Null => Ok(String::new()),
        Value::String(s) => Ok(s.clone()),
        Value::Number(n) if n.is_i64() => Ok(Cell::Int(n.as_i64().unwrap()).raw()),
        Value::Number(n) => Ok(Cell::Num(n.as_f64(), 0).raw()),
        other => Err(format!("{other} is not a number, string or null")),
    }
}

fn unescape(s: &str) -> String {
    s.replace("<!>", "")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// The text of each `<th>`/`<td>` cell of each `<tr>` in `html`.
fn table_rows(html: &str) -> Vec<Vec<String>> {
    html.split("<tr>")
        .skip(1)
        .map(|tr| {
            let tr = &tr[..tr.find("</tr>").expect("closed row")];
            let mut cells = Vec::new();
            let mut rest = tr;
            while let Some(i) = rest.find("<t") {
                let tag = &rest[i..];
                if !(tag.starts_with("<th") || tag.starts_with("<td")) {
                    rest = &tag[2..];
                    continue;
                }
                let open = tag.find('>').unwrap() + 1;
                let close = tag.find("</t").unwrap();
                cells.push(unescape(&tag[open..close]));
                rest = &tag[close + 3..];
            }
            cells
        })
        .collect()
}

/// The `<figure>` with this id, as HTML.
fn figure_html<'a>(html: &'a str, id: &str) -> Option<&'a str> {
    html.split("<figure ")
        .skip(1)
        .find(|f| f[..f.find('>').unwrap()].contains(&format!("id=\"{id}\"")))
        .map(|f| &f[..f.find("</figure>").unwrap()])
}

/// The body rows of the data table under the figure `id` on the page (`None`: the figure has no table).
fn page_table(html: &str, id: &str) -> Option<Vec<Vec<String>>> {
    let f = figure_html(html, id).unwrap_or_else(|| panic!("no figure {id} on the page"));
    let body = &f[f.find("<tbody>")? + "<tbody>".len()..];
    Some(table_rows(&body[..body.find("</tbody>").unwrap()]))
}

/// The column heads of the data table under the figure `id` on the page.
fn page_table_heads(html: &str, id: &str) -> Vec<String> {
    let f = figure_html(html, id).unwrap_or_else(|| panic!("no figure {id} on the page"));
    let head = &f[f.find("<thead>").expect("a table head") + "<thead>".len()..];
    table_rows(&head[..head.find("</thead>").unwrap()]).remove(0)
}

/// How a column is shown on the page (the `Cell` kind behind it).
#[derive(Clone, Copy)]
enum Kind {
    Text,
    Year,
    Int,
    /// A count a report may omit (empty when unknown).
    Count,
    Share,
}

/// A CSV value as the page shows it in Indonesian (`Cell::display`).
fn shown(raw: &str, kind: Kind) -> String {
    let cell = match kind {
        Kind::Text => Cell::Text(raw.to_string()),
        Kind::Year => Cell::Year(raw.parse().unwrap()),
        Kind::Int => Cell::Int(raw.parse().unwrap()),
        Kind::Count => Cell::Count((!raw.is_empty()).then(|| raw.parse().unwrap())),
        Kind::Share => Cell::Share((!raw.is_empty()).then(|| raw.parse().unwrap())),
    };
    cell.display(Lang::Id)
}

/// Checks, cell by cell, that the CSV download of a figure is the table on the page it came from, headed as
/// the table is when downloaded through the page's own link; returns the page's rows.
async fn assert_download_is_the_page_table(app: &TestApp, page: &str, api: &str, id: &str, kinds: &[Kind]) -> Vec<Vec<String>> {
    let (status, html) = app.get(page).await;
    assert_eq!(status, 200, "{page}");
    let query = page.split_once('?').map(|(_, q)| format!("?{q}")).unwrap_or_default();
    let link = format!("{api}/{id}.csv{}kolom=label&lang=id", if query.is_empty() { "?".to_string() } else { format!("{query}&") });
    assert!(html.contains(&format!("href=\"{}\"", link.replace('&', "&amp;"))), "{page}: the page's download link is {link}");
    let (labels, labelled) = csv_of(app, &link).await;
    assert_eq!(labels, page_table_heads(&html, id), "{page} {id}: the page's CSV is headed as its table");
    let (header, csv) = csv_of(app, &format!("{api}/{id}.csv{query}")).await;
    assert_eq!(labelled, csv, "{page} {id}: the header row is all that `kolom` changes");
    assert_eq!(header.len(), kinds.len(), "{id}: {header:?}");
    let table = page_table(&html, id).unwrap_or_else(|| panic!("{page}: figure {id} has no data table"));
    assert_eq!(table.len(), csv.len(), "{page} {id}: as many rows on the page as in the download");
    for (i, (shown_row, csv_row)) in table.iter().zip(&csv).enumerate() {
        let expected: Vec<String> = csv_row.iter().zip(kinds).map(|(v, k)| shown(v, *k)).collect();
        assert_eq!(shown_row, &expected, "{page} {id} row {i}: the page shows {shown_row:?}, the CSV holds {csv_row:?}");
    }
    table
}

const NATIONAL_FIGURES: [&str; 5] =
    ["peta-predikat", "predikat-per-tahun", "pelatihan-per-tahun", "efektivitas-pelatihan", "peringkat-provinsi"];
const PROVINCE_FIGURES: [&str; 7] = [
    "peta-predikat",
    "pelatihan-per-tahun",
    "efektivitas-pelatihan",
    "sertifikat-per-kabkota",
    "satuan-layanan-per-jenis",
    "predikat-per-tahun",
    "kartu-skor",
];
const REGENCY_FIGURES: [&str; 4] = ["nilai-per-tahap", "pelatihan-per-tahun", "efektivitas-pelatihan", "satuan-layanan-per-jenis"];

fn figure_ids(page: &Value) -> Vec<String> {
    page["figures"].as_array().unwrap().iter().map(|f| f["id"].as_str().unwrap().to_string()).collect()
}

fn participants(totals: &Value) -> i64 {
    totals["participants_offline"].as_i64().unwrap() + totals["participants_online"].as_i64().unwrap()
}

/// Imports CSV text the way `pantau-kla import` does (`demo` marks the rows as demo data).
async fn import_text(app: &TestApp, text: &str, demo: bool) {
    let parsed = import::parse(text, &app.state.regions, &app.state.bands, Lang::En).expect("valid rows");
    import::write(&app.state.pool, &app.state.regions, &parsed, &kla::audit::Actor::cli(), kla::audit::Via::Cli, demo, Lang::En, |_| {})
        .await
        .expect("written");
}

const ONE_MORE_EVENT: &str = "organiser_code,title,kind,start_date,end_date,venue,mode,participants_offline,participants_online,institutions,participants_by_regency,participants_by_kind,pre_test_mean,post_test_mean,certificate_issuer,source_url\n\
63.72,Sosialisasi KHA bagi Forum Anak,sosialisasi,2025-08-01,2025-08-01,Banjarbaru,luring,10,0,3,,,,,,\n";

// ---------------------------------------------------------------------------------------------------------
// Discovery.

on_both_engines!(the_index_names_every_endpoint_and_parameter, |app: TestApp| async move {
    let v = ok_json(&app, "/api/v1").await;
    assert_eq!(v["version"], 1);
    let endpoints: Vec<&str> = v["endpoints"].as_array().unwrap().iter().map(|e| e.as_str().unwrap()).collect();
    for e in [
        "/api/v1/openapi.json",
        "/api/v1/semua-angka.zip",
        "/api/v1/wilayah",
        "/api/v1/nasional",
        "/api/v1/nasional/{file}",
        "/api/v1/provinsi/{code}",
        "/api/v1/provinsi/{code}/{file}",
        "/api/v1/kabkota/{code}",
        "/api/v1/kabkota/{code}/{file}",
    ] {
        assert!(endpoints.contains(&e), "{e}");
    }
    assert_eq!(v["openapi"], "/api/v1/openapi.json");
    for p in ["tahun", "jenis", "ukuran", "urut", "arah", "kolom", "lang"] {
        assert!(v["parameters"][p].is_string(), "{p}");
    }
});

on_both_engines!(the_region_list_holds_all_552_regions, |app: TestApp| async move {
    let v = ok_json(&app, "/api/v1/wilayah").await;
    let regions = v["regions"].as_array().unwrap();
    assert_eq!(v["count"], 552);
    assert_eq!(regions.len(), 552);
    assert_eq!(regions.iter().filter(|r| r["level"] == "province").count(), 38);
    assert_eq!(regions.iter().filter(|r| r["level"] == "regency").count(), 514);
    let tanah_bumbu = regions.iter().find(|r| r["code"] == "63.10").expect("63.10 is listed");
    assert_eq!(tanah_bumbu["name"], "Kabupaten Tanah Bumbu");
    assert_eq!(tanah_bumbu["province"], "63");
    assert_eq!(tanah_bumbu["kind"], "kabupaten");
    assert!(v["source"].as_str().unwrap().contains("Kepmendagri"), "the registry names its source");
});

// ---------------------------------------------------------------------------------------------------------
// The three pages.

on_both_engines!(the_national_endpoint_serves_the_hand_computed_figures, |app: TestApp| async move {
    app.import_all_fixtures().await;
    let v = ok_json(&app, "/api/v1/nasional").await;
    assert_eq!(v["region"]["level"], "national");
    let d = &v["data"];
    assert_eq!(d["trainings"]["events"], 5);
    assert_eq!(participants(&d["trainings"]), 715, "145 offline + 570 online");
    assert_eq!(d["trainings"]["institutions"], 145);
    assert_eq!((d["units"]["units"].as_i64(), d["units"]["certified_units"].as_i64()), (Some(6), Some(3)));
    assert_eq!(d["regencies"], 514);
    assert_eq!(d["distribution"], serde_json::json!([0, 0, 1, 1, 1, 0]), "none, Pratama, Madya, Nindya, Utama, KLA");
    assert_eq!(d["provinces"].as_array().unwrap().len(), 38);
    assert_eq!(d["demo"], false);
    assert_eq!(figure_ids(&v), NATIONAL_FIGURES);
    for f in v["figures"].as_array().unwrap() {
        let id = f["id"].as_str().unwrap();
        assert_eq!(f["csv"], format!("/api/v1/nasional/{id}.csv"));
        assert_eq!(f["json"], format!("/api/v1/nasional/{id}.json"));
        assert!(!f["title"].as_str().unwrap().is_empty());
    }
});

on_both_engines!(the_province_endpoint_serves_kalimantan_selatan, |app: TestApp| async move {
    app.import_all_fixtures().await;
    let v = ok_json(&app, "/api/v1/provinsi/63").await;
    assert_eq!(v["region"]["code"], "63");
    assert_eq!(v["region"]["name"], "Kalimantan Selatan");
    let d = &v["data"];
    assert_eq!(d["trainings"]["events"], 4);
    assert_eq!(participants(&d["trainings"]), 685);
    assert_eq!(d["own_trainings"]["events"], 1, "the provincial bimtek");
    assert_eq!(participants(&d["own_trainings"]), 475);
    assert_eq!((d["units"]["units"].as_i64(), d["units"]["certified_units"].as_i64()), (Some(5), Some(3)));
    assert_eq!(d["regencies"].as_array().unwrap().len(), 13);
    assert_eq!(d["latest"].as_array().unwrap().len(), 2, "Tanah Bumbu and Banjarbaru hold a predicate");
    assert_eq!(d["scorecard_year"], 2025);
    assert_eq!(figure_ids(&v), PROVINCE_FIGURES);
    assert_eq!(v["figures"][0]["csv"], "/api/v1/provinsi/63/peta-predikat.csv");
});

on_both_engines!(the_regency_endpoint_serves_tanah_bumbu_with_its_summary, |app: TestApp| async move {
    app.import_all_fixtures().await;
    let v = ok_json(&app, "/api/v1/kabkota/63.10").await;
    assert_eq!(v["region"]["name"], "Kabupaten Tanah Bumbu");
    assert_eq!(v["region"]["province"], "63");
    let d = &v["data"];
    assert_eq!(d["trainings"]["events"], 2);
    assert_eq!(participants(&d["trainings"]), 160);
    assert_eq!(d["provincial"]["participants"], 25, "sent to the provincial bimtek");
    assert_eq!(d["provincial"]["events"], 1);
    assert_eq!((d["units"]["units"].as_i64(), d["units"]["certified_units"].as_i64()), (Some(4), Some(2)));
    assert_eq!(d["predicates"].as_array().unwrap().iter().map(|p| p["award_year"].as_i64().unwrap()).collect::<Vec<_>>(), [2023, 2025]);
    assert_eq!(d["predicates"][1]["score_final"], 604.1);
    assert_eq!(d["events"].as_array().unwrap().len(), 2);
    assert_eq!(figure_ids(&v), REGENCY_FIGURES);
    let summary: Vec<&str> = v["summary"].as_array().unwrap().iter().map(|s| s.as_str().unwrap()).collect();
    for sentence in [
        "Kabupaten Tanah Bumbu mencatat 2 kegiatan pelatihan KHA sepanjang waktu, dengan 160 peserta.",
        "2 dari 4 satuan layanan (50,0%) memiliki SDM bersertifikat KHA — target 50,0% tercapai.",
        "Puskesmas Ramah Anak: 31,0% SDM terlatih KHA, di bawah target 50,0%.",
        "Predikat terakhir: Madya (2025), nilai akhir 604,10.",
        "Perlu 96,90 poin lagi untuk Nindya.",
    ] {
        assert!(summary.contains(&sentence), "the summary says {sentence:?}: {summary:?}");
    }
    let en = ok_json(&app, "/api/v1/kabkota/63.10?lang=en").await;
    assert!(en["summary"].as_array().unwrap().iter().any(|s| s == "96.90 more points are needed for Nindya."), "{}", en["summary"]);
});

// ---------------------------------------------------------------------------------------------------------
// Downloads.

on_both_engines!(every_listed_figure_downloads_as_csv_and_json_with_the_same_rows, |app: TestApp| async move {
    app.import_all_fixtures().await;
    let mut problems: Vec<String> = Vec::new();
    for page in [
        "/api/v1/nasional",
        "/api/v1/nasional?tahun=2025&ukuran=sertifikat",
        "/api/v1/provinsi/63",
        "/api/v1/provinsi/63?jenis=puskesmas_ramah_anak",
        "/api/v1/kabkota/63.10",
    ] {
        let query = page.split_once('?').map(|(_, q)| format!("?{q}")).unwrap_or_default();
        let v = ok_json(&app, page).await;
        for f in v["figures"].as_array().unwrap() {
            let id = f["id"].as_str().unwrap();
            // The listed links carry the view's state themselves.
            assert!(f["csv"].as_str().unwrap().ends_with(&format!(".csv{query}")), "{page} {id}: {}", f["csv"]);
            let (header, csv) = csv_of(&app, f["csv"].as_str().unwrap()).await;
            let json = ok_json(&app, f["json"].as_str().unwrap()).await;
            let keys: Vec<&str> = json.as_object().unwrap().keys().map(String::as_str).collect();
            let mut sorted = keys.clone();
            sorted.sort_unstable();
            assert_eq!(sorted, ["columns", "definition", "demo", "description", "id", "rows", "sources", "title"], "{page} {id}");
            assert_eq!(json["id"], id);
            assert_eq!(json["title"], f["title"], "{page} {id}: the title the page lists");
            assert_eq!(json["demo"], false, "{page} {id}: fixture data is not demo data");
            assert!(json["sources"].as_array().is_some_and(|s| !s.is_empty()), "{page} {id}: every figure has a source");
            let columns: Vec<&str> = json["columns"].as_array().unwrap().iter().map(|c| c["key"].as_str().unwrap()).collect();
            assert_eq!(header, columns, "{page} {id}: the CSV header is the column keys");
            let rows = json["rows"].as_array().unwrap();
            assert_eq!(rows.len(), csv.len(), "{page} {id}: as many JSON rows as CSV rows");
            for (i, (j, c)) in rows.iter().zip(&csv).enumerate() {
                assert_eq!(j.as_object().unwrap().len(), columns.len(), "{page} {id} row {i}: one value per column");
                for (k, key) in columns.iter().enumerate() {
                    match raw_of_json(&j[*key]) {
                        Ok(raw) if raw == c[k] => {}
                        Ok(raw) => {
                            problems.push(format!("{page} {id} row {i} {key}: JSON {} ≠ CSV {:?} (expected {raw:?})", j[*key], c[k]));
                        }
                        Err(why) => problems.push(format!("{page} {id} row {i} {key}: JSON {why}; CSV {:?}", c[k])),
                    }
                }
            }
        }
    }
    problems.dedup_by(|a, b| a.split(" row ").next() == b.split(" row ").next());
    assert!(problems.is_empty(), "JSON and CSV rows differ (first difference per figure):\n{}", problems.join("\n"));
});

on_both_engines!(a_csv_is_headed_by_keys_for_scripts_and_by_labels_when_asked, |app: TestApp| async move {
    app.import_all_fixtures().await;
    let keys = ["year", "events", "participants", "participant_events", "participants_offline", "participants_online"];
    // Keys by default, whatever the language: a script that passes `lang` keeps its columns.
    for path in ["/api/v1/nasional/pelatihan-per-tahun.csv", "/api/v1/nasional/pelatihan-per-tahun.csv?lang=en"] {
        let (header, _) = csv_of(&app, path).await;
        assert_eq!(header[..6], keys, "{path}");
    }
    let (_, by_keys) = csv_of(&app, "/api/v1/nasional/pelatihan-per-tahun.csv?lang=id").await;
    // `kolom=kunci` is the default, spelled canonically without it.
    let res = fetch(&app, "/api/v1/nasional/pelatihan-per-tahun.csv?kolom=kunci").await;
    assert_eq!((res.status, res.header("location")), (308, "/api/v1/nasional/pelatihan-per-tahun.csv".to_string()));
    // Labels with `kolom=label`, in the language asked for; the same rows.
    let (header, rows) = csv_of(&app, "/api/v1/nasional/pelatihan-per-tahun.csv?kolom=label&lang=id").await;
    assert_eq!(header[..3], ["Tahun", "Kegiatan pelatihan KHA", "Peserta"]);
    assert_eq!(rows, by_keys);
    let (header, _) = csv_of(&app, "/api/v1/kabkota/63.10/nilai-per-tahap.csv?kolom=label&lang=en").await;
    assert_eq!(header[..2], ["Award year", "Data year"]);
    // The pages link their CSVs so, and their JSON without `kolom` (JSON rows are always keyed).
    let (_, html) = app.get("/kabkota/63.10?lang=en").await;
    assert!(html.contains("href=\"/api/v1/kabkota/63.10/nilai-per-tahap.csv?kolom=label&amp;lang=en\""));
    assert!(html.contains("href=\"/api/v1/kabkota/63.10/nilai-per-tahap.json?lang=en\""));
    // Anything else is refused, naming the parameter.
    let (code, message) = error_json(&app, "/api/v1/nasional/pelatihan-per-tahun.csv?kolom=judul&lang=en", 400).await;
    assert_eq!((code.as_str(), message.as_str()), ("bad_request", "kolom: must be kunci or label"));
});

on_both_engines!(the_downloads_equal_the_tables_on_the_pages, |app: TestApp| async move {
    app.import_all_fixtures().await;
    use Kind::*;
    let years = [Year, Int, Count, Int, Count, Count, Count, Int];

    // Trainings per year: the year, events, participants and how many events reported them, offline,
    // online, institutions and how many events reported them.
    let table = assert_download_is_the_page_table(&app, "/", "/api/v1/nasional", "pelatihan-per-tahun", &years).await;
    assert_eq!(table, [["2024", "1", "40", "1", "40", "0", "25", "1"], ["2025", "4", "675", "4", "105", "570", "120", "4"]]);
    let table = assert_download_is_the_page_table(&app, "/provinsi/63", "/api/v1/provinsi/63", "pelatihan-per-tahun", &years).await;
    assert_eq!(table, [["2024", "1", "40", "1", "40", "0", "25", "1"], ["2025", "3", "645", "3", "75", "570", "102", "3"]]);
    let table = assert_download_is_the_page_table(&app, "/kabkota/63.10", "/api/v1/kabkota/63.10", "pelatihan-per-tahun", &years).await;
    assert_eq!(table, [["2024", "1", "40", "1", "40", "0", "25", "1"], ["2025", "1", "120", "1", "0", "120", "30", "1"]]);

    // The certified share by regency: CSV 1 ↔ page 100,0%, CSV 0.5 ↔ 50,0%, CSV empty ↔ –.
    let table =
        assert_download_is_the_page_table(&app, "/provinsi/63", "/api/v1/provinsi/63", "sertifikat-per-kabkota", &[Text, Share]).await;
    assert_eq!(table.len(), 13);
    assert_eq!(table[..2], [["Kota Banjarbaru", "100,0%"], ["Kabupaten Tanah Bumbu", "50,0%"]]);
    assert!(table[2..].iter().all(|r| r[1] == "–"), "regencies without units have no share: {table:?}");
    let (_, csv) = csv_of(&app, "/api/v1/provinsi/63/sertifikat-per-kabkota.csv").await;
    assert_eq!(csv[..3], [["Kota Banjarbaru", "1"], ["Kabupaten Tanah Bumbu", "0.5"], ["Kabupaten Balangan", ""]]);
    let page = "/provinsi/63?tahun=2025&jenis=puskesmas_ramah_anak";
    let table = assert_download_is_the_page_table(&app, page, "/api/v1/provinsi/63", "sertifikat-per-kabkota", &[Text, Share]).await;
    assert_eq!(table[0], ["Kabupaten Tanah Bumbu", "50,0%"], "Banjarbaru has no Puskesmas Ramah Anak");

    // Provinces ranked by the certified share: CSV 0.6 ↔ page 60,0%.
    let table =
        assert_download_is_the_page_table(&app, "/?ukuran=sertifikat", "/api/v1/nasional", "peringkat-provinsi", &[Text, Share]).await;
    assert_eq!(table[..2], [["Kalimantan Selatan", "60,0%"], ["Jawa Tengah", "0,0%"]]);
    let (header, csv) = csv_of(&app, "/api/v1/nasional/peringkat-provinsi.csv?ukuran=sertifikat").await;
    assert_eq!(header, ["region", "certified_unit_share"]);
    assert_eq!(csv[0], ["Kalimantan Selatan", "0.6"]);
    let table =
        assert_download_is_the_page_table(&app, "/?tahun=2025&ukuran=peserta", "/api/v1/nasional", "peringkat-provinsi", &[Text, Count])
            .await;
    assert_eq!(table[..2], [["Kalimantan Selatan", "645"], ["Jawa Tengah", "30"]]);

    // Every other figure: the page's table has the download's rows, in the same order.
    for (page, api, ids) in [
        ("/", "/api/v1/nasional", &NATIONAL_FIGURES[..]),
        ("/provinsi/63", "/api/v1/provinsi/63", &PROVINCE_FIGURES[..5]),
        ("/kabkota/63.10", "/api/v1/kabkota/63.10", &REGENCY_FIGURES[..]),
    ] {
        let (_, html) = app.get(page).await;
        for id in ids {
            let (_, csv) = csv_of(&app, &format!("{api}/{id}.csv")).await;
            let table = page_table(&html, id).unwrap_or_default();
            let page_names: Vec<&str> = table.iter().map(|r| r[0].as_str()).collect();
            let csv_names: Vec<&str> = csv.iter().map(|r| r[0].as_str()).collect();
            assert_eq!(page_names, csv_names, "{page} {id}: the page's rows are the download's rows");
            assert!(table.iter().zip(&csv).all(|(t, c)| t.len() == c.len()), "{page} {id}: every column is on the page");
        }
    }

    // The scorecard, a table of its own on the province page: one light per target, keyed as in the download.
    let (_, html) = app.get("/provinsi/63?tahun=2025").await;
    let card = &html[html.find("<table class=\"scorecard\">").expect("scorecard")..];
    let card = &card[..card.find("</table>").unwrap()];
    let body = &card[card.find("<tbody>").unwrap()..];
    let (header, csv) = csv_of(&app, "/api/v1/provinsi/63/kartu-skor.csv?tahun=2025").await;
    assert_eq!(header, ["regency", "trainings_status", "provincial_events", "certified_share_status", "predicate_status"]);
    let html_rows: Vec<&str> = body.split("<tr>").skip(1).collect();
    assert_eq!(html_rows.len(), csv.len());
    for (tr, row) in html_rows.iter().zip(&csv) {
        assert!(tr.contains(&format!(">{}</th>", row[0])), "{tr}");
        let lights: Vec<&str> = tr.split("class=\"status ").skip(1).map(|s| &s[..s.find('"').unwrap()]).collect();
        let row_lights: Vec<&String> = row[1..].iter().enumerate().filter(|(i, _)| *i != 1).map(|(_, c)| c).collect();
        assert_eq!(lights, row_lights, "{}", row[0]);
    }
    // Tanah Bumbu held its own trainings and took part in the province's bimtek (kept apart, not counted).
    assert!(csv.contains(&["Kabupaten Tanah Bumbu", "met", "1", "met", "met"].map(String::from).to_vec()));
});

// ---------------------------------------------------------------------------------------------------------
// The URL state.

on_both_engines!(the_year_kind_metric_and_order_flow_through, |app: TestApp| async move {
    app.import_all_fixtures().await;
    let v = ok_json(&app, "/api/v1/nasional?tahun=2025").await;
    assert_eq!(v["data"]["trainings"]["events"], 4);
    assert_eq!(participants(&v["data"]["trainings"]), 675);
    assert_eq!(v["data"]["params"]["year"], 2025);
    let v = ok_json(&app, "/api/v1/kabkota/63.10?tahun=2024").await;
    assert_eq!(v["data"]["trainings"]["events"], 1);
    assert_eq!(v["data"]["provincial"]["events"], 0, "the provincial bimtek was in 2025");
    assert!(v["data"]["provincial"]["participants"].is_null(), "no event, no count: unknown, not 0");

    let (_, all) = csv_of(&app, "/api/v1/provinsi/63/sertifikat-per-kabkota.csv").await;
    let (_, pkm) = csv_of(&app, "/api/v1/provinsi/63/sertifikat-per-kabkota.csv?jenis=puskesmas_ramah_anak").await;
    assert_ne!(all, pkm, "the provider kind changes the share by regency");
    assert_eq!(pkm[0], ["Kabupaten Tanah Bumbu", "0.5"]);
    assert!(pkm.contains(&vec!["Kota Banjarbaru".to_string(), String::new()]), "Banjarbaru has no Puskesmas Ramah Anak: {pkm:?}");
    let fig = ok_json(&app, "/api/v1/provinsi/63/sertifikat-per-kabkota.json?jenis=puskesmas_ramah_anak").await;
    assert!(fig["title"].as_str().unwrap().ends_with("(Puskesmas Ramah Anak)"), "{}", fig["title"]);

    let (header, _) = csv_of(&app, "/api/v1/nasional/peringkat-provinsi.csv?ukuran=peserta").await;
    assert_eq!(header, ["region", "participants"], "the ranking measure names the value column");

    let v = ok_json(&app, "/api/v1/provinsi/63?urut=peserta&arah=turun").await;
    let order: Vec<&str> = v["data"]["regencies"].as_array().unwrap().iter().map(|r| r["code"].as_str().unwrap()).collect();
    assert_eq!(order[..2], ["63.10", "63.72"], "160 then 50 participants");

    let en = ok_json(&app, "/api/v1/nasional/pelatihan-per-tahun.json?lang=en").await;
    assert_eq!(en["columns"][1]["label"], "KHA training events");
    let id = ok_json(&app, "/api/v1/nasional/pelatihan-per-tahun.json").await;
    assert_eq!(id["columns"][1]["label"], "Kegiatan pelatihan KHA");
    assert_eq!(en["rows"], id["rows"], "the language changes labels, not figures");
});

// ---------------------------------------------------------------------------------------------------------
// Bad input.

on_both_engines!(bad_parameters_answer_400_json_naming_the_parameter, |app: TestApp| async move {
    for (path, name) in [
        ("/api/v1/nasional?tahun=abc", "tahun"),
        ("/api/v1/provinsi/63?tahun=1800", "tahun"),
        ("/api/v1/kabkota/63.10/pelatihan-per-tahun.csv?tahun=20255", "tahun"),
        ("/api/v1/provinsi/63?jenis=warung", "jenis"),
        ("/api/v1/nasional/peringkat-provinsi.json?ukuran=x", "ukuran"),
        ("/api/v1/provinsi/63?urut=x", "urut"),
        ("/api/v1/provinsi/63?arah=atas", "arah"),
    ] {
        let (error, message) = error_json(&app, path, 400).await;
        assert_eq!(error, "bad_request", "{path}");
        assert!(message.starts_with(&format!("{name}: ")), "{path}: {message}");
    }
    let (_, message) = error_json(&app, "/api/v1/nasional?tahun=abc", 400).await;
    assert_eq!(message, "tahun: harus berupa tahun antara 2000 dan 2100");
    let (_, message) = error_json(&app, "/api/v1/nasional?tahun=abc&lang=en", 400).await;
    assert_eq!(message, "tahun: must be a year between 2000 and 2100");
});

on_both_engines!(unknown_regions_figures_and_paths_answer_404_json, |app: TestApp| async move {
    app.import_all_fixtures().await;
    for path in [
        "/api/v1/kabkota/63.99",
        "/api/v1/kabkota/63",
        "/api/v1/provinsi/99",
        "/api/v1/provinsi/63.10",
        "/api/v1/provinsi/abc",
        "/api/v1/kabkota/63.99/pelatihan-per-tahun.csv",
        "/api/v1/kabkota/63.10/nope.csv",
        "/api/v1/kabkota/63.10/nope.json",
        "/api/v1/kabkota/63.10/pelatihan-per-tahun.xml",
        "/api/v1/kabkota/63.10/pelatihan-per-tahun",
        "/api/v1/nasional/kartu-skor.csv",
        "/api/v1/tidak-ada",
    ] {
        let (error, _) = error_json(&app, path, 404).await;
        assert_eq!(error, "not_found", "{path}");
    }
    let (_, message) = error_json(&app, "/api/v1/kabkota/63.99?lang=en", 404).await;
    assert!(message.starts_with("This address matches no page and no region code."), "{message}");
});

// ---------------------------------------------------------------------------------------------------------
// Freshness and demo data.

on_both_engines!(the_next_request_after_a_write_sees_it, |app: TestApp| async move {
    app.import_all_fixtures().await;
    let before = ok_json(&app, "/api/v1/nasional").await;
    assert_eq!(before["data"]["trainings"]["events"], 5);
    let (_, csv) = csv_of(&app, "/api/v1/kabkota/63.72/pelatihan-per-tahun.csv").await;
    assert_eq!(csv, [["2025", "1", "50", "1", "35", "15", "20", "1"]]);

    import_text(&app, ONE_MORE_EVENT, false).await;

    let after = ok_json(&app, "/api/v1/nasional").await;
    assert_eq!(after["data"]["trainings"]["events"], 6, "the very next request counts the new event");
    assert_eq!(participants(&after["data"]["trainings"]), 725);
    let (_, csv) = csv_of(&app, "/api/v1/nasional/pelatihan-per-tahun.csv").await;
    assert_eq!(csv[1], ["2025", "5", "685", "5", "115", "570", "123", "5"]);
    let (_, csv) = csv_of(&app, "/api/v1/kabkota/63.72/pelatihan-per-tahun.csv").await;
    assert_eq!(csv, [["2025", "2", "60", "2", "45", "15", "23", "2"]]);
    assert_eq!(ok_json(&app, "/api/v1/provinsi/63").await["data"]["trainings"]["events"], 5);
});

on_both_engines!(demo_data_is_flagged_in_every_figure_it_reaches, |app: TestApp| async move {
    app.import_all_fixtures().await;
    import_text(&app, ONE_MORE_EVENT, true).await;
    let v = ok_json(&app, "/api/v1/nasional").await;
    assert_eq!(v["data"]["demo"], true);
    let trainings = ok_json(&app, "/api/v1/nasional/pelatihan-per-tahun.json").await;
    assert_eq!(trainings["demo"], true, "the trainings include a demo event");
    let predicates = ok_json(&app, "/api/v1/nasional/predikat-per-tahun.json").await;
    assert_eq!(predicates["demo"], false, "no predicate record is demo");
    assert_eq!(ok_json(&app, "/api/v1/kabkota/63.72").await["data"]["demo"], true);
    assert_eq!(ok_json(&app, "/api/v1/kabkota/63.10").await["data"]["demo"], false, "Tanah Bumbu holds real rows only");
    assert_eq!(ok_json(&app, "/api/v1/kabkota/63.10/pelatihan-per-tahun.json").await["demo"], false);
});
