//! The spreadsheet import (`/kelola/impor`): an upload is read, checked row by row, written in a transaction
//! that is rolled back (so the preview runs every check the confirmation runs, and shows each row as it will
//! be stored) and kept as a draft ([`kla::drafts`]); its confirmation (`/kelola/impor/simpan`) checks it
//! again and writes it in one transaction that also claims the draft, so it imports once. The upload form's
//! choice (`mode`: add only, or update existing records) travels with the preview's confirmation form.

use super::see_other;
use crate::error::{HandlerError, Rerender};
use crate::extract::{CsrfForm, ReqLang, SignedIn, check_csrf};
use crate::multipart::{self, Problem};
use app::AppState;
use app::pages::manage::Submitted;
use app::pages::manage::import::{ImportPreview, PREVIEW_ROWS, PreviewOutcome};
use app::paths;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use kla::audit::{Actor, Via};
use kla::auth::Session;
use kla::drafts::{self, DRAFT_SECONDS};
use kla::i18n::{Lang, tr, trf};
use kla::import::{self, How, ImportError, Mode};
use kla::spreadsheet;
use std::collections::HashMap;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(paths::IMPORT, post(import_upload).layer(DefaultBodyLimit::max(import::MAX_UPLOAD_BYTES + 64 * 1024)))
        .route(paths::IMPORT_CONFIRM, post(import_confirm))
}

async fn import_upload(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    SignedIn(s): SignedIn,
    req: Request,
) -> Result<Response, HandlerError> {
    let (parts, body) = req.into_parts();
    let up = match multipart::read(&parts, body, &state, import::MAX_UPLOAD_BYTES).await {
        Ok(up) => up,
        Err((Problem::NotMultipart, _)) => return Err(file_refused(tr(lang, "import.not_multipart"), Some(StatusCode::BAD_REQUEST))),
        Err((Problem::Broken, _)) => return Err(file_refused(tr(lang, "import.upload_broken"), Some(StatusCode::BAD_REQUEST))),
        Err((Problem::TooLarge, _)) => return Err(too_large(lang)),
    };
    check_csrf(&parts, up.form.get("csrf").map(String::as_str), &HashMap::new())?;
    let Some((file_name, bytes)) = up.file.filter(|(_, b)| !b.is_empty()) else {
        return Err(file_refused(tr(lang, "import.no_file"), Some(StatusCode::UNPROCESSABLE_ENTITY)));
    };
    let file_name = kla::evaluation::files::plain_text(&file_name, 200);
    let mode = Mode::parse(up.form.get("mode").map_or("", String::as_str));
    let _work = import_slot(lang).await?;
    let text = match spreadsheet::to_csv_text(&bytes, spreadsheet::Limits { max_rows: state.import.max_rows }) {
        Ok(text) => text,
        Err(e) => {
            let outcome = PreviewOutcome::Refused(spreadsheet_message(&e, lang));
            return Err(HandlerError::preview(ImportPreview { file_name, mode, outcome }));
        }
    };
    let mut outcome = match checked(&state, &s, &text, lang).await? {
        Ok(parsed) => dry_run(&state, &s, &parsed, mode, lang).await?,
        Err(outcome) => outcome,
    };
    if let PreviewOutcome::Ready { draft, applied, .. } = &mut outcome
        && applied.written() > 0
    {
        match drafts::store(&state.pool, s.user.id, &file_name, &text, state.import.max_drafts).await? {
            Some(id) => *draft = id,
            None => {
                let msg = trf(
                    lang,
                    "limits_import.too_many_drafts",
                    &[("n", state.import.max_drafts.to_string()), ("minutes", (DRAFT_SECONDS / 60).to_string())],
                );
                return Err(file_refused(msg, Some(StatusCode::TOO_MANY_REQUESTS)));
            }
        }
    }
    Ok(Rerender::preview(ImportPreview { file_name, mode, outcome }).into_response())
}

async fn import_confirm(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    s: Result<SignedIn, HandlerError>,
    form: Result<CsrfForm, HandlerError>,
) -> Result<Response, HandlerError> {
    // A refusal is shown on the upload page.
    import_confirmed(state, lang, s, form).await.map_err(|e| e.at(paths::IMPORT))
}

