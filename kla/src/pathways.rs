//! Peer pathways: for every step between predicates (none → Pratama, …, Utama → KLA), the kab/kota that
//! made it and those that stayed, and what their training activity, scores and certified service units looked
//! like — for the whole nation in one computation, which the pages cache per national data version.
//!
//! **Definitions.** The *award rounds* are the award years the database holds any predicate record for. A
//! kab/kota's *step pair* for round Y is its record in Y beside its record in the round just before Y; when it
//! has no record in that round (a gap) the pair is left out and counted as a gap, never bridged to an older
//! round. A pair starting at level `from` is a *mover* when the predicate in Y is above `from` (a jump of two
//! levels counts as making the first step), a *stayer* when it is still `from`, and a *drop* when it fell:
//! drops are counted and shown, but stand in neither group. Each kab/kota counts once per step: its most
//! recent pair starting at that level (in the chosen award year when one is chosen).
//!
//! **Measures, per kab/kota, for the step into round Y** (award Y is judged on the data of its data year D —
//! Y − 1 where the record does not say — so the two data years D − 1 and D are "the rounds before the
//! step"): training events it organised itself per year (known only for a kab/kota whose training records
//! begin in or before the first of those years: a year before it recorded anything is unknown, not zero),
//! participants per year (known only where every event in those years reported a count), the final score of
//! its record in the round before (where published) and the share of its service units with KHA-certified
//! staff — a current snapshot, since units carry no history. Each group reports the median and mean of each
//! measure over the kab/kota that have it, with how many that are. None of this says that training causes a
//! step: it shows what went together, over few kab/kota.

use crate::domain::Predicate;
use serde::Serialize;
use sqlx::{AnyPool, FromRow};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use utoipa::ToSchema;

/// A group smaller than this is flagged as too small to read much into.
pub const SMALL_GROUP: usize = 5;

/// How many data years before an award the training measures cover.
pub const WINDOW_YEARS: i32 = 2;

/// A step between two adjacent levels (`from` = `None`: from no predicate to Pratama).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, ToSchema)]
pub struct Step {
    pub from: Option<Predicate>,
    pub to: Predicate,
}

impl Step {
    /// The five steps, lowest first.
    pub fn all() -> [Step; 5] {
        let p = Predicate::ALL;
        [
            Step { from: None, to: p[0] },
            Step { from: Some(p[0]), to: p[1] },
            Step { from: Some(p[1]), to: p[2] },
            Step { from: Some(p[2]), to: p[3] },
            Step { from: Some(p[3]), to: p[4] },
        ]
    }

    /// The step a kab/kota at `level` takes next (`None` at KLA: there is no next step).
    pub fn from_level(level: Option<Predicate>) -> Option<Step> {
        Step::all().into_iter().find(|s| s.from == level)
    }

    /// The anchor and URL value of the step: `tanpa-pratama`, `pratama-madya`, …
    pub fn slug(self) -> String {
        format!("{}-{}", self.from.map_or("tanpa", |p| p.as_str()), self.to.as_str())
    }

    pub fn parse(s: &str) -> Option<Step> {
        Step::all().into_iter().find(|st| st.slug() == s)
    }
}

fn rank(p: Option<Predicate>) -> u8 {
    p.map_or(0, Predicate::rank)
}

/// One predicate record as the computation reads it.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    pub regency: String,
    pub award_year: i32,
    /// The year of the data assessed, where the record says (award lists rarely do).
    pub data_year: Option<i32>,
    pub predicate: Option<Predicate>,
    pub score_final: Option<f64>,
    pub demo: bool,
}

impl Record {
    /// The data years the training measures of the step into this record cover: the two up to its data year.
    fn window(&self) -> (i32, i32) {
        let last = self.data_year.unwrap_or(self.award_year - 1);
        (last - WINDOW_YEARS + 1, last)
    }
}

