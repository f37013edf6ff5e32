//! KLA predicates, the score bands that award them (data, not code), and predicate records with the score
//! at every evaluation stage.
//!
//! **The rule for scores between two published bands.** The bands are published in whole numbers
//! (Pratama 500–600, Madya 601–700, …) while real scores have decimals. Pantau KLA reads each band as
//! running from its published minimum up to, but not including, the next band's minimum: a score earns the
//! highest predicate whose minimum it reaches. So 600.5 and 600.99 are Pratama, 601 is Madya, 499.99 is no
//! predicate, and 1000 is KLA. This never awards a predicate above one whose published minimum the score
//! has actually reached.

use super::error::{FieldError, FieldErrors, check};
use super::region::RegionCode;
use serde::{Deserialize, Serialize};

/// The highest score the instrument gives.
pub const MAX_SCORE: f64 = 1000.0;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Predicate {
    Pratama,
    Madya,
    Nindya,
    Utama,
    Kla,
}

impl Predicate {
    pub const ALL: [Predicate; 5] = [Predicate::Pratama, Predicate::Madya, Predicate::Nindya, Predicate::Utama, Predicate::Kla];

    pub fn as_str(self) -> &'static str {
        match self {
            Predicate::Pratama => "pratama",
            Predicate::Madya => "madya",
            Predicate::Nindya => "nindya",
            Predicate::Utama => "utama",
            Predicate::Kla => "kla",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim().to_lowercase();
        Predicate::ALL.into_iter().find(|p| p.as_str() == s)
    }

    /// The name as published (the same in both languages).
    pub fn label(self) -> &'static str {
        match self {
            Predicate::Pratama => "Pratama",
            Predicate::Madya => "Madya",
            Predicate::Nindya => "Nindya",
            Predicate::Utama => "Utama",
            Predicate::Kla => "KLA",
        }
    }

    /// 1 (Pratama) to 5 (KLA), for ordering and charts.
    pub fn rank(self) -> u8 {
        self as u8 + 1
    }
}

/// One published band.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PredicateBand {
    pub predicate: Predicate,
    pub min_score: f64,
    pub max_score: f64,
    pub source: String,
}

/// The bands in force, ordered by minimum score.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PredicateBands(Vec<PredicateBand>);

const PUBLISHED_BANDS_CSV: &str = include_str!("../../data/predicate-bands.csv");

#[derive(Debug, thiserror::Error)]
pub enum BandsError {
    #[error("predicate bands, row {row}: {reason}")]
    Row { row: usize, reason: String },
    #[error("predicate bands: {0}")]
    Table(String),
}

impl PredicateBands {
    /// The bands published by the ministry, from `kla/data/predicate-bands.csv`.
    pub fn published() -> Self {
        Self::from_csv(PUBLISHED_BANDS_CSV).expect("the bundled predicate-bands.csv is valid")
    }

    /// Reads a band table (columns predicate, min_score, max_score, source) and checks that the bands are
    /// ordered and do not overlap.
    pub fn from_csv(text: &str) -> Result<Self, BandsError> {
        #[derive(Deserialize)]
        struct Row {
            predicate: String,
            min_score: f64,
            max_score: f64,
            source: String,
        }
        let mut bands = Vec::new();
        for (i, row) in csv::Reader::from_reader(text.as_bytes()).deserialize::<Row>().enumerate() {
            let row_no = i + 2;
            let r = row.map_err(|e| BandsError::Row { row: row_no, reason: e.to_string() })?;
            let predicate = Predicate::parse(&r.predicate)
                .ok_or_else(|| BandsError::Row { row: row_no, reason: format!("unknown predicate {:?}", r.predicate) })?;
            if r.min_score.partial_cmp(&r.max_score) != Some(std::cmp::Ordering::Less) || r.min_score < 0.0 || r.max_score > MAX_SCORE {
                return Err(BandsError::Row { row: row_no, reason: "min_score must be below max_score, within 0–1000".into() });
            }
            bands.push(PredicateBand { predicate, min_score: r.min_score, max_score: r.max_score, source: r.source });
        }
        bands.sort_by(|a, b| a.min_score.total_cmp(&b.min_score));
        if bands.is_empty() {
            return Err(BandsError::Table("no bands".into()));
        }
        for w in bands.windows(2) {
            if w[1].min_score <= w[0].max_score - 1e-9 && w[1].min_score < w[0].max_score {
                return Err(BandsError::Table(format!("{} overlaps {}", w[0].predicate.label(), w[1].predicate.label())));
            }
            if w[1].predicate <= w[0].predicate {
                return Err(BandsError::Table("predicates must rise with the score".into()));
            }
        }
        Ok(Self(bands))
    }

