//! Open data, read as a specification: every answer `/api/v1` gives — pages, figures as JSON and CSV,
//! errors, the index, the registry, the bulk download — is described by the OpenAPI document the server
//! serves at `/api/v1/openapi.json`, and its JSON validates against that document's schema (objects are
//! closed, so a field added or renamed without its schema fails); every path of the document is tried. The
//! bulk download `/api/v1/semua-angka.zip` holds a README and one CSV per figure of every public page, each
//! equal to its `/api/v1/…/{figure}.csv`, unknown counts empty, built once per data version and at most once
//! per `--bulk-min-age` — on SQLite and on PostgreSQL alike.

use crate::common::{Engine, TestApp};
use kla::i18n::Lang;
use kla::import;
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;

struct Res {
    status: u16,
    content_type: String,
    headers: reqwest::header::HeaderMap,
    body: Vec<u8>,
}

async fn fetch(app: &TestApp, path: &str, headers: &[(&str, &str)]) -> Res {
    let mut req = app.client.get(format!("{}{path}", app.base));
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let res = req.send().await.expect("request");
    let status = res.status().as_u16();
    let headers = res.headers().clone();
    let content_type = headers.get("content-type").map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
    Res { status, content_type, headers, body: res.bytes().await.expect("body").to_vec() }
}

/// The schema the document gives for `path`'s answer with `status` and `content_type`, with the document's
/// components beside it so its `$ref`s resolve; panics when the document does not describe that answer.
fn schema_for(doc: &Value, path: &str, status: u16, content_type: &str) -> Value {
    let responses = &doc["paths"][path]["get"]["responses"];
    assert!(responses.is_object(), "{path} is not in the document");
    let response = &responses[status.to_string()];
    assert!(response.is_object(), "{path}: status {status} is not described");
    let media = content_type.split(';').next().unwrap().trim();
    let schema = &response["content"][media]["schema"];
    assert!(schema.is_object(), "{path}: {status} {media} is not described: {response}");
    let mut s = schema.clone();
    s.as_object_mut().unwrap().insert("components".into(), doc["components"].clone());
    s
}

fn validate(schema: &Value, value: &Value) -> Result<(), String> {
    let v = jsonschema::draft202012::new(schema).map_err(|e| format!("the schema does not compile: {e}"))?;
    let errors: Vec<String> = v.iter_errors(value).take(5).map(|e| format!("{} at {}", e, e.instance_path())).collect();
    if errors.is_empty() { Ok(()) } else { Err(errors.join("; ")) }
}

/// Fetches `url`, the document's `path`, and checks the answer is described — JSON validated against its
/// schema. Returns the answer.
async fn check(app: &TestApp, doc: &Value, tried: &mut BTreeSet<String>, path: &str, url: &str, status: u16) -> Res {
    let res = fetch(app, url, &[]).await;
    let text = String::from_utf8_lossy(&res.body);
    assert_eq!(res.status, status, "{url}: {}", &text[..text.len().min(300)]);
    let schema = schema_for(doc, path, status, &res.content_type);
    if res.content_type.starts_with("application/json") {
        let value: Value = serde_json::from_slice(&res.body).unwrap_or_else(|e| panic!("{url}: not JSON: {e}"));
        validate(&schema, &value).unwrap_or_else(|e| panic!("{url} does not match the document: {e}"));
    }
    tried.insert(path.to_string());
    res
}

fn json_of(res: &Res) -> Value {
    serde_json::from_slice(&res.body).unwrap()
}

