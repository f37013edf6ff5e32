//! A regency's preparation for one evaluation cycle: its submission and status, the evidence per item (files,
//! linked Pantau KLA records, the verifier's decision), follow-ups, and the score ledger. Reads build a
//! [`Sheet`]; every write runs inside the caller's transaction, checks the submission's state and the side
//! (regency or verifier) allowed to act, and records an audit entry.
//!
//! The life of a submission: `preparing` (the regency uploads, links records, enters its self-assessment)
//! → `submitted` (locked for the regency; the province verifies or rejects each item and records scores)
//! → `returned` (some item rejected: each rejection is a follow-up with a due date; the regency fixes and
//! submits again) or `verified` (everything uploaded was verified; the province may publish the scores).

use super::instrument::{Cluster, Indicator, Instrument, Offer};
use super::simulator::{self, IndicatorState, Projection};
use crate::audit::{self, Action, Actor, Change, Via};
use crate::auth::Role;
use crate::domain::{PredicateBands, RegionCode, Stage};
use serde_json::{Map, Value};
use sqlx::{AnyConnection, AnyPool, Row};
use std::collections::HashMap;

#[derive(Debug, Clone, PartialEq)]
pub struct Cycle {
    pub id: i64,
    pub award_year: i64,
    pub data_year: i64,
    pub instrument_id: i64,
    pub self_deadline: String,
    pub verify_deadline: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Preparing,
    Submitted,
    Returned,
    Verified,
}

