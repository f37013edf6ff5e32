//! A whole sheet in memory and the figures drawn from it: item statuses, the latest score per stage, the
//! projection of the self-assessment, the verified total and the per-cluster summary.

use super::cycles::Cycle;
use super::documents::FileRow;
use super::evidence::{Evidence, ItemStatus};
use super::links::LinkRow;
use super::review::FollowUp;
use super::scores::LedgerEntry;
use super::submission::{Status, Submission};
use crate::domain::{PredicateBands, RegionCode, Stage};
use crate::evaluation::instrument::{Cluster, Indicator, Instrument};
use crate::evaluation::simulator::{self, IndicatorState, Projection};
use std::collections::HashMap;

/// Everything about one regency's preparation for one cycle.
#[derive(Debug, Clone)]
pub struct Sheet {
    pub cycle: Cycle,
    pub instrument: Instrument,
    pub regency: RegionCode,
    /// `None` until the regency first saves something.
    pub submission: Option<Submission>,
    pub evidence: HashMap<i64, Evidence>,
    pub files: Vec<FileRow>,
    pub links: Vec<LinkRow>,
    pub follow_ups: Vec<FollowUp>,
    /// Oldest first.
    pub ledger: Vec<LedgerEntry>,
}

/// Per cluster: items with evidence present, items verified, all items, and the verified score of the
/// cluster's indicators (`None` while any indicator has no verified score).
#[derive(Debug, Clone, PartialEq)]
pub struct ClusterSummary {
    pub cluster: Cluster,
    pub present: usize,
    pub verified: usize,
    pub items: usize,
    pub verified_score: Option<f64>,
    pub max_points: f64,
}

impl Sheet {
    pub fn status(&self) -> Status {
        self.submission.as_ref().map_or(Status::Preparing, |s| s.status)
    }
    pub fn item_status(&self, item_id: i64) -> ItemStatus {
        self.evidence.get(&item_id).map_or(ItemStatus::Missing, |e| e.status)
    }
    pub fn files_of(&self, item_id: i64) -> impl Iterator<Item = &FileRow> {
        self.files.iter().filter(move |f| f.item_id == item_id)
    }
    pub fn links_of(&self, item_id: i64) -> impl Iterator<Item = &LinkRow> {
        self.links.iter().filter(move |l| l.item_id == item_id)
    }
    pub fn open_follow_ups(&self) -> impl Iterator<Item = &FollowUp> {
        self.follow_ups.iter().filter(|f| f.open)
    }
    /// The latest score recorded for an indicator at a stage.
    pub fn latest(&self, indicator_id: i64, stage: Stage) -> Option<&LedgerEntry> {
        self.ledger.iter().rev().find(|e| e.indicator_id == indicator_id && e.stage == stage)
    }
    /// The most advanced verified score of an indicator: final, else field, else administrative.
    pub fn verified_score(&self, indicator_id: i64) -> Option<f64> {
        [Stage::Final, Stage::Field, Stage::Administrative].into_iter().find_map(|s| self.latest(indicator_id, s)).map(|e| e.score)
    }
    /// Items of an indicator missing or rejected.
    pub fn at_risk_items(&self, ind: &Indicator) -> usize {
        ind.items.iter().filter(|it| matches!(self.item_status(it.id), ItemStatus::Missing | ItemStatus::Rejected)).count()
    }
    pub fn projection(&self, bands: &PredicateBands) -> Projection {
        let states: Vec<IndicatorState> = self
            .instrument
            .indicators
            .iter()
            .map(|ind| IndicatorState {
                max_points: ind.max_points,
                // A score entered as the rounded maximum (41.67) counts as the maximum (41.666…).
                self_score: self.latest(ind.id, Stage::SelfAssessment).map(|e| e.score.min(ind.max_points)),
                items: ind.items.len(),
                items_at_risk: self.at_risk_items(ind),
            })
            .collect();
        simulator::project(&states, bands)
    }
    /// The total verified score, when every indicator has one.
    pub fn verified_total(&self) -> Option<f64> {
        self.instrument
            .indicators
            .iter()
            .map(|i| self.verified_score(i.id).map(|v| v.min(i.max_points)))
            .sum::<Option<f64>>()
            .map(|t| (t * 100.0).round() / 100.0)
    }
    pub fn clusters(&self) -> Vec<ClusterSummary> {
        Cluster::ALL
            .into_iter()
            .map(|cluster| {
                let inds: Vec<&Indicator> = self.instrument.indicators.iter().filter(|i| i.cluster == cluster).collect();
                let items: Vec<i64> = inds.iter().flat_map(|i| i.items.iter().map(|it| it.id)).collect();
                ClusterSummary {
                    cluster,
                    present: items.iter().filter(|id| self.item_status(**id).present()).count(),
                    verified: items.iter().filter(|id| self.item_status(**id) == ItemStatus::Verified).count(),
                    items: items.len(),
                    verified_score: inds
                        .iter()
                        .map(|i| self.verified_score(i.id).map(|v| v.min(i.max_points)))
                        .sum::<Option<f64>>()
                        .map(|t| (t * 100.0).round() / 100.0),
                    max_points: inds.iter().map(|i| i.max_points).sum(),
                }
            })
            .filter(|c| c.items > 0)
            .collect()
    }
}
