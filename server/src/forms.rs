//! What the data-entry forms post to, and the spreadsheet downloads. Each handler reads the form, checks its
//! CSRF token and the user's region, validates through the domain, writes in one transaction with the audit
//! entry, and answers 303 to the page that shows the change. A refused form is rendered again by the same
//! page component with a [`Submitted`] in context: errors beside their fields, input kept.

use crate::session;
use app::AppState;
use kla::audit::{self, Action, Actor, Change, Via};
use kla::auth::{self, Role, Session};
use kla::db::writes::WriteError;
use kla::i18n::{Lang, tr, trf};
use kla::import::{self, ImportError};
use app::pages::manage::Submitted;
use app::pages::manage::import::{ImportPreview, PREVIEW_ROWS, PreviewOutcome};
use kla::records::{self, Entity, Filter};
use kla::spreadsheet::{self, Format};
use axum::Router;
use axum::body::Body;
use axum::extract::{DefaultBodyLimit, FromRequest, Multipart, Path, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use leptos::prelude::provide_context;
use std::collections::HashMap;

/// How long an uploaded file waits for its confirmation.
const DRAFT_SECONDS: i64 = 60 * 60;
/// The largest urlencoded form accepted.
pub(crate) const FORM_BYTES: usize = 256 * 1024;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/masuk", post(sign_in))
        .route("/keluar", post(sign_out))
        .route("/akun/sandi", post(change_password))
        .route("/kelola/pengguna", post(add_user))
        .route("/kelola/impor", post(import_upload).layer(DefaultBodyLimit::max(import::MAX_UPLOAD_BYTES + 64 * 1024)))
        .route("/kelola/impor/simpan", post(import_confirm))
        .route("/kelola/{entity}/baru", post(create_record))
        .route("/kelola/{entity}/{id}/ubah", post(update_record))
        .route("/kelola/{entity}/{id}/hapus", post(delete_record))
        .route("/kelola/ekspor/{file}", get(export))
        .route("/kelola/templat/{file}", get(template))
}

// ---------------------------------------------------------------------------------------------------------
// Rendering a page again, and the small pieces every handler needs

/// Renders the page at the request's path (as for a GET) with `ctx` in context, and sets `status` when given.
pub async fn render<C: Clone + Send + Sync + 'static>(state: &AppState, mut parts: Parts, ctx: C, status: Option<StatusCode>) -> Response {
    parts.method = Method::GET;
    let st = state.clone();
    let options = state.leptos_options.clone();
    let handler = leptos_axum::render_app_async_with_context(
        move || {
            provide_context(st.clone());
            provide_context(ctx.clone());
        },
        move || app::shell(options.clone()),
    );
    let mut res = handler(Request::from_parts(parts, Body::empty())).await;
    if let Some(s) = status {
        *res.status_mut() = s;
    }
    res
}

pub(crate) fn lang_of(parts: &Parts) -> Lang {
    app::lang::of_request(&parts.uri, &parts.headers)
}

/// Set on a request whose form was over [`FORM_BYTES`]: the form reads as empty, so the handler's CSRF check
/// fails, and [`csrf_refused`] answers 413 naming the limit instead of calling the token expired.
#[derive(Debug, Clone, Copy)]
pub(crate) struct FormTooLarge;

/// Whether reading a body failed because it was over the limit given to `to_bytes`.
pub(crate) fn over_limit(e: axum::Error) -> bool {
    e.into_inner().downcast_ref::<http_body_util::LengthLimitError>().is_some()
}

pub(crate) async fn read_form(req: Request) -> (Parts, HashMap<String, String>) {
    let (mut parts, body) = req.into_parts();
    let bytes = match axum::body::to_bytes(body, FORM_BYTES).await {
        Ok(b) => b,
        Err(e) => {
            if over_limit(e) {
                parts.extensions.insert(FormTooLarge);
            }
            Default::default()
        }
    };
    let form = serde_urlencoded::from_bytes::<Vec<(String, String)>>(&bytes).unwrap_or_default().into_iter().collect();
    (parts, form)
}

/// Whether the form carries this request's CSRF token (the session's, or the signed-out visitor's cookie).
pub(crate) fn csrf_ok(parts: &Parts, sent: Option<&String>) -> bool {
    let expected =
        parts.extensions.get::<Session>().map(|s| s.csrf.clone()).or_else(|| parts.extensions.get::<auth::AnonCsrf>().map(|a| a.0.clone()));
    matches!((expected, sent), (Some(e), Some(s)) if auth::tokens_match(&e, s))
}

pub(crate) fn session_of(parts: &Parts) -> Option<Session> {
    parts.extensions.get::<Session>().cloned()
}

