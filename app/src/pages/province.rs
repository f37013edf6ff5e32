//! `/provinsi/{PP}`: one province — its figures (its regencies' plus the events it organised itself),
//! training activity per year, the latest predicates of its regencies, and a table of its regencies.

use super::national::{distribution_chart, headline, trainings_chart};
use super::{YearFilter, predicate_label, query_year};
use crate::aggregate::{self, Distribution, LatestPredicate, Scope, TrainingTotals, UnitTotals, YearTraining};
use crate::components::{Crumb, ErrorPage, Layout, Stats};
use crate::domain::{RegionCode, RegionLevel};
use crate::error::AppError;
use crate::format;
use crate::i18n::{Lang, tr, use_lang};
use crate::state::AppState;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct RegencyRow {
    pub code: String,
    pub name: String,
    pub trainings: TrainingTotals,
    pub units: UnitTotals,
    pub latest: Option<LatestPredicate>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ProvinceData {
    pub code: String,
    pub name: String,
    pub year: Option<i32>,
    pub trainings: TrainingTotals,
    /// Events the province organised itself (part of `trainings`).
    pub own_trainings: TrainingTotals,
    pub by_year: Vec<YearTraining>,
    pub units: UnitTotals,
    pub distribution: Distribution,
    pub regencies: Vec<RegencyRow>,
    pub demo: bool,
}

/// Resolves a code from the URL to a region of the wanted level, or a 404.
pub fn resolve(state: &AppState, raw: &str, level: RegionLevel) -> Result<RegionCode, AppError> {
    state.regions.find(raw).filter(|r| r.level == level).map(|r| r.code).ok_or(AppError::NotFound)
}

pub async fn load(state: &AppState, code: RegionCode, year: Option<i32>) -> Result<ProvinceData, AppError> {
    let pool = state.pool();
    let scope = Scope::Province(code);
    let (trainings, by_year, units, latest, by_organiser, units_by_regency) = tokio::try_join!(
        aggregate::training_totals(pool, scope, year),
        aggregate::training_by_year(pool, scope),
        aggregate::unit_totals(pool, scope),
        aggregate::latest_predicates(pool, scope),
        aggregate::training_by_child(pool, scope, year),
        aggregate::units_by_child(pool, scope),
    )?;
    let regencies: Vec<RegencyRow> = state
        .regions
        .regencies_of(code)
        .map(|r| {
            let c = r.code.to_string();
            RegencyRow {
                trainings: by_organiser.get(&c).cloned().unwrap_or_default(),
                units: units_by_regency.get(&c).cloned().unwrap_or_default(),
                latest: latest.iter().find(|l| l.regency == c).cloned(),
                name: r.name.clone(),
                code: c,
            }
        })
        .collect();
    let demo = trainings.demo || units.demo || latest.iter().any(|l| l.demo) || by_year.iter().any(|y| y.totals.demo);
    Ok(ProvinceData {
        code: code.to_string(),
        name: state.regions.name(code).to_string(),
        year,
        own_trainings: by_organiser.get(&code.to_string()).cloned().unwrap_or_default(),
        trainings,
        by_year,
        units,
        distribution: Distribution::from_latest(&latest),
        regencies,
        demo,
    })
}

fn render(d: ProvinceData, lang: Lang) -> Result<AnyView, AppError> {
    let stats = headline(lang, &d.trainings, &d.units, &d.distribution, d.regencies.len());
    let years: Vec<i32> = d.by_year.iter().map(|y| y.year).collect();
    let trainings = trainings_chart(lang, &d.by_year, &d.name)?;
    let distribution = distribution_chart(lang, &d.distribution, &d.name)?;
    let headers = [
        "table.regency",
        "figure.events",
        "figure.participants",
        "figure.certified_share",
        "table.latest_predicate",
        "table.final_score",
    ]
    .map(|k| tr(lang, k));
    let rows = d
        .regencies
        .iter()
        .map(|r| {
            let href = format!("/kabkota/{}", r.code);
            let predicate = r.latest.as_ref().map_or_else(
                || "–".to_string(),
                |l| format!("{} ({})", predicate_label(l.predicate, lang), l.award_year),
            );
            view! {
                <tr>
                    <th scope="row"><a href=href>{r.name.clone()}</a></th>
                    <td>{format::int(r.trainings.events, lang)}</td>
                    <td>{format::int(r.trainings.participants(), lang)}</td>
                    <td>{format::percent(r.units.unit_share(), lang)}</td>
                    <td>{predicate}</td>
                    <td>{format::score(r.latest.as_ref().and_then(|l| l.score_final), lang)}</td>
                </tr>
            }
        })
        .collect_view();
    let own = format!(
        "{}: {} {} · {} {}",
        tr(lang, "page.own_events"),
        format::int(d.own_trainings.events, lang),
        tr(lang, "figure.events_lower"),
        format::int(d.own_trainings.participants(), lang),
        tr(lang, "figure.participants_lower"),
    );
    let crumbs = vec![
        Crumb { label: tr(lang, "place.indonesia"), href: Some("/".into()) },
        Crumb { label: d.name.clone(), href: None },
    ];
    let scope_note = match d.year {
        Some(y) => format!("{} {y}", tr(lang, "filter.trainings_in")),
        None => tr(lang, "filter.trainings_all"),
    };
    Ok(view! {
        <Layout title=d.name.clone() crumbs=crumbs demo=d.demo>
            <p class="lead">{tr(lang, "page.province_lead")}</p>
            <YearFilter years=years selected=d.year/>
            <p class="scope-note">{scope_note}</p>
            <Stats stats=stats/>
            <p class="own-events">{own}</p>
            <div class="charts">{trainings}{distribution}</div>
            <h2 id="kabkota">{tr(lang, "page.regencies_heading")}</h2>
            <div class="table-wrap">
                <table class="regions">
                    <caption>{tr(lang, "page.regencies_caption")}</caption>
                    <thead><tr>{headers.into_iter().map(|h| view! { <th scope="col">{h}</th> }).collect_view()}</tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        </Layout>
    }
    .into_any())
}

#[component]
pub fn ProvincePage() -> impl IntoView {
    let state = expect_context::<AppState>();
    let lang = use_lang();
    let raw = use_params_map().with_untracked(|p| p.get("code")).unwrap_or_default();
    let year = query_year(lang);
    view! {
        <Suspense fallback=|| ()>
            {Suspend::new(async move {
                let page = match (resolve(&state, &raw, RegionLevel::Province), year) {
                    (Ok(code), Ok(y)) => load(&state, code, y).await.and_then(|d| render(d, lang)),
                    (Err(e), _) | (_, Err(e)) => Err(e),
                };
                page.unwrap_or_else(|e| view! { <ErrorPage error=e/> }.into_any())
            })}
        </Suspense>
    }
}
