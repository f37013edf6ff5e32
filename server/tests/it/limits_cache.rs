//! Issue 11, the response cache and the renderer under a client that tries to make every request a fresh
//! render: canonical URLs, the cache key, dead session cookies, eviction by a flood of one-off URLs, the
//! render limits, and pages seen while signed in — on SQLite and on PostgreSQL.
//!
//! Whether a request was served from the cache is observed through the render limiter: with every render
//! slot held by the test and no waiting allowed, a request that needs a fresh render is answered 503, and
//! one answered from the cache is not (cache hits never wait).

use crate::common::officer::{add_user, sign_in};
use crate::common::{Engine, TestApp};
use app::render_limit::{RenderLimiter, RenderPermit};
use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

/// Renders at once in these tests; the test can hold them all.
const OVERALL: usize = 2;

fn limits(per_client: usize) -> impl FnOnce(app::AppState) -> app::AppState {
    move |s| s.with_render_limits(RenderLimiter::new(OVERALL, per_client, Duration::ZERO))
}

/// Holds every render slot: from now on only cache hits are answered 200.
async fn hold_all_slots(app: &TestApp) -> Vec<RenderPermit> {
    let mut held = Vec::new();
    for _ in 0..OVERALL {
        held.push(app.state.renders.acquire(None).await.expect("a free slot"));
    }
    held
}

async fn get(app: &TestApp, path: &str, headers: &[(&str, &str)]) -> reqwest::Response {
    let mut req = app.client.get(format!("{}{path}", app.base));
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    req.send().await.expect("request")
}

macro_rules! on_both_engines_with {
    ($name:ident, $configure:expr, $body:expr) => {
        mod $name {
            use super::*;
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                if let Some(app) = TestApp::spawn_with(Engine::Sqlite, $configure).await {
                    ($body)(app).await;
                }
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if let Some(app) = TestApp::spawn_with(Engine::Postgres, $configure).await {
                    ($body)(app).await;
                }
            }
        }
    };
}

on_both_engines_with!(unknown_parameters_redirect_to_the_canonical_url_and_old_links_still_work, limits(2), |app: TestApp| async move {
    app.import_all_fixtures().await;
    for (from, to) in [
        ("/?z=8d1f0c", "/"),
        ("/?fbclid=abc&utm_source=wa&tahun=2025", "/?tahun=2025"),
        ("/?tahun=2025&jenis=&ukuran=kegiatan", "/?tahun=2025"),
        ("/provinsi/63?ukuran=peserta&tahun=2025&tahun=2025", "/provinsi/63?tahun=2025&ukuran=peserta"),
        ("/kabkota/63.10?pesan=disimpan", "/kabkota/63.10"),
        ("/cari?q=%20banjar%20&x=1", "/cari?q=banjar"),
        ("/api/v1/nasional?z=1", "/api/v1/nasional"),
        ("/api/v1/wilayah?lang=en&lang=id", "/api/v1/wilayah?lang=en"),
    ] {
        let res = get(&app, from, &[]).await;
        assert_eq!(res.status().as_u16(), 308, "{from}");
        assert_eq!(res.headers()["location"], to, "{from}");
    }
    // Every link the pages build, and the API's documented forms, are answered as before.
    for path in [
        "/",
        "/?tahun=2025&lang=en",
        "/?urut=nama&arah=naik",
        "/provinsi/63?tahun=2025&jenis=puskesmas_ramah_anak",
        "/provinsi/63?urut=peserta&arah=turun",
        "/kabkota/63.10?tahun=2025",
        "/cari?q=kalimantan+selatan",
        "/api/v1",
        "/api/v1/wilayah",
        "/api/v1/nasional?tahun=2025&ukuran=sertifikat",
        "/api/v1/kabkota/63.10?lang=en",
        "/masuk?kembali=%2Fkelola%3Fwilayah%3D63",
    ] {
        assert_eq!(get(&app, path, &[]).await.status().as_u16(), 200, "{path}");
    }
    // A bad value is still named by the page, as before.
    let (status, body) = app.get("/api/v1/nasional?tahun=abc&z=1").await;
    assert!(status == 400 && body.contains("tahun"), "{status} {body}");
    let res = get(&app, &format!("/cari?q={}", "a".repeat(canonical_max() + 1)), &[]).await;
    assert_eq!(res.status().as_u16(), 400);
    assert!(res.text().await.unwrap().starts_with("q: "), "the message names the parameter");
});

fn canonical_max() -> usize {
    pantau_kla::canonical::MAX_SEARCH_CHARS
}

