//! `/provinsi/{PP}/laporan`: the province report for a coordination meeting (rakor) — one document the
//! browser prints on A4 (or saves as PDF) from HTML and CSS, without JavaScript: a cover with the province's
//! figures and every kab/kota on one table, then one section per kab/kota (latest predicate and its history,
//! training, its part in the province's trainings, certified shares). Evaluation preparation and open
//! follow-ups are shown only to signed-in officers whose role covers the kab/kota (the province's own officers
//! and administrators; a kab/kota officer sees their own); everyone else gets the public figures, and such a
//! request is never cached (see `server/src/response_cache.rs`).

use super::params::PageParams;
use super::predicate_label;
use super::province::{self, ProvinceData, RegencyRow};
use super::region::{coverage_note, covered_cell, crumbs, headline, region_page, resolve, route_code, scope_note};
use crate::components::{Layout, Stats, data_lang};
use crate::error::AppError;
use crate::paths;
use crate::state::AppState;
use kla::aggregate::{self, PredicateRow, ProvincialPart, Scope};
use kla::auth::Role;
use kla::domain::{Predicate, RegionCode, RegionLevel};
use kla::evaluation::sheet::{self, Sheet};
use kla::format;
use kla::i18n::{Lang, tr, trf, trn};
use leptos::prelude::*;
use std::collections::{BTreeSet, HashMap};

/// How many award rounds a section lists (the latest ones); the chart of the whole history is on the
/// kab/kota's page.
const HISTORY_ROUNDS: usize = 5;
/// How many recent years of training a section lists year by year.
const RECENT_YEARS: usize = 3;

/// Everything the public report shows, cached per version of the province (which every write in one of its
/// kab/kota bumps).
#[derive(Debug, Clone)]
pub struct ReportData {
    pub province: ProvinceData,
    /// Predicate records by kab/kota, oldest first.
    pub histories: HashMap<String, Vec<PredicateRow>>,
    /// Each kab/kota's part in the province's own trainings, for the report's years.
    pub provincial: HashMap<String, ProvincialPart>,
    /// The latest years with training events in the province (oldest first), and each kab/kota's events in
    /// them.
    pub recent_years: Vec<i32>,
    pub recent_events: HashMap<String, Vec<i64>>,
    /// Distinct sources of the predicate records shown.
    pub sources: Vec<String>,
    pub demo: bool,
}

/// One kab/kota's evaluation preparation, for officers whose role covers it.
#[derive(Debug, Clone)]
pub struct Preparation {
    pub award_year: i64,
    pub status: Option<sheet::Status>,
    pub present: usize,
    pub verified: usize,
    pub items: usize,
    /// Open follow-ups: (address of the indicator, item code, due date).
    pub follow_ups: Vec<(String, String, String)>,
}

impl Preparation {
    fn of(sh: &Sheet) -> Self {
        let path = paths::sheet(sh.cycle.award_year, sh.regency);
        let clusters = sh.clusters();
        Preparation {
            award_year: sh.cycle.award_year,
            status: sh.submission.as_ref().map(|s| s.status),
            present: clusters.iter().map(|c| c.present).sum(),
            verified: clusters.iter().map(|c| c.verified).sum(),
            items: sh.instrument.item_count(),
            follow_ups: sh
                .open_follow_ups()
                .map(|f| {
                    let item = sh.instrument.item(f.item_id).map_or((0, String::new()), |(i, it)| (i.number, it.code.clone()));
                    (format!("{path}/{}", item.0), item.1, f.due_date.clone())
                })
                .collect(),
        }
    }
}

/// The report's public aggregates, from the cache while the province's version is unchanged.
pub async fn load(state: &AppState, code: RegionCode, params: PageParams) -> Result<ReportData, AppError> {
    state
        .cache
        .get_or_load(state.pool(), &code.to_string(), format!("laporan/{code}?{}", params.query()), || load_fresh(state, code, params))
        .await
}