/// A kab/kota's own training in one year (from `training_summary`).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct YearActivity {
    pub events: i64,
    /// Events that reported a participant count.
    pub participant_events: i64,
    /// Participants summed over those events.
    pub participants: i64,
    pub demo: bool,
}

/// A kab/kota's service units now (from `unit_summary`).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct UnitsNow {
    pub units: i64,
    pub certified_units: i64,
    pub demo: bool,
}

/// Everything the computation reads: predicate records, each kab/kota's own training per year, and its
/// units now.
#[derive(Debug, Clone, Default)]
pub struct Inputs {
    pub records: Vec<Record>,
    /// (kab/kota code, data year) → its own training that year. A kab/kota absent from every key has no
    /// training record at all.
    pub training: HashMap<(String, i32), YearActivity>,
    pub units: HashMap<String, UnitsNow>,
}

/// A measure over a group: median and mean over the `n` kab/kota that have it (`None` when none does).
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, ToSchema)]
pub struct Spread {
    pub n: usize,
    pub median: Option<f64>,
    pub mean: Option<f64>,
}

impl Spread {
    pub fn of(values: &[f64]) -> Spread {
        let mut v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
        if v.is_empty() {
            return Spread::default();
        }
        v.sort_by(f64::total_cmp);
        let n = v.len();
        let median = if n % 2 == 1 { v[n / 2] } else { (v[n / 2 - 1] + v[n / 2]) / 2.0 };
        Spread { n, median: Some(median), mean: Some(v.iter().sum::<f64>() / n as f64) }
    }
}

/// One kab/kota's measures for one step pair (or for where it stands now).
#[derive(Debug, Clone, PartialEq, Default, Serialize, ToSchema)]
pub struct Measures {
    /// Training events it organised per year in the window (`None`: no training record at all).
    pub events_per_year: Option<f64>,
    /// Participants per year in the window (`None`: unknown — some event gave no count, or no record).
    pub participants_per_year: Option<f64>,
    /// The final score of the record the step starts from, where published.
    pub score: Option<f64>,
    /// The share of its service units with KHA-certified staff now (`None`: no units recorded).
    pub certified_share: Option<f64>,
}

/// A group of kab/kota (movers or stayers of a step) and its measures.
#[derive(Debug, Clone, PartialEq, Default, Serialize, ToSchema)]
pub struct Group {
    /// The kab/kota in the group, by code.
    pub regencies: Vec<String>,
    pub events_per_year: Spread,
    pub participants_per_year: Spread,
    pub score: Spread,
    pub certified_share: Spread,
}

impl Group {
    pub fn n(&self) -> usize {
        self.regencies.len()
    }

    /// Whether the group is too small to read much into.
    pub fn small(&self) -> bool {
        self.n() < SMALL_GROUP
    }

    fn of(members: Vec<(String, Measures)>) -> Group {
        let pick = |f: fn(&Measures) -> Option<f64>| Spread::of(&members.iter().filter_map(|(_, m)| f(m)).collect::<Vec<_>>());
        Group {
            events_per_year: pick(|m| m.events_per_year),
            participants_per_year: pick(|m| m.participants_per_year),
            score: pick(|m| m.score),
            certified_share: pick(|m| m.certified_share),
            regencies: members.into_iter().map(|(c, _)| c).collect(),
        }
    }
}

/// One step: its movers and stayers, the drops beside them, and the award years the pairs come from.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct StepFigures {
    pub step: Step,
    pub slug: String,
    pub movers: Group,
    pub stayers: Group,
    /// Kab/kota whose predicate fell from `from` (not in either group).
    pub drops: usize,
    /// Award years of the pairs counted.
    pub years: Vec<i32>,
}

/// Where a kab/kota stands now: its latest record and its own measures over the most recent data years.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Position {
    pub award_year: i32,
    pub predicate: Option<Predicate>,
    /// The step it is on (`None` at KLA).
    pub next: Option<Step>,
    pub measures: Measures,
}

