//! Stored records as people edit them: the three record kinds (training events, service units, predicate
//! records) as one [`Entity`], and the [`Record`] trait each kind implements once — its columns (the same as
//! the spreadsheet templates), how a row of text becomes the domain type, how it is read back as text per
//! column, written, updated and deleted. The forms, the import, the exports and the history all go through
//! it; every change is written to the audit trail in the same transaction.

mod predicate_record;
mod service_unit;
mod training_event;

use crate::audit::{self, Action, Actor, Change, Via};
use crate::auth::Role;
use crate::db::RegionRegistry;
use crate::db::writes::{BatchError, WriteError};
use crate::domain::{FieldErrors, PredicateBands, PredicateRecord, RegionCode, RegionLevel, ServiceUnit, TrainingEvent};
use crate::i18n::Lang;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};
use sqlx::{AnyConnection, AnyPool};
use std::future::Future;
use std::hash::Hash;

/// The values of one record, column → text, as a form or a spreadsheet row holds them.
pub type Values = Map<String, Value>;

/// A record kind as the data-entry pages name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Entity {
    TrainingEvent,
    ServiceUnit,
    PredicateRecord,
}

/// Runs `$body` with `$T` standing for the domain type of `$entity`: the one place that turns an [`Entity`]
/// into its [`Record`] implementation.
macro_rules! with_record {
    ($entity:expr, $T:ident => $body:expr) => {
        match $entity {
            $crate::records::Entity::TrainingEvent => {
                type $T = $crate::domain::TrainingEvent;
                $body
            }
            $crate::records::Entity::ServiceUnit => {
                type $T = $crate::domain::ServiceUnit;
                $body
            }
            $crate::records::Entity::PredicateRecord => {
                type $T = $crate::domain::PredicateRecord;
                $body
            }
        }
    };
}
pub(crate) use with_record;

/// The choices of a column entered from a fixed list: the values, and the prefix of their text keys.
pub type Choices = (fn() -> Vec<&'static str>, &'static str);

/// One record kind: everything the forms, the import, the exports and the history need to know of it.
pub trait Record: Sized + Clone + Send + Sync + 'static {
    const ENTITY: Entity;
    /// The path segment: `/kelola/kegiatan`, `/kelola/unit`, `/kelola/predikat`.
    const SLUG: &'static str;
    /// The name in the audit trail.
    const AUDIT_NAME: &'static str;
    /// The name in the command line's messages.
    const NAME: &'static str;
    const TABLE: &'static str;
    /// The columns, in template order.
    const COLUMNS: &'static [&'static str];
    /// The column holding the record's region.
    const REGION_COLUMN: &'static str;
    /// The level of region a record belongs to (`None`: any level, as an event a province organised).
    const REGION_LEVEL: Option<RegionLevel>;
    /// The columns a form requires (the rest may stay empty).
    const REQUIRED: &'static [&'static str];
    /// The columns of a one-line summary, as text keys under `col.`.
    const SUMMARY_COLUMNS: [&'static str; 4];
    /// The `kind` column's choices, where the kind has one.
    const KIND_CHOICES: Option<Choices> = None;
    /// The column named when a file holds the same record twice.
    const DUPLICATE_COLUMN: &'static str;
    /// Whether an import that updates finds the stored record by [`Record::duplicate_key`] when a row gives
    /// no `id` (a predicate record: its kab/kota and award year name it); otherwise only by `id`.
    const MATCH_BY_KEY: bool = false;

    /// The all-text input a form or a spreadsheet row deserialises into.
    type Input: DeserializeOwned + Default;
    /// What makes two rows of a file the same record.
    type Key: Hash + Eq;

    fn parse(input: Self::Input, bands: &PredicateBands) -> Result<Self, FieldErrors>;
    fn region(&self) -> RegionCode;
    /// The region codes to look up in the registry, each with its column, in column order.
    fn region_codes(&self) -> Vec<(&'static str, RegionCode)>;
    fn duplicate_key(&self) -> Self::Key;
    fn into_valid(self) -> Valid;
    fn of_valid(valid: &Valid) -> Option<&Self>;
    /// The example row of the template, in column order, with the given regency and organiser codes.
    fn example_row(regency: String, organiser: String) -> Vec<String>;
    /// A one-line summary of a stored record for lists and confirmations ([`Self::SUMMARY_COLUMNS`]).
    fn summary(lang: Lang, r: &Stored) -> Vec<String>;

    /// The records `where` selects (a condition with at most one parameter, `$1`), in `order`.
    fn fetch(
        conn: &mut AnyConnection,
        condition: &str,
        arg: Option<Arg>,
        order: &str,
    ) -> impl Future<Output = Result<Vec<Stored>, sqlx::Error>> + Send;
    /// The order of a list (newest events first; units by kind and name; predicate records by year).
    const LIST_ORDER: &'static str;
    fn insert(
        conn: &mut AnyConnection,
        reg: &RegionRegistry,
        record: &Self,
        demo: bool,
    ) -> impl Future<Output = Result<i64, WriteError>> + Send;
    fn insert_batch(
        conn: &mut AnyConnection,
        reg: &RegionRegistry,
        records: &[Self],
        demo: bool,
    ) -> impl Future<Output = Result<Vec<i64>, BatchError>> + Send;
    /// `Ok(false)` when there is no record `id`.
    fn update(
        conn: &mut AnyConnection,
        reg: &RegionRegistry,
        id: i64,
        record: &Self,
    ) -> impl Future<Output = Result<bool, WriteError>> + Send;
    /// Removes what hangs off a record about to be deleted (breakdowns, evidence links).
    fn delete_dependants(conn: &mut AnyConnection, actor: &Actor, id: i64) -> impl Future<Output = Result<(), sqlx::Error>> + Send;
}

/// The one value a record query binds.
#[derive(Debug, Clone)]
pub enum Arg {
    Id(i64),
    Text(String),
}

/// Binds the optional argument of a record query.
fn bind_arg<'q, O>(
    q: sqlx::query::QueryAs<'q, sqlx::Any, O, sqlx::any::AnyArguments>,
    arg: Option<Arg>,
) -> sqlx::query::QueryAs<'q, sqlx::Any, O, sqlx::any::AnyArguments> {
    match arg {
        None => q,
        Some(Arg::Id(id)) => q.bind(id),
        Some(Arg::Text(t)) => q.bind(t),
    }
}

