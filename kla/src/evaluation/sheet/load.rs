//! Reading whole sheets: many regencies' of one cycle at once, in a fixed number of queries however many
//! regencies there are (the evaluation index), one regency's, and the one the regency's public page shows.

use super::cycles::{CYCLE_COLUMNS, Cycle, cycle_of};
use super::documents::file_of;
use super::evidence::evidence_of;
use super::figures::Sheet;
use super::links::LinkRow;
use super::review::FollowUp;
use super::scores::LedgerEntry;
use super::submission::{SUBMISSION_COLUMNS, submission_of};
use crate::domain::{RegionCode, Stage};
use sqlx::{AnyConnection, AnyPool, Row};
use std::collections::HashMap;

/// Bound values per `in (…)` list, well under SQLite's and PostgreSQL's limits: a country's regencies need
/// one or two lists.
const CHUNK: usize = 500;

/// `$from, $from+1, …` for `n` bound values.
fn placeholders(from: usize, n: usize) -> String {
    (from..from + n).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ")
}

/// Rows of `sql` (whose `{ids}` is replaced by the placeholders of a list of submission ids, bound from `$1`)
/// for all the given submissions, chunk by chunk, in the query's order within each chunk.
async fn rows_for(conn: &mut AnyConnection, sql: &str, ids: &[i64]) -> Result<Vec<sqlx::any::AnyRow>, sqlx::Error> {
    let mut rows = Vec::new();
    for chunk in ids.chunks(CHUNK) {
        let text = sql.replace("{ids}", &placeholders(1, chunk.len()));
        let mut q = sqlx::query(sqlx::AssertSqlSafe(text));
        for id in chunk {
            q = q.bind(*id);
        }
        rows.extend(q.fetch_all(&mut *conn).await?);
    }
    Ok(rows)
}

/// The sheets a row belongs to, by the submission id in its `column` (every query's last).
fn sheets_of<'a>(of_submission: &'a HashMap<i64, Vec<usize>>, r: &sqlx::any::AnyRow, column: usize) -> &'a [usize] {
    of_submission.get(&r.get::<i64, _>(column)).map_or(&[], Vec::as_slice)
}

