//! What the evaluation pages post to, and the evidence downloads. Each handler checks the CSRF token, the
//! user's side on the regency's sheet (`sheet::side`), runs the change in one transaction with its audit
//! entries, and answers 303 to the page that shows it; a refused form is rendered again on its page with the
//! error beside the field. Uploads are checked by their bytes and size before anything is stored; the object is
//! written before the database row and removed again if the transaction fails, so a failed or interrupted
//! upload leaves nothing behind.

use crate::forms::{csrf_ok, csrf_refused, error_page, lang_of, read_form, render, save_failed, see_other, session_of};
use app::AppState;
use app::error::AppError;
use app::pages::manage::Submitted;
use app::pages::manage::evaluation::sheet_path;
use app::paths;
use axum::Router;
use axum::body::Body;
use axum::extract::{DefaultBodyLimit, FromRequest, Multipart, Path, Request, State};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use kla::audit::Actor;
use kla::domain::{RegionCode, RegionLevel, Stage};
use kla::evaluation::files::{self, MAX_FILE_BYTES, Storage};
use kla::evaluation::sheet::{self, Cycle, Decision, EvalError, NewFile, Refusal, Side};
use kla::i18n::{Lang, tr};
use std::collections::HashMap;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(paths::CYCLE_NEW, post(create_cycle))
        .route(paths::SHEET_SUBMIT, post(submit))
        .route(paths::SHEET_FINISH, post(finish))
        .route(paths::SHEET_PUBLISH, post(publish))
        .route(paths::INDICATOR_UPLOAD, post(upload).layer(DefaultBodyLimit::max(MAX_FILE_BYTES + 64 * 1024)))
        .route(paths::INDICATOR_LINKS, post(links))
        .route(paths::INDICATOR_SCORE, post(score))
        .route(paths::INDICATOR_REVIEW, post(review))
        .route(paths::FILE, get(download))
        .route(paths::FILE_DELETE, post(remove_file))
        .route(paths::FILE_PUBLIC, post(set_public))
        .route(paths::PACK, get(pack))
        .route(paths::PUBLIC_FILE, get(public_download))
}

/// Renders the page at `path` (the form's page) with the refused form in context.
async fn refused_at(state: &AppState, mut parts: Parts, path: &str, sub: Submitted, status: StatusCode) -> Response {
    parts.uri = path.parse().unwrap_or_else(|_| "/kelola/evaluasi".parse().expect("a valid path"));
    render(state, parts, sub, Some(status)).await
}

fn refusal(lang: Lang, form: HashMap<String, String>, r: &Refusal) -> Submitted {
    Submitted::new(form).error(r.field, tr(lang, r.key))
}

/// The sheet a path names: the cycle, the regency, and the user's side on it.
struct Target {
    cycle: Cycle,
    regency: RegionCode,
    side: Side,
    actor: Actor,
    user_id: i64,
}

enum Miss {
    NotFound,
    Forbidden,
    Unauthorized,
    Db(sqlx::Error),
}

async fn target(state: &AppState, parts: &Parts, year: &str, code: &str) -> Result<Target, Miss> {
    let s = session_of(parts).ok_or(Miss::Unauthorized)?;
    let year: i64 = year.parse().map_err(|_| Miss::NotFound)?;
    let regency =
        RegionCode::parse(code).ok().filter(|c| c.level() == RegionLevel::Regency && state.regions.contains(*c)).ok_or(Miss::NotFound)?;
    let side = sheet::side(s.user.role, regency).ok_or(Miss::Forbidden)?;
    let mut conn = state.pool.acquire().await.map_err(Miss::Db)?;
    let cycle = sheet::cycle(&mut conn, year).await.map_err(Miss::Db)?.ok_or(Miss::NotFound)?;
    Ok(Target { cycle, regency, side, actor: Actor::user(&s.user), user_id: s.user.id })
}

