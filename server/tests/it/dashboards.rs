//! The dashboards as a reader uses them: state in the URL (year, provider kind, metric, order), sortable
//! tables, the scorecard against configurable targets, the regency summary, search, and every chart with
//! its description, data table, definition, source and downloads — on SQLite and on PostgreSQL alike.

use crate::common::{Engine, TestApp};
use kla::reference::Targets;

/// The names of the regency rows of the province table, in page order.
fn regency_order(html: &str) -> Vec<String> {
    let table = &html[html.find("<table class=\"regions\">").expect("regions table")..];
    table
        .split("<th scope=\"row\"><a href=\"/kabkota/")
        .skip(1)
        .map(|s| s[s.find('>').unwrap() + 1..s.find("</a>").unwrap()].to_string())
        .collect()
}

on_both_engines!(the_province_table_sorts_by_any_column_through_links, |app: TestApp| async move {
    app.import_all_fixtures().await;
    let (_, html) = app.get("/provinsi/63?urut=peserta&arah=turun").await;
    let order = regency_order(&html);
    assert_eq!(order.len(), 13);
    assert_eq!(&order[..2], ["Kabupaten Tanah Bumbu", "Kota Banjarbaru"], "160 then 50 participants");
    assert!(html.contains("aria-sort=\"descending\""));
    assert!(html.contains("href=\"/provinsi/63?urut=peserta&amp;arah=naik#kabkota\""), "the header link reverses the order");
    let (_, html) = app.get("/provinsi/63?urut=nilai&arah=turun").await;
    assert_eq!(&regency_order(&html)[..2], ["Kota Banjarbaru", "Kabupaten Tanah Bumbu"], "770 before 604.10");
    let (_, html) = app.get("/provinsi/63?urut=nama&arah=naik").await;
    let order = regency_order(&html);
    let mut sorted = order.clone();
    sorted.sort();
    assert_eq!(order, sorted);
    assert!(html.contains("▲ +") || html.contains("▼ "), "the score trend of Tanah Bumbu (655.25 → 604.10) is shown");
    assert!(html.contains("▼ -51,15"));
});

on_both_engines!(the_filter_state_is_kept_in_the_url, |app: TestApp| async move {
    app.import_all_fixtures().await;
    let (status, html) = app.get("/provinsi/63?tahun=2025&jenis=puskesmas_ramah_anak&urut=peserta&arah=turun").await;
    assert_eq!(status, 200);
    assert!(html.contains("<option value=\"2025\" selected"), "the year stays selected");
    assert!(html.contains("<option value=\"puskesmas_ramah_anak\" selected"), "the kind stays selected");
    assert!(html.contains("name=\"urut\" value=\"peserta\""), "the order rides along with the filter form");
    assert!(html.contains("(Puskesmas Ramah Anak)"), "the share-by-regency chart names the kind");
    assert!(
        html.contains("/api/v1/provinsi/63/sertifikat-per-kabkota.csv?tahun=2025&amp;jenis=puskesmas_ramah_anak"),
        "downloads carry the view"
    );
    let (status, html) = app.get("/provinsi/63?jenis=warung").await;
    assert_eq!(status, 400);
    assert!(html.contains("jenis: jenis satuan layanan tidak dikenal"));
    let (status, _) = app.get("/?ukuran=peserta").await;
    assert_eq!(status, 200);
});

on_both_engines!(the_scorecard_judges_regencies_against_the_targets, |app: TestApp| async move {
    app.import_all_fixtures().await;
    let (_, html) = app.get("/provinsi/63?tahun=2025").await;
    let card = &html[html.find("<table class=\"scorecard\">").unwrap()..];
    let card = &card[..card.find("</table>").unwrap()];
    let row = |name: &str| {
        let r = &card[card.find(&format!(">{name}</th>")).unwrap()..];
        r[..r.find("</tr>").unwrap()].to_string()
    };
    let tb = row("Kabupaten Tanah Bumbu");
    assert_eq!(tb.matches("status met").count(), 3, "1 training in 2025, 50% certified, a predicate: {tb}");
    let tabalong = row("Kabupaten Tabalong");
    assert!(tabalong.contains("status missed") && tabalong.contains("status no_data"), "{tabalong}");
    assert!(card.contains("● tercapai") && card.contains("○ belum tercapai"), "lights have words, not only colours");
});

mod configurable_targets {
    use super::*;