/// The client's address, for throttling (see [`crate::client`]); IPv6 by its /64, one subscriber's block,
/// as the other per-client limits count it.
fn client_of(state: &AppState, parts: &Parts) -> String {
    crate::client::of_parts(parts, &state.trusted_proxies)
        .map_or_else(|| "unknown".into(), |ip| app::render_limit::client_of(Some(ip)).to_string())
}

/// A slot for checking or hashing a password, or the page saying the server is busy (503).
async fn hashing_slot(
    state: &AppState,
    parts: &Parts,
    form: &HashMap<String, String>,
) -> Result<tokio::sync::SemaphorePermit<'static>, Response> {
    match auth::hashing_slot().await {
        Ok(slot) => Ok(slot),
        Err(busy) => {
            tracing::warn!(error = %busy, "a password check waited too long for a slot");
            let lang = lang_of(parts);
            let sub = Submitted::new(without_secrets(form.clone())).error("", tr(lang, "limits_rules.hashing_busy"));
            Err(render(state, parts.clone(), sub, Some(StatusCode::SERVICE_UNAVAILABLE)).await)
        }
    }
}

pub(crate) fn see_other(to: &str) -> Response {
    Redirect::to(to).into_response()
}

/// A form refused for a stale or missing CSRF token: shown again, input kept, with a fresh token.
pub(crate) async fn csrf_refused(state: &AppState, parts: Parts, form: HashMap<String, String>) -> Response {
    let lang = lang_of(&parts);
    if parts.extensions.get::<FormTooLarge>().is_some() {
        return form_too_large(state, parts).await;
    }
    let sub = Submitted::new(without_secrets(form)).error("", tr(lang, "manage.csrf_expired"));
    render(state, parts, sub, Some(StatusCode::FORBIDDEN)).await
}

/// A form over [`FORM_BYTES`]: 413, saying so and naming the limit.
pub(crate) async fn form_too_large(state: &AppState, parts: Parts) -> Response {
    let lang = lang_of(&parts);
    let sub = Submitted::default().error("", trf(lang, "limits_rules.form_too_large", &[("kb", (FORM_BYTES / 1024).to_string())]));
    render(state, parts, sub, Some(StatusCode::PAYLOAD_TOO_LARGE)).await
}

/// The form's values minus passwords and the token, for showing again.
fn without_secrets(mut form: HashMap<String, String>) -> HashMap<String, String> {
    for k in ["password", "current_password", "new_password", "confirm_password", "csrf"] {
        form.remove(k);
    }
    form
}

/// A database failure while saving: logged, and the form shown again with its input and a plain message.
pub(crate) async fn save_failed(state: &AppState, parts: Parts, form: HashMap<String, String>, e: impl std::fmt::Display) -> Response {
    tracing::error!(error = %e, path = %parts.uri.path(), "saving a form failed");
    let lang = lang_of(&parts);
    let sub = Submitted::new(without_secrets(form)).error("", tr(lang, "error.internal_body"));
    render(state, parts, sub, Some(StatusCode::INTERNAL_SERVER_ERROR)).await
}

// ---------------------------------------------------------------------------------------------------------
// Accounts

