//! What a handler needs from a request, extracted once: [`CsrfForm`] (a capped urlencoded form whose token
//! was checked), [`SignedIn`] (the session), [`ReqLang`], [`Client`] (the address throttles count), and
//! [`SheetTarget`] (the evaluation sheet a path names, in the user's scope). Each refuses with a
//! [`HandlerError`], so a handler reads as its happy path.

use crate::error::HandlerError;
use app::AppState;
use axum::extract::{FromRequest, FromRequestParts, Path, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use kla::audit::Actor;
use kla::auth::{self, Session};
use kla::domain::RegionCode;
use kla::evaluation::sheet::{Cycle, Side};
use kla::evaluation::target::{self, Found};
use kla::i18n::{Lang, tr, trf};
use std::collections::HashMap;

/// The largest urlencoded form accepted.
pub const FORM_BYTES: usize = 256 * 1024;

/// Whether reading a body failed because it was over the limit given to `to_bytes`.
pub fn over_limit(e: axum::Error) -> bool {
    e.into_inner().downcast_ref::<http_body_util::LengthLimitError>().is_some()
}

/// A urlencoded form (at most [`FORM_BYTES`]) that carries this request's CSRF token. Refused as today's
/// forms are: over the limit, 413 naming it; a stale or missing token, 403 with the input kept.
pub struct CsrfForm {
    /// The fields by name (the last of a repeated name).
    pub fields: HashMap<String, String>,
    /// Every pair as sent, for checkboxes that repeat their name.
    pub pairs: Vec<(String, String)>,
}

impl CsrfForm {
    pub fn get(&self, k: &str) -> Option<&str> {
        self.fields.get(k).map(String::as_str)
    }
    /// A field, or `""`.
    pub fn text(&self, k: &str) -> String {
        self.fields.get(k).cloned().unwrap_or_default()
    }
}

impl FromRequest<AppState> for CsrfForm {
    type Rejection = HandlerError;

    async fn from_request(req: Request, _: &AppState) -> Result<Self, HandlerError> {
        let (parts, body) = req.into_parts();
        let bytes = match axum::body::to_bytes(body, FORM_BYTES).await {
            Ok(b) => b,
            Err(e) => {
                if over_limit(e) {
                    return Err(form_too_large(lang_of(&parts)));
                }
                Default::default()
            }
        };
        let pairs = serde_urlencoded::from_bytes::<Vec<(String, String)>>(&bytes).unwrap_or_default();
        let fields: HashMap<String, String> = pairs.iter().cloned().collect();
        check_csrf(&parts, fields.get("csrf").map(String::as_str), &fields)?;
        Ok(Self { fields, pairs })
    }
}

/// Refuses a form without this request's CSRF token (the session's, or the signed-out visitor's cookie):
/// shown again, input kept, with a fresh token.
pub fn check_csrf(parts: &Parts, sent: Option<&str>, form: &HashMap<String, String>) -> Result<(), HandlerError> {
    let expected =
        parts.extensions.get::<Session>().map(|s| s.csrf.clone()).or_else(|| parts.extensions.get::<auth::AnonCsrf>().map(|a| a.0.clone()));
    match (expected, sent) {
        (Some(e), Some(s)) if auth::tokens_match(&e, s) => Ok(()),
        _ => Err(HandlerError::refused(form.clone(), "", tr(lang_of(parts), "manage.csrf_expired"), StatusCode::FORBIDDEN)),
    }
}

/// A form over [`FORM_BYTES`]: 413, saying so and naming the limit.
pub fn form_too_large(lang: Lang) -> HandlerError {
    let msg = trf(lang, "limits_rules.form_too_large", &[("kb", (FORM_BYTES / 1024).to_string())]);
    HandlerError::refused(HashMap::new(), "", msg, StatusCode::PAYLOAD_TOO_LARGE)
}

/// The signed-in user's session (the session layer has already refused requests without one).
pub struct SignedIn(pub Session);

impl<S: Send + Sync> FromRequestParts<S> for SignedIn {
    type Rejection = HandlerError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, HandlerError> {
        parts.extensions.get::<Session>().cloned().map(SignedIn).ok_or(HandlerError::Unauthorized)
    }
}

/// The reader's language (`?lang=`, the cookie, then Indonesian).
pub struct ReqLang(pub Lang);

pub fn lang_of(parts: &Parts) -> Lang {
    app::lang::of_request(&parts.uri, &parts.headers)
}

impl<S: Send + Sync> FromRequestParts<S> for ReqLang {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(ReqLang(lang_of(parts)))
    }
}

/// The client's address, for throttling (see [`crate::client`]); IPv6 by its /64, one subscriber's block,
/// as the other per-client limits count it.
pub struct Client(pub String);

impl FromRequestParts<AppState> for Client {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let ip = crate::client::of_parts(parts, &state.trusted_proxies);
        Ok(Client(ip.map_or_else(|| "unknown".into(), |ip| app::render_limit::client_of(Some(ip)).to_string())))
    }
}

/// The evaluation sheet a path names (`{tahun}/{kode}`, and `{no}` for an indicator's forms): its cycle,
/// the regency, and the user's side on it. A path naming no sheet is answered on its page (the sheet's, or
/// the indicator's) with 404; a regency outside the user's scope with 403.
pub struct SheetTarget {
    pub cycle: Cycle,
    pub regency: RegionCode,
    pub side: Side,
    pub actor: Actor,
    pub user_id: i64,
    /// The indicator number as the path spells it, when it names one.
    pub no: Option<String>,
    /// The page the forms of this path are shown on.
    pub page: String,
}

impl FromRequestParts<AppState> for SheetTarget {
    type Rejection = HandlerError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, HandlerError> {
        let Path(p) = Path::<HashMap<String, String>>::from_request_parts(parts, state).await.map_err(|_| HandlerError::page(None))?;
        let (year, code) = (p.get("tahun").cloned().unwrap_or_default(), p.get("kode").cloned().unwrap_or_default());
        let no = p.get("no").cloned();
        let page = match &no {
            Some(no) => app::paths::indicator(&year, &code, no),
            None => app::paths::sheet(&year, &code),
        };
        let s = parts.extensions.get::<Session>().cloned().ok_or(HandlerError::Unauthorized)?;
        let miss = |status| HandlerError::form(Default::default(), Some(status)).at(page.clone());
        let found = async {
            let mut conn = kla::db::acquire(&state.pool).await?;
            target::find(&mut conn, &state.regions, s.user.role, &year, &code).await
        }
        .await
        .map_err(|e| HandlerError::from(e).at(page.clone()))?;
        let (cycle, regency, side) = match found {
            Found::Sheet(c, r, side) => (c, r, side),
            Found::NotFound => return Err(miss(StatusCode::NOT_FOUND)),
            Found::Forbidden => return Err(miss(StatusCode::FORBIDDEN)),
        };
        Ok(SheetTarget { cycle, regency, side, actor: Actor::user(&s.user), user_id: s.user.id, no, page })
    }
}
