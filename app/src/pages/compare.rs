//! `/banding?kode=63.10,63.72,62`: up to six regions of any level (Indonesia `nasional`, a province `PP`, a
//! kab/kota `PP.KK`) side by side — training events and participants per year, the share of service units
//! with KHA-certified staff, and the predicates per award year — each figure on one axis shared by every
//! region, with its table, CSV and JSON (`/api/v1/banding/{figure}`). The regions' data come from their own
//! pages' loaders (and caches), so a region reads the same here as on its page.
//!
//! The order of `kode` is the reader's (the first region is the one they came from) and is kept: a region is
//! numbered by its place in it on every chart. The canonical URL (`server/src/canonical.rs`) writes the
//! codes once each, comma-separated, and drops every parameter but `kode`, `tahun` and `lang`.

use super::page_params_query;
use super::params::PageParams;
use super::region::{chart_views, covered_cell, crumbs, scope_note};
use crate::charts::{self, NO_RECORD, PREDICATE_COLOURS, REGION_COLOURS, Ranked, Stacked};
use crate::components::{DataTable, ErrorPage, Layout, data_lang};
use crate::error::AppError;
use crate::figures::{self, Cell, Column, Dataset, Figure, col, database_source};
use crate::lang::use_lang;
use crate::paths;
use crate::state::AppState;
use kla::aggregate::{Distribution, TrainingTotals, UnitTotals, YearTraining};
use kla::domain::{Predicate, RegionCode, RegionLevel};
use kla::format;
use kla::i18n::{Lang, tr, trf};
use leptos::prelude::*;
use serde::Serialize;

/// The most regions one comparison holds.
pub const MAX_REGIONS: usize = 6;
/// The code that names Indonesia as a whole.
pub const NATIONAL: &str = "nasional";
/// The longest offending value an error message repeats, in characters.
const MAX_SHOWN: usize = 24;

/// One compared place.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub enum Place {
    National,
    Region(RegionCode),
}

impl std::fmt::Display for Place {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Place::National => f.write_str(NATIONAL),
            Place::Region(c) => write!(f, "{c}"),
        }
    }
}

/// Why a `kode` list was refused, before any region is looked up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CodesError {
    /// A value that is no code (as typed, cut to a few characters).
    Bad(String),
    /// More than [`MAX_REGIONS`] different regions (how many were given, counted up to one more).
    TooMany,
}

/// The places of the `kode` values (each a comma-separated list; empty items skipped), each once, in the
/// order given. Stops reading at the first bad value or at one region too many, so the work is bounded
/// whatever the query holds.
pub fn parse_codes<'a>(values: impl IntoIterator<Item = &'a str>) -> Result<Vec<Place>, CodesError> {
    let mut out: Vec<Place> = Vec::with_capacity(MAX_REGIONS);
    for item in values.into_iter().flat_map(|v| v.split(',')).map(str::trim).filter(|s| !s.is_empty()) {
        let place = if item.eq_ignore_ascii_case(NATIONAL) {
            Place::National
        } else {
            Place::Region(RegionCode::parse(item).map_err(|_| CodesError::Bad(item.chars().take(MAX_SHOWN).collect()))?)
        };
        if !out.contains(&place) {
            if out.len() == MAX_REGIONS {
                return Err(CodesError::TooMany);
            }
            out.push(place);
        }
    }
    Ok(out)
}

/// The view's state: the places and the year the totals count (`tahun`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct CompareParams {
    pub places: Vec<Place>,
    pub year: Option<i32>,
}

