//! Running it (issue 14): Prometheus metrics only on their own, opt-in address; the stylesheet precompressed
//! under a fingerprinted, immutable address; PostgreSQL connections without parallel query.

use crate::common::process::Server;
use crate::common::{Engine, TestApp, fresh_database};
use std::io::Read;

/// The stylesheet as compiled into the binary.
const STYLESHEET: &str = include_str!("../../../style/main.css");

// ---- Metrics ----

/// The address the server logged for its metrics listener.
fn metrics_address(server: &Server) -> Option<String> {
    let log = server.log();
    let at = log.find("metrics on http://")? + "metrics on http://".len();
    Some(log[at..].chars().take_while(|c| !c.is_whitespace()).collect::<String>().trim_end_matches("/metrics").to_string())
}

/// The TCP ports a process listens on, read from /proc: the sockets it holds (its open files) that
/// /proc/net/tcp{,6} lists in the LISTEN state.
fn listening_ports(pid: u32) -> Vec<u16> {
    let mut listening = std::collections::HashMap::new();
    for table in ["/proc/net/tcp", "/proc/net/tcp6"] {
        let Ok(text) = std::fs::read_to_string(table) else { continue };
        for line in text.lines().skip(1) {
            let cols: Vec<&str> = line.split_whitespace().collect();
            // local_address is ADDR:PORT in hex; st 0A is LISTEN; the inode is the tenth column.
            if cols.len() > 9 && cols[3] == "0A" {
                let port = u16::from_str_radix(cols[1].rsplit(':').next().unwrap(), 16).unwrap();
                listening.insert(cols[9].to_string(), port);
            }
        }
    }
    let mut ports: Vec<u16> = std::fs::read_dir(format!("/proc/{pid}/fd"))
        .unwrap()
        .filter_map(|fd| std::fs::read_link(fd.ok()?.path()).ok())
        .filter_map(|target| {
            let t = target.to_string_lossy().to_string();
            let inode = t.strip_prefix("socket:[")?.strip_suffix(']')?.to_string();
            listening.get(&inode).copied()
        })
        .collect();
    ports.sort_unstable();
    ports
}

async fn status_and_body(url: &str) -> (u16, String) {
    let res = reqwest::get(url).await.expect("request");
    (res.status().as_u16(), res.text().await.unwrap())
}

async fn metrics_on_their_own_address(engine: Engine) {
    let Some((url, _dir)) = fresh_database(engine).await else { return };
    let server = Server::start(&url, &[("PANTAU_METRICS_ADDR", "127.0.0.1:0")]);
    let metrics = metrics_address(&server).expect("the log names the metrics address");
    assert_ne!(metrics, server.addr.to_string());

    // A page, a not-found URL (its path must not become a label), then the metrics.
    assert_eq!(status_and_body(&format!("{}/provinsi/63", server.base)).await.0, 200);
    assert_eq!(status_and_body(&format!("{}/provinsi/63", server.base)).await.0, 200, "a second time: from the cache");
    assert_eq!(status_and_body(&format!("{}/tidak-ada-7c1e", server.base)).await.0, 404);
    let (status, text) = status_and_body(&format!("http://{metrics}/metrics")).await;
    assert_eq!(status, 200);
    for expected in [
        "# TYPE pantau_http_request_duration_seconds histogram",
        r#"pantau_http_request_duration_seconds_bucket{route="/provinsi/{code}",method="GET",status="2xx",le="0.005"}"#,
        r#"pantau_http_request_duration_seconds_count{route="other",method="GET",status="4xx"}"#,
        r#"pantau_response_cache_lookups_total{result="miss"}"#,
        r#"pantau_response_cache_lookups_total{result="hit"}"#,
        r#"pantau_page_cache_lookups_total{page="provinsi",result="miss"}"#,
        "pantau_page_aggregate_load_seconds_bucket{page=\"provinsi\"",
        "pantau_render_seconds_bucket",
        "pantau_db_pool_connections ",
        "pantau_db_pool_idle_connections ",
        "pantau_db_pool_max_connections ",
    ] {
        assert!(text.contains(expected), "{expected} in\n{text}");
    }
    assert!(!text.contains("tidak-ada"), "a URL never becomes a label");

    // The public address does not serve them; the metrics address serves nothing else.
    assert_eq!(status_and_body(&format!("{}/metrics", server.base)).await.0, 404);
    assert_eq!(status_and_body(&format!("http://{metrics}/provinsi/63")).await.0, 404);
    assert_eq!(listening_ports(server.pid()).len(), 2, "the public and the metrics address");
}