async fn import_confirmed(
    state: AppState,
    lang: Lang,
    s: Result<SignedIn, HandlerError>,
    form: Result<CsrfForm, HandlerError>,
) -> Result<Response, HandlerError> {
    let form = form.map_err(HandlerError::without_input)?;
    let SignedIn(s) = s?;
    let draft_id = form.text("draft");
    let mode = Mode::parse(&form.text("mode"));
    let Some((file_name, text)) = drafts::find(&state.pool, &draft_id, s.user.id).await? else {
        return Err(file_refused(tr(lang, "import.draft_gone"), Some(StatusCode::GONE)));
    };
    let _work = import_slot(lang).await?;
    // Checked again: the rules or the user's region may have changed since the preview.
    let parsed = match checked(&state, &s, &text, lang).await? {
        Ok(parsed) => parsed,
        Err(outcome) => return Err(HandlerError::preview(ImportPreview { file_name, mode, outcome })),
    };
    let first_region = parsed.regions().first().map(|(_, r)| *r);
    let actor = Actor::user(&s.user);
    let how = How { mode, role: s.user.role, actor: &actor, via: Via::Import, demo: false, lang, sample: 0 };
    let written = async {
        let mut tx = kla::db::begin(&state.pool).await.map_err(ImportError::Database)?;
        if !drafts::claim(&mut tx, &draft_id, s.user.id).await.map_err(ImportError::Database)? {
            return Ok(None);
        }
        let applied = import::apply_in(&mut tx, &state.regions, &parsed, &how, |_| {}).await?;
        kla::summaries::commit(tx).await.map_err(ImportError::Database)?;
        Ok(Some(applied.written()))
    }
    .await;
    match written {
        Ok(None) => Err(file_refused(tr(lang, "import.draft_gone"), Some(StatusCode::GONE))),
        Ok(Some(n)) => {
            let region = first_region.or(s.user.role.region()).map(|r| r.to_string()).unwrap_or_default();
            Ok(see_other(&format!("{}?wilayah={region}&pesan=diimpor&n={n}", paths::MANAGE)))
        }
        Err(ImportError::Rows(errors)) => {
            let entity = parsed.entity();
            Err(HandlerError::preview(ImportPreview {
                file_name,
                mode,
                outcome: PreviewOutcome::RowErrors { entity, rows: parsed.len(), errors },
            }))
        }
        Err(e) => Err(HandlerError::internal(e)),
    }
}

/// Files read, checked or written at once by this process. Each can hold a 25 MB upload, its text and its
/// validated rows (about 400 MB at the 100,000-row limit), so the season's uploads take turns rather than
/// add up.
const IMPORT_SLOTS: usize = 2;
/// How long an upload or a confirmation waits for its turn before it is told to try again.
const IMPORT_WAIT: std::time::Duration = std::time::Duration::from_secs(30);

/// A turn for reading, checking or writing an imported file, or the upload page saying the server is busy (503).
async fn import_slot(lang: Lang) -> Result<tokio::sync::SemaphorePermit<'static>, HandlerError> {
    static SLOTS: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(IMPORT_SLOTS);
    match tokio::time::timeout(IMPORT_WAIT, SLOTS.acquire()).await {
        Ok(Ok(permit)) => Ok(permit),
        _ => Err(file_refused(tr(lang, "limits_import.busy"), Some(StatusCode::SERVICE_UNAVAILABLE))),
    }
}

/// The upload form again with a message beside its file field.
fn file_refused(message: String, status: Option<StatusCode>) -> HandlerError {
    HandlerError::form(Submitted::default().error("file", message), status)
}

fn too_large(lang: Lang) -> HandlerError {
    let msg = trf(lang, "import.too_large", &[("mb", (import::MAX_UPLOAD_BYTES / 1_000_000).to_string())]);
    file_refused(msg, Some(StatusCode::PAYLOAD_TOO_LARGE))
}

/// Checks a file's rows by themselves: every row's errors, and rows outside the user's region. A clean file
/// comes back as its validated rows, else as the preview that refuses it.
async fn checked(state: &AppState, s: &Session, text: &str, lang: Lang) -> Result<Result<import::Parsed, PreviewOutcome>, sqlx::Error> {
    let entity = match import::kind_of(text) {
        Ok(k) => k,
        Err(e) => return Ok(Err(PreviewOutcome::Refused(import_message(&e, lang)))),
    };
    let rows_in_file = text.lines().skip(1).filter(|l| !l.trim().is_empty()).count();
    let (st, text_owned) = (state.clone(), text.to_string());
    let parsed = tokio::task::spawn_blocking(move || import::parse(&text_owned, &st.regions, &st.bands, lang))
        .await
        .map_err(|e| sqlx::Error::Protocol(e.to_string()))?;
    let outside = import::out_of_scope_rows(text, s.user.role, lang);
    let parsed = match parsed {
        Ok(p) => p,
        Err(ImportError::Rows(errors)) => {
            return Ok(Err(PreviewOutcome::RowErrors { entity, rows: rows_in_file, errors: errors.merge(outside) }));
        }
        Err(e) => return Ok(Err(PreviewOutcome::Refused(import_message(&e, lang)))),
    };
    if parsed.is_empty() {
        return Ok(Err(PreviewOutcome::Refused(tr(lang, "import.empty"))));
    }
    // Both lists name the same rows here (every row parsed): one of them is enough.
    let outside = if outside.is_empty() { import::out_of_scope(&parsed, s.user.role, lang) } else { outside };
    if !outside.is_empty() {
        return Ok(Err(PreviewOutcome::RowErrors { entity, rows: parsed.len(), errors: outside }));
    }
    Ok(Ok(parsed))
}

