//! Every URL the server answers, spelled once: a route pattern (`const`, in axum's `{param}` form, which the
//! router registers) and beside it a builder that fills the pattern, so a link and its route cannot drift.
//!
//! Builders fill the pattern's `{…}` segments in order ([`fill`]); query strings and fragments are the
//! caller's. The Leptos page table (`pages::App`) keeps its own `path!` macro spelling (`:param`), which
//! `tests::leptos_routes_match` checks against these patterns.

use std::fmt::Display;
use std::sync::LazyLock;

// ---- Public pages and files ----

pub const HOME: &str = "/";
pub const PROVINCE: &str = "/provinsi/{code}";
pub const REGENCY: &str = "/kabkota/{code}";
/// A province's report for a coordination meeting, printed on A4.
pub const PROVINCE_REPORT: &str = "/provinsi/{code}/laporan";
pub const SEARCH: &str = "/cari";
/// Up to six regions side by side (`?kode=63.10,63.72,62&tahun=2025`).
pub const COMPARE: &str = "/banding";
/// Peer pathways between predicates.
pub const PATHWAYS: &str = "/jalur";
pub const HEALTHZ: &str = "/healthz";
/// The stylesheet's files: `main.<fingerprint>.css`, which pages link and browsers keep for a year, and
/// `main.css`, kept for pages cached before the fingerprint existed (a short cache).
pub const STYLESHEET_FILES: &str = "/style/{file}";
pub const STYLESHEET: &str = "/style/main.css";
pub const FAVICON_ICO: &str = "/favicon.ico";
pub const FAVICON_SVG: &str = "/favicon.svg";
/// A public evidence file (one an evaluator marked public).
pub const PUBLIC_FILE: &str = "/bukti/{id}";

/// The stylesheet, compiled into the binary so a deployed server needs no files beside it.
pub const STYLESHEET_SOURCE: &str = include_str!("../../style/main.css");

/// The first 12 hex digits of the SHA-256 of the stylesheet: a new stylesheet gets a new address, so the
/// old one may be cached for ever.
pub static STYLESHEET_FINGERPRINT: LazyLock<String> = LazyLock::new(|| fingerprint(STYLESHEET_SOURCE.as_bytes()));

/// The address pages link: `/style/main.<fingerprint>.css`.
pub static STYLESHEET_FINGERPRINTED: LazyLock<String> = LazyLock::new(|| stylesheet_file(&STYLESHEET_FINGERPRINT));

/// The address of the stylesheet with `fingerprint`.
pub fn stylesheet_file(fingerprint: &str) -> String {
    format!("/style/main.{fingerprint}.css")
}

/// The fingerprint of some bytes: the first 12 hex digits of their SHA-256.
pub fn fingerprint(bytes: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(bytes))[..12].to_string()
}

pub fn province(code: impl Display) -> String {
    fill(PROVINCE, &[&code])
}
pub fn regency(code: impl Display) -> String {
    fill(REGENCY, &[&code])
}
pub fn province_report(code: impl Display) -> String {
    fill(PROVINCE_REPORT, &[&code])
}
/// The comparison of `codes` (`nasional`, `PP`, `PP.KK`), in the order given, for one year or all: the
/// canonical spelling (codes comma-separated, then `tahun`).
pub fn compare(codes: &[impl Display], year: Option<i32>) -> String {
    let mut parts: Vec<String> = Vec::new();
    if !codes.is_empty() {
        parts.push(format!("kode={}", codes.iter().map(ToString::to_string).collect::<Vec<_>>().join(",")));
    }
    if let Some(y) = year {
        parts.push(format!("tahun={y}"));
    }
    if parts.is_empty() { COMPARE.to_string() } else { format!("{COMPARE}?{}", parts.join("&")) }
}
/// One step's table on the pathways page (`slug` as `kla::pathways::Step::slug`).
pub fn pathway_step(slug: &str) -> String {
    format!("{PATHWAYS}#{slug}")
}
pub fn public_file(id: i64) -> String {
    fill(PUBLIC_FILE, &[&id])
}

