//! The public JSON API under `/api/v1` (documented in docs/api.md): every figure the public pages show, as
//! JSON, and each chart's data as CSV or JSON. It calls the very loaders and figure builders the pages use,
//! so a download equals the view it came from (same URL parameters: tahun, jenis, ukuran, urut, arah). Its
//! errors are [`HandlerError::Api`]: `{ "error", "message" }` with the status, never a page.
//!
//! Its answers are the types of [`types`]; [`openapi`] describes every route from them and from each
//! handler's `#[utoipa::path]` (served at `/api/v1/openapi.json`); [`bulk`] is the one ZIP of every figure.
//! A new endpoint is a handler with its `#[utoipa::path]`, its `.route(..)` line here and its name in
//! [`openapi::ApiDoc`]'s `paths(..)`.

pub mod bulk;
pub mod openapi;
pub mod types;

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
use openapi::{
    ApiErrors, CompareFigureQuery, CompareQuery, FigureFile, FigureQuery, PathwaysFigureQuery, PathwaysQuery, ProvinceCode, RegencyCode,
    ViewQuery,
};
use serde::Serialize;
use types::{
    ApiIndex, CompareAnswer, FigureLink, IndexParameters, Nation, NationalAnswer, PathwaysAnswer, ProvinceAnswer, RegencyAnswer,
    RegionsAnswer,
};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(paths::API, get(index))
        .route(paths::API_OPENAPI, get(openapi::serve))
        .route(paths::API_BULK, get(bulk::download).layer(axum::Extension(std::sync::Arc::new(bulk::Bulk::default()))))
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

/// JSON that always reflects the database now: no caching anywhere between a write and the next read. The
/// keys of every object are written in alphabetical order, as they always were.
fn fresh_json(value: &impl Serialize) -> Response {
    match serde_json::to_value(value) {
        Ok(v) => ([(header::CACHE_CONTROL, "no-cache")], Json(v)).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "an API answer did not serialise");
            error(AppError::Internal, Lang::Id)
        }
    }
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
        "json" => fresh_json(&fig.data.to_json()),
        _ => error(AppError::NotFound, lang),
    }
}

/// The index: what the API offers, its endpoints as the OpenAPI document lists them.
#[utoipa::path(get, path = "/api/v1", tag = "api",
    responses((status = 200, description = "The endpoints, the parameters and where they are documented", body = ApiIndex)))]
async fn index() -> Response {
    fresh_json(&ApiIndex {
        name: "Pantau KLA API",
        version: 1,
        documentation: "docs/api.md",
        openapi: paths::API_OPENAPI,
        bulk_download: paths::API_BULK,
        endpoints: openapi::endpoints(),
        parameters: IndexParameters {
            tahun: "year, e.g. 2025",
            jenis: "provider kind, e.g. puskesmas_ramah_anak",
            ukuran: "kegiatan|peserta|sertifikat",
            urut: "kode|nama|kegiatan|peserta|sertifikat|predikat|nilai|tren",
            arah: "naik|turun",
            kolom: "kunci|label (CSV header row)",
            kode: "banding: 1–6 region codes (nasional, PP, PP.KK), comma-separated",
            lang: "id|en",
        },
    })
}

/// The region registry: 38 provinces, then 514 kab/kota.
#[utoipa::path(get, path = "/api/v1/wilayah", tag = "api",
    responses((status = 200, description = "Every province and kab/kota, by code", body = RegionsAnswer)))]
async fn regions(State(state): State<AppState>) -> Response {
    let list: Vec<_> = state.regions.provinces().chain(state.regions.regencies()).cloned().collect();
    fresh_json(&RegionsAnswer { count: list.len(), source: tr(Lang::En, "source.regions_registry"), regions: list })
}

/// The national page (`/`) as JSON.
#[utoipa::path(get, path = "/api/v1/nasional", tag = "pages", params(ViewQuery),
    responses((status = 200, description = "The national page's figures and aggregates", body = NationalAnswer), ApiErrors))]
