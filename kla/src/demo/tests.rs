use super::*;
use crate::db::regions::bundled;
use crate::domain::predicate::PredicateRecordInput;
use crate::domain::service_unit::ServiceUnitInput;
use crate::domain::training::TrainingEventInput;
use crate::domain::{Predicate, ProviderKind, RegionCode, TrainingMode};
use std::collections::{HashMap, HashSet};
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
    TrainingEventInput::from(e)
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
        data_year: p.data_year.map(|y| y.to_string()).unwrap_or_default(),
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
    let years: HashSet<i32> = d.events.iter().map(super::super::domain::training::TrainingEvent::year).collect();
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
        assert!(of_year.iter().all(|r| r.data_year == Some(year - 1)));
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
    assert!(share(&|e| e.days().is_none_or(|d| (1..=3).contains(&d))) > 0.9);
    assert!(share(&|e| e.mode == Some(TrainingMode::Luring) && e.participants_offline.is_some_and(|n| !(20..=100).contains(&n))) < 0.1);
    assert!(share(&|e| e.organiser.level() == crate::domain::RegionLevel::Province) > 0.15);
    let hybrid: Vec<&TrainingEvent> =
        d.events.iter().filter(|e| e.mode == Some(TrainingMode::Hybrid) && e.participants_online.is_some()).collect();
    assert!(hybrid.iter().filter(|e| e.participants_online > e.participants_offline).count() * 10 > hybrid.len() * 8);
    // Reports leave things out, as real ones do: some counts, institutions and end dates are unknown, and
    // some provincial trainings are for every kab/kota without a breakdown.
    let unknown = share(&|e| e.participants().is_none());
    assert!((0.03..0.15).contains(&unknown), "{unknown}");
    assert!(share(&|e| e.institutions.is_none()) > 0.15);
    assert!(share(&|e| e.end_date.is_none()) > 0.01);
    assert!(d.events.iter().any(|e| e.all_regencies && e.by_regency.is_empty()));
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
        of.iter().filter(|e| e.mode != Some(TrainingMode::Luring)).count() as f64 / of.len() as f64
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
