//! Writes of validated domain records. Each function takes a connection inside the caller's transaction,
//! so a form, an import of thousands of rows or a generator commits all or nothing. Codes that parse but
//! are not in the registry are refused here with the field named, before the database sees them.

use crate::db::RegionRegistry;
use crate::domain::{FieldError, FieldErrors, PredicateRecord, RegionCode, ServiceUnit, TrainingEvent};
use sqlx::AnyConnection;
use sqlx::error::ErrorKind;

#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// The record is refused; each error names its field.
    #[error("{0}")]
    Invalid(FieldErrors),
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
}

fn known(reg: &RegionRegistry, errs: &mut FieldErrors, field: &'static str, code: RegionCode) {
    if !reg.contains(code) {
        errs.push(FieldError::with(field, "unknown_region", code.to_string()));
    }
}

fn level_str(code: RegionCode) -> &'static str {
    match code {
        RegionCode::Province(_) => "province",
        RegionCode::Regency(..) => "regency",
    }
}

fn demo_flag(demo: bool) -> i64 {
    i64::from(demo)
}

pub async fn insert_training_event(
    conn: &mut AnyConnection,
    reg: &RegionRegistry,
    e: &TrainingEvent,
    demo: bool,
) -> Result<i64, WriteError> {
    let mut errs = FieldErrors::default();
    known(reg, &mut errs, "organiser_code", e.organiser);
    for b in &e.by_regency {
        known(reg, &mut errs, "participants_by_regency", b.key);
    }
    if !errs.is_empty() {
        return Err(WriteError::Invalid(errs));
    }
    let id: i64 = sqlx::query_scalar(
        "insert into training_events (organiser_code, province_code, organiser_level, title, kind, start_date, end_date,
             year, days, venue, mode, participants_offline, participants_online, institutions, pre_test_mean,
             post_test_mean, certificate_issuer, source_url, is_demo)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)
         returning id",
    )
    .bind(e.organiser.to_string())
    .bind(e.organiser.province().to_string())
    .bind(level_str(e.organiser))
    .bind(&e.title)
    .bind(e.kind.as_str())
    .bind(e.start_date.to_string())
    .bind(e.end_date.to_string())
    .bind(i64::from(e.year()))
    .bind(e.days())
    .bind(&e.venue)
    .bind(e.mode.as_str())
    .bind(e.participants_offline)
    .bind(e.participants_online)
    .bind(e.institutions)
    .bind(e.pre_test_mean)
    .bind(e.post_test_mean)
    .bind(&e.certificate_issuer)
    .bind(&e.source_url)
    .bind(demo_flag(demo))
    .fetch_one(&mut *conn)
    .await?;
    for b in &e.by_regency {
        sqlx::query("insert into training_participants_by_regency (event_id, regency_code, participants) values ($1, $2, $3)")
            .bind(id)
            .bind(b.key.to_string())
            .bind(b.participants)
            .execute(&mut *conn)
            .await?;
    }
    for b in &e.by_kind {
        sqlx::query("insert into training_participants_by_kind (event_id, provider_kind, participants) values ($1, $2, $3)")
            .bind(id)
            .bind(b.key.as_str())
            .bind(b.participants)
            .execute(&mut *conn)
            .await?;
    }
    Ok(id)
}

pub async fn insert_service_unit(
    conn: &mut AnyConnection,
    reg: &RegionRegistry,
    u: &ServiceUnit,
    demo: bool,
) -> Result<i64, WriteError> {
    let mut errs = FieldErrors::default();
    known(reg, &mut errs, "regency_code", u.regency);
    if !errs.is_empty() {
        return Err(WriteError::Invalid(errs));
    }
    let id: i64 = sqlx::query_scalar(
        "insert into service_units (regency_code, province_code, kind, name, total_staff, certified_staff,
             latest_certificate_year, certificate_issuer, is_demo)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9) returning id",
    )
    .bind(u.regency.to_string())
    .bind(u.regency.province().to_string())
    .bind(u.kind.as_str())
    .bind(&u.name)
    .bind(u.total_staff)
    .bind(u.certified_staff)
    .bind(u.latest_certificate_year.map(i64::from))
    .bind(&u.certificate_issuer)
    .bind(demo_flag(demo))
    .fetch_one(&mut *conn)
    .await?;
    Ok(id)
}

/// Inserts a predicate record; a second record for the same regency and award year is refused, naming
/// `award_year`.
pub async fn insert_predicate_record(
    conn: &mut AnyConnection,
    reg: &RegionRegistry,
    p: &PredicateRecord,
    demo: bool,
) -> Result<i64, WriteError> {
    let mut errs = FieldErrors::default();
    known(reg, &mut errs, "regency_code", p.regency);
    if !errs.is_empty() {
        return Err(WriteError::Invalid(errs));
    }
    let duplicate = || {
        WriteError::Invalid(FieldErrors(vec![FieldError::with(
            "award_year",
            "duplicate_predicate",
            format!("{} {}", p.regency, p.award_year),
        )]))
    };
    let exists: Option<i64> = sqlx::query_scalar("select id from predicate_records where regency_code = $1 and award_year = $2")
        .bind(p.regency.to_string())
        .bind(i64::from(p.award_year))
        .fetch_optional(&mut *conn)
        .await?;
    if exists.is_some() {
        return Err(duplicate());
    }
    let res = sqlx::query_scalar(
        "insert into predicate_records (regency_code, province_code, award_year, data_year, score_self_assessment,
             score_administrative, score_field, score_final, predicate, source_url, is_demo)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) returning id",
    )
    .bind(p.regency.to_string())
    .bind(p.regency.province().to_string())
    .bind(i64::from(p.award_year))
    .bind(i64::from(p.data_year))
    .bind(p.score_self_assessment)
    .bind(p.score_administrative)
    .bind(p.score_field)
    .bind(p.score_final)
    .bind(p.predicate.map(|x| x.as_str()))
    .bind(&p.source_url)
    .bind(demo_flag(demo))
    .fetch_one(&mut *conn)
    .await;
    match res {
        Ok(id) => Ok(id),
        Err(sqlx::Error::Database(db)) if db.kind() == ErrorKind::UniqueViolation => Err(duplicate()),
        Err(e) => Err(e.into()),
    }
}