async fn national_json(State(state): State<AppState>, headers: HeaderMap, query: RawQuery) -> Response {
    let lang = lang_of(&headers, &query);
    let result = async {
        let p = params(&query, lang)?;
        let d = national::load(&state, p).await?;
        let figs = national::figures(&state, &d, lang)?;
        let figures = FigureLink::list(&figs, paths::API_NATIONAL, &d.params);
        Ok::<_, AppError>(NationalAnswer {
            region: Nation { level: RegionLevel::National, name: tr(lang, "place.indonesia") },
            figures,
            data: d,
        })
    }
    .await;
    result.map_or_else(|e| error(e, lang), |a| fresh_json(&a))
}

/// One figure of the national page, as CSV or JSON.
#[utoipa::path(get, path = "/api/v1/nasional/{file}", tag = "figures", params(FigureFile, FigureQuery),
    responses(
        (status = 200, description = "The figure: JSON for `.json`, CSV for `.csv`", content(
            (app::figures::DatasetJson = "application/json"), (String = "text/csv"))),
        ApiErrors))]
async fn national_figure(State(state): State<AppState>, Path(file): Path<String>, headers: HeaderMap, query: RawQuery) -> Response {
    let lang = lang_of(&headers, &query);
    let figs = async {
        let d = national::load(&state, params(&query, lang)?).await?;
        national::figures(&state, &d, lang)
    }
    .await;
    figs.map_or_else(|e| error(e, lang), |f| figure_response(f, &file, "nasional", lang, &query))
}

/// A province page (`/provinsi/{code}`) as JSON.
#[utoipa::path(get, path = "/api/v1/provinsi/{code}", tag = "pages", params(ProvinceCode, ViewQuery),
    responses((status = 200, description = "The province page's figures and aggregates", body = ProvinceAnswer), ApiErrors))]
async fn province_json(State(state): State<AppState>, Path(code): Path<String>, headers: HeaderMap, query: RawQuery) -> Response {
    let lang = lang_of(&headers, &query);
    let result = async {
        let c = province::resolve(&state, &code, RegionLevel::Province)?;
        let region = state.regions.get(c).cloned().ok_or(AppError::NotFound)?;
        let d = province::load(&state, c, params(&query, lang)?).await?;
        let figs = province::figures(&state, &d, lang)?;
        let figures = FigureLink::list(&figs, &paths::api_province(c), &d.params);
        Ok::<_, AppError>(ProvinceAnswer { region, figures, data: d })
    }
    .await;
    result.map_or_else(|e| error(e, lang), |a| fresh_json(&a))
}

/// One figure of a province page, as CSV or JSON.
#[utoipa::path(get, path = "/api/v1/provinsi/{code}/{file}", tag = "figures", params(ProvinceCode, FigureFile, FigureQuery),
    responses(
        (status = 200, description = "The figure: JSON for `.json`, CSV for `.csv`", content(
            (app::figures::DatasetJson = "application/json"), (String = "text/csv"))),
        ApiErrors))]
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

/// A kab/kota page (`/kabkota/{code}`) as JSON.
#[utoipa::path(get, path = "/api/v1/kabkota/{code}", tag = "pages", params(RegencyCode, ViewQuery),
    responses((status = 200, description = "The kab/kota page's summary, figures and aggregates", body = RegencyAnswer), ApiErrors))]
async fn regency_json(State(state): State<AppState>, Path(code): Path<String>, headers: HeaderMap, query: RawQuery) -> Response {
    let lang = lang_of(&headers, &query);
    let result = async {
        let c = province::resolve(&state, &code, RegionLevel::Regency)?;
        let region = state.regions.get(c).cloned().ok_or(AppError::NotFound)?;
        let d = regency::load(&state, c, params(&query, lang)?).await?;
        let figs = regency::figures(&state, &d, lang)?;
        let summary = regency::summary(&d, &state.bands, &state.targets, lang);
        let figures = FigureLink::list(&figs, &paths::api_regency(c), &d.params);
        Ok::<_, AppError>(RegencyAnswer { region, summary, figures, data: d })
    }
    .await;
    result.map_or_else(|e| error(e, lang), |a| fresh_json(&a))
}

