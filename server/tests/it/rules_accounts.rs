//! Rules and accounts under abuse (issue 11), through the real server on SQLite and PostgreSQL: breakdowns
//! by regency only within the organiser's area, the return path after sign-in, sign-in and password-page
//! throttling per user and address, oversized forms, hashes that are never empty, evidence links to a
//! deleted record, the evidence quota per regency, and file names without bidi controls.

use crate::common::officer::{Officer, PASSWORD, add_user, cookie_value, csrf_in, set_cookie, sign_in};
use crate::common::{Engine, TestApp};
use std::net::{IpAddr, Ipv4Addr};

const SHEET: &str = "/kelola/evaluasi/2025/63.10";

fn event(region: &str, title: &str, by_regency: &str) -> Vec<(&'static str, String)> {
    vec![
        ("organiser_code", region.to_string()),
        ("title", title.to_string()),
        ("kind", "bimtek".into()),
        ("start_date", "2026-03-10".into()),
        ("end_date", "2026-03-12".into()),
        ("mode", "luring".into()),
        ("participants_offline", "600".into()),
        ("participants_online", "0".into()),
        ("institutions", "12".into()),
        ("participants_by_regency", by_regency.to_string()),
    ]
}

fn refs<'a>(v: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    v.iter().map(|(k, s)| (*k, s.as_str())).collect()
}

async fn breakdown_rows(app: &TestApp, regency: &str) -> i64 {
    sqlx::query_scalar("select count(*) from training_participants_by_regency where regency_code = $1")
        .bind(regency)
        .fetch_one(&app.state.pool)
        .await
        .unwrap()
}

on_both_engines!(a_province_credits_participants_only_to_its_own_regencies, |app: TestApp| async move {
    add_user(&app, "prov-kalsel", "province", Some("63")).await;
    let prov = sign_in(&app, "prov-kalsel").await;
    // Another province's regency in the breakdown: refused, the field named, nothing written.
    let bad = event("63", "Bimtek KHA se-Kalimantan Selatan", "63.10:100; 35.07:500");
    let (status, _, html) = prov.post("/kelola/kegiatan/baru", &refs(&bad)).await;
    assert_eq!(status, 422);
    assert!(
        html.contains("id=\"e-participants_by_regency\"") && html.contains("35.07 di luar wilayah penyelenggara"),
        "the field and the regency are named"
    );
    assert_eq!((app.count("training_events").await, breakdown_rows(&app, "35.07").await), (0, 0));
    // Its own regencies: accepted. Changing it to credit 35.07 afterwards is refused and changes nothing.
    let good = event("63", "Bimtek KHA se-Kalimantan Selatan", "63.10:100; 63.72:50");
    assert_eq!(prov.post("/kelola/kegiatan/baru", &refs(&good)).await.0, 303);
    let id: i64 = sqlx::query_scalar("select id from training_events").fetch_one(&app.state.pool).await.unwrap();
    let (status, _, _) = prov.post(&format!("/kelola/kegiatan/{id}/ubah"), &refs(&bad)).await;
    assert_eq!(status, 422);
    assert_eq!((breakdown_rows(&app, "35.07").await, breakdown_rows(&app, "63.10").await, breakdown_rows(&app, "63.72").await), (0, 1, 1));
    assert!(!app.get("/kabkota/35.07").await.1.contains("Bimtek KHA se-Kalimantan Selatan"));
    // A regency credits only itself.
    add_user(&app, "dp3a-tanahbumbu", "regency", Some("63.10")).await;
    let dp3a = sign_in(&app, "dp3a-tanahbumbu").await;
    let other = event("63.10", "Pelatihan KHA Batulicin", "63.10:300; 63.72:300");
    assert_eq!(dp3a.post("/kelola/kegiatan/baru", &refs(&other)).await.0, 422);
    assert_eq!(app.count("training_events").await, 1);
});

/// A client whose connections come from `ip` (any 127.x address reaches the test server on Linux).
fn client_from(ip: [u8; 4]) -> reqwest::Client {
    reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).local_address(IpAddr::V4(Ipv4Addr::from(ip))).build().unwrap()
}

