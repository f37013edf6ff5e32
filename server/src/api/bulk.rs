//! `GET /api/v1/semua-angka.zip`: every figure of every public page — the nation, the peer pathways, 38
//! provinces, 514 kab/kota — at its default view, one CSV per figure (`nasional/`, `jalur/`, `provinsi/PP/`,
//! `kabkota/PP.KK/`; a comparison has no default view, so none is included),
//! with a README (Indonesian and English) of the sources, the bundled data's licence notice, the demo flag,
//! the generation time and the data version.
//!
//! Built once per national data version (which every figure's write bumps, `kla::summaries`), and at most
//! once per `--bulk-min-age` (five minutes): until the kept ZIP is that old it is served even when the data
//! moved on, and its README and `Last-Modified` say when it was built. One task builds it however many
//! requests ask meanwhile (they wait for it), into a temporary file streamed to each client: memory holds one
//! page's CSVs at a time. The CSVs are those of `/api/v1/…/{figure}.csv` with no parameters: headed by the
//! column keys, text cells in Indonesian, an empty field for no value.

use crate::error::HandlerError;
use app::AppState;
use app::error::AppError;
use app::figures::{CsvHeader, Figure};
use app::pages::params::PageParams;
use app::pages::{national, pathways, province, regency};
use axum::Extension;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Datelike, Timelike, Utc};
use kla::i18n::{Lang, tr, trf};
use std::collections::BTreeMap;
use std::io::Write;
use std::sync::Arc;
use tokio::sync::mpsc;

/// Pages' files waiting for the ZIP writer at most: bounds the memory a build holds.
const QUEUE: usize = 16;

/// The language of the CSVs' text cells (provider kinds, predicates, origins), as with no `lang`.
const LANG: Lang = Lang::Id;

/// The ZIP as last built, shared by the requests of one server.
#[derive(Default)]
pub struct Bulk {
    built: Arc<tokio::sync::Mutex<Option<Arc<Built>>>>,
}

/// One built ZIP: a temporary file, removed when the next version replaces it (a download already streaming
/// keeps reading it).
pub struct Built {
    pub version: i64,
    pub generated: DateTime<Utc>,
    pub csv_files: usize,
    pub bytes: u64,
    /// When the build finished, for `--bulk-min-age`.
    finished: std::time::Instant,
    file: tempfile::TempPath,
}

impl Built {
    fn etag(&self) -> String {
        format!("\"{}-{}\"", self.version, self.generated.timestamp_millis())
    }
    fn file_name(&self) -> String {
        format!("pantau-kla-semua-angka-{}.zip", self.generated.format("%Y-%m-%d"))
    }
}

impl Bulk {
    /// The ZIP of the current data version: the one kept (also when the data moved on since, while it is
    /// younger than `state.bulk_min_age`), or a new build that every request arriving meanwhile waits for.
    /// The build runs in its own task, so a client leaving does not cancel it.
    pub async fn current(&self, state: &AppState) -> Result<Arc<Built>, AppError> {
        let version = app::cache::version(state.pool(), kla::summaries::NATIONAL).await?;
        let mut slot = self.built.clone().lock_owned().await;
        if let Some(b) = slot.as_ref().filter(|b| b.version == version || b.finished.elapsed() < state.bulk_min_age) {
            return Ok(b.clone());
        }
        let state = state.clone();
        tokio::spawn(async move {
            let built = Arc::new(build(&state, version).await?);
            *slot = Some(built.clone());
            Ok(built)
        })
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "the bulk download's build failed");
            AppError::Internal
        })?
    }
}

/// Every figure of every public page at its default view, as one ZIP.
#[utoipa::path(get, path = "/api/v1/semua-angka.zip", tag = "api",
    responses(
        (status = 200, description = "A ZIP (`pantau-kla-semua-angka-YYYY-MM-DD.zip`): README.md, then one CSV per figure in nasional/, jalur/, provinsi/PP/ and kabkota/PP.KK/",
            content_type = "application/zip", body = String,
            headers(("ETag" = String, description = "The data version and build time"), ("Last-Modified" = String, description = "When it was built"))),
        (status = 304, description = "Unchanged since the `If-None-Match` ETag"),
        (status = 500, description = "The database failed", body = super::types::ApiError)))]