impl Status {
    pub fn key(self) -> &'static str {
        match self {
            Status::Preparing => "preparing",
            Status::Submitted => "submitted",
            Status::Returned => "returned",
            Status::Verified => "verified",
        }
    }
    fn parse(s: &str) -> Self {
        match s {
            "submitted" => Status::Submitted,
            "returned" => Status::Returned,
            "verified" => Status::Verified,
            _ => Status::Preparing,
        }
    }
    /// Whether the regency may change its evidence and self-assessment.
    pub fn open_to_regency(self) -> bool {
        matches!(self, Status::Preparing | Status::Returned)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Submission {
    pub id: i64,
    pub cycle_id: i64,
    pub regency: RegionCode,
    pub status: Status,
    pub submitted_at: Option<i64>,
    pub published: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemStatus {
    Missing,
    Uploaded,
    Verified,
    Rejected,
}

impl ItemStatus {
    pub fn key(self) -> &'static str {
        match self {
            ItemStatus::Missing => "missing",
            ItemStatus::Uploaded => "uploaded",
            ItemStatus::Verified => "verified",
            ItemStatus::Rejected => "rejected",
        }
    }
    fn parse(s: &str) -> Self {
        match s {
            "uploaded" => ItemStatus::Uploaded,
            "verified" => ItemStatus::Verified,
            "rejected" => ItemStatus::Rejected,
            _ => ItemStatus::Missing,
        }
    }
    /// Counts toward completeness: something is there.
    pub fn present(self) -> bool {
        matches!(self, ItemStatus::Uploaded | ItemStatus::Verified)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Evidence {
    pub id: i64,
    pub item_id: i64,
    pub status: ItemStatus,
    pub doc_year: Option<i64>,
    pub comment: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct FileRow {
    pub id: i64,
    pub item_id: i64,
    pub object_key: String,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub public: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct LinkRow {
    pub item_id: i64,
    pub entity: String,
    pub record_id: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct FollowUp {
    pub id: i64,
    pub item_id: i64,
    pub note: String,
    pub due_date: String,
    pub open: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct LedgerEntry {
    pub indicator_id: i64,
    pub stage: Stage,
    pub score: f64,
    pub actor: String,
    pub at_text: String,
}

/// Everything about one regency's preparation for one cycle.
#[derive(Debug, Clone)]
pub struct Sheet {
    pub cycle: Cycle,
    pub instrument: Instrument,
    pub regency: RegionCode,
    /// `None` until the regency first saves something.
    pub submission: Option<Submission>,
    pub evidence: HashMap<i64, Evidence>,
    pub files: Vec<FileRow>,
    pub links: Vec<LinkRow>,
    pub follow_ups: Vec<FollowUp>,
    /// Oldest first.
    pub ledger: Vec<LedgerEntry>,
}

/// Per cluster: items with evidence present, items verified, all items, and the verified score of the
/// cluster's indicators (`None` while any indicator has no verified score).
#[derive(Debug, Clone, PartialEq)]
pub struct ClusterSummary {
    pub cluster: Cluster,
    pub present: usize,
    pub verified: usize,
    pub items: usize,
    pub verified_score: Option<f64>,
    pub max_points: f64,
}

impl Sheet {
    pub fn status(&self) -> Status {
        self.submission.as_ref().map(|s| s.status).unwrap_or(Status::Preparing)
    }
    pub fn item_status(&self, item_id: i64) -> ItemStatus {
        self.evidence.get(&item_id).map(|e| e.status).unwrap_or(ItemStatus::Missing)
    }
    pub fn files_of(&self, item_id: i64) -> impl Iterator<Item = &FileRow> {
        self.files.iter().filter(move |f| f.item_id == item_id)
    }
    pub fn links_of(&self, item_id: i64) -> impl Iterator<Item = &LinkRow> {
        self.links.iter().filter(move |l| l.item_id == item_id)
    }
    pub fn open_follow_ups(&self) -> impl Iterator<Item = &FollowUp> {
        self.follow_ups.iter().filter(|f| f.open)
    }
    /// The latest score recorded for an indicator at a stage.
    pub fn latest(&self, indicator_id: i64, stage: Stage) -> Option<&LedgerEntry> {
        self.ledger.iter().rev().find(|e| e.indicator_id == indicator_id && e.stage == stage)
    }
    /// The most advanced verified score of an indicator: final, else field, else administrative.
    pub fn verified_score(&self, indicator_id: i64) -> Option<f64> {
        [Stage::Final, Stage::Field, Stage::Administrative].into_iter().find_map(|s| self.latest(indicator_id, s)).map(|e| e.score)
    }
    /// Items of an indicator missing or rejected.
    pub fn at_risk_items(&self, ind: &Indicator) -> usize {
        ind.items.iter().filter(|it| matches!(self.item_status(it.id), ItemStatus::Missing | ItemStatus::Rejected)).count()
    }
    pub fn projection(&self, bands: &PredicateBands) -> Projection {
        let states: Vec<IndicatorState> = self
            .instrument
            .indicators
            .iter()
            .map(|ind| IndicatorState {
                max_points: ind.max_points,
                // A score entered as the rounded maximum (41.67) counts as the maximum (41.666…).
                self_score: self.latest(ind.id, Stage::SelfAssessment).map(|e| e.score.min(ind.max_points)),
                items: ind.items.len(),
                items_at_risk: self.at_risk_items(ind),
            })
            .collect();
        simulator::project(&states, bands)
    }
    /// The total verified score, when every indicator has one.
    pub fn verified_total(&self) -> Option<f64> {
        self.instrument
            .indicators
            .iter()
            .map(|i| self.verified_score(i.id).map(|v| v.min(i.max_points)))
            .sum::<Option<f64>>()
            .map(|t| (t * 100.0).round() / 100.0)
    }
    pub fn clusters(&self) -> Vec<ClusterSummary> {
        Cluster::ALL
            .into_iter()
            .map(|cluster| {
                let inds: Vec<&Indicator> = self.instrument.indicators.iter().filter(|i| i.cluster == cluster).collect();
                let items: Vec<i64> = inds.iter().flat_map(|i| i.items.iter().map(|it| it.id)).collect();
                ClusterSummary {
                    cluster,
                    present: items.iter().filter(|id| self.item_status(**id).present()).count(),
                    verified: items.iter().filter(|id| self.item_status(**id) == ItemStatus::Verified).count(),
                    items: items.len(),
                    verified_score: inds
                        .iter()
                        .map(|i| self.verified_score(i.id).map(|v| v.min(i.max_points)))
                        .sum::<Option<f64>>()
                        .map(|t| (t * 100.0).round() / 100.0),
                    max_points: inds.iter().map(|i| i.max_points).sum(),
                }
            })
            .filter(|c| c.items > 0)
            .collect()
    }
}

// ---------------------------------------------------------------------------------------------------------
// Reading

fn cycle_of(r: &sqlx::any::AnyRow) -> Cycle {
    Cycle {
        id: r.get(0),
        award_year: r.get(1),
        data_year: r.get(2),
        instrument_id: r.get(3),
        self_deadline: r.get(4),
        verify_deadline: r.get(5),
    }
}
const CYCLE_COLUMNS: &str = "id, award_year, data_year, instrument_id, self_deadline, verify_deadline";

/// All cycles, newest award year first.
pub async fn cycles(pool: &AnyPool) -> Result<Vec<Cycle>, sqlx::Error> {
    let rows =
        sqlx::query(sqlx::AssertSqlSafe(format!("select {CYCLE_COLUMNS} from cycles order by award_year desc"))).fetch_all(pool).await?;
    Ok(rows.iter().map(cycle_of).collect())
}

pub async fn cycle(conn: &mut AnyConnection, award_year: i64) -> Result<Option<Cycle>, sqlx::Error> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!("select {CYCLE_COLUMNS} from cycles where award_year = $1")))
        .bind(award_year)
        .fetch_optional(conn)
        .await?;
    Ok(row.as_ref().map(cycle_of))
}

/// An `evidence` row read as `id, item_id, status, doc_year, comment`.
fn evidence_of(r: &sqlx::any::AnyRow) -> Evidence {
    Evidence { id: r.get(0), item_id: r.get(1), status: ItemStatus::parse(&r.get::<String, _>(2)), doc_year: r.get(3), comment: r.get(4) }
}

fn submission_of(r: &sqlx::any::AnyRow) -> Submission {
    Submission {
        id: r.get(0),
        cycle_id: r.get(1),
        regency: RegionCode::parse(&r.get::<String, _>(2)).expect("stored region codes are valid"),
        status: Status::parse(&r.get::<String, _>(3)),
        submitted_at: r.get(4),
        published: r.get::<i64, _>(5) == 1,
    }
}
const SUBMISSION_COLUMNS: &str = "id, cycle_id, regency_code, status, submitted_at, published";

async fn find_submission(conn: &mut AnyConnection, cycle_id: i64, regency: RegionCode) -> Result<Option<Submission>, sqlx::Error> {
    let row =
        sqlx::query(sqlx::AssertSqlSafe(format!("select {SUBMISSION_COLUMNS} from submissions where cycle_id = $1 and regency_code = $2")))
            .bind(cycle_id)
            .bind(regency.to_string())
            .fetch_optional(conn)
            .await?;
    Ok(row.as_ref().map(submission_of))
}

/// The submissions of a cycle for the regencies of a province (or all), by regency code.
pub async fn submissions(pool: &AnyPool, cycle_id: i64, province: Option<RegionCode>) -> Result<Vec<Submission>, sqlx::Error> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "select {SUBMISSION_COLUMNS} from submissions where cycle_id = $1 and ($2 = '' or regency_code like $2 || '.%') order by regency_code"
    )))
    .bind(cycle_id)
    .bind(province.map(|p| p.to_string()).unwrap_or_default())
    .fetch_all(pool)
    .await?;
    Ok(rows.iter().map(submission_of).collect())
}