/// The import written as the confirmation would write it, then rolled back: every row matched with the
/// stored record it names or repeats, every check of the database run, and the first rows read back as
/// stored. `Ready` leaves its `draft` id for the caller to fill in.
async fn dry_run(state: &AppState, s: &Session, parsed: &import::Parsed, mode: Mode, lang: Lang) -> Result<PreviewOutcome, sqlx::Error> {
    let actor = Actor::user(&s.user);
    let how = How { mode, role: s.user.role, actor: &actor, via: Via::Import, demo: false, lang, sample: PREVIEW_ROWS };
    let mut tx = kla::db::begin(&state.pool).await?;
    let result = import::apply_in(&mut tx, &state.regions, parsed, &how, |_| {}).await;
    tx.rollback().await?;
    let entity = parsed.entity();
    Ok(match result {
        Ok(applied) => PreviewOutcome::Ready { draft: String::new(), entity, mode, rows: parsed.len(), applied },
        Err(ImportError::Rows(errors)) => PreviewOutcome::RowErrors { entity, rows: parsed.len(), errors },
        Err(ImportError::Database(e)) => return Err(e),
        Err(e) => PreviewOutcome::Refused(import_message(&e, lang)),
    })
}

fn spreadsheet_message(e: &spreadsheet::SpreadsheetError, lang: Lang) -> String {
    use spreadsheet::SpreadsheetError as E;
    match e {
        E::Empty => tr(lang, "import.no_file"),
        E::NotASpreadsheet => tr(lang, "import.not_spreadsheet"),
        E::Workbook(detail) => trf(lang, "import.bad_workbook", &[("detail", detail.clone())]),
        E::NoSheet => trf(lang, "import.bad_workbook", &[("detail", String::new())]),
        E::TooManyRows { limit } => trf(lang, "limits_import.too_many_rows", &[("limit", kla::format::int(*limit as i64, lang))]),
        E::TooManyColumns { limit } => trf(lang, "limits_import.too_many_columns", &[("limit", limit.to_string())]),
        E::TextTooLarge { mb } => trf(lang, "limits_import.text_too_large", &[("mb", mb.to_string())]),
        E::TooManyParts { limit } => trf(lang, "limits_import.too_many_parts", &[("limit", kla::format::int(*limit as i64, lang))]),
        E::PartTooLarge { part, mb } => trf(lang, "limits_import.part_too_large", &[("part", part.clone()), ("mb", mb.to_string())]),
        E::UnpackedTooLarge { mb } => trf(lang, "limits_import.unpacked_too_large", &[("mb", mb.to_string())]),
        E::TooManyStrings { limit } => trf(lang, "limits_import.too_many_strings", &[("limit", kla::format::int(*limit as i64, lang))]),
        E::TooManyElements { part, limit } => {
            trf(lang, "limits_import.too_many_elements", &[("part", part.clone()), ("limit", kla::format::int(*limit as i64, lang))])
        }
        E::Declaration { part } => trf(lang, "limits_import.declaration", &[("part", part.clone())]),
        E::WorkbookElsewhere => tr(lang, "limits_import.workbook_elsewhere"),
        E::RowsOutOfOrder { row } => trf(lang, "limits_import.rows_out_of_order", &[("row", row.to_string())]),
        E::LeftOfHeader { cell } => trf(lang, "limits_import.left_of_header", &[("cell", cell.clone())]),
        E::LongValue { part, kb } => {
            trf(lang, "limits_import.long_value", &[("part", part.clone()), ("kb", kla::format::int(*kb as i64, lang))])
        }
    }
}

fn import_message(e: &ImportError, lang: Lang) -> String {
    match e {
        ImportError::UnknownHeader => tr(lang, "import.unknown_header"),
        ImportError::UnknownColumn(c) => trf(lang, "import.unknown_column", &[("column", c.clone())]),
        ImportError::MissingColumn(c) => trf(lang, "import.missing_column", &[("column", c.clone())]),
        ImportError::Unreadable(m) => trf(lang, "import.unreadable", &[("detail", m.clone())]),
        other => other.to_string(),
    }
}
