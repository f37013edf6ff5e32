//! Training events: how many per province and year, who organises them, and each event's title, dates, mode,
//! participants, breakdowns, tests, certificate issuer and venue.

use super::sample::{allocate, chance, count_between, lognormal, normal, pick, round_to, uniform, weighted};
use super::world::{ProvinceTraits, World};
use super::{NATIONAL_EVENTS, Scale};
use crate::domain::{Assessment, Breakdown, ProviderKind, RegionCode, TrainingEvent, TrainingKind, TrainingMode};
use chrono::{Datelike, NaiveDate, Weekday};
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use std::collections::HashMap;

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

pub(super) fn events(world: &World, scale: Scale, rng: &mut ChaCha8Rng) -> Vec<TrainingEvent> {
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
                by_regency.push(Breakdown { key: world.regencies[r].code, participants: Some(n as i64) });
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
                by_kind.push(Breakdown { key: k, participants: Some(n as i64) });
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
    // Real reports are incomplete (see "Real records are incomplete" in the domain notes). Which facts a
    // report leaves out is drawn from the title's hash, so the draws above stay as they were.
    let gap = report_gaps(&title);
    let reported = |n: i64, known: bool| known.then_some(n);
    let (offline, online) = match mode {
        TrainingMode::Luring => (reported(offline, gap.counts), reported(online, gap.counts && gap.split)),
        TrainingMode::Daring => (reported(offline, gap.counts && gap.split), reported(online, gap.counts)),
        TrainingMode::Hybrid => (reported(offline, gap.counts), reported(online, gap.counts && gap.split)),
    };
    // A province that trains "every kab/kota" without a breakdown says who took part, not how many.
    let all_regencies = org.is_province && by_regency.is_empty() && !gap.split;
    TrainingEvent {
        organiser: org.code,
        title,
        kind,
        start_date: start,
        end_date: gap.days.then_some(end),
        venue,
        mode: Some(mode),
        participants_offline: offline,
        participants_online: online,
        institutions: reported(institutions, gap.institutions),
        all_regencies,
        by_regency,
        by_kind,
        assessment: if tested { Some(Assessment::PrePost) } else { None },
        pre_test_mean: pre,
        post_test_mean: post,
        certificate_issuer,
        source_url: String::new(),
        programme: String::new(),
        facilitators: String::new(),
        notes: String::new(),
    }
}

/// Which facts a demo event's report gives: the participant count (most do), the split between the room and
/// online, the institutions, the end date.
struct ReportGaps {
    counts: bool,
    split: bool,
    institutions: bool,
    days: bool,
}

fn report_gaps(title: &str) -> ReportGaps {
    // FNV-1a: a fixed hash, the same on every platform and Rust version.
    let h = title.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3));
    let pct = |shift: u32| (h >> shift) % 100;
    ReportGaps { counts: pct(0) >= 8, split: pct(8) >= 15, institutions: pct(16) >= 30, days: pct(24) >= 5 }
}