/// Loads the sheets of several regencies for a cycle, in the order given (an empty sheet for a regency that
/// has not started). The queries are the instrument's, one for the submissions and one each for evidence,
/// files, links, follow-ups and the ledger (per 500 regencies), not one set per regency.
pub async fn load_many(conn: &mut AnyConnection, cycle: &Cycle, regencies: &[RegionCode]) -> Result<Vec<Sheet>, sqlx::Error> {
    let instrument = crate::evaluation::instrument::fetch(conn, cycle.instrument_id).await?.ok_or(sqlx::Error::RowNotFound)?;
    let mut sheets: Vec<Sheet> = regencies
        .iter()
        .map(|r| Sheet {
            cycle: cycle.clone(),
            instrument: instrument.clone(),
            regency: *r,
            submission: None,
            evidence: HashMap::new(),
            files: vec![],
            links: vec![],
            follow_ups: vec![],
            ledger: vec![],
        })
        .collect();
    // The submissions, and which sheets each one fills (a regency asked for twice gets two equal sheets).
    let codes: Vec<String> = regencies.iter().map(std::string::ToString::to_string).collect();
    let mut of_regency: HashMap<RegionCode, Vec<usize>> = HashMap::new();
    for (i, r) in regencies.iter().enumerate() {
        of_regency.entry(*r).or_default().push(i);
    }
    let mut of_submission: HashMap<i64, Vec<usize>> = HashMap::new();
    for chunk in codes.chunks(CHUNK) {
        let text = format!(
            "select {SUBMISSION_COLUMNS} from submissions where cycle_id = $1 and regency_code in ({})",
            placeholders(2, chunk.len())
        );
        let mut q = sqlx::query(sqlx::AssertSqlSafe(text)).bind(cycle.id);
        for code in chunk {
            q = q.bind(code.as_str());
        }
        for r in q.fetch_all(&mut *conn).await? {
            let sub = submission_of(&r);
            let at = of_regency.get(&sub.regency).map_or(&[][..], Vec::as_slice);
            for &i in at {
                sheets[i].submission = Some(sub.clone());
            }
            of_submission.entry(sub.id).or_default().extend_from_slice(at);
        }
    }
    if of_submission.is_empty() {
        return Ok(sheets);
    }
    let mut ids: Vec<i64> = of_submission.keys().copied().collect();
    ids.sort_unstable();

    let q = "select id, item_id, status, doc_year, comment, submission_id from evidence where submission_id in ({ids})";
    for r in rows_for(conn, q, &ids).await? {
        let e = evidence_of(&r);
        for &i in sheets_of(&of_submission, &r, 5) {
            sheets[i].evidence.insert(e.item_id, e.clone());
        }
    }
    let q = "select f.id, e.item_id, f.object_key, f.file_name, f.content_type, f.size_bytes, f.public, e.submission_id
             from evidence_files f join evidence e on e.id = f.evidence_id where e.submission_id in ({ids}) order by f.id";
    for r in rows_for(conn, q, &ids).await? {
        let f = file_of(&r);
        for &i in sheets_of(&of_submission, &r, 7) {
            sheets[i].files.push(f.clone());
        }
    }
    let q = "select e.item_id, l.entity, l.record_id, e.submission_id from evidence_links l join evidence e on e.id = l.evidence_id
             where e.submission_id in ({ids}) order by l.id";
    for r in rows_for(conn, q, &ids).await? {
        let l = LinkRow { item_id: r.get(0), entity: r.get(1), record_id: r.get(2) };
        for &i in sheets_of(&of_submission, &r, 3) {
            sheets[i].links.push(l.clone());
        }
    }
    let q =
        "select f.id, e.item_id, f.note, f.due_date, f.closed_at, e.submission_id from follow_ups f join evidence e on e.id = f.evidence_id
             where e.submission_id in ({ids}) order by f.id";
    for r in rows_for(conn, q, &ids).await? {
        let f =
            FollowUp { id: r.get(0), item_id: r.get(1), note: r.get(2), due_date: r.get(3), open: r.get::<Option<i64>, _>(4).is_none() };
        for &i in sheets_of(&of_submission, &r, 5) {
            sheets[i].follow_ups.push(f.clone());
        }
    }
    let q = "select indicator_id, stage, score, actor, at_text, submission_id from score_ledger where submission_id in ({ids}) order by id";
    for r in rows_for(conn, q, &ids).await? {
        let Some(stage) = Stage::ALL.into_iter().find(|s| s.key() == r.get::<String, _>(1)) else { continue };
        let e = LedgerEntry { indicator_id: r.get(0), stage, score: r.get(2), actor: r.get(3), at_text: r.get(4) };
        for &i in sheets_of(&of_submission, &r, 5) {
            sheets[i].ledger.push(e.clone());
        }
    }
    Ok(sheets)
}

/// Loads a regency's sheet for a cycle (an empty one before its first save).
pub async fn load(conn: &mut AnyConnection, cycle: &Cycle, regency: RegionCode) -> Result<Sheet, sqlx::Error> {
    let mut sheets = load_many(conn, cycle, &[regency]).await?;
    Ok(sheets.pop().expect("one sheet per regency asked for"))
}

