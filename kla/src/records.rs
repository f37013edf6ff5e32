//! Stored records as people edit them: the three record kinds (training events, service units, predicate
//! records) read back as text per column — the same columns as the spreadsheet templates — and created,
//! updated and deleted one at a time, each change written to the audit trail in the same transaction.

use crate::audit::{self, Action, Actor, Change, Via};
use crate::db::RegionRegistry;
use crate::db::writes::{self, WriteError};
use crate::domain::predicate::PredicateRecordInput;
use crate::domain::service_unit::ServiceUnitInput;
use crate::domain::training::TrainingEventInput;
use crate::domain::{FieldErrors, PredicateBands, PredicateRecord, RegionCode, ServiceUnit, TrainingEvent};
use crate::import::RecordKind;
use serde_json::{Map, Value};
use sqlx::{AnyConnection, AnyPool};

/// The values of one record, column → text, as a form or a spreadsheet row holds them.
pub type Values = Map<String, Value>;

/// A record kind as the data-entry pages name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Entity {
    TrainingEvent,
    ServiceUnit,
    PredicateRecord,
}

impl Entity {
    pub const ALL: [Entity; 3] = [Entity::TrainingEvent, Entity::ServiceUnit, Entity::PredicateRecord];

    /// The path segment: `/kelola/kegiatan`, `/kelola/unit`, `/kelola/predikat`.
    pub fn slug(self) -> &'static str {
        match self {
            Entity::TrainingEvent => "kegiatan",
            Entity::ServiceUnit => "unit",
            Entity::PredicateRecord => "predikat",
        }
    }
    pub fn from_slug(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|e| e.slug() == s)
    }
    /// The name in the audit trail.
    pub fn audit_name(self) -> &'static str {
        match self {
            Entity::TrainingEvent => "training_event",
            Entity::ServiceUnit => "service_unit",
            Entity::PredicateRecord => "predicate_record",
        }
    }
    pub fn from_audit_name(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|e| e.audit_name() == s)
    }
    pub fn kind(self) -> RecordKind {
        match self {
            Entity::TrainingEvent => RecordKind::TrainingEvents,
            Entity::ServiceUnit => RecordKind::ServiceUnits,
            Entity::PredicateRecord => RecordKind::PredicateRecords,
        }
    }
    pub fn of_kind(kind: RecordKind) -> Self {
        match kind {
            RecordKind::TrainingEvents => Entity::TrainingEvent,
            RecordKind::ServiceUnits => Entity::ServiceUnit,
            RecordKind::PredicateRecords => Entity::PredicateRecord,
        }
    }
    /// The columns, in template order.
    pub fn columns(self) -> &'static [&'static str] {
        self.kind().columns()
    }
    /// The column holding the record's region.
    pub fn region_column(self) -> &'static str {
        match self {
            Entity::TrainingEvent => "organiser_code",
            Entity::ServiceUnit | Entity::PredicateRecord => "regency_code",
        }
    }
}

/// A validated record of any kind.
#[derive(Debug, Clone)]
pub enum Valid {
    TrainingEvent(TrainingEvent),
    ServiceUnit(ServiceUnit),
    PredicateRecord(PredicateRecord),
}

impl Valid {
    pub fn region(&self) -> RegionCode {
        match self {
            Valid::TrainingEvent(e) => e.organiser,
            Valid::ServiceUnit(u) => u.regency,
            Valid::PredicateRecord(p) => p.regency,
        }
    }
}

/// Keeps only the record's columns, as text (a form may carry other fields, such as the CSRF token).
pub fn values_of(entity: Entity, fields: &std::collections::HashMap<String, String>) -> Values {
    entity
        .columns()
        .iter()
        .map(|c| (c.to_string(), Value::String(fields.get(*c).map(|v| v.trim().to_string()).unwrap_or_default())))
        .collect()
}