pub async fn download(State(state): State<AppState>, Extension(bulk): Extension<Arc<Bulk>>, headers: HeaderMap) -> Response {
    let built = match bulk.current(&state).await {
        Ok(b) => b,
        Err(e) => return HandlerError::Api(e, LANG).into_response(),
    };
    let etag = built.etag();
    let last_modified = built.generated.format("%a, %d %b %Y %H:%M:%S GMT").to_string();
    let validators =
        [(header::ETAG, etag.clone()), (header::LAST_MODIFIED, last_modified), (header::CACHE_CONTROL, "no-cache".to_string())];
    let unchanged =
        headers.get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()).is_some_and(|v| v.split(',').any(|t| t.trim() == etag));
    if unchanged {
        return (StatusCode::NOT_MODIFIED, validators).into_response();
    }
    let file = match tokio::fs::File::open(&built.file).await {
        Ok(f) => f,
        Err(e) => {
            tracing::error!(error = %e, "the bulk download's file could not be opened");
            return HandlerError::Api(AppError::Internal, LANG).into_response();
        }
    };
    let mut res = (validators, Body::from_stream(tokio_util::io::ReaderStream::new(file))).into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/zip"));
    h.insert(header::CONTENT_LENGTH, HeaderValue::from(built.bytes));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{}\"", built.file_name())) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    res
}

/// One file for the ZIP.
struct Entry {
    name: String,
    body: Vec<u8>,
}

/// What the README says about the files: sources (label, link) with how many files cite each, and which
/// files hold demo data.
#[derive(Default)]
struct Tally {
    csv_files: usize,
    sources: BTreeMap<(String, Option<String>), usize>,
    demo_files: usize,
}

async fn build(state: &AppState, version: i64) -> Result<Built, AppError> {
    let started = std::time::Instant::now();
    let generated = Utc::now();
    let internal = |e: std::io::Error| {
        tracing::error!(error = %e, "the bulk download could not be written");
        AppError::Internal
    };
    let (file, path) = tempfile::Builder::new().prefix("pantau-kla-semua-angka-").suffix(".zip").tempfile().map_err(internal)?.into_parts();
    let (tx, rx) = mpsc::channel::<Entry>(QUEUE);
    let writer = tokio::task::spawn_blocking(move || write_zip(file, rx, generated));
    let mut tally = Tally::default();
    let filled = fill(state, &tx, &mut tally).await;
    if filled.is_ok() {
        let readme = readme(state, &tally, version, generated);
        let _ = tx.send(Entry { name: "README.md".into(), body: readme.into_bytes() }).await;
    }
    drop(tx);
    // The writer's failure first: it is why a page's files could not be sent.
    let bytes = writer.await.map_err(|e| internal(std::io::Error::other(e)))?.map_err(internal)?;
    filled?;
    tracing::info!(version, csv_files = tally.csv_files, bytes, seconds = started.elapsed().as_secs_f64(), "built the bulk download");
    Ok(Built { version, generated, csv_files: tally.csv_files, bytes, finished: std::time::Instant::now(), file: path })
}

/// Loads every public page at its default view and sends its figures' CSVs, page by page.
async fn fill(state: &AppState, tx: &mpsc::Sender<Entry>, tally: &mut Tally) -> Result<(), AppError> {
    let view = PageParams::default();
    let d = national::load(state, view).await?;
    send(tx, tally, "nasional", national::figures(state, &d, LANG)?).await?;
    let d = pathways::load(state, view.year).await?;
    send(tx, tally, "jalur", pathways::figures(&d, LANG)?).await?;
    let provinces: Vec<_> = state.regions.provinces().map(|r| r.code).collect();
    for code in provinces {
        let d = province::load(state, code, view).await?;
        send(tx, tally, &format!("provinsi/{code}"), province::figures(state, &d, LANG)?).await?;
    }
    let regencies: Vec<_> = state.regions.regencies().map(|r| r.code).collect();
    for code in regencies {
        let d = regency::load(state, code, view).await?;
        send(tx, tally, &format!("kabkota/{code}"), regency::figures(state, &d, LANG)?).await?;
    }
    Ok(())
}