async fn load_fresh(state: &AppState, code: RegionCode, params: PageParams) -> Result<ReportData, AppError> {
    let pool = state.pool();
    let scope = Scope::Province(code);
    // The report keeps the page's year and nothing else of its view: its tables have one order, by code.
    let params = PageParams { year: params.year, ..PageParams::default() };
    let histories = async { Ok::<_, AppError>(aggregate::predicate_histories(pool, scope).await?) };
    let provincial = async { Ok::<_, AppError>(aggregate::provincial_parts(pool, scope, params.year).await?) };
    let (province, histories, provincial) = tokio::try_join!(province::load(state, code, params), histories, provincial)?;
    let recent_years: Vec<i32> = {
        let with_events = province.by_year.iter().filter(|y| y.totals.events > 0).map(|y| y.year);
        let mut years: Vec<i32> = with_events.filter(|y| params.year.is_none_or(|chosen| *y <= chosen)).collect();
        years.drain(..years.len().saturating_sub(RECENT_YEARS));
        years
    };
    let mut recent_events: HashMap<String, Vec<i64>> = HashMap::new();
    for (i, y) in recent_years.iter().enumerate() {
        for (regency, t) in aggregate::training_by_child(pool, scope, Some(*y)).await? {
            recent_events.entry(regency).or_insert_with(|| vec![0; recent_years.len()])[i] = t.events;
        }
    }
    let shown = |rows: &Vec<PredicateRow>| rows.iter().rev().take(HISTORY_ROUNDS).cloned().collect::<Vec<_>>();
    let sources: BTreeSet<String> = histories.values().flat_map(shown).map(|r| r.source_url).filter(|s| !s.is_empty()).collect();
    let demo = province.demo || histories.values().flatten().any(|r| r.is_demo != 0) || provincial.values().any(|p| p.demo);
    Ok(ReportData { province, histories, provincial, recent_years, recent_events, sources: sources.into_iter().collect(), demo })
}

/// The evaluation preparation in the latest cycle of each kab/kota of `province` that `role` covers (and only
/// those: a kab/kota missing from the map is not the reader's to see); `None` for each when no cycle exists.
/// Read fresh on every request: it is never cached.
pub async fn preparations(state: &AppState, province: RegionCode, role: Role) -> Result<HashMap<String, Option<Preparation>>, AppError> {
    let covered: Vec<RegionCode> = state.regions.regencies_of(province).map(|r| r.code).filter(|c| role.covers(*c)).collect();
    let cycle = match covered.is_empty() {
        true => None,
        false => sheet::cycles(state.pool()).await?.into_iter().next(),
    };
    let Some(cycle) = cycle else { return Ok(covered.iter().map(|c| (c.to_string(), None)).collect()) };
    let mut conn = kla::db::acquire(state.pool()).await?;
    // Every covered kab/kota's sheet in one read, not one read per kab/kota.
    let sheets = sheet::load_many(&mut conn, &cycle, &covered).await?;
    Ok(sheets.iter().map(|sh| (sh.regency.to_string(), Some(Preparation::of(sh)))).collect())
}

/// A predicate with its award year: "Madya (2023)".
fn predicate_in(p: Option<Predicate>, year: impl std::fmt::Display, lang: Lang) -> String {
    format!("{} ({year})", predicate_label(p, lang))
}

/// The change of the final score since the previous award: "▲ +2,50", or "–" when either is unpublished.
fn trend_text(trend: Option<f64>, lang: Lang) -> String {
    trend.map_or_else(
        || "–".to_string(),
        |t| {
            let arrow = if t > 0.0 {
                "▲ +"
            } else if t < 0.0 {
                "▼ "
            } else {
                ""
            };
            format!("{arrow}{}", format::decimal(t, 2, lang))
        },
    )
}

/// The recent award rounds of a kab/kota, oldest first: "2021 Pratama → 2023 Madya".
fn history_text(rows: &[PredicateRow], lang: Lang) -> String {
    let start = rows.len().saturating_sub(HISTORY_ROUNDS);
    rows[start..].iter().map(|r| format!("{} {}", r.award_year, predicate_label(r.predicate(), lang))).collect::<Vec<_>>().join(" → ")
}

/// A share with what it counts: "45 % (9 dari 20 unit)".
fn share_text(share: Option<f64>, part: i64, whole: i64, unit_key: &str, lang: Lang) -> String {
    match share {
        None => tr(lang, "report.no_units"),
        Some(s) => format!("{} ({} / {})", format::percent(Some(s), lang), format::int(part, lang), trn(lang, unit_key, whole, &[])),
    }
}