/// Validates a record's values, every field at once.
pub fn validate(entity: Entity, values: &Values, bands: &PredicateBands) -> Result<Valid, FieldErrors> {
    let json = Value::Object(values.clone());
    // The inputs are all-text structs with defaults, so any object of strings deserialises.
    match entity {
        Entity::TrainingEvent => serde_json::from_value::<TrainingEventInput>(json).unwrap_or_default().parse().map(Valid::TrainingEvent),
        Entity::ServiceUnit => serde_json::from_value::<ServiceUnitInput>(json).unwrap_or_default().parse().map(Valid::ServiceUnit),
        Entity::PredicateRecord => {
            serde_json::from_value::<PredicateRecordInput>(json).unwrap_or_default().parse(bands).map(Valid::PredicateRecord)
        }
    }
}

/// A stored record: its id, region, values as text, and whether the demo generator wrote it.
#[derive(Debug, Clone)]
pub struct Stored {
    pub id: i64,
    pub region: RegionCode,
    pub values: Values,
    pub is_demo: bool,
}

impl Stored {
    pub fn get(&self, column: &str) -> &str {
        self.values.get(column).and_then(Value::as_str).unwrap_or("")
    }
}

fn opt_num(v: Option<f64>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

fn put(m: &mut Values, k: &str, v: impl Into<String>) {
    m.insert(k.to_string(), Value::String(v.into()));
}

/// Which records to list: all, a province's (including the ones the province organised), or a region's own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Filter {
    All,
    /// Every record whose region lies in the province.
    Province(RegionCode),
    /// The records of exactly this region (a province's own events, or a regency's records).
    Region(RegionCode),
}

impl Filter {
    fn sql(self, entity: Entity) -> (String, Option<String>) {
        match self {
            Filter::All => ("1 = 1".into(), None),
            Filter::Province(p) => ("province_code = $1".into(), Some(p.to_string())),
            Filter::Region(r) => (format!("{} = $1", entity.region_column()), Some(r.to_string())),
        }
    }
}

#[derive(sqlx::FromRow)]
struct EventRow {
    id: i64,
    organiser_code: String,
    title: String,
    kind: String,
    start_date: String,
    end_date: String,
    venue: String,
    mode: String,
    participants_offline: i64,
    participants_online: i64,
    institutions: i64,
    pre_test_mean: Option<f64>,
    post_test_mean: Option<f64>,
    certificate_issuer: String,
    source_url: String,
    is_demo: i64,
}

#[derive(sqlx::FromRow)]
struct UnitRow {
    id: i64,
    regency_code: String,
    kind: String,
    name: String,
    total_staff: i64,
    certified_staff: i64,
    latest_certificate_year: Option<i64>,
    certificate_issuer: String,
    is_demo: i64,
}

#[derive(sqlx::FromRow)]
struct PredicateRow {
    id: i64,
    regency_code: String,
    award_year: i64,
    data_year: i64,
    score_self_assessment: Option<f64>,
    score_administrative: Option<f64>,
    score_field: Option<f64>,
    score_final: Option<f64>,
    predicate: Option<String>,
    source_url: String,
    is_demo: i64,
}

const EVENT_SELECT: &str = "select id, organiser_code, title, kind, start_date, end_date, venue, mode, participants_offline,
    participants_online, institutions, pre_test_mean, post_test_mean, certificate_issuer, source_url, is_demo from training_events";
const UNIT_SELECT: &str = "select id, regency_code, kind, name, total_staff, certified_staff, latest_certificate_year,
    certificate_issuer, is_demo from service_units";
const PREDICATE_SELECT: &str = "select id, regency_code, award_year, data_year, score_self_assessment, score_administrative,
    score_field, score_final, predicate, source_url, is_demo from predicate_records";

fn stored(id: i64, region: &str, values: Values, is_demo: i64) -> Option<Stored> {
    Some(Stored { id, region: RegionCode::parse(region).ok()?, values, is_demo: is_demo == 1 })
}

