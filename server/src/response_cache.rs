//! The response cache: public pages and API downloads, as sent (compressed), kept per canonical URL,
//! language and negotiated encoding while the version of the page's region is unchanged. A hit costs one
//! tiny query (that version) and a copy of bytes, so a page is served about as fast as the stylesheet; a
//! write bumps the versions of the regions that show it (`kla::summaries`, migration 0006), so their next
//! request renders afresh — on every app server — while other regions' pages stay warm. A regency page
//! also shows its next step beside the nation's movers and stayers: it is kept while what it shows of them
//! is unchanged too (one more version query, and the pathways computed once per national version).
//!
//! This layer also defends the cache and the renderer against a client that tries to make every request
//! a fresh render: non-canonical URLs are redirected to their canonical form (`canonical.rs`), the key uses
//! the encoding the compression layer will pick (the request is rewritten to ask for just that), a session
//! cookie that names no live session counts as no cookie, the cache admits one-off URLs only into its
//! probation segment (`app::cache::Slru`), concurrent misses of one key render it once, and fresh renders wait for a slot of `app::render_limit`
//! (overall and per client) — 503 with `Retry-After` when none comes free in time. Hits never wait.
//!
//! Never cached: requests with a live session (the header shows the user), anything under `/kelola`,
//! `/akun`, `/masuk`, evidence documents (`/bukti/`, served from their store), non-GET requests, responses
//! other than 200, responses that set a cookie or are marked private or no-store, and responses larger
//! than `MAX_BODY` (sent on as they are).

use crate::canonical::{self, Canonical, MAX_SEARCH_CHARS};
use crate::session::SessionLookup;
use app::AppState;
use app::cache::{CachedResponse, Flight};
use app::paths;
use app::render_limit::{RenderPermit, client_of};
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use kla::i18n::{Lang, tr, trf};

/// The largest response kept (a page or a download, compressed).
const MAX_BODY: usize = 8 * 1024 * 1024;

/// How long a request for a page that is being rendered waits for that render before rendering it itself:
/// long enough for the slowest page at national scale (about 0.3 s alone) under load.
const FOLLOW_WAIT: std::time::Duration = std::time::Duration::from_secs(10);

/// How long browsers may remember a redirect to a canonical URL, in seconds: not forever, so that a
/// parameter added to a route later is not stripped by a redirect a browser kept.
const REDIRECT_MAX_AGE: u32 = 3600;

/// Paths whose responses are never kept: they depend on the user, or are served from elsewhere (the bulk
/// download from its own file, built once per data version: `api::bulk`).
fn private_path(path: &str) -> bool {
    [paths::MANAGE, paths::ACCOUNT, paths::SIGN_IN, paths::SIGN_OUT, paths::HEALTHZ, "/style/", "/bukti/", "/favicon.", paths::API_BULK]
        .iter()
        .any(|p| path.starts_with(p))
}

/// Whether a request may be answered from (and stored in) the cache, before its session cookie is checked.
pub fn cacheable(method: &Method, path: &str, headers: &HeaderMap) -> bool {
    method == Method::GET && !private_path(path) && app::lang::cookie(headers, kla::auth::SESSION_COOKIE).is_none()
}

/// Requests that cost next to nothing and are never counted against the render limits (static bytes, the
/// health check, form posts, which need an account or a CSRF cookie, and the bulk download, built once per
/// data version by one task whatever the number of requests).
fn exempt_from_limits(method: &Method, path: &str) -> bool {
    (method != Method::GET && method != Method::HEAD)
        || path == paths::HEALTHZ
        || path == paths::API_BULK
        || path.starts_with("/style/")
        || path.starts_with("/favicon.")
}