on_both_engines!(every_answer_matches_the_served_openapi_document, |app: TestApp| async move {
    app.import_all_fixtures().await;
    let served = fetch(&app, "/api/v1/openapi.json", &[]).await;
    assert_eq!(served.status, 200);
    assert_eq!(served.content_type, "application/json");
    let doc: Value = serde_json::from_slice(&served.body).unwrap();
    assert_eq!(doc["openapi"], "3.1.0");
    let mut tried = BTreeSet::new();

    let index = json_of(&check(&app, &doc, &mut tried, "/api/v1", "/api/v1", 200).await);
    assert_eq!(index["openapi"], "/api/v1/openapi.json");
    assert_eq!(index["bulk_download"], "/api/v1/semua-angka.zip");
    let described: Vec<&str> = doc["paths"].as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(index["endpoints"], json!(described), "the index lists the document's paths");
    check(&app, &doc, &mut tried, "/api/v1/openapi.json", "/api/v1/openapi.json", 200).await;
    check(&app, &doc, &mut tried, "/api/v1/wilayah", "/api/v1/wilayah", 200).await;
    let zip = check(&app, &doc, &mut tried, "/api/v1/semua-angka.zip", "/api/v1/semua-angka.zip", 200).await;
    assert_eq!(zip.content_type, "application/zip");

    // Each page in several views and in both languages, its errors, and every figure it lists.
    let pages: [(&str, &str, &[&str]); 3] = [
        ("/api/v1/nasional", "/api/v1/nasional", &["", "?tahun=2025&ukuran=peserta&urut=nilai&arah=turun", "?tahun=2023&lang=en"]),
        (
            "/api/v1/provinsi/{code}",
            "/api/v1/provinsi/63",
            &["", "?tahun=2025&jenis=puskesmas_ramah_anak&urut=peserta&arah=turun", "?lang=en"],
        ),
        ("/api/v1/kabkota/{code}", "/api/v1/kabkota/63.10", &["", "?tahun=2025", "?lang=en"]),
    ];
    for (path, base, views) in pages {
        for view in views {
            let page = json_of(&check(&app, &doc, &mut tried, path, &format!("{base}{view}"), 200).await);
            let figure_path = format!("{path}/{{file}}");
            for f in page["figures"].as_array().unwrap() {
                for link in [f["json"].as_str().unwrap(), f["csv"].as_str().unwrap()] {
                    let res = check(&app, &doc, &mut tried, &figure_path, link, 200).await;
                    let want = if link.contains(".csv") { "text/csv; charset=utf-8" } else { "application/json" };
                    assert_eq!(res.content_type, want, "{link}");
                }
            }
            check(&app, &doc, &mut tried, &figure_path, &format!("{base}/nope.json"), 404).await;
            check(&app, &doc, &mut tried, &figure_path, &format!("{base}/pelatihan-per-tahun.csv?kolom=x"), 400).await;
        }
        check(&app, &doc, &mut tried, path, &format!("{base}?tahun=abc"), 400).await;
    }
    // The comparison and the pathways in two views each, every figure they list, and their errors.
    for (path, url) in [
        ("/api/v1/banding", "/api/v1/banding?kode=63.10,63.72,63"),
        ("/api/v1/banding", "/api/v1/banding?kode=nasional,63,11.01&tahun=2025&lang=en"),
        ("/api/v1/jalur", "/api/v1/jalur"),
        ("/api/v1/jalur", "/api/v1/jalur?tahun=2025&lang=en"),
    ] {
        let page = json_of(&check(&app, &doc, &mut tried, path, url, 200).await);
        let figure_path = format!("{path}/{{file}}");
        assert!(!page["figures"].as_array().unwrap().is_empty(), "{url} lists its figures");
        for f in page["figures"].as_array().unwrap() {
            for link in [f["json"].as_str().unwrap(), f["csv"].as_str().unwrap()] {
                check(&app, &doc, &mut tried, &figure_path, link, 200).await;
            }
        }
    }
    check(&app, &doc, &mut tried, "/api/v1/banding", "/api/v1/banding", 400).await;
    check(&app, &doc, &mut tried, "/api/v1/banding", "/api/v1/banding?kode=63,99.99", 400).await;
    check(&app, &doc, &mut tried, "/api/v1/banding/{file}", "/api/v1/banding/nope.json?kode=63", 404).await;
    check(&app, &doc, &mut tried, "/api/v1/jalur", "/api/v1/jalur?tahun=abc", 400).await;
    check(&app, &doc, &mut tried, "/api/v1/jalur/{file}", "/api/v1/jalur/nope.csv", 404).await;

    // A province and a kab/kota with no record at all: every count unknown, every latest predicate null.
    check(&app, &doc, &mut tried, "/api/v1/provinsi/{code}", "/api/v1/provinsi/11", 200).await;
    let empty = json_of(&check(&app, &doc, &mut tried, "/api/v1/kabkota/{code}", "/api/v1/kabkota/11.01", 200).await);
    assert!(empty["data"]["trainings"]["participants_offline"].is_null(), "unknown, not 0");
    check(&app, &doc, &mut tried, "/api/v1/provinsi/{code}", "/api/v1/provinsi/63.10", 404).await;
    check(&app, &doc, &mut tried, "/api/v1/kabkota/{code}", "/api/v1/kabkota/63.99?lang=en", 404).await;

    let all: BTreeSet<String> = described.iter().map(ToString::to_string).collect();
    assert_eq!(tried, all, "every path of the document is tried");

    // The schemas are closed: the same answer with a field added, renamed or of another type fails.
    let schema = schema_for(&doc, "/api/v1/nasional", 200, "application/json");
    let answer = json_of(&fetch(&app, "/api/v1/nasional", &[]).await);
    validate(&schema, &answer).unwrap();
    let mut added = answer.clone();
    added["data"]["trainings"]["participants"] = json!(715);
    assert!(validate(&schema, &added).is_err(), "a field added fails");
    let mut renamed = answer.clone();
    let t = renamed["data"].as_object_mut().unwrap().remove("trainings").unwrap();
    renamed["data"]["training"] = t;
    assert!(validate(&schema, &renamed).is_err(), "a field renamed fails");
    let mut retyped = answer.clone();
    retyped["data"]["units"]["units"] = json!("6");
    assert!(validate(&schema, &retyped).is_err(), "a field of another type fails");
    let figure = schema_for(&doc, "/api/v1/nasional/{file}", 200, "application/json");
    let mut row_added = json_of(&fetch(&app, "/api/v1/nasional/pelatihan-per-tahun.json", &[]).await);
    validate(&figure, &row_added).unwrap();
    row_added["rows"][0]["events"] = json!([1]);
    assert!(validate(&figure, &row_added).is_err(), "a cell is a number, a text or null");
});

