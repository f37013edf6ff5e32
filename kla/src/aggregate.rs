//! Aggregation: the three measures for any region (national, a province, a regency) and year, read with
//! portable SQL. Province and national figures roll up from their regencies and include the events the
//! province organised itself; a regency's figures are what it organised, plus (separately) the participants
//! it sent to provincial events where the event's breakdown says so.

use crate::domain::{Predicate, ProviderKind, RegionCode, TrainingKind};
use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::{AnyPool, FromRow, Row};
use std::collections::HashMap;
use utoipa::ToSchema;

/// The region a figure is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "level", content = "code", rename_all = "snake_case")]
pub enum Scope {
    National,
    Province(RegionCode),
    Regency(RegionCode),
}

impl Scope {
    pub fn of(code: RegionCode) -> Self {
        match code {
            RegionCode::Province(_) => Scope::Province(code),
            RegionCode::Regency(..) => Scope::Regency(code),
        }
    }
}

/// A query parameter; scope codes and years are always bound, never spliced into SQL.
#[derive(Debug, Clone)]
enum Param {
    Text(String),
    Int(i64),
}

/// Builds `where …` for a scope over a table with a province column and a regency column, plus an optional
/// year filter. Returns the clause and its parameters, numbered from `$1`.
fn filter(scope: Scope, province_col: &str, regency_col: &str, year_col: &str, year: Option<i32>) -> (String, Vec<Param>) {
    let mut clauses = Vec::new();
    let mut params = Vec::new();
    match scope {
        Scope::National => {}
        Scope::Province(p) => {
            params.push(Param::Text(p.to_string()));
            clauses.push(format!("{province_col} = ${}", params.len()));
        }
        Scope::Regency(r) => {
            params.push(Param::Text(r.to_string()));
            clauses.push(format!("{regency_col} = ${}", params.len()));
        }
    }
    if let Some(y) = year {
        params.push(Param::Int(i64::from(y)));
        clauses.push(format!("{year_col} = ${}", params.len()));
    }
    let clause = if clauses.is_empty() { String::new() } else { format!(" where {}", clauses.join(" and ")) };
    (clause, params)
}

async fn fetch_all<T>(pool: &AnyPool, sql: &str, params: &[Param]) -> Result<Vec<T>, sqlx::Error>
where
    T: for<'r> FromRow<'r, AnyRow> + Send + Unpin,
{
    // Safe: the SQL is assembled only from this module's constant fragments; every value is bound.
    let mut q = sqlx::query_as::<_, T>(sqlx::AssertSqlSafe(sql.to_string()));
    for p in params {
        q = match p {
            Param::Text(s) => q.bind(s.clone()),
            Param::Int(i) => q.bind(*i),
        };
    }
    q.fetch_all(pool).await
}

async fn fetch_one<T>(pool: &AnyPool, sql: &str, params: &[Param]) -> Result<T, sqlx::Error>
where
    T: for<'r> FromRow<'r, AnyRow> + Send + Unpin,
{
    Ok(fetch_all(pool, sql, params).await?.into_iter().next().expect("aggregate query returns one row"))
}

fn demo(row: &AnyRow) -> Result<bool, sqlx::Error> {
    Ok(row.try_get::<i64, _>("demo")? != 0)
}

// ---------------------------------------------------------------------------------------------------------
// Training activity

/// Training activity over a set of events. A count some events did not report is summed over those that
/// did, and each sum says how many events it covers: unknown is never added as 0.
#[derive(Debug, Clone, Default, PartialEq, Serialize, ToSchema)]
pub struct TrainingTotals {
    pub events: i64,
    /// Participants in the room, summed over the events that reported them (`None`: none did).
    pub participants_offline: Option<i64>,
    /// Participants online, summed over the events that reported them (`None`: none did).
    pub participants_online: Option<i64>,
    /// Events that reported any participant count (in the room or online).
    pub participant_events: i64,
    pub institutions: Option<i64>,
    /// Events that reported how many institutions sent participants.
    pub institution_events: i64,
    pub days: Option<i64>,
    /// Events with a known end date, so a known length.
    pub day_events: i64,
    /// Whether any counted event is demo data.
    pub demo: bool,
}

/// A sum over the records that reported it: the value, how many records it covers, of how many.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Covered {
    pub value: i64,
    pub reported: i64,
    pub of: i64,
}