impl CompareParams {
    /// Parses `kode` (every one given) and `tahun`; other parameters are ignored. A value that is not
    /// understood, a region the registry does not hold, or more than six regions: a 400 naming `kode`.
    pub fn from_query(query: &str, lang: Lang, state: &AppState) -> Result<Self, AppError> {
        let pairs: Vec<(String, String)> = serde_urlencoded::from_str(query).map_err(|_| AppError::BadRequest(tr(lang, "error.query")))?;
        let year = PageParams::from_query(
            &serde_urlencoded::to_string(pairs.iter().filter(|(k, _)| k == "tahun").collect::<Vec<_>>()).unwrap_or_default(),
            lang,
        )?
        .year;
        let places = parse_codes(pairs.iter().filter(|(k, _)| k == "kode").map(|(_, v)| v.as_str())).map_err(|e| match e {
            CodesError::Bad(v) => AppError::BadRequest(format!("kode: {}", trf(lang, "compare.error_bad", &[("value", v)]))),
            CodesError::TooMany => {
                AppError::BadRequest(format!("kode: {}", trf(lang, "compare.error_too_many", &[("max", MAX_REGIONS.to_string())])))
            }
        })?;
        if let Some(unknown) = places.iter().find(|p| matches!(p, Place::Region(c) if !state.regions.contains(*c))) {
            return Err(AppError::BadRequest(format!("kode: {}", trf(lang, "compare.error_unknown", &[("value", unknown.to_string())]))));
        }
        Ok(Self { places, year })
    }

    /// The canonical query: `kode=a,b` then `tahun=…` (empty without regions or year).
    pub fn query(&self) -> String {
        let mut parts = Vec::new();
        if !self.places.is_empty() {
            parts.push(format!("kode={}", self.places.iter().map(Place::to_string).collect::<Vec<_>>().join(",")));
        }
        if let Some(y) = self.year {
            parts.push(format!("tahun={y}"));
        }
        parts.join("&")
    }

    /// The page for these parameters.
    pub fn href(&self) -> String {
        paths::compare(&self.places, self.year)
    }
}

/// One region's figures, as its own page has them.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ComparedRegion {
    /// `nasional`, `PP` or `PP.KK`.
    pub code: String,
    pub name: String,
    pub level: RegionLevel,
    /// Training activity in the chosen year (all years without one).
    pub trainings: TrainingTotals,
    pub by_year: Vec<YearTraining>,
    pub units: UnitTotals,
    /// The kab/kota the predicate figure counts: the region's (1 for a kab/kota).
    pub regencies: i64,
    /// Per award year, the region's kab/kota by predicate record (a kab/kota: its own record).
    pub predicates: Vec<(i32, Distribution)>,
    pub demo: bool,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CompareData {
    pub params: CompareParams,
    pub regions: Vec<ComparedRegion>,
    pub demo: bool,
}

/// Each region's data from its page's loader (cached per region version), all at once.
pub async fn load(state: &AppState, params: CompareParams) -> Result<CompareData, AppError> {
    let view = PageParams { year: params.year, ..Default::default() };
    let loads = params.places.iter().map(|&place| async move {
        Ok::<_, AppError>(match place {
            Place::National => {
                let d = super::national::load(state, view).await?;
                ComparedRegion {
                    code: NATIONAL.into(),
                    name: tr(Lang::Id, "place.indonesia"),
                    level: RegionLevel::National,
                    trainings: d.trainings,
                    by_year: d.by_year,
                    units: d.units,
                    regencies: d.regencies as i64,
                    predicates: d.over_years,
                    demo: d.demo,
                }
            }
            Place::Region(code) if code.level() == RegionLevel::Province => {
                let d = super::province::load(state, code, view).await?;
                ComparedRegion {
                    code: d.code,
                    name: d.name,
                    level: RegionLevel::Province,
                    trainings: d.trainings,
                    by_year: d.by_year,
                    units: d.units,
                    regencies: d.regencies.len() as i64,
                    predicates: d.over_years,
                    demo: d.demo,
                }
            }
            Place::Region(code) => {
                let d = super::regency::load(state, code, view).await?;
                let predicates = d
                    .predicates
                    .iter()
                    .map(|p| {
                        let mut one = Distribution::default();
                        one.add(p.predicate());
                        (p.award_year as i32, one)
                    })
                    .collect();
                ComparedRegion {
                    code: d.code,
                    name: d.name,
                    level: RegionLevel::Regency,
                    trainings: d.trainings,
                    by_year: d.by_year,
                    units: d.units,
                    regencies: 1,
                    predicates,
                    demo: d.demo,
                }
            }
        })
    });
    let regions = futures_util::future::try_join_all(loads).await?;
    let demo = regions.iter().any(|r| r.demo);
    Ok(CompareData { params, regions, demo })
}

