//! Canonical URLs of the public routes (pages `/`, `/provinsi/{PP}`, `/kabkota/{PP.KK}`, the province
//! report, `/banding`, `/jalur`, `/cari` and every `/api/v1` route): each accepts a known list of
//! parameters, written once each, in one order, without defaults or empty values. Any other spelling of the
//! same view — unknown parameters (`fbclid`, `utm_*`, `z=<random>`), duplicates, empty values from a GET
//! form, another order, a percent-encoded region code — is redirected to the canonical URL, so the response
//! cache keeps one entry per view and a client cannot make every request a fresh render by varying the URL.
//! Values that are not understood are left to the page, which answers 400 naming the parameter.

use app::figures::CsvHeader;
use app::pages::compare;
use app::pages::params::PageParams;
use app::paths;
use kla::domain::RegionCode;
use kla::i18n::Lang;

/// The view-state parameters of pages and API (see `PageParams`), in their canonical order.
pub const STATE_PARAMS: [&str; 5] = ["tahun", "jenis", "ukuran", "urut", "arah"];
/// The longest search text accepted on `/cari`, in characters: region names are far shorter.
pub const MAX_SEARCH_CHARS: usize = 100;

/// What to do with a request for a public route.
#[derive(Debug, PartialEq, Eq)]
pub enum Canonical {
    /// Already canonical (or not a route this module knows): serve it; the cache key is this target.
    Keep(String),
    /// Redirect to this target.
    Redirect(String),
    /// The search text is longer than [`MAX_SEARCH_CHARS`].
    SearchTooLong,
}

enum Kind {
    /// Pages and API data of a place: the view state and `lang`.
    State,
    /// The province report and the peer pathways (page and API): the year (`tahun`) and `lang`; they have
    /// one order and every provider kind.
    Year,
    /// `/cari`: `q` and `lang`.
    Search,
    /// API indexes: `lang` only.
    Plain,
    /// `/banding` and its API data: `kode` (the regions, comma-separated, each once, in the reader's order),
    /// `tahun` and `lang`.
    Compare,
}

fn decode(seg: &str) -> Option<String> {
    percent_encoding::percent_decode_str(seg).decode_utf8().ok().map(std::borrow::Cow::into_owned)
}

/// A region code as the pages write it (`63`, `63.10`); an unreadable one is left as it is (a 404 later).
fn region_segment(seg: &str) -> String {
    decode(seg).and_then(|s| RegionCode::parse(&s).ok()).map_or_else(|| seg.to_string(), |c| c.to_string())
}

/// A figure file name (`pelatihan-per-tahun.csv`) without needless percent-encoding.
fn file_segment(seg: &str) -> String {
    match decode(seg) {
        Some(s) if !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b)) => s,
        _ => seg.to_string(),
    }
}

/// The route of `path` and its canonical spelling; `None` for paths this module leaves alone.
fn route(path: &str) -> Option<(Kind, String)> {
    let segs: Vec<&str> = path.strip_prefix('/')?.split('/').collect();
    Some(match segs.as_slice() {
        [""] => (Kind::State, "/".into()),
        ["cari"] => (Kind::Search, path.into()),
        ["banding"] | ["api", "v1", "banding"] => (Kind::Compare, path.into()),
        ["api", "v1", "banding", file] => (Kind::Compare, paths::fill(paths::API_COMPARE_FIGURE, &[&file_segment(file)])),
        ["provinsi", code] => (Kind::State, paths::province(region_segment(code))),
        ["provinsi", code, "laporan"] => (Kind::Year, paths::province_report(region_segment(code))),
        ["jalur"] | ["api", "v1", "jalur"] => (Kind::Year, path.into()),
        ["api", "v1", "jalur", file] => (Kind::Year, paths::fill(paths::API_PATHWAYS_FIGURE, &[&file_segment(file)])),
        ["kabkota", code] => (Kind::State, paths::regency(region_segment(code))),
        ["api", "v1"] | ["api", "v1", "wilayah" | "openapi.json"] => (Kind::Plain, path.into()),
        ["api", "v1", "nasional"] => (Kind::State, path.into()),
        ["api", "v1", "nasional", file] => (Kind::State, paths::fill(paths::API_NATIONAL_FIGURE, &[&file_segment(file)])),
        ["api", "v1", "provinsi", code] => (Kind::State, paths::api_province(region_segment(code))),
        ["api", "v1", "kabkota", code] => (Kind::State, paths::api_regency(region_segment(code))),
        ["api", "v1", "provinsi", code, file] => {
            (Kind::State, paths::fill(paths::API_PROVINCE_FIGURE, &[&region_segment(code), &file_segment(file)]))
        }
        ["api", "v1", "kabkota", code, file] => {
            (Kind::State, paths::fill(paths::API_REGENCY_FIGURE, &[&region_segment(code), &file_segment(file)]))
        }
        _ => return None,
    })
}

