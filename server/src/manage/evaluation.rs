//! What the evaluation pages post to (`/kelola/evaluasi/…`): a new cycle, a sheet's three buttons, and an
//! indicator's forms (score, review, linked records, evidence upload). Each checks the user's side on the
//! regency's sheet ([`SheetTarget`]), runs the change in one transaction with its audit entries, and answers
//! 303 to the page that shows it; a refused form is shown again on its page with the error beside the field.
//! An upload is checked by its bytes and size before anything is stored; the object is written before the
//! database row and removed again if the transaction fails, so a failed upload leaves nothing behind.

use super::see_other;
use crate::error::HandlerError;
use crate::extract::{CsrfForm, ReqLang, SheetTarget, SignedIn, check_csrf};
use crate::multipart::{self, Problem};
use app::AppState;
use app::pages::manage::Submitted;
use app::paths;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Path, Request, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::post;
use kla::audit::Actor;
use kla::domain::Stage;
use kla::evaluation::files::{self, MAX_FILE_BYTES, Storage};
use kla::evaluation::sheet::{self, Cycle, Decision, EvalError, NewFile, Refusal};
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
}

/// An evaluation change that did not happen, shown on `page`: a refusal beside its field (422), a side that
/// may not act (403), a sheet or item that is not there (the error page), or a database failure.
pub(crate) fn refused(e: EvalError, form: &HashMap<String, String>, lang: Lang, page: &str) -> HandlerError {
    match e {
        EvalError::Refused(r) => refusal(form, lang, &r, StatusCode::UNPROCESSABLE_ENTITY).at(page),
        EvalError::Forbidden => {
            HandlerError::form(Submitted::new(form.clone()).error("", tr(lang, "eval.err_forbidden")), Some(StatusCode::FORBIDDEN)).at(page)
        }
        EvalError::NotFound => HandlerError::not_found(),
        EvalError::Db(e) => HandlerError::from(e).with_input(form).at(page),
    }
}

fn refusal(form: &HashMap<String, String>, lang: Lang, r: &Refusal, status: StatusCode) -> HandlerError {
    HandlerError::form(Submitted::new(form.clone()).error(r.field, tr(lang, r.key)), Some(status))
}

/// Runs `result`'s verdict: 303 to `done`, or the form again on its page.
fn done(
    result: Result<(), EvalError>,
    form: &HashMap<String, String>,
    lang: Lang,
    page: &str,
    done: &str,
) -> Result<Response, HandlerError> {
    result.map(|()| see_other(done)).map_err(|e| refused(e, form, lang, page))
}

