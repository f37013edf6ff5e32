//! Connections and timeouts (issue 11): the accept loop that caps open connections overall and per client
//! address, HTTP/1.1 with a header-read timeout, a minimum average rate for request bodies, and a time
//! limit on the work for one request. Graceful shutdown (SIGTERM, Ctrl-C) stops accepting and lets the
//! requests in flight finish.
//!
//! Only HTTP/1.1 is spoken: browsers reach HTTP/2 through a TLS reverse proxy, which speaks HTTP/1.1 to us;
//! a cleartext HTTP/2 (or protocol-sniffing) listener would be one more place where a client can hold a
//! connection without any header timeout.

use axum::Router;
use axum::body::Body;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use http_body::{Body as _, Frame, SizeHint};
use hyper_util::rt::{TokioIo, TokioTimer};
use kla::i18n::{Lang, tr, trf};
use std::collections::HashMap;
use std::net::{IpAddr, Ipv6Addr};
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::{Notify, watch};
use tokio::time::{Instant, Sleep};
use tower::ServiceExt;

/// Time for a request's headers (and for an idle keep-alive connection): a phone on a bad network sends
/// a few hundred bytes of headers in seconds; hyper's own default is 30 s.
pub const DEFAULT_HEADER_TIMEOUT_SECS: u64 = 20;
/// Time a body may take before the minimum rate applies (the first bytes after a slow TLS/radio start).
pub const DEFAULT_BODY_GRACE_SECS: u64 = 30;
/// 2 KiB/s = 16 kbit/s, below a weak 2G/EDGE link: a 20 MB evidence document then has 30 s + 2.8 h, while a
/// client holding a connection must keep sending.
pub const DEFAULT_BODY_MIN_RATE: u64 = 2048;
/// Work on one request once its body is in: a national page renders in milliseconds, while the heaviest
/// legitimate request, confirming a 100,000-row import, takes ~16 s in a release build here (~60 s in a
/// debug build) and longer on a small server; so this stops only work that is stuck.
pub const DEFAULT_REQUEST_TIMEOUT_SECS: u64 = 300;
/// Open connections overall: below the usual open-file limit of 1,024 less the database pool and files.
pub const DEFAULT_MAX_CONNECTIONS: usize = 512;
/// Open connections from one address: a browser opens at most 6 per site and an office behind one NAT has
/// some ten browsers, while one address still gets at most an eighth of [`DEFAULT_MAX_CONNECTIONS`].
pub const DEFAULT_MAX_CONNECTIONS_PER_CLIENT: usize = 64;
/// The most a connection buffers while reading, and the largest request head (request line and headers)
/// accepted: browsers send a few KB, and hyper's default of ~400 KB would let the 512 connections hold
/// 200 MB of slow headers. Larger heads are answered 431.
pub const MAX_READ_BUFFER_BYTES: usize = 64 * 1024;
/// What a refused connection is told to wait, in seconds.
const RETRY_AFTER_SECS: u64 = 10;

/// The limits in force; see the constants above and `pantau-kla serve --help`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub header_timeout: Duration,
    pub body_grace: Duration,
    /// Bytes per second, averaged from the request's arrival, once `body_grace` has passed.
    pub body_min_rate: u64,
    pub request_timeout: Duration,
    pub max_connections: usize,
    /// 0 = no limit per client address.
    pub max_connections_per_client: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            header_timeout: Duration::from_secs(DEFAULT_HEADER_TIMEOUT_SECS),
            body_grace: Duration::from_secs(DEFAULT_BODY_GRACE_SECS),
            body_min_rate: DEFAULT_BODY_MIN_RATE,
            request_timeout: Duration::from_secs(DEFAULT_REQUEST_TIMEOUT_SECS),
            max_connections: DEFAULT_MAX_CONNECTIONS,
            max_connections_per_client: DEFAULT_MAX_CONNECTIONS_PER_CLIENT,
        }
    }
}

