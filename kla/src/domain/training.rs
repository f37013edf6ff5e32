//! KHA training events (pelatihan, bimtek, ToT, sosialisasi) organised by a province or a regency, with
//! optional participant breakdowns by regency and by provider kind.

use super::error::{FieldError, FieldErrors, check};
use super::predicate::{parse_opt_decimal, parse_opt_int};
use super::region::RegionCode;
use super::service_unit::ProviderKind;
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// The largest participant or institution count one event may report; above it is almost surely a typo.
pub const MAX_COUNT: i64 = 100_000;
/// The longest event accepted, in days.
pub const MAX_DAYS: i64 = 60;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
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

/// How a training assessed what participants learned, where the report says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Assessment {
    /// The report says there was no test.
    None,
    Quiz,
    /// A test before and after, whose means may be recorded.
    PrePost,
}

impl Assessment {
    pub const ALL: [Assessment; 3] = [Assessment::None, Assessment::Quiz, Assessment::PrePost];
    pub fn as_str(self) -> &'static str {
        match self {
            Assessment::None => "none",
            Assessment::Quiz => "quiz",
            Assessment::PrePost => "pre_post",
        }
    }
    /// The stored key, or how officers write it (`tidak ada`, `kuis`, `pre/post test`).
    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim().to_lowercase().replace([' ', '-', '/'], "_");
        match s.as_str() {
            "none" | "tidak_ada" | "tanpa_tes" => Some(Assessment::None),
            "quiz" | "kuis" => Some(Assessment::Quiz),
            "pre_post" | "pre_post_test" | "pretest_posttest" | "pre_test_post_test" => Some(Assessment::PrePost),
            _ => None,
        }
    }
}

/// Participants attributed to a regency or a provider kind: `None` when the report names the regency or
/// kind as taking part without saying how many came.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Breakdown<K> {
    pub key: K,
    pub participants: Option<i64>,
}

/// The word in `participants_by_regency` for a province's training of every kab/kota in the province.
pub const ALL_REGENCIES: &str = "semua";

/// A training event as entered: every field as text. Breakdowns are written `63.10:25; 63.72:15` and
/// `puskesmas_ramah_anak:12; paud:8`; an entry without `:count` took part in unknown numbers, and `semua`
/// in `participants_by_regency` stands for every kab/kota of the organising province.
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
    pub assessment: String,
    pub programme: String,
    pub facilitators: String,
    pub notes: String,
}

/// A validated training event. Every count a report may omit is an `Option`: `None` is "not reported",
/// never 0.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TrainingEvent {
    pub organiser: RegionCode,
    pub title: String,
    pub kind: TrainingKind,
    pub start_date: NaiveDate,
    pub end_date: Option<NaiveDate>,
    pub venue: String,
    pub mode: Option<TrainingMode>,
    pub participants_offline: Option<i64>,
    pub participants_online: Option<i64>,
    pub institutions: Option<i64>,
    /// A province's event for every kab/kota of the province (counts per kab/kota may still be unknown).
    pub all_regencies: bool,
    pub by_regency: Vec<Breakdown<RegionCode>>,
    pub by_kind: Vec<Breakdown<ProviderKind>>,
    pub assessment: Option<Assessment>,
    pub pre_test_mean: Option<f64>,
    pub post_test_mean: Option<f64>,
    pub certificate_issuer: String,
    pub source_url: String,
    pub programme: String,
    pub facilitators: String,
    pub notes: String,
}

impl TrainingEvent {
    pub fn year(&self) -> i32 {
        self.start_date.year()
    }
    /// The participants the report counted (in the room plus online), `None` when it gives no count.
    pub fn participants(&self) -> Option<i64> {
        known_sum(self.participants_offline, self.participants_online)
    }
    /// Calendar days the event ran, both ends included; `None` without an end date.
    pub fn days(&self) -> Option<i64> {
        self.end_date.map(|e| (e - self.start_date).num_days() + 1)
    }
}

/// The sum of the parts that are known, `None` when none is.
pub fn known_sum(a: Option<i64>, b: Option<i64>) -> Option<i64> {
    match (a, b) {
        (None, None) => None,
        (a, b) => Some(a.unwrap_or(0) + b.unwrap_or(0)),
    }
}