fn render(d: ReportData, preparations: Option<HashMap<String, Option<Preparation>>>, lang: Lang) -> AnyView {
    let p = &d.province;
    let stats = headline(lang, &p.trainings, &p.units, &p.distribution, p.regencies.len());
    let mut rows: Vec<&RegencyRow> = p.regencies.iter().collect();
    rows.sort_by(|a, b| a.code.cmp(&b.code));
    let today = chrono::Utc::now().format("%Y-%m-%d").to_string();
    let title = trf(lang, "report.title", &[("name", p.name.clone())]);
    let crumbs = crumbs(lang, vec![(p.name.clone(), paths::province(&p.code))], Some(tr(lang, "report.crumb")));
    let description = trf(lang, "report.description", &[("name", p.name.clone())]);
    let scope = scope_note(lang, p.params.year);
    let overview = rows
        .iter()
        .map(|r| {
            let latest = r.latest.as_ref().map_or_else(|| "–".to_string(), |l| predicate_in(l.predicate, l.award_year, lang));
            view! {
                <tr>
                    <th scope="row"><a href=format!("#kk-{}", r.code) lang=data_lang(lang)>{r.name.clone()}</a></th>
                    <td>{latest}</td>
                    <td class="num">{trend_text(r.trend, lang)}</td>
                    <td class="num">{format::int(r.trainings.events, lang)}</td>
                    <td class="num">{covered_cell(lang, r.trainings.participants())}</td>
                    <td class="num">{format::percent(r.units.unit_share(), lang)}</td>
                </tr>
            }
        })
        .collect_view();
    let audience = match &preparations {
        Some(_) => tr(lang, "report.audience_officer"),
        None => tr(lang, "report.audience_public"),
    };
    let sections =
        rows.iter().map(|r| section(&d, r, preparations.as_ref().and_then(|m| m.get(&r.code)).map(Option::as_ref), lang)).collect_view();
    let sources = d.sources.clone();
    let province_href = paths::province(&p.code);
    view! {
        <Layout title=title.clone() crumbs=crumbs demo=d.demo description=description>
            <article class="report">
                <p class="lead">{trf(lang, "report.lead", &[("date", format::date(&today, lang))])}</p>
                <p class="scope-note screen-only">{tr(lang, "report.print_hint")}" "<a href=province_href>{tr(lang, "report.back")}</a></p>
                <p class="scope-note">{scope}" · "{audience}</p>
                <Stats stats=stats/>
                <h2 id="ringkasan">{tr(lang, "report.overview")}</h2>
                <div class="table-wrap" tabindex="0" role="region" aria-label=tr(lang, "report.overview")>
                    <table class="regions report-overview">
                        <thead>
                            <tr>
                                <th scope="col">{tr(lang, "table.regency")}</th>
                                <th scope="col">{tr(lang, "table.latest_predicate")}</th>
                                <th scope="col" class="num">{tr(lang, "table.score_trend")}</th>
                                <th scope="col" class="num">{tr(lang, "figure.events")}</th>
                                <th scope="col" class="num">{tr(lang, "figure.participants")}</th>
                                <th scope="col" class="num">{tr(lang, "figure.certified_share")}</th>
                            </tr>
                        </thead>
                        <tbody>{overview}</tbody>
                    </table>
                </div>
                <p class="definition">{tr(lang, "report.overview_note")}</p>
                {sections}
                <section class="report-sources" aria-labelledby="sumber">
                    <h2 id="sumber">{tr(lang, "report.sources")}</h2>
                    <p>{tr(lang, "report.sources_database")}</p>
                    {(!sources.is_empty()).then(|| view! {
                        <p>{tr(lang, "report.sources_predicates")}</p>
                        <ul>{sources.into_iter().map(|s| view! { <li class="url">{s}</li> }).collect_view()}</ul>
                    })}
                </section>
            </article>
        </Layout>
    }
    .into_any()
}

