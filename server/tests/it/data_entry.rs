//! Data entry through the real server, on SQLite and PostgreSQL: sign-in, sessions shared by two servers,
//! the rate limit, CSRF, the role × action matrix by page, form and download, forms keeping input with
//! errors in place, the audit trail, and spreadsheet imports (good, bad, XLSX, 50,000 rows).

use crate::common::officer::{PASSWORD, add_user, set_cookie, sign_in, try_sign_in};
use crate::common::{Engine, TestApp};

fn event(region: &str, title: &str) -> Vec<(&'static str, String)> {
    vec![
        ("organiser_code", region.to_string()),
        ("title", title.to_string()),
        ("kind", "pelatihan".into()),
        ("start_date", "2026-03-10".into()),
        ("end_date", "2026-03-12".into()),
        ("mode", "luring".into()),
        ("participants_offline", "40".into()),
        ("participants_online", "0".into()),
        ("institutions", "12".into()),
    ]
}

fn unit(region: &str, name: &str) -> Vec<(&'static str, String)> {
    vec![
        ("regency_code", region.to_string()),
        ("kind", "paud".into()),
        ("name", name.to_string()),
        ("total_staff", "4".into()),
        ("certified_staff", "2".into()),
        ("latest_certificate_year", "2025".into()),
    ]
}

fn refs<'a>(v: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    v.iter().map(|(k, s)| (*k, s.as_str())).collect()
}

async fn id_of(app: &TestApp, table: &str, column: &str, value: &str) -> i64 {
    sqlx::query_scalar(sqlx::AssertSqlSafe(format!("select id from {table} where {column} = $1")))
        .bind(value)
        .fetch_one(&app.state.pool)
        .await
        .unwrap()
}

on_both_engines!(sign_in_sessions_and_sign_out, |app: TestApp| async move {
    add_user(&app, "rina", "regency", Some("63.10")).await;
    // Signed out: management pages send to the sign-in page, posts are refused.
    let (status, _) = app.get("/kelola").await;
    assert_eq!(status, 303);
    let res = app.client.post(format!("{}/kelola/kegiatan/baru", app.base)).form(&[("title", "x")]).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 401);
    // Wrong password: refused with a message, the user name kept, no session.
    let res = try_sign_in(&app, "rina", "wrong-password-1").await;
    assert_eq!(res.status().as_u16(), 401);
    assert!(set_cookie(&res, "kla_sesi").is_none());
    let body = res.text().await.unwrap();
    assert!(body.contains("Nama pengguna atau kata sandi salah") && body.contains("value=\"rina\""));
    assert!(!body.contains("wrong-password-1"), "a password is never shown again");
    // Right password: a session that a second app server on the same database also knows.
    let rina = sign_in(&app, "rina").await;
    let (status, html) = rina.get("/kelola").await;
    assert_eq!(status, 200);
    assert!(html.contains("Kabupaten Tanah Bumbu"));
    // A public page cached for anonymous readers is never served to a signed-in one, nor the reverse.
    let anonymous = app.get("/kabkota/63.10").await.1;
    let anonymous_again = app.get("/kabkota/63.10").await.1;
    assert_eq!(anonymous, anonymous_again);
    assert!(anonymous.contains("href=\"/masuk\"") && !anonymous.contains("rina"));
    let signed_in = rina.get("/kabkota/63.10").await.1;
    assert!(
        signed_in.contains("<a href=\"/kelola\" class=\"account\">")
            && signed_in.contains("rina</a>")
            && !signed_in.contains("href=\"/masuk\"")
    );
    assert!(!app.get("/kabkota/63.10").await.1.contains("rina"));
    let second = TestApp::spawn_on(app.database_url.clone(), None).await;
    let (status, _) = second.get_with_cookie("/kelola", &rina.cookie).await;
    assert_eq!(status, 200, "sessions live in the database, shared by app servers");
    // Signing out ends the session everywhere.
    let (status, location, _) = rina.post("/keluar", &[]).await;
    assert_eq!((status, location.as_str()), (303, "/"));
    assert_eq!(second.get_with_cookie("/kelola", &rina.cookie).await.0, 303);
    // The database holds no password and no session token in the clear.
    let hash: String =
        sqlx::query_scalar("select password_hash from users where username = 'rina'").fetch_one(&app.state.pool).await.unwrap();
    assert!(hash.starts_with("$argon2id$") && !hash.contains(PASSWORD));
});

