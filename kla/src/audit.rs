//! The audit trail: every create, update and delete of a record or an account, with who, when, how, and the
//! values before and after. Written in the same transaction as the change it describes; never edited.

use crate::domain::RegionCode;
use serde_json::{Map, Value};
use sqlx::{AnyConnection, AnyPool};

/// Who made a change: a signed-in user, or the command line.
#[derive(Debug, Clone)]
pub struct Actor {
    pub user_id: Option<i64>,
    pub name: String,
}

impl Actor {
    pub fn user(u: &crate::auth::User) -> Self {
        Self { user_id: Some(u.id), name: u.username.clone() }
    }
    /// The command line (`pantau-kla import`, `pantau-kla user add`), run by whoever has the server's shell.
    pub fn cli() -> Self {
        Self { user_id: None, name: "cli".into() }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    Form,
    Import,
    Cli,
    Account,
}

impl Via {
    pub fn as_str(self) -> &'static str {
        match self {
            Via::Form => "form",
            Via::Import => "import",
            Via::Cli => "cli",
            Via::Account => "account",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Create,
    Update,
    Delete,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Create => "create",
            Action::Update => "update",
            Action::Delete => "delete",
        }
    }
}

/// One change to record.
pub struct Change<'a> {
    pub action: Action,
    pub entity: &'static str,
    pub record_id: i64,
    pub region: Option<RegionCode>,
    pub old: Option<&'a Map<String, Value>>,
    pub new: Option<&'a Map<String, Value>>,
}

pub async fn record(conn: &mut AnyConnection, actor: &Actor, via: Via, change: Change<'_>) -> Result<(), sqlx::Error> {
    let now = chrono::Utc::now();
    sqlx::query(
        "insert into audit_log (at, at_text, user_id, actor, via, action, entity, record_id, region_code, province_code,
             old_values, new_values)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
    )
    .bind(now.timestamp())
    .bind(now.format("%Y-%m-%dT%H:%M:%SZ").to_string())
    .bind(actor.user_id)
    .bind(&actor.name)
    .bind(via.as_str())
    .bind(change.action.as_str())
    .bind(change.entity)
    .bind(change.record_id)
    .bind(change.region.map(|r| r.to_string()))
    .bind(change.region.map(|r| r.province().to_string()))
    .bind(change.old.map(|m| Value::Object(m.clone()).to_string()))
    .bind(change.new.map(|m| Value::Object(m.clone()).to_string()))
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Records the creation of many records at once (an import), several hundred entries per statement.
pub async fn record_created(
    conn: &mut AnyConnection,
    actor: &Actor,
    via: Via,
    entity: &'static str,
    created: &[(i64, RegionCode, &Map<String, Value>)],
) -> Result<(), sqlx::Error> {
    use crate::db::writes::{Placeholders, multi_row_sql};
    const COLUMNS: usize = 11;
    let now = chrono::Utc::now();
    let at_text = now.format("%Y-%m-%dT%H:%M:%SZ").to_string();
    let style = Placeholders::of(conn);
    for chunk in created.chunks(500) {
        let sql = multi_row_sql(
            "insert into audit_log (at, at_text, user_id, actor, via, action, entity, record_id, region_code, province_code, new_values)",
            COLUMNS,
            chunk.len(),
            "",
            style,
            &[],
        );
        // Safe: the SQL holds only fixed column names and placeholders.
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for (id, region, values) in chunk {
            q = q
                .bind(now.timestamp())
                .bind(at_text.clone())
                .bind(actor.user_id)
                .bind(actor.name.clone())
                .bind(via.as_str())
                .bind(Action::Create.as_str())
                .bind(entity)
                .bind(*id)
                .bind(region.to_string())
                .bind(region.province().to_string())
                .bind(Value::Object((*values).clone()).to_string());
        }
        q.execute(&mut *conn).await?;
    }
    Ok(())
}

/// One entry as read back for the history views.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Entry {
    pub id: i64,
    pub at_text: String,
    pub actor: String,
    pub via: String,
    pub action: String,
    pub entity: String,
    pub record_id: i64,
    pub region_code: Option<String>,
    pub old_values: Option<String>,
    pub new_values: Option<String>,
}

impl Entry {
    fn values(text: &Option<String>) -> Map<String, Value> {
        text.as_deref().and_then(|t| serde_json::from_str::<Map<String, Value>>(t).ok()).unwrap_or_default()
    }
    /// The fields this entry changed: (field, old, new), in the order of `columns` (all fields when empty).
    pub fn changes(&self, columns: &[&str]) -> Vec<(String, String, String)> {
        let (old, new) = (Self::values(&self.old_values), Self::values(&self.new_values));
        let text = |m: &Map<String, Value>, k: &str| m.get(k).and_then(Value::as_str).unwrap_or("").to_string();
        // Records of the evaluation have no fixed columns: their entries list every key they carry.
        let keys: Vec<String> = if columns.is_empty() {
            old.keys().chain(new.keys()).fold(Vec::new(), |mut v, k| {
                if !v.contains(k) {
                    v.push(k.clone());
                }
                v
            })
        } else {
            columns.iter().map(std::string::ToString::to_string).collect()
        };
        keys.into_iter().map(|c| (c.clone(), text(&old, &c), text(&new, &c))).filter(|(_, o, n)| o != n).collect()
    }
}

const ENTRY_COLUMNS: &str = "id, at_text, actor, via, action, entity, record_id, region_code, old_values, new_values";

/// The history of one record, newest first.
pub async fn for_record(pool: &AnyPool, entity: &str, record_id: i64) -> Result<Vec<Entry>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "select {ENTRY_COLUMNS} from audit_log where entity = $1 and record_id = $2 order by id desc"
    )))
    .bind(entity)
    .bind(record_id)
    .fetch_all(pool)
    .await
}

/// The latest changes to records of a region (a province code includes its regencies), newest first.
pub async fn for_region(pool: &AnyPool, region: RegionCode, limit: i64) -> Result<Vec<Entry>, sqlx::Error> {
    let (column, code) = match region {
        RegionCode::Province(_) => ("province_code", region.to_string()),
        RegionCode::Regency(..) => ("region_code", region.to_string()),
    };
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "select {ENTRY_COLUMNS} from audit_log where {column} = $1 and entity <> 'user' order by id desc limit $2"
    )))
    .bind(code)
    .bind(limit)
    .fetch_all(pool)
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_list_only_the_fields_that_differ() {
        let e = Entry {
            id: 1,
            at_text: String::new(),
            actor: "rina".into(),
            via: "form".into(),
            action: "update".into(),
            entity: "service_unit".into(),
            record_id: 7,
            region_code: Some("63.10".into()),
            old_values: Some(r#"{"name":"PAUD Melati","total_staff":"4"}"#.into()),
            new_values: Some(r#"{"name":"PAUD Melati","total_staff":"5"}"#.into()),
        };
        assert_eq!(e.changes(&["name", "total_staff"]), vec![("total_staff".to_string(), "4".to_string(), "5".to_string())]);
    }
}
