//! Slow and greedy clients against the real server (issue 11, item 5): a half-sent request line is closed
//! after the header timeout, a dripped body is answered 408, one address cannot take more than its share
//! of connections while another visitor is still served, and SIGTERM lets a request in flight finish.
//! Time bounds here are generous "eventually" limits, never measurements.

use pantau_kla::connections::Limits;
use std::net::SocketAddr;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};

/// How long "eventually" may take before a test fails (the limits under test are 1–2 s).
const EVENTUALLY: Duration = Duration::from_secs(30);

/// A server on a fresh SQLite database within `limits`; the database folder lives as long as the guard.
async fn spawn(limits: Limits) -> (SocketAddr, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}", dir.path().join("kla.db").display());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let state = app::AppState::open(&url, 4, pantau_kla::startup::leptos_options(addr)).await.unwrap();
    tokio::spawn(pantau_kla::startup::serve_with(listener, state, limits));
    (addr, dir)
}

/// A connection from `from` (any 127.x.y.z address is this machine) that sends `bytes` and stays open.
async fn connect_from(from: &str, to: SocketAddr, bytes: &[u8]) -> TcpStream {
    let socket = TcpSocket::new_v4().unwrap();
    socket.bind(format!("{from}:0").parse().unwrap()).unwrap();
    let mut stream = socket.connect(to).await.unwrap();
    stream.write_all(bytes).await.unwrap();
    stream
}

/// Everything the server sends until it closes the connection (a reset counts as closed).
async fn until_closed(stream: &mut TcpStream) -> String {
    let mut buf = Vec::new();
    let read = tokio::time::timeout(EVENTUALLY, stream.read_to_end(&mut buf)).await;
    assert!(read.is_ok(), "the server closes the connection (got so far: {:?})", String::from_utf8_lossy(&buf));
    String::from_utf8_lossy(&buf).into_owned()
}