    async fn stricter(engine: Engine) {
        let targets =
            Targets::from_csv("target,provider_kind,threshold,source\ncertified_unit_share,,0.8,test\ntrainings_per_year,,2,test\n")
                .unwrap();
        let Some(app) = TestApp::spawn_with(engine, |s| s.with_targets(targets)).await else { return };
        app.import_all_fixtures().await;
        let (_, html) = app.get("/provinsi/63?tahun=2025").await;
        let card = &html[html.find("<table class=\"scorecard\">").unwrap()..];
        let tb = &card[card.find(">Kabupaten Tanah Bumbu</th>").unwrap()..];
        let tb = &tb[..tb.find("</tr>").unwrap()];
        assert_eq!(tb.matches("status near").count(), 2, "1 of 2 trainings and 50% of 80% are near, not met: {tb}");
        assert!(html.contains("target 80,0%"));
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite() {
        stricter(Engine::Sqlite).await;
    }
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        stricter(Engine::Postgres).await;
    }
}

on_both_engines!(the_regency_summary_says_where_it_stands, |app: TestApp| async move {
    app.import_all_fixtures().await;
    let (_, html) = app.get("/kabkota/63.10").await;
    for sentence in [
        "Kabupaten Tanah Bumbu mencatat 2 kegiatan pelatihan KHA sepanjang waktu, dengan 160 peserta.",
        "2 dari 4 satuan layanan (50,0%) memiliki SDM bersertifikat KHA — target 50,0% tercapai.",
        "Puskesmas Ramah Anak: 31,0% SDM terlatih KHA, di bawah target 50,0%.",
        "Predikat terakhir: Madya (2025), nilai akhir 604,10.",
        "Perlu 96,90 poin lagi untuk Nindya.",
        "Nilai turun 116,90 poin dari evaluasi mandiri (721,00) ke nilai akhir (604,10)",
    ] {
        assert!(html.contains(sentence), "summary says {sentence:?}");
    }
    let (_, html) = app.get_with_cookie("/kabkota/63.10", "lang=en").await;
    assert!(html.contains("96.90 more points are needed for Nindya."));
    let (_, html) = app.get("/kabkota/63.01").await;
    assert!(html.contains("belum mencatat kegiatan pelatihan KHA") && html.contains("Belum ada catatan predikat KLA."));
});

on_both_engines!(every_chart_has_description_table_definition_source_and_downloads, |app: TestApp| async move {
    app.import_all_fixtures().await;
    for path in ["/", "/provinsi/63", "/kabkota/63.10"] {
        let (_, html) = app.get(path).await;
        let figures: Vec<&str> = html.split("<figure ").skip(1).collect();
        assert!(figures.len() >= 3, "{path} has its charts");
        for f in figures {
            let f = &f[..f.find("</figure>").unwrap()];
            let id = &f[f.find("id=\"").unwrap() + 4..];
            let id = &id[..id.find('"').unwrap()];
            assert!(f.contains(&format!("<p id=\"{id}-desc\" class=\"desc\">")), "{path} {id}: description");
            assert!(f.contains("<p class=\"definition\">"), "{path} {id}: definition");
            assert!(f.contains("<div class=\"source\">"), "{path} {id}: source");
            assert!(f.contains(&format!("/{id}.csv")) && f.contains(&format!("/{id}.json")), "{path} {id}: downloads");
            if f.contains("<svg") {
                assert!(f.contains(&format!("aria-describedby=\"{id}-desc\"")), "{path} {id}: the chart names its description");
                assert!(f.contains("<details>"), "{path} {id}: a data table beside the chart");
                if id == "peta-predikat" {
                    assert!(f.contains("<div tabindex=\"0\" role=\"region\""), "{path}: the map pans on a phone, by keyboard too");
                    assert!(f.contains("class=\"svg map\""), "{path}: the map is one drawing");
                    let (map, table) = f.split_at(f.find("</svg>").unwrap());
                    assert!(map.contains("<a tabindex=\"-1\" href=\"/kabkota/63.10\">"), "{path}: no map shape is a tab stop");
                    assert!(table.contains("<a href=\"/kabkota/63.10\">"), "{path}: the map's table links each kab/kota");
                } else {
                    let drawings = (f.matches("<div class=\"svg wide\"").count(), f.matches("<div class=\"svg narrow\"").count());
                    assert_eq!(drawings, (1, 1), "{path} {id}: drawn for a wide screen and for a phone");
                }
            }
        }
    }
    let (_, html) = app.get("/").await;
    assert!(html.contains("https://kaidah.id/?p=16157"), "published national results link their source");
});

