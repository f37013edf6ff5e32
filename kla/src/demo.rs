//! Synthetic demo data (`pantau-kla demo`): a realistic, deterministic dataset of training events, service
//! units and predicate records for every regency, generated in memory from a seed ([`generate`], pure) and
//! written in one transaction with every row marked `is_demo` ([`write`]), so the pages label it as demo.
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

use crate::db::RegionRegistry;
use crate::db::writes::{self, BatchError};
use crate::domain::{
    Breakdown, Predicate, PredicateBands, PredicateRecord, ProviderKind, RegionCode, ServiceUnit, TrainingEvent, TrainingKind, TrainingMode,
};
use chrono::{Datelike, NaiveDate, Weekday};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::Deserialize;
use sqlx::{AnyConnection, AnyPool};
use std::collections::{HashMap, HashSet};
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

// ---------------------------------------------------------------------------------------------------------
// Published national results: the targets for the predicate distribution

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

const NATIONAL_RESULTS_CSV: &str = include_str!("../data/kla-national-results.csv");

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

// ---------------------------------------------------------------------------------------------------------
// Sampling helpers

/// Splits `total` into whole parts proportional to `weights` (largest remainder; ties by position), so the
/// parts always add up to `total`.
pub fn allocate(total: usize, weights: &[f64]) -> Vec<usize> {
    let sum: f64 = weights.iter().map(|w| w.max(0.0)).sum();
    if weights.is_empty() {
        return Vec::new();
    }
    if sum <= 0.0 {
        let mut out = vec![0; weights.len()];
        out[0] = total;
        return out;
    }
    let exact: Vec<f64> = weights.iter().map(|w| w.max(0.0) / sum * total as f64).collect();
    let mut out: Vec<usize> = exact.iter().map(|x| x.floor() as usize).collect();
    let mut left = total - out.iter().sum::<usize>();
    let mut order: Vec<usize> = (0..weights.len()).collect();
    order.sort_by(|&a, &b| (exact[b] - exact[b].floor()).total_cmp(&(exact[a] - exact[a].floor())).then(a.cmp(&b)));
    for i in order.into_iter().cycle() {
        if left == 0 {
            break;
        }
        out[i] += 1;
        left -= 1;
    }
    out
}

fn normal(rng: &mut ChaCha8Rng) -> f64 {
    // Box–Muller; 1 − u keeps the logarithm finite.
    let u1: f64 = 1.0 - rng.random::<f64>();
    let u2: f64 = rng.random::<f64>();
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

fn lognormal(rng: &mut ChaCha8Rng, median: f64, sigma: f64) -> f64 {
    median * (sigma * normal(rng)).exp()
}

fn chance(rng: &mut ChaCha8Rng, p: f64) -> bool {
    rng.random_bool(p.clamp(0.0, 1.0))
}

fn uniform(rng: &mut ChaCha8Rng, lo: f64, hi: f64) -> f64 {
    lo + (hi - lo) * rng.random::<f64>()
}

fn pick<'a, T>(rng: &mut ChaCha8Rng, items: &'a [T]) -> &'a T {
    &items[rng.random_range(0..items.len())]
}

fn weighted<T: Copy>(rng: &mut ChaCha8Rng, items: &[(T, f64)]) -> T {
    let total: f64 = items.iter().map(|(_, w)| w).sum();
    let mut x = rng.random::<f64>() * total;
    for &(item, w) in items {
        if x < w {
            return item;
        }
        x -= w;
    }
    items[items.len() - 1].0
}

fn round_to(x: f64, decimals: i32) -> f64 {
    let f = 10_f64.powi(decimals);
    (x * f).round() / f
}

fn count_between(x: f64, lo: i64, hi: i64) -> i64 {
    (x.round() as i64).clamp(lo, hi)
}

// ---------------------------------------------------------------------------------------------------------
// Regional traits: the latent character of each region, shared by the three measures

/// A rough synthetic gradient (−1 … 1) of how far a province's regencies tend to be along in the
/// programme. It is an assumption for demo data, not a measurement: it echoes only that the published
/// higher predicates concentrate in Java, Bali and the larger cities, and that Papua's regencies lag.
fn province_gradient(province: u8) -> f64 {
    match province {
        31 => 0.9,
        34 => 0.8,
        35 => 0.7,
        33 => 0.6,
        51 => 0.6,
        32 => 0.5,
        36 => 0.4,
        21 | 64 => 0.3,
        13 | 19 | 63 | 73 => 0.2,
        14..=16 | 18 | 71 => 0.1,
        11 | 12 | 17 | 62 | 65 | 75 | 52 => 0.0,
        61 | 72 | 74 => -0.1,
        76 => -0.3,
        53 | 81 | 82 => -0.4,
        96 => -0.6,
        91 | 92 => -0.7,
        93 => -0.8,
        94 => -0.9,
        95 => -1.0,
        _ => 0.0,
    }
}

/// The names Indonesian regions give their child-protection office, with how common each is (assumed).
const OFFICES: [(&str, f64); 5] = [("DP3A", 0.5), ("DP3AP2KB", 0.2), ("DP2KBP3A", 0.15), ("Dinsos P3A", 0.1), ("DPPPA", 0.05)];

struct RegencyTraits {
    code: RegionCode,
    province: usize,
    name: String,
    short: String,
    office: &'static str,
    /// Persistent capacity in the programme: province gradient, kota bonus and the regency's own effect.
    level: f64,
    /// Yearly improvement of the capacity.
    slope: f64,
    /// Relative number of training events it organises.
    activity: f64,
    /// Propensity of its service units to hold KHA certificates.
    cert: f64,
    /// Relative number of service units it registers.
    size: f64,
}

struct ProvinceTraits {
    code: RegionCode,
    name: String,
    office: &'static str,
    gradient: f64,
    regencies: Vec<usize>,
}

struct World {
    provinces: Vec<ProvinceTraits>,
    regencies: Vec<RegencyTraits>,
}

/// `Kabupaten Tanah Bumbu` → `Tanah Bumbu`, `Kota Administrasi Jakarta Utara` → `Jakarta Utara`.
fn short_name(name: &str) -> String {
    let n = name.trim();
    for prefix in ["Kabupaten Administrasi ", "Kota Administrasi ", "Kabupaten ", "Kota "] {
        if let Some(rest) = n.strip_prefix(prefix) {
            return rest.trim().to_string();
        }
    }
    n.to_string()
}

