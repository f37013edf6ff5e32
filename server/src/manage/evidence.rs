//! Evidence files: an officer's download (`/kelola/bukti/{id}`), removing a file or marking it public, the
//! public download of a file marked so (`/bukti/{id}`), and a sheet's evidence pack (`/kelola/paket/…`).

use super::evaluation::refused;
use super::see_other;
use crate::error::HandlerError;
use crate::extract::{CsrfForm, ReqLang, SheetTarget, SignedIn};
use app::AppState;
use app::error::AppError;
use app::paths;
use axum::Router;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use kla::audit::Actor;
use kla::auth::Session;
use kla::evaluation::sheet::{self, Side};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(paths::FILE, get(download))
        .route(paths::FILE_DELETE, post(remove_file))
        .route(paths::FILE_PUBLIC, post(set_public))
        .route(paths::PACK, get(pack))
        .route(paths::PUBLIC_FILE, get(public_download))
}

/// The file and its sheet, when the user's role covers the regency; else the error page (404, 403, 500).
async fn file_in_scope(state: &AppState, s: &Session, id: i64) -> Result<(sheet::FileRow, sheet::Submission, Side), HandlerError> {
    let found = async {
        let mut conn = kla::db::acquire(&state.pool).await?;
        sheet::file(&mut conn, id).await
    }
    .await;
    let (f, sub) = match found {
        Ok(Some(x)) => x,
        Ok(None) => return Err(HandlerError::not_found()),
        Err(e) => {
            tracing::error!(error = %e, "looking up an evidence file failed");
            return Err(HandlerError::error_page(AppError::Internal));
        }
    };
    let side = sheet::side(s.user.role, sub.regency).ok_or(HandlerError::forbidden())?;
    Ok((f, sub, side))
}

async fn remove_file(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    lang: ReqLang,
    s: Result<SignedIn, HandlerError>,
    form: Result<CsrfForm, HandlerError>,
) -> Result<Response, HandlerError> {
    file_action(state, id, lang, s, form, false).await
}

async fn set_public(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    lang: ReqLang,
    s: Result<SignedIn, HandlerError>,
    form: Result<CsrfForm, HandlerError>,
) -> Result<Response, HandlerError> {
    file_action(state, id, lang, s, form, true).await
}

/// Removing a document, or marking it public or not.
async fn file_action(
    state: AppState,
    id: i64,
    ReqLang(lang): ReqLang,
    s: Result<SignedIn, HandlerError>,
    form: Result<CsrfForm, HandlerError>,
    public_toggle: bool,
) -> Result<Response, HandlerError> {
    let form = form?.fields;
    let SignedIn(s) = s?;
    let (f, sub, side) = file_in_scope(&state, &s, id).await?;
    let failed = |e: sqlx::Error| HandlerError::from(e).with_input(&form);
    let mut conn = kla::db::acquire(&state.pool).await.map_err(failed)?;
    let (year, number) = sheet::file_place(&mut conn, &sub, f.item_id).await.map_err(failed)?;
    drop(conn);
    let page = paths::indicator(year, sub.regency, number);
    let actor = Actor::user(&s.user);
    let mut removed = None;
    let result = async {
        let mut tx = kla::db::begin(&state.pool).await?;
        if public_toggle {
            sheet::set_file_public(&mut tx, &actor, f.id, form.get("public").map(String::as_str) == Some("1")).await?;
        } else {
            removed = Some(sheet::remove_file(&mut tx, &actor, side, f.id).await?);
        }
        kla::summaries::commit(tx).await?;
        Ok(())
    }
    .await;
    if result.is_ok()
        && let Some(key) = removed
        && let Err(e) = state.storage.delete(&key).await
    {
        // The row is gone; an orphaned object is only wasted space.
        tracing::warn!(error = %e, "could not delete a removed evidence file's object");
    }
    let item = f.item_id;
    result.map_err(|e| refused(e, &form, lang, &page))?;
    Ok(see_other(&format!("{page}?pesan=disimpan#butir-{item}")))
}

fn attachment(f: &sheet::FileRow, bytes: bytes::Bytes) -> Response {
    let ascii: String =
        f.file_name.chars().map(|c| if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') { c } else { '_' }).collect();
    let encoded: String = f
        .file_name
        .bytes()
        .map(|b| if b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_') { (b as char).to_string() } else { format!("%{b:02X}") })
        .collect();
    (
        [
            (header::CONTENT_TYPE, f.content_type.clone()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")),
            (header::CACHE_CONTROL, "private, no-store".to_string()),
        ],
        bytes,
    )
        .into_response()
}

async fn download(State(state): State<AppState>, Path(id): Path<i64>, SignedIn(s): SignedIn) -> Result<Response, HandlerError> {
    let (f, _, _) = file_in_scope(&state, &s, id).await?;
    match state.storage.get(&f.object_key).await {
        Ok(bytes) => Ok(attachment(&f, bytes)),
        Err(e) => {
            tracing::error!(error = %e, file = f.id, "reading an evidence file failed");
            Err(HandlerError::error_page(AppError::Internal))
        }
    }
}

/// A document an officer marked public; anything else is not found, whoever asks.
async fn public_download(State(state): State<AppState>, Path(id): Path<i64>) -> Result<Response, HandlerError> {
    let found = async {
        let mut conn = kla::db::acquire(&state.pool).await?;
        sheet::file(&mut conn, id).await
    }
    .await;
    match found {
        Ok(Some((f, _))) if f.public => match state.storage.get(&f.object_key).await {
            Ok(bytes) => {
                let mut res = attachment(&f, bytes);
                // Revalidated every time: a document made private again must stop being served at once.
                res.headers_mut().insert(header::CACHE_CONTROL, header::HeaderValue::from_static("no-cache"));
                Ok(res)
            }
            Err(e) => {
                tracing::error!(error = %e, file = f.id, "reading a public evidence file failed");
                Err(HandlerError::error_page(AppError::Internal))
            }
        },
        Ok(_) => Err(HandlerError::not_found()),
        Err(e) => {
            tracing::error!(error = %e, "looking up a public evidence file failed");
            Err(HandlerError::error_page(AppError::Internal))
        }
    }
}

async fn pack(State(state): State<AppState>, ReqLang(lang): ReqLang, t: SheetTarget) -> Result<Response, HandlerError> {
    let built = async {
        let mut conn = kla::db::acquire(&state.pool).await.map_err(|e| e.to_string())?;
        let sh = sheet::load(&mut conn, &t.cycle, t.regency).await.map_err(|e| e.to_string())?;
        let labels = kla::evaluation::pack::record_labels(&mut conn, &sh).await.map_err(|e| e.to_string())?;
        drop(conn);
        let name = state.regions.name(t.regency).to_string();
        kla::evaluation::pack::build(&state.storage, &sh, &state.bands, &name, &labels, lang).await.map_err(|e| e.to_string())
    }
    .await;
    let file = built.map_err(|e| {
        tracing::error!(error = %e, "building an evidence pack failed");
        HandlerError::error_page(AppError::Internal)
    })?;
    let stream = tokio_util::io::ReaderStream::new(tokio::fs::File::from_std(file));
    Ok((
        [
            (header::CONTENT_TYPE, "application/zip".to_string()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"bukti-kla-{}-{}.zip\"", t.cycle.award_year, t.regency)),
            (header::CACHE_CONTROL, "private, no-store".to_string()),
        ],
        Body::from_stream(stream),
    )
        .into_response())
}
