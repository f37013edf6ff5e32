//! Spreadsheet downloads: exports of the records the user may see (`/kelola/ekspor/{entity}.{csv|xlsx}`, each
//! row with its record's `id`, so it can be edited and imported back as changes) and the empty templates for
//! the import (`/kelola/templat/…`, without `id`).

use crate::error::HandlerError;
use crate::extract::SignedIn;
use app::AppState;
use app::paths;
use axum::Router;
use axum::extract::{Path, RawQuery, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use kla::auth::Role;
use kla::domain::RegionCode;
use kla::import;
use kla::records::{self, Entity, Filter};
use kla::spreadsheet::{self, Format};

pub fn routes() -> Router<AppState> {
    Router::new().route(paths::EXPORT, get(export)).route(paths::TEMPLATE, get(template))
}

/// `kegiatan.xlsx` → (entity, format); anything else is the page's own answer (404).
fn file_parts(file: &str) -> Option<(Entity, Format)> {
    let (slug, ext) = file.rsplit_once('.')?;
    Some((Entity::from_slug(slug)?, Format::parse(ext)?))
}

fn download(format: Format, name: &str, bytes: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, format.content_type().to_string()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\"")),
        ],
        bytes,
    )
        .into_response()
}

async fn export(
    State(state): State<AppState>,
    Path(file): Path<String>,
    SignedIn(s): SignedIn,
    RawQuery(query): RawQuery,
) -> Result<Response, HandlerError> {
    let (entity, format) = file_parts(&file).ok_or(HandlerError::page(None))?;
    let wilayah = query
        .and_then(|q| serde_urlencoded::from_str::<Vec<(String, String)>>(&q).ok())
        .and_then(|p| p.into_iter().find(|(k, v)| k == "wilayah" && !v.is_empty()).map(|(_, v)| v));
    let filter = match wilayah {
        Some(w) => match RegionCode::parse(&w).ok().filter(|c| state.regions.contains(*c)) {
            None => return Err(HandlerError::page(Some(StatusCode::NOT_FOUND))),
            Some(c) if !s.user.role.covers(c) => return Err(HandlerError::forbidden()),
            Some(c @ RegionCode::Province(_)) => Filter::Province(c),
            Some(c) => Filter::Region(c),
        },
        None => match s.user.role {
            Role::Admin => Filter::All,
            Role::Province(p) => Filter::Province(p),
            Role::Regency(r) => Filter::Region(r),
        },
    };
    let (rows, _) = records::list(&state.pool, entity, filter, None).await.map_err(|e| {
        tracing::error!(error = %e, "export failed");
        HandlerError::page(Some(StatusCode::INTERNAL_SERVER_ERROR))
    })?;
    // The record's number first: an import that updates finds the record by it, so an export edited in a
    // spreadsheet goes back in as changes.
    let columns: Vec<&str> = std::iter::once(import::ID_COLUMN).chain(entity.columns().iter().copied()).collect();
    let table: Vec<Vec<String>> = rows
        .iter()
        .map(|r| std::iter::once(r.id.to_string()).chain(entity.columns().iter().map(|c| r.get(c).to_string())).collect())
        .collect();
    let scope = match filter {
        Filter::All => "indonesia".to_string(),
        Filter::Province(c) | Filter::Region(c) => c.to_string(),
    };
    let name = format!("pantau-kla-{}-{scope}.{}", entity.slug(), format.extension());
    Ok(download(format, &name, spreadsheet::write(format, entity.slug(), &columns, &table)))
}

async fn template(Path(file): Path<String>, s: Result<SignedIn, HandlerError>) -> Result<Response, HandlerError> {
    let (entity, format) = file_parts(&file).ok_or(HandlerError::page(None))?;
    let region = s.ok().and_then(|SignedIn(s)| s.user.role.region());
    let example = entity.example_row(region);
    let name = format!("templat-{}.{}", entity.slug(), format.extension());
    Ok(download(format, &name, spreadsheet::write(format, entity.slug(), entity.columns(), &[example])))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn download_names_parse() {
        assert_eq!(file_parts("kegiatan.xlsx"), Some((Entity::TrainingEvent, Format::Xlsx)));
        assert_eq!(file_parts("unit.csv"), Some((Entity::ServiceUnit, Format::Csv)));
        assert_eq!(file_parts("predikat.pdf"), None);
        assert_eq!(file_parts("x.csv"), None);
    }
}