/// Loads a regency's sheet for a cycle (an empty one before its first save).
pub async fn load(conn: &mut AnyConnection, cycle: &Cycle, regency: RegionCode) -> Result<Sheet, sqlx::Error> {
    let instrument = super::instrument::fetch(conn, cycle.instrument_id).await?.ok_or(sqlx::Error::RowNotFound)?;
    let submission = find_submission(conn, cycle.id, regency).await?;
    let mut sheet = Sheet {
        cycle: cycle.clone(),
        instrument,
        regency,
        submission,
        evidence: HashMap::new(),
        files: vec![],
        links: vec![],
        follow_ups: vec![],
        ledger: vec![],
    };
    let Some(sub_id) = sheet.submission.as_ref().map(|s| s.id) else { return Ok(sheet) };
    for r in sqlx::query("select id, item_id, status, doc_year, comment from evidence where submission_id = $1")
        .bind(sub_id)
        .fetch_all(&mut *conn)
        .await?
    {
        let e = evidence_of(&r);
        sheet.evidence.insert(e.item_id, e);
    }
    sheet.files = sqlx::query(
        "select f.id, e.item_id, f.object_key, f.file_name, f.content_type, f.size_bytes, f.public from evidence_files f
         join evidence e on e.id = f.evidence_id where e.submission_id = $1 order by f.id",
    )
    .bind(sub_id)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|r| FileRow {
        id: r.get(0),
        item_id: r.get(1),
        object_key: r.get(2),
        file_name: r.get(3),
        content_type: r.get(4),
        size_bytes: r.get(5),
        public: r.get::<i64, _>(6) == 1,
    })
    .collect();
    sheet.links = sqlx::query(
        "select e.item_id, l.entity, l.record_id from evidence_links l join evidence e on e.id = l.evidence_id where e.submission_id = $1 order by l.id",
    )
    .bind(sub_id)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|r| LinkRow { item_id: r.get(0), entity: r.get(1), record_id: r.get(2) })
    .collect();
    sheet.follow_ups = sqlx::query(
        "select f.id, e.item_id, f.note, f.due_date, f.closed_at from follow_ups f join evidence e on e.id = f.evidence_id
         where e.submission_id = $1 order by f.id",
    )
    .bind(sub_id)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|r| FollowUp { id: r.get(0), item_id: r.get(1), note: r.get(2), due_date: r.get(3), open: r.get::<Option<i64>, _>(4).is_none() })
    .collect();
    sheet.ledger = sqlx::query("select indicator_id, stage, score, actor, at_text from score_ledger where submission_id = $1 order by id")
        .bind(sub_id)
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .filter_map(|r| {
            let stage = Stage::ALL.into_iter().find(|s| s.key() == r.get::<String, _>(1))?;
            Some(LedgerEntry { indicator_id: r.get(0), stage, score: r.get(2), actor: r.get(3), at_text: r.get(4) })
        })
        .collect();
    Ok(sheet)
}

/// The sheet the regency's public page shows: of the latest cycle in which the regency has started.
pub async fn latest_started(pool: &AnyPool, regency: RegionCode) -> Result<Option<Sheet>, sqlx::Error> {
    let mut conn = pool.acquire().await?;
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "select {} from cycles c join submissions s on s.cycle_id = c.id where s.regency_code = $1 order by c.award_year desc limit 1",
        CYCLE_COLUMNS.split(", ").map(|c| format!("c.{c}")).collect::<Vec<_>>().join(", ")
    )))
    .bind(regency.to_string())
    .fetch_optional(&mut *conn)
    .await?;
    match row {
        Some(r) => Ok(Some(load(&mut conn, &cycle_of(&r), regency).await?)),
        None => Ok(None),
    }
}

/// A Pantau KLA record offered as evidence: (entity, id, label).
pub async fn offered(
    conn: &mut AnyConnection,
    offer: Offer,
    regency: RegionCode,
    data_year: i64,
) -> Result<Vec<(String, i64, String)>, sqlx::Error> {
    let rows =
        match offer {
            Offer::Events => sqlx::query(
                "select id, title || ' (' || start_date || ', ' || cast(participants_offline + participants_online as text) || ' peserta)'
                 from training_events where organiser_code = $1 and year = $2 order by start_date, id",
            )
            .bind(regency.to_string())
            .bind(data_year)
            .fetch_all(&mut *conn)
            .await?,
            Offer::Units(kind) => {
                sqlx::query(
                    "select id, name || ' (' || cast(certified_staff as text) || '/' || cast(total_staff as text) || ' SDM terlatih KHA)'
                 from service_units where regency_code = $1 and kind = $2 order by name, id",
                )
                .bind(regency.to_string())
                .bind(kind.as_str())
                .fetch_all(&mut *conn)
                .await?
            }
        };
    let entity = match offer {
        Offer::Events => "training_event",
        Offer::Units(_) => "service_unit",
    };
    Ok(rows.iter().map(|r| (entity.to_string(), r.get::<i64, _>(0), r.get::<String, _>(1))).collect())
}

// ---------------------------------------------------------------------------------------------------------
// Writing

/// Why a change was refused: the form field it concerns and a translation key (`eval.err_…`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub field: &'static str,
    pub key: &'static str,
}

#[derive(Debug, thiserror::Error)]
pub enum EvalError {
    #[error("refused: {}", .0.key)]
    Refused(Refusal),
    /// The user's role does not cover the regency or the action.
    #[error("forbidden")]
    Forbidden,
    /// No such indicator, item or file on this sheet.
    #[error("not found")]
    NotFound,
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

fn refuse<T>(field: &'static str, key: &'static str) -> Result<T, EvalError> {
    Err(EvalError::Refused(Refusal { field, key }))
}

/// Who acts on a sheet: the regency's own officer, or a verifier (the province's officer, or an administrator).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Regency,
    Verifier,
}

/// The side a role takes on a regency's sheet, or `None` when the role does not cover the regency.
pub fn side(role: Role, regency: RegionCode) -> Option<Side> {
    match role {
        Role::Regency(r) if r == regency => Some(Side::Regency),
        Role::Province(_) | Role::Admin if role.covers(regency) => Some(Side::Verifier),
        _ => None,
    }
}

fn obj(pairs: &[(&str, String)]) -> Map<String, Value> {
    pairs.iter().map(|(k, v)| (k.to_string(), Value::String(v.clone()))).collect()
}

async fn audit_change(
    conn: &mut AnyConnection,
    actor: &Actor,
    action: Action,
    entity: &'static str,
    id: i64,
    region: RegionCode,
    old: Option<Map<String, Value>>,
    new: Option<Map<String, Value>>,
) -> Result<(), sqlx::Error> {
    audit::record(
        conn,
        actor,
        Via::Form,
        Change { action, entity, record_id: id, region: Some(region), old: old.as_ref(), new: new.as_ref() },
    )
    .await
}