/// The encoding the compression layer will use for these request headers: the accepted one of br and gzip
/// with the highest q-value (br on a tie), else identity. Unreadable items are ignored, as tower-http does.
pub fn negotiate(headers: &HeaderMap) -> &'static str {
    let mut best: Option<(u32, u8, &'static str)> = None;
    for value in headers.get_all(header::ACCEPT_ENCODING) {
        let Ok(value) = value.to_str() else { continue };
        for item in value.split(',') {
            let mut parts = item.split(';');
            let name = parts.next().unwrap_or("").trim();
            let (encoding, preference) = if name.eq_ignore_ascii_case("br") {
                ("br", 2)
            } else if name.eq_ignore_ascii_case("gzip") || name.eq_ignore_ascii_case("x-gzip") {
                ("gzip", 1)
            } else {
                continue;
            };
            let q = match parts.next().map(str::trim) {
                None => 1000,
                Some(p) => match p.strip_prefix("q=").or_else(|| p.strip_prefix("Q=")).and_then(|v| v.parse::<f32>().ok()) {
                    Some(q) if (0.0..=1.0).contains(&q) => (q * 1000.0).round() as u32,
                    _ => continue,
                },
            };
            if q > 0 && best.is_none_or(|(bq, bp, _)| (q, preference) > (bq, bp)) {
                best = Some((q, preference, encoding));
            }
        }
    }
    best.map_or("identity", |(_, _, e)| e)
}

/// The cache key: the language, the canonical target and the negotiated encoding. A `lang` parameter (last
/// in a canonical URL) is left out of the target: it only chooses the language, as the cookie does, and
/// the page is the same either way.
fn key(lang: Lang, target: &str, encoding: &str) -> String {
    let param = format!("lang={}", lang.code());
    let target = target.strip_suffix(&param).and_then(|t| t.strip_suffix(['?', '&'])).unwrap_or(target);
    format!("{}|{target}|{encoding}", lang.code())
}

fn plain(status: StatusCode, message: String) -> Response {
    (status, [(header::CONTENT_TYPE, "text/plain; charset=utf-8"), (header::CACHE_CONTROL, "no-store")], message).into_response()
}

fn redirect(to: &str) -> Response {
    let mut res = StatusCode::PERMANENT_REDIRECT.into_response();
    if let Ok(v) = HeaderValue::from_str(to) {
        res.headers_mut().insert(header::LOCATION, v);
    }
    res.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_str(&format!("max-age={REDIRECT_MAX_AGE}")).expect("a plain header"));
    res
}

/// The client a request counts against (its address, behind a trusted proxy the forwarded one; see
/// [`crate::client`]), or `None` when it counts only overall.
fn client(state: &AppState, req: &Request<Body>, per_client: bool) -> Option<std::net::IpAddr> {
    per_client.then(|| client_of(crate::client::of_request(req.extensions(), req.headers(), &state.trusted_proxies)))
}

/// A slot for a fresh render, or the 503 that tells the client to come back.
async fn render_slot(state: &AppState, client: Option<std::net::IpAddr>, lang: Lang) -> Result<RenderPermit, Response> {
    state.renders.acquire(client).await.map_err(|_| {
        let mut res = plain(StatusCode::SERVICE_UNAVAILABLE, tr(lang, "limits_cache.busy"));
        res.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(state.renders.retry_after_seconds()));
        res
    })
}

fn from_cache(hit: CachedResponse) -> Response {
    let mut res = Response::new(Body::from(hit.body));
    *res.headers_mut() = hit.headers;
    res
}

/// Whether a response says no shared cache may keep it.
fn marked_private(headers: &HeaderMap) -> bool {
    headers.get_all(header::CACHE_CONTROL).iter().filter_map(|v| v.to_str().ok()).any(|v| v.contains("private") || v.contains("no-store"))
}

