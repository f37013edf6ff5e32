//! Predicate records: per award year, regencies ranked by capacity fill the published count of each predicate
//! band from the top; stage scores show administrative verification cutting the self-assessment.

use super::Scale;
use super::sample::{chance, normal, round_to, uniform};
use super::targets::year_target;
use super::world::World;
use crate::domain::{Predicate, PredicateBands, PredicateRecord};
use rand::Rng;
use rand_chacha::ChaCha8Rng;

/// The score interval a predicate's final scores are drawn from: from its published minimum to just
/// below the next band's minimum (so 600.99 is the highest Pratama score drawn).
fn band_interval(bands: &PredicateBands, p: Predicate) -> Option<(f64, f64)> {
    let all = bands.bands();
    let i = all.iter().position(|b| b.predicate == p)?;
    let lo = all[i].min_score;
    let hi = all.get(i + 1).map_or(all[i].max_score, |n| n.min_score - 0.01);
    Some((lo, hi))
}

pub(super) fn predicates(world: &World, bands: &PredicateBands, scale: Scale, rng: &mut ChaCha8Rng) -> Vec<PredicateRecord> {
    let n = world.regencies.len();
    let lowest = bands.bands().first().map_or(500.0, |b| b.min_score);
    let mut out = Vec::new();
    for award_year in scale.award_years() {
        let target = year_target(award_year);
        let t = f64::from(award_year - 2017);
        let capacity: Vec<f64> = world.regencies.iter().map(|r| r.level + r.slope * t + 0.15 * normal(rng)).collect();
        let mut order: Vec<usize> = (0..n).collect();
        order.sort_by(|&a, &b| capacity[b].total_cmp(&capacity[a]).then(a.cmp(&b)));
        // Regencies that take part without earning a predicate: all of them at the national scale; at the
        // demo scale a share that grows from about 45% (2017) to 85% (2025) of the others.
        let participation = match scale {
            Scale::National => 1.0,
            Scale::Demo => (0.45 + 0.05 * t).min(0.85),
        };
        // Final scores by rank: the best `utama` regencies in the Utama band, and so on down; each band is
        // filled from its top, with a little jitter inside each regency's slot.
        let mut groups: Vec<(Option<(f64, f64)>, usize)> = Vec::new();
        for p in [Predicate::Utama, Predicate::Nindya, Predicate::Madya, Predicate::Pratama] {
            groups.push((band_interval(bands, p), target.count(p)));
        }
        let awarded = target.awarded().min(n);
        groups.push((Some((lowest - 180.0, lowest - 0.01)), n - awarded));
        let mut ranked = order.into_iter();
        let mut year_records = Vec::new();
        for (group_no, (interval, size)) in groups.into_iter().enumerate() {
            let members: Vec<usize> = ranked.by_ref().take(size).collect();
            let Some((lo, hi)) = interval else { continue };
            let is_awarded = group_no < 4;
            for (i, &r) in members.iter().enumerate() {
                if !is_awarded && !chance(rng, participation) {
                    continue;
                }
                let slot = (members.len() - i) as f64 - rng.random::<f64>();
                let x = (slot / members.len() as f64).clamp(0.0, 1.0);
                let final_score = round_to(lo + (hi - lo) * x.powf(1.15), 2).clamp(lo, hi);
                year_records.push((r, stage_scores(rng, final_score, is_awarded)));
            }
        }
        year_records.sort_by_key(|(r, _)| *r);
        for (r, (self_assessment, administrative, field, final_score)) in year_records {
            out.push(PredicateRecord {
                regency: world.regencies[r].code,
                award_year,
                data_year: Some(award_year - 1),
                score_self_assessment: Some(self_assessment),
                score_administrative: Some(administrative),
                score_field: field,
                score_final: Some(final_score),
                predicate: bands.classify(final_score),
                source_url: String::new(),
            });
        }
    }
    out
}

/// Scores at each stage for a final score: administrative verification cuts the self-assessment by 5–14%
/// mostly, 14–20% often, up to 30% sometimes (evidence missing); the province's verdict then rises a little
/// at field and final verification as evidence is supplied. Regencies without a predicate stop after the
/// administrative stage, whose score is final.
fn stage_scores(rng: &mut ChaCha8Rng, final_score: f64, awarded: bool) -> (f64, f64, Option<f64>, f64) {
    let (administrative, field) = if awarded {
        let admin = round_to(final_score * (1.0 - uniform(rng, 0.0, 0.04)), 2);
        let field = round_to((final_score * (1.0 + 0.008 * normal(rng) - 0.003)).clamp(admin, 1000.0), 2);
        (admin, Some(field))
    } else {
        (final_score, None)
    };
    let drop = match rng.random_range(0..100) {
        0..80 => uniform(rng, 0.05, 0.14),
        80..95 => uniform(rng, 0.14, 0.20),
        _ => uniform(rng, 0.20, 0.30),
    };
    let mut self_assessment = round_to(administrative / (1.0 - drop), 2);
    if self_assessment > 1000.0 {
        self_assessment = round_to(uniform(rng, 960.0, 1000.0), 2);
    }
    (self_assessment, administrative, field, final_score)
}
