//! The public JSON API under `/api/v1` (documented in docs/api.md): every figure the public pages show, as
//! JSON, and each chart's data as CSV or JSON. It calls the very loaders and figure builders the pages use,
//! so a download equals the view it came from (same URL parameters: tahun, jenis, ukuran, urut, arah). Its
//! errors are [`HandlerError::Api`]: `{ "error", "message" }` with the status, never a page.

use crate::error::HandlerError;
use app::AppState;
use app::error::AppError;
use app::figures::{CsvHeader, Figure};
use app::pages::params::PageParams;
use app::pages::{compare, national, pathways, province, regency};
use app::paths;
use axum::Json;
use axum::Router;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use kla::domain::RegionLevel;
use kla::i18n::{Lang, tr};
use serde_json::json;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(paths::API, get(index))
        .route(paths::API_REGIONS, get(regions))
        .route(paths::API_NATIONAL, get(national_json))
        .route(paths::API_NATIONAL_FIGURE, get(national_figure))
        .route(paths::API_PROVINCE, get(province_json))
        .route(paths::API_PROVINCE_FIGURE, get(province_figure))
        .route(paths::API_REGENCY, get(regency_json))
        .route(paths::API_REGENCY_FIGURE, get(regency_figure))
        .route(paths::API_COMPARE, get(compare_json))
        .route(paths::API_COMPARE_FIGURE, get(compare_figure))
        .route(paths::API_PATHWAYS, get(pathways_json))
        .route(paths::API_PATHWAYS_FIGURE, get(pathways_figure))
        .route(
            paths::API_REST,
            get(|headers: HeaderMap, query: RawQuery| async move { error(AppError::NotFound, lang_of(&headers, &query)) }),
        )
}

/// The reader's language for labels and messages: `?lang=`, then the cookie, then Indonesian.
fn lang_of(headers: &HeaderMap, query: &RawQuery) -> Lang {
    let uri: axum::http::Uri = format!("/?{}", query.0.as_deref().unwrap_or("")).parse().unwrap_or_default();
    app::lang::of_request(&uri, headers)
}

/// An API error: JSON with its status, through the one handler error ([`HandlerError::Api`]).
fn error(e: AppError, lang: Lang) -> Response {
    HandlerError::Api(e, lang).into_response()
}

fn params(query: &RawQuery, lang: Lang) -> Result<PageParams, AppError> {
    PageParams::from_query(query.0.as_deref().unwrap_or(""), lang)
}

/// JSON that always reflects the database now: no caching anywhere between a write and the next read.
fn fresh_json(value: serde_json::Value) -> Response {
    ([(header::CACHE_CONTROL, "no-cache")], Json(value)).into_response()
}