impl Covered {
    /// The sum, when at least one record reported it — or 0 when there is no record at all (nothing was
    /// held, so nobody took part).
    pub fn known(self) -> Option<i64> {
        (self.reported > 0 || self.of == 0).then_some(self.value)
    }
    /// Whether every record reported it.
    pub fn complete(self) -> bool {
        self.reported == self.of
    }
}

impl TrainingTotals {
    /// Participants (in the room plus online) over the events that reported a count.
    pub fn participants(&self) -> Covered {
        Covered {
            value: self.participants_offline.unwrap_or(0) + self.participants_online.unwrap_or(0),
            reported: self.participant_events,
            of: self.events,
        }
    }
    pub fn institutions(&self) -> Covered {
        Covered { value: self.institutions.unwrap_or(0), reported: self.institution_events, of: self.events }
    }
    pub fn days(&self) -> Covered {
        Covered { value: self.days.unwrap_or(0), reported: self.day_events, of: self.events }
    }
}

impl<'r> FromRow<'r, AnyRow> for TrainingTotals {
    fn from_row(row: &'r AnyRow) -> Result<Self, sqlx::Error> {
        Ok(Self {
            events: row.try_get("events")?,
            participants_offline: row.try_get("offline")?,
            participants_online: row.try_get("online")?,
            participant_events: row.try_get("participant_events")?,
            institutions: row.try_get("institutions")?,
            institution_events: row.try_get("institution_events")?,
            days: row.try_get("days")?,
            day_events: row.try_get("day_events")?,
            demo: demo(row)?,
        })
    }
}

/// Sums over `training_summary` rows (migration 0006; kept exact by `crate::summaries`). A sum is NULL where
/// no event reported the count: unknown stays unknown.
const TRAINING_SUMS: &str = "cast(coalesce(sum(events), 0) as bigint) as events,
    cast(case when sum(offline_n) > 0 then sum(offline_sum) end as bigint) as offline,
    cast(case when sum(online_n) > 0 then sum(online_sum) end as bigint) as online,
    cast(coalesce(sum(participant_events), 0) as bigint) as participant_events,
    cast(case when sum(institution_events) > 0 then sum(institutions_sum) end as bigint) as institutions,
    cast(coalesce(sum(institution_events), 0) as bigint) as institution_events,
    cast(case when sum(day_events) > 0 then sum(days_sum) end as bigint) as days,
    cast(coalesce(sum(day_events), 0) as bigint) as day_events,
    cast(case when coalesce(sum(demo_events), 0) > 0 then 1 else 0 end as bigint) as demo";

