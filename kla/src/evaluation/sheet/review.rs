//! The verifier's side of a submitted sheet: a decision per item (a rejection opens a follow-up with a due
//! date for the regency) and the end of a round, which returns the sheet or verifies it.

use super::access::{EvalError, Refusal, Side, refuse};
use super::cycles::{Cycle, cycle_item};
use super::evidence::{ItemState, ItemStatus, evidence_for, set_item_status};
use super::submission::{Status, Submission, set_status};
use crate::audit::Actor;
use sqlx::AnyConnection;

#[derive(Debug, Clone, PartialEq)]
pub struct FollowUp {
    pub id: i64,
    pub item_id: i64,
    pub note: String,
    pub due_date: String,
    pub open: bool,
}

/// A verifier's decision on one item with its comment, and for a rejection the follow-up's due date.
#[derive(Debug, Clone, Copy)]
pub struct Review<'a> {
    pub decision: Decision,
    pub comment: &'a str,
    pub due_date: Option<&'a str>,
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
    review: Review<'_>,
) -> Result<(), EvalError> {
    let Review { decision, comment, due_date } = review;
    if side != Side::Verifier {
        return Err(EvalError::Forbidden);
    }
    if sub.status != Status::Submitted {
        return refuse("", "eval.err_not_submitted");
    }
    let item = cycle_item(conn, cycle, item_id).await?;
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
            set_item_status(conn, actor, sub, &ev, &item.code, ItemState { status: ItemStatus::Verified, comment, doc_year: ev.doc_year })
                .await?;
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
            set_item_status(conn, actor, sub, &ev, &item.code, ItemState { status: ItemStatus::Rejected, comment, doc_year: ev.doc_year })
                .await?;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn due_dates_are_real_dates_from_today() {
        let today = chrono::NaiveDate::from_ymd_opt(2026, 4, 10).unwrap();
        assert_eq!(parse_due_date("2026-04-10", today), Ok("2026-04-10".into()));
        assert_eq!(parse_due_date("2026-04-09", today).unwrap_err().key, "eval.err_due_past");
        assert_eq!(parse_due_date("10/04/2026", today).unwrap_err().key, "eval.err_due_date");
    }
}