/// The region whose version a public response at `path` shows (see `kla::summaries::version`): the province
/// or kab/kota of its page or API download, else the nation (whose version every figure's write bumps).
pub fn version_region(path: &str) -> &str {
    let rest = path.strip_prefix(API).unwrap_or(path);
    let code = ["/provinsi/", "/kabkota/"].iter().find_map(|p| rest.strip_prefix(p)).map(|r| r.split('/').next().unwrap_or(""));
    match code {
        Some(c) if !c.is_empty() && c.len() <= 5 && c.bytes().all(|b| b.is_ascii_digit() || b == b'.') => c,
        _ => kla::summaries::NATIONAL,
    }
}

/// The kab/kota of a regency page (`/kabkota/{PP.KK}`, not its API download): besides its own region's
/// data it shows its next step beside the nation's movers and stayers, so its cached response also follows
/// what it shows of those (`kla::pathways::Pathways::shown_for`).
pub fn regency_page(path: &str) -> Option<&str> {
    path.strip_prefix("/kabkota/").filter(|c| !c.contains('/') && version_region(path) == *c)
}

// ---- The JSON/CSV API ----

pub const API: &str = "/api/v1";
pub const API_REGIONS: &str = "/api/v1/wilayah";
/// The OpenAPI 3.1 description of the API.
pub const API_OPENAPI: &str = "/api/v1/openapi.json";
/// Every figure of every public page at its default view, as CSV files in one ZIP.
pub const API_BULK: &str = "/api/v1/semua-angka.zip";
pub const API_NATIONAL: &str = "/api/v1/nasional";
pub const API_NATIONAL_FIGURE: &str = "/api/v1/nasional/{file}";
pub const API_PROVINCE: &str = "/api/v1/provinsi/{code}";
pub const API_PROVINCE_FIGURE: &str = "/api/v1/provinsi/{code}/{file}";
pub const API_REGENCY: &str = "/api/v1/kabkota/{code}";
pub const API_REGENCY_FIGURE: &str = "/api/v1/kabkota/{code}/{file}";
pub const API_COMPARE: &str = "/api/v1/banding";
pub const API_COMPARE_FIGURE: &str = "/api/v1/banding/{file}";
pub const API_PATHWAYS: &str = "/api/v1/jalur";
pub const API_PATHWAYS_FIGURE: &str = "/api/v1/jalur/{file}";
/// Anything else under the API: answered with a JSON 404.
pub const API_REST: &str = "/api/v1/{*rest}";

pub fn api_province(code: impl Display) -> String {
    fill(API_PROVINCE, &[&code])
}
pub fn api_regency(code: impl Display) -> String {
    fill(API_REGENCY, &[&code])
}
/// A figure's data file under an API region path (`api_province(..)`, `API_NATIONAL`, …): `{base}/{figure}.{ext}`.
pub fn api_figure(base: &str, figure: impl Display, ext: &str) -> String {
    format!("{base}/{figure}.{ext}")
}
/// A page's download link for one of its figures: the view's state (`query`, without `?`) and the page's
/// language, so the file equals what the reader saw; a CSV is headed with the columns' labels, in the
/// reader's words (`kolom=label`, docs/api.md).
pub fn figure_download(base: &str, figure: impl Display, ext: &str, query: &str, lang: kla::i18n::Lang) -> String {
    use crate::figures::CsvHeader;
    let header = (ext == "csv").then(|| format!("{}={}", CsvHeader::PARAM, CsvHeader::Labels.slug()));
    let parts: Vec<String> =
        [Some(query.to_string()), header, Some(format!("lang={}", lang.code()))].into_iter().flatten().filter(|p| !p.is_empty()).collect();
    format!("{}?{}", api_figure(base, figure, ext), parts.join("&"))
}

// ---- Accounts ----

pub const SIGN_IN: &str = "/masuk";
pub const SIGN_OUT: &str = "/keluar";
pub const ACCOUNT: &str = "/akun";
pub const PASSWORD: &str = "/akun/sandi";

// ---- Managing records ----

