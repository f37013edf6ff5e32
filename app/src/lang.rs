//! Which language a request asks for: `?lang=` first, then the `lang` cookie that the language link sets,
//! then Bahasa Indonesia; and the language of the page being rendered, as Leptos context.

use kla::i18n::{LANG_COOKIE, Lang};

/// The language for a request: `?lang=` first, then the cookie, then Bahasa Indonesia.
pub fn of_request(uri: &http::Uri, headers: &http::HeaderMap) -> Lang {
    let from_query = uri.query().and_then(|q| q.split('&').find_map(|kv| kv.strip_prefix("lang=")).and_then(Lang::parse));
    from_query.or_else(|| cookie(headers, LANG_COOKIE).and_then(|v| Lang::parse(&v))).unwrap_or_default()
}

/// A cookie's value from the request headers.
pub fn cookie(headers: &http::HeaderMap, name: &str) -> Option<String> {
    headers.get_all(http::header::COOKIE).iter().filter_map(|v| v.to_str().ok()).flat_map(|v| v.split(';')).find_map(|kv| {
        let (k, v) = kv.trim().split_once('=')?;
        (k == name).then(|| v.to_string())
    })
}

/// The language of the page being rendered (provided per request by the app shell).
pub fn use_lang() -> Lang {
    leptos::prelude::use_context::<Lang>().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_beats_cookie_and_default_is_indonesian() {
        let mut h = http::HeaderMap::new();
        assert_eq!(of_request(&"/".parse().unwrap(), &h), Lang::Id);
        h.insert(http::header::COOKIE, "x=1; lang=en".parse().unwrap());
        assert_eq!(of_request(&"/".parse().unwrap(), &h), Lang::En);
        assert_eq!(of_request(&"/?tahun=2025&lang=id".parse().unwrap(), &h), Lang::Id);
    }
}