/// A region's name in the reader's language (Indonesia is named; other names are data).
fn name_of(r: &ComparedRegion, lang: Lang) -> String {
    if r.level == RegionLevel::National { tr(lang, "place.indonesia") } else { r.name.clone() }
}

/// Series `i`'s label on the charts: its number (the tag above its bars) and its name.
fn numbered(i: usize, r: &ComparedRegion, lang: Lang) -> String {
    format!("{} {}", i + 1, name_of(r, lang))
}

/// Every year in any region's list, oldest first.
fn union_years(lists: impl Iterator<Item = Vec<i32>>) -> Vec<i32> {
    let mut years: Vec<i32> = lists.flatten().collect();
    years.sort_unstable();
    years.dedup();
    years
}

/// Bars grouped by year, one per region (tagged with its number), in the region's colour. `value` gives a
/// region's count in a year (`None`: nobody reported it — an empty bar labelled "not reported", never 0) and
/// whether the bar is marked `*`.
fn grouped(
    title: &str,
    years: &[i32],
    regions: &[ComparedRegion],
    lang: Lang,
    value: impl Fn(usize, i32) -> (Option<i64>, bool),
    y_label: String,
) -> Result<Option<charts::Drawing>, AppError> {
    let n = regions.len();
    let mut bars = Vec::with_capacity(years.len() * n);
    let mut value_labels = Vec::with_capacity(years.len() * n);
    let mut values: Vec<Vec<f64>> = vec![Vec::with_capacity(years.len() * n); n];
    for (c, &y) in years.iter().enumerate() {
        for i in 0..n {
            let (v, marked) = value(i, y);
            bars.push((c, format!("{}{}", i + 1, if marked { "*" } else { "" })));
            value_labels.push(format::count(v, lang));
            for (k, vs) in values.iter_mut().enumerate() {
                vs.push(if k == i { v.unwrap_or(0) as f64 } else { 0.0 });
            }
        }
    }
    Ok(charts::stacked(&Stacked {
        value_labels,
        title: title.to_string(),
        labels: years.iter().map(i32::to_string).collect(),
        series: regions
            .iter()
            .enumerate()
            .zip(values)
            .map(|((i, r), v)| (numbered(i, r, lang), REGION_COLOURS[i % REGION_COLOURS.len()], v))
            .collect(),
        y_label,
        bars,
    })?)
}

fn year_totals(r: &ComparedRegion, y: i32) -> TrainingTotals {
    r.by_year.iter().find(|t| t.year == y).map(|t| t.totals.clone()).unwrap_or_default()
}

fn region_columns(lang: Lang) -> Vec<Column> {
    vec![col("region", lang, "compare.region"), col("code", lang, "table.code")]
}

fn region_cells(r: &ComparedRegion, lang: Lang) -> [Cell; 2] {
    [Cell::Text(name_of(r, lang)), Cell::Text(r.code.clone())]
}

