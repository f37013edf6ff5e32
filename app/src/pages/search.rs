//! `/cari?q=…`: finds provinces and kab/kota by name or code, for readers who arrive without knowing codes.

use crate::components::{Crumb, Layout};
use crate::lang::use_lang;
use crate::paths;
use crate::state::AppState;
use kla::db::Region;
use kla::domain::RegionLevel;
use kla::i18n::tr;
use leptos::prelude::*;

/// The most results listed.
pub const MAX_RESULTS: usize = 50;

/// Regions whose name contains every word of the query (case-insensitive), or whose code starts with it.
pub fn find<'a>(state: &'a AppState, query: &str) -> Vec<&'a Region> {
    let q = query.trim().to_lowercase();
    if q.is_empty() {
        return Vec::new();
    }
    let words: Vec<&str> = q.split_whitespace().collect();
    state
        .regions
        .provinces()
        .chain(state.regions.regencies())
        .filter(|r| {
            let name = r.name.to_lowercase();
            r.code.to_string().starts_with(&q) || words.iter().all(|w| name.contains(w))
        })
        .take(MAX_RESULTS)
        .collect()
}

#[component]
pub fn SearchPage() -> impl IntoView {
    let state = expect_context::<AppState>();
    let lang = use_lang();
    let query = use_context::<http::request::Parts>()
        .and_then(|p| p.uri.query().map(str::to_string))
        .and_then(|q| serde_urlencoded::from_str::<Vec<(String, String)>>(&q).ok())
        .and_then(|pairs| pairs.into_iter().find(|(k, _)| k == "q").map(|(_, v)| v))
        .unwrap_or_default();
    let results: Vec<(String, String, String)> = find(&state, &query)
        .into_iter()
        .map(|r| {
            let (href, kind) = match r.level {
                RegionLevel::Province => (paths::province(r.code), tr(lang, "search.province")),
                _ => (
                    paths::regency(r.code),
                    format!("{} · {}", tr(lang, &format!("search.{}", r.kind)), state.regions.name(r.code.province())),
                ),
            };
            (href, r.name.clone(), kind)
        })
        .collect();
    let crumbs =
        vec![Crumb { label: tr(lang, "place.indonesia"), href: Some("/".into()) }, Crumb { label: tr(lang, "search.title"), href: None }];
    let summary = if query.trim().is_empty() {
        tr(lang, "search.empty_query")
    } else if results.is_empty() {
        format!("{} “{}”.", tr(lang, "search.none"), query.trim())
    } else {
        format!("{} “{}”: {}", tr(lang, "search.found"), query.trim(), results.len())
    };
    view! {
        <Layout title=tr(lang, "search.title") crumbs=crumbs demo=false>
            <form class="filter" method="get" action=paths::SEARCH role="search">
                <div class="field">
                    <label for="q2">{tr(lang, "search.label")}</label>
                    <input id="q2" name="q" type="search" value=query.clone()/>
                </div>
                <button type="submit">{tr(lang, "search.button")}</button>
            </form>
            <p class="scope-note">{summary}</p>
            <ul class="results">
                {results
                    .into_iter()
                    .map(|(href, name, kind)| view! { <li><a href=href>{name}</a>" "<span class="kind">{kind}</span></li> })
                    .collect_view()}
            </ul>
        </Layout>
    }
}