/// Answers a path that names no sheet the user may act on (rendered as the sheet page would be: 404 or 403).
async fn missed(state: &AppState, parts: Parts, page: &str, form: HashMap<String, String>, m: Miss) -> Response {
    match m {
        Miss::Unauthorized => StatusCode::UNAUTHORIZED.into_response(),
        Miss::Db(e) => save_failed(state, parts, form, e).await,
        Miss::NotFound => refused_at(state, parts, page, Submitted::default(), StatusCode::NOT_FOUND).await,
        Miss::Forbidden => refused_at(state, parts, page, Submitted::default(), StatusCode::FORBIDDEN).await,
    }
}

/// Runs a change in one transaction and answers: 303 to `done` with a notice, or the page again.
async fn finish_with(
    state: &AppState,
    parts: Parts,
    page: &str,
    form: HashMap<String, String>,
    result: Result<(), EvalError>,
    done: String,
) -> Response {
    let lang = lang_of(&parts);
    match result {
        Ok(()) => see_other(&done),
        Err(EvalError::Refused(r)) => {
            let sub = refusal(lang, form, &r);
            refused_at(state, parts, page, sub, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(EvalError::Forbidden) => {
            let sub = Submitted::new(form).error("", tr(lang, "eval.err_forbidden"));
            refused_at(state, parts, page, sub, StatusCode::FORBIDDEN).await
        }
        Err(EvalError::NotFound) => error_page(state, parts, AppError::NotFound).await,
        Err(EvalError::Db(e)) => {
            let mut parts = parts;
            parts.uri = page.parse().unwrap_or_else(|_| "/kelola/evaluasi".parse().expect("a valid path"));
            save_failed(state, parts, form, e).await
        }
    }
}

macro_rules! sheet_form {
    ($state:ident, $req:ident, $year:ident, $code:ident, $page:expr) => {{
        let (parts, form) = read_form($req).await;
        if !csrf_ok(&parts, form.get("csrf")) {
            return csrf_refused(&$state, parts, form).await;
        }
        let page: String = $page;
        match target(&$state, &parts, &$year, &$code).await {
            Ok(t) => (parts, form, page, t),
            Err(m) => return missed(&$state, parts, &page, form, m).await,
        }
    }};
}

async fn create_cycle(State(state): State<AppState>, req: Request) -> Response {
    let (parts, form) = read_form(req).await;
    if !csrf_ok(&parts, form.get("csrf")) {
        return csrf_refused(&state, parts, form).await;
    }
    let Some(s) = session_of(&parts) else { return StatusCode::UNAUTHORIZED.into_response() };
    let lang = lang_of(&parts);
    let page = "/kelola/evaluasi";
    if s.user.role != kla::auth::Role::Admin {
        let sub = Submitted::new(form).error("", tr(lang, "eval.err_forbidden"));
        return refused_at(&state, parts, page, sub, StatusCode::FORBIDDEN).await;
    }
    let instruments = match kla::evaluation::instrument::list(&state.pool).await {
        Ok(i) => i,
        Err(e) => return save_failed(&state, parts, form, e).await,
    };
    let new = match sheet::parse_cycle(&form, &instruments) {
        Ok(c) => c,
        Err(errs) => {
            let sub = errs.iter().fold(Submitted::new(form.clone()), |sub, r| sub.error(r.field, tr(lang, r.key)));
            return refused_at(&state, parts, page, sub, StatusCode::UNPROCESSABLE_ENTITY).await;
        }
    };
    let result = async {
        let mut tx = state.pool.begin().await?;
        sheet::create_cycle(&mut tx, &Actor::user(&s.user), &new).await?;
        tx.commit().await?;
        Ok(())
    }
    .await;
    finish_with(&state, parts, page, form, result, format!("/kelola/evaluasi?tahun={}&pesan=siklus", new.award_year)).await
}

/// What the three buttons of a sheet do.
#[derive(Clone, Copy)]
enum SheetAction {
    /// The regency hands the sheet to the province.
    Submit,
    /// The province ends a round of verification.
    Finish,
    /// The province publishes (or withdraws) the verified scores.
    Publish,
}

async fn submit(State(state): State<AppState>, Path((year, code)): Path<(String, String)>, req: Request) -> Response {
    sheet_action(state, year, code, req, SheetAction::Submit).await
}

async fn finish(State(state): State<AppState>, Path((year, code)): Path<(String, String)>, req: Request) -> Response {
    sheet_action(state, year, code, req, SheetAction::Finish).await
}

async fn publish(State(state): State<AppState>, Path((year, code)): Path<(String, String)>, req: Request) -> Response {
    sheet_action(state, year, code, req, SheetAction::Publish).await
}

async fn sheet_action(state: AppState, year: String, code: String, req: Request, action: SheetAction) -> Response {
    let (parts, form, page, t) = sheet_form!(state, req, year, code, format!("/kelola/evaluasi/{year}/{code}"));
    let published = form.get("published").map(String::as_str) == Some("1");
    let result = async {
        let mut tx = state.pool.begin().await?;
        let sub = sheet::submission_for(&mut tx, &t.cycle, t.regency).await?;
        match action {
            SheetAction::Submit => sheet::submit(&mut tx, &t.actor, t.side, &sub).await?,
            SheetAction::Finish => sheet::finish_review(&mut tx, &t.actor, t.side, &sub).await.map(|_| ())?,
            SheetAction::Publish => sheet::publish(&mut tx, &t.actor, t.side, &sub, published).await?,
        }
        tx.commit().await?;
        Ok(())
    }
    .await;
    let notice = match action {
        SheetAction::Submit => "diajukan",
        SheetAction::Finish => "selesai",
        SheetAction::Publish => "disimpan",
    };
    finish_with(&state, parts, &page, form, result, format!("{page}?pesan={notice}")).await
}

fn item_of(form: &HashMap<String, String>) -> i64 {
    form.get("item").and_then(|i| i.parse().ok()).unwrap_or(0)
}

/// The indicator the path names (`…/{no}/…`) in the cycle's instrument, and whether `item` is one of its
/// evidence items: a form can only act on the items of the page it was sent from.
async fn indicator_on_page(state: &AppState, cycle: &Cycle, no: &str, item: Option<i64>) -> Result<kla::evaluation::Indicator, EvalError> {
    let mut conn = state.pool.acquire().await?;
    let instrument = kla::evaluation::instrument::fetch(&mut conn, cycle.instrument_id).await?.ok_or(EvalError::NotFound)?;
    let ind = no.parse().ok().and_then(|n| instrument.indicator(n)).ok_or(EvalError::NotFound)?;
    match item {
        Some(id) if !ind.items.iter().any(|it| it.id == id) => Err(EvalError::NotFound),
        _ => Ok(ind.clone()),
    }
}

async fn score(State(state): State<AppState>, Path((year, code, no)): Path<(String, String, String)>, req: Request) -> Response {
    let (parts, form, page, t) = sheet_form!(state, req, year, code, format!("/kelola/evaluasi/{year}/{code}/{no}"));
    let result = async {
        let ind = indicator_on_page(&state, &t.cycle, &no, None).await?;
        let ind = &ind;
        let mut tx = state.pool.begin().await?;
        let Some(stage) = Stage::ALL.into_iter().find(|s| Some(s.key()) == form.get("stage").map(String::as_str)) else {
            return Err(EvalError::Refused(Refusal { field: "stage", key: "eval.err_stage" }));
        };
        let value = sheet::parse_score(form.get("score").map(String::as_str).unwrap_or(""), ind.max_points).map_err(EvalError::Refused)?;
        let sub = sheet::submission_for(&mut tx, &t.cycle, t.regency).await?;
        sheet::record_score(&mut tx, &t.actor, t.side, &sub, ind, stage, value).await?;
        tx.commit().await?;
        Ok(())
    }
    .await;
    finish_with(&state, parts, &page, form, result, format!("{page}?pesan=disimpan")).await
}

async fn review(State(state): State<AppState>, Path((year, code, no)): Path<(String, String, String)>, req: Request) -> Response {
    let (parts, form, page, t) = sheet_form!(state, req, year, code, format!("/kelola/evaluasi/{year}/{code}/{no}"));
    let item = item_of(&form);
    let result = async {
        indicator_on_page(&state, &t.cycle, &no, Some(item)).await?;
        let decision = match form.get("decision").map(String::as_str) {
            Some("verify") => Decision::Verify,
            Some("reject") => Decision::Reject,
            _ => return Err(EvalError::Refused(Refusal { field: "decision", key: "eval.err_decision" })),
        };
        let due = match decision {
            Decision::Reject => Some(
                sheet::parse_due_date(form.get("due_date").map(String::as_str).unwrap_or(""), chrono::Utc::now().date_naive())
                    .map_err(EvalError::Refused)?,
            ),
            Decision::Verify => None,
        };
        let mut tx = state.pool.begin().await?;
        let sub = sheet::submission_for(&mut tx, &t.cycle, t.regency).await?;
        sheet::review_item(
            &mut tx,
            &t.actor,
            t.side,
            &t.cycle,
            &sub,
            item,
            decision,
            form.get("comment").map(String::as_str).unwrap_or(""),
            due.as_deref(),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
    .await;
    finish_with(&state, parts, &page, form, result, format!("{page}?pesan=diperiksa#butir-{item}")).await
}

async fn links(State(state): State<AppState>, Path((year, code, no)): Path<(String, String, String)>, req: Request) -> Response {
    // Checkboxes repeat their name: read the raw pairs as well as the map.
    let (parts, body) = req.into_parts();
    let bytes = match axum::body::to_bytes(body, crate::forms::FORM_BYTES).await {
        Ok(b) => b,
        Err(e) => {
            if crate::forms::over_limit(e) {
                return crate::forms::form_too_large(&state, parts).await;
            }
            Default::default()
        }
    };
    let pairs = serde_urlencoded::from_bytes::<Vec<(String, String)>>(&bytes).unwrap_or_default();
    let chosen: Vec<i64> = pairs.iter().filter(|(k, _)| k == "record").filter_map(|(_, v)| v.parse().ok()).collect();
    let req = Request::from_parts(parts, Body::from(bytes));
    let (parts, form, page, t) = sheet_form!(state, req, year, code, format!("/kelola/evaluasi/{year}/{code}/{no}"));
    let item = item_of(&form);
    let result = async {
        indicator_on_page(&state, &t.cycle, &no, Some(item)).await?;
        let mut tx = state.pool.begin().await?;
        let sub = sheet::submission_for(&mut tx, &t.cycle, t.regency).await?;
        sheet::set_links(&mut tx, &t.actor, t.side, &t.cycle, &sub, item, &chosen).await?;
        tx.commit().await?;
        Ok(())
    }
    .await;
    finish_with(&state, parts, &page, form, result, format!("{page}?pesan=disimpan#butir-{item}")).await
}

/// What an upload form carried.
#[derive(Default)]
struct Upload {
    form: HashMap<String, String>,
    file: Option<(String, Vec<u8>)>,
}

enum UploadProblem {
    TooLarge,
    Broken,
}

/// Reads the whole upload, or says why it could not, with the text fields read until then (so a refusal is
/// shown beside the right item's form).
async fn read_upload(state: &AppState, parts: &Parts, body: Body) -> Result<Upload, (UploadProblem, HashMap<String, String>)> {
    let mut up = Upload::default();
    match read_fields(state, parts, body, &mut up).await {
        Ok(()) => Ok(up),
        Err(p) => Err((p, up.form)),
    }
}

async fn read_fields(state: &AppState, parts: &Parts, body: Body, up: &mut Upload) -> Result<(), UploadProblem> {
    let mut multipart =
        Multipart::from_request(Request::from_parts(parts.clone(), body), state).await.map_err(|_| UploadProblem::Broken)?;
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => return Err(UploadProblem::TooLarge),
            Err(_) => return Err(UploadProblem::Broken),
        };
        let name = field.name().unwrap_or("").to_string();
        if name == "file" {
            let file_name = field.file_name().unwrap_or("").to_string();
            let mut field = field;
            let mut bytes = Vec::new();
            loop {
                match field.chunk().await {
                    Ok(Some(chunk)) => {
                        bytes.extend_from_slice(&chunk);
                        if bytes.len() > MAX_FILE_BYTES {
                            return Err(UploadProblem::TooLarge);
                        }
                    }
                    Ok(None) => break,
                    Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => return Err(UploadProblem::TooLarge),
                    Err(_) => return Err(UploadProblem::Broken),
                }
            }
            up.file = Some((file_name, bytes));
        } else if let Ok(text) = field.text().await {
            up.form.insert(name, text);
        } else {
            return Err(UploadProblem::Broken);
        }
    }
    Ok(())
}

async fn upload(State(state): State<AppState>, Path((year, code, no)): Path<(String, String, String)>, req: Request) -> Response {
    let (parts, body) = req.into_parts();
    let lang = lang_of(&parts);
    let page = format!("/kelola/evaluasi/{year}/{code}/{no}");
    if session_of(&parts).is_none() {
        return StatusCode::UNAUTHORIZED.into_response();
    }
    let up = match read_upload(&state, &parts, body).await {
        Ok(u) => u,
        Err((problem, form)) => {
            // Nothing was stored: the file is only written once it has arrived whole and been checked.
            let (key, status) = match problem {
                UploadProblem::TooLarge => ("eval.err_too_large", StatusCode::PAYLOAD_TOO_LARGE),
                UploadProblem::Broken => ("eval.err_upload_broken", StatusCode::BAD_REQUEST),
            };
            let msg = kla::i18n::trf(lang, key, &[("mb", (MAX_FILE_BYTES / 1024 / 1024).to_string())]);
            tracing::info!(path = %parts.uri.path(), reason = key, "evidence upload refused");
            let scope: HashMap<String, String> = form.into_iter().filter(|(k, _)| k == "scope").collect();
            return refused_at(&state, parts, &page, Submitted::new(scope).error("file", msg), status).await;
        }
    };
    let form = up.form;
    if !csrf_ok(&parts, form.get("csrf")) {
        return csrf_refused(&state, parts, form).await;
    }
    let t = match target(&state, &parts, &year, &code).await {
        Ok(t) => t,
        Err(m) => return missed(&state, parts, &page, form, m).await,
    };
    let refuse = |field: &'static str, key: &'static str| Err::<(), EvalError>(EvalError::Refused(Refusal { field, key }));
    let Some((name, bytes)) = up.file.filter(|(_, b)| !b.is_empty()) else {
        return finish_with(&state, parts, &page, form, refuse("file", "eval.err_no_file"), String::new()).await;
    };
    let Some(kind) = files::sniff(&bytes) else {
        return finish_with(&state, parts, &page, form, refuse("file", "eval.err_file_type"), String::new()).await;
    };
    let doc_year = match sheet::parse_doc_year(form.get("doc_year").map(String::as_str).unwrap_or(""), &t.cycle) {
        Ok(y) => y,
        Err(r) => return finish_with(&state, parts, &page, form, Err(EvalError::Refused(r)), String::new()).await,
    };
    let item = item_of(&form);
    if let Err(e) = indicator_on_page(&state, &t.cycle, &no, Some(item)).await {
        return finish_with(&state, parts, &page, form, Err(e), String::new()).await;
    }
    let key = Storage::new_key(t.cycle.award_year, t.regency);
    let file = NewFile {
        object_key: key.clone(),
        file_name: files::clean_name(&name, kind),
        content_type: kind.content_type().to_string(),
        size_bytes: bytes.len() as i64,
        sha256: files::sha256_hex(&bytes),
    };
    if let Err(e) = state.storage.put(&key, bytes.into()).await {
        tracing::error!(error = %e, "storing an evidence file failed");
        return finish_with(&state, parts, &page, form, refuse("file", "eval.err_storage"), String::new()).await;
    }
    // The quota is checked inside the write, the new file counted, with the sheet locked by
    // `submission_for`; over it, the transaction is dropped (rolled back) and the object removed below.
    let mut over_quota = None;
    let result = async {
        let mut tx = state.pool.begin().await?;
        let sub = sheet::submission_for(&mut tx, &t.cycle, t.regency).await?;
        sheet::add_file(&mut tx, &t.actor, t.side, &t.cycle, &sub, item, doc_year, &file, Some(t.user_id)).await?;
        let used = sheet::evidence_bytes(&mut tx, t.regency).await?;
        if used > state.evidence_quota_bytes {
            over_quota = Some(used - file.size_bytes);
            return Ok(());
        }
        tx.commit().await?;
        Ok(())
    }
    .await;
    if (result.is_err() || over_quota.is_some())
        && let Err(e) = state.storage.delete(&key).await
    {
        tracing::error!(error = %e, key = %key, "could not remove the object of a refused upload");
    }
    if let Some(used) = over_quota {
        tracing::info!(regency = %t.regency, used, quota = state.evidence_quota_bytes, "evidence upload refused: quota reached");
        let h = files::human_bytes;
        let msg = kla::i18n::trf(
            lang,
            "limits_rules.evidence_quota",
            &[("quota", h(state.evidence_quota_bytes)), ("used", h(used)), ("size", h(file.size_bytes))],
        );
        return refused_at(&state, parts, &page, Submitted::new(form).error("file", msg), StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    finish_with(&state, parts, &page, form, result, format!("{page}?pesan=diunggah#butir-{item}")).await
}

fn app_error(code: StatusCode) -> AppError {
    match code {
        StatusCode::NOT_FOUND => AppError::NotFound,
        StatusCode::FORBIDDEN => AppError::Forbidden,
        _ => AppError::Internal,
    }
}

/// The file and its sheet, when the user's role covers the regency.
async fn file_in_scope(state: &AppState, parts: &Parts, id: i64) -> Result<(sheet::FileRow, sheet::Submission, Side), StatusCode> {
    let s = session_of(parts).ok_or(StatusCode::UNAUTHORIZED)?;
    let mut conn = state.pool.acquire().await.map_err(|_| StatusCode::INTERNAL_SERVER_ERROR)?;
    let (f, sub) = sheet::file(&mut conn, id).await.map_err(|_| StatusCode::INTERNAL_SERVER_ERROR)?.ok_or(StatusCode::NOT_FOUND)?;
    let side = sheet::side(s.user.role, sub.regency).ok_or(StatusCode::FORBIDDEN)?;
    Ok((f, sub, side))
}

async fn cycle_year(state: &AppState, cycle_id: i64) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("select award_year from cycles where id = $1").bind(cycle_id).fetch_one(&state.pool).await
}

async fn remove_file(State(state): State<AppState>, Path(id): Path<i64>, req: Request) -> Response {
    file_action(state, id, req, false).await
}

async fn set_public(State(state): State<AppState>, Path(id): Path<i64>, req: Request) -> Response {
    file_action(state, id, req, true).await
}

/// Removing a document, or marking it public or not.
async fn file_action(state: AppState, id: i64, req: Request, public_toggle: bool) -> Response {
    let (parts, form) = read_form(req).await;
    if !csrf_ok(&parts, form.get("csrf")) {
        return csrf_refused(&state, parts, form).await;
    }
    let (f, sub, side) = match file_in_scope(&state, &parts, id).await {
        Ok(x) => x,
        Err(StatusCode::UNAUTHORIZED) => return StatusCode::UNAUTHORIZED.into_response(),
        Err(code) => return error_page(&state, parts, app_error(code)).await,
    };
    let year = match cycle_year(&state, sub.cycle_id).await {
        Ok(y) => y,
        Err(e) => return save_failed(&state, parts, form, e).await,
    };
    let number = match sqlx::query_scalar::<_, i64>(
        "select i.number from evidence_items e join indicators i on i.id = e.indicator_id where e.id = $1",
    )
    .bind(f.item_id)
    .fetch_one(&state.pool)
    .await
    {
        Ok(n) => n,
        Err(e) => return save_failed(&state, parts, form, e).await,
    };
    let page = format!("{}/{number}", sheet_path(year, sub.regency));
    let actor = Actor::user(&session_of(&parts).expect("checked above").user);
    let mut removed = None;
    let result = async {
        let mut tx = state.pool.begin().await?;
        if public_toggle {
            sheet::set_file_public(&mut tx, &actor, f.id, form.get("public").map(String::as_str) == Some("1")).await?;
        } else {
            removed = Some(sheet::remove_file(&mut tx, &actor, side, f.id).await?);
        }
        tx.commit().await?;
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
    finish_with(&state, parts, &page, form, result, format!("{page}?pesan=disimpan#butir-{item}")).await
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

async fn download(State(state): State<AppState>, Path(id): Path<i64>, req: Request) -> Response {
    let (parts, _) = req.into_parts();
    let f = match file_in_scope(&state, &parts, id).await {
        Ok((f, _, _)) => f,
        Err(StatusCode::UNAUTHORIZED) => return StatusCode::UNAUTHORIZED.into_response(),
        Err(code) => return error_page(&state, parts, app_error(code)).await,
    };
    match state.storage.get(&f.object_key).await {
        Ok(bytes) => attachment(&f, bytes),
        Err(e) => {
            tracing::error!(error = %e, file = f.id, "reading an evidence file failed");
            error_page(&state, parts, AppError::Internal).await
        }
    }
}

/// A document an officer marked public; anything else is not found, whoever asks.
async fn public_download(State(state): State<AppState>, Path(id): Path<i64>, req: Request) -> Response {
    let (parts, _) = req.into_parts();
    let found = async {
        let mut conn = state.pool.acquire().await?;
        sheet::file(&mut conn, id).await
    }
    .await;
    match found {
        Ok(Some((f, _))) if f.public => match state.storage.get(&f.object_key).await {
            Ok(bytes) => {
                let mut res = attachment(&f, bytes);
                // Revalidated every time: a document made private again must stop being served at once.
                res.headers_mut().insert(header::CACHE_CONTROL, header::HeaderValue::from_static("no-cache"));
                res
            }
            Err(e) => {
                tracing::error!(error = %e, file = f.id, "reading a public evidence file failed");
                error_page(&state, parts, AppError::Internal).await
            }
        },
        Ok(_) => error_page(&state, parts, AppError::NotFound).await,
        Err(e) => {
            tracing::error!(error = %e, "looking up a public evidence file failed");
            error_page(&state, parts, AppError::Internal).await
        }
    }
}

async fn pack(State(state): State<AppState>, Path((year, code)): Path<(String, String)>, req: Request) -> Response {
    let (parts, _) = req.into_parts();
    let lang = lang_of(&parts);
    let page = format!("/kelola/evaluasi/{year}/{code}");
    let t = match target(&state, &parts, &year, &code).await {
        Ok(t) => t,
        Err(m) => return missed(&state, parts, &page, HashMap::new(), m).await,
    };
    let built = async {
        let mut conn = state.pool.acquire().await.map_err(|e| e.to_string())?;
        let sh = sheet::load(&mut conn, &t.cycle, t.regency).await.map_err(|e| e.to_string())?;
        // Labels only for the kinds of record the sheet actually links.
        let mut offers: Vec<kla::evaluation::Offer> = Vec::new();
        for it in sh.instrument.indicators.iter().flat_map(|i| &i.items).filter(|it| sh.links_of(it.id).next().is_some()) {
            if let Some(o) = it.offers.filter(|o| !offers.contains(o)) {
                offers.push(o);
            }
        }
        let mut labels = Vec::new();
        for offer in offers {
            labels.extend(sheet::offered(&mut conn, offer, t.regency, t.cycle.data_year).await.map_err(|e| e.to_string())?);
        }
        drop(conn);
        let name = state.regions.name(t.regency).to_string();
        kla::evaluation::pack::build(&state.storage, &sh, &state.bands, &name, &labels, lang).await.map_err(|e| e.to_string())
    }
    .await;
    match built {
        Ok(file) => {
            let stream = tokio_util::io::ReaderStream::new(tokio::fs::File::from_std(file));
            (
                [
                    (header::CONTENT_TYPE, "application/zip".to_string()),
                    (header::CONTENT_DISPOSITION, format!("attachment; filename=\"bukti-kla-{}-{}.zip\"", t.cycle.award_year, t.regency)),
                    (header::CACHE_CONTROL, "private, no-store".to_string()),
                ],
                Body::from_stream(stream),
            )
                .into_response()
        }
        Err(e) => {
            tracing::error!(error = %e, "building an evidence pack failed");
            error_page(&state, parts, AppError::Internal).await
        }
    }
}
