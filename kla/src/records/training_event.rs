//! Training events as a [`Record`]: the organiser's region, the participants' breakdowns by regency and by
//! provider kind read back as the input text (`63.10:25; 63.72:15`), newest events first.

use super::{Arg, Choices, Entity, Record, Stored, Valid, Values, bind_arg, opt_num, put, stored};
use crate::audit::Actor;
use crate::db::RegionRegistry;
use crate::db::writes::{self, BatchError, WriteError};
use crate::domain::training::{ALL_REGENCIES, TrainingEventInput};
use crate::domain::{FieldErrors, PredicateBands, RegionCode, RegionLevel, TrainingEvent, TrainingKind};
use crate::i18n::{Lang, tr};
use chrono::NaiveDate;
use sqlx::AnyConnection;
use std::collections::HashMap;

const COLUMNS: &[&str] = &[
    "organiser_code",
    "title",
    "kind",
    "start_date",
    "end_date",
    "venue",
    "mode",
    "participants_offline",
    "participants_online",
    "institutions",
    "participants_by_regency",
    "participants_by_kind",
    "pre_test_mean",
    "post_test_mean",
    "certificate_issuer",
    "source_url",
    "assessment",
    "programme",
    "facilitators",
    "notes",
];

fn kinds() -> Vec<&'static str> {
    TrainingKind::ALL.iter().map(|k| k.as_str()).collect()
}

#[derive(sqlx::FromRow)]
struct EventRow {
    id: i64,
    organiser_code: String,
    title: String,
    kind: String,
    start_date: String,
    end_date: Option<String>,
    venue: String,
    mode: Option<String>,
    participants_offline: Option<i64>,
    participants_online: Option<i64>,
    institutions: Option<i64>,
    pre_test_mean: Option<f64>,
    post_test_mean: Option<f64>,
    certificate_issuer: String,
    source_url: String,
    is_demo: i64,
    all_regencies: i64,
    assessment: Option<String>,
    programme: String,
    facilitators: String,
    notes: String,
}

const SELECT: &str = "select id, organiser_code, title, kind, start_date, end_date, venue, mode, participants_offline,
    participants_online, institutions, pre_test_mean, post_test_mean, certificate_issuer, source_url, is_demo, all_regencies,
    assessment, programme, facilitators, notes from training_events";
const BY_REGENCY_SQL: &str = "select event_id, regency_code, participants from training_participants_by_regency";
const BY_KIND_SQL: &str = "select event_id, provider_kind, participants from training_participants_by_kind";

fn values(r: &EventRow, by_regency: &str, by_kind: &str) -> Values {
    let mut m = Values::new();
    put(&mut m, "organiser_code", &r.organiser_code);
    put(&mut m, "title", &r.title);
    put(&mut m, "kind", &r.kind);
    put(&mut m, "start_date", &r.start_date);
    put(&mut m, "end_date", r.end_date.as_deref().unwrap_or_default());
    put(&mut m, "venue", &r.venue);
    put(&mut m, "mode", r.mode.as_deref().unwrap_or_default());
    put(&mut m, "participants_offline", opt_int(r.participants_offline));
    put(&mut m, "participants_online", opt_int(r.participants_online));
    put(&mut m, "institutions", opt_int(r.institutions));
    let by_regency = match (r.all_regencies != 0, by_regency.is_empty()) {
        (false, _) => by_regency.to_string(),
        (true, true) => ALL_REGENCIES.to_string(),
        (true, false) => format!("{ALL_REGENCIES}; {by_regency}"),
    };
    put(&mut m, "participants_by_regency", by_regency);
    put(&mut m, "participants_by_kind", by_kind);
    put(&mut m, "pre_test_mean", opt_num(r.pre_test_mean));
    put(&mut m, "post_test_mean", opt_num(r.post_test_mean));
    put(&mut m, "certificate_issuer", &r.certificate_issuer);
    put(&mut m, "source_url", &r.source_url);
    put(&mut m, "assessment", r.assessment.as_deref().unwrap_or_default());
    put(&mut m, "programme", &r.programme);
    put(&mut m, "facilitators", &r.facilitators);
    put(&mut m, "notes", &r.notes);
    m
}

/// A count as its cell: empty when not reported.
fn opt_int(n: Option<i64>) -> String {
    n.map(|n| n.to_string()).unwrap_or_default()
}

/// Breakdowns of the given events as the input text (`63.10:25; 63.72:15`), by event id.
async fn breakdowns(conn: &mut AnyConnection, table_sql: &str, ids: &[i64]) -> Result<HashMap<i64, String>, sqlx::Error> {
    let mut out: HashMap<i64, String> = HashMap::new();
    for chunk in ids.chunks(500) {
        let list = chunk.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
        // Safe: the list holds only integers formatted here.
        let rows: Vec<(i64, String, Option<i64>)> =
            sqlx::query_as(sqlx::AssertSqlSafe(format!("{table_sql} where event_id in ({list}) order by event_id, 2")))
                .fetch_all(&mut *conn)
                .await?;
        for (id, key, n) in rows {
            let s = out.entry(id).or_default();
            if !s.is_empty() {
                s.push_str("; ");
            }
            match n {
                Some(n) => s.push_str(&format!("{key}:{n}")),
                None => s.push_str(&key),
            }
        }
    }
    Ok(out)
}