// ---------------------------------------------------------------------------------------------------------
// Admission: how many connections are open, overall and per client

#[derive(Debug, Default)]
struct Counts {
    total: usize,
    per_client: HashMap<IpAddr, usize>,
}

/// Counts open connections; a connection holds its place by an [`Admitted`] until it is dropped.
#[derive(Debug, Clone)]
pub struct Admission {
    limits: Limits,
    counts: Arc<Mutex<Counts>>,
    /// Reverse proxies (`--trusted-proxies`): every client behind one shares its address, so its
    /// connections count only against the overall cap.
    proxies: Arc<Vec<IpAddr>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    /// Every place overall is taken.
    Full,
    /// This client address has its share.
    Client,
}

/// A connection's place; dropping it frees the place.
#[derive(Debug)]
pub struct Admitted {
    counts: Arc<Mutex<Counts>>,
    client: IpAddr,
}

impl Drop for Admitted {
    fn drop(&mut self) {
        let mut c = self.counts.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        c.total = c.total.saturating_sub(1);
        if let Some(n) = c.per_client.get_mut(&self.client) {
            *n -= 1;
            if *n == 0 {
                c.per_client.remove(&self.client);
            }
        }
    }
}

/// The address a client is counted by: IPv4 as is (mapped IPv6 too), IPv6 by its /64, since one host
/// commonly holds a whole /64 and could otherwise take a new share per address.
pub fn client_key(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let s = v6.segments();
                IpAddr::V6(Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
            }
        },
        v4 => v4,
    }
}

impl Admission {
    pub fn new(limits: Limits) -> Self {
        Self { limits, counts: Arc::default(), proxies: Arc::default() }
    }

    /// Connections from these addresses (trusted reverse proxies) count only overall.
    pub fn with_proxies(mut self, proxies: Arc<Vec<IpAddr>>) -> Self {
        self.proxies = proxies;
        self
    }

    pub fn admit(&self, peer: IpAddr) -> Result<Admitted, Refused> {
        let client = client_key(peer);
        let mut c = self.counts.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if c.total >= self.limits.max_connections {
            return Err(Refused::Full);
        }
        let mine = c.per_client.get(&client).copied().unwrap_or(0);
        let per_client = self.limits.max_connections_per_client > 0 && !crate::client::is_trusted(peer, &self.proxies);
        if per_client && mine >= self.limits.max_connections_per_client {
            return Err(Refused::Client);
        }
        c.total += 1;
        *c.per_client.entry(client).or_insert(0) += 1;
        Ok(Admitted { counts: self.counts.clone(), client })
    }

    /// Open connections (overall, from `peer`'s address).
    pub fn open(&self, peer: IpAddr) -> (usize, usize) {
        let c = self.counts.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        (c.total, c.per_client.get(&client_key(peer)).copied().unwrap_or(0))
    }
}

