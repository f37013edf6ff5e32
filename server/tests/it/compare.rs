//! `/banding` and `/api/v1/banding` (issue 16): up to six regions of any level side by side. Each region's
//! figures equal its own page's data, a count nobody reported stays unknown, every figure downloads as CSV and
//! JSON equal to its table on the page, the URL is canonical (codes once each, in the reader's order), a bad
//! `kode` is a 400 naming it, and each region page links to its neighbours' comparison — on SQLite and on
//! PostgreSQL alike.

use crate::common::{Engine, TestApp, import_text};
use serde_json::Value;

async fn json(app: &TestApp, path: &str) -> Value {
    let (status, body) = app.get(path).await;
    assert_eq!(status, 200, "{path}: {body}");
    serde_json::from_str(&body).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The CSV rows of a download (header first); the fixtures hold no quoted commas in these columns.
async fn csv(app: &TestApp, path: &str) -> Vec<Vec<String>> {
    let res = app.client.get(format!("{}{path}", app.base)).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 200, "{path}");
    assert_eq!(res.headers()["content-type"], "text/csv; charset=utf-8", "{path}");
    res.text().await.unwrap().lines().map(|l| l.split(',').map(str::to_string).collect()).collect()
}

const THREE: &str = "kode=63.10,63,nasional";

on_both_engines!(each_region_reads_as_on_its_own_page, |app: TestApp| async move {
    app.import_all_fixtures().await;
    let v = json(&app, &format!("/api/v1/banding?{THREE}")).await;
    assert_eq!(v["page"], format!("/banding?{THREE}"));
    let regions = v["data"]["regions"].as_array().unwrap();
    assert_eq!(regions.len(), 3, "in the order asked");
    let own = [json(&app, "/api/v1/kabkota/63.10").await, json(&app, "/api/v1/provinsi/63").await, json(&app, "/api/v1/nasional").await];
    for (r, page) in regions.iter().zip(&own) {
        let d = &page["data"];
        for key in ["trainings", "by_year", "units"] {
            assert_eq!(r[key], d[key], "{}: {key}", r["code"]);
        }
    }
    assert_eq!((regions[0]["code"].as_str(), regions[0]["level"].as_str()), (Some("63.10"), Some("regency")));
    assert_eq!(regions[1]["predicates"], own[1]["data"]["over_years"], "a province's predicates per award year");
    assert_eq!(regions[2]["predicates"], own[2]["data"]["over_years"]);
    assert_eq!(regions[1]["regencies"], 13, "Kalimantan Selatan's kab/kota");
    assert_eq!(regions[2]["regencies"], 514);

    // A kab/kota's own predicate per award year, as its page's history has it.
    let rows = csv(&app, &format!("/api/v1/banding/predikat-per-tahun.csv?{THREE}")).await;
    assert_eq!(rows[0][..6], ["region", "code", "award_year", "predicate", "regencies", "no_record"]);
    let history = own[0]["data"]["predicates"].as_array().unwrap();
    let mine: Vec<&Vec<String>> = rows.iter().filter(|r| r[1] == "63.10").collect();
    for h in history {
        let year = h["award_year"].to_string();
        let row = mine.iter().find(|r| r[2] == year).unwrap_or_else(|| panic!("award year {year}"));
        assert_eq!(row[3].to_lowercase(), h["predicate"].as_str().unwrap(), "{year}");
        assert_eq!(row[4], "1");
    }
    // A province's counts add up to its kab/kota, with those without a record counted apart.
    for r in rows.iter().skip(1).filter(|r| r[1] == "63") {
        let n: Vec<i64> = r[4..12].iter().map(|c| c.parse().unwrap()).collect();
        assert_eq!(n[0], n[1..].iter().sum::<i64>(), "{r:?}");
        assert_eq!(r[3], "", "a province has no predicate of its own");
    }

    // Training events per year: one row per region and year, every region on the same years.
    let events = csv(&app, &format!("/api/v1/banding/kegiatan-per-tahun.csv?{THREE}")).await;
    assert_eq!(events[0], ["region", "code", "year", "events"]);
    let years = |code: &str| events.iter().filter(|r| r[1] == code).map(|r| r[2].clone()).collect::<Vec<_>>();
    assert_eq!(years("63.10"), years("nasional"));
    for r in events.iter().skip(1) {
        let own = &regions.iter().find(|g| g["code"] == r[1].as_str()).unwrap()["by_year"];
        let n = own
            .as_array()
            .unwrap()
            .iter()
            .find(|y| y["year"].as_i64() == r[2].parse::<i64>().ok())
            .map_or(0, |y| y["totals"]["events"].as_i64().unwrap());
        assert_eq!(r[3], n.to_string(), "{r:?}");
    }

    // The certified share from the same counts as the region pages.
    let units = csv(&app, &format!("/api/v1/banding/satuan-bersertifikat.csv?{THREE}")).await;
    assert_eq!(units[1], ["Kabupaten Tanah Bumbu", "63.10", "4", "2", "0.5"]);
    let national = &own[2]["data"]["units"];
    assert_eq!(units[3][2..4], [national["units"].to_string(), national["certified_units"].to_string()]);
});

