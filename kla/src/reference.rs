//! Reference data bundled with the application: the published national KLA results (real figures, each with
//! its source) and the targets the scorecards measure regencies against (configurable by file).

use crate::domain::ProviderKind;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

const PUBLISHED_CSV: &str = include_str!("../data/kla-national-results.csv");
const TARGETS_CSV: &str = include_str!("../data/targets.csv");
/// The attribution and licence notice of the bundled reference data (`kla/data/README.md`): it travels with
/// any copy of that data, such as the bulk download's README.
pub const DATA_NOTICE: &str = include_str!("../data/README.md");

/// The national count of kab/kota per predicate for one award year, as published.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PublishedResult {
    pub award_year: i32,
    pub total: i64,
    /// Blank in the source (not published) is `None`.
    pub utama: Option<i64>,
    pub nindya: Option<i64>,
    pub madya: Option<i64>,
    pub pratama: Option<i64>,
    pub provila: Option<i64>,
    pub source: String,
}

/// The published results, oldest first.
pub fn published_results() -> Vec<PublishedResult> {
    let mut out: Vec<PublishedResult> = csv::Reader::from_reader(PUBLISHED_CSV.as_bytes())
        .deserialize()
        .collect::<Result<_, _>>()
        .expect("the bundled kla-national-results.csv is valid");
    out.sort_by_key(|r| r.award_year);
    out
}

/// What the scorecards measure against.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Targets {
    /// Training events a regency should organise each year.
    pub trainings_per_year: i64,
    /// Share of service units with certified staff.
    pub certified_unit_share: f64,
    /// Share of certified staff required of some kinds of unit (Puskesmas Ramah Anak: 50%).
    pub staff_share: BTreeMap<ProviderKind, f64>,
    /// Where each target comes from, by target name.
    pub sources: BTreeMap<String, String>,
}

#[derive(Debug, thiserror::Error)]
#[error("targets file, row {row}: {reason}")]
pub struct TargetsError {
    pub row: usize,
    pub reason: String,
}

impl Targets {
    /// The bundled defaults (`kla/data/targets.csv`).
    pub fn bundled() -> Self {
        Self::from_csv(TARGETS_CSV).expect("the bundled targets.csv is valid")
    }

    /// Reads a targets file with the columns target, provider_kind, threshold, source.
    pub fn from_csv(text: &str) -> Result<Self, TargetsError> {
        #[derive(Deserialize)]
        struct Row {
            target: String,
            provider_kind: String,
            threshold: f64,
            source: String,
        }
        let mut t = Targets { trainings_per_year: 1, certified_unit_share: 0.5, staff_share: BTreeMap::new(), sources: BTreeMap::new() };
        for (i, row) in csv::Reader::from_reader(text.as_bytes()).deserialize::<Row>().enumerate() {
            let row_no = i + 2;
            let bad = |reason: &str| TargetsError { row: row_no, reason: reason.to_string() };
            let r = row.map_err(|e| bad(&e.to_string()))?;
            match r.target.as_str() {
                "trainings_per_year" if r.threshold >= 0.0 && r.threshold.fract() == 0.0 => t.trainings_per_year = r.threshold as i64,
                "certified_unit_share" if (0.0..=1.0).contains(&r.threshold) => t.certified_unit_share = r.threshold,
                "staff_share" if (0.0..=1.0).contains(&r.threshold) => {
                    let kind = ProviderKind::parse(&r.provider_kind).ok_or_else(|| bad("unknown provider_kind"))?;
                    t.staff_share.insert(kind, r.threshold);
                }
                "trainings_per_year" | "certified_unit_share" | "staff_share" => return Err(bad("threshold out of range")),
                other => return Err(bad(&format!("unknown target {other:?}"))),
            }
            let key = if r.provider_kind.is_empty() { r.target } else { format!("{}:{}", r.target, r.provider_kind) };
            t.sources.insert(key, r.source);
        }
        Ok(t)
    }
}

/// A traffic light on a scorecard; never shown by colour alone (each has a word and a symbol).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Met,
    Near,
    Missed,
    NoData,
}

impl Status {
    /// Judges a value against a target: met at or above it, near at half of it or more, missed below.
    pub fn judge(value: Option<f64>, target: f64) -> Self {
        match value {
            None => Status::NoData,
            Some(v) if v >= target => Status::Met,
            Some(v) if v >= target / 2.0 => Status::Near,
            Some(_) => Status::Missed,
        }
    }
    pub fn key(self) -> &'static str {
        match self {
            Status::Met => "met",
            Status::Near => "near",
            Status::Missed => "missed",
            Status::NoData => "no_data",
        }
    }
    pub fn symbol(self) -> &'static str {
        match self {
            Status::Met => "●",
            Status::Near => "◐",
            Status::Missed => "○",
            Status::NoData => "–",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn published_results_keep_blanks_as_unknown() {
        let r = published_results();
        assert_eq!(r.first().unwrap().award_year, 2018);
        let y2025 = r.iter().find(|r| r.award_year == 2025).unwrap();
        assert_eq!((y2025.total, y2025.utama, y2025.pratama), (355, Some(22), Some(139)));
        assert!(y2025.source.starts_with("https://"));
        assert_eq!(r.iter().find(|r| r.award_year == 2018).unwrap().utama, None);
    }

    #[test]
    fn bundled_targets_include_the_puskesmas_bar() {
        let t = Targets::bundled();
        assert_eq!(t.trainings_per_year, 1);
        assert_eq!(t.staff_share[&ProviderKind::PuskesmasRamahAnak], 0.5);
    }

    #[test]
    fn targets_file_is_checked() {
        assert!(Targets::from_csv("target,provider_kind,threshold,source\ncertified_unit_share,,1.5,x\n").is_err());
        assert!(Targets::from_csv("target,provider_kind,threshold,source\nstaff_share,warung,0.5,x\n").is_err());
        assert!(Targets::from_csv("target,provider_kind,threshold,source\nsomething,,1,x\n").is_err());
    }

    #[test]
    fn judging_against_a_target() {
        assert_eq!(Status::judge(Some(0.5), 0.5), Status::Met);
        assert_eq!(Status::judge(Some(0.3), 0.5), Status::Near);
        assert_eq!(Status::judge(Some(0.1), 0.5), Status::Missed);
        assert_eq!(Status::judge(None, 0.5), Status::NoData);
        assert_eq!(Status::judge(Some(0.0), 1.0), Status::Missed);
    }
}
