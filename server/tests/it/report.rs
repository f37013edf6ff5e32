//! The province report (`/provinsi/{PP}/laporan`) through the real server, on SQLite and PostgreSQL: the
//! public version equals the province's API figures and never shows evaluation preparation; officers whose
//! role covers a kab/kota see its preparation and open follow-ups (and only those), uncached; unknown counts
//! stay unknown; bad addresses get 404 and 400.

use crate::common::officer::{add_user, sign_in};
use crate::common::{Engine, TestApp, import_text};
use crate::evaluation::{item_id, pdf, setup, upload};

const REPORT: &str = "/provinsi/63/laporan";
const SHEET: &str = "/kelola/evaluasi/2025/63.10";

/// The section of one kab/kota in a report.
fn section<'a>(html: &'a str, code: &str) -> &'a str {
    let start = html.find(&format!("id=\"kk-{code}\"")).unwrap_or_else(|| panic!("a section for {code}"));
    let s = &html[start..];
    &s[..s.find("</section>").unwrap()]
}

on_both_engines!(the_public_report_has_every_kabkota_and_the_province_figures, |app: TestApp| async move {
    app.import_all_fixtures().await;
    // An event that reported no participant count: unknown, never 0.
    let csv = "organiser_code,title,kind,start_date,end_date,venue,mode,participants_offline,participants_online,institutions,participants_by_regency,participants_by_kind,pre_test_mean,post_test_mean,certificate_issuer,source_url\n\
               63.71,Sosialisasi KHA di kelurahan,sosialisasi,2025-03-04,2025-03-04,Banjarmasin,luring,,,,,,,,,https://example.org/berita\n";
    import_text(&app.state, csv).await.unwrap();
    // An award list with a predicate and no score, and its source.
    let award = "regency_code,award_year,data_year,score_self_assessment,score_administrative,score_field,score_final,predicate,source_url\n\
                 63.71,2025,,,,,,pratama,https://example.org/penghargaan-kla-2025\n";
    import_text(&app.state, award).await.unwrap();

    let (status, html) = app.get(REPORT).await;
    assert_eq!(status, 200);
    assert!(html.contains("<title>Laporan KLA Kalimantan Selatan · Pantau KLA</title>"), "{}", &html[..500]);
    assert!(html.contains("Versi publik"), "the public version says what it leaves out");
    assert!(!html.contains("report-prep") && !html.contains("Persiapan evaluasi"), "no preparation for the public");

    let (_, api) = app.get("/api/v1/provinsi/63").await;
    let api: serde_json::Value = serde_json::from_str(&api).unwrap();
    let regencies = api["data"]["regencies"].as_array().unwrap();
    assert_eq!(regencies.len(), 13, "Kalimantan Selatan has 13 kab/kota");
    for r in regencies {
        let code = r["code"].as_str().unwrap();
        let s = section(&html, code);
        assert!(s.contains(r["name"].as_str().unwrap()), "{code} is named");
        let events = r["trainings"]["events"].as_i64().unwrap();
        let words = format!("{events} kegiatan");
        assert!(s.contains(&words), "{code}: {words} in {s}");
        match r["latest"]["predicate"].as_str() {
            Some(p) => {
                // The API gives the predicate's key ("madya"), the report its label ("Madya", "KLA").
                let label = if p == "kla" { "KLA".to_string() } else { format!("{}{}", p[..1].to_uppercase(), &p[1..]) };
                assert!(s.contains(&format!("{label} ({})", r["latest"]["award_year"])), "{code}: {label} in {s}");
            }
            None if r["latest"].is_null() => assert!(s.contains("Belum ada catatan"), "{code}: no record in {s}"),
            None => assert!(s.contains("Belum berpredikat") || s.contains("Tidak berpredikat"), "{code}: no predicate in {s}"),
        }
    }
    // Tanah Bumbu: 2 events of its own, 50 % of its service units certified (fixtures).
    let tb = section(&html, "63.10");
    assert!(tb.contains("2 kegiatan") && tb.contains("50,0%"), "{tb}");
    // Banjarmasin's only event reported no count: said to be unknown, not 0.
    let bjm = section(&html, "63.71");
    assert!(bjm.contains("1 kegiatan") && bjm.contains("Peserta: tidak dilaporkan") && !bjm.contains("0 peserta"), "{bjm}");
    assert!(bjm.contains("Pratama (2025)") && bjm.contains("<dt>Nilai akhir</dt><dd>–</dd>"), "a predicate without a score: {bjm}");
    let sources = &html[html.find("class=\"report-sources\"").unwrap()..];
    assert!(sources.contains("https://example.org/penghargaan-kla-2025"), "the award list is cited: {sources}");

    // English, the year filter, and refusals.
    let (status, en) = app.get(&format!("{REPORT}?lang=en")).await;
    assert_eq!(status, 200);
    assert!(en.contains("KLA report: Kalimantan Selatan") && en.contains("Public version"));
    let (status, y) = app.get(&format!("{REPORT}?tahun=2024")).await;
    assert_eq!(status, 200);
    assert!(section(&y, "63.10").contains("1 kegiatan"), "only 2024's event counts");
    assert_eq!(app.get("/provinsi/99/laporan").await.0, 404);
    assert_eq!(app.get("/provinsi/63.10/laporan").await.0, 404);
    let (status, bad) = app.get(&format!("{REPORT}?tahun=dua")).await;
    assert_eq!(status, 400);
    assert!(bad.contains("tahun"), "the refusal names the parameter");
    // The province page links its report, keeping the year.
    let (_, page) = app.get("/provinsi/63?tahun=2025").await;
    assert!(page.contains("href=\"/provinsi/63/laporan?tahun=2025\""));
});