/// Training events per year, every region's bars side by side on one axis.
fn events_per_year(lang: Lang, d: &CompareData) -> Result<Figure, AppError> {
    let title = tr(lang, "compare.events_title");
    let years = union_years(d.regions.iter().map(|r| r.by_year.iter().map(|y| y.year).collect()));
    let svg = if years.is_empty() {
        None
    } else {
        grouped(
            &title,
            &years,
            &d.regions,
            lang,
            |i, y| (Some(year_totals(&d.regions[i], y).events), false),
            tr(lang, "chart.events_axis"),
        )?
    };
    let mut columns = region_columns(lang);
    columns.extend([col("year", lang, "table.year"), col("events", lang, "figure.events")]);
    let rows = d
        .regions
        .iter()
        .flat_map(|r| years.iter().map(move |&y| (r, y)))
        .map(|(r, y)| {
            let [a, b] = region_cells(r, lang);
            vec![a, b, Cell::Year(y.into()), Cell::Int(year_totals(r, y).events)]
        })
        .collect();
    Ok(Figure {
        svg,
        data: Dataset {
            id: "kegiatan-per-tahun",
            title,
            description: tr(lang, "compare.events_desc"),
            definition: tr(lang, "definition.trainings"),
            sources: vec![database_source(lang)],
            columns,
            rows,
            demo: d.regions.iter().any(|r| r.by_year.iter().any(|y| y.totals.demo)),
        },
    })
}

/// Participants per year, on one axis; a bar over events some of which reported no count is marked `*`, and
/// the table says how many events each sum covers.
fn participants_per_year(lang: Lang, d: &CompareData) -> Result<Figure, AppError> {
    let title = tr(lang, "compare.participants_title");
    let years = union_years(d.regions.iter().map(|r| r.by_year.iter().map(|y| y.year).collect()));
    let svg = if years.is_empty() {
        None
    } else {
        grouped(
            &title,
            &years,
            &d.regions,
            lang,
            |i, y| {
                let c = year_totals(&d.regions[i], y).participants();
                (c.known(), !c.complete())
            },
            tr(lang, "compare.participants_axis"),
        )?
    };
    let mut columns = region_columns(lang);
    columns.extend([
        col("year", lang, "table.year"),
        col("participants", lang, "figure.participants"),
        col("participant_events", lang, "table.participant_events"),
        col("events", lang, "figure.events"),
    ]);
    let rows = d
        .regions
        .iter()
        .flat_map(|r| years.iter().map(move |&y| (r, y)))
        .map(|(r, y)| {
            let t = year_totals(r, y);
            let [a, b] = region_cells(r, lang);
            vec![a, b, Cell::Year(y.into()), Cell::Count(t.participants().known()), Cell::Int(t.participant_events), Cell::Int(t.events)]
        })
        .collect();
    Ok(Figure {
        svg,
        data: Dataset {
            id: "peserta-per-tahun",
            title,
            description: format!("{} {}", tr(lang, "compare.participants_desc"), tr(lang, "compare.unreported_mark")),
            definition: tr(lang, "definition.trainings"),
            sources: vec![database_source(lang)],
            columns,
            rows,
            demo: d.regions.iter().any(|r| r.by_year.iter().any(|y| y.totals.demo)),
        },
    })
}

/// The share of service units with KHA-certified staff, 0–100 % for every region, with the units counted.
fn certified_share(lang: Lang, d: &CompareData) -> Result<Figure, AppError> {
    let title = tr(lang, "compare.certified_title");
    // The units counted beside the name, the share at the bar's end: short, so the bars keep their length.
    let svg = charts::ranked(&Ranked {
        title: title.clone(),
        labels: d
            .regions
            .iter()
            .enumerate()
            .map(|(i, r)| {
                format!("{} ({}/{})", numbered(i, r, lang), format::int(r.units.certified_units, lang), format::int(r.units.units, lang))
            })
            .collect(),
        values: d.regions.iter().map(|r| r.units.unit_share().unwrap_or(0.0)).collect(),
        value_labels: d.regions.iter().map(|r| format::percent(r.units.unit_share(), lang)).collect(),
        max: Some(1.0),
        colour: charts::ACCENT,
    })?;
    let mut columns = region_columns(lang);
    columns.extend([
        col("units", lang, "figure.units_cap"),
        col("certified_units", lang, "table.certified_units"),
        col("certified_unit_share", lang, "figure.certified_share"),
    ]);
    Ok(Figure {
        svg,
        data: Dataset {
            id: "satuan-bersertifikat",
            title,
            description: tr(lang, "compare.certified_desc"),
            definition: tr(lang, "definition.certified_share"),
            sources: vec![database_source(lang)],
            columns,
            rows: d
                .regions
                .iter()
                .map(|r| {
                    let [a, b] = region_cells(r, lang);
                    vec![a, b, Cell::Int(r.units.units), Cell::Int(r.units.certified_units), Cell::Share(r.units.unit_share())]
                })
                .collect(),
            demo: d.regions.iter().any(|r| r.units.demo),
        },
    })
}