    pub fn bands(&self) -> &[PredicateBand] {
        &self.0
    }

    /// The predicate a score earns under the rule in this module's documentation: the highest band whose
    /// minimum the score reaches. Scores below the lowest band earn none.
    pub fn classify(&self, score: f64) -> Option<Predicate> {
        if !score.is_finite() {
            return None;
        }
        self.0.iter().rev().find(|b| score >= b.min_score).map(|b| b.predicate)
    }

    /// The next band above a score and the points still needed to reach it.
    pub fn next_band(&self, score: f64) -> Option<(Predicate, f64)> {
        self.0.iter().find(|b| b.min_score > score).map(|b| (b.predicate, b.min_score - score))
    }
}

/// The stages at which a regency's score is recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    SelfAssessment,
    Administrative,
    Field,
    Final,
}

impl Stage {
    pub const ALL: [Stage; 4] = [Stage::SelfAssessment, Stage::Administrative, Stage::Field, Stage::Final];
    pub fn key(self) -> &'static str {
        match self {
            Stage::SelfAssessment => "self_assessment",
            Stage::Administrative => "administrative",
            Stage::Field => "field",
            Stage::Final => "final",
        }
    }
}

/// A predicate record as entered (a form or a spreadsheet row): every field as text.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct PredicateRecordInput {
    pub regency_code: String,
    pub award_year: String,
    pub data_year: String,
    pub score_self_assessment: String,
    pub score_administrative: String,
    pub score_field: String,
    pub score_final: String,
    pub predicate: String,
    pub source_url: String,
}

/// A validated predicate record for one regency and award year.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PredicateRecord {
    pub regency: RegionCode,
    pub award_year: i32,
    /// The year of the data assessed; award lists rarely publish it.
    pub data_year: Option<i32>,
    pub score_self_assessment: Option<f64>,
    pub score_administrative: Option<f64>,
    pub score_field: Option<f64>,
    pub score_final: Option<f64>,
    /// The final predicate (`None`: no predicate awarded).
    pub predicate: Option<Predicate>,
    pub source_url: String,
}

impl PredicateRecord {
    pub fn score(&self, stage: Stage) -> Option<f64> {
        match stage {
            Stage::SelfAssessment => self.score_self_assessment,
            Stage::Administrative => self.score_administrative,
            Stage::Field => self.score_field,
            Stage::Final => self.score_final,
        }
    }
}

