//! The targets for the predicate distribution: how many regencies received each predicate in an award year,
//! from the published national results (`kla/data/kla-national-results.csv`), interpolated where the file
//! has no split or no year.

use super::sample::allocate;
use crate::domain::Predicate;
use serde::Deserialize;

/// How many regencies received each predicate in one award year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct YearTarget {
    pub award_year: i32,
    pub utama: usize,
    pub nindya: usize,
    pub madya: usize,
    pub pratama: usize,
}

impl YearTarget {
    pub fn awarded(&self) -> usize {
        self.utama + self.nindya + self.madya + self.pratama
    }
    pub fn count(&self, p: Predicate) -> usize {
        match p {
            Predicate::Utama => self.utama,
            Predicate::Nindya => self.nindya,
            Predicate::Madya => self.madya,
            Predicate::Pratama => self.pratama,
            Predicate::Kla => 0,
        }
    }
}

const NATIONAL_RESULTS_CSV: &str = include_str!("../../data/kla-national-results.csv");

#[derive(Deserialize)]
struct ResultRow {
    award_year: i32,
    total: Option<usize>,
    utama: Option<usize>,
    nindya: Option<usize>,
    madya: Option<usize>,
    pratama: Option<usize>,
}

/// The number of regencies per predicate to generate for `year`: the published counts where the file has
/// them; otherwise the published total split by shares interpolated from the nearest years with a split;
/// for a year missing from the file (2017, and 2020 and 2024 at the national scale) a total interpolated
/// between its neighbours, or extrapolated by the ratio of the first two years.
pub fn year_target(year: i32) -> YearTarget {
    let rows: Vec<ResultRow> = csv::Reader::from_reader(NATIONAL_RESULTS_CSV.as_bytes())
        .deserialize()
        .collect::<Result<_, _>>()
        .expect("the bundled kla-national-results.csv is valid");
    let totals: Vec<(i32, f64)> = rows.iter().filter_map(|r| r.total.map(|t| (r.award_year, t as f64))).collect();
    let splits: Vec<(i32, [f64; 4])> = rows
        .iter()
        .filter_map(|r| {
            let (u, n, m, p) = (r.utama?, r.nindya?, r.madya?, r.pratama?);
            let t = (u + n + m + p) as f64;
            Some((r.award_year, [u as f64 / t, n as f64 / t, m as f64 / t, p as f64 / t]))
        })
        .collect();
    if let Some(r) = rows.iter().find(|r| r.award_year == year)
        && let (Some(u), Some(n), Some(m), Some(p)) = (r.utama, r.nindya, r.madya, r.pratama)
    {
        return YearTarget { award_year: year, utama: u, nindya: n, madya: m, pratama: p };
    }
    let total = interpolate(&totals, year, true).round().max(0.0) as usize;
    let shares: Vec<f64> = (0..4).map(|i| interpolate(&splits.iter().map(|(y, s)| (*y, s[i])).collect::<Vec<_>>(), year, false)).collect();
    let c = allocate(total, &shares);
    YearTarget { award_year: year, utama: c[0], nindya: c[1], madya: c[2], pratama: c[3] }
}

/// Linear interpolation between the nearest points; outside them the nearest value, or (with `ratio`) the
/// growth of the two nearest points carried on.
fn interpolate(points: &[(i32, f64)], year: i32, ratio: bool) -> f64 {
    let before = points.iter().filter(|(y, _)| *y <= year).max_by_key(|(y, _)| *y);
    let after = points.iter().filter(|(y, _)| *y >= year).min_by_key(|(y, _)| *y);
    match (before, after) {
        (Some(&(y0, v0)), Some(&(y1, v1))) if y1 != y0 => v0 + (v1 - v0) * f64::from(year - y0) / f64::from(y1 - y0),
        (Some(&(_, v)), Some(_)) => v,
        (None, Some(&(y1, v1))) => {
            let next = points.iter().filter(|(y, _)| *y > y1).min_by_key(|(y, _)| *y);
            match next {
                Some(&(_, v2)) if ratio && v2 > 0.0 => v1 * (v1 / v2).powi(y1 - year),
                _ => v1,
            }
        }
        (Some(&(y0, v0)), None) => {
            let prev = points.iter().filter(|(y, _)| *y < y0).max_by_key(|(y, _)| *y);
            match prev {
                Some(&(_, vp)) if ratio && vp > 0.0 => v0 * (v0 / vp).powi(year - y0),
                _ => v0,
            }
        }
        (None, None) => 0.0,
    }
}