fn world(registry: &RegionRegistry, rng: &mut ChaCha8Rng) -> World {
    let mut provinces: Vec<ProvinceTraits> = registry
        .provinces()
        .map(|p| {
            let code = match p.code {
                RegionCode::Province(c) => c,
                RegionCode::Regency(c, _) => c,
            };
            ProvinceTraits {
                code: p.code,
                name: p.name.trim().to_string(),
                office: weighted(rng, &OFFICES),
                gradient: province_gradient(code),
                regencies: Vec::new(),
            }
        })
        .collect();
    let index: HashMap<RegionCode, usize> = provinces.iter().enumerate().map(|(i, p)| (p.code, i)).collect();
    let mut regencies = Vec::new();
    for r in registry.regencies() {
        let Some(&province) = index.get(&r.code.province()) else { continue };
        let gradient = provinces[province].gradient;
        let level = gradient + if r.code.is_kota() { 0.3 } else { 0.0 } + 0.45 * normal(rng);
        let slope = (0.06 + 0.04 * normal(rng)).max(-0.02);
        let activity = (0.4 * level + 0.3 * normal(rng)).exp();
        let cert = 0.6 * level + 0.3 * normal(rng);
        // Kota register fewer units than kabupaten (smaller area), the larger cities excepted.
        let size = (0.5 * normal(rng)).exp() * if r.code.is_kota() { 0.75 } else { 1.1 } * (0.15 * gradient).exp();
        provinces[province].regencies.push(regencies.len());
        regencies.push(RegencyTraits {
            code: r.code,
            province,
            name: r.name.trim().to_string(),
            short: short_name(&r.name),
            office: weighted(rng, &OFFICES),
            level,
            slope,
            activity,
            cert,
            size,
        });
    }
    World { provinces, regencies }
}

// ---------------------------------------------------------------------------------------------------------
// Generation

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
    let world = world(registry, &mut stream(1));
    let predicates = predicates(&world, bands, scale, &mut stream(2));
    let events = events(&world, scale, &mut stream(3));
    let units = units(&world, scale, &mut stream(4));
    DemoData { seed, scale, events, units, predicates }
}

// Predicates -----------------------------------------------------------------------------------------------

/// The score interval a predicate's final scores are drawn from: from its published minimum to just
/// below the next band's minimum (so 600.99 is the highest Pratama score drawn).
fn band_interval(bands: &PredicateBands, p: Predicate) -> Option<(f64, f64)> {
    let all = bands.bands();
    let i = all.iter().position(|b| b.predicate == p)?;
    let lo = all[i].min_score;
    let hi = all.get(i + 1).map(|n| n.min_score - 0.01).unwrap_or(all[i].max_score);
    Some((lo, hi))
}

fn predicates(world: &World, bands: &PredicateBands, scale: Scale, rng: &mut ChaCha8Rng) -> Vec<PredicateRecord> {
    let n = world.regencies.len();
    let lowest = bands.bands().first().map(|b| b.min_score).unwrap_or(500.0);
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
                data_year: award_year - 1,
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

// Training events --------------------------------------------------------------------------------------------

/// Relative training activity per year: growing with the programme, online in the pandemic years.
fn year_factor(year: i32) -> f64 {
    match year {
        ..=2017 => 0.6,
        2018 => 0.7,
        2019 => 0.8,
        2020 => 0.75,
        2021 => 0.9,
        2022 => 1.0,
        2023 => 1.1,
        2024 => 1.15,
        _ => 1.2,
    }
}

/// Weights of luring, daring and hybrid events in a year.
fn mode_weights(year: i32) -> [(TrainingMode, f64); 3] {
    let (l, d, h) = match year {
        ..=2019 => (90.0, 6.0, 4.0),
        2020 => (20.0, 60.0, 20.0),
        2021 => (35.0, 40.0, 25.0),
        2022 => (60.0, 18.0, 22.0),
        _ => (62.0, 13.0, 25.0),
    };
    [(TrainingMode::Luring, l), (TrainingMode::Daring, d), (TrainingMode::Hybrid, h)]
}

/// Who a training is for, and the provider kinds its participants come from.
const AUDIENCES: &[(&str, &[ProviderKind], f64)] = &[
    ("Tenaga Kesehatan Puskesmas", &[ProviderKind::PuskesmasRamahAnak], 12.0),
    ("Guru Sekolah Ramah Anak", &[ProviderKind::SekolahRamahAnak], 14.0),
    ("Pendidik PAUD", &[ProviderKind::Paud], 10.0),
    ("Pengelola PUSPAGA", &[ProviderKind::Puspaga], 4.0),
    ("Fasilitator Forum Anak", &[ProviderKind::ForumAnak], 7.0),
    ("Aktivis PATBM", &[ProviderKind::Patbm], 6.0),
    ("Pengasuh LKSA", &[ProviderKind::Lksa], 3.0),
    ("Pengasuh Pondok Pesantren", &[ProviderKind::Pesantren], 4.0),
    ("Petugas UPTD PPA", &[ProviderKind::UptdPpa], 3.0),
    ("Gugus Tugas KLA", &[ProviderKind::Opd], 8.0),
    (
        "Penyedia Layanan Anak",
        &[
            ProviderKind::SekolahRamahAnak,
            ProviderKind::PuskesmasRamahAnak,
            ProviderKind::Paud,
            ProviderKind::Puspaga,
            ProviderKind::UptdPpa,
        ],
        12.0,
    ),
    ("Tokoh Agama dan Tokoh Masyarakat", &[ProviderKind::Rira, ProviderKind::Lainnya], 4.0),
    ("Insan Media", &[ProviderKind::Lainnya], 2.0),
    ("Dunia Usaha", &[ProviderKind::Lainnya], 2.0),
    ("Pengelola Rumah Ibadah Ramah Anak", &[ProviderKind::Rira], 2.0),
    ("Pendamping LPKS", &[ProviderKind::Lpks], 1.5),
    ("Pengelola Pusat Kreativitas Anak", &[ProviderKind::PusatKreativitasAnak], 1.5),
];

const HOTELS: &[&str] =
    &["Grand Mercure", "Swiss-Belhotel", "Aston", "Horison", "Novotel", "Santika", "Favehotel", "Grand Kanaya", "Mahkota", "Bumi Asih"];

struct Organiser<'a> {
    code: RegionCode,
    /// `Kabupaten Tanah Bumbu`, `Provinsi Kalimantan Selatan`.
    full: String,
    short: &'a str,
    office: &'static str,
    head_office: &'static str,
    is_province: bool,
}

fn events(world: &World, scale: Scale, rng: &mut ChaCha8Rng) -> Vec<TrainingEvent> {
    let years: Vec<i32> = scale.event_years().collect();
    // Events per province and year.
    let cells: Vec<(usize, i32)> = years.iter().flat_map(|&y| (0..world.provinces.len()).map(move |p| (p, y))).collect();
    let weight = |p: usize, y: i32| {
        let prov = &world.provinces[p];
        (8.0 + prov.regencies.len() as f64) * year_factor(y) * (0.3 * prov.gradient).exp()
    };
    let counts: Vec<usize> = match scale {
        Scale::Demo => cells.iter().map(|&(p, y)| count_between(weight(p, y) * (0.2 * normal(rng)).exp(), 10, 40) as usize).collect(),
        Scale::National => allocate(NATIONAL_EVENTS, &cells.iter().map(|&(p, y)| weight(p, y)).collect::<Vec<_>>()),
    };
    let mut out = Vec::with_capacity(counts.iter().sum());
    let mut titles: HashMap<(RegionCode, String), u32> = HashMap::new();
    for (&(p, year), &n) in cells.iter().zip(&counts) {
        let prov = &world.provinces[p];
        let weights: Vec<(usize, f64)> = prov.regencies.iter().map(|&r| (r, world.regencies[r].activity)).collect();
        for _ in 0..n {
            let organiser = if weights.is_empty() || chance(rng, 0.22) {
                Organiser {
                    code: prov.code,
                    full: format!("Provinsi {}", prov.name),
                    short: &prov.name,
                    office: prov.office,
                    head_office: "Kantor Gubernur",
                    is_province: true,
                }
            } else {
                let r = &world.regencies[weighted(rng, &weights)];
                Organiser {
                    code: r.code,
                    full: r.name.clone(),
                    short: &r.short,
                    office: r.office,
                    head_office: if r.code.is_kota() { "Balai Kota" } else { "Kantor Bupati" },
                    is_province: false,
                }
            };
            out.push(event(world, prov, &organiser, year, rng, &mut titles));
        }
    }
    out
}