/// The whole count of an event, when the report makes it certain: both parts known, or the mode rules the
/// missing part out (no one online at an in-person event, no one in the room at an online one).
fn certain_total(offline: Option<i64>, online: Option<i64>, mode: Option<TrainingMode>) -> Option<i64> {
    match (mode, offline, online) {
        (_, Some(off), Some(on)) => Some(off + on),
        (Some(TrainingMode::Luring), Some(off), None) => Some(off),
        (Some(TrainingMode::Daring), None, Some(on)) => Some(on),
        _ => None,
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

/// The most entries one breakdown may hold (a province has at most a few dozen kab/kota; kinds are fewer).
const MAX_BREAKDOWN_ENTRIES: usize = 100;

fn parse_breakdown<K>(errs: &mut FieldErrors, field: &'static str, raw: &str, key: impl Fn(&str) -> Option<K>) -> Vec<Breakdown<K>>
where
    K: PartialEq,
{
    let parts: Vec<&str> = raw.split([';', '\n']).map(str::trim).filter(|p| !p.is_empty()).take(MAX_BREAKDOWN_ENTRIES + 1).collect();
    if parts.len() > MAX_BREAKDOWN_ENTRIES {
        errs.push(FieldError::with(field, "too_many_entries", MAX_BREAKDOWN_ENTRIES.to_string()));
        return Vec::new();
    }
    let mut out: Vec<Breakdown<K>> = Vec::with_capacity(parts.len());
    for part in parts {
        let (k, n) = match part.split_once(':') {
            Some((k, n)) => (k.trim(), Some(n.trim())),
            None => (part, None),
        };
        let n = match n {
            None => None,
            Some(n) => match n.parse::<i64>() {
                Ok(n) if (0..=MAX_COUNT).contains(&n) => Some(n),
                _ => {
                    errs.push(FieldError::with(field, "breakdown", part));
                    return Vec::new();
                }
            },
        };
        let Some(k) = key(k) else {
            errs.push(FieldError::with(field, "breakdown", part));
            return Vec::new();
        };
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

/// A count a report may omit: empty is unknown, anything else a whole number within bounds.
fn optional_count(errs: &mut FieldErrors, field: &'static str, raw: &str) -> Option<i64> {
    parse_opt_int(errs, field, raw).map(|v| check::count(errs, field, v, MAX_COUNT))
}

impl From<&TrainingEvent> for TrainingEventInput {
    /// The event as an officer would type it: what [`TrainingEventInput::parse`] reads back to the same event.
    fn from(e: &TrainingEvent) -> Self {
        let count = |n: Option<i64>| n.map(|n| n.to_string()).unwrap_or_default();
        let entry = |key: String, n: Option<i64>| match n {
            Some(n) => format!("{key}:{n}"),
            None => key,
        };
        let by_regency = e.all_regencies.then(|| ALL_REGENCIES.to_string()).into_iter();
        TrainingEventInput {
            organiser_code: e.organiser.to_string(),
            title: e.title.clone(),
            kind: e.kind.as_str().into(),
            start_date: e.start_date.to_string(),
            end_date: e.end_date.map(|d| d.format("%d/%m/%Y").to_string()).unwrap_or_default(),
            venue: e.venue.clone(),
            mode: e.mode.map(|m| m.as_str().to_string()).unwrap_or_default(),
            participants_offline: count(e.participants_offline),
            participants_online: count(e.participants_online),
            institutions: count(e.institutions),
            participants_by_regency: by_regency
                .chain(e.by_regency.iter().map(|b| entry(b.key.to_string(), b.participants)))
                .collect::<Vec<_>>()
                .join("; "),
            participants_by_kind: e
                .by_kind
                .iter()
                .map(|b| entry(b.key.as_str().to_string(), b.participants))
                .collect::<Vec<_>>()
                .join("; "),
            pre_test_mean: e.pre_test_mean.map(|x| x.to_string()).unwrap_or_default(),
            post_test_mean: e.post_test_mean.map(|x| x.to_string()).unwrap_or_default(),
            certificate_issuer: e.certificate_issuer.clone(),
            source_url: e.source_url.clone(),
            assessment: e.assessment.map(|a| a.as_str().to_string()).unwrap_or_default(),
            programme: e.programme.clone(),
            facilitators: e.facilitators.clone(),
            notes: e.notes.clone(),
        }
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
        let end = if self.end_date.trim().is_empty() { None } else { parse_date(&mut errs, "end_date", &self.end_date) };
        if let (Some(s), Some(e)) = (start, end) {
            if e < s {
                errs.push(FieldError::new("end_date", "end_before_start"));
            } else if (e - s).num_days() + 1 > MAX_DAYS {
                errs.push(FieldError::with("end_date", "too_long_event", MAX_DAYS.to_string()));
            }
        }
        let venue = check::optional_text(&mut errs, "venue", &self.venue, 300);
        let mode = if self.mode.trim().is_empty() {
            None
        } else {
            let m = TrainingMode::parse(&self.mode);
            if m.is_none() {
                errs.push(FieldError::with("mode", "one_of", "luring, daring, hybrid"));
            }
            m
        };
        let offline = optional_count(&mut errs, "participants_offline", &self.participants_offline);
        let online = optional_count(&mut errs, "participants_online", &self.participants_online);
        let institutions = optional_count(&mut errs, "institutions", &self.institutions);
        match mode {
            Some(TrainingMode::Luring) if online.is_some_and(|n| n > 0) => {
                errs.push(FieldError::new("participants_online", "online_in_luring"));
            }
            Some(TrainingMode::Daring) if offline.is_some_and(|n| n > 0) => {
                errs.push(FieldError::new("participants_offline", "offline_in_daring"));
            }
            _ => {}
        }
        let mut all_regencies = false;
        let regency_entries: Vec<&str> = self
            .participants_by_regency
            .split([';', '\n'])
            .map(str::trim)
            .filter(|p| !p.is_empty())
            // Enough for `parse_breakdown` to see one entry too many after `semua` is taken out.
            .take(MAX_BREAKDOWN_ENTRIES + 2)
            .filter(|p| {
                let all = p.eq_ignore_ascii_case(ALL_REGENCIES) || p.eq_ignore_ascii_case("all");
                all_regencies |= all;
                !all
            })
            .collect();
        let by_regency = parse_breakdown(&mut errs, "participants_by_regency", &regency_entries.join(";"), |k| {
            RegionCode::parse(k).ok().filter(|c| c.level() == super::RegionLevel::Regency)
        });
        if let Some(org) = organiser {
            if let Some(b) = by_regency.iter().find(|b| !credits_within(org, b.key)) {
                errs.push(FieldError::with("participants_by_regency", BREAKDOWN_OUTSIDE_AREA, b.key.to_string()));
            }
            if all_regencies && org.level() != super::RegionLevel::Province {
                errs.push(FieldError::new("participants_by_regency", "all_regencies_for_province"));
            }
        }
        let by_kind = parse_breakdown(&mut errs, "participants_by_kind", &self.participants_by_kind, ProviderKind::parse);
        if let Some(total) = certain_total(offline, online, mode) {
            for (field, sum) in [
                ("participants_by_regency", by_regency.iter().filter_map(|b| b.participants).sum::<i64>()),
                ("participants_by_kind", by_kind.iter().filter_map(|b| b.participants).sum::<i64>()),
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
        let has_means = pre.is_some() || post.is_some();
        let assessment = if self.assessment.trim().is_empty() {
            // Test means say a pre/post test was held even when the column is left empty.
            has_means.then_some(Assessment::PrePost)
        } else {
            match Assessment::parse(&self.assessment) {
                Some(a) if has_means && a != Assessment::PrePost => {
                    errs.push(FieldError::new("assessment", "means_without_pre_post"));
                    None
                }
                Some(a) => Some(a),
                None => {
                    errs.push(FieldError::with("assessment", "one_of", "none, quiz, pre_post"));
                    None
                }
            }
        };
        let certificate_issuer = check::optional_text(&mut errs, "certificate_issuer", &self.certificate_issuer, 200);
        let source_url = check::link(&mut errs, "source_url", &self.source_url);
        let programme = check::optional_text(&mut errs, "programme", &self.programme, 200);
        let facilitators = check::optional_text(&mut errs, "facilitators", &self.facilitators, 500);
        let notes = check::optional_text(&mut errs, "notes", &self.notes, 2000);
        errs.into_result(|| TrainingEvent {
            organiser: organiser.expect("checked"),
            title,
            kind: kind.expect("checked"),
            start_date: start.expect("checked"),
            end_date: end,
            venue,
            mode,
            participants_offline: offline,
            participants_online: online,
            institutions,
            all_regencies,
            by_regency,
            by_kind,
            assessment,
            pre_test_mean: pre,
            post_test_mean: post,
            certificate_issuer,
            source_url,
            programme,
            facilitators,
            notes,
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
        assert_eq!(e.participants(), Some(475));
        assert_eq!(e.days(), Some(3));
        assert_eq!(e.year(), 2025);
        assert_eq!(e.by_regency.len(), 2);
        assert_eq!(e.by_kind[0].key, ProviderKind::PuskesmasRamahAnak);
        assert_eq!(e.pre_test_mean, Some(61.5));
        assert_eq!(e.assessment, Some(Assessment::PrePost), "test means imply a pre/post test");
    }

    #[test]
    fn a_report_without_counts_is_a_training_with_unknown_counts() {
        let i = TrainingEventInput {
            organiser_code: "63.10".into(),
            title: "Sosialisasi KHA".into(),
            kind: "sosialisasi".into(),
            start_date: "08/07/2024".into(),
            ..Default::default()
        };
        let e = i.parse().unwrap();
        assert_eq!((e.participants_offline, e.participants_online, e.institutions), (None, None, None));
        assert_eq!((e.participants(), e.days(), e.mode, e.end_date, e.assessment), (None, None, None, None, None));
        let mut i = i;
        i.participants_offline = "0".into();
        assert_eq!(i.parse().unwrap().participants(), Some(0), "a reported 0 stays 0");
    }

    #[test]
    fn a_province_trains_every_kab_kota_without_counts() {
        let mut i = bimtek();
        i.participants_by_regency = "semua; 63.10:25; 63.72".into();
        let e = i.parse().unwrap();
        assert!(e.all_regencies);
        assert_eq!(e.by_regency.iter().map(|b| b.participants).collect::<Vec<_>>(), [Some(25), None]);
        i.organiser_code = "63.10".into();
        i.participants_by_regency = "semua".into();
        assert_eq!(i.parse().unwrap_err().for_field("participants_by_regency").unwrap().code, "all_regencies_for_province");
        let mut i = bimtek();
        i.participants_by_kind = "paud; bkb:4; lpai".into();
        let e = i.parse().unwrap();
        assert_eq!(e.by_kind.len(), 3);
        assert_eq!(e.by_kind[1], Breakdown { key: ProviderKind::Bkb, participants: Some(4) });
    }

    #[test]
    fn a_long_regency_breakdown_is_refused_with_or_without_semua() {
        let many = |n: usize| (0..n).map(|_| "63.10").collect::<Vec<_>>().join(";");
        let mut i = bimtek();
        i.participants_by_regency = format!("semua;;;{}", many(MAX_BREAKDOWN_ENTRIES + 1));
        assert_eq!(i.parse().unwrap_err().for_field("participants_by_regency").unwrap().code, "too_many_entries");
        i.participants_by_regency = format!("{};semua", many(MAX_BREAKDOWN_ENTRIES + 5));
        assert_eq!(i.parse().unwrap_err().for_field("participants_by_regency").unwrap().code, "too_many_entries");
    }

    #[test]
    fn assessment_is_named_or_implied_by_test_means() {
        let mut i = bimtek();
        i.assessment = "kuis".into();
        assert_eq!(i.parse().unwrap_err().for_field("assessment").unwrap().code, "means_without_pre_post");
        i.pre_test_mean.clear();
        i.post_test_mean.clear();
        assert_eq!(i.parse().unwrap().assessment, Some(Assessment::Quiz));
        i.assessment = "Pre/post test".into();
        assert_eq!(i.parse().unwrap().assessment, Some(Assessment::PrePost));
        i.assessment = "ujian".into();
        assert!(i.parse().unwrap_err().for_field("assessment").is_some());
    }

    #[test]
    fn breakdown_totals_are_checked_only_against_a_certain_total() {
        let mut i = bimtek();
        i.participants_online.clear();
        i.participants_by_kind = "paud:400".into();
        assert!(i.parse().is_ok(), "a hybrid event with unknown online participants has no certain total");
        i.mode = "luring".into();
        assert_eq!(i.parse().unwrap_err().for_field("participants_by_kind").unwrap().code, "breakdown_exceeds");
        let mut i = bimtek();
        i.participants_by_kind = (0..=MAX_BREAKDOWN_ENTRIES).map(|n| format!("x{n}")).collect::<Vec<_>>().join(";");
        assert_eq!(i.parse().unwrap_err().for_field("participants_by_kind").unwrap().code, "too_many_entries");
    }

    #[test]
    fn mode_and_counts_must_agree() {
        let mut i = bimtek();
        i.mode = "luring".into();
        assert_eq!(i.parse().unwrap_err().for_field("participants_online").unwrap().code, "online_in_luring");
        let mut i = bimtek();
        i.mode = "daring".into();
        assert_eq!(i.parse().unwrap_err().for_field("participants_offline").unwrap().code, "offline_in_daring");
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
        let row = |by_regency: &str| format!("63,Bimtek KHA,bimtek,2025-03-11,2025-03-13,Banjarbaru,luring,600,0,10,{by_regency},,,,,,,,,");
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
