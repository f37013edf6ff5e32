//! Signing in and out, and changing one's own password (`/masuk`, `/keluar`, `/akun/sandi`).

use super::{hashing_slot, see_other};
use crate::error::HandlerError;
use crate::extract::{Client, CsrfForm, ReqLang, SignedIn};
use crate::session;
use app::AppState;
use app::paths;
use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use axum::routing::post;
use kla::audit::{Actor, Via};
use kla::auth;
use kla::i18n::{tr, trf, trn};
use std::collections::HashMap;

pub fn routes() -> Router<AppState> {
    Router::new().route(paths::SIGN_IN, post(sign_in)).route(paths::SIGN_OUT, post(sign_out)).route(paths::PASSWORD, post(change_password))
}

async fn sign_in(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    Client(client): Client,
    headers: HeaderMap,
    form: CsrfForm,
) -> Result<Response, HandlerError> {
    let username = auth::normalise_username(form.get("username").unwrap_or("")).unwrap_or_default();
    let password = form.text("password");
    let back = app::pages::manage::account::safe_return(form.fields.get("kembali").cloned());
    let form = form.fields;
    // Held from the throttle check to the recorded attempt: a burst of posts is checked a few at a time, so
    // it cannot pass the throttle all at once, and the hashing it causes is bounded.
    let _slot = hashing_slot(&form, lang).await?;
    let failed = |e: sqlx::Error| HandlerError::from(e).with_input(&form);
    match auth::throttle(&state.pool, &username, &client).await.map_err(failed)? {
        auth::Throttle::Allowed => {}
        wait => {
            tracing::warn!(client = %client, "sign-in refused: too many failed attempts");
            let msg = trn(lang, "limits_rules.too_many_attempts", wait.minutes(), &[]);
            return Err(HandlerError::refused(form, "", msg, StatusCode::TOO_MANY_REQUESTS));
        }
    }
    let found = auth::find_for_sign_in(&state.pool, &username).await.map_err(failed)?;
    let hash = found.as_ref().map_or_else(|| auth::dummy_hash().to_string(), |(_, h)| h.clone());
    let ok = auth::verify_in_background(password, hash).await.map_err(|e| HandlerError::internal(e).with_input(&form))? && found.is_some();
    auth::record_attempt(&state.pool, &username, &client, ok).await.map_err(failed)?;
    let Some((user, _)) = found.filter(|_| ok) else {
        return Err(HandlerError::refused(form, "", tr(lang, "account.wrong_credentials"), StatusCode::UNAUTHORIZED));
    };
    let (token, _csrf) = auth::create_session(&state.pool, user.id).await.map_err(failed)?;
    tracing::info!(user.id = user.id, "signed in");
    let mut res = see_other(&back);
    if let Ok(v) = HeaderValue::from_str(&session::session_cookie(&token, session::secure(&state, &headers))) {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
    Ok(res)
}

async fn sign_out(State(state): State<AppState>, headers: HeaderMap, _form: CsrfForm) -> Response {
    if let Some(token) = app::lang::cookie(&headers, auth::SESSION_COOKIE)
        && let Err(e) = auth::end_session(&state.pool, &token).await
    {
        tracing::error!(error = %e, "ending a session failed");
    }
    let mut res = see_other(paths::HOME);
    if let Ok(v) = HeaderValue::from_str(&session::clear_session_cookie(session::secure(&state, &headers))) {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
    res
}

async fn change_password(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    Client(client): Client,
    headers: HeaderMap,
    s: Result<SignedIn, HandlerError>,
    form: Result<CsrfForm, HandlerError>,
) -> Result<Response, HandlerError> {
    // A refusal is shown on the account page.
    let form = form.map_err(|e| e.at(paths::ACCOUNT))?;
    let SignedIn(s) = s?;
    let nothing = HashMap::new();
    let failed = |e: sqlx::Error| HandlerError::from(e).at(paths::ACCOUNT);
    let (current, new, confirm) = (form.text("current_password"), form.text("new_password"), form.text("confirm_password"));
    let stored = auth::password_hash_of(&state.pool, s.user.id).await.map_err(failed)?.unwrap_or_default();
    let mut sub = app::pages::manage::Submitted::new(HashMap::new());
    // Current-password guesses (from a session left open, say) are throttled as sign-ins are.
    let scope = format!("{}{}", auth::PASSWORD_PAGE_SCOPE, s.user.username);
    let _slot = hashing_slot(&nothing, lang).await.map_err(|e| e.at(paths::ACCOUNT))?;
    match auth::throttle(&state.pool, &scope, &client).await.map_err(failed)? {
        auth::Throttle::Allowed => {}
        wait => {
            tracing::warn!(client = %client, user.id = s.user.id, "password change refused: too many wrong current passwords");
            let msg = trn(lang, "limits_rules.too_many_password_attempts", wait.minutes(), &[]);
            return Err(HandlerError::form(sub.error("current_password", msg), Some(StatusCode::TOO_MANY_REQUESTS)).at(paths::ACCOUNT));
        }
    }
    let current_ok = auth::verify_in_background(current, stored).await.map_err(|e| HandlerError::internal(e).at(paths::ACCOUNT))?;
    auth::record_attempt(&state.pool, &scope, &client, current_ok).await.map_err(failed)?;
    if !current_ok {
        sub = sub.error("current_password", tr(lang, "account.wrong_password"));
    }
    if let Err(key) = auth::check_new_password(&new, &s.user.username) {
        sub = sub.error("new_password", trf(lang, &format!("account.{key}"), &[("n", auth::MIN_PASSWORD_CHARS.to_string())]));
    } else if new != confirm {
        sub = sub.error("confirm_password", tr(lang, "account.passwords_differ"));
    }
    if !sub.errors.is_empty() {
        return Err(HandlerError::form(sub, None).at(paths::ACCOUNT));
    }
    let hash = auth::hash_in_background(new).await.map_err(|e| HandlerError::internal(e).at(paths::ACCOUNT))?;
    let token = app::lang::cookie(&headers, auth::SESSION_COOKIE).unwrap_or_default();
    auth::change_password(&state.pool, &Actor::user(&s.user), Via::Account, &s.user, &hash, Some(&token)).await.map_err(failed)?;
    Ok(see_other(&format!("{}?pesan=sandi", paths::ACCOUNT)))
}