fn event(
    world: &World,
    prov: &ProvinceTraits,
    org: &Organiser<'_>,
    year: i32,
    rng: &mut ChaCha8Rng,
    titles: &mut HashMap<(RegionCode, String), u32>,
) -> TrainingEvent {
    let kind = if org.is_province {
        weighted(
            rng,
            &[(TrainingKind::Bimtek, 35.0), (TrainingKind::Pelatihan, 30.0), (TrainingKind::Tot, 15.0), (TrainingKind::Sosialisasi, 20.0)],
        )
    } else {
        weighted(
            rng,
            &[(TrainingKind::Sosialisasi, 35.0), (TrainingKind::Pelatihan, 35.0), (TrainingKind::Bimtek, 25.0), (TrainingKind::Tot, 5.0)],
        )
    };
    let audience_weights: Vec<(usize, f64)> = AUDIENCES.iter().enumerate().map(|(i, a)| (i, a.2)).collect();
    let (audience, audience_kinds, _) = AUDIENCES[weighted(rng, &audience_weights)];
    let what = match kind {
        TrainingKind::Pelatihan => *pick(rng, &["Pelatihan Konvensi Hak Anak bagi", "Pelatihan KHA bagi"]),
        TrainingKind::Bimtek => *pick(rng, &["Bimbingan Teknis Konvensi Hak Anak bagi", "Bimtek KHA bagi"]),
        TrainingKind::Tot => "Training of Trainers Konvensi Hak Anak bagi",
        TrainingKind::Sosialisasi => *pick(rng, &["Sosialisasi Konvensi Hak Anak kepada", "Sosialisasi KHA kepada"]),
    };
    let base = format!("{what} {audience} {} Tahun {year}", org.full);
    let n = titles.entry((org.code, base.clone())).or_insert(0);
    *n += 1;
    let title = if *n == 1 { base } else { format!("{base} Angkatan {n}") };

    let mode = weighted(rng, &mode_weights(year));
    let days: i64 = match (kind, mode) {
        (TrainingKind::Sosialisasi, _) => weighted(rng, &[(1, 90.0), (2, 10.0)]),
        (TrainingKind::Tot, _) => weighted(rng, &[(3, 60.0), (4, 30.0), (5, 10.0)]),
        (_, TrainingMode::Daring) => weighted(rng, &[(1, 60.0), (2, 40.0)]),
        (TrainingKind::Bimtek, _) => weighted(rng, &[(1, 25.0), (2, 40.0), (3, 35.0)]),
        (TrainingKind::Pelatihan, _) => weighted(rng, &[(1, 10.0), (2, 40.0), (3, 50.0)]),
    };
    let month = weighted(
        rng,
        &[(1, 4.0), (2, 8.0), (3, 10.0), (4, 8.0), (5, 9.0), (6, 9.0), (7, 10.0), (8, 10.0), (9, 10.0), (10, 10.0), (11, 9.0), (12, 3.0)],
    );
    let mut start = NaiveDate::from_ymd_opt(year, month, rng.random_range(1..=26)).expect("day 1–26 exists in every month");
    if start.weekday() == Weekday::Sun {
        start = start.succ_opt().expect("a Monday follows");
    }
    let end = start + chrono::Duration::days(days - 1);

    let big = if org.is_province { 1.35 } else { 1.0 };
    let (offline, online) = match mode {
        TrainingMode::Luring => (count_between(lognormal(rng, 40.0 * big, 0.4), 12, 250), 0),
        TrainingMode::Daring => (0, count_between(lognormal(rng, 140.0 * big, 0.6), 25, 1500)),
        TrainingMode::Hybrid => {
            (count_between(lognormal(rng, 35.0 * big, 0.35), 10, 120), count_between(lognormal(rng, 180.0 * big, 0.7), 20, 1500))
        }
    };
    let total = offline + online;
    let institution_share = if mode == TrainingMode::Luring { uniform(rng, 0.35, 0.8) } else { uniform(rng, 0.15, 0.5) };
    let institutions = count_between(total as f64 * institution_share, 1, total);

    // Provincial events usually record which regency each participant came from.
    let mut by_regency = Vec::new();
    if org.is_province && !prov.regencies.is_empty() && chance(rng, 0.7) {
        let k = if prov.regencies.len() <= 6 { prov.regencies.len() } else { rng.random_range(3..=prov.regencies.len()) };
        let mut chosen: Vec<usize> = prov.regencies.clone();
        // A partial Fisher–Yates shuffle picks k regencies; they are listed in code order.
        for i in 0..k {
            let j = rng.random_range(i..chosen.len());
            chosen.swap(i, j);
        }
        chosen.truncate(k);
        chosen.sort_unstable();
        let attributed = (total as f64 * uniform(rng, 0.75, 1.0)).floor() as usize;
        let weights: Vec<f64> = chosen.iter().map(|&r| world.regencies[r].activity * uniform(rng, 0.5, 1.5)).collect();
        for (&r, n) in chosen.iter().zip(allocate(attributed, &weights)) {
            if n > 0 {
                by_regency.push(Breakdown { key: world.regencies[r].code, participants: n as i64 });
            }
        }
    }
    // Some events also record the kind of provider participants came from.
    let mut by_kind = Vec::new();
    if chance(rng, 0.35) {
        let mut kinds: Vec<ProviderKind> = audience_kinds.to_vec();
        for _ in 0..rng.random_range(0..=2) {
            let k = *pick(rng, &ProviderKind::ALL);
            if !kinds.contains(&k) {
                kinds.push(k);
            }
        }
        kinds.sort();
        let attributed = (total as f64 * uniform(rng, 0.6, 1.0)).floor() as usize;
        let weights: Vec<f64> =
            kinds.iter().map(|k| if audience_kinds.contains(k) { uniform(rng, 2.0, 4.0) } else { uniform(rng, 0.2, 1.0) }).collect();
        for (&k, n) in kinds.iter().zip(allocate(attributed, &weights)) {
            if n > 0 {
                by_kind.push(Breakdown { key: k, participants: n as i64 });
            }
        }
    }
    // Pre- and post-tests: common for trainings, rare for a sosialisasi; most show a gain.
    let tested = chance(
        rng,
        match kind {
            TrainingKind::Pelatihan => 0.8,
            TrainingKind::Tot => 0.85,
            TrainingKind::Bimtek => 0.6,
            TrainingKind::Sosialisasi => 0.25,
        },
    );
    let (pre, post) = if tested {
        let pre = (57.0 + 11.0 * normal(rng)).clamp(20.0, 90.0);
        let gain = if chance(rng, 0.06) { -1.0 + 3.0 * normal(rng) } else { 16.0 + 8.0 * normal(rng) };
        (Some(round_to(pre, 1)), Some(round_to((pre + gain).clamp(0.0, 100.0), 1)))
    } else {
        (None, None)
    };
    let certificate_issuer = match kind {
        TrainingKind::Sosialisasi if !chance(rng, 0.2) => String::new(),
        TrainingKind::Tot if chance(rng, 0.4) => "KemenPPPA".to_string(),
        _ => format!("{} {}", org.office, org.full),
    };
    let venue = match mode {
        TrainingMode::Daring => "Zoom Meeting".to_string(),
        _ => match rng.random_range(0..4) {
            0 => format!("Aula {} {}", org.office, org.short),
            1 => format!("Hotel {} {}", pick(rng, HOTELS), org.short),
            2 => format!("Aula {} {}", org.head_office, org.short),
            _ => format!("Gedung Serbaguna {}", org.short),
        },
    };
    TrainingEvent {
        organiser: org.code,
        title,
        kind,
        start_date: start,
        end_date: end,
        venue,
        mode,
        participants_offline: offline,
        participants_online: online,
        institutions,
        by_regency,
        by_kind,
        pre_test_mean: pre,
        post_test_mean: post,
        certificate_issuer,
        source_url: String::new(),
    }
}