impl Entity {
    pub const ALL: [Entity; 3] = [Entity::TrainingEvent, Entity::ServiceUnit, Entity::PredicateRecord];

    /// The path segment: `/kelola/kegiatan`, `/kelola/unit`, `/kelola/predikat`.
    pub fn slug(self) -> &'static str {
        with_record!(self, T => T::SLUG)
    }
    pub fn from_slug(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|e| e.slug() == s)
    }
    /// The name in the audit trail.
    pub fn audit_name(self) -> &'static str {
        with_record!(self, T => T::AUDIT_NAME)
    }
    pub fn from_audit_name(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|e| e.audit_name() == s)
    }
    /// The name in the command line's messages (`TrainingEvents`).
    pub fn name(self) -> &'static str {
        with_record!(self, T => T::NAME)
    }
    /// What people call the kind (`Kegiatan pelatihan`), on the pages and in the history.
    pub fn label(self, lang: Lang) -> String {
        crate::i18n::tr(lang, &format!("manage.entity_{}", self.slug()))
    }
    pub fn table(self) -> &'static str {
        with_record!(self, T => T::TABLE)
    }
    /// The columns, in template order.
    pub fn columns(self) -> &'static [&'static str] {
        with_record!(self, T => T::COLUMNS)
    }
    /// The column holding the record's region.
    pub fn region_column(self) -> &'static str {
        with_record!(self, T => T::REGION_COLUMN)
    }
    /// Whether a region of this level holds records of the kind (a province organises events; units and
    /// predicate records belong to regencies).
    pub fn held_by(self, level: RegionLevel) -> bool {
        with_record!(self, T => T::REGION_LEVEL.is_none_or(|l| l == level))
    }
    /// Whether a form requires the column.
    pub fn required(self, column: &str) -> bool {
        with_record!(self, T => T::REQUIRED.contains(&column))
    }
    /// The choices of a column entered from a list that depends on the kind (`kind`).
    pub fn choices(self, column: &str) -> Option<Choices> {
        if column != "kind" {
            return None;
        }
        with_record!(self, T => T::KIND_CHOICES)
    }
    /// The columns of [`Entity::summary`], as text keys under `col.`.
    pub fn summary_columns(self) -> [&'static str; 4] {
        with_record!(self, T => T::SUMMARY_COLUMNS)
    }
    /// A one-line summary of a stored record for lists and confirmations.
    pub fn summary(self, lang: Lang, r: &Stored) -> Vec<String> {
        with_record!(self, T => T::summary(lang, r))
    }
    /// The example row of the template, in column order. Region codes are the ones of `region` where that
    /// fits the column, else Kabupaten Banjar's.
    pub fn example_row(self, region: Option<RegionCode>) -> Vec<String> {
        let regency = region.filter(|r| matches!(r, RegionCode::Regency(..))).map_or_else(|| "63.10".into(), |r| r.to_string());
        let organiser = region.map_or_else(|| regency.clone(), |r| r.to_string());
        let row = with_record!(self, T => T::example_row(regency, organiser));
        debug_assert_eq!(row.len(), self.columns().len());
        row
    }
}

