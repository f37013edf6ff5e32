//! Service units: each regency's register (its Forum Anak, usually a PUSPAGA and a UPTD PPA, then a mix of
//! kinds), with plausible names, staff and KHA-certified staff that follow the regency's traits.

use super::sample::{allocate, chance, count_between, lognormal, normal, pick, weighted};
use super::world::{RegencyTraits, World};
use super::{NATIONAL_UNITS, Scale};
use crate::domain::{ProviderKind, RegionCode, ServiceUnit};
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use std::collections::{HashMap, HashSet};

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
        ProviderKind::Posyandu => (0.25, 0.3, (6.0, 3, 12)),
        ProviderKind::Bkb | ProviderKind::Lpai | ProviderKind::TokohAgama | ProviderKind::Media | ProviderKind::DuniaUsaha => {
            (0.3, 0.3, (8.0, 3, 20))
        }
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
        ProviderKind::Bkb => format!("{} {village}", pick(rng, &["BKB", "BKR"])),
        ProviderKind::Lpai => format!("LPA {}", r.name),
        ProviderKind::Posyandu => format!("Posyandu {}", pick(rng, FLOWERS)),
        ProviderKind::TokohAgama => format!("Majelis Taklim {village}"),
        ProviderKind::Media => format!("Radio Komunitas {}", r.short),
        ProviderKind::DuniaUsaha => format!("Forum CSR {}", r.name),
        ProviderKind::Lainnya => {
            format!("{} {village}", pick(rng, &["Posyandu", "Perpustakaan Ramah Anak", "Klinik Pratama", "Taman Baca"]))
        }
    }
}

pub(super) fn units(world: &World, scale: Scale, rng: &mut ChaCha8Rng) -> Vec<ServiceUnit> {
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
