//! Real data as sources publish it, entered by form as officers would: a news report of a training without
//! a participant count, a province's training "from every kab/kota" without per-regency numbers, and an
//! award list of predicates without scores or data years. Every page, download and API response then shows
//! exactly that — unknowns said to be unknown, never 0.

use crate::common::officer::{add_user, sign_in};
use crate::common::{Engine, TestApp, stat, stat_note};

/// An event's stored counts (in the room, online, institutions) and its every-kab/kota flag.
type StoredCounts = (Option<i64>, Option<i64>, Option<i64>, i64);

/// The regency page's figures as the API gives them.
async fn api(app: &TestApp, path: &str) -> serde_json::Value {
    let (status, body) = app.get(path).await;
    assert_eq!(status, 200, "{path}: {body}");
    serde_json::from_str(&body).unwrap()
}

on_both_engines!(incomplete_reports_stay_incomplete_on_every_page, |app: TestApp| async move {
    add_user(&app, "rina", "regency", Some("63.10")).await;
    add_user(&app, "dewi", "province", Some("63")).await;
    let rina = sign_in(&app, "rina").await;
    let dewi = sign_in(&app, "dewi").await;

    // A regency's sosialisasi from a news report: date, organiser, kind, title — no count, no end date.
    let (status, location, body) = rina
        .post(
            "/kelola/kegiatan/baru",
            &[
                ("organiser_code", "63.10"),
                ("title", "Sosialisasi KHA bagi guru di Batulicin"),
                ("kind", "sosialisasi"),
                ("start_date", "08/07/2025"),
                ("source_url", "https://example.org/berita/sosialisasi-kha"),
            ],
        )
        .await;
    assert_eq!(status, 303, "a training without a count is recorded: {body}");
    assert!(location.contains("pesan=disimpan"), "{location}");
    // The province's hybrid training of officials from every kab/kota, without per-regency numbers, with
    // the facts the report does carry.
    let (status, _, body) = dewi
        .post(
            "/kelola/kegiatan/baru",
            &[
                ("organiser_code", "63"),
                ("title", "Pelatihan KHA bagi OPD kabupaten/kota se-Kalimantan Selatan"),
                ("kind", "pelatihan"),
                ("start_date", "2025-05-20"),
                ("end_date", "2025-05-21"),
                ("mode", "hybrid"),
                ("participants_by_regency", "semua"),
                ("participants_by_kind", "opd; bkb"),
                ("assessment", "quiz"),
                ("facilitators", "Dosen Universitas Lambung Mangkurat"),
                ("notes", "Berita menyebut 120 dan 150 peserta; jumlah tidak dicatat."),
            ],
        )
        .await;
    assert_eq!(status, 303, "a province-wide training without counts is recorded: {body}");
    let stored: Vec<StoredCounts> =
        sqlx::query_as("select participants_offline, participants_online, institutions, all_regencies from training_events order by id")
            .fetch_all(&app.state.pool)
            .await
            .unwrap();
    assert_eq!(stored, [(None, None, None, 0), (None, None, None, 1)], "unknown is stored as unknown");

    // The regency page: its own event without a count, its part in the provincial one apart from it.
    let (status, html) = app.get("/kabkota/63.10").await;
    assert_eq!(status, 200);
    assert_eq!(stat(&html, "Kegiatan pelatihan KHA"), "1");
    assert_eq!(stat(&html, "Peserta"), "tidak dilaporkan");
    assert_eq!(stat(&html, "Ikut kegiatan pelatihan provinsi"), "1 kegiatan");
    assert_eq!(stat_note(&html, "Ikut kegiatan pelatihan provinsi"), "Peserta: tidak dilaporkan");
    assert!(html.contains("jumlah pesertanya tidak dilaporkan"), "the summary says the count is unknown");
    assert!(html.contains("ikut 1 kegiatan pelatihan KHA yang diselenggarakan provinsi"), "the summary names the provincial part");
    assert!(!html.contains(" 0 peserta") && !html.contains(">0 peserta"), "no invented zero on the regency page");
    let events = &html[html.find("id=\"kegiatan\"").expect("events table")..];
    assert!(events.contains("Sosialisasi KHA bagi guru di Batulicin") && events.contains("tidak dilaporkan"));
    // Another regency of the province took part too (every kab/kota), with no count invented.
    let (_, banjarbaru) = app.get("/kabkota/63.72").await;
    assert_eq!(stat(&banjarbaru, "Kegiatan pelatihan KHA"), "0");
    assert_eq!(stat(&banjarbaru, "Ikut kegiatan pelatihan provinsi"), "1 kegiatan");

    // The province page: two events, participants not reported; the scorecard shows every regency's part.
    let (_, html) = app.get("/provinsi/63").await;
    assert_eq!(stat(&html, "Kegiatan pelatihan KHA"), "2");
    assert_eq!(stat(&html, "Peserta"), "tidak dilaporkan");
    assert_eq!(stat(&html, "Lembaga terwakili"), "tidak dilaporkan");
    let card = &html[html.find("<table class=\"scorecard\">").expect("scorecard")..];
    let card = &card[..card.find("</table>").unwrap()];
    assert!(card.contains("Ikut kegiatan provinsi 2025"), "the scorecard has the provincial column");
    let rows: Vec<&str> = card.split("<tr>").skip(2).collect();
    assert_eq!(rows.len(), 13);
    assert!(rows.iter().all(|r| r.contains("<td class=\"\">1</td>")), "every kab/kota took part once: {card}");
    let (_, csv) = app.get("/api/v1/provinsi/63/kartu-skor.csv").await;
    assert!(csv.lines().next().unwrap().contains("provincial_events"), "{csv}");

    // The national page and the per-year download: counts unknown, not 0.
    let (_, html) = app.get("/").await;
    assert_eq!(stat(&html, "Peserta"), "tidak dilaporkan");
    let (_, csv) = app.get("/api/v1/nasional/pelatihan-per-tahun.csv").await;
    let mut lines = csv.lines();
    assert_eq!(
        lines.next().unwrap(),
        "year,events,participants,participant_events,participants_offline,participants_online,institutions,institution_events"
    );
    assert_eq!(lines.next().unwrap(), "2025,2,,0,,,,0", "unknown sums are empty cells");

    // The API: null where nothing was reported, the provincial part apart from the regency's own events.
    let json = api(&app, "/api/v1/kabkota/63.10").await;
    let data = &json["data"];
    assert!(data["trainings"]["participants_offline"].is_null() && data["trainings"]["institutions"].is_null(), "{data}");
    assert_eq!(data["trainings"]["participant_events"], 0);
    assert_eq!(data["provincial"]["events"], 1);
    assert!(data["provincial"]["participants"].is_null());
    let event = &data["events"][0];
    assert!(event["participants_offline"].is_null() && event["end_date"].is_null() && event["mode"].is_null(), "{event}");
    let json = api(&app, "/api/v1/kabkota/63.10/pelatihan-per-tahun.json").await;
    assert!(json["rows"][0]["participants"].is_null(), "{json}");

    // The officer's export gives empty cells, and "semua" with the kinds named without counts.
    let (status, csv) = dewi.get("/kelola/ekspor/kegiatan.csv?wilayah=63").await;
    assert_eq!(status, 200, "{csv}");
    let header: Vec<&str> = csv.lines().next().unwrap().split(',').collect();
    let row = csv.lines().find(|l| l.contains("se-Kalimantan Selatan")).expect("the province's event is exported");
    // No cell of this row holds a comma or a quote, so splitting is reading.
    let cells: Vec<String> = row.split(',').map(str::to_string).collect();
    assert_eq!(cells.len(), header.len(), "{row}");
    let cell = |name: &str| cells[header.iter().position(|h| *h == name).unwrap_or_else(|| panic!("{name} in {header:?}"))].clone();
    assert_eq!(
        (cell("participants_offline"), cell("participants_online"), cell("institutions")),
        (String::new(), String::new(), String::new())
    );
    assert_eq!(cell("participants_by_regency"), "semua");
    assert_eq!(cell("participants_by_kind"), "bkb; opd");
    assert_eq!(cell("assessment"), "quiz");
});