on_both_engines!(sign_in_is_rate_limited, |app: TestApp| async move {
    add_user(&app, "rina", "regency", Some("63.10")).await;
    for _ in 0..kla::auth::FREE_FAILURES_PER_PAIR {
        assert_eq!(try_sign_in(&app, "rina", "not-the-password").await.status().as_u16(), 401);
    }
    let res = try_sign_in(&app, "rina", PASSWORD).await;
    assert_eq!(res.status().as_u16(), 429, "even the right password waits after five failures from one address");
    assert!(res.text().await.unwrap().contains("Tunggu 1 menit"));
});

on_both_engines!(forms_need_their_csrf_token, |app: TestApp| async move {
    add_user(&app, "rina", "regency", Some("63.10")).await;
    let rina = sign_in(&app, "rina").await;
    let e1 = event("63.10", "Tanpa token");
    let mut fields = refs(&e1);
    fields.push(("csrf", "0000000000000000000000000000000000000000000000000000000000000000"));
    let res =
        app.client.post(format!("{}/kelola/kegiatan/baru", app.base)).header("cookie", &rina.cookie).form(&fields).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 403);
    let body = res.text().await.unwrap();
    assert!(body.contains("value=\"Tanpa token\""), "the input is kept");
    // From another site, even with the token: refused.
    let csrf = rina.csrf().await;
    let e2 = event("63.10", "Dari situs lain");
    let mut fields = refs(&e2);
    fields.push(("csrf", &csrf));
    let res = app
        .client
        .post(format!("{}/kelola/kegiatan/baru", app.base))
        .header("cookie", &rina.cookie)
        .header("origin", "https://evil.example")
        .form(&fields)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 403);
    assert_eq!(app.count("training_events").await, 0);
    // A sign-in without the visitor's CSRF cookie is refused too.
    let res = app.client.post(format!("{}/masuk", app.base)).form(&[("username", "rina"), ("password", PASSWORD)]).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 403);
});

on_both_engines!(regency_officer_records_an_event_and_a_unit_and_the_public_pages_change, |app: TestApp| async move {
    add_user(&app, "rina", "regency", Some("63.10")).await;
    let rina = sign_in(&app, "rina").await;
    let before = app.get("/kabkota/63.10").await.1;
    assert!(before.contains("Belum ada") || !before.contains("Pelatihan KHA guru PAUD Batulicin"));
    // A refused form: each error beside its field, the input kept, nothing written.
    let mut bad = event("63.10", "Pelatihan KHA guru PAUD Batulicin");
    bad[4].1 = "2026-03-01".into(); // ends before it starts
    bad[6].1 = "empat puluh".into();
    let (status, _, html) = rina.post("/kelola/kegiatan/baru", &refs(&bad)).await;
    assert_eq!(status, 422);
    assert!(html.contains("id=\"e-end_date\"") && html.contains("id=\"e-participants_offline\""));
    assert!(html.contains("value=\"empat puluh\"") && html.contains("value=\"Pelatihan KHA guru PAUD Batulicin\""));
    assert_eq!(app.count("training_events").await, 0);
    // Fixed and sent again: saved, and the public regency and province pages count it on the next request.
    let (status, location, _) = rina.post("/kelola/kegiatan/baru", &refs(&event("63.10", "Pelatihan KHA guru PAUD Batulicin"))).await;
    assert_eq!(status, 303);
    assert!(location.starts_with("/kelola?wilayah=63.10&pesan=disimpan"), "{location}");
    let regency = app.get("/kabkota/63.10").await.1;
    assert_eq!(crate::common::stat(&regency, "Kegiatan pelatihan KHA"), "1");
    let province = app.get("/provinsi/63").await.1;
    assert_eq!(crate::common::stat(&province, "Peserta"), "40");
    let (status, _, _) = rina.post("/kelola/unit/baru", &refs(&unit("63.10", "PAUD Melati"))).await;
    assert_eq!(status, 303);
    assert_eq!(app.count("service_units").await, 1);
    // Edited and deleted by form; the audit trail has every step with old and new values.
    let id = id_of(&app, "service_units", "name", "PAUD Melati").await;
    let mut changed = unit("63.10", "PAUD Melati");
    changed[3].1 = "5".into();
    let (status, _, _) = rina.post(&format!("/kelola/unit/{id}/ubah"), &refs(&changed)).await;
    assert_eq!(status, 303);
    let (status, _, _) = rina.post(&format!("/kelola/unit/{id}/hapus"), &[]).await;
    assert_eq!(status, 303);
    assert_eq!(app.count("service_units").await, 0);
    let trail: Vec<(String, String, Option<String>, Option<String>)> = sqlx::query_as(
        "select actor, action, old_values, new_values from audit_log where entity = 'service_unit' and record_id = $1 order by id",
    )
    .bind(id)
    .fetch_all(&app.state.pool)
    .await
    .unwrap();
    let actions: Vec<&str> = trail.iter().map(|t| t.1.as_str()).collect();
    assert_eq!(actions, ["create", "update", "delete"]);
    assert!(trail.iter().all(|t| t.0 == "rina"));
    assert!(
        trail[1].2.as_deref().unwrap().contains("\"total_staff\":\"4\"")
            && trail[1].3.as_deref().unwrap().contains("\"total_staff\":\"5\"")
    );
    assert!(trail[2].2.as_deref().unwrap().contains("PAUD Melati") && trail[2].3.is_none(), "a delete keeps the last values");
    // The history pages show it, to this officer.
    let (status, html) = rina.get(&format!("/kelola/unit/{id}/riwayat")).await;
    assert_eq!(status, 200);
    assert!(html.contains("<del>4</del>") && html.contains("<ins>5</ins>") && html.contains("dihapus"));
    let (status, html) = rina.get("/kelola/riwayat?wilayah=63.10").await;
    assert_eq!(status, 200);
    assert!(html.contains("Kegiatan pelatihan KHA #") && html.contains("Satuan layanan #"));
});