/// The keys of the predicate columns, no predicate first (as [`Distribution`] counts them).
const LEVEL_KEYS: [&str; 6] = ["none", "pratama", "madya", "nindya", "utama", "kla"];

/// Per award year, the share of each region's kab/kota at each predicate (a kab/kota: 100 % at its own),
/// with those that have no record that year; all on one 0–100 % axis.
fn predicates_per_year(lang: Lang, d: &CompareData) -> Result<Figure, AppError> {
    let title = tr(lang, "compare.predicates_title");
    let years = union_years(d.regions.iter().map(|r| r.predicates.iter().map(|(y, _)| *y).collect()));
    let of = |r: &ComparedRegion, y: i32| r.predicates.iter().find(|(py, _)| *py == y).map(|(_, d)| d.clone()).unwrap_or_default();
    let pct = |n: i64, r: &ComparedRegion| if r.regencies > 0 { n as f64 * 100.0 / r.regencies as f64 } else { 0.0 };
    let no_record = |dist: &Distribution, r: &ComparedRegion| (r.regencies - dist.0.iter().sum::<i64>()).max(0);
    let mut bars = Vec::new();
    let mut per_bar: Vec<(usize, Distribution)> = Vec::new();
    for (c, &y) in years.iter().enumerate() {
        for (i, r) in d.regions.iter().enumerate() {
            bars.push((c, (i + 1).to_string()));
            per_bar.push((i, of(r, y)));
        }
    }
    // No predicate, Pratama … KLA, then no record: each a share of the region's kab/kota, so every bar is 100 %.
    let level_labels = figures::distribution_labels(lang);
    let mut series: Vec<(String, plotters::style::RGBColor, Vec<f64>)> = (0..6)
        .map(|k| (level_labels[k].clone(), PREDICATE_COLOURS[k], per_bar.iter().map(|(i, dist)| pct(dist.0[k], &d.regions[*i])).collect()))
        .collect();
    series.push((
        tr(lang, "compare.no_record"),
        NO_RECORD,
        per_bar.iter().map(|(i, dist)| pct(no_record(dist, &d.regions[*i]), &d.regions[*i])).collect(),
    ));
    let svg = if years.is_empty() {
        None
    } else {
        charts::stacked(&Stacked {
            value_labels: vec![],
            title: title.clone(),
            labels: years.iter().map(i32::to_string).collect(),
            series,
            y_label: tr(lang, "compare.predicates_axis"),
            bars,
        })?
    };
    let mut columns = region_columns(lang);
    columns.extend([
        col("award_year", lang, "table.award_year"),
        col("predicate", lang, "table.predicate"),
        col("regencies", lang, "table.regencies"),
        col("no_record", lang, "compare.no_record"),
    ]);
    columns.extend(LEVEL_KEYS.iter().zip(figures::distribution_labels(lang)).map(|(k, l)| Column { key: k, label: l }));
    columns.push(col("madya_or_higher_share", lang, "compare.madya_or_higher"));
    let rows = d
        .regions
        .iter()
        .flat_map(|r| years.iter().map(move |&y| (r, y)))
        .map(|(r, y)| {
            let dist = of(r, y);
            let recorded: i64 = dist.0.iter().sum();
            // A kab/kota's own predicate, in words; a province or Indonesia has counts only.
            let own = if r.level == RegionLevel::Regency {
                Cell::Text(if recorded == 0 {
                    tr(lang, "compare.no_record")
                } else {
                    super::predicate_label(Predicate::ALL.iter().copied().find(|p| dist.count(Some(*p)) > 0), lang)
                })
            } else {
                Cell::Num(None, 0)
            };
            let [a, b] = region_cells(r, lang);
            let madya_up: i64 = dist.0[2..].iter().sum();
            let mut row = vec![a, b, Cell::Year(y.into()), own, Cell::Int(r.regencies), Cell::Int(no_record(&dist, r))];
            row.extend(dist.0.iter().map(|&n| Cell::Int(n)));
            row.push(Cell::Share((r.regencies > 0).then(|| madya_up as f64 / r.regencies as f64)));
            row
        })
        .collect();
    Ok(Figure {
        svg,
        data: Dataset {
            id: "predikat-per-tahun",
            title,
            description: tr(lang, "compare.predicates_desc"),
            definition: tr(lang, "compare.predicates_definition"),
            sources: vec![database_source(lang)],
            columns,
            rows,
            demo: d.regions.iter().any(|r| r.demo),
        },
    })
}