// Service units ----------------------------------------------------------------------------------------------

/// Kinds of service unit with their share of a regency's units (after its PUSPAGA, UPTD PPA and Forum
/// Anak), assumed.
const UNIT_MIX: [(ProviderKind, f64); 12] = [
    (ProviderKind::SekolahRamahAnak, 38.0),
    (ProviderKind::Paud, 24.0),
    (ProviderKind::PuskesmasRamahAnak, 9.0),
    (ProviderKind::Pesantren, 6.0),
    (ProviderKind::ForumAnak, 5.0),
    (ProviderKind::Patbm, 5.0),
    (ProviderKind::Opd, 2.5),
    (ProviderKind::Lksa, 3.0),
    (ProviderKind::Rira, 2.5),
    (ProviderKind::PusatKreativitasAnak, 1.5),
    (ProviderKind::Lpks, 1.0),
    (ProviderKind::Lainnya, 1.5),
];

/// Per kind: the chance that a unit has any KHA-certified staff, the mean certified share when it has,
/// and its staff range (median, low, high).
fn kind_profile(kind: ProviderKind) -> (f64, f64, (f64, i64, i64)) {
    match kind {
        ProviderKind::Puspaga => (0.85, 0.6, (7.0, 3, 15)),
        ProviderKind::UptdPpa => (0.85, 0.6, (11.0, 5, 30)),
        ProviderKind::ForumAnak => (0.7, 0.5, (9.0, 4, 25)),
        ProviderKind::Patbm => (0.55, 0.4, (9.0, 4, 20)),
        // A Puskesmas Ramah Anak needs 50% of its staff KHA-trained; most fall short.
        ProviderKind::PuskesmasRamahAnak => (0.6, 0.3, (36.0, 15, 90)),
        ProviderKind::SekolahRamahAnak => (0.45, 0.2, (22.0, 6, 90)),
        ProviderKind::Paud => (0.35, 0.4, (4.0, 2, 10)),
        ProviderKind::Pesantren => (0.25, 0.15, (20.0, 6, 60)),
        ProviderKind::Lksa => (0.45, 0.35, (8.0, 3, 20)),
        ProviderKind::Opd => (0.5, 0.15, (35.0, 10, 120)),
        ProviderKind::PusatKreativitasAnak => (0.5, 0.3, (6.0, 2, 15)),
        ProviderKind::Rira => (0.3, 0.3, (6.0, 2, 15)),
        ProviderKind::Lpks => (0.4, 0.3, (10.0, 4, 25)),
        ProviderKind::Lainnya => (0.2, 0.25, (12.0, 3, 40)),
    }
}

const VILLAGES: &[&str] = &[
    "Sukamaju",
    "Sukajaya",
    "Mekarsari",
    "Sidomulyo",
    "Karangrejo",
    "Margahayu",
    "Tanjung",
    "Suka Damai",
    "Mulyorejo",
    "Sumberejo",
    "Sukaraja",
    "Harapan Jaya",
    "Bukit Raya",
    "Sungai Raya",
    "Kampung Baru",
    "Telaga Sari",
    "Pasar Lama",
    "Air Putih",
    "Batu Ampar",
    "Kebun Jeruk",
    "Cempaka",
    "Sumber Agung",
    "Tegal Rejo",
    "Tanah Merah",
    "Pulau Laut",
    "Rawa Indah",
    "Teluk Dalam",
    "Gunung Sari",
    "Padang Luas",
    "Simpang Tiga",
    "Sungai Lulut",
    "Bojong",
    "Cibeureum",
    "Jatimulya",
    "Kedungwaru",
    "Purwodadi",
    "Rejosari",
    "Wonorejo",
    "Lubuk Baru",
    "Muara Jaya",
];
const FLOWERS: &[&str] = &[
    "Melati",
    "Mawar",
    "Anggrek",
    "Kenanga",
    "Cempaka",
    "Dahlia",
    "Tulip",
    "Teratai",
    "Bougenville",
    "Flamboyan",
    "Kamboja",
    "Seruni",
    "Aster",
    "Bakung",
];
const PIOUS: &[&str] = &[
    "Al-Falah",
    "Darul Ulum",
    "Nurul Huda",
    "Al-Hikmah",
    "Miftahul Huda",
    "Darussalam",
    "Al-Ikhlas",
    "Nurul Iman",
    "Raudhatul Jannah",
    "Al-Muhajirin",
    "Hidayatullah",
    "Al-Amin",
    "Baitul Makmur",
    "Nurul Falah",
];
const OPD: &[&str] = &[
    "Dinas Pendidikan",
    "Dinas Kesehatan",
    "Dinas Sosial",
    "Bappeda",
    "Dinas Kependudukan dan Pencatatan Sipil",
    "Dinas Pemberdayaan Masyarakat dan Desa",
    "Satpol PP",
    "Dinas Perhubungan",
    "Dinas Pariwisata",
    "Dinas Perpustakaan dan Kearsipan",
    "Dinas Tenaga Kerja",
    "Dinas Lingkungan Hidup",
    "Dinas Komunikasi dan Informatika",
    "RSUD",
    "Dinas Pemuda dan Olahraga",
];
const ROMAN: &[&str] = &["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"];

