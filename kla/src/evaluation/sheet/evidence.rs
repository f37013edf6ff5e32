//! An item's evidence row: its status (missing, uploaded, verified, rejected), document year and the verifier's
//! comment; created on first use, changed with an audit entry, and rechecked when its files or links change.

use super::access::Refusal;
use super::cycles::Cycle;
use super::submission::Submission;
use super::trail::{audit_change, obj};
use crate::audit::Actor;
use sqlx::{AnyConnection, Row};

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
    pub(super) fn parse(s: &str) -> Self {
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

/// An `evidence` row read as `id, item_id, status, doc_year, comment`.
pub(super) fn evidence_of(r: &sqlx::any::AnyRow) -> Evidence {
    Evidence { id: r.get(0), item_id: r.get(1), status: ItemStatus::parse(&r.get::<String, _>(2)), doc_year: r.get(3), comment: r.get(4) }
}

pub(super) async fn evidence_for(conn: &mut AnyConnection, sub: &Submission, item_id: i64) -> Result<Evidence, sqlx::Error> {
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

/// What an item becomes: its status, the comment on it and the year of its documents.
pub(super) struct ItemState<'a> {
    pub status: ItemStatus,
    pub comment: &'a str,
    pub doc_year: Option<i64>,
}

impl<'a> ItemState<'a> {
    /// The item as it is, with a new status.
    pub fn of(ev: &'a Evidence, status: ItemStatus) -> Self {
        ItemState { status, comment: &ev.comment, doc_year: ev.doc_year }
    }
}

pub(super) async fn set_item_status(
    conn: &mut AnyConnection,
    actor: &Actor,
    sub: &Submission,
    ev: &Evidence,
    item_code: &str,
    to: ItemState<'_>,
) -> Result<(), sqlx::Error> {
    let ItemState { status, comment, doc_year } = to;
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
    audit_change(conn, actor, "evidence", ev.id, sub.regency, Some(old), Some(new)).await
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

/// The item a stored file or link belongs to, as (code).
pub(super) async fn item_code(conn: &mut AnyConnection, item_id: i64) -> Result<String, sqlx::Error> {
    sqlx::query_scalar("select code from evidence_items where id = $1").bind(item_id).fetch_one(conn).await
}

/// After files or links changed: an item with nothing left is `missing` again (a rejected one stays rejected);
/// an item given something new (`added`) is `uploaded`, answering a rejection.
pub(super) async fn recheck_item(
    conn: &mut AnyConnection,
    actor: &Actor,
    sub: &Submission,
    item_id: i64,
    added: bool,
) -> Result<(), sqlx::Error> {
    let ev = evidence_for(conn, sub, item_id).await?;
    let files: i64 =
        sqlx::query_scalar("select count(*) from evidence_files where evidence_id = $1").bind(ev.id).fetch_one(&mut *conn).await?;
    let links: i64 =
        sqlx::query_scalar("select count(*) from evidence_links where evidence_id = $1").bind(ev.id).fetch_one(&mut *conn).await?;
    let code = item_code(conn, item_id).await?;
    if files + links == 0 && ev.status == ItemStatus::Uploaded {
        set_item_status(conn, actor, sub, &ev, &code, ItemState::of(&ev, ItemStatus::Missing)).await?;
    } else if added && files + links > 0 && matches!(ev.status, ItemStatus::Missing | ItemStatus::Rejected) {
        set_item_status(conn, actor, sub, &ev, &code, ItemState::of(&ev, ItemStatus::Uploaded)).await?;
    }
    Ok(())
}
