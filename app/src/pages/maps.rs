//! Map figures: kab/kota coloured by their latest predicate (drawn by `geo`), with the data behind them.

use crate::charts::{Drawing, NO_RECORD, NO_RECORD_HATCH, PREDICATE_COLOURS, hex};
use crate::error::AppError;
use crate::figures::{Cell, Dataset, Figure, col, database_source};
use crate::geo;
use crate::state::AppState;
use kla::aggregate::LatestPredicate;
use kla::domain::{Predicate, RegionCode};
use kla::i18n::{Lang, tr};
use plotters::style::RGBColor;
use std::collections::HashMap;

fn colour_of(p: Option<Predicate>) -> RGBColor {
    PREDICATE_COLOURS[p.map_or(0, |p| p.rank() as usize)]
}

/// The dataset behind a map: one row per regency shown.
fn dataset(
    state: &AppState,
    lang: Lang,
    regencies: Vec<RegionCode>,
    latest: &HashMap<&str, &LatestPredicate>,
    title: String,
    demo: bool,
) -> Dataset {
    Dataset {
        id: "peta-predikat",
        description: tr(lang, "chart.map_desc"),
        definition: tr(lang, "definition.latest_predicate"),
        sources: vec![database_source(lang), crate::figures::Source { label: tr(lang, "source.boundaries"), url: None }],
        columns: vec![
            col("code", lang, "table.code"),
            col("regency", lang, "table.regency"),
            col("predicate", lang, "table.latest_predicate"),
            col("award_year", lang, "table.award_year"),
        ],
        rows: regencies
            .into_iter()
            .map(|c| {
                let code = c.to_string();
                let l = latest.get(code.as_str());
                vec![
                    Cell::Text(code.clone()),
                    Cell::Text(state.regions.name(c).to_string()),
                    Cell::Text(match l {
                        None => tr(lang, "map.no_record"),
                        Some(l) => super::predicate_label(l.predicate, lang),
                    }),
                    l.map_or(Cell::Num(None, 0), |l| Cell::Year(l.award_year.into())),
                ]
            })
            .collect(),
        demo,
        title,
    }
}

/// A map is a group of links (one per kab/kota, named by its `<title>`), not a flat image; a phone pans it
/// rather than getting a second drawing.
fn linked(svg: String) -> Drawing {
    Drawing { wide: svg.replacen("role=\"img\"", "role=\"group\"", 1), narrow: None }
}

/// How a map colours and names each kab/kota: by its latest predicate, named "Kabupaten Tanah Bumbu — Madya,
/// 2023" (or "— no record yet").
fn styled<'a>(
    lang: Lang,
    by_code: &'a HashMap<&str, &LatestPredicate>,
) -> (impl Fn(&str) -> Option<RGBColor> + 'a, impl Fn(&str, &str) -> String + 'a) {
    let fill = move |code: &str| by_code.get(code).map(|l| colour_of(l.predicate));
    let name = move |code: &str, name: &str| match by_code.get(code) {
        Some(l) => format!("{name} — {}, {}", super::predicate_label(l.predicate, lang), l.award_year),
        None => format!("{name} — {}", tr(lang, "map.no_record")),
    };
    (fill, name)
}

/// The national map of every kab/kota's latest predicate.
pub fn national(state: &AppState, lang: Lang, latest: &[LatestPredicate], demo: bool) -> Result<Option<Figure>, AppError> {
    let by_code: HashMap<&str, &LatestPredicate> = latest.iter().map(|l| (l.regency.as_str(), l)).collect();
    let title = format!("{} — {}", tr(lang, "chart.map"), tr(lang, "place.indonesia"));
    let (fill, name) = styled(lang, &by_code);
    let svg = linked(geo::national_map(&title, &geo::Styling { fill: &fill, default: NO_RECORD, name: &name })?);
    let regencies = state.regions.regencies().map(|r| r.code).collect();
    Ok(Some(Figure { svg: Some(svg), data: dataset(state, lang, regencies, &by_code, title, demo) }))
}

/// The map of a province's kab/kota and their latest predicates.
pub fn province(
    state: &AppState,
    lang: Lang,
    province: RegionCode,
    latest: &[LatestPredicate],
    demo: bool,
) -> Result<Option<Figure>, AppError> {
    let by_code: HashMap<&str, &LatestPredicate> = latest.iter().map(|l| (l.regency.as_str(), l)).collect();
    let title = format!("{} — {}", tr(lang, "chart.map"), state.regions.name(province));
    let (fill, name) = styled(lang, &by_code);
    let style = geo::Styling { fill: &fill, default: NO_RECORD, name: &name };
    let Some(svg) = geo::province_map(&province.to_string(), &title, &style)?.map(linked) else { return Ok(None) };
    let regencies = state.regions.regencies_of(province).map(|r| r.code).collect();
    Ok(Some(Figure { svg: Some(svg), data: dataset(state, lang, regencies, &by_code, title, demo) }))
}

/// The colour key of the maps: (label, CSS background) — "no record" hatched as on the map.
pub fn legend(lang: Lang) -> Vec<(String, String)> {
    let hatch = format!("repeating-linear-gradient(45deg,#fff 0 2px,{} 2px 3.2px)", hex(NO_RECORD_HATCH));
    let mut out = vec![(tr(lang, "map.no_record"), hatch), (tr(lang, "predicate.none"), hex(PREDICATE_COLOURS[0]))];
    out.extend(Predicate::ALL.iter().map(|p| (p.label().to_string(), hex(colour_of(Some(*p))))));
    out
}
