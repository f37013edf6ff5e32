//! Building blocks every page shares: the layout (header, breadcrumbs, language link, footer, the page's meta
//! description), headline figures, chart figures with their data table and source, and the error page.

use crate::error::AppError;
use crate::figures::Figure;
use crate::lang::use_lang;
use crate::paths;
use kla::i18n::{Lang, tr};
use leptos::prelude::*;
use leptos_meta::{Meta, Title};

/// One step of the breadcrumb trail: a label and, except for the current page, a link.
#[derive(Debug, Clone)]
pub struct Crumb {
    pub label: String,
    pub href: Option<String>,
    /// The label's language when it is data (a region's name) rather than the page's words: see [`data_lang`].
    pub lang: Option<&'static str>,
}

/// The `lang` attribute for text that comes from the data (region names, event titles, source labels), which
/// is Indonesian whatever the page's language: `Some("id")` on English pages, so a screen reader pronounces
/// it as Indonesian; `None` (no attribute) on Indonesian pages.
pub fn data_lang(lang: Lang) -> Option<&'static str> {
    (lang != Lang::Id).then_some("id")
}

/// The current path with `lang=` set, for the language link (the server remembers it in a cookie).
fn lang_href(lang: Lang) -> String {
    let parts = use_context::<http::request::Parts>();
    let path = parts.as_ref().map_or_else(|| "/".into(), |p| p.uri.path().to_string());
    let mut query: Vec<String> = parts
        .as_ref()
        .and_then(|p| p.uri.query().map(str::to_string))
        .map(|q| q.split('&').filter(|kv| !kv.starts_with("lang=") && !kv.is_empty()).map(str::to_string).collect())
        .unwrap_or_default();
    query.push(format!("lang={}", lang.other().code()));
    format!("{path}?{}", query.join("&"))
}

/// The page around every route's content. `description` is the page's meta description (the site's when
/// `None`): the one `<meta name="description">` of the page. `title_lang` is the title's language when it is
/// data (a region's name, see [`data_lang`]).
#[component]
pub fn Layout(
    title: String,
    crumbs: Vec<Crumb>,
    demo: bool,
    #[prop(optional)] description: Option<String>,
    #[prop(default = None)] title_lang: Option<&'static str>,
    children: Children,
) -> impl IntoView {
    let lang = use_lang();
    let switch = lang_href(lang);
    let page_title = format!("{title} · Pantau KLA");
    let description = description.unwrap_or_else(|| tr(lang, "site.description"));
    view! {
        <Title text=page_title/>
        <Meta name="description" content=description/>
        <a class="skip" href="#isi">{tr(lang, "nav.skip")}</a>
        <header class="site">
            <a class="brand" href=paths::HOME>"Pantau KLA"</a>
            <span class="tagline">{tr(lang, "site.tagline")}</span>
            <a class="nav-link" href=paths::PATHWAYS>{tr(lang, "jalur.nav")}</a>
            <form class="search" method="get" action=paths::SEARCH role="search">
                <label for="q" class="visually-hidden">{tr(lang, "search.label")}</label>
                <input id="q" name="q" type="search" placeholder=tr(lang, "search.placeholder") autocomplete="off"/>
                <button type="submit">{tr(lang, "search.button")}</button>
            </form>
            {match crate::pages::manage::session() {
                Some(s) => view! { <a class="account" href=paths::MANAGE>{tr(lang, "manage.title")}" · "{s.user.username}</a> }.into_any(),
                None => view! { <a class="account" href=paths::SIGN_IN>{tr(lang, "account.sign_in")}</a> }.into_any(),
            }}
            <a class="lang" href=switch hreflang=lang.other().code() lang=lang.other().code()>
                {tr(lang, "nav.other_language")}
            </a>
        </header>
        <nav class="crumbs" aria-label=tr(lang, "nav.breadcrumbs")>
            <ol>
                {crumbs
                    .into_iter()
                    .map(|c| match c.href {
                        Some(h) => view! { <li><a href=h lang=c.lang>{c.label}</a></li> }.into_any(),
                        None => view! { <li aria-current="page" lang=c.lang>{c.label}</li> }.into_any(),
                    })
                    .collect_view()}
            </ol>
        </nav>
        <main id="isi">
            <h1 lang=title_lang>{title}</h1>
            {demo.then(|| view! { <p class="demo-banner" role="note"><strong>{tr(lang, "demo.label")}</strong>" "{tr(lang, "demo.body")}</p> })}
            {children()}
        </main>
        <footer class="site">
            <p>{tr(lang, "footer.about")}</p>
            <p>{tr(lang, "footer.regions_source")}</p>
            <p><a href=paths::API_BULK download="">{tr(lang, "footer.download_all")}</a></p>
        </footer>
    }
}