pub async fn training_totals(pool: &AnyPool, scope: Scope, year: Option<i32>) -> Result<TrainingTotals, sqlx::Error> {
    let (w, p) = filter(scope, "province_code", "organiser_code", "year", year);
    fetch_one(pool, &format!("select {TRAINING_SUMS} from training_summary{w}"), &p).await
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct YearTraining {
    pub year: i32,
    pub totals: TrainingTotals,
}

/// Training activity per year, oldest first.
pub async fn training_by_year(pool: &AnyPool, scope: Scope) -> Result<Vec<YearTraining>, sqlx::Error> {
    let (w, p) = filter(scope, "province_code", "organiser_code", "year", None);
    #[derive(FromRow)]
    struct Rec {
        year: i64,
        #[sqlx(flatten)]
        totals: TrainingTotals,
    }
    let rows: Vec<Rec> =
        fetch_all(pool, &format!("select year, {TRAINING_SUMS} from training_summary{w} group by year order by year"), &p).await?;
    Ok(rows.into_iter().map(|r| YearTraining { year: r.year as i32, totals: r.totals }).collect())
}

/// Training activity per child region: per province (national scope) or per organiser within a province
/// (its regencies and the province itself). Keyed by region code.
pub async fn training_by_child(pool: &AnyPool, scope: Scope, year: Option<i32>) -> Result<HashMap<String, TrainingTotals>, sqlx::Error> {
    let (w, p) = filter(scope, "province_code", "organiser_code", "year", year);
    let key = match scope {
        Scope::National => "province_code",
        _ => "organiser_code",
    };
    #[derive(FromRow)]
    struct Rec {
        code: String,
        #[sqlx(flatten)]
        totals: TrainingTotals,
    }
    let rows: Vec<Rec> =
        fetch_all(pool, &format!("select {key} as code, {TRAINING_SUMS} from training_summary{w} group by {key}"), &p).await?;
    Ok(rows.into_iter().map(|r| (r.code, r.totals)).collect())
}

/// A regency's part in trainings its province organised: the events that name it (in their breakdown by
/// kab/kota, or as held for every kab/kota of the province), and the participants it sent where those events
/// say how many.
#[derive(Debug, Clone, Default, PartialEq, Serialize, ToSchema)]
pub struct ProvincialPart {
    /// Provincial events the regency took part in.
    pub events: i64,
    /// Participants the regency sent, summed over the events that give its count (`None`: none does).
    pub participants: Option<i64>,
    /// Events that give the regency's count.
    pub counted_events: i64,
    pub demo: bool,
}

impl ProvincialPart {
    pub fn participants(&self) -> Covered {
        Covered { value: self.participants.unwrap_or(0), reported: self.counted_events, of: self.events }
    }
}

/// Sums over `provincial_part_summary` rows (migration 0006): participants are NULL where no event gave the
/// regency's count.
const PART_SUMS: &str = "cast(coalesce(sum(events), 0) as bigint) as events,
    cast(case when sum(participants_n) > 0 then sum(participants_sum) end as bigint) as participants,
    cast(coalesce(sum(participants_n), 0) as bigint) as counted,
    cast(case when coalesce(sum(demo_events), 0) > 0 then 1 else 0 end as bigint) as demo";

#[derive(FromRow)]
struct PartRec {
    events: i64,
    participants: Option<i64>,
    counted: i64,
    demo: i64,
}

impl From<PartRec> for ProvincialPart {
    fn from(r: PartRec) -> Self {
        ProvincialPart { events: r.events, participants: r.participants, counted_events: r.counted, demo: r.demo != 0 }
    }
}

/// The regency's part in its province's trainings (see [`ProvincialPart`]).
pub async fn provincial_part(pool: &AnyPool, regency: RegionCode, year: Option<i32>) -> Result<ProvincialPart, sqlx::Error> {
    let (w, p) = filter(Scope::Regency(regency), "province_code", "regency_code", "year", year);
    Ok(fetch_one::<PartRec>(pool, &format!("select {PART_SUMS} from provincial_part_summary{w}"), &p).await?.into())
}

/// Each regency's part in its province's trainings, for every regency of a province (national scope: every
/// regency), keyed by regency code; regencies without a part are left out.
pub async fn provincial_parts(pool: &AnyPool, scope: Scope, year: Option<i32>) -> Result<HashMap<String, ProvincialPart>, sqlx::Error> {
    let scope = match scope {
        Scope::Regency(code) => Scope::Province(code.province()),
        other => other,
    };
    let (w, p) = filter(scope, "province_code", "regency_code", "year", year);
    #[derive(FromRow)]
    struct Rec {
        code: String,
        #[sqlx(flatten)]
        part: PartRec,
    }
    let sql = format!("select regency_code as code, {PART_SUMS} from provincial_part_summary{w} group by regency_code");
    let rows: Vec<Rec> = fetch_all(pool, &sql, &p).await?;
    Ok(rows.into_iter().map(|r| (r.code, r.part.into())).collect())
}

/// One event as listed on a regency page: no personal data is stored, so all of it is public.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema, FromRow)]
pub struct EventRow {
    pub id: i64,
    pub title: String,
    pub kind: String,
    pub start_date: String,
    pub end_date: Option<String>,
    pub mode: Option<String>,
    pub participants_offline: Option<i64>,
    pub participants_online: Option<i64>,
    pub institutions: Option<i64>,
    pub assessment: Option<String>,
    pub pre_test_mean: Option<f64>,
    pub post_test_mean: Option<f64>,
    pub programme: String,
    pub facilitators: String,
    pub notes: String,
    pub source_url: String,
    pub is_demo: i64,
}

impl EventRow {
    /// The participants the report counted, `None` when it gives no count.
    pub fn participants(&self) -> Option<i64> {
        crate::domain::training::known_sum(self.participants_offline, self.participants_online)
    }
}

/// A region's own events, newest first, at most `limit`.
pub async fn events(pool: &AnyPool, organiser: RegionCode, year: Option<i32>, limit: i64) -> Result<Vec<EventRow>, sqlx::Error> {
    let (w, mut p) = filter(Scope::Regency(organiser), "province_code", "organiser_code", "year", year);
    p.push(Param::Int(limit));
    let sql = format!(
        "select id, title, kind, start_date, end_date, mode, participants_offline, participants_online, institutions,
                assessment, pre_test_mean, post_test_mean, programme, facilitators, notes, source_url, is_demo
         from training_events{w} order by start_date desc, id desc limit ${}",
        p.len()
    );
    fetch_all(pool, &sql, &p).await
}

// ---------------------------------------------------------------------------------------------------------
// Training effectiveness

/// Pre- and post-test results over a set of events. Only events that recorded both means count towards the
/// means (an event with one test only is counted apart, in `one_test_events`, and stays out of them), so the
/// mean gain equals the mean post-test less the mean pre-test. Every mean is the unweighted mean over events —
/// each event counts once, whatever its size — since many reports give no participant count. A mean is
/// `None` when no event recorded both tests: unknown, never 0.
#[derive(Debug, Clone, Default, PartialEq, Serialize, ToSchema)]
pub struct TestGains {
    /// Events in the scope (with or without tests).
    pub events: i64,
    /// Events that recorded both a pre-test and a post-test mean: the events behind every mean.
    pub tested_events: i64,
    /// Events that recorded only one of the two means: neither in the means nor in `tested_events`.
    pub one_test_events: i64,
    /// `tested_events` ÷ `events` (`None` without events).
    pub test_share: Option<f64>,
    /// Mean of the events' pre-test means (0–100).
    pub mean_pre: Option<f64>,
    /// Mean of the events' post-test means (0–100).
    pub mean_post: Option<f64>,
    /// Mean of the events' gains (post − pre), in points.
    pub mean_gain: Option<f64>,
    pub demo: bool,
}

/// Sums over a set of events, from which [`TestGains`] is derived; sums of two sets add up.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
struct GainSums {
    events: i64,
    tested: i64,
    one_test: i64,
    pre: f64,
    post: f64,
    gain: f64,
    demo: bool,
}

impl GainSums {
    fn add(self, o: GainSums) -> GainSums {
        GainSums {
            events: self.events + o.events,
            tested: self.tested + o.tested,
            one_test: self.one_test + o.one_test,
            pre: self.pre + o.pre,
            post: self.post + o.post,
            gain: self.gain + o.gain,
            demo: self.demo || o.demo,
        }
    }

    fn gains(self) -> TestGains {
        let mean = |sum: f64| (self.tested > 0).then(|| sum / self.tested as f64);
        TestGains {
            events: self.events,
            tested_events: self.tested,
            one_test_events: self.one_test,
            test_share: (self.events > 0).then(|| self.tested as f64 / self.events as f64),
            mean_pre: mean(self.pre),
            mean_post: mean(self.post),
            mean_gain: mean(self.gain),
            demo: self.demo,
        }
    }
}

/// One kind of training's test results.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct KindGains {
    pub kind: TrainingKind,
    pub gains: TestGains,
}

