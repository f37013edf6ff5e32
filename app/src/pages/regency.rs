//! `/kabkota/{PP.KK}`: one kabupaten/kota — a plain-language summary of where it stands, its training
//! events, its service units by kind against their targets, and its predicate history with the score at
//! every stage (so the drop from self-assessment to verification is visible), and its next step between
//! predicates beside the kab/kota that made that step (`/jalur`).
//!
//! The next step's comparison comes from the nation's pathways, cached per national data version and,
//! after a write, served as last computed while one background recomputation catches up
//! (`pathways::load_recent`); a rendered regency page is kept while both the regency's own version and
//! what it shows of those pathways (`pathways_shown`) are unchanged, so a write elsewhere re-renders it
//! only when its comparison moved.

use super::params::PageParams;
use super::region::{
    any_demo, certified_share_stat, chart_views, coverage_note, crumbs, events_stat, participants_stat, region_page, resolve, route_code,
    scope_note,
};
use super::{FilterForm, predicate_label};
use crate::charts::{self, BandSpan, PREDICATE_COLOURS, PredicateHistory};
use crate::components::{Layout, Stat, Stats, data_lang};
use crate::error::AppError;
use crate::figures::{self, Cell, Dataset, Figure, col, database_source};
use crate::paths;
use crate::state::AppState;
use kla::aggregate::{
    self, Effectiveness, EventRow, KindUnits, PredicateRow, ProvincialPart, Scope, TrainingTotals, UnitTotals, YearTraining,
};
use kla::domain::{Predicate, PredicateBands, RegionCode, RegionLevel, Stage};
use kla::format;
use kla::i18n::{Lang, tr, trf, trn};
use kla::pathways::Pathways;
use kla::reference::{Status, Targets};
use leptos::prelude::*;
use serde::Serialize;

/// How many events the page lists (newest first).
pub const EVENT_LIST_LIMIT: i64 = 50;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RegencyData {
    pub code: String,
    pub name: String,
    pub province_code: String,
    pub province_name: String,
    pub params: PageParams,
    pub trainings: TrainingTotals,
    pub by_year: Vec<YearTraining>,
    /// Pre/post-test results by kind of training of the events it organised, in the chosen year.
    pub effectiveness: Effectiveness,
    /// The regency's part in its province's trainings (named in their breakdowns or held for every kab/kota).
    pub provincial: ProvincialPart,
    pub units: UnitTotals,
    pub units_by_kind: Vec<KindUnits>,
    pub predicates: Vec<PredicateRow>,
    pub events: Vec<EventRow>,
    pub demo: bool,
    /// The regency's latest evaluation preparation, shown as completeness per cluster (documents only when
    /// marked public, scores only when published).
    #[serde(skip)]
    pub evaluation: Option<kla::evaluation::Sheet>,
}

/// The page's aggregates, from the cache while the version of the page's region is unchanged.
pub async fn load(state: &AppState, code: RegionCode, params: PageParams) -> Result<RegencyData, AppError> {
    state
        .cache
        .get_or_load(state.pool(), &code.to_string(), format!("kabkota/{code}?{}", params.query()), || load_fresh(state, code, params))
        .await
}

async fn load_fresh(state: &AppState, code: RegionCode, params: PageParams) -> Result<RegencyData, AppError> {
    let pool = state.pool();
    let scope = Scope::Regency(code);
    let year = params.year;
    let (trainings, by_year, effectiveness, provincial, units, units_by_kind, predicates, events) = tokio::try_join!(
        aggregate::training_totals(pool, scope, year),
        aggregate::training_by_year(pool, scope),
        aggregate::effectiveness(pool, scope, year),
        aggregate::provincial_part(pool, code, year),
        aggregate::unit_totals(pool, scope),
        aggregate::units_by_kind(pool, scope),
        aggregate::predicate_history(pool, code),
        aggregate::events(pool, code, year, EVENT_LIST_LIMIT),
    )?;
    let evaluation = kla::evaluation::sheet::latest_started(pool, code).await?;
    let province = code.province();
    let demo = any_demo(&trainings, &units, &by_year, predicates.iter().any(|p| p.is_demo != 0));
    Ok(RegencyData {
        code: code.to_string(),
        name: state.regions.name(code).to_string(),
        province_code: province.to_string(),
        province_name: state.regions.name(province).to_string(),
        params,
        trainings,
        by_year,
        effectiveness,
        provincial,
        units,
        units_by_kind,
        predicates,
        events,
        demo,
        evaluation,
    })
}

