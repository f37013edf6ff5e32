//! The bodies `/api/v1` answers with, as types: each derives `Serialize` (the JSON) and `utoipa::ToSchema`
//! (its schema in `/api/v1/openapi.json`, [`super::openapi`]), so the document and the answers cannot drift
//! apart. The page data inside (`NationalData`, `TrainingTotals`, …) derive their schemas where they are
//! defined, in `app` and `kla`.

use app::figures::Figure;
use app::pages::national::NationalData;
use app::pages::params::PageParams;
use app::pages::province::ProvinceData;
use app::pages::regency::RegencyData;
use app::paths;
use kla::db::regions::Region;
use kla::domain::RegionLevel;
use serde::Serialize;
use utoipa::ToSchema;

/// `GET /api/v1`: what the API offers, for discovery.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ApiIndex {
    pub name: &'static str,
    pub version: u32,
    /// Where the API is described for people.
    pub documentation: &'static str,
    /// The OpenAPI 3.1 description of every endpoint (`/api/v1/openapi.json`).
    pub openapi: &'static str,
    /// Every figure of every public page as CSV files in one ZIP.
    pub bulk_download: &'static str,
    /// Every path the API answers, as its OpenAPI document lists them.
    pub endpoints: Vec<String>,
    /// The query parameters, with their values.
    pub parameters: IndexParameters,
}

/// The query parameters the page and figure endpoints read, each with its values in words.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct IndexParameters {
    pub tahun: &'static str,
    pub jenis: &'static str,
    pub ukuran: &'static str,
    pub urut: &'static str,
    pub arah: &'static str,
    pub kolom: &'static str,
    pub kode: &'static str,
    pub lang: &'static str,
}

/// `GET /api/v1/wilayah`: the region registry.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RegionsAnswer {
    pub count: usize,
    /// Where the codes, names and centroids come from, and their licence.
    pub source: String,
    /// Provinces first, then kab/kota, each by code.
    pub regions: Vec<Region>,
}

/// A page's figure, with the addresses of its data in the view it was listed with.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FigureLink {
    pub id: &'static str,
    pub title: String,
    pub csv: String,
    pub json: String,
}

impl FigureLink {
    /// The figures of a page under `base` (`paths::API_NATIONAL`, `paths::api_province(..)`, …). The links
    /// keep the view's state (`?tahun=…`), so a download equals the view it was listed with.
    pub fn list(figs: &[Figure], base: &str, params: &PageParams) -> Vec<FigureLink> {
        Self::with_query(figs, base, &params.query())
    }

    /// The figures of a view whose state is `query` (without `?`; empty for none).
    pub fn with_query(figs: &[Figure], base: &str, query: &str) -> Vec<FigureLink> {
        let q = if query.is_empty() { String::new() } else { format!("?{query}") };
        figs.iter()
            .map(|f| FigureLink {
                id: f.data.id,
                title: f.data.title.clone(),
                csv: format!("{}{q}", paths::api_figure(base, f.data.id, "csv")),
                json: format!("{}{q}", paths::api_figure(base, f.data.id, "json")),
            })
            .collect()
    }
}

/// The nation, where a region page names its registry entry.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Nation {
    /// Always `national`.
    pub level: RegionLevel,
    pub name: String,
}

/// `GET /api/v1/nasional`: the national page.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct NationalAnswer {
    pub region: Nation,
    pub figures: Vec<FigureLink>,
    pub data: NationalData,
}

/// `GET /api/v1/provinsi/{code}`: a province page.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ProvinceAnswer {
    pub region: Region,
    pub figures: Vec<FigureLink>,
    pub data: ProvinceData,
}

/// `GET /api/v1/kabkota/{code}`: a kab/kota page.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RegencyAnswer {
    pub region: Region,
    /// The page's plain-language sentences, in the reader's language.
    pub summary: Vec<String>,
    pub figures: Vec<FigureLink>,
    pub data: RegencyData,
}

/// What went wrong, as a key for scripts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    NotFound,
    Forbidden,
    BadRequest,
    Internal,
}

/// An error: `{ "error", "message" }` with the status.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ApiError {
    pub error: ErrorCode,
    /// For people, in the reader's language; a 400's names the parameter first.
    pub message: String,
}

impl ApiError {
    pub fn new(e: &app::error::AppError, lang: kla::i18n::Lang) -> Self {
        use app::error::AppError;
        let error = match e {
            AppError::NotFound => ErrorCode::NotFound,
            AppError::Forbidden => ErrorCode::Forbidden,
            AppError::BadRequest(_) => ErrorCode::BadRequest,
            AppError::Internal => ErrorCode::Internal,
        };
        ApiError { error, message: e.message(lang) }
    }
}

/// `GET /api/v1/banding?kode=…`: regions side by side, as the page `/banding` shows them.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CompareAnswer {
    /// The comparison page of the same view.
    pub page: String,
    pub figures: Vec<FigureLink>,
    pub data: app::pages::compare::CompareData,
}

/// `GET /api/v1/jalur`: the peer pathways between predicates, as the page `/jalur` shows them.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PathwaysAnswer {
    pub figures: Vec<FigureLink>,
    pub data: kla::pathways::Pathways,
}