/// Training effectiveness in a scope and year: every kind together, and each kind that held an event.
#[derive(Debug, Clone, Default, PartialEq, Serialize, ToSchema)]
pub struct Effectiveness {
    pub all: TestGains,
    /// In the kinds' canonical order; kinds without events are left out.
    pub by_kind: Vec<KindGains>,
}

impl Effectiveness {
    fn from_sums(rows: Vec<(TrainingKind, GainSums)>) -> Self {
        let mut rows = rows;
        rows.sort_by_key(|(k, _)| TrainingKind::ALL.iter().position(|a| a == k));
        let all = rows.iter().fold(GainSums::default(), |acc, (_, s)| acc.add(*s));
        Effectiveness { all: all.gains(), by_kind: rows.into_iter().map(|(kind, s)| KindGains { kind, gains: s.gains() }).collect() }
    }
}

/// Pre/post-test results by kind of training, read from `test_summary` (migration 0007; kept exact by
/// `crate::summaries`), with the same scope rules as [`training_totals`]: a regency's own events; a
/// province's regencies' events and its own; every event nationally. Sums, cast to one type so both engines
/// return the same types (PostgreSQL's `avg` would give `numeric`); the means are taken in Rust. A test mean
/// is stored per event, so there is no split by provider kind.
pub async fn effectiveness(pool: &AnyPool, scope: Scope, year: Option<i32>) -> Result<Effectiveness, sqlx::Error> {
    let (w, p) = filter(scope, "province_code", "organiser_code", "year", year);
    #[derive(FromRow)]
    struct Rec {
        kind: String,
        events: i64,
        tested: i64,
        one_test: i64,
        pre: f64,
        post: f64,
        gain: f64,
        demo: i64,
    }
    let sql = format!(
        "select kind, cast(coalesce(sum(events), 0) as bigint) as events,
                cast(coalesce(sum(tested_events), 0) as bigint) as tested,
                cast(coalesce(sum(one_test_events), 0) as bigint) as one_test,
                cast(coalesce(sum(pre_sum), 0) as double precision) as pre,
                cast(coalesce(sum(post_sum), 0) as double precision) as post,
                cast(coalesce(sum(gain_sum), 0) as double precision) as gain,
                cast(case when coalesce(sum(demo_events), 0) > 0 then 1 else 0 end as bigint) as demo
         from test_summary{w} group by kind"
    );
    let rows: Vec<Rec> = fetch_all(pool, &sql, &p).await?;
    Ok(Effectiveness::from_sums(
        rows.into_iter()
            .filter_map(|r| {
                let sums = GainSums {
                    events: r.events,
                    tested: r.tested,
                    one_test: r.one_test,
                    pre: r.pre,
                    post: r.post,
                    gain: r.gain,
                    demo: r.demo != 0,
                };
                TrainingKind::parse(&r.kind).map(|k| (k, sums))
            })
            .collect(),
    ))
}