pub const MANAGE: &str = "/kelola";
pub const USERS: &str = "/kelola/pengguna";
pub const IMPORT: &str = "/kelola/impor";
pub const IMPORT_CONFIRM: &str = "/kelola/impor/simpan";
pub const REGION_HISTORY: &str = "/kelola/riwayat";
pub const RECORD_NEW: &str = "/kelola/{entity}/baru";
pub const RECORD_EDIT: &str = "/kelola/{entity}/{id}/ubah";
pub const RECORD_DELETE: &str = "/kelola/{entity}/{id}/hapus";
pub const RECORD_HISTORY: &str = "/kelola/{entity}/{id}/riwayat";
pub const EXPORT: &str = "/kelola/ekspor/{file}";
pub const TEMPLATE: &str = "/kelola/templat/{file}";

pub fn record_new(entity: impl Display) -> String {
    fill(RECORD_NEW, &[&entity])
}
pub fn record_edit(entity: impl Display, id: i64) -> String {
    fill(RECORD_EDIT, &[&entity, &id])
}
pub fn record_delete(entity: impl Display, id: i64) -> String {
    fill(RECORD_DELETE, &[&entity, &id])
}
pub fn record_history(entity: impl Display, id: i64) -> String {
    fill(RECORD_HISTORY, &[&entity, &id])
}
/// `file` is `{entity}.{csv|xlsx}`.
pub fn export(entity: impl Display, ext: &str) -> String {
    fill(EXPORT, &[&format_args!("{entity}.{ext}")])
}
/// `file` is `{entity}.{csv|xlsx}`.
pub fn template(entity: impl Display, ext: &str) -> String {
    fill(TEMPLATE, &[&format_args!("{entity}.{ext}")])
}

// ---- Evaluation ----

pub const EVALUATION: &str = "/kelola/evaluasi";
pub const CYCLE_NEW: &str = "/kelola/evaluasi/siklus";
pub const SHEET: &str = "/kelola/evaluasi/{tahun}/{kode}";
pub const SHEET_SUBMIT: &str = "/kelola/evaluasi/{tahun}/{kode}/ajukan";
pub const SHEET_FINISH: &str = "/kelola/evaluasi/{tahun}/{kode}/selesai";
pub const SHEET_PUBLISH: &str = "/kelola/evaluasi/{tahun}/{kode}/terbitkan";
pub const INDICATOR: &str = "/kelola/evaluasi/{tahun}/{kode}/{no}";
pub const INDICATOR_UPLOAD: &str = "/kelola/evaluasi/{tahun}/{kode}/{no}/unggah";
pub const INDICATOR_LINKS: &str = "/kelola/evaluasi/{tahun}/{kode}/{no}/tautan";
pub const INDICATOR_SCORE: &str = "/kelola/evaluasi/{tahun}/{kode}/{no}/skor";
pub const INDICATOR_REVIEW: &str = "/kelola/evaluasi/{tahun}/{kode}/{no}/periksa";
pub const FILE: &str = "/kelola/bukti/{id}";
pub const FILE_DELETE: &str = "/kelola/bukti/{id}/hapus";
pub const FILE_PUBLIC: &str = "/kelola/bukti/{id}/publik";
pub const PACK: &str = "/kelola/paket/{tahun}/{kode}";