pub async fn layer(State(state): State<AppState>, mut req: Request<Body>, next: Next) -> Response {
    let method = req.method().clone();
    let path = req.uri().path().to_string();
    let lang = app::lang::of_request(req.uri(), req.headers());
    let target = if method == Method::GET || method == Method::HEAD {
        match canonical::canonical(&path, req.uri().query()) {
            Canonical::Keep(target) => target,
            Canonical::Redirect(to) => return redirect(&to),
            Canonical::SearchTooLong => {
                return plain(StatusCode::BAD_REQUEST, trf(lang, "limits_cache.search_too_long", &[("max", MAX_SEARCH_CHARS.to_string())]));
            }
        }
    } else {
        req.uri().path_and_query().map_or_else(|| path.clone(), |p| p.as_str().to_string())
    };
    // The compression layer then picks exactly this, so the key and the bytes kept under it agree.
    let encoding = negotiate(req.headers());
    req.headers_mut().insert(header::ACCEPT_ENCODING, HeaderValue::from_static(encoding));

    // Whether the request comes from a live session; looked up once, here, and handed to the session layer.
    let mut signed_in = false;
    let mut lookup_failed = false;
    if let Some(token) = app::lang::cookie(req.headers(), kla::auth::SESSION_COOKIE) {
        match kla::auth::find_session(&state.pool, &token).await {
            Ok(found) => {
                signed_in = found.is_some();
                req.extensions_mut().insert(SessionLookup(found));
            }
            Err(e) => {
                tracing::error!(error = %e, "session lookup failed");
                lookup_failed = true;
            }
        }
    }
    let exempt = exempt_from_limits(&method, &path);
    if method != Method::GET || private_path(&path) || signed_in || lookup_failed {
        // Signed-in officers are not limited here: the flood this guards against is anonymous, and an
        // officer's slow download (an evidence pack, an export) must not hold the slot public pages need.
        if exempt || signed_in {
            return next.run(req).await;
        }
        let _slot = match render_slot(&state, client(&state, &req, true), lang).await {
            Ok(s) => s,
            Err(busy) => return busy,
        };
        return next.run(req).await;
    }
    let version = match shown_version(&state, &path, req.uri().query()).await {
        Some(v) => v,
        // The page itself will fail and say so; nothing to cache.
        None => return next.run(req).await,
    };
    let key = key(lang, &target, encoding);
    if let Some(hit) = state.responses.get(&key, version) {
        app::metrics::response_cache_hit();
        return from_cache(hit);
    }
    app::metrics::response_cache_miss();
    // Concurrent misses of one key render it once: the others wait, then take the stored answer.
    let _flight = match state.responses.join(&key) {
        Flight::Leader(guard) => Some(guard),
        Flight::Follower(follower) => {
            app::metrics::follower_wait();
            follower.wait(FOLLOW_WAIT).await;
            if let Some(hit) = state.responses.get(&key, version) {
                return from_cache(hit);
            }
            // That render gave nothing to keep (an error page, a large body): render as usual.
            None
        }
    };
    let _slot = match render_slot(&state, client(&state, &req, true), lang).await {
        Ok(s) => s,
        Err(busy) => return busy,
    };
    let res = app::metrics::time_render(next.run(req)).await;
    if res.status() != StatusCode::OK || res.headers().contains_key(header::SET_COOKIE) || marked_private(res.headers()) {
        return res;
    }
    let (parts, body) = res.into_parts();
    // Read up to MAX_BODY; a larger body is sent on whole (what was read, then the rest) and not kept.
    let body = match crate::headers::read_up_to(body, MAX_BODY).await {
        Ok(crate::headers::Read::Whole(body)) => body,
        Ok(crate::headers::Read::TooLarge(body)) => return Response::from_parts(parts, body),
        Err(e) => {
            tracing::error!(error = %e, "a response could not be read for the cache");
            return Response::builder().status(StatusCode::INTERNAL_SERVER_ERROR).body(Body::empty()).expect("a plain response");
        }
    };
    state.responses.put(key, CachedResponse { version, headers: parts.headers.clone(), body: body.clone() });
    Response::from_parts(parts, Body::from(body))
}

