//! Summary tables and scoped freshness (migration 0006): the sums pages read instead of the base tables, the
//! per-region versions their caches are keyed by, and `settle`, which brings both up to date for the keys a
//! transaction's writes noted — in that transaction, once, before it commits.
//!
//! Every write path begins with `crate::db::begin` and commits through [`commit`]. A write that commits some other way (SQL by hand) leaves its
//! keys noted in `summary_dirty`; [`version`] sees them and settles them before answering, so no path can
//! leave a summary or a cached page wrong — only slower once. [`check`] recomputes every summary from the
//! base tables and lists what differs.

use sqlx::any::AnyRow;
use sqlx::{Any, AnyConnection, AnyPool, Row, Transaction};

/// The version code of the national pages (and of every page not tied to one region).
pub const NATIONAL: &str = "nasional";

/// Which codes' versions a settle bumps: a kab/kota's records refresh it, its province and the national
/// pages; a province's own trainings its province and the nation; a province-wide training's parts every
/// kab/kota of the province as well; an evaluation step only its kab/kota. `union` takes each code once, and
/// the rows are locked in code order, so two writers never wait on each other in a cycle.
const BUMP_VERSIONS: &str = "insert into region_version (code, version)
    select code, 1 from (
        select code from summary_dirty
        union select substr(code, 1, 2) from summary_dirty where kind <> 'evaluation'
        union select 'nasional' from summary_dirty where kind <> 'evaluation'
        union select r.code from summary_dirty d join regions r on r.province_code = d.code where d.kind = 'provincial'
    ) c where 1 = 1 order by code
    on conflict (code) do update set version = region_version.version + 1";

/// Training activity per organiser and year, as `aggregate` reads it: each sum beside how many events
/// reported it, so a count nobody reported stays unknown. `{keys}` narrows it to the noted keys.
const TRAINING_ROWS: &str = "select organiser_code, province_code, year, count(*),
        cast(coalesce(sum(participants_offline), 0) as bigint), count(participants_offline),
        cast(coalesce(sum(participants_online), 0) as bigint), count(participants_online),
        count(coalesce(participants_offline, participants_online)),
        cast(coalesce(sum(institutions), 0) as bigint), count(institutions),
        cast(coalesce(sum(days), 0) as bigint), count(days),
        cast(coalesce(sum(is_demo), 0) as bigint)
    from training_events e{keys}
    group by organiser_code, province_code, year";
const TRAINING_KEYS: &str = " where (e.organiser_code, e.year) in (select code, year from summary_dirty where kind = 'training')";
const TRAINING_COLUMNS: &str = "organiser_code, province_code, year, events, offline_sum, offline_n, online_sum, online_n,
    participant_events, institutions_sum, institution_events, days_sum, day_events, demo_events";

/// Pre/post-test results per organiser, year and kind of training (migration 0007): sums of the events'
/// means over the events that recorded both, beside how many did and how many recorded one only. Its keys
/// are the training keys.
const TEST_ROWS: &str = "select organiser_code, province_code, year, kind, count(*),
        cast(coalesce(sum(case when pre_test_mean is not null and post_test_mean is not null then 1 else 0 end), 0) as bigint),
        cast(coalesce(sum(case when (pre_test_mean is null) <> (post_test_mean is null) then 1 else 0 end), 0) as bigint),
        cast(coalesce(sum(case when post_test_mean is not null then pre_test_mean end), 0) as double precision),
        cast(coalesce(sum(case when pre_test_mean is not null then post_test_mean end), 0) as double precision),
        cast(coalesce(sum(post_test_mean - pre_test_mean), 0) as double precision),
        cast(coalesce(sum(is_demo), 0) as bigint)
    from training_events e{keys}
    group by organiser_code, province_code, year, kind";
const TEST_COLUMNS: &str =
    "organiser_code, province_code, year, kind, events, tested_events, one_test_events, pre_sum, post_sum, gain_sum, demo_events";

/// Service units per kab/kota and provider kind (a snapshot: units carry no year).
const UNIT_ROWS: &str = "select regency_code, province_code, kind, count(*),
        cast(coalesce(sum(case when certified_staff > 0 then 1 else 0 end), 0) as bigint),
        cast(coalesce(sum(total_staff), 0) as bigint), cast(coalesce(sum(certified_staff), 0) as bigint), cast(coalesce(sum(is_demo), 0) as bigint)
    from service_units u{keys}
    group by regency_code, province_code, kind";
const UNIT_KEYS: &str = " where u.regency_code in (select code from summary_dirty where kind = 'units')";
const UNIT_COLUMNS: &str = "regency_code, province_code, kind, units, certified_units, staff, certified_staff, demo_units";

