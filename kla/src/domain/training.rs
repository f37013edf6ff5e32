//! KHA training events (pelatihan, bimtek, ToT, sosialisasi) organised by a province or a regency, with
//! optional participant breakdowns by regency and by provider kind.

use super::error::{FieldError, FieldErrors, check};
use super::predicate::{parse_int, parse_opt_decimal};
use super::region::RegionCode;
use super::service_unit::ProviderKind;
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// The largest participant or institution count one event may report; above it is almost surely a typo.
pub const MAX_COUNT: i64 = 100_000;
/// The longest event accepted, in days.
pub const MAX_DAYS: i64 = 60;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TrainingKind {
    Pelatihan,
    Bimtek,
    Tot,
    Sosialisasi,
}

impl TrainingKind {
    pub const ALL: [TrainingKind; 4] = [TrainingKind::Pelatihan, TrainingKind::Bimtek, TrainingKind::Tot, TrainingKind::Sosialisasi];
    pub fn as_str(self) -> &'static str {
        match self {
            TrainingKind::Pelatihan => "pelatihan",
            TrainingKind::Bimtek => "bimtek",
            TrainingKind::Tot => "tot",
            TrainingKind::Sosialisasi => "sosialisasi",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim().to_lowercase();
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TrainingMode {
    Luring,
    Daring,
    Hybrid,
}

impl TrainingMode {
    pub const ALL: [TrainingMode; 3] = [TrainingMode::Luring, TrainingMode::Daring, TrainingMode::Hybrid];
    pub fn as_str(self) -> &'static str {
        match self {
            TrainingMode::Luring => "luring",
            TrainingMode::Daring => "daring",
            TrainingMode::Hybrid => "hybrid",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim().to_lowercase();
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// Participants attributed to a regency or a provider kind.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Breakdown<K> {
    pub key: K,
    pub participants: i64,
}

/// A training event as entered: every field as text. Breakdowns are written `63.10:25; 63.72:15` and
/// `puskesmas_ramah_anak:12; paud:8`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct TrainingEventInput {
    pub organiser_code: String,
    pub title: String,
    pub kind: String,
    pub start_date: String,
    pub end_date: String,
    pub venue: String,
    pub mode: String,
    pub participants_offline: String,
    pub participants_online: String,
    pub institutions: String,
    pub participants_by_regency: String,
    pub participants_by_kind: String,
    pub pre_test_mean: String,
    pub post_test_mean: String,
    pub certificate_issuer: String,
    pub source_url: String,
}

/// A validated training event.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TrainingEvent {
    pub organiser: RegionCode,
    pub title: String,
    pub kind: TrainingKind,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    pub venue: String,
    pub mode: TrainingMode,
    pub participants_offline: i64,
    pub participants_online: i64,
    pub institutions: i64,
    pub by_regency: Vec<Breakdown<RegionCode>>,
    pub by_kind: Vec<Breakdown<ProviderKind>>,
    pub pre_test_mean: Option<f64>,
    pub post_test_mean: Option<f64>,
    pub certificate_issuer: String,
    pub source_url: String,
}

impl TrainingEvent {
    pub fn year(&self) -> i32 {
        self.start_date.year()
    }
    pub fn participants(&self) -> i64 {
        self.participants_offline + self.participants_online
    }
    /// Calendar days the event ran, both ends included.
    pub fn days(&self) -> i64 {
        (self.end_date - self.start_date).num_days() + 1
    }
}

/// Dates are accepted as ISO (`2025-03-14`) or as Indonesians write them (`14/03/2025`).
pub(crate) fn parse_date(errs: &mut FieldErrors, field: &'static str, raw: &str) -> Option<NaiveDate> {
    let t = raw.trim();
    if t.is_empty() {
        errs.push(FieldError::new(field, "required"));
        return None;
    }
    let parsed = NaiveDate::parse_from_str(t, "%Y-%m-%d").or_else(|_| NaiveDate::parse_from_str(t, "%d/%m/%Y"));
    match parsed {
        Ok(d) => {
            check::year(errs, field, d.year());
            Some(d)
        }
        Err(_) => {
            errs.push(FieldError::new(field, "date"));
            None
        }
    }
}

fn parse_breakdown<K>(errs: &mut FieldErrors, field: &'static str, raw: &str, key: impl Fn(&str) -> Option<K>) -> Vec<Breakdown<K>>
where
    K: PartialEq,
{
    let mut out: Vec<Breakdown<K>> = Vec::new();
    for part in raw.split([';', '\n']).map(str::trim).filter(|p| !p.is_empty()) {
        let Some((k, n)) = part.split_once(':') else {
            errs.push(FieldError::with(field, "breakdown", part));
            return Vec::new();
        };
        let (Some(k), Ok(n)) = (key(k.trim()), n.trim().parse::<i64>()) else {
            errs.push(FieldError::with(field, "breakdown", part));
            return Vec::new();
        };
        if !(0..=MAX_COUNT).contains(&n) {
            errs.push(FieldError::with(field, "breakdown", part));
            return Vec::new();
        }
        if out.iter().any(|b| b.key == k) {
            errs.push(FieldError::with(field, "breakdown_duplicate", part));
            return Vec::new();
        }
        out.push(Breakdown { key: k, participants: n });
    }
    out
}

/// The message key for a regency outside the organiser's own area in `participants_by_regency`.
const BREAKDOWN_OUTSIDE_AREA: &str = "limits_rules.breakdown_outside_area";

/// Whether an event of `organiser` may credit participants to `regency`: a province only to its own
/// kab/kota, a regency only to itself. Without this a province officer could move another province's
/// public figures through the breakdown of an event the officer may edit.
pub fn credits_within(organiser: RegionCode, regency: RegionCode) -> bool {
    match organiser {
        RegionCode::Province(_) => regency.province() == organiser,
        RegionCode::Regency(..) => regency == organiser,
    }
}

impl TrainingEventInput {
    pub fn parse(&self) -> Result<TrainingEvent, FieldErrors> {
        let mut errs = FieldErrors::default();
        let organiser = match RegionCode::parse(&self.organiser_code) {
            Ok(c) => Some(c),
            Err(_) => {
                errs.push(FieldError::new("organiser_code", "region_code"));
                None
            }
        };
        let title = check::required_text(&mut errs, "title", &self.title, 300);
        let kind = TrainingKind::parse(&self.kind);
        if kind.is_none() {
            errs.push(FieldError::with("kind", "one_of", "pelatihan, bimtek, tot, sosialisasi"));
        }
        let start = parse_date(&mut errs, "start_date", &self.start_date);
        let end = parse_date(&mut errs, "end_date", &self.end_date);
        if let (Some(s), Some(e)) = (start, end) {
            if e < s {
                errs.push(FieldError::new("end_date", "end_before_start"));
            } else if (e - s).num_days() + 1 > MAX_DAYS {
                errs.push(FieldError::with("end_date", "too_long_event", MAX_DAYS.to_string()));
            }
        }
        let venue = check::optional_text(&mut errs, "venue", &self.venue, 300);
        let mode = TrainingMode::parse(&self.mode);
        if mode.is_none() {
            errs.push(FieldError::with("mode", "one_of", "luring, daring, hybrid"));
        }
        let count = |errs: &mut FieldErrors, field: &'static str, raw: &str| {
            let raw = if raw.trim().is_empty() { "0" } else { raw };
            parse_int(errs, field, raw).map(|v| check::count(errs, field, v, MAX_COUNT))
        };
        let offline = count(&mut errs, "participants_offline", &self.participants_offline);
        let online = count(&mut errs, "participants_online", &self.participants_online);
        let institutions = count(&mut errs, "institutions", &self.institutions);
        if let (Some(off), Some(on), Some(m)) = (offline, online, mode) {
            if off + on == 0 {
                errs.push(FieldError::new("participants_offline", "no_participants"));
            } else if m == TrainingMode::Luring && on > 0 {
                errs.push(FieldError::new("participants_online", "online_in_luring"));
            } else if m == TrainingMode::Daring && off > 0 {
                errs.push(FieldError::new("participants_offline", "offline_in_daring"));
            }
        }
        let by_regency = parse_breakdown(&mut errs, "participants_by_regency", &self.participants_by_regency, |k| {
            RegionCode::parse(k).ok().filter(|c| c.level() == super::RegionLevel::Regency)
        });
        if let Some(org) = organiser
            && let Some(b) = by_regency.iter().find(|b| !credits_within(org, b.key))
        {
            errs.push(FieldError::with("participants_by_regency", BREAKDOWN_OUTSIDE_AREA, b.key.to_string()));
        }
        let by_kind = parse_breakdown(&mut errs, "participants_by_kind", &self.participants_by_kind, ProviderKind::parse);
        if let (Some(off), Some(on)) = (offline, online) {
            let total = off + on;
            for (field, sum) in [
                ("participants_by_regency", by_regency.iter().map(|b| b.participants).sum::<i64>()),
                ("participants_by_kind", by_kind.iter().map(|b| b.participants).sum::<i64>()),
            ] {
                if sum > total {
                    errs.push(FieldError::with(field, "breakdown_exceeds", total.to_string()));
                }
            }
        }
        let pre = parse_opt_decimal(&mut errs, "pre_test_mean", &self.pre_test_mean);
        let pre = check::score(&mut errs, "pre_test_mean", pre, 100.0);
        let post = parse_opt_decimal(&mut errs, "post_test_mean", &self.post_test_mean);
        let post = check::score(&mut errs, "post_test_mean", post, 100.0);
        let certificate_issuer = check::optional_text(&mut errs, "certificate_issuer", &self.certificate_issuer, 200);
        let source_url = check::link(&mut errs, "source_url", &self.source_url);
        errs.into_result(|| TrainingEvent {
            organiser: organiser.expect("checked"),
            title,
            kind: kind.expect("checked"),
            start_date: start.expect("checked"),
            end_date: end.expect("checked"),
            venue,
            mode: mode.expect("checked"),
            participants_offline: offline.expect("checked"),
            participants_online: online.expect("checked"),
            institutions: institutions.expect("checked"),
            by_regency,
            by_kind,
            pre_test_mean: pre,
            post_test_mean: post,
            certificate_issuer,
            source_url,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn bimtek() -> TrainingEventInput {
        TrainingEventInput {
            organiser_code: "63".into(),
            title: "Bimtek Konvensi Hak Anak bagi penyedia layanan".into(),
            kind: "Bimtek".into(),
            start_date: "2025-03-11".into(),
            end_date: "13/03/2025".into(),
            venue: "Banjarbaru".into(),
            mode: "hybrid".into(),
            participants_offline: "40".into(),
            participants_online: "435".into(),
            institutions: "52".into(),
            participants_by_regency: "63.10:25; 63.72:15".into(),
            participants_by_kind: "puskesmas_ramah_anak:12;paud:8".into(),
            pre_test_mean: "61,5".into(),
            post_test_mean: "82".into(),
            ..Default::default()
        }
    }

    #[test]
    fn a_hybrid_bimtek_parses_with_its_breakdowns() {
        let e = bimtek().parse().unwrap();
        assert_eq!(e.participants(), 475);
        assert_eq!(e.days(), 3);
        assert_eq!(e.year(), 2025);
        assert_eq!(e.by_regency.len(), 2);
        assert_eq!(e.by_kind[0].key, ProviderKind::PuskesmasRamahAnak);
        assert_eq!(e.pre_test_mean, Some(61.5));
    }

    #[test]
    fn mode_and_counts_must_agree() {
        let mut i = bimtek();
        i.mode = "luring".into();
        assert_eq!(i.parse().unwrap_err().for_field("participants_online").unwrap().code, "online_in_luring");
        let mut i = bimtek();
        i.participants_offline = "0".into();
        i.participants_online = "0".into();
        i.participants_by_regency.clear();
        i.participants_by_kind.clear();
        assert_eq!(i.parse().unwrap_err().for_field("participants_offline").unwrap().code, "no_participants");
    }

    #[test]
    fn refuses_bad_dates_and_counts_naming_each_field() {
        let mut i = bimtek();
        i.start_date = "2025-13-01".into();
        i.institutions = "-3".into();
        i.participants_online = "1e3".into();
        i.kind = "seminar".into();
        let e = i.parse().unwrap_err();
        for f in ["start_date", "institutions", "participants_online", "kind"] {
            assert!(e.for_field(f).is_some(), "{f} should be named: {e}");
        }
    }

    #[test]
    fn end_date_before_start_is_refused() {
        let mut i = bimtek();
        i.end_date = "2025-03-10".into();
        assert_eq!(i.parse().unwrap_err().for_field("end_date").unwrap().code, "end_before_start");
    }

    #[test]
    fn breakdowns_are_checked() {
        let mut i = bimtek();
        i.participants_by_regency = "63:10".into();
        assert!(i.parse().unwrap_err().for_field("participants_by_regency").is_some());
        let mut i = bimtek();
        i.participants_by_kind = "paud:400;sekolah_ramah_anak:100".into();
        assert_eq!(i.parse().unwrap_err().for_field("participants_by_kind").unwrap().code, "breakdown_exceeds");
        let mut i = bimtek();
        i.participants_by_regency = "63.10:1;63.10:2".into();
        assert_eq!(i.parse().unwrap_err().for_field("participants_by_regency").unwrap().code, "breakdown_duplicate");
    }

    #[test]
    fn breakdowns_stay_within_the_organisers_area() {
        let mut i = bimtek();
        i.participants_by_regency = "63.10:25; 35.07:15".into();
        let e = i.parse().unwrap_err();
        let err = e.for_field("participants_by_regency").unwrap();
        assert_eq!((err.code, err.detail.as_deref()), (BREAKDOWN_OUTSIDE_AREA, Some("35.07")));
        assert!(e.to_string().contains("35.07"), "{e}");
        let mut i = bimtek();
        i.organiser_code = "63.10".into();
        i.participants_by_regency = "63.10:20".into();
        assert!(i.parse().is_ok(), "a regency may credit itself");
        i.participants_by_regency = "63.10:20; 63.72:5".into();
        assert_eq!(i.parse().unwrap_err().for_field("participants_by_regency").unwrap().detail.as_deref(), Some("63.72"));
        assert!(credits_within(RegionCode::parse("63").unwrap(), RegionCode::parse("63.72").unwrap()));
        assert!(!credits_within(RegionCode::parse("63").unwrap(), RegionCode::parse("64.01").unwrap()));
    }

    #[test]
    fn imports_apply_the_same_area_rule() {
        use crate::import::{ImportError, parse};
        let reg = crate::db::RegionRegistry::from_regions(crate::db::regions::bundled().unwrap());
        let header = crate::records::Entity::TrainingEvent.columns().join(",");
        let row = |by_regency: &str| format!("63,Bimtek KHA,bimtek,2025-03-11,2025-03-13,Banjarbaru,luring,600,0,10,{by_regency},,,,,");
        let ok = format!("{header}\n{}\n", row("63.10:100; 63.72:50"));
        assert!(parse(&ok, &reg, &crate::domain::PredicateBands::published(), crate::i18n::Lang::Id).is_ok());
        let bad = format!("{header}\n{}\n", row("63.10:100; 35.07:500"));
        let Err(ImportError::Rows(errs)) = parse(&bad, &reg, &crate::domain::PredicateBands::published(), crate::i18n::Lang::Id) else {
            panic!("the row is refused")
        };
        assert_eq!((errs[0].row, errs[0].column.as_str()), (2, "participants_by_regency"));
        assert!(errs[0].message.contains("35.07 di luar wilayah penyelenggara"), "{}", errs[0].message);
    }

    #[test]
    fn test_scores_stay_within_0_to_100() {
        let mut i = bimtek();
        i.post_test_mean = "120".into();
        assert_eq!(i.parse().unwrap_err().for_field("post_test_mean").unwrap().code, "score_range");
    }
}