on_both_engines!(demo_answers_match_the_document_too, |app: TestApp| async move {
    // The default demo: every kab/kota with events, units and predicate records, all marked demo.
    let db = pantau_kla::config::DbArgs { database_url: app.database_url.clone(), db_max_connections: 4 };
    let args = pantau_kla::config::DemoArgs {
        seed: kla::demo::DEFAULT_SEED,
        scale: pantau_kla::config::DemoScale::Demo,
        force: false,
        replace: false,
    };
    pantau_kla::commands::demo(&db, &args).await.unwrap();
    let doc: Value = serde_json::from_slice(&fetch(&app, "/api/v1/openapi.json", &[]).await.body).unwrap();
    let mut tried = BTreeSet::new();
    for (path, url) in [
        ("/api/v1/nasional", "/api/v1/nasional"),
        ("/api/v1/provinsi/{code}", "/api/v1/provinsi/63"),
        ("/api/v1/kabkota/{code}", "/api/v1/kabkota/63.10"),
        ("/api/v1/kabkota/{code}", "/api/v1/kabkota/94.01?lang=en"),
        ("/api/v1/banding", "/api/v1/banding?kode=nasional,35,35.07"),
        ("/api/v1/jalur", "/api/v1/jalur"),
    ] {
        let page = json_of(&check(&app, &doc, &mut tried, path, url, 200).await);
        assert_eq!(page["data"]["demo"], true, "{url}");
        for f in page["figures"].as_array().unwrap() {
            let json = json_of(&check(&app, &doc, &mut tried, &format!("{path}/{{file}}"), f["json"].as_str().unwrap(), 200).await);
            assert_eq!(json["demo"], true, "{url}: {}", f["id"]);
        }
    }
});

const ONE_MORE_EVENT: &str = "organiser_code,title,kind,start_date,end_date,venue,mode,participants_offline,participants_online,institutions,participants_by_regency,participants_by_kind,pre_test_mean,post_test_mean,certificate_issuer,source_url\n\
63.72,Sosialisasi KHA bagi Forum Anak,sosialisasi,2019-08-01,2019-08-01,Banjarbaru,luring,,,,,,,,,\n";

async fn import_text(app: &TestApp, text: &str, demo: bool) {
    let parsed = import::parse(text, &app.state.regions, &app.state.bands, Lang::En).expect("valid rows");
    import::write(&app.state.pool, &app.state.regions, &parsed, &kla::audit::Actor::cli(), kla::audit::Via::Cli, demo, Lang::En, |_| {})
        .await
        .expect("written");
}

/// The ZIP's files by name.
fn unzip(bytes: &[u8]) -> BTreeMap<String, String> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("the download is a ZIP");
    let mut out = BTreeMap::new();
    for i in 0..archive.len() {
        let mut f = archive.by_index(i).unwrap();
        let mut text = String::new();
        f.read_to_string(&mut text).unwrap();
        out.insert(f.name().unwrap().to_string(), text);
    }
    out
}