async fn sign_in_from(app: &TestApp, client: &reqwest::Client, name: &str, password: &str, back: &str) -> reqwest::Response {
    let res = client.get(format!("{}/masuk", app.base)).send().await.unwrap();
    let anon = cookie_value(&set_cookie(&res, "kla_csrf").expect("the sign-in page sets a CSRF cookie"));
    let csrf = csrf_in(&res.text().await.unwrap());
    client
        .post(format!("{}/masuk", app.base))
        .header("cookie", anon)
        .form(&[("csrf", csrf.as_str()), ("username", name), ("password", password), ("kembali", back)])
        .send()
        .await
        .unwrap()
}

fn location(res: &reqwest::Response) -> String {
    res.headers().get("location").and_then(|v| v.to_str().ok()).unwrap_or("").to_string()
}

on_both_engines!(the_return_path_after_sign_in_stays_on_this_site, |app: TestApp| async move {
    add_user(&app, "rina", "regency", Some("63.10")).await;
    let client = client_from([127, 0, 0, 1]);
    for (back, expected) in [
        ("/kabkota/63.10?lang=en", "/kabkota/63.10?lang=en"),
        ("/%09/x.example", "/kelola"),
        ("/\t/x.example", "/kelola"),
        ("/kelola\r\nSet-Cookie: a=b", "/kelola"),
        ("/kelola\nx", "/kelola"),
        ("//x.example", "/kelola"),
        ("/\\x.example", "/kelola"),
        ("/%5Cx.example", "/kelola"),
        ("https://x.example/", "/kelola"),
    ] {
        let res = sign_in_from(&app, &client, "rina", PASSWORD, back).await;
        assert_eq!((res.status().as_u16(), location(&res)), (303, expected.to_string()), "kembali={back:?}");
        assert!(set_cookie(&res, "kla_sesi").is_some());
    }
});

on_both_engines!(a_guesser_is_slowed_without_locking_the_officer_out, |app: TestApp| async move {
    add_user(&app, "rina", "regency", Some("63.10")).await;
    let attacker = client_from([127, 0, 0, 2]);
    let officer = client_from([127, 0, 0, 1]);
    for _ in 0..kla::auth::FREE_FAILURES_PER_PAIR {
        assert_eq!(sign_in_from(&app, &attacker, "rina", "bukan-kata-sandi", "/kelola").await.status().as_u16(), 401);
    }
    // The guesser now waits, even with the right password…
    let res = sign_in_from(&app, &attacker, "rina", PASSWORD, "/kelola").await;
    assert_eq!(res.status().as_u16(), 429);
    assert!(res.text().await.unwrap().contains("Tunggu 1 menit"), "the first wait is a minute");
    // …while the officer, from their own address, signs in at once.
    let res = sign_in_from(&app, &officer, "rina", PASSWORD, "/kelola").await;
    assert_eq!(res.status().as_u16(), 303, "five failures elsewhere do not lock the officer out");
    // One address trying many user names is capped too.
    let sprayer = client_from([127, 0, 0, 3]);
    for i in 0..kla::auth::MAX_FAILURES_PER_CLIENT {
        let res = sign_in_from(&app, &sprayer, &format!("orang-{i}"), "bukan-kata-sandi", "/kelola").await;
        assert_eq!(res.status().as_u16(), 401);
    }
    assert_eq!(sign_in_from(&app, &sprayer, "rina", PASSWORD, "/kelola").await.status().as_u16(), 429);
    assert_eq!(sign_in_from(&app, &officer, "rina", PASSWORD, "/kelola").await.status().as_u16(), 303);
});

async fn sign_in_via_proxy(app: &TestApp, forwarded_for: &str, password: &str) -> u16 {
    let res = app.client.get(format!("{}/masuk", app.base)).send().await.unwrap();
    let anon = cookie_value(&set_cookie(&res, "kla_csrf").unwrap());
    let csrf = csrf_in(&res.text().await.unwrap());
    let form = [("csrf", csrf.as_str()), ("username", "rina"), ("password", password), ("kembali", "/kelola")];
    let res = app
        .client
        .post(format!("{}/masuk", app.base))
        .header("cookie", anon)
        .header("x-forwarded-for", forwarded_for)
        .form(&form)
        .send()
        .await
        .unwrap();
    res.status().as_u16()
}

