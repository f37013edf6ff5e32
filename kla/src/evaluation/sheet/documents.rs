//! Evidence documents: recording an upload (the bytes are already in the store), finding, removing and
//! publishing one, and the bytes a regency keeps (what its quota counts).

use super::access::{EvalError, Side, check_regency_may_edit, refuse};
use super::cycles::{Cycle, cycle_item};
use super::evidence::{ItemState, ItemStatus, evidence_for, item_code, recheck_item, set_item_status};
use super::submission::{Submission, submission_by_id};
use super::trail::{audit_change, obj};
use crate::audit::Actor;
use crate::domain::RegionCode;
use sqlx::{AnyConnection, Row};

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

/// An `evidence_files` row read as `id, item_id, object_key, file_name, content_type, size_bytes, public`.
pub(super) fn file_of(r: &sqlx::any::AnyRow) -> FileRow {
    FileRow {
        id: r.get(0),
        item_id: r.get(1),
        object_key: r.get(2),
        file_name: r.get(3),
        content_type: r.get(4),
        size_bytes: r.get(5),
        public: r.get::<i64, _>(6) == 1,
    }
}

/// A stored document's description.
#[derive(Debug, Clone)]
pub struct NewFile {
    pub object_key: String,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    /// The year the documents are from, when the regency said.
    pub doc_year: Option<i64>,
    /// The account that uploaded it (none for the demo).
    pub uploaded_by: Option<i64>,
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
    file: &NewFile,
) -> Result<i64, EvalError> {
    check_regency_may_edit(side, sub)?;
    let item = cycle_item(conn, cycle, item_id).await?;
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
    .bind(file.uploaded_by)
    .bind(crate::auth::now())
    .fetch_one(&mut *conn)
    .await?;
    let new = obj(&[
        ("item", item.code.clone()),
        ("file_name", file.file_name.clone()),
        ("size_bytes", file.size_bytes.to_string()),
        ("sha256", file.sha256.clone()),
    ]);
    audit_change(conn, actor, "evidence_file", id, sub.regency, None, Some(new)).await?;
    let to = ItemState { doc_year: file.doc_year.or(ev.doc_year), ..ItemState::of(&ev, ItemStatus::Uploaded) };
    set_item_status(conn, actor, sub, &ev, &item.code, to).await?;
    Ok(id)
}

/// Where a file of `sub` for `item_id` is shown: its cycle's award year and its indicator's number, the
/// segments of the indicator page's path.
pub async fn file_place(conn: &mut AnyConnection, sub: &Submission, item_id: i64) -> Result<(i64, i64), sqlx::Error> {
    let r = sqlx::query(
        "select c.award_year, i.number from cycles c, evidence_items e join indicators i on i.id = e.indicator_id
         where c.id = $1 and e.id = $2",
    )
    .bind(sub.cycle_id)
    .bind(item_id)
    .fetch_one(&mut *conn)
    .await?;
    Ok((r.get(0), r.get(1)))
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
    let sub = submission_by_id(conn, r.get(7)).await?;
    Ok(Some((file_of(&r), sub)))
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
    audit_change(conn, actor, "evidence_file", f.id, sub.regency, Some(old), None).await?;
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
    audit_change(conn, actor, "evidence_file", f.id, sub.regency, Some(old), Some(new)).await?;
    Ok(())
}