/// The bands as the chart draws them: each from its minimum up to the next band's minimum.
fn band_spans(bands: &PredicateBands) -> Vec<BandSpan> {
    let all = bands.bands();
    all.iter()
        .enumerate()
        .map(|(i, b)| BandSpan {
            label: b.predicate.label().to_string(),
            min: b.min_score,
            max: all.get(i + 1).map_or(b.max_score, |next| next.min_score),
            colour: PREDICATE_COLOURS[usize::from(b.predicate.rank()).min(5)],
        })
        .collect()
}

/// The predicate of each award year on a score-band axis, with the score at every stage where it was
/// published: award lists give predicates only, so the chart never depends on scores.
fn predicate_history(lang: Lang, rows: &[PredicateRow], bands: &PredicateBands, place: &str) -> Result<Figure, AppError> {
    let title = format!("{} — {place}", tr(lang, "chart.scores_by_stage"));
    let band_index = |p: Option<Predicate>| p.and_then(|p| bands.bands().iter().position(|b| b.predicate == p));
    let stage = |f: fn(&PredicateRow) -> Option<f64>| rows.iter().map(f).collect::<Vec<_>>();
    let svg = charts::predicate_history(&PredicateHistory {
        title: title.clone(),
        years: rows.iter().map(|r| r.award_year as i32).collect(),
        bands: band_spans(bands),
        awarded: rows.iter().map(|r| band_index(r.predicate())).collect(),
        self_band: rows.iter().map(|r| self_assessment_band(r, bands).map(band_index)).collect(),
        series: vec![
            (tr(lang, "stage.self_assessment"), stage(|r| r.score_self_assessment)),
            (tr(lang, "stage.administrative"), stage(|r| r.score_administrative)),
            (tr(lang, "stage.field"), stage(|r| r.score_field)),
            (tr(lang, "stage.final"), stage(|r| r.score_final)),
        ],
        y_label: tr(lang, "chart.score_band_axis"),
        none_label: tr(lang, "predicate.none_short"),
        legend_predicate: tr(lang, "chart.legend_predicate"),
        legend_self_band: tr(lang, "chart.legend_self_band"),
    })?;
    let mut sources = vec![database_source(lang)];
    for r in rows.iter().filter(|r| !r.source_url.is_empty()) {
        sources
            .push(figures::Source { label: format!("{} {}", tr(lang, "table.award_year"), r.award_year), url: Some(r.source_url.clone()) });
    }
    Ok(Figure {
        svg,
        data: Dataset {
            // The id predates the predicate-only histories; kept so that API links stay valid.
            id: "nilai-per-tahap",
            description: tr(lang, "chart.scores_by_stage_desc"),
            definition: format!("{} {}", tr(lang, "definition.predicate_history"), tr(lang, "definition.scores")),
            sources,
            columns: vec![
                col("award_year", lang, "table.award_year"),
                col("data_year", lang, "table.data_year"),
                col("self_assessment", lang, "stage.self_assessment"),
                col("administrative", lang, "stage.administrative"),
                col("field", lang, "stage.field"),
                col("final", lang, "stage.final"),
                col("predicate", lang, "table.predicate"),
                col("self_assessment_band", lang, "table.self_assessment_band"),
            ],
            rows: rows
                .iter()
                .map(|r| {
                    vec![
                        Cell::Year(r.award_year),
                        r.data_year.map_or(Cell::Num(None, 0), Cell::Year),
                        Cell::Num(r.score_self_assessment, 2),
                        Cell::Num(r.score_administrative, 2),
                        Cell::Num(r.score_field, 2),
                        Cell::Num(r.score_final, 2),
                        Cell::Text(predicate_label(r.predicate(), lang)),
                        match r.score_self_assessment {
                            Some(s) => Cell::Text(predicate_label(bands.classify(s), lang)),
                            None => Cell::Num(None, 0),
                        },
                    ]
                })
                .collect(),
            demo: rows.iter().any(|r| r.is_demo != 0),
            title,
        },
    })
}

