//! The stylesheet: compressed once at start (brotli and gzip, at their highest settings, since it is done
//! once) and served as the request accepts (br, else gzip, else plain), never through the compression layer
//! again. Pages link `/style/main.<fingerprint>.css` (`app::paths::STYLESHEET_FINGERPRINTED`), which is
//! kept a year as immutable; `/style/main.css` and addresses of earlier fingerprints (pages cached before
//! an upgrade) get the current stylesheet with a short cache.

use crate::response_cache::negotiate;
use app::paths;
use axum::body::Bytes;
use axum::extract::Path;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use std::io::Write;
use std::sync::LazyLock;

/// A year, and no revalidation: the address changes when the content does.
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// For the addresses without the current fingerprint: a day, so an old page keeps its style without
/// pinning an old stylesheet.
pub const SHORT: &str = "public, max-age=86400";

/// The stylesheet in each encoding, made once.
pub struct Variants {
    pub identity: Bytes,
    pub gzip: Bytes,
    pub br: Bytes,
}

impl Variants {
    pub fn of(source: &[u8]) -> Self {
        let mut br = Vec::new();
        {
            // Quality 11 (the best), window 22: about a tenth of a second, once.
            let mut w = brotli::CompressorWriter::new(&mut br, 4096, 11, 22);
            w.write_all(source).expect("writing to memory");
        }
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        gz.write_all(source).expect("writing to memory");
        let gzip = gz.finish().expect("writing to memory");
        Variants { identity: Bytes::copy_from_slice(source), gzip: Bytes::from(gzip), br: Bytes::from(br) }
    }

    /// The bytes for an encoding as [`negotiate`] names it, and the `Content-Encoding` to send with them.
    pub fn pick(&self, encoding: &str) -> (Bytes, Option<&'static str>) {
        match encoding {
            "br" => (self.br.clone(), Some("br")),
            "gzip" => (self.gzip.clone(), Some("gzip")),
            _ => (self.identity.clone(), None),
        }
    }
}

static VARIANTS: LazyLock<Variants> = LazyLock::new(|| Variants::of(paths::STYLESHEET_SOURCE.as_bytes()));

/// Compresses the stylesheet now rather than at the first request (called when the router is built).
pub fn prepare() {
    LazyLock::force(&VARIANTS);
}

/// Whether `file` is a stylesheet address: `main.css` or `main.<12 hex digits>.css`.
fn is_stylesheet(file: &str) -> bool {
    file == "main.css"
        || file
            .strip_prefix("main.")
            .and_then(|f| f.strip_suffix(".css"))
            .is_some_and(|hash| hash.len() == 12 && hash.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// `GET /style/{file}`.
pub async fn serve(Path(file): Path<String>, headers: HeaderMap) -> Response {
    if !is_stylesheet(&file) {
        return StatusCode::NOT_FOUND.into_response();
    }
    let current = file == format!("main.{}.css", paths::STYLESHEET_FINGERPRINT.as_str());
    respond(&VARIANTS, &headers, if current { IMMUTABLE } else { SHORT })
}

/// The response for these request headers: the negotiated variant with its encoding, `Vary` and cache
/// headers. The `Content-Encoding` header (and the compression layer's predicate, see `startup`) keeps the
/// compression layer from touching it.
pub fn respond(variants: &Variants, headers: &HeaderMap, cache: &'static str) -> Response {
    let (body, encoding) = variants.pick(negotiate(headers));
    let mut res = body.into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/css; charset=utf-8"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    h.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    if let Some(e) = encoding {
        h.insert(header::CONTENT_ENCODING, HeaderValue::from_static(e));
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    fn accept(v: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::ACCEPT_ENCODING, v.parse().unwrap());
        h
    }

    fn encoding_of(res: &Response) -> Option<&str> {
        res.headers().get(header::CONTENT_ENCODING).map(|v| v.to_str().unwrap())
    }

    #[test]
    fn every_variant_is_the_stylesheet() {
        let v = Variants::of(paths::STYLESHEET_SOURCE.as_bytes());
        let mut out = Vec::new();
        brotli::Decompressor::new(&v.br[..], 4096).read_to_end(&mut out).unwrap();
        assert_eq!(out, paths::STYLESHEET_SOURCE.as_bytes());
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(&v.gzip[..]).read_to_end(&mut out).unwrap();
        assert_eq!(out, paths::STYLESHEET_SOURCE.as_bytes());
        assert_eq!(&v.identity[..], paths::STYLESHEET_SOURCE.as_bytes());
        assert!(v.br.len() < v.gzip.len() && v.gzip.len() < v.identity.len() / 3, "br {} gzip {}", v.br.len(), v.gzip.len());
    }

    #[test]
    fn the_encoding_follows_the_request_br_then_gzip_then_none() {
        let v = Variants::of(b"body { color: black; } body { color: black; } body { color: black; }");
        for (accepted, expected) in [
            ("gzip, deflate, br", Some("br")),
            ("br;q=0.5, gzip;q=0.9", Some("gzip")),
            ("gzip", Some("gzip")),
            ("br;q=0, gzip", Some("gzip")),
            ("br;q=0, gzip;q=0", None),
            ("identity", None),
            ("deflate, zstd", None),
        ] {
            let res = respond(&v, &accept(accepted), IMMUTABLE);
            assert_eq!(encoding_of(&res), expected, "{accepted}");
            assert_eq!(res.headers()[header::VARY], "accept-encoding");
            assert_eq!(res.headers()[header::CACHE_CONTROL], IMMUTABLE);
        }
        assert_eq!(encoding_of(&respond(&v, &HeaderMap::new(), SHORT)), None, "no Accept-Encoding: plain");
    }

    #[test]
    fn only_stylesheet_names_are_served() {
        assert!(is_stylesheet("main.css") && is_stylesheet("main.0123456789ab.css"));
        for other in ["main.0123456789ab.js", "main.xyz.css", "other.css", "main.0123456789abc.css", "../main.css"] {
            assert!(!is_stylesheet(other), "{other}");
        }
    }
}