async fn send(tx: &mpsc::Sender<Entry>, tally: &mut Tally, folder: &str, figs: Vec<Figure>) -> Result<(), AppError> {
    for f in figs {
        let d = f.data;
        for s in &d.sources {
            *tally.sources.entry((s.label.clone(), s.url.clone())).or_default() += 1;
        }
        tally.csv_files += 1;
        tally.demo_files += usize::from(d.demo);
        let entry = Entry { name: format!("{folder}/{}.csv", d.id), body: d.to_csv(CsvHeader::Keys).into_bytes() };
        // The writer stopped: its error is reported when it is joined.
        if tx.send(entry).await.is_err() {
            return Err(AppError::Internal);
        }
    }
    Ok(())
}

/// Writes the files as they come into the ZIP; its size in bytes.
fn write_zip(file: std::fs::File, mut rx: mpsc::Receiver<Entry>, generated: DateTime<Utc>) -> std::io::Result<u64> {
    let mut zip = zip::ZipWriter::new(std::io::BufWriter::new(file));
    let time = zip::DateTime::from_date_and_time(
        u16::try_from(generated.year()).unwrap_or(1980),
        generated.month() as u8,
        generated.day() as u8,
        generated.hour() as u8,
        generated.minute() as u8,
        generated.second() as u8,
    )
    .unwrap_or_default();
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated).last_modified_time(time);
    while let Some(e) = rx.blocking_recv() {
        zip.start_file(e.name, options).map_err(std::io::Error::other)?;
        zip.write_all(&e.body)?;
    }
    let mut out = zip.finish().map_err(std::io::Error::other)?;
    out.flush()?;
    out.get_ref().metadata().map(|m| m.len())
}

/// The README: what the files are, in Indonesian then English, then the sources and the reference data's
/// licence notice (which travels with any copy of that data).
fn readme(state: &AppState, tally: &Tally, version: i64, generated: DateTime<Utc>) -> String {
    let provinces = state.regions.provinces().count().to_string();
    let regencies = state.regions.regencies().count().to_string();
    let mut out = String::new();
    for lang in [Lang::Id, Lang::En] {
        let vars = [
            ("provinces", provinces.clone()),
            ("regencies", regencies.clone()),
            ("files", tally.csv_files.to_string()),
            ("demo_files", tally.demo_files.to_string()),
            ("time", generated.format("%Y-%m-%d %H:%M:%S UTC").to_string()),
            ("version", version.to_string()),
            ("minutes", state.bulk_min_age.as_secs().div_ceil(60).to_string()),
        ];
        out.push_str(&format!("# {}\n\n", tr(lang, "bulk.title")));
        if tally.demo_files > 0 {
            out.push_str(&format!("**{}**\n\n", trf(lang, "bulk.demo", &vars)));
        }
        let refresh = if state.bulk_min_age.is_zero() { "bulk.refresh_every_write" } else { "bulk.refresh" };
        for key in ["bulk.contents", "bulk.layout", "bulk.columns", "bulk.unknown", "bulk.view", "bulk.generated", refresh] {
            out.push_str(&trf(lang, key, &vars));
            out.push_str("\n\n");
        }
    }
    out.push_str(&format!("# {} / {}\n\n", tr(Lang::Id, "bulk.sources"), tr(Lang::En, "bulk.sources")));
    out.push_str(&format!("- {}\n", tr(Lang::Id, "source.regions_registry")));
    for ((label, url), n) in &tally.sources {
        match url {
            Some(u) => out.push_str(&format!("- {label}: <{u}> ({n} CSV)\n")),
            None => out.push_str(&format!("- {label} ({n} CSV)\n")),
        }
    }
    out.push_str(&format!("\n# {} / {}\n\n", tr(Lang::Id, "bulk.licence"), tr(Lang::En, "bulk.licence")));
    // The notice as it is, less its own title.
    out.push_str(kla::reference::DATA_NOTICE.split_once('\n').map_or(kla::reference::DATA_NOTICE, |(_, rest)| rest).trim_start());
    out
}
