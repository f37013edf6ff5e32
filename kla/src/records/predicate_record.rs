//! Predicate records as a [`Record`]: one per regency and award year, with the stage scores, listed by year.

use super::{Arg, Entity, Record, Stored, Valid, Values, bind_arg, opt_num, put, stored};
use crate::audit::Actor;
use crate::db::RegionRegistry;
use crate::db::writes::{self, BatchError, WriteError};
use crate::domain::predicate::PredicateRecordInput;
use crate::domain::{FieldErrors, PredicateBands, PredicateRecord, RegionCode, RegionLevel};
use crate::i18n::Lang;
use sqlx::AnyConnection;

const COLUMNS: &[&str] = &[
    "regency_code",
    "award_year",
    "data_year",
    "score_self_assessment",
    "score_administrative",
    "score_field",
    "score_final",
    "predicate",
    "source_url",
];

#[derive(sqlx::FromRow)]
struct PredicateRow {
    id: i64,
    regency_code: String,
    award_year: i64,
    data_year: Option<i64>,
    score_self_assessment: Option<f64>,
    score_administrative: Option<f64>,
    score_field: Option<f64>,
    score_final: Option<f64>,
    predicate: Option<String>,
    source_url: String,
    is_demo: i64,
}

const SELECT: &str = "select id, regency_code, award_year, data_year, score_self_assessment, score_administrative,
    score_field, score_final, predicate, source_url, is_demo from predicate_records";

fn values(r: &PredicateRow) -> Values {
    let mut m = Values::new();
    put(&mut m, "regency_code", &r.regency_code);
    put(&mut m, "award_year", r.award_year.to_string());
    put(&mut m, "data_year", r.data_year.map(|y| y.to_string()).unwrap_or_default());
    put(&mut m, "score_self_assessment", opt_num(r.score_self_assessment));
    put(&mut m, "score_administrative", opt_num(r.score_administrative));
    put(&mut m, "score_field", opt_num(r.score_field));
    put(&mut m, "score_final", opt_num(r.score_final));
    put(&mut m, "predicate", r.predicate.clone().unwrap_or_default());
    put(&mut m, "source_url", &r.source_url);
    m
}

impl Record for PredicateRecord {
    const ENTITY: Entity = Entity::PredicateRecord;
    const SLUG: &'static str = "predikat";
    const AUDIT_NAME: &'static str = "predicate_record";
    const NAME: &'static str = "PredicateRecords";
    const TABLE: &'static str = "predicate_records";
    const COLUMNS: &'static [&'static str] = COLUMNS;
    const REGION_COLUMN: &'static str = "regency_code";
    const REGION_LEVEL: Option<RegionLevel> = Some(RegionLevel::Regency);
    /// An award list gives regency → predicate for an award year: nothing else is required.
    const REQUIRED: &'static [&'static str] = &["regency_code", "award_year"];
    const SUMMARY_COLUMNS: [&'static str; 4] = ["award_year", "score_final", "predicate", "regency_code"];
    const DUPLICATE_COLUMN: &'static str = "award_year";
    const MATCH_BY_KEY: bool = true;
    const LIST_ORDER: &'static str = "award_year desc, regency_code";

    type Input = PredicateRecordInput;
    type Key = (RegionCode, i32);

    fn parse(input: PredicateRecordInput, bands: &PredicateBands) -> Result<Self, FieldErrors> {
        input.parse(bands)
    }
    fn region(&self) -> RegionCode {
        self.regency
    }
    fn region_codes(&self) -> Vec<(&'static str, RegionCode)> {
        vec![("regency_code", self.regency)]
    }
    fn duplicate_key(&self) -> Self::Key {
        (self.regency, self.award_year)
    }
    fn into_valid(self) -> Valid {
        Valid::PredicateRecord(self)
    }
    fn of_valid(valid: &Valid) -> Option<&Self> {
        if let Valid::PredicateRecord(p) = valid { Some(p) } else { None }
    }
    fn example_row(regency: String, _organiser: String) -> Vec<String> {
        vec![
            regency,
            "2025".into(),
            "2024".into(),
            "721".into(),
            "588.40".into(),
            String::new(),
            "604.10".into(),
            "madya".into(),
            String::new(),
        ]
    }
    fn summary(lang: Lang, r: &Stored) -> Vec<String> {
        let e = Self::ENTITY;
        let or_dash = |s: String| if s.is_empty() { "–".to_string() } else { s };
        vec![
            r.get("award_year").to_string(),
            or_dash(e.display(lang, "score_final", r.get("score_final"))),
            or_dash(e.display(lang, "predicate", r.get("predicate"))),
            r.get("regency_code").to_string(),
        ]
    }

    async fn fetch(conn: &mut AnyConnection, condition: &str, arg: Option<Arg>, order: &str) -> Result<Vec<Stored>, sqlx::Error> {
        // Safe: the condition, order and names come from this module; the only value is bound.
        let sql = format!("{SELECT} where {condition} order by {order}");
        let rows: Vec<PredicateRow> = bind_arg(sqlx::query_as(sqlx::AssertSqlSafe(sql)), arg).fetch_all(&mut *conn).await?;
        Ok(rows.into_iter().filter_map(|r| stored(r.id, &r.regency_code, values(&r), r.is_demo)).collect())
    }
    async fn insert(conn: &mut AnyConnection, reg: &RegionRegistry, record: &Self, demo: bool) -> Result<i64, WriteError> {
        writes::insert_predicate_record(conn, reg, record, demo).await
    }
    async fn insert_batch(conn: &mut AnyConnection, reg: &RegionRegistry, records: &[Self], demo: bool) -> Result<Vec<i64>, BatchError> {
        writes::insert_predicate_records(conn, reg, records, demo).await
    }
    async fn update(conn: &mut AnyConnection, reg: &RegionRegistry, id: i64, record: &Self) -> Result<bool, WriteError> {
        writes::update_predicate_record(conn, reg, id, record).await
    }
    async fn delete_dependants(_conn: &mut AnyConnection, _actor: &Actor, _id: i64) -> Result<(), sqlx::Error> {
        Ok(())
    }
}