/// The regency's submission for the cycle, created (status `preparing`) on its first write, and locked for
/// the rest of the caller's transaction: a no-op update takes the row's write lock (PostgreSQL) or the
/// database's (SQLite) before the status is read, so two writes to one sheet — an upload and a submission,
/// say — cannot both act on the status they saw.
pub async fn submission_for(conn: &mut AnyConnection, cycle: &Cycle, regency: RegionCode) -> Result<Submission, sqlx::Error> {
    sqlx::query("insert into submissions (cycle_id, regency_code, status, published) values ($1, $2, 'preparing', 0) on conflict (cycle_id, regency_code) do nothing")
        .bind(cycle.id)
        .bind(regency.to_string())
        .execute(&mut *conn)
        .await?;
    sqlx::query("update submissions set status = status where cycle_id = $1 and regency_code = $2")
        .bind(cycle.id)
        .bind(regency.to_string())
        .execute(&mut *conn)
        .await?;
    find_submission(conn, cycle.id, regency).await?.ok_or(sqlx::Error::RowNotFound)
}

async fn evidence_for(conn: &mut AnyConnection, sub: &Submission, item_id: i64) -> Result<Evidence, sqlx::Error> {
    let q = "select id, item_id, status, doc_year, comment from evidence where submission_id = $1 and item_id = $2";
    if let Some(r) = sqlx::query(q).bind(sub.id).bind(item_id).fetch_optional(&mut *conn).await? {
        return Ok(evidence_of(&r));
    }
    sqlx::query("insert into evidence (submission_id, item_id, status, comment, updated_at) values ($1, $2, 'missing', '', $3)")
        .bind(sub.id)
        .bind(item_id)
        .bind(crate::auth::now())
        .execute(&mut *conn)
        .await?;
    let r = sqlx::query(q).bind(sub.id).bind(item_id).fetch_one(&mut *conn).await?;
    Ok(evidence_of(&r))
}

async fn set_item_status(
    conn: &mut AnyConnection,
    actor: &Actor,
    sub: &Submission,
    ev: &Evidence,
    item_code: &str,
    status: ItemStatus,
    comment: &str,
    doc_year: Option<i64>,
) -> Result<(), sqlx::Error> {
    sqlx::query("update evidence set status = $1, comment = $2, doc_year = $3, updated_at = $4 where id = $5")
        .bind(status.key())
        .bind(comment)
        .bind(doc_year)
        .bind(crate::auth::now())
        .bind(ev.id)
        .execute(&mut *conn)
        .await?;
    let year = |y: Option<i64>| y.map(|y| y.to_string()).unwrap_or_default();
    let old = obj(&[
        ("item", item_code.into()),
        ("status", ev.status.key().into()),
        ("comment", ev.comment.clone()),
        ("doc_year", year(ev.doc_year)),
    ]);
    let new =
        obj(&[("item", item_code.into()), ("status", status.key().into()), ("comment", comment.into()), ("doc_year", year(doc_year))]);
    audit_change(conn, actor, Action::Update, "evidence", ev.id, sub.regency, Some(old), Some(new)).await
}

/// A stored document's description.
#[derive(Debug, Clone)]
pub struct NewFile {
    pub object_key: String,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
}

fn check_regency_may_edit(side: Side, sub: &Submission) -> Result<(), EvalError> {
    if side != Side::Regency {
        return Err(EvalError::Forbidden);
    }
    if !sub.status.open_to_regency() {
        return refuse("", "eval.err_locked");
    }
    Ok(())
}

/// Checks an item's year field: empty, or a year no later than the cycle's award year.
pub fn parse_doc_year(text: &str, cycle: &Cycle) -> Result<Option<i64>, Refusal> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(None);
    }
    match t.parse::<i64>() {
        Ok(y) if (2000..=cycle.award_year).contains(&y) => Ok(Some(y)),
        _ => Err(Refusal { field: "doc_year", key: "eval.err_doc_year" }),
    }
}

/// The bytes of evidence documents a regency keeps, all cycles together (what its quota counts).
pub async fn evidence_bytes(conn: &mut AnyConnection, regency: RegionCode) -> Result<i64, sqlx::Error> {
    // Cast: PostgreSQL's sum of a bigint is a numeric, which the `Any` driver cannot read.
    sqlx::query_scalar(
        "select cast(coalesce(sum(f.size_bytes), 0) as bigint) from evidence_files f join evidence e on e.id = f.evidence_id
         join submissions s on s.id = e.submission_id where s.regency_code = $1",
    )
    .bind(regency.to_string())
    .fetch_one(&mut *conn)
    .await
}

/// Records an uploaded document (already in the store) for an item; the item becomes `uploaded`.
pub async fn add_file(
    conn: &mut AnyConnection,
    actor: &Actor,
    side: Side,
    cycle: &Cycle,
    sub: &Submission,
    item_id: i64,
    doc_year: Option<i64>,
    file: &NewFile,
    user_id: Option<i64>,
) -> Result<i64, EvalError> {
    check_regency_may_edit(side, sub)?;
    let instrument = super::instrument::fetch(conn, cycle.instrument_id).await?.ok_or(sqlx::Error::RowNotFound)?;
    let Some((_, item)) = instrument.item(item_id) else { return Err(EvalError::NotFound) };
    let ev = evidence_for(conn, sub, item_id).await?;
    if ev.status == ItemStatus::Verified {
        return refuse("file", "eval.err_item_verified");
    }
    let id: i64 = sqlx::query_scalar(
        "insert into evidence_files (evidence_id, object_key, file_name, content_type, size_bytes, sha256, public, uploaded_by, uploaded_at)
         values ($1, $2, $3, $4, $5, $6, 0, $7, $8) returning id",
    )
    .bind(ev.id)
    .bind(&file.object_key)
    .bind(&file.file_name)
    .bind(&file.content_type)
    .bind(file.size_bytes)
    .bind(&file.sha256)
    .bind(user_id)
    .bind(crate::auth::now())
    .fetch_one(&mut *conn)
    .await?;
    let new = obj(&[
        ("item", item.code.clone()),
        ("file_name", file.file_name.clone()),
        ("size_bytes", file.size_bytes.to_string()),
        ("sha256", file.sha256.clone()),
    ]);
    audit_change(conn, actor, Action::Create, "evidence_file", id, sub.regency, None, Some(new)).await?;
    let year = doc_year.or(ev.doc_year);
    set_item_status(conn, actor, sub, &ev, &item.code, ItemStatus::Uploaded, &ev.comment, year).await?;
    Ok(id)
}