/// The whole computation.
#[derive(Debug, Clone, PartialEq, Default, Serialize, ToSchema)]
pub struct Pathways {
    /// The award rounds held, oldest first.
    pub rounds: Vec<i32>,
    /// The award year chosen (`None`: every round).
    pub year: Option<i32>,
    pub steps: Vec<StepFigures>,
    /// Pairs left out because the kab/kota had no record in the round before.
    pub gaps: usize,
    /// The data years a kab/kota's own position is measured over: the two most recent with any training, but
    /// none after the latest award round (a year still being entered, or a mistyped future date, would read
    /// as a year without training).
    pub recent_years: Option<(i32, i32)>,
    /// Each kab/kota with a record, by code.
    pub positions: BTreeMap<String, Position>,
    pub demo: bool,
}

impl Pathways {
    pub fn step(&self, step: Step) -> Option<&StepFigures> {
        self.steps.iter().find(|s| s.step == step)
    }

    /// What a kab/kota's page shows of the pathways — its position, the figures of the step it is on, the
    /// data years its own figures cover and whether they are demo — as one number that changes when any of
    /// that does (within one process: the response cache keeps a regency page while it is unchanged).
    pub fn shown_for(&self, code: &str) -> u64 {
        use std::hash::{Hash, Hasher};
        let position = self.positions.get(code);
        let step = position.and_then(|p| p.next).and_then(|s| self.step(s));
        // f64 has no Hash: the figures are hashed as the JSON they serialize to.
        let shown = serde_json::to_vec(&(position, step, self.recent_years, self.demo)).unwrap_or_default();
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        shown.hash(&mut hasher);
        hasher.finish()
    }
}

/// A kab/kota's most recent pair for a step: the award year, the level it reached, its measures.
type Pair = (i32, Option<Predicate>, Measures);

/// A kab/kota's training measures over data years `first..=last`: unknown unless its training records begin
/// in or before `first` (`began`: the first data year each kab/kota recorded a training in).
fn training_measures(
    inputs: &Inputs,
    began: &HashMap<&str, i32>,
    code: &str,
    (first, last): (i32, i32),
    demo: &mut bool,
) -> (Option<f64>, Option<f64>) {
    if began.get(code).is_none_or(|&b| b > first) {
        return (None, None);
    }
    let years = f64::from(last - first + 1);
    let (mut events, mut counted, mut people) = (0i64, 0i64, 0i64);
    for y in first..=last {
        if let Some(a) = inputs.training.get(&(code.to_string(), y)) {
            events += a.events;
            counted += a.participant_events;
            people += a.participants;
            *demo |= a.demo && a.events > 0;
        }
    }
    let participants = (counted == events).then(|| people as f64 / years);
    (Some(events as f64 / years), participants)
}

fn certified_share(inputs: &Inputs, code: &str, demo: &mut bool) -> Option<f64> {
    let u = inputs.units.get(code)?;
    *demo |= u.demo;
    (u.units > 0).then(|| u.certified_units as f64 / u.units as f64)
}