on_both_engines!(preparation_is_shown_only_to_officers_who_cover_it, |app: TestApp| async move {
    setup(&app).await;
    add_user(&app, "dp3a-jateng", "regency", Some("33.74")).await;
    // Tanah Bumbu uploads 2.b and submits; the province rejects it with a follow-up.
    let dp3a = sign_in(&app, "dp3a-tanahbumbu").await;
    let prov = sign_in(&app, "prov-kalsel").await;
    let b = item_id(&app, "2.b").await;
    assert_eq!(upload(&dp3a, 2, b, "rad.pdf", pdf("rad"), "2024").await.0, 303);
    assert_eq!(dp3a.post(&format!("{SHEET}/ajukan"), &[]).await.0, 303);
    let due = (chrono::Utc::now().date_naive() + chrono::Days::new(7)).format("%Y-%m-%d").to_string();
    let id = b.to_string();
    let review =
        [("scope", id.as_str()), ("item", &id), ("decision", "reject"), ("comment", "RAD belum ditandatangani"), ("due_date", &due)];
    assert_eq!(prov.post(&format!("{SHEET}/2/periksa"), &review).await.0, 303);

    // The province's officer: every kab/kota's preparation, Tanah Bumbu's follow-up linked to its indicator.
    let res = app.client.get(format!("{}{REPORT}", app.base)).header("cookie", &prov.cookie).send().await.unwrap();
    let cache = res.headers()["cache-control"].to_str().unwrap().to_string();
    let html = res.text().await.unwrap();
    assert!(cache.contains("private"), "an officer's report is never cached for others: {cache}");
    assert!(html.contains("Versi petugas"));
    let tb = section(&html, "63.10");
    assert!(tb.contains("Persiapan evaluasi 2025") && tb.contains("1 tindak lanjut terbuka"), "{tb}");
    assert!(tb.contains(&format!("href=\"{SHEET}/2\"")) && tb.contains(">2.b</a>"), "{tb}");
    let bjb = section(&html, "63.72");
    assert!(bjb.contains("Persiapan evaluasi 2025") && bjb.contains("belum mulai"), "{bjb}");
    assert!(!html.contains("RAD belum ditandatangani"), "reviewers' comments stay on the sheet");

    // A kab/kota officer sees their own preparation only; another province's officer, and a kab/kota officer
    // elsewhere, get the public report.
    let (_, own) = dp3a.get(REPORT).await;
    assert!(section(&own, "63.10").contains("1 tindak lanjut terbuka"));
    assert!(!section(&own, "63.72").contains("report-prep"), "not Banjarbaru's");
    for outsider in ["prov-kalteng", "dp3a-jateng"] {
        let o = sign_in(&app, outsider).await;
        let (status, html) = o.get(REPORT).await;
        assert_eq!(status, 200);
        assert!(!html.contains("report-prep") && html.contains("Versi publik"), "{outsider} gets the public report");
    }
    let admin = sign_in(&app, "admin-kla").await;
    let (_, all) = admin.get(REPORT).await;
    assert!(section(&all, "63.10").contains("1 tindak lanjut terbuka"));

    // And the public, after all of them: nothing of it leaked through a cache.
    let (_, public) = app.get(REPORT).await;
    assert!(!public.contains("report-prep") && !public.contains("tindak lanjut"), "the public report stays public");
});