/// A stored file with its submission, for the routes that act on one file.
pub async fn file(conn: &mut AnyConnection, file_id: i64) -> Result<Option<(FileRow, Submission)>, sqlx::Error> {
    let Some(r) = sqlx::query(
        "select f.id, e.item_id, f.object_key, f.file_name, f.content_type, f.size_bytes, f.public, e.submission_id
         from evidence_files f join evidence e on e.id = f.evidence_id where f.id = $1",
    )
    .bind(file_id)
    .fetch_optional(&mut *conn)
    .await?
    else {
        return Ok(None);
    };
    let f = FileRow {
        id: r.get(0),
        item_id: r.get(1),
        object_key: r.get(2),
        file_name: r.get(3),
        content_type: r.get(4),
        size_bytes: r.get(5),
        public: r.get::<i64, _>(6) == 1,
    };
    let sub_id: i64 = r.get(7);
    let s = sqlx::query(sqlx::AssertSqlSafe(format!("select {SUBMISSION_COLUMNS} from submissions where id = $1")))
        .bind(sub_id)
        .fetch_one(&mut *conn)
        .await?;
    Ok(Some((f, submission_of(&s))))
}

/// The item a stored file or link belongs to, as (code).
async fn item_code(conn: &mut AnyConnection, item_id: i64) -> Result<String, sqlx::Error> {
    sqlx::query_scalar("select code from evidence_items where id = $1").bind(item_id).fetch_one(conn).await
}

/// After files or links changed: an item with nothing left is `missing` again (a rejected one stays rejected);
/// an item given something new (`added`) is `uploaded`, answering a rejection.
async fn recheck_item(conn: &mut AnyConnection, actor: &Actor, sub: &Submission, item_id: i64, added: bool) -> Result<(), sqlx::Error> {
    let ev = evidence_for(conn, sub, item_id).await?;
    let files: i64 =
        sqlx::query_scalar("select count(*) from evidence_files where evidence_id = $1").bind(ev.id).fetch_one(&mut *conn).await?;
    let links: i64 =
        sqlx::query_scalar("select count(*) from evidence_links where evidence_id = $1").bind(ev.id).fetch_one(&mut *conn).await?;
    let code = item_code(conn, item_id).await?;
    if files + links == 0 && ev.status == ItemStatus::Uploaded {
        set_item_status(conn, actor, sub, &ev, &code, ItemStatus::Missing, &ev.comment, ev.doc_year).await?;
    } else if added && files + links > 0 && matches!(ev.status, ItemStatus::Missing | ItemStatus::Rejected) {
        set_item_status(conn, actor, sub, &ev, &code, ItemStatus::Uploaded, &ev.comment, ev.doc_year).await?;
    }
    Ok(())
}

/// Removes the evidence links to a training event or service unit being deleted (`entity` is its audit
/// name), in the caller's transaction, each removal audited; returns how many. An item left with neither
/// files nor links is `missing` again, even a verified one, since what was verified is gone (a rejected one
/// keeps its rejection): a deleted record never keeps counting as evidence.
pub async fn unlink_record(conn: &mut AnyConnection, actor: &Actor, entity: &str, record_id: i64) -> Result<usize, sqlx::Error> {
    let links: Vec<(i64, i64, i64)> = sqlx::query(
        "select l.id, e.item_id, e.submission_id from evidence_links l join evidence e on e.id = l.evidence_id
         where l.entity = $1 and l.record_id = $2 order by l.id",
    )
    .bind(entity)
    .bind(record_id)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|r| (r.get(0), r.get(1), r.get(2)))
    .collect();
    for (link_id, item_id, sub_id) in &links {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!("select {SUBMISSION_COLUMNS} from submissions where id = $1")))
            .bind(sub_id)
            .fetch_one(&mut *conn)
            .await?;
        let sub = submission_of(&row);
        sqlx::query("delete from evidence_links where id = $1").bind(link_id).execute(&mut *conn).await?;
        let code = item_code(conn, *item_id).await?;
        let old = obj(&[
            ("item", code.clone()),
            ("entity", entity.to_string()),
            ("record_id", record_id.to_string()),
            ("reason", "record_deleted".into()),
        ]);
        audit_change(conn, actor, Action::Delete, "evidence_link", *link_id, sub.regency, Some(old), None).await?;
        let ev = evidence_for(conn, &sub, *item_id).await?;
        let files: i64 =
            sqlx::query_scalar("select count(*) from evidence_files where evidence_id = $1").bind(ev.id).fetch_one(&mut *conn).await?;
        let left: i64 =
            sqlx::query_scalar("select count(*) from evidence_links where evidence_id = $1").bind(ev.id).fetch_one(&mut *conn).await?;
        if files + left == 0 && matches!(ev.status, ItemStatus::Uploaded | ItemStatus::Verified) {
            set_item_status(conn, actor, &sub, &ev, &code, ItemStatus::Missing, &ev.comment, ev.doc_year).await?;
        }
    }
    Ok(links.len())
}

/// Removes a document (the caller deletes the object after the commit). Returns its object key.
pub async fn remove_file(conn: &mut AnyConnection, actor: &Actor, side: Side, file_id: i64) -> Result<String, EvalError> {
    let Some((f, sub)) = file(conn, file_id).await? else { return Err(EvalError::Forbidden) };
    check_regency_may_edit(side, &sub)?;
    let ev = evidence_for(conn, &sub, f.item_id).await?;
    if ev.status == ItemStatus::Verified {
        return refuse("", "eval.err_item_verified");
    }
    sqlx::query("delete from evidence_files where id = $1").bind(f.id).execute(&mut *conn).await?;
    let code = item_code(conn, f.item_id).await?;
    let old = obj(&[("item", code), ("file_name", f.file_name.clone()), ("size_bytes", f.size_bytes.to_string())]);
    audit_change(conn, actor, Action::Delete, "evidence_file", f.id, sub.regency, Some(old), None).await?;
    recheck_item(conn, actor, &sub, f.item_id, false).await?;
    Ok(f.object_key)
}