async fn no_metrics_without_the_flag(engine: Engine) {
    let Some((url, _dir)) = fresh_database(engine).await else { return };
    let server = Server::start(&url, &[]);
    assert_eq!(status_and_body(&format!("{}/", server.base)).await.0, 200);
    assert_eq!(status_and_body(&format!("{}/metrics", server.base)).await.0, 404);
    assert_eq!(metrics_address(&server), None, "{}", server.log());
    assert_eq!(listening_ports(server.pid()), vec![server.addr.port()], "only the public address listens");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_are_served_on_their_own_address_only_sqlite() {
    metrics_on_their_own_address(Engine::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_are_served_on_their_own_address_only_postgres() {
    metrics_on_their_own_address(Engine::Postgres).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_the_metrics_flag_nothing_listens_for_them_sqlite() {
    no_metrics_without_the_flag(Engine::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_the_metrics_flag_nothing_listens_for_them_postgres() {
    no_metrics_without_the_flag(Engine::Postgres).await;
}

// ---- The stylesheet ----

/// The stylesheet address a page links.
fn stylesheet_link(html: &str) -> String {
    let at = html.find("href=\"/style/").expect("a stylesheet link") + "href=\"".len();
    html[at..at + html[at..].find('"').unwrap()].to_string()
}

async fn get_encoded(app: &TestApp, path: &str, accept: &str) -> reqwest::Response {
    app.client.get(format!("{}{path}", app.base)).header("accept-encoding", accept).send().await.expect("request")
}

fn header<'a>(res: &'a reqwest::Response, name: &str) -> Option<&'a str> {
    res.headers().get(name).map(|v| v.to_str().unwrap())
}

on_both_engines!(the_stylesheet_is_precompressed_under_a_fingerprinted_address, |app: TestApp| async move {
    let (_, html) = app.get("/").await;
    let link = stylesheet_link(&html);
    let hash = link.strip_prefix("/style/main.").and_then(|l| l.strip_suffix(".css")).unwrap_or_else(|| panic!("{link}"));
    assert!(hash.len() == 12 && hash.bytes().all(|b| b.is_ascii_hexdigit()), "{link}");

    let res = get_encoded(&app, &link, "gzip, deflate, br").await;
    assert_eq!(res.status().as_u16(), 200);
    assert_eq!(header(&res, "content-encoding"), Some("br"));
    assert_eq!(header(&res, "cache-control"), Some("public, max-age=31536000, immutable"));
    assert_eq!(header(&res, "vary"), Some("accept-encoding"));
    assert_eq!(header(&res, "content-type"), Some("text/css; charset=utf-8"));
    let bytes = res.bytes().await.unwrap();
    let mut css = String::new();
    brotli::Decompressor::new(&bytes[..], 4096).read_to_string(&mut css).expect("brotli, compressed once");
    assert_eq!(css, STYLESHEET);

    let res = get_encoded(&app, &link, "gzip").await;
    assert_eq!(header(&res, "content-encoding"), Some("gzip"));
    let bytes = res.bytes().await.unwrap();
    let mut css = String::new();
    flate2::read::GzDecoder::new(&bytes[..]).read_to_string(&mut css).expect("gzip, compressed once");
    assert_eq!(css, STYLESHEET);

    let res = get_encoded(&app, &link, "br;q=0, gzip;q=0").await;
    assert_eq!(header(&res, "content-encoding"), None, "q=0 refuses an encoding");
    assert_eq!(res.text().await.unwrap(), STYLESHEET);

    // Pages cached before the fingerprint (or before an upgrade) still get the stylesheet, kept a day.
    for old in ["/style/main.css", "/style/main.0123456789ab.css"] {
        let res = get_encoded(&app, old, "gzip").await;
        assert_eq!((res.status().as_u16(), header(&res, "content-encoding")), (200, Some("gzip")), "{old}");
        assert_eq!(header(&res, "cache-control"), Some("public, max-age=86400"), "{old}");
    }
    assert_eq!(app.get("/style/lain.css").await.0, 404);
});

// ---- PostgreSQL connections ----

/// Every connection of the pool runs without parallel query workers: several taken at once, so that new
/// connections (each set up by `after_connect`) are among them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_connections_run_without_parallel_workers() {
    let Some((url, _)) = fresh_database(Engine::Postgres).await else { return };
    let store = kla::Store::open(&url, 4).await.expect("open the store");
    let mut held = Vec::new();
    for _ in 0..4 {
        let mut conn = kla::db::acquire(&store.pool).await.unwrap();
        let workers: String = sqlx::query_scalar("show max_parallel_workers_per_gather").fetch_one(&mut *conn).await.unwrap();
        assert_eq!(workers, "0");
        held.push(conn);
    }
    assert_eq!(store.pool.size(), 4);
    drop(held);
    store.pool.close().await;
}
