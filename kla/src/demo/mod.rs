//! Synthetic demo data (`pantau-kla demo`): a realistic, deterministic dataset of training events, service
//! units and predicate records for every regency, generated in memory from a seed ([`generate`], pure) and
//! written in one transaction with every row marked `is_demo` ([`write()`]), so the pages label it as demo.
//!
//! The dataset is invented; only its shape follows `docs/domain.md` and the published national results
//! (`kla/data/kla-national-results.csv`): events of 1–3 days with 20–100 participants, hybrid and online
//! events with large online counts, breakdowns by regency for provincial events, pre/post-tests that mostly
//! show a gain; certified staff never above the staff total, Puskesmas mostly below their 50% bar; stage
//! scores where administrative verification cuts the self-assessment by 5–20% (sometimes more), final
//! predicates derived through [`PredicateBands::classify`] and counted per year as published, no regency at
//! the KLA level. A regency keeps a persistent capacity across years and measures, so the regencies that
//! train more also certify more staff and score higher — as a reader of real data would expect.
//!
//! Records are built as validated domain structs directly (building them from text and parsing it would
//! cost more than writing them); the tests check that every record passes its `…Input::parse` unchanged.
//!
//! The parts, one ChaCha8 stream each (see [`generate`]): `world` draws the regions' traits, `predicates`
//! the predicate records against the published `targets`, `trainings` the training events, `units` the
//! service units, all through the `sample` helpers; `write` stores a dataset.

mod predicates;
mod sample;
mod targets;
#[cfg(test)]
mod tests;
mod trainings;
mod units;
mod world;
mod write;

pub use sample::allocate;
pub use targets::{YearTarget, year_target};
pub use write::{DemoError, Existing, Progress, WriteOptions, Written, check, existing, write};

use crate::db::RegionRegistry;
use crate::domain::{PredicateBands, PredicateRecord, ServiceUnit, TrainingEvent};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use std::ops::RangeInclusive;

/// The seed used when none is given: the same dataset on every machine.
pub const DEFAULT_SEED: u64 = 2025;

/// Award years in which predicates were announced (no round was found for 2020 or 2024).
pub const AWARD_YEARS: [i32; 7] = [2017, 2018, 2019, 2021, 2022, 2023, 2025];

/// Training events of the national (benchmark) size.
pub const NATIONAL_EVENTS: usize = 100_000;
/// Service units of the national (benchmark) size.
pub const NATIONAL_UNITS: usize = 500_000;

/// How much to generate. Both sizes come from the same generator and the same regional traits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scale {
    /// Every regency over 2017–2025: 10–40 training events per province and year, 20–150 service units per
    /// regency, a predicate record for most regencies in each real award year.
    Demo,
    /// The benchmark size: every regency over the 8 years 2018–2025, exactly 100,000 training events and
    /// 500,000 service units, and a predicate record for every regency and year (a round each year,
    /// 2020 and 2024 included, which the real programme did not hold).
    National,
}

impl Scale {
    pub fn as_str(self) -> &'static str {
        match self {
            Scale::Demo => "demo",
            Scale::National => "national",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_lowercase().as_str() {
            "demo" => Some(Scale::Demo),
            "national" => Some(Scale::National),
            _ => None,
        }
    }

    /// The years training events are generated for.
    pub fn event_years(self) -> RangeInclusive<i32> {
        match self {
            Scale::Demo => 2017..=2025,
            Scale::National => 2018..=2025,
        }
    }

    /// The award years predicate records are generated for (the data year is the year before).
    pub fn award_years(self) -> Vec<i32> {
        match self {
            Scale::Demo => AWARD_YEARS.to_vec(),
            Scale::National => (2018..=2025).collect(),
        }
    }
}

/// A generated dataset, ready to write.
#[derive(Debug, Clone, PartialEq)]
pub struct DemoData {
    pub seed: u64,
    pub scale: Scale,
    pub events: Vec<TrainingEvent>,
    pub units: Vec<ServiceUnit>,
    pub predicates: Vec<PredicateRecord>,
}

impl DemoData {
    /// Rows of the three fact tables (breakdown rows not counted).
    pub fn records(&self) -> usize {
        self.events.len() + self.units.len() + self.predicates.len()
    }
    pub fn by_regency_rows(&self) -> usize {
        self.events.iter().map(|e| e.by_regency.len()).sum()
    }
    pub fn by_kind_rows(&self) -> usize {
        self.events.iter().map(|e| e.by_kind.len()).sum()
    }
}

/// Generates the dataset for a seed and a scale over the regions of `registry`. Pure and deterministic:
/// the same registry, bands, seed and scale always give the same data.
pub fn generate(registry: &RegionRegistry, bands: &PredicateBands, seed: u64, scale: Scale) -> DemoData {
    // One ChaCha8 stream per part, so each part's values stay put when another part changes, and the two
    // scales share the regions' traits.
    let stream = |n: u64| {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        rng.set_stream(n);
        rng
    };
    let world = world::world(registry, &mut stream(1));
    let predicates = predicates::predicates(&world, bands, scale, &mut stream(2));
    let events = trainings::events(&world, scale, &mut stream(3));
    let units = units::units(&world, scale, &mut stream(4));
    DemoData { seed, scale, events, units, predicates }
}