/// Marks a document public (shown on the regency's public page) or not; either side may.
pub async fn set_file_public(conn: &mut AnyConnection, actor: &Actor, file_id: i64, public: bool) -> Result<(), EvalError> {
    let Some((f, sub)) = file(conn, file_id).await? else { return Err(EvalError::Forbidden) };
    sqlx::query("update evidence_files set public = $1 where id = $2").bind(public as i64).bind(f.id).execute(&mut *conn).await?;
    let code = item_code(conn, f.item_id).await?;
    let old = obj(&[("item", code.clone()), ("file_name", f.file_name.clone()), ("public", f.public.to_string())]);
    let new = obj(&[("item", code), ("file_name", f.file_name.clone()), ("public", public.to_string())]);
    audit_change(conn, actor, Action::Update, "evidence_file", f.id, sub.regency, Some(old), Some(new)).await?;
    Ok(())
}

/// Sets which offered Pantau KLA records count as an item's evidence (the ticked boxes of the form).
pub async fn set_links(
    conn: &mut AnyConnection,
    actor: &Actor,
    side: Side,
    cycle: &Cycle,
    sub: &Submission,
    item_id: i64,
    chosen: &[i64],
) -> Result<(), EvalError> {
    check_regency_may_edit(side, sub)?;
    let mut chosen = chosen.to_vec();
    chosen.sort_unstable();
    chosen.dedup();
    let instrument = super::instrument::fetch(conn, cycle.instrument_id).await?.ok_or(sqlx::Error::RowNotFound)?;
    let Some((_, item)) = instrument.item(item_id) else { return Err(EvalError::NotFound) };
    let Some(offer) = item.offers else { return Err(EvalError::NotFound) };
    let offered = offered(conn, offer, sub.regency, cycle.data_year).await?;
    if chosen.iter().any(|id| !offered.iter().any(|(_, o, _)| o == id)) {
        return refuse("records", "eval.err_record");
    }
    let ev = evidence_for(conn, sub, item_id).await?;
    if ev.status == ItemStatus::Verified {
        return refuse("records", "eval.err_item_verified");
    }
    let current: Vec<(i64, i64, String)> = sqlx::query("select id, record_id, entity from evidence_links where evidence_id = $1")
        .bind(ev.id)
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2)))
        .collect();
    for (link_id, record_id, entity) in &current {
        if !chosen.contains(record_id) {
            sqlx::query("delete from evidence_links where id = $1").bind(link_id).execute(&mut *conn).await?;
            let old = obj(&[("item", item.code.clone()), ("entity", entity.clone()), ("record_id", record_id.to_string())]);
            audit_change(conn, actor, Action::Delete, "evidence_link", *link_id, sub.regency, Some(old), None).await?;
        }
    }
    let entity = offered.first().map(|(e, _, _)| e.clone()).unwrap_or_default();
    let mut added = false;
    for record_id in &chosen {
        if current.iter().any(|(_, r, _)| r == record_id) {
            continue;
        }
        let link_id: i64 = sqlx::query_scalar(
            "insert into evidence_links (evidence_id, entity, record_id, linked_at) values ($1, $2, $3, $4) returning id",
        )
        .bind(ev.id)
        .bind(&entity)
        .bind(record_id)
        .bind(crate::auth::now())
        .fetch_one(&mut *conn)
        .await?;
        let new = obj(&[("item", item.code.clone()), ("entity", entity.clone()), ("record_id", record_id.to_string())]);
        audit_change(conn, actor, Action::Create, "evidence_link", link_id, sub.regency, None, Some(new)).await?;
        added = true;
    }
    recheck_item(conn, actor, sub, item_id, added).await?;
    Ok(())
}

/// Checks a score field: a number from 0 to the indicator's points (comma or point as decimal mark).
pub fn parse_score(text: &str, max_points: f64) -> Result<f64, Refusal> {
    let t = text.trim().replace(',', ".");
    match t.parse::<f64>() {
        // The points are shown to hundredths, so the shown maximum is accepted.
        Ok(v) if v.is_finite() && v >= 0.0 && v <= (max_points * 100.0).round() / 100.0 + 1e-9 => Ok((v * 100.0).round() / 100.0),
        Ok(_) => Err(Refusal { field: "score", key: "eval.err_score_range" }),
        Err(_) => Err(Refusal { field: "score", key: "eval.err_score" }),
    }
}

/// Records an indicator's score at a stage, appended to the ledger (never overwriting). The regency records
/// its self-assessment while the sheet is open to it; verifiers record the later stages once it is submitted.
pub async fn record_score(
    conn: &mut AnyConnection,
    actor: &Actor,
    side: Side,
    sub: &Submission,
    indicator: &Indicator,
    stage: Stage,
    score: f64,
) -> Result<(), EvalError> {
    match (side, stage) {
        (Side::Regency, Stage::SelfAssessment) => check_regency_may_edit(side, sub)?,
        (Side::Verifier, Stage::Administrative | Stage::Field | Stage::Final) => {
            if !matches!(sub.status, Status::Submitted | Status::Verified) {
                return refuse("", "eval.err_not_submitted");
            }
        }
        _ => return Err(EvalError::Forbidden),
    }
    let now = chrono::Utc::now();
    let id: i64 = sqlx::query_scalar(
        "insert into score_ledger (submission_id, indicator_id, stage, score, user_id, actor, at, at_text) values ($1, $2, $3, $4, $5, $6, $7, $8) returning id",
    )
    .bind(sub.id)
    .bind(indicator.id)
    .bind(stage.key())
    .bind(score)
    .bind(actor.user_id)
    .bind(&actor.name)
    .bind(now.timestamp())
    .bind(now.format("%Y-%m-%dT%H:%M:%SZ").to_string())
    .fetch_one(&mut *conn)
    .await?;
    let new = obj(&[("indicator", indicator.number.to_string()), ("stage", stage.key().into()), ("score", format!("{score:.2}"))]);
    audit_change(conn, actor, Action::Create, "score", id, sub.regency, None, Some(new)).await?;
    Ok(())
}