/// Each kab/kota's part in its province's trainings per year: the events that name it in their breakdown
/// (with its count where given) and those held for every kab/kota of the province (a kab/kota named too is
/// counted once, with its count).
const PART_ROWS: &str = "select x.regency_code, x.province_code, x.year, count(*),
        cast(coalesce(sum(x.participants), 0) as bigint), count(x.participants), cast(coalesce(sum(x.is_demo), 0) as bigint)
    from (
        select b.regency_code, e.province_code, e.year, b.participants, e.is_demo
        from training_events e join training_participants_by_regency b on b.event_id = e.id
        where e.organiser_level = 'province'{keys}
        union all
        select r.code, e.province_code, e.year, null, e.is_demo
        from training_events e join regions r on r.province_code = e.organiser_code
        where e.organiser_level = 'province' and e.all_regencies = 1{keys}
          and not exists (select 1 from training_participants_by_regency n where n.event_id = e.id and n.regency_code = r.code)
    ) x
    group by x.regency_code, x.province_code, x.year";
const PART_KEYS: &str = " and (e.province_code, e.year) in (select code, year from summary_dirty where kind = 'provincial')";
const PART_COLUMNS: &str = "regency_code, province_code, year, events, participants_sum, participants_n, demo_events";

/// One summary table: its name, its columns, the rows recomputed from the base tables (with `{keys}` where
/// the noted keys narrow them), that narrowing, and how a stale row is found for its noted key.
struct Summary {
    /// The kind of note that makes its rows stale.
    kind: &'static str,
    table: &'static str,
    columns: &'static str,
    rows: &'static str,
    keys: &'static str,
    stale: &'static str,
    order: &'static str,
}

const SUMMARIES: [Summary; 4] = [
    Summary {
        kind: "training",
        table: "training_summary",
        columns: TRAINING_COLUMNS,
        rows: TRAINING_ROWS,
        keys: TRAINING_KEYS,
        stale: "(organiser_code, year) in (select code, year from summary_dirty where kind = 'training')",
        order: "organiser_code, year",
    },
    Summary {
        kind: "training",
        table: "test_summary",
        columns: TEST_COLUMNS,
        rows: TEST_ROWS,
        keys: TRAINING_KEYS,
        stale: "(organiser_code, year) in (select code, year from summary_dirty where kind = 'training')",
        order: "organiser_code, year, kind",
    },
    Summary {
        kind: "units",
        table: "unit_summary",
        columns: UNIT_COLUMNS,
        rows: UNIT_ROWS,
        keys: UNIT_KEYS,
        stale: "regency_code in (select code from summary_dirty where kind = 'units')",
        order: "regency_code, kind",
    },
    Summary {
        kind: "provincial",
        table: "provincial_part_summary",
        columns: PART_COLUMNS,
        rows: PART_ROWS,
        keys: PART_KEYS,
        stale: "(province_code, year) in (select code, year from summary_dirty where kind = 'provincial')",
        order: "regency_code, year",
    },
];

/// What a settle did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Settled {
    /// Summary keys recomputed (and evaluation or predicate keys whose pages were refreshed).
    pub keys: i64,
}

/// Recomputes the summary rows of every noted key from the base tables and bumps the versions of the regions
/// that show them, then forgets the notes. Run inside the write's transaction, just before it commits.
pub async fn settle(conn: &mut AnyConnection) -> Result<Settled, sqlx::Error> {
    let kinds: Vec<(String, i64)> = sqlx::query_as("select kind, count(*) from summary_dirty group by kind").fetch_all(&mut *conn).await?;
    if kinds.is_empty() {
        return Ok(Settled::default());
    }
    let keys = kinds.iter().map(|(_, n)| n).sum();
    // First the versions: on PostgreSQL this waits for any other writer of the same regions to commit, so the
    // recomputation below (a new statement, so a new snapshot) sees every write committed before this one.
    sqlx::query(BUMP_VERSIONS).execute(&mut *conn).await?;
    // Only the summaries a note names, and only their noted keys (read through the base tables' indexes).
    for s in SUMMARIES.iter().filter(|s| kinds.iter().any(|(k, _)| k == s.kind)) {
        let delete = format!("delete from {} where {}", s.table, s.stale);
        sqlx::query(sqlx::AssertSqlSafe(delete)).execute(&mut *conn).await?;
        let insert = format!("insert into {} ({}) {}", s.table, s.columns, s.rows.replace("{keys}", s.keys));
        sqlx::query(sqlx::AssertSqlSafe(insert)).execute(&mut *conn).await?;
    }
    sqlx::query("delete from summary_dirty").execute(&mut *conn).await?;
    Ok(Settled { keys })
}

/// Settles the transaction's writes and commits it: how every write path ends (each begins with
/// [`crate::db::begin`]).
pub async fn commit(mut tx: Transaction<'static, Any>) -> Result<(), sqlx::Error> {
    settle(&mut tx).await?;
    tx.commit().await
}

/// Settles notes a write committed without settling (SQL by hand, or a database just migrated), in a
/// transaction of its own. One at a time per process: the others wait, then find nothing left.
pub async fn settle_pending(pool: &AnyPool) -> Result<Settled, sqlx::Error> {
    static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());
    let _turn = ONE_AT_A_TIME.lock().await;
    let mut tx = crate::db::begin(pool).await?;
    let settled = settle(&mut tx).await?;
    tx.commit().await?;
    if settled.keys > 0 {
        tracing::info!(keys = settled.keys, "settled summary keys a write left noted");
    }
    Ok(settled)
}

