//! The score ledger: an indicator's score per stage, appended and never overwritten; the regency records its
//! self-assessment, verifiers the administrative, field and final stages.

use super::access::{EvalError, Refusal, Side, check_regency_may_edit, refuse};
use super::submission::{Status, Submission};
use super::trail::{audit_change, obj};
use crate::audit::Actor;
use crate::domain::Stage;
use crate::evaluation::instrument::Indicator;
use sqlx::AnyConnection;

#[derive(Debug, Clone, PartialEq)]
pub struct LedgerEntry {
    pub indicator_id: i64,
    pub stage: Stage,
    pub score: f64,
    pub actor: String,
    pub at_text: String,
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
    audit_change(conn, actor, "score", id, sub.regency, None, Some(new)).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scores_are_checked_against_the_indicators_points() {
        assert_eq!(parse_score("41,5", 41.67), Ok(41.5));
        assert_eq!(parse_score("41.67", 41.666_666), Ok(41.67));
        assert_eq!(parse_score("41.68", 41.666_666), Err(Refusal { field: "score", key: "eval.err_score_range" }));
        assert_eq!(parse_score("-1", 50.0).unwrap_err().key, "eval.err_score_range");
        assert_eq!(parse_score("banyak", 50.0).unwrap_err().key, "eval.err_score");
    }
}