/// Computes movers, stayers and positions for the nation (see the module's definitions). `year` chooses the
/// award year of the step; `None` takes every round. Bounded by its inputs: one pass over the records.
pub fn compute(inputs: &Inputs, year: Option<i32>) -> Pathways {
    let rounds: Vec<i32> = inputs.records.iter().map(|r| r.award_year).collect::<BTreeSet<_>>().into_iter().collect();
    let previous_round = |y: i32| rounds.iter().rev().find(|&&r| r < y).copied();
    let mut began: HashMap<&str, i32> = HashMap::new();
    for (c, y) in inputs.training.keys() {
        began.entry(c.as_str()).and_modify(|b| *b = (*b).min(*y)).or_insert(*y);
    }
    let mut by_regency: BTreeMap<&str, Vec<&Record>> = BTreeMap::new();
    for r in &inputs.records {
        by_regency.entry(r.regency.as_str()).or_default().push(r);
    }
    let mut demo = false;
    // Per step, per kab/kota: its most recent pair (award year, level reached, measures).
    let mut latest: BTreeMap<Step, BTreeMap<&str, Pair>> = BTreeMap::new();
    let mut gaps = 0;
    let mut positions = BTreeMap::new();
    let latest_round = rounds.last().copied();
    let recent_last = inputs.training.keys().map(|(_, y)| *y).filter(|&y| latest_round.is_none_or(|r| y <= r)).max();
    let recent_years = recent_last.map(|m| (m - WINDOW_YEARS + 1, m));
    for (&code, recs) in by_regency.iter_mut() {
        recs.sort_by_key(|r| r.award_year);
        for pair in recs.windows(2) {
            let (before, now) = (pair[0], pair[1]);
            if year.is_some_and(|y| y != now.award_year) {
                continue;
            }
            if previous_round(now.award_year) != Some(before.award_year) {
                gaps += 1;
                continue;
            }
            let Some(step) = Step::from_level(before.predicate) else { continue };
            demo |= before.demo || now.demo;
            let (events, participants) = training_measures(inputs, &began, code, now.window(), &mut demo);
            let measures = Measures {
                events_per_year: events,
                participants_per_year: participants,
                score: before.score_final,
                certified_share: certified_share(inputs, code, &mut demo),
            };
            // Pairs come oldest first: a later one replaces an earlier one.
            latest.entry(step).or_default().insert(code, (now.award_year, now.predicate, measures));
        }
        // Where it stands now: its latest record, and its own training over the most recent data years.
        if let Some(last) = recs.last() {
            demo |= last.demo;
            let (events, participants) = match recent_years {
                Some(window) => training_measures(inputs, &began, code, window, &mut demo),
                None => (None, None),
            };
            positions.insert(
                code.to_string(),
                Position {
                    award_year: last.award_year,
                    predicate: last.predicate,
                    next: Step::from_level(last.predicate),
                    measures: Measures {
                        events_per_year: events,
                        participants_per_year: participants,
                        score: last.score_final,
                        certified_share: certified_share(inputs, code, &mut demo),
                    },
                },
            );
        }
    }
    let steps = Step::all()
        .into_iter()
        .map(|step| {
            let pairs = latest.remove(&step).unwrap_or_default();
            let years: Vec<i32> = pairs.values().map(|(y, ..)| *y).collect::<BTreeSet<_>>().into_iter().collect();
            let (mut movers, mut stayers, mut drops) = (Vec::new(), Vec::new(), 0);
            for (code, (_, reached, m)) in pairs {
                match rank(reached).cmp(&rank(step.from)) {
                    std::cmp::Ordering::Greater => movers.push((code.to_string(), m)),
                    std::cmp::Ordering::Equal => stayers.push((code.to_string(), m)),
                    std::cmp::Ordering::Less => drops += 1,
                }
            }
            StepFigures { step, slug: step.slug(), movers: Group::of(movers), stayers: Group::of(stayers), drops, years }
        })
        .collect();
    Pathways { rounds, year, steps, gaps, recent_years, positions, demo }
}