/// One headline figure.
#[derive(Debug, Clone)]
pub struct Stat {
    pub label: String,
    pub value: String,
    pub note: Option<String>,
}

#[component]
pub fn Stats(stats: Vec<Stat>) -> impl IntoView {
    view! {
        <dl class="stats">
            {stats
                .into_iter()
                .map(|s| {
                    view! {
                        <div class="stat">
                            <dt>{s.label}</dt>
                            <dd>
                                <span class="value">{s.value}</span>
                                {s.note.map(|n| view! { <span class="note">{n}</span> })}
                            </dd>
                        </div>
                    }
                })
                .collect_view()}
        </dl>
    }
}

/// A figure: its chart (or a note that there is nothing to draw), a sentence on what it shows, its data as a
/// table, how the figures are defined, where they come from, and links to the data as CSV and JSON.
/// `data_path` is the API address of the page (`/api/v1/provinsi/63`), `query` the view's state.
#[component]
pub fn FigureView(figure: Figure, data_path: String, query: String) -> impl IntoView {
    let lang = use_lang();
    let d = figure.data;
    let csv = paths::figure_download(&data_path, d.id, "csv", &query, lang);
    let json = paths::figure_download(&data_path, d.id, "json", &query, lang);
    let empty = d.rows.is_empty();
    let is_map = d.id == "peta-predikat" && !empty;
    let desc_id = format!("{}-desc", d.id);
    let described = |svg: String| svg.replacen("<svg ", &format!("<svg aria-describedby=\"{desc_id}\" "), 1);
    let drawing = figure.svg.map(|d| (described(d.wide), d.narrow.map(described)));
    // The map's table links each kab/kota, as the map does: the keyboard's way to every one of them.
    let links: Vec<Option<String>> =
        if is_map { d.rows.iter().map(|r| r.first().map(|code| paths::regency(code.raw()))).collect() } else { Vec::new() };
    let headers: Vec<String> = d.columns.iter().map(|c| c.label.clone()).collect();
    let numeric: Vec<bool> =
        (0..d.columns.len()).map(|i| d.rows.iter().any(|r| r.get(i).is_some_and(super::figures::Cell::is_numeric))).collect();
    let table_label = d.title.clone();
    let toggle_name = format!(" — {}", d.title);
    let rows: Vec<Vec<String>> = d.rows.iter().map(|r| r.iter().map(|c| c.display(lang)).collect()).collect();
    let sources = d
        .sources
        .into_iter()
        .map(|s| match s.url {
            // The label is the reader's words; the document it links is an Indonesian publication.
            Some(u) => view! { <li><a href=u rel="noopener" hreflang="id">{s.label}</a></li> }.into_any(),
            None => view! { <li>{s.label}</li> }.into_any(),
        })
        .collect_view();
    view! {
        <figure class="chart" id=d.id>
            <figcaption><h2>{d.title}</h2></figcaption>
            <p class="desc" id=desc_id>{d.description}</p>
            {match drawing {
                // Both drawings are in the page; the stylesheet shows the one for the screen.
                Some((wide, Some(narrow))) if !empty => {
                    view! { <div class="svg wide" inner_html=wide></div><div class="svg narrow" inner_html=narrow></div> }.into_any()
                }
                // A map is not redrawn for a phone: it pans sideways in its frame, reachable by keyboard.
                Some((wide, None)) if !empty && is_map => view! {
                    <div class="svg map" tabindex="0" role="region" aria-label=tr(lang, "map.pan_label") inner_html=wide></div>
                    <p class="map-hint">{tr(lang, "map.pan_hint")}</p>
                }
                .into_any(),
                Some((wide, None)) if !empty => view! { <div class="svg" inner_html=wide></div> }.into_any(),
                _ => view! { <p class="empty">{tr(lang, "chart.no_data")}</p> }.into_any(),
            }}
            {is_map.then(|| view! {
                <ul class="legend" aria-label=tr(lang, "map.legend")>
                    {crate::pages::maps::legend(lang)
                        .into_iter()
                        .map(|(label, colour)| view! { <li><span class="swatch" style=format!("background:{colour}")></span>{label}</li> })
                        .collect_view()}
                </ul>
            })}
            {(!empty).then(|| view! {
                <details>
                    // Named after its chart, so that a page's toggles are told apart in a list of controls.
                    <summary><span>{tr(lang, "chart.data_table")}</span><span class="visually-hidden">{toggle_name}</span></summary>
                    <DataTable headers=headers rows=rows numeric=numeric label=table_label links=links link_column=1/>
                </details>
                // On paper the table gives way to its address (the map's alone would take 20 pages).
                <p class="print-only">{tr(lang, "chart.print_data")}" "<span class="url">{csv.clone()}</span></p>
            })}
            <p class="definition">{d.definition}</p>
            <div class="source">
                <span>{tr(lang, "chart.source")}": "</span>
                <ul>{sources}</ul>
            </div>
            <p class="downloads">
                {tr(lang, "chart.download")}": "
                <a href=csv download>"CSV"</a>" · "<a href=json>"JSON"</a>
            </p>
        </figure>
    }
}

