//! The routes: one file per page (the region pages share their frame through [`region`]), all server-rendered
//! with `SsrMode::Async` so that the whole page arrives in one response and works with JavaScript off. The
//! shell leaves out hydration scripts on purpose.

pub mod compare;
pub mod manage;
pub mod maps;
pub mod national;
pub mod params;
pub mod pathways;
pub mod province;
pub mod regency;
pub mod region;
pub mod report;
pub mod search;

use crate::components::ErrorPage;
use crate::error::AppError;
use crate::lang::use_lang;
use kla::domain::ProviderKind;
use kla::i18n::{Lang, tr};
use leptos::prelude::*;
use leptos_meta::{MetaTags, Stylesheet, provide_meta_context};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{SsrMode, path};
use params::{Metric, PageParams, SortKey};

/// The stylesheet's address, named by its content (`/style/main.<fingerprint>.css`): browsers keep it for a
/// year and fetch a changed stylesheet at once, since its address changes with it.
pub fn stylesheet_path() -> String {
    crate::paths::STYLESHEET_FINGERPRINTED.clone()
}

/// The HTML document around every page. The language comes from the request (`?lang=` or the cookie).
pub fn shell(_options: LeptosOptions) -> impl IntoView {
    let lang = use_context::<http::request::Parts>().map(|p| crate::lang::of_request(&p.uri, &p.headers)).unwrap_or_default();
    provide_context(lang);
    view! {
        <!DOCTYPE html>
        <html lang=lang.code()>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <link rel="icon" href=crate::paths::FAVICON_SVG type="image/svg+xml"/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// An error a handler shows instead of the page at its path (a download outside the user's region, say):
/// rendered as the error page with its status, in the shell every page has.
#[derive(Debug, Clone)]
pub struct ShownError(pub AppError);

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    if let Some(ShownError(error)) = use_context::<ShownError>() {
        return view! {
            <Stylesheet href=stylesheet_path()/>
            <Router><ErrorPage error=error/></Router>
        }
        .into_any();
    }
    view! {
        <Stylesheet href=stylesheet_path()/>
        <Router>
            <Routes fallback=|| view! { <ErrorPage error=AppError::NotFound/> }>
                <Route path=path!("/") view=national::NationalPage ssr=SsrMode::Async/>
                <Route path=path!("/provinsi/:code") view=province::ProvincePage ssr=SsrMode::Async/>
                <Route path=path!("/provinsi/:code/laporan") view=report::ProvinceReportPage ssr=SsrMode::Async/>
                <Route path=path!("/kabkota/:code") view=regency::RegencyPage ssr=SsrMode::Async/>
                <Route path=path!("/cari") view=search::SearchPage ssr=SsrMode::Async/>
                <Route path=path!("/banding") view=compare::ComparePage ssr=SsrMode::Async/>
                <Route path=path!("/jalur") view=pathways::PathwaysPage ssr=SsrMode::Async/>
                <Route path=path!("/masuk") view=manage::account::SignInPage ssr=SsrMode::Async/>
                <Route path=path!("/akun") view=manage::account::AccountPage ssr=SsrMode::Async/>
                <Route path=path!("/kelola") view=manage::records::ManagePage ssr=SsrMode::Async/>
                <Route path=path!("/kelola/impor") view=manage::import::ImportPage ssr=SsrMode::Async/>
                <Route path=path!("/kelola/riwayat") view=manage::history::RegionHistoryPage ssr=SsrMode::Async/>
                <Route path=path!("/kelola/pengguna") view=manage::users::UsersPage ssr=SsrMode::Async/>
                <Route path=path!("/kelola/evaluasi") view=manage::evaluation::EvaluationIndexPage ssr=SsrMode::Async/>
                <Route path=path!("/kelola/evaluasi/:tahun/:kode") view=manage::evaluation::EvaluationSheetPage ssr=SsrMode::Async/>
                <Route path=path!("/kelola/evaluasi/:tahun/:kode/:no") view=manage::evaluation::EvaluationIndicatorPage ssr=SsrMode::Async/>
                <Route path=path!("/kelola/:entity/baru") view=|| view! { <manage::records::RecordFormPage edit=false/> } ssr=SsrMode::Async/>
                <Route path=path!("/kelola/:entity/:id/ubah") view=|| view! { <manage::records::RecordFormPage edit=true/> } ssr=SsrMode::Async/>
                <Route path=path!("/kelola/:entity/:id/hapus") view=manage::records::DeletePage ssr=SsrMode::Async/>
                <Route path=path!("/kelola/:entity/:id/riwayat") view=manage::history::RecordHistoryPage ssr=SsrMode::Async/>
            </Routes>
        </Router>
    }
    .into_any()
}

/// The request's query string, as sent (empty without one).
pub fn page_params_query() -> String {
    use_context::<http::request::Parts>().and_then(|p| p.uri.query().map(str::to_string)).unwrap_or_default()
}

/// The view's state from the request's query string (a 400 naming the parameter when it is not understood).
pub fn page_params(lang: Lang) -> Result<PageParams, AppError> {
    let query = use_context::<http::request::Parts>().and_then(|p| p.uri.query().map(str::to_string)).unwrap_or_default();
    PageParams::from_query(&query, lang)
}

/// The label of an optional predicate ("no predicate" in the reader's language).
pub fn predicate_label(p: Option<kla::domain::Predicate>, lang: Lang) -> String {
    p.map_or_else(|| tr(lang, "predicate.none"), |p| p.label().to_string())
}

/// The view's filters as a GET form, so it works without JavaScript; the table order rides along.
#[component]
pub fn FilterForm(params: PageParams, mut years: Vec<i32>, kinds: bool, metric: bool) -> impl IntoView {
    let lang = use_lang();
    let selected = params.year;
    // A year chosen by link is always listed, even when this region has no data for it.
    if let Some(y) = selected
        && !years.contains(&y)
    {
        years.push(y);
        years.sort_unstable();
    }
    let sort = (params.sort != Default::default()).then(|| {
        view! {
            <input type="hidden" name="urut" value=params.sort.key.slug()/>
            <input type="hidden" name="arah" value=if params.sort.desc { "turun" } else { "naik" }/>
        }
    });
    view! {
        <form class="filter" method="get">
            <div class="field">
                <label for="tahun">{tr(lang, "filter.year")}</label>
                <select id="tahun" name="tahun">
                    <option value="" selected=selected.is_none()>{tr(lang, "filter.all_years")}</option>
                    {years
                        .into_iter()
                        .rev()
                        .map(|y| view! { <option value=y.to_string() selected=selected == Some(y)>{y.to_string()}</option> })
                        .collect_view()}
                </select>
            </div>
            {kinds.then(|| view! {
                <div class="field">
                    <label for="jenis">{tr(lang, "filter.kind")}</label>
                    <select id="jenis" name="jenis">
                        <option value="" selected=params.kind.is_none()>{tr(lang, "filter.all_kinds")}</option>
                        {ProviderKind::ALL
                            .into_iter()
                            .map(|k| view! { <option value=k.as_str() selected=params.kind == Some(k)>{tr(lang, &format!("provider.{}", k.as_str()))}</option> })
                            .collect_view()}
                    </select>
                </div>
            })}
            {metric.then(|| view! {
                <div class="field">
                    <label for="ukuran">{tr(lang, "filter.metric")}</label>
                    <select id="ukuran" name="ukuran">
                        {Metric::ALL
                            .into_iter()
                            .map(|m| view! { <option value=m.slug() selected=params.metric == m>{tr(lang, m.label_key())}</option> })
                            .collect_view()}
                    </select>
                </div>
            })}
            {sort}
            <button type="submit">{tr(lang, "filter.apply")}</button>
        </form>
    }
}

/// A column header that orders the table by its column through a link (`aria-sort` tells the current order).
#[component]
pub fn SortHeader(
    params: PageParams,
    path: String,
    anchor: &'static str,
    key: SortKey,
    label: String,
    #[prop(optional)] numeric: bool,
) -> impl IntoView {
    let lang = use_lang();
    let current = params.sort.key == key;
    let aria = if current { if params.sort.desc { "descending" } else { "ascending" } } else { "none" };
    let arrow = if current { if params.sort.desc { " ▼" } else { " ▲" } } else { "" };
    let href = params.sort_href(&path, key, anchor);
    let hint = tr(lang, "table.sort_hint");
    view! {
        <th scope="col" aria-sort=aria class={if numeric { "num" } else { "" }}>
            <a href=href title=hint>{label}{arrow}</a>
        </th>
    }
}