// ---------------------------------------------------------------------------------------------------------
// Certified service units

#[derive(Debug, Clone, Default, PartialEq, Serialize, ToSchema)]
pub struct UnitTotals {
    pub units: i64,
    /// Units with at least one KHA-certified staff member.
    pub certified_units: i64,
    pub staff: i64,
    pub certified_staff: i64,
    pub demo: bool,
}

impl UnitTotals {
    /// Certified units ÷ units, `None` when there are no units.
    pub fn unit_share(&self) -> Option<f64> {
        (self.units > 0).then(|| self.certified_units as f64 / self.units as f64)
    }
    /// Certified staff ÷ all staff, `None` when no staff is recorded.
    pub fn staff_share(&self) -> Option<f64> {
        (self.staff > 0).then(|| self.certified_staff as f64 / self.staff as f64)
    }
}

impl<'r> FromRow<'r, AnyRow> for UnitTotals {
    fn from_row(row: &'r AnyRow) -> Result<Self, sqlx::Error> {
        Ok(Self {
            units: row.try_get("units")?,
            certified_units: row.try_get("certified_units")?,
            staff: row.try_get("staff")?,
            certified_staff: row.try_get("certified_staff")?,
            demo: demo(row)?,
        })
    }
}

/// Sums over `unit_summary` rows (migration 0006).
const UNIT_SUMS: &str = "cast(coalesce(sum(units), 0) as bigint) as units,
    cast(coalesce(sum(certified_units), 0) as bigint) as certified_units,
    cast(coalesce(sum(staff), 0) as bigint) as staff,
    cast(coalesce(sum(certified_staff), 0) as bigint) as certified_staff,
    cast(case when coalesce(sum(demo_units), 0) > 0 then 1 else 0 end as bigint) as demo";

