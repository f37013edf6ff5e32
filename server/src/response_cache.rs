//! The response cache: public pages and API downloads, as sent (compressed), kept per URL, language and
//! `Accept-Encoding` while the database's data version is unchanged. A hit costs one tiny query (the data
//! version) and a copy of bytes, so a page is served about as fast as the stylesheet; a write bumps the
//! version (triggers, migration 0002), so the next request renders afresh — on every app server.
//!
//! Never cached: requests with a session cookie (the header shows the user), anything under `/kelola`,
//! `/akun`, `/masuk`, evidence documents (`/bukti/`, served from their store), non-GET requests, responses
//! other than 200, responses that set a cookie, and responses larger than [`MAX_BODY`] (sent on as they are).

use app::AppState;
use app::i18n::Lang;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;
use app::cache::CachedResponse;
use futures_util::StreamExt;

/// The largest response kept (a page or a download, compressed).
const MAX_BODY: usize = 8 * 1024 * 1024;

/// Whether a request may be answered from (and stored in) the cache.
pub fn cacheable(method: &Method, path: &str, headers: &HeaderMap) -> bool {
    let private = ["/kelola", "/akun", "/masuk", "/keluar", "/healthz", "/style/", "/bukti/"].iter().any(|p| path.starts_with(p));
    method == Method::GET && !private && app::i18n::cookie(headers, app::auth::SESSION_COOKIE).is_none()
}

fn key(req: &Request<Body>) -> String {
    let lang = Lang::from_request(req.uri(), req.headers());
    let encoding = req.headers().get(header::ACCEPT_ENCODING).and_then(|v| v.to_str().ok()).unwrap_or("");
    let target = req.uri().path_and_query().map(|p| p.as_str()).unwrap_or("/");
    format!("{}|{target}|{encoding}", lang.code())
}

pub async fn layer(State(state): State<AppState>, req: Request<Body>, next: Next) -> Response {
    if !cacheable(req.method(), req.uri().path(), req.headers()) {
        return next.run(req).await;
    }
    let version = match app::cache::data_version(&state.pool).await {
        Ok(v) => v,
        // The page itself will fail and say so; nothing to cache.
        Err(_) => return next.run(req).await,
    };
    let key = key(&req);
    if let Some(hit) = state.responses.get(&key, version) {
        let mut res = Response::new(Body::from(hit.body));
        *res.headers_mut() = hit.headers;
        return res;
    }
    let res = next.run(req).await;
    if res.status() != StatusCode::OK || res.headers().contains_key(header::SET_COOKIE) {
        return res;
    }
    let (parts, body) = res.into_parts();
    // Read up to MAX_BODY; a larger body is sent on whole (what was read, then the rest) and not kept.
    let mut stream = body.into_data_stream();
    let mut read = Vec::new();
    let mut size = 0;
    while let Some(chunk) = stream.next().await {
        match chunk {
            Ok(c) => {
                size += c.len();
                read.push(c);
                if size > MAX_BODY {
                    let rest = futures_util::stream::iter(read.into_iter().map(Ok::<_, axum::Error>)).chain(stream);
                    return Response::from_parts(parts, Body::from_stream(rest));
                }
            }
            Err(e) => {
                tracing::error!(error = %e, "a response could not be read for the cache");
                return Response::builder().status(StatusCode::INTERNAL_SERVER_ERROR).body(Body::empty()).expect("a plain response");
            }
        }
    }
    let body = bytes::Bytes::from(read.concat());
    state.responses.put(key, CachedResponse { version, headers: parts.headers.clone(), body: body.clone() });
    Response::from_parts(parts, Body::from(body))
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
}