impl Entity {
    /// A stored column's value as people read it in `lang`: predicates, kinds, modes and assessments by name, decimals
    /// and counts with the language's separators (800,38 / 800.38), years and text as stored. The lists,
    /// confirmations and history under `/kelola` write values as the public pages do.
    pub fn display(self, lang: Lang, column: &str, raw: &str) -> String {
        use crate::format;
        use crate::i18n::tr;
        if raw.trim().is_empty() {
            return String::new();
        }
        match column {
            "predicate" => crate::domain::Predicate::parse(raw).map_or_else(|| raw.to_string(), |p| p.label().to_string()),
            "kind" => self.choices(column).map_or_else(|| raw.to_string(), |(_, prefix)| tr(lang, &format!("{prefix}.{raw}"))),
            "mode" => tr(lang, &format!("mode.{raw}")),
            "assessment" => tr(lang, &format!("assessment.{raw}")),
            c if c.starts_with("score_") => format::stored_decimal(raw, 2, lang),
            "pre_test_mean" | "post_test_mean" => format::stored_decimal(raw, 1, lang),
            "participants_offline" | "participants_online" | "institutions" | "total_staff" | "certified_staff" => {
                raw.parse::<i64>().map_or_else(|_| raw.to_string(), |n| format::int(n, lang))
            }
            _ => raw.to_string(),
        }
    }
}

/// A validated record of any kind.
#[derive(Debug, Clone)]
pub enum Valid {
    // Boxed: an event, with its texts and breakdowns, is several times the size of the other kinds.
    TrainingEvent(Box<TrainingEvent>),
    ServiceUnit(ServiceUnit),
    PredicateRecord(PredicateRecord),
}