/// The band of a record's self-assessment score when it is not the final predicate's (`Some(None)`: below
/// every band); `None` without a self-assessment score or when the two agree.
fn self_assessment_band(r: &PredicateRow, bands: &PredicateBands) -> Option<Option<Predicate>> {
    let band = bands.classify(r.score_self_assessment?);
    (band != r.predicate()).then_some(band)
}

/// The page's figures, in page order; the API serves each by its id.
pub fn figures(state: &AppState, d: &RegencyData, lang: Lang) -> Result<Vec<Figure>, AppError> {
    Ok(vec![
        predicate_history(lang, &d.predicates, &state.bands, &d.name)?,
        figures::trainings_per_year(lang, &d.by_year, &d.name)?,
        figures::effectiveness(lang, &d.effectiveness, &d.name)?,
        figures::units_by_kind(lang, &d.units_by_kind, &state.targets, &d.name)?,
    ])
}

/// The regency's part in provincial trainings: how many events, and the participants it sent where the
/// events' breakdowns say — "not reported" when none does, never 0.
fn provincial_stat(lang: Lang, p: &ProvincialPart) -> Stat {
    let c = p.participants();
    let note = if p.events == 0 {
        None
    } else {
        let sent = match (c.known(), coverage_note(lang, c)) {
            (Some(n), Some(covered)) => format!("{} ({covered})", trn(lang, "figure.participants_count", n, &[])),
            (Some(n), None) => trn(lang, "figure.participants_count", n, &[]),
            (None, _) => format!("{}: {}", tr(lang, "figure.participants"), tr(lang, "figure.not_reported")),
        };
        Some(sent)
    };
    Stat { label: tr(lang, "figure.provincial_part"), value: trn(lang, "figure.events_count", p.events, &[]), note }
}

fn stage_score(p: &PredicateRow, stage: Stage) -> Option<f64> {
    match stage {
        Stage::SelfAssessment => p.score_self_assessment,
        Stage::Administrative => p.score_administrative,
        Stage::Field => p.score_field,
        Stage::Final => p.score_final,
    }
}