on_both_engines!(an_unreported_count_stays_unknown, |app: TestApp| async move {
    app.import_all_fixtures().await;
    // An event in 2023 in Banjarbaru with no participant count.
    let header = std::fs::read_to_string(crate::common::fixture("training_events.csv")).unwrap().lines().next().unwrap().to_string();
    import_text(&app.state, &format!("{header}\n63.72,Sosialisasi KHA di kelurahan,sosialisasi,2023-03-01,,Banjarbaru,luring,,,,,,,,,\n"))
        .await
        .unwrap();
    let rows = csv(&app, "/api/v1/banding/peserta-per-tahun.csv?kode=63.72,63.10").await;
    assert_eq!(rows[0], ["region", "code", "year", "participants", "participant_events", "events"]);
    let row = rows.iter().find(|r| r[1] == "63.72" && r[2] == "2023").expect("Banjarbaru in 2023");
    assert_eq!(row[3..], ["", "0", "1"], "no count reported: empty, never 0");
    let v = json(&app, "/api/v1/banding/peserta-per-tahun.json?kode=63.72,63.10").await;
    let cell = v["rows"].as_array().unwrap().iter().find(|r| r["code"] == "63.72" && r["year"] == 2023).unwrap();
    assert!(cell["participants"].is_null(), "{cell}");
    let (_, html) = app.get("/banding?kode=63.72,63.10").await;
    assert!(html.contains("tidak dilaporkan"), "the page says not reported");
    assert!(html.contains(">\n1*\n</text>"), "and marks the bar");
});

on_both_engines!(the_page_shows_three_regions_with_their_downloads, |app: TestApp| async move {
    app.import_all_fixtures().await;
    let (status, html) = app.get(&format!("/banding?{THREE}")).await;
    assert_eq!(status, 200);
    for name in ["1 Kabupaten Tanah Bumbu", "2 Kalimantan Selatan", "3 Indonesia"] {
        assert!(html.contains(name), "{name}");
    }
    for id in ["kegiatan-per-tahun", "peserta-per-tahun", "satuan-bersertifikat", "predikat-per-tahun"] {
        let link = format!("/api/v1/banding/{id}.csv?{THREE}&kolom=label&lang=id");
        assert!(html.contains(&format!("href=\"{}\"", link.replace('&', "&amp;"))), "{id}: {link}");
        let rows = csv(&app, &link).await;
        let figure = html.split("<figure ").find(|f| f[..f.find('>').unwrap()].contains(&format!("id=\"{id}\""))).expect(id);
        let figure = &figure[..figure.find("</figure>").unwrap()];
        let body = &figure[figure.find("<tbody>").unwrap()..figure.find("</tbody>").unwrap()];
        assert_eq!(body.matches("<tr>").count(), rows.len() - 1, "{id}: the page's table has the download's rows");
        assert!(figure.contains("<svg"), "{id} is drawn");
        let j = json(&app, &format!("/api/v1/banding/{id}.json?{THREE}")).await;
        assert_eq!(j["rows"].as_array().unwrap().len(), rows.len() - 1, "{id}: JSON rows");
    }
    // Removing a region is a link; the shared link is the page's own address.
    assert!(html.contains("href=\"/banding?kode=63.10,nasional\""), "remove Kalimantan Selatan");
    assert!(html.contains(&format!("value=\"/banding?{THREE}\"")), "the link to share");
    // English too.
    let (status, en) = app.get(&format!("/banding?{THREE}&lang=en")).await;
    assert_eq!(status, 200);
    assert!(en.contains("Compare regions") && en.contains("KHA training events per year"));
});

