//! A regency's submission for a cycle and its status transitions: created on the first write and locked for
//! the transaction, submitted by the regency, published (or withdrawn) by the verifier. The verifier's end of
//! a round (returned or verified) is in [`super::review`].

use super::access::{EvalError, Side, check_regency_may_edit, refuse};
use super::cycles::Cycle;
use super::trail::{audit_change, obj};
use crate::audit::Actor;
use crate::domain::RegionCode;
use sqlx::{AnyConnection, AnyPool, Row};

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
    pub(super) fn parse(s: &str) -> Self {
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

pub(super) fn submission_of(r: &sqlx::any::AnyRow) -> Submission {
    Submission {
        id: r.get(0),
        cycle_id: r.get(1),
        regency: RegionCode::parse(&r.get::<String, _>(2)).expect("stored region codes are valid"),
        status: Status::parse(&r.get::<String, _>(3)),
        submitted_at: r.get(4),
        published: r.get::<i64, _>(5) == 1,
    }
}
pub(super) const SUBMISSION_COLUMNS: &str = "id, cycle_id, regency_code, status, submitted_at, published";

pub(super) async fn find_submission(
    conn: &mut AnyConnection,
    cycle_id: i64,
    regency: RegionCode,
) -> Result<Option<Submission>, sqlx::Error> {
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

/// A submission by its id.
pub(super) async fn submission_by_id(conn: &mut AnyConnection, id: i64) -> Result<Submission, sqlx::Error> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!("select {SUBMISSION_COLUMNS} from submissions where id = $1")))
        .bind(id)
        .fetch_one(&mut *conn)
        .await?;
    Ok(submission_of(&row))
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

pub(super) async fn set_status(conn: &mut AnyConnection, actor: &Actor, sub: &Submission, status: Status) -> Result<(), sqlx::Error> {
    let submitted_at = if status == Status::Submitted { Some(crate::auth::now()) } else { sub.submitted_at };
    sqlx::query("update submissions set status = $1, submitted_at = $2 where id = $3")
        .bind(status.key())
        .bind(submitted_at)
        .bind(sub.id)
        .execute(&mut *conn)
        .await?;
    let old = obj(&[("status", sub.status.key().into())]);
    let new = obj(&[("status", status.key().into())]);
    audit_change(conn, actor, "submission", sub.id, sub.regency, Some(old), Some(new)).await
}

/// The regency hands its sheet to the province.
pub async fn submit(conn: &mut AnyConnection, actor: &Actor, side: Side, sub: &Submission) -> Result<(), EvalError> {
    check_regency_may_edit(side, sub)?;
    set_status(conn, actor, sub, Status::Submitted).await?;
    Ok(())
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
    audit_change(conn, actor, "submission", sub.id, sub.regency, Some(old), Some(new)).await?;
    Ok(())
}