async fn text(app: &TestApp, path: &str) -> String {
    let res = fetch(app, path, &[]).await;
    assert_eq!(res.status, 200, "{path}");
    String::from_utf8(res.body).unwrap()
}

on_both_engines!(the_bulk_download_holds_every_figure_of_every_page, |app: TestApp| async move {
    app.import_all_fixtures().await;
    // An event that reported no count at all: its sums stay unknown, never 0.
    import_text(&app, ONE_MORE_EVENT, true).await;

    // Asked for three times at once: built once, so all three are the same build.
    let (a, b, c) = tokio::join!(
        fetch(&app, "/api/v1/semua-angka.zip", &[]),
        fetch(&app, "/api/v1/semua-angka.zip", &[]),
        fetch(&app, "/api/v1/semua-angka.zip", &[])
    );
    let etag = a.headers["etag"].to_str().unwrap().to_string();
    for r in [&a, &b, &c] {
        assert_eq!(r.status, 200);
        assert_eq!(r.content_type, "application/zip");
        assert_eq!(r.headers["etag"].to_str().unwrap(), etag, "one build for requests that came together");
        assert!(r.headers.get("content-encoding").is_none(), "a ZIP is not compressed again");
    }
    let today = chrono::Utc::now().format("%Y-%m-%d").to_string();
    assert_eq!(a.headers["content-disposition"].to_str().unwrap(), format!("attachment; filename=\"pantau-kla-semua-angka-{today}.zip\""));
    assert!(a.headers.contains_key("last-modified"));
    let files = unzip(&a.body);

    // One CSV per figure each page lists, in its folder.
    let mut expected = BTreeSet::new();
    let national: Value = serde_json::from_str(&text(&app, "/api/v1/nasional").await).unwrap();
    for f in national["figures"].as_array().unwrap() {
        expected.insert(format!("nasional/{}.csv", f["id"].as_str().unwrap()));
    }
    let pathways: Value = serde_json::from_str(&text(&app, "/api/v1/jalur").await).unwrap();
    for f in pathways["figures"].as_array().unwrap() {
        expected.insert(format!("jalur/{}.csv", f["id"].as_str().unwrap()));
    }
    let regions: Value = serde_json::from_str(&text(&app, "/api/v1/wilayah").await).unwrap();
    for r in regions["regions"].as_array().unwrap() {
        let code = r["code"].as_str().unwrap();
        let (folder, api) = if r["level"] == "province" { ("provinsi", "provinsi") } else { ("kabkota", "kabkota") };
        let page: Value = serde_json::from_str(&text(&app, &format!("/api/v1/{api}/{code}")).await).unwrap();
        for f in page["figures"].as_array().unwrap() {
            expected.insert(format!("{folder}/{code}/{}.csv", f["id"].as_str().unwrap()));
        }
    }
    let csvs: BTreeSet<String> = files.keys().filter(|n| n.ends_with(".csv")).cloned().collect();
    assert!(expected.len() > 552 * 3, "{}", expected.len());
    assert_eq!(csvs, expected, "one CSV per figure of every page");
    assert_eq!(files.len(), expected.len() + 1, "and the README");

    // The README: both languages, the sources, the reference data's licence notice, demo, version.
    let readme = &files["README.md"];
    for s in [
        "# Pantau KLA — semua angka",
        "# Pantau KLA — all figures",
        "cahyadsn/wilayah",
        "MIT License",
        "data yang dicatat DP3A di Pantau KLA",
    ] {
        assert!(readme.contains(s), "README: {s}");
    }
    assert!(readme.contains(&format!("{} CSV", expected.len())) || readme.contains(&format!("{} berkas CSV", expected.len())), "{readme}");
    assert!(readme.contains("Data demo:") && readme.contains("Demo data:"), "the demo event is announced");
    let version = app::cache::version(&app.state.pool, kla::summaries::NATIONAL).await.unwrap();
    assert!(readme.contains(&format!("versi data {version}.")) && readme.contains(&format!("data version {version}.")), "{readme}");
    assert!(readme.contains("paling sering sekali per 5 menit") && readme.contains("at most once every 5 minutes"), "{readme}");

    // A file equals its download.
    for (name, url) in [
        ("nasional/pelatihan-per-tahun.csv", "/api/v1/nasional/pelatihan-per-tahun.csv"),
        ("nasional/predikat-per-tahun.csv", "/api/v1/nasional/predikat-per-tahun.csv"),
        ("provinsi/63/satuan-layanan-per-jenis.csv", "/api/v1/provinsi/63/satuan-layanan-per-jenis.csv"),
        ("provinsi/63/kartu-skor.csv", "/api/v1/provinsi/63/kartu-skor.csv"),
        ("kabkota/63.10/nilai-per-tahap.csv", "/api/v1/kabkota/63.10/nilai-per-tahap.csv"),
        ("kabkota/63.72/pelatihan-per-tahun.csv", "/api/v1/kabkota/63.72/pelatihan-per-tahun.csv"),
    ] {
        assert_eq!(files[name], text(&app, url).await, "{name}");
    }
    // Unknown stays empty: a year whose events reported no participants has no participant sum, not 0.
    assert!(files["kabkota/63.72/pelatihan-per-tahun.csv"].starts_with("year,events,participants,participant_events,"));
    let mut checked = 0;
    for (name, csv) in files.iter().filter(|(n, _)| n.ends_with("/pelatihan-per-tahun.csv")) {
        for line in csv.lines().skip(1) {
            let cells: Vec<&str> = line.split(',').collect();
            let (participants, participant_events, institutions, institution_events) = (cells[2], cells[3], cells[6], cells[7]);
            if participant_events == "0" {
                assert_eq!(participants, "", "{name}: {line}");
                checked += 1;
            }
            if institution_events == "0" {
                assert_eq!(institutions, "", "{name}: {line}");
            }
        }
    }
    assert!(checked > 0, "the unreported event's year is there");

    // Unchanged: 304 for the ETag, the same build again.
    let same = fetch(&app, "/api/v1/semua-angka.zip", &[("if-none-match", &etag)]).await;
    assert_eq!(same.status, 304);
    assert!(same.body.is_empty());
    assert_eq!(fetch(&app, "/api/v1/semua-angka.zip", &[]).await.headers["etag"].to_str().unwrap(), etag);
    // A write less than five minutes (the default --bulk-min-age) after the build: still the same ZIP, whose
    // README says when it was built; a client asking after every write cannot make every request a build.
    import_text(&app, &ONE_MORE_EVENT.replace("2019-08-01", "2018-08-01"), false).await;
    let after = fetch(&app, "/api/v1/semua-angka.zip", &[("if-none-match", &etag)]).await;
    assert_eq!(after.status, 304, "no new build within --bulk-min-age of the last");
});