/// Reads the inputs for the nation: every predicate record, every kab/kota's own training per year, and the
/// units of every kab/kota (all from the summary tables but the records, which are one row per kab/kota and
/// award round).
pub async fn load_inputs(pool: &AnyPool) -> Result<Inputs, sqlx::Error> {
    #[derive(FromRow)]
    struct Rec {
        regency_code: String,
        award_year: i64,
        data_year: Option<i64>,
        predicate: Option<String>,
        score_final: Option<f64>,
        is_demo: i64,
    }
    #[derive(FromRow)]
    struct Train {
        organiser_code: String,
        year: i64,
        events: i64,
        participant_events: i64,
        participants: i64,
        demo_events: i64,
    }
    #[derive(FromRow)]
    struct Units {
        regency_code: String,
        units: i64,
        certified_units: i64,
        demo_units: i64,
    }
    let records =
        sqlx::query_as::<_, Rec>("select regency_code, award_year, data_year, predicate, score_final, is_demo from predicate_records");
    // Only kab/kota organisers (codes PP.KK): a province's own events are not a kab/kota's activity.
    let training = sqlx::query_as::<_, Train>(
        "select organiser_code, year, events, participant_events, cast(offline_sum + online_sum as bigint) as participants, demo_events
         from training_summary where organiser_code like '%.%'",
    );
    let units = sqlx::query_as::<_, Units>(
        "select regency_code, cast(sum(units) as bigint) as units, cast(sum(certified_units) as bigint) as certified_units,
                cast(sum(demo_units) as bigint) as demo_units
         from unit_summary group by regency_code",
    );
    let (records, training, units) = tokio::try_join!(records.fetch_all(pool), training.fetch_all(pool), units.fetch_all(pool))?;
    Ok(Inputs {
        records: records
            .into_iter()
            .map(|r| Record {
                regency: r.regency_code,
                award_year: r.award_year as i32,
                data_year: r.data_year.map(|y| y as i32),
                predicate: r.predicate.as_deref().and_then(Predicate::parse),
                score_final: r.score_final,
                demo: r.is_demo != 0,
            })
            .collect(),
        training: training
            .into_iter()
            .map(|t| {
                let a = YearActivity {
                    events: t.events,
                    participant_events: t.participant_events,
                    participants: t.participants,
                    demo: t.demo_events > 0,
                };
                ((t.organiser_code, t.year as i32), a)
            })
            .collect(),
        units: units
            .into_iter()
            .map(|u| (u.regency_code, UnitsNow { units: u.units, certified_units: u.certified_units, demo: u.demo_units > 0 }))
            .collect(),
    })
}

/// Loads and computes the nation's pathways (the pages cache the result per national data version).
pub async fn national(pool: &AnyPool, year: Option<i32>) -> Result<Pathways, sqlx::Error> {
    Ok(compute(&load_inputs(pool).await?, year))
}

#[cfg(test)]
mod tests {
    use super::*;
    use Predicate::*;

    fn rec(code: &str, y: i32, p: Option<Predicate>, score: Option<f64>) -> Record {
        Record { regency: code.into(), award_year: y, data_year: None, predicate: p, score_final: score, demo: false }
    }

    fn train(inputs: &mut Inputs, code: &str, y: i32, events: i64, counted: i64, people: i64) {
        inputs.training.insert((code.into(), y), YearActivity { events, participant_events: counted, participants: people, demo: false });
    }

    /// Rounds 2021, 2022, 2023, 2025. A: Madya → Nindya in 2023. B: Madya, Madya, Madya (stayer; its latest
    /// pair is 2023). C: Madya 2021, nothing in 2022, Nindya 2023 (a gap: in no group). D: Madya → Pratama
    /// in 2023 (a drop). E: Pratama → Nindya in 2025 (a jump: a mover of Pratama → Madya). F: Madya 2022 →
    /// Madya 2023 → Nindya 2025 (stayer in 2023, but its latest Madya pair is the move in 2025).
    fn history() -> Inputs {
        let mut i = Inputs {
            records: vec![
                rec("63.01", 2022, Some(Madya), Some(650.0)),
                rec("63.01", 2023, Some(Nindya), Some(720.0)),
                rec("63.02", 2021, Some(Madya), None),
                rec("63.02", 2022, Some(Madya), Some(610.0)),
                rec("63.02", 2023, Some(Madya), None),
                rec("63.03", 2021, Some(Madya), None),
                rec("63.03", 2023, Some(Nindya), None),
                rec("63.04", 2022, Some(Madya), None),
                rec("63.04", 2023, Some(Pratama), None),
                rec("63.05", 2023, Some(Pratama), None),
                rec("63.05", 2025, Some(Nindya), None),
                rec("63.06", 2022, Some(Madya), Some(680.0)),
                rec("63.06", 2023, Some(Madya), Some(690.0)),
                rec("63.06", 2025, Some(Nindya), None),
                rec("63.07", 2025, Some(Kla), None),
            ],
            ..Default::default()
        };
        // A: 2021 and 2022 (the window of the 2023 step): 3 + 1 events, every count reported.
        train(&mut i, "63.01", 2021, 3, 3, 120);
        train(&mut i, "63.01", 2022, 1, 1, 40);
        // B reports trainings, but none in its window: 0 events, not unknown.
        train(&mut i, "63.02", 2019, 2, 2, 50);
        // F: 2023–2024 (the window of the 2025 step): 1 + 2 events, one without a count.
        train(&mut i, "63.06", 2023, 1, 1, 20);
        train(&mut i, "63.06", 2024, 2, 1, 30);
        // E began recording in 2024, inside the window of its 2025 step: 2023 is unknown, not a year of 0.
        train(&mut i, "63.05", 2024, 1, 1, 10);
        i.units.insert("63.01".into(), UnitsNow { units: 4, certified_units: 3, demo: false });
        i.units.insert("63.02".into(), UnitsNow { units: 0, certified_units: 0, demo: false });
        i
    }