on_both_engines!(bad_codes_are_a_400_naming_kode, |app: TestApp| async move {
    for (query, shown) in
        [("kode=63.10,banjar", "banjar"), ("kode=99.99", "99.99"), ("kode=63.99", "63.99"), ("kode=11,12,13,14,15,16,17", "6")]
    {
        let (status, html) = app.get(&format!("/banding?{query}")).await;
        assert_eq!(status, 400, "{query}");
        assert!(html.contains("kode: ") && html.contains(shown), "{query}: names kode and {shown}");
        let res = app.client.get(format!("{}/api/v1/banding?{query}", app.base)).send().await.unwrap();
        assert_eq!(res.status().as_u16(), 400, "API {query}");
        let v: Value = res.json().await.unwrap();
        assert!(v["message"].as_str().unwrap().starts_with("kode: "), "{v}");
    }
    let res = app.client.get(format!("{}/api/v1/banding/kegiatan-per-tahun.csv", app.base)).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 400, "the API needs at least one region");
    let (status, html) = app.get("/banding?kode=63.10&tahun=abc").await;
    assert_eq!(status, 400);
    assert!(html.contains("tahun: "));
    let (status, html) = app.get("/banding").await;
    assert_eq!(status, 200, "an empty comparison is the form");
    assert!(html.contains("name=\"kode\""));
});

on_both_engines!(urls_are_canonical_and_bounded, |app: TestApp| async move {
    for (from, to) in [
        ("/banding?kode=63.10&kode=63&kode=&kode=&tahun=", "/banding?kode=63.10,63"),
        ("/banding?kode=63.10%2C63%2C63.10&utm_source=x", "/banding?kode=63.10,63"),
        ("/banding?tahun=2025&kode=nasional,63.10&urut=nama", "/banding?kode=nasional,63.10&tahun=2025"),
    ] {
        let res = app.client.get(format!("{}{from}", app.base)).send().await.unwrap();
        assert_eq!(res.status().as_u16(), 308, "{from}");
        assert_eq!(res.headers()["location"], to, "{from}");
    }
});

on_both_engines!(region_pages_link_their_neighbours, |app: TestApp| async move {
    let href = |html: &str| {
        let p = html.split("class=\"compare-link\"><a href=\"").nth(1).expect("a compare link");
        p[..p.find('"').unwrap()].replace("&amp;", "&")
    };
    let (_, html) = app.get("/kabkota/63.10").await;
    let link = href(&html);
    let codes: Vec<&str> = link.strip_prefix("/banding?kode=").unwrap().split(',').collect();
    assert_eq!(codes.len(), 6, "{link}");
    assert_eq!(codes[0], "63.10", "itself first");
    assert!(codes[1..].iter().all(|c| c.starts_with("63.") && *c != "63.10"), "{link}");
    let (status, _) = app.get(&link).await;
    assert_eq!(status, 200, "{link}");
    let (_, html) = app.get("/provinsi/63").await;
    let link = href(&html);
    assert!(link.starts_with("/banding?kode=63,") && link.split(',').all(|c| c.len() == 2 || c.ends_with("=63")), "{link}");
    let (_, html) = app.get("/?tahun=2025").await;
    let link = href(&html);
    assert!(link.starts_with("/banding?kode=nasional,") && link.ends_with("&tahun=2025"), "{link}");
    let (status, _) = app.get(&link).await;
    assert_eq!(status, 200, "{link}");
});