async fn create_cycle(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    s: Result<SignedIn, HandlerError>,
    form: Result<CsrfForm, HandlerError>,
) -> Result<Response, HandlerError> {
    let form = form?.fields;
    let SignedIn(s) = s?;
    let page = paths::EVALUATION;
    if s.user.role != kla::auth::Role::Admin {
        return Err(refused(EvalError::Forbidden, &form, lang, page));
    }
    let instruments = kla::evaluation::instrument::list(&state.pool).await.map_err(|e| HandlerError::from(e).with_input(&form))?;
    let new = sheet::parse_cycle(&form, &instruments).map_err(|errs| {
        let sub = errs.iter().fold(Submitted::new(form.clone()), |sub, r| sub.error(r.field, tr(lang, r.key)));
        HandlerError::form(sub, Some(StatusCode::UNPROCESSABLE_ENTITY)).at(page)
    })?;
    let result = async {
        let mut tx = kla::db::begin(&state.pool).await?;
        sheet::create_cycle(&mut tx, &Actor::user(&s.user), &new).await?;
        kla::summaries::commit(tx).await?;
        Ok(())
    }
    .await;
    done(result, &form, lang, page, &format!("{page}?tahun={}&pesan=siklus", new.award_year))
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

type Target = Result<SheetTarget, HandlerError>;
type Form = Result<CsrfForm, HandlerError>;

async fn submit(State(state): State<AppState>, ReqLang(lang): ReqLang, t: Target, form: Form) -> Result<Response, HandlerError> {
    sheet_action(state, lang, t, form, SheetAction::Submit).await
}

async fn finish(State(state): State<AppState>, ReqLang(lang): ReqLang, t: Target, form: Form) -> Result<Response, HandlerError> {
    sheet_action(state, lang, t, form, SheetAction::Finish).await
}

async fn publish(State(state): State<AppState>, ReqLang(lang): ReqLang, t: Target, form: Form) -> Result<Response, HandlerError> {
    sheet_action(state, lang, t, form, SheetAction::Publish).await
}

/// The form, then the sheet: a stale token is refused before the path is looked at, as for every form.
fn checked(t: Target, form: Form) -> Result<(SheetTarget, HashMap<String, String>), HandlerError> {
    let form = form?.fields;
    let t = t.map_err(|e| e.with_input(&form))?;
    Ok((t, form))
}

async fn sheet_action(state: AppState, lang: Lang, t: Target, form: Form, action: SheetAction) -> Result<Response, HandlerError> {
    let (t, form) = checked(t, form)?;
    let published = form.get("published").map(String::as_str) == Some("1");
    let result = async {
        let mut tx = kla::db::begin(&state.pool).await?;
        let sub = sheet::submission_for(&mut tx, &t.cycle, t.regency).await?;
        match action {
            SheetAction::Submit => sheet::submit(&mut tx, &t.actor, t.side, &sub).await?,
            SheetAction::Finish => sheet::finish_review(&mut tx, &t.actor, t.side, &sub).await.map(|_| ())?,
            SheetAction::Publish => sheet::publish(&mut tx, &t.actor, t.side, &sub, published).await?,
        }
        kla::summaries::commit(tx).await?;
        Ok(())
    }
    .await;
    let notice = match action {
        SheetAction::Submit => "diajukan",
        SheetAction::Finish => "selesai",
        SheetAction::Publish => "disimpan",
    };
    done(result, &form, lang, &t.page, &format!("{}?pesan={notice}", t.page))
}

fn item_of(form: &HashMap<String, String>) -> i64 {
    form.get("item").and_then(|i| i.parse().ok()).unwrap_or(0)
}

/// The indicator the path names (`…/{no}/…`) in the cycle's instrument, and whether `item` is one of its
/// evidence items: a form can only act on the items of the page it was sent from.
async fn indicator_on_page(
    state: &AppState,
    cycle: &Cycle,
    no: Option<&str>,
    item: Option<i64>,
) -> Result<kla::evaluation::Indicator, EvalError> {
    let mut conn = kla::db::acquire(&state.pool).await?;
    let instrument = kla::evaluation::instrument::fetch(&mut conn, cycle.instrument_id).await?.ok_or(EvalError::NotFound)?;
    let ind = no.and_then(|n| n.parse().ok()).and_then(|n| instrument.indicator(n)).ok_or(EvalError::NotFound)?;
    match item {
        Some(id) if !ind.items.iter().any(|it| it.id == id) => Err(EvalError::NotFound),
        _ => Ok(ind.clone()),
    }
}

async fn score(State(state): State<AppState>, ReqLang(lang): ReqLang, t: Target, form: Form) -> Result<Response, HandlerError> {
    let (t, form) = checked(t, form)?;
    let result = async {
        let ind = indicator_on_page(&state, &t.cycle, t.no.as_deref(), None).await?;
        let ind = &ind;
        let mut tx = kla::db::begin(&state.pool).await?;
        let Some(stage) = Stage::ALL.into_iter().find(|s| Some(s.key()) == form.get("stage").map(String::as_str)) else {
            return Err(EvalError::Refused(Refusal { field: "stage", key: "eval.err_stage" }));
        };
        let value = sheet::parse_score(form.get("score").map_or("", String::as_str), ind.max_points).map_err(EvalError::Refused)?;
        let sub = sheet::submission_for(&mut tx, &t.cycle, t.regency).await?;
        sheet::record_score(&mut tx, &t.actor, t.side, &sub, ind, stage, value).await?;
        kla::summaries::commit(tx).await?;
        Ok(())
    }
    .await;
    done(result, &form, lang, &t.page, &format!("{}?pesan=disimpan", t.page))
}

async fn review(State(state): State<AppState>, ReqLang(lang): ReqLang, t: Target, form: Form) -> Result<Response, HandlerError> {
    let (t, form) = checked(t, form)?;
    let item = item_of(&form);
    let result = async {
        indicator_on_page(&state, &t.cycle, t.no.as_deref(), Some(item)).await?;
        let decision = match form.get("decision").map(String::as_str) {
            Some("verify") => Decision::Verify,
            Some("reject") => Decision::Reject,
            _ => return Err(EvalError::Refused(Refusal { field: "decision", key: "eval.err_decision" })),
        };
        let due = match decision {
            Decision::Reject => Some(
                sheet::parse_due_date(form.get("due_date").map_or("", String::as_str), chrono::Utc::now().date_naive())
                    .map_err(EvalError::Refused)?,
            ),
            Decision::Verify => None,
        };
        let mut tx = kla::db::begin(&state.pool).await?;
        let sub = sheet::submission_for(&mut tx, &t.cycle, t.regency).await?;
        let review = sheet::Review { decision, comment: form.get("comment").map_or("", String::as_str), due_date: due.as_deref() };
        sheet::review_item(&mut tx, &t.actor, t.side, &t.cycle, &sub, item, review).await?;
        kla::summaries::commit(tx).await?;
        Ok(())
    }
    .await;
    done(result, &form, lang, &t.page, &format!("{}?pesan=diperiksa#butir-{item}", t.page))
}

async fn links(State(state): State<AppState>, ReqLang(lang): ReqLang, t: Target, form: Form) -> Result<Response, HandlerError> {
    let form = form?;
    // Checkboxes repeat their name: the chosen records are every `record` pair.
    let chosen: Vec<i64> = form.pairs.iter().filter(|(k, _)| k == "record").filter_map(|(_, v)| v.parse().ok()).collect();
    let (t, form) = checked(t, Ok(form))?;
    let item = item_of(&form);
    let result = async {
        indicator_on_page(&state, &t.cycle, t.no.as_deref(), Some(item)).await?;
        let mut tx = kla::db::begin(&state.pool).await?;
        let sub = sheet::submission_for(&mut tx, &t.cycle, t.regency).await?;
        sheet::set_links(&mut tx, &t.actor, t.side, &t.cycle, &sub, item, &chosen).await?;
        kla::summaries::commit(tx).await?;
        Ok(())
    }
    .await;
    done(result, &form, lang, &t.page, &format!("{}?pesan=disimpan#butir-{item}", t.page))
}

async fn upload(
    State(state): State<AppState>,
    Path((year, code, no)): Path<(String, String, String)>,
    ReqLang(lang): ReqLang,
    _: SignedIn,
    t: Target,
    req: Request,
) -> Result<Response, HandlerError> {
    let page = paths::indicator(&year, &code, &no);
    let (parts, body) = req.into_parts();
    let up = match multipart::read(&parts, body, &state, MAX_FILE_BYTES).await {
        Ok(u) => u,
        Err((problem, form)) => {
            // Nothing was stored: the file is only written once it has arrived whole and been checked.
            let (key, status) = match problem {
                Problem::TooLarge => ("eval.err_too_large", StatusCode::PAYLOAD_TOO_LARGE),
                Problem::NotMultipart | Problem::Broken => ("eval.err_upload_broken", StatusCode::BAD_REQUEST),
            };
            let msg = kla::i18n::trf(lang, key, &[("mb", (MAX_FILE_BYTES / 1024 / 1024).to_string())]);
            tracing::info!(path = %parts.uri.path(), reason = key, "evidence upload refused");
            let scope: HashMap<String, String> = form.into_iter().filter(|(k, _)| k == "scope").collect();
            return Err(HandlerError::form(Submitted::new(scope).error("file", msg), Some(status)).at(page));
        }
    };
    let form = up.form;
    check_csrf(&parts, form.get("csrf").map(String::as_str), &form)?;
    let t = t.map_err(|e| e.with_input(&form))?;
    let refuse = |field: &'static str, key: &'static str| refused(EvalError::Refused(Refusal { field, key }), &form, lang, &page);
    let Some((name, bytes)) = up.file.filter(|(_, b)| !b.is_empty()) else { return Err(refuse("file", "eval.err_no_file")) };
    let Some(kind) = files::sniff(&bytes) else { return Err(refuse("file", "eval.err_file_type")) };
    let doc_year = sheet::parse_doc_year(form.get("doc_year").map_or("", String::as_str), &t.cycle)
        .map_err(|r| refused(EvalError::Refused(r), &form, lang, &page))?;
    let item = item_of(&form);
    indicator_on_page(&state, &t.cycle, Some(&no), Some(item)).await.map_err(|e| refused(e, &form, lang, &page))?;
    let key = Storage::new_key(t.cycle.award_year, t.regency);
    let file = NewFile {
        object_key: key.clone(),
        file_name: files::clean_name(&name, kind),
        content_type: kind.content_type().to_string(),
        size_bytes: bytes.len() as i64,
        sha256: files::sha256_hex(&bytes),
        doc_year,
        uploaded_by: Some(t.user_id),
    };
    if let Err(e) = state.storage.put(&key, bytes.into()).await {
        tracing::error!(error = %e, "storing an evidence file failed");
        return Err(refuse("file", "eval.err_storage"));
    }
    // The quota is checked inside the write, the new file counted, with the sheet locked by
    // `submission_for`; over it, the transaction is dropped (rolled back) and the object removed below.
    let mut over_quota = None;
    let result = async {
        let mut tx = kla::db::begin(&state.pool).await?;
        let sub = sheet::submission_for(&mut tx, &t.cycle, t.regency).await?;
        sheet::add_file(&mut tx, &t.actor, t.side, &t.cycle, &sub, item, &file).await?;
        let used = sheet::evidence_bytes(&mut tx, t.regency).await?;
        if used > state.evidence_quota_bytes {
            over_quota = Some(used - file.size_bytes);
            return Ok(());
        }
        kla::summaries::commit(tx).await?;
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
        return Err(HandlerError::form(Submitted::new(form).error("file", msg), Some(StatusCode::UNPROCESSABLE_ENTITY)).at(page));
    }
    done(result, &form, lang, &page, &format!("{page}?pesan=diunggah#butir-{item}"))
}