/// The page's figures, in page order; the API serves each by its id. None without regions.
pub fn figures(d: &CompareData, lang: Lang) -> Result<Vec<Figure>, AppError> {
    if d.regions.is_empty() {
        return Ok(vec![]);
    }
    Ok(vec![events_per_year(lang, d)?, participants_per_year(lang, d)?, certified_share(lang, d)?, predicates_per_year(lang, d)?])
}

/// The three measures side by side: one row per region, in the reader's order.
fn summary_table(d: &CompareData, lang: Lang) -> impl IntoView + use<> {
    let headers = vec![
        tr(lang, "compare.region"),
        tr(lang, "figure.events"),
        tr(lang, "figure.participants"),
        tr(lang, "figure.certified_share"),
        tr(lang, "compare.latest_predicate"),
    ];
    let links = d
        .regions
        .iter()
        .map(|r| {
            Some(match r.level {
                RegionLevel::National => paths::HOME.to_string(),
                RegionLevel::Province => paths::province(&r.code),
                RegionLevel::Regency => paths::regency(&r.code),
            })
        })
        .collect();
    let rows = d
        .regions
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let latest = r.predicates.last().map_or_else(
                || tr(lang, "compare.no_record"),
                |(y, dist)| match r.level {
                    RegionLevel::Regency => {
                        format!("{} ({y})", super::predicate_label(Predicate::ALL.iter().copied().find(|p| dist.count(Some(*p)) > 0), lang))
                    }
                    _ => trf(
                        lang,
                        "compare.awarded_of",
                        &[("n", format::int(dist.awarded(), lang)), ("of", format::int(r.regencies, lang)), ("year", y.to_string())],
                    ),
                },
            );
            vec![
                numbered(i, r, lang),
                format::int(r.trainings.events, lang),
                covered_cell(lang, r.trainings.participants()),
                match r.units.unit_share() {
                    Some(_) => format!(
                        "{} ({}/{})",
                        format::percent(r.units.unit_share(), lang),
                        format::int(r.units.certified_units, lang),
                        format::int(r.units.units, lang)
                    ),
                    None => tr(lang, "compare.no_units"),
                },
                latest,
            ]
        })
        .collect();
    view! {
        <DataTable headers=headers rows=rows numeric=vec![false, true, true, true, false] label=tr(lang, "compare.summary_heading") links=links link_column=0/>
    }
}

