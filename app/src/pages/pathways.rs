//! `/jalur`: peer pathways — for every step between predicates, the kab/kota that made it beside those that
//! stayed, with their training activity, scores and certified units (`kla::pathways`), as a chart and a
//! table per step, every figure with the number of kab/kota behind it and a plain statement of what the
//! figures do not prove. The regency page reuses the same cached computation for its "next step"; neither
//! page waits for it after a write (`load_recent`).

use super::params::PageParams;
use super::predicate_label;
use super::region::{crumbs, region_page};
use crate::cache::{Loader, Refresh};
use crate::charts::{self, SERIES_COLOURS, Stacked};
use crate::components::Layout;
use crate::error::AppError;
use crate::figures::{Cell, Dataset, Figure, col, database_source};
use crate::lang::use_lang;
use crate::paths;
use crate::state::AppState;
use kla::format;
use kla::i18n::{Lang, tr, trf};
use kla::pathways::{Group, Pathways, SMALL_GROUP, Spread, Step, StepFigures};
use leptos::prelude::*;
use std::sync::Arc;
use std::time::Duration;

/// The nation's pathways for an award year (or every round), from the cache while the national data
/// version is unchanged: one computation for every page that shows them.
pub async fn load(state: &AppState, year: Option<i32>) -> Result<Arc<Pathways>, AppError> {
    state.cache.get_or_load(state.pool(), kla::summaries::NATIONAL, key(year), compute(state, year)).await
}

/// When the pages' pathways are recomputed after writes: a second after the first page read after a
/// write (a burst of writes is recomputed once), and at most every 5 seconds. In the season a write lands
/// somewhere every few seconds, and each recomputation costs ~40 ms of work (reading every predicate record
/// and every kab/kota's training per year); this keeps it under 1 % of a core, and the "next step" at most
/// a few seconds behind the data. (`/jalur` says so in its notes; the regency page in its section.)
pub const RECOMPUTE: Refresh = Refresh { settle: Duration::from_secs(1), every: Duration::from_secs(5) };

/// The nation's pathways for an award year (or every round) as pages show them — the regency pages' "next
/// step" and `/jalur`: the cached computation if it is current, else the last one while a single background
/// recomputation catches up (`RECOMPUTE`), so no page read after a write anywhere waits for the nation's
/// pathways (tens of milliseconds). With them comes the national data version they were computed at: a
/// cached `/jalur` response is kept under it, and a regency page's under what it shows of them
/// (`regency::pathways_shown`), so either is rendered again once the recomputation lands. The API and the
/// bulk download wait for the current computation (`load`).
pub async fn load_recent(state: &AppState, year: Option<i32>) -> Result<(Arc<Pathways>, i64), AppError> {
    state.cache.get_recent_or_load(state.pool(), kla::summaries::NATIONAL, key(year), RECOMPUTE, compute(state, year)).await
}

fn key(year: Option<i32>) -> String {
    format!("jalur?tahun={}", year.map_or(String::new(), |y| y.to_string()))
}

/// The computation both loads cache, owning what it needs (it may run in the background).
fn compute(state: &AppState, year: Option<i32>) -> Loader<Arc<Pathways>> {
    let pool = state.pool().clone();
    Box::new(move || Box::pin(async move { Ok(Arc::new(kla::pathways::national(&pool, year).await?)) }))
}

/// A step as the reader reads it: "Madya → Nindya" (no predicate in the reader's words).
pub fn step_label(step: Step, lang: Lang) -> String {
    format!("{} → {}", predicate_label(step.from, lang), step.to.label())
}

/// A measure over a group as a sentence fragment: "median 1,5 · mean 2,0 (n = 4)", or "no data (n = 0)".
pub fn spread_text(s: &Spread, lang: Lang, fmt: impl Fn(f64) -> String) -> String {
    let n = trf(lang, "jalur.n", &[("n", format::int(s.n as i64, lang))]);
    match (s.median, s.mean) {
        (Some(m), Some(a)) => format!("{} ({n})", trf(lang, "jalur.median_mean", &[("median", fmt(m)), ("mean", fmt(a))])),
        // An empty group, or nobody in it with this measure: no figure (never 0).
        _ => format!("{} ({n})", tr(lang, "jalur.no_value")),
    }
}

fn per_year(lang: Lang) -> impl Fn(f64) -> String {
    move |v| format::decimal(v, 1, lang)
}