fn event_values(r: &EventRow, by_regency: &str, by_kind: &str) -> Values {
    let mut m = Values::new();
    put(&mut m, "organiser_code", &r.organiser_code);
    put(&mut m, "title", &r.title);
    put(&mut m, "kind", &r.kind);
    put(&mut m, "start_date", &r.start_date);
    put(&mut m, "end_date", &r.end_date);
    put(&mut m, "venue", &r.venue);
    put(&mut m, "mode", &r.mode);
    put(&mut m, "participants_offline", r.participants_offline.to_string());
    put(&mut m, "participants_online", r.participants_online.to_string());
    put(&mut m, "institutions", r.institutions.to_string());
    put(&mut m, "participants_by_regency", by_regency);
    put(&mut m, "participants_by_kind", by_kind);
    put(&mut m, "pre_test_mean", opt_num(r.pre_test_mean));
    put(&mut m, "post_test_mean", opt_num(r.post_test_mean));
    put(&mut m, "certificate_issuer", &r.certificate_issuer);
    put(&mut m, "source_url", &r.source_url);
    m
}

fn unit_values(r: &UnitRow) -> Values {
    let mut m = Values::new();
    put(&mut m, "regency_code", &r.regency_code);
    put(&mut m, "kind", &r.kind);
    put(&mut m, "name", &r.name);
    put(&mut m, "total_staff", r.total_staff.to_string());
    put(&mut m, "certified_staff", r.certified_staff.to_string());
    put(&mut m, "latest_certificate_year", r.latest_certificate_year.map(|y| y.to_string()).unwrap_or_default());
    put(&mut m, "certificate_issuer", &r.certificate_issuer);
    m
}

fn predicate_values(r: &PredicateRow) -> Values {
    let mut m = Values::new();
    put(&mut m, "regency_code", &r.regency_code);
    put(&mut m, "award_year", r.award_year.to_string());
    put(&mut m, "data_year", r.data_year.to_string());
    put(&mut m, "score_self_assessment", opt_num(r.score_self_assessment));
    put(&mut m, "score_administrative", opt_num(r.score_administrative));
    put(&mut m, "score_field", opt_num(r.score_field));
    put(&mut m, "score_final", opt_num(r.score_final));
    put(&mut m, "predicate", r.predicate.clone().unwrap_or_default());
    put(&mut m, "source_url", &r.source_url);
    m
}

/// Breakdowns of the given events as the input text (`63.10:25; 63.72:15`), by event id.
async fn breakdowns(conn: &mut AnyConnection, table_sql: &str, ids: &[i64]) -> Result<std::collections::HashMap<i64, String>, sqlx::Error> {
    let mut out: std::collections::HashMap<i64, String> = std::collections::HashMap::new();
    for chunk in ids.chunks(500) {
        let list = chunk.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
        // Safe: the list holds only integers formatted here.
        let rows: Vec<(i64, String, i64)> =
            sqlx::query_as(sqlx::AssertSqlSafe(format!("{table_sql} where event_id in ({list}) order by event_id, 2")))
                .fetch_all(&mut *conn)
                .await?;
        for (id, key, n) in rows {
            let s = out.entry(id).or_default();
            if !s.is_empty() {
                s.push_str("; ");
            }
            s.push_str(&format!("{key}:{n}"));
        }
    }
    Ok(out)
}

const BY_REGENCY_SQL: &str = "select event_id, regency_code, participants from training_participants_by_regency";
const BY_KIND_SQL: &str = "select event_id, provider_kind, participants from training_participants_by_kind";

async fn events(conn: &mut AnyConnection, rows: Vec<EventRow>) -> Result<Vec<Stored>, sqlx::Error> {
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let by_regency = breakdowns(conn, BY_REGENCY_SQL, &ids).await?;
    let by_kind = breakdowns(conn, BY_KIND_SQL, &ids).await?;
    let none = String::new();
    Ok(rows
        .iter()
        .filter_map(|r| {
            let v = event_values(r, by_regency.get(&r.id).unwrap_or(&none), by_kind.get(&r.id).unwrap_or(&none));
            stored(r.id, &r.organiser_code, v, r.is_demo)
        })
        .collect())
}

