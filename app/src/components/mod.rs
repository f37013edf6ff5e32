//! Building blocks every page shares: the layout (header, breadcrumbs, language link, footer), headline
//! figures, chart figures with their data table and source, and the error page.

use crate::error::AppError;
use crate::i18n::{Lang, tr, use_lang};
use leptos::prelude::*;
use leptos_meta::Title;

/// One step of the breadcrumb trail: a label and, except for the current page, a link.
#[derive(Debug, Clone)]
pub struct Crumb {
    pub label: String,
    pub href: Option<String>,
}

/// The current path with `lang=` set, for the language link (the server remembers it in a cookie).
fn lang_href(lang: Lang) -> String {
    let parts = use_context::<http::request::Parts>();
    let path = parts.as_ref().map(|p| p.uri.path().to_string()).unwrap_or_else(|| "/".into());
    let mut query: Vec<String> = parts
        .as_ref()
        .and_then(|p| p.uri.query().map(str::to_string))
        .map(|q| q.split('&').filter(|kv| !kv.starts_with("lang=") && !kv.is_empty()).map(str::to_string).collect())
        .unwrap_or_default();
    query.push(format!("lang={}", lang.other().code()));
    format!("{path}?{}", query.join("&"))
}

#[component]
pub fn Layout(title: String, crumbs: Vec<Crumb>, demo: bool, children: Children) -> impl IntoView {
    let lang = use_lang();
    let switch = lang_href(lang);
    let page_title = format!("{title} · Pantau KLA");
    view! {
        <Title text=page_title/>
        <a class="skip" href="#isi">{tr(lang, "nav.skip")}</a>
        <header class="site">
            <a class="brand" href="/">"Pantau KLA"</a>
            <span class="tagline">{tr(lang, "site.tagline")}</span>
            <a class="lang" href=switch hreflang=lang.other().code() lang=lang.other().code()>
                {tr(lang, "nav.other_language")}
            </a>
        </header>
        <nav class="crumbs" aria-label=tr(lang, "nav.breadcrumbs")>
            <ol>
                {crumbs
                    .into_iter()
                    .map(|c| match c.href {
                        Some(h) => view! { <li><a href=h>{c.label}</a></li> }.into_any(),
                        None => view! { <li aria-current="page">{c.label}</li> }.into_any(),
                    })
                    .collect_view()}
            </ol>
        </nav>
        <main id="isi">
            <h1>{title}</h1>
            {demo.then(|| view! { <p class="demo-banner" role="note"><strong>{tr(lang, "demo.label")}</strong>" "{tr(lang, "demo.body")}</p> })}
            {children()}
        </main>
        <footer class="site">
            <p>{tr(lang, "footer.about")}</p>
            <p>{tr(lang, "footer.regions_source")}</p>
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

/// A chart with its title, its data as a table (for screen readers, printing and copying) and its source.
#[component]
pub fn ChartFigure(
    title: String,
    svg: Option<String>,
    source: String,
    headers: Vec<String>,
    rows: Vec<Vec<String>>,
) -> impl IntoView {
    let lang = use_lang();
    let empty = rows.is_empty();
    view! {
        <figure class="chart">
            <figcaption>{title}</figcaption>
            {match svg {
                Some(svg) if !empty => view! { <div class="svg" inner_html=svg></div> }.into_any(),
                _ => view! { <p class="empty">{tr(lang, "chart.no_data")}</p> }.into_any(),
            }}
            {(!empty).then(|| view! {
                <details>
                    <summary>{tr(lang, "chart.data_table")}</summary>
                    <DataTable headers=headers rows=rows/>
                </details>
            })}
            <p class="source">{tr(lang, "chart.source")}": "{source}</p>
        </figure>
    }
}

/// A plain table; the first column is the row header.
#[component]
pub fn DataTable(headers: Vec<String>, rows: Vec<Vec<String>>) -> impl IntoView {
    view! {
        <div class="table-wrap">
            <table>
                <thead><tr>{headers.into_iter().map(|h| view! { <th scope="col">{h}</th> }).collect_view()}</tr></thead>
                <tbody>
                    {rows
                        .into_iter()
                        .map(|r| {
                            let mut cells = r.into_iter();
                            let first = cells.next().unwrap_or_default();
                            view! {
                                <tr>
                                    <th scope="row">{first}</th>
                                    {cells.map(|c| view! { <td>{c}</td> }).collect_view()}
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
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
    let crumbs = vec![Crumb { label: tr(lang, "nav.home"), href: Some("/".into()) }];
    view! {
        <Layout title=error.title(lang) crumbs=crumbs demo=false>
            <p class="error-message">{error.message(lang)}</p>
            <p><a href="/">{tr(lang, "error.back_home")}</a></p>
        </Layout>
    }
}