/// The chart and its dataset: for each step, the median training events per year of the movers beside the
/// stayers', each bar tagged with its group's size; the table has every measure with its n.
pub fn figure(p: &Pathways, lang: Lang) -> Result<Figure, AppError> {
    let title = tr(lang, "jalur.chart_title");
    let steps: Vec<&StepFigures> = p.steps.iter().filter(|s| s.movers.n() + s.stayers.n() > 0).collect();
    let mut bars = Vec::new();
    let (mut moved, mut stayed) = (Vec::new(), Vec::new());
    for (i, s) in steps.iter().enumerate() {
        for (g, is_mover) in [(&s.movers, true), (&s.stayers, false)] {
            let group = tr(lang, if is_mover { "jalur.movers" } else { "jalur.stayers" });
            let n = format::int(g.events_per_year.n as i64, lang);
            bars.push((i, trf(lang, "jalur.tag", &[("group", group), ("n", n)])));
            let v = g.events_per_year.median.unwrap_or(0.0);
            moved.push(if is_mover { v } else { 0.0 });
            stayed.push(if is_mover { 0.0 } else { v });
        }
    }
    let value_labels = steps
        .iter()
        .flat_map(|s| [&s.movers, &s.stayers])
        .map(|g| g.events_per_year.median.map_or_else(|| "–".to_string(), per_year(lang)))
        .collect();
    let svg = if steps.is_empty() {
        None
    } else {
        charts::stacked(&Stacked {
            title: title.clone(),
            labels: steps.iter().map(|s| format!("→ {}", s.step.to.label())).collect(),
            series: vec![(tr(lang, "jalur.movers"), SERIES_COLOURS[3], moved), (tr(lang, "jalur.stayers"), SERIES_COLOURS[0], stayed)],
            y_label: tr(lang, "jalur.axis"),
            bars,
            value_labels,
        })?
    };
    let opt = |v: Option<f64>| Cell::Num(v, 1);
    let rows = steps
        .iter()
        .flat_map(|s| [(s, &s.movers, "movers"), (s, &s.stayers, "stayers")])
        .map(|(s, g, key)| {
            vec![
                Cell::Text(step_label(s.step, lang)),
                Cell::Text(tr(lang, &format!("jalur.{key}"))),
                Cell::Int(g.n() as i64),
                opt(g.events_per_year.median),
                opt(g.events_per_year.mean),
                Cell::Int(g.events_per_year.n as i64),
                opt(g.participants_per_year.median),
                Cell::Int(g.participants_per_year.n as i64),
                Cell::Num(g.score.median, 2),
                Cell::Int(g.score.n as i64),
                Cell::Share(g.certified_share.median),
                Cell::Int(g.certified_share.n as i64),
                Cell::Int(s.drops as i64),
            ]
        })
        .collect();
    Ok(Figure {
        svg,
        data: Dataset {
            id: "jalur-predikat",
            description: tr(lang, "jalur.chart_desc"),
            definition: trf(lang, "jalur.definition", &[("small", SMALL_GROUP.to_string())]),
            sources: vec![database_source(lang)],
            columns: vec![
                col("step", lang, "jalur.step"),
                col("group", lang, "jalur.group"),
                col("regencies", lang, "table.regencies"),
                col("events_per_year_median", lang, "jalur.events_median"),
                col("events_per_year_mean", lang, "jalur.events_mean"),
                col("events_n", lang, "jalur.events_n"),
                col("participants_per_year_median", lang, "jalur.participants_median"),
                col("participants_n", lang, "jalur.participants_n"),
                col("score_before_median", lang, "jalur.score_median"),
                col("score_n", lang, "jalur.score_n"),
                col("certified_share_now_median", lang, "jalur.certified_median"),
                col("certified_n", lang, "jalur.certified_n"),
                col("drops", lang, "jalur.drops_col"),
            ],
            rows,
            demo: p.demo,
            title,
        },
    })
}

/// The page's figures, in page order; the API serves each by its id.
pub fn figures(p: &Pathways, lang: Lang) -> Result<Vec<Figure>, AppError> {
    Ok(vec![figure(p, lang)?])
}

/// One group's column of a step's table.
fn group_cells(g: &Group, lang: Lang) -> [String; 5] {
    let mut n = format::int(g.n() as i64, lang);
    if g.small() {
        n = format!("{n} — {}", trf(lang, "jalur.small", &[("n", SMALL_GROUP.to_string())]));
    }
    [
        n,
        spread_text(&g.events_per_year, lang, per_year(lang)),
        spread_text(&g.participants_per_year, lang, per_year(lang)),
        spread_text(&g.score, lang, |v| format::decimal(v, 2, lang)),
        spread_text(&g.certified_share, lang, |v| format::percent(Some(v), lang)),
    ]
}

