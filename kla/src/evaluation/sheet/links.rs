//! Pantau KLA records as evidence: the training events and service units offered for an item, the ones a
//! regency ticks, and the links removed when such a record is deleted.

use super::access::{EvalError, Side, check_regency_may_edit, refuse};
use super::cycles::{Cycle, cycle_item};
use super::evidence::{ItemState, ItemStatus, evidence_for, item_code, recheck_item, set_item_status};
use super::submission::{Submission, submission_by_id};
use super::trail::{audit_change, obj};
use crate::audit::Actor;
use crate::domain::RegionCode;
use crate::evaluation::instrument::Offer;
use sqlx::{AnyConnection, Row};

#[derive(Debug, Clone, PartialEq)]
pub struct LinkRow {
    pub item_id: i64,
    pub entity: String,
    pub record_id: i64,
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
        let sub = submission_by_id(conn, *sub_id).await?;
        sqlx::query("delete from evidence_links where id = $1").bind(link_id).execute(&mut *conn).await?;
        let code = item_code(conn, *item_id).await?;
        let old = obj(&[
            ("item", code.clone()),
            ("entity", entity.to_string()),
            ("record_id", record_id.to_string()),
            ("reason", "record_deleted".into()),
        ]);
        audit_change(conn, actor, "evidence_link", *link_id, sub.regency, Some(old), None).await?;
        let ev = evidence_for(conn, &sub, *item_id).await?;
        let files: i64 =
            sqlx::query_scalar("select count(*) from evidence_files where evidence_id = $1").bind(ev.id).fetch_one(&mut *conn).await?;
        let left: i64 =
            sqlx::query_scalar("select count(*) from evidence_links where evidence_id = $1").bind(ev.id).fetch_one(&mut *conn).await?;
        if files + left == 0 && matches!(ev.status, ItemStatus::Uploaded | ItemStatus::Verified) {
            set_item_status(conn, actor, &sub, &ev, &code, ItemState::of(&ev, ItemStatus::Missing)).await?;
        }
    }
    Ok(links.len())
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
    let item = cycle_item(conn, cycle, item_id).await?;
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
            audit_change(conn, actor, "evidence_link", *link_id, sub.regency, Some(old), None).await?;
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
        audit_change(conn, actor, "evidence_link", link_id, sub.regency, None, Some(new)).await?;
        added = true;
    }
    recheck_item(conn, actor, sub, item_id, added).await?;
    Ok(())
}