/// The sheet the regency's public page shows: of the latest cycle in which the regency has started.
pub async fn latest_started(pool: &AnyPool, regency: RegionCode) -> Result<Option<Sheet>, sqlx::Error> {
    let mut conn = crate::db::acquire(pool).await?;
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "select {} from cycles c join submissions s on s.cycle_id = c.id where s.regency_code = $1 order by c.award_year desc limit 1",
        CYCLE_COLUMNS.split(", ").map(|c| format!("c.{c}")).collect::<Vec<_>>().join(", ")
    )))
    .bind(regency.to_string())
    .fetch_optional(&mut *conn)
    .await?;
    match row {
        Some(r) => Ok(Some(load(&mut conn, &cycle_of(&r), regency).await?)),
        None => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::Actor;
    use crate::evaluation::sheet::{
        Decision, NewCycle, NewFile, Review, Side, add_file, create_cycle, record_score, review_item, submission_for, submit,
    };

    /// Every regency of the country read at once (more than one list of bound values) gives each regency the
    /// sheet it has on its own, in the order asked, and an empty one to those that have not started.
    #[tokio::test]
    async fn many_sheets_at_once_are_each_regencys_own() {
        let dir = tempfile::tempdir().unwrap();
        let (pool, _) = crate::db::connect(&format!("sqlite:{}", dir.path().join("kla.db").display()), 2).await.unwrap();
        crate::db::regions::seed(&pool).await.unwrap();
        crate::evaluation::instrument::seed(&pool).await.unwrap();
        let actor = Actor::cli();
        let mut conn = pool.acquire().await.unwrap();
        let instrument_id: i64 = sqlx::query_scalar("select id from instruments").fetch_one(&mut *conn).await.unwrap();
        let new = NewCycle {
            award_year: 2025,
            data_year: 2024,
            instrument_id,
            self_deadline: "2025-03-31".into(),
            verify_deadline: "2025-04-30".into(),
        };
        create_cycle(&mut conn, &actor, &new).await.unwrap();
        let cycle = crate::evaluation::sheet::cycle(&mut conn, 2025).await.unwrap().unwrap();
        let instrument = crate::evaluation::instrument::fetch(&mut conn, instrument_id).await.unwrap().unwrap();
        let codes: Vec<String> =
            sqlx::query_scalar("select code from regions where level = 'regency' order by code desc").fetch_all(&mut *conn).await.unwrap();
        let regencies: Vec<RegionCode> = codes.iter().map(|c| RegionCode::parse(c).unwrap()).collect();
        assert!(regencies.len() > CHUNK, "the bound values take more than one list");

        // Three regencies start, one of them past the first list: scores, a document, a rejection.
        let started = [regencies[0], regencies[1], regencies[CHUNK + 3]];
        for (n, r) in started.iter().enumerate() {
            let sub = submission_for(&mut conn, &cycle, *r).await.unwrap();
            let ind = &instrument.indicators[n];
            record_score(&mut conn, &actor, Side::Regency, &sub, ind, Stage::SelfAssessment, 10.0 + n as f64).await.unwrap();
        }
        let sub = submission_for(&mut conn, &cycle, started[2]).await.unwrap();
        let item = instrument.indicators[0].items[0].id;
        let file = NewFile {
            object_key: "k".into(),
            file_name: "SK.pdf".into(),
            content_type: "application/pdf".into(),
            size_bytes: 10,
            sha256: "0".repeat(64),
            doc_year: Some(2024),
            uploaded_by: None,
        };
        add_file(&mut conn, &actor, Side::Regency, &cycle, &sub, item, &file).await.unwrap();
        submit(&mut conn, &actor, Side::Regency, &sub).await.unwrap();
        let sub = submission_for(&mut conn, &cycle, started[2]).await.unwrap();
        let review = Review { decision: Decision::Reject, comment: "kurang", due_date: Some("2099-01-01") };
        review_item(&mut conn, &actor, Side::Verifier, &cycle, &sub, item, review).await.unwrap();

        let sheets = load_many(&mut conn, &cycle, &regencies).await.unwrap();
        assert_eq!(sheets.iter().map(|s| s.regency).collect::<Vec<_>>(), regencies, "in the order asked");
        for sheet in &sheets {
            let own = load(&mut conn, &cycle, sheet.regency).await.unwrap();
            assert_eq!(
                (&sheet.submission, &sheet.evidence, &sheet.files, &sheet.links, &sheet.follow_ups, &sheet.ledger),
                (&own.submission, &own.evidence, &own.files, &own.links, &own.follow_ups, &own.ledger),
                "{}",
                sheet.regency
            );
            assert_eq!(sheet.submission.is_some(), started.contains(&sheet.regency), "{}", sheet.regency);
        }
        let of = |r: RegionCode| sheets.iter().find(|s| s.regency == r).unwrap();
        for (n, r) in started.iter().enumerate() {
            let scores: Vec<f64> = of(*r).ledger.iter().map(|e| e.score).collect();
            assert_eq!(scores, vec![10.0 + n as f64], "{r} has its own score only");
        }
        let last = of(started[2]);
        assert_eq!(last.files.iter().map(|f| f.file_name.as_str()).collect::<Vec<_>>(), vec!["SK.pdf"]);
        assert_eq!(last.follow_ups.len(), 1);
        assert_eq!(last.status(), crate::evaluation::Status::Submitted);
        assert!(of(started[0]).files.is_empty() && of(started[0]).follow_ups.is_empty());
        assert!(of(regencies[2]).evidence.is_empty() && of(regencies[2]).ledger.is_empty());
    }
}
