//! `/`: Indonesia as a whole — headline figures, the map of every kab/kota's latest predicate, predicates
//! per award year beside the published national totals, training activity, provinces ranked by a chosen
//! measure, and a sortable table of the 38 provinces.

use super::params::{PageParams, SortKey};
use super::region::{any_demo, chart_views, covered_cell, crumbs, headline, region_page, scope_note, sort_regions};
use super::{FilterForm, SortHeader};
use crate::components::{Layout, Stats, data_lang};
use crate::error::AppError;
use crate::figures::{self, Cell, Figure, RankedInput};
use crate::paths;
use crate::state::AppState;
use kla::aggregate::{self, Distribution, Effectiveness, LatestPredicate, Scope, TrainingTotals, UnitTotals, YearTraining};
use kla::format;
use kla::i18n::{Lang, tr};
use kla::reference::published_results;
use leptos::prelude::*;
use serde::Serialize;
use std::collections::HashMap;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ProvinceRow {
    pub code: String,
    pub name: String,
    pub regencies: usize,
    pub trainings: TrainingTotals,
    pub units: UnitTotals,
    /// Regencies whose latest record carries a predicate.
    pub awarded: i64,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct NationalData {
    pub params: PageParams,
    pub trainings: TrainingTotals,
    pub by_year: Vec<YearTraining>,
    /// Pre/post-test results by kind of training, in the chosen year.
    pub effectiveness: Effectiveness,
    pub units: UnitTotals,
    pub distribution: Distribution,
    pub latest: Vec<LatestPredicate>,
    pub over_years: Vec<(i32, Distribution)>,
    pub regencies: usize,
    pub provinces: Vec<ProvinceRow>,
    pub demo: bool,
}

/// The page's aggregates, from the cache while the version of the page's region is unchanged.
pub async fn load(state: &AppState, params: PageParams) -> Result<NationalData, AppError> {
    state
        .cache
        .get_or_load(state.pool(), kla::summaries::NATIONAL, format!("nasional?{}", params.query()), || load_fresh(state, params))
        .await
}

async fn load_fresh(state: &AppState, params: PageParams) -> Result<NationalData, AppError> {
    let pool = state.pool();
    let year = params.year;
    let (trainings, by_year, effectiveness, units, latest, by_province, units_by_province, over_years) = tokio::try_join!(
        aggregate::training_totals(pool, Scope::National, year),
        aggregate::training_by_year(pool, Scope::National),
        aggregate::effectiveness(pool, Scope::National, year),
        aggregate::unit_totals(pool, Scope::National),
        aggregate::latest_predicates(pool, Scope::National),
        aggregate::training_by_child(pool, Scope::National, year),
        aggregate::units_by_child(pool, Scope::National, None),
        aggregate::distribution_by_year(pool, Scope::National),
    )?;
    let mut awarded: HashMap<String, i64> = HashMap::new();
    for l in latest.iter().filter(|l| l.predicate.is_some()) {
        *awarded.entry(l.regency[..2].to_string()).or_default() += 1;
    }
    let mut provinces: Vec<ProvinceRow> = state
        .regions
        .provinces()
        .map(|p| {
            let code = p.code.to_string();
            ProvinceRow {
                regencies: state.regions.regencies_of(p.code).count(),
                trainings: by_province.get(&code).cloned().unwrap_or_default(),
                units: units_by_province.get(&code).cloned().unwrap_or_default(),
                awarded: awarded.get(&code).copied().unwrap_or(0),
                name: p.name.clone(),
                code,
            }
        })
        .collect();
    sort_provinces(&mut provinces, params);
    let demo = any_demo(&trainings, &units, &by_year, latest.iter().any(|l| l.demo));
    Ok(NationalData {
        params,
        trainings,
        by_year,
        effectiveness,
        units,
        distribution: Distribution::from_latest(&latest),
        latest,
        over_years,
        regencies: state.regions.regencies().count(),
        provinces,
        demo,
    })
}

fn sort_provinces(rows: &mut [ProvinceRow], params: PageParams) {
    let share = |r: &ProvinceRow| r.units.unit_share().unwrap_or(-1.0);
    sort_regions(
        rows,
        params,
        |r| &r.code,
        |key, a, b| match key {
            SortKey::Name => a.name.cmp(&b.name),
            SortKey::Events => a.trainings.events.cmp(&b.trainings.events),
            SortKey::Participants => a.trainings.participants().known().cmp(&b.trainings.participants().known()),
            SortKey::CertifiedShare => share(a).total_cmp(&share(b)),
            SortKey::Predicate | SortKey::Score | SortKey::Trend => {
                (a.awarded as f64 / a.regencies.max(1) as f64).total_cmp(&(b.awarded as f64 / b.regencies.max(1) as f64))
            }
            SortKey::Code => a.code.cmp(&b.code),
        },
    );
}

/// A region ranked by the chosen measure, as a dataset cell.
pub fn metric_cell(params: PageParams, t: &TrainingTotals, u: &UnitTotals) -> Cell {
    match params.metric {
        super::params::Metric::Events => Cell::Int(t.events),
        super::params::Metric::Participants => Cell::Count(t.participants().known()),
        super::params::Metric::CertifiedShare => Cell::Share(u.unit_share()),
    }
}

/// The page's figures, in page order; the API serves each by its id.
pub fn figures(state: &AppState, d: &NationalData, lang: Lang) -> Result<Vec<Figure>, AppError> {
    let place = tr(lang, "place.indonesia");
    let mut out = Vec::new();
    if let Some(map) = super::maps::national(state, lang, &d.latest, d.demo)? {
        out.push(map);
    }
    out.push(figures::predicates_over_years(lang, &d.over_years, &published_results(), d.latest.iter().any(|l| l.demo), &place)?);
    out.push(figures::trainings_per_year(lang, &d.by_year, &place)?);
    out.push(figures::effectiveness(lang, &d.effectiveness, &place)?);
    let metric_label = tr(lang, d.params.metric.label_key());
    out.push(figures::ranked_regions(
        lang,
        RankedInput {
            id: "peringkat-provinsi",
            title: format!("{} — {}", tr(lang, "chart.provinces_ranked"), metric_label),
            description: tr(lang, "chart.provinces_ranked_desc"),
            definition: tr(
                lang,
                if d.params.metric == super::params::Metric::CertifiedShare {
                    "definition.certified_share"
                } else {
                    "definition.trainings"
                },
            ),
            region_label: &tr(lang, "table.province"),
            value_key: d.params.metric.slug_key(),
            value_label: metric_label,
            rows: d.provinces.iter().map(|p| (p.name.clone(), metric_cell(d.params, &p.trainings, &p.units))).collect(),
            share: d.params.metric == super::params::Metric::CertifiedShare,
            demo: d.demo,
        },
    )?);
    Ok(out)
}

/// Indonesia beside the five provinces at the top of the ranking the page shows (its measure, in its year):
/// a nation has no neighbours, and the leaders are what a reader of the ranking compares first.
fn compare_top(d: &NationalData) -> String {
    use super::params::Metric;
    let value = |p: &ProvinceRow| match d.params.metric {
        Metric::Events => p.trainings.events as f64,
        Metric::Participants => p.trainings.participants().known().map_or(-1.0, |n| n as f64),
        Metric::CertifiedShare => p.units.unit_share().unwrap_or(-1.0),
    };
    let mut top: Vec<&ProvinceRow> = d.provinces.iter().collect();
    top.sort_by(|a, b| value(b).total_cmp(&value(a)).then_with(|| a.code.cmp(&b.code)));
    let codes: Vec<&str> = std::iter::once(super::compare::NATIONAL)
        .chain(top.iter().take(super::compare::MAX_REGIONS - 1).map(|p| p.code.as_str()))
        .collect();
    paths::compare(&codes, d.params.year)
}

fn render(state: &AppState, d: NationalData, lang: Lang) -> Result<AnyView, AppError> {
    let stats = headline(lang, &d.trainings, &d.units, &d.distribution, d.regencies);
    let years: Vec<i32> = d.by_year.iter().map(|y| y.year).collect();
    let query = d.params.query();
    let figs = chart_views(figures(state, &d, lang)?, paths::API_NATIONAL, &query);
    let p = d.params;
    let head = move |key: SortKey, label: &str| view! { <SortHeader params=p path="/".to_string() anchor="provinsi" key=key label=tr(lang, label) numeric=key != SortKey::Name/> };
    let rows = d
        .provinces
        .iter()
        .map(|p| {
            let href = paths::province(&p.code);
            view! {
                <tr>
                    <th scope="row"><a href=href lang=data_lang(lang)>{p.name.clone()}</a></th>
                    <td class="num">{format::int(p.regencies as i64, lang)}</td>
                    <td class="num">{format::int(p.trainings.events, lang)}</td>
                    <td class="num">{covered_cell(lang, p.trainings.participants())}</td>
                    <td class="num">{format::percent(p.units.unit_share(), lang)}</td>
                    <td class="num">{format!("{} / {}", format::int(p.awarded, lang), format::int(p.regencies as i64, lang))}</td>
                </tr>
            }
        })
        .collect_view();
    let crumbs = crumbs(lang, Vec::new(), None);
    let scope_note = scope_note(lang, p.year);
    let compare = compare_top(&d);
    Ok(view! {
        <Layout title=tr(lang, "page.national_title") crumbs=crumbs demo=d.demo description=tr(lang, "site.description_national")>
            <p class="lead">{tr(lang, "page.national_lead")}</p>
            <p class="compare-link"><a href=compare>{tr(lang, "compare.link_national")}</a></p>
            <FilterForm params=p years=years kinds=false metric=true/>
            <p class="scope-note">{scope_note}</p>
            <Stats stats=stats/>
            <div class="charts">{figs}</div>
            <h2 id="provinsi">{tr(lang, "page.provinces_heading")}</h2>
            <div class="table-wrap" tabindex="0" role="region" aria-label=tr(lang, "page.provinces_heading")>
                <table class="regions">
                    <caption>{tr(lang, "page.provinces_caption")}</caption>
                    <thead>
                        <tr>
                            {head(SortKey::Name, "table.province")}
                            <th scope="col" class="num">{tr(lang, "table.regencies")}</th>
                            {head(SortKey::Events, "figure.events")}
                            {head(SortKey::Participants, "figure.participants")}
                            {head(SortKey::CertifiedShare, "figure.certified_share")}
                            {head(SortKey::Predicate, "figure.with_predicate")}
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        </Layout>
    }
    .into_any())
}

#[component]
pub fn NationalPage() -> impl IntoView {
    region_page(move |state, lang, params| async move { render(&state, load(&state, params?).await?, lang) })
}