/// A name for the `n`-th unit of a kind in a regency (n from 1); schools are numbered per type as
/// regencies number them (`SD Negeri 14 Tanah Bumbu`). The caller makes names unique within a regency.
fn unit_name(
    rng: &mut ChaCha8Rng,
    kind: ProviderKind,
    n: usize,
    r: &RegencyTraits,
    province: u8,
    schools: &mut HashMap<&'static str, u32>,
) -> String {
    let village = *pick(rng, VILLAGES);
    match kind {
        ProviderKind::SekolahRamahAnak => {
            let school = weighted(
                rng,
                &[
                    ("SD Negeri", 50.0),
                    ("SMP Negeri", 20.0),
                    ("SMA Negeri", 8.0),
                    ("SMK Negeri", 7.0),
                    ("MI Negeri", 8.0),
                    ("MTs Negeri", 7.0),
                ],
            );
            let number = schools.entry(school).or_insert(0);
            *number += 1;
            format!("{school} {number} {}", r.short)
        }
        ProviderKind::Paud => format!("{} {} {village}", pick(rng, &["PAUD", "TK", "KB", "TK Islam"]), pick(rng, FLOWERS)),
        ProviderKind::PuskesmasRamahAnak => format!("Puskesmas {village}"),
        ProviderKind::Pesantren => format!("Pondok Pesantren {}", pick(rng, PIOUS)),
        ProviderKind::ForumAnak if n == 1 => format!("Forum Anak {}", r.name),
        ProviderKind::ForumAnak => format!("Forum Anak {} {village}", pick(rng, &["Kecamatan", "Desa", "Kelurahan"])),
        ProviderKind::Patbm => format!("PATBM {} {village}", pick(rng, &["Desa", "Kelurahan"])),
        ProviderKind::Lksa => format!("{} {}", pick(rng, &["LKSA", "Panti Asuhan"]), pick(rng, PIOUS)),
        ProviderKind::Opd => format!("{} {}", pick(rng, OPD), r.name),
        ProviderKind::PusatKreativitasAnak => {
            format!("{} {village}", pick(rng, &["Pusat Kreativitas Anak", "Sanggar Kreativitas Anak", "Taman Cerdas"]))
        }
        ProviderKind::Rira => {
            // Houses of worship follow the region's main faiths.
            let faiths: &[(&str, f64)] = match province {
                51 => &[("Pura", 75.0), ("Masjid", 15.0), ("Gereja", 10.0)],
                53 | 71 | 81 | 91..=96 => &[("Gereja", 65.0), ("Masjid", 35.0)],
                _ => &[("Masjid", 85.0), ("Gereja", 10.0), ("Vihara", 5.0)],
            };
            let faith = weighted(rng, faiths);
            let name = if faith == "Masjid" { pick(rng, PIOUS).to_string() } else { village.to_string() };
            format!("{faith} {name}")
        }
        ProviderKind::Lpks => format!("LPKS Anak {}", pick(rng, PIOUS)),
        ProviderKind::Puspaga => format!("PUSPAGA {}", r.name),
        ProviderKind::UptdPpa => format!("UPTD PPA {}", r.name),
        ProviderKind::Lainnya => {
            format!("{} {village}", pick(rng, &["Posyandu", "Perpustakaan Ramah Anak", "Klinik Pratama", "Taman Baca"]))
        }
    }
}

fn units(world: &World, scale: Scale, rng: &mut ChaCha8Rng) -> Vec<ServiceUnit> {
    let counts: Vec<usize> = match scale {
        Scale::Demo => {
            world.regencies.iter().map(|r| count_between(55.0 * r.size * (0.15 * normal(rng)).exp(), 20, 150) as usize).collect()
        }
        Scale::National => allocate(NATIONAL_UNITS, &world.regencies.iter().map(|r| r.size).collect::<Vec<_>>()),
    };
    let last_year = *scale.event_years().end();
    let first_year = *scale.event_years().start();
    let mut out = Vec::with_capacity(counts.iter().sum());
    for (r, &n) in world.regencies.iter().zip(&counts) {
        let prov = &world.provinces[r.province];
        let province = match r.code {
            RegionCode::Regency(p, _) | RegionCode::Province(p) => p,
        };
        // Every regency has its Forum Anak; most have a PUSPAGA and a UPTD PPA; the rest follow the mix.
        let mut kinds = vec![ProviderKind::ForumAnak];
        if chance(rng, 0.55 + 0.3 * r.level.clamp(-1.0, 1.0)) {
            kinds.push(ProviderKind::Puspaga);
        }
        if chance(rng, 0.6 + 0.3 * r.level.clamp(-1.0, 1.0)) {
            kinds.push(ProviderKind::UptdPpa);
        }
        while kinds.len() < n {
            kinds.push(weighted(rng, &UNIT_MIX));
        }
        kinds.truncate(n);
        let mut names: HashSet<String> = HashSet::with_capacity(n);
        let mut per_kind: HashMap<ProviderKind, usize> = HashMap::new();
        let mut schools: HashMap<&'static str, u32> = HashMap::new();
        for kind in kinds {
            let k = per_kind.entry(kind).or_insert(0);
            *k += 1;
            let mut name = unit_name(rng, kind, *k, r, province, &mut schools);
            if names.contains(&name.to_lowercase()) {
                let mut i = 2;
                let base = name;
                name = loop {
                    let candidate = match ROMAN.get(i - 1) {
                        Some(roman) => format!("{base} {roman}"),
                        None => format!("{base} {i}"),
                    };
                    if !names.contains(&candidate.to_lowercase()) {
                        break candidate;
                    }
                    i += 1;
                };
            }
            names.insert(name.to_lowercase());
            let (p_any, mean_share, (median, lo, hi)) = kind_profile(kind);
            let total_staff = count_between(lognormal(rng, median, 0.35), lo, hi);
            // Regencies further along certify more units and more of each unit's staff.
            let logit = (p_any / (1.0 - p_any)).ln() + 1.2 * r.cert;
            let certified_staff = if chance(rng, 1.0 / (1.0 + (-logit).exp())) {
                let share = (mean_share * (0.35 * r.cert).exp() + 0.15 * normal(rng)).clamp(0.0, 1.0);
                count_between(share * total_staff as f64, 1, total_staff)
            } else {
                0
            };
            let (latest_certificate_year, certificate_issuer) = if certified_staff > 0 {
                // More certificates each year as the programme grows; regencies further along started earlier.
                let years: Vec<(i32, f64)> = (first_year..=last_year)
                    .map(|y| {
                        (
                            y,
                            (0.3 * f64::from(y - first_year)).exp()
                                * (1.0 + 0.4 * r.cert.clamp(-1.0, 1.0) * f64::from(last_year - y) / 8.0).max(0.1),
                        )
                    })
                    .collect();
                let year = weighted(rng, &years);
                let issuer = match rng.random_range(0..10) {
                    0..4 => format!("{} {}", r.office, r.name),
                    4..6 => format!("{} Provinsi {}", prov.office, prov.name),
                    6 => "KemenPPPA".to_string(),
                    7 => format!("{} Kab/Kota {}", r.office, r.short),
                    _ => match kind {
                        ProviderKind::PuskesmasRamahAnak => format!("Dinas Kesehatan {}", r.name),
                        ProviderKind::SekolahRamahAnak | ProviderKind::Paud => format!("Dinas Pendidikan {}", r.name),
                        ProviderKind::Pesantren => format!("Kantor Kementerian Agama {}", r.name),
                        _ => format!("{} {}", r.office, r.name),
                    },
                };
                (Some(year), issuer)
            } else {
                (None, String::new())
            };
            out.push(ServiceUnit {
                regency: r.code,
                kind,
                name,
                total_staff,
                certified_staff,
                latest_certificate_year,
                certificate_issuer,
            });
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------------------
// Writing

/// Rows already in the three fact tables (training events, service units, predicate records).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Existing {
    /// Rows not marked as demo: imported or entered data.
    pub real: i64,
    /// Rows marked as demo.
    pub demo: i64,
}

/// What to do when the database is not empty.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WriteOptions {
    /// Write even when the database holds non-demo data.
    pub force: bool,
    /// Delete earlier demo rows first, in the same transaction.
    pub replace: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error(
        "the database already holds {0} record(s) that are not demo data; demo rows would be mixed with them \
         (use an empty database, or --force to write anyway)"
    )]
    RealData(i64),
    #[error("the database already holds {0} demo record(s) (use --replace to delete them and write the new set)")]
    DemoPresent(i64),
    #[error("a demo record was refused: {0}")]
    Write(#[from] BatchError),
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
}

/// What [`write`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Written {
    /// Earlier demo rows deleted (`replace`), fact tables only.
    pub deleted: u64,
    pub events: usize,
    pub by_regency: usize,
    pub by_kind: usize,
    pub units: usize,
    pub predicates: usize,
    /// Predicate records left out because the regency already has one for that award year (`force`).
    pub predicates_skipped: usize,
}