impl Valid {
    pub fn entity(&self) -> Entity {
        match self {
            Valid::TrainingEvent(_) => Entity::TrainingEvent,
            Valid::ServiceUnit(_) => Entity::ServiceUnit,
            Valid::PredicateRecord(_) => Entity::PredicateRecord,
        }
    }
    /// The record as its domain type.
    pub fn get<T: Record>(&self) -> Option<&T> {
        T::of_valid(self)
    }
    pub fn region(&self) -> RegionCode {
        with_record!(self.entity(), T => self.get::<T>().expect("the entity of the record").region())
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
    fn typed<T: Record>(values: &Values, bands: &PredicateBands) -> Result<Valid, FieldErrors> {
        // The inputs are all-text structs with defaults, so any object of strings deserialises.
        let input = serde_json::from_value::<T::Input>(Value::Object(values.clone())).unwrap_or_default();
        T::parse(input, bands).map(T::into_valid)
    }
    with_record!(entity, T => typed::<T>(values, bands))
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

fn stored(id: i64, region: &str, values: Values, is_demo: i64) -> Option<Stored> {
    Some(Stored { id, region: RegionCode::parse(region).ok()?, values, is_demo: is_demo == 1 })
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

/// One stored record, if it exists.
pub async fn load(conn: &mut AnyConnection, entity: Entity, id: i64) -> Result<Option<Stored>, sqlx::Error> {
    Ok(with_record!(entity, T => T::fetch(conn, "id = $1", Some(Arg::Id(id)), "id").await?.pop()))
}

/// The records a filter selects, in a stable order (newest events first; units by kind and name; predicate
/// records by year), at most `limit` of them when given; also the total count.
pub async fn list(pool: &AnyPool, entity: Entity, filter: Filter, limit: Option<i64>) -> Result<(Vec<Stored>, i64), sqlx::Error> {
    let mut conn = crate::db::acquire(pool).await?;
    let (cond, arg) = filter.sql(entity);
    let count_sql = format!("select count(*) from {} where {cond}", entity.table());
    let mut count = sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(count_sql));
    if let Some(a) = &arg {
        count = count.bind(a.clone());
    }
    let total = count.fetch_one(&mut *conn).await?;
    let limit_sql = limit.map(|n| format!(" limit {n}")).unwrap_or_default();
    let arg = arg.map(Arg::Text);
    let records = with_record!(entity, T => T::fetch(&mut conn, &cond, arg, &format!("{}{limit_sql}", T::LIST_ORDER)).await?);
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
    let entity = valid.entity();
    let id = with_record!(entity, T => T::insert(conn, reg, valid.get::<T>().expect("the entity of the record"), false).await?);
    let stored = load(conn, entity, id).await?;
    let new = stored.as_ref().map_or(values, |s| &s.values);
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

/// Why a user may not write a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutOfScope {
    /// The region the record would have lies outside the user's scope.
    New(RegionCode),
    /// The stored record's region does: it is not the user's to change (nor to know of).
    Old(RegionCode),
}

/// The scope check of every write of a record, by form or import: the stored record's present region
/// (`old`, when changing one) and the region it will have (`new`, unless deleting) must both lie in what
/// `role` covers, so nobody changes another region's record nor moves one of theirs into another region.
pub fn check_scope(role: Role, old: Option<RegionCode>, new: Option<RegionCode>) -> Result<(), OutOfScope> {
    if let Some(r) = old.filter(|r| !role.covers(*r)) {
        return Err(OutOfScope::Old(r));
    }
    match new.filter(|r| !role.covers(*r)) {
        Some(r) => Err(OutOfScope::New(r)),
        None => Ok(()),
    }
}

/// Replaces a stored record's values (the caller loaded `old` in the same transaction and checked the
/// user may change it) and records both versions.
pub async fn update(conn: &mut AnyConnection, reg: &RegionRegistry, actor: &Actor, old: &Stored, valid: &Valid) -> Result<(), WriteError> {
    let new = replace(conn, reg, old, valid).await?;
    audit_update(conn, actor, Via::Form, valid.entity(), old, &new).await?;
    Ok(())
}

/// Replaces a stored record's values without an audit entry, and reads it back as stored (the caller
/// records the change with [`audit_update`] in the same transaction).
pub async fn replace(conn: &mut AnyConnection, reg: &RegionRegistry, old: &Stored, valid: &Valid) -> Result<Stored, WriteError> {
    let entity = valid.entity();
    let found = with_record!(entity, T => T::update(conn, reg, old.id, valid.get::<T>().expect("the entity of the record")).await?);
    if !found {
        return Err(WriteError::Db(sqlx::Error::RowNotFound));
    }
    load(conn, entity, old.id).await?.ok_or(WriteError::Db(sqlx::Error::RowNotFound))
}

/// Records the change of a stored record from `old` to `new` (both as read back).
pub async fn audit_update(
    conn: &mut AnyConnection,
    actor: &Actor,
    via: Via,
    entity: Entity,
    old: &Stored,
    new: &Stored,
) -> Result<(), sqlx::Error> {
    audit::record(
        conn,
        actor,
        via,
        Change {
            action: Action::Update,
            entity: entity.audit_name(),
            record_id: old.id,
            region: Some(new.region),
            old: Some(&old.values),
            new: Some(&new.values),
        },
    )
    .await
}

/// Deletes a stored record (breakdowns and evidence links to it go with it) and leaves an audit entry holding
/// its last values.
pub async fn delete(conn: &mut AnyConnection, actor: &Actor, entity: Entity, old: &Stored) -> Result<(), sqlx::Error> {
    with_record!(entity, T => T::delete_dependants(conn, actor, old.id).await?);
    sqlx::query(sqlx::AssertSqlSafe(format!("delete from {} where id = $1", entity.table()))).bind(old.id).execute(&mut *conn).await?;
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
            assert!(e.columns().contains(&e.region_column()));
            assert!(e.required(e.region_column()));
            assert_eq!(with_record!(e, T => T::ENTITY), e);
            assert_eq!(e.example_row(None).len(), e.columns().len());
        }
    }

    #[test]
    fn a_change_needs_the_old_and_the_new_region_in_scope() {
        let c = |s| RegionCode::parse(s).unwrap();
        let officer = Role::Regency(c("63.10"));
        assert_eq!(check_scope(officer, None, Some(c("63.10"))), Ok(()));
        assert_eq!(check_scope(officer, Some(c("63.10")), Some(c("63.10"))), Ok(()));
        assert_eq!(check_scope(officer, Some(c("63.72")), Some(c("63.10"))), Err(OutOfScope::Old(c("63.72"))));
        assert_eq!(check_scope(officer, Some(c("63.10")), Some(c("63.72"))), Err(OutOfScope::New(c("63.72"))));
        assert_eq!(check_scope(officer, Some(c("63.72")), None), Err(OutOfScope::Old(c("63.72"))));
        assert_eq!(check_scope(Role::Province(c("63")), Some(c("63.72")), Some(c("63"))), Ok(()));
        assert_eq!(check_scope(Role::Admin, Some(c("35.07")), Some(c("63.10"))), Ok(()));
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