on_both_engines_with!(varied_accept_encoding_and_fake_session_cookies_get_the_cached_page, limits(2), |app: TestApp| async move {
    app.import_all_fixtures().await;
    let first = get(&app, "/provinsi/63", &[("accept-encoding", "gzip, deflate, x-a")]).await;
    assert_eq!(first.status().as_u16(), 200);
    let _held = hold_all_slots(&app).await;
    // Other spellings of the same accepted encoding share the entry.
    for ae in ["gzip", "deflate, gzip;q=0.9, x-b", "x-gzip, zstd"] {
        let res = get(&app, "/provinsi/63", &[("accept-encoding", ae)]).await;
        assert_eq!(res.status().as_u16(), 200, "{ae}: served from the cache");
        assert_eq!(res.headers()["content-encoding"], "gzip");
    }
    // A session cookie naming no live session is no cookie: the cached public page.
    for cookie in ["kla_sesi=x", &format!("lang=id; kla_sesi={}", "ab".repeat(32))] {
        let res = get(&app, "/provinsi/63", &[("accept-encoding", "gzip"), ("cookie", cookie)]).await;
        assert_eq!(res.status().as_u16(), 200, "{cookie}: served from the cache");
    }
    // A URL nobody asked for needs a render, and there is no slot for it now.
    let res = get(&app, "/provinsi/64", &[("accept-encoding", "gzip")]).await;
    assert_eq!(res.status().as_u16(), 503);
});

on_both_engines_with!(a_page_seen_signed_in_is_private_and_not_cached, limits(2), |app: TestApp| async move {
    app.import_all_fixtures().await;
    add_user(&app, "rina", "regency", Some("63.10")).await;
    let officer = sign_in(&app, "rina").await;
    let before = app.state.responses.len();
    let res = get(&app, "/kabkota/63.10", &[("cookie", &officer.cookie)]).await;
    assert_eq!(res.status().as_u16(), 200);
    let cache_control = res.headers()["cache-control"].to_str().unwrap().to_string();
    assert!(cache_control.contains("private"), "{cache_control}");
    let vary: Vec<String> = res.headers().get_all("vary").iter().map(|v| v.to_str().unwrap().to_ascii_lowercase()).collect();
    assert!(vary.iter().any(|v| v.contains("cookie")), "{vary:?}");
    assert!(res.text().await.unwrap().contains("rina"), "the page shows the user");
    assert_eq!(app.state.responses.len(), before, "the signed-in page is not kept");
    // The public page stays public and cacheable, and never shows the officer.
    let res = get(&app, "/kabkota/63.10", &[]).await;
    assert!(res.headers().get("cache-control").is_none_or(|v| !v.to_str().unwrap().contains("private")));
    assert!(!res.text().await.unwrap().contains("rina"));
    assert_eq!(app.state.responses.len(), before + 1);
    // A real session never gets the cached page either: with no slot free the visitor gets the kept page,
    // the officer a page rendered for them (officers are not held by the public render limits).
    let _held = hold_all_slots(&app).await;
    assert_eq!(get(&app, "/kabkota/63.10", &[]).await.status().as_u16(), 200, "the visitor: a hit");
    let res = get(&app, "/kabkota/63.10", &[("cookie", &officer.cookie)]).await;
    assert_eq!(res.status().as_u16(), 200);
    assert!(res.text().await.unwrap().contains("rina"), "the officer: rendered for them, not the kept page");
});

/// One-off searches issued at once, to keep the test short.
const FLOOD: usize = 2_001;
const FLOOD_CONCURRENCY: usize = 8;

on_both_engines_with!(
    a_flood_of_unique_searches_does_not_evict_a_popular_page,
    |s: app::AppState| s.with_render_limits(RenderLimiter::new(FLOOD_CONCURRENCY, 0, Duration::from_secs(60))),
    |app: TestApp| async move {
        app.import_all_fixtures().await;
        for _ in 0..2 {
            assert_eq!(app.get("/provinsi/63").await.0, 200);
        }
        let app = Arc::new(app);
        let mut tasks = Vec::new();
        for worker in 0..FLOOD_CONCURRENCY {
            let app = app.clone();
            tasks.push(tokio::spawn(async move {
                for i in (worker..FLOOD).step_by(FLOOD_CONCURRENCY) {
                    let (status, _) = app.get(&format!("/cari?q=zz{i}")).await;
                    assert_eq!(status, 200);
                }
            }));
        }
        for t in tasks {
            t.await.unwrap();
        }
        assert!(app.state.responses.len() <= app::cache::MAX_RESPONSES);
        let mut held = Vec::new();
        for _ in 0..FLOOD_CONCURRENCY {
            held.push(app.state.renders.acquire(None).await.unwrap());
        }
        let res = get(&app, "/provinsi/63", &[]).await;
        assert_eq!(res.status().as_u16(), 200, "the popular page is still served from the cache");
    }
);