pub async fn unit_totals(pool: &AnyPool, scope: Scope) -> Result<UnitTotals, sqlx::Error> {
    let (w, p) = filter(scope, "province_code", "regency_code", "", None);
    fetch_one(pool, &format!("select {UNIT_SUMS} from unit_summary{w}"), &p).await
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct KindUnits {
    pub kind: ProviderKind,
    pub totals: UnitTotals,
}

/// Units by provider kind, in the kinds' canonical order; kinds without units are left out.
pub async fn units_by_kind(pool: &AnyPool, scope: Scope) -> Result<Vec<KindUnits>, sqlx::Error> {
    let (w, p) = filter(scope, "province_code", "regency_code", "", None);
    #[derive(FromRow)]
    struct Rec {
        kind: String,
        #[sqlx(flatten)]
        totals: UnitTotals,
    }
    let rows: Vec<Rec> = fetch_all(pool, &format!("select kind, {UNIT_SUMS} from unit_summary{w} group by kind"), &p).await?;
    let mut out: Vec<KindUnits> =
        rows.into_iter().filter_map(|r| ProviderKind::parse(&r.kind).map(|kind| KindUnits { kind, totals: r.totals })).collect();
    out.sort_by_key(|k| k.kind);
    Ok(out)
}

/// Units per child region (province or regency), keyed by code; only units of one kind when given.
pub async fn units_by_child(pool: &AnyPool, scope: Scope, kind: Option<ProviderKind>) -> Result<HashMap<String, UnitTotals>, sqlx::Error> {
    let (mut w, mut p) = filter(scope, "province_code", "regency_code", "", None);
    if let Some(k) = kind {
        p.push(Param::Text(k.as_str().to_string()));
        w = if w.is_empty() { format!(" where kind = ${}", p.len()) } else { format!("{w} and kind = ${}", p.len()) };
    }
    let key = match scope {
        Scope::National => "province_code",
        _ => "regency_code",
    };
    #[derive(FromRow)]
    struct Rec {
        code: String,
        #[sqlx(flatten)]
        totals: UnitTotals,
    }
    let rows: Vec<Rec> = fetch_all(pool, &format!("select {key} as code, {UNIT_SUMS} from unit_summary{w} group by {key}"), &p).await?;
    Ok(rows.into_iter().map(|r| (r.code, r.totals)).collect())
}

// ---------------------------------------------------------------------------------------------------------
// Predicates

/// A regency's most recent predicate record.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct LatestPredicate {
    pub regency: String,
    pub award_year: i32,
    pub predicate: Option<Predicate>,
    pub score_final: Option<f64>,
    pub demo: bool,
}

/// Each regency's latest predicate record within the scope.
pub async fn latest_predicates(pool: &AnyPool, scope: Scope) -> Result<Vec<LatestPredicate>, sqlx::Error> {
    let (w, p) = filter(scope, "province_code", "regency_code", "", None);
    #[derive(FromRow)]
    struct Rec {
        regency_code: String,
        award_year: i64,
        predicate: Option<String>,
        score_final: Option<f64>,
        is_demo: i64,
    }
    let sql = format!(
        "select p.regency_code, p.award_year, p.predicate, p.score_final, p.is_demo
         from predicate_records p
         join (select regency_code, max(award_year) as y from predicate_records{w} group by regency_code) m
           on m.regency_code = p.regency_code and m.y = p.award_year
         order by p.regency_code"
    );
    let rows: Vec<Rec> = fetch_all(pool, &sql, &p).await?;
    Ok(rows
        .into_iter()
        .map(|r| LatestPredicate {
            regency: r.regency_code,
            award_year: r.award_year as i32,
            predicate: r.predicate.as_deref().and_then(Predicate::parse),
            score_final: r.score_final,
            demo: r.is_demo != 0,
        })
        .collect())
}

/// How many regencies hold each predicate (index 0 = no predicate, 1–5 = Pratama…KLA).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, ToSchema)]
pub struct Distribution(pub [i64; 6]);

impl Distribution {
    pub fn add(&mut self, p: Option<Predicate>) {
        self.0[p.map_or(0, |p| p.rank() as usize)] += 1;
    }
    pub fn count(&self, p: Option<Predicate>) -> i64 {
        self.0[p.map_or(0, |p| p.rank() as usize)]
    }
    /// Regencies with any predicate.
    pub fn awarded(&self) -> i64 {
        self.0[1..].iter().sum()
    }
    pub fn from_latest(latest: &[LatestPredicate]) -> Self {
        let mut d = Self::default();
        for l in latest {
            d.add(l.predicate);
        }
        d
    }
}

