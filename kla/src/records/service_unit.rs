//! Service units as a [`Record`]: a regency's units with their staff counts, listed by kind and name.

use super::{Arg, Choices, Entity, Record, Stored, Valid, Values, bind_arg, put, stored};
use crate::audit::Actor;
use crate::db::RegionRegistry;
use crate::db::writes::{self, BatchError, WriteError};
use crate::domain::service_unit::ServiceUnitInput;
use crate::domain::{FieldErrors, PredicateBands, ProviderKind, RegionCode, RegionLevel, ServiceUnit};
use crate::i18n::{Lang, tr};
use sqlx::AnyConnection;

const COLUMNS: &[&str] =
    &["regency_code", "kind", "name", "total_staff", "certified_staff", "latest_certificate_year", "certificate_issuer"];

fn kinds() -> Vec<&'static str> {
    ProviderKind::ALL.iter().map(|k| k.as_str()).collect()
}

#[derive(sqlx::FromRow)]
struct UnitRow {
    id: i64,
    regency_code: String,
    kind: String,
    name: String,
    total_staff: i64,
    certified_staff: i64,
    latest_certificate_year: Option<i64>,
    certificate_issuer: String,
    is_demo: i64,
}

const SELECT: &str = "select id, regency_code, kind, name, total_staff, certified_staff, latest_certificate_year,
    certificate_issuer, is_demo from service_units";

fn values(r: &UnitRow) -> Values {
    let mut m = Values::new();
    put(&mut m, "regency_code", &r.regency_code);
    put(&mut m, "kind", &r.kind);
    put(&mut m, "name", &r.name);
    put(&mut m, "total_staff", r.total_staff.to_string());
    put(&mut m, "certified_staff", r.certified_staff.to_string());
    put(&mut m, "latest_certificate_year", r.latest_certificate_year.map(|y| y.to_string()).unwrap_or_default());
    put(&mut m, "certificate_issuer", &r.certificate_issuer);
    m
}

impl Record for ServiceUnit {
    const ENTITY: Entity = Entity::ServiceUnit;
    const SLUG: &'static str = "unit";
    const AUDIT_NAME: &'static str = "service_unit";
    const NAME: &'static str = "ServiceUnits";
    const TABLE: &'static str = "service_units";
    const COLUMNS: &'static [&'static str] = COLUMNS;
    const REGION_COLUMN: &'static str = "regency_code";
    const REGION_LEVEL: Option<RegionLevel> = Some(RegionLevel::Regency);
    const REQUIRED: &'static [&'static str] = &["regency_code", "kind", "name", "total_staff", "certified_staff"];
    const SUMMARY_COLUMNS: [&'static str; 4] = ["name", "kind", "total_staff", "certified_staff"];
    const KIND_CHOICES: Option<Choices> = Some((kinds, "provider"));
    const DUPLICATE_COLUMN: &'static str = "name";
    const LIST_ORDER: &'static str = "regency_code, kind, name, id";

    type Input = ServiceUnitInput;
    type Key = (RegionCode, ProviderKind, String);

    fn parse(input: ServiceUnitInput, _: &PredicateBands) -> Result<Self, FieldErrors> {
        input.parse()
    }
    fn region(&self) -> RegionCode {
        self.regency
    }
    fn region_codes(&self) -> Vec<(&'static str, RegionCode)> {
        vec![("regency_code", self.regency)]
    }
    fn duplicate_key(&self) -> Self::Key {
        (self.regency, self.kind, self.name.to_lowercase())
    }
    fn into_valid(self) -> Valid {
        Valid::ServiceUnit(self)
    }
    fn of_valid(valid: &Valid) -> Option<&Self> {
        if let Valid::ServiceUnit(u) = valid { Some(u) } else { None }
    }
    fn example_row(regency: String, _organiser: String) -> Vec<String> {
        vec![
            regency,
            "puskesmas_ramah_anak".into(),
            "Puskesmas Martapura 1".into(),
            "24".into(),
            "13".into(),
            "2025".into(),
            "DP3A Provinsi".into(),
        ]
    }
    fn summary(lang: Lang, r: &Stored) -> Vec<String> {
        vec![
            r.get("name").to_string(),
            tr(lang, &format!("provider.{}", r.get("kind"))),
            Self::ENTITY.display(lang, "total_staff", r.get("total_staff")),
            Self::ENTITY.display(lang, "certified_staff", r.get("certified_staff")),
        ]
    }

    async fn fetch(conn: &mut AnyConnection, condition: &str, arg: Option<Arg>, order: &str) -> Result<Vec<Stored>, sqlx::Error> {
        // Safe: the condition, order and names come from this module; the only value is bound.
        let sql = format!("{SELECT} where {condition} order by {order}");
        let rows: Vec<UnitRow> = bind_arg(sqlx::query_as(sqlx::AssertSqlSafe(sql)), arg).fetch_all(&mut *conn).await?;
        Ok(rows.into_iter().filter_map(|r| stored(r.id, &r.regency_code, values(&r), r.is_demo)).collect())
    }
    async fn insert(conn: &mut AnyConnection, reg: &RegionRegistry, record: &Self, demo: bool) -> Result<i64, WriteError> {
        writes::insert_service_unit(conn, reg, record, demo).await
    }
    async fn insert_batch(conn: &mut AnyConnection, reg: &RegionRegistry, records: &[Self], demo: bool) -> Result<Vec<i64>, BatchError> {
        writes::insert_service_units(conn, reg, records, demo).await
    }
    async fn update(conn: &mut AnyConnection, reg: &RegionRegistry, id: i64, record: &Self) -> Result<bool, WriteError> {
        writes::update_service_unit(conn, reg, id, record).await
    }
    async fn delete_dependants(conn: &mut AnyConnection, actor: &Actor, id: i64) -> Result<(), sqlx::Error> {
        crate::evaluation::sheet::unlink_record(conn, actor, Self::AUDIT_NAME, id).await?;
        Ok(())
    }
}
