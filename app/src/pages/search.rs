//! `/cari?q=…`: finds provinces and kab/kota by name or code ([`kla::search`]), for readers who arrive
//! without knowing codes; each result shows its code, its kind and its province.

use crate::components::{Crumb, Layout, data_lang};
use crate::lang::use_lang;
use crate::paths;
use crate::state::AppState;
use kla::domain::RegionLevel;
use kla::i18n::tr;
use leptos::prelude::*;

#[component]
pub fn SearchPage() -> impl IntoView {
    let state = expect_context::<AppState>();
    let lang = use_lang();
    let query = use_context::<http::request::Parts>()
        .and_then(|p| p.uri.query().map(str::to_string))
        .and_then(|q| serde_urlencoded::from_str::<Vec<(String, String)>>(&q).ok())
        .and_then(|pairs| pairs.into_iter().find(|(k, _)| k == "q").map(|(_, v)| v))
        .unwrap_or_default();
    let results: Vec<(String, String, String)> = kla::search::find(&state.regions, &query)
        .into_iter()
        .map(|r| {
            let (href, kind) = match r.level {
                RegionLevel::Province => (paths::province(r.code), format!("{} · {}", r.code, tr(lang, "search.province"))),
                _ => (
                    paths::regency(r.code),
                    format!("{} · {} · {}", r.code, tr(lang, &format!("search.{}", r.kind)), state.regions.name(r.code.province())),
                ),
            };
            (href, r.name.clone(), kind)
        })
        .collect();
    let crumbs = vec![
        Crumb { label: tr(lang, "place.indonesia"), href: Some("/".into()), lang: None },
        Crumb { label: tr(lang, "search.title"), href: None, lang: None },
    ];
    let summary = if query.trim().is_empty() {
        tr(lang, "search.empty_query")
    } else if results.is_empty() {
        format!("{} “{}”.", tr(lang, "search.none"), query.trim())
    } else {
        format!("{} “{}”: {}", tr(lang, "search.found"), query.trim(), results.len())
    };
    view! {
        <Layout title=tr(lang, "search.title") crumbs=crumbs demo=false description=tr(lang, "site.description_search")>
            // Not a second `search` landmark: the header's search form is the page's one (axe: landmark-unique).
            <form class="filter" method="get" action=paths::SEARCH>
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
                    .map(|(href, name, kind)| view! { <li><a href=href lang=data_lang(lang)>{name}</a>" "<span class="kind">{kind}</span></li> })
                    .collect_view()}
            </ul>
        </Layout>
    }
}