on_both_engines!(roles_are_scoped_by_page_form_download_and_api, |app: TestApp| async move {
    add_user(&app, "admin", "admin", None).await;
    add_user(&app, "prov63", "province", Some("63")).await;
    add_user(&app, "rina", "regency", Some("63.10")).await;
    add_user(&app, "budi", "regency", Some("63.72")).await;
    let admin = sign_in(&app, "admin").await;
    // Records in three places: Tanah Bumbu (63.10), Banjarbaru (63.72), and Kalimantan Timur (64).
    for (region, title) in [("63.10", "Acara Tanah Bumbu"), ("63.72", "Acara Banjarbaru"), ("64", "Acara Kaltim")] {
        assert_eq!(admin.post("/kelola/kegiatan/baru", &refs(&event(region, title))).await.0, 303);
    }
    assert_eq!(admin.post("/kelola/unit/baru", &refs(&unit("63.72", "PAUD Rahasia Banjarbaru"))).await.0, 303);
    let own = id_of(&app, "training_events", "title", "Acara Tanah Bumbu").await;
    let neighbour = id_of(&app, "training_events", "title", "Acara Banjarbaru").await;
    let other_province = id_of(&app, "training_events", "title", "Acara Kaltim").await;
    let neighbour_unit = id_of(&app, "service_units", "name", "PAUD Rahasia Banjarbaru").await;

    let rina = sign_in(&app, "rina").await;
    let prov = sign_in(&app, "prov63").await;
    // (officer, event id, may they?)
    let cases = [
        (&rina, own, "63.10", true),
        (&rina, neighbour, "63.72", false),
        (&rina, other_province, "64", false),
        (&prov, own, "63.10", true),
        (&prov, neighbour, "63.72", true),
        (&prov, other_province, "64", false),
        (&admin, other_province, "64", true),
    ];
    for (who, id, region, allowed) in cases {
        let expect = if allowed { 200 } else { 403 };
        for page in ["ubah", "hapus", "riwayat"] {
            let (status, html) = who.get(&format!("/kelola/kegiatan/{id}/{page}")).await;
            assert_eq!(status, expect, "GET {page} of event {id}");
            if !allowed {
                assert!(!html.contains("Acara "), "a refused page shows nothing of the record");
            }
        }
        let title = format!("Acara {region} diubah");
        let (status, _, _) = who.post(&format!("/kelola/kegiatan/{id}/ubah"), &refs(&event(region, &title))).await;
        assert_eq!(status, if allowed { 303 } else { 403 }, "POST ubah of event {id}");
    }
    // A record without a trail (demo rows are written without one) has a history page that says so, in scope.
    sqlx::query("delete from audit_log where entity = 'training_event' and record_id = $1")
        .bind(neighbour)
        .execute(&app.state.pool)
        .await
        .unwrap();
    let (status, html) = prov.get(&format!("/kelola/kegiatan/{neighbour}/riwayat")).await;
    assert_eq!(status, 200);
    assert!(html.contains("Belum ada perubahan tercatat."), "{html}");
    assert_eq!(rina.get(&format!("/kelola/kegiatan/{neighbour}/riwayat")).await.0, 403);
    assert_eq!(prov.get("/kelola/kegiatan/999999/riwayat").await.0, 404);
    // Nor may an officer move their own record into a region outside theirs.
    assert_eq!(rina.post(&format!("/kelola/kegiatan/{own}/ubah"), &refs(&event("63.72", "Pindah"))).await.0, 403);
    // Changing the neighbour's records by form: refused, and nothing changed.
    assert_eq!(rina.post(&format!("/kelola/kegiatan/{neighbour}/hapus"), &[]).await.0, 403);
    assert_eq!(rina.post(&format!("/kelola/unit/{neighbour_unit}/ubah"), &refs(&unit("63.10", "Dicuri"))).await.0, 403);
    assert_eq!(rina.post("/kelola/unit/baru", &refs(&unit("63.72", "Titipan"))).await.0, 403);
    let title: String =
        sqlx::query_scalar("select title from training_events where id = $1").bind(neighbour).fetch_one(&app.state.pool).await.unwrap();
    assert_eq!(title, "Acara 63.72 diubah", "changed by the province officer only");
    assert_eq!(app.count("service_units").await, 1);
    // Lists, histories and downloads of another region: refused.
    assert_eq!(rina.get("/kelola?wilayah=63.72").await.0, 403);
    assert_eq!(rina.get("/kelola/riwayat?wilayah=63.72").await.0, 403);
    assert_eq!(rina.get("/kelola/riwayat?wilayah=63").await.0, 403);
    assert_eq!(rina.get("/kelola/ekspor/unit.csv?wilayah=63.72").await.0, 403);
    assert_eq!(prov.get("/kelola/ekspor/kegiatan.csv?wilayah=64").await.0, 403);
    assert_eq!(rina.get("/kelola/pengguna").await.0, 403);
    assert_eq!(prov.post("/kelola/pengguna", &[("username", "baru"), ("role", "admin"), ("password", "Panjang-sekali-2026")]).await.0, 403);
    // Exports without a region give exactly what the role may see.
    let (_, csv) = rina.get("/kelola/ekspor/kegiatan.csv").await;
    assert!(csv.contains("Acara 63.10 diubah") && !csv.contains("Acara 63.72") && !csv.contains("Acara 64"));
    let (_, csv) = prov.get("/kelola/ekspor/kegiatan.csv").await;
    assert!(csv.contains("Acara 63.10 diubah") && csv.contains("Acara 63.72 diubah") && !csv.contains("Acara 64"));
    let (_, csv) = admin.get("/kelola/ekspor/kegiatan.csv").await;
    assert!(csv.contains("Acara 64 diubah"));
    // The public pages and API show aggregates only: no unit names anywhere.
    for path in ["/kabkota/63.72", "/provinsi/63", "/api/v1/kabkota/63.72", "/api/v1/provinsi/63"] {
        let (status, body) = app.get(path).await;
        assert_eq!(status, 200, "{path}");
        assert!(!body.contains("PAUD Rahasia Banjarbaru"), "{path} shows a unit name");
    }
    let (_, body) = app.get("/api/v1/kabkota/63.72/pelatihan-per-tahun.csv").await;
    assert!(!body.contains("PAUD Rahasia Banjarbaru"));
    // Signed out: no management route answers with data.
    for path in ["/kelola/ekspor/unit.csv", "/kelola/riwayat?wilayah=63.72", &format!("/kelola/unit/{neighbour_unit}/ubah")] {
        assert_eq!(app.get(path).await.0, 303, "{path}");
    }
});