/// A few sentences on where the regency stands, in the reader's language.
pub fn summary(d: &RegencyData, bands: &PredicateBands, targets: &Targets, lang: Lang) -> Vec<String> {
    let mut out = Vec::new();
    let when = match d.params.year {
        Some(y) => trf(lang, "summary.in_year", &[("year", y.to_string())]),
        None => tr(lang, "summary.all_years"),
    };
    let name = d.name.clone();
    let participants = d.trainings.participants();
    out.push(if d.trainings.events == 0 {
        trf(lang, "summary.no_trainings", &[("name", name.clone()), ("when", when.clone())])
    } else {
        let key = match (participants.known(), participants.complete()) {
            (None, _) => "summary.trainings_uncounted",
            (Some(_), true) => "summary.trainings",
            (Some(_), false) => "summary.trainings_partly",
        };
        trf(
            lang,
            key,
            &[
                ("name", name.clone()),
                ("when", when.clone()),
                ("events", trn(lang, "summary.training_events", d.trainings.events, &[])),
                ("participants", trn(lang, "figure.participants_count", participants.value, &[])),
                ("reported", format::int(participants.reported, lang)),
            ],
        )
    });
    if d.provincial.events > 0 {
        out.push(trf(
            lang,
            "summary.provincial_part",
            &[("name", name.clone()), ("when", when), ("events", trn(lang, "summary.training_events", d.provincial.events, &[]))],
        ));
    }
    if d.units.units == 0 {
        out.push(tr(lang, "summary.no_units"));
    } else {
        let status = Status::judge(d.units.unit_share(), targets.certified_unit_share);
        out.push(trn(
            lang,
            if status == Status::Met { "summary.units_met" } else { "summary.units_below" },
            d.units.units,
            &[
                ("certified", format::int(d.units.certified_units, lang)),
                ("share", format::percent(d.units.unit_share(), lang)),
                ("target", format::percent(Some(targets.certified_unit_share), lang)),
            ],
        ));
        for k in &d.units_by_kind {
            if let Some(&t) = targets.staff_share.get(&k.kind)
                && Status::judge(k.totals.staff_share(), t) != Status::Met
            {
                out.push(trf(
                    lang,
                    "summary.kind_below",
                    &[
                        ("kind", tr(lang, &format!("provider.{}", k.kind.as_str()))),
                        ("share", format::percent(k.totals.staff_share(), lang)),
                        ("target", format::percent(Some(t), lang)),
                    ],
                ));
            }
        }
    }
    match d.predicates.last() {
        None => out.push(tr(lang, "summary.no_predicate")),
        Some(p) => {
            let predicate = predicate_label(p.predicate(), lang);
            let year = p.award_year.to_string();
            out.push(match p.score_final {
                Some(s) => trf(
                    lang,
                    "summary.predicate",
                    &[("predicate", predicate.clone()), ("year", year), ("score", format::decimal(s, 2, lang))],
                ),
                // Most award lists publish no score: say so rather than print a dash.
                None => trf(lang, "summary.predicate_no_score", &[("predicate", predicate.clone()), ("year", year)]),
            });
            // An earlier stage's score in another band than the final predicate (a score lost at verification,
            // or a predicate published without its final score).
            for stage in [Stage::SelfAssessment, Stage::Administrative, Stage::Field] {
                let Some(score) = stage_score(p, stage) else { continue };
                let band = bands.classify(score);
                if band == p.predicate() {
                    continue;
                }
                let stage_name = tr(lang, &format!("stage.{}", stage.key()));
                let mut args = vec![
                    ("stage_lower", stage_name.to_lowercase()),
                    ("stage", stage_name),
                    ("score", format::decimal(score, 2, lang)),
                    ("predicate", predicate.clone()),
                ];
                out.push(match band {
                    Some(b) => {
                        args.push(("band", b.label().to_string()));
                        trf(lang, "summary.stage_band", &args)
                    }
                    None => trf(lang, "summary.stage_no_band", &args),
                });
            }
            if let Some(s) = p.score_final
                && let Some((next, gap)) = bands.next_band(s)
            {
                out.push(trf(lang, "summary.next_band", &[("points", format::decimal(gap, 2, lang)), ("next", next.label().to_string())]));
            }
            if let (Some(a), Some(f)) = (p.score_self_assessment, p.score_final)
                && a - f >= 0.005
            {
                out.push(trf(
                    lang,
                    "summary.drop",
                    &[
                        ("drop", format::decimal(a - f, 2, lang)),
                        ("from", format::decimal(a, 2, lang)),
                        ("to", format::decimal(f, 2, lang)),
                    ],
                ));
            }
        }
    }
    out
}