on_both_engines!(search_finds_regions_by_name_or_code, |app: TestApp| async move {
    let (status, html) = app.get("/cari?q=banjar").await;
    assert_eq!(status, 200);
    for name in ["Kabupaten Banjar", "Kota Banjarbaru", "Kota Banjarmasin", "Kabupaten Banjarnegara"] {
        assert!(html.contains(&format!(">{name}</a>")), "search finds {name}");
    }
    let (_, html) = app.get("/cari?q=63.72").await;
    assert!(html.contains("href=\"/kabkota/63.72\">Kota Banjarbaru</a>"));
    let (_, html) = app.get("/cari?q=kalimantan+selatan").await;
    assert!(html.contains("href=\"/provinsi/63\">Kalimantan Selatan</a>"));
    // As readers write it: with "Kab.", a typo; each result says its code, kind and province.
    for q in ["Kab.+Tanah+Bumbu", "kabupaten+tanah+bumbo", "tanah+bumbu"] {
        let (status, html) = app.get(&format!("/cari?q={q}")).await;
        assert_eq!(status, 200, "{q}");
        assert!(html.contains("href=\"/kabkota/63.10\">Kabupaten Tanah Bumbu</a>"), "{q} finds Tanah Bumbu");
        assert!(html.contains("63.10 · kabupaten · Kalimantan Selatan"), "{q}: the code, kind and province");
    }
    let (_, html) = app.get("/cari?q=Kota+Banjar").await;
    assert!(html.contains(">Kota Banjar</a>") && !html.contains(">Kabupaten Banjar</a>"), "the kind asked for");
    let (_, html) = app.get("/cari?q=%3Cscript%3E").await;
    assert!(!html.contains("<script>alert") && html.contains("&lt;script&gt;"), "the query is escaped");
    assert!(html.contains("Tidak ada wilayah yang cocok"));
    let (_, html) = app.get("/").await;
    assert!(html.contains("action=\"/cari\""), "every page has the search box");
});

/// The `content` of each `<meta name="description">` of a page.
fn meta_descriptions(html: &str) -> Vec<String> {
    html.split("<meta name=\"description\" content=\"").skip(1).map(|s| s[..s.find('"').unwrap()].to_string()).collect()
}

on_both_engines!(each_page_has_one_meta_description_of_its_own, |app: TestApp| async move {
    app.import_all_fixtures().await;
    let mut seen: Vec<(&str, String)> = Vec::new();
    for path in ["/", "/provinsi/63", "/kabkota/63.10", "/cari?q=banjar", "/masuk"] {
        let (status, html) = app.get(path).await;
        assert_eq!(status, 200, "{path}");
        let found = meta_descriptions(&html);
        assert_eq!(found.len(), 1, "{path}: exactly one meta description, found {found:?}");
        assert!(html.find("<meta name=\"description\"") < html.find("</head>"), "{path}: in the head");
        assert!(!seen.iter().any(|(_, d)| *d == found[0]), "{path} repeats another page's description: {}", found[0]);
        seen.push((path, found[0].clone()));
        // Nor any of the renderer's hydration markers.
        assert!(!html.contains("<!>") && !html.contains("<!--HEAD-->"), "{path} keeps a hydration marker");
    }
    assert!(seen[1].1.starts_with("Kalimantan Selatan: "), "{}", seen[1].1);
    assert!(seen[2].1.starts_with("Kabupaten Tanah Bumbu (Kalimantan Selatan): "), "{}", seen[2].1);
    // In the page's language; pages without one of their own (errors, /kelola) get the site's.
    let (_, html) = app.get("/kabkota/63.10?lang=en").await;
    assert_eq!(
        meta_descriptions(&html),
        [format!(
            "Kabupaten Tanah Bumbu (Kalimantan Selatan): {}",
            "its KLA predicate and score history, KHA training and latest events, and KHA-certified service units by kind."
        )]
    );
    let (status, html) = app.get("/kabkota/63.99").await;
    assert_eq!(status, 404);
    assert_eq!(meta_descriptions(&html), [kla::i18n::tr(kla::i18n::Lang::Id, "site.description")]);
});