    #[test]
    fn movers_stayers_drops_and_gaps() {
        let p = compute(&history(), None);
        assert_eq!(p.rounds, vec![2021, 2022, 2023, 2025]);
        let mn = p.step(Step { from: Some(Madya), to: Nindya }).unwrap();
        assert_eq!(mn.movers.regencies, vec!["63.01", "63.06"], "A moved in 2023, F in 2025; C's gap is no pair");
        assert_eq!(mn.stayers.regencies, vec!["63.02"], "B stayed; F's stay in 2023 is replaced by its later move");
        assert_eq!(mn.drops, 1, "D fell to Pratama");
        assert_eq!(mn.years, vec![2023, 2025]);
        assert_eq!(p.gaps, 1, "C had no record in 2022");
        let pm = p.step(Step { from: Some(Pratama), to: Madya }).unwrap();
        assert_eq!(pm.movers.regencies, vec!["63.05"], "a jump of two levels makes the first step");
        assert!(pm.stayers.regencies.is_empty() && pm.movers.small());
    }

    #[test]
    fn a_page_fingerprint_follows_only_what_that_page_shows() {
        let p = compute(&history(), None);
        // B is at Madya, on Madya → Nindya; G, at KLA, is on no step and in no group.
        assert_eq!(p.positions["63.02"].next, Some(Step { from: Some(Madya), to: Nindya }));
        let (b, g) = (p.shown_for("63.02"), p.shown_for("63.07"));
        assert_eq!(b, compute(&history(), None).shown_for("63.02"), "the same figures, the same number");
        // A mover of B's step trains more in the window before its move: B's comparison changes.
        let mut more = history();
        train(&mut more, "63.01", 2022, 5, 5, 200);
        assert_ne!(compute(&more, None).shown_for("63.02"), b);
        // G's units change its own position only: B's page is untouched, G's is not.
        let mut units = history();
        units.units.insert("63.07".into(), UnitsNow { units: 2, certified_units: 1, demo: false });
        let q = compute(&units, None);
        assert_eq!(q.shown_for("63.02"), b);
        assert_ne!(q.shown_for("63.07"), g);
    }