/// `{id}.csv` or `{id}.json` of one of the page's figures. A CSV's header row is the columns' keys, or their
/// labels in the reader's language with `kolom=label` (as the pages' own CSV links ask): a script's columns
/// never change with the language, a reader's spreadsheet is headed in the reader's words.
fn figure_response(figs: Vec<Figure>, file: &str, scope: &str, lang: Lang, query: &RawQuery) -> Response {
    let Some((id, ext)) = file.rsplit_once('.') else { return error(AppError::NotFound, lang) };
    let Some(fig) = figs.into_iter().find(|f| f.data.id == id) else { return error(AppError::NotFound, lang) };
    match ext {
        "csv" => {
            let columns = match CsvHeader::from_query(query.0.as_deref().unwrap_or(""), lang) {
                Ok(h) => h,
                Err(e) => return error(e, lang),
            };
            (
                [
                    (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
                    (header::CONTENT_DISPOSITION, format!("attachment; filename=\"pantau-kla-{scope}-{id}.csv\"")),
                    (header::CACHE_CONTROL, "no-cache".to_string()),
                ],
                fig.data.to_csv(columns),
            )
                .into_response()
        }
        "json" => fresh_json(fig.data.to_json()),
        _ => error(AppError::NotFound, lang),
    }
}

/// The figures of a page as links, for discovery.
/// The links keep the view's state (`?tahun=…`), so a download equals the view it was listed with.
fn figure_links(figs: &[Figure], base: &str, params: &PageParams) -> serde_json::Value {
    let q = params.query();
    let q = if q.is_empty() { q } else { format!("?{q}") };
    figs.iter()
        .map(|f| json!({ "id": f.data.id, "title": f.data.title, "csv": format!("{}{q}", paths::api_figure(base, f.data.id, "csv")), "json": format!("{}{q}", paths::api_figure(base, f.data.id, "json")) }))
        .collect()
}

async fn index() -> Response {
    fresh_json(json!({
        "name": "Pantau KLA API",
        "version": 1,
        "documentation": "docs/api.md",
        "endpoints": [
            "/api/v1/wilayah",
            "/api/v1/nasional",
            "/api/v1/nasional/{figure}.csv|json",
            "/api/v1/provinsi/{PP}",
            "/api/v1/provinsi/{PP}/{figure}.csv|json",
            "/api/v1/kabkota/{PP.KK}",
            "/api/v1/kabkota/{PP.KK}/{figure}.csv|json",
            "/api/v1/banding?kode=…",
            "/api/v1/banding/{figure}.csv|json?kode=…",
            "/api/v1/jalur",
            "/api/v1/jalur/{figure}.csv|json",
        ],
        "parameters": { "tahun": "year, e.g. 2025", "jenis": "provider kind, e.g. puskesmas_ramah_anak", "ukuran": "kegiatan|peserta|sertifikat", "urut": "kode|nama|kegiatan|peserta|sertifikat|predikat|nilai|tren", "arah": "naik|turun", "kode": "banding: 1–6 region codes (nasional, PP, PP.KK), comma-separated", "lang": "id|en" },
    }))
}

async fn regions(State(state): State<AppState>) -> Response {
    let list: Vec<_> = state.regions.provinces().chain(state.regions.regencies()).cloned().collect();
    fresh_json(json!({ "count": list.len(), "source": tr(Lang::En, "source.regions_registry"), "regions": list }))
}

async fn national_json(State(state): State<AppState>, headers: HeaderMap, query: RawQuery) -> Response {
    let lang = lang_of(&headers, &query);
    let result = async {
        let p = params(&query, lang)?;
        let d = national::load(&state, p).await?;
        let figs = national::figures(&state, &d, lang)?;
        Ok::<_, AppError>(json!({ "region": { "level": "national", "name": tr(lang, "place.indonesia") }, "figures": figure_links(&figs, paths::API_NATIONAL, &d.params), "data": d }))
    }
    .await;
    result.map_or_else(|e| error(e, lang), fresh_json)
}

async fn national_figure(State(state): State<AppState>, Path(file): Path<String>, headers: HeaderMap, query: RawQuery) -> Response {
    let lang = lang_of(&headers, &query);
    let figs = async {
        let d = national::load(&state, params(&query, lang)?).await?;
        national::figures(&state, &d, lang)
    }
    .await;
    figs.map_or_else(|e| error(e, lang), |f| figure_response(f, &file, "nasional", lang, &query))
}

async fn province_json(State(state): State<AppState>, Path(code): Path<String>, headers: HeaderMap, query: RawQuery) -> Response {
    let lang = lang_of(&headers, &query);
    let result = async {
        let c = province::resolve(&state, &code, RegionLevel::Province)?;
        let d = province::load(&state, c, params(&query, lang)?).await?;
        let figs = province::figures(&state, &d, lang)?;
        let base = paths::api_province(c);
        Ok::<_, AppError>(json!({ "region": state.regions.get(c), "figures": figure_links(&figs, &base, &d.params), "data": d }))
    }
    .await;
    result.map_or_else(|e| error(e, lang), fresh_json)
}

async fn province_figure(
    State(state): State<AppState>,
    Path((code, file)): Path<(String, String)>,
    headers: HeaderMap,
    query: RawQuery,
) -> Response {
    let lang = lang_of(&headers, &query);
    let figs = async {
        let c = province::resolve(&state, &code, RegionLevel::Province)?;
        let d = province::load(&state, c, params(&query, lang)?).await?;
        province::figures(&state, &d, lang)
    }
    .await;
    figs.map_or_else(|e| error(e, lang), |f| figure_response(f, &file, &format!("provinsi-{code}"), lang, &query))
}

async fn regency_json(State(state): State<AppState>, Path(code): Path<String>, headers: HeaderMap, query: RawQuery) -> Response {
    let lang = lang_of(&headers, &query);
    let result = async {
        let c = province::resolve(&state, &code, RegionLevel::Regency)?;
        let d = regency::load(&state, c, params(&query, lang)?).await?;
        let figs = regency::figures(&state, &d, lang)?;
        let summary = regency::summary(&d, &state.bands, &state.targets, lang);
        let base = paths::api_regency(c);
        Ok::<_, AppError>(
            json!({ "region": state.regions.get(c), "summary": summary, "figures": figure_links(&figs, &base, &d.params), "data": d }),
        )
    }
    .await;
    result.map_or_else(|e| error(e, lang), fresh_json)
}

async fn regency_figure(
    State(state): State<AppState>,
    Path((code, file)): Path<(String, String)>,
    headers: HeaderMap,
    query: RawQuery,
) -> Response {
    let lang = lang_of(&headers, &query);
    let figs = async {
        let c = province::resolve(&state, &code, RegionLevel::Regency)?;
        let d = regency::load(&state, c, params(&query, lang)?).await?;
        regency::figures(&state, &d, lang)
    }
    .await;
    figs.map_or_else(|e| error(e, lang), |f| figure_response(f, &file, &format!("kabkota-{code}"), lang, &query))
}

/// The regions `/banding` compares (1 to 6, a 400 naming `kode` otherwise), loaded as the page loads them.
async fn compare_data(state: &AppState, query: &RawQuery, lang: Lang) -> Result<compare::CompareData, AppError> {
    let p = compare::CompareParams::from_query(query.0.as_deref().unwrap_or(""), lang, state)?;
    if p.places.is_empty() {
        let max = compare::MAX_REGIONS.to_string();
        return Err(AppError::BadRequest(format!("kode: {}", kla::i18n::trf(lang, "compare.error_missing", &[("max", max)]))));
    }
    compare::load(state, p).await
}

async fn compare_json(State(state): State<AppState>, headers: HeaderMap, query: RawQuery) -> Response {
    let lang = lang_of(&headers, &query);
    let result = async {
        let d = compare_data(&state, &query, lang).await?;
        let figs = compare::figures(&d, lang)?;
        let q = format!("?{}", d.params.query());
        let links: serde_json::Value = figs
            .iter()
            .map(|f| json!({ "id": f.data.id, "title": f.data.title, "csv": format!("{}{q}", paths::api_figure(paths::API_COMPARE, f.data.id, "csv")), "json": format!("{}{q}", paths::api_figure(paths::API_COMPARE, f.data.id, "json")) }))
            .collect();
        Ok::<_, AppError>(json!({ "page": d.params.href(), "figures": links, "data": d }))
    }
    .await;
    result.map_or_else(|e| error(e, lang), fresh_json)
}

async fn compare_figure(State(state): State<AppState>, Path(file): Path<String>, headers: HeaderMap, query: RawQuery) -> Response {
    let lang = lang_of(&headers, &query);
    let figs = async { compare::figures(&compare_data(&state, &query, lang).await?, lang) }.await;
    figs.map_or_else(|e| error(e, lang), |f| figure_response(f, &file, "banding", lang, &query))
}

/// `/api/v1/jalur`: the nation's peer pathways (`kla::pathways`) for an award year (`tahun`) or every round.
async fn pathways_json(State(state): State<AppState>, headers: HeaderMap, query: RawQuery) -> Response {
    let lang = lang_of(&headers, &query);
    let result = async {
        let p = params(&query, lang)?;
        let d = pathways::load(&state, p.year).await?;
        let figs = pathways::figures(&d, lang)?;
        Ok::<_, AppError>(json!({ "figures": figure_links(&figs, paths::API_PATHWAYS, &p), "data": d }))
    }
    .await;
    result.map_or_else(|e| error(e, lang), fresh_json)
}

async fn pathways_figure(State(state): State<AppState>, Path(file): Path<String>, headers: HeaderMap, query: RawQuery) -> Response {
    let lang = lang_of(&headers, &query);
    let figs = async {
        let d = pathways::load(&state, params(&query, lang)?.year).await?;
        pathways::figures(&d, lang)
    }
    .await;
    figs.map_or_else(|e| error(e, lang), |f| figure_response(f, &file, "jalur", lang, &query))
}
