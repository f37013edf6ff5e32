//! `/kabkota/{PP.KK}`: one kabupaten/kota — its training events, its service units by kind with their
//! certified share, and its predicate history with the score at every stage.

use super::national::trainings_chart;
use super::province::resolve;
use super::{YearFilter, predicate_label, query_year};
use crate::aggregate::{self, EventRow, KindUnits, PredicateRow, Scope, TrainingTotals, UnitTotals, YearTraining};
use crate::charts::{self, Lines};
use crate::components::{ChartFigure, Crumb, DataTable, ErrorPage, Layout, Stat, Stats};
use crate::domain::{RegionCode, RegionLevel};
use crate::error::AppError;
use crate::format;
use crate::i18n::{Lang, tr, use_lang};
use crate::state::AppState;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use serde::Serialize;

/// How many events the page lists (newest first).
pub const EVENT_LIST_LIMIT: i64 = 50;

#[derive(Debug, Clone, Serialize)]
pub struct RegencyData {
    pub code: String,
    pub name: String,
    pub province_code: String,
    pub province_name: String,
    pub year: Option<i32>,
    pub trainings: TrainingTotals,
    pub by_year: Vec<YearTraining>,
    /// Participants this regency sent to provincial events (from the events' breakdowns).
    pub in_provincial_events: i64,
    pub units: UnitTotals,
    pub units_by_kind: Vec<KindUnits>,
    pub predicates: Vec<PredicateRow>,
    pub events: Vec<EventRow>,
    pub demo: bool,
}

pub async fn load(state: &AppState, code: RegionCode, year: Option<i32>) -> Result<RegencyData, AppError> {
    let pool = state.pool();
    let scope = Scope::Regency(code);
    let (trainings, by_year, in_provincial_events, units, units_by_kind, predicates, events) = tokio::try_join!(
        aggregate::training_totals(pool, scope, year),
        aggregate::training_by_year(pool, scope),
        aggregate::participants_in_provincial_events(pool, code, year),
        aggregate::unit_totals(pool, scope),
        aggregate::units_by_kind(pool, scope),
        aggregate::predicate_history(pool, code),
        aggregate::events(pool, code, year, EVENT_LIST_LIMIT),
    )?;
    let province = code.province();
    let demo = trainings.demo || units.demo || predicates.iter().any(|p| p.is_demo != 0) || by_year.iter().any(|y| y.totals.demo);
    Ok(RegencyData {
        code: code.to_string(),
        name: state.regions.name(code).to_string(),
        province_code: province.to_string(),
        province_name: state.regions.name(province).to_string(),
        year,
        trainings,
        by_year,
        in_provincial_events,
        units,
        units_by_kind,
        predicates,
        events,
        demo,
    })
}

fn scores_chart(lang: Lang, rows: &[PredicateRow], place: &str) -> Result<AnyView, AppError> {
    let title = format!("{} — {place}", tr(lang, "chart.scores_by_stage"));
    let stage = |f: fn(&PredicateRow) -> Option<f64>| rows.iter().map(f).collect::<Vec<_>>();
    let svg = charts::lines(&Lines {
        title: title.clone(),
        x: rows.iter().map(|r| r.award_year as i32).collect(),
        series: vec![
            (tr(lang, "stage.self_assessment"), stage(|r| r.score_self_assessment)),
            (tr(lang, "stage.administrative"), stage(|r| r.score_administrative)),
            (tr(lang, "stage.field"), stage(|r| r.score_field)),
            (tr(lang, "stage.final"), stage(|r| r.score_final)),
        ],
        y_label: tr(lang, "chart.score_axis"),
        y_range: Some((0.0, 1000.0)),
    })?;
    let headers = [
        "table.award_year",
        "table.data_year",
        "stage.self_assessment",
        "stage.administrative",
        "stage.field",
        "stage.final",
        "table.predicate",
    ]
    .map(|k| tr(lang, k))
    .to_vec();
    let table_rows = rows
        .iter()
        .map(|r| {
            vec![
                r.award_year.to_string(),
                r.data_year.to_string(),
                format::score(r.score_self_assessment, lang),
                format::score(r.score_administrative, lang),
                format::score(r.score_field, lang),
                format::score(r.score_final, lang),
                predicate_label(r.predicate(), lang),
            ]
        })
        .collect();
    Ok(view! { <ChartFigure title=title svg=svg source=tr(lang, "source.database") headers=headers rows=table_rows/> }.into_any())
}