/// The predicate distribution for every award year in the scope, oldest first.
pub async fn distribution_by_year(pool: &AnyPool, scope: Scope) -> Result<Vec<(i32, Distribution)>, sqlx::Error> {
    let (w, p) = filter(scope, "province_code", "regency_code", "", None);
    #[derive(FromRow)]
    struct Rec {
        award_year: i64,
        predicate: Option<String>,
        n: i64,
    }
    let rows: Vec<Rec> = fetch_all(
        pool,
        &format!(
            "select award_year, predicate, count(*) as n from predicate_records{w} group by award_year, predicate order by award_year"
        ),
        &p,
    )
    .await?;
    let mut out: Vec<(i32, Distribution)> = Vec::new();
    for r in rows {
        let y = r.award_year as i32;
        if out.last().is_none_or(|(ly, _)| *ly != y) {
            out.push((y, Distribution::default()));
        }
        let d = &mut out.last_mut().expect("pushed").1;
        d.0[r.predicate.as_deref().and_then(Predicate::parse).map_or(0, |p| p.rank() as usize)] += r.n;
    }
    Ok(out)
}

/// A regency's final score in one award year, for trends.
#[derive(Debug, Clone, PartialEq, Serialize, FromRow)]
pub struct ScoreRow {
    pub regency_code: String,
    pub award_year: i64,
    pub score_final: Option<f64>,
}

/// Every final score in the scope, by regency and award year.
pub async fn final_scores(pool: &AnyPool, scope: Scope) -> Result<Vec<ScoreRow>, sqlx::Error> {
    let (w, p) = filter(scope, "province_code", "regency_code", "", None);
    fetch_all(
        pool,
        &format!("select regency_code, award_year, score_final from predicate_records{w} order by regency_code, award_year"),
        &p,
    )
    .await
}

/// The change of a regency's final score from its previous award to its latest (`None` with fewer than two).
pub fn score_trend(scores: &[ScoreRow], regency: &str) -> Option<f64> {
    let mine: Vec<f64> = scores.iter().filter(|s| s.regency_code == regency).filter_map(|s| s.score_final).collect();
    (mine.len() >= 2).then(|| mine[mine.len() - 1] - mine[mine.len() - 2])
}

/// A regency's predicate record as shown in its history.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema, FromRow)]
pub struct PredicateRow {
    pub award_year: i64,
    /// `None` when the source published no data year (most award lists).
    pub data_year: Option<i64>,
    pub score_self_assessment: Option<f64>,
    pub score_administrative: Option<f64>,
    pub score_field: Option<f64>,
    pub score_final: Option<f64>,
    pub predicate: Option<String>,
    pub source_url: String,
    pub is_demo: i64,
}

impl PredicateRow {
    pub fn predicate(&self) -> Option<Predicate> {
        self.predicate.as_deref().and_then(Predicate::parse)
    }
}

/// Every predicate record of a regency, oldest first.
pub async fn predicate_history(pool: &AnyPool, regency: RegionCode) -> Result<Vec<PredicateRow>, sqlx::Error> {
    fetch_all(
        pool,
        "select award_year, data_year, score_self_assessment, score_administrative, score_field, score_final, predicate,
                source_url, is_demo
         from predicate_records where regency_code = $1 order by award_year",
        &[Param::Text(regency.to_string())],
    )
    .await
}

/// A predicate record with the kab/kota it belongs to.
#[derive(FromRow)]
struct KeyedPredicateRow {
    regency_code: String,
    #[sqlx(flatten)]
    row: PredicateRow,
}

