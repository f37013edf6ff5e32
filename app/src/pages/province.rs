//! `/provinsi/{PP}`: one province — its figures (its regencies' plus the events it organised itself), a map
//! of its regencies, training activity per year, certified share by regency and by provider kind, predicates
//! over the years, a scorecard of regencies against the targets, and a sortable table of its regencies.

use super::params::{PageParams, SortKey};
use super::region::{
    any_demo, chart_views, coverage_note, covered_cell, crumbs, headline, region_page, route_code, scope_note, sort_regions,
};
use super::{FilterForm, SortHeader, predicate_label};
use crate::components::{Layout, Stats, data_lang};
use crate::error::AppError;
use crate::figures::{self, Cell, Column, Dataset, Figure, RankedInput, col, database_source};
use crate::paths;
use crate::state::AppState;
use kla::aggregate::{self, Distribution, Effectiveness, KindUnits, LatestPredicate, Scope, TrainingTotals, UnitTotals, YearTraining};
use kla::domain::{RegionCode, RegionLevel};
use kla::format;
use kla::i18n::{Lang, tr, trn};
use kla::reference::Status;
use leptos::prelude::*;
use serde::Serialize;

pub use super::region::resolve;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RegencyRow {
    pub code: String,
    pub name: String,
    pub trainings: TrainingTotals,
    pub units: UnitTotals,
    /// Units of the chosen provider kind only (all units when no kind is chosen).
    pub kind_units: UnitTotals,
    pub latest: Option<LatestPredicate>,
    /// Change of the final score from the previous award to the latest.
    pub trend: Option<f64>,
    /// Training events in the scorecard year.
    pub events_in_year: i64,
    /// Provincial training events the regency took part in during the scorecard year.
    pub provincial_in_year: i64,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ProvinceData {
    pub code: String,
    pub name: String,
    pub params: PageParams,
    /// The year the scorecard judges (the chosen year, or the latest with training data).
    pub scorecard_year: Option<i32>,
    pub trainings: TrainingTotals,
    /// Events the province organised itself (part of `trainings`).
    pub own_trainings: TrainingTotals,
    pub by_year: Vec<YearTraining>,
    /// Pre/post-test results by kind of training, in the chosen year (its regencies' events and its own).
    pub effectiveness: Effectiveness,
    pub units: UnitTotals,
    pub units_by_kind: Vec<KindUnits>,
    pub distribution: Distribution,
    pub latest: Vec<LatestPredicate>,
    pub over_years: Vec<(i32, Distribution)>,
    pub regencies: Vec<RegencyRow>,
    pub demo: bool,
}

/// The page's aggregates, from the cache while the version of the page's region is unchanged.
pub async fn load(state: &AppState, code: RegionCode, params: PageParams) -> Result<ProvinceData, AppError> {
    state
        .cache
        .get_or_load(state.pool(), &code.to_string(), format!("provinsi/{code}?{}", params.query()), || load_fresh(state, code, params))
        .await
}

async fn load_fresh(state: &AppState, code: RegionCode, params: PageParams) -> Result<ProvinceData, AppError> {
    let pool = state.pool();
    let scope = Scope::Province(code);
    let year = params.year;
    let (trainings, by_year, effectiveness, units, units_by_kind, latest, by_organiser, units_by_regency, kind_units, over_years, scores) =
        tokio::try_join!(
            aggregate::training_totals(pool, scope, year),
            aggregate::training_by_year(pool, scope),
            aggregate::effectiveness(pool, scope, year),
            aggregate::unit_totals(pool, scope),
            aggregate::units_by_kind(pool, scope),
            aggregate::latest_predicates(pool, scope),
            aggregate::training_by_child(pool, scope, year),
            aggregate::units_by_child(pool, scope, None),
            aggregate::units_by_child(pool, scope, params.kind),
            aggregate::distribution_by_year(pool, scope),
            aggregate::final_scores(pool, scope),
        )?;
    let scorecard_year = year.or_else(|| by_year.last().map(|y| y.year));
    let in_year = match scorecard_year {
        Some(y) if Some(y) != year => aggregate::training_by_child(pool, scope, Some(y)).await?,
        _ => by_organiser.clone(),
    };
    let provincial_in_year = match scorecard_year {
        Some(y) => aggregate::provincial_parts(pool, scope, Some(y)).await?,
        None => std::collections::HashMap::new(),
    };
    let mut regencies: Vec<RegencyRow> = state
        .regions
        .regencies_of(code)
        .map(|r| {
            let c = r.code.to_string();
            RegencyRow {
                trainings: by_organiser.get(&c).cloned().unwrap_or_default(),
                units: units_by_regency.get(&c).cloned().unwrap_or_default(),
                kind_units: kind_units.get(&c).cloned().unwrap_or_default(),
                latest: latest.iter().find(|l| l.regency == c).cloned(),
                trend: aggregate::score_trend(&scores, &c),
                events_in_year: in_year.get(&c).map_or(0, |t| t.events),
                provincial_in_year: provincial_in_year.get(&c).map_or(0, |p| p.events),
                name: r.name.clone(),
                code: c,
            }
        })
        .collect();
    sort_regencies(&mut regencies, params);
    let demo = any_demo(&trainings, &units, &by_year, latest.iter().any(|l| l.demo));
    Ok(ProvinceData {
        code: code.to_string(),
        name: state.regions.name(code).to_string(),
        params,
        scorecard_year,
        own_trainings: by_organiser.get(&code.to_string()).cloned().unwrap_or_default(),
        trainings,
        by_year,
        effectiveness,
        units,
        units_by_kind,
        distribution: Distribution::from_latest(&latest),
        latest,
        over_years,
        regencies,
        demo,
    })
}

fn sort_regencies(rows: &mut [RegencyRow], params: PageParams) {
    let num = |v: Option<f64>| v.unwrap_or(f64::NEG_INFINITY);
    sort_regions(
        rows,
        params,
        |r| &r.code,
        |key, a, b| match key {
            SortKey::Code => a.code.cmp(&b.code),
            SortKey::Name => a.name.cmp(&b.name),
            SortKey::Events => a.trainings.events.cmp(&b.trainings.events),
            SortKey::Participants => a.trainings.participants().known().cmp(&b.trainings.participants().known()),
            SortKey::CertifiedShare => num(a.units.unit_share()).total_cmp(&num(b.units.unit_share())),
            SortKey::Predicate => {
                let rank = |r: &RegencyRow| r.latest.as_ref().map_or(-1, |l| l.predicate.map_or(0, |p| p.rank() as i32));
                rank(a).cmp(&rank(b))
            }
            SortKey::Score => {
                num(a.latest.as_ref().and_then(|l| l.score_final)).total_cmp(&num(b.latest.as_ref().and_then(|l| l.score_final)))
            }
            SortKey::Trend => num(a.trend).total_cmp(&num(b.trend)),
        },
    );
}

/// The scorecard: each regency against the targets, with a light per target.
pub fn scorecard(state: &AppState, d: &ProvinceData, lang: Lang) -> Dataset {
    let t = &state.targets;
    let year = d.scorecard_year.map_or_else(|| "–".into(), |y| y.to_string());
    let mut rows: Vec<&RegencyRow> = d.regencies.iter().collect();
    rows.sort_by(|a, b| a.code.cmp(&b.code));
    Dataset {
        id: "kartu-skor",
        title: format!("{} — {}", tr(lang, "chart.scorecard"), d.name),
        description: tr(lang, "chart.scorecard_desc"),
        definition: format!(
            "{} {} ({year}); {}; {} {}; {}",
            tr(lang, "definition.scorecard_trainings"),
            t.trainings_per_year,
            tr(lang, "definition.scorecard_provincial"),
            tr(lang, "definition.scorecard_share"),
            format::percent(Some(t.certified_unit_share), lang),
            tr(lang, "definition.scorecard_predicate"),
        ),
        sources: vec![database_source(lang), figures::Source { label: tr(lang, "source.targets"), url: None }],
        columns: vec![
            col("regency", lang, "table.regency"),
            Column { key: "trainings_status", label: format!("{} {year}", tr(lang, "table.trainings_target")) },
            Column { key: "provincial_events", label: format!("{} {year}", tr(lang, "table.provincial_part")) },
            col("certified_share_status", lang, "table.share_target"),
            col("predicate_status", lang, "table.predicate_target"),
        ],
        rows: rows
            .into_iter()
            .map(|r| {
                let trainings = if d.scorecard_year.is_some() {
                    Status::judge(Some(r.events_in_year as f64), t.trainings_per_year as f64)
                } else {
                    Status::NoData
                };
                let predicate = match &r.latest {
                    None => Status::NoData,
                    Some(l) if l.predicate.is_some() => Status::Met,
                    Some(_) => Status::Missed,
                };
                vec![
                    Cell::Text(r.name.clone()),
                    Cell::Status(trainings),
                    Cell::Int(r.provincial_in_year),
                    Cell::Status(Status::judge(r.units.unit_share(), t.certified_unit_share)),
                    Cell::Status(predicate),
                ]
            })
            .collect(),
        demo: d.demo,
    }
}

/// The page's figures, in page order; the API serves each by its id.
pub fn figures(state: &AppState, d: &ProvinceData, lang: Lang) -> Result<Vec<Figure>, AppError> {
    let mut out = Vec::new();
    let code = RegionCode::parse(&d.code).map_err(|_| AppError::NotFound)?;
    if let Some(map) = super::maps::province(state, lang, code, &d.latest, d.demo)? {
        out.push(map);
    }
    out.push(figures::trainings_per_year(lang, &d.by_year, &d.name)?);
    out.push(figures::effectiveness(lang, &d.effectiveness, &d.name)?);
    let kind_label = d.params.kind.map(|k| tr(lang, &format!("provider.{}", k.as_str())));
    out.push(figures::ranked_regions(
        lang,
        RankedInput {
            id: "sertifikat-per-kabkota",
            title: format!(
                "{} — {}{}",
                tr(lang, "chart.share_by_regency"),
                d.name,
                kind_label.as_ref().map(|k| format!(" ({k})")).unwrap_or_default()
            ),
            description: tr(lang, "chart.share_by_regency_desc"),
            definition: tr(lang, "definition.certified_share"),
            region_label: &tr(lang, "table.regency"),
            value_key: "certified_unit_share",
            value_label: tr(lang, "figure.certified_share"),
            rows: d.regencies.iter().map(|r| (r.name.clone(), Cell::Share(r.kind_units.unit_share()))).collect(),
            share: true,
            demo: d.demo,
        },
    )?);
    out.push(figures::units_by_kind(lang, &d.units_by_kind, &state.targets, &d.name)?);
    out.push(figures::predicates_over_years(lang, &d.over_years, &[], d.latest.iter().any(|l| l.demo), &d.name)?);
    out.push(Figure { data: scorecard(state, d, lang), svg: None });
    Ok(out)
}

fn render(state: &AppState, d: ProvinceData, lang: Lang) -> Result<AnyView, AppError> {
    let stats = headline(lang, &d.trainings, &d.units, &d.distribution, d.regencies.len());
    let years: Vec<i32> = d.by_year.iter().map(|y| y.year).collect();
    let data_path = paths::api_province(&d.code);
    let query = d.params.query();
    let mut figs = figures(state, &d, lang)?;
    // The scorecard is a table, not a chart: it gets its own section below the charts.
    let card = figs.pop().map(|f| f.data).expect("scorecard is the last figure");
    let charts = chart_views(figs, &data_path, &query);
    let card_rows = card
        .rows
        .iter()
        .map(|r| {
            let cells = r.iter().skip(1).map(|c| {
                let class = match c {
                    Cell::Status(s) => format!("status {}", s.key()),
                    _ => String::new(),
                };
                view! { <td class=class>{c.display(lang)}</td> }
            });
            view! { <tr><th scope="row" lang=data_lang(lang)>{r[0].display(lang)}</th>{cells.collect_view()}</tr> }
        })
        .collect_view();
    let card_csv = paths::figure_download(&data_path, card.id, "csv", &query, lang);
    let card_json = paths::figure_download(&data_path, card.id, "json", &query, lang);
    let p = d.params;
    let path = paths::province(&d.code);
    let head = move |key: SortKey, label: &str| view! { <SortHeader params=p path=path.clone() anchor="kabkota" key=key label=tr(lang, label) numeric=!matches!(key, SortKey::Name | SortKey::Predicate)/> };
    let rows = d
        .regencies
        .iter()
        .map(|r| {
            let href = paths::regency(&r.code);
            let predicate =
                r.latest.as_ref().map_or_else(|| "–".to_string(), |l| format!("{} ({})", predicate_label(l.predicate, lang), l.award_year));
            let trend = r.trend.map_or_else(
                || "–".to_string(),
                |t| {
                    format!(
                        "{}{}",
                        if t > 0.0 {
                            "▲ +"
                        } else if t < 0.0 {
                            "▼ "
                        } else {
                            ""
                        },
                        format::decimal(t, 2, lang)
                    )
                },
            );
            view! {
                <tr>
                    <th scope="row"><a href=href lang=data_lang(lang)>{r.name.clone()}</a></th>
                    <td class="num">{format::int(r.trainings.events, lang)}</td>
                    <td class="num">{covered_cell(lang, r.trainings.participants())}</td>
                    <td class="num">{format::percent(r.units.unit_share(), lang)}</td>
                    <td>{predicate}</td>
                    <td class="num">{format::score(r.latest.as_ref().and_then(|l| l.score_final), lang)}</td>
                    <td class="num">{trend}</td>
                </tr>
            }
        })
        .collect_view();
    let own_participants = d.own_trainings.participants();
    let own = format!(
        "{}: {} · {}{}",
        tr(lang, "page.own_events"),
        trn(lang, "figure.events_count", d.own_trainings.events, &[]),
        match own_participants.known() {
            Some(n) => trn(lang, "figure.participants_count", n, &[]),
            None => format!("{}: {}", tr(lang, "figure.participants"), tr(lang, "figure.not_reported")),
        },
        coverage_note(lang, own_participants).map(|n| format!(" ({n})")).unwrap_or_default(),
    );
    let crumbs = crumbs(lang, Vec::new(), Some(d.name.clone()));
    let description = kla::i18n::trf(lang, "site.description_province", &[("name", d.name.clone())]);
    let compare = RegionCode::parse(&d.code).map(|c| super::compare::with_neighbours(state, c)).unwrap_or_default();
    let scope_note = scope_note(lang, p.year);
    // The report keeps the chosen year, as every link from a view keeps its state.
    let report_href = match p.year {
        Some(y) => format!("{}?tahun={y}", paths::province_report(&d.code)),
        None => paths::province_report(&d.code),
    };
    Ok(view! {
        <Layout title=d.name.clone() crumbs=crumbs demo=d.demo description=description title_lang=data_lang(lang)>
            <p class="lead">{tr(lang, "page.province_lead")}</p>
            <p class="report-link"><a href=report_href>{tr(lang, "report.link")}</a></p>
            <p class="compare-link"><a href=compare>{tr(lang, "compare.link_province")}</a></p>
            <FilterForm params=p years=years kinds=true metric=false/>
            <p class="scope-note">{scope_note}</p>
            <Stats stats=stats/>
            <p class="own-events">{own}</p>
            <div class="charts">{charts}</div>
            <h2 id="kartu-skor">{card.title.clone()}</h2>
            <p class="desc">{card.description.clone()}</p>
            <div class="table-wrap" tabindex="0" role="region" aria-label=card.title.clone()>
                <table class="scorecard">
                    <thead><tr>{card.columns.iter().map(|c| view! { <th scope="col">{c.label.clone()}</th> }).collect_view()}</tr></thead>
                    <tbody>{card_rows}</tbody>
                </table>
            </div>
            <p class="definition">{card.definition.clone()}</p>
            <p class="downloads">{tr(lang, "chart.download")}": "<a href=card_csv download>"CSV"</a>" · "<a href=card_json>"JSON"</a></p>
            <h2 id="kabkota">{tr(lang, "page.regencies_heading")}</h2>
            <div class="table-wrap" tabindex="0" role="region" aria-label=tr(lang, "page.regencies_heading")>
                <table class="regions">
                    <caption>{tr(lang, "page.regencies_caption")}</caption>
                    <thead>
                        <tr>
                            {head(SortKey::Name, "table.regency")}
                            {head(SortKey::Events, "figure.events")}
                            {head(SortKey::Participants, "figure.participants")}
                            {head(SortKey::CertifiedShare, "figure.certified_share")}
                            {head(SortKey::Predicate, "table.latest_predicate")}
                            {head(SortKey::Score, "table.final_score")}
                            {head(SortKey::Trend, "table.score_trend")}
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
pub fn ProvincePage() -> impl IntoView {
    let raw = route_code();
    region_page(move |state, lang, params| async move {
        // An unknown province is a 404 before a refused parameter is a 400.
        let code = resolve(&state, &raw, RegionLevel::Province);
        let (code, params) = (code?, params?);
        render(&state, load(&state, code, params).await?, lang)
    })
}