fn render(d: RegencyData, lang: Lang) -> Result<AnyView, AppError> {
    let latest = d.predicates.last();
    let stats = vec![
        Stat { label: tr(lang, "figure.events"), value: format::int(d.trainings.events, lang), note: None },
        Stat {
            label: tr(lang, "figure.participants"),
            value: format::int(d.trainings.participants(), lang),
            note: Some(format!(
                "{} {} · {} {}",
                format::int(d.trainings.participants_offline, lang),
                tr(lang, "figure.offline"),
                format::int(d.trainings.participants_online, lang),
                tr(lang, "figure.online")
            )),
        },
        Stat {
            label: tr(lang, "figure.in_provincial_events"),
            value: format::int(d.in_provincial_events, lang),
            note: Some(tr(lang, "figure.in_provincial_events_note")),
        },
        Stat {
            label: tr(lang, "figure.certified_share"),
            value: format::percent(d.units.unit_share(), lang),
            note: Some(format!(
                "{} / {} {}",
                format::int(d.units.certified_units, lang),
                format::int(d.units.units, lang),
                tr(lang, "figure.units")
            )),
        },
        Stat {
            label: tr(lang, "figure.latest_predicate"),
            value: latest.map_or_else(|| "–".to_string(), |p| predicate_label(p.predicate(), lang)),
            note: latest.map(|p| format!("{} {} · {}", tr(lang, "table.award_year"), p.award_year, format::score(p.score_final, lang))),
        },
    ];
    let years: Vec<i32> = d.by_year.iter().map(|y| y.year).collect();
    let trainings = trainings_chart(lang, &d.by_year, &d.name)?;
    let scores = scores_chart(lang, &d.predicates, &d.name)?;
    let unit_headers = ["table.provider_kind", "figure.units", "table.certified_units", "figure.certified_share", "table.staff_share"]
        .map(|k| tr(lang, k))
        .to_vec();
    let unit_rows: Vec<Vec<String>> = d
        .units_by_kind
        .iter()
        .map(|k| {
            vec![
                tr(lang, &format!("provider.{}", k.kind.as_str())),
                format::int(k.totals.units, lang),
                format::int(k.totals.certified_units, lang),
                format::percent(k.totals.unit_share(), lang),
                format::percent(k.totals.staff_share(), lang),
            ]
        })
        .collect();
    let event_headers =
        ["table.event", "table.date", "table.kind", "table.mode", "figure.participants", "table.test_gain"].map(|k| tr(lang, k));
    let events = d
        .events
        .iter()
        .map(|e| {
            let gain = match (e.pre_test_mean, e.post_test_mean) {
                (Some(a), Some(b)) => format!(
                    "{} → {} ({}{})",
                    format::decimal(a, 1, lang),
                    format::decimal(b, 1, lang),
                    if b >= a { "+" } else { "" },
                    format::decimal(b - a, 1, lang)
                ),
                _ => "–".into(),
            };
            let date = if e.start_date == e.end_date {
                format::date(&e.start_date, lang)
            } else {
                format!("{} – {}", format::date(&e.start_date, lang), format::date(&e.end_date, lang))
            };
            view! {
                <tr>
                    <th scope="row">{e.title.clone()}</th>
                    <td>{date}</td>
                    <td>{tr(lang, &format!("training_kind.{}", e.kind))}</td>
                    <td>{tr(lang, &format!("mode.{}", e.mode))}</td>
                    <td>{format::int(e.participants_offline + e.participants_online, lang)}</td>
                    <td>{gain}</td>
                </tr>
            }
        })
        .collect_view();
    let has_events = !d.events.is_empty();
    let crumbs = vec![
        Crumb { label: tr(lang, "place.indonesia"), href: Some("/".into()) },
        Crumb { label: d.province_name.clone(), href: Some(format!("/provinsi/{}", d.province_code)) },
        Crumb { label: d.name.clone(), href: None },
    ];
    let scope_note = match d.year {
        Some(y) => format!("{} {y}", tr(lang, "filter.trainings_in")),
        None => tr(lang, "filter.trainings_all"),
    };
    Ok(view! {
        <Layout title=d.name.clone() crumbs=crumbs demo=d.demo>
            <p class="lead">{tr(lang, "page.regency_lead")}" "<span class="code">{d.code.clone()}</span></p>
            <YearFilter years=years selected=d.year/>
            <p class="scope-note">{scope_note}</p>
            <Stats stats=stats/>
            <div class="charts">{trainings}{scores}</div>
            <h2 id="satuan-layanan">{tr(lang, "page.units_heading")}</h2>
            {if unit_rows.is_empty() {
                view! { <p class="empty">{tr(lang, "chart.no_data")}</p> }.into_any()
            } else {
                view! { <DataTable headers=unit_headers rows=unit_rows/> }.into_any()
            }}
            <h2 id="kegiatan">{tr(lang, "page.events_heading")}</h2>
            {if has_events {
                view! {
                    <div class="table-wrap">
                        <table>
                            <thead><tr>{event_headers.into_iter().map(|h| view! { <th scope="col">{h}</th> }).collect_view()}</tr></thead>
                            <tbody>{events}</tbody>
                        </table>
                    </div>
                }
                .into_any()
            } else {
                view! { <p class="empty">{tr(lang, "chart.no_data")}</p> }.into_any()
            }}
        </Layout>
    }
    .into_any())
}

#[component]
pub fn RegencyPage() -> impl IntoView {
    let state = expect_context::<AppState>();
    let lang = use_lang();
    let raw = use_params_map().with_untracked(|p| p.get("code")).unwrap_or_default();
    let year = query_year(lang);
    view! {
        <Suspense fallback=|| ()>
            {Suspend::new(async move {
                let page = match (resolve(&state, &raw, RegionLevel::Regency), year) {
                    (Ok(code), Ok(y)) => load(&state, code, y).await.and_then(|d| render(d, lang)),
                    (Err(e), _) | (_, Err(e)) => Err(e),
                };
                page.unwrap_or_else(|e| view! { <ErrorPage error=e/> }.into_any())
            })}
        </Suspense>
    }
}