impl PredicateRecordInput {
    /// Validates every field. Only the regency and the award year are required: a record may be an award list's
    /// line (regency → predicate) with no data year and no score. When a final score is given the predicate
    /// follows from the bands; a predicate typed in as well must agree with it. Without a final score the
    /// predicate is taken as published (an earlier stage's score may lie in another band).
    pub fn parse(&self, bands: &PredicateBands) -> Result<PredicateRecord, FieldErrors> {
        let mut errs = FieldErrors::default();
        let regency = parse_regency(&mut errs, "regency_code", &self.regency_code);
        let award_year = parse_int(&mut errs, "award_year", &self.award_year).map(|y| check::year(&mut errs, "award_year", y as i32));
        // Award lists publish kab/kota → predicate for an award year; the data year and every score are optional.
        let data_year = parse_opt_int(&mut errs, "data_year", &self.data_year).map(|y| check::year(&mut errs, "data_year", y as i32));
        if let (Some(a), Some(d)) = (award_year, data_year)
            && d > a
        {
            errs.push(FieldError::new("data_year", "data_year_after_award"));
        }
        let mut score = |field: &'static str, raw: &str| {
            let v = parse_opt_decimal(&mut errs, field, raw);
            check::score(&mut errs, field, v, MAX_SCORE)
        };
        let s_self = score("score_self_assessment", &self.score_self_assessment);
        let s_admin = score("score_administrative", &self.score_administrative);
        let s_field = score("score_field", &self.score_field);
        let s_final = score("score_final", &self.score_final);
        let typed = if self.predicate.trim().is_empty() || self.predicate.trim() == "-" {
            None
        } else {
            match Predicate::parse(&self.predicate) {
                Some(p) => Some(p),
                None => {
                    errs.push(FieldError::with("predicate", "one_of", "pratama, madya, nindya, utama, kla"));
                    None
                }
            }
        };
        let predicate = match s_final.filter(|s| s.is_finite()) {
            Some(s) => {
                let derived = bands.classify(s);
                if typed.is_some() && typed != derived {
                    errs.push(FieldError::with("predicate", "predicate_mismatch", derived.map_or("-", Predicate::label)));
                }
                derived
            }
            None => typed,
        };
        let source_url = check::link(&mut errs, "source_url", &self.source_url);
        errs.into_result(|| PredicateRecord {
            regency: regency.expect("checked"),
            award_year: award_year.expect("checked"),
            data_year,
            score_self_assessment: s_self,
            score_administrative: s_admin,
            score_field: s_field,
            score_final: s_final,
            predicate,
            source_url,
        })
    }
}

/// Parsing helpers shared by the record inputs: numbers are accepted in either decimal style
/// (`588.40` or `588,40`), with no thousands separators, so that a spreadsheet in Indonesian or English
/// locale reads the same.
pub(crate) fn parse_int(errs: &mut FieldErrors, field: &'static str, raw: &str) -> Option<i64> {
    let t = raw.trim();
    if t.is_empty() {
        errs.push(FieldError::new(field, "required"));
        return None;
    }
    match t.parse::<i64>() {
        Ok(v) => Some(v),
        Err(_) => {
            errs.push(FieldError::new(field, "whole_number"));
            None
        }
    }
}

pub(crate) fn parse_opt_int(errs: &mut FieldErrors, field: &'static str, raw: &str) -> Option<i64> {
    if raw.trim().is_empty() { None } else { parse_int(errs, field, raw) }
}

pub(crate) fn parse_opt_decimal(errs: &mut FieldErrors, field: &'static str, raw: &str) -> Option<f64> {
    let t = raw.trim();
    if t.is_empty() {
        return None;
    }
    let normalised = if t.matches(',').count() == 1 && !t.contains('.') { t.replace(',', ".") } else { t.to_string() };
    match normalised.parse::<f64>() {
        Ok(v) if v.is_finite() => Some(v),
        _ => {
            errs.push(FieldError::new(field, "decimal"));
            None
        }
    }
}