async fn set_status(conn: &mut AnyConnection, actor: &Actor, sub: &Submission, status: Status) -> Result<(), sqlx::Error> {
    let submitted_at = if status == Status::Submitted { Some(crate::auth::now()) } else { sub.submitted_at };
    sqlx::query("update submissions set status = $1, submitted_at = $2 where id = $3")
        .bind(status.key())
        .bind(submitted_at)
        .bind(sub.id)
        .execute(&mut *conn)
        .await?;
    let old = obj(&[("status", sub.status.key().into())]);
    let new = obj(&[("status", status.key().into())]);
    audit_change(conn, actor, Action::Update, "submission", sub.id, sub.regency, Some(old), Some(new)).await
}

/// The regency hands its sheet to the province.
pub async fn submit(conn: &mut AnyConnection, actor: &Actor, side: Side, sub: &Submission) -> Result<(), EvalError> {
    check_regency_may_edit(side, sub)?;
    set_status(conn, actor, sub, Status::Submitted).await?;
    Ok(())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Verify,
    Reject,
}

/// Checks a due date: `YYYY-MM-DD`, not before today.
pub fn parse_due_date(text: &str, today: chrono::NaiveDate) -> Result<String, Refusal> {
    match chrono::NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d") {
        Ok(d) if d >= today => Ok(d.format("%Y-%m-%d").to_string()),
        Ok(_) => Err(Refusal { field: "due_date", key: "eval.err_due_past" }),
        Err(_) => Err(Refusal { field: "due_date", key: "eval.err_due_date" }),
    }
}

/// The verifier's decision on one item of a submitted sheet. A rejection needs a comment and a due date and
/// opens a follow-up for the regency; a verification closes the item's open follow-ups.
pub async fn review_item(
    conn: &mut AnyConnection,
    actor: &Actor,
    side: Side,
    cycle: &Cycle,
    sub: &Submission,
    item_id: i64,
    decision: Decision,
    comment: &str,
    due_date: Option<&str>,
) -> Result<(), EvalError> {
    if side != Side::Verifier {
        return Err(EvalError::Forbidden);
    }
    if sub.status != Status::Submitted {
        return refuse("", "eval.err_not_submitted");
    }
    let instrument = super::instrument::fetch(conn, cycle.instrument_id).await?.ok_or(sqlx::Error::RowNotFound)?;
    let Some((_, item)) = instrument.item(item_id) else { return Err(EvalError::NotFound) };
    let ev = evidence_for(conn, sub, item_id).await?;
    let comment = comment.trim();
    let now = crate::auth::now();
    match decision {
        Decision::Verify => {
            if ev.status == ItemStatus::Missing {
                return refuse("decision", "eval.err_verify_missing");
            }
            sqlx::query("update follow_ups set closed_at = $1 where evidence_id = $2 and closed_at is null")
                .bind(now)
                .bind(ev.id)
                .execute(&mut *conn)
                .await?;
            set_item_status(conn, actor, sub, &ev, &item.code, ItemStatus::Verified, comment, ev.doc_year).await?;
        }
        Decision::Reject => {
            if comment.is_empty() {
                return refuse("comment", "eval.err_comment");
            }
            let Some(due) = due_date else { return refuse("due_date", "eval.err_due_date") };
            sqlx::query("update follow_ups set closed_at = $1 where evidence_id = $2 and closed_at is null")
                .bind(now)
                .bind(ev.id)
                .execute(&mut *conn)
                .await?;
            sqlx::query("insert into follow_ups (evidence_id, note, due_date, created_by, created_at) values ($1, $2, $3, $4, $5)")
                .bind(ev.id)
                .bind(comment)
                .bind(due)
                .bind(actor.user_id)
                .bind(now)
                .execute(&mut *conn)
                .await?;
            set_item_status(conn, actor, sub, &ev, &item.code, ItemStatus::Rejected, comment, ev.doc_year).await?;
        }
    }
    Ok(())
}

/// The verifier ends a round: every uploaded item must have been decided. Any rejected item returns the sheet
/// to the regency; otherwise it is verified. Returns the new status.
pub async fn finish_review(conn: &mut AnyConnection, actor: &Actor, side: Side, sub: &Submission) -> Result<Status, EvalError> {
    if side != Side::Verifier {
        return Err(EvalError::Forbidden);
    }
    if sub.status != Status::Submitted {
        return refuse("", "eval.err_not_submitted");
    }
    let pending: i64 = sqlx::query_scalar("select count(*) from evidence where submission_id = $1 and status = 'uploaded'")
        .bind(sub.id)
        .fetch_one(&mut *conn)
        .await?;
    if pending > 0 {
        return refuse("", "eval.err_pending");
    }
    let rejected: i64 = sqlx::query_scalar("select count(*) from evidence where submission_id = $1 and status = 'rejected'")
        .bind(sub.id)
        .fetch_one(&mut *conn)
        .await?;
    let status = if rejected > 0 { Status::Returned } else { Status::Verified };
    set_status(conn, actor, sub, status).await?;
    Ok(status)
}

/// Publishes (or withdraws) a verified sheet's scores on the regency's public page.
pub async fn publish(conn: &mut AnyConnection, actor: &Actor, side: Side, sub: &Submission, published: bool) -> Result<(), EvalError> {
    if side != Side::Verifier {
        return Err(EvalError::Forbidden);
    }
    if sub.status != Status::Verified {
        return refuse("", "eval.err_not_verified");
    }
    sqlx::query("update submissions set published = $1 where id = $2").bind(published as i64).bind(sub.id).execute(&mut *conn).await?;
    let old = obj(&[("published", sub.published.to_string())]);
    let new = obj(&[("published", published.to_string())]);
    audit_change(conn, actor, Action::Update, "submission", sub.id, sub.regency, Some(old), Some(new)).await?;
    Ok(())
}

