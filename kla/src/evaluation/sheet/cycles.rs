//! Evaluation cycles: an award year with its data year, instrument and deadlines; read, and created by an
//! administrator through a checked form.

use super::access::{EvalError, Refusal, refuse};
use super::trail::obj;
use crate::audit::{self, Action, Actor, Change, Via};
use crate::evaluation::instrument::Item;
use sqlx::{AnyConnection, AnyPool, Row};
use std::collections::HashMap;

#[derive(Debug, Clone, PartialEq)]
pub struct Cycle {
    pub id: i64,
    pub award_year: i64,
    pub data_year: i64,
    pub instrument_id: i64,
    pub self_deadline: String,
    pub verify_deadline: String,
}

pub(super) fn cycle_of(r: &sqlx::any::AnyRow) -> Cycle {
    Cycle {
        id: r.get(0),
        award_year: r.get(1),
        data_year: r.get(2),
        instrument_id: r.get(3),
        self_deadline: r.get(4),
        verify_deadline: r.get(5),
    }
}
pub(super) const CYCLE_COLUMNS: &str = "id, award_year, data_year, instrument_id, self_deadline, verify_deadline";

/// All cycles, newest award year first.
pub async fn cycles(pool: &AnyPool) -> Result<Vec<Cycle>, sqlx::Error> {
    let rows =
        sqlx::query(sqlx::AssertSqlSafe(format!("select {CYCLE_COLUMNS} from cycles order by award_year desc"))).fetch_all(pool).await?;
    Ok(rows.iter().map(cycle_of).collect())
}

pub async fn cycle(conn: &mut AnyConnection, award_year: i64) -> Result<Option<Cycle>, sqlx::Error> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!("select {CYCLE_COLUMNS} from cycles where award_year = $1")))
        .bind(award_year)
        .fetch_optional(conn)
        .await?;
    Ok(row.as_ref().map(cycle_of))
}

/// A new cycle as entered by an administrator.
#[derive(Debug, Clone)]
pub struct NewCycle {
    pub award_year: i64,
    pub data_year: i64,
    pub instrument_id: i64,
    pub self_deadline: String,
    pub verify_deadline: String,
}

/// Checks the cycle form; every refusal names its field.
pub fn parse_cycle(form: &HashMap<String, String>, instruments: &[(i64, String, String)]) -> Result<NewCycle, Vec<Refusal>> {
    let get = |k: &str| form.get(k).map(|v| v.trim().to_string()).unwrap_or_default();
    let mut errs = Vec::new();
    let year = |k: &'static str, errs: &mut Vec<Refusal>| match get(k).parse::<i64>() {
        Ok(y) if (2000..=2100).contains(&y) => Some(y),
        _ => {
            errs.push(Refusal { field: k, key: "eval.err_year" });
            None
        }
    };
    let award_year = year("award_year", &mut errs);
    let data_year = year("data_year", &mut errs);
    if let (Some(a), Some(d)) = (award_year, data_year)
        && d > a
    {
        errs.push(Refusal { field: "data_year", key: "eval.err_data_year" });
    }
    let instrument_id = instruments.iter().find(|(_, code, _)| *code == get("instrument")).map(|(id, _, _)| *id);
    if instrument_id.is_none() {
        errs.push(Refusal { field: "instrument", key: "eval.err_instrument" });
    }
    let date = |k: &'static str, errs: &mut Vec<Refusal>| match chrono::NaiveDate::parse_from_str(&get(k), "%Y-%m-%d") {
        Ok(d) => Some(d),
        Err(_) => {
            errs.push(Refusal { field: k, key: "eval.err_date" });
            None
        }
    };
    let self_deadline = date("self_deadline", &mut errs);
    let verify_deadline = date("verify_deadline", &mut errs);
    if let (Some(s), Some(v)) = (self_deadline, verify_deadline)
        && v < s
    {
        errs.push(Refusal { field: "verify_deadline", key: "eval.err_verify_before_self" });
    }
    match (award_year, data_year, instrument_id, self_deadline, verify_deadline) {
        (Some(award_year), Some(data_year), Some(instrument_id), Some(s), Some(v)) if errs.is_empty() => Ok(NewCycle {
            award_year,
            data_year,
            instrument_id,
            self_deadline: s.format("%Y-%m-%d").to_string(),
            verify_deadline: v.format("%Y-%m-%d").to_string(),
        }),
        _ => Err(errs),
    }
}

/// Stores a new cycle (administrators only; the caller checks the role). A second cycle for an award year
/// is refused.
pub async fn create_cycle(conn: &mut AnyConnection, actor: &Actor, c: &NewCycle) -> Result<i64, EvalError> {
    if cycle(conn, c.award_year).await?.is_some() {
        return refuse("award_year", "eval.err_cycle_exists");
    }
    let id: i64 = sqlx::query_scalar(
        "insert into cycles (award_year, data_year, instrument_id, self_deadline, verify_deadline, created_at) values ($1, $2, $3, $4, $5, $6) returning id",
    )
    .bind(c.award_year)
    .bind(c.data_year)
    .bind(c.instrument_id)
    .bind(&c.self_deadline)
    .bind(&c.verify_deadline)
    .bind(crate::auth::now())
    .fetch_one(&mut *conn)
    .await?;
    let new = obj(&[
        ("award_year", c.award_year.to_string()),
        ("data_year", c.data_year.to_string()),
        ("self_deadline", c.self_deadline.clone()),
        ("verify_deadline", c.verify_deadline.clone()),
    ]);
    audit::record(
        conn,
        actor,
        Via::Form,
        Change { action: Action::Create, entity: "cycle", record_id: id, region: None, old: None, new: Some(&new) },
    )
    .await?;
    Ok(id)
}

/// An evidence item of the cycle's instrument, by id: `NotFound` when the instrument has no such item.
pub(super) async fn cycle_item(conn: &mut AnyConnection, cycle: &Cycle, item_id: i64) -> Result<Item, EvalError> {
    let instrument = crate::evaluation::instrument::fetch(conn, cycle.instrument_id).await?.ok_or(sqlx::Error::RowNotFound)?;
    instrument.item(item_id).map(|(_, item)| item.clone()).ok_or(EvalError::NotFound)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cycle_form_names_every_bad_field() {
        let inst = vec![(1, "permen-pppa-12-2022".to_string(), "x".to_string())];
        let form: HashMap<String, String> = [
            ("award_year", "2027"),
            ("data_year", "2028"),
            ("instrument", "x"),
            ("self_deadline", "2027-03-31"),
            ("verify_deadline", "2027-03-01"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        let errs = parse_cycle(&form, &inst).unwrap_err();
        let fields: Vec<_> = errs.iter().map(|e| e.field).collect();
        assert_eq!(fields, vec!["data_year", "instrument", "verify_deadline"]);
    }
}