/// The data the response at `path` (and `query`) shows now: its region's version, and for a regency page
/// what it shows of the nation's pathways (a write elsewhere that leaves its comparison as it was keeps it
/// cached). `/jalur` shows the pathways as last computed (`pathways::load_recent`): the national version
/// they were computed at.
async fn shown_version(state: &AppState, path: &str, query: Option<&str>) -> Option<app::cache::ShownVersion> {
    if path == paths::PATHWAYS {
        // An unreadable year is the page's own 400, rendered and not kept (only 200s are).
        let year = app::pages::params::PageParams::from_query(query.unwrap_or(""), Lang::Id).ok()?.year;
        return Some((app::pages::pathways::load_recent(state, year).await.ok()?.1, 0));
    }
    let version = app::cache::version(&state.pool, paths::version_region(path)).await.ok()?;
    let pathways = match paths::regency_page(path) {
        Some(code) => app::pages::regency::pathways_shown(state, code).await.ok()?,
        None => 0,
    };
    Some((version, pathways))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_public_gets_without_a_session_are_cached() {
        let none = HeaderMap::new();
        assert!(cacheable(&Method::GET, "/kabkota/63.10", &none));
        assert!(cacheable(&Method::GET, "/api/v1/nasional/pelatihan-per-tahun.csv", &none));
        assert!(!cacheable(&Method::POST, "/kabkota/63.10", &none));
        assert!(!cacheable(&Method::GET, "/kelola", &none) && !cacheable(&Method::GET, "/masuk", &none));
        assert!(!cacheable(&Method::GET, "/bukti/7", &none), "documents are served from their store");
        let mut signed_in = HeaderMap::new();
        signed_in.insert(header::COOKIE, "lang=id; kla_sesi=abc".parse().unwrap());
        assert!(!cacheable(&Method::GET, "/kabkota/63.10", &signed_in));
    }

    fn accept(v: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::ACCEPT_ENCODING, v.parse().unwrap());
        h
    }

    #[test]
    fn the_key_uses_the_negotiated_encoding_not_the_header() {
        assert_eq!(negotiate(&HeaderMap::new()), "identity");
        for (header, expected) in [
            ("gzip, deflate, br, zstd", "br"),
            ("br;q=1.0, gzip;q=0.8, *;q=0.1", "br"),
            ("gzip", "gzip"),
            ("x-gzip", "gzip"),
            ("GZIP;q=0.5, br;q=0.4", "gzip"),
            ("br;q=0, gzip;q=0", "identity"),
            ("deflate", "identity"),
            ("zstd, x-random-7, x-random-8", "identity"),
            ("gzip;q=abc", "identity"),
            ("identity", "identity"),
        ] {
            assert_eq!(negotiate(&accept(header)), expected, "{header}");
        }
        // However the header is spelled, the keys are the few encodings there are.
        let keys: std::collections::BTreeSet<String> =
            (0..100).map(|i| key(Lang::Id, "/", negotiate(&accept(&format!("gzip;q=0.{i:02}, x-{i}, deflate"))))).collect();
        assert_eq!(keys.len(), 2, "{keys:?}"); // gzip, and identity for q=0.00
        assert_eq!(key(Lang::En, "/?tahun=2025&lang=en", "br"), key(Lang::En, "/?tahun=2025", "br"));
        assert_eq!(key(Lang::En, "/?lang=en", "br"), "en|/|br");
    }

    #[test]
    fn only_gets_and_heads_of_rendered_pages_count_against_the_limits() {
        assert!(exempt_from_limits(&Method::POST, "/kelola/impor"));
        assert!(exempt_from_limits(&Method::GET, "/healthz") && exempt_from_limits(&Method::GET, "/style/main.css"));
        assert!(!exempt_from_limits(&Method::GET, "/") && !exempt_from_limits(&Method::HEAD, "/kelola"));
    }
}