/// One stored record, if it exists.
pub async fn load(conn: &mut AnyConnection, entity: Entity, id: i64) -> Result<Option<Stored>, sqlx::Error> {
    Ok(match entity {
        Entity::TrainingEvent => {
            let rows: Vec<EventRow> =
                sqlx::query_as(sqlx::AssertSqlSafe(format!("{EVENT_SELECT} where id = $1"))).bind(id).fetch_all(&mut *conn).await?;
            events(conn, rows).await?.pop()
        }
        Entity::ServiceUnit => {
            let row: Option<UnitRow> =
                sqlx::query_as(sqlx::AssertSqlSafe(format!("{UNIT_SELECT} where id = $1"))).bind(id).fetch_optional(&mut *conn).await?;
            row.and_then(|r| stored(r.id, &r.regency_code, unit_values(&r), r.is_demo))
        }
        Entity::PredicateRecord => {
            let row: Option<PredicateRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!("{PREDICATE_SELECT} where id = $1")))
                .bind(id)
                .fetch_optional(&mut *conn)
                .await?;
            row.and_then(|r| stored(r.id, &r.regency_code, predicate_values(&r), r.is_demo))
        }
    })
}

/// The records a filter selects, in a stable order (newest events first; units by kind and name; predicate
/// records by year), at most `limit` of them when given; also the total count.
pub async fn list(pool: &AnyPool, entity: Entity, filter: Filter, limit: Option<i64>) -> Result<(Vec<Stored>, i64), sqlx::Error> {
    let mut conn = pool.acquire().await?;
    let (cond, arg) = filter.sql(entity);
    let (select, table, order) = match entity {
        Entity::TrainingEvent => (EVENT_SELECT, "training_events", "start_date desc, id desc"),
        Entity::ServiceUnit => (UNIT_SELECT, "service_units", "regency_code, kind, name, id"),
        Entity::PredicateRecord => (PREDICATE_SELECT, "predicate_records", "award_year desc, regency_code"),
    };
    let count_sql = format!("select count(*) from {table} where {cond}");
    let mut count = sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(count_sql));
    if let Some(a) = &arg {
        count = count.bind(a.clone());
    }
    let total = count.fetch_one(&mut *conn).await?;
    let limit_sql = limit.map(|n| format!(" limit {n}")).unwrap_or_default();
    // Safe: table, column and order names come from this function; the only value is bound.
    let sql = format!("{select} where {cond} order by {order}{limit_sql}");
    macro_rules! fetch {
        ($row:ty) => {{
            let mut q = sqlx::query_as::<_, $row>(sqlx::AssertSqlSafe(sql));
            if let Some(a) = &arg {
                q = q.bind(a.clone());
            }
            q.fetch_all(&mut *conn).await?
        }};
    }
    let records = match entity {
        Entity::TrainingEvent => {
            let rows = fetch!(EventRow);
            events(&mut conn, rows).await?
        }
        Entity::ServiceUnit => {
            fetch!(UnitRow).into_iter().filter_map(|r| stored(r.id, &r.regency_code, unit_values(&r), r.is_demo)).collect()
        }
        Entity::PredicateRecord => {
            fetch!(PredicateRow).into_iter().filter_map(|r| stored(r.id, &r.regency_code, predicate_values(&r), r.is_demo)).collect()
        }
    };
    Ok((records, total))
}

/// Writes a new record and its audit entry; returns its id.
pub async fn create(
    conn: &mut AnyConnection,
    reg: &RegionRegistry,
    actor: &Actor,
    via: Via,
    valid: &Valid,
    values: &Values,
) -> Result<i64, WriteError> {
    let id = match valid {
        Valid::TrainingEvent(e) => writes::insert_training_event(conn, reg, e, false).await?,
        Valid::ServiceUnit(u) => writes::insert_service_unit(conn, reg, u, false).await?,
        Valid::PredicateRecord(p) => writes::insert_predicate_record(conn, reg, p, false).await?,
    };
    let entity = entity_of(valid);
    let stored = load(conn, entity, id).await?;
    let new = stored.as_ref().map(|s| &s.values).unwrap_or(values);
    audit::record(
        conn,
        actor,
        via,
        Change {
            action: Action::Create,
            entity: entity.audit_name(),
            record_id: id,
            region: Some(valid.region()),
            old: None,
            new: Some(new),
        },
    )
    .await?;
    Ok(id)
}

