//! The routes: one file per page, all server-rendered with `SsrMode::Async` so that the whole page arrives
//! in one response and works with JavaScript off. The shell leaves out hydration scripts on purpose.

pub mod national;
pub mod province;
pub mod regency;

use crate::components::ErrorPage;
use crate::error::AppError;
use crate::i18n::{Lang, tr, use_lang};
use leptos::prelude::*;
use leptos_meta::{MetaTags, Stylesheet, provide_meta_context};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::hooks::use_query_map;
use leptos_router::{SsrMode, path};

/// The stylesheet's address; the version makes browsers fetch it anew after an upgrade.
pub const STYLESHEET_PATH: &str = concat!("/style/main.css?v=", env!("CARGO_PKG_VERSION"));

/// The HTML document around every page. The language comes from the request (`?lang=` or the cookie).
pub fn shell(_options: LeptosOptions) -> impl IntoView {
    let lang = use_context::<http::request::Parts>().map(|p| Lang::from_request(&p.uri, &p.headers)).unwrap_or_default();
    provide_context(lang);
    view! {
        <!DOCTYPE html>
        <html lang=lang.code()>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="description" content=tr(lang, "site.description")/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        <Stylesheet href=STYLESHEET_PATH/>
        <Router>
            <Routes fallback=|| view! { <ErrorPage error=AppError::NotFound/> }>
                <Route path=path!("/") view=national::NationalPage ssr=SsrMode::Async/>
                <Route path=path!("/provinsi/:code") view=province::ProvincePage ssr=SsrMode::Async/>
                <Route path=path!("/kabkota/:code") view=regency::RegencyPage ssr=SsrMode::Async/>
            </Routes>
        </Router>
    }
}

/// The `tahun` (year) query parameter: absent means all years; anything but a plausible year is a 400
/// naming the parameter.
pub fn query_year(lang: Lang) -> Result<Option<i32>, AppError> {
    let raw = use_query_map().with_untracked(|q| q.get("tahun"));
    match raw.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(s) => s
            .parse::<i32>()
            .ok()
            .filter(|y| (crate::domain::MIN_YEAR..=crate::domain::MAX_YEAR).contains(y))
            .map(Some)
            .ok_or_else(|| AppError::BadRequest(format!("tahun: {}", tr(lang, "error.year_param")))),
    }
}

/// The label of an optional predicate ("no predicate" in the reader's language).
pub fn predicate_label(p: Option<crate::domain::Predicate>, lang: Lang) -> String {
    p.map_or_else(|| tr(lang, "predicate.none"), |p| p.label().to_string())
}

/// The six categories of a distribution, no predicate first.
pub fn distribution_labels(lang: Lang) -> Vec<String> {
    std::iter::once(tr(lang, "predicate.none")).chain(crate::domain::Predicate::ALL.iter().map(|p| p.label().to_string())).collect()
}

/// A year selector that works without JavaScript (a GET form).
#[component]
pub fn YearFilter(years: Vec<i32>, selected: Option<i32>) -> impl IntoView {
    let lang = use_lang();
    view! {
        <form class="filter" method="get">
            <label for="tahun">{tr(lang, "filter.year")}</label>
            <select id="tahun" name="tahun">
                <option value="" selected=selected.is_none()>{tr(lang, "filter.all_years")}</option>
                {years
                    .into_iter()
                    .rev()
                    .map(|y| view! { <option value=y.to_string() selected=selected == Some(y)>{y.to_string()}</option> })
                    .collect_view()}
            </select>
            <button type="submit">{tr(lang, "filter.apply")}</button>
        </form>
    }
}