on_both_engines_with!(
    the_per_client_render_limit_refuses_the_excess_while_another_client_is_served,
    limits(1),
    |app: TestApp| async move {
        app.import_all_fixtures().await;
        assert_eq!(app.get("/").await.0, 200);
        // This client (127.0.0.1) has a render in progress: its share.
        let busy = app.state.renders.acquire(Some("127.0.0.1".parse().unwrap())).await.unwrap();
        let res = get(&app, "/provinsi/63", &[("accept-language", "id")]).await;
        assert_eq!(res.status().as_u16(), 503, "over its share");
        assert_eq!(res.headers()["retry-after"], "1");
        assert!(res.text().await.unwrap().contains("Coba lagi"), "a plain message, in Indonesian by default");
        assert_eq!(app.get("/").await.0, 200, "cache hits never wait");
        let other: IpAddr = "127.0.0.2".parse().unwrap();
        let client = reqwest::Client::builder().local_address(other).redirect(reqwest::redirect::Policy::none()).build().unwrap();
        let res = client.get(format!("{}/provinsi/63", app.base)).send().await.unwrap();
        assert_eq!(res.status().as_u16(), 200, "another client is served meanwhile");
        drop(busy);
        assert_eq!(app.get("/provinsi/64").await.0, 200, "the slot given back is free again");
    }
);

on_both_engines_with!(a_language_link_is_served_from_the_cache_and_still_remembered, limits(1), |app: TestApp| async move {
    app.import_all_fixtures().await;
    assert_eq!(app.get("/provinsi/63?lang=en").await.0, 200);
    let _held = hold_all_slots(&app).await;
    let res = get(&app, "/provinsi/63?lang=en", &[]).await;
    assert_eq!(res.status().as_u16(), 200, "served from the cache");
    let cookie = res.headers().get("set-cookie").map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
    assert!(cookie.starts_with("lang=en;"), "the choice is still remembered: {cookie}");
    assert!(res.text().await.unwrap().contains("lang=\"en\""), "in English");
    // The cookie chooses the language as `lang` does: the same page, the same entry.
    assert_eq!(get(&app, "/provinsi/63", &[("cookie", "lang=en")]).await.status().as_u16(), 200);
    assert_eq!(get(&app, "/provinsi/63", &[]).await.status().as_u16(), 503, "Indonesian is another page, not yet kept");
});

on_both_engines_with!(
    concurrent_requests_for_one_uncached_page_render_it_once,
    |s: app::AppState| s.with_render_limits(RenderLimiter::new(1, 0, Duration::from_secs(60))),
    |app: TestApp| async move {
        app.import_all_fixtures().await;
        let app = Arc::new(app);
        let held = app.state.renders.acquire(None).await.unwrap();
        let before = app.state.renders.granted();
        let requests: Vec<_> = (0..5)
            .map(|_| {
                let app = app.clone();
                tokio::spawn(async move { app.get("/provinsi/63").await.0 })
            })
            .collect();
        // One request leads (and waits for the slot the test holds); wait until the four others follow it.
        // (Polled, with a deadline only for the failure: without coalescing nobody ever waits.)
        let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
        while app.state.responses.waiting_for("id|/provinsi/63|identity") < 4 && tokio::time::Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        assert_eq!(app.state.responses.waiting_for("id|/provinsi/63|identity"), 4, "the others wait for the first render");
        drop(held);
        for r in requests {
            assert_eq!(r.await.unwrap(), 200);
        }
        assert_eq!(app.state.renders.granted() - before, 1, "five requests, one render");
    }
);

on_both_engines_with!(
    behind_a_trusted_proxy_clients_are_told_apart_by_their_forwarded_address,
    |s: app::AppState| {
        let mut s = s.with_render_limits(RenderLimiter::new(OVERALL, 1, Duration::ZERO));
        s.trusted_proxies = Arc::new(vec!["127.0.0.1".parse().unwrap()]);
        s
    },
    |app: TestApp| async move {
        app.import_all_fixtures().await;
        // A visitor behind the proxy (127.0.0.1) has a render in progress: their share.
        let busy = app.state.renders.acquire(Some("203.0.113.7".parse().unwrap())).await.unwrap();
        let res = get(&app, "/provinsi/63", &[("x-forwarded-for", "203.0.113.7")]).await;
        assert_eq!(res.status().as_u16(), 503, "the forwarded client is over its share");
        let res = get(&app, "/provinsi/63", &[("x-forwarded-for", "198.51.100.9")]).await;
        assert_eq!(res.status().as_u16(), 200, "another visitor behind the same proxy is served");
        drop(busy);
    }
);

on_both_engines_with!(signed_in_officers_are_not_held_by_the_public_render_limits, limits(1), |app: TestApp| async move {
    app.import_all_fixtures().await;
    add_user(&app, "rina", "regency", Some("63.10")).await;
    let officer = sign_in(&app, "rina").await;
    let _held = hold_all_slots(&app).await;
    assert_eq!(get(&app, "/provinsi/63", &[]).await.status().as_u16(), 503, "an anonymous fresh render waits for a slot");
    assert_eq!(officer.get("/provinsi/63").await.0, 200, "an officer's page is rendered meanwhile");
    assert_eq!(officer.get("/kelola/ekspor/kegiatan.csv").await.0, 200, "and their downloads");
});