fn entity_of(valid: &Valid) -> Entity {
    match valid {
        Valid::TrainingEvent(_) => Entity::TrainingEvent,
        Valid::ServiceUnit(_) => Entity::ServiceUnit,
        Valid::PredicateRecord(_) => Entity::PredicateRecord,
    }
}

/// Replaces a stored record's values (the caller loaded `old` in the same transaction and checked the
/// user may change it) and records both versions.
pub async fn update(conn: &mut AnyConnection, reg: &RegionRegistry, actor: &Actor, old: &Stored, valid: &Valid) -> Result<(), WriteError> {
    let entity = entity_of(valid);
    let found = match valid {
        Valid::TrainingEvent(e) => writes::update_training_event(conn, reg, old.id, e).await?,
        Valid::ServiceUnit(u) => writes::update_service_unit(conn, reg, old.id, u).await?,
        Valid::PredicateRecord(p) => writes::update_predicate_record(conn, reg, old.id, p).await?,
    };
    if !found {
        return Err(WriteError::Db(sqlx::Error::RowNotFound));
    }
    let new = load(conn, entity, old.id).await?.ok_or(WriteError::Db(sqlx::Error::RowNotFound))?;
    audit::record(
        conn,
        actor,
        Via::Form,
        Change {
            action: Action::Update,
            entity: entity.audit_name(),
            record_id: old.id,
            region: Some(new.region),
            old: Some(&old.values),
            new: Some(&new.values),
        },
    )
    .await?;
    Ok(())
}

/// Deletes a stored record (breakdowns and evidence links to it go with it) and leaves an audit entry holding
/// its last values.
pub async fn delete(conn: &mut AnyConnection, actor: &Actor, entity: Entity, old: &Stored) -> Result<(), sqlx::Error> {
    let table = match entity {
        Entity::TrainingEvent => "training_events",
        Entity::ServiceUnit => "service_units",
        Entity::PredicateRecord => "predicate_records",
    };
    if entity == Entity::TrainingEvent {
        // Foreign keys cascade on both engines, but saying it keeps SQLite without `foreign_keys` right too.
        sqlx::query("delete from training_participants_by_regency where event_id = $1").bind(old.id).execute(&mut *conn).await?;
        sqlx::query("delete from training_participants_by_kind where event_id = $1").bind(old.id).execute(&mut *conn).await?;
    }
    if matches!(entity, Entity::TrainingEvent | Entity::ServiceUnit) {
        crate::evaluation::sheet::unlink_record(conn, actor, entity.audit_name(), old.id).await?;
    }
    sqlx::query(sqlx::AssertSqlSafe(format!("delete from {table} where id = $1"))).bind(old.id).execute(&mut *conn).await?;
    audit::record(
        conn,
        actor,
        Via::Form,
        Change {
            action: Action::Delete,
            entity: entity.audit_name(),
            record_id: old.id,
            region: Some(old.region),
            old: Some(&old.values),
            new: None,
        },
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_and_audit_names_round_trip() {
        for e in Entity::ALL {
            assert_eq!(Entity::from_slug(e.slug()), Some(e));
            assert_eq!(Entity::from_audit_name(e.audit_name()), Some(e));
            assert_eq!(Entity::of_kind(e.kind()), e);
            assert!(e.columns().contains(&e.region_column()));
        }
    }

    #[test]
    fn values_keep_only_the_record_columns() {
        let mut form = std::collections::HashMap::new();
        form.insert("csrf".to_string(), "x".to_string());
        form.insert("name".to_string(), "  PAUD Melati ".to_string());
        let v = values_of(Entity::ServiceUnit, &form);
        assert_eq!(v.len(), Entity::ServiceUnit.columns().len());
        assert_eq!(v["name"], "PAUD Melati");
        assert!(!v.contains_key("csrf"));
    }
}