/// Every predicate record of the kab/kota in a scope, by kab/kota code, each history oldest first: one query
/// for a whole province's report rather than one per kab/kota.
pub async fn predicate_histories(pool: &AnyPool, scope: Scope) -> Result<HashMap<String, Vec<PredicateRow>>, sqlx::Error> {
    let (clause, params) = filter(scope, "province_code", "regency_code", "", None);
    let rows: Vec<KeyedPredicateRow> = fetch_all(
        pool,
        &format!(
            "select regency_code, award_year, data_year, score_self_assessment, score_administrative, score_field, score_final,
                    predicate, source_url, is_demo
             from predicate_records{clause} order by regency_code, award_year"
        ),
        &params,
    )
    .await?;
    let mut out: HashMap<String, Vec<PredicateRow>> = HashMap::new();
    for r in rows {
        out.entry(r.regency_code).or_default().push(r.row);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_bind_scope_and_year() {
        let (w, p) = filter(Scope::Province(RegionCode::Province(63)), "province_code", "organiser_code", "year", Some(2025));
        assert_eq!(w, " where province_code = $1 and year = $2");
        assert!(matches!(&p[..], [Param::Text(c), Param::Int(2025)] if c == "63"));
        let (w, p) = filter(Scope::National, "province_code", "organiser_code", "year", None);
        assert!(w.is_empty() && p.is_empty());
        let (w, _) = filter(Scope::Regency(RegionCode::Regency(63, 10)), "province_code", "regency_code", "", None);
        assert_eq!(w, " where regency_code = $1");
    }

    #[test]
    fn distribution_counts_by_rank() {
        let mk = |p| LatestPredicate { regency: "63.10".into(), award_year: 2025, predicate: p, score_final: None, demo: false };
        let d = Distribution::from_latest(&[mk(Some(Predicate::Madya)), mk(Some(Predicate::Madya)), mk(None), mk(Some(Predicate::Kla))]);
        assert_eq!(d.count(Some(Predicate::Madya)), 2);
        assert_eq!(d.count(None), 1);
        assert_eq!(d.awarded(), 3);
    }

    #[test]
    fn sums_say_how_many_events_they_cover() {
        let t = TrainingTotals {
            events: 4,
            participants_offline: Some(90),
            participants_online: Some(10),
            participant_events: 3,
            ..Default::default()
        };
        let p = t.participants();
        assert_eq!((p.known(), p.complete()), (Some(100), false));
        assert_eq!(t.institutions().known(), None, "no event reported institutions: unknown, not 0");
        assert!(TrainingTotals::default().participants().complete());
    }

    #[test]
    fn shares_are_none_without_units() {
        assert_eq!(UnitTotals::default().unit_share(), None);
        let u = UnitTotals { units: 4, certified_units: 1, staff: 10, certified_staff: 5, demo: false };
        assert_eq!(u.unit_share(), Some(0.25));
        assert_eq!(u.staff_share(), Some(0.5));
    }

    #[test]
    fn gains_are_unweighted_means_over_events_with_both_tests() {
        // Bimtek: two events with both tests (50 → 70, 60 → 90) and one with a pre-test only.
        let bimtek = GainSums { events: 3, tested: 2, one_test: 1, pre: 110.0, post: 160.0, gain: 50.0, demo: false };
        // ToT: one event without any test.
        let tot = GainSums { events: 1, ..Default::default() };
        // Pelatihan: one event whose score fell (80 → 74), demo data.
        let pelatihan = GainSums { events: 1, tested: 1, one_test: 0, pre: 80.0, post: 74.0, gain: -6.0, demo: true };
        let e =
            Effectiveness::from_sums(vec![(TrainingKind::Tot, tot), (TrainingKind::Bimtek, bimtek), (TrainingKind::Pelatihan, pelatihan)]);
        let kinds: Vec<TrainingKind> = e.by_kind.iter().map(|k| k.kind).collect();
        assert_eq!(kinds, [TrainingKind::Pelatihan, TrainingKind::Bimtek, TrainingKind::Tot], "canonical order");
        let b = &e.by_kind[1].gains;
        assert_eq!((b.events, b.tested_events, b.one_test_events), (3, 2, 1));
        assert_eq!((b.mean_pre, b.mean_post, b.mean_gain), (Some(55.0), Some(80.0), Some(25.0)));
        assert_eq!(b.test_share, Some(2.0 / 3.0));
        let t = &e.by_kind[2].gains;
        assert_eq!((t.mean_pre, t.mean_post, t.mean_gain), (None, None, None), "no test: unknown, never 0");
        assert_eq!(t.test_share, Some(0.0), "none of its one event held both tests");
        // All kinds: (20 + 30 − 6) / 3 events, each event counted once.
        let a = &e.all;
        assert_eq!((a.events, a.tested_events, a.one_test_events), (5, 3, 1));
        assert_eq!(a.mean_gain, Some(44.0 / 3.0));
        assert_eq!(a.mean_pre, Some(190.0 / 3.0));
        assert_eq!(a.mean_post, Some(234.0 / 3.0));
        assert!((a.mean_post.unwrap() - a.mean_pre.unwrap() - a.mean_gain.unwrap()).abs() < 1e-9);
        assert!(a.demo && !b.demo);
        assert_eq!(a.test_share, Some(0.6));
    }

    #[test]
    fn no_events_no_share() {
        let e = Effectiveness::from_sums(vec![]);
        assert_eq!(e.all, TestGains::default());
        assert_eq!((e.all.test_share, e.all.mean_gain), (None, None));
        assert!(e.by_kind.is_empty());
    }
}