/// The GET form that builds the comparison without JavaScript: six code fields (a list of every region's
/// name helps to fill them in), the year, and under it each region with a link that drops it.
fn compare_form(state: &AppState, d: &CompareData, lang: Lang) -> impl IntoView + use<> {
    let codes: Vec<String> = d.params.places.iter().map(Place::to_string).collect();
    let fields = (0..MAX_REGIONS)
        .map(|i| {
            let id = format!("kode-{}", i + 1);
            let value = codes.get(i).cloned().unwrap_or_default();
            view! {
                <div class="field">
                    <label for=id.clone()>{trf(lang, "compare.field", &[("n", (i + 1).to_string())])}</label>
                    <input id=id type="text" name="kode" value=value list="wilayah" inputmode="decimal" autocomplete="off" size="10"/>
                </div>
            }
        })
        .collect_view();
    let mut years = union_years(d.regions.iter().map(|r| r.by_year.iter().map(|y| y.year).collect()));
    if let Some(y) = d.params.year
        && !years.contains(&y)
    {
        years.push(y);
        years.sort_unstable();
    }
    let selected = d.params.year;
    let options = std::iter::once((NATIONAL.to_string(), tr(lang, "place.indonesia")))
        .chain(state.regions.provinces().chain(state.regions.regencies()).map(|r| (r.code.to_string(), r.name.clone())))
        .map(|(code, name)| view! { <option value=code>{name}</option> })
        .collect_view();
    let remove = d
        .regions
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let rest = CompareParams {
                places: d.params.places.iter().enumerate().filter(|(j, _)| *j != i).map(|(_, p)| *p).collect(),
                year: d.params.year,
            };
            let name = name_of(r, lang);
            view! {
                <li>
                    <span lang=data_lang(lang)>{name.clone()}</span>" "<span class="code">{r.code.clone()}</span>" · "
                    <a href=rest.href()>{tr(lang, "compare.remove")}<span class="visually-hidden">" "{name}</span></a>
                </li>
            }
        })
        .collect_view();
    view! {
        <form class="filter compare-form" method="get" action=paths::COMPARE>
            <fieldset>
                <legend>{trf(lang, "compare.form_legend", &[("max", MAX_REGIONS.to_string())])}</legend>
                <p class="scope-note" id="kode-hint">{tr(lang, "compare.form_hint")}</p>
                <div class="compare-fields">{fields}</div>
            </fieldset>
            <datalist id="wilayah">{options}</datalist>
            <div class="field">
                <label for="tahun">{tr(lang, "filter.year")}</label>
                <select id="tahun" name="tahun">
                    <option value="" selected=selected.is_none()>{tr(lang, "filter.all_years")}</option>
                    {years.into_iter().rev().map(|y| view! { <option value=y.to_string() selected=selected == Some(y)>{y.to_string()}</option> }).collect_view()}
                </select>
            </div>
            <button type="submit">{tr(lang, "compare.apply")}</button>
        </form>
        {(!d.regions.is_empty()).then(|| view! {
            <h2 id="wilayah-dibandingkan">{tr(lang, "compare.regions_heading")}</h2>
            <ol class="compare-list" aria-labelledby="wilayah-dibandingkan">{remove}</ol>
        })}
    }
}

fn render(state: &AppState, d: CompareData, lang: Lang) -> Result<AnyView, AppError> {
    let figs = figures(&d, lang)?;
    let query = d.params.query();
    let link = d.params.href();
    let names: Vec<String> = d.regions.iter().map(|r| name_of(r, lang)).collect();
    let description =
        if names.is_empty() { tr(lang, "compare.lead") } else { trf(lang, "compare.description", &[("names", names.join(", "))]) };
    let crumbs = crumbs(lang, vec![], Some(tr(lang, "compare.title")));
    let has = !d.regions.is_empty();
    let form = compare_form(state, &d, lang);
    let summary = has.then(|| summary_table(&d, lang));
    Ok(view! {
        <Layout title=tr(lang, "compare.title") crumbs=crumbs demo=d.demo description=description>
            <p class="lead">{tr(lang, "compare.lead")}</p>
            {form}
            {if has {
                view! {
                    <p class="share-link">
                        <label for="tautan">{tr(lang, "compare.share_link")}</label>
                        <input id="tautan" type="text" readonly value=link.clone()/>
                        " "<a href=link>{tr(lang, "compare.open_link")}</a>
                    </p>
                    <p class="scope-note">{scope_note(lang, d.params.year)}</p>
                    <h2 id="ringkasan">{tr(lang, "compare.summary_heading")}</h2>
                    {summary}
                    <div class="charts">{chart_views(figs, paths::API_COMPARE, &query)}</div>
                }
                .into_any()
            } else {
                view! { <p class="empty">{tr(lang, "compare.empty")}</p> }.into_any()
            }}
        </Layout>
    }
    .into_any())
}