/// With `--bulk-min-age 0`, the next request after a write builds the ZIP again, with the write in it.
async fn a_write_makes_a_new_build(engine: Engine) {
    let Some(app) = TestApp::spawn_with(engine, |mut s| {
        s.bulk_min_age = std::time::Duration::ZERO;
        s
    })
    .await
    else {
        return;
    };
    app.import_all_fixtures().await;
    let before = fetch(&app, "/api/v1/semua-angka.zip", &[]).await;
    let etag = before.headers["etag"].to_str().unwrap().to_string();
    let readme = &unzip(&before.body)["README.md"];
    assert!(readme.contains("setelah setiap perubahan data") && readme.contains("after every change to the data"), "{readme}");
    import_text(&app, &ONE_MORE_EVENT.replace("2019-08-01", "2018-08-01"), false).await;
    let after = fetch(&app, "/api/v1/semua-angka.zip", &[("if-none-match", &etag)]).await;
    assert_eq!(after.status, 200, "a write makes a new build");
    assert_ne!(after.headers["etag"].to_str().unwrap(), etag);
    let files = unzip(&after.body);
    assert_eq!(files["kabkota/63.72/pelatihan-per-tahun.csv"], text(&app, "/api/v1/kabkota/63.72/pelatihan-per-tahun.csv").await);
    assert_ne!(files["kabkota/63.72/pelatihan-per-tahun.csv"], unzip(&before.body)["kabkota/63.72/pelatihan-per-tahun.csv"]);
}

mod bulk_rebuilds_after_a_write_without_a_min_age {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite() {
        super::a_write_makes_a_new_build(super::Engine::Sqlite).await;
    }
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        super::a_write_makes_a_new_build(super::Engine::Postgres).await;
    }
}