/// "Langkah berikutnya": the step the regency is on, and its own figures beside the movers and stayers of
/// that step, each with its n, linked to the step's table on `/jalur`.
fn next_step_section(d: &RegencyData, p: &Pathways, lang: Lang) -> AnyView {
    use super::pathways::{spread_text, step_label};
    let name = d.name.clone();
    let mut lines: Vec<String> = Vec::new();
    let mut link = paths::PATHWAYS.to_string();
    let mut link_text = tr(lang, "next.link_all");
    match p.positions.get(&d.code) {
        None => lines.push(trf(lang, "next.no_record", &[("name", name)])),
        Some(pos) => match pos.next.and_then(|s| p.step(s)) {
            None => lines.push(trf(lang, "next.top", &[("name", name), ("year", pos.award_year.to_string())])),
            Some(step) => {
                let label = step_label(step.step, lang);
                lines.push(trf(
                    lang,
                    "next.on_step",
                    &[
                        ("name", name),
                        ("predicate", predicate_label(pos.predicate, lang)),
                        ("year", pos.award_year.to_string()),
                        ("step", label.clone()),
                        ("movers", format::int(step.movers.n() as i64, lang)),
                        ("stayers", format::int(step.stayers.n() as i64, lang)),
                    ],
                ));
                let one = |v: f64| format::decimal(v, 1, lang);
                let own_events = pos.measures.events_per_year.map_or_else(|| tr(lang, "next.no_trainings"), one);
                let years = p.recent_years.map_or_else(String::new, |(a, b)| format!("{a}–{b}"));
                lines.push(trf(
                    lang,
                    "next.events",
                    &[
                        ("years", years),
                        ("own", own_events),
                        ("movers", spread_text(&step.movers.events_per_year, lang, one)),
                        ("stayers", spread_text(&step.stayers.events_per_year, lang, one)),
                    ],
                ));
                let two = |v: f64| format::decimal(v, 2, lang);
                if let Some(score) = pos.measures.score {
                    lines.push(trf(
                        lang,
                        "next.score",
                        &[
                            ("own", two(score)),
                            ("movers", spread_text(&step.movers.score, lang, two)),
                            ("stayers", spread_text(&step.stayers.score, lang, two)),
                        ],
                    ));
                }
                let pct = |v: f64| format::percent(Some(v), lang);
                lines.push(trf(
                    lang,
                    "next.certified",
                    &[
                        ("own", pos.measures.certified_share.map_or_else(|| tr(lang, "next.no_units"), pct)),
                        ("movers", spread_text(&step.movers.certified_share, lang, pct)),
                        ("stayers", spread_text(&step.stayers.certified_share, lang, pct)),
                    ],
                ));
                if step.movers.small() || step.stayers.small() {
                    lines.push(trf(lang, "next.small", &[("n", kla::pathways::SMALL_GROUP.to_string())]));
                }
                link = paths::pathway_step(&step.slug);
                link_text = trf(lang, "next.link", &[("step", label)]);
            }
        },
    }
    lines.push(tr(lang, "next.not_cause"));
    lines.push(tr(lang, "next.lag"));
    view! {
        <section class="next-step" aria-labelledby="langkah-berikutnya">
            <h2 id="langkah-berikutnya">{tr(lang, "next.heading")}</h2>
            <ul>{lines.into_iter().map(|l| view! { <li>{l}</li> }).collect_view()}</ul>
            {p.demo.then(|| view! { <p class="scope-note"><strong>{tr(lang, "demo.label")}</strong>" "{tr(lang, "jalur.caveat_demo")}</p> })}
            <p><a href=link>{link_text}</a></p>
        </section>
    }
    .into_any()
}

