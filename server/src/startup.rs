//! The HTTP application: Leptos pages, the data-entry form handlers, `/healthz`, the stylesheet, and the
//! layers every response passes (sessions, compression, tracing, metrics, security headers, the remembered
//! language).

use app::paths;
use app::{App, AppState, shell};
use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use kla::i18n::{LANG_COOKIE, Lang};
use leptos::prelude::*;
use leptos_axum::{LeptosRoutes, generate_route_list};
use tokio::net::TcpListener;
use tower_http::compression::CompressionLayer;
use tower_http::compression::predicate::{DefaultPredicate, NotForContentType, Predicate};
use tower_http::trace::TraceLayer;

pub fn router(state: AppState) -> Router {
    let options = state.leptos_options.clone();
    let routes = generate_route_list(App);
    let page_state = state.clone();
    let fallback_state = state.clone();
    let fallback_options = options.clone();
    crate::stylesheet::prepare();
    app::geo::prepare_neighbours();
    let not_found = leptos_axum::render_app_async_with_context(
        move || provide_context(fallback_state.clone()),
        move || shell(fallback_options.clone()),
    );
    Router::new()
        .route(paths::HEALTHZ, get(healthz))
        .route(paths::STYLESHEET_FILES, get(crate::stylesheet::serve))
        .route(paths::FAVICON_ICO, get(crate::headers::favicon_ico))
        .route(paths::FAVICON_SVG, get(crate::headers::favicon_svg))
        .merge(crate::api::routes())
        .merge(crate::manage::routes(&state))
        .leptos_routes_with_context(&state, routes, move || provide_context(page_state.clone()), move || shell(options.clone()))
        .fallback(move |req: Request| not_found(req))
        .layer(middleware::from_fn_with_state(state.clone(), crate::session::layer))
        .layer(middleware::from_fn(crate::headers::layer))
        // The stylesheet arrives compressed already (`stylesheet`), and a ZIP (`api::bulk`) is compressed
        // inside: never compressed again, whatever the request asked for.
        .layer(CompressionLayer::new().compress_when(
            DefaultPredicate::new().and(NotForContentType::const_new("text/css")).and(NotForContentType::const_new("application/zip")),
        ))
        // Outside compression, so a hit sends the compressed bytes as they are.
        .layer(middleware::from_fn_with_state(state.clone(), crate::response_cache::layer))
        // Outside the response cache, so `?lang=` pages are kept like any other and the cookie still set.
        .layer(middleware::from_fn(remember_language))
        // Outside the response cache, so a page kept from a plain-HTTP request still gets HSTS over HTTPS.
        .layer(middleware::from_fn_with_state(state.clone(), crate::headers::hsts))
        .layer(TraceLayer::new_for_http())
        // Outermost, so the time includes every layer; a no-op unless `--metrics-addr` installed a recorder.
        .layer(middleware::from_fn(crate::metrics::layer))
        .with_state(state)
}

/// `GET /healthz`: 200 when the database answers, 503 when it does not.
async fn healthz(State(state): State<AppState>) -> Response {
    let up = kla::db::ping(state.pool()).await;
    let body = serde_json::json!({
        "status": if up { "ok" } else { "unavailable" },
        "database": if up { "reachable" } else { "unreachable" },
        "engine": state.engine.name(),
        "version": env!("CARGO_PKG_VERSION"),
    });
    let status = if up { StatusCode::OK } else { StatusCode::SERVICE_UNAVAILABLE };
    (status, axum::Json(body)).into_response()
}

/// When a page is asked for with `?lang=id|en`, remember that choice in a cookie for the pages that follow.
async fn remember_language(req: Request<Body>, next: Next) -> Response {
    let chosen = req.uri().query().and_then(|q| q.split('&').find_map(|kv| kv.strip_prefix("lang="))).and_then(Lang::parse);
    let mut res = next.run(req).await;
    if let Some(lang) = chosen {
        let cookie = format!("{LANG_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax; HttpOnly", lang.code());
        if let Ok(v) = HeaderValue::from_str(&cookie) {
            res.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    res
}

/// Leptos options built in code: the server reads no Cargo.toml at run time.
pub fn leptos_options(addr: std::net::SocketAddr) -> LeptosOptions {
    LeptosOptions::builder().output_name("pantau-kla").site_addr(addr).build()
}

/// Serves with the default timeouts and connection limits until Ctrl-C or SIGTERM, then lets requests in
/// flight finish.
pub async fn serve(listener: TcpListener, state: AppState) -> std::io::Result<()> {
    serve_with(listener, state, crate::connections::Limits::default()).await
}

/// As [`serve`], within the given timeouts and connection limits (`pantau-kla serve --help`).
pub async fn serve_with(listener: TcpListener, state: AppState, limits: crate::connections::Limits) -> std::io::Result<()> {
    let proxies = state.trusted_proxies.clone();
    crate::connections::serve(listener, router(state), limits, proxies, shutdown_signal()).await
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}
