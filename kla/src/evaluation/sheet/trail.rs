//! The audit entry every write on a sheet records: the changed fields as text, with the regency as its region.

use crate::audit::{self, Action, Actor, Change, Via};
use crate::domain::RegionCode;
use serde_json::{Map, Value};
use sqlx::AnyConnection;

pub(super) fn obj(pairs: &[(&str, String)]) -> Map<String, Value> {
    pairs.iter().map(|(k, v)| (k.to_string(), Value::String(v.clone()))).collect()
}

/// Records a change to one row of a sheet: `old` alone is a deletion, `new` alone a creation, both an update.
pub(super) async fn audit_change(
    conn: &mut AnyConnection,
    actor: &Actor,
    entity: &'static str,
    id: i64,
    region: RegionCode,
    old: Option<Map<String, Value>>,
    new: Option<Map<String, Value>>,
) -> Result<(), sqlx::Error> {
    let action = match (&old, &new) {
        (None, Some(_)) => Action::Create,
        (Some(_), None) => Action::Delete,
        _ => Action::Update,
    };
    audit::record(
        conn,
        actor,
        Via::Form,
        Change { action, entity, record_id: id, region: Some(region), old: old.as_ref(), new: new.as_ref() },
    )
    .await
}
