//! Prometheus metrics: the recorder (installed only with `serve --metrics-addr`), the request-latency layer
//! on the public router, and `/metrics` on its own listener — never on the public address. What each
//! metric means, and how to read them, is in docs/operations.md.
//!
//! Labels are bounded by construction: the route is the router's pattern (`/provinsi/{code}`), never the
//! URL, and `other` when no route matched; the method is one of the standard ones or `other`; the status is
//! its class. A client choosing URLs or methods therefore cannot add time series to the monitoring server.

use axum::Router;
use axum::body::Body;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use metrics::Unit;
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use sqlx::AnyPool;
use std::sync::OnceLock;
use std::time::{Duration, Instant};
use tokio::net::TcpListener;

/// Where the metrics are served on their own listener.
pub const PATH: &str = "/metrics";

/// Request latency, by `route`, `method` and `status` (class: 2xx … 5xx).
pub const REQUEST_SECONDS: &str = "pantau_http_request_duration_seconds";
/// Connections the database pool holds, idle or in use; and those idle; and its configured maximum.
pub const POOL_CONNECTIONS: &str = "pantau_db_pool_connections";
pub const POOL_IDLE: &str = "pantau_db_pool_idle_connections";
pub const POOL_MAX: &str = "pantau_db_pool_max_connections";

/// Histogram buckets, in seconds: from a cached page (about a millisecond) to the acquire timeout (10 s)
/// and beyond, so the slow tail is visible rather than folded into `+Inf`.
const BUCKETS: [f64; 14] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0];

/// How often recorded histogram samples are folded into their buckets when nobody scrapes, so memory stays
/// bounded between scrapes.
const UPKEEP_EVERY: Duration = Duration::from_secs(5);

static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();

/// Whether a recorder is installed (the middleware does nothing otherwise).
pub fn enabled() -> bool {
    HANDLE.get().is_some()
}

/// Installs the process-wide recorder once (later calls return the same handle) and starts its upkeep.
/// Must run inside the Tokio runtime.
pub fn install() -> PrometheusHandle {
    HANDLE
        .get_or_init(|| {
            let builder = PrometheusBuilder::new().set_buckets(&BUCKETS).expect("the bucket list is not empty");
            let handle = match builder.install_recorder() {
                Ok(handle) => handle,
                // Another recorder is already installed (only possible in a test binary): ours renders
                // nothing, but the server still runs.
                Err(e) => {
                    tracing::warn!(error = %e, "a metrics recorder was already installed");
                    PrometheusBuilder::new().build_recorder().handle()
                }
            };
            describe();
            let upkeep = handle.clone();
            tokio::spawn(async move {
                loop {
                    tokio::time::sleep(UPKEEP_EVERY).await;
                    upkeep.run_upkeep();
                }
            });
            handle
        })
        .clone()
}

/// The HELP lines of every metric.
fn describe() {
    use metrics::{describe_counter, describe_gauge, describe_histogram};
    describe_histogram!(REQUEST_SECONDS, Unit::Seconds, "Time to answer a request, by route pattern, method and status class.");
    describe_counter!(app::metrics::RESPONSE_CACHE, "Response-cache lookups of public pages and downloads, by result (hit, miss).");
    describe_counter!(app::metrics::FOLLOWER_WAITS, "Requests that waited for another request's render of the same page.");
    describe_histogram!(app::metrics::RENDER_SECONDS, Unit::Seconds, "Time of a fresh render behind the response cache.");
    describe_counter!(app::metrics::PAGE_CACHE, "Page-aggregate cache lookups, by page and result (hit, miss).");
    describe_histogram!(
        app::metrics::PAGE_LOAD_SECONDS,
        Unit::Seconds,
        "Time to load a page's aggregates from the database on a page-cache miss, by page."
    );
    describe_histogram!(
        kla::db::ACQUIRE_SECONDS,
        Unit::Seconds,
        "Wait for a database connection where the code takes one explicitly (forms, transactions)."
    );
    describe_gauge!(POOL_CONNECTIONS, "Connections the database pool holds (idle or in use).");
    describe_gauge!(POOL_IDLE, "Idle connections in the database pool.");
    describe_gauge!(POOL_MAX, "The database pool's maximum size (--db-max-connections).");
}

/// The `method` label: the standard methods by name, anything else as `other`.
pub fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::DELETE => "DELETE",
        Method::PATCH => "PATCH",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    }
}

/// The `status` label: the status class.
pub fn status_label(status: StatusCode) -> &'static str {
    match status.as_u16() {
        100..=199 => "1xx",
        200..=299 => "2xx",
        300..=399 => "3xx",
        400..=499 => "4xx",
        _ => "5xx",
    }
}

/// Records each request's latency by its route pattern (`other` when no route matched: the not-found page).
/// Added with `Router::layer`, so it runs after routing and sees [`MatchedPath`]. The time is to the
/// response's head; a large body streams after it.
pub async fn layer(req: Request<Body>, next: Next) -> Response {
    if !enabled() {
        return next.run(req).await;
    }
    let route = req.extensions().get::<MatchedPath>().map_or_else(|| "other".to_string(), |p| p.as_str().to_string());
    let method = method_label(req.method());
    let started = Instant::now();
    let res = next.run(req).await;
    let status = status_label(res.status());
    metrics::histogram!(REQUEST_SECONDS, "route" => route, "method" => method, "status" => status).record(started.elapsed().as_secs_f64());
    res
}

#[derive(Clone)]
struct Exporter {
    handle: PrometheusHandle,
    pool: AnyPool,
}

/// The router of the metrics listener: `/metrics` and nothing else.
pub fn router(handle: PrometheusHandle, pool: AnyPool) -> Router {
    Router::new().route(PATH, get(render)).with_state(Exporter { handle, pool })
}

/// `GET /metrics`: the pool's gauges read now, then every metric in Prometheus' text format.
async fn render(State(exporter): State<Exporter>) -> Response {
    let pool = &exporter.pool;
    metrics::gauge!(POOL_CONNECTIONS).set(f64::from(pool.size()));
    metrics::gauge!(POOL_IDLE).set(pool.num_idle() as f64);
    metrics::gauge!(POOL_MAX).set(f64::from(pool.options().get_max_connections()));
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8"), (header::CACHE_CONTROL, "no-store")], exporter.handle.render())
        .into_response()
}

/// Serves `/metrics` on `listener` (our accept loop, with its default timeouts) until the process stops.
pub async fn serve(listener: TcpListener, handle: PrometheusHandle, pool: AnyPool) -> std::io::Result<()> {
    let limits = crate::connections::Limits::default();
    crate::connections::serve(listener, router(handle, pool), limits, std::sync::Arc::new(Vec::new()), std::future::pending()).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_bounded_whatever_the_client_sends() {
        assert_eq!(method_label(&Method::GET), "GET");
        assert_eq!(method_label(&Method::from_bytes(b"X-RANDOM-1234").unwrap()), "other");
        assert_eq!(status_label(StatusCode::OK), "2xx");
        assert_eq!(status_label(StatusCode::PERMANENT_REDIRECT), "3xx");
        assert_eq!(status_label(StatusCode::NOT_FOUND), "4xx");
        assert_eq!(status_label(StatusCode::SERVICE_UNAVAILABLE), "5xx");
    }

    #[test]
    fn buckets_rise() {
        assert!(BUCKETS.windows(2).all(|w| w[0] < w[1]));
    }
}