/// Behind a trusted proxy the throttle counts each client apart; without one, a made-up `X-Forwarded-For`
/// does not let a guesser pass for someone new.
async fn throttling_behind_a_proxy(engine: Engine) {
    let Some(app) = TestApp::spawn_with(engine, |mut s| {
        s.trusted_proxies = std::sync::Arc::new(vec![IpAddr::V4(Ipv4Addr::LOCALHOST)]);
        s
    })
    .await
    else {
        return;
    };
    add_user(&app, "rina", "regency", Some("63.10")).await;
    for _ in 0..kla::auth::FREE_FAILURES_PER_PAIR {
        assert_eq!(sign_in_via_proxy(&app, "203.0.113.9", "bukan-kata-sandi").await, 401);
    }
    assert_eq!(sign_in_via_proxy(&app, "203.0.113.9", PASSWORD).await, 429);
    assert_eq!(sign_in_via_proxy(&app, "1.2.3.4, 203.0.113.9", PASSWORD).await, 429, "a made-up hop further left changes nothing");
    assert_eq!(sign_in_via_proxy(&app, "198.51.100.7", PASSWORD).await, 303, "the officer behind the same proxy signs in");

    let Some(direct) = TestApp::spawn(engine).await else { return };
    add_user(&direct, "rina", "regency", Some("63.10")).await;
    for i in 0..kla::auth::FREE_FAILURES_PER_PAIR {
        assert_eq!(sign_in_via_proxy(&direct, &format!("203.0.113.{i}"), "bukan-kata-sandi").await, 401);
    }
    assert_eq!(sign_in_via_proxy(&direct, "198.51.100.99", PASSWORD).await, 429, "no proxy trusted: the header is ignored");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn throttling_behind_a_proxy_sqlite() {
    throttling_behind_a_proxy(Engine::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn throttling_behind_a_proxy_postgres() {
    throttling_behind_a_proxy(Engine::Postgres).await;
}

on_both_engines!(current_password_guesses_are_throttled, |app: TestApp| async move {
    add_user(&app, "rina", "regency", Some("63.10")).await;
    let rina = sign_in(&app, "rina").await;
    let change = |current: &'static str| {
        [("current_password", current), ("new_password", "Banjarmasin-Baru-2026"), ("confirm_password", "Banjarmasin-Baru-2026")]
    };
    for _ in 0..kla::auth::FREE_FAILURES_PER_PAIR {
        let (status, _, html) = rina.post("/akun/sandi", &change("tebakan-salah-1")).await;
        assert_eq!(status, 422);
        assert!(html.contains("kata sandi sekarang salah"));
    }
    let (status, _, html) = rina.post("/akun/sandi", &change(PASSWORD)).await;
    assert_eq!(status, 429, "the right current password waits too");
    assert!(html.contains("Tunggu 1 menit") && html.contains("id=\"e-current_password\""));
    let hash: String =
        sqlx::query_scalar("select password_hash from users where username = 'rina'").fetch_one(&app.state.pool).await.unwrap();
    assert!(kla::auth::verify_password(PASSWORD, &hash), "the password is unchanged");
    // Signing in is counted apart: the officer is not locked out of the account.
    sign_in(&app, "rina").await;
});

on_both_engines!(an_oversized_form_is_reported_as_too_large, |app: TestApp| async move {
    add_user(&app, "rina", "regency", Some("63.10")).await;
    let rina = sign_in(&app, "rina").await;
    let long = "x".repeat(300 * 1024);
    let e = event("63.10", "Pelatihan", "");
    let mut fields = refs(&e);
    fields.push(("venue", &long));
    let (status, _, html) = rina.post("/kelola/kegiatan/baru", &fields).await;
    assert_eq!(status, 413);
    assert!(html.contains("Formulir terlalu besar (paling besar 256 KB)"), "the limit is named");
    assert!(!html.contains(&kla::i18n::tr(kla::i18n::Lang::Id, "manage.csrf_expired")), "not called an expired token");
    assert_eq!(app.count("training_events").await, 0);
});

on_both_engines!(an_empty_password_hash_is_never_stored, |app: TestApp| async move {
    add_user(&app, "rina", "regency", Some("63.10")).await;
    let id: i64 = sqlx::query_scalar("select id from users where username = 'rina'").fetch_one(&app.state.pool).await.unwrap();
    let mut conn = app.state.pool.acquire().await.unwrap();
    assert!(kla::auth::set_password(&mut conn, id, "").await.is_err());
    let role = kla::auth::Role::from_parts("regency", Some("63.10")).unwrap();
    assert!(kla::auth::insert_user(&mut conn, "budi", "Budi", "", role).await.is_err());
    drop(conn);
    let hash: String =
        sqlx::query_scalar("select password_hash from users where id = $1").bind(id).fetch_one(&app.state.pool).await.unwrap();
    assert!(kla::auth::verify_password(PASSWORD, &hash));
    assert_eq!(app.count("users where username = 'budi'").await, 0);
});

// ---------------------------------------------------------------------------------------------------------
// Evidence

fn pdf(text: &str, size: usize) -> Vec<u8> {
    let mut b = format!("%PDF-1.4\n% {text}\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n").into_bytes();
    b.resize(size.max(b.len()), b' ');
    b
}

/// The fixtures, a regency and an administrator, and the 2025 cycle made through the form.
async fn setup(app: &TestApp) {
    app.import_all_fixtures().await;
    add_user(app, "admin-kla", "admin", None).await;
    add_user(app, "dp3a-tanahbumbu", "regency", Some("63.10")).await;
    let admin = sign_in(app, "admin-kla").await;
    let cycle = [
        ("scope", "cycle"),
        ("award_year", "2025"),
        ("data_year", "2024"),
        ("instrument", "permen-pppa-12-2022"),
        ("self_deadline", "2025-03-31"),
        ("verify_deadline", "2025-04-30"),
    ];
    assert_eq!(admin.post("/kelola/evaluasi/siklus", &cycle).await.0, 303);
}

async fn item_id(app: &TestApp, code: &str) -> i64 {
    sqlx::query_scalar("select id from evidence_items where code = $1").bind(code).fetch_one(&app.state.pool).await.unwrap()
}

async fn upload(o: &Officer<'_>, indicator: i64, item: i64, name: &str, bytes: Vec<u8>) -> (u16, String) {
    let csrf = o.csrf().await;
    let form = reqwest::multipart::Form::new()
        .text("csrf", csrf)
        .text("scope", item.to_string())
        .text("item", item.to_string())
        .text("doc_year", "")
        .part("file", reqwest::multipart::Part::bytes(bytes).file_name(name.to_string()));
    let res = o
        .app
        .client
        .post(format!("{}{SHEET}/{indicator}/unggah", o.app.base))
        .header("cookie", &o.cookie)
        .multipart(form)
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    (status, res.text().await.unwrap())
}

fn stored_files(dir: &std::path::Path) -> usize {
    std::fs::read_dir(dir).map_or(0, |rd| rd.flatten().map(|e| if e.path().is_dir() { stored_files(&e.path()) } else { 1 }).sum())
}

async fn item_status(app: &TestApp, item: i64) -> String {
    sqlx::query_scalar("select status from evidence where item_id = $1").bind(item).fetch_one(&app.state.pool).await.unwrap()
}

on_both_engines!(deleting_a_record_removes_its_evidence_links, |app: TestApp| async move {
    setup(&app).await;
    let dp3a = sign_in(&app, "dp3a-tanahbumbu").await;
    let (a, c) = (item_id(&app, "2.a").await, item_id(&app, "2.c").await);
    let event: i64 = sqlx::query_scalar("select id from training_events where title = 'Pelatihan KHA bagi tenaga kesehatan'")
        .fetch_one(&app.state.pool)
        .await
        .unwrap();
    // 2.c rests on the event alone; 2.a on the event and a document.
    assert_eq!(dp3a.post(&format!("{SHEET}/2/tautan"), &[("item", &c.to_string()), ("record", &event.to_string())]).await.0, 303);
    assert_eq!(upload(&dp3a, 2, a, "SK.pdf", pdf("SK", 0)).await.0, 303);
    sqlx::query("insert into evidence_links (evidence_id, entity, record_id, linked_at) select id, 'training_event', $1, 0 from evidence where item_id = $2")
        .bind(event)
        .bind(a)
        .execute(&app.state.pool)
        .await
        .unwrap();
    assert_eq!((item_status(&app, c).await.as_str(), item_status(&app, a).await.as_str()), ("uploaded", "uploaded"));
    let (status, _, _) = dp3a.post(&format!("/kelola/kegiatan/{event}/hapus"), &[]).await;
    assert_eq!(status, 303);
    assert_eq!(app.count("evidence_links").await, 0, "no link to the deleted event remains");
    assert_eq!(item_status(&app, c).await, "missing", "an item left with nothing is missing again");
    assert_eq!(item_status(&app, a).await, "uploaded", "an item with its document keeps it");
    assert_eq!(app.count("audit_log where entity = 'evidence_link' and action = 'delete'").await, 2, "each removal is audited");
    let (_, page) = dp3a.get(&format!("{SHEET}/2")).await;
    assert!(!page.contains("Pelatihan KHA bagi tenaga kesehatan"));
});

on_both_engines!(uploaded_file_names_lose_bidi_controls, |app: TestApp| async move {
    setup(&app).await;
    let dp3a = sign_in(&app, "dp3a-tanahbumbu").await;
    let a = item_id(&app, "2.a").await;
    assert_eq!(upload(&dp3a, 2, a, "laporan\u{202E}fdp.exe.pdf", pdf("x", 0)).await.0, 303);
    let name: String = sqlx::query_scalar("select file_name from evidence_files").fetch_one(&app.state.pool).await.unwrap();
    assert_eq!(name, "laporanfdp.exe.pdf");
    // The import preview shows the file's name without them either.
    let csv = std::fs::read(crate::common::fixture("training_events.csv")).unwrap();
    let (_, html) = dp3a.upload("kegiatan\u{2067}\u{202E}vsc.csv", csv).await;
    assert!(html.contains("kegiatanvsc.csv") && !html.contains('\u{202E}') && !html.contains('\u{2067}'));
});

/// Uploads over a tiny quota: the second file does not fit, is refused with the figures, and leaves nothing.
async fn quota_is_enforced(app: TestApp) {
    setup(&app).await;
    let dp3a = sign_in(&app, "dp3a-tanahbumbu").await;
    let a = item_id(&app, "2.a").await;
    assert_eq!(upload(&dp3a, 2, a, "satu.pdf", pdf("satu", 600)).await.0, 303);
    assert!(
        dp3a.get(&format!("{SHEET}/2")).await.1.contains("Kuota dokumen bukti terpakai: 600 B dari 1000 B."),
        "the form shows the quota in use"
    );
    let (status, html) = upload(&dp3a, 2, a, "dua.pdf", pdf("dua", 600)).await;
    assert_eq!(status, 422);
    assert!(
        html.contains("Kuota dokumen bukti kabupaten/kota ini (1000 B) sudah terpakai 600 B; berkas ini (600 B) tidak muat"),
        "the quota is named"
    );
    assert!(html.contains("id=\"e-file\"") || html.contains("href=\"#f-file\""), "beside the upload field");
    assert_eq!(app.count("evidence_files").await, 1);
    assert_eq!(stored_files(&app.storage_dir), 1, "the refused file left no object");
    // A file that fits still goes in.
    assert_eq!(upload(&dp3a, 2, a, "tiga.pdf", pdf("tiga", 300)).await.0, 303);
}

fn tiny_quota(mut s: app::AppState) -> app::AppState {
    s.evidence_quota_bytes = 1000;
    s
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn evidence_quota_per_regency_sqlite() {
    if let Some(app) = TestApp::spawn_with(Engine::Sqlite, tiny_quota).await {
        quota_is_enforced(app).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn evidence_quota_per_regency_postgres() {
    if let Some(app) = TestApp::spawn_with(Engine::Postgres, tiny_quota).await {
        quota_is_enforced(app).await;
    }
}

async fn attempts(app: &TestApp, username: &str, client: &str, seconds_ago: i64, succeeded: bool, n: i64) {
    for _ in 0..n {
        sqlx::query("insert into sign_in_attempts (username, client, at, succeeded) values ($1, $2, $3, $4)")
            .bind(username)
            .bind(client)
            .bind(kla::auth::now() - seconds_ago)
            .bind(i64::from(succeeded))
            .execute(&app.state.pool)
            .await
            .unwrap();
    }
}

on_both_engines!(the_wait_ends_grows_and_stops_a_spread_out_guesser, |app: TestApp| async move {
    use kla::auth::{FIRST_DELAY_SECONDS, FREE_FAILURES_PER_PAIR, MAX_FAILURES_PER_USER_ALL_CLIENTS, Throttle, throttle};
    let pool = app.state.pool.clone();
    // Five failures a while ago: the first wait has passed.
    attempts(&app, "rina", "203.0.113.1", FIRST_DELAY_SECONDS + 1, false, FREE_FAILURES_PER_PAIR).await;
    assert_eq!(throttle(&pool, "rina", "203.0.113.1").await.unwrap(), Throttle::Allowed);
    // One more: the wait doubles, counted from that failure.
    attempts(&app, "rina", "203.0.113.1", FIRST_DELAY_SECONDS + 1, false, 1).await;
    // (2 × the first wait) − the 61 s since; a range, as the clock may tick between the two queries.
    let wait = throttle(&pool, "rina", "203.0.113.1").await.unwrap();
    assert!(matches!(wait, Throttle::Wait(w) if (FIRST_DELAY_SECONDS - 5..FIRST_DELAY_SECONDS).contains(&w)), "{wait:?}");
    // A success from that address starts the count again.
    attempts(&app, "rina", "203.0.113.1", 0, true, 1).await;
    assert_eq!(throttle(&pool, "rina", "203.0.113.1").await.unwrap(), Throttle::Allowed);
    // Many addresses guessing one user name: new addresses wait, the officer's known address does not.
    for i in 0..MAX_FAILURES_PER_USER_ALL_CLIENTS {
        attempts(&app, "budi", &format!("198.51.{}.{}", i / 200, i % 200), 10, false, 1).await;
    }
    attempts(&app, "budi", "192.0.2.7", 3600, true, 1).await;
    assert!(matches!(throttle(&pool, "budi", "192.0.2.99").await.unwrap(), Throttle::Wait(_)));
    assert_eq!(throttle(&pool, "budi", "192.0.2.7").await.unwrap(), Throttle::Allowed);
});

on_both_engines!(a_burst_of_guesses_cannot_pass_the_throttle_all_at_once, |app: TestApp| async move {
    add_user(&app, "rina", "regency", Some("63.10")).await;
    // Twenty guesses prepared (each with its CSRF cookie), then posted at the same moment.
    let mut forms = Vec::new();
    for _ in 0..20 {
        let res = app.client.get(format!("{}/masuk", app.base)).send().await.unwrap();
        let anon = cookie_value(&set_cookie(&res, "kla_csrf").unwrap());
        let csrf = csrf_in(&res.text().await.unwrap());
        forms.push((anon, csrf));
    }
    let posts = forms.into_iter().map(|(anon, csrf)| {
        let (client, url) = (app.client.clone(), format!("{}/masuk", app.base));
        tokio::spawn(async move {
            let form = [("csrf", csrf.as_str()), ("username", "rina"), ("password", "tebakan-yang-salah"), ("kembali", "/kelola")];
            client.post(url).header("cookie", anon).form(&form).send().await.unwrap().status().as_u16()
        })
    });
    let mut statuses = Vec::new();
    for p in posts.collect::<Vec<_>>() {
        statuses.push(p.await.unwrap());
    }
    let checked = statuses.iter().filter(|s| **s == 401).count();
    // Without the slot held from check to record, all twenty would be checked (401).
    let most = kla::auth::FREE_FAILURES_PER_PAIR as usize + kla::auth::hashing_slots() - 1;
    assert!(checked <= most, "{checked} guesses were checked, at most {most} may be: {statuses:?}");
    assert!(statuses.iter().all(|s| matches!(s, 401 | 429)), "{statuses:?}");
});
