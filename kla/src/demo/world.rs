//! Regional traits: the latent character of each province and regency (capacity, its yearly growth,
//! training activity, certification propensity, register size), drawn once and shared by the three measures.

use super::sample::{normal, weighted};
use crate::db::RegionRegistry;
use crate::domain::RegionCode;
use rand_chacha::ChaCha8Rng;
use std::collections::HashMap;

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

pub(super) struct RegencyTraits {
    pub(super) code: RegionCode,
    pub(super) province: usize,
    pub(super) name: String,
    pub(super) short: String,
    pub(super) office: &'static str,
    /// Persistent capacity in the programme: province gradient, kota bonus and the regency's own effect.
    pub(super) level: f64,
    /// Yearly improvement of the capacity.
    pub(super) slope: f64,
    /// Relative number of training events it organises.
    pub(super) activity: f64,
    /// Propensity of its service units to hold KHA certificates.
    pub(super) cert: f64,
    /// Relative number of service units it registers.
    pub(super) size: f64,
}

pub(super) struct ProvinceTraits {
    pub(super) code: RegionCode,
    pub(super) name: String,
    pub(super) office: &'static str,
    pub(super) gradient: f64,
    pub(super) regencies: Vec<usize>,
}

pub(super) struct World {
    pub(super) provinces: Vec<ProvinceTraits>,
    pub(super) regencies: Vec<RegencyTraits>,
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

pub(super) fn world(registry: &RegionRegistry, rng: &mut ChaCha8Rng) -> World {
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