on_both_engines!(a_count_reported_for_some_events_says_how_many_it_covers, |app: TestApp| async move {
    add_user(&app, "rina", "regency", Some("63.10")).await;
    let rina = sign_in(&app, "rina").await;
    for (title, offline) in [("Pelatihan KHA guru", "40"), ("Bimtek KHA kader", "25"), ("Sosialisasi KHA orang tua", "")] {
        let (status, _, body) = rina
            .post(
                "/kelola/kegiatan/baru",
                &[
                    ("organiser_code", "63.10"),
                    ("title", title),
                    ("kind", "pelatihan"),
                    ("start_date", "2025-03-10"),
                    ("mode", "luring"),
                    ("participants_offline", offline),
                ],
            )
            .await;
        assert_eq!(status, 303, "{body}");
    }
    let (_, html) = app.get("/kabkota/63.10").await;
    assert_eq!(stat(&html, "Peserta"), "65");
    assert!(stat_note(&html, "Peserta").starts_with("menurut 2 dari 3 kegiatan yang melaporkan jumlah"), "{}", stat_note(&html, "Peserta"));
    assert!(html.contains("65 peserta dari 2 kegiatan yang melaporkan jumlah"), "the summary says what the sum covers");
    let (_, html) = app.get("/kabkota/63.10?lang=en").await;
    assert!(html.contains("from 2 of 3 events that reported a count"));
    // The per-year chart marks the year, and its description says what the mark means.
    let (_, html) = app.get("/provinsi/63").await;
    assert!(html.contains("2025*"), "the year with an unreported count is marked under its bar");
    assert!(html.contains("Tahun bertanda * memiliki kegiatan yang tidak melaporkan jumlah peserta"));
    let table = &html[html.find("<table class=\"regions\">").unwrap()..];
    assert!(table.contains("65 (2/3)"), "the regencies table says what the sum covers");
});