#[component]
pub fn ComparePage() -> impl IntoView {
    let state = expect_context::<AppState>();
    let lang = use_lang();
    let query = page_params_query();
    view! {
        <Suspense fallback=|| ()>
            {Suspend::new(async move {
                let page = async {
                    let params = CompareParams::from_query(&query, lang, &state)?;
                    render(&state, load(&state, params).await?, lang)
                };
                page.await.unwrap_or_else(|e| view! { <ErrorPage error=e/> }.into_any())
            })}
        </Suspense>
    }
}

/// The comparison a region page links to: the region itself, then its nearest neighbours of its level (a
/// kab/kota's in its province), at most [`MAX_REGIONS`] in all (see `geo::neighbours`). A region the map has
/// no outline for (a new one) gets the others of its level in its province, by code, instead.
pub fn with_neighbours(state: &AppState, code: RegionCode) -> String {
    let near: Vec<RegionCode> =
        crate::geo::neighbours(&code.to_string()).iter().filter_map(|c| state.regions.find(c)).map(|r| r.code).collect();
    let near: Vec<RegionCode> = if !near.is_empty() {
        near
    } else if code.level() == RegionLevel::Regency {
        state.regions.regencies_of(code.province()).map(|r| r.code).filter(|c| *c != code).collect()
    } else {
        state.regions.provinces().map(|r| r.code).filter(|c| *c != code).collect()
    };
    let places: Vec<Place> = std::iter::once(code).chain(near).take(MAX_REGIONS).map(Place::Region).collect();
    paths::compare(&places, None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_keep_their_order_once_each() {
        let p = parse_codes(["63.10, 63.72,,63.10", "62,nasional", ""]).unwrap();
        let shown: Vec<String> = p.iter().map(Place::to_string).collect();
        assert_eq!(shown, ["63.10", "63.72", "62", "nasional"]);
        assert_eq!(parse_codes(["NASIONAL"]).unwrap(), vec![Place::National]);
        assert!(parse_codes([""]).unwrap().is_empty());
    }

    #[test]
    fn bad_codes_and_too_many_are_refused() {
        assert_eq!(parse_codes(["63.10,banjar"]), Err(CodesError::Bad("banjar".into())));
        assert_eq!(parse_codes(["6"]), Err(CodesError::Bad("6".into())));
        let long = "x".repeat(500);
        assert_eq!(parse_codes([long.as_str()]), Err(CodesError::Bad("x".repeat(MAX_SHOWN))));
        assert_eq!(parse_codes(["11,12,13,14,15,16"]).unwrap().len(), 6);
        assert_eq!(parse_codes(["11,12,13,14,15,16,11,12"]).unwrap().len(), 6, "repeats do not count");
        assert_eq!(parse_codes(["11,12,13,14,15,16,17"]), Err(CodesError::TooMany));
    }

    #[test]
    fn the_query_is_canonical() {
        let p = CompareParams { places: parse_codes(["63.10,62,nasional"]).unwrap(), year: Some(2025) };
        assert_eq!(p.query(), "kode=63.10,62,nasional&tahun=2025");
        assert_eq!(p.href(), "/banding?kode=63.10,62,nasional&tahun=2025");
        assert_eq!(CompareParams { places: vec![], year: None }.href(), "/banding");
    }

    #[test]
    fn union_of_years_is_sorted_once_each() {
        assert_eq!(union_years([vec![2023, 2025], vec![2021, 2025]].into_iter()), vec![2021, 2023, 2025]);
    }
}