/// One kab/kota's section; `preparation` is `None` for readers who may not see it, `Some(None)` when they
/// may but there is no evaluation cycle yet.
fn section(d: &ReportData, r: &RegencyRow, preparation: Option<Option<&Preparation>>, lang: Lang) -> AnyView {
    let history = d.histories.get(&r.code).map(Vec::as_slice).unwrap_or_default();
    let latest = r.latest.as_ref().map_or_else(|| tr(lang, "report.no_record"), |l| predicate_in(l.predicate, l.award_year, lang));
    let participants = r.trainings.participants();
    let trainings = format!(
        "{} · {}{}",
        trn(lang, "figure.events_count", r.trainings.events, &[]),
        match participants.known() {
            Some(n) => trn(lang, "figure.participants_count", n, &[]),
            None => format!("{}: {}", tr(lang, "figure.participants"), tr(lang, "figure.not_reported")),
        },
        coverage_note(lang, participants).map(|n| format!(" ({n})")).unwrap_or_default(),
    );
    let recent = d.recent_events.get(&r.code);
    let per_year = (!d.recent_years.is_empty()).then(|| {
        d.recent_years
            .iter()
            .enumerate()
            .map(|(i, y)| format!("{y}: {}", format::int(recent.map_or(0, |e| e[i]), lang)))
            .collect::<Vec<_>>()
            .join(" · ")
    });
    let part = d.provincial.get(&r.code).cloned().unwrap_or_default();
    let part_text = if part.events == 0 {
        tr(lang, "report.no_provincial")
    } else {
        let c = part.participants();
        format!(
            "{} · {}",
            trn(lang, "figure.events_count", part.events, &[]),
            match c.known() {
                Some(n) => format!(
                    "{}{}",
                    trn(lang, "figure.participants_count", n, &[]),
                    coverage_note(lang, c).map(|n| format!(" ({n})")).unwrap_or_default()
                ),
                None => format!("{}: {}", tr(lang, "figure.participants"), tr(lang, "figure.not_reported")),
            }
        )
    };
    let units = share_text(r.units.unit_share(), r.units.certified_units, r.units.units, "figure.units_count", lang);
    let staff = share_text(r.units.staff_share(), r.units.certified_staff, r.units.staff, "report.staff_count", lang);
    let id = format!("kk-{}", r.code);
    let heading = format!("{id}-h");
    let labelled_by = heading.clone();
    let fact = |label: String, value: String| view! { <div><dt>{label}</dt><dd>{value}</dd></div> };
    view! {
        <section class="report-regency" id=id aria-labelledby=labelled_by>
            <h2 id=heading><a href=paths::regency(&r.code) lang=data_lang(lang)>{r.name.clone()}</a>" "<span class="code">{r.code.clone()}</span></h2>
            <dl class="report-facts">
                {fact(tr(lang, "table.latest_predicate"), latest)}
                {fact(tr(lang, "report.history"), if history.is_empty() { "–".to_string() } else { history_text(history, lang) })}
                {fact(tr(lang, "table.final_score"), format::score(r.latest.as_ref().and_then(|l| l.score_final), lang))}
                {fact(tr(lang, "table.score_trend"), trend_text(r.trend, lang))}
                {fact(tr(lang, "report.trainings"), trainings)}
                {per_year.map(|t| fact(tr(lang, "report.per_year"), t))}
                {fact(tr(lang, "table.provincial_part"), part_text)}
                {fact(tr(lang, "figure.certified_share"), units)}
                {fact(tr(lang, "report.staff_share"), staff)}
            </dl>
            {preparation.map(|prep| preparation_view(prep, lang))}
        </section>
    }
    .into_any()
}

fn preparation_view(prep: Option<&Preparation>, lang: Lang) -> AnyView {
    let Some(prep) = prep else { return view! { <p class="report-prep">{tr(lang, "report.prep_none")}</p> }.into_any() };
    let status = prep.status.map_or_else(|| tr(lang, "eval.status_none"), |s| tr(lang, &format!("eval.status_{}", s.key())));
    let evidence = trf(
        lang,
        "report.prep_evidence",
        &[
            ("present", format::int(prep.present as i64, lang)),
            ("verified", format::int(prep.verified as i64, lang)),
            ("items", format::int(prep.items as i64, lang)),
        ],
    );
    let follow_ups = prep.follow_ups.clone();
    view! {
        <div class="report-prep">
            <h3>{trf(lang, "report.prep_title", &[("year", prep.award_year.to_string())])}</h3>
            <p>{tr(lang, "eval.status")}": "<strong>{status}</strong>" · "{evidence}</p>
            {if follow_ups.is_empty() {
                view! { <p>{tr(lang, "eval.no_follow_ups")}</p> }.into_any()
            } else {
                view! {
                    <p>{trn(lang, "report.prep_follow_ups", follow_ups.len() as i64, &[])}</p>
                    <ul class="follow-ups">
                        {follow_ups.into_iter().map(|(href, item, due)| view! {
                            <li><a href=href>{item}</a>" · "{tr(lang, "eval.due")}" "{format::date(&due, lang)}</li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </div>
    }
    .into_any()
}

#[component]
pub fn ProvinceReportPage() -> impl IntoView {
    let raw = route_code();
    let role = super::manage::session().map(|s| s.user.role);
    region_page(move |state, lang, params| async move {
        let code = resolve(&state, &raw, RegionLevel::Province);
        let (code, params) = (code?, params?);
        let d = load(&state, code, params).await?;
        // Only a role that covers some of the province's kab/kota sees preparation; for the others the
        // report is the public one.
        let preparations = match role {
            Some(role) if state.regions.regencies_of(code).any(|r| role.covers(r.code)) => Some(preparations(&state, code, role).await?),
            _ => None,
        };
        Ok(render(d, preparations, lang))
    })
}