fn render(state: &AppState, d: RegencyData, pathways: &Pathways, lang: Lang) -> Result<AnyView, AppError> {
    let latest = d.predicates.last();
    let stats = vec![
        events_stat(lang, &d.trainings),
        participants_stat(lang, &d.trainings),
        provincial_stat(lang, &d.provincial),
        certified_share_stat(lang, &d.units),
        Stat {
            label: tr(lang, "figure.latest_predicate"),
            value: latest.map_or_else(|| "–".to_string(), |p| predicate_label(p.predicate(), lang)),
            note: latest.map(|p| {
                let year = format!("{} {}", tr(lang, "table.award_year"), p.award_year);
                match p.score_final {
                    Some(s) => format!("{year} · {}", format::decimal(s, 2, lang)),
                    None => year,
                }
            }),
        },
    ];
    let summary = summary(&d, &state.bands, &state.targets, lang);
    let years: Vec<i32> = d.by_year.iter().map(|y| y.year).collect();
    let data_path = paths::api_regency(&d.code);
    let query = d.params.query();
    let figs = chart_views(figures(state, &d, lang)?, &data_path, &query);
    let event_headers =
        ["table.event", "table.date", "table.kind", "table.mode", "figure.participants", "table.test_gain"].map(|k| tr(lang, k));
    // Each cell carries its column's name, which a phone shows beside the value when a row becomes a card.
    let cell_label = |i: usize| event_headers[i].clone();
    let events = d
        .events
        .iter()
        .map(|e| {
            let gain = match (e.pre_test_mean, e.post_test_mean, e.assessment.as_deref()) {
                (Some(a), Some(b), _) => format!(
                    "{} → {} ({}{})",
                    format::decimal(a, 1, lang),
                    format::decimal(b, 1, lang),
                    if b >= a { "+" } else { "" },
                    format::decimal(b - a, 1, lang)
                ),
                (_, _, Some(a)) => tr(lang, &format!("assessment.{a}")),
                _ => "–".into(),
            };
            let date = match e.end_date.as_deref() {
                Some(end) if end != e.start_date => format!("{} – {}", format::date(&e.start_date, lang), format::date(end, lang)),
                _ => format::date(&e.start_date, lang),
            };
            let mode = e.mode.as_deref().map_or_else(|| tr(lang, "figure.not_reported"), |m| tr(lang, &format!("mode.{m}")));
            // The title and the details' values are the recorder's own (Indonesian) words.
            let details = [("col.programme", &e.programme), ("col.facilitators", &e.facilitators), ("col.notes", &e.notes)]
                .into_iter()
                .filter(|(_, v)| !v.is_empty())
                .enumerate()
                .map(|(i, (k, v))| view! { {(i > 0).then_some(" · ")}{tr(lang, k)}": "<span lang=data_lang(lang)>{v.clone()}</span> })
                .collect::<Vec<_>>();
            view! {
                <tr>
                    <th scope="row">
                        <span lang=data_lang(lang)>{e.title.clone()}</span>
                        {(!details.is_empty()).then(|| view! { <span class="event-details">{details}</span> })}
                    </th>
                    <td data-label=cell_label(1)>{date}</td>
                    <td data-label=cell_label(2)>{tr(lang, &format!("training_kind.{}", e.kind))}</td>
                    <td data-label=cell_label(3)>{mode}</td>
                    <td class="num" data-label=cell_label(4)>{format::count(e.participants(), lang)}</td>
                    <td class="num" data-label=cell_label(5)>{gain}</td>
                </tr>
            }
        })
        .collect_view();
    let has_events = !d.events.is_empty();
    let crumbs = crumbs(lang, vec![(d.province_name.clone(), paths::province(&d.province_code))], Some(d.name.clone()));
    let scope_note = scope_note(lang, d.params.year);
    let description = trf(lang, "site.description_regency", &[("name", d.name.clone()), ("province", d.province_name.clone())]);
    let evaluation = d.evaluation.as_ref().map(|sheet| evaluation_section(state, sheet, lang));
    let compare = RegionCode::parse(&d.code).map(|c| super::compare::with_neighbours(state, c)).unwrap_or_default();
    let next = next_step_section(&d, pathways, lang);
    Ok(view! {
        <Layout title=d.name.clone() crumbs=crumbs demo=d.demo description=description title_lang=data_lang(lang)>
            <p class="lead">{tr(lang, "page.regency_lead")}" "<span class="code">{d.code.clone()}</span></p>
            <p class="compare-link"><a href=compare>{tr(lang, "compare.link_regency")}</a></p>
            <section class="summary" aria-labelledby="ringkasan">
                <h2 id="ringkasan">{tr(lang, "page.summary_heading")}</h2>
                <ul>{summary.into_iter().map(|s| view! { <li>{s}</li> }).collect_view()}</ul>
            </section>
            {next}
            <FilterForm params=d.params years=years kinds=false metric=false/>
            <p class="scope-note">{scope_note}</p>
            <Stats stats=stats/>
            <div class="charts">{figs}</div>
            {evaluation}
            <h2 id="kegiatan">{tr(lang, "page.events_heading")}</h2>
            {if has_events {
                view! {
                    <div class="table-wrap cards" tabindex="0" role="region" aria-label=tr(lang, "page.events_heading")>
                        <table class="events">
                            <thead><tr>{event_headers.into_iter().enumerate().map(|(i, h)| view! { <th scope="col" class={if i >= 4 { "num" } else { "" }}>{h}</th> }).collect_view()}</tr></thead>
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

/// Evaluation preparation for the public: evidence completeness per cluster, verified scores once the province
/// published them, and the documents an officer marked public — never anything else of the sheet.
fn evaluation_section(state: &AppState, sheet: &kla::evaluation::Sheet, lang: Lang) -> AnyView {
    let year = sheet.cycle.award_year;
    let published = sheet.submission.as_ref().is_some_and(|s| s.published);
    let clusters = sheet.clusters();
    let docs: Vec<_> = sheet.files.iter().filter(|f| f.public).cloned().collect();
    let total = if published { sheet.verified_total() } else { None };
    let band = total.and_then(|t| state.bands.classify(t));
    view! {
        <section class="evaluation" aria-labelledby="evaluasi">
            <h2 id="evaluasi">{trf(lang, "eval.public_title", &[("year", year.to_string())])}</h2>
            <p class="scope-note">{trf(lang, "eval.public_intro", &[("year", year.to_string()), ("data", sheet.cycle.data_year.to_string())])}</p>
            <div class="table-wrap" tabindex="0" role="region" aria-label=tr(lang, "eval.public_complete")>
                <table class="evaluation">
                    <thead><tr>
                        <th scope="col">{tr(lang, "eval.cluster")}</th>
                        <th scope="col" class="num">{tr(lang, "eval.public_complete")}</th>
                        <th scope="col" class="num">{tr(lang, "eval.public_verified_items")}</th>
                        {published.then(|| view! { <th scope="col" class="num">{tr(lang, "eval.verified_score")}</th> })}
                    </tr></thead>
                    <tbody>
                        {clusters.into_iter().map(|c| {
                            let share = if c.items > 0 { Some(c.present as f64 / c.items as f64) } else { None };
                            view! {
                                <tr>
                                    <th scope="row">{tr(lang, &format!("eval.cluster_{}", c.cluster.key()))}</th>
                                    <td class="num">{format!("{} ({}/{})", format::percent(share, lang), c.present, c.items)}</td>
                                    <td class="num">{format!("{}/{}", c.verified, c.items)}</td>
                                    {published.then(|| view! { <td class="num">{format!("{} / {}", format::score(c.verified_score, lang), format::decimal(c.max_points, 2, lang))}</td> })}
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
            {match (published, total) {
                (true, Some(t)) => view! {
                    <p>{tr(lang, "eval.verified_total")}": " <strong>{format::decimal(t, 2, lang)}</strong>" · "
                        {band.map_or_else(|| tr(lang, "eval.no_band"), |b| b.label().to_string())}
                    </p>
                }.into_any(),
                (true, None) => view! { <p class="scope-note">{tr(lang, "eval.public_verified_partial")}</p> }.into_any(),
                (false, _) => view! { <p class="scope-note">{tr(lang, "eval.public_verified_pending")}</p> }.into_any(),
            }}
            <p class="scope-note">
                {sheet.instrument.weights_assumed.then(|| view! { <strong>{tr(lang, "eval.weights_assumed")}</strong> " " })}
                {sheet.instrument.weights_note.clone()}
            </p>
            {(!docs.is_empty()).then(|| view! {
                <h3>{tr(lang, "eval.public_docs")}</h3>
                <ul>
                    {docs.into_iter().map(|f| {
                        let item = sheet.instrument.item(f.item_id).map(|(_, it)| format!("{} {}", it.code, it.name(lang))).unwrap_or_default();
                        view! { <li><a href=paths::public_file(f.id)>{f.file_name.clone()}</a>" · "{item}</li> }
                    }).collect_view()}
                </ul>
            })}
        </section>
    }
    .into_any()
}

/// What the page of kab/kota `code` shows of the nation's pathways, as one number (for the response cache:
/// `paths::regency_page`).
pub async fn pathways_shown(state: &AppState, code: &str) -> Result<u64, AppError> {
    Ok(super::pathways::load_recent(state, None).await?.0.shown_for(code))
}

#[component]
pub fn RegencyPage() -> impl IntoView {
    let raw = route_code();
    region_page(move |state, lang, params| async move {
        // An unknown regency is a 404 before a refused parameter is a 400.
        let code = resolve(&state, &raw, RegionLevel::Regency);
        let (code, params) = (code?, params?);
        let (data, pathways) = tokio::try_join!(load(&state, code, params), super::pathways::load_recent(&state, None))?;
        render(&state, data, &pathways.0, lang)
    })
}
