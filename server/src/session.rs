//! The session layer every request passes: finds the signed-in user from the session cookie (sessions live
//! in the database, so any app server can answer), gives signed-out visitors a CSRF cookie for the sign-in
//! form, keeps `/kelola` and `/akun` for signed-in users, refuses cross-site form posts, and builds the
//! session cookies (HttpOnly, SameSite=Lax, Secure behind HTTPS).

use app::AppState;
use app::lang::cookie;
use app::paths;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use kla::auth::{self, ANON_CSRF_COOKIE, AnonCsrf, SESSION_COOKIE, Session};

/// The session found for the request's cookie by the response-cache layer (which must know before it
/// answers from the cache), so this layer does not look it up again.
#[derive(Debug, Clone)]
pub struct SessionLookup(pub Option<Session>);

/// Paths that need a signed-in user.
pub fn needs_session(path: &str) -> bool {
    let under = |root: &str| path == root || path.strip_prefix(root).is_some_and(|rest| rest.starts_with('/'));
    under(paths::MANAGE) || under(paths::ACCOUNT)
}

/// Whether cookies get the `Secure` attribute: always when configured, else when a proxy says the request
/// came over HTTPS.
pub fn secure(state: &AppState, headers: &HeaderMap) -> bool {
    state.secure_cookies || headers.get("x-forwarded-proto").and_then(|v| v.to_str().ok()).is_some_and(|v| v.eq_ignore_ascii_case("https"))
}

pub fn session_cookie(token: &str, secure: bool) -> String {
    format!(
        "{SESSION_COOKIE}={token}; Path=/; Max-Age={}; HttpOnly; SameSite=Lax{}",
        auth::SESSION_SECONDS,
        if secure { "; Secure" } else { "" }
    )
}

pub fn clear_session_cookie(secure: bool) -> String {
    format!("{SESSION_COOKIE}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax{}", if secure { "; Secure" } else { "" })
}

fn anon_cookie(token: &str, secure: bool) -> String {
    format!("{ANON_CSRF_COOKIE}={token}; Path=/; Max-Age=7200; HttpOnly; SameSite=Lax{}", if secure { "; Secure" } else { "" })
}

/// A form post from another site: its `Origin` names a host other than ours.
fn cross_site(headers: &HeaderMap) -> bool {
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else { return false };
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok()).unwrap_or("");
    let origin_host = origin.split_once("://").map_or(origin, |(_, h)| h);
    origin == "null" || !origin_host.eq_ignore_ascii_case(host)
}

pub async fn layer(State(state): State<AppState>, mut req: Request<Body>, next: Next) -> Response {
    let path = req.uri().path().to_string();
    let mut session: Option<Session> = None;
    if let Some(SessionLookup(found)) = req.extensions_mut().remove::<SessionLookup>() {
        session = found;
    } else if let Some(token) = cookie(req.headers(), SESSION_COOKIE) {
        match auth::find_session(&state.pool, &token).await {
            Ok(s) => session = s,
            Err(e) => tracing::error!(error = %e, "session lookup failed"),
        }
    }
    let signed_in = session.is_some();
    let secure = secure(&state, req.headers());
    let mut new_anon = None;
    match &session {
        Some(s) => {
            req.extensions_mut().insert(s.clone());
        }
        None => match cookie(req.headers(), ANON_CSRF_COOKIE).filter(|v| v.len() == 64 && v.bytes().all(|b| b.is_ascii_hexdigit())) {
            Some(v) => {
                req.extensions_mut().insert(AnonCsrf(v));
            }
            None if path == paths::SIGN_IN => {
                let t = auth::random_token();
                req.extensions_mut().insert(AnonCsrf(t.clone()));
                new_anon = Some(t);
            }
            None => {}
        },
    }
    if req.method() != Method::GET && req.method() != Method::HEAD && cross_site(req.headers()) {
        return (StatusCode::FORBIDDEN, "cross-site form posts are refused").into_response();
    }
    if session.is_none() && needs_session(&path) {
        if req.method() == Method::GET || req.method() == Method::HEAD {
            let back = req.uri().path_and_query().map(|p| p.as_str().to_string()).unwrap_or(path.clone());
            let target = format!("{}?{}", paths::SIGN_IN, serde_urlencoded::to_string([("kembali", back)]).unwrap_or_default());
            return Redirect::to(&target).into_response();
        }
        return (StatusCode::UNAUTHORIZED, "sign in first: /masuk").into_response();
    }
    let mut res = next.run(req).await;
    if let Some(t) = new_anon
        && let Ok(v) = HeaderValue::from_str(&anon_cookie(&t, secure))
    {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
    if needs_session(&path) || path == paths::SIGN_IN {
        // Pages of a signed-in user are nobody else's: no shared cache may keep them.
        res.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    } else if signed_in {
        mark_private(res.headers_mut());
    }
    res
}

/// A public page seen while signed in shows the user's name: for this browser only, and asked afresh (the
/// same URL without the cookie is the public page). A stricter `no-store` already there stays.
fn mark_private(headers: &mut HeaderMap) {
    let no_store = headers.get_all(header::CACHE_CONTROL).iter().filter_map(|v| v.to_str().ok()).any(|v| v.contains("no-store"));
    if !no_store {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-cache"));
    }
    headers.append(header::VARY, HeaderValue::from_static("Cookie"));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_management_paths_need_a_session() {
        assert!(needs_session("/kelola") && needs_session("/kelola/kegiatan/baru") && needs_session("/akun/sandi"));
        assert!(!needs_session("/") && !needs_session("/kelolaan") && !needs_session("/masuk") && !needs_session("/api/v1/wilayah"));
    }

    #[test]
    fn posts_from_other_sites_are_told_apart() {
        let mut h = HeaderMap::new();
        h.insert(header::HOST, "kla.example.id".parse().unwrap());
        assert!(!cross_site(&h));
        h.insert(header::ORIGIN, "https://kla.example.id".parse().unwrap());
        assert!(!cross_site(&h));
        h.insert(header::ORIGIN, "https://evil.example".parse().unwrap());
        assert!(cross_site(&h));
        h.insert(header::ORIGIN, "null".parse().unwrap());
        assert!(cross_site(&h));
    }

    #[test]
    fn pages_seen_signed_in_are_private_and_vary_by_cookie() {
        let mut h = HeaderMap::new();
        mark_private(&mut h);
        assert_eq!(h[header::CACHE_CONTROL], "private, no-cache");
        assert_eq!(h[header::VARY], "Cookie");
        let mut h = HeaderMap::new();
        h.insert(header::CACHE_CONTROL, "no-cache".parse().unwrap());
        mark_private(&mut h);
        assert_eq!(h[header::CACHE_CONTROL], "private, no-cache", "an API answer becomes private");
        let mut h = HeaderMap::new();
        h.insert(header::CACHE_CONTROL, "private, no-store".parse().unwrap());
        mark_private(&mut h);
        assert_eq!(h[header::CACHE_CONTROL], "private, no-store", "an evidence document stays unstored");
    }

    #[test]
    fn session_cookies_are_http_only_and_same_site() {
        let c = session_cookie("abc", false);
        assert!(c.contains("HttpOnly") && c.contains("SameSite=Lax") && !c.contains("Secure"));
        assert!(session_cookie("abc", true).ends_with("; Secure"));
    }
}