on_both_engines!(administrator_adds_accounts_and_officers_change_passwords, |app: TestApp| async move {
    add_user(&app, "admin", "admin", None).await;
    let admin = sign_in(&app, "admin").await;
    let (status, _, html) =
        admin.post("/kelola/pengguna", &[("username", "x"), ("role", "regency"), ("region_code", "63"), ("password", "pendek")]).await;
    assert_eq!(status, 422);
    assert!(html.contains("id=\"e-username\"") && html.contains("id=\"e-region_code\"") && html.contains("id=\"e-password\""));
    let (status, _, _) = admin
        .post(
            "/kelola/pengguna",
            &[("username", "siti"), ("display_name", "Siti"), ("role", "province"), ("region_code", "63"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(status, 303);
    let siti = sign_in(&app, "siti").await;
    let (status, _, html) =
        siti.post("/akun/sandi", &[("current_password", "salah-sekali-2026"), ("new_password", "x"), ("confirm_password", "y")]).await;
    assert_eq!(status, 422);
    assert!(html.contains("id=\"e-current_password\"") && html.contains("id=\"e-new_password\""));
    let other = sign_in(&app, "siti").await;
    let (status, location, _) = siti
        .post(
            "/akun/sandi",
            &[("current_password", PASSWORD), ("new_password", "Banjarmasin-Baru-2027"), ("confirm_password", "Banjarmasin-Baru-2027")],
        )
        .await;
    assert_eq!((status, location.as_str()), (303, "/akun?pesan=sandi"));
    assert_eq!(siti.get("/kelola").await.0, 200, "this session stays");
    assert_eq!(other.get("/kelola").await.0, 303, "other sessions end");
    assert_eq!(try_sign_in(&app, "siti", "Banjarmasin-Baru-2027").await.status().as_u16(), 303);
    let n: i64 = sqlx::query_scalar("select count(*) from audit_log where entity = 'user'").fetch_one(&app.state.pool).await.unwrap();
    assert_eq!(n, 3, "admin created, siti created, siti's password changed");
});

fn units_csv(rows: &[&str]) -> Vec<u8> {
    let mut s = String::from("regency_code,kind,name,total_staff,certified_staff,latest_certificate_year,certificate_issuer\n");
    for r in rows {
        s.push_str(r);
        s.push('\n');
    }
    s.into_bytes()
}

on_both_engines!(spreadsheet_imports_are_previewed_and_all_or_nothing, |app: TestApp| async move {
    add_user(&app, "rina", "regency", Some("63.10")).await;
    let rina = sign_in(&app, "rina").await;
    // A bad file: every problem listed by row and column, nothing written.
    let bad = units_csv(&[
        "63.10,paud,PAUD Melati,4,2,2025,DP3A",
        "63.99,paud,PAUD Hantu,4,2,2025,DP3A",
        "63.10,paud,PAUD Melati,4,2,2025,DP3A",
        "63.10,paud,PAUD Anggrek,4,9,2025,DP3A",
        "63.10,paud,PAUD Mawar,-1,0,,DP3A",
        "63.72,paud,PAUD Tetangga,4,2,2025,DP3A",
    ]);
    let (status, html) = rina.upload("unit.csv", bad).await;
    assert_eq!(status, 422);
    for (row, column) in [(3, "regency_code"), (4, "name"), (5, "certified_staff"), (6, "total_staff"), (7, "regency_code")] {
        assert!(html.contains(&format!("<th scope=\"row\">{row}</th><td><code>{column}</code></td>")), "row {row} {column}");
    }
    assert!(html.contains("Tidak ada data yang disimpan"));
    assert_eq!(app.count("service_units").await, 0);
    // Wrong columns: named.
    let (status, html) = rina.upload("x.csv", b"regency_code,kind,nama,total_staff\n63.10,paud,x,1\n".to_vec()).await;
    assert_eq!(status, 422);
    assert!(html.contains("nama"));
    // Not a spreadsheet at all.
    let (status, _) = rina.upload("x.xlsx", vec![0xff, 0xd8, 0xff, 0x00, 0x10]).await;
    assert_eq!(status, 422);
    // The fixed file: previewed, confirmed, written with one audit entry per row.
    let good = units_csv(&["63.10,paud,PAUD Melati,4,2,2025,DP3A", "63.10,puskesmas_ramah_anak,Puskesmas Batulicin,20,8,2025,DP3A"]);
    let (status, location) = rina.import("unit.csv", good).await;
    assert_eq!(status, 303);
    assert!(location.contains("pesan=diimpor&n=2"), "{location}");
    assert_eq!(app.count("service_units").await, 2);
    let n: i64 = sqlx::query_scalar("select count(*) from audit_log where via = 'import' and actor = 'rina'")
        .fetch_one(&app.state.pool)
        .await
        .unwrap();
    assert_eq!(n, 2);
    // XLSX: the template, filled in, round-trips; so does the export.
    let (status, xlsx) = {
        let res = app.client.get(format!("{}/kelola/templat/kegiatan.xlsx", app.base)).header("cookie", &rina.cookie).send().await.unwrap();
        (res.status().as_u16(), res.bytes().await.unwrap().to_vec())
    };
    assert_eq!(status, 200);
    let (status, _) = rina.import("templat-kegiatan.xlsx", xlsx).await;
    assert_eq!(status, 303);
    assert_eq!(app.count("training_events").await, 1);
    let export = {
        let res = app.client.get(format!("{}/kelola/ekspor/unit.xlsx", app.base)).header("cookie", &rina.cookie).send().await.unwrap();
        res.bytes().await.unwrap().to_vec()
    };
    let text = kla::spreadsheet::to_csv_text(&export, kla::spreadsheet::Limits::default()).unwrap();
    assert!(text.contains("63.10,paud,PAUD Melati,4,2,2025,DP3A"), "{text}");
    // A duplicate of a stored predicate record is named in the preview, and nothing of the file is written.
    let preds = |rows: &[&str]| {
        let mut s = String::from(
            "regency_code,award_year,data_year,score_self_assessment,score_administrative,score_field,score_final,predicate,source_url\n",
        );
        for r in rows {
            s.push_str(r);
            s.push('\n');
        }
        s.into_bytes()
    };
    assert_eq!(rina.import("p.csv", preds(&["63.10,2025,2024,721,588.40,,604.10,,"])).await.0, 303);
    let (status, html) = rina.upload("p2.csv", preds(&["63.10,2023,2022,,,,650,,", "63.10,2025,2024,,,,700,,"])).await;
    assert_eq!(status, 422, "the preview runs the confirmation's checks");
    assert!(html.contains("<th scope=\"row\">3</th><td><code>award_year</code></td>"));
    assert!(!html.contains("name=\"draft\""), "nothing to confirm");
    assert_eq!(app.count("predicate_records").await, 1, "the 2023 row was not written either");
});

on_both_engines!(a_50000_row_file_imports_in_one_go, |app: TestApp| async move {
    add_user(&app, "prov63", "province", Some("63")).await;
    let prov = sign_in(&app, "prov63").await;
    let regencies: Vec<String> =
        app.state.regions.regencies_of(kla::domain::RegionCode::parse("63").unwrap()).map(|r| r.code.to_string()).collect();
    let rows: Vec<String> =
        (0..50_000).map(|i| format!("{},paud,PAUD Nomor {i},{},{},2025,DP3A", regencies[i % regencies.len()], 3 + i % 5, i % 3)).collect();
    let refs: Vec<&str> = rows.iter().map(String::as_str).collect();
    let (status, location) = prov.import("besar.csv", units_csv(&refs)).await;
    assert_eq!(status, 303);
    assert!(location.contains("n=50000"), "{location}");
    assert_eq!(app.count("service_units").await, 50_000);
    let n: i64 = sqlx::query_scalar("select count(*) from audit_log where via = 'import'").fetch_one(&app.state.pool).await.unwrap();
    assert_eq!(n, 50_000);
});

#[tokio::test]
async fn secure_cookies_behind_https() {
    let Some(app) = TestApp::spawn(Engine::Sqlite).await else { return };
    let res = app.client.get(format!("{}/masuk", app.base)).header("x-forwarded-proto", "https").send().await.unwrap();
    assert!(set_cookie(&res, "kla_csrf").unwrap().contains("; Secure"));
    let res = app.client.get(format!("{}/masuk", app.base)).send().await.unwrap();
    assert!(!set_cookie(&res, "kla_csrf").unwrap().contains("Secure"));
    assert_eq!(res.headers().get("cache-control").unwrap(), "no-store");
}
