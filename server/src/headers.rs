//! The headers every response carries for the browser's own defences — a Content-Security-Policy that allows
//! no script at all, `nosniff`, the referrer and permissions policies, and HSTS when the request came over
//! HTTPS — and the icon browsers ask for. The renderer's leftover inline scripts are cut from every page here,
//! so the policy can forbid script outright (a nonce would be replayed by the whole-response cache), and so
//! are its hydration markers (`<!>`, `<!--HEAD-->`), which nothing here reads.

use app::AppState;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;

/// Only our own resources and no script of any kind: every page works without JavaScript. Inline `style`
/// attributes stay allowed (chart legends colour their swatches with them).
pub const CSP: &str = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'none'; \
object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

/// Powerful browser features the dashboard never uses, switched off for it and anything it could embed.
pub const PERMISSIONS_POLICY: &str =
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), payment=(), usb=()";

/// A year, without `includeSubDomains`: other services may share the parent domain and must choose for
/// themselves.
pub const HSTS: &str = "max-age=31536000";

/// The largest page body read to cut the trailing scripts; anything larger is sent on as it is.
const MAX_PAGE_BYTES: usize = 16 * 1024 * 1024;

/// The SVG icon, and the same mark as a 32×32 ICO for browsers that ask for `/favicon.ico` regardless.
const FAVICON_SVG: &[u8] = include_bytes!("../assets/favicon.svg");
const FAVICON_ICO: &[u8] = include_bytes!("../assets/favicon.ico");

/// Static security headers on every response, and HTML pages cut at `</html>` and cleared of the renderer's
/// markers. Runs inside compression, so it sees the page as rendered.
pub async fn layer(req: Request<Body>, next: Next) -> Response {
    let mut res = next.run(req).await;
    let headers = res.headers_mut();
    for (name, value) in [
        (header::CONTENT_SECURITY_POLICY, CSP),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "same-origin"),
        (header::HeaderName::from_static("permissions-policy"), PERMISSIONS_POLICY),
    ] {
        headers.entry(name).or_insert(HeaderValue::from_static(value));
    }
    let html = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|v| v.starts_with("text/html"));
    if !html {
        return res;
    }
    let (mut parts, body) = res.into_parts();
    let read = match read_up_to(body, MAX_PAGE_BYTES).await {
        Ok(Read::Whole(read)) => read,
        Ok(Read::TooLarge(body)) => return Response::from_parts(parts, body),
        Err(e) => {
            tracing::error!(error = %e, "a page could not be read to finish it");
            return axum::http::StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    let page = strip_render_markers(&cut_after_document(read.to_vec()));
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(page))
}

/// A body read whole, or — past the limit — handed on as a body that sends what was read, then the rest.
pub enum Read {
    Whole(Bytes),
    TooLarge(Body),
}

/// Reads `body` up to `limit` bytes (the page layer here, the response cache): a larger body is not kept
/// in memory but passed on as it streams.
pub async fn read_up_to(body: Body, limit: usize) -> Result<Read, axum::Error> {
    let mut stream = body.into_data_stream();
    let mut read: Vec<Bytes> = Vec::new();
    let mut size = 0;
    while let Some(chunk) = stream.next().await {
        let c = chunk?;
        size += c.len();
        read.push(c);
        if size > limit {
            let rest = futures_util::stream::iter(read.into_iter().map(Ok::<_, axum::Error>)).chain(stream);
            return Ok(Read::TooLarge(Body::from_stream(rest)));
        }
    }
    Ok(Read::Whole(Bytes::from(read.concat())))
}

/// The page without whatever follows its closing `</html>`: the renderer appends two inline scripts there
/// for a hydration this site never runs.
pub fn cut_after_document(mut page: Vec<u8>) -> Vec<u8> {
    const END: &[u8] = b"</html>";
    if let Some(at) = page.windows(END.len()).rposition(|w| w.eq_ignore_ascii_case(END)) {
        page.truncate(at + END.len());
    }
    page
}

/// The page without the renderer's markers: `<!>`, which Leptos puts between two adjacent text nodes so that
/// hydration can tell them apart, and `<!--HEAD-->`, where leptos_meta inserts the head's tags. This site
/// never hydrates, so both are dead bytes (and `<!>` shows in the page's source). Only markup between tags
/// is touched: text cannot hold them (the renderer escapes `<` in text and attribute values), and the
/// insides of tags, comments and `<script>`/`<style>` are copied as they are.
pub fn strip_render_markers(page: &[u8]) -> Vec<u8> {
    const MARKERS: [&[u8]; 2] = [b"<!>", b"<!--HEAD-->"];
    let find = |hay: &[u8], needle: &[u8]| hay.windows(needle.len()).position(|w| w.eq_ignore_ascii_case(needle));
    let mut out = Vec::with_capacity(page.len());
    let mut i = 0;
    while i < page.len() {
        let rest = &page[i..];
        if rest[0] != b'<' {
            let text = rest.iter().position(|&b| b == b'<').unwrap_or(rest.len());
            out.extend_from_slice(&rest[..text]);
            i += text;
            continue;
        }
        if let Some(m) = MARKERS.iter().find(|m| rest.starts_with(m)) {
            i += m.len();
            continue;
        }
        let end = if rest.starts_with(b"<!--") { find(rest, b"-->").map(|p| p + 3) } else { tag_end(rest) }.unwrap_or(rest.len());
        out.extend_from_slice(&rest[..end]);
        i += end;
        // The content of a raw-text element runs to its end tag whatever it holds.
        for raw in ["script", "style"] {
            let open = rest.get(1..=raw.len()).is_some_and(|n| n.eq_ignore_ascii_case(raw.as_bytes()));
            let named = rest.get(raw.len() + 1).is_some_and(|b| b.is_ascii_whitespace() || *b == b'>' || *b == b'/');
            if open && named {
                let content = find(&page[i..], format!("</{raw}").as_bytes()).unwrap_or(page.len() - i);
                out.extend_from_slice(&page[i..i + content]);
                i += content;
            }
        }
    }
    out
}