/// The answer written to a refused connection before it is closed: the request is not read, so its
/// language is unknown and both are given.
fn refusal_bytes() -> Bytes {
    let body = format!("{}\n{}\n", tr(Lang::Id, "limits_server.too_many_connections"), tr(Lang::En, "limits_server.too_many_connections"));
    Bytes::from(format!(
        "HTTP/1.1 503 Service Unavailable\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: {}\r\nretry-after: {RETRY_AFTER_SECS}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    ))
}

// ---------------------------------------------------------------------------------------------------------
// Serving

/// Serves `router` on `listener` within `limits` until `shutdown` completes, then stops accepting and waits
/// for the open connections to finish their requests.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    limits: Limits,
    proxies: Arc<Vec<IpAddr>>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let app = router.layer(axum::middleware::from_fn_with_state(limits, timeouts));
    let admission = Admission::new(limits).with_proxies(proxies);
    let refusal = refusal_bytes();
    // `stop` tells connections to finish; `open_rx` clones are held by connections, so `open_tx.closed()`
    // completes when the last one has gone.
    let (stop_tx, stop_rx) = watch::channel(false);
    let (open_tx, open_rx) = watch::channel(());
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => {
                    accept_failed(e).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let place = match admission.admit(peer.ip()) {
            Ok(p) => p,
            Err(why) => {
                // Not read, not waited for: a full send buffer or a reset only costs the refused client.
                let _ = stream.try_write(&refusal);
                tracing::debug!(reason = ?why, "connection refused: limit reached");
                continue;
            }
        };
        let app = app.clone();
        let mut stop = stop_rx.clone();
        let open = open_rx.clone();
        tokio::spawn(async move {
            let service = hyper::service::service_fn(move |mut req: hyper::Request<hyper::body::Incoming>| {
                // Handlers read the peer address (the sign-in throttle) as axum's `ConnectInfo`.
                req.extensions_mut().insert(ConnectInfo(peer));
                app.clone().oneshot(req.map(Body::new))
            });
            let mut http = hyper::server::conn::http1::Builder::new();
            http.timer(TokioTimer::new())
                .header_read_timeout(limits.header_timeout)
                .max_header_size(MAX_READ_BUFFER_BYTES)
                .max_buf_size(MAX_READ_BUFFER_BYTES);
            let conn = http.serve_connection(TokioIo::new(stream), service);
            let mut conn = std::pin::pin!(conn);
            let mut stopping = false;
            loop {
                tokio::select! {
                    result = conn.as_mut() => {
                        if let Err(e) = result {
                            tracing::debug!(error = %e, "connection ended with an error");
                        }
                        break;
                    }
                    _ = stop.changed(), if !stopping => {
                        stopping = true;
                        conn.as_mut().graceful_shutdown();
                    }
                }
            }
            drop((place, open));
        });
    }
    drop(listener);
    let _ = stop_tx.send(true);
    drop(open_rx);
    open_tx.closed().await;
    Ok(())
}

/// Errors of one connection (reset before it was accepted) are skipped; others (out of file descriptors)
/// pause accepting briefly instead of spinning.
async fn accept_failed(e: std::io::Error) {
    use std::io::ErrorKind::*;
    if matches!(e.kind(), ConnectionAborted | ConnectionReset | ConnectionRefused | Interrupted) {
        return;
    }
    tracing::error!(error = %e, "could not accept a connection");
    tokio::time::sleep(Duration::from_millis(100)).await;
}

// ---------------------------------------------------------------------------------------------------------
// Timeouts for one request: the body's pace and the work

/// What the body of one request has done, shared between the body and the timeout layer.
#[derive(Debug, Default)]
struct BodyWatch {
    /// When the body was read to its end, failed, or was dropped; the work's clock starts then.
    ended: Mutex<Option<Instant>>,
    too_slow: std::sync::atomic::AtomicBool,
    notify: Notify,
}

impl BodyWatch {
    fn end(&self) {
        let mut ended = self.ended.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if ended.is_none() {
            *ended = Some(Instant::now());
            // `notify_one` keeps a permit when nobody waits yet, so the layer cannot miss the end.
            self.notify.notify_one();
        }
    }
    fn ended(&self) -> Option<Instant> {
        *self.ended.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// A request body that fails once it falls behind `body_min_rate` bytes per second (averaged from the
/// request's arrival) after `body_grace`: a client dripping bytes cannot hold a handler, a slow phone can.
struct PacedBody {
    inner: Body,
    arrived: Instant,
    received: u64,
    limits: Limits,
    timer: Pin<Box<Sleep>>,
    watch: Arc<BodyWatch>,
    done: bool,
}

/// The error a handler sees when the body was too slow (the layer then answers 408).
#[derive(Debug, thiserror::Error)]
#[error("the request body arrived too slowly")]
struct BodyTooSlow;

impl PacedBody {
    fn new(inner: Body, arrived: Instant, limits: Limits, watch: Arc<BodyWatch>) -> Self {
        let mut body = Self { inner, arrived, received: 0, limits, timer: Box::pin(tokio::time::sleep_until(arrived)), watch, done: false };
        let deadline = body.deadline();
        body.timer.as_mut().reset(deadline);
        body
    }
    fn deadline(&self) -> Instant {
        let rate = self.limits.body_min_rate.max(1);
        self.arrived + self.limits.body_grace + Duration::from_secs_f64(self.received as f64 / rate as f64)
    }
    fn finish(&mut self) {
        self.done = true;
        self.watch.end();
    }
}

impl Drop for PacedBody {
    fn drop(&mut self) {
        self.watch.end();
    }
}

impl http_body::Body for PacedBody {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        let this = self.get_mut();
        if this.done {
            return Poll::Ready(None);
        }
        match Pin::new(&mut this.inner).poll_frame(cx) {
            Poll::Ready(Some(Ok(frame))) => {
                if let Some(data) = frame.data_ref() {
                    this.received += data.len() as u64;
                    let deadline = this.deadline();
                    this.timer.as_mut().reset(deadline);
                }
                Poll::Ready(Some(Ok(frame)))
            }
            Poll::Ready(None) => {
                this.finish();
                Poll::Ready(None)
            }
            Poll::Ready(Some(Err(e))) => {
                this.finish();
                Poll::Ready(Some(Err(e)))
            }
            Poll::Pending => {
                if this.timer.as_mut().poll(cx).is_ready() {
                    this.watch.too_slow.store(true, std::sync::atomic::Ordering::SeqCst);
                    this.finish();
                    return Poll::Ready(Some(Err(axum::Error::new(BodyTooSlow))));
                }
                Poll::Pending
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        self.done || self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

/// The layer: paces the body, answers 408 when it was too slow, and stops work that runs past
/// `request_timeout` after the body has arrived (at once for GET and HEAD, whose bodies no handler reads)
/// with 503. A stopped handler's future is dropped, so its open transaction rolls back.
pub async fn timeouts(State(limits): State<Limits>, req: Request, next: Next) -> Response {
    let lang = app::lang::of_request(req.uri(), req.headers());
    let arrived = Instant::now();
    let watch = Arc::new(BodyWatch::default());
    if req.body().is_end_stream() || matches!(*req.method(), Method::GET | Method::HEAD) {
        watch.end();
    }
    let (method, path) = (req.method().clone(), req.uri().path().to_string());
    let paced = watch.clone();
    let req = req.map(move |b| Body::new(PacedBody::new(b, arrived, limits, paced)));
    let mut work = std::pin::pin!(next.run(req));
    let res = loop {
        match watch.ended() {
            Some(ended) => tokio::select! {
                res = work.as_mut() => break res,
                () = tokio::time::sleep_until(ended + limits.request_timeout) => {
                    tracing::warn!(http.method = %method, http.path = %path, seconds = limits.request_timeout.as_secs(), "request stopped: it ran past the request timeout");
                    let msg = trf(lang, "limits_server.request_timeout", &[("seconds", limits.request_timeout.as_secs().to_string())]);
                    return stopped_page(lang, StatusCode::SERVICE_UNAVAILABLE, &msg);
                }
            },
            None => tokio::select! {
                res = work.as_mut() => break res,
                () = watch.notify.notified() => continue,
            },
        }
    };
    if watch.too_slow.load(std::sync::atomic::Ordering::SeqCst) {
        tracing::info!(http.method = %method, http.path = %path, "request body too slow: answered 408");
        let kib = limits.body_min_rate.div_ceil(1024).to_string();
        let msg = trf(lang, "limits_server.body_too_slow", &[("kib", kib), ("seconds", limits.body_grace.as_secs().to_string())]);
        return stopped_page(lang, StatusCode::REQUEST_TIMEOUT, &msg);
    }
    res
}

/// A small page for a request stopped by a limit: no script, the connection closed (its body may be
/// unread), never cached.
fn stopped_page(lang: Lang, status: StatusCode, message: &str) -> Response {
    let title = tr(lang, "limits_server.stopped_title");
    let home = tr(lang, "limits_server.home");
    let html = format!(
        "<!DOCTYPE html><html lang=\"{}\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{title}</title><link rel=\"stylesheet\" href=\"{css}\"></head><body><main><h1>{title}</h1><p role=\"alert\">{message}</p><p><a href=\"/\">{home}</a></p></main></body></html>",
        lang.code(),
        css = app::paths::STYLESHEET_FINGERPRINTED.as_str(),
    );
    let mut res = (status, axum::response::Html(html)).into_response();
    let h = res.headers_mut();
    h.insert(header::CONNECTION, HeaderValue::from_static("close"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; style-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"),
    );
    res
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::routing::{get, post};

    fn limits() -> Limits {
        Limits {
            body_grace: Duration::from_millis(300),
            body_min_rate: 1000,
            request_timeout: Duration::from_millis(800),
            ..Limits::default()
        }
    }

    fn app(limits: Limits) -> Router {
        Router::new()
            .route(
                "/stuck",
                get(|| async {
                    tokio::time::sleep(Duration::from_secs(3600)).await;
                    "never"
                }),
            )
            .route("/echo", post(|body: Bytes| async move { format!("{} bytes", body.len()) }))
            .layer(axum::middleware::from_fn_with_state(limits, timeouts))
    }

    /// A body fed by the test through a channel.
    fn streamed() -> (tokio::sync::mpsc::Sender<Result<Bytes, std::io::Error>>, Body) {
        let (tx, rx) = tokio::sync::mpsc::channel(8);
        (tx, Body::from_stream(tokio_stream(rx)))
    }

    fn tokio_stream(
        mut rx: tokio::sync::mpsc::Receiver<Result<Bytes, std::io::Error>>,
    ) -> impl futures_util::Stream<Item = Result<Bytes, std::io::Error>> {
        futures_util::stream::poll_fn(move |cx| rx.poll_recv(cx))
    }

    async fn text(res: Response) -> String {
        String::from_utf8(axum::body::to_bytes(res.into_body(), 1 << 20).await.unwrap().to_vec()).unwrap()
    }

    #[tokio::test]
    async fn work_past_the_request_timeout_is_stopped_with_503() {
        let res = app(limits()).oneshot(Request::get("/stuck").body(Body::empty()).unwrap()).await.unwrap();
        assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(res.headers()[header::CONNECTION], "close");
        let html = text(res).await;
        assert!(html.contains("dihentikan") && html.contains("lang=\"id\""), "{html}");
    }

    #[tokio::test]
    async fn a_body_that_stops_coming_is_answered_408() {
        let (tx, body) = streamed();
        tx.send(Ok(Bytes::from_static(b"csrf=abc"))).await.unwrap();
        let req = Request::post("/echo?lang=en").body(body).unwrap();
        let res = app(limits()).oneshot(req).await.unwrap();
        assert_eq!(res.status(), StatusCode::REQUEST_TIMEOUT);
        let html = text(res).await;
        assert!(html.contains("too slowly") && html.contains("1 KB"), "{html}");
        drop(tx);
    }

    #[tokio::test]
    async fn the_time_a_steady_upload_takes_does_not_count_against_the_work() {
        // The body takes longer than the request timeout but keeps above the minimum rate throughout.
        let (tx, body) = streamed();
        tokio::spawn(async move {
            for _ in 0..6 {
                if tx.send(Ok(Bytes::from(vec![b'x'; 1000]))).await.is_err() {
                    return;
                }
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
        });
        let res = app(limits()).oneshot(Request::post("/echo").body(body).unwrap()).await.unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(text(res).await, "6000 bytes");
    }

    #[test]
    fn connections_are_counted_per_client_and_overall() {
        let admission = Admission::new(Limits { max_connections: 3, max_connections_per_client: 2, ..Limits::default() });
        let a: IpAddr = "10.0.0.1".parse().unwrap();
        let b: IpAddr = "10.0.0.2".parse().unwrap();
        let first = admission.admit(a).unwrap();
        let _second = admission.admit(a).unwrap();
        assert_eq!(admission.admit(a).unwrap_err(), Refused::Client);
        let _third = admission.admit(b).unwrap();
        // A trusted proxy carries many clients: only the overall cap applies to it.
        let proxied = Admission::new(Limits { max_connections: 3, max_connections_per_client: 1, ..Limits::default() })
            .with_proxies(Arc::new(vec![a]));
        let _p = (proxied.admit(a).unwrap(), proxied.admit(a).unwrap(), proxied.admit(a).unwrap());
        assert_eq!(proxied.admit(a).unwrap_err(), Refused::Full);
        assert_eq!(admission.admit(b).unwrap_err(), Refused::Full);
        drop(first);
        assert_eq!(admission.open(a), (2, 1));
        assert!(admission.admit(a).is_ok(), "a closed connection frees its place");
    }

    #[test]
    fn the_limits_are_flags_with_documented_defaults() {
        use crate::config::{Cli, Command};
        use clap::Parser;
        let serve = |args: &[&str]| match Cli::try_parse_from(["pantau-kla", "serve"].iter().chain(args)).unwrap().command {
            Some(Command::Serve(s)) => s.connections.limits(),
            _ => unreachable!(),
        };
        assert_eq!(serve(&[]), Limits::default());
        let l = serve(&[
            "--header-timeout",
            "5",
            "--body-timeout",
            "60",
            "--body-min-rate",
            "512",
            "--request-timeout",
            "30",
            "--max-connections",
            "100",
            "--max-connections-per-client",
            "0",
        ]);
        assert_eq!(
            l,
            Limits {
                header_timeout: Duration::from_secs(5),
                body_grace: Duration::from_secs(60),
                body_min_rate: 512,
                request_timeout: Duration::from_secs(30),
                max_connections: 100,
                max_connections_per_client: 0
            }
        );
        let help = <Cli as clap::CommandFactory>::command().find_subcommand_mut("serve").unwrap().render_long_help().to_string();
        for var in [
            "PANTAU_HEADER_TIMEOUT",
            "PANTAU_BODY_TIMEOUT",
            "PANTAU_BODY_MIN_RATE",
            "PANTAU_REQUEST_TIMEOUT",
            "PANTAU_MAX_CONNECTIONS",
            "PANTAU_MAX_CONNECTIONS_PER_CLIENT",
        ] {
            assert!(help.contains(var), "serve --help names {var}");
        }
    }

    #[test]
    fn an_ipv6_client_is_counted_by_its_64() {
        let one: IpAddr = "2001:db8:1:2::1".parse().unwrap();
        let other: IpAddr = "2001:db8:1:2:ffff::9".parse().unwrap();
        assert_eq!(client_key(one), client_key(other));
        assert_ne!(client_key(one), client_key("2001:db8:1:3::1".parse().unwrap()));
        assert_eq!(client_key("::ffff:10.0.0.1".parse().unwrap()), "10.0.0.1".parse::<IpAddr>().unwrap());
    }

    #[test]
    fn a_refused_connection_is_told_in_both_languages() {
        let text = String::from_utf8(refusal_bytes().to_vec()).unwrap();
        assert!(text.starts_with("HTTP/1.1 503 ") && text.contains("retry-after: 10"));
        let (head, body) = text.split_once("\r\n\r\n").unwrap();
        assert!(head.contains(&format!("content-length: {}", body.len())));
        assert!(body.contains("sambungan") && body.contains("connections"), "{body}");
    }
}
