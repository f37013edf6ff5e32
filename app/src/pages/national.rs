//! `/`: Indonesia as a whole — headline figures, training activity per year, the latest predicate of every
//! kab/kota, and a table of the 38 provinces.

use super::{YearFilter, distribution_labels, query_year};
use crate::aggregate::{self, Distribution, Scope, TrainingTotals, UnitTotals, YearTraining};
use crate::charts::{self, Bars, PREDICATE_COLOURS};
use crate::components::{ChartFigure, Crumb, ErrorPage, Layout, Stat, Stats};
use crate::error::AppError;
use crate::format;
use crate::i18n::{Lang, tr, use_lang};
use crate::state::AppState;
use leptos::prelude::*;
use serde::Serialize;
use std::collections::HashMap;

#[derive(Debug, Clone, Serialize)]
pub struct ProvinceRow {
    pub code: String,
    pub name: String,
    pub regencies: usize,
    pub trainings: TrainingTotals,
    pub units: UnitTotals,
    /// Regencies whose latest record carries a predicate.
    pub awarded: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct NationalData {
    pub year: Option<i32>,
    pub trainings: TrainingTotals,
    pub by_year: Vec<YearTraining>,
    pub units: UnitTotals,
    pub distribution: Distribution,
    pub regencies: usize,
    pub provinces: Vec<ProvinceRow>,
    pub demo: bool,
}

pub async fn load(state: &AppState, year: Option<i32>) -> Result<NationalData, AppError> {
    let pool = state.pool();
    let (trainings, by_year, units, latest, by_province, units_by_province) = tokio::try_join!(
        aggregate::training_totals(pool, Scope::National, year),
        aggregate::training_by_year(pool, Scope::National),
        aggregate::unit_totals(pool, Scope::National),
        aggregate::latest_predicates(pool, Scope::National),
        aggregate::training_by_child(pool, Scope::National, year),
        aggregate::units_by_child(pool, Scope::National),
    )?;
    let mut awarded: HashMap<String, i64> = HashMap::new();
    for l in latest.iter().filter(|l| l.predicate.is_some()) {
        *awarded.entry(l.regency[..2].to_string()).or_default() += 1;
    }
    let provinces = state
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
    let demo = trainings.demo || units.demo || latest.iter().any(|l| l.demo) || by_year.iter().any(|y| y.totals.demo);
    Ok(NationalData {
        year,
        trainings,
        by_year,
        units,
        distribution: Distribution::from_latest(&latest),
        regencies: state.regions.regencies().count(),
        provinces,
        demo,
    })
}

/// The headline figures shared by the national and province pages.
pub fn headline(lang: Lang, t: &TrainingTotals, u: &UnitTotals, d: &Distribution, regencies: usize) -> Vec<Stat> {
    vec![
        Stat { label: tr(lang, "figure.events"), value: format::int(t.events, lang), note: None },
        Stat {
            label: tr(lang, "figure.participants"),
            value: format::int(t.participants(), lang),
            note: Some(format!(
                "{} {} · {} {}",
                format::int(t.participants_offline, lang),
                tr(lang, "figure.offline"),
                format::int(t.participants_online, lang),
                tr(lang, "figure.online")
            )),
        },
        Stat { label: tr(lang, "figure.institutions"), value: format::int(t.institutions, lang), note: None },
        Stat {
            label: tr(lang, "figure.certified_share"),
            value: format::percent(u.unit_share(), lang),
            note: Some(format!("{} / {} {}", format::int(u.certified_units, lang), format::int(u.units, lang), tr(lang, "figure.units"))),
        },
        Stat {
            label: tr(lang, "figure.with_predicate"),
            value: format!("{} / {}", format::int(d.awarded(), lang), format::int(regencies as i64, lang)),
            note: Some(tr(lang, "figure.latest_award")),
        },
    ]
}

/// Training events per year as bars, with the table behind them.
pub fn trainings_chart(lang: Lang, by_year: &[YearTraining], place: &str) -> Result<impl IntoView + use<>, AppError> {
    let title = format!("{} — {place}", tr(lang, "chart.trainings_per_year"));
    let svg = charts::bars(&Bars {
        title: title.clone(),
        labels: by_year.iter().map(|y| y.year.to_string()).collect(),
        values: by_year.iter().map(|y| y.totals.events as f64).collect(),
        colours: vec![],
        y_label: tr(lang, "chart.events_axis"),
    })?;
    let rows = by_year
        .iter()
        .map(|y| {
            vec![
                y.year.to_string(),
                format::int(y.totals.events, lang),
                format::int(y.totals.participants_offline, lang),
                format::int(y.totals.participants_online, lang),
                format::int(y.totals.institutions, lang),
            ]
        })
        .collect();
    let headers = vec![
        tr(lang, "table.year"),
        tr(lang, "figure.events"),
        tr(lang, "figure.offline"),
        tr(lang, "figure.online"),
        tr(lang, "figure.institutions"),
    ];
    Ok(view! { <ChartFigure title=title svg=svg source=tr(lang, "source.database") headers=headers rows=rows/> })
}

/// The latest predicate distribution as coloured bars, with the table behind them.
pub fn distribution_chart(lang: Lang, d: &Distribution, place: &str) -> Result<impl IntoView + use<>, AppError> {
    let title = format!("{} — {place}", tr(lang, "chart.latest_predicates"));
    let labels = distribution_labels(lang);
    let svg = charts::bars(&Bars {
        title: title.clone(),
        labels: labels.clone(),
        values: d.0.iter().map(|&n| n as f64).collect(),
        colours: PREDICATE_COLOURS.to_vec(),
        y_label: tr(lang, "chart.regencies_axis"),
    })?;
    let rows = if d.0.iter().sum::<i64>() == 0 {
        vec![]
    } else {
        labels.into_iter().zip(d.0.iter()).map(|(l, &n)| vec![l, format::int(n, lang)]).collect()
    };
    let headers = vec![tr(lang, "table.predicate"), tr(lang, "table.regencies")];
    Ok(view! { <ChartFigure title=title svg=svg source=tr(lang, "source.database") headers=headers rows=rows/> })
}

fn render(d: NationalData, lang: Lang) -> Result<AnyView, AppError> {
    let place = tr(lang, "place.indonesia");
    let stats = headline(lang, &d.trainings, &d.units, &d.distribution, d.regencies);
    let years: Vec<i32> = d.by_year.iter().map(|y| y.year).collect();
    let trainings = trainings_chart(lang, &d.by_year, &place)?;
    let distribution = distribution_chart(lang, &d.distribution, &place)?;
    let headers = vec![
        tr(lang, "table.province"),
        tr(lang, "table.regencies"),
        tr(lang, "figure.events"),
        tr(lang, "figure.participants"),
        tr(lang, "figure.certified_share"),
        tr(lang, "figure.with_predicate"),
    ];
    let rows = d.provinces.iter().map(|p| {
        let href = format!("/provinsi/{}", p.code);
        view! {
            <tr>
                <th scope="row"><a href=href>{p.name.clone()}</a></th>
                <td>{format::int(p.regencies as i64, lang)}</td>
                <td>{format::int(p.trainings.events, lang)}</td>
                <td>{format::int(p.trainings.participants(), lang)}</td>
                <td>{format::percent(p.units.unit_share(), lang)}</td>
                <td>{format!("{} / {}", format::int(p.awarded, lang), format::int(p.regencies as i64, lang))}</td>
            </tr>
        }
    }).collect_view();
    let crumbs = vec![Crumb { label: tr(lang, "place.indonesia"), href: None }];
    let scope_note = match d.year {
        Some(y) => format!("{} {y}", tr(lang, "filter.trainings_in")),
        None => tr(lang, "filter.trainings_all"),
    };
    Ok(view! {
        <Layout title=tr(lang, "page.national_title") crumbs=crumbs demo=d.demo>
            <p class="lead">{tr(lang, "page.national_lead")}</p>
            <YearFilter years=years selected=d.year/>
            <p class="scope-note">{scope_note}</p>
            <Stats stats=stats/>
            <div class="charts">{trainings}{distribution}</div>
            <h2 id="provinsi">{tr(lang, "page.provinces_heading")}</h2>
            <div class="table-wrap">
                <table class="regions">
                    <caption>{tr(lang, "page.provinces_caption")}</caption>
                    <thead><tr>{headers.into_iter().map(|h| view! { <th scope="col">{h}</th> }).collect_view()}</tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        </Layout>
    }
    .into_any())
}

#[component]
pub fn NationalPage() -> impl IntoView {
    let state = expect_context::<AppState>();
    let lang = use_lang();
    let year = query_year(lang);
    view! {
        <Suspense fallback=|| ()>
            {Suspend::new(async move {
                let page = match year {
                    Ok(y) => load(&state, y).await.and_then(|d| render(d, lang)),
                    Err(e) => Err(e),
                };
                page.unwrap_or_else(|e| view! { <ErrorPage error=e/> }.into_any())
            })}
        </Suspense>
    }
}