/// A new cycle as entered by an administrator.
#[derive(Debug, Clone)]
pub struct NewCycle {
    pub award_year: i64,
    pub data_year: i64,
    pub instrument_id: i64,
    pub self_deadline: String,
    pub verify_deadline: String,
}

/// Checks the cycle form; every refusal names its field.
pub fn parse_cycle(form: &HashMap<String, String>, instruments: &[(i64, String, String)]) -> Result<NewCycle, Vec<Refusal>> {
    let get = |k: &str| form.get(k).map(|v| v.trim().to_string()).unwrap_or_default();
    let mut errs = Vec::new();
    let year = |k: &'static str, errs: &mut Vec<Refusal>| match get(k).parse::<i64>() {
        Ok(y) if (2000..=2100).contains(&y) => Some(y),
        _ => {
            errs.push(Refusal { field: k, key: "eval.err_year" });
            None
        }
    };
    let award_year = year("award_year", &mut errs);
    let data_year = year("data_year", &mut errs);
    if let (Some(a), Some(d)) = (award_year, data_year)
        && d > a
    {
        errs.push(Refusal { field: "data_year", key: "eval.err_data_year" });
    }
    let instrument_id = instruments.iter().find(|(_, code, _)| *code == get("instrument")).map(|(id, _, _)| *id);
    if instrument_id.is_none() {
        errs.push(Refusal { field: "instrument", key: "eval.err_instrument" });
    }
    let date = |k: &'static str, errs: &mut Vec<Refusal>| match chrono::NaiveDate::parse_from_str(&get(k), "%Y-%m-%d") {
        Ok(d) => Some(d),
        Err(_) => {
            errs.push(Refusal { field: k, key: "eval.err_date" });
            None
        }
    };
    let self_deadline = date("self_deadline", &mut errs);
    let verify_deadline = date("verify_deadline", &mut errs);
    if let (Some(s), Some(v)) = (self_deadline, verify_deadline)
        && v < s
    {
        errs.push(Refusal { field: "verify_deadline", key: "eval.err_verify_before_self" });
    }
    match (award_year, data_year, instrument_id, self_deadline, verify_deadline) {
        (Some(award_year), Some(data_year), Some(instrument_id), Some(s), Some(v)) if errs.is_empty() => Ok(NewCycle {
            award_year,
            data_year,
            instrument_id,
            self_deadline: s.format("%Y-%m-%d").to_string(),
            verify_deadline: v.format("%Y-%m-%d").to_string(),
        }),
        _ => Err(errs),
    }
}

/// Stores a new cycle (administrators only; the caller checks the role). A second cycle for an award year
/// is refused.
pub async fn create_cycle(conn: &mut AnyConnection, actor: &Actor, c: &NewCycle) -> Result<i64, EvalError> {
    if cycle(conn, c.award_year).await?.is_some() {
        return refuse("award_year", "eval.err_cycle_exists");
    }
    let id: i64 = sqlx::query_scalar(
        "insert into cycles (award_year, data_year, instrument_id, self_deadline, verify_deadline, created_at) values ($1, $2, $3, $4, $5, $6) returning id",
    )
    .bind(c.award_year)
    .bind(c.data_year)
    .bind(c.instrument_id)
    .bind(&c.self_deadline)
    .bind(&c.verify_deadline)
    .bind(crate::auth::now())
    .fetch_one(&mut *conn)
    .await?;
    let new = obj(&[
        ("award_year", c.award_year.to_string()),
        ("data_year", c.data_year.to_string()),
        ("self_deadline", c.self_deadline.clone()),
        ("verify_deadline", c.verify_deadline.clone()),
    ]);
    audit::record(
        conn,
        actor,
        Via::Form,
        Change { action: Action::Create, entity: "cycle", record_id: id, region: None, old: None, new: Some(&new) },
    )
    .await?;
    Ok(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_take_sides_only_where_they_reach() {
        let r = RegionCode::parse("63.10").unwrap();
        assert_eq!(side(Role::Regency(r), r), Some(Side::Regency));
        assert_eq!(side(Role::Regency(RegionCode::parse("63.72").unwrap()), r), None);
        assert_eq!(side(Role::Province(RegionCode::parse("63").unwrap()), r), Some(Side::Verifier));
        assert_eq!(side(Role::Province(RegionCode::parse("62").unwrap()), r), None);
        assert_eq!(side(Role::Admin, r), Some(Side::Verifier));
    }

    #[test]
    fn scores_are_checked_against_the_indicators_points() {
        assert_eq!(parse_score("41,5", 41.67), Ok(41.5));
        assert_eq!(parse_score("41.67", 41.666666), Ok(41.67));
        assert_eq!(parse_score("41.68", 41.666666), Err(Refusal { field: "score", key: "eval.err_score_range" }));
        assert_eq!(parse_score("-1", 50.0).unwrap_err().key, "eval.err_score_range");
        assert_eq!(parse_score("banyak", 50.0).unwrap_err().key, "eval.err_score");
    }

    #[test]
    fn due_dates_are_real_dates_from_today() {
        let today = chrono::NaiveDate::from_ymd_opt(2026, 4, 10).unwrap();
        assert_eq!(parse_due_date("2026-04-10", today), Ok("2026-04-10".into()));
        assert_eq!(parse_due_date("2026-04-09", today).unwrap_err().key, "eval.err_due_past");
        assert_eq!(parse_due_date("10/04/2026", today).unwrap_err().key, "eval.err_due_date");
    }

    #[test]
    fn the_cycle_form_names_every_bad_field() {
        let inst = vec![(1, "permen-pppa-12-2022".to_string(), "x".to_string())];
        let form: HashMap<String, String> = [
            ("award_year", "2027"),
            ("data_year", "2028"),
            ("instrument", "x"),
            ("self_deadline", "2027-03-31"),
            ("verify_deadline", "2027-03-01"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        let errs = parse_cycle(&form, &inst).unwrap_err();
        let fields: Vec<_> = errs.iter().map(|e| e.field).collect();
        assert_eq!(fields, vec!["data_year", "instrument", "verify_deadline"]);
    }
}