pub fn sheet(year: impl Display, code: impl Display) -> String {
    fill(SHEET, &[&year, &code])
}
pub fn sheet_submit(year: impl Display, code: impl Display) -> String {
    fill(SHEET_SUBMIT, &[&year, &code])
}
pub fn sheet_finish(year: impl Display, code: impl Display) -> String {
    fill(SHEET_FINISH, &[&year, &code])
}
pub fn sheet_publish(year: impl Display, code: impl Display) -> String {
    fill(SHEET_PUBLISH, &[&year, &code])
}
pub fn indicator(year: impl Display, code: impl Display, no: impl Display) -> String {
    fill(INDICATOR, &[&year, &code, &no])
}
pub fn indicator_upload(year: impl Display, code: impl Display, no: impl Display) -> String {
    fill(INDICATOR_UPLOAD, &[&year, &code, &no])
}
pub fn indicator_links(year: impl Display, code: impl Display, no: impl Display) -> String {
    fill(INDICATOR_LINKS, &[&year, &code, &no])
}
pub fn indicator_score(year: impl Display, code: impl Display, no: impl Display) -> String {
    fill(INDICATOR_SCORE, &[&year, &code, &no])
}
pub fn indicator_review(year: impl Display, code: impl Display, no: impl Display) -> String {
    fill(INDICATOR_REVIEW, &[&year, &code, &no])
}
pub fn file(id: i64) -> String {
    fill(FILE, &[&id])
}
pub fn file_delete(id: i64) -> String {
    fill(FILE_DELETE, &[&id])
}
pub fn file_public(id: i64) -> String {
    fill(FILE_PUBLIC, &[&id])
}
pub fn pack(year: impl Display, code: impl Display) -> String {
    fill(PACK, &[&year, &code])
}

