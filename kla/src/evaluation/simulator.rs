//! The predicate simulator: from a regency's self-assessment and the state of its evidence, the projected
//! total, the band it falls in, the distance to the next band, and the points at risk.
//!
//! The rule for points at risk (Pantau KLA's, stated on the page): an indicator's self-assessed points are at
//! risk in proportion to its evidence items that are missing or rejected — verification lowers scores when
//! evidence is missing, and the sources publish no finer rule.

use crate::domain::{Predicate, PredicateBands};

/// One indicator as the simulator sees it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct IndicatorState {
    pub max_points: f64,
    /// The latest self-assessment score, if entered.
    pub self_score: Option<f64>,
    pub items: usize,
    /// Items missing or rejected.
    pub items_at_risk: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Projection {
    /// Sum of the self-assessment scores entered.
    pub total: f64,
    pub band: Option<Predicate>,
    /// The next band up and the points still needed to reach it; `None` at the top band.
    pub next: Option<(Predicate, f64)>,
    pub at_risk: f64,
    /// The total if every point at risk is lost, and the band it would fall in.
    pub total_if_lost: f64,
    pub band_if_lost: Option<Predicate>,
    /// Indicators without a self-assessment score yet.
    pub unscored: usize,
}

impl IndicatorState {
    pub fn at_risk(&self) -> f64 {
        match self.self_score {
            Some(s) if self.items > 0 => s * self.items_at_risk as f64 / self.items as f64,
            _ => 0.0,
        }
    }
}

pub fn project(indicators: &[IndicatorState], bands: &PredicateBands) -> Projection {
    // Rounded to hundredths, as scores are published, so 600.999999 from float sums is not "below Madya".
    let round = |x: f64| (x * 100.0).round() / 100.0;
    let total = round(indicators.iter().filter_map(|i| i.self_score).sum());
    let at_risk = round(indicators.iter().map(IndicatorState::at_risk).sum());
    let total_if_lost = round(total - at_risk);
    Projection {
        total,
        band: bands.classify(total),
        next: bands.next_band(total).map(|(p, d)| (p, round(d))),
        at_risk,
        total_if_lost,
        band_if_lost: bands.classify(total_if_lost),
        unscored: indicators.iter().filter(|i| i.self_score.is_none()).count(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(score: f64) -> Vec<IndicatorState> {
        vec![IndicatorState { max_points: 1000.0, self_score: Some(score), items: 2, items_at_risk: 0 }]
    }

    #[test]
    fn every_band_boundary() {
        let bands = PredicateBands::published();
        use Predicate::*;
        type Case = (f64, Option<Predicate>, Option<(Predicate, f64)>);
        let cases: &[Case] = &[
            (0.0, None, Some((Pratama, 500.0))),
            (499.99, None, Some((Pratama, 0.01))),
            (500.0, Some(Pratama), Some((Madya, 101.0))),
            (600.0, Some(Pratama), Some((Madya, 1.0))),
            (600.5, Some(Pratama), Some((Madya, 0.5))),
            (601.0, Some(Madya), Some((Nindya, 100.0))),
            (700.0, Some(Madya), Some((Nindya, 1.0))),
            (701.0, Some(Nindya), Some((Utama, 100.0))),
            (800.99, Some(Nindya), Some((Utama, 0.01))),
            (801.0, Some(Utama), Some((Kla, 100.0))),
            (900.0, Some(Utama), Some((Kla, 1.0))),
            (901.0, Some(Kla), None),
            (1000.0, Some(Kla), None),
        ];
        for (score, band, next) in cases {
            let p = project(&one(*score), &bands);
            assert_eq!(p.band, *band, "band at {score}");
            assert_eq!(p.next, *next, "next band at {score}");
        }
    }

    #[test]
    fn sums_of_decimals_do_not_fall_below_a_boundary() {
        // 24 × 25.0416666… = 601 exactly on paper; floating point must not make it 600.9999.
        let ind = vec![IndicatorState { max_points: 41.67, self_score: Some(601.0 / 24.0), items: 1, items_at_risk: 0 }; 24];
        let p = project(&ind, &PredicateBands::published());
        assert_eq!(p.total, 601.0);
        assert_eq!(p.band, Some(Predicate::Madya));
    }

    #[test]
    fn points_at_risk_follow_missing_and_rejected_items() {
        let ind = vec![
            IndicatorState { max_points: 50.0, self_score: Some(40.0), items: 2, items_at_risk: 1 },
            IndicatorState { max_points: 50.0, self_score: Some(30.0), items: 3, items_at_risk: 3 },
            IndicatorState { max_points: 900.0, self_score: Some(540.0), items: 1, items_at_risk: 0 },
            IndicatorState { max_points: 50.0, self_score: None, items: 2, items_at_risk: 2 },
        ];
        let p = project(&ind, &PredicateBands::published());
        assert_eq!(p.total, 610.0);
        assert_eq!(p.band, Some(Predicate::Madya));
        assert_eq!(p.at_risk, 50.0);
        assert_eq!(p.total_if_lost, 560.0);
        assert_eq!(p.band_if_lost, Some(Predicate::Pratama));
        assert_eq!(p.unscored, 1);
    }
}