/// Progress of [`write`]: the table being written (reported as each table starts and after each batch;
/// `commit` at the end) and fact-table rows written so far.
#[derive(Debug, Clone, Copy)]
pub struct Progress {
    pub table: &'static str,
    pub done: usize,
    pub total: usize,
}

const FACT_TABLES: [&str; 3] = ["training_events", "service_units", "predicate_records"];

async fn count_existing(conn: &mut AnyConnection) -> Result<Existing, sqlx::Error> {
    let mut e = Existing::default();
    for table in FACT_TABLES {
        // Safe: the table names are this module's constants.
        let (real, demo): (i64, i64) = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "select cast(coalesce(sum(case when is_demo = 0 then 1 else 0 end), 0) as bigint),
                    cast(coalesce(sum(is_demo), 0) as bigint) from {table}"
        )))
        .fetch_one(&mut *conn)
        .await?;
        e.real += real;
        e.demo += demo;
    }
    Ok(e)
}

/// Counts the rows already stored, to refuse before generating anything.
pub async fn existing(pool: &AnyPool) -> Result<Existing, sqlx::Error> {
    let mut conn = pool.acquire().await?;
    count_existing(&mut conn).await
}

/// Whether the options allow writing over what is stored.
pub fn check(existing: &Existing, options: WriteOptions) -> Result<(), DemoError> {
    if existing.real > 0 && !options.force {
        return Err(DemoError::RealData(existing.real));
    }
    if existing.demo > 0 && !options.replace {
        return Err(DemoError::DemoPresent(existing.demo));
    }
    Ok(())
}

/// Deletes every demo row (breakdowns of demo events included); returns the fact-table rows deleted.
async fn delete_demo(conn: &mut AnyConnection) -> Result<u64, sqlx::Error> {
    for table in ["training_participants_by_regency", "training_participants_by_kind"] {
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "delete from {table} where event_id in (select id from training_events where is_demo = 1)"
        )))
        .execute(&mut *conn)
        .await?;
    }
    // Demo records linked as evidence stop counting as evidence (as a deleted record does): the links go,
    // and an item left with nothing is missing again.
    sqlx::query(
        "delete from evidence_links where (entity = 'training_event' and record_id in (select id from training_events where is_demo = 1))
         or (entity = 'service_unit' and record_id in (select id from service_units where is_demo = 1))",
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "update evidence set status = 'missing' where status in ('uploaded', 'verified')
         and not exists (select 1 from evidence_links l where l.evidence_id = evidence.id)
         and not exists (select 1 from evidence_files f where f.evidence_id = evidence.id)",
    )
    .execute(&mut *conn)
    .await?;
    let mut deleted = 0;
    for table in FACT_TABLES {
        deleted +=
            sqlx::query(sqlx::AssertSqlSafe(format!("delete from {table} where is_demo = 1"))).execute(&mut *conn).await?.rows_affected();
    }
    Ok(deleted)
}

/// Records per call to the batched writers, between two progress reports.
const PROGRESS_STEP: usize = 10_000;