async fn sign_in(State(state): State<AppState>, req: Request) -> Response {
    let (parts, form) = read_form(req).await;
    if !csrf_ok(&parts, form.get("csrf")) {
        return csrf_refused(&state, parts, form).await;
    }
    let lang = lang_of(&parts);
    let username = auth::normalise_username(form.get("username").map(String::as_str).unwrap_or("")).unwrap_or_default();
    let password = form.get("password").cloned().unwrap_or_default();
    let client = client_of(&state, &parts);
    let back = app::pages::manage::account::safe_return(form.get("kembali").cloned());
    let refuse = |key: &str| Submitted::new(without_secrets(form.clone())).error("", tr(lang, key));
    // Held from the throttle check to the recorded attempt: a burst of posts is checked a few at a time, so
    // it cannot pass the throttle all at once, and the hashing it causes is bounded.
    let _slot = match hashing_slot(&state, &parts, &form).await {
        Ok(slot) => slot,
        Err(busy) => return busy,
    };
    match auth::throttle(&state.pool, &username, &client).await {
        Ok(auth::Throttle::Allowed) => {}
        Ok(wait) => {
            tracing::warn!(client = %client, "sign-in refused: too many failed attempts");
            let sub = Submitted::new(without_secrets(form.clone()))
                .error("", trf(lang, "limits_rules.too_many_attempts", &[("minutes", wait.minutes().to_string())]));
            return render(&state, parts, sub, Some(StatusCode::TOO_MANY_REQUESTS)).await;
        }
        Err(e) => return save_failed(&state, parts, form, e).await,
    }
    let found = match auth::find_for_sign_in(&state.pool, &username).await {
        Ok(f) => f,
        Err(e) => return save_failed(&state, parts, form, e).await,
    };
    let hash = found.as_ref().map(|(_, h)| h.clone()).unwrap_or_else(|| auth::dummy_hash().to_string());
    let ok = match auth::verify_in_background(password, hash).await {
        Ok(matches) => matches && found.is_some(),
        Err(e) => return save_failed(&state, parts, form, e).await,
    };
    if let Err(e) = auth::record_attempt(&state.pool, &username, &client, ok).await {
        return save_failed(&state, parts, form, e).await;
    }
    let Some((user, _)) = found.filter(|_| ok) else {
        return render(&state, parts, refuse("account.wrong_credentials"), Some(StatusCode::UNAUTHORIZED)).await;
    };
    let (token, _csrf) = match auth::create_session(&state.pool, user.id).await {
        Ok(t) => t,
        Err(e) => return save_failed(&state, parts, form, e).await,
    };
    tracing::info!(user.id = user.id, "signed in");
    let mut res = see_other(&back);
    if let Ok(v) = HeaderValue::from_str(&session::session_cookie(&token, session::secure(&state, &parts.headers))) {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
    res
}

async fn sign_out(State(state): State<AppState>, req: Request) -> Response {
    let (parts, form) = read_form(req).await;
    if !csrf_ok(&parts, form.get("csrf")) {
        return csrf_refused(&state, parts, form).await;
    }
    if let Some(token) = app::lang::cookie(&parts.headers, auth::SESSION_COOKIE)
        && let Err(e) = auth::end_session(&state.pool, &token).await
    {
        tracing::error!(error = %e, "ending a session failed");
    }
    let mut res = see_other("/");
    if let Ok(v) = HeaderValue::from_str(&session::clear_session_cookie(session::secure(&state, &parts.headers))) {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
    res
}

async fn change_password(State(state): State<AppState>, req: Request) -> Response {
    let (mut parts, form) = read_form(req).await;
    // A refusal is shown on the account page.
    parts.uri = "/akun".parse().expect("a valid path");
    if !csrf_ok(&parts, form.get("csrf")) {
        return csrf_refused(&state, parts, form).await;
    }
    let Some(s) = session_of(&parts) else { return StatusCode::UNAUTHORIZED.into_response() };
    let lang = lang_of(&parts);
    let get = |k: &str| form.get(k).cloned().unwrap_or_default();
    let (current, new, confirm) = (get("current_password"), get("new_password"), get("confirm_password"));
    let stored = match auth::password_hash_of(&state.pool, s.user.id).await {
        Ok(h) => h.unwrap_or_default(),
        Err(e) => return save_failed(&state, parts, form, e).await,
    };
    let mut sub = Submitted::new(HashMap::new());
    // Current-password guesses (from a session left open, say) are throttled as sign-ins are.
    let scope = format!("{}{}", auth::PASSWORD_PAGE_SCOPE, s.user.username);
    let client = client_of(&state, &parts);
    let _slot = match hashing_slot(&state, &parts, &HashMap::new()).await {
        Ok(slot) => slot,
        Err(busy) => return busy,
    };
    match auth::throttle(&state.pool, &scope, &client).await {
        Ok(auth::Throttle::Allowed) => {}
        Ok(wait) => {
            tracing::warn!(client = %client, user.id = s.user.id, "password change refused: too many wrong current passwords");
            let msg = trf(lang, "limits_rules.too_many_password_attempts", &[("minutes", wait.minutes().to_string())]);
            return render(&state, parts, sub.error("current_password", msg), Some(StatusCode::TOO_MANY_REQUESTS)).await;
        }
        Err(e) => return save_failed(&state, parts, HashMap::new(), e).await,
    }
    let current_ok = match auth::verify_in_background(current, stored).await {
        Ok(ok) => ok,
        Err(e) => return save_failed(&state, parts, HashMap::new(), e).await,
    };
    if let Err(e) = auth::record_attempt(&state.pool, &scope, &client, current_ok).await {
        return save_failed(&state, parts, HashMap::new(), e).await;
    }
    if !current_ok {
        sub = sub.error("current_password", tr(lang, "account.wrong_password"));
    }
    if let Err(key) = auth::check_new_password(&new, &s.user.username) {
        sub = sub.error("new_password", trf(lang, &format!("account.{key}"), &[("n", auth::MIN_PASSWORD_CHARS.to_string())]));
    } else if new != confirm {
        sub = sub.error("confirm_password", tr(lang, "account.passwords_differ"));
    }
    if !sub.errors.is_empty() {
        return render(&state, parts, sub, None).await;
    }
    let hash = match auth::hash_in_background(new).await {
        Ok(h) => h,
        Err(e) => return save_failed(&state, parts, HashMap::new(), e).await,
    };
    let token = app::lang::cookie(&parts.headers, auth::SESSION_COOKIE).unwrap_or_default();
    let result = async {
        let mut tx = state.pool.begin().await?;
        auth::set_password(&mut tx, s.user.id, &hash).await?;
        auth::end_other_sessions(&mut tx, s.user.id, &token).await?;
        let when =
            serde_json::Map::from_iter([("password_changed".to_string(), serde_json::Value::String(chrono::Utc::now().to_rfc3339()))]);
        audit::record(
            &mut tx,
            &Actor::user(&s.user),
            Via::Account,
            Change {
                action: Action::Update,
                entity: "user",
                record_id: s.user.id,
                region: s.user.role.region(),
                old: None,
                new: Some(&when),
            },
        )
        .await?;
        tx.commit().await
    }
    .await;
    match result {
        Ok(()) => see_other("/akun?pesan=sandi"),
        Err(e) => save_failed(&state, parts, HashMap::new(), e).await,
    }
}

async fn add_user(State(state): State<AppState>, req: Request) -> Response {
    let (parts, form) = read_form(req).await;
    if !csrf_ok(&parts, form.get("csrf")) {
        return csrf_refused(&state, parts, form).await;
    }
    let Some(s) = session_of(&parts).filter(|s| s.user.role == Role::Admin) else {
        return render(&state, parts, (), Some(StatusCode::FORBIDDEN)).await;
    };
    let lang = lang_of(&parts);
    let get = |k: &str| form.get(k).cloned().unwrap_or_default();
    let mut sub = Submitted::new(without_secrets(form.clone()));
    let username =
        auth::normalise_username(&get("username")).map_err(|_| sub = sub.clone().error("username", tr(lang, "users.bad_username"))).ok();
    let role = match Role::from_parts(&get("role"), Some(get("region_code").as_str())) {
        Ok(r) if r.region().is_none_or(|c| state.regions.contains(c)) => Some(r),
        Ok(_) => {
            sub = sub.error("region_code", tr(lang, "users.unknown_region"));
            None
        }
        Err(_) => {
            sub = sub.error("region_code", tr(lang, "users.region_mismatch"));
            None
        }
    };
    let password = get("password");
    if let Err(key) = auth::check_new_password(&password, &get("username")) {
        sub = sub.error("password", trf(lang, &format!("account.{key}"), &[("n", auth::MIN_PASSWORD_CHARS.to_string())]));
    }
    let (Some(username), Some(role), true) = (username, role, sub.errors.is_empty()) else {
        return render(&state, parts, sub, None).await;
    };
    let display = get("display_name");
    let _slot = match hashing_slot(&state, &parts, &form).await {
        Ok(slot) => slot,
        Err(busy) => return busy,
    };
    let hash = match auth::hash_in_background(password).await {
        Ok(h) => h,
        Err(e) => return save_failed(&state, parts, form, e).await,
    };
    let result = create_user(&state, &Actor::user(&s.user), Via::Account, &username, &display, &hash, role).await;
    match result {
        Ok(_) => see_other("/kelola/pengguna?pesan=pengguna"),
        Err(auth::UserError::Taken(_)) => render(&state, parts, sub.error("username", tr(lang, "users.taken")), None).await,
        Err(e) => save_failed(&state, parts, form, e).await,
    }
}

/// Creates an account and its audit entry in one transaction (the form above and `pantau-kla user add`).
pub async fn create_user(
    state: &AppState,
    actor: &Actor,
    via: Via,
    username: &str,
    display_name: &str,
    password_hash: &str,
    role: Role,
) -> Result<i64, auth::UserError> {
    let mut tx = state.pool.begin().await?;
    let id = auth::insert_user(&mut tx, username, display_name, password_hash, role).await?;
    let values = serde_json::Map::from_iter(
        [
            ("username", username.to_string()),
            ("display_name", display_name.trim().to_string()),
            ("role", role.as_str().to_string()),
            ("region_code", role.region().map(|r| r.to_string()).unwrap_or_default()),
        ]
        .map(|(k, v)| (k.to_string(), serde_json::Value::String(v))),
    );
    audit::record(
        &mut tx,
        actor,
        via,
        Change { action: Action::Create, entity: "user", record_id: id, region: role.region(), old: None, new: Some(&values) },
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

// ---------------------------------------------------------------------------------------------------------
// Records

fn back_to(entity: Entity, region: kla::domain::RegionCode, notice: &str) -> String {
    format!("/kelola?wilayah={region}&pesan={notice}#{}", entity.slug())
}

async fn create_record(State(state): State<AppState>, Path(slug): Path<String>, req: Request) -> Response {
    let (parts, form) = read_form(req).await;
    let Some(entity) = Entity::from_slug(&slug) else { return render(&state, parts, (), None).await };
    save_record(state, parts, form, entity, None).await
}

async fn update_record(State(state): State<AppState>, Path((slug, id)): Path<(String, i64)>, req: Request) -> Response {
    let (parts, form) = read_form(req).await;
    let Some(entity) = Entity::from_slug(&slug) else { return render(&state, parts, (), None).await };
    save_record(state, parts, form, entity, Some(id)).await
}

/// Creates (`id` None) or updates a record from its form.
async fn save_record(state: AppState, parts: Parts, form: HashMap<String, String>, entity: Entity, id: Option<i64>) -> Response {
    if !csrf_ok(&parts, form.get("csrf")) {
        return csrf_refused(&state, parts, form).await;
    }
    let Some(s) = session_of(&parts) else { return StatusCode::UNAUTHORIZED.into_response() };
    let lang = lang_of(&parts);
    let values = records::values_of(entity, &form);
    let sub = Submitted::new(without_secrets(form.clone()));
    let valid = match records::validate(entity, &values, &state.bands) {
        Ok(v) => v,
        Err(errs) => return render(&state, parts, sub.field_errors(&errs, lang), None).await,
    };
    if !s.user.role.covers(valid.region()) {
        let msg = trf(lang, "error.outside_scope", &[("detail", valid.region().to_string())]);
        return render(&state, parts, sub.error(entity.region_column(), msg), Some(StatusCode::FORBIDDEN)).await;
    }
    let actor = Actor::user(&s.user);
    let result: Result<Option<i64>, WriteError> = async {
        let mut tx = state.pool.begin().await?;
        let id = match id {
            None => Some(records::create(&mut tx, &state.regions, &actor, Via::Form, &valid, &values).await?),
            Some(id) => match records::load(&mut tx, entity, id).await? {
                // Someone else's record, or gone: the page says which (403 or 404).
                Some(old) if s.user.role.covers(old.region) => {
                    records::update(&mut tx, &state.regions, &actor, &old, &valid).await?;
                    Some(id)
                }
                _ => None,
            },
        };
        tx.commit().await?;
        Ok(id)
    }
    .await;
    match result {
        Ok(Some(_)) => see_other(&back_to(entity, valid.region(), "disimpan")),
        Ok(None) => render(&state, parts, (), None).await,
        Err(WriteError::Invalid(errs)) => render(&state, parts, sub.field_errors(&errs, lang), None).await,
        Err(WriteError::Db(e)) => save_failed(&state, parts, form, e).await,
    }
}

async fn delete_record(State(state): State<AppState>, Path((slug, id)): Path<(String, i64)>, req: Request) -> Response {
    let (parts, form) = read_form(req).await;
    let Some(entity) = Entity::from_slug(&slug) else { return render(&state, parts, (), None).await };
    if !csrf_ok(&parts, form.get("csrf")) {
        return csrf_refused(&state, parts, form).await;
    }
    let Some(s) = session_of(&parts) else { return StatusCode::UNAUTHORIZED.into_response() };
    let result: Result<Option<kla::domain::RegionCode>, sqlx::Error> = async {
        let mut tx = state.pool.begin().await?;
        let region = match records::load(&mut tx, entity, id).await? {
            Some(old) if s.user.role.covers(old.region) => {
                records::delete(&mut tx, &Actor::user(&s.user), entity, &old).await?;
                Some(old.region)
            }
            _ => None,
        };
        tx.commit().await?;
        Ok(region)
    }
    .await;
    match result {
        Ok(Some(region)) => see_other(&back_to(entity, region, "dihapus")),
        Ok(None) => render(&state, parts, (), None).await,
        Err(e) => save_failed(&state, parts, form, e).await,
    }
}

// ---------------------------------------------------------------------------------------------------------
// Spreadsheet import

async fn import_upload(State(state): State<AppState>, req: Request) -> Response {
    let (parts, body) = req.into_parts();
    let lang = lang_of(&parts);
    let Some(s) = session_of(&parts) else { return StatusCode::UNAUTHORIZED.into_response() };
    let mut multipart = match Multipart::from_request(Request::from_parts(parts.clone(), body), &state).await {
        Ok(m) => m,
        Err(_) => {
            return render(
                &state,
                parts,
                Submitted::default().error("file", tr(lang, "import.not_multipart")),
                Some(StatusCode::BAD_REQUEST),
            )
            .await;
        }
    };
    let mut csrf = None;
    let mut file: Option<(String, Vec<u8>)> = None;
    loop {
        match multipart.next_field().await {
            Ok(Some(mut field)) => match field.name() {
                Some("csrf") => csrf = field.text().await.ok(),
                Some("file") => {
                    let name = kla::evaluation::files::plain_text(field.file_name().unwrap_or(""), 200);
                    let mut bytes = Vec::new();
                    loop {
                        match field.chunk().await {
                            Ok(Some(chunk)) => {
                                bytes.extend_from_slice(&chunk);
                                if bytes.len() > import::MAX_UPLOAD_BYTES {
                                    return too_large(&state, parts, lang).await;
                                }
                            }
                            Ok(None) => break,
                            Err(_) => return too_large(&state, parts, lang).await,
                        }
                    }
                    file = Some((name, bytes));
                }
                _ => {}
            },
            Ok(None) => break,
            Err(_) => return too_large(&state, parts, lang).await,
        }
    }
    if !csrf_ok(&parts, csrf.as_ref()) {
        return csrf_refused(&state, parts, HashMap::new()).await;
    }
    let Some((file_name, bytes)) = file.filter(|(_, b)| !b.is_empty()) else {
        return render(
            &state,
            parts,
            Submitted::default().error("file", tr(lang, "import.no_file")),
            Some(StatusCode::UNPROCESSABLE_ENTITY),
        )
        .await;
    };
    let _work = match import_slot(&state, &parts, lang).await {
        Ok(slot) => slot,
        Err(busy) => return busy,
    };
    let text = match spreadsheet::to_csv_text(&bytes, spreadsheet::Limits { max_rows: state.import.max_rows }) {
        Ok(text) => text,
        Err(e) => {
            let outcome = PreviewOutcome::Refused(spreadsheet_message(&e, lang));
            return render(&state, parts, ImportPreview { file_name, outcome }, None).await;
        }
    };
    let mut outcome = match preview(&state, &s, &text, lang).await {
        Ok((outcome, _)) => outcome,
        Err(e) => return save_failed(&state, parts, HashMap::new(), e).await,
    };
    if let PreviewOutcome::Ready { draft, .. } = &mut outcome {
        match store_draft(&state, s.user.id, &file_name, &text).await {
            Ok(Some(id)) => *draft = id,
            Ok(None) => {
                let msg = trf(
                    lang,
                    "limits_import.too_many_drafts",
                    &[("n", state.import.max_drafts.to_string()), ("minutes", (DRAFT_SECONDS / 60).to_string())],
                );
                return render(&state, parts, Submitted::default().error("file", msg), Some(StatusCode::TOO_MANY_REQUESTS)).await;
            }
            Err(e) => return save_failed(&state, parts, HashMap::new(), e).await,
        }
    }
    render(&state, parts, ImportPreview { file_name, outcome }, None).await
}

/// Files read, checked or written at once by this process. Each can hold a 25 MB upload, its text and its
/// validated rows (about 400 MB at the 100,000-row limit), so the season's uploads take turns rather than
/// add up.
const IMPORT_SLOTS: usize = 2;
/// How long an upload or a confirmation waits for its turn before it is told to try again.
const IMPORT_WAIT: std::time::Duration = std::time::Duration::from_secs(30);

/// A turn for reading, checking or writing an imported file, or the page saying the server is busy (503).
async fn import_slot(state: &AppState, parts: &Parts, lang: Lang) -> Result<tokio::sync::SemaphorePermit<'static>, Response> {
    static SLOTS: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(IMPORT_SLOTS);
    match tokio::time::timeout(IMPORT_WAIT, SLOTS.acquire()).await {
        Ok(Ok(permit)) => Ok(permit),
        _ => {
            let msg = tr(lang, "limits_import.busy");
            Err(render(state, parts.clone(), Submitted::default().error("file", msg), Some(StatusCode::SERVICE_UNAVAILABLE)).await)
        }
    }
}

async fn too_large(state: &AppState, parts: Parts, lang: Lang) -> Response {
    let msg = trf(lang, "import.too_large", &[("mb", (import::MAX_UPLOAD_BYTES / 1_000_000).to_string())]);
    render(state, parts, Submitted::default().error("file", msg), Some(StatusCode::PAYLOAD_TOO_LARGE)).await
}

/// Checks a file as the import would: every row's errors, and rows outside the user's region. A clean file
/// comes back as `Ready` (its `draft` id left for the caller to fill in) with the validated rows.
async fn preview(state: &AppState, s: &Session, text: &str, lang: Lang) -> Result<(PreviewOutcome, Option<import::Parsed>), sqlx::Error> {
    let entity = match import::kind_of(text) {
        Ok(k) => k,
        Err(e) => return Ok((PreviewOutcome::Refused(import_message(&e, lang)), None)),
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
            return Ok((PreviewOutcome::RowErrors { entity, rows: rows_in_file, errors: errors.merge(outside) }, None));
        }
        Err(e) => return Ok((PreviewOutcome::Refused(import_message(&e, lang)), None)),
    };
    if parsed.is_empty() {
        return Ok((PreviewOutcome::Refused(tr(lang, "import.empty")), None));
    }
    // Both lists name the same rows here (every row parsed): one of them is enough.
    let outside = if outside.is_empty() { import::out_of_scope(&parsed, s.user.role, lang) } else { outside };
    if !outside.is_empty() {
        return Ok((PreviewOutcome::RowErrors { entity, rows: parsed.len(), errors: outside }, None));
    }
    let columns: Vec<String> = entity.columns().iter().map(|c| c.to_string()).collect();
    let sample: Vec<Vec<String>> = parsed
        .values()
        .into_iter()
        .take(PREVIEW_ROWS)
        .map(|v| columns.iter().map(|c| v.get(c).and_then(|x| x.as_str()).unwrap_or("").to_string()).collect())
        .collect();
    let ready = PreviewOutcome::Ready { draft: String::new(), entity, rows: parsed.len(), columns, sample };
    Ok((ready, Some(parsed)))
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

/// Keeps a checked file until it is confirmed, after sweeping expired drafts; `None` when the user already
/// has as many live drafts as allowed (`--import-max-drafts`), so one user cannot fill the database.
async fn store_draft(state: &AppState, user_id: i64, file_name: &str, text: &str) -> Result<Option<String>, sqlx::Error> {
    let id = auth::random_token();
    let now = auth::now();
    sqlx::query("delete from import_drafts where created_at < $1").bind(now - DRAFT_SECONDS).execute(&state.pool).await?;
    // One statement, so the count and the insert see the same drafts.
    let stored = sqlx::query(
        "insert into import_drafts (id, user_id, created_at, file_name, content) \
         select $1, $2, $3, $4, $5 where (select count(*) from import_drafts where user_id = $2 and created_at >= $6) < $7",
    )
    .bind(&id)
    .bind(user_id)
    .bind(now)
    .bind(file_name)
    .bind(text)
    .bind(now - DRAFT_SECONDS)
    .bind(i64::try_from(state.import.max_drafts).unwrap_or(i64::MAX))
    .execute(&state.pool)
    .await?;
    Ok((stored.rows_affected() == 1).then_some(id))
}

async fn import_confirm(State(state): State<AppState>, req: Request) -> Response {
    let (mut parts, form) = read_form(req).await;
    // A refusal is shown on the upload page.
    parts.uri = "/kelola/impor".parse().expect("a valid path");
    if !csrf_ok(&parts, form.get("csrf")) {
        return csrf_refused(&state, parts, HashMap::new()).await;
    }
    let Some(s) = session_of(&parts) else { return StatusCode::UNAUTHORIZED.into_response() };
    let lang = lang_of(&parts);
    let draft_id = form.get("draft").cloned().unwrap_or_default();
    let draft: Option<(String, String)> =
        match sqlx::query_as("select file_name, content from import_drafts where id = $1 and user_id = $2 and created_at > $3")
            .bind(&draft_id)
            .bind(s.user.id)
            .bind(auth::now() - DRAFT_SECONDS)
            .fetch_optional(&state.pool)
            .await
        {
            Ok(d) => d,
            Err(e) => return save_failed(&state, parts, HashMap::new(), e).await,
        };
    let Some((file_name, text)) = draft else {
        return render(&state, parts, Submitted::default().error("file", tr(lang, "import.draft_gone")), Some(StatusCode::GONE)).await;
    };
    let _work = match import_slot(&state, &parts, lang).await {
        Ok(slot) => slot,
        Err(busy) => return busy,
    };
    // Checked again: the rules or the user's region may have changed since the preview.
    let parsed = match preview(&state, &s, &text, lang).await {
        Ok((_, Some(parsed))) => parsed,
        Ok((outcome, None)) => return render(&state, parts, ImportPreview { file_name, outcome }, None).await,
        Err(e) => return save_failed(&state, parts, HashMap::new(), e).await,
    };
    let first_region = parsed.regions().first().map(|(_, r)| *r);
    // The draft is removed in the import's own transaction, and only one confirmation can remove it: a
    // confirmation sent twice (a double click, two tabs) imports once, the other finds the draft gone.
    let written = async {
        let mut tx = state.pool.begin().await.map_err(ImportError::Database)?;
        let claimed = sqlx::query("delete from import_drafts where id = $1 and user_id = $2")
            .bind(&draft_id)
            .bind(s.user.id)
            .execute(&mut *tx)
            .await
            .map_err(ImportError::Database)?
            .rows_affected();
        if claimed != 1 {
            return Ok(None);
        }
        let n = import::write_in(&mut tx, &state.regions, &parsed, &Actor::user(&s.user), Via::Import, false, lang, |_| {}).await?;
        tx.commit().await.map_err(ImportError::Database)?;
        Ok(Some(n))
    }
    .await;
    match written {
        Ok(None) => render(&state, parts, Submitted::default().error("file", tr(lang, "import.draft_gone")), Some(StatusCode::GONE)).await,
        Ok(Some(n)) => {
            let region = first_region.or(s.user.role.region()).map(|r| r.to_string()).unwrap_or_default();
            see_other(&format!("/kelola?wilayah={region}&pesan=diimpor&n={n}"))
        }
        Err(ImportError::Rows(errors)) => {
            let entity = parsed.entity();
            render(
                &state,
                parts,
                ImportPreview { file_name, outcome: PreviewOutcome::RowErrors { entity, rows: parsed.len(), errors } },
                None,
            )
            .await
        }
        Err(e) => save_failed(&state, parts, HashMap::new(), e).await,
    }
}

// ---------------------------------------------------------------------------------------------------------
// Downloads: exports of what the user may see, and templates

/// `kegiatan.xlsx` → (entity, format).
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

async fn export(State(state): State<AppState>, Path(file): Path<String>, req: Request) -> Response {
    let (parts, _) = req.into_parts();
    let Some(s) = session_of(&parts) else { return StatusCode::UNAUTHORIZED.into_response() };
    let Some((entity, format)) = file_parts(&file) else { return render(&state, parts, (), None).await };
    let wilayah = parts
        .uri
        .query()
        .and_then(|q| serde_urlencoded::from_str::<Vec<(String, String)>>(q).ok())
        .and_then(|p| p.into_iter().find(|(k, v)| k == "wilayah" && !v.is_empty()).map(|(_, v)| v));
    let filter = match wilayah {
        Some(w) => match kla::domain::RegionCode::parse(&w).ok().filter(|c| state.regions.contains(*c)) {
            None => return render(&state, parts, (), Some(StatusCode::NOT_FOUND)).await,
            Some(c) if !s.user.role.covers(c) => return forbidden(&state, parts).await,
            Some(c @ kla::domain::RegionCode::Province(_)) => Filter::Province(c),
            Some(c) => Filter::Region(c),
        },
        None => match s.user.role {
            Role::Admin => Filter::All,
            Role::Province(p) => Filter::Province(p),
            Role::Regency(r) => Filter::Region(r),
        },
    };
    let (rows, _) = match records::list(&state.pool, entity, filter, None).await {
        Ok(r) => r,
        Err(e) => {
            tracing::error!(error = %e, "export failed");
            return render(&state, parts, (), Some(StatusCode::INTERNAL_SERVER_ERROR)).await;
        }
    };
    let table: Vec<Vec<String>> = rows.iter().map(|r| entity.columns().iter().map(|c| r.get(c).to_string()).collect()).collect();
    let scope = match filter {
        Filter::All => "indonesia".to_string(),
        Filter::Province(c) | Filter::Region(c) => c.to_string(),
    };
    let name = format!("pantau-kla-{}-{scope}.{}", entity.slug(), format.extension());
    download(format, &name, spreadsheet::write(format, entity.slug(), entity.columns(), &table))
}

async fn forbidden(state: &AppState, parts: Parts) -> Response {
    error_page(state, parts, app::error::AppError::Forbidden).await
}

/// The error page (404, 403, 500 …) in place of whatever the request's path shows.
pub(crate) async fn error_page(state: &AppState, parts: Parts, error: app::error::AppError) -> Response {
    let status = error.status();
    render(state, parts, app::pages::ShownError(error), Some(status)).await
}

async fn template(State(state): State<AppState>, Path(file): Path<String>, req: Request) -> Response {
    let (parts, _) = req.into_parts();
    let Some((entity, format)) = file_parts(&file) else { return render(&state, parts, (), None).await };
    let region = session_of(&parts).and_then(|s| s.user.role.region());
    let example = entity.example_row(region);
    let name = format!("templat-{}.{}", entity.slug(), format.extension());
    download(format, &name, spreadsheet::write(format, entity.slug(), entity.columns(), &[example]))
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

    #[test]
    fn secrets_are_never_shown_again() {
        let form = HashMap::from([("password".to_string(), "x".to_string()), ("username".to_string(), "rina".to_string())]);
        let kept = without_secrets(form);
        assert!(kept.contains_key("username") && !kept.contains_key("password"));
    }
}