impl Record for TrainingEvent {
    const ENTITY: Entity = Entity::TrainingEvent;
    const SLUG: &'static str = "kegiatan";
    const AUDIT_NAME: &'static str = "training_event";
    const NAME: &'static str = "TrainingEvents";
    const TABLE: &'static str = "training_events";
    const COLUMNS: &'static [&'static str] = COLUMNS;
    const REGION_COLUMN: &'static str = "organiser_code";
    const REGION_LEVEL: Option<RegionLevel> = None;
    const REQUIRED: &'static [&'static str] = &["organiser_code", "title", "kind", "start_date"];
    const SUMMARY_COLUMNS: [&'static str; 4] = ["start_date", "title", "kind", "participants"];
    const KIND_CHOICES: Option<Choices> = Some((kinds, "training_kind"));
    const DUPLICATE_COLUMN: &'static str = "title";
    const LIST_ORDER: &'static str = "start_date desc, id desc";

    type Input = TrainingEventInput;
    type Key = (RegionCode, String, NaiveDate);

    fn parse(input: TrainingEventInput, _: &PredicateBands) -> Result<Self, FieldErrors> {
        input.parse()
    }
    fn region(&self) -> RegionCode {
        self.organiser
    }
    fn region_codes(&self) -> Vec<(&'static str, RegionCode)> {
        std::iter::once(("organiser_code", self.organiser))
            .chain(self.by_regency.iter().map(|b| ("participants_by_regency", b.key)))
            .collect()
    }
    fn duplicate_key(&self) -> Self::Key {
        (self.organiser, self.title.to_lowercase(), self.start_date)
    }
    fn into_valid(self) -> Valid {
        Valid::TrainingEvent(Box::new(self))
    }
    fn of_valid(valid: &Valid) -> Option<&Self> {
        if let Valid::TrainingEvent(e) = valid { Some(e.as_ref()) } else { None }
    }
    fn example_row(regency: String, organiser: String) -> Vec<String> {
        vec![
            organiser,
            "Pelatihan KHA bagi guru PAUD".into(),
            "pelatihan".into(),
            "2026-03-10".into(),
            "2026-03-12".into(),
            "Aula DP3A".into(),
            "luring".into(),
            "40".into(),
            "0".into(),
            "25".into(),
            format!("{regency}:40"),
            "paud:25; sekolah_ramah_anak:15".into(),
            "55.5".into(),
            "78.25".into(),
            "DP3A Provinsi".into(),
            String::new(),
            "pre_post".into(),
            String::new(),
            String::new(),
            String::new(),
        ]
    }
    fn summary(lang: Lang, r: &Stored) -> Vec<String> {
        vec![
            r.get("start_date").to_string(),
            r.get("title").to_string(),
            tr(lang, &format!("training_kind.{}", r.get("kind"))),
            match crate::domain::training::known_sum(r.get("participants_offline").parse().ok(), r.get("participants_online").parse().ok())
            {
                Some(n) => crate::format::int(n, lang),
                None => tr(lang, "figure.not_reported"),
            },
        ]
    }

    async fn fetch(conn: &mut AnyConnection, condition: &str, arg: Option<Arg>, order: &str) -> Result<Vec<Stored>, sqlx::Error> {
        // Safe: the condition, order and names come from this module; the only value is bound.
        let sql = format!("{SELECT} where {condition} order by {order}");
        let rows: Vec<EventRow> = bind_arg(sqlx::query_as(sqlx::AssertSqlSafe(sql)), arg).fetch_all(&mut *conn).await?;
        let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
        let by_regency = breakdowns(conn, BY_REGENCY_SQL, &ids).await?;
        let by_kind = breakdowns(conn, BY_KIND_SQL, &ids).await?;
        let none = String::new();
        Ok(rows
            .iter()
            .filter_map(|r| {
                let v = values(r, by_regency.get(&r.id).unwrap_or(&none), by_kind.get(&r.id).unwrap_or(&none));
                stored(r.id, &r.organiser_code, v, r.is_demo)
            })
            .collect())
    }
    async fn insert(conn: &mut AnyConnection, reg: &RegionRegistry, record: &Self, demo: bool) -> Result<i64, WriteError> {
        writes::insert_training_event(conn, reg, record, demo).await
    }
    async fn insert_batch(conn: &mut AnyConnection, reg: &RegionRegistry, records: &[Self], demo: bool) -> Result<Vec<i64>, BatchError> {
        writes::insert_training_events(conn, reg, records, demo).await
    }
    async fn update(conn: &mut AnyConnection, reg: &RegionRegistry, id: i64, record: &Self) -> Result<bool, WriteError> {
        writes::update_training_event(conn, reg, id, record).await
    }
    async fn delete_dependants(conn: &mut AnyConnection, actor: &Actor, id: i64) -> Result<(), sqlx::Error> {
        // Foreign keys cascade on both engines, but saying it keeps SQLite without `foreign_keys` right too.
        sqlx::query("delete from training_participants_by_regency where event_id = $1").bind(id).execute(&mut *conn).await?;
        sqlx::query("delete from training_participants_by_kind where event_id = $1").bind(id).execute(&mut *conn).await?;
        crate::evaluation::sheet::unlink_record(conn, actor, Self::AUDIT_NAME, id).await?;
        Ok(())
    }
}