/// Writes a dataset in one transaction, every row marked as demo: all of it or, on any error or refusal,
/// nothing. The stored rows are checked again inside the transaction (see [`check`]); with `replace` the
/// earlier demo rows are deleted in the same transaction; with `force` a predicate record for a regency and
/// award year that already has one is left out.
pub async fn write(
    pool: &AnyPool,
    registry: &RegionRegistry,
    data: &DemoData,
    options: WriteOptions,
    mut progress: impl FnMut(Progress),
) -> Result<Written, DemoError> {
    let mut tx = pool.begin().await?;
    check(&count_existing(&mut tx).await?, options)?;
    let mut written = Written::default();
    if options.replace {
        written.deleted = delete_demo(&mut tx).await?;
    }
    let total = data.records();
    let mut done = 0;
    progress(Progress { table: "training_events", done, total });
    for chunk in data.events.chunks(PROGRESS_STEP) {
        writes::insert_training_events(&mut tx, registry, chunk, true).await?;
        done += chunk.len();
        progress(Progress { table: "training_events", done, total });
    }
    written.events = data.events.len();
    written.by_regency = data.by_regency_rows();
    written.by_kind = data.by_kind_rows();
    progress(Progress { table: "service_units", done, total });
    for chunk in data.units.chunks(PROGRESS_STEP * 5) {
        writes::insert_service_units(&mut tx, registry, chunk, true).await?;
        done += chunk.len();
        progress(Progress { table: "service_units", done, total });
    }
    written.units = data.units.len();
    progress(Progress { table: "predicate_records", done, total });
    let stored: Vec<(String, i64)> = sqlx::query_as("select regency_code, award_year from predicate_records").fetch_all(&mut *tx).await?;
    let stored: HashSet<(String, i64)> = stored.into_iter().collect();
    let predicates: Vec<PredicateRecord> =
        data.predicates.iter().filter(|p| !stored.contains(&(p.regency.to_string(), i64::from(p.award_year)))).cloned().collect();
    written.predicates_skipped = data.predicates.len() - predicates.len();
    writes::insert_predicate_records(&mut tx, registry, &predicates, true).await?;
    written.predicates = predicates.len();
    progress(Progress { table: "commit", done: total, total });
    tx.commit().await?;
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::regions::bundled;
    use crate::domain::predicate::PredicateRecordInput;
    use crate::domain::service_unit::ServiceUnitInput;
    use crate::domain::training::TrainingEventInput;
    use std::sync::OnceLock;

    fn registry() -> &'static RegionRegistry {
        static R: OnceLock<RegionRegistry> = OnceLock::new();
        R.get_or_init(|| RegionRegistry::from_regions(bundled().unwrap()))
    }

    fn bands() -> PredicateBands {
        PredicateBands::published()
    }

    fn demo() -> &'static DemoData {
        static D: OnceLock<DemoData> = OnceLock::new();
        D.get_or_init(|| generate(registry(), &bands(), DEFAULT_SEED, Scale::Demo))
    }

    fn opt(v: Option<f64>) -> String {
        v.map(|x| x.to_string()).unwrap_or_default()
    }

    /// The record as a person would type it, to check it against the domain constructors.
    fn event_input(e: &TrainingEvent) -> TrainingEventInput {
        TrainingEventInput {
            organiser_code: e.organiser.to_string(),
            title: e.title.clone(),
            kind: e.kind.as_str().into(),
            start_date: e.start_date.to_string(),
            end_date: e.end_date.format("%d/%m/%Y").to_string(),
            venue: e.venue.clone(),
            mode: e.mode.as_str().into(),
            participants_offline: e.participants_offline.to_string(),
            participants_online: e.participants_online.to_string(),
            institutions: e.institutions.to_string(),
            participants_by_regency: e.by_regency.iter().map(|b| format!("{}:{}", b.key, b.participants)).collect::<Vec<_>>().join("; "),
            participants_by_kind: e.by_kind.iter().map(|b| format!("{}:{}", b.key.as_str(), b.participants)).collect::<Vec<_>>().join("; "),
            pre_test_mean: opt(e.pre_test_mean),
            post_test_mean: opt(e.post_test_mean),
            certificate_issuer: e.certificate_issuer.clone(),
            source_url: e.source_url.clone(),
        }
    }

    fn unit_input(u: &ServiceUnit) -> ServiceUnitInput {
        ServiceUnitInput {
            regency_code: u.regency.to_string(),
            kind: u.kind.as_str().into(),
            name: u.name.clone(),
            total_staff: u.total_staff.to_string(),
            certified_staff: u.certified_staff.to_string(),
            latest_certificate_year: u.latest_certificate_year.map(|y| y.to_string()).unwrap_or_default(),
            certificate_issuer: u.certificate_issuer.clone(),
        }
    }

    fn predicate_input(p: &PredicateRecord) -> PredicateRecordInput {
        PredicateRecordInput {
            regency_code: p.regency.to_string(),
            award_year: p.award_year.to_string(),
            data_year: p.data_year.to_string(),
            score_self_assessment: opt(p.score_self_assessment),
            score_administrative: opt(p.score_administrative),
            score_field: opt(p.score_field),
            score_final: opt(p.score_final),
            predicate: p.predicate.map(|x| x.as_str().to_string()).unwrap_or_default(),
            source_url: p.source_url.clone(),
        }
    }

    /// Every record passes its constructor unchanged, names only registered regions, and the keys an
    /// import refuses twice are unique.
    fn assert_valid(data: &DemoData, every: usize) {
        let (reg, bands) = (registry(), bands());
        for e in data.events.iter().step_by(every) {
            assert_eq!(event_input(e).parse().as_ref(), Ok(e), "{e:?}");
            assert!(reg.contains(e.organiser) && e.by_regency.iter().all(|b| reg.contains(b.key)), "{e:?}");
        }
        for u in data.units.iter().step_by(every) {
            assert_eq!(unit_input(u).parse().as_ref(), Ok(u), "{u:?}");
            assert!(reg.contains(u.regency));
        }
        for p in &data.predicates {
            assert_eq!(predicate_input(p).parse(&bands).as_ref(), Ok(p), "{p:?}");
            assert!(reg.contains(p.regency));
        }
        let mut keys = HashSet::new();
        assert!(data.events.iter().all(|e| keys.insert((e.organiser, e.title.to_lowercase(), e.start_date))), "event keys repeat");
        let mut keys = HashSet::new();
        assert!(data.units.iter().all(|u| keys.insert((u.regency, u.kind, u.name.to_lowercase()))), "unit keys repeat");
        let mut keys = HashSet::new();
        assert!(data.predicates.iter().all(|p| keys.insert((p.regency, p.award_year))), "predicate keys repeat");
    }

    #[test]
    fn the_same_seed_gives_the_same_data_and_another_seed_other_data() {
        let again = generate(registry(), &bands(), DEFAULT_SEED, Scale::Demo);
        assert_eq!(&again, demo());
        let other = generate(registry(), &bands(), DEFAULT_SEED + 1, Scale::Demo);
        assert_ne!(other.events, demo().events);
        assert_ne!(other.units, demo().units);
        assert_ne!(other.predicates, demo().predicates);
    }

    #[test]
    fn every_demo_record_is_valid() {
        assert_valid(demo(), 1);
    }

    #[test]
    fn the_national_scale_has_the_benchmark_size_and_valid_records() {
        let d = generate(registry(), &bands(), 7, Scale::National);
        assert_eq!(d.events.len(), NATIONAL_EVENTS);
        assert_eq!(d.units.len(), NATIONAL_UNITS);
        assert_eq!(d.predicates.len(), 8 * 514);
        let years: HashSet<i32> = d.events.iter().map(|e| e.year()).collect();
        assert_eq!(years, (2018..=2025).collect());
        assert_valid(&d, 97);
    }

    #[test]
    fn predicates_follow_the_published_results_per_year() {
        let d = demo();
        let years: HashSet<i32> = d.predicates.iter().map(|p| p.award_year).collect();
        assert_eq!(years, AWARD_YEARS.into_iter().collect(), "no round in 2020 or 2024");
        for year in AWARD_YEARS {
            let t = year_target(year);
            let of_year: Vec<&PredicateRecord> = d.predicates.iter().filter(|p| p.award_year == year).collect();
            for p in [Predicate::Utama, Predicate::Nindya, Predicate::Madya, Predicate::Pratama] {
                assert_eq!(of_year.iter().filter(|r| r.predicate == Some(p)).count(), t.count(p), "{year} {p:?}");
            }
            assert!(of_year.len() > 514 / 2 && of_year.len() <= 514, "{year}: most regencies have a record ({})", of_year.len());
            assert!(of_year.iter().all(|r| r.data_year == year - 1));
        }
        let t25 = year_target(2025);
        assert_eq!((t25.awarded(), t25.utama, t25.nindya, t25.madya, t25.pratama), (355, 22, 69, 125, 139));
        assert!(d.predicates.iter().all(|p| p.predicate != Some(Predicate::Kla) && p.score_final.unwrap() < 901.0));
        // Years without a published split get one that still adds up to the published total.
        assert_eq!(year_target(2018).awarded(), 177);
        assert_eq!(year_target(2021).awarded(), 275);
        assert!((100..177).contains(&year_target(2017).awarded()));
        assert!((247..=275).contains(&year_target(2020).awarded()));
    }

    #[test]
    fn verification_cuts_the_self_assessment() {
        let d = demo();
        let mut drops = Vec::new();
        for p in &d.predicates {
            let (s, a, f) = (p.score_self_assessment.unwrap(), p.score_administrative.unwrap(), p.score_final.unwrap());
            assert!(s > a, "{p:?}");
            assert!(a <= f, "{p:?}");
            drops.push(1.0 - a / s);
            assert_eq!(p.score_field.is_some(), p.predicate.is_some(), "field verification for awarded regencies");
        }
        let share = |lo: f64, hi: f64| drops.iter().filter(|&&x| x >= lo && x < hi).count() as f64 / drops.len() as f64;
        assert!(share(0.0, 0.05) < 0.05, "drops below 5% are rare (self-assessment capped at 1000)");
        assert!(share(0.05, 0.20) > 0.8);
        assert!(share(0.20, 0.31) > 0.01, "some large drops such as 721 → 588.40");
    }

    #[test]
    fn higher_predicates_stay_with_the_same_regencies() {
        // A regency's capacity persists, so most Utama regencies of 2023 are Nindya or better in 2025.
        let d = demo();
        let of = |year: i32, p: Predicate| -> HashSet<RegionCode> {
            d.predicates.iter().filter(|r| r.award_year == year && r.predicate.is_some_and(|x| x >= p)).map(|r| r.regency).collect()
        };
        let utama_2023 = of(2023, Predicate::Utama);
        let kept = utama_2023.intersection(&of(2025, Predicate::Nindya)).count();
        assert!(kept * 10 >= utama_2023.len() * 7, "{kept} of {}", utama_2023.len());
    }

    #[test]
    fn events_look_like_real_trainings() {
        let d = demo();
        let n = d.events.len() as f64;
        let mut per_cell: HashMap<(RegionCode, i32), usize> = HashMap::new();
        for e in &d.events {
            *per_cell.entry((e.organiser.province(), e.year())).or_default() += 1;
        }
        assert_eq!(per_cell.len(), 38 * 9, "every province has events every year 2017–2025");
        assert!(per_cell.values().all(|c| (10..=40).contains(c)));
        let share = |f: &dyn Fn(&TrainingEvent) -> bool| d.events.iter().filter(|e| f(e)).count() as f64 / n;
        assert!(share(&|e| (1..=3).contains(&e.days())) > 0.9);
        assert!(share(&|e| e.mode == TrainingMode::Luring && !(20..=100).contains(&e.participants_offline)) < 0.1);
        assert!(share(&|e| e.organiser.level() == crate::domain::RegionLevel::Province) > 0.15);
        let hybrid: Vec<&TrainingEvent> = d.events.iter().filter(|e| e.mode == TrainingMode::Hybrid).collect();
        assert!(hybrid.iter().filter(|e| e.participants_online > e.participants_offline).count() * 10 > hybrid.len() * 8);
        let provincial: Vec<&TrainingEvent> = d.events.iter().filter(|e| matches!(e.organiser, RegionCode::Province(_))).collect();
        assert!(provincial.iter().filter(|e| !e.by_regency.is_empty()).count() * 2 > provincial.len());
        assert!(provincial.iter().all(|e| e.by_regency.iter().all(|b| b.key.province() == e.organiser)));
        assert!(d.events.iter().all(|e| e.by_regency.is_empty() || matches!(e.organiser, RegionCode::Province(_))));
        assert!(share(&|e| !e.by_kind.is_empty()) > 0.2);
        let tested: Vec<&TrainingEvent> = d.events.iter().filter(|e| e.pre_test_mean.is_some()).collect();
        assert!(tested.len() as f64 > 0.4 * n);
        let gained = tested.iter().filter(|e| e.post_test_mean > e.pre_test_mean).count();
        assert!(gained * 100 > tested.len() * 85, "post-tests mostly higher");
        // Online in the pandemic years, mostly in the room before it.
        let online = |y: i32| {
            let of: Vec<_> = d.events.iter().filter(|e| e.year() == y).collect();
            of.iter().filter(|e| e.mode != TrainingMode::Luring).count() as f64 / of.len() as f64
        };
        assert!(online(2020) > 0.5 && online(2018) < 0.2);
        // Activity grows over the years.
        let count = |y: i32| d.events.iter().filter(|e| e.year() == y).count();
        assert!(count(2025) > count(2017));
    }

    #[test]
    fn units_look_like_real_registers() {
        let d = demo();
        let mut per_regency: HashMap<RegionCode, usize> = HashMap::new();
        for u in &d.units {
            *per_regency.entry(u.regency).or_default() += 1;
            assert!(u.certified_staff <= u.total_staff && u.total_staff > 0);
            assert_eq!(u.latest_certificate_year.is_some(), u.certified_staff > 0);
        }
        assert_eq!(per_regency.len(), 514);
        assert!(per_regency.values().all(|c| (20..=150).contains(c)));
        // Puskesmas: most below the 50% bar, some above it.
        let pkm: Vec<&ServiceUnit> = d.units.iter().filter(|u| u.kind == ProviderKind::PuskesmasRamahAnak).collect();
        let above = pkm.iter().filter(|u| u.certified_staff * 2 >= u.total_staff).count() as f64 / pkm.len() as f64;
        assert!((0.03..0.4).contains(&above), "Puskesmas at or above 50%: {above}");
        // Regions differ: Java and Bali certify a larger share of staff than Papua.
        let staff_share = |f: &dyn Fn(u8) -> bool| {
            let of: Vec<_> = d.units.iter().filter(|u| matches!(u.regency, RegionCode::Regency(p, _) if f(p))).collect();
            of.iter().map(|u| u.certified_staff).sum::<i64>() as f64 / of.iter().map(|u| u.total_staff).sum::<i64>() as f64
        };
        let (java_bali, papua) = (staff_share(&|p| (31..=36).contains(&p) || p == 51), staff_share(&|p| p >= 91));
        assert!(java_bali > papua * 1.3, "{java_bali} vs {papua}");
        // More certificates in recent years.
        let certs = |y: i32| d.units.iter().filter(|u| u.latest_certificate_year == Some(y)).count();
        assert!(certs(2025) > certs(2021) && certs(2021) > certs(2017));
    }

    #[test]
    fn allocate_keeps_the_total() {
        assert_eq!(allocate(10, &[1.0, 1.0, 1.0]), vec![4, 3, 3]);
        assert_eq!(allocate(100_000, &[0.3, 0.7, 2.5]).iter().sum::<usize>(), 100_000);
        assert_eq!(allocate(5, &[0.0, 0.0]), vec![5, 0]);
    }

    #[test]
    fn refusals_follow_the_options() {
        let none = WriteOptions::default();
        assert!(check(&Existing::default(), none).is_ok());
        assert!(matches!(check(&Existing { real: 3, demo: 0 }, none), Err(DemoError::RealData(3))));
        assert!(check(&Existing { real: 3, demo: 0 }, WriteOptions { force: true, replace: false }).is_ok());
        assert!(matches!(check(&Existing { real: 0, demo: 9 }, none), Err(DemoError::DemoPresent(9))));
        assert!(check(&Existing { real: 0, demo: 9 }, WriteOptions { force: false, replace: true }).is_ok());
    }
}