/// The length of the tag that `tag` starts with, up to its closing `>` outside quoted attribute values.
fn tag_end(tag: &[u8]) -> Option<usize> {
    let mut quote = None;
    for (i, &b) in tag.iter().enumerate().skip(1) {
        match quote {
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None if b == b'"' || b == b'\'' => quote = Some(b),
            None if b == b'>' => return Some(i + 1),
            None => {}
        }
    }
    None
}

/// Whether the request reached us over HTTPS: configured so (`--secure-cookies`), or a proxy says so.
fn https(state: &AppState, headers: &HeaderMap) -> bool {
    crate::session::secure(state, headers)
}

/// `Strict-Transport-Security` on responses to HTTPS requests. Outside the response cache, so a page kept
/// from a plain-HTTP request still gets it when served over HTTPS.
pub async fn hsts(State(state): State<AppState>, req: Request<Body>, next: Next) -> Response {
    let over_https = https(&state, req.headers());
    let mut res = next.run(req).await;
    if over_https {
        res.headers_mut().insert(header::STRICT_TRANSPORT_SECURITY, HeaderValue::from_static(HSTS));
    }
    res
}

/// `GET /favicon.svg`.
pub async fn favicon_svg() -> Response {
    ([(header::CONTENT_TYPE, "image/svg+xml"), (header::CACHE_CONTROL, "public, max-age=604800")], FAVICON_SVG).into_response()
}

/// `GET /favicon.ico`.
pub async fn favicon_ico() -> Response {
    ([(header::CONTENT_TYPE, "image/x-icon"), (header::CACHE_CONTROL, "public, max-age=604800")], FAVICON_ICO).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_end_at_their_closing_tag() {
        let page = b"<!DOCTYPE html><html><body><p>x</p></body></html><script nonce=\"a\">__RESOLVED_RESOURCES=[];</script><script>__INCOMPLETE_CHUNKS=[];</script>".to_vec();
        assert_eq!(cut_after_document(page), b"<!DOCTYPE html><html><body><p>x</p></body></html>".to_vec());
        // A page with text mentioning the tag earlier keeps everything up to the last one.
        let page = b"<html><p>&lt;/html&gt; </html> in text</p></html>".to_vec();
        assert_eq!(cut_after_document(page.clone()), page);
        assert_eq!(cut_after_document(b"no document".to_vec()), b"no document".to_vec());
    }

    #[test]
    fn the_renderers_markers_go_and_text_stays() {
        let strip = |s: &str| String::from_utf8(strip_render_markers(s.as_bytes())).unwrap();
        assert_eq!(
            strip("<!DOCTYPE html><html><head><!--HEAD--><title>t</title></head><body><p>a<!>b<!></p></body></html>"),
            "<!DOCTYPE html><html><head><title>t</title></head><body><p>ab</p></body></html>"
        );
        // What a reader typed is escaped text or an attribute value, never touched.
        let kept = r#"<p title="<!> x <!--HEAD-->" data-x='<!>'>&lt;!&gt; &lt;!--HEAD--&gt;</p>"#;
        assert_eq!(strip(kept), kept);
        // Comments and raw-text elements are copied whole; a tag cut off at the end stays as it is.
        let kept = "<!-- a <!> b --><style>p::before{content:'<!>'}</style><SCRIPT type=x>a<!>b</SCRIPT><p";
        assert_eq!(strip(kept), kept);
        assert_eq!(strip("<svg><text>1<!>2</text></svg>"), "<svg><text>12</text></svg>");
        assert_eq!(strip(""), "");
    }

    #[test]
    fn the_policy_allows_no_script() {
        let script: Vec<&str> =
            CSP.split(';').map(str::trim).filter(|d| d.starts_with("script-src") || d.starts_with("default-src")).collect();
        assert_eq!(script, ["default-src 'self'", "script-src 'none'"]);
        assert!(FAVICON_ICO.starts_with(&[0, 0, 1, 0]), "an ICO file");
        assert!(FAVICON_SVG.starts_with(b"<svg"));
    }
}