/// A plain table; the first column is the row header. Numeric columns (`numeric[i]`) are marked `num` so
/// they align right; the wrapper scrolls sideways on a phone and can be reached by keyboard.
#[component]
pub fn DataTable(
    headers: Vec<String>,
    rows: Vec<Vec<String>>,
    #[prop(optional)] numeric: Vec<bool>,
    #[prop(optional)] label: String,
    /// Per row, a page its `link_column` cell links to.
    #[prop(optional)]
    links: Vec<Option<String>>,
    #[prop(optional)] link_column: usize,
) -> impl IntoView {
    let class_of = move |i: usize| if numeric.get(i).copied().unwrap_or(false) { "num" } else { "" };
    let cell = move |text: String, href: Option<String>| match href {
        Some(h) => view! { <a href=h>{text}</a> }.into_any(),
        None => text.into_any(),
    };
    let head = headers.into_iter().enumerate().map(|(i, h)| view! { <th scope="col" class=class_of(i)>{h}</th> }).collect_view();
    let body = rows
        .into_iter()
        .enumerate()
        .map(|(row, r)| {
            let href = |i: usize| if i == link_column { links.get(row).cloned().flatten() } else { None };
            let mut cells = r.into_iter();
            let first = cells.next().unwrap_or_default();
            view! {
                <tr>
                    <th scope="row">{cell(first, href(0))}</th>
                    {cells.enumerate().map(|(i, c)| view! { <td class=class_of(i + 1)>{cell(c, href(i + 1))}</td> }).collect_view()}
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-wrap" tabindex="0" role="region" aria-label=label>
            <table>
                <thead><tr>{head}</tr></thead>
                <tbody>{body}</tbody>
            </table>
        </div>
    }
}

/// The page for an error, with the right HTTP status.
#[component]
pub fn ErrorPage(error: AppError) -> impl IntoView {
    let lang = use_lang();
    if let Some(resp) = use_context::<leptos_axum::ResponseOptions>() {
        resp.set_status(error.status());
    }
    let crumbs = vec![Crumb { label: tr(lang, "nav.home"), href: Some("/".into()), lang: None }];
    view! {
        <Layout title=error.title(lang) crumbs=crumbs demo=false>
            <p class="error-message">{error.message(lang)}</p>
            <p><a href=paths::HOME>{tr(lang, "error.back_home")}</a></p>
        </Layout>
    }
}