#[component]
fn StepTable(step: StepFigures) -> impl IntoView {
    let lang = use_lang();
    let label = step_label(step.step, lang);
    let heading = trf(lang, "jalur.step_heading", &[("step", label.clone())]);
    let empty = step.movers.n() + step.stayers.n() == 0;
    let labels = ["table.regencies", "jalur.events_per_year", "jalur.participants_per_year", "jalur.score_before", "jalur.certified_now"];
    let (m, s) = (group_cells(&step.movers, lang), group_cells(&step.stayers, lang));
    let rows = labels
        .iter()
        .zip(m.into_iter().zip(s))
        .map(|(k, (m, s))| {
            view! { <tr><th scope="row">{tr(lang, k)}</th><td>{m}</td><td>{s}</td></tr> }
        })
        .collect_view();
    let years = step.years.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ");
    let id = step.slug.clone();
    view! {
        <section class="pathway" id=id.clone() aria-labelledby=format!("{id}-h")>
            <h3 id=format!("{id}-h")>{heading}</h3>
            {if empty {
                view! { <p class="empty">{tr(lang, "jalur.no_pairs")}</p> }.into_any()
            } else {
                view! {
                    <div class="table-wrap" tabindex="0" role="region" aria-label=label.clone()>
                        <table class="pathway">
                            <thead><tr>
                                <th scope="col">{tr(lang, "jalur.measure")}</th>
                                <th scope="col">{trf(lang, "jalur.movers_to", &[("to", step.step.to.label().to_string())])}</th>
                                <th scope="col">{trf(lang, "jalur.stayers_at", &[("from", predicate_label(step.step.from, lang))])}</th>
                            </tr></thead>
                            <tbody>{rows}</tbody>
                        </table>
                    </div>
                    <p class="scope-note">
                        {trf(lang, "jalur.years", &[("years", years)])}
                        {(step.drops > 0).then(|| format!(" · {}", trf(lang, "jalur.drops", &[("n", format::int(step.drops as i64, lang)), ("from", predicate_label(step.step.from, lang))])))}
                    </p>
                }
                .into_any()
            }}
        </section>
    }
}

/// What the figures do not prove, in plain words (and that they are demo data where they are).
#[component]
pub fn Caveats(demo: bool) -> impl IntoView {
    let lang = use_lang();
    view! {
        <section class="caveats" aria-labelledby="batasan">
            <h2 id="batasan">{tr(lang, "jalur.caveat_heading")}</h2>
            <ul>
                <li>{tr(lang, "jalur.caveat_correlation")}</li>
                <li>{trf(lang, "jalur.caveat_small", &[("n", SMALL_GROUP.to_string())])}</li>
                <li>{tr(lang, "jalur.caveat_units")}</li>
                <li>{tr(lang, "jalur.caveat_unknown")}</li>
                <li>{tr(lang, "jalur.caveat_lag")}</li>
                {demo.then(|| view! { <li><strong>{tr(lang, "demo.label")}</strong>" "{tr(lang, "jalur.caveat_demo")}</li> })}
            </ul>
        </section>
    }
}

fn render(p: Arc<Pathways>, params: PageParams, lang: Lang) -> Result<AnyView, AppError> {
    let query = params.query();
    let figs = super::region::chart_views(figures(&p, lang)?, paths::API_PATHWAYS, &query);
    let selected = params.year;
    let rounds = p.rounds.clone();
    let gaps = p.gaps;
    let demo = p.demo;
    let toc = p.steps.iter().map(|s| view! { <li><a href=format!("#{}", s.slug)>{step_label(s.step, lang)}</a></li> }).collect_view();
    let tables = p.steps.iter().cloned().map(|s| view! { <StepTable step=s/> }).collect_view();
    let crumbs = crumbs(lang, Vec::new(), Some(tr(lang, "jalur.title")));
    Ok(view! {
        <Layout title=tr(lang, "jalur.title") crumbs=crumbs demo=demo description=tr(lang, "jalur.description")>
            <p class="lead">{tr(lang, "jalur.lead")}</p>
            <Caveats demo=demo/>
            <form class="filter" method="get">
                <div class="field">
                    <label for="tahun">{tr(lang, "jalur.award_year")}</label>
                    <select id="tahun" name="tahun">
                        <option value="" selected=selected.is_none()>{tr(lang, "jalur.all_rounds")}</option>
                        {rounds.into_iter().skip(1).rev().map(|y| view! { <option value=y.to_string() selected=selected == Some(y)>{y.to_string()}</option> }).collect_view()}
                    </select>
                </div>
                <button type="submit">{tr(lang, "filter.apply")}</button>
            </form>
            <p class="scope-note">{tr(lang, "jalur.how")}
                {(gaps > 0).then(|| format!(" {}", trf(lang, "jalur.gaps", &[("n", format::int(gaps as i64, lang))])))}
            </p>
            <nav aria-label=tr(lang, "jalur.steps_nav")><ul class="steps">{toc}</ul></nav>
            <div class="charts">{figs}</div>
            <h2 id="langkah">{tr(lang, "jalur.tables_heading")}</h2>
            {tables}
        </Layout>
    }
    .into_any())
}

#[component]
pub fn PathwaysPage() -> impl IntoView {
    region_page(move |state, lang, params| async move {
        let params = params?;
        render(load_recent(&state, params.year).await?.0, params, lang)
    })
}