/// A complete GET from `from`; returns the status line.
async fn get_from(from: &str, to: SocketAddr, path: &str) -> String {
    let mut stream = connect_from(from, to, format!("GET {path} HTTP/1.1\r\nhost: {to}\r\nconnection: close\r\n\r\n").as_bytes()).await;
    until_closed(&mut stream).await.lines().next().unwrap_or("").to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn half_a_request_line_is_closed_after_the_header_timeout() {
    let (addr, _db) = spawn(Limits { header_timeout: Duration::from_secs(1), ..Limits::default() }).await;
    let mut slow = connect_from("127.0.0.1", addr, b"GET / HT").await;
    let answer = until_closed(&mut slow).await;
    assert!(!answer.contains("200 OK"), "{answer}");
    // An idle keep-alive connection is let go the same way.
    let mut idle = connect_from("127.0.0.1", addr, format!("GET /healthz HTTP/1.1\r\nhost: {addr}\r\n\r\n").as_bytes()).await;
    let answer = until_closed(&mut idle).await;
    assert!(answer.starts_with("HTTP/1.1 200 OK"), "{answer}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dripped_body_is_answered_408_and_nothing_waits_for_it() {
    let limits = Limits { body_grace: Duration::from_secs(1), body_min_rate: 1000, ..Limits::default() };
    let (addr, _db) = spawn(limits).await;
    let head = format!(
        "POST /masuk?lang=en HTTP/1.1\r\nhost: {addr}\r\ncontent-type: application/x-www-form-urlencoded\r\ncontent-length: 100000\r\n\r\nusername="
    );
    let mut drip = connect_from("127.0.0.1", addr, head.as_bytes()).await;
    let answer = until_closed(&mut drip).await;
    assert!(answer.starts_with("HTTP/1.1 408 "), "{answer}");
    assert!(answer.contains("arrived too slowly") && answer.contains("connection: close"), "{answer}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_address_holding_many_slow_connections_leaves_room_for_others() {
    const SHARE: usize = 8;
    const SLOW: usize = 500;
    let limits =
        Limits { header_timeout: Duration::from_secs(600), max_connections: 64, max_connections_per_client: SHARE, ..Limits::default() };
    let (addr, _db) = spawn(limits).await;
    let mut held = Vec::new();
    for _ in 0..SHARE {
        held.push(connect_from("127.0.0.1", addr, b"GET / HTTP/1.1\r\nx-slow: ").await);
    }
    // The rest of the flood from the same address is answered 503 and closed at once, not kept.
    let mut refused = 0;
    for _ in SHARE..SLOW {
        let mut extra = connect_from("127.0.0.1", addr, b"GET / HTTP/1.1\r\nx-slow: ").await;
        let answer = until_closed(&mut extra).await;
        assert!(answer.is_empty() || answer.starts_with("HTTP/1.1 503 "), "{answer}");
        refused += 1;
    }
    assert_eq!(refused, SLOW - SHARE);
    // Another visitor is served meanwhile, pages included.
    assert_eq!(get_from("127.0.0.2", addr, "/healthz").await, "HTTP/1.1 200 OK");
    assert_eq!(get_from("127.0.0.3", addr, "/").await, "HTTP/1.1 200 OK");
    // The flooding address itself gets its 503 with a reason.
    let answer = {
        let mut s = connect_from("127.0.0.1", addr, format!("GET /healthz HTTP/1.1\r\nhost: {addr}\r\n\r\n").as_bytes()).await;
        until_closed(&mut s).await
    };
    assert!(answer.starts_with("HTTP/1.1 503 ") && answer.contains("Too many connections"), "{answer}");
    // Once its slow connections go, the address is served again.
    drop(held);
    let deadline = tokio::time::Instant::now() + EVENTUALLY;
    loop {
        if get_from("127.0.0.1", addr, "/healthz").await == "HTTP/1.1 200 OK" {
            break;
        }
        assert!(tokio::time::Instant::now() < deadline, "closed connections free their places");
        tokio::task::yield_now().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_overall_cap_refuses_connections_beyond_it() {
    let limits =
        Limits { header_timeout: Duration::from_secs(600), max_connections: 3, max_connections_per_client: 0, ..Limits::default() };
    let (addr, _db) = spawn(limits).await;
    let _held: Vec<TcpStream> = futures_util::future::join_all((1..=3).map(|i| {
        let from = format!("127.0.1.{i}");
        async move { connect_from(&from, addr, b"GET / HTTP/1.1\r\n").await }
    }))
    .await;
    // The three are accepted in the order they connected; give the accept loop a request to prove it.
    let mut fourth = connect_from("127.0.2.1", addr, format!("GET /healthz HTTP/1.1\r\nhost: {addr}\r\n\r\n").as_bytes()).await;
    let answer = until_closed(&mut fourth).await;
    assert!(answer.is_empty() || answer.starts_with("HTTP/1.1 503 "), "{answer}");
}

/// The real binary: a request in flight when SIGTERM arrives is answered, new connections are not
/// accepted, and the process exits cleanly.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_finishes_the_request_in_flight() {
    let dir = tempfile::tempdir().unwrap();
    let mut server = crate::common::process::Server::start(&format!("sqlite:{}", dir.path().join("kla.db").display()), &[]);
    let addr = server.addr;
    // A sign-in form whose body is still on its way.
    let body = "username=nobody&password=x&csrf=0";
    let head = format!(
        "POST /masuk?lang=en HTTP/1.1\r\nhost: {addr}\r\ncontent-type: application/x-www-form-urlencoded\r\ncontent-length: {}\r\n\r\n",
        body.len()
    );
    let mut in_flight = connect_from("127.0.0.1", addr, head.as_bytes()).await;
    in_flight.write_all(&body.as_bytes()[..10]).await.unwrap();
    // The request has reached the server once its body pace is being watched: prove the server has the
    // connection by a second, complete request on another connection first.
    assert_eq!(get_from("127.0.0.1", addr, "/healthz").await, "HTTP/1.1 200 OK");
    server.terminate();
    // The listener goes away: new connections are refused (eventually: the signal is asynchronous).
    let deadline = tokio::time::Instant::now() + EVENTUALLY;
    while TcpStream::connect(addr).await.is_ok() {
        assert!(tokio::time::Instant::now() < deadline, "the server stops accepting after SIGTERM");
        tokio::task::yield_now().await;
    }
    in_flight.write_all(&body.as_bytes()[10..]).await.unwrap();
    let answer = until_closed(&mut in_flight).await;
    assert!(answer.starts_with("HTTP/1.1 403 "), "the form in flight is answered (its CSRF token is wrong): {answer}");
    let status = server.wait();
    assert!(status.success(), "exit status {status:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn five_hundred_slow_clients_from_as_many_addresses_leave_the_server_answering() {
    let limits = Limits { header_timeout: Duration::from_secs(600), ..Limits::default() };
    let (addr, _db) = spawn(limits).await;
    let mut held = Vec::new();
    for i in 0..500u32 {
        held.push(connect_from(&format!("127.1.{}.{}", i / 250, 1 + i % 250), addr, b"GET / HTTP/1.1\r\nx-slow: ").await);
    }
    assert_eq!(get_from("127.0.0.9", addr, "/healthz").await, "HTTP/1.1 200 OK");
    assert_eq!(get_from("127.0.0.9", addr, "/").await, "HTTP/1.1 200 OK");
    // Past the overall cap (512 by default) a connection is refused rather than queued.
    for i in 0..12u32 {
        held.push(connect_from(&format!("127.2.0.{}", 1 + i), addr, b"GET / HTTP/1.1\r\nx-slow: ").await);
    }
    let mut over = connect_from("127.3.0.1", addr, format!("GET /healthz HTTP/1.1\r\nhost: {addr}\r\n\r\n").as_bytes()).await;
    let answer = until_closed(&mut over).await;
    assert!(answer.is_empty() || answer.starts_with("HTTP/1.1 503 "), "{answer}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn headers_beyond_the_read_buffer_are_answered_431() {
    let (addr, _db) = spawn(Limits { header_timeout: Duration::from_secs(600), ..Limits::default() }).await;
    // Headers that never end are not buffered without bound either.
    let endless = "x".repeat(pantau_kla::connections::MAX_READ_BUFFER_BYTES * 2);
    let mut big = connect_from("127.0.0.1", addr, format!("GET / HTTP/1.1\r\nhost: {addr}\r\ncookie: a={endless}").as_bytes()).await;
    let answer = until_closed(&mut big).await;
    assert!(answer.starts_with("HTTP/1.1 431 "), "{answer}");
    let cookie = "x".repeat(pantau_kla::connections::MAX_READ_BUFFER_BYTES + 1024);
    let mut big = connect_from("127.0.0.1", addr, format!("GET / HTTP/1.1\r\nhost: {addr}\r\ncookie: a={cookie}\r\n\r\n").as_bytes()).await;
    let answer = until_closed(&mut big).await;
    assert!(answer.starts_with("HTTP/1.1 431 "), "{answer}");
    // Ordinary headers of several KB pass.
    let cookie = "x".repeat(8 * 1024);
    let mut fine = connect_from(
        "127.0.0.1",
        addr,
        format!("GET /healthz HTTP/1.1\r\nhost: {addr}\r\ncookie: a={cookie}\r\nconnection: close\r\n\r\n").as_bytes(),
    )
    .await;
    assert!(until_closed(&mut fine).await.starts_with("HTTP/1.1 200 OK"));
}