pub(crate) fn parse_regency(errs: &mut FieldErrors, field: &'static str, raw: &str) -> Option<RegionCode> {
    match RegionCode::parse(raw) {
        Ok(c @ RegionCode::Regency(..)) => Some(c),
        _ => {
            errs.push(FieldError::new(field, "regency_code"));
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn published_bands_classify_every_boundary() {
        let b = PredicateBands::published();
        let cases: &[(f64, Option<Predicate>)] = &[
            (0.0, None),
            (499.99, None),
            (500.0, Some(Predicate::Pratama)),
            (588.40, Some(Predicate::Pratama)),
            (600.0, Some(Predicate::Pratama)),
            (600.5, Some(Predicate::Pratama)),
            (600.99, Some(Predicate::Pratama)),
            (601.0, Some(Predicate::Madya)),
            (700.0, Some(Predicate::Madya)),
            (700.5, Some(Predicate::Madya)),
            (701.0, Some(Predicate::Nindya)),
            (800.0, Some(Predicate::Nindya)),
            (800.38, Some(Predicate::Nindya)),
            (801.0, Some(Predicate::Utama)),
            (900.0, Some(Predicate::Utama)),
            (900.99, Some(Predicate::Utama)),
            (901.0, Some(Predicate::Kla)),
            (961.86, Some(Predicate::Kla)),
            (1000.0, Some(Predicate::Kla)),
            (f64::NAN, None),
        ];
        for &(score, want) in cases {
            assert_eq!(b.classify(score), want, "score {score}");
        }
    }

    #[test]
    fn next_band_gives_the_distance() {
        let b = PredicateBands::published();
        assert_eq!(b.next_band(588.4).map(|(p, _)| p), Some(Predicate::Madya));
        assert!((b.next_band(588.4).unwrap().1 - 12.6).abs() < 1e-9);
        assert_eq!(b.next_band(499.0), Some((Predicate::Pratama, 1.0)));
        assert_eq!(b.next_band(950.0), None);
    }

    #[test]
    fn bands_table_is_checked() {
        assert!(PredicateBands::from_csv("predicate,min_score,max_score,source\nmadya,601,700,x\npratama,650,720,x\n").is_err());
        assert!(PredicateBands::from_csv("predicate,min_score,max_score,source\nsuper,1,2,x\n").is_err());
        assert!(PredicateBands::from_csv("predicate,min_score,max_score,source\n").is_err());
    }

    fn input() -> PredicateRecordInput {
        PredicateRecordInput {
            regency_code: "63.10".into(),
            award_year: "2025".into(),
            data_year: "2024".into(),
            score_self_assessment: "721".into(),
            score_administrative: "588,40".into(),
            score_final: "588.40".into(),
            ..Default::default()
        }
    }

    #[test]
    fn record_derives_the_predicate_from_the_final_score() {
        let r = input().parse(&PredicateBands::published()).unwrap();
        assert_eq!(r.predicate, Some(Predicate::Pratama));
        assert_eq!(r.score_administrative, Some(588.40));
        assert_eq!(r.score(Stage::SelfAssessment), Some(721.0));
    }

    #[test]
    fn record_refuses_a_predicate_that_contradicts_the_score() {
        let mut i = input();
        i.predicate = "Nindya".into();
        let e = i.parse(&PredicateBands::published()).unwrap_err();
        assert_eq!(e.for_field("predicate").unwrap().code, "predicate_mismatch");
    }

    #[test]
    fn record_names_every_bad_field() {
        let i = PredicateRecordInput {
            regency_code: "63".into(),
            award_year: "20x5".into(),
            data_year: "2026".into(),
            score_final: "1200".into(),
            source_url: "javascript:alert(1)".into(),
            ..Default::default()
        };
        let e = i.parse(&PredicateBands::published()).unwrap_err();
        for f in ["regency_code", "award_year", "score_final", "source_url"] {
            assert!(e.for_field(f).is_some(), "{f} should be named: {e}");
        }
    }

    #[test]
    fn an_award_list_line_needs_no_data_year_and_no_score() {
        let i = PredicateRecordInput {
            regency_code: "63.10".into(),
            award_year: "2019".into(),
            predicate: "Madya".into(),
            ..Default::default()
        };
        let r = i.parse(&PredicateBands::published()).unwrap();
        assert_eq!((r.data_year, r.predicate), (None, Some(Predicate::Madya)));
        assert!(Stage::ALL.iter().all(|s| r.score(*s).is_none()));
        // A self-assessment score in another band than the published predicate is kept as it is.
        let i = PredicateRecordInput { score_self_assessment: "721".into(), predicate: "pratama".into(), ..i };
        let r = i.parse(&PredicateBands::published()).unwrap();
        assert_eq!((r.score_self_assessment, r.predicate), (Some(721.0), Some(Predicate::Pratama)));
        let bad = PredicateRecordInput { data_year: "dua".into(), ..Default::default() };
        assert_eq!(bad.parse(&PredicateBands::published()).unwrap_err().for_field("data_year").unwrap().code, "whole_number");
    }

    #[test]
    fn data_year_may_not_follow_the_award_year() {
        let mut i = input();
        i.data_year = "2026".into();
        let e = i.parse(&PredicateBands::published()).unwrap_err();
        assert_eq!(e.for_field("data_year").unwrap().code, "data_year_after_award");
    }
}