/// The canonical form of a request for `path` with `query`.
pub fn canonical(path: &str, query: Option<&str>) -> Canonical {
    let raw = query.unwrap_or("");
    let as_is = || Canonical::Keep(if raw.is_empty() { path.to_string() } else { format!("{path}?{raw}") });
    let Some((kind, canon_path)) = route(path) else { return as_is() };
    let Ok(pairs) = serde_urlencoded::from_str::<Vec<(String, String)>>(raw) else { return as_is() };
    let mut parts: Vec<String> = Vec::new();
    match kind {
        Kind::State | Kind::Year => {
            let known: &[&str] = if matches!(kind, Kind::Year) { &STATE_PARAMS[..1] } else { &STATE_PARAMS };
            let state: Vec<&(String, String)> = pairs.iter().filter(|(k, _)| known.contains(&k.as_str())).collect();
            let Ok(state_query) = serde_urlencoded::to_string(&state) else { return as_is() };
            // A value the page does not understand: the page names it in a 400.
            let Ok(params) = PageParams::from_query(&state_query, Lang::Id) else { return as_is() };
            parts.push(params.query());
            // A CSV download also takes its header row (`kolom`), after the view state; keys are the default.
            if canon_path.ends_with(".csv") {
                let Ok(header) = CsvHeader::from_query(raw, Lang::Id) else { return as_is() };
                if header != CsvHeader::default() {
                    parts.push(format!("{}={}", CsvHeader::PARAM, header.slug()));
                }
            }
        }
        Kind::Search => {
            // The page searches for the first `q`; words are compared one by one, so spacing is no part of it.
            let q =
                pairs.iter().find(|(k, _)| k == "q").map(|(_, v)| v.split_whitespace().collect::<Vec<_>>().join(" ")).unwrap_or_default();
            if q.chars().count() > MAX_SEARCH_CHARS {
                return Canonical::SearchTooLong;
            }
            if !q.is_empty() {
                parts.push(serde_urlencoded::to_string([("q", q)]).unwrap_or_default());
            }
        }
        Kind::Compare => {
            // The order of the regions is the reader's (the first is where they came from; each is numbered by
            // its place on every chart), so it is kept: a region set has at most 6! spellings, all of them
            // finite, while sorting would make every shared link point elsewhere than its author saw.
            let Ok(places) = compare::parse_codes(pairs.iter().filter(|(k, _)| k == "kode").map(|(_, v)| v.as_str())) else {
                return as_is();
            };
            let year: Vec<&(String, String)> = pairs.iter().filter(|(k, _)| k == "tahun").collect();
            let Ok(year) = serde_urlencoded::to_string(&year) else { return as_is() };
            let Ok(year) = PageParams::from_query(&year, Lang::Id) else { return as_is() };
            parts.push(compare::CompareParams { places, year: year.year }.query());
            if canon_path.ends_with(".csv") {
                let Ok(header) = CsvHeader::from_query(raw, Lang::Id) else { return as_is() };
                if header != CsvHeader::default() {
                    parts.push(format!("{}={}", CsvHeader::PARAM, header.slug()));
                }
            }
        }
        Kind::Plain => {}
    }
    // As `Lang::from_request` reads it: the first `lang=`, when it names a language.
    if let Some(lang) = raw.split('&').find_map(|kv| kv.strip_prefix("lang=")).and_then(Lang::parse) {
        parts.push(format!("lang={}", lang.code()));
    }
    parts.retain(|p| !p.is_empty());
    let canon_query = parts.join("&");
    let target = if canon_query.is_empty() { canon_path.clone() } else { format!("{canon_path}?{canon_query}") };
    if canon_path == path && canon_query == raw { Canonical::Keep(target) } else { Canonical::Redirect(target) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(target: &str) -> Canonical {
        let (path, query) = target.split_once('?').map_or((target, None), |(p, q)| (p, Some(q)));
        canonical(path, query)
    }

    fn redirect(to: &str) -> Canonical {
        Canonical::Redirect(to.into())
    }

    #[test]
    fn the_links_the_pages_build_are_canonical() {
        for target in [
            "/",
            "/?tahun=2025",
            "/?tahun=2025&jenis=puskesmas_ramah_anak&ukuran=peserta&urut=nilai&arah=turun",
            "/?urut=nama&arah=naik&lang=en",
            "/?lang=en",
            "/provinsi/63",
            "/provinsi/63?tahun=2024&urut=kegiatan&arah=turun",
            "/kabkota/63.10?jenis=paud",
            "/provinsi/63/laporan",
            "/provinsi/63/laporan?tahun=2024&lang=en",
            "/cari",
            "/cari?q=banjar",
            "/banding",
            "/banding?kode=63.10,63.72,62&tahun=2025",
            "/banding?kode=nasional,63&lang=en",
            "/api/v1/banding?kode=63.10",
            "/api/v1/banding/kegiatan-per-tahun.csv?kode=63.10,63&kolom=label&lang=id",
            "/cari?q=kota+banjar&lang=id",
            "/api/v1",
            "/api/v1/wilayah",
            "/api/v1/nasional?tahun=2025",
            "/api/v1/nasional/pelatihan-per-tahun.csv?ukuran=peserta",
            "/api/v1/provinsi/63/kartu-skor.json",
            "/api/v1/provinsi/63/kartu-skor.csv?tahun=2025&kolom=label&lang=id",
            "/api/v1/nasional/pelatihan-per-tahun.csv?kolom=label",
            "/api/v1/kabkota/63.10?lang=en",
            "/jalur",
            "/jalur?tahun=2025&lang=en",
            "/api/v1/jalur?tahun=2023",
            "/api/v1/jalur/jalur-predikat.csv?tahun=2025&kolom=label",
            "/api/v1/openapi.json",
        ] {
            assert_eq!(c(target), Canonical::Keep(target.into()), "{target}");
        }
    }

    #[test]
    fn other_spellings_redirect_to_the_canonical_url() {
        for (from, to) in [
            ("/?z=123", "/"),
            ("/provinsi/63/laporan?jenis=paud&urut=nama&tahun=2025", "/provinsi/63/laporan?tahun=2025"),
            ("/?fbclid=abc&utm_source=x&tahun=2025", "/?tahun=2025"),
            ("/?tahun=&jenis=&ukuran=kegiatan", "/"),
            ("/?ukuran=peserta&tahun=2025", "/?tahun=2025&ukuran=peserta"),
            ("/?tahun=2024&tahun=2025", "/?tahun=2025"),
            ("/?tahun=+2025", "/?tahun=2025"),
            ("/?urut=kode&arah=naik", "/"),
            ("/?urut=nama", "/?urut=nama&arah=naik"),
            ("/?lang=EN", "/?lang=en"),
            ("/?lang=fr", "/"),
            ("/?lang=en&lang=id", "/?lang=en"),
            ("/?lang=en&tahun=2025", "/?tahun=2025&lang=en"),
            ("/provinsi/%2063", "/provinsi/63"),
            ("/provinsi/63?z=1", "/provinsi/63"),
            ("/kabkota/63.10?pesan=x", "/kabkota/63.10"),
            ("/cari?q=", "/cari"),
            ("/cari?q=%20kota%20%20banjar%20", "/cari?q=kota+banjar"),
            ("/cari?q=a&q=b", "/cari?q=a"),
            ("/cari?q=a&tahun=2025", "/cari?q=a"),
            ("/api/v1?x=1", "/api/v1"),
            ("/api/v1/wilayah?tahun=2025", "/api/v1/wilayah"),
            ("/api/v1/nasional/pelatihan%2Dper%2Dtahun.csv", "/api/v1/nasional/pelatihan-per-tahun.csv"),
            ("/api/v1/kabkota/%2063.10/x.csv?z=1", "/api/v1/kabkota/63.10/x.csv"),
            ("/api/v1/nasional/x.csv?kolom=kunci", "/api/v1/nasional/x.csv"),
            ("/api/v1/nasional/x.csv?lang=id&kolom=label&tahun=2025", "/api/v1/nasional/x.csv?tahun=2025&kolom=label&lang=id"),
            ("/api/v1/nasional/x.json?kolom=label", "/api/v1/nasional/x.json"),
            ("/?kolom=label", "/"),
            ("/jalur?x=1", "/jalur"),
            ("/jalur?tahun=2025&tahun=2025&urut=nama&lang=en", "/jalur?tahun=2025&lang=en"),
            ("/api/v1/jalur?z=2", "/api/v1/jalur"),
            ("/api/v1/jalur/jalur%2Dpredikat.csv?kolom=kunci&x=1", "/api/v1/jalur/jalur-predikat.csv"),
            ("/api/v1/openapi.json?v=3", "/api/v1/openapi.json"),
        ] {
            assert_eq!(c(from), redirect(to), "{from}");
            // Canonical URLs are a fixed point: following the redirect never redirects again.
            assert_eq!(c(to), Canonical::Keep(to.into()), "{to}");
        }
    }

    #[test]
    fn values_not_understood_are_left_to_the_page_and_long_searches_refused() {
        assert_eq!(c("/?tahun=abc&z=1"), Canonical::Keep("/?tahun=abc&z=1".into()));
        assert_eq!(c("/provinsi/xx"), Canonical::Keep("/provinsi/xx".into()));
        assert_eq!(c(&format!("/cari?q={}", "a".repeat(MAX_SEARCH_CHARS + 1))), Canonical::SearchTooLong);
        assert_ne!(c(&format!("/cari?q={}", "é".repeat(MAX_SEARCH_CHARS))), Canonical::SearchTooLong, "characters, not bytes");
        // Routes outside the public pages are not touched.
        for t in ["/kelola?wilayah=63&pesan=disimpan", "/masuk?kembali=%2Fkelola", "/bukti/7?x=1", "/style/main.css?v=1"] {
            assert_eq!(c(t), Canonical::Keep(t.into()), "{t}");
        }
    }

    #[test]
    fn a_comparison_is_written_one_way_in_the_readers_order() {
        assert_eq!(c("/banding?kode=63.72&kode=63.10&kode=&tahun=&z=1"), redirect("/banding?kode=63.72,63.10"));
        assert_eq!(c("/banding?kode=63.10%2C63.72%2C63.10"), redirect("/banding?kode=63.10,63.72"));
        assert_eq!(c("/banding?tahun=2025&kode=+63.10+,NASIONAL&urut=nama"), redirect("/banding?kode=63.10,nasional&tahun=2025"));
        assert_eq!(c("/api/v1/banding/x.csv?kolom=kunci&kode=63"), redirect("/api/v1/banding/x.csv?kode=63"));
        // Not understood: left to the page, which names `kode` in a 400.
        assert_eq!(c("/banding?kode=banjar"), Canonical::Keep("/banding?kode=banjar".into()));
        assert_eq!(c("/banding?kode=11,12,13,14,15,16,17"), Canonical::Keep("/banding?kode=11,12,13,14,15,16,17".into()));
    }
}