/// Fills a route pattern's `{…}` segments with `args`, in order. A pattern with more segments than
/// arguments keeps the rest as written (a bug the unit tests catch); extra arguments are ignored.
pub fn fill(pattern: &str, args: &[&dyn Display]) -> String {
    use std::fmt::Write;
    let mut out = String::with_capacity(pattern.len() + 16);
    let mut args = args.iter();
    let mut rest = pattern;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}') else { break };
        out.push_str(&rest[..open]);
        match args.next() {
            Some(a) => {
                let _ = write!(out, "{a}");
            }
            None => out.push_str(&rest[open..open + close + 1]),
        }
        rest = &rest[open + close + 1..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_page_and_download_follows_its_region() {
        assert_eq!(version_region("/kabkota/63.10"), "63.10");
        assert_eq!(version_region("/api/v1/kabkota/63.10/pelatihan-per-tahun.csv"), "63.10");
        assert_eq!(version_region("/provinsi/63"), "63");
        assert_eq!(version_region("/api/v1/provinsi/63"), "63");
        for national in ["/", "/cari", "/api/v1/nasional", "/api/v1/wilayah", "/kabkota/", "/kabkota/x' or 1=1", "/provinsi/123456"] {
            assert_eq!(version_region(national), kla::summaries::NATIONAL, "{national}");
        }
        assert_eq!(regency_page("/kabkota/63.10"), Some("63.10"));
        for other in ["/api/v1/kabkota/63.10", "/kabkota/63.10/x", "/kabkota/", "/provinsi/63", "/kabkota/x' or 1=1"] {
            assert_eq!(regency_page(other), None, "{other}");
        }
    }

    #[test]
    fn fill_replaces_segments_in_order() {
        assert_eq!(fill("/a/{x}/b/{y}", &[&1, &"z"]), "/a/1/b/z");
        assert_eq!(fill("/a", &[]), "/a");
        assert_eq!(fill("/a/{x}", &[]), "/a/{x}");
    }

    #[test]
    fn the_stylesheet_address_names_its_content() {
        assert_eq!(fingerprint(b"abc"), "ba7816bf8f01", "SHA-256 of abc, as published");
        assert_eq!(STYLESHEET_FINGERPRINTED.as_str(), format!("/style/main.{}.css", fingerprint(STYLESHEET_SOURCE.as_bytes())));
        assert_ne!(fingerprint(b"body{}"), fingerprint(b"body{ }"));
    }

    #[test]
    fn public_builders() {
        assert_eq!(province("63"), "/provinsi/63");
        assert_eq!(regency("63.10"), "/kabkota/63.10");
        assert_eq!(public_file(7), "/bukti/7");
        assert_eq!(compare(&["63.10", "62"], Some(2025)), "/banding?kode=63.10,62&tahun=2025");
        assert_eq!(compare(&[] as &[&str], None), "/banding");
        assert_eq!(pathway_step("madya-nindya"), "/jalur#madya-nindya");
    }

    #[test]
    fn api_builders() {
        assert_eq!(api_province("63"), "/api/v1/provinsi/63");
        assert_eq!(api_regency("63.10"), "/api/v1/kabkota/63.10");
        assert_eq!(api_figure(API_NATIONAL, "kartu-skor", "csv"), "/api/v1/nasional/kartu-skor.csv");
        assert_eq!(api_figure(&api_regency("63.10"), "x", "json"), "/api/v1/kabkota/63.10/x.json");
        use kla::i18n::Lang;
        assert_eq!(figure_download(API_NATIONAL, "x", "csv", "", Lang::Id), "/api/v1/nasional/x.csv?kolom=label&lang=id");
        assert_eq!(figure_download(API_NATIONAL, "x", "json", "tahun=2025", Lang::En), "/api/v1/nasional/x.json?tahun=2025&lang=en");
    }

    #[test]
    fn record_builders() {
        assert_eq!(record_new("kegiatan"), "/kelola/kegiatan/baru");
        assert_eq!(record_edit("kegiatan", 3), "/kelola/kegiatan/3/ubah");
        assert_eq!(record_delete("kegiatan", 3), "/kelola/kegiatan/3/hapus");
        assert_eq!(record_history("kegiatan", 3), "/kelola/kegiatan/3/riwayat");
        assert_eq!(export("kegiatan", "xlsx"), "/kelola/ekspor/kegiatan.xlsx");
        assert_eq!(template("kegiatan", "csv"), "/kelola/templat/kegiatan.csv");
    }

    #[test]
    fn evaluation_builders() {
        assert_eq!(sheet(2025, "63.10"), "/kelola/evaluasi/2025/63.10");
        assert_eq!(sheet_submit(2025, "63.10"), "/kelola/evaluasi/2025/63.10/ajukan");
        assert_eq!(sheet_finish(2025, "63.10"), "/kelola/evaluasi/2025/63.10/selesai");
        assert_eq!(sheet_publish(2025, "63.10"), "/kelola/evaluasi/2025/63.10/terbitkan");
        assert_eq!(indicator(2025, "63.10", 4), "/kelola/evaluasi/2025/63.10/4");
        assert_eq!(indicator_upload(2025, "63.10", 4), "/kelola/evaluasi/2025/63.10/4/unggah");
        assert_eq!(indicator_links(2025, "63.10", 4), "/kelola/evaluasi/2025/63.10/4/tautan");
        assert_eq!(indicator_score(2025, "63.10", 4), "/kelola/evaluasi/2025/63.10/4/skor");
        assert_eq!(indicator_review(2025, "63.10", 4), "/kelola/evaluasi/2025/63.10/4/periksa");
        assert_eq!(file(9), "/kelola/bukti/9");
        assert_eq!(file_delete(9), "/kelola/bukti/9/hapus");
        assert_eq!(file_public(9), "/kelola/bukti/9/publik");
        assert_eq!(pack(2025, "63.10"), "/kelola/paket/2025/63.10");
    }

    /// The Leptos page table (`pages/mod.rs`) spells its routes with `:param` in `path!` macros; each must be
    /// one of the patterns here.
    #[test]
    fn leptos_routes_match() {
        let all = [
            HOME,
            PROVINCE,
            PROVINCE_REPORT,
            REGENCY,
            SEARCH,
            COMPARE,
            PATHWAYS,
            SIGN_IN,
            ACCOUNT,
            MANAGE,
            IMPORT,
            REGION_HISTORY,
            USERS,
            EVALUATION,
            SHEET,
            INDICATOR,
            RECORD_NEW,
            RECORD_EDIT,
            RECORD_DELETE,
            RECORD_HISTORY,
        ];
        let as_axum = |p: &str| {
            p.split('/').map(|s| s.strip_prefix(':').map(|n| format!("{{{n}}}")).unwrap_or(s.to_string())).collect::<Vec<_>>().join("/")
        };
        let table = include_str!("pages/mod.rs");
        let spelled: Vec<&str> = table.split("path!(\"").skip(1).filter_map(|s| s.split('"').next()).collect();
        assert!(spelled.len() >= 15, "found the page table");
        for p in spelled {
            assert!(all.contains(&as_axum(p).as_str()), "{p} has no pattern in app::paths");
        }
    }
}