/// One figure of a kab/kota page, as CSV or JSON.
#[utoipa::path(get, path = "/api/v1/kabkota/{code}/{file}", tag = "figures", params(RegencyCode, FigureFile, FigureQuery),
    responses(
        (status = 200, description = "The figure: JSON for `.json`, CSV for `.csv`", content(
            (app::figures::DatasetJson = "application/json"), (String = "text/csv"))),
        ApiErrors))]
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

/// Regions side by side (`/banding`) as JSON.
#[utoipa::path(get, path = "/api/v1/banding", tag = "pages", params(CompareQuery),
    responses((status = 200, description = "The compared regions' figures and data", body = CompareAnswer), ApiErrors))]
async fn compare_json(State(state): State<AppState>, headers: HeaderMap, query: RawQuery) -> Response {
    let lang = lang_of(&headers, &query);
    let result = async {
        let d = compare_data(&state, &query, lang).await?;
        let figs = compare::figures(&d, lang)?;
        let figures = FigureLink::with_query(&figs, paths::API_COMPARE, &d.params.query());
        Ok::<_, AppError>(CompareAnswer { page: d.params.href(), figures, data: d })
    }
    .await;
    result.map_or_else(|e| error(e, lang), |a| fresh_json(&a))
}

/// One figure of a comparison, as CSV or JSON.
#[utoipa::path(get, path = "/api/v1/banding/{file}", tag = "figures", params(FigureFile, CompareFigureQuery),
    responses(
        (status = 200, description = "The figure: JSON for `.json`, CSV for `.csv`", content(
            (app::figures::DatasetJson = "application/json"), (String = "text/csv"))),
        ApiErrors))]
async fn compare_figure(State(state): State<AppState>, Path(file): Path<String>, headers: HeaderMap, query: RawQuery) -> Response {
    let lang = lang_of(&headers, &query);
    let figs = async { compare::figures(&compare_data(&state, &query, lang).await?, lang) }.await;
    figs.map_or_else(|e| error(e, lang), |f| figure_response(f, &file, "banding", lang, &query))
}

/// The nation's peer pathways (`kla::pathways`, the page `/jalur`) for an award year (`tahun`) or every round.
#[utoipa::path(get, path = "/api/v1/jalur", tag = "pages", params(PathwaysQuery),
    responses((status = 200, description = "Movers and stayers of every step between predicates, with their measures", body = PathwaysAnswer), ApiErrors))]
async fn pathways_json(State(state): State<AppState>, headers: HeaderMap, query: RawQuery) -> Response {
    let lang = lang_of(&headers, &query);
    let result = async {
        let p = params(&query, lang)?;
        let d = pathways::load(&state, p.year).await?;
        let figs = pathways::figures(&d, lang)?;
        Ok::<_, AppError>(PathwaysAnswer {
            figures: FigureLink::list(&figs, paths::API_PATHWAYS, &p),
            data: kla::pathways::Pathways::clone(&d),
        })
    }
    .await;
    result.map_or_else(|e| error(e, lang), |a| fresh_json(&a))
}

/// One figure of the pathways page, as CSV or JSON.
#[utoipa::path(get, path = "/api/v1/jalur/{file}", tag = "figures", params(FigureFile, PathwaysFigureQuery),
    responses(
        (status = 200, description = "The figure: JSON for `.json`, CSV for `.csv`", content(
            (app::figures::DatasetJson = "application/json"), (String = "text/csv"))),
        ApiErrors))]
async fn pathways_figure(State(state): State<AppState>, Path(file): Path<String>, headers: HeaderMap, query: RawQuery) -> Response {
    let lang = lang_of(&headers, &query);
    let figs = async {
        let d = pathways::load(&state, params(&query, lang)?.year).await?;
        pathways::figures(&d, lang)
    }
    .await;
    figs.map_or_else(|e| error(e, lang), |f| figure_response(f, &file, "jalur", lang, &query))
}