/// The version of a region's pages (`NATIONAL` for the national ones): it changes in the transaction of any
/// write those pages show, and only then. Notes left by a write that did not settle are settled first.
pub async fn version(pool: &AnyPool, code: &str) -> Result<i64, sqlx::Error> {
    const SQL: &str = "select coalesce((select version from region_version where code = $1), 0) as version,
        (select count(*) from (select 1 from summary_dirty limit 1) d) as pending";
    let row = sqlx::query(SQL).bind(code).fetch_one(pool).await?;
    if row.try_get::<i64, _>("pending")? == 0 {
        return row.try_get("version");
    }
    settle_pending(pool).await?;
    sqlx::query_scalar("select coalesce((select version from region_version where code = $1), 0)").bind(code).fetch_one(pool).await
}

/// Every summary key the records hold (what migration 0006 notes for rows already there).
const MARK_ALL: [&str; 3] = [
    "insert into summary_dirty (kind, code, year) select distinct 'training', organiser_code, year from training_events",
    "insert into summary_dirty (kind, code, year) select distinct 'provincial', province_code, year from training_events where organiser_level = 'province'",
    "insert into summary_dirty (kind, code, year) select distinct 'units', regency_code, 0 from service_units",
];

/// Rebuilds every summary from the records in one transaction (`pantau-kla check --repair`): empties them,
/// notes every key the records hold and settles, which also refreshes every page that shows them.
pub async fn rebuild(pool: &AnyPool) -> Result<Settled, sqlx::Error> {
    let mut tx = crate::db::begin(pool).await?;
    sqlx::query("delete from summary_dirty").execute(&mut *tx).await?;
    for s in &SUMMARIES {
        sqlx::query(sqlx::AssertSqlSafe(format!("delete from {}", s.table))).execute(&mut *tx).await?;
    }
    for mark in MARK_ALL {
        sqlx::query(mark).execute(&mut *tx).await?;
    }
    let settled = settle(&mut tx).await?;
    tx.commit().await?;
    Ok(settled)
}

/// A summary row that differs from its recomputation: the table, the row as stored (or `None`), the row
/// recomputed (or `None`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Difference {
    pub table: &'static str,
    pub stored: Option<String>,
    pub recomputed: Option<String>,
}

impl std::fmt::Display for Difference {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let show = |r: &Option<String>| r.clone().unwrap_or_else(|| "—".to_string());
        write!(f, "{}: tersimpan {} · dihitung ulang {}", self.table, show(&self.stored), show(&self.recomputed))
    }
}

fn row_text(row: &AnyRow, columns: usize) -> Result<String, sqlx::Error> {
    let mut parts = Vec::with_capacity(columns);
    for i in 0..columns {
        // Sums of test means are decimals; compared to a millionth, so that the order the rows were added in
        // (which may differ between a settle and the recomputation) cannot make them differ.
        parts.push(match row.try_get::<i64, _>(i) {
            Ok(n) => n.to_string(),
            Err(_) => match row.try_get::<f64, _>(i) {
                Ok(x) => format!("{x:.6}"),
                Err(_) => row.try_get::<String, _>(i)?,
            },
        });
    }
    Ok(parts.join(","))
}

/// Recomputes every summary from the base tables and compares it with what is stored (after settling any
/// notes left by a write that did not): an empty list means the summaries are exact. Reads every base row,
/// so it is for `pantau-kla check` and the tests, never for a page.
pub async fn check(pool: &AnyPool) -> Result<Vec<Difference>, sqlx::Error> {
    settle_pending(pool).await?;
    let mut out = Vec::new();
    for s in &SUMMARIES {
        let n = s.columns.split(',').count();
        let stored: Vec<AnyRow> =
            sqlx::query(sqlx::AssertSqlSafe(format!("select {} from {} order by {}", s.columns, s.table, s.order))).fetch_all(pool).await?;
        let fresh: Vec<AnyRow> =
            sqlx::query(sqlx::AssertSqlSafe(format!("{} order by 1, 2, 3", s.rows.replace("{keys}", "")))).fetch_all(pool).await?;
        let stored: std::collections::BTreeSet<String> = stored.iter().map(|r| row_text(r, n)).collect::<Result<_, _>>()?;
        let fresh: std::collections::BTreeSet<String> = fresh.iter().map(|r| row_text(r, n)).collect::<Result<_, _>>()?;
        for row in stored.difference(&fresh) {
            out.push(Difference { table: s.table, stored: Some(row.clone()), recomputed: None });
        }
        for row in fresh.difference(&stored) {
            out.push(Difference { table: s.table, stored: None, recomputed: Some(row.clone()) });
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_recomputation_is_narrowed_to_noted_keys() {
        for s in &SUMMARIES {
            assert!(s.rows.contains("{keys}") && s.keys.contains("summary_dirty"), "{}", s.table);
            assert!(s.stale.contains(&format!("kind = '{}'", s.kind)) && s.keys.contains(&format!("kind = '{}'", s.kind)), "{}", s.table);
        }
    }
}