    #[test]
    fn measures_keep_unknown_apart_from_zero() {
        let p = compute(&history(), None);
        let mn = p.step(Step { from: Some(Madya), to: Nindya }).unwrap();
        // Movers: A 2.0 events/year (4 over 2021–2022), F 1.5 (3 over 2023–2024).
        assert_eq!(mn.movers.events_per_year, Spread { n: 2, median: Some(1.75), mean: Some(1.75) });
        // Participants: A 80/year; F's 2024 had an event without a count, so unknown.
        assert_eq!(mn.movers.participants_per_year, Spread { n: 1, median: Some(80.0), mean: Some(80.0) });
        // Scores of the record before the step: A 650 (2022), F 690 (2023).
        assert_eq!(mn.movers.score.median, Some(670.0));
        // Units now: A 3 of 4; F has none recorded.
        assert_eq!(mn.movers.certified_share, Spread { n: 1, median: Some(0.75), mean: Some(0.75) });
        // B reported trainings in other years: 0 in its window is known.
        assert_eq!(mn.stayers.events_per_year, Spread { n: 1, median: Some(0.0), mean: Some(0.0) });
        assert_eq!(mn.stayers.participants_per_year.median, Some(0.0));
        assert_eq!(mn.stayers.certified_share.n, 0, "no units: no share");
        // E's records begin inside its window: unknown, not 0.
        let pm = p.step(Step { from: Some(Pratama), to: Madya }).unwrap();
        assert_eq!(pm.movers.events_per_year.n, 0);
    }

    #[test]
    fn a_record_with_its_data_year_measures_the_two_years_up_to_it() {
        let mut i = history();
        // A's 2023 award judged on 2021 data: its window is 2020–2021, before A recorded anything.
        i.records[1].data_year = Some(2021);
        let mn = compute(&i, None).step(Step { from: Some(Madya), to: Nindya }).cloned().unwrap();
        assert_eq!(mn.movers.events_per_year, Spread { n: 1, median: Some(1.5), mean: Some(1.5) }, "F only");
        // Judged on 2022 data, as assumed without a data year: the same as the default.
        i.records[1].data_year = Some(2022);
        assert_eq!(compute(&i, None), compute(&history(), None));
    }

    #[test]
    fn a_regencys_own_years_end_at_the_latest_award_round() {
        // A training dated 2099 (a typing slip) or a year still being entered must not make every kab/kota's
        // own years ones without training.
        let mut i = history();
        train(&mut i, "63.01", 2099, 1, 1, 10);
        train(&mut i, "63.02", 2026, 1, 1, 10);
        train(&mut i, "63.02", 2025, 1, 1, 10);
        let p = compute(&i, None);
        assert_eq!(p.recent_years, Some((2024, 2025)), "the latest round is 2025");
        assert_eq!(p.positions["63.06"].measures.events_per_year, Some(1.0), "F: 2 events in 2024, none in 2025");
    }

    #[test]
    fn a_chosen_year_takes_only_its_pairs() {
        let p = compute(&history(), Some(2025));
        let mn = p.step(Step { from: Some(Madya), to: Nindya }).unwrap();
        assert_eq!((mn.movers.regencies.clone(), mn.stayers.n(), mn.drops), (vec!["63.06".to_string()], 0, 0));
        let p = compute(&history(), Some(2023));
        let mn = p.step(Step { from: Some(Madya), to: Nindya }).unwrap();
        assert_eq!(mn.movers.regencies, vec!["63.01"]);
        assert_eq!(mn.stayers.regencies, vec!["63.02", "63.06"]);
    }

    #[test]
    fn positions_name_the_next_step() {
        let p = compute(&history(), None);
        assert_eq!(p.positions["63.02"].next, Some(Step { from: Some(Madya), to: Nindya }));
        assert_eq!(p.positions["63.07"].next, None, "KLA is the top: no next step");
        assert_eq!(p.recent_years, Some((2023, 2024)));
        assert_eq!(p.positions["63.06"].measures.events_per_year, Some(1.5));
        assert_eq!(p.positions["63.05"].measures.events_per_year, None, "E began recording in 2024");
    }

    #[test]
    fn steps_round_trip_their_slugs() {
        for s in Step::all() {
            assert_eq!(Step::parse(&s.slug()), Some(s));
        }
        assert_eq!(Step::all()[0].slug(), "tanpa-pratama");
        assert_eq!(Step::from_level(Some(Kla)), None);
        assert_eq!(Spread::of(&[]), Spread::default());
        assert_eq!(Spread::of(&[3.0, 1.0, 2.0]).median, Some(2.0));
    }
}
